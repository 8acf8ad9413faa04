"""Cell parsing as Belgian Excel users write values."""

import datetime as dt

import pytest

from centrale.sources.parse import INVALID, parse_amount, parse_date, parse_int


@pytest.mark.parametrize(
    "text, expected",
    [
        ("24/11/2026", dt.date(2026, 11, 24)),
        ("4/1/2019", dt.date(2019, 1, 4)),
        ("2026-11-24", dt.date(2026, 11, 24)),
        ("2026-11-24 00:00:00", dt.date(2026, 11, 24)),
        ("24.11.2026", dt.date(2026, 11, 24)),
        (dt.datetime(2020, 1, 31, 0, 0), dt.date(2020, 1, 31)),
    ],
)
def test_dates_in_belgian_and_iso_forms(text, expected):
    assert parse_date(text, from_workbook=False) == expected


def test_excel_serial_dates_only_from_workbooks():
    assert parse_date(43861, from_workbook=True) == dt.date(2020, 1, 31)
    assert parse_date(43861.0, from_workbook=True) == dt.date(2020, 1, 31)
    assert parse_date(43861, from_workbook=False) is INVALID


@pytest.mark.parametrize("text", ["31/02/2020", "2020/31/01", "demain", "13-13-2020"])
def test_impossible_dates_are_invalid(text):
    assert parse_date(text, from_workbook=False) is INVALID


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 234,50", 1234.5),
        ("1.234,50", 1234.5),
        ("1234.50", 1234.5),
        ("1234,5", 1234.5),
        ("1\u00a0234,50 €", 1234.5),
        ("12 500", 12500.0),
        ("1.234", 1234.0),
        ("1.234.567", 1234567.0),
        ("1,234.50", 1234.5),
        ("-15,00", -15.0),
        (840000, 840000.0),
    ],
)
def test_amounts_with_decimal_comma_and_thousands(text, expected):
    assert parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["douze", "1,2,3", "12 €uros", "--5"])
def test_unreadable_amounts_are_invalid(text):
    assert parse_amount(text) is INVALID


def test_whole_numbers():
    assert parse_int("2020") == 2020
    assert parse_int(2020.0) == 2020
    assert parse_int("2020,0") == 2020
    assert parse_int("2020,5") is INVALID
    assert parse_int("deux") is INVALID
    assert parse_int(None) is None


@pytest.mark.parametrize(
    "value, from_workbook",
    [("01/01/9999", False), ("1899-12-31", False), (1200187, True), (1, True),
     (dt.datetime(5185, 12, 30), True)],
)  # fmt: skip
def test_dates_outside_1900_to_2199_are_invalid(value, from_workbook):
    """A serial number in a date cell (1200187 is 30/12/5185) or 01/01/9999: said on the
    cell, instead of overflowing the typed column (found by the corrupted-cell property)."""
    assert parse_date(value, from_workbook=from_workbook) is INVALID
    assert parse_date("01/01/1900", False) == dt.date(1900, 1, 1)
    assert parse_date("31/12/2199", False) == dt.date(2199, 12, 31)
