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

# Over 500 lines: survey exports to long rows, with every tool's conventions (LimeSurvey,
# Kobo, Microsoft Forms, Google Forms); to split into read / to_long / plan next.

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from centrale import fmt
from centrale.config import Settings
from centrale.intake.survey_entry import (
    HEADERS,
    NO_NEEDS,
    SavedSources,
    replace_answers,
    rows_csv,
)
from centrale.intake.survey_mapping import (
    BRACKET_HEADER,
    CODES_NOT_LABELS,
    FALSE_VALUES,
    NEED_ROLES,
    NEEDS_QUESTION_ROLES,
    NOT_SHOWN,
    ROLE_LABELS,
    SINGLE_ROLES,
    SUBMIT_HEADINGS,
    TRUE_VALUES,
    ColumnChoice,
    NeedOption,
    accept_question,
    accept_suggestions,
    apply_choice,
    apply_saved,
    choice_codes,
    closest_need,
    confirm_ignored,
    folded,
    ignore_columns,
    ignored_by_decision,
    is_tick_word,
    list_separators,
    mapping_json,
    mapping_path,
    mapping_problems,
    mapping_table,
    need_options,
    propose_mapping,
    questions,
    read_mapping_file,
    save_mapping,
    saved_mapping,
    split_answers,
    split_heading,
    to_review,
    unplaced,
    xml_values_export,
)
from centrale.names import normalise
from centrale.sources.discover import list_source_files
from centrale.sources.kinds import ANONYMISED_DATE, NO_NEED_WORDS, SURVEY, kind_of_file
from centrale.sources.parse import is_blank
from centrale.sources.problems import ERROR, WARNING, Problem, SourceError
from centrale.sources.read import READ_BUDGET, csv_rows, workbook_rows
from centrale.sources.validate import validate_files
from centrale.storage.build import read_reference

__all__ = [
    "FALSE_VALUES",
    "NEED_ROLES",
    "ROLE_LABELS",
    "TRUE_VALUES",
    "ColumnChoice",
    "NeedOption",
    "accept_question",
    "accept_suggestions",
    "apply_choice",
    "apply_saved",
    "confirm_ignored",
    "ignore_columns",
    "ignored_by_decision",
    "mapping_json",
    "mapping_problems",
    "mapping_table",
    "need_options",
    "propose_mapping",
    "questions",
    "read_mapping_file",
    "save_mapping",
    "saved_mapping",
    "split_heading",
    "to_review",
    "unplaced",
]
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
    tool: str  # "LimeSurvey" | "KoboToolbox" | "Microsoft Forms" | "Google Forms" | "inconnu"
    data: bytes = b""
    problems: list[Problem] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def layout_label(self) -> str:
        """What the export is, in the words the page and the command line both print."""
        if self.layout == "long":
            return "format long (une ligne par besoin)"
        tool = "outil non reconnu" if self.tool == "inconnu" else self.tool
        return f"export large ({tool}, une ligne par répondant)"


@dataclass(frozen=True)
class LeftOut:
    """A row of the export that gives no answer, and why (French)."""

    row: int  # as Excel numbers it
    reason: str
    commune: str = ""


@dataclass
class NewNeed:
    """A typed answer that names no known need: a part of a one-cell list (« Autre » in
    Microsoft or Google Forms) or the text of an « Autre » question."""

    text: str  # as the first respondent wrote it
    communes: list[str]  # who wrote it
    closest: str | None  # the existing need it most likely is (« même besoin que … ? »)
    default: str | None  # what the import does unless told: the text, or None (ignored)
    source: str  # "list" (a part of a one-cell list) | "other" (an « Autre » text)
    outcome: str | None = None  # what this import does with it: `decisions`' or `default`


@dataclass
class LongRows:
    """Long-format rows (HEADERS order, text cells) and where each came from."""

    rows: list[list[str]]
    provenance: list[tuple[int, dict[str, str]]]  # export row, long header -> export header
    problems: list[Problem]
    left_out: list[LeftOut] = field(default_factory=list)
    new_needs: dict[str, NewNeed] = field(default_factory=dict)  # normalised text -> need
    date_column: str | None = None  # set when the day/month order must be chosen


# --- 1. Reading ------------------------------------------------------------


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
        sheet, rows, problem = workbook_rows(data, SURVEY, name)
        problems += [problem] if problem else []
    elif suffix == ".csv":
        rows, problem = csv_rows(data, name)
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
    header_at = next((i for i, r in enumerate(rows) if any(not is_blank(v) for v in r)), None)
    if header_at is None:
        if not problems:
            problems.append(Problem(ERROR, name, "fichier vide : aucune ligne d'en-têtes"))
        return ExportFile(
            name, sheet, [], [], [], suffix == ".xlsx", "wide", "inconnu", data, problems
        )
    width = max((i + 1 for r in rows for i, v in enumerate(r) if not is_blank(v)), default=0)
    headers = [
        "" if is_blank(v) else html.unescape(str(v)).strip()  # LimeSurvey keeps `&amp;`
        for v in (list(rows[header_at]) + [None] * width)[:width]
    ]
    body, numbers, left_out = [], [], []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = (list(row) + [None] * width)[:width]
        if all(is_blank(v) for v in values):
            continue
        if not body and not left_out and _hxl_row(values):
            left_out.append(
                LeftOut(number, "ligne de hashtags HXL (#date, #loc…) : pas une réponse")
            )
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
        left_out,
    )


