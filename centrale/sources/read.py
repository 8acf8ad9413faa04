"""Read one source file (.xlsx or .csv, as Belgian Excel writes them) into raw cells.

Raw means: canonical column names, Excel row numbers as the index, and cell
values untouched (strings from a CSV, typed values from a workbook). Typing
and rules come after, in `validate`, so that every problem of a file can be
reported at once with the row a person sees in Excel.
"""

# Over 500 lines: reading a workbook or a CSV as staff and tools write them (headers found
# below title blocks, units rows, encodings); to split into workbook / csv readers next.

from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import operator
import os
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from centrale import fmt
from centrale.names import normalise
from centrale.sources.kinds import (
    COMMUNE,
    COMMUNE_CODE_HEADINGS,
    COMMUNE_NAME,
    COMMUNE_NAME_HEADINGS,
    FILE_PREFIXES,
    Kind,
    french_label,
)
from centrale.sources.parse import is_blank
from centrale.sources.problems import ERROR, WARNING, Problem

# A workbook is a zip: refuse those that would inflate past this or hold too
# many parts before openpyxl parses anything (zip bombs, billion laughs).
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_ENTRIES = 2000
# Seconds one workbook may take to read, when a caller sets it (the dashboard, for a file
# a person sent): a small file that inflates into a huge sheet stops, said in French,
# instead of holding the server for minutes. Unset (None) for the ETL's own folder.
READ_BUDGET: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "read_budget", default=None
)
# Called all along the reading and checking of a sent file (only where READ_BUDGET is
# set, never during a build): the dashboard sets Streamlit's own check of the script run,
# which raises to end the run when the browser session that sent the file has ended (tab
# closed), so the work stops with its session instead of running on for minutes.
READ_CHECK: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "read_check", default=None
)
# The whole check of a sent file (reading *and* validation) against the clock and the
# memory: set by the dashboard's preview (`sent_file_budget`), checked by `checkpoint`.
SENT_LIMITS: contextvars.ContextVar[tuple[float, int, float, int] | None] = contextvars.ContextVar(
    "sent_limits", default=None
)  # (deadline (monotonic), memory ceiling (bytes of RSS), seconds, megabytes)
CHECK_EVERY_ROWS = 64
SEPARATORS = (";", ",", "\t")
HEADER_SEARCH_ROWS = 15  # a title block puts the header on row 4 to 10
_TOTAL = re.compile(r"^(?:sous )?tota(?:l|ux)\b")  # total, totaux, sous-total (normalised)
_NOTE = re.compile(r"^(source|sources|note|notes|nb|n b|remarque)\b")


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
    """Read `path` as a file of `kind` (its first table); problems are collected."""
    return read_sources(path, kind, display_name)[0]


def read_sources(path: Path, kind: Kind, display_name: str | None = None) -> list[RawTable]:
    """Read `path` as a file of `kind`: one RawTable per sheet holding the table.

    A workbook's every non-empty sheet is looked at: the sheets holding the
    kind's table are all read (one per year, per arrondissement…); a sheet
    that holds something else is said to be ignored, never dropped silently.
    Problems are collected, never raised.
    """
    name = display_name or path.name
    data = path.read_bytes()
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    sheets: list[tuple[str | None, list]] = [(None, [])]
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
            found, problem = _workbook_sheets(data, name)
            if problem:
                problems.append(problem)
            sheets = _table_sheets(found, kind, name, problems) or sheets
    elif suffix == ".csv":
        rows, problem = csv_rows(data, name, fast=True)
        sheets = [(None, rows)]
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
    tables = []
    for sheet, rows in sheets:
        own = problems if not tables else []
        cells, headers = _cells_from_rows(rows, kind, name, sheet, own)
        tables.append(RawTable(name, sheet, kind, cells, headers, suffix == ".xlsx", own))
    return tables


