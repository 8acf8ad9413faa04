"""The DuckDB store: opened read-only by the dashboard, replaced whole by a build.

A build never writes into the file readers use. It writes a new file beside
it, inside one transaction, checks it, and `os.replace`s it over the old one:
a reader sees the old store or the new one, never a mix, and never holds a
lock that stops the build (see STACK-NOTES.md on DuckDB's locking).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from centrale.errors import CentraleError, as_os_error
from centrale.locks import exclusive, sync_folder
from centrale.semantic.sql import schema_text

SCHEMA_PATH = Path(__file__).with_name("schema.sql")


@functools.cache
def schema_sql() -> str:
    """The schema as run: schema.sql with the domain's status words filled in."""
    return schema_text(SCHEMA_PATH.read_text(encoding="utf-8"))


# A store built by another version of the schema lacks tables or macros the
# queries use: its version is the fingerprint of the schema as run.
@functools.cache
def schema_version() -> str:
    return hashlib.sha256(schema_sql().encode("utf-8")).hexdigest()[:12]


class StoreMissing(CentraleError):
    """No store at the configured path yet (message in French)."""


def store_version(path: Path) -> str:
    """Changes whenever a build replaces the file: the cache key of every read."""
    st = os.stat(path)
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


STORE_ALIAS = "store"


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store file as it is now.

    `duckdb.connect(path)` keeps one database instance per path in the process,
    so after a swap it would hand back the *old* file while any connection to
    it lives. Attaching the file to a fresh in-memory database always opens
    the file currently at `path`. Use `cursor_on` for cursors (they must
    select the attached store again).
    """
    if not Path(path).is_file():
        raise StoreMissing(
            f"Aucune base de données à {path}. Construisez-la avec « make etl » "
            "ou « python -m etl build »."
        )
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH ? AS {STORE_ALIAS} (READ_ONLY)", [str(path)])
    con.execute(f"USE {STORE_ALIAS}")
    return con


def cursor_on(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    cursor = con.cursor()
    cursor.execute(f"USE {STORE_ALIAS}")
    return cursor


def schema_is_current(con) -> bool:
    """Was this store built with the schema this code expects?"""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error:
        return False
    return bool(row) and row[0] == schema_version()


class StoreReader:
    """A read-only connection that follows builds: it reopens when the file is replaced.

    Safe to share between threads: each query runs on its own cursor, and the
    swap to a new file happens under a lock. The old connection keeps the old
    (unlinked) file readable until the last cursor on it is done.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._version: str | None = None

    def version(self) -> str:
        if not self.path.is_file():
            raise StoreMissing(
                f"Aucune base de données à {self.path}. Construisez-la avec « make etl » "
                "ou « python -m etl build »."
            )
        return store_version(self.path)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            version = self.version()
            if self._con is None or version != self._version:
                self._con = connect_read_only(self.path)
                self._version = version
            return cursor_on(self._con)

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


@contextlib.contextmanager
def build_lock(db_path: Path):
    """One build at a time per store: concurrent builds queue instead of racing."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(db_path.with_name(db_path.name + ".lock")):
        yield


@dataclass
class LoadEntry:
    loaded_by: str
    action: str
    sources_dir: str
    row_counts: dict[str, int]
    warnings: list[str]
    files: list[dict]  # file, kind, sha256, size_bytes, rows


def previous_load_log(db_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The load history of the current store (empty frames when there is none)."""
    empty = (pd.DataFrame(), pd.DataFrame())
    if not db_path.is_file():
        return empty
    try:
        with connect_read_only(db_path) as con:
            return (
                con.sql("SELECT * FROM load_log ORDER BY load_id").df(),
                con.sql("SELECT * FROM load_files ORDER BY load_id, file").df(),
            )
    except duckdb.Error:
        return empty  # an older or damaged store: its history cannot be carried over


def write_store(db_path: Path, tables: dict[str, pd.DataFrame], entry: LoadEntry, check) -> Path:
    """Build a complete store in a temporary file, check it, then swap it in.

    `tables` maps table name -> frame with exactly the schema's columns.
    `check(con)` returns a list of failed checks; any failure aborts the build
    and leaves `db_path` untouched. Returns `db_path`. Call it under
    `build_lock(db_path)` (as `centrale.storage.build.build_store` does).
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(db_path)
    tmp = db_path.with_name(f".{db_path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        history, history_files = previous_load_log(db_path)
        try:
            con = duckdb.connect(str(tmp))
            try:
                con.execute("BEGIN")
                con.execute(schema_sql())
                for name, frame in tables.items():
                    con.register("incoming", frame)
                    # Identifiers only, from code and checked against the schema: no value
                    # is ever formatted into SQL.
                    columns = ", ".join(f'"{_column(con, name, c)}"' for c in frame.columns)
                    con.execute(
                        f"INSERT INTO {_table(con, name)} ({columns}) "  # noqa: S608
                        f"SELECT {columns} FROM incoming"
                    )
                    con.unregister("incoming")
                _append_load_log(con, history, history_files, entry)
                con.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?), ('built_at', ?)",
                    [schema_version(), dt.datetime.now().isoformat(timespec="seconds")],
                )
                con.execute("COMMIT")
                failures = check(con)
                if failures:
                    raise BuildCheckFailed(failures)
                con.execute("CHECKPOINT")
            finally:
                con.close()
        except duckdb.Error as exc:
            # A full or read-only disk reaches us as a failed commit or checkpoint.
            os_error = as_os_error(exc)
            if os_error is None:
                raise
            raise os_error from exc
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, db_path)
        sync_folder(db_path.parent)
        return db_path
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _remove_abandoned_builds(db_path: Path) -> None:
    """Temporary files of builds that died (killed, power cut) before their swap.

    Called under the build lock, so no other build is writing one right now.
    """
    for leftover in db_path.parent.glob(f".{db_path.name}.tmp-*"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


class BuildCheckFailed(CentraleError):
    def __init__(self, failures: list[str]):
        self.failures = failures
        super().__init__("contrôles de cohérence échoués : " + "; ".join(failures))


def _table(con, name: str) -> str:
    """Table names come from code, but check them against the schema all the same."""
    known = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    if name not in known:
        raise ValueError(f"unknown table {name!r}")
    return name


def _column(con, table: str, column: str) -> str:
    known = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]
        ).fetchall()
    }
    if column not in known:
        raise ValueError(f"unknown column {table}.{column}")
    return column


def _append_load_log(
    con, history: pd.DataFrame, history_files: pd.DataFrame, entry: LoadEntry
) -> None:
    if len(history):
        con.register("h", history)
        con.execute("INSERT INTO load_log SELECT * FROM h")
        con.unregister("h")
    if len(history_files):
        con.register("hf", history_files)
        con.execute("INSERT INTO load_files SELECT * FROM hf")
        con.unregister("hf")
    load_id = int(history["load_id"].max()) + 1 if len(history) else 1
    con.execute(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            dt.datetime.now(),
            entry.loaded_by,
            entry.action,
            entry.sources_dir,
            json.dumps(entry.row_counts, ensure_ascii=False),
            json.dumps(entry.warnings, ensure_ascii=False),
        ],
    )
    if entry.files:  # executemany refuses an empty list
        con.executemany(
            "INSERT INTO load_files VALUES (?, ?, ?, ?, ?, ?)",
            [
                [load_id, f["file"], f["kind"], f["sha256"], f["size_bytes"], f["rows"]]
                for f in entry.files
            ],
        )
