"""Backups: a dated archive of the sources folder and the load history, and its restore.

The store is derived from the sources, except its load history (who loaded
what, when: tables `load_log` and `load_files`), which each build carries over
from the store it replaces. A backup therefore holds:

- `sources/…` — every file of the sources folder, with its `.archive/` of file
  versions that earlier loads used (lock files left out);
- `load-history.duckdb` — the two history tables only, copied from the store;
- `MANIFEST.json` — when, from where, and the SHA-256 of every file.

Restoring goes through the same commit point as an import (centrale/intake/commit.py):
the archive is unpacked and checked, the current folder is copied aside
(`<name>.avant-restauration-<date>`), the backup's files are staged, hidden,
in the sources folder, a note is written, and the store is built beside the
real one from the staged files and the backup's history; its swap is the
commit point, after which the staged files take their places and the others
go. Killed or starved (full disk) anywhere, the store and the folder are both
the old ones or both the backup's, and the message says which.

Backups are written to a unique hidden temporary name (0600), fsync-ed, then
renamed: a full disk leaves no partial file, and the message names the
archive. `auto_backup` takes one before every import and restore, in
`backups_dir` (CENTRALE_BACKUPS), and removes the automatic ones older than
`backup_days` (CENTRALE_BACKUP_DAYS).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import json
import os
import shutil
import tarfile
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from centrale.config import Settings
from centrale.errors import CentraleError, explain
from centrale.fingerprint import sha256_bytes, sha256_file
from centrale.intake.commit import (
    ARCHIVE_DIR,
    NOTE_FILE,
    STAGING_PREFIX,
    FolderChange,
    is_source_name,
    sources_lock,
)
from centrale.locks import sync_folder
from centrale.sources.discover import list_source_files
from centrale.storage.store import build_lock, connect_read_only

HISTORY_TABLES = ("load_log", "load_files")
HISTORY_FILE = "load-history.duckdb"
MANIFEST = "MANIFEST.json"
PREFIX = "centrale-sauvegarde-"
AUTO_PREFIX = PREFIX + "auto-"


class BackupError(CentraleError):
    """A backup that cannot be made or restored; the message is French and says why."""


class RestoreFailed(Exception):
    """A restore stopped before its commit point: nothing changed (French message)."""


class RestoreUnfinished(Exception):
    """The store has the backup, but putting the folder in line was interrupted: the
    next start (dashboard or `etl`) finishes it (French message)."""


@dataclass(frozen=True)
class Backup:
    path: Path
    files: int
    history_rows: int


def _source_files(sources: Path) -> list[Path]:
    return sorted(p for p in sources.rglob("*") if p.is_file() and not p.name.endswith(".lock"))


def _export_history(db_path: Path, target: Path) -> int:
    """Copy the history tables of the store into a small DuckDB file; returns its rows."""
    out = duckdb.connect(str(target))
    try:
        if not db_path.is_file():
            return 0
        with connect_read_only(db_path) as con:
            rows = 0
            for table in HISTORY_TABLES:
                frame = con.sql(f"SELECT * FROM {table}").df()  # noqa: S608  (fixed names)
                out.register("frame", frame)
                out.execute(f"CREATE TABLE {table} AS SELECT * FROM frame")  # noqa: S608
                out.unregister("frame")
                rows += len(frame) if table == "load_log" else 0
            return rows
    finally:
        out.close()


def _unique_target(out_dir: Path, prefix: str, now: dt.datetime) -> Path:
    target = out_dir / f"{prefix}{now:%Y%m%d-%H%M%S}.tar.gz"
    n = 2
    while target.exists():  # two backups in the same second (an automatic one, then…)
        target = out_dir / f"{prefix}{now:%Y%m%d-%H%M%S}-{n}.tar.gz"
        n += 1
    return target


def make_backup(
    sources: Path,
    db_path: Path,
    out_dir: Path,
    now: dt.datetime | None = None,
    prefix: str = PREFIX,
) -> Backup:
    """Write `out_dir/centrale-sauvegarde-AAAAMMJJ-HHMMSS.tar.gz` (0600); returns what it
    holds. Whole or not at all: a full disk raises BackupError naming the archive and
    leaves no partial file."""
    sources, db_path, out_dir = Path(sources), Path(db_path), Path(out_dir)
    if not sources.is_dir():
        raise BackupError(f"dossier des sources introuvable : {sources}")
    now = now or dt.datetime.now()
    out_dir.mkdir(parents=True, exist_ok=True)
    _drop_dead_partials(out_dir)
    target = _unique_target(out_dir, prefix, now)
    partial = out_dir / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        with tempfile.TemporaryDirectory(prefix="centrale-sauvegarde-") as tmp:
            history = Path(tmp) / HISTORY_FILE
            with build_lock(db_path):  # not while a build swaps the store
                history_rows = _export_history(db_path, history)
            files = _source_files(sources)
            digests: dict[str, str] = {}
            manifest = {
                "made_at": now.isoformat(timespec="seconds"),
                "sources": str(sources),
                "store": str(db_path),
                "history_loads": history_rows,
                "files": digests,
            }
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                with tarfile.open(fileobj=handle, mode="w:gz") as archive:
                    for path in files:
                        data = path.read_bytes()
                        name = "sources/" + path.relative_to(sources).as_posix()
                        digests[name] = sha256_bytes(data)
                        _add(archive, name, data)
                    data = history.read_bytes()
                    digests[HISTORY_FILE] = sha256_bytes(data)
                    _add(archive, HISTORY_FILE, data)
                    text = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                    _add(archive, MANIFEST, text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(partial, 0o600)
            os.replace(partial, target)
            sync_folder(out_dir)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise BackupError(
                f"disque plein : la sauvegarde « {target} » n'a pas pu être écrite (aucun "
                f"fichier partiel laissé). Libérez de la place dans {out_dir}, puis recommencez"
            ) from exc
        raise BackupError(
            f"la sauvegarde « {target} » n'a pas pu être écrite : {explain(exc, target)}"
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return Backup(target, len(files), history_rows)


def _drop_dead_partials(out_dir: Path) -> None:
    """Partial archives of backups killed midway (their process is gone)."""
    for partial in out_dir.glob(f".{PREFIX}*.tmp-*"):
        pid = partial.name.rsplit(".tmp-", 1)[1].split("-")[0]
        try:
            os.kill(int(pid), 0)
        except (ValueError, ProcessLookupError):
            partial.unlink(missing_ok=True)
        except PermissionError:
            pass  # alive, someone else's


def backups_dir(settings: Settings) -> Path:
    """Where archives go: CENTRALE_BACKUPS, else `sauvegardes/` beside the sources folder."""
    return settings.backups_dir or Path(settings.sources_dir).parent / "sauvegardes"


def auto_backup(settings: Settings, now: dt.datetime | None = None) -> Backup | None:
    """The backup taken before an import or a restore; automatic ones older than
    `settings.backup_days` are removed. None when there is nothing to save yet (no
    sources folder) or when `backup_days` is 0 (turned off). Raises BackupError."""
    if settings.backup_days <= 0 or not Path(settings.sources_dir).is_dir():
        return None
    now = now or dt.datetime.now()
    out = backups_dir(settings)
    made = make_backup(settings.sources_dir, settings.db_path, out, now, prefix=AUTO_PREFIX)
    limit = (now - dt.timedelta(days=settings.backup_days)).timestamp()
    for old in out.glob(f"{AUTO_PREFIX}*.tar.gz"):
        with contextlib.suppress(OSError):
            if old != made.path and old.stat().st_mtime < limit:
                old.unlink()
    return made


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def read_backup(archive_path: Path, into: Path) -> dict:
    """Extract and verify a backup into the empty folder `into`; returns its manifest."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(into, filter="data")  # no absolute paths, no `..`, no links
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"archive illisible : {archive_path} ({exc})") from exc
    manifest_path = into / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{archive_path.name} n'est pas une sauvegarde ({MANIFEST} absent)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        path = into / name
        if not path.is_file() or sha256_file(path) != digest:
            raise BackupError(f"sauvegarde abîmée : {name} manque ou a changé")
    return manifest


