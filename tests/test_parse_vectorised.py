"""The fast column-wise paths give exactly what the one-value-at-a-time ones give.

`parse_amounts` must equal `parse_amount` on every cell (including the sign of
zero and the INVALID sentinel), and the CSV fast path of `read` must give the
same cells and Excel row numbers as the `csv` module.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.sources import parse, read
from centrale.sources.kinds import KINDS

AMOUNT_CASES = [
    None,
    "",
    " ",
    "0",
    "-0",
    "+0",
    "-0,00",
    "1234.50",
    "1234,50",
    "1 234,50",
    "1\u00a0234,50",
    "1\u202f234,50",
    "1'234.50",
    "1.234,50",
    "1,234.50",
    "1.234",
    "1.234.567",
    "1.234.567,89",
    "1,234,567.89",
    "12.345",
    "1234.567",
    "0.123",
    "123.4567",
    "1,234",
    "1,2,3",
    "1,,",
    "1,",
    "1.",
    ",5",
    ".5",
    ".",
    ",",
    "..",
    "...",
    "1..2",
    "1.2,3,4",
    "1,2.3.4",
    ",.",
    ".,",
    "1 234 €",
    "€ 1 234,50",
    "1234€",
    "€",
    "1 234 EUR",
    "EUR 12,5",
    "E€UR5",
    "-1 234,50 €",
    "- 1 234,50",
    "+12",
    "+-12",
    "--12",
    "-+12",
    "12-",
    "1-2",
    "abc",
    "12a",
    "1e5",
    "inf",
    "nan",
    "1_000",
    "\t1 234,50\n",
    "1\t234",
    "١٢٣",  # Arabic-Indic digits: Python's \d and float() accept them
    "١٢٣,٥",
    "１２３",  # full-width digits
    "9" * 400,
    "0." + "1" * 40,
    "007,50",
    "1 234 567 890 123 456 789,123456789",
    "0,1",
    "0,30000000000000004",
    "2.675",
    "\ud800",  # a lone surrogate cannot go to Arrow: the whole column falls back
    0,
    12,
    -7,
    1234.5,
    -0.0,
    float("nan"),
    True,
    False,
    dt.date(2020, 1, 1),
    dt.datetime(2020, 1, 1, 12, 0),
]


def _same(left, right) -> bool:
    """Equal as `parse_amount` results: same sentinel, same float bits (-0.0 ≠ 0.0)."""
    if left is parse.INVALID or right is parse.INVALID or left is None or right is None:
        return left is right
    if type(left) is not type(right):
        return False
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return left == right and math.copysign(1.0, left) == math.copysign(1.0, right)


def _check_amounts(values: list) -> None:
    index = pd.Index(range(10, 10 + len(values)))
    result = parse.parse_amounts(pd.Series(values, index=index, dtype=object))
    assert result.dtype == object
    assert result.index.equals(index)
    expected = [parse.parse_amount(v) for v in values]
    mismatches = [
        (v, got, want)
        for v, got, want in zip(values, result.tolist(), expected)
        if not _same(got, want)
    ]
    assert not mismatches


def test_amounts_literal_cases_equal_scalar_parser():
    _check_amounts(AMOUNT_CASES)


def test_amounts_literal_cases_without_the_surrogate_take_the_vector_path():
    # Without the lone surrogate the string cells are parsed by Arrow, not one by one.
    _check_amounts([v for v in AMOUNT_CASES if v != "\ud800"])


@pytest.mark.parametrize("value", [v for v in AMOUNT_CASES if v != "\ud800"])
def test_amounts_each_case_alone(value):
    _check_amounts([value])


def test_amounts_known_values():
    values = ["1 234,50", "1.234", "-1.234,50 €", "1,234.50", "1,2,3", None, "x"]
    result = parse.parse_amounts(pd.Series(values, dtype=object)).tolist()
    assert result[:4] == [1234.5, 1234.0, -1234.5, 1234.5]
    assert result[4] is parse.INVALID
    assert result[5] is None
    assert result[6] is parse.INVALID


def test_amounts_empty_column():
    result = parse.parse_amounts(pd.Series([], dtype=object))
    assert result.empty and result.dtype == object


AMOUNT_ALPHABET = "0123456789.,  \u00a0\u202f'-+€"
amount_texts = st.text(alphabet=AMOUNT_ALPHABET, max_size=16)
# Mostly well-formed amounts too, so that the float branches are exercised.
formed_amounts = st.builds(
    lambda sign, whole, sep, frac, euro: f"{sign}{whole}{sep}{frac}{euro}",
    st.sampled_from(["", "-", "+", "- "]),
    st.from_regex(r"[0-9]{1,3}([ .,\u00a0'][0-9]{3}){0,3}", fullmatch=True),
    st.sampled_from(["", ",", "."]),
    st.from_regex(r"[0-9]{0,4}", fullmatch=True),
    st.sampled_from(["", " €", "€", " EUR"]),
)
cells = st.one_of(
    amount_texts,
    formed_amounts,
    st.none(),
    st.floats(allow_nan=False),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=8),
)


@settings(deadline=None)  # examples: the profile (tests/conftest.py)
@given(st.lists(cells, max_size=30))
def test_amounts_property_equal_scalar_parser(values):
    _check_amounts(values)


# --- CSV: pandas' C parser where it is safe, the csv module otherwise ---------

HEADER = (
    "n° de commande;commune;solution;date d'envoi du bon de commande;"
    "date d'attribution;adjudicataire;montant HTVA;statut"
)
ROW = "CA-1;Arlon;EPN;05/01/2022;16/01/2022;Prest SA;1 234,50;attribué"


def _read_both(tmp_path, data: bytes, monkeypatch) -> tuple[read.RawTable, read.RawTable]:
    """The same file read by the fast path (when it applies) and by the csv module alone."""
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    fast = read.read_source(path, KINDS["orders"])
    with monkeypatch.context() as m:
        m.setattr(read, "_csv_table", lambda text, separator: None)
        slow = read.read_source(path, KINDS["orders"])
    return fast, slow


def _assert_same_tables(fast: read.RawTable, slow: read.RawTable) -> None:
    pd.testing.assert_frame_equal(fast.cells, slow.cells)
    assert fast.cells.index.tolist() == slow.cells.index.tolist()  # Excel row numbers
    assert fast.headers == slow.headers
    assert fast.problems == slow.problems


def _padded(rows: list[list[str]], width: int) -> list[list[str]]:
    return [row + [""] * (width - len(row)) for row in rows]


def _separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(read.SEPARATORS, key=lambda s: read._count_outside_quotes(first, s))


FAST_CSVS = {
    "plain": f"{HEADER}\n{ROW}\n{ROW.replace('CA-1', 'CA-2')}\n",
    "crlf": f"{HEADER}\r\n{ROW}\r\n{ROW}\r\n",
    "cr only": f"{HEADER}\r{ROW}\r{ROW}",
    "no final newline": f"{HEADER}\n{ROW}",
    "quotes": (
        f"{HEADER}\n"
        '"CA-1";"Arlon";"EPN ; Wi-Fi";05/01/2022;;"Prest ""Lux"" SA";"1 234,50";\n'
        'CA-2;Arlon;EPN;05/01/2022;;ab"c;"12"3;envoyé\n'
        'CA-3;Arlon;"";05/01/2022;;" spaced ";  "quoted late";\n'
    ),
    "newlines in quotes": (
        f'{HEADER}\nCA-1;Arlon;"EPN\nsur deux lignes";05/01/2022;;"A\r\nB";1;\n{ROW}\n'
    ),
    "blank lines in the middle and at the end": (
        f"{HEADER}\n{ROW}\n\n   \n;;;;;;;\n{ROW.replace('CA-1', 'CA-9')}\n\n\n\n"
    ),
    "short rows": f"{HEADER}\nCA-1;Arlon\nCA-2\n{ROW}\n",
    "trailing separators on every row": f"{HEADER};;\n{ROW};;\n{ROW};;\n",
    "unicode whitespace around cells": (
        f"{HEADER}\nCA-1\u00a0;\u2003Arlon\u3000;EPN\x1c;05/01/2022\u202f;;\u2028Prest\u0085;"
        "\u00a01\u00a0234,50\u00a0;\u200b\n"
    ),
    "unknown and duplicate columns": f"{HEADER};remarque;commune\n{ROW};rien;Arlon\n",
    "comma separated": HEADER.replace(";", ",") + '\nCA-1,Arlon,EPN,05/01/2022,,P,"1,5",\n',
    "tab separated": HEADER.replace(";", "\t") + "\nCA-1\tArlon\tEPN\t05/01/2022\t\tP\t1,5\t\n",
    "header only": f"{HEADER}\n",
}
FALLBACK_CSVS = {
    "ragged trailing separators": f"{HEADER}\n{ROW};;\n{ROW}\n",
    "blank lines before the header": f"\n\n{HEADER}\n{ROW}\n",
    "unterminated quote": f'{HEADER}\nCA-1;"Arlon;EPN\n',
    "second BOM": f"\ufeff{HEADER}\n{ROW}\n",
    "NUL far in": f"{HEADER}\n{ROW}\n" + "x" * 70000 + "\x00\n",
    "empty": "",
    "only newlines": "\n\n\n",
}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("name", sorted(FAST_CSVS))
def test_csv_fast_path_reads_like_the_csv_module(tmp_path, monkeypatch, name, encoding):
    text = FAST_CSVS[name]
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip("not writable in this encoding")
    decoded, _ = read.decode_csv(data)
    table = read._csv_table(decoded, _separator(decoded))
    assert table is not None  # this case really takes the fast path
    rows = read._csv_module_rows(decoded, _separator(decoded))
    assert table.to_numpy(dtype=object).tolist() == _padded(rows, table.shape[1])
    _assert_same_tables(*_read_both(tmp_path, data, monkeypatch))
    # Readers other than `read_source` (the survey import) still get the csv module's lists.
    assert read.csv_rows(data, "orders.csv") == (rows, None)


@pytest.mark.parametrize("name", sorted(FALLBACK_CSVS))
def test_csv_fast_path_declines_what_it_could_read_differently(tmp_path, monkeypatch, name):
    text = FALLBACK_CSVS[name]
    assert read._csv_table(text, _separator(text)) is None
    fast, slow = _read_both(tmp_path, text.encode("utf-8"), monkeypatch)
    _assert_same_tables(fast, slow)


def test_csv_fast_path_declines_a_field_over_the_csv_limit():
    text = f"{HEADER}\nCA-1;{'x' * (csv.field_size_limit() + 1)}\n"
    assert read._csv_table(text, ";") is None


def test_csv_fast_path_keeps_row_numbers_and_values(tmp_path):
    text = FAST_CSVS["blank lines in the middle and at the end"]
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    raw = read.read_source(path, KINDS["orders"])
    assert raw.cells.index.tolist() == [2, 6]  # the Excel rows of the two orders
    assert raw.cells["order_id"].tolist() == ["CA-1", "CA-9"]
    assert raw.cells["amount_eur"].tolist() == ["1 234,50", "1 234,50"]


def test_python_whitespace_is_what_str_strip_removes():
    spaces = {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}
    assert set(read.PY_WHITESPACE) == spaces


def test_stripped_column_matches_str_strip():
    values = [" a ", "\u3000b\u2029", "", "   ", "\x1c\x1d", "c\u200bd", "\u00a0", "x\ty"]
    got = read._stripped(pd.Series(values, dtype="string[pyarrow]"))
    assert got.tolist() == [(v.strip() or None) for v in values]
    assert isinstance(got, np.ndarray)


CSV_ALPHABET = ';,"\n\r \t\u00a0ab1'


@settings(deadline=None)  # examples: the profile (tests/conftest.py)
@given(st.text(alphabet=CSV_ALPHABET, max_size=60))
def test_csv_fast_path_property_same_rows(text):
    # Any text the fast path accepts gives the csv module's rows, padded to one width.
    separator = _separator(text)
    table = read._csv_table(text, separator)
    if table is not None:
        rows = read._csv_module_rows(text, separator)
        assert table.to_numpy(dtype=object).tolist() == _padded(rows, table.shape[1])
