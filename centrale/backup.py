"""Backups: a dated archive of the sources folder and the load history, and its restore.

The store is derived from the sources, except its load history (who loaded
what, when: tables `load_log` and `load_files`), which each build carries over
from the store it replaces. A backup therefore holds:

- `sources/…` — every file of the sources folder, with its `.archive/` of file
  versions that earlier loads used (lock files left out);
- `load-history.duckdb` — the two history tables only, copied from the store;
- `MANIFEST.json` — when, from where, and the SHA-256 of every file.

Restoring puts the sources back (the current folder is kept aside, renamed,
never deleted), puts the history where the store goes, and rebuilds the store
from the restored sources: the build carries the history over and notes the
restore as one more load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from centrale.errors import CentraleError
from centrale.store import build_lock, connect_read_only

HISTORY_TABLES = ("load_log", "load_files")
HISTORY_FILE = "load-history.duckdb"
MANIFEST = "MANIFEST.json"
PREFIX = "centrale-sauvegarde-"


class BackupError(CentraleError):
    """A backup that cannot be made or restored; the message is French and says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    files: int
    history_rows: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def make_backup(
    sources: Path, db_path: Path, out_dir: Path, now: dt.datetime | None = None
) -> Backup:
    """Write `out_dir/centrale-sauvegarde-AAAAMMJJ-HHMMSS.tar.gz`; returns what it holds."""
    sources, db_path, out_dir = Path(sources), Path(db_path), Path(out_dir)
    if not sources.is_dir():
        raise BackupError(f"dossier des sources introuvable : {sources}")
    now = now or dt.datetime.now()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PREFIX}{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        history = Path(tmp) / HISTORY_FILE
        with build_lock(db_path):  # not while a build swaps the store
            history_rows = _export_history(db_path, history)
        files = _source_files(sources)
        manifest = {
            "made_at": now.isoformat(timespec="seconds"),
            "sources": str(sources),
            "store": str(db_path),
            "history_loads": history_rows,
            "files": {},
        }
        partial = target.with_name("." + target.name + ".tmp")
        with tarfile.open(partial, "w:gz") as archive:
            for path in files:
                data = path.read_bytes()
                name = "sources/" + path.relative_to(sources).as_posix()
                manifest["files"][name] = _sha256(data)
                _add(archive, name, data)
            data = history.read_bytes()
            manifest["files"][HISTORY_FILE] = _sha256(data)
            _add(archive, HISTORY_FILE, data)
            _add(archive, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
        os.replace(partial, target)
    return Backup(target, len(files), history_rows)


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
        if not path.is_file() or _sha256(path.read_bytes()) != digest:
            raise BackupError(f"sauvegarde abîmée : {name} manque ou a changé")
    return manifest


def restore_backup(archive_path: Path, sources: Path, db_path: Path, rebuild) -> Path | None:
    """Put a backup's sources and history back; `rebuild(sources, store)` builds the store.

    The store is built beside `db_path` from the restored sources and the backup's
    history, then swapped in: if the build fails, the store is untouched. The
    current sources folder, if any, is renamed `<name>.avant-restauration-<date>`
    and that path returned. Raises BackupError (nothing changed) if the archive is
    not a sound backup.
    """
    sources, db_path = Path(sources), Path(db_path)
    sources.parent.mkdir(parents=True, exist_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=sources.parent) as tmp:
        unpacked = Path(tmp)
        read_backup(Path(archive_path), unpacked)
        staged = db_path.with_name(f".{db_path.name}.restauration")
        staged.unlink(missing_ok=True)
        shutil.copyfile(unpacked / HISTORY_FILE, staged)  # the build carries it over
        kept_aside = None
        if sources.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            kept_aside = sources.with_name(f"{sources.name}.avant-restauration-{stamp}")
            sources.rename(kept_aside)
        restored = unpacked / "sources"
        restored.mkdir(exist_ok=True)
        shutil.move(str(restored), str(sources))
    try:
        rebuild(sources, staged)
        with build_lock(db_path):
            os.replace(staged, db_path)
    finally:
        staged.unlink(missing_ok=True)
    return kept_aside