Rebuild = Callable[[list[Path], dict[Path, str], Path], object]


def _restored_files(unpacked: Path) -> dict[str, Path]:
    """relative target -> unpacked file, for what a restore brings back into the folder:
    the source files and the kept versions of `.archive/` (never a change's note)."""
    files = {}
    for path in sorted(unpacked.rglob("*")):
        rel = path.relative_to(unpacked).as_posix()
        if not path.is_file() or path.name.endswith(".lock"):
            continue
        if rel == f"{ARCHIVE_DIR}/{NOTE_FILE}" or rel.startswith(STAGING_PREFIX):
            continue
        if "/" in rel and not rel.startswith(ARCHIVE_DIR + "/"):
            continue  # only the top level and the versions are the folder's
        files[rel] = path
    return files


# Over the complexity limit: each step of the commit point and its undo; to split by job next.
def restore_backup(  # noqa: C901
    archive_path: Path, sources: Path, db_path: Path, rebuild: Rebuild, before=None
) -> Path | None:
    """Put a backup's sources and history back, all or nothing.

    `rebuild(paths, display_names, store)` builds `store` (which holds the backup's
    history) from the staged files `paths`, shown under `display_names`. `before()`
    runs first, under the sources lock (the automatic backup). The current folder is
    copied to `<name>.avant-restauration-<date>`, returned. Raises BackupError or
    RestoreFailed (or what `rebuild` raises) before the commit point: then nothing
    changed. Killed anywhere, `centrale.intake.commit.recover` settles it.
    """
    sources, db_path = Path(sources), Path(db_path)
    sources.mkdir(parents=True, exist_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with sources_lock(sources):
        if before is not None:
            before()
        for stale in db_path.parent.glob(f".{db_path.name}.restauration*"):
            stale.unlink(missing_ok=True)  # left by a restore killed before its swap
        staged_store = db_path.with_name(f".{db_path.name}.restauration-{uuid.uuid4().hex[:8]}")
        kept_aside = None
        swapped: list[bool] = []
        try:
            with tempfile.TemporaryDirectory(dir=sources.parent, prefix=".restauration-") as tmp:
                unpacked = Path(tmp)
                read_backup(Path(archive_path), unpacked)
                wanted = _restored_files(unpacked / "sources")
                if any(sources.iterdir()):
                    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                    kept_aside = sources.with_name(f"{sources.name}.avant-restauration-{stamp}")
                    shutil.copytree(
                        sources,
                        kept_aside,
                        ignore=shutil.ignore_patterns("*.lock", f"{STAGING_PREFIX}*"),
                    )
                shutil.copyfile(unpacked / HISTORY_FILE, staged_store)
                change = FolderChange(sources, db_path)
                staged = {}
                for rel, path in wanted.items():
                    current = sources / rel
                    if "/" in rel and current.is_file() and _same(current, path):
                        continue  # a kept version already there
                    written = change.stage_file(rel, path)
                    if "/" not in rel and is_source_name(rel):
                        staged[written] = rel
                top = {rel for rel in wanted if "/" not in rel}
                for path in list_source_files(sources):
                    if path.name not in top:
                        change.remove(path.name)
                for path in sources.iterdir():  # other visible files (notes…): kept aside
                    if path.is_file() and not path.name.startswith(".") and path.name not in top:
                        if path.name not in change.removes:
                            change.remove(path.name)

                def swap():
                    rebuild(list(staged), staged, staged_store)
                    with build_lock(db_path):
                        os.replace(staged_store, db_path)  # the commit point
                        swapped.append(True)
                    sync_folder(db_path.parent)

                change.commit(swap)
        except (BackupError, RestoreFailed):
            _drop(kept_aside)
            raise
        except OSError as exc:
            if swapped:
                raise RestoreUnfinished(_unfinished(sources, exc)) from exc
            _drop(kept_aside)
            raise RestoreFailed(explain(exc, db_path)) from exc
        except BaseException:
            if not swapped:
                _drop(kept_aside)
            raise
        finally:
            staged_store.unlink(missing_ok=True)
    return kept_aside


def _drop(kept_aside: Path | None) -> None:
    if kept_aside is not None:  # nothing changed: the copy is not needed
        shutil.rmtree(kept_aside, ignore_errors=True)


def _unfinished(sources: Path, exc: OSError) -> str:
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    reason = "disque plein" if full else (exc.strerror or str(exc))
    return (
        "La base a été restaurée depuis la sauvegarde, mais la mise en place de ses fichiers "
        f"dans le dossier des sources ({sources}) a été interrompue ({reason}). Elle sera "
        "terminée au prochain lancement du tableau de bord ou de « python -m etl check »"
        + (" ; libérez d'abord de la place sur ce disque." if full else ".")
    )


def _same(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
