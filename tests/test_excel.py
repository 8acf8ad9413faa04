"""`centrale.render.excel.workbook_bytes`: what a manager gets when clicking "Télécharger en Excel".

Workbooks are opened back with openpyxl, as Excel would read them: types,
header, frozen row, filter, widths and neutralised formula-like text.
"""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import openpyxl
import pandas as pd
import pytest

from centrale.datasets import queries
from centrale.render.excel import workbook_bytes
from tests.conftest import PRESS_DAY

HOSTILE = ["=1+2", "+33 61 00 00 00", "-2 jours", "@SUM(A1)", "\tcalc", "\rcalc"]


def open_book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def orders_sheet(demo_db):
    """The orders of the press day, exported as the orders page does."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        frame = queries.orders_table(con, PRESS_DAY)
    headers = {
        "order_id": "N° de commande",
        "commune": "Commune",
        "sent_on": "Envoi du bon de commande",
        "awarded_on": "Attribution",
        "amount_eur": "Montant HTVA",
        "lead_days": "Délai (jours)",
    }
    columns = ["order_id", "commune", "sent_on", "awarded_on", "amount_eur", "lead_days"]
    book = open_book(workbook_bytes({"Commandes": frame[columns]}, headers))
    return frame, book["Commandes"]


def test_header_is_french_bold_frozen_and_filtered(orders_sheet):
    frame, sheet = orders_sheet
    header = [c.value for c in sheet[1]]
    assert header == [
        "N° de commande",
        "Commune",
        "Envoi du bon de commande",
        "Attribution",
        "Montant HTVA",
        "Délai (jours)",
    ]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:F{len(frame) + 1}"
    assert sheet.max_row == len(frame) + 1 == 18  # 17 orders sent by 31/01/2020


def test_dates_are_dates_and_numbers_are_numbers(orders_sheet):
    frame, sheet = orders_sheet
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    by_id = {r[0]: r for r in rows}
    bertrix_first = by_id["CA-2019-001"]
    assert bertrix_first[1] == "Bertrix"
    # openpyxl reads an Excel date back as a datetime at midnight.
    assert bertrix_first[2] == dt.datetime(2019, 2, 11)
    assert bertrix_first[3] == dt.datetime(2019, 2, 28)
    expected = frame.set_index("order_id").loc["CA-2019-001", "amount_eur"]
    assert bertrix_first[4] == pytest.approx(float(expected))
    assert bertrix_first[5] == 17
    assert isinstance(bertrix_first[5], int)
    cell = sheet.cell(row=rows.index(bertrix_first) + 2, column=3)
    assert cell.is_date and cell.number_format == "DD/MM/YYYY"
    money = sheet.cell(row=rows.index(bertrix_first) + 2, column=5)
    assert money.data_type == "n" and "€" in money.number_format
    # The pending order (CA-2020-001) has no award: an empty cell, not "NaT" or "None".
    pending = by_id["CA-2020-001"]
    assert pending[3] is None and pending[5] is None
    # The public record: the 16 orders of January 2020 came to 400 000 € in all.
    assert sum(r[4] for r in rows if r[3] is not None) == pytest.approx(400_000)


def test_columns_are_wide_enough_for_what_they_show(orders_sheet):
    _, sheet = orders_sheet
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["C"] >= len("Envoi du bon de commande")  # the header decides
    assert 10 <= widths["D"] <= 16  # a date shows 10 characters, not "2019-02-28 00:00:00"
    assert all(w <= 60 for w in widths.values())


def test_formula_like_text_is_neutralised_and_never_a_formula():
    frame = pd.DataFrame({"comment": HOSTILE + ["texte normal"], "amount_eur": [-5.0] * 7})
    sheet = open_book(workbook_bytes({"Hostile": frame}, {"comment": "=Commentaire"})).active
    assert sheet["A1"].value == "'=Commentaire"  # headers too
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * 7
    assert [c.value for c in cells[:-1]] == ["'" + h for h in HOSTILE]
    assert cells[-1].value == "texte normal"
    # A negative *number* is a number, not text to neutralise.
    amounts = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "n" and c.value == -5.0 for c in amounts)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_awkward_values_still_give_a_valid_workbook():
    frame = pd.DataFrame(
        {
            "text": ["ligne\x0bavec contrôle", None],
            "count": pd.array([3, None], dtype="Int64"),
            "when": [pd.Timestamp("2020-01-31 14:30", tz="Europe/Brussels"), pd.NaT],
            "flag": [True, False],
        }
    )
    sheet = open_book(workbook_bytes({"Divers/[test]": frame})).active
    assert sheet.title == "Divers__test_"
    assert sheet["A2"].value == "ligneavec contrôle"  # the control character is dropped
    assert sheet["A3"].value is None
    assert sheet["B2"].value == 3 and sheet["B3"].value is None
    assert sheet["C2"].value == dt.datetime(2020, 1, 31, 14, 30)  # Brussels wall-clock
    assert sheet["C2"].number_format == "DD/MM/YYYY HH:MM"
    assert sheet["D2"].value is True and sheet["D3"].value is False


def test_one_sheet_per_frame_even_when_empty():
    empty = pd.DataFrame({"order_id": pd.Series(dtype=str)})
    book = open_book(workbook_bytes({"Commandes": empty, "Autre": empty}))
    assert book.sheetnames == ["Commandes", "Autre"]
    assert [c.value for c in book["Commandes"][1]] == ["order_id"]
    assert book["Commandes"].freeze_panes == "A2"


def test_workbook_stands_alone_on_paper_and_in_a_mail():
    """Issue 13: an "À propos" sheet, A4 landscape one page wide with the header row
    repeated, thousands formats on quantities but not on codes and years."""
    frame = pd.DataFrame(
        {
            "nis_code": [84009, 81001],
            "year": [2019, 2020],
            "population": [8844, 29858],
            "amount_eur": [1234.5, 20.0],
        }
    )
    about = {"Situation au": "31/01/2020", "Filtres": "aucun (toutes)", "Exporté le": "x"}
    book = openpyxl.load_workbook(
        io.BytesIO(
            workbook_bytes(
                {"Communes": frame},
                headers={"nis_code": "Code INS", "year": "Année", "population": "Population"},
                about=about,
            )
        )
    )
    assert book.sheetnames == ["Communes", "À propos"]
    sheet = book["Communes"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert "31/01/2020" in sheet.oddHeader.right.text
    assert sheet["C2"].number_format == "#,##0" and sheet["C3"].value == 29858
    assert sheet["A2"].number_format == "General"  # a code, not a quantity
    assert sheet["B2"].number_format == "General"  # a year
    assert sheet["D2"].number_format.startswith("#,##0.00")
    facts = {row[0].value: row[1].value for row in book["À propos"].iter_rows(min_row=3)}
    assert facts == about