def _table_sheets(found, kind: Kind, name: str, problems: list[Problem]):
    """The sheets holding `kind`'s table (all of them), else the one named after the kind
    or the one naming most columns; every other non-empty sheet is reported as ignored."""
    scored = [(sheet, rows, _header_row(rows, kind)[1]) for sheet, rows in found]
    required = {c.name for c in kind.columns if c.required}
    # A sheet naming one of the required columns is the table (whole or not: a missing
    # column is then reported on that sheet, never dropped).
    holding = [(s, r) for s, r, known in scored if required & known]
    if not holding:
        wanted = {normalise(p) for p in (kind.name, kind.label_fr, *FILE_PREFIXES[kind.name])}
        named = [(s, r) for s, r, _ in scored if normalise(s) in wanted]
        best = max(scored, key=lambda item: len(item[2]), default=None)
        holding = named[:1] or ([(best[0], best[1])] if best else [])
    kept = {s for s, _ in holding}
    for sheet, rows, _known in scored:
        if sheet not in kept and any(not is_blank(v) for r in rows for v in r):
            problems.append(
                Problem(
                    WARNING,
                    name,
                    f"feuille ignorée : elle ne contient pas le tableau des {kind.label_fr} "
                    f"(colonnes obligatoires : {_required_labels(kind)})",
                    sheet=sheet,
                    code="feuille-ignoree",
                )
            )
    return holding


def _required_labels(kind: Kind) -> str:
    return ", ".join(f"« {french_label(kind.name, c.name)} »" for c in kind.columns if c.required)


def _workbook_sheets(data: bytes, name: str):
    """([(sheet name, rows)] of every worksheet, problem); formulas read by the values
    Excel cached when it saved the file (what the person saw)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_XLSX_ENTRIES or (
                sum(i.file_size for i in infos) > MAX_XLSX_UNCOMPRESSED
            ):
                return (
                    [],
                    Problem(
                        ERROR,
                        name,
                        "classeur refusé : une fois décompressé il serait anormalement volumineux",
                    ),
                )
    except zipfile.BadZipFile:
        return [], Problem(ERROR, name, "classeur Excel illisible (archive .xlsx corrompue)")
    import openpyxl  # deferred: only workbooks need it

    budget = READ_BUDGET.get()
    deadline = None if budget is None else time.monotonic() + budget
    source = _WatchedBytes(data, _sent_file_check(), deadline)
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except _OverBudget:
        return [], _over_budget(name, budget)
    except OverBudget:
        raise  # the whole check's budget: validate_files says so
    except Exception as exc:  # openpyxl raises many types for a damaged file
        return [], Problem(ERROR, name, f"classeur Excel illisible ({type(exc).__name__})")
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            sheets.append((sheet.title, rows))
    except _OverBudget:
        return [], _over_budget(name, budget)
    finally:
        book.close()
    return sheets, None


class _OverBudget(Exception):
    """A sent workbook's reading time (READ_BUDGET) is spent."""


def _over_budget(name: str, budget: float) -> Problem:
    return Problem(
        ERROR,
        name,
        f"lecture arrêtée après {budget:g} s : ce classeur est anormalement "
        "long à lire pour sa taille (feuille démesurée ?). Enregistrez dans "
        "Excel seulement le tableau attendu, ou découpez le fichier",
    )


class _WatchedBytes(io.BytesIO):
    """A workbook's bytes as openpyxl reads them: through zipfile, one compressed chunk
    at a time, while it parses rows and also while `load_workbook` sizes a sheet that
    does not declare its dimension (a whole pass over the sheet, before any row).

    Every read first calls `check` (READ_CHECK: may raise, the session has ended) and
    raises _OverBudget past `deadline`: both then hold from the first byte to the last.
    """

    def __init__(self, data: bytes, check: Callable[[], None] | None, deadline: float | None):
        super().__init__(data)
        self._check, self._deadline = check, deadline

    def read(self, size: int | None = -1, /) -> bytes:
        if self._check is not None:
            self._check()
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise _OverBudget
        if SENT_LIMITS.get() is not None:
            checkpoint()  # the whole check's time and memory (OverBudget)
        return super().read(size)


def workbook_rows(data: bytes, kind: Kind, name: str):
    """(sheet, rows, problem) of the one sheet named after `kind`, else the first."""
    sheets, problem = _workbook_sheets(data, name)
    if problem or not sheets:
        return None, [], problem
    wanted = {normalise(p) for p in (kind.name, kind.label_fr, *FILE_PREFIXES[kind.name])}
    sheet, rows = next(((s, r) for s, r in sheets if normalise(s) in wanted), sheets[0])
    return sheet, rows, None


