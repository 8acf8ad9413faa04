"""Read one source file (.xlsx or .csv, as Belgian Excel writes them) into raw cells.

Raw means: canonical column names, Excel row numbers as the index, and cell
values untouched (strings from a CSV, typed values from a workbook). Typing
and rules come after, in `validate`, so that every problem of a file can be
reported at once with the row a person sees in Excel.
"""

from __future__ import annotations

import csv
import io
import operator
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from centrale.names import normalise
from centrale.sources.kinds import FILE_PREFIXES, Kind, french_label
from centrale.sources.problems import ERROR, WARNING, Problem

# A workbook is a zip: refuse those that would inflate past this or hold too
# many parts before openpyxl parses anything (zip bombs, billion laughs).
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_ENTRIES = 2000
SEPARATORS = (";", ",", "\t")


@dataclass
class RawTable:
    file: str
    sheet: str | None
    kind: Kind
    cells: pd.DataFrame  # canonical columns, index = Excel row number, values raw
    headers: dict[str, str]  # canonical column -> header as written
    from_workbook: bool
    problems: list[Problem] = field(default_factory=list)

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


def read_source(path: Path, kind: Kind, display_name: str | None = None) -> RawTable:
    """Read `path` as a file of `kind`; problems are collected, never raised."""
    name = display_name or path.name
    data = path.read_bytes()
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    rows: list[list[object]] = []
    sheet = None
    from_workbook = suffix == ".xlsx"
    if suffix == ".xlsx":
        if not data.startswith(b"PK"):
            problems.append(
                Problem(
                    ERROR,
                    name,
                    "ce fichier n'est pas un classeur Excel "
                    "(.xlsx) valide : son contenu ne correspond pas à "
                    "son extension",
                )
            )
        else:
            sheet, rows, problem = _workbook_rows(data, kind, name)
            if problem:
                problems.append(problem)
    elif suffix == ".csv":
        rows, problem = _csv_rows(data, name, fast=True)
        if problem:
            problems.append(problem)
    else:
        problems.append(
            Problem(
                ERROR,
                name,
                f"format « {suffix or 'sans extension'} » "
                "non pris en charge : attendu .xlsx ou .csv",
            )
        )
    cells, headers = _cells_from_rows(rows, kind, name, sheet, problems)
    return RawTable(name, sheet, kind, cells, headers, from_workbook, problems)


def _workbook_rows(data: bytes, kind: Kind, name: str):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_XLSX_ENTRIES or (
                sum(i.file_size for i in infos) > MAX_XLSX_UNCOMPRESSED
            ):
                return (
                    None,
                    [],
                    Problem(
                        ERROR,
                        name,
                        "classeur refusé : une fois décompressé il serait anormalement volumineux",
                    ),
                )
    except zipfile.BadZipFile:
        return None, [], Problem(ERROR, name, "classeur Excel illisible (archive .xlsx corrompue)")
    import openpyxl  # deferred: only workbooks need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        return None, [], Problem(ERROR, name, f"classeur Excel illisible ({type(exc).__name__})")
    try:
        wanted = {normalise(p) for p in (kind.name, kind.label_fr, *FILE_PREFIXES[kind.name])}
        sheet = next((s for s in book.sheetnames if normalise(s) in wanted), book.sheetnames[0])
        rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    return sheet, rows, None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Belgian Excel's "CSV (séparateur : point-virgule)" writes Windows-1252.
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes, name: str, fast: bool = False):
    """(rows as lists of strings, problem); with `fast`, rows may be a `_csv_table` frame.

    Only `_cells_from_rows` takes the frame; other readers (the survey import)
    get lists.
    """
    if b"\x00" in data[:65536]:
        return [], Problem(
            ERROR,
            name,
            "ce fichier n'est pas un fichier texte CSV "
            "(contenu binaire) : attendu un CSV exporté d'Excel",
        )
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    separator = max(SEPARATORS, key=lambda s: _count_outside_quotes(first_line, s))
    table = _csv_table(text, separator) if fast else None
    if table is not None:
        return table, None
    return _csv_module_rows(text, separator), None


def _csv_module_rows(text: str, separator: str) -> list[list[str]]:
    """Every row as the `csv` module reads it (the reference the fast path matches)."""
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator)]


