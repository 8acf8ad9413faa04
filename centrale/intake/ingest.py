"""Bring a file in from the dashboard safely: receive, check, preview, apply, restore.

The life of an upload:

1. `receive_upload` (or `receive_file`) refuses what must never be read: too
   big, an extension other than .xlsx/.csv, content that is not what the
   extension says, a workbook that would inflate like a zip bomb. The name the
   browser sent is kept for display only; the file gets a generated name
   (`orders-20260312-101500-ab12cd34.csv`) and is never written anywhere yet.
2. `preview_upload` validates the current sources with the upload added (or
   replacing one file) using the same code as `python -m etl check`, and, when
   valid, compares the tables it would build with the current store: rows
   added, changed (old -> new) and removed, per table. Nothing is written.
3. `apply_upload` builds the new store first (all-or-nothing, see build.py)
   and only then puts the original bytes in the sources folder.

Every version of every source file that a load used is kept, content-addressed
by SHA-256, in the sources folder's hidden `.archive/` (the ETL skips hidden
names), so `restore_load` can rebuild the store from the sources exactly as
they were at any earlier load. Restoring is itself a new load ('restore').
"""

# The one door of the dashboard's import: callers use `ingest.<step>` (see __all__); the
# steps' machinery lives in `receiving` (refuse before reading), `tablediff` (what changes)
# and `archive` (every version kept).

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from centrale.config import Settings
from centrale.errors import CentraleError
from centrale.fingerprint import sha256_file
from centrale.intake.archive import archive_file, archive_sources, blob_path, journal
from centrale.intake.backup import BackupError, auto_backup
from centrale.intake.commit import (
    FolderChange,
    sources_lock,
)
from centrale.intake.folder import ensure_sources_folder
from centrale.intake.receiving import (
    EXTENSIONS,
    KIND_WORD,
    Upload,
    UploadRefused,
    detect_kind,
    receive_file,
    receive_upload,
)
from centrale.intake.tablediff import (
    TABLE_LABELS,
    TableDiff,
    diff_summary,
    diff_tables,
    problems_frame,
    read_store_tables,
    with_commune_names,
)
from centrale.sources.discover import list_source_files
from centrale.sources.kinds import KINDS, kind_of_file
from centrale.sources.problems import ERROR, Problem, SourceError
from centrale.sources.read import (
    READ_BUDGET,
    sent_file_budget,
)
from centrale.sources.validate import Validated, validate_files
from centrale.storage.build import (
    BuildResult,
    LoadRefused,
    ReferenceData,
    ShrinkRefused,
    build_store,
    read_reference,
    shape_tables,
)


class ApplyRefused(CentraleError):
    """Applying or restoring is not possible now; the message (French) says why."""


class StalePreview(ApplyRefused):
    """The sources changed since the preview (another editor's load): preview again."""


@dataclass
class Preview:
    upload: Upload
    replaces: str | None  # name of the source file the upload replaces, if any
    display_name: str  # how problems of the upload name it
    validated: Validated
    diff: dict[str, TableDiff]
    sources_fingerprint: tuple[tuple[str, str], ...]  # (name, sha256) checked against

    @property
    def ok(self) -> bool:
        return self.validated.ok


# --------------------------------------------------------------------------- preview


def current_sources(settings: Settings) -> pd.DataFrame:
    """The working sources: file, kind, size_bytes, modified_at, sha256."""
    folder = ensure_sources_folder(settings)
    rows = []
    for path in list_source_files(folder):
        stat = path.stat()
        rows.append(
            {
                "file": path.name,
                "kind": kind_of_file(path.name),
                "size_bytes": stat.st_size,
                "modified_at": dt.datetime.fromtimestamp(stat.st_mtime),
                "sha256": sha256_file(path),
            }
        )
    return pd.DataFrame(rows, columns=["file", "kind", "size_bytes", "modified_at", "sha256"])


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, str], ...]:
    return tuple((p.name, sha256_file(p)) for p in paths)


def _display_name(upload: Upload, taken: set[str]) -> str:
    """How problems name the upload: its own name when that says its kind."""
    if kind_of_file(upload.original_name) == upload.kind and upload.original_name not in taken:
        return upload.original_name
    return f"{KIND_WORD[upload.kind]} – fichier envoyé « {upload.original_name} »"


