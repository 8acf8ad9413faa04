"""Recording survey answers as source files, so that a rebuild never loses them.

An answer typed in the dashboard (a commune that answered by phone or in a
meeting) becomes `survey_<year>_<nis>.csv` in the app's sources folder: UTF-8
(with BOM, so Excel opens it right), `;`-separated, the long format of
DATA-CONTRACT.md with its French headers. The ETL reads it like any other
survey file; the store is then rebuilt from the whole folder.

**One answer per commune and year, the newest wins.** Saving (or importing)
the answer of a commune-year *replaces* whatever the sources held for it:

* a previous `survey_<year>_<nis>.csv` is replaced whole;
* rows of that commune-year in any other survey file (the demo workbook
  `survey.xlsx`, an earlier import…) are removed from that file.

We edit the sources rather than teach the ETL a precedence rule because the
sources folder must stay the single truth: `python -m etl build` on it, by
anyone, gives the same store as the dashboard, and no file silently overrides
another. Nothing is lost: every file changed or replaced is first copied to
`historique/<horodatage>_<nom>` (a sub-folder, which the ETL does not read).

All or nothing: the changed files are staged, hidden, in the sources folder
and the store is built from them (same validation as every load); the store
swap is the commit point after which they take their names (see
centrale/intake/commit.py: a crash at any step is finished or undone). On any
problem the folder and the store stay exactly as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from centrale.config import Settings
from centrale.fingerprint import sha256_bytes
from centrale.intake.archive import archive_file, archive_sources
from centrale.intake.commit import FolderChange, sources_lock
from centrale.intake.folder import ensure_sources_folder
from centrale.render.excel import neutralise
from centrale.sources.discover import HISTORY_DIR, list_source_files
from centrale.sources.kinds import kind_of_file
from centrale.sources.read import csv_separator, decode_csv
from centrale.sources.reference import Reference
from centrale.sources.validate import validate_files
from centrale.storage.build import BuildResult, build_store, read_reference

NO_NEEDS = "aucun besoin"
# The survey kind's French labels (centrale.sources.kinds.SURVEY), in contract order.
HEADERS = (
    "année",
    "commune",
    "besoin",
    "priorité",
    "année souhaitée",
    "budget",
    "date de réponse",
    "répondant",
    "commentaire",
)
STAMP_FORMAT = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class NeedEntry:
    """One need of an answer: a catalogue code (`ECLAIRAGE`) or a new need's label."""

    need: str
    priority: int | None = None  # 1 (highest) … 3
    horizon: int | None = None  # year wanted
    budget_eur: float | None = None
    comment: str | None = None


@dataclass(frozen=True)
class SurveyAnswer:
    """A commune's whole answer to one survey; no needs means "aucun besoin"."""

    year: int
    commune_nis: str
    submitted_on: dt.date
    respondent: str | None = None
    needs: tuple[NeedEntry, ...] = ()
    comment: str | None = None  # kept on the "aucun besoin" row


@dataclass
class SavedSources:
    """What a save or an import changed in the sources folder."""

    written: list[Path]  # the new files, now in the sources folder
    archived: list[Path]  # copies of the previous versions, in historique/
    trimmed: dict[str, int] = field(default_factory=dict)  # file -> rows removed
    removed: list[str] = field(default_factory=list)  # files emptied, hence removed
    build: BuildResult | None = None


def entry_file_name(year: int, nis: str) -> str:
    """`survey_<year>_<nis>.csv`: the file holding one commune's answer to one survey."""
    return f"survey_{int(year)}_{nis}.csv"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    # The file is meant to be opened in Excel too: never let a cell run as a formula.
    return str(neutralise(str(value).strip()))


def _amount(value: float | None) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):.2f}".replace(".", ",")


def answer_rows(answer: SurveyAnswer) -> list[list[str]]:
    """The long-format rows (without header) of one answer, as text cells."""
    common = [str(int(answer.year)), answer.commune_nis]
    tail = [answer.submitted_on.strftime("%d/%m/%Y"), _text(answer.respondent)]
    if not answer.needs:
        return [[*common, NO_NEEDS, "", "", "", *tail, _text(answer.comment)]]
    return [
        [
            *common,
            _text(n.need),
            "" if n.priority is None else str(int(n.priority)),
            "" if n.horizon is None else str(int(n.horizon)),
            _amount(n.budget_eur),
            *tail,
            _text(n.comment),
        ]
        for n in answer.needs
    ]


