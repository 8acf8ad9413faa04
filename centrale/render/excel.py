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
THOUSANDS_FORMAT = "#,##0"  # Excel draws the reader's own thousands separator (Belgium: space/dot)
HEADER_COLOR = "00594F"
ABOUT_SHEET = "À propos"
# Whole numbers that are codes or years, not quantities: never "2 019" nor "84 009".
CODE_LIKE = re.compile(r"ann[ée]e|year|code|nis|n°|numéro|^id$|_id$|priorit|version", re.I)


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
    about: dict[str, str] | None = None,
) -> bytes:
    """One sheet per frame; `headers` renames columns to French (unknown ones kept).

    Columns named in `money_columns` (or ending in `_eur`) get a euro format;
    other whole numbers a thousands format, unless they are codes or years.
    Every sheet prints on A4 landscape, one page wide, its header row repeated.
    `about` (label -> text: situation date, filters, sources, export time…)
    becomes a last sheet "À propos", so the file stands alone once sent.
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
            is_code = bool(CODE_LIKE.search(f"{column} {headers.get(column, '')}"))
            for row_index, cell in enumerate(sheet[letter][1:]):
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif is_money and isinstance(cell.value, (int, float)):
                    cell.number_format = MONEY_FORMAT
                elif (
                    not is_code and isinstance(cell.value, int) and not isinstance(cell.value, bool)
                ):
                    cell.number_format = THOUSANDS_FORMAT
                if row_index < 500 and cell.value is not None:  # enough to size a column
                    widths[index - 1] = max(widths[index - 1], _shown_width(cell.value))
            sheet.column_dimensions[letter].width = min(max(10, widths[index - 1] + 2), 60)
        sheet.freeze_panes = "A2"
        if columns:
            sheet.auto_filter.ref = sheet.dimensions
        _print_setup(sheet, title, about)
    if about:
        _about_sheet(book, about)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _print_setup(sheet, title: str, about: dict[str, str] | None) -> None:
    """A4 landscape, one page wide (as many pages high as needed), header row on
    every page, the title and situation date on top, page numbers below."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    situation = (about or {}).get("Situation au")
    sheet.oddHeader.left.text = neutralise(title)
    if situation:
        sheet.oddHeader.right.text = neutralise(f"Situation au {situation}")
    sheet.oddFooter.left.text = "Centrale d'achats Smart — IDELUX"
    sheet.oddFooter.right.text = "Page &P sur &N"


def _about_sheet(book, about: dict[str, str]) -> None:
    """The "À propos" sheet: what the file holds, at which date, from which sources."""
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(title=ABOUT_SHEET)
    sheet.append(["Centrale d'achats Smart — IDELUX Projets publics"])
    sheet["A1"].font = Font(bold=True, size=13, color=HEADER_COLOR)
    sheet.append([])
    for label, text in about.items():
        sheet.append([neutralise(label), neutralise(_illegal_characters().sub("", str(text)))])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    for row in sheet.iter_rows(min_row=3):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31] or "Feuille"