def preview_upload(
    settings: Settings,
    upload: Upload,
    replaces: str | None = None,
    reference: ReferenceData | None = None,
) -> Preview:
    """Validate the sources with the upload added (or replacing `replaces`), then diff.

    Writes nothing (the upload is checked from a private temporary folder).
    The diff is empty when the upload has errors.
    """
    folder = ensure_sources_folder(settings)
    current = list_source_files(folder)
    names = {p.name for p in current}
    if replaces is not None:
        if replaces not in names:
            raise UploadRefused(f"Le fichier à remplacer « {replaces} » n'existe plus.")
        if kind_of_file(replaces) != upload.kind:
            raise UploadRefused(
                f"« {replaces} » n'est pas un fichier du même type que l'envoi "
                f"({KINDS[upload.kind].label_fr})."
            )
    reference = reference or read_reference(settings)
    kept = [p for p in current if p.name != replaces]
    display = _display_name(upload, {p.name for p in kept})
    with tempfile.TemporaryDirectory(prefix="centrale-upload-") as tmp:
        staged = Path(tmp) / upload.safe_name
        staged.write_bytes(upload.data)
        budget = READ_BUDGET.set(settings.read_seconds)
        try:
            # One budget for reading and checking: a file that inflates stops, said.
            with sent_file_budget(settings.read_seconds, settings.read_memory_mb):
                validated = validate_files(
                    kept + [staged], reference.reference(), {staged: display}
                )
        finally:
            READ_BUDGET.reset(budget)
    diff: dict[str, TableDiff] = {}
    if validated.ok:
        new_tables = shape_tables(validated.tables, reference)
        diff = diff_tables(read_store_tables(settings.db_path), new_tables)
        diff = with_commune_names(diff, reference)
    return Preview(upload, replaces, display, validated, diff, _fingerprint(current))


def _store_load_files(db_path: Path) -> pd.DataFrame:
    if not Path(db_path).is_file():
        return pd.DataFrame(columns=["load_id", "file", "kind", "sha256"])
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute("SELECT load_id, file, kind, sha256 FROM load_files").df()


# --------------------------------------------------------------------------- apply / restore


