"""A genuine orders workbook that is slow to read: a header row, then many plain rows.

Written as XML straight into the zip (openpyxl would take minutes to write what
it takes minutes to read). Small on disk (repetitive XML compresses ~13×) but
every row must be parsed, as in the probe's "555 KB that holds 180 MB of XML".
"""

from __future__ import annotations

import io
import zipfile

import openpyxl

HEADERS = ("N° de commande", "Commune", "Solution", "Date d'envoi", "Montant HTVA")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cell(ref: str, value: object) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def _rows(count: int):
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
    yield '<row r="1">' + "".join(_cell(f"{c}1", h) for c, h in zip("ABCDE", HEADERS)) + "</row>"
    for n in range(2, count + 2):
        # Excel serial dates and amounts: what a real export of orders holds.
        values = (f"BC-{n}", "Arlon", "APPLI", 45000 + n % 900, 1000 + n % 5000)
        yield (
            f'<row r="{n}">'
            + "".join(_cell(f"{c}{n}", v) for c, v in zip("ABCDE", values))
            + "</row>"
        )
    yield "</sheetData></worksheet>"


def slow_orders_workbook(rows: int) -> bytes:
    """An .xlsx of orders with `rows` data rows (about 310 bytes of XML each)."""
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info))
                continue
            with dst.open(info.filename, "w") as sheet:
                chunk: list[str] = []
                for part in _rows(rows):
                    chunk.append(part)
                    if len(chunk) >= 5000:
                        sheet.write("".join(chunk).encode("utf-8"))
                        chunk.clear()
                sheet.write("".join(chunk).encode("utf-8"))
    return out.getvalue()
