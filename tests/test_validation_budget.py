"""A sent file's whole check (reading *and* validation) has a time and memory budget,
and one rule lists at most MAX_PER_RULE rows per file (« et 4 000 autres lignes »).

A workbook inflating to 95 MB once took 88 s against a documented 60 s, reported
1 080 001 problems and left the server at 1.9 GB."""

from __future__ import annotations

import dataclasses
import time

from centrale.intake import ingest
from centrale.sources.report import MAX_PER_RULE
from centrale.storage.build import build_store

HEADER = (
    "n° de commande;commune;solution;date d'envoi du bon de commande;date d'attribution;"
    "adjudicataire;montant HTVA;statut\n"
)


def _orders(rows: int) -> bytes:
    line = "CA-2026-{};Bertrixx;EGUICHET;01/10/2026;15/10/2026;Numéria SRL;12 000,00;attribué\n"
    return (HEADER + "".join(line.format(100000 + i) for i in range(rows))).encode()


def test_one_rule_lists_a_thousand_rows_then_counts_the_others(sources_copy, test_settings):
    build_store(test_settings, sources_copy, test_settings.db_path, progress=lambda _: None)
    upload = ingest.receive_upload(test_settings, "commandes.csv", _orders(5000), "orders")
    preview = ingest.preview_upload(test_settings, upload)
    unknown = [p for p in preview.validated.errors if p.value == "Bertrixx"]
    assert len(unknown) == MAX_PER_RULE
    rests = [p for p in preview.validated.problems if "autres lignes" in p.message]
    commune = [r for r in rests if r.column == "commune"]
    assert len(commune) == 1 and commune[0].file == preview.display_name, rests
    assert (
        commune[0]
        .message.replace("\u202f", " ")
        .replace("\u00a0", " ")
        .startswith("et 4 000 autres lignes")
    ), commune[0].message
    # Every rule is capped the same way: the list stays readable.
    assert len(preview.validated.problems) < 10 * (MAX_PER_RULE + 1)


def test_checking_a_heavy_file_stops_at_its_time_budget(sources_copy, test_settings):
    build_store(test_settings, sources_copy, test_settings.db_path, progress=lambda _: None)
    settings = dataclasses.replace(test_settings, read_seconds=1.0)
    upload = ingest.receive_upload(settings, "commandes.csv", _orders(150_000), "orders")
    started = time.monotonic()
    preview = ingest.preview_upload(settings, upload)
    took = time.monotonic() - started
    (problem,) = preview.validated.problems
    assert problem.code == "budget_depasse" and "arrêtée après 1 s" in problem.message
    assert problem.file == preview.display_name and not preview.ok
    assert took < 15, took  # the budget, the reference and the diff-free return


def test_checking_a_heavy_file_stops_at_its_memory_budget(sources_copy, test_settings):
    build_store(test_settings, sources_copy, test_settings.db_path, progress=lambda _: None)
    settings = dataclasses.replace(test_settings, read_memory_mb=5, read_seconds=600)
    upload = ingest.receive_upload(settings, "commandes.csv", _orders(150_000), "orders")
    preview = ingest.preview_upload(settings, upload)
    (problem,) = preview.validated.problems
    assert "plus de 5 Mo de mémoire" in problem.message, problem.message
