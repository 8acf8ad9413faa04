"""Importing a survey tool's export: the long format, or a "wide" export to map first.

Survey tools export one row per respondent and one column per question.
LimeSurvey and KoboToolbox both do, with headings written either as codes
(`besoins[SQ001]`, `besoins/eclairage`, `priorite_eclairage`) or as full
text (`Quels sont vos besoins ? [Éclairage public intelligent]`,
`Quels sont vos besoins ?/Éclairage public intelligent`), and a multiple
choice as one column per option holding `Y`, `Oui`, `1` or `True` when ticked.

The import has three steps, each a pure function the page (and the tests)
call in turn:

1. `read_export` reads the file (the same readers and limits as every source
   file) and tells a long file (already the contract's columns) from a wide one;
2. `propose_mapping` says which column becomes which need or field, how sure
   it is and why, and leaves the columns it cannot place for the user to decide
   (`apply_choice` records the user's decision);
3. `to_long` turns the respondents into long-format rows (one per commune ×
   need, "aucun besoin" for a respondent who ticked nothing), remembering for
   each row where it came from, so that a validation problem is reported on
   the export's own row and column.

`import_export` then hands the long rows to `survey_entry.replace_answers`:
the same validation and all-or-nothing build as every other source, with the
imported commune-years replacing older answers.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from centrale.build import read_reference
from centrale.config import Settings
from centrale.names import normalise
from centrale.sources.kinds import SURVEY
from centrale.sources.problems import ERROR, Problem, SourceError
from centrale.sources.read import _csv_rows, _workbook_rows
from centrale.sources.survey_entry import (
    HEADERS,
    NO_NEEDS,
    SavedSources,
    replace_answers,
    rows_csv,
)
from centrale.sources.validate import validate_files

ROLE_LABELS = {
    "commune": "Commune",
    "year": "Année de l'enquête",
    "submitted_on": "Date de réponse",
    "respondent": "Répondant",
    "comment": "Commentaire général",
    "need": "Besoin coché (une colonne par besoin)",
    "priority": "Priorité d'un besoin",
    "horizon": "Année souhaitée d'un besoin",
    "budget": "Budget d'un besoin",
    "need_comment": "Commentaire d'un besoin",
    "other_need": "Autre besoin (texte libre)",
    "no_needs": "Case « aucun besoin »",
    "ignore": "Ignorer cette colonne",
}
# Roles that are about one need: the column must also say which need.
NEED_ROLES = ("need", "priority", "horizon", "budget", "need_comment")
# Roles one column at most may take (the first proposed wins, the others are ignored).
SINGLE_ROLES = ("commune", "year", "submitted_on", "respondent", "comment", "no_needs")

TRUE_VALUES = {"y", "yes", "oui", "o", "1", "1 0", "true", "vrai", "x", "coche", "selected"}
FALSE_VALUES = {"", "n", "no", "non", "0", "0 0", "false", "faux", "not selected"}
PRIORITY_WORDS = {
    "haute": 1,
    "elevee": 1,
    "forte": 1,
    "prioritaire": 1,
    "urgente": 1,
    "moyenne": 2,
    "normale": 2,
    "basse": 3,
    "faible": 3,
}
# Columns the tools add on their own: never a question.
TECHNICAL = {
    "id",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "token",
    "uuid",
    "index",
    "status",
    "submitted by",
    "version",
    "validation status",
    "notes",
    "tags",
    "start",
    "end",
    "today",
    "deviceid",
    "meta instanceid",
    "instanceid",
    "parent index",
    "parent table name",
    "formhub uuid",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "interviewtime",
    "instanceid meta",
}
_FIELD_WORDS = (  # (role, words any of which in the heading's question part places it)
    (
        "submitted_on",
        (
            "submitdate",
            "submission time",
            "date de reponse",
            "date de soumission",
            "date reponse",
            "date",
        ),
    ),
    ("no_needs", ("aucun besoin", "pas de besoin")),
    ("other_need", ("autre besoin", "autres besoins", "nouveau besoin", "nouveaux besoins")),
    ("respondent", ("repondant", "fonction", "qui repond", "role", "nom du repondant")),
    ("comment", ("commentaire", "remarque", "observations")),
    ("commune", ("commune", "code ins", "code nis", "municipalite")),
    ("year", ("annee de l enquete", "campagne", "annee", "year")),
)
_NEED_FIELD_WORDS = (
    ("priority", ("priorite", "priority", "prio")),
    ("budget", ("budget", "montant")),
    ("horizon", ("horizon", "annee souhaitee", "quand", "echeance", "annee de mise en oeuvre")),
    ("need_comment", ("commentaire", "remarque", "precision")),
)
_OTHER_OPTIONS = {"other", "autre", "autres", "autre besoin"}
_CODE_LIKE = re.compile(r"^(sq|a|q|opt|option|choix)?\s?\d+$")
_BRACKET = re.compile(r"^(.*)\[([^\]]*)\]\s*$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]")
_FR_DATETIME = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4})[ T]")
_SPLIT_OTHER = re.compile(r"[;\n]+")


@dataclass
class ExportFile:
    """An uploaded export, read but not interpreted yet."""

    name: str
    sheet: str | None
    headers: list[str]
    rows: list[list]  # data rows, raw values, blank rows left out
    row_numbers: list[int]  # each data row's number as Excel shows it
    from_workbook: bool
    layout: str  # "long" (the contract's columns) | "wide" (one row per respondent)
    tool: str  # "LimeSurvey" | "KoboToolbox" | "inconnu"
    data: bytes = b""
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnChoice:
    """What one column of a wide export becomes."""

    position: int
    header: str
    role: str | None  # a key of ROLE_LABELS; None: not placed, the user must decide
    need: str | None = None  # catalogue code or a new need's label (NEED_ROLES only)
    sure: bool = True  # False: a guess to confirm
    reason: str = ""  # French: why this proposal


@dataclass
class LongRows:
    """Long-format rows (HEADERS order, text cells) and where each came from."""

    rows: list[list[str]]
    provenance: list[tuple[int, dict[str, str]]]  # export row, long header -> export header
    problems: list[Problem]


# --- 1. Reading ------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_export(data: bytes, name: str, max_bytes: int | None = None) -> ExportFile:
    """Read an export (.xlsx or .csv as the tools and Excel write them); never raises."""
    suffix = Path(name).suffix.lower()
    problems: list[Problem] = []
    rows: list[list] = []
    sheet = None
    if max_bytes is not None and len(data) > max_bytes:
        problems.append(
            Problem(ERROR, name, f"fichier trop volumineux (plus de {max_bytes // 2**20} Mo)")
        )
    elif suffix == ".xlsx":
        sheet, rows, problem = _workbook_rows(data, SURVEY, name)
        problems += [problem] if problem else []
    elif suffix == ".csv":
        rows, problem = _csv_rows(data, name)
        problems += [problem] if problem else []
    else:
        problems.append(
            Problem(
                ERROR,
                name,
                f"format « {suffix or 'sans extension'} » non pris en "
                "charge : attendu .xlsx ou .csv",
            )
        )
    header_at = next((i for i, r in enumerate(rows) if any(not _blank(v) for v in r)), None)
    if header_at is None:
        if not problems:
            problems.append(Problem(ERROR, name, "fichier vide : aucune ligne d'en-têtes"))
        return ExportFile(
            name, sheet, [], [], [], suffix == ".xlsx", "wide", "inconnu", data, problems
        )
    width = max((i + 1 for r in rows for i, v in enumerate(r) if not _blank(v)), default=0)
    headers = [
        "" if _blank(v) else str(v).strip()
        for v in (list(rows[header_at]) + [None] * width)[:width]
    ]
    body, numbers = [], []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = (list(row) + [None] * width)[:width]
        if all(_blank(v) for v in values):
            continue
        body.append([v.strip() if isinstance(v, str) else v for v in values])
        numbers.append(number)
    lookup = SURVEY.header_lookup()
    mapped = {lookup.get(normalise(h)) for h in headers}
    layout = "long" if {"year", "commune", "need"} <= mapped else "wide"
    return ExportFile(
        name,
        sheet,
        headers,
        body,
        numbers,
        suffix == ".xlsx",
        layout,
        _tool(headers),
        data,
        problems,
    )


def receive(settings: Settings, original_name: str, data: bytes) -> ExportFile:
    """An uploaded export, through the data page's guards first (size, extension,
    content matching the extension, zip bombs), then `read_export`.

    Raises `ingest.UploadRefused` (French message) for a file that must not be read.
    """
    from centrale.ingest import receive_upload  # the one gate every upload goes through

    upload = receive_upload(settings, original_name, data, kind="survey")
    return read_export(upload.data, upload.original_name, settings.max_upload_bytes)


def _tool(headers: list[str]) -> str:
    keys = {normalise(h) for h in headers}
    if keys & {"submitdate", "lastpage", "startlanguage"} or any(
        _BRACKET.match(h) for h in headers
    ):
        return "LimeSurvey"
    if keys & {"submission time", "uuid", "meta instanceid", "formhub uuid"} or any(
        "/" in h for h in headers
    ):
        return "KoboToolbox"
    return "inconnu"


# --- 2. Mapping ----------------------------------------------------------------


@dataclass(frozen=True)
class NeedOption:
    """A need a column may stand for: a catalogue solution or a known new need."""

    value: str  # solution_id, or the label of a new need
    name: str  # what people read
    aliases: tuple[str, ...]  # normalised texts that name it


def need_options(catalogue: pd.DataFrame, known_labels=()) -> list[NeedOption]:
    """Catalogue solutions (solution_id, name_fr) then the new needs already seen."""
    options = [
        NeedOption(sid, name, (normalise(sid), normalise(name)))
        for sid, name in zip(catalogue["solution_id"], catalogue["name_fr"])
    ]
    seen = {a for o in options for a in o.aliases}
    for label in known_labels:
        key = normalise(label)
        if key and key not in seen:
            options.append(NeedOption(label, label, (key,)))
            seen.add(key)
    return options


def split_heading(header: str) -> tuple[str, str | None]:
    """(question, option): `Q [opt]` (LimeSurvey) or `groupe/q/opt` (Kobo) or (header, None)."""
    match = _BRACKET.match(header)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    if "/" in header:
        question, option = header.rsplit("/", 1)
        return question.strip(), option.strip()
    return header.strip(), None


def match_need(text: str, options: list[NeedOption]) -> tuple[NeedOption | None, bool]:
    """The need `text` names, and whether the match is certain.

    Certain: the text is a code or name (folded), or holds a code as a word
    (`priorite_eclairage`). A guess: the closest name by spelling (typos,
    shortened labels).
    """
    key = normalise(text)
    if not key:
        return None, False
    for option in options:
        if key in option.aliases:
            return option, True
    words = set(key.split())
    for option in options:
        if option.aliases[0] in words or any(
            len(a.split()) > 1 and re.search(rf"\b{re.escape(a)}\b", key) for a in option.aliases
        ):
            return option, True
    aliases = {a: o for o in options for a in o.aliases}
    close = difflib.get_close_matches(key, list(aliases), n=1, cutoff=0.75)
    if close:
        return aliases[close[0]], False
    best, score = None, 0.0
    for option in options:
        for alias in option.aliases[1:] or option.aliases:
            tokens = set(alias.split())
            overlap = len(tokens & words) / len(tokens | words) if tokens else 0.0
            if overlap > score:
                best, score = option, overlap
    return (best, False) if score >= 0.5 else (None, False)


def _words_in(text: str, words) -> bool:
    return any(re.search(rf"\b{re.escape(w)}", text) for w in words)


def _path_parents(headers: list[str]) -> dict[str, int]:
    """Kobo paths: how many columns each `group/question` prefix has below it."""
    parents: dict[str, int] = {}
    for header in headers:
        if "/" in header and not _BRACKET.match(header):
            parent = header.rsplit("/", 1)[0].strip()
            parents[parent] = parents.get(parent, 0) + 1
    return parents


def propose_column(
    position: int,
    header: str,
    options: list[NeedOption],
    values: list,
    parents: dict[str, int] | None = None,
) -> ColumnChoice:
    """The proposal for one column (see `propose_mapping`).

    `parents` (from all the headings) tells a Kobo option column
    (`groupe/besoins/aaa`, one of several under `groupe/besoins`) from a field
    inside a group (`groupe_identite/commune`, alone under its group).
    """
    parents = parents if parents is not None else _path_parents([header])
    full = normalise(header)
    if not full:
        return ColumnChoice(position, header, "ignore", reason="colonne sans en-tête")
    if full in TECHNICAL or full.lstrip("_") in TECHNICAL:
        return ColumnChoice(position, header, "ignore", reason="colonne technique de l'outil")
    if parents.get(header.strip(), 0) >= 2:
        return ColumnChoice(
            position,
            header,
            "ignore",
            reason="choix multiples regroupés dans une cellule : les colonnes par option "
            "sont lues à la place",
        )
    question, option = split_heading(header)
    if option is not None and not _BRACKET.match(header) and parents.get(question, 0) < 2:
        question, option = option, None  # a field inside a group: its own name counts
    q = normalise(question)
    if option is not None:
        o = normalise(option)
        if o in _OTHER_OPTIONS or o.startswith("other"):
            return ColumnChoice(
                position,
                header,
                "other_need",
                reason="option « autre » : texte libre d'un nouveau besoin",
            )
        if o in ("aucun", "aucun besoin", "none", "neant"):
            return ColumnChoice(position, header, "no_needs", reason="option « aucun besoin »")
        role = next((r for r, words in _NEED_FIELD_WORDS if _words_in(q, words)), "need")
        need, sure = match_need(option, options)
        if need is None:
            need, sure = match_need(header, options)
        if need is not None:
            how = "reconnu" if sure else "le plus proche (à confirmer)"
            return ColumnChoice(
                position,
                header,
                role,
                need.value,
                sure,
                f"option « {option} » : {need.name} ({how})",
            )
        if _CODE_LIKE.match(o):
            return ColumnChoice(
                position,
                header,
                role,
                None,
                False,
                f"code d'option « {option} » : à quel besoin correspond-il ?",
            )
        return ColumnChoice(
            position,
            header,
            role,
            option.strip(),
            False,
            f"option « {option} » absente du catalogue : nouveau besoin ?",
        )
    for role, words in _FIELD_WORDS:
        if q in words or _words_in(q, words):
            if role == "year" and not _looks_like_years(values):
                continue
            if role == "commune" and _words_in(q, ("besoin",)):
                continue
            return ColumnChoice(position, header, role, reason=f"en-tête « {header} »")
    need, sure = match_need(header, options)
    if need is not None and sure:
        role = next((r for r, words in _NEED_FIELD_WORDS if _words_in(q, words)), "need")
        return ColumnChoice(
            position, header, role, need.value, True, f"en-tête « {header} » : {need.name}"
        )
    if need is not None:
        return ColumnChoice(
            position,
            header,
            "need",
            need.value,
            False,
            f"en-tête proche de « {need.name} » (à confirmer)",
        )
    return ColumnChoice(
        position, header, None, None, False, "colonne non reconnue : que contient-elle ?"
    )


def _looks_like_years(values: list) -> bool:
    years = [v for v in values if not _blank(v)]
    return bool(years) and all(re.fullmatch(r"(19|20)\d\d(\.0)?", str(v).strip()) for v in years)


def propose_mapping(export: ExportFile, options: list[NeedOption]) -> list[ColumnChoice]:
    """One proposal per column of a wide export; `role=None` where the user must decide.

    A field one column at most may hold (commune, date…) goes to the first
    column proposing it; later ones are proposed as ignored, with the reason.
    """
    proposals, taken = [], {}
    parents = _path_parents(export.headers)
    for position, header in enumerate(export.headers):
        values = [row[position] for row in export.rows[:50]]
        choice = propose_column(position, header, options, values, parents)
        if choice.role in SINGLE_ROLES:
            if choice.role in taken:
                choice = replace(
                    choice,
                    role="ignore",
                    reason=(f"{ROLE_LABELS[choice.role]} déjà lue dans « {taken[choice.role]} »"),
                )
            else:
                taken[choice.role] = header
        proposals.append(choice)
    return proposals


def unplaced(mapping: list[ColumnChoice]) -> list[ColumnChoice]:
    """The columns still waiting for a decision (no role, or a need role without a need)."""
    return [c for c in mapping if c.role is None or (c.role in NEED_ROLES and not c.need)]


def apply_choice(
    mapping: list[ColumnChoice], position: int, role: str, need: str | None = None
) -> list[ColumnChoice]:
    """The mapping with the user's decision for the column at `position`."""
    if role not in ROLE_LABELS:
        raise ValueError(f"rôle inconnu : {role}")
    return [
        replace(
            c,
            role=role,
            need=need if role in NEED_ROLES else None,
            sure=True,
            reason="choisi à l'import",
        )
        if c.position == position
        else c
        for c in mapping
    ]


