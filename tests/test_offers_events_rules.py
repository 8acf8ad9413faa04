"""The offers and events (rencontres) kinds: a bad file per rule, hostile cells refused.

Each rule is exercised on the demo sources plus one small file written here,
and the problem must name the file, the Excel row, the French column and the
value, as for every other kind.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from centrale.intake import ingest
from centrale.intake.folder import ensure_sources_folder
from centrale.sources.problems import WARNING
from tests.test_validation_rules import add_csv, find, problems_for

OFFER_HEADER = [
    "n° de commande",
    "prestataire",
    "montant HTVA",
    "points prix",
    "points qualité",
    "date de réception",
    "retenue",
]
EVENT_HEADER = ["date", "type", "intitulé", "commune", "rôles des présents", "nombre de personnes"]


def without_demo_offers(folder):
    (folder / "offers.xlsx").unlink()
    return folder


def test_offer_rules_each_reported_with_row_column_value(sources_copy, reference_data):
    # CA-2019-001: Bertrix, TRAVAUX, sent 11/02/2019, awarded 28/02/2019 to Betterstreet.
    # CA-2026-008: Nassogne, SALLES, sent 16/10/2026, not awarded.
    name = add_csv(
        without_demo_offers(sources_copy),
        "offres_test.csv",
        OFFER_HEADER,
        ["CA-2019-001", "Betterstreet", "20 000,00", "60", "30", "20/02/2019", "oui"],
        ["CA-2019-001", "Voirie Active SRL", "-10", "50", "20", "21/02/2019", "non"],  # amount
        ["CA-2019-001", "Betterstreet", "21 000,00", "55", "30", "20/02/2019", "non"],  # twice
        ["CA-9999-999", "Betterstreet", "1 000,00", "", "", "", "non"],  # unknown order
        ["CA-2019-002", "Inconnu SA", "1 000,00", "", "", "", "non"],  # no framework
        ["CA-2019-003", "Numéria SRL", "1 000,00", "", "", "", "peut-être"],  # yes/no
        ["CA-2026-008", "Agenda Local SRL", "9 000,00", "", "", "20/10/2026", "oui"],  # pending
        ["CA-2019-004", "Numéria SRL", "9 000,00", "-3", "", "", "oui"],  # points < 0
        ["CA-2019-005", "Numéria SRL", "9 000,00", "", "", "01/01/2019", "non"],  # early
    )
    problems = problems_for(sources_copy, reference_data, name)
    amount = find(problems, 3, "montant HTVA")
    assert amount.value == "-10" and "strictement positif" in amount.message
    assert "double" in find(problems, 4, "prestataire").message
    unknown = find(problems, 5, "n° de commande", WARNING)
    assert unknown.value == "CA-9999-999" and "offre ignorée" in unknown.message
    holder = find(problems, 6, "prestataire")
    assert holder.value == "Inconnu SA" and "accord-cadre" in holder.message
    assert "date d'envoi" in holder.message
    chosen = find(problems, 7, "retenue")
    assert chosen.value == "peut-être" and "« oui »" in chosen.message
    pending = find(problems, 8, "retenue")
    assert "pas attribuée" in pending.message
    assert "positifs" in find(problems, 9, "points prix").message
    early = find(problems, 10, "date de réception")
    assert "avant l'envoi" in early.message and early.value == "01/01/2019"
    assert str(holder).startswith(f"Erreur — {name}, ligne 6, colonne « prestataire »")


def test_the_chosen_offer_is_the_order_provider_and_only_one(sources_copy, reference_data):
    # CA-2019-009: Daverdisse, TRAVAUX, awarded to Betterstreet; CA-2019-002:
    # Libramont-Chevigny, TRAVAUX, awarded to Voirie Active SRL.
    name = add_csv(
        without_demo_offers(sources_copy),
        "offres_choix.csv",
        OFFER_HEADER,
        ["CA-2019-001", "Betterstreet", "20 000,00", "", "", "", "oui"],
        ["CA-2019-001", "Voirie Active SRL", "19 000,00", "", "", "", "oui"],  # 2 chosen
        ["CA-2019-009", "Betterstreet", "20 000,00", "", "", "", "non"],  # none chosen
        ["CA-2019-009", "Voirie Active SRL", "19 000,00", "", "", "", "non"],
        ["CA-2019-002", "Betterstreet", "19 000,00", "", "", "", "oui"],  # not the winner
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert "plus d'une offre retenue" in find(problems, 3, "retenue").message
    assert "sans offre retenue" in find(problems, 4, "retenue").message
    wrong = find(problems, 6, "prestataire")
    assert "Voirie Active SRL" in wrong.message and wrong.value == "Betterstreet"


def test_an_awarded_order_without_offers_is_a_warning(sources_copy, reference_data):
    from centrale.sources.discover import list_source_files
    from centrale.sources.validate import validate_files
    from tests.test_validation_rules import TODAY

    folder = without_demo_offers(sources_copy)
    add_csv(
        folder,
        "offres_une.csv",
        OFFER_HEADER,
        ["CA-2019-001", "Betterstreet", "20 000,00", "", "", "", "oui"],
    )
    result = validate_files(list_source_files(folder), reference_data.reference(TODAY))
    assert result.ok, [str(e) for e in result.errors]
    missing = [w for w in result.warnings if "sans aucune offre" in w.message]
    awarded = result.tables["orders"]["awarded_on"].notna().sum()
    assert len(missing) == awarded - 1  # every awarded order but CA-2019-001
    assert all(w.file == "orders.xlsx" and w.level == WARNING for w in missing)
    # Without any offers file, nothing is said: offers are optional.
    (folder / "offres_une.csv").unlink()
    result = validate_files(list_source_files(folder), reference_data.reference(TODAY))
    assert not [w for w in result.warnings if "sans aucune offre" in w.message]


def test_event_rules_each_reported_with_row_column_value(sources_copy, reference_data):
    name = add_csv(
        sources_copy,
        "rencontres_test.csv",
        EVENT_HEADER,
        ["12/03/2025", "visite", "", "Bertrix", "bourgmestre / échevin", "2"],
        ["12/03/2025", "pique-nique", "", "Bertrix", "échevin", "1"],  # kind
        ["12/03/2025", "visite", "", "Charleroi", "échevin", "1"],  # outside
        ["12/03/2025", "visite", "", "Bertrixx", "échevin", "1"],  # unknown commune
        ["12/03/2025", "visite", "", "Attert", "Jean Dupont", "1"],  # a name, not a role
        ["12/03/2025", "visite", "", "Habay", "échevin", "0"],  # people
        ["12/03/2025", "visite", "", "Bertrix", "échevin", "1"],  # duplicate of row 2
        ["le 3 mars", "visite", "", "Arlon", "échevin", "1"],  # date
        ["12/03/2025", "visite", "", "Tellin", "bourgmestre / échevin / agent", "1"],  # warn
    )
    problems = problems_for(sources_copy, reference_data, name)
    kind = find(problems, 3, "type")
    assert kind.value == "pique-nique" and "séance d'information" in kind.message
    assert "hors de la province" in find(problems, 4, "commune").message
    assert "Bertrix" in find(problems, 5, "commune").message
    role = find(problems, 6, "rôles des présents")
    assert role.value == "Jean Dupont" and "jamais le nom d'une personne" in role.message
    assert "au moins 1" in find(problems, 7, "nombre de personnes").message
    assert "double" in find(problems, 8, "commune").message
    assert "jj/mm/aaaa" in find(problems, 9, "date").message
    assert "moins de personnes" in find(problems, 10, "nombre de personnes", WARNING).message
    assert not [p for p in problems if p.row == 2]  # the good row is clean


@pytest.fixture
def workspace(demo_db, test_settings):
    shutil.copy(demo_db, test_settings.db_path)
    ensure_sources_folder(test_settings)
    return test_settings


def _store_rows(settings, table: str) -> int:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_hostile_offer_cells_are_refused_and_nothing_is_written(workspace):
    hostile = "CA-2019-001'; DROP TABLE offers; --"
    data = (
        ";".join(OFFER_HEADER)
        + f'\n"{hostile}";Betterstreet;1 000,00;;;;oui\n'
        + '=HYPERLINK("http://x");Betterstreet;1 000,00;;;;oui\n'
        + 'CA-2019-001;Betterstreet;1 000,00;;;;"\'; DROP TABLE orders; --"\n'
    ).encode("utf-8")
    before = workspace.db_path.read_bytes()
    offers_before = _store_rows(workspace, "offers")
    preview = ingest.preview_upload(workspace, ingest.receive_upload(workspace, "offres.csv", data))
    assert not preview.ok
    unknown = [p for p in preview.validated.warnings if "offre ignorée" in p.message]
    assert {p.value for p in unknown} == {hostile, '=HYPERLINK("http://x")'}
    [chosen] = [p for p in preview.validated.errors if p.column == "retenue"]
    assert chosen.value == "'; DROP TABLE orders; --" and chosen.row == 4
    with pytest.raises(ingest.ApplyRefused, match="erreurs"):
        ingest.apply_upload(workspace, preview, "test")
    assert workspace.db_path.read_bytes() == before
    assert _store_rows(workspace, "offers") == offers_before


def test_hostile_event_cells_are_stored_as_text_or_refused(workspace):
    title = "Réunion « l'Escale » ; DROP TABLE events; --"
    data = (
        ";".join(EVENT_HEADER)
        + f'\n12/03/2026;visite;"{title}";Bertrix;échevin;1\n'
        + "13/03/2026;visite;;Bertrix;=1+2;1\n"
    ).encode("utf-8")
    preview = ingest.preview_upload(
        workspace, ingest.receive_upload(workspace, "rencontres.csv", data)
    )
    assert not preview.ok
    [role] = preview.validated.errors
    assert role.value == "=1+2" and role.row == 3
    # Without the formula row, the quotes are kept exactly as written.
    data = (";".join(EVENT_HEADER) + f'\n12/03/2026;visite;"{title}";Bertrix;échevin;1\n').encode()
    preview = ingest.preview_upload(
        workspace, ingest.receive_upload(workspace, "rencontres.csv", data)
    )
    assert preview.ok, preview.validated.errors
    ingest.apply_upload(workspace, preview, "test")
    with duckdb.connect(str(workspace.db_path), read_only=True) as con:
        stored = con.execute("SELECT title FROM events WHERE held_on = '2026-03-12'").fetchall()
    assert stored == [(title,)]


def test_uploads_are_recognised_by_their_headers():
    offers = (";".join(OFFER_HEADER) + "\nCA-2019-001;Betterstreet;1 000,00;;;;oui\n").encode()
    events = (";".join(EVENT_HEADER) + "\n12/03/2026;visite;;Bertrix;échevin;1\n").encode()
    assert ingest.detect_kind(offers, ".csv") == "offers"
    assert ingest.detect_kind(events, ".csv") == "events"
    orders = (
        "n° de commande;commune;solution;date d'envoi du bon de commande;date d'attribution;"
        "adjudicataire;montant HTVA;statut\nCA-1;Bertrix;TRAVAUX;01/03/2026;;;;envoyé\n"
    ).encode()
    assert ingest.detect_kind(orders, ".csv") == "orders"  # not taken for offers