def _hxl_row(values: list) -> bool:
    """Kobo's CSV may carry HXL hashtags (`#date`, `#loc+name`) as its second row."""
    filled = [str(v).strip() for v in values if not is_blank(v)]
    return bool(filled) and all(v.startswith("#") and " " not in v for v in filled)


def receive(settings: Settings, original_name: str, data: bytes) -> ExportFile:
    """An uploaded export, through the data page's guards first (size, extension,
    content matching the extension, zip bombs), then `read_export`.

    Raises `ingest.UploadRefused` (French message) for a file that must not be read.
    """
    from centrale.intake.ingest import receive_upload  # the one gate every upload goes through

    upload = receive_upload(settings, original_name, data, kind="survey")
    budget = READ_BUDGET.set(settings.read_seconds)  # a sent file: bounded reading time
    try:
        return read_export(upload.data, upload.original_name, settings.max_upload_bytes)
    finally:
        READ_BUDGET.reset(budget)


def _tool(headers: list[str]) -> str:
    keys = {normalise(h) for h in headers}
    if keys & {"heure de debut", "start time"} and keys & {"heure de fin", "completion time"}:
        return "Microsoft Forms"
    if keys & {"horodateur", "timestamp"}:
        return "Google Forms"
    if keys & {"submitdate", "lastpage", "startlanguage"} or any(
        BRACKET_HEADER.match(h) for h in headers
    ):
        return "LimeSurvey"
    if keys & {"submission time", "uuid", "meta instanceid", "formhub uuid"} or any(
        "/" in h for h in headers
    ):
        return "KoboToolbox"
    return "inconnu"


# --- 3. Wide -> long ---------------------------------------------------------------


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


# A date as tools write it, time and zone after it ignored: `2024-03-15 10:23:11`,
# `3/9/2026 23:36:30` (Google, US locale), `2026/03/13 4:20:37 pm CET`, `15.03.2024`.
_DATE_PARTS = re.compile(r"^\s*(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:$|[\sT,])")
DATE_ORDERS = {"dmy": "jour/mois/année", "mdy": "mois/jour/année"}


def _date_parts(value) -> tuple[int, int, int] | None:
    if isinstance(value, (dt.date, dt.datetime)) or is_blank(value):
        return None
    match = _DATE_PARTS.match(str(value))
    return tuple(int(g) for g in match.groups()) if match else None  # type: ignore[return-value]


def date_order(values: list, given: str | None = None) -> tuple[str | None, str | None]:
    """The day/month order of a whole column of dates: ("dmy" | "mdy" | None, French
    reason when it cannot be decided). A value whose first number is over 12 settles
    "dmy", whose second is, "mdy"; both at once is a contradiction; every value
    ambiguous (both ≤ 12) takes `given`, else stays undecided: the import asks. Year-first
    dates (`2026-03-13`, `2026/03/13`) and real dates of a workbook need no order."""
    firsts, seconds, ambiguous = [], [], []
    for value in values:
        parts = _date_parts(value)
        if parts is None or parts[0] > 31:  # year first, or not a date
            continue
        a, b, _ = parts
        (firsts if a > 12 else seconds if b > 12 else ambiguous).append(str(value).strip())
    if firsts and seconds:
        return None, (
            f"jour/mois et mois/jour mélangés dans la même colonne (« {firsts[0]} » puis "
            f"« {seconds[0]} ») : corrigez le fichier"
        )
    found = "dmy" if firsts else "mdy" if seconds else None
    if found and given and given != found:
        return None, (
            f"l'ordre demandé ({DATE_ORDERS[given]}) contredit « {(firsts or seconds)[0]} »"
        )
    if found:
        return found, None
    if ambiguous and not given:
        return None, (
            "jour et mois ne peuvent être distingués : "
            + ("la date a ses" if len(ambiguous) < 2 else f"les {len(ambiguous)} dates ont leurs")
            + " deux premiers nombres ≤ 12 "
            f"(p. ex. « {ambiguous[0]} » : "
            f"{_two_readings(ambiguous[0])} ?). Précisez l'ordre : en ligne de commande "
            "--date-order dmy (jour/mois) ou --date-order mdy (mois/jour) ; dans le tableau "
            "de bord, le choix « Ordre des dates » au-dessus de l'aperçu"
        )
    return given, None


def _two_readings(text: str) -> str:
    """« 5 mars ou 3 mai » for `05/03/2026`: the two days an ambiguous date can be."""
    first, second = (int(n) for n in re.findall(r"\d+", str(text))[:2])
    return f"{first} {fmt.MONTHS_FR[second - 1]} ou {second} {fmt.MONTHS_FR[first - 1]}"


