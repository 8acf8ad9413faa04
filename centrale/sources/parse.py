"""Cell values as Belgian Excel users write them -> Python values.

Each parser returns the value, or `INVALID` when the cell cannot be read as
that type (a blank cell is None, which is not an error at this stage).
"""

from __future__ import annotations

import datetime as dt
import re

INVALID = object()
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system
_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"), ("y", "m", "d")),
)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")


def parse_date(value: object, from_workbook: bool):
    """`dd/mm/yyyy`, `yyyy-mm-dd`, a real Excel date, or (workbooks only) a serial number."""
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
    if "," in text and "." in text:
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
    return INVALID


def parse_text(value: object):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number in Excel
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()