def _utf16(data: bytes) -> str | None:
    """The text of a UTF-16 file (Excel's « Texte Unicode »: UTF-16 LE with its BOM,
    tab-separated), else None. Without a BOM, a text whose every other byte is NUL on
    its start is UTF-16 too (the NULs are the high bytes of plain characters)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        head = data[: min(len(data), 512) // 2 * 2]
        high, low = head[1::2], head[0::2]  # little-endian order
        if len(head) < 4:
            return None
        # Mostly NUL high bytes (a `€` or `’` has none), and no NUL low byte.
        if high.count(0) >= 0.9 * len(high) and not low.count(0):
            encoding = "utf-16-le"
        elif low.count(0) >= 0.9 * len(low) and not high.count(0):
            encoding = "utf-16-be"
        else:
            return None
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None


def decode_csv(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of a CSV as Excel and the survey tools write it, or None when it
    is not text (NUL bytes that are not UTF-16). The one decoding of a CSV: UTF-16 (Excel's
    « Texte Unicode »), UTF-8 with or without BOM, else Windows-1252 (Belgian Excel's
    « CSV (séparateur : point-virgule) »). The BOM is dropped from the text; the encoding
    says `utf-8-sig` when there was one, so that a rewrite keeps it."""
    text = _utf16(data)
    if text is not None:
        return text, "utf-16"
    if b"\x00" in data[:65536]:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def csv_rows(data: bytes, name: str, fast: bool = False):
    """(rows as lists of strings, problem); with `fast`, rows may be a `_csv_table` frame.

    Only `_cells_from_rows` takes the frame; other readers (the survey import)
    get lists.
    """
    decoded = decode_csv(data)
    if decoded is None:
        return [], Problem(
            ERROR,
            name,
            "ce fichier n'est pas un fichier texte CSV "
            "(contenu binaire) : attendu un CSV exporté d'Excel",
        )
    text, encoding = decoded
    if encoding == "utf-16" and "\x00" in text:
        return [], Problem(
            ERROR,
            name,
            "ce fichier texte Unicode (UTF-16) contient des caractères nuls : attendu un "
            "export d'Excel ; enregistrez-le à nouveau en .xlsx ou en CSV",
        )
    separator = csv_separator(text)
    table = _csv_table(text, separator) if fast else None
    if table is not None:
        return table, None
    try:
        return _csv_module_rows(text, separator), None
    except csv.Error:
        # A cell over the csv module's limit: an unclosed quote that swallowed the rest of
        # the file, or a cell nobody types (the store's cells are short texts).
        return [], Problem(
            ERROR,
            name,
            f"une cellule dépasse {csv.field_size_limit() // 1024} Ko de texte : un "
            'guillemet (") ouvert et jamais refermé, ou une cellule démesurée. Corrigez la '
            "cellule dans Excel puis enregistrez à nouveau en CSV",
        )


def _csv_module_rows(text: str, separator: str) -> list[list[str]]:
    """Every row as the `csv` module reads it (the reference the fast path matches)."""
    rows = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
        rows.append(row)
        if not len(rows) % CHECK_EVERY_ROWS:
            checkpoint()  # may raise: the session that sent the file has ended
    return rows


def _sent_file_check() -> Callable[[], None] | None:
    """READ_CHECK while a sent file is read (READ_BUDGET set), else None."""
    return READ_CHECK.get() if READ_BUDGET.get() is not None else None


class OverBudget(Exception):
    """The check of a sent file took more time or memory than its budget (French)."""


def _rss_bytes() -> int:
    """This process's resident memory now (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def sent_file_budget(seconds: float, megabytes: int):
    """Within the block, `checkpoint` raises OverBudget once `seconds` have passed or the
    process holds `megabytes` more memory than at the start."""
    limits = (time.monotonic() + seconds, _rss_bytes() + megabytes * 1024 * 1024)
    token = SENT_LIMITS.set((*limits, seconds, megabytes))
    try:
        yield
    finally:
        SENT_LIMITS.reset(token)


def checkpoint() -> None:
    """Call READ_CHECK if a sent file is being read (it may raise: its session ended),
    and stop a sent file's check over its time or memory budget (OverBudget).

    For the long steps after reading (header search, typing, rules), in the reader
    and in `validate`."""
    check = _sent_file_check()
    if check is not None:
        check()
    limits = SENT_LIMITS.get()
    if limits is not None:
        deadline, ceiling, seconds, megabytes = limits
        if time.monotonic() > deadline:
            raise OverBudget(f"vérification arrêtée après {seconds:g} s")
        if ceiling and _rss_bytes() > ceiling:
            raise OverBudget(f"vérification arrêtée : plus de {megabytes} Mo de mémoire")


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


def csv_separator(text: str) -> str:
    """The separator of a decoded CSV text: the one of SEPARATORS its first non-blank
    line holds most often outside quotes (the one rule for every CSV read or rewritten)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return max(SEPARATORS, key=lambda s: _count_outside_quotes(first_line, s))


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


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


