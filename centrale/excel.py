"""DataFrames -> an .xlsx people can filter and trust, for every export of the dashboard.

French headers, real Excel dates and numbers (never text), a frozen header
row, an auto-filter, sensible column widths, and text cells that Excel would
read as a formula (`=`, `+`, `-`, `@`, tab, CR) neutralised with a leading
apostrophe-like quote so an export can never run anything when opened.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re

import pandas as pd

# openpyxl is imported where a workbook is written, not here: ui.components imports
# this module on every page, and openpyxl (~0.15 s) would slow the app's first render.

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MONEY_FORMAT = '#,##0.00 "€"'
HEADER_COLOR = "00594F"


@functools.cache
def _illegal_characters() -> re.Pattern:
    """openpyxl's own pattern of the control characters it refuses in a cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


def neutralise(value: object) -> object:
    """Text that Excel would evaluate as a formula gets a leading `'` (shown as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell_value(value: object) -> object:
    """A frame's value as openpyxl should store it: None, bool, number, date or text."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        value = value.item()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # Excel has no time zones: keep the wall-clock time
            value = value.replace(tzinfo=None)
        is_midnight = value.time() == dt.time(0, 0)
        return value.date() if is_midnight else value
    if isinstance(value, (bool, int, float, dt.date)):
        return value
    # Control characters make openpyxl refuse the whole workbook: drop them.
    return neutralise(_illegal_characters().sub("", str(value)))


def _shown_width(value: object) -> int:
    """How many characters a cell shows once formatted (dates as 10, money with €)."""
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 2
    return max((len(line) for line in str(value).splitlines()), default=0)


def workbook_bytes(
    sheets: dict[str, pd.DataFrame],
    headers: dict[str, str] | None = None,
    money_columns: tuple[str, ...] = (),
) -> bytes:
    """One sheet per frame; `headers` renames columns to French (unknown ones kept).

    Columns named in `money_columns` (or ending in `_eur`) get a euro format.
    """
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    headers = headers or {}
    header_fill = PatternFill("solid", fgColor=HEADER_COLOR)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=_sheet_title(title))
        columns = list(frame.columns)
        sheet.append([neutralise(headers.get(c, c)) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = header_fill
        for row in frame.itertuples(index=False):
            sheet.append([_cell_value(v) for v in row])
        widths = [len(str(headers.get(c, c))) for c in columns]
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            is_money = column in money_columns or str(column).endswith("_eur")
            for row_index, cell in enumerate(sheet[letter][1:]):
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif is_money and isinstance(cell.value, (int, float)):
                    cell.number_format = MONEY_FORMAT
                if row_index < 500 and cell.value is not None:  # enough to size a column
                    widths[index - 1] = max(widths[index - 1], _shown_width(cell.value))
            sheet.column_dimensions[letter].width = min(max(10, widths[index - 1] + 2), 60)
        sheet.freeze_panes = "A2"
        if columns:
            sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31] or "Feuille"
