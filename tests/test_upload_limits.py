"""Limits in proportion for what people send: a cell too big, a name with control
characters, a file over the limit, a workbook that inflates or takes too long to read.
Each is refused in French, through the real upload path and the real page."""

from __future__ import annotations

import dataclasses
import io
import shutil
import zipfile

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.intake import ingest
from tests.ingest_files import MONTH_OF_ORDERS
from tests.survey_fixtures import tiny_settings

HEADER = "n° de commande;commune;solution;date d'envoi;statut\n"


def _page(demo_db, tmp_path, monkeypatch, **env: str) -> AppTest:
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    monkeypatch.setenv("CENTRALE_DB", str(store))
    monkeypatch.setenv("CENTRALE_SOURCES", str(tmp_path / "sources"))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return AppTest.from_file(str(REPO_ROOT / "pages" / "data.py"), default_timeout=120).run()


def test_a_ten_megabyte_cell_is_a_validation_error_in_french(tmp_path):
    config = tiny_settings(tmp_path)
    data = (HEADER + 'T-9;Arlon;AAA;01/06/2024;"' + "x" * 10_000_000 + '"\n').encode()
    upload = ingest.receive_upload(config, "orders_big.csv", data, "orders")
    preview = ingest.preview_upload(config, upload)
    assert not preview.ok
    assert any("dépasse 128 Ko" in p.message for p in preview.validated.errors)


def test_the_page_shows_the_big_cell_as_a_problem_not_a_crash(demo_db, tmp_path, monkeypatch):
    at = _page(demo_db, tmp_path, monkeypatch)
    data = MONTH_OF_ORDERS + b'CA-2026-103;Arlon;REPAS;05/10/2026;;;1;"' + b"y" * 300_000 + b'"\n'
    at.file_uploader[0].set_value(("commandes-novembre.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("erreur" in e.value for e in at.error)
    assert any("dépasse 128 Ko" in str(d.value) for d in at.dataframe)


@pytest.mark.parametrize("name", ["commandes\x00.csv", "commandes\x07octobre.csv", "a\x1b[31m.csv"])
def test_control_characters_in_a_name_are_refused_in_french(tmp_path, name):
    config = tiny_settings(tmp_path)
    with pytest.raises(ingest.UploadRefused, match="caractères de contrôle"):
        ingest.receive_upload(config, name, MONTH_OF_ORDERS, "orders")


def test_the_page_refuses_a_nul_in_the_name_in_french(demo_db, tmp_path, monkeypatch):
    at = _page(demo_db, tmp_path, monkeypatch)
    at.file_uploader[0].set_value(("commandes\x00octobre.csv", MONTH_OF_ORDERS, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("caractères de contrôle" in e.value for e in at.error)


def test_a_file_over_the_limit_gets_a_french_sentence(demo_db, tmp_path, monkeypatch):
    at = _page(demo_db, tmp_path, monkeypatch, CENTRALE_MAX_UPLOAD_MB="1")
    assert any("Au plus 1 Mo par fichier" in c.value for c in at.caption)
    big = MONTH_OF_ORDERS + b"x" * (1024 * 1024 + 10)
    at.file_uploader[0].set_value(("commandes.csv", big, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("trop volumineux" in e.value and "1 Mo" in e.value for e in at.error)


def _inflating_workbook(xml_bytes: int) -> bytes:
    """A valid .xlsx whose one sheet is `xml_bytes` of XML (it compresses to little)."""
    rows = []
    size, n = 0, 1
    while size < xml_bytes:
        row = f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{"a" * 200}</t></is></c></row>'
        rows.append(row)
        size += len(row)
        n += 1
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
        'formats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(rows)
        + "</sheetData></worksheet>"
    )
    base = io.BytesIO()
    book = openpyxl.Workbook()
    book.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = sheet.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, data)
    return out.getvalue()


def test_a_workbook_inflating_past_a_few_times_the_limit_is_refused(tmp_path):
    config = dataclasses.replace(tiny_settings(tmp_path), max_upload_bytes=1024 * 1024)
    data = _inflating_workbook(6 * 1024 * 1024)  # 6 Mo of XML, over 5 x 1 Mo
    assert len(data) < 1024 * 1024
    with pytest.raises(ingest.UploadRefused, match="bombe zip"):
        ingest.receive_upload(config, "orders.xlsx", data, "orders")


def test_reading_a_sent_workbook_stops_at_its_time_budget(tmp_path):
    config = dataclasses.replace(tiny_settings(tmp_path), read_seconds=0.05)
    data = _inflating_workbook(4 * 1024 * 1024)  # under the inflation guard
    upload = ingest.receive_upload(config, "orders.xlsx", data, "orders")
    preview = ingest.preview_upload(config, upload)
    assert not preview.ok
    # Reading and checking share the budget: whichever step spends it says so.
    assert any("arrêtée après 0.05 s" in p.message for p in preview.validated.errors)