# Over the complexity limit: header search, units row, blank rows in one walk (to split).
def _cells_from_rows(rows, kind: Kind, name: str, sheet, problems: list[Problem]):  # noqa: C901
    empty = pd.DataFrame(columns=[c.name for c in kind.columns], dtype=object)
    table = rows if isinstance(rows, pd.DataFrame) else None
    if table is not None:  # the CSV fast path: same rows, column by column
        stripped = [_stripped(table[c]) for c in table]
        filled = np.flatnonzero(~np.all([np.equal(v, None) for v in stripped], axis=0))
        first = int(filled[0]) if len(filled) else None
        top = [table.iloc[i].tolist() for i in range(min(len(table), HEADER_SEARCH_ROWS))]
    else:
        first = next((i for i, r in enumerate(rows) if any(not is_blank(v) for v in r)), None)
        top = rows[:HEADER_SEARCH_ROWS]
    header_at = _header_row(top, kind)[0] if first is not None else None
    if header_at is not None and header_at != first:
        problems.append(
            Problem(
                WARNING,
                name,
                f"la ligne {header_at + 1} est l'en-tête du tableau : les lignes {first + 1} "
                f"à {header_at} au-dessus (titre) sont ignorées",
                sheet=sheet,
                row=header_at + 1,
                code="titre-au-dessus",
            )
        )
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
    paired = _commune_pair(header_row, kind)
    if paired:
        (code_pos, code_text), (name_pos, name_text) = paired
        positions[COMMUNE], headers[COMMUNE] = code_pos, str(code_text).strip()
        positions[COMMUNE_NAME], headers[COMMUNE_NAME] = name_pos, str(name_text).strip()
    for pos, text in enumerate(header_row):
        if is_blank(text) or (paired and pos in (paired[0][0], paired[1][0])):
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
    units_at = header_at + 1
    units_row = None
    if table is not None and units_at < len(table):
        units_row = table.iloc[units_at].tolist()
    elif table is None and units_at < len(rows):
        units_row = rows[units_at]
    units = units_row is not None and _is_units_row(units_row)
    if units:
        problems.append(
            Problem(
                WARNING,
                name,
                "ligne d'unités ou de formats sous l'en-tête ("
                + ", ".join(f"« {str(v).strip()} »" for v in units_row if not is_blank(v))
                + "), ignorée : ce ne sont pas des données",
                sheet=sheet,
                row=units_at + 1,
                code="ligne-unites",
            )
        )
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
    if units and len(keep):
        keep[0] = False
    if table is not None:
        totals = _total_rows_table(table, header_at)
    else:
        totals = np.array([_is_total(r) for r in rows[header_at + 1 :]], dtype=bool)
    under = keep & _under_table(values, totals)
    if under.any():
        numbers = (np.flatnonzero(under) + header_at + 2).tolist()
        shown = ", ".join(map(str, numbers[:5])) + ("…" if len(numbers) > 5 else "")
        problems.append(
            Problem(
                WARNING,
                name,
                fmt.count(
                    len(numbers),
                    "ligne de total ou de note sous le tableau, ignorée",
                    "lignes de total ou de note sous le tableau, ignorées",
                )
                + f" ({'ligne' if len(numbers) < 2 else 'lignes'} {shown})",
                sheet=sheet,
                row=numbers[0],
                code="total-ou-note",
            )
        )
        keep &= ~under
    index = np.arange(header_at + 2, header_at + 2 + body_rows)[keep]
    records = values[keep]
    cells = pd.DataFrame(
        records, columns=list(positions), index=pd.Index(index.tolist(), name="row"), dtype=object
    )
    for col in kind.columns:
        if col.name not in cells:
            cells[col.name] = None
    extra = [COMMUNE_NAME] if COMMUNE_NAME in cells else []
    return cells[[c.name for c in kind.columns] + extra], headers


