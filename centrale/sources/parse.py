"""Cell values as Belgian Excel users write them -> Python values.

Each parser returns the value, or `INVALID` when the cell cannot be read as
that type (a blank cell is None, which is not an error at this stage).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

INVALID = object()
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system
FIRST_YEAR, LAST_YEAR = 1900, 2199  # pandas' datetime64[ns] holds 1677 to 2262
_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"), ("y", "m", "d")),
)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_INT_THOUSANDS = re.compile(r"-?\d{1,3}(?:[ ,.\u00a0\u202f']\d{3})+")
# What the vectorised amount parser handles itself: ASCII digits, separators,
# signs, the thousands spaces (space, NBSP, U+202F, apostrophe) and €. On these
# characters Arrow's regex engine (RE2) and Python's `re` agree; any other cell
# (letters, `EUR`, tabs, Unicode digits…) goes through `parse_amount`.
_VECTOR_CELL = "[0-9.,+\\- '\u00a0\u202f€]+"
_VECTOR_DROP = "[ '\u00a0\u202f€]"


def is_blank(value: object) -> bool:
    """An empty cell: None, or text of nothing but spaces (the one rule for every reader)."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: object, from_workbook: bool):
    """`dd/mm/yyyy`, `yyyy-mm-dd`, a real Excel date, or (workbooks only) a serial number;
    years 1900 to 2199 only (a serial number typed in a date cell, `01/01/9999`: not a
    date of this register, and past what the typed columns can hold)."""
    date = _parse_date(value, from_workbook)
    if isinstance(date, dt.date) and not FIRST_YEAR <= date.year <= LAST_YEAR:
        return INVALID
    return date


def _parse_date(value: object, from_workbook: bool):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A serial number is what a workbook stores under a date format; in a
        # CSV a bare number is far more likely a typo than a date.
        if from_workbook and 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return INVALID
    text = str(value).strip()
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return INVALID
    return INVALID


def parse_amount(value: object):
    """`1 234,50`, `1.234,50`, `1234.50`, `1 234 €` or a number -> float."""
    if value is None:
        return None
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, (int, float)):
        return float(value)
    text = _SPACES.sub("", str(value)).replace("€", "").replace("EUR", "")
    negative = text.startswith("-")
    text = text[1:] if text[:1] in "+-" else text
    if not text or not re.fullmatch(r"[\d.,]+", text):
        return INVALID
    if _COMMA_THOUSANDS.fullmatch(text):
        # `14,304`, `1,234,567`: thousands commas (an amount has no third decimal).
        text = text.replace(",", "")
    elif "," in text and "." in text:
        # The last separator is the decimal one: 1.234,50 or 1,234.50.
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text:
        if text.count(",") > 1:
            return INVALID
        text = text.replace(",", ".")
    elif text.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", text):
        # Belgian thousands dots: 1.234 or 1.234.567 (a decimal would be 1234.5).
        text = text.replace(".", "")
    try:
        number = float(text)
    except ValueError:
        return INVALID
    return -number if negative else number


def parse_amounts(values: pd.Series) -> pd.Series:
    """`parse_amount` over a whole column, with exactly its result on every cell.

    Object Series in, object Series out (same index): floats, None for blanks,
    `INVALID` for unreadable cells. String cells made only of digits,
    separators, signs, spaces and € are parsed with Arrow-backed `.str`
    operations (a million distinct amounts in a fraction of a second); every
    other cell (numbers from a workbook, booleans, text with letters) is passed
    to `parse_amount` one by one.
    """
    cells = values.to_numpy(dtype=object)
    out = np.empty(len(cells), dtype=object)
    plain = np.fromiter((type(v) is str for v in cells), dtype=bool, count=len(cells))
    if plain.any():
        try:
            text = pd.Series(cells[plain], dtype="string[pyarrow]")
        except (UnicodeError, ValueError, TypeError):  # e.g. a lone surrogate
            plain[:] = False
        else:
            vector = text.str.fullmatch(_VECTOR_CELL).to_numpy(dtype=bool)
            where = np.flatnonzero(plain)
            out[where[vector]] = _parse_amount_texts(text[vector])
            plain[where[~vector]] = False
    for i in np.flatnonzero(~plain):
        out[i] = parse_amount(cells[i])
    return pd.Series(out, index=values.index, dtype=object)


def _parse_amount_texts(text: pd.Series) -> np.ndarray:
    """The steps of `parse_amount`, column-wise, on cells matching `_VECTOR_CELL`."""
    text = text.str.replace(_VECTOR_DROP, "", regex=True)
    negative = text.str.startswith("-").to_numpy(dtype=bool)
    signed = negative | text.str.startswith("+").to_numpy(dtype=bool)
    text = text.where(~signed, text.str.slice(1))
    shaped = text.str.fullmatch("[0-9.,]+").to_numpy(dtype=bool)
    has_comma = text.str.contains(",", regex=False).to_numpy(dtype=bool)
    # The last separator is a comma (the only one, or after the dots): decimal comma.
    comma_thousands = text.str.fullmatch("[0-9]{1,3}(?:,[0-9]{3})+").to_numpy(dtype=bool)
    comma_decimal = text.str.contains(",[0-9]*$").to_numpy(dtype=bool) & ~comma_thousands
    # Belgian thousands dots: 1.234 or 1.234.567 (no comma).
    dot_thousands = ~has_comma & (
        text.str.contains("[.].*[.]").to_numpy(dtype=bool)
        | text.str.fullmatch("[0-9]{1,3}[.][0-9]{3}").to_numpy(dtype=bool)
    )
    # Decimal comma or thousands dots: drop the dots, the comma becomes the point.
    # Otherwise the commas are thousands and go. More than one comma left, or a
    # second point, fails the float shape below, as `float()` fails in `parse_amount`.
    dotted = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    undotted = text.str.replace(",", "", regex=False)
    number = dotted.where(comma_decimal | dot_thousands, undotted)
    ok = shaped & number.str.fullmatch("(?:[0-9]+[.]?[0-9]*|[.][0-9]+)").to_numpy(dtype=bool)
    result = np.full(len(text), INVALID, dtype=object)
    # Python's own float() on each number, so rounding is the scalar parser's.
    floats = number[ok].to_numpy(dtype=object).astype(np.float64)
    floats[negative[ok]] *= -1.0
    result[ok] = floats.astype(object)
    return result


def parse_int(value: object):
    """A whole number: 2020, `2020`, `2020.0` (Excel floats), not `2020,5`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else INVALID
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+[.,]0+", text):
        return int(re.split(r"[.,]", text)[0])
    if _INT_THOUSANDS.fullmatch(text):  # `29 858`, `14,304`: thousands separators
        return int(re.sub(r"[^\d-]", "", text))
    return INVALID


def parse_text(value: object):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number in Excel
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()