def apply_upload(
    settings: Settings, preview: Preview, loaded_by: str, allow_shrink: bool = False
) -> BuildResult:
    """Rebuild the store with the upload; the file enters the sources at the same step.

    The file is staged, hidden, in the sources folder; the store is rebuilt
    all-or-nothing; its swap is the commit point after which the file takes
    its generated name and the replaced file goes (see centrale/intake/commit.py;
    every version stays in `.archive/`). Raises ApplyRefused when the preview
    has errors or the sources changed since it was made, SourceError if the
    build finds a problem; the folder is then unchanged.
    """
    if not preview.ok:
        raise ApplyRefused("Le fichier contient des erreurs : rien n'a été chargé.")
    upload, folder = preview.upload, Path(settings.sources_dir)
    with sources_lock(folder):
        current = list_source_files(folder)
        if _fingerprint(current) != preview.sources_fingerprint:
            raise StalePreview(
                "Les fichiers sources ont changé depuis l'aperçu (un autre chargement a eu "
                "lieu) : vérifiez à nouveau le fichier avant de l'appliquer."
            )
        _backup_first(settings)
        archive_sources(folder)
        archive_file(folder, upload.data, upload.sha256, upload.extension)
        kept = [p for p in current if p.name != preview.replaces]
        target = folder / upload.safe_name
        change = FolderChange(folder, settings.db_path)
        staged = change.stage(target.name, upload.data)
        if preview.replaces:
            change.remove(preview.replaces)
        change.journal = {
            "action": "import",
            "original_name": upload.original_name,
            "stored_name": target.name,
            "replaced": preview.replaces,
            "sha256": upload.sha256,
            "by": loaded_by,
            "at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        paths = kept + [staged]
        return _rebuild_at_commit(
            change, settings, loaded_by, "import", paths, {staged: target.name}, allow_shrink
        )


def _backup_first(settings: Settings) -> None:
    """The automatic backup before an import or a restore (centrale.intake.backup.auto_backup):
    if it cannot be written, nothing is loaded."""
    try:
        auto_backup(settings)
    except BackupError as exc:
        raise ApplyRefused(
            f"Sauvegarde automatique impossible, rien n'a été chargé : {exc}."
        ) from exc


def restorable_loads(settings: Settings) -> dict[int, list[str]]:
    """load_id -> the files of that load no longer available (empty list: restorable)."""
    folder = Path(settings.sources_dir)
    files = _store_load_files(settings.db_path)
    present = set()
    if folder.is_dir():
        present = {(sha256_file(p), p.suffix.lower()) for p in list_source_files(folder)}
    result: dict[int, list[str]] = {}
    for load_id, group in files.groupby("load_id"):
        missing = []
        for name, sha in zip(group["file"], group["sha256"]):
            extension = Path(str(name)).suffix.lower()
            if extension not in EXTENSIONS:
                continue  # files the build ignored are not needed to rebuild
            if (sha, extension) in present or blob_path(folder, sha, extension).is_file():
                continue
            missing.append(str(name))
        result[int(load_id)] = missing
    return result


def restore_load(
    settings: Settings, load_id: int, loaded_by: str, allow_shrink: bool = False
) -> BuildResult:
    """Rebuild the store from the sources as they were at `load_id`; a new 'restore' load.

    The sources folder is then made to hold exactly those files (every
    current version is archived first, so this can itself be undone).
    """
    folder = Path(settings.sources_dir)
    files = _store_load_files(settings.db_path)
    files = files[files["load_id"] == load_id]
    if files.empty:
        raise ApplyRefused(f"Chargement n° {load_id} introuvable dans l'historique.")
    wanted: list[tuple[str, str, str]] = []
    for name, sha in zip(files["file"], files["sha256"]):
        name = str(name)
        extension = Path(name).suffix.lower()
        if extension not in EXTENSIONS:
            continue
        if Path(name).name != name or name.startswith(".") or "\\" in name:
            raise ApplyRefused(f"Nom de fichier inattendu dans l'historique : « {name} ».")
        wanted.append((name, str(sha), extension))
    with sources_lock(folder):
        _backup_first(settings)
        archive_sources(folder)
        blobs = {}
        missing = []
        for name, sha, extension in wanted:
            blob = blob_path(folder, sha, extension)
            if blob.is_file():
                blobs[blob] = name
            else:
                missing.append(name)
        if missing:
            raise ApplyRefused(
                f"Le chargement n° {load_id} ne peut pas être restauré : ces versions de "
                f"fichiers n'ont pas été conservées : {', '.join(missing)}."
            )
        restored = set(blobs.values())
        change = FolderChange(folder, settings.db_path)
        staged = {change.stage(name, blob.read_bytes()): name for blob, name in blobs.items()}
        for path in list_source_files(folder):
            if path.name not in restored:
                change.remove(path.name)
        change.journal = {
            "action": "restore",
            "restored_from": int(load_id),
            "by": loaded_by,
            "at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        return _rebuild_at_commit(
            change, settings, loaded_by, "restore", list(staged), staged, allow_shrink
        )


def rebuild_from_sources(settings: Settings, loaded_by: str, action: str = "build") -> BuildResult:
    """Archive the current sources, then rebuild the store from them (e.g. after saving survey
    answers into the sources folder), so that this load can be restored later."""
    folder = ensure_sources_folder(settings)
    with sources_lock(folder):
        archive_sources(folder)
        return build_store(
            settings, folder, settings.db_path, lambda _: None, loaded_by, action=action
        )


def error_count(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.level == ERROR)


__all__ = [
    "ApplyRefused",
    "LoadRefused",
    "ShrinkRefused",
    "StalePreview",
    "Preview",
    "SourceError",
    "TableDiff",
    "TABLE_LABELS",
    "Upload",
    "UploadRefused",
    "apply_upload",
    "archive_sources",
    "current_sources",
    "detect_kind",
    "diff_summary",
    "diff_tables",
    "journal",
    "preview_upload",
    "problems_frame",
    "receive_file",
    "receive_upload",
    "rebuild_from_sources",
    "restorable_loads",
    "restore_load",
]


def _rebuild_at_commit(
    change: FolderChange,
    settings: Settings,
    loaded_by: str,
    action: str,
    paths: list[Path],
    display_names: dict[Path, str],
    allow_shrink: bool,
) -> BuildResult:
    """Rebuild the store from `paths` (staged files under their visible names); the
    folder change becomes visible at the store's swap (centrale/intake/commit.py)."""
    return change.commit(
        lambda: build_store(
            settings,
            Path(settings.sources_dir),
            settings.db_path,
            progress=lambda _: None,
            loaded_by=loaded_by,
            action=action,
            paths=paths,
            display_names=display_names,
            allow_shrink=allow_shrink,
        )
    )