def _commune_pair(header_row, kind: Kind):
    """((position, heading) of the INS code, (position, heading) of the name) when the
    header holds both a code column and a name column for the kind's commune (Statbel's
    `Code INS` beside `Commune`, `Nom` or `Libellé`), else None: the code is then the
    commune and the name is checked against it (`validate`)."""
    if not any(c.name == COMMUNE and c.type == "commune" for c in kind.columns):
        return None
    lookup = kind.header_lookup()
    codes, names = [], []
    for pos, text in enumerate(header_row):
        if is_blank(text):
            continue
        key = normalise(text)
        # A code heading only where the kind reads it as the commune (`Code` is a
        # solution's code in the catalogue); a name heading also where the kind does not
        # know it (`Libellé` beside `Code INS` in an orders file).
        if key in COMMUNE_CODE_HEADINGS and lookup.get(key) == COMMUNE:
            codes.append((pos, text))
        elif key in COMMUNE_NAME_HEADINGS and lookup.get(key, COMMUNE) == COMMUNE:
            names.append((pos, text))
    if len(codes) == 1 and len(names) == 1:
        return codes[0], names[0]
    return None


_UNIT_WORDS = {
    "€", "eur", "euro", "euros", "htva", "€ htva", "eur htva", "€ tvac", "tvac", "en €",
    "en eur", "en euros", "k€", "%", "date", "texte", "nombre", "entier", "oui/non", "o/n",
    "oui ou non", "code ins", "code nis", "5 chiffres", "1, 2 ou 3", "1 à 3", "1-3",
    "aaaa", "yyyy", "année", "nb", "nombre entier", "montant",
}  # fmt: skip
_DATE_FORMAT = re.compile(r"^(?:[jdmay]{1,4}[/.\- ]){2}[jdmay]{2,4}$")


def _is_units_row(row) -> bool:
    """A row under the header that gives units or formats (`€`, `jj/mm/aaaa`, `(EUR)`),
    not data: every filled cell is such a word, and at least one is filled."""
    filled = [str(v).strip().lower() for v in row if not is_blank(v)]
    if not filled:
        return False
    for text in filled:
        text = text.strip("()[] ").strip()
        if text not in _UNIT_WORDS and not _DATE_FORMAT.match(text):
            return False
    return True


def _header_row(rows, kind: Kind) -> tuple[int | None, set[str]]:
    """(index of the row naming the most of the kind's columns, those columns); the
    first non-blank row when none names any."""
    lookup = kind.header_lookup()
    best, best_known = None, set()
    for i, row in enumerate(rows):
        if not i % CHECK_EVERY_ROWS:
            checkpoint()
        if all(is_blank(v) for v in row):
            continue
        if best is None:
            best = i
        known = {lookup[k] for v in row if not is_blank(v) and (k := normalise(v)) in lookup}
        if len(known) > len(best_known):
            best, best_known = i, known
    return best, best_known


def _is_total(row) -> bool:
    # The cheap first-letter test first: a big workbook has millions of cells.
    return any(
        isinstance(v, str) and v.lstrip()[:1] in "tTsS" and _TOTAL.match(normalise(v)) for v in row
    )


def _total_rows_table(table: pd.DataFrame, header_at: int) -> np.ndarray:
    """`_is_total` over the CSV fast path's rows, in one Arrow regex per column. A total's
    label sits in the first columns (where the row labels are): only those are read,
    so a million-row export pays a fraction of a second."""
    body = table.iloc[header_at + 1 :, :2]
    out = np.zeros(len(body), dtype=bool)
    for column in body:
        text = body[column].str.strip().str.lower()
        found = text.str.match(r"(?:sous[ -]?)?tota(?:l|ux)(?:[^a-z0-9]|$)")
        out |= found.to_numpy(dtype=bool, na_value=False)
    return out


def _under_table(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Rows that are not data: totals (anywhere), and notes under the last data row
    (one text cell, long or starting like a note: "Source : …", "* …")."""
    under = totals.copy()
    if values.shape[1] < 2 or not len(values):
        return under
    filled = (~np.equal(values, None)).sum(axis=1)
    data_rows = np.flatnonzero((filled >= 2) & ~totals)
    last = data_rows[-1] if len(data_rows) else -1
    for i in range(last + 1, len(values)):
        if filled[i] == 1:
            text = next(v for v in values[i] if v is not None)
            if isinstance(text, str) and (
                len(text) >= 25
                or text.lstrip().startswith(("*", "("))
                or _NOTE.match(normalise(text))
            ):
                under[i] = True
    return under
