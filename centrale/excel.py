"""DataFrames -> an .xlsx people can filter and trust, for every export of the dashboard.

French headers, real Excel dates and numbers (never text), a frozen header
row, an auto-filter, sensible column widths, and text cells that Excel would
read as a formula (`=`, `+`, `-`, `@`, tab, CR) neutralised with a leading
apostrophe-like quote so an export can never run anything when opened.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = '#,##0.00 "€"'
HEADER_FILL = PatternFill("solid", fgColor="00594F")


def neutralise(value: object) -> object:
    """Text that Excel would evaluate as a formula gets a leading `'` (shown as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell_value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return value.item()
    return neutralise(value)


def workbook_bytes(
    sheets: dict[str, pd.DataFrame],
    headers: dict[str, str] | None = None,
    money_columns: tuple[str, ...] = (),
) -> bytes:
    """One sheet per frame; `headers` renames columns to French (unknown ones kept).

    Columns named in `money_columns` (or ending in `_eur`) get a euro format.
    """
    headers = headers or {}
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=_sheet_title(title))
        columns = list(frame.columns)
        sheet.append([neutralise(headers.get(c, c)) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
        for row in frame.itertuples(index=False):
            sheet.append([_cell_value(v) for v in row])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            is_money = column in money_columns or str(column).endswith("_eur")
            sample = frame[column].dropna().head(200)
            for cell in sheet[letter][1:]:
                if isinstance(cell.value, (dt.date, dt.datetime)):
                    cell.number_format = DATE_FORMAT
                elif is_money and isinstance(cell.value, (int, float)):
                    cell.number_format = MONEY_FORMAT
            longest = max(
                [len(str(headers.get(column, column)))] + [len(str(v)) for v in sample.tolist()]
            )
            sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
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
