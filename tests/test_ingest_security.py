"""Hostile inputs: each is refused (or handled) with a clear French message, nothing written."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.intake import ingest, receiving
from centrale.intake.folder import ensure_sources_folder
from centrale.render.excel import workbook_bytes
from tests.ingest_files import MONTH_OF_ORDERS

ORDERS_HEADER = (
    "n° de commande;commune;solution;date d'envoi du bon de commande;date d'attribution;"
    "adjudicataire;montant HTVA;statut\n"
)


@pytest.fixture
def workspace(demo_db, test_settings):
    """Settings whose store is a copy of the demo store and whose sources are seeded."""
    shutil.copy(demo_db, test_settings.db_path)
    ensure_sources_folder(test_settings)
    return test_settings


def _snapshot(settings) -> tuple[bytes, dict[str, bytes]]:
    """The store's bytes and every file under the sources folder (hidden ones too)."""
    folder = settings.sources_dir
    files = {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
    return settings.db_path.read_bytes(), files


def _refused(settings, name: str, data: bytes, match: str) -> None:
    before = _snapshot(settings)
    with pytest.raises(ingest.UploadRefused, match=match):
        ingest.receive_upload(settings, name, data)
    assert _snapshot(settings) == before


def _zip_bomb_xlsx() -> bytes:
    """A real .xlsx skeleton whose sheet inflates to 210 MB (about 200 kB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        block = b" " * (1024 * 1024)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(210):
                sheet.write(block)
    return buffer.getvalue()


def test_xlsx_zip_bomb_is_refused_before_parsing(workspace):
    bomb = _zip_bomb_xlsx()
    assert len(bomb) < 2 * 1024 * 1024
    _refused(workspace, "commandes-bombe.xlsx", bomb, "bombe zip")


def test_xlsx_with_too_many_parts_is_refused(workspace):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(3000):
            archive.writestr(f"xl/worksheets/s{i}.xml", "")
    _refused(workspace, "commandes.xlsx", buffer.getvalue(), "anormalement volumineux")


def test_100_mb_csv_is_refused_by_size_before_reading(workspace, tmp_path, monkeypatch):
    big = tmp_path / "commandes-enorme.csv"
    line = "CA-9999-001;Bertrix;EGUICHET;01/10/2026;15/10/2026;Numéria SRL;12 000,00;attribué\n"
    block = (line * (1024 * 1024 // len(line) + 1)).encode("utf-8")[: 1024 * 1024]
    with open(big, "wb") as handle:
        handle.write(ORDERS_HEADER.encode("utf-8"))
        for _ in range(100):
            handle.write(block)
    assert big.stat().st_size > 100 * 1024 * 1024
    real_read = Path.read_bytes

    def guarded(path):
        assert Path(path) != big, "the file was read before its size was checked"
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    before = _snapshot(workspace)
    with pytest.raises(ingest.UploadRefused, match=r"trop volumineux \(100\.0 Mo\).*20 Mo"):
        ingest.receive_file(workspace, big)
    assert _snapshot(workspace) == before


def test_size_cap_follows_the_setting(workspace):
    small = dataclasses.replace(workspace, max_upload_bytes=1024)
    _refused(small, "commandes.csv", MONTH_OF_ORDERS * 10, "trop volumineux")


@pytest.mark.parametrize(
    ("name", "data", "match"),
    [
        ("commandes.csv", os.urandom(4096) + b"\x00" * 64, "contenu binaire"),
        ("commandes.csv", b"\x89PNG\r\n\x1a\n" + b"\x01\x02" * 500, "contenu binaire"),
        ("commandes.csv", (REPO_ROOT / "data/sample/orders.xlsx").read_bytes(), "binaire"),
        ("commandes.xlsx", MONTH_OF_ORDERS, "pas un classeur Excel"),
        ("commandes.xlsx", b"PK\x03\x04" + os.urandom(2000), "endommagé"),
        ("commandes.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 512, r"« \.xls » non pris en charge"),
        ("commandes.exe", b"MZ" + b"\x00" * 100, "non pris en charge"),
        ("commandes.csv", b"", "vide"),
    ],
)
def test_content_that_is_not_what_the_extension_says_is_refused(workspace, name, data, match):
    _refused(workspace, name, data, match)


def test_binary_csv_through_the_page_shows_a_french_refusal(workspace, monkeypatch):
    monkeypatch.setenv("CENTRALE_DB", str(workspace.db_path))
    monkeypatch.setenv("CENTRALE_SOURCES", str(workspace.sources_dir))
    monkeypatch.setenv("CENTRALE_USERS", str(workspace.sources_dir.parent / "no-users.toml"))
    before = _snapshot(workspace)
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "data.py"), default_timeout=60).run()
    at.file_uploader[0].set_value(("commandes.csv", os.urandom(2048) + b"\x00", "text/csv"))
    at.run()
    assert not at.exception
    assert "Fichier refusé" in at.error[0].value and "contenu binaire" in at.error[0].value
    assert not [b for b in at.button if b.label == "Appliquer"]
    assert _snapshot(workspace) == before


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../x.csv", "x.csv"),
        ("..\\..\\Windows\\x.csv", "x.csv"),
        ("/etc/cron.d/commandes.csv", "commandes.csv"),
        ("commandes\x00.csv", "commandes.csv"),
        ("....csv", "csv"),
    ],
)
def test_uploaded_names_are_only_shown_never_used_as_paths(sent, shown):
    assert receiving.clean_display_name(sent) == shown


def test_path_traversal_name_writes_nothing_outside_the_sources(workspace, tmp_path):
    outside = workspace.sources_dir.parent.parent / "x.csv"
    before = _snapshot(workspace)
    upload = ingest.receive_upload(workspace, "../../x.csv", MONTH_OF_ORDERS)
    assert upload.kind == "orders"  # from the headers: the name says nothing
    assert "/" not in upload.safe_name and upload.safe_name.startswith("orders-")
    preview = ingest.preview_upload(workspace, upload)
    assert preview.ok, preview.validated.errors
    assert _snapshot(workspace) == before and not outside.exists()
    ingest.apply_upload(workspace, preview, "test")
    assert (workspace.sources_dir / upload.safe_name).read_bytes() == MONTH_OF_ORDERS
    assert not outside.exists() and not (tmp_path / "x.csv").exists()


def test_commune_with_sql_quotes_is_an_unknown_commune_and_nothing_is_written(workspace):
    hostile = "Bertrix'; DROP TABLE orders; --"
    data = (
        ORDERS_HEADER
        + f'CA-2026-301;"{hostile}";EGUICHET;01/10/2026;15/10/2026;Numéria SRL;100,00;attribué\n'
    ).encode("utf-8")
    before = _snapshot(workspace)
    preview = ingest.preview_upload(
        workspace, ingest.receive_upload(workspace, "commandes.csv", data)
    )
    assert not preview.ok
    [problem] = preview.validated.errors
    assert problem.value == hostile and problem.row == 2
    assert problem.message.startswith("commune inconnue : attendu un nom de commune")
    with pytest.raises(ingest.ApplyRefused, match="erreurs"):
        ingest.apply_upload(workspace, preview, "test")
    assert _snapshot(workspace) == before
    with duckdb.connect(str(workspace.db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == 82


def test_text_with_sql_quotes_is_stored_exactly(workspace):
    project = "Salle « l'Escale » ; DROP TABLE subsidies; --"
    data = (
        "appel à projets;année;bénéficiaire;projet;montant\n"
        f'Appel test;2026;Bertrix;"{project}";1 000,00\n'
    ).encode()
    preview = ingest.preview_upload(
        workspace, ingest.receive_upload(workspace, "subsides.csv", data)
    )
    assert preview.ok, preview.validated.errors
    ingest.apply_upload(workspace, preview, "test")
    with duckdb.connect(str(workspace.db_path), read_only=True) as con:
        stored = con.execute(
            "SELECT project FROM subsidies WHERE call = ?", ["Appel test"]
        ).fetchall()
    assert stored == [(project,)]


FORMULAS = ['=HYPERLINK("http://exemple.invalid","clic")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0"]


def test_formula_cells_load_as_text_and_are_neutralised_on_export(workspace):
    rows = "".join(
        f'2026;Attert;Besoin test {i};2;2027;;10/03/2026;"{f.replace(chr(34), chr(34) * 2)}";x\n'
        for i, f in enumerate(FORMULAS)
    )
    data = (
        "année;commune;besoin;priorité;horizon;budget;date de réponse;répondant;commentaire\n"
        + rows
    ).encode("utf-8")
    preview = ingest.preview_upload(
        workspace, ingest.receive_upload(workspace, "enquete.csv", data)
    )
    assert preview.ok, preview.validated.errors
    added = preview.diff["survey_answers"].added
    assert sorted(added["respondent"]) == sorted(FORMULAS)
    ingest.apply_upload(workspace, preview, "test")
    with duckdb.connect(str(workspace.db_path), read_only=True) as con:
        stored = con.execute(
            "SELECT respondent FROM survey_answers WHERE need_label LIKE 'Besoin test%' "
            "ORDER BY need_label"
        ).df()
    assert stored["respondent"].tolist() == FORMULAS  # text, exactly as written
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"Réponses": stored})))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s", "s", "s"]  # never a formula
    assert [c.value for c in cells] == ["'" + f for f in FORMULAS]


def test_error_list_export_neutralises_hostile_values(workspace):
    data = (ORDERS_HEADER + '=1+2;=HYPERLINK("http://x");EGUICHET;01/10/2026;;;;envoyé\n').encode(
        "utf-8"
    )
    preview = ingest.preview_upload(
        workspace, ingest.receive_upload(workspace, "commandes.csv", data)
    )
    assert not preview.ok
    table = ingest.problems_frame(preview.validated.errors)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"Erreurs": table})))
    values = [c.value for row in book.active.iter_rows(min_row=2) for c in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert not [c for row in book.active.iter_rows() for c in row if c.data_type == "f"]
