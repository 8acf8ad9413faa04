"""Typing and business rules of DATA-CONTRACT.md, over every source file at once.

`validate_files` reads each file, types its cells, applies the rules of its
kind and then the rules across kinds (an order needs an adhesion and a
framework agreement…). It never stops at the first problem: the result holds
every problem of every file, and the typed tables ready to load when there
is no error. Row-level checks are vectorised so a million orders stay fast.
"""

# Over 500 lines: discovery, typing and the rules of every kind of source file; the rules
# (`_check_*`) move to their own module next.

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from centrale import fmt
from centrale.config import CENTRALE_OPENED_ON
from centrale.domain import OrderStatus, elide
from centrale.fingerprint import sha256_bytes
from centrale.names import CommuneMatcher, normalise
from centrale.sources import parse
from centrale.sources.kinds import (
    COMMUNE,
    COMMUNE_NAME,
    EVENT_KINDS,
    EVENT_ROLES,
    KINDS,
    MAPPING_PREFIX,
    NO_NEED_WORDS,
    NO_WORDS,
    ORDER_STATUSES,
    YES_WORDS,
    Kind,
    french_label,
    kind_of_file,
)
from centrale.sources.problems import ERROR, WARNING, Problem
from centrale.sources.read import OverBudget, RawTable, checkpoint, read_sources

_AWARDED = OrderStatus.AWARDED.value

_EXPECTED = {
    "date": "une date attendue (jj/mm/aaaa ou aaaa-mm-jj)",
    "amount": "un montant attendu (par exemple 1 234,50)",
    "int": "un nombre entier attendu",
}
# The store's bounds (schema.sql: DECIMAL(14, 2) euros, INTEGER counts and years): a
# value past them is a typo (a pasted phone number, a cell formatted as a date), said
# here rather than failing the write.
_LIMITS = {
    "amount": (
        999_999_999_999.99,
        "montant démesuré : au plus 999 999 999 999,99 € ; vérifiez la cellule",
    ),
    "int": (2_147_483_647, "nombre démesuré : au plus 2 147 483 647 ; vérifiez la cellule"),
}
META = ["_file", "_sheet", "_row"]
ANONYMISED_DATE = "1980-01-01"  # LimeSurvey's every submit date in an anonymised survey