def mapping_problems(mapping: list[ColumnChoice]) -> list[str]:
    """French reasons why the mapping cannot be used yet (empty: ready)."""
    problems = []
    roles = [c.role for c in mapping]
    if "commune" not in roles:
        problems.append("aucune colonne n'indique la commune")
    waiting = unplaced(mapping)
    if waiting:
        problems.append(
            f"{len(waiting)} colonne(s) à préciser : "
            + ", ".join(f"« {c.header} »" for c in waiting)
        )
    return problems


# --- 3. Wide -> long ---------------------------------------------------------------


def _folded(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise(value)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _date_text(value) -> str:
    """Tools export a timestamp; the contract wants a date: keep the date part."""
    text = _cell_text(value)
    for pattern in (_ISO_DATETIME, _FR_DATETIME):
        match = pattern.match(text)
        if match:
            return match.group(1)
    return text


def _priority_text(value) -> str:
    text = _cell_text(value)
    key = normalise(text)
    if key in PRIORITY_WORDS:
        return str(PRIORITY_WORDS[key])
    match = re.match(r"^(?:priorite\s*)?([123])\b", key)
    return match.group(1) if match else text


def to_long(export: ExportFile, mapping: list[ColumnChoice], year: int | None = None) -> LongRows:
    """Respondents -> long-format rows (columns HEADERS), with each row's origin.

    One row per ticked need (a need without a tick column counts as asked when
    its priority, year or budget is filled), one per "other need" text (split
    on `;` and line breaks), and one "aucun besoin" row for a respondent who
    asked for nothing. The year is the year column's, else `year`, else the
    answer date's. Unrecognised tick values are errors (row, column, value).
    """
    if export.layout == "long":
        raise ValueError("un fichier au format long s'importe tel quel")
    by_role: dict[str, list[ColumnChoice]] = {}
    for choice in mapping:
        if choice.role and choice.role != "ignore":
            by_role.setdefault(choice.role, []).append(choice)
    single = {r: by_role[r][0] for r in SINGLE_ROLES if r in by_role}
    needs: dict[str, dict[str, ColumnChoice]] = {}
    for role in NEED_ROLES:
        for choice in by_role.get(role, []):
            if choice.need:
                needs.setdefault(choice.need, {}).setdefault(role, choice)

    rows, provenance, problems = [], [], []
    for values, number in zip(export.rows, export.row_numbers):

        def cell(choice: ColumnChoice | None, values=values):
            return None if choice is None else values[choice.position]

        def problem(choice, message, value, number=number):
            problems.append(
                Problem(
                    ERROR,
                    export.name,
                    message,
                    sheet=export.sheet,
                    row=number,
                    column=choice.header,
                    value=value,
                )
            )

        origin = {}
        for role, label in (
            ("year", "année"),
            ("commune", "commune"),
            ("submitted_on", "date de réponse"),
            ("respondent", "répondant"),
        ):
            if role in single:
                origin[label] = single[role].header
        submitted = _date_text(cell(single.get("submitted_on")))
        row_year = _cell_text(cell(single.get("year")))
        if not row_year:
            if year is not None:
                row_year = str(int(year))
            elif re.match(r"^\d{4}-", submitted):
                row_year = submitted[:4]
            elif re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", submitted):
                row_year = submitted[-4:]
        common = [row_year, _cell_text(cell(single.get("commune")))]
        tail = [submitted, _cell_text(cell(single.get("respondent")))]
        general_comment = _cell_text(cell(single.get("comment")))

        start = len(rows)
        asked = []  # (need value, {role: choice})
        for need, columns in needs.items():
            tick = columns.get("need")
            if tick is not None:
                value = cell(tick)
                folded = _folded(value)
                if folded in TRUE_VALUES or (
                    folded
                    and folded
                    in (normalise(tick.need), normalise(split_heading(tick.header)[1] or ""))
                ):
                    asked.append((need, columns))
                elif folded not in FALSE_VALUES:
                    problem(
                        tick,
                        "case à cocher : valeur non reconnue, attendu Y, Oui, 1, "
                        "True (coché) ou N, Non, 0, False, vide (non coché)",
                        value,
                    )
            elif any(not _blank(cell(c)) for c in columns.values()):
                asked.append((need, columns))
        for need, columns in asked:
            origin_need = dict(origin)
            for role, label in (
                ("need", "besoin"),
                ("priority", "priorité"),
                ("horizon", "année souhaitée"),
                ("budget", "budget"),
                ("need_comment", "commentaire"),
            ):
                if role in columns:
                    origin_need[label] = columns[role].header
            comment = _cell_text(cell(columns.get("need_comment"))) or general_comment
            rows.append(
                [
                    *common,
                    need,
                    _priority_text(cell(columns.get("priority"))),
                    _cell_text(cell(columns.get("horizon"))),
                    _cell_text(cell(columns.get("budget"))),
                    *tail,
                    comment,
                ]
            )
            provenance.append((number, origin_need))
        for choice in by_role.get("other_need", []):
            for label in _SPLIT_OTHER.split(_cell_text(cell(choice))):
                if label.strip():
                    rows.append([*common, label.strip(), "", "", "", *tail, general_comment])
                    provenance.append((number, {**origin, "besoin": choice.header}))
        said_none = "no_needs" in single and _folded(cell(single["no_needs"])) in TRUE_VALUES
        if said_none and len(rows) > start:
            problem(
                single["no_needs"],
                "« aucun besoin » coché alors que des besoins sont cochés sur la même ligne",
                cell(single["no_needs"]),
            )
        if len(rows) == start:
            rows.append([*common, NO_NEEDS, "", "", "", *tail, general_comment])
            provenance.append((number, dict(origin)))
    if "commune" not in single:
        problems.append(
            Problem(ERROR, export.name, "aucune colonne n'indique la commune", sheet=export.sheet)
        )
    return LongRows(rows, provenance, problems)


def long_file_name(export: ExportFile, now: dt.datetime) -> str:
    """The name the import takes in the sources folder (a survey file, never clobbering)."""
    suffix = Path(export.name).suffix.lower() if export.layout == "long" else ".csv"
    return f"survey_import_{now:%Y%m%d-%H%M%S}{suffix}"


def translate(
    problems: list[Problem], long_name: str, export: ExportFile, long_rows: LongRows | None
) -> list[Problem]:
    """Problems found in the generated long file, told on the export's own rows and
    columns (the row as Excel numbers it in the uploaded file, its heading as written)."""
    out = []
    for p in problems:
        if p.file != long_name:
            out.append(p)
            continue
        if long_rows is None:  # a long file imported as is: only the name differs
            out.append(replace(p, file=export.name))
            continue
        row, column = None, p.column
        index = (p.row or 0) - 2  # the generated CSV: header on row 1
        if 0 <= index < len(long_rows.provenance):
            row, origins = long_rows.provenance[index]
            column = origins.get(normalise_header(p.column), p.column) if p.column else None
        out.append(replace(p, file=export.name, sheet=export.sheet, row=row, column=column))
    return out


def normalise_header(header: str | None) -> str | None:
    """A long-file heading (as the validator reports it) -> our HEADERS spelling."""
    if header is None:
        return None
    key = normalise(header)
    return next((h for h in HEADERS if normalise(h) == key), header)


def check(
    settings: Settings,
    export: ExportFile,
    long_rows: LongRows | None,
    name: str,
    reference=None,
) -> list[Problem]:
    """Every problem of the import file alone (nothing written): reading, ticks,
    and the survey rules of the contract, told on the export's rows."""
    import tempfile

    problems = list(export.problems) + (long_rows.problems if long_rows else [])
    if any(p.level == ERROR for p in export.problems):
        return problems
    data = export.data if long_rows is None else rows_csv(long_rows.rows)
    reference = reference or read_reference(settings).reference()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        validated = validate_files([path], reference)
    return problems + translate(validated.problems, name, export, long_rows)


def import_export(
    settings: Settings,
    export: ExportFile,
    long_rows: LongRows | None,
    loaded_by: str | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> SavedSources:
    """Add the import to the sources and rebuild (all or nothing).

    `long_rows` is `to_long(...)` for a wide export, None for a long file
    (imported byte for byte). Raises `SourceError` with every problem, on
    the export's rows, when anything would not load; nothing is changed then.
    """
    now = now or dt.datetime.now()
    name = long_file_name(export, now)
    blocking = [
        p for p in export.problems + (long_rows.problems if long_rows else []) if p.level == ERROR
    ]
    if blocking:
        raise SourceError(blocking)
    data = export.data if long_rows is None else rows_csv(long_rows.rows)
    try:
        return replace_answers(settings, {name: data}, loaded_by, "import enquête", now, progress)
    except SourceError as exc:
        raise SourceError(translate(exc.problems, name, export, long_rows)) from exc


def preview(long_rows: LongRows) -> pd.DataFrame:
    """The long rows as a table (French headers) with the export row each came from."""
    frame = pd.DataFrame(long_rows.rows, columns=list(HEADERS))
    frame.insert(0, "ligne d'origine", [p[0] for p in long_rows.provenance])
    return frame


def mapping_table(mapping: list[ColumnChoice], options: list[NeedOption]) -> pd.DataFrame:
    """The mapping as a French table: column, what it becomes, need, certainty, why."""
    names = {o.value: o.name for o in options}
    return pd.DataFrame(
        {
            "colonne": [c.header for c in mapping],
            "devient": [
                ROLE_LABELS.get(c.role, "à préciser") if c.role else "à préciser" for c in mapping
            ],
            "besoin": [names.get(c.need, c.need) if c.need else "" for c in mapping],
            "certitude": [
                "à préciser" if c in unplaced(mapping) else ("sûr" if c.sure else "proposé")
                for c in mapping
            ],
            "pourquoi": [c.reason for c in mapping],
        }
    )


def long_csv(long_rows: LongRows) -> bytes:
    """The generated long file's bytes (what lands in the sources folder)."""
    return rows_csv(long_rows.rows)