def iso_date(value, order: str | None) -> str:
    """A date cell as `yyyy-mm-dd` in the decided order (time and zone dropped); a cell
    that is no date, or whose order is undecided, as its text (the checks report it)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    parts = _date_parts(value)
    if parts is None:
        return _date_text(value)
    a, b, c = parts
    if a > 31:
        y, m, d = a, b, c
    elif order == "dmy":
        d, m, y = a, b, c
    elif order == "mdy":
        m, d, y = a, b, c
    else:
        return _date_text(value)
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return _date_text(value)


def _priority_text(value) -> str:
    text = _cell_text(value)
    key = normalise(text)
    if key in PRIORITY_WORDS:
        return str(PRIORITY_WORDS[key])
    match = re.match(r"^(?:priorite\s*)?([123])\b", key)
    return match.group(1) if match else text


# Over the complexity limit: one pass over an export's rows, every tool's convention
# at once (to split by job next).
def to_long(  # noqa: C901
    export: ExportFile,
    mapping: list[ColumnChoice],
    year: int | None = None,
    resolve: Callable[[str], str | None] | None = None,
    options: list[NeedOption] | None = None,
    order: str | None = None,
    decisions: dict[str, str | None] | None = None,
) -> LongRows:
    """Respondents -> long-format rows (columns HEADERS), with each row's origin.

    One row per ticked need (a need without a tick column counts as asked when
    its priority, year or budget is filled), one per "other need" text (split
    on `;` and line breaks), one per need of a one-cell list (split on the known
    `options`, longest first; a part naming none is a `NewNeed`, ignored unless
    `decisions` — normalised text -> need or None — says otherwise), and one
    "aucun besoin" row for a respondent who answered the needs question with
    nothing ticked (or the « aucun » option). A respondent whose needs question
    is unanswered (blank, `N/A`) is left out, never « aucun besoin ». Dates are
    written `yyyy-mm-dd`, their day/month order decided from the whole column
    (`order` when every value is ambiguous; else an error asks for it). The
    year is the year column's, else `year`, else the answer date's. Unrecognised
    tick values are errors (row, column, value);
    `N/A` (question not shown) is no tick. Left out, and said in `left_out`:
    incomplete responses (the tool's submit date empty) and the HXL row. A
    commune answering twice is an error naming both rows (`resolve` turns a
    commune cell into its code, so `Arlon` and `81001` are one commune).
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
    left_out = list(export.left_out)
    answered: dict[str, int] = {}  # commune key -> first row answering
    anonymised: list[int] = []
    submit = single.get("submitted_on")
    tool_submit = submit is not None and normalise(submit.header) in SUBMIT_HEADINGS
    options = options or []
    decisions = decisions or {}
    new_needs: dict[str, NewNeed] = {}
    lists = by_role.get("need_list", [])
    separators = {c.position: list_separators([r[c.position] for r in export.rows]) for c in lists}
    ticks = [cs["need"] for cs in needs.values() if "need" in cs]
    # `Y`/empty (LimeSurvey): a blank option is unticked. Where the file writes `Non`/`0`
    # for unticked, a respondent whose options are all blank did not answer the question.
    blank_unticked = not any(
        folded(r[c.position]) in FALSE_VALUES - {""} for r in export.rows for c in ticks
    )
    # Without a column answering the needs question the file is refused once, as a whole
    # (`mapping_problems`): its rows are not each "left out", nor ever « aucun besoin ».
    needs_question = any(c.role in NEEDS_QUESTION_ROLES for c in mapping)
    # A respondent column chosen by hand in a Kobo XML-values export whose cells are
    # choice names: refused, never stored as a person's function.
    who = single.get("respondent")
    codes = (
        choice_codes([r[who.position] for r in export.rows])
        if who is not None and xml_values_export(export.headers)
        else []
    )
    if codes:
        shown = ", ".join(f"« {c} »" for c in codes[:4]) + (" …" if len(codes) > 4 else "")
        problems.append(
            Problem(
                ERROR,
                export.name,
                f"colonne « Répondant » : {CODES_NOT_LABELS.format(codes=shown)}",
                sheet=export.sheet,
                row=next(
                    n
                    for r, n in zip(export.rows, export.row_numbers)
                    if _cell_text(r[who.position]) == codes[0]
                ),
                column=who.header,
                value=codes[0],
                code="codes-sans-libelles",
            )
        )
    # Without the tool's submit date, LimeSurvey's last page still tells an incomplete
    # response: a row that stopped before the last page any respondent reached.
    last_page, pages_seen = _last_pages(export) if not tool_submit else (None, {})
    date_column, dates = None, None
    if submit is not None:
        dates, reason = date_order([r[submit.position] for r in export.rows], order)
        if reason:
            date_column = submit.header
            problems.append(
                Problem(
                    ERROR,
                    export.name,
                    reason,
                    sheet=export.sheet,
                    column=submit.header,
                    code="ordre-des-dates",
                )
            )
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
        commune_text = _cell_text(cell(single.get("commune")))
        if tool_submit and (is_blank(cell(submit)) or folded(cell(submit)) in NOT_SHOWN):
            left_out.append(
                LeftOut(
                    number,
                    f"réponse incomplète : « {submit.header} » est vide (non envoyée)",
                    commune_text,
                )
            )
            continue
        if last_page is not None and pages_seen.get(number, last_page) < last_page:
            left_out.append(
                LeftOut(
                    number,
                    f"réponse incomplète : arrêtée à la page {pages_seen[number]} alors que "
                    f"d'autres répondants vont jusqu'à la page {last_page} (l'export n'a pas "
                    "la date de soumission qui le dirait)",
                    commune_text,
                )
            )
            continue
        submitted = iso_date(cell(submit), dates) if submit is not None else ""
        if submitted.startswith(ANONYMISED_DATE):
            anonymised.append(number)
            submitted = ""
        row_year = _cell_text(cell(single.get("year")))
        if not row_year:
            if year is not None:
                row_year = str(int(year))
            elif re.match(r"^\d{4}-", submitted):
                row_year = submitted[:4]
            elif re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", submitted) and dates:
                row_year = submitted[-4:]
        common = [row_year, commune_text]
        if commune_text:
            key = (resolve(commune_text) if resolve else None) or normalise(commune_text)
            if key in answered:
                problems.append(
                    Problem(
                        ERROR,
                        export.name,
                        f"la commune « {commune_text} » a répondu deux fois dans cet export "
                        f"(lignes {answered[key]} et {number}) : gardez une seule réponse",
                        sheet=export.sheet,
                        row=number,
                        column=single["commune"].header,
                        value=commune_text,
                        code="reponse-en-double",
                    )
                )
            else:
                answered[key] = number
        tail = [submitted, _cell_text(cell(single.get("respondent")))]
        general_comment = _cell_text(cell(single.get("comment")))

        start = len(rows)
        asked = []  # (need value, {role: choice})
        replied = False  # the needs question has an answer on this row (even "none")
        for tick in ticks:
            value = cell(tick)
            if not is_blank(value) and folded(value) not in NOT_SHOWN:
                replied = True
        if ticks and blank_unticked and all(is_blank(cell(t)) for t in ticks):
            replied = True
        for need, columns in needs.items():
            tick = columns.get("need")
            if tick is not None:
                value = cell(tick)
                key = folded(value)
                if key in TRUE_VALUES or (
                    key
                    and key in (normalise(tick.need), normalise(tick.option or ""))
                    and key not in NOT_SHOWN
                ):
                    asked.append((need, columns))
                elif key not in FALSE_VALUES and key not in NOT_SHOWN:
                    problem(
                        tick,
                        "case à cocher : valeur non reconnue, attendu Y, Oui, 1, "
                        "True (coché) ou N, Non, 0, False, vide (non coché)",
                        value,
                    )
            elif any(
                not is_blank(cell(c)) and folded(cell(c)) not in NOT_SHOWN for c in columns.values()
            ):
                asked.append((need, columns))
        unread = []  # parts of a one-cell list left aside
        for choice in lists:
            value = cell(choice)
            if is_blank(value) or folded(value) in NOT_SHOWN:
                continue
            replied = True
            for part, option in split_answers(value, options, separators[choice.position]):
                if option is None and normalise(part) in NO_NEED_WORDS:
                    asked.append((NO_NEEDS, {}))
                    continue
                if option is None:
                    key = normalise(part)
                    known = new_needs.get(key)
                    if known is None:
                        closest = closest_need(part, options)
                        known = NewNeed(part, [], closest.value if closest else None, None, "list")
                        new_needs[key] = known
                    known.communes.append(commune_text)
                    chosen = known.outcome = decisions.get(key, known.default)
                    if chosen is None:
                        unread.append(part)
                        continue
                    option_value = chosen
                else:
                    option_value = option.value
                if all(option_value != n for n, _ in asked):
                    asked.append((option_value, {"need_list": choice}))
        said_list_none = any(n == NO_NEEDS for n, _ in asked)
        asked = [(n, c) for n, c in asked if n != NO_NEEDS]
        asked = [(need, columns) for need, columns in asked if not is_tick_word(need)]
        for need, columns in asked:
            origin_need = dict(origin)
            for role, label in (
                ("need", "besoin"),
                ("need_list", "besoin"),
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
            typed = _cell_text(cell(choice))
            if typed and folded(typed) not in NOT_SHOWN:
                replied = True
            for label in _SPLIT_OTHER.split(typed):
                label = label.strip()
                if is_tick_word(label):
                    continue
                key = normalise(label)
                known = new_needs.get(key)
                if known is None:
                    closest = closest_need(label, options)
                    # The very name of a known need: that need. Close to one: an uncertain
                    # guess, never imported as a near-duplicate unless told (« même besoin
                    # que … ? »). Close to none: a new need, as typed.
                    same = closest is not None and normalise(label) in closest.aliases
                    known = NewNeed(
                        label,
                        [],
                        closest.value if closest else None,
                        closest.value if same else (None if closest else label),
                        "other",
                    )
                    new_needs[key] = known
                known.communes.append(commune_text)
                chosen = known.outcome = decisions.get(key, known.default)
                if chosen is None:
                    unread.append(label)
                    continue
                rows.append([*common, chosen, "", "", "", *tail, general_comment])
                provenance.append((number, {**origin, "besoin": choice.header}))
        said_none = (
            "no_needs" in single and folded(cell(single["no_needs"])) in TRUE_VALUES
        ) or said_list_none
        if said_none:
            replied = True
        if said_none and len(rows) > start:
            where = single.get("no_needs") or lists[0]  # the « aucun » box, or the list cell
            problem(
                where,
                "« aucun besoin » coché alors que des besoins sont cochés sur la même ligne",
                cell(where),
            )
        if len(rows) == start and unread and not said_none:
            left_out.append(
                LeftOut(
                    number,
                    "seules des réponses hors catalogue, laissées de côté ("
                    + ", ".join(f"« {u} »" for u in unread)
                    + ") : rattachez-les à un besoin ou ajoutez-les comme nouveaux besoins",
                    commune_text,
                )
            )
            continue
        if len(rows) == start and not replied:
            if not needs_question:
                continue  # no needs column at all: one refusal for the file, not per row
            left_out.append(
                LeftOut(
                    number,
                    "question des besoins sans réponse (vide ou N/A : non affichée) : "
                    "ni besoin ni « aucun besoin »",
                    commune_text,
                )
            )
            continue
        if len(rows) == start:
            rows.append([*common, NO_NEEDS, "", "", "", *tail, general_comment])
            provenance.append((number, dict(origin)))
    if "commune" not in single:
        problems.append(
            Problem(ERROR, export.name, "aucune colonne n'indique la commune", sheet=export.sheet)
        )
    if anonymised:
        problems.append(
            Problem(
                WARNING,
                export.name,
                fmt.count(len(anonymised), "réponse datée", "réponses datées")
                + " du 01/01/1980 : l'enquête est "
                "anonymisée, la date réelle de réponse est inconnue (laissée vide)",
                sheet=export.sheet,
                row=anonymised[0],
                column=submit.header if submit else None,
                value=ANONYMISED_DATE,
                code="date-anonymisee",
            )
        )
    return LongRows(rows, provenance, problems, left_out, new_needs, date_column)


LAST_PAGE_HEADINGS = {"derniere page", "last page", "lastpage"}


def _last_pages(export: ExportFile) -> tuple[int | None, dict[int, int]]:
    """LimeSurvey's « Dernière page » column: (the furthest page reached, row number ->
    page reached), or (None, {}) without such a column of whole numbers."""
    at = next((i for i, h in enumerate(export.headers) if normalise(h) in LAST_PAGE_HEADINGS), None)
    if at is None:
        return None, {}
    pages = {}
    for values, number in zip(export.rows, export.row_numbers):
        text = _cell_text(values[at])
        if re.fullmatch(r"\d+(\.0)?", text):
            pages[number] = int(float(text))
    return (max(pages.values()), pages) if pages else (None, {})


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
    # One export row gives several long rows (one per need): its problem is told once.
    return list(dict.fromkeys(out))


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
    return _checked(settings, export, long_rows, name, reference)[0]


def _checked(
    settings: Settings,
    export: ExportFile,
    long_rows: LongRows | None,
    name: str,
    reference=None,
) -> tuple[list[Problem], pd.DataFrame | None]:
    """`check`'s problems and the import's survey rows as the load reads them (year,
    commune NIS, need_solution_id, need_label, no_needs), None when unread."""
    import tempfile

    problems = list(export.problems) + (long_rows.problems if long_rows else [])
    if any(p.level == ERROR for p in export.problems):
        return problems, None
    data = export.data if long_rows is None else rows_csv(long_rows.rows)
    reference = reference or read_reference(settings).reference()
    # The catalogue and the campaigns of the sources come along: survey rules read them
    # (answer dates within the campaign). Their own problems are not the import's.
    context = _context_files(settings, ("solutions", "campaigns"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        validated = validate_files([*context, path], reference)
    own = [p for p in validated.problems if p.file == name]
    table = validated.tables.get("survey")
    if table is not None and "_file" in table:
        table = table[table["_file"] == name]
    return problems + translate(own, name, export, long_rows), table


def _context_files(settings: Settings, kinds: tuple[str, ...]) -> list[Path]:
    """The sources of `kinds` an import is checked against: the sources folder's, or,
    before it exists, the demo sources it will be created from (`ensure_sources_folder`):
    the catalogue and the answers an import would replace are those."""
    folder = Path(settings.sources_dir)
    if not folder.is_dir():
        folder = Path(settings.sample_dir)
    if not folder.is_dir():
        return []
    return [p for p in list_source_files(folder) if kind_of_file(p.name) in kinds]


def import_export(
    settings: Settings,
    export: ExportFile,
    long_rows: LongRows | None,
    loaded_by: str | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda _: None,
    notes: list[str] | None = None,
) -> SavedSources:
    """Add the import to the sources and rebuild (all or nothing); `notes` (French
    lines: the responses left out) are kept in the load history with its warnings.

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
        return replace_answers(
            settings, {name: data}, loaded_by, "import enquête", now, progress, notes
        )
    except SourceError as exc:
        raise SourceError(translate(exc.problems, name, export, long_rows)) from exc


def preview(long_rows: LongRows) -> pd.DataFrame:
    """The long rows as a table (French headers) with the export row each came from."""
    frame = pd.DataFrame(long_rows.rows, columns=list(HEADERS))
    frame.insert(0, "ligne d'origine", [p[0] for p in long_rows.provenance])
    return frame


def long_csv(long_rows: LongRows) -> bytes:
    """The generated long file's bytes (what lands in the sources folder)."""
    return rows_csv(long_rows.rows)


# --- 4. One path for the dashboard and `python -m etl survey-import` ---------------

CANONICAL = ("year", "commune", "need", "priority", "horizon", "budget_eur", "submitted_on")
CANONICAL += ("respondent", "comment")


@dataclass(frozen=True)
class CommuneChange:
    """What an import changes in one commune's answer to one survey, against the
    answers the sources hold: needs removed, added and kept (names as people read them,
    « aucun besoin » included)."""

    commune: str
    nis: str
    year: int
    removed: tuple[str, ...]
    added: tuple[str, ...]
    kept: tuple[str, ...]


@dataclass
class ImportPlan:
    """What importing an export would do: its mapping, the long rows, what is left out,
    what it changes per commune and every problem (nothing written)."""

    export: ExportFile
    mapping: list[ColumnChoice]  # empty for a long file
    long_rows: LongRows | None  # None for a long file (imported byte for byte)
    problems: list[Problem]
    name: str  # the file name the import takes in the sources
    saved_mapping: Path | None = None  # the saved mapping applied, if any
    changes: list[CommuneChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.level == ERROR for p in self.problems)

    @property
    def removals(self) -> int:
        """How many entries of the stored answers the import would remove (needs, or an
        « aucun besoin »): applying it then needs an explicit confirmation."""
        return sum(len(c.removed) for c in self.changes)

    @property
    def replaced(self) -> int:
        """How many answers (one commune's answer to one survey, a row of the preview)
        already stored the import replaces: the unit of the preview, the confirmation and
        the message once imported."""
        return sum(1 for c in self.changes if c.removed or c.kept)

    @property
    def new_answers(self) -> int:
        """How many answers (commune × survey) the import adds where none was stored."""
        return sum(1 for c in self.changes if not (c.removed or c.kept))

    def need_counts(self) -> tuple[int, int]:
        """(needs removed, needs added) over the changes, « aucun besoin » not counted."""
        removed = sum(1 for c in self.changes for n in c.removed if n != NO_NEEDS)
        added = sum(1 for c in self.changes for n in c.added if n != NO_NEEDS)
        return removed, added

    def changes_line(self) -> str:
        """The changes in the preview's unit, said alike by the page and the command line:
        answers (commune × survey) replaced and new, then the needs removed and added."""
        removed, added = self.need_counts()
        parts = []
        if self.replaced:
            parts.append(self.replaced_line())
        if self.new_answers:
            parts.append(fmt.count(self.new_answers, "nouvelle réponse", "nouvelles réponses"))
        needs = fmt.count(removed, "besoin retiré", "besoins retirés") + ", "
        needs += fmt.count(added, "besoin ajouté", "besoins ajoutés")
        return f"{', '.join(parts) or 'aucune réponse'} ; {needs}"

    def replaced_line(self) -> str:
        """« 3 réponses déjà enregistrées remplacées », the message once imported."""
        return fmt.count(
            self.replaced,
            "réponse déjà enregistrée remplacée",
            "réponses déjà enregistrées remplacées",
        )

    @property
    def undecided(self) -> list[ColumnChoice]:
        """Columns of a wide export the import cannot place and nobody decided about yet
        (an uncertain guess, an unknown column such as « Budget estimé (€) »): the import
        is not applied while any is left. The tools' known technical columns never are."""
        return to_review(self.mapping)

    @property
    def ignored_columns(self) -> list[str]:
        """The columns a person decided to ignore (kept in the load history)."""
        return ignored_by_decision(self.mapping)

    def decision_lines(self) -> list[str]:
        """The columns ignored by decision, as one French line for the load history."""
        if not self.ignored_columns:
            return []
        shown = ", ".join(f"« {h} »" for h in self.ignored_columns)
        return [
            f"« {self.export.name} » : "
            + fmt.count(
                len(self.ignored_columns),
                "colonne ignorée sur décision à l'import",
                "colonnes ignorées sur décision à l'import",
            )
            + f" : {shown}"
        ]

    @property
    def new_needs(self) -> dict[str, NewNeed]:
        return self.long_rows.new_needs if self.long_rows else {}

    @property
    def date_column(self) -> str | None:
        return self.long_rows.date_column if self.long_rows else None

    def left_out_lines(self) -> list[str]:
        """The responses left out, one French line each (kept in the load history)."""
        return [
            f"« {self.export.name} », ligne {o.row}"
            + (f" ({o.commune})" if o.commune else "")
            + f" laissée de côté : {o.reason}"
            for o in self.left_out
        ]

    @property
    def left_out(self) -> list[LeftOut]:
        return self.long_rows.left_out if self.long_rows else list(self.export.left_out)

    def rows(self) -> list[dict]:
        """The rows it would write, with the survey kind's canonical columns, typed. While
        the day/month order of the answer dates is undecided (`date_column`), no date is
        given (None): a date read in a guessed order is never shown as read."""
        from centrale.sources import parse

        if self.long_rows is None:  # a long file: its columns by their headings
            lookup = SURVEY.header_lookup()
            at = {
                lookup.get(normalise(h)): i
                for i, h in reversed(list(enumerate(self.export.headers)))
            }
            source = [
                [_cell_text(row[at[c]]) if c in at else "" for c in CANONICAL]
                for row in self.export.rows
            ]
        else:
            source = self.long_rows.rows
        out = []
        for cells in source:
            record = dict(zip(CANONICAL, cells))
            for key in ("year", "priority", "horizon"):
                value = parse.parse_int(record[key] or None)
                record[key] = value if isinstance(value, int) else None
            budget = parse.parse_amount(record["budget_eur"] or None)
            record["budget_eur"] = budget if isinstance(budget, float) else None
            date = parse.parse_date(record["submitted_on"] or None, False)
            known = isinstance(date, dt.date) and not self.date_column
            record["submitted_on"] = date.isoformat() if known else None
            for key in ("respondent", "comment"):
                record[key] = record[key] or None
            out.append(record)
        return out

    def as_json(self) -> dict:
        return {
            "mapping": mapping_json(self.mapping),
            "undecided_columns": [c.header for c in self.undecided],
            "ignored_columns": self.ignored_columns,
            "rows": self.rows(),
            "left_out": [
                {"row": o.row, "reason": o.reason, "commune": o.commune} for o in self.left_out
            ],
            "changes": [
                {
                    "commune": c.commune,
                    "nis": c.nis,
                    "year": c.year,
                    "removed": list(c.removed),
                    "added": list(c.added),
                    "kept": list(c.kept),
                }
                for c in self.changes
            ],
            "new_needs": [
                {
                    "text": n.text,
                    "communes": n.communes,
                    "closest": n.closest,
                    "imported_as": n.outcome,
                }
                for n in self.new_needs.values()
            ],
            "problems": [p.as_json() for p in self.problems],
        }

    def summary(self) -> dict:
        """For the preview: communes, needs per commune, responses left out."""
        rows = self.rows()
        communes: dict[str, int] = {}
        for row in rows:
            needs = 0 if normalise(row["need"]) == normalise(NO_NEEDS) else 1
            communes[row["commune"]] = communes.get(row["commune"], 0) + needs
        return {
            "communes": len(communes),
            "rows": len(rows),
            "needs": sum(communes.values()),
            "no_needs": sum(1 for n in communes.values() if n == 0),
            "left_out": len(self.left_out),
        }


def catalogue_options(settings: Settings, reference=None) -> list[NeedOption]:
    """The needs a column may name: the sources' catalogue, then new needs already
    answered in earlier surveys (read from the sources, not the store)."""
    files = _context_files(settings, ("solutions", "survey"))
    reference = reference or read_reference(settings).reference()
    tables = validate_files(files, reference).tables
    catalogue = tables["solutions"].dropna(subset=["solution_id"])
    answers = tables["survey"]
    known = []
    if len(answers) and "need_solution_id" in answers:
        labels = answers.loc[answers["need_solution_id"].isna(), "need"].dropna()
        known = sorted(set(labels))
    return need_options(catalogue, known)


def stored_answers(settings: Settings, reference=None) -> pd.DataFrame:
    """The survey answers the sources hold now (year, commune NIS, need_solution_id,
    need_label, no_needs), read from the sources folder, the one truth."""
    files = _context_files(settings, ("solutions", "survey"))
    reference = reference or read_reference(settings).reference()
    return validate_files(files, reference).tables["survey"]


def _answer_keys(table: pd.DataFrame, names: dict[str, str]) -> dict[tuple[int, str], dict]:
    """(year, commune NIS) -> {need key: name people read} of a survey table."""
    out: dict[tuple[int, str], dict] = {}
    if table is None or not len(table):
        return out
    for year, nis, sid, label, none in zip(
        table["year"],
        table["commune"],
        table["need_solution_id"],
        table["need_label"],
        table["no_needs"],
    ):
        if pd.isna(year) or pd.isna(nis):
            continue
        needs = out.setdefault((int(year), str(nis)), {})
        if bool(none) if not pd.isna(none) else False:
            needs["-"] = NO_NEEDS
        elif isinstance(sid, str) and sid:
            needs[sid] = names.get(sid, sid)
        elif isinstance(label, str) and label:
            needs["~" + normalise(label)] = label
    return out


def changes_against(
    imported: pd.DataFrame | None, stored: pd.DataFrame, reference, options
) -> list[CommuneChange]:
    """Per commune and year of the import: the needs it removes, adds and keeps against
    the stored answers (an import replaces a commune-year's whole answer)."""
    names = {o.value: o.name for o in options}
    after = _answer_keys(imported, names)
    before = _answer_keys(stored, names)
    out = []
    for (year, nis), new in after.items():
        old = before.get((year, nis), {})
        out.append(
            CommuneChange(
                reference.names.get(nis, nis),
                nis,
                year,
                tuple(v for k, v in old.items() if k not in new),
                tuple(v for k, v in new.items() if k not in old),
                tuple(v for k, v in new.items() if k in old),
            )
        )
    from centrale.fmt import sort_key

    return sorted(out, key=lambda c: (c.year, sort_key(c.commune)))


def plan_import(
    settings: Settings,
    export: ExportFile,
    year: int | None = None,
    mapping: list[ColumnChoice] | None = None,
    saved: Path | None = None,
    options: list[NeedOption] | None = None,
    reference=None,
    now: dt.datetime | None = None,
    order: str | None = None,
    decisions: dict[str, str | None] | None = None,
    ignore: list[str] | tuple[str, ...] = (),
) -> ImportPlan:
    """Everything an import would do, nothing written.

    The mapping is `mapping` (the person's, from the dashboard), else the file
    `saved`, else the one saved beside the sources for this questionnaire, else
    the automatic proposal (sure choices only; uncertain ones stay ignored).
    `order` ("dmy" | "mdy") settles a date column whose every value is ambiguous;
    `decisions` (normalised text -> need or None) what becomes of typed answers
    that name no known need; `ignore` (headings: the command line's
    --ignore-column) the columns the person decided to ignore — a heading naming no
    column raises ValueError (French). The plan's `changes` compare each commune-year
    with the answers the sources hold; its `undecided` columns must be settled before
    it can be applied.
    """
    name = long_file_name(export, now or dt.datetime.now())
    if any(p.level == ERROR for p in export.problems) or export.layout == "long":
        problems = (
            list(export.problems)
            if any(p.level == ERROR for p in export.problems)
            else check(settings, export, None, name, reference)
        )
        return ImportPlan(export, [], None, problems, name)
    reference = reference or read_reference(settings).reference()
    used = None
    options = options if options is not None else catalogue_options(settings, reference)
    if mapping is None:
        mapping = propose_mapping(export, options)
        if saved is not None:
            choices, used = read_mapping_file(saved), saved
        else:
            choices = saved_mapping(settings.sources_dir, export.headers)
            used = mapping_path(settings.sources_dir, export.headers) if choices else None
        if choices:
            mapping = apply_saved(mapping, choices)
    if ignore:
        mapping = ignore_columns(mapping, list(ignore))
    long_rows = to_long(export, mapping, year, reference.matcher.resolve, options, order, decisions)
    problems = [
        Problem(ERROR, export.name, p, sheet=export.sheet) for p in mapping_problems(mapping)
    ]
    found, table = _checked(settings, export, long_rows, name, reference)
    problems += found
    changes = []
    if not any(p.level == ERROR for p in problems):
        changes = changes_against(table, stored_answers(settings, reference), reference, options)
    return ImportPlan(export, mapping, long_rows, problems, name, used, changes)


def apply_plan(
    settings: Settings,
    plan: ImportPlan,
    loaded_by: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
    confirmed: bool = False,
) -> SavedSources:
    """Write the plan's rows into the sources and rebuild (all or nothing); the
    mapping is saved beside the sources, to be offered again for this questionnaire.

    A plan that removes stored answers (`plan.removals`) is refused unless `confirmed`
    (the dashboard's checkbox, the command line's `--replace`). The responses left out
    go into the load history."""
    if not plan.ok:
        raise SourceError([p for p in plan.problems if p.level == ERROR])
    if plan.undecided:
        raise SourceError(
            [
                Problem(
                    ERROR,
                    plan.export.name,
                    undecided_message(plan),
                    sheet=plan.export.sheet,
                    column=plan.undecided[0].header,
                    code="colonnes-a-decider",
                )
            ]
        )
    if plan.removals and not confirmed:
        raise SourceError(
            [
                Problem(
                    ERROR,
                    plan.export.name,
                    "l'import remplacerait "
                    + fmt.count(
                        plan.replaced,
                        "réponse déjà enregistrée",
                        "réponses déjà enregistrées",
                    )
                    + " et en retirerait des besoins "
                    f"({', '.join(c.commune for c in plan.changes if c.removed)}) : "
                    "confirmez le remplacement (case à cocher dans le tableau de bord, "
                    "--replace en ligne de commande). Rien n'a été écrit",
                    code="remplacement-non-confirme",
                )
            ]
        )
    saved = import_export(
        settings,
        plan.export,
        plan.long_rows,
        loaded_by,
        now=_stamp_of(plan.name),
        progress=progress,
        notes=plan.decision_lines() + plan.left_out_lines(),
    )
    if plan.mapping:
        save_mapping(settings.sources_dir, plan.export.headers, plan.mapping)
    return saved


def undecided_message(plan: ImportPlan) -> str:
    """Why an import waits on its undecided columns, naming them and what to do (French)."""
    shown = ", ".join(f"« {c.header} »" for c in plan.undecided[:12]) + (
        " …" if len(plan.undecided) > 12 else ""
    )
    return (
        fmt.count(
            len(plan.undecided),
            "colonne que l'import ne sait pas placer",
            "colonnes que l'import ne sait pas placer",
        )
        + f" : {shown}. Décidez pour chacune : l'importer (choisir ce qu'elle contient) ou "
        "l'ignorer — dans le tableau de bord, « Revoir les colonnes à décider » ou « Ignorer "
        "toutes les autres colonnes » ; en ligne de commande, --ignore-column « en-tête » "
        "(répétable) ou une correspondance enregistrée (--mapping). Rien n'est importé tant "
        "qu'une colonne n'est pas décidée : ses réponses seraient perdues sans que personne "
        "l'ait choisi"
    )


def _stamp_of(name: str) -> dt.datetime | None:
    match = re.search(r"(\d{8}-\d{6})", name)
    return dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S") if match else None
