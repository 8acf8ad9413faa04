"""The commit point of a load: the store swap and the sources folder change as one step.

A load from the dashboard (import, restore, survey answer) changes two things,
the store file and the sources folder, and no file system swaps both at once.
So the store swap (`os.replace`) is the one commit point, and the folder
follows it:

1. the new files are written, hidden, inside the sources folder
   (`.en-cours-<id>/`), so they are on the same disk and the ETL skips them;
2. a note of the intended change — files to bring in, files to remove, and the
   names and SHA-256 the folder will then hold — is written atomically
   (`.archive/pending.json`);
3. the store is built and swapped in: **the commit point**; its load log
   records the SHA-256 of every file it was built from;
4. the staged files are renamed into place, the replaced ones removed, the
   note deleted.

A process killed anywhere leaves at most the note and the staging folder. The
next load, the dashboard's start-up and `python -m etl` call `recover`: if
the store's last load holds the fingerprint of the note, the change is
finished (roll forward), otherwise it is undone (roll back). Either way the
folder and the store agree again. `mismatch` says in French, with the fix,
when they do not (a file dropped or edited by hand, for instance).

Call everything that changes the folder under `centrale.intake.ingest.sources_lock`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from centrale.fingerprint import sha256_file
from centrale.locks import exclusive, sync_folder, write_atomic
from centrale.sources.discover import list_source_files
from centrale.storage import loads

ARCHIVE_DIR = ".archive"
NOTE_FILE = "pending.json"
JOURNAL_FILE = "journal.jsonl"
STAGING_PREFIX = ".en-cours-"


def _note_path(folder: Path) -> Path:
    return Path(folder) / ARCHIVE_DIR / NOTE_FILE


def is_source_name(name: str) -> bool:
    """Would the ETL read a file of this name (what `list_source_files` keeps)?"""
    return Path(name).suffix.lower() in (".xlsx", ".csv") and not name.startswith((".", "~$"))


def folder_fingerprint(folder: Path) -> dict[str, str]:
    """name -> SHA-256 of every source file the ETL would read in `folder`."""
    return {p.name: sha256_file(p) for p in list_source_files(folder)}


def store_fingerprint(db_path: Path) -> tuple[dict[str, str], str | None] | None:
    """(name -> SHA-256, sources folder) of the store's last load; None without a load log."""
    if not Path(db_path).is_file():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            newest = loads.newest_load(con)
    except duckdb.Error:
        return None  # an older or damaged store: the schema check says so elsewhere
    if newest is None:
        return None
    files = {
        name: sha
        for name, sha in newest["files"].items()
        if Path(name).suffix.lower() in (".csv", ".xlsx")
    }
    return files, newest["sources_dir"]


@dataclass
class FolderChange:
    """A change of the sources folder that takes effect with the next store swap."""

    folder: Path
    db_path: Path
    staging: Path = field(init=False)
    writes: dict[str, Path] = field(default_factory=dict)  # relative target -> staged file
    removes: list[str] = field(default_factory=list)
    journal: dict | None = None  # the record the data page's journal gets once done

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        self.staging = self.folder / f"{STAGING_PREFIX}{uuid.uuid4().hex[:8]}"
        self.staging.mkdir()

    def stage(self, target: str, data: bytes) -> Path:
        """Write `data` now, hidden; it becomes `folder/target` at the commit point."""
        # The staged file keeps its name: the kind of a source file is read from its name.
        staged = self.staging / Path(target).name
        if staged.exists():
            raise ValueError(f"{target} : déjà préparé")
        write_atomic(staged, data)
        self.writes[target] = staged
        return staged

    def stage_file(self, target: str, source: Path) -> Path:
        """`stage` a copy of the file `source` (streamed: a restore's files may be big).

        A target in a subfolder (`.archive/…`) is staged under a flat unique name."""
        name = Path(target).name
        if "/" in target:
            name = f"_{len(self.writes)}-{name}"
        staged = self.staging / name
        if staged.exists():
            raise ValueError(f"{target} : déjà préparé")
        shutil.copyfile(source, staged)
        with open(staged, "rb") as handle:
            os.fsync(handle.fileno())
        self.writes[target] = staged
        return staged

    def remove(self, name: str) -> None:
        self.removes.append(name)

    def expected(self) -> dict[str, str]:
        """The folder's fingerprint once the change is done."""
        result = {
            name: sha
            for name, sha in folder_fingerprint(self.folder).items()
            if name not in self.removes
        }
        for target, staged in self.writes.items():
            if "/" not in target and is_source_name(target):
                result[target] = sha256_file(staged)
        return result

    def prepare(self) -> None:
        """Write the note: from now on a crash is finished or undone by `recover`."""
        note = {
            "db_path": str(Path(self.db_path).resolve()),
            "staging": self.staging.name,
            "writes": {t: s.name for t, s in self.writes.items()},
            "removes": self.removes,
            "expected": self.expected(),
            "journal": self.journal,
        }
        _note_path(self.folder).parent.mkdir(exist_ok=True)
        write_atomic(_note_path(self.folder), json.dumps(note, ensure_ascii=False).encode())

    def commit(self, swap: Callable[[], object]):
        """Prepare, run `swap` (the store build), then bring the folder in line.

        If `swap` fails, the folder is left exactly as it was. Returns what
        `swap` returns.
        """
        self.prepare()
        try:
            result = swap()
        except BaseException:
            recover(self.folder)  # the store did not change: this undoes the change
            raise
        recover(self.folder)  # the store has the new load: this finishes the change
        return result