def _csv_table(text: str, separator: str) -> pd.DataFrame | None:
    """The rows by pandas' C parser, or None where it could differ from `_csv_module_rows`.

    The C parser (several times faster on a big export) splits fields, quotes
    and line ends as the `csv` module does. Where the two differ, None sends
    the file to the `csv` module: a row wider than the first (pandas refuses
    it), an unterminated quote, blank first lines, a leading BOM (pandas drops
    it), a NUL, a field over the `csv` module's size limit (it refuses it).
    Shorter rows come back padded with "" where `csv` gives a shorter list:
    both end up as blank cells. Every row is kept, so the Excel row numbers
    are the same.
    """
    if not text or text.startswith("\ufeff") or "\x00" in text:
        return None
    try:
        table = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),  # bytes: the C parser's fastest input
            encoding="utf-8",
            sep=separator,
            header=None,
            dtype="string[pyarrow]",
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    if table.isna().any().any():  # not expected with keep_default_na=False
        return None
    lengths = [table[c].str.len().max() for c in table]
    if max(lengths, default=0) > csv.field_size_limit():
        return None
    return table


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# The characters `str.strip()` removes (`str.isspace()`), for Arrow's trim.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def _stripped(column: pd.Series) -> np.ndarray:
    """A CSV table column as `_cells_from_rows` makes cells: stripped, blank -> None."""
    text = column.str.strip(PY_WHITESPACE)
    values = text.to_numpy(dtype=object, na_value=None)
    values[(text.str.len() == 0).to_numpy(dtype=bool, na_value=True)] = None
    return values


def _cells_from_rows(rows, kind: Kind, name: str, sheet, problems: list[Problem]):
    empty = pd.DataFrame(columns=[c.name for c in kind.columns], dtype=object)
    table = rows if isinstance(rows, pd.DataFrame) else None
    if table is not None:  # the CSV fast path: same rows, column by column
        stripped = [_stripped(table[c]) for c in table]
        filled = np.flatnonzero(~np.all([np.equal(v, None) for v in stripped], axis=0))
        header_at = int(filled[0]) if len(filled) else None
    else:
        header_at = next((i for i, r in enumerate(rows) if any(not _blank(v) for v in r)), None)
    if header_at is None:
        if not any(p.level == ERROR for p in problems):
            problems.append(
                Problem(ERROR, name, "fichier vide : aucune ligne d'en-têtes", sheet=sheet)
            )
        return empty, {}
    lookup = kind.header_lookup()
    header_row = table.iloc[header_at].tolist() if table is not None else rows[header_at]
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for pos, text in enumerate(header_row):
        if _blank(text):
            continue
        column = lookup.get(normalise(text))
        if column is None:
            problems.append(
                Problem(
                    WARNING,
                    name,
                    "colonne inconnue, ignorée au chargement",
                    sheet=sheet,
                    row=header_at + 1,
                    column=str(text).strip(),
                )
            )
        elif column in positions:
            problems.append(
                Problem(
                    ERROR,
                    name,
                    f"colonne en double : « {headers[column]} » désigne déjà la même donnée",
                    sheet=sheet,
                    row=header_at + 1,
                    column=str(text).strip(),
                )
            )
        else:
            positions[column] = pos
            headers[column] = str(text).strip()
    for col in kind.columns:
        if col.required and col.name not in positions:
            problems.append(
                Problem(
                    ERROR,
                    name,
                    f"colonne obligatoire manquante : « {french_label(kind.name, col.name)} »",
                    sheet=sheet,
                    row=header_at + 1,
                )
            )
    picks = list(positions.values())
    if table is not None:
        body_rows = len(table) - header_at - 1
        values = np.empty((body_rows, len(picks)), dtype=object)
        for j, p in enumerate(picks):
            values[:, j] = stripped[p][header_at + 1 :]
    else:
        body = rows[header_at + 1 :]
        body_rows = len(body)
        width = max(picks, default=-1) + 1
        # Column by column: a big file's cells are picked and stripped in tight loops
        # (a stripped-empty string is blank, exactly as `_blank` says).
        if body and min(map(len, body)) >= width:
            columns = [list(map(operator.itemgetter(p), body)) for p in picks]
        else:
            columns = [[r[p] if p < len(r) else None for r in body] for p in picks]
        values = np.empty((body_rows, len(picks)), dtype=object)
        for j, column in enumerate(columns):
            values[:, j] = [(v.strip() or None) if isinstance(v, str) else v for v in column]
    keep = ~np.equal(values, None).all(axis=1)  # blank rows (trailing or not) carry nothing
    index = np.arange(header_at + 2, header_at + 2 + body_rows)[keep]
    records = values[keep]
    cells = pd.DataFrame(
        records, columns=list(positions), index=pd.Index(index.tolist(), name="row"), dtype=object
    )
    for col in kind.columns:
        if col.name not in cells:
            cells[col.name] = None
    return cells[[c.name for c in kind.columns]], headers