def _memo(func):
    """`func`, computed once per distinct argument: source columns repeat a lot."""
    cache = {}

    def call(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = func(value)
            return result
        except TypeError:  # unhashable cell
            return func(value)

    return call


@dataclass
class Reference:
    """What source rows are checked against: the communes and their mergers."""

    communes: pd.DataFrame  # nis_code, name_fr, prov_nis, province, population, …
    mergers: pd.DataFrame  # old_nis, new_nis, merged_on
    province_nis: str
    today: dt.date = field(default_factory=dt.date.today)
    # Provinces whose communes may adhere (None: any). The centrale serves its
    # own province; the benchmark's country-wide scale set widens it.
    adhesion_provinces: frozenset[str] | None = None

    def __post_init__(self) -> None:
        names = dict(zip(self.communes["nis_code"], self.communes["name_fr"]))
        ours = self.communes.loc[self.communes["prov_nis"] == self.province_nis, "nis_code"]
        self.matcher = CommuneMatcher(names, frozenset(ours))
        self.names = names
        self.province_of = dict(zip(self.communes["nis_code"], self.communes["prov_nis"]))
        provinces = self.communes.dropna(subset=["prov_nis"]).drop_duplicates("prov_nis")
        self.province_by_name = {}
        for prov_nis, province in zip(provinces["prov_nis"], provinces["province"]):
            short = normalise(province)
            for prefix in ("province du ", "province de la ", "province de ", "province "):
                short = short.removeprefix(prefix)
            self.province_by_name[normalise(province)] = prov_nis
            self.province_by_name[short] = prov_nis
            self.province_by_name[prov_nis] = prov_nis


@dataclass
class SourceFile:
    path: Path
    name: str
    kind: str | None
    sha256: str
    size: int
    rows: int = 0


@dataclass
class Validated:
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    files: list[SourceFile]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


MAX_PER_RULE = 1000  # rows listed per rule and file; the others are counted in one line


class _Report:
    """Collects problems for rows of a (possibly multi-file) typed frame."""

    def __init__(self, headers: dict[str, dict[str, str]]):
        self.headers = headers  # file -> canonical column -> header as written
        self.problems: list[Problem] = []
        self.held_back: dict[str, str] = {}  # rule code -> the file to fix first

    def add(
        self,
        level,
        frame: pd.DataFrame,
        mask,
        column: str | None,
        message,
        value_column: str | None = None,
        code: str = "",
    ) -> None:
        """One problem per row of `frame[mask]`; `message` may be a function of the row.

        The column is named as the file writes it, else by its French label."""
        rows = frame[mask] if mask is not None else frame
        value_column = value_column or column
        counts = rows["_file"].value_counts(sort=False) if len(rows) > MAX_PER_RULE else None
        if counts is not None:  # one rule, one file: the first rows, then how many more
            rows = rows.groupby("_file", sort=False).head(MAX_PER_RULE)
        for i, record in enumerate(rows.to_dict("records")):
            if not i % 1024:
                checkpoint()  # a rule may list many rows: a sent file's session may end
            file = record["_file"]
            header = None
            if column:
                header = self.headers.get(file, {}).get(column) or french_label(
                    kind_of_file(file), column
                )
            value = record.get(f"_raw_{value_column}", record.get(value_column))
            text = message(record) if callable(message) else message
            self.problems.append(
                Problem(
                    level,
                    file,
                    text,
                    sheet=record["_sheet"],
                    row=record["_row"],
                    column=header,
                    value=None if _missing(value) else value,
                    code=code,
                )
            )
        for file, count in counts.items() if counts is not None else ():
            if count > MAX_PER_RULE:
                shown = message if isinstance(message, str) else "le même problème"
                self.problems.append(
                    Problem(
                        level,
                        file,
                        f"et {fmt.number(count - MAX_PER_RULE)} autres lignes : {shown}",
                        column=self.headers.get(file, {}).get(column) if column else None,
                        code=code or "et_autres",
                    )
                )

    def error(self, frame, mask, column, message, value_column=None, code=""):
        self.add(ERROR, frame, mask, column, message, value_column, code)

    def warn(self, frame, mask, column, message, value_column=None, code=""):
        self.add(WARNING, frame, mask, column, message, value_column, code)

    def error_after(
        self,
        frame: pd.DataFrame,
        mask,
        column: str | None,
        message,
        cause: str | None,
        rule: str,
        code: str,
    ) -> None:
        """A cross-file rule's errors: one per row, unless `cause` (the file the rule
        reads) has errors of its own: then most of them follow from those, and they
        are told as one line per checked file, with the count and the file to fix
        first, instead of one line per row."""
        if cause is None:
            self.error(frame, mask, column, message, code=code)
            return
        rows = frame[mask] if mask is not None else frame
        for file, group in rows.groupby("_file", sort=False):
            numbers = sorted(group["_row"].tolist())
            header = None
            if column:
                header = self.headers.get(file, {}).get(column) or french_label(
                    kind_of_file(file), column
                )
            self.problems.append(
                Problem(
                    ERROR,
                    file,
                    f"{len(numbers)} ligne(s) en erreur pour la même règle ({rule}) : "
                    f"{_row_list(numbers)} ; {cause} a lui-même des erreurs dont celles-ci "
                    f"découlent sans doute : corrigez d'abord {cause}, puis vérifiez à nouveau",
                    sheet=group["_sheet"].iloc[0],
                    row=numbers[0],
                    column=header,
                    code=code,
                )
            )

    def hold_back(self, frame: pd.DataFrame, rule: str, broken: str, code: str) -> None:
        """A cross-file rule not run because the file it reads is broken: said once per
        checked file ("corrigez d'abord adhesions.xlsx"), instead of one error per row."""
        for file in dict.fromkeys(frame["_file"]):
            self.problems.append(
                Problem(
                    WARNING,
                    file,
                    f"contrôle de {rule} reporté : corrigez d'abord {broken}",
                    code=code,
                )
            )


def _row_list(numbers: list[int]) -> str:
    """`lignes 2 à 83` for a run, else the first rows (`lignes 2, 5, 9…`)."""
    if len(numbers) == 1:
        return f"ligne {numbers[0]}"
    if numbers[-1] - numbers[0] == len(numbers) - 1:
        return f"lignes {numbers[0]} à {numbers[-1]}"
    shown = ", ".join(map(str, numbers[:8]))
    return f"lignes {shown}" + ("…" if len(numbers) > 8 else "")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT


SOURCE_EXTENSIONS = (".xlsx", ".csv")
# Formats a person saves a table in that the ETL does not read, and what to do instead.
_SAVE_AS_XLSX = (
    "enregistrez-le en .xlsx (Fichier > Enregistrer sous > Classeur Excel .xlsx) "
    "puis retirez l'original du dossier"
)
_OTHER_FORMATS = {
    ".ods": "classeur OpenDocument (LibreOffice, OpenOffice) non lu",
    ".fods": "classeur OpenDocument non lu",
    ".xls": "ancien classeur Excel 97-2003 (.xls) non lu",
    ".xlsm": "classeur Excel avec macros (.xlsm) non lu",
    ".xlsb": "classeur Excel binaire (.xlsb) non lu",
    ".numbers": "classeur Numbers (Apple) non lu",
    ".txt": "fichier texte (.txt) non lu : si c'est un export d'Excel « Texte Unicode » ou "
    "« Texte (séparateur : tabulation) », renommez-le en .csv (il sera lu tel quel), ou",
    ".tsv": "fichier texte (.tsv) non lu : renommez-le en .csv (il sera lu tel quel), ou",
}
# The folder's own documentation, never a table.
_DOCUMENTATION = ("readme", "lisezmoi", "lisez-moi")
# The dashboard's own sub-folder of the sources folder: the earlier versions of survey
# answers replaced in the dashboard (`survey_entry`), never read by a build.
HISTORY_DIR = "historique"


def list_source_files(directory: Path) -> list[Path]:
    """The .xlsx/.csv files of `directory`, in name order (hidden and temp files skipped).

    Every other entry of the folder is named by `unread_entries`."""
    return sorted(
        p
        for p in Path(directory).iterdir()
        if p.suffix.lower() in SOURCE_EXTENSIONS
        and not p.name.startswith((".", "~$"))
        and p.is_file()
    )


def unread_entries(directory: Path) -> list[Problem]:
    """One problem per entry of the sources folder that the ETL does not read.

    Nothing is skipped unsaid: a workbook in another format (`.ods`, `.xls`…) whose
    name says what it holds is an error (its rows would be missing from the store);
    any other file, a sub-folder (even one named `x.csv`), a pipe or a device is a
    warning naming it. Only hidden entries (the dashboard's own `.archive`, a system's
    `.DS_Store`), the dashboard's `historique/`, the survey import's saved column choices
    (`correspondance-enquete-*.json`) and the folder's README are passed over, as
    documented in
    docs/how-to/fichiers-sources.md. Nothing is opened: a pipe would block a read.
    """
    problems = []
    for path in sorted(Path(directory).iterdir()):
        name = path.name
        suffix = path.suffix.lower()
        if (
            name.startswith(".")
            or (name == HISTORY_DIR and path.is_dir())
            # the survey import's saved column choices (its own files, not sources)
            or (name.startswith(MAPPING_PREFIX) and suffix == ".json")
            or (path.stem.lower() in _DOCUMENTATION and suffix in ("", ".md", ".txt"))
        ):
            continue
        if name.startswith("~$"):
            problems.append(
                Problem(
                    WARNING,
                    name,
                    "fichier de verrouillage d'Excel, ignoré : le classeur "
                    f"« {name[2:]} » est peut-être ouvert ; enregistrez-le et fermez-le "
                    "avant de charger",
                    code="verrou-excel",
                )
            )
            continue
        # A folder or a pipe named like a source file was meant to be loaded: an error.
        meant = suffix in SOURCE_EXTENSIONS and kind_of_file(name) is not None
        if path.is_dir():
            problems.append(
                Problem(
                    ERROR if meant else WARNING,
                    name,
                    "dossier ignoré : les sous-dossiers ne sont pas lus ; placez les fichiers "
                    "à charger directement dans le dossier des sources",
                    code="dossier-ignore",
                )
            )
            continue
        if not path.is_file():
            problems.append(
                Problem(
                    ERROR if meant else WARNING,
                    name,
                    "ignoré : ce n'est pas un fichier ordinaire (tube, périphérique ou lien "
                    "cassé) ; attendu un fichier .xlsx ou .csv",
                    code="pas-un-fichier",
                )
            )
            continue
        if suffix in SOURCE_EXTENSIONS:
            continue
        kind = kind_of_file(name)
        if suffix in _OTHER_FORMATS:
            level = ERROR if kind else WARNING
            problems.append(
                Problem(
                    level,
                    name,
                    f"{_OTHER_FORMATS[suffix]} : {_SAVE_AS_XLSX}",
                    code="format-a-convertir",
                )
            )
            continue
        problems.append(
            Problem(
                ERROR if kind else WARNING,
                name,
                f"fichier ignoré : format « {suffix or 'sans extension'} » non lu ; seuls "
                "les classeurs .xlsx et les fichiers .csv sont chargés",
                code="format-inconnu",
            )
        )
    return problems


def validate_files(
    paths: list[Path], reference: Reference, display_names: dict[Path, str] | None = None
) -> Validated:
    """Read, type and check every file; the typed tables are complete only if `ok`.

    Under a sent file's budget (`read.sent_file_budget`), running out of time or
    memory at any step is one error naming the sent file, and nothing else."""
    files: list[SourceFile] = []
    try:
        return _validate_files(paths, reference, display_names, files)
    except OverBudget as exc:
        sent = [(display_names or {}).get(p, p.name) for p in paths if p in (display_names or {})]
        name = sent[-1] if sent else (paths[-1].name if paths else "fichier envoyé")
        problem = Problem(
            ERROR,
            name,
            f"{exc} : ce fichier est anormalement lourd à vérifier pour sa taille "
            "(feuille démesurée, lignes vides à perte de vue ?). Enregistrez dans Excel "
            "seulement le tableau attendu, ou découpez le fichier, puis envoyez-le à nouveau",
            code="budget_depasse",
        )
        return Validated({}, [problem], files)


def _validate_files(
    paths: list[Path],
    reference: Reference,
    display_names: dict[Path, str] | None,
    files: list[SourceFile],
) -> Validated:
    problems: list[Problem] = []
    raws: dict[str, list[RawTable]] = {name: [] for name in KINDS}
    for path in paths:
        name = (display_names or {}).get(path, path.name)
        data = path.read_bytes()
        kind = kind_of_file(name)
        files.append(SourceFile(path, name, kind, sha256_bytes(data), len(data)))
        if kind is None:
            problems.append(
                Problem(
                    WARNING,
                    name,
                    "fichier ignoré : son nom ne commence par "
                    "aucun type connu (" + ", ".join(KINDS) + ")",
                )
            )
            continue
        for raw in read_sources(path, KINDS[kind], name):  # one per sheet of the table
            problems.extend(raw.problems)
            files[-1].rows += len(raw.cells)
            raws[kind].append(raw)

    headers = {raw.file: raw.headers for group in raws.values() for raw in group}
    report = _Report(headers)
    # Files that could not be read whole: rules of other files that read them wait.
    broken = {
        kind: next(raw.file for raw in group if any(p.level == ERROR for p in raw.problems))
        for kind, group in raws.items()
        if any(p.level == ERROR for raw in group for p in raw.problems)
    }
    checkpoint()
    typed = {kind: _typed(KINDS[kind], group, reference, report) for kind, group in raws.items()}

    def failed() -> dict[str, str]:
        """kind -> its first file with an error so far (read, typing or its own rules)."""
        found: dict[str, str] = {}
        for problem in [*problems, *report.problems]:
            kind = kind_of_file(problem.file)
            if problem.level == ERROR and kind and kind not in found:
                found[kind] = problem.file
        return found

    checkpoint()
    _check_solutions(typed["solutions"], report)
    _check_framework(typed["framework"], typed["solutions"], report, failed())
    _check_adhesions(typed["adhesions"], reference, report)
    _check_orders(
        typed["orders"],
        typed["solutions"],
        typed["framework"],
        typed["adhesions"],
        reference,
        report,
        broken,
        failed(),
    )
    typed["offers"] = _check_offers(
        typed["offers"], typed["orders"], typed["framework"], report, broken, failed()
    )
    _check_events(typed["events"], reference, report)
    _check_subsidies(typed["subsidies"], reference, report)
    _check_survey(typed["survey"], typed["solutions"], report)
    _check_campaigns(typed["campaigns"], report)
    _check_future_dates(typed, reference.today, report)
    _check_opening_dates(typed, report)
    _check_survey_dates(typed["survey"], typed["campaigns"], report, broken, failed())
    checkpoint()
    problems.extend(report.problems)
    tables = {
        kind: frame.drop(columns=[c for c in frame if c.startswith("_raw_")])
        for kind, frame in typed.items()
    }
    return Validated(tables, problems, files)


def _typed(kind: Kind, raws: list[RawTable], reference: Reference, report: _Report) -> pd.DataFrame:
    """Concatenate the kind's files and type each column; bad cells become None."""
    frames = []
    for raw in raws:
        checkpoint()
        cells = raw.cells.copy()
        cells["_file"], cells["_sheet"], cells["_row"] = raw.file, raw.sheet, cells.index
        frame = pd.DataFrame(
            {"_file": cells["_file"], "_sheet": cells["_sheet"], "_row": cells["_row"]}
        )
        for col in kind.columns:
            raw_values = cells[col.name]
            frame[f"_raw_{col.name}"] = raw_values
            frame[col.name] = _parse_column(col.type, raw_values, raw.from_workbook, reference)
        if COMMUNE_NAME in cells or any(COMMUNE_NAME in r.cells for r in raws):
            frame[COMMUNE_NAME] = cells[COMMUNE_NAME] if COMMUNE_NAME in cells else None
        frames.append(frame.reset_index(drop=True))
    if not frames:
        columns = META + [c.name for c in kind.columns] + [f"_raw_{c.name}" for c in kind.columns]
        empty = pd.DataFrame(columns=columns, dtype=object)
        for col in kind.columns:
            empty[col.name] = _as_dtype(col.type, empty[col.name])
        return empty
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for col in kind.columns:
        raw_values, values = frame[f"_raw_{col.name}"], frame[col.name]
        invalid = pd.Series(
            [v is parse.INVALID for v in values.tolist()], index=values.index, dtype=bool
        )
        if invalid.any():
            if col.type == "commune":
                report.error(
                    frame,
                    invalid,
                    col.name,
                    lambda r, c=col.name: _unknown_commune(r[f"_raw_{c}"], reference),
                    code="commune-inconnue",
                )
            else:
                report.error(frame, invalid, col.name, _EXPECTED[col.type])
            frame.loc[invalid, col.name] = None
        if col.type in _LIMITS:
            limit, text = _LIMITS[col.type]
            huge = pd.Series(
                [v is not None and abs(v) > limit for v in frame[col.name].tolist()],
                index=values.index,
                dtype=bool,
            )
            if huge.any():
                report.error(frame, huge, col.name, text, code="nombre-hors-limites")
                frame.loc[huge, col.name] = None
        if col.not_null:
            # A missing column is reported once, on the header row, not on every row.
            present = frame["_file"].isin([f for f, h in report.headers.items() if col.name in h])
            report.error(
                frame, raw_values.isna() & present, col.name, "valeur obligatoire manquante"
            )
        frame[col.name] = _as_dtype(col.type, frame[col.name])
    if COMMUNE_NAME in frame:
        _check_code_and_name(frame, reference, report)
        frame = frame.drop(columns=[COMMUNE_NAME])
    return frame


def _check_code_and_name(frame: pd.DataFrame, reference: Reference, report: _Report) -> None:
    """Where a file gives the commune twice (INS code and name), the code was used: the
    name must designate the same commune, else neither is trusted (an error)."""
    named = frame[COMMUNE_NAME].notna() & frame[COMMUNE].notna()
    if not named.any():
        return
    resolved = frame[COMMUNE_NAME].map(_memo(lambda v: reference.matcher.resolve(v)))
    differs = named & (resolved != frame[COMMUNE])
    report.error(
        frame,
        differs,
        COMMUNE_NAME,
        lambda r: (
            f"le code INS et le nom ne désignent pas la même commune : le code "
            f"« {r[f'_raw_{COMMUNE}']} » est {reference.names.get(r[COMMUNE], r[COMMUNE])}, "
            f"le nom « {r[COMMUNE_NAME]} » "
            + (
                f"est celui {elide('de', reference.names[other])} ({other})"
                if (other := reference.matcher.resolve(r[COMMUNE_NAME])) in reference.names
                else "ne désigne aucune commune connue"
            )
            + " ; corrigez le code ou le nom"
        ),
        code="code-ins-et-nom-differents",
    )


def _as_dtype(type_: str, values: pd.Series) -> pd.Series:
    """Columnar types, so that rules compare whole columns (blank -> NaT/NaN/<NA>)."""
    if type_ == "date":
        return pd.to_datetime(values).astype("datetime64[ns]")
    if type_ == "amount":
        return pd.to_numeric(values).astype("float64")
    if type_ == "int":
        return pd.to_numeric(values).astype("Int64")
    return values.astype(object)


def _parse_column(
    type_: str, values: pd.Series, from_workbook: bool, reference: Reference
) -> pd.Series:
    """One column's raw cells -> parsed values (None blank, `parse.INVALID` unreadable)."""
    if type_ == "amount":
        # Amounts are mostly distinct: parsed column-wise rather than value by value.
        return parse.parse_amounts(values)
    parser = _cell_parser(type_, from_workbook, reference)
    # Parse each distinct value once: source columns repeat a lot (dates, communes).
    # Cells are str, numbers, dates or None (all hashable): factorize hashes in C.
    cells = np.empty(len(values), dtype=object)
    cells[:] = values.tolist()
    codes, uniques = pd.factorize(cells)
    parsed = np.empty(len(uniques) + 1, dtype=object)
    parsed[:-1] = [parser(v) for v in uniques]
    parsed[-1] = None  # code -1: a blank cell
    return pd.Series(parsed[codes], index=values.index, dtype=object)


def _cell_parser(type_: str, from_workbook: bool, reference: Reference):
    if type_ == "date":
        return lambda v: parse.parse_date(v, from_workbook)
    if type_ == "int":
        return parse.parse_int
    if type_ == "commune":
        return lambda v: reference.matcher.resolve(v) or parse.INVALID
    return parse.parse_text


def _unknown_commune(value, reference: Reference) -> str:
    """Names proposed only among the communes that may adhere (the province's, with the
    old names of merged ones), unless every province may."""
    allowed = reference.adhesion_provinces or frozenset({reference.province_nis})
    within = None
    if "*" not in allowed:
        within = {nis for nis, prov in reference.province_of.items() if prov in allowed}
    suggestions = reference.matcher.suggest(value, within=within)
    text = "commune inconnue : attendu un nom de commune ou un code INS à 5 chiffres"
    if suggestions:
        text += " ; communes les plus proches : " + ", ".join(suggestions)
    return text


def _duplicates(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    present = frame[keys].notna().all(axis=1)
    normalised = frame[keys].map(lambda v: normalise(v) if isinstance(v, str) else v)
    return present & normalised.duplicated(keep="first")


def _check_solutions(frame, report):
    report.error(
        frame,
        _duplicates(frame, ["solution_id"]),
        "solution_id",
        "code de solution en double : chaque code doit être unique",
    )


def _solution_lookup(solutions: pd.DataFrame) -> dict[str, str]:
    """Normalised code or French name -> solution_id."""
    lookup = {}
    for sid, name in zip(solutions["solution_id"], solutions["name_fr"]):
        if sid is not None:
            lookup[normalise(name)] = sid
            lookup[normalise(sid)] = sid
    return lookup


def _resolve_solutions(frame, column, solutions, report, required=True, failed=None) -> pd.Series:
    lookup = _solution_lookup(solutions)
    resolved = frame[column].map(
        _memo(lambda v: lookup.get(normalise(v)) if v is not None else None)
    )
    if required:
        unknown = frame[column].notna() & resolved.isna()
        codes = ", ".join(sorted(set(lookup.values()))) or "aucune solution chargée"
        report.error_after(
            frame,
            unknown,
            column,
            f"solution inconnue : attendu un code ou un nom du catalogue ({codes})",
            (failed or {}).get("solutions"),
            "solution inconnue du catalogue",
            "solution-inconnue",
        )
    return resolved


def _check_framework(frame, solutions, report, failed=None):
    frame["solution_id"] = _resolve_solutions(
        frame, "solution_id", solutions, report, failed=failed
    )
    bad_range = (
        frame["ends_on"].notna()
        & frame["starts_on"].notna()
        & (frame["ends_on"] < frame["starts_on"])
    )
    report.error(frame, bad_range, "ends_on", "la date de fin précède la date de début")
    report.error(
        frame,
        _duplicates(frame, ["solution_id", "provider", "starts_on"]),
        "provider",
        "accord-cadre en double (même solution, prestataire et début)",
    )
    # More than two providers active at once is allowed but unusual: warn.
    valid = frame.dropna(subset=["solution_id", "starts_on"])
    for sid, group in valid.groupby("solution_id"):
        for start in group["starts_on"]:
            active = group[
                (group["starts_on"] <= start)
                & (group["ends_on"].isna() | (group["ends_on"] >= start))
            ]
            if active["provider"].nunique() > 2:
                names = ", ".join(sorted(active["provider"].unique()))
                row = active[active["starts_on"] == start].tail(1)
                report.warn(
                    row,
                    None,
                    "provider",
                    f"plus de deux prestataires actifs le "
                    f"{start:%d/%m/%Y} pour la solution {sid} ({names})",
                )
                break


def _check_adhesions(frame, reference, report):
    allowed = reference.adhesion_provinces
    if allowed is None:
        allowed = frozenset({reference.province_nis})
    outside = frame["commune"].notna() & frame["commune"].map(
        _memo(lambda n: "*" not in allowed and reference.province_of.get(n) not in allowed)
    )
    report.error(
        frame,
        outside,
        "commune",
        "commune hors de la province : seules les "
        "communes de la province peuvent adhérer à la centrale",
    )
    bad_range = (
        frame["withdrawn_on"].notna()
        & frame["signed_on"].notna()
        & (frame["withdrawn_on"] < frame["signed_on"])
    )
    report.error(
        frame, bad_range, "withdrawn_on", "la date de retrait précède la date de signature"
    )
    # One active adhesion per commune: periods of one commune must not overlap.
    valid = frame.dropna(subset=["commune", "signed_on"]).sort_values(["commune", "signed_on"])
    previous_end = valid.groupby("commune")["withdrawn_on"].shift()
    previous_exists = valid.groupby("commune").cumcount() > 0
    overlap = previous_exists & (previous_end.isna() | (previous_end > valid["signed_on"]))
    report.error(
        valid,
        overlap,
        "commune",
        lambda r: (
            f"deux adhésions actives en même temps pour "
            f"{reference.names.get(r['commune'], r['commune'])} : la précédente doit "
            "avoir une date de retrait antérieure à cette signature"
        ),
    )


def _membership_periods(adhesions: pd.DataFrame, mergers: pd.DataFrame) -> pd.DataFrame:
    """(commune, start, end) periods of active adhesion, mergers carried to the successor.

    A commune absorbed by another passes its adhesion on from the merger date:
    the successor is then a member even if it never signed itself.
    """
    own = adhesions.dropna(subset=["commune", "signed_on"])[
        ["commune", "signed_on", "withdrawn_on"]
    ]
    periods = [own.rename(columns={"signed_on": "start", "withdrawn_on": "end"})]
    for m in mergers.itertuples():
        inherited = own[own["commune"] == m.old_nis]
        merged_on = pd.Timestamp(m.merged_on)
        inherited = inherited[
            inherited["withdrawn_on"].isna() | (inherited["withdrawn_on"] > merged_on)
        ]
        periods.append(
            pd.DataFrame(
                {
                    "commune": m.new_nis,
                    "start": inherited["signed_on"].where(
                        inherited["signed_on"] > merged_on, merged_on
                    ),
                    "end": inherited["withdrawn_on"],
                }
            )
        )
    return pd.concat(periods, ignore_index=True)


def _check_orders(
    frame, solutions, framework, adhesions, reference, report, broken=None, failed=None
):
    broken, failed = broken or {}, failed or {}
    report.error(
        frame,
        _duplicates(frame, ["order_id"]),
        "order_id",
        "n° de commande en double : chaque commande doit avoir un numéro unique",
    )
    frame["solution"] = _resolve_solutions(frame, "solution", solutions, report, failed=failed)
    status = frame["status"].map(_memo(lambda v: ORDER_STATUSES.get(normalise(v)) if v else None))
    bad_status = frame["status"].notna() & status.isna()
    report.error(
        frame,
        bad_status,
        "status",
        "statut inconnu : attendu « envoyé », « attribué » ou « annulé »",
    )
    # A blank status is derived: awarded if there is an award date, else sent.
    derived = pd.Series(
        np.where(frame["awarded_on"].notna(), _AWARDED, OrderStatus.SENT.value),
        index=frame.index,
        dtype=object,
    )
    frame["status"] = status.where(frame["status"].notna(), derived)
    awarded = frame["awarded_on"].notna()
    early = awarded & frame["sent_on"].notna() & (frame["awarded_on"] < frame["sent_on"])
    report.error(
        frame,
        early,
        "awarded_on",
        "la date d'attribution précède la date d'envoi du bon de commande",
    )
    report.error(
        frame,
        awarded & frame["provider"].isna(),
        "provider",
        "adjudicataire obligatoire une fois la commande attribuée",
    )
    report.error(
        frame,
        (frame["status"] == _AWARDED) & ~awarded,
        "awarded_on",
        "commande « attribuée » sans date d'attribution",
    )
    report.error(
        frame,
        (frame["status"] != _AWARDED) & awarded & ~bad_status,
        "status",
        lambda r: (
            f"une commande avec une date d'attribution doit avoir le statut "
            f"« attribué », pas « {r['status']} »"
        ),
    )
    report.error(
        frame, frame["amount_eur"] < 0, "amount_eur", "le montant doit être positif ou nul"
    )

    # The winning provider must hold the solution's framework on the award date.
    check = frame[awarded & frame["provider"].notna() & frame["solution"].notna()]
    if len(check) and "framework" in broken:
        report.hold_back(
            frame, "l'accord-cadre des adjudicataires", broken["framework"], "attente-accords"
        )
    elif len(check):
        not_holding = check.index.difference(_holds_framework(check, framework, "awarded_on"))
        report.error_after(
            frame,
            frame.index.isin(not_holding),
            "provider",
            lambda r: (
                f"ce prestataire ne détient pas l'accord-cadre de la solution "
                f"{r['solution']} à la date d'attribution {r['awarded_on']:%d/%m/%Y}"
            ),
            failed.get("framework"),
            "adjudicataire sans accord-cadre à la date d'attribution",
            "adjudicataire-sans-accord-cadre",
        )

    # The commune must have adhered on or before the order form was sent.
    if "adhesions" in broken:
        if len(frame):
            report.hold_back(
                frame, "l'adhésion des communes", broken["adhesions"], "attente-adhesions"
            )
        return
    periods = _membership_periods(adhesions, reference.mergers)
    sent = frame.dropna(subset=["commune", "sent_on"])[["commune", "sent_on"]]
    joined = sent.reset_index().merge(periods, on="commune", how="left")
    active = (joined["start"] <= joined["sent_on"]) & (
        joined["end"].isna() | (joined["end"] > joined["sent_on"])
    )
    members = joined.loc[active, "index"].unique()
    not_member = frame.index.isin(sent.index.difference(members))
    report.error_after(
        frame,
        not_member,
        "commune",
        lambda r: (
            f"{reference.names.get(r['commune'], r['commune'])} n'avait pas "
            f"d'adhésion active le {r['sent_on']:%d/%m/%Y} (date d'envoi) : la "
            "convention doit être signée avant la commande"
        ),
        failed.get("adhesions"),
        "la commune n'avait pas d'adhésion active à la date d'envoi",
        "commande-avant-adhesion",
    )


def _holds_framework(rows: pd.DataFrame, framework: pd.DataFrame, day: str) -> pd.Index:
    """Index of `rows` (solution, provider, `day`) whose provider holds the framework that day."""
    agreements = framework.dropna(subset=["solution_id", "provider", "starts_on"])
    key = agreements.assign(p=agreements["provider"].map(normalise))
    merged = (
        rows.reset_index()
        .assign(p=rows["provider"].map(_memo(normalise)).values)
        .merge(
            key[["solution_id", "p", "starts_on", "ends_on"]],
            how="left",
            left_on=["solution", "p"],
            right_on=["solution_id", "p"],
        )
    )
    holds = (merged["starts_on"] <= merged[day]) & (
        merged["ends_on"].isna() | (merged["ends_on"] >= merged[day])
    )
    return pd.Index(merged[holds.fillna(False).astype(bool)]["index"].unique())


def _yes_no(value) -> bool | None:
    if value is None:
        return None
    text = normalise(value)
    return True if text in YES_WORDS else False if text in NO_WORDS else None


def _check_offers(frame, orders, framework, report, broken=None, failed=None) -> pd.DataFrame:
    """An offer belongs to a known order, from a framework provider; one winner per award.

    Returns the offers to load: an offer for an order no orders file holds
    (an orders file replaced, a typo) is left out with a warning, since
    nothing about it can be checked or shown.
    """
    if not len(frame):
        return frame
    waiting = next((broken[k] for k in ("orders", "framework") if k in (broken or {})), None)
    if waiting is not None:
        # The offers are checked against the orders and the agreements: not while
        # one of those files is unreadable (one message, not one per offer).
        report.hold_back(frame, "la cohérence des offres", waiting, "attente-commandes")
        return frame
    report.error(
        frame,
        _duplicates(frame, ["order_id", "provider"]),
        "provider",
        "offre en double : une seule offre par commande et par prestataire",
    )
    chosen = frame["chosen"].map(_memo(_yes_no))
    report.error(
        frame,
        frame["chosen"].notna() & chosen.isna(),
        "chosen",
        "valeur attendue : « oui » (offre retenue) ou « non »",
    )
    frame["chosen"] = chosen.fillna(False).astype(bool)
    report.error(
        frame,
        frame["amount_eur"] <= 0,
        "amount_eur",
        "le montant d'une offre doit être strictement positif",
    )
    for column in ("price_points", "quality_points", "total_points"):
        report.error(frame, frame[column] < 0, column, "les points doivent être positifs ou nuls")

    known = orders.dropna(subset=["order_id"]).drop_duplicates("order_id")
    known = known.assign(_key=known["order_id"].map(normalise)).set_index("_key")
    key = frame["order_id"].map(_memo(lambda v: normalise(v) if v is not None else None))
    unknown = frame["order_id"].notna() & ~key.isin(known.index)
    report.warn(
        frame,
        unknown,
        "order_id",
        "offre ignorée : ce n° de commande n'est dans aucun fichier de commandes",
    )
    # The order's facts beside each offer (the order's own number, as written there).
    facts = ["order_id", "solution", "sent_on", "awarded_on", "provider", "status"]
    beside = pd.DataFrame({"_key": key.values}).merge(
        known[facts].rename(columns=lambda c: f"_order_{c}"),
        how="left",
        left_on="_key",
        right_index=True,
    )
    for column in facts:
        frame[f"_order_{column}"] = beside[f"_order_{column}"].values
    frame["order_id"] = frame["_order_order_id"].where(unknown.eq(False), frame["order_id"])
    report.error(
        frame,
        frame["received_on"].notna() & (frame["received_on"] < frame["_order_sent_on"]),
        "received_on",
        lambda r: f"offre reçue avant l'envoi du bon de commande ({r['_order_sent_on']:%d/%m/%Y})",
    )

    # The provider must hold the solution's framework when the order form left.
    # Only offers whose order has a readable solution and sending date: an order's bad
    # cell is reported once, on the orders file, not again on each of its offers.
    check = frame[
        ~unknown
        & frame["provider"].notna()
        & frame["_order_solution"].notna()
        & frame["_order_sent_on"].notna()
    ]
    check = check.assign(solution=check["_order_solution"], day=check["_order_sent_on"])
    holding = _holds_framework(check, framework, "day")
    failed = failed or {}
    report.error_after(
        frame,
        frame.index.isin(check.index.difference(holding)),
        "provider",
        lambda r: (
            f"ce prestataire ne détient pas l'accord-cadre de la solution "
            f"{r['_order_solution']} à la date d'envoi du bon de commande "
            f"({r['_order_sent_on']:%d/%m/%Y}) : il ne peut pas remettre d'offre"
        ),
        failed.get("framework") or failed.get("orders"),
        "prestataire sans accord-cadre à la date d'envoi",
        "offre-sans-accord-cadre",
    )

    awarded = frame["_order_awarded_on"].notna()
    report.error_after(
        frame,
        frame["chosen"] & ~awarded & ~unknown,
        "chosen",
        "offre retenue pour une commande qui n'est pas attribuée "
        "(pas de date d'attribution dans le fichier des commandes)",
        failed.get("orders"),
        "offre retenue pour une commande non attribuée",
        "offre-retenue-non-attribuee",
    )
    same = frame["provider"].map(_memo(lambda v: normalise(v) if v else None)) == frame[
        "_order_provider"
    ].map(_memo(lambda v: normalise(v) if isinstance(v, str) else None))
    report.error_after(
        frame,
        frame["chosen"] & awarded & ~same,
        "provider",
        lambda r: (
            f"l'offre retenue doit être celle de l'adjudicataire de la commande "
            f"({r['_order_provider']})"
        ),
        failed.get("orders"),
        "l'offre retenue n'est pas celle de l'adjudicataire",
        "offre-retenue-autre-adjudicataire",
    )
    chosen_count = (
        frame[~unknown]
        .groupby("order_id")["chosen"]
        .transform("sum")
        .reindex(frame.index, fill_value=-1)
    )
    first_of_order = ~frame.duplicated("order_id")
    report.error(
        frame,
        awarded & (chosen_count == 0) & first_of_order,
        "chosen",
        "commande attribuée sans offre retenue : indiquez « oui » pour l'offre de l'adjudicataire",
    )
    extra = frame["chosen"] & frame[frame["chosen"]].duplicated("order_id").reindex(
        frame.index, fill_value=False
    )
    report.error(
        frame,
        extra & awarded,
        "chosen",
        "plus d'une offre retenue pour cette commande : une seule offre est retenue",
    )

    # An awarded order without any offer: allowed (older orders), but said.
    offered = set(key[~unknown])
    order_keys = orders["order_id"].map(_memo(lambda v: normalise(v) if v is not None else None))
    report.warn(
        orders,
        orders["awarded_on"].notna() & ~order_keys.isin(offered),
        "order_id",
        "commande attribuée sans aucune offre dans les fichiers d'offres : "
        "le gain de la remise en concurrence n'est pas calculé pour elle",
    )
    return frame[~unknown]


def _split_roles(value) -> list[str]:
    return [part.strip() for part in re.split(r"[;,/+]| et ", value) if part.strip()]


def _role_key(role: str) -> str | None:
    text = normalise(role)
    for candidate in (text, text.removesuffix("s"), text.replace("s ", " ", 1)):
        if candidate in EVENT_ROLES:
            return candidate
    return None


def _check_events(frame, reference, report):
    """Contacts with the communes: known kind, commune of the province, roles not names."""
    if not len(frame):
        frame["has_bourgmestre"] = pd.Series(dtype=bool)
        return
    kind = frame["kind"].map(_memo(lambda v: EVENT_KINDS.get(normalise(v)) if v else None))
    report.error(
        frame,
        frame["kind"].notna() & kind.isna(),
        "kind",
        "type de rencontre inconnu : attendu " + ", ".join(sorted(set(EVENT_KINDS.values()))),
    )
    frame["kind"] = kind.where(kind.notna(), frame["kind"])
    outside = frame["commune"].notna() & frame["commune"].map(
        _memo(lambda n: reference.province_of.get(n) != reference.province_nis)
    )
    report.error(
        frame,
        outside,
        "commune",
        "commune hors de la province : les rencontres suivies sont celles "
        "des communes de la province",
    )

    def unknown_roles(value) -> list[str]:
        return [r for r in _split_roles(value) if _role_key(r) is None] if value else []

    bad = frame["roles"].map(_memo(lambda v: tuple(unknown_roles(v))))
    report.error(
        frame,
        bad.map(bool),
        "roles",
        lambda r: (
            "rôle inconnu : « "
            + " », « ".join(unknown_roles(r["roles"]))
            + " » ; indiquez des fonctions (bourgmestre, échevin, directeur général, "
            "agent communal…), jamais le nom d'une personne"
        ),
    )
    frame["has_bourgmestre"] = frame["roles"].map(
        _memo(lambda v: bool(v) and any(_role_key(r) == "bourgmestre" for r in _split_roles(v)))
    )
    report.error(
        frame,
        frame["people"] < 1,
        "people",
        "nombre de personnes attendu : au moins 1",
    )
    few = frame["people"].notna() & (
        frame["people"] < frame["roles"].map(_memo(lambda v: len(_split_roles(v)) if v else 0))
    )
    report.warn(frame, few.fillna(False).astype(bool), "people", "moins de personnes que de rôles")
    keyed = frame.assign(_title=frame["title"].fillna(""))
    report.error(
        keyed,
        _duplicates(keyed, ["held_on", "kind", "_title", "commune"]),
        "commune",
        "rencontre en double : une seule ligne par commune et par rencontre",
    )


def _check_subsidies(frame, reference, report):
    nis = frame["beneficiary"].map(lambda v: reference.matcher.resolve(v) if v else None)
    named_province = frame["province"].map(
        lambda v: reference.province_by_name.get(normalise(v)) if v else None
    )
    unknown_province = frame["province"].notna() & named_province.isna()
    report.error(
        frame,
        unknown_province,
        "province",
        "province inconnue : attendu Brabant wallon, Hainaut, Liège, Luxembourg ou Namur",
    )
    frame["beneficiary_nis"] = nis
    frame["prov_nis"] = nis.map(lambda n: reference.province_of.get(n) if n else None)
    frame["prov_nis"] = frame["prov_nis"].where(frame["prov_nis"].notna(), named_province)
    no_province = frame["beneficiary"].notna() & frame["prov_nis"].isna() & ~unknown_province
    report.error(
        frame,
        no_province,
        "beneficiary",
        "bénéficiaire qui n'est pas une commune connue : indiquez sa province "
        "dans la colonne « province »",
    )
    report.error(
        frame,
        frame["amount_eur"] <= 0,
        "amount_eur",
        "le montant d'un subside doit être strictement positif",
    )
    report.error(
        frame,
        _duplicates(frame, ["call", "call_year", "beneficiary", "project"]),
        "project",
        "projet en double pour cet appel et ce bénéficiaire",
    )


def _check_survey(frame, solutions, report):
    frame["no_needs"] = frame["need"].map(
        _memo(lambda v: v is None or normalise(v) in NO_NEED_WORDS)
    )
    lookup = _solution_lookup(solutions)
    frame["need_solution_id"] = frame["need"].map(
        _memo(lambda v: lookup.get(normalise(v)) if v is not None else None)
    )
    frame.loc[frame["no_needs"], "need"] = None
    frame["need_label"] = frame["need"]
    bad_priority = frame["priority"].notna() & ~frame["priority"].isin([1, 2, 3])
    report.error(frame, bad_priority, "priority", "priorité attendue : 1 (la plus haute), 2 ou 3")
    report.error(frame, frame["budget_eur"] < 0, "budget_eur", "le budget doit être positif ou nul")
    key = frame["need_solution_id"].where(
        frame["need_solution_id"].notna(), frame["need"].map(_memo(normalise))
    )
    keyed = frame.assign(_need_key=key.where(~frame["no_needs"], "__aucun__"))
    report.error(
        keyed,
        _duplicates(keyed, ["year", "commune", "_need_key"]),
        "need",
        "besoin en double : une seule ligne par commune, année et besoin",
    )


def _check_campaigns(frame, report):
    report.error(
        frame,
        _duplicates(frame, ["year"]),
        "year",
        "campagne en double : une seule campagne par année",
    )
    late = (
        frame["deadline"].notna()
        & frame["sent_on"].notna()
        & (frame["deadline"] < frame["sent_on"])
    )
    report.error(frame, late, "deadline", "la date limite précède la date d'envoi")


def _check_future_dates(typed, today, report):
    for kind, frame in typed.items():
        for col in KINDS[kind].columns:
            if col.type != "date" or col.name in ("ends_on", "deadline") or not len(frame):
                continue
            future = frame[col.name] > pd.Timestamp(today)
            report.warn(frame, future, col.name, f"date dans le futur (après le {today:%d/%m/%Y})")


def _check_opening_dates(typed, report):
    """Adhesions and orders dated before the centrale opened cannot be right (a typo in
    the year, or another register's date)."""
    opened = pd.Timestamp(CENTRALE_OPENED_ON)
    for kind, column in (("adhesions", "signed_on"), ("orders", "sent_on")):
        frame = typed[kind]
        if not len(frame):
            continue
        report.error(
            frame,
            frame[column] < opened,
            column,
            f"date antérieure à l'ouverture de la centrale ({opened:%d/%m/%Y}) : vérifiez l'année",
            code="avant-ouverture",
        )


def _check_survey_dates(survey, campaigns, report, broken=None, failed=None):
    """Answer dates within their campaign: not before it was sent, not more than a year
    after (a file of another year); LimeSurvey's anonymised 1980-01-01 is warned."""
    if not len(survey):
        return
    anonymised = survey["submitted_on"] == pd.Timestamp(ANONYMISED_DATE)
    report.warn(
        survey,
        anonymised,
        "submitted_on",
        "date anonymisée (01/01/1980, export LimeSurvey anonymisé) : la date réelle de "
        "réponse est inconnue ; laissez la cellule vide",
        code="date-anonymisee",
    )
    if "campaigns" in (broken or {}):
        report.hold_back(survey, "la date des réponses", broken["campaigns"], "attente-campagnes")
        return
    sent = dict(
        zip(
            campaigns.dropna(subset=["year", "sent_on"])["year"].astype(int),
            campaigns.dropna(subset=["year", "sent_on"])["sent_on"],
        )
    )
    dated = survey["submitted_on"].notna() & survey["year"].notna() & ~anonymised
    year = survey["year"].astype("Float64")
    start = year.map(lambda y: sent.get(int(y)) if pd.notna(y) else None)
    has_campaign = start.notna()
    start = pd.to_datetime(start)
    early = dated & has_campaign & (survey["submitted_on"] < start)
    late = dated & has_campaign & (survey["submitted_on"] > start + pd.Timedelta(days=365))
    answered_year = survey["submitted_on"].dt.year
    off_year = dated & ~has_campaign & ((answered_year < year) | (answered_year > year + 1))
    report.error_after(
        survey,
        (early | late | off_year).fillna(False).astype(bool),
        "submitted_on",
        lambda r: (
            f"réponse datée du {r['submitted_on']:%d/%m/%Y} pour l'enquête {int(r['year'])}"
            + (f" envoyée le {sent[int(r['year'])]:%d/%m/%Y}" if int(r["year"]) in sent else "")
            + " : hors de la campagne ; vérifiez l'année de l'enquête ou la date"
        ),
        (failed or {}).get("campaigns"),
        "réponse datée hors de sa campagne",
        "reponse-hors-campagne",
    )