@contextlib.contextmanager
def sources_lock(folder: Path):
    """One change of the sources folder at a time (other sessions, other processes)."""
    with exclusive(Path(folder) / ARCHIVE_DIR / ".lock"):
        # Whatever a killed process left half done is settled before anything else.
        recover(folder)
        yield


def settle_interrupted(folder: Path) -> str | None:
    """Finish or undo a load a killed process left (start-up of the app and of `etl`);
    a French sentence saying which, or None when there was nothing to settle."""
    folder = Path(folder)
    if not _note_path(folder).is_file() and not any(folder.glob(f"{STAGING_PREFIX}*")):
        return None  # nothing to settle; and a read-only folder (the demo) stays untouched
    with exclusive(folder / ARCHIVE_DIR / ".lock"):
        return recover(folder)


def recover(folder: Path) -> str | None:
    """Finish or undo a folder change a killed process left; a French sentence, or None.

    Idempotent: it may itself be interrupted and run again.
    """
    folder = Path(folder)
    note_path = _note_path(folder)
    if not note_path.is_file():
        _drop_stray_staging(folder)
        return None
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
    except ValueError:
        note = None  # written atomically, so this is a hand-edited or foreign file
    if not isinstance(note, dict):
        note_path.unlink()
        _drop_stray_staging(folder)
        return None
    staging = folder / str(note["staging"])
    built = store_fingerprint(Path(note["db_path"]))
    if built is not None and built[0] == note["expected"]:
        for target, staged_name in note["writes"].items():
            staged = staging / staged_name
            if staged.is_file():
                (folder / target).parent.mkdir(exist_ok=True)
                os.replace(staged, folder / target)
        for name in note["removes"]:
            (folder / name).unlink(missing_ok=True)
        sync_folder(folder)
        if note.get("journal"):
            _append_journal(folder, Path(note["db_path"]), note["journal"])
        message = (
            "Un chargement interrompu (arrêt du serveur ou de l'ordinateur) avait déjà mis "
            "à jour la base : ses fichiers ont été rangés dans le dossier des sources."
        )
    else:
        message = (
            "Un chargement interrompu (arrêt du serveur ou de l'ordinateur) n'avait pas "
            "encore mis à jour la base : il a été annulé, rien n'a changé. Recommencez-le "
            "si nécessaire."
        )
    note_path.unlink()
    sync_folder(note_path.parent)
    _drop_stray_staging(folder)
    return message


def _drop_stray_staging(folder: Path) -> None:
    """Staging folders no note refers to (only called with no change in progress)."""
    if folder.is_dir():
        for path in folder.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(path, ignore_errors=True)


def _append_journal(folder: Path, db_path: Path, record: dict) -> None:
    """Add the record once, with the load id the store gave it."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        newest = loads.newest_load(con)
    assert newest is not None, "le magasin vient d'être construit : il a un chargement"
    load_id = newest["load_id"]
    path = folder / ARCHIVE_DIR / JOURNAL_FILE
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError):
                if json.loads(line).get("load_id") == load_id:
                    return  # a recovery after a crash between this line and the note's removal
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"load_id": load_id, **record}, ensure_ascii=False) + "\n")


def mismatch(folder: Path, db_path: Path) -> str | None:
    """A French sentence, with the fix, when the store was not built from exactly the
    files now in `folder` (None when they agree), whatever folder built it: a store
    built from another folder holding the same files (the demo and its copy) agrees."""
    folder, db_path = Path(folder), Path(db_path)
    built = store_fingerprint(db_path)
    if built is None or not folder.is_dir():
        return None
    files, built_from = built
    elsewhere = bool(built_from) and Path(built_from or "").resolve() != folder.resolve()
    present = folder_fingerprint(folder)
    gone = sorted(set(files) - set(present))
    new = sorted(set(present) - set(files))
    changed = sorted(n for n in set(files) & set(present) if files[n] != present[n])
    if not (gone or new or changed):
        return None
    parts = []
    if gone:
        parts.append("absents du dossier : " + ", ".join(gone))
    if new:
        parts.append("pas encore dans la base : " + ", ".join(new))
    if changed:
        parts.append("modifiés depuis : " + ", ".join(changed))
    if elsewhere:
        parts.insert(0, f"la base a été construite à partir d'un autre dossier ({built_from})")
    return (
        f"La base ({db_path}) ne correspond pas aux fichiers du dossier des sources "
        f"({folder}) — {' ; '.join(parts)}. Pour les remettre d'accord, reconstruisez la "
        f"base depuis le dossier (« python -m etl build --sources {folder} --db {db_path}"
        f"{' --other-folder' if elsewhere else ''} ») "
        "ou restaurez un chargement depuis la page « Historique des chargements »."
    )