def rows_csv(rows: list[list[str]]) -> bytes:
    """Long-format rows -> the bytes of a survey CSV (UTF-8 with BOM, `;`, CRLF)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def answer_csv(answer: SurveyAnswer) -> bytes:
    return rows_csv(answer_rows(answer))


def save_answer(
    settings: Settings,
    answer: SurveyAnswer,
    loaded_by: str | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> SavedSources:
    """Write `answer` as its commune-year file, replacing any earlier answer, and rebuild.

    Raises `SourceError` (with every problem) or `BuildCheckFailed` when the
    sources would not load: then nothing was changed.
    """
    name = entry_file_name(answer.year, answer.commune_nis)
    return replace_answers(
        settings, {name: answer_csv(answer)}, loaded_by, "saisie enquête", now, progress
    )


# Over the complexity limit: one commit point for every way answers change; to split by job next.
def replace_answers(  # noqa: C901
    settings: Settings,
    new_files: dict[str, bytes],
    loaded_by: str | None = None,
    action: str = "import enquête",
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda _: None,
    notes: list[str] | None = None,
) -> SavedSources:
    """Add survey files to the sources; their commune-years replace older answers.
    `notes` (French lines) join the load's warnings in its history.

    `new_files`: file name (must start like a survey file, e.g. `survey_…`) ->
    bytes. Every (year, commune) pair they hold is removed from the other
    survey files first (previous versions kept in historique/), then the store
    is rebuilt from the folder. All or nothing (see the module docstring).
    """
    for name in new_files:
        if kind_of_file(name) != "survey" or Path(name).name != name:
            raise ValueError(f"nom de fichier d'enquête invalide : {name}")
    folder = ensure_sources_folder(settings)
    now = now or dt.datetime.now()
    # The data page's lock: uploads, restores and survey saves queue behind each other.
    with sources_lock(folder):
        reference = read_reference(settings).reference()
        change = FolderChange(folder, settings.db_path)
        staged_new = {name: change.stage(name, data) for name, data in new_files.items()}
        keys: set[tuple[int, str]] = set()
        for path in staged_new.values():
            keys |= commune_years(path, reference)

        current = list_source_files(folder)
        trimmed: dict[Path, tuple[Path | None, int]] = {}  # file -> (staged copy or None, rows)
        for path in current:
            if path.name in new_files or kind_of_file(path.name) != "survey":
                continue
            rows, sheet, total = rows_of(path, reference, keys)
            if not rows:
                continue
            if len(rows) == total:
                trimmed[path] = (None, len(rows))  # nothing would be left: remove the file
                change.remove(path.name)
            else:
                copy = change.stage(path.name, without_rows(path, sheet, rows))
                trimmed[path] = (copy, len(rows))

        paths, display = [], {}
        for path in current:
            if path.name in new_files:
                continue
            if path in trimmed:
                staged = trimmed[path][0]
                if staged is not None:
                    paths.append(staged)
                    display[staged] = path.name
            else:
                paths.append(path)
        for name, path in staged_new.items():
            paths.append(path)
            display[path] = name
        paths.sort(key=lambda p: display.get(p, p.name))

        # Every version a load used is kept (historique/ for people, the data page's
        # content-addressed archive for restores) before anything is replaced.
        stamp = now.strftime(STAMP_FORMAT)
        archived = []
        for path in [*trimmed, *(folder / n for n in new_files)]:
            if path.is_file():
                kept = history_name(path, stamp)
                change.stage(f"{HISTORY_DIR}/{kept.name}", path.read_bytes())
                archived.append(kept)
        archive_sources(folder)
        for path in change.writes.values():
            _archive_blob(folder, path)
        result = change.commit(
            lambda: build_store(
                settings,
                sources_dir=folder,
                progress=progress,
                loaded_by=loaded_by,
                action=action,
                paths=paths,
                display_names=display,
                notes=notes,
            )
        )
    return SavedSources(
        written=[folder / name for name in new_files],
        archived=archived,
        trimmed={p.name: n for p, (_, n) in trimmed.items()},
        removed=[p.name for p, (copy, _) in trimmed.items() if copy is None],
        build=result,
    )


def _archive_blob(folder: Path, path: Path) -> None:
    data = path.read_bytes()
    archive_file(folder, data, sha256_bytes(data), path.suffix.lower())


def history_name(path: Path, stamp: str) -> Path:
    """historique/<stamp>_<name> for a copy of `path` (never an earlier copy's name)."""
    target_dir = path.parent / HISTORY_DIR
    target = target_dir / f"{stamp}_{path.name}"
    counter = 2
    while target.exists():
        target = target_dir / f"{stamp}-{counter}_{path.name}"
        counter += 1
    return target


def _survey_rows(path: Path, reference: Reference) -> pd.DataFrame:
    """The typed survey rows of one file (year, commune, _row, _sheet), bad cells as NaN."""
    return validate_files([path], reference).tables["survey"]


def commune_years(path: Path, reference: Reference) -> set[tuple[int, str]]:
    """The (year, commune NIS) pairs a survey file answers for (unreadable rows skipped)."""
    rows = _survey_rows(path, reference).dropna(subset=["year", "commune"])
    return {(int(y), str(c)) for y, c in zip(rows["year"], rows["commune"])}


def rows_of(
    path: Path, reference: Reference, keys: set[tuple[int, str]]
) -> tuple[list[int], str | None, int]:
    """Excel row numbers of `path` answering for one of `keys`, the sheet, and the
    file's number of data rows."""
    rows = _survey_rows(path, reference)
    hit = [
        int(r)
        for y, c, r in zip(rows["year"], rows["commune"], rows["_row"])
        if pd.notna(y) and pd.notna(c) and (int(y), str(c)) in keys
    ]
    sheet = rows["_sheet"].iloc[0] if len(rows) else None
    return sorted(hit), sheet, len(rows)


def without_rows(path: Path, sheet: str | None, rows: list[int]) -> bytes:
    """The bytes of `path` with the given Excel rows removed, all else kept as it was
    (a workbook keeps its other sheets, formats and dates; a CSV keeps its encoding,
    BOM, separator and line endings)."""
    drop = set(rows)
    if path.suffix.lower() == ".xlsx":
        book = openpyxl.load_workbook(path)
        sheet_ = book[sheet] if sheet in book.sheetnames else book.worksheets[0]
        for row in sorted(drop, reverse=True):
            sheet_.delete_rows(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    data = path.read_bytes()
    text, encoding = decode_csv(data) or (data.decode("cp1252", errors="replace"), "cp1252")
    separator = csv_separator(text)
    ending = "\r\n" if "\r\n" in text else "\n"
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=separator, lineterminator=ending)
    # read.py numbers rows as Excel does: the first record is row 1.
    writer.writerows(r for i, r in enumerate(records, start=1) if i not in drop)
    return out.getvalue().encode(encoding, "replace")  # utf-8-sig and utf-16 write their BOM


def previous_versions(settings: Settings, year: int, nis: str) -> pd.DataFrame:
    """The earlier recorded versions of a commune-year answer kept in historique/.

    Columns: file, saved_at (when it was replaced), newest first. Only versions
    recorded in the dashboard are listed by name; an answer first loaded from a
    multi-commune file is kept inside that file's copy.
    """
    folder = settings.sources_dir / HISTORY_DIR
    suffix = "_" + entry_file_name(year, nis)
    records = []
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name.endswith(suffix):
                stamp = path.name[: -len(suffix)].split("-")
                try:
                    saved_at = dt.datetime.strptime("-".join(stamp[:2]), STAMP_FORMAT)
                except ValueError:
                    saved_at = None
                records.append({"file": path.name, "saved_at": saved_at})
    frame = pd.DataFrame(records, columns=["file", "saved_at"])
    return frame.sort_values("file", ascending=False).reset_index(drop=True)
