"""The store's load history, for the history page: who loaded what, when, with which files."""

from __future__ import annotations

import pandas as pd

from centrale.cached import cached_query


@cached_query
def load_log(con) -> pd.DataFrame:
    """load_id, loaded_at, loaded_by, action, sources_dir, row_counts (JSON), warnings (JSON),
    files (number of files), newest first."""
    return con.execute("""
        SELECT l.*, (SELECT count(*) FROM load_files f WHERE f.load_id = l.load_id) AS files
        FROM load_log l
        ORDER BY l.load_id DESC
        """).df()


@cached_query
def newest_load(con) -> dict | None:
    """The newest load, the one definition every reader uses: {"load_id", "loaded_at"
    (timestamp), "sources_dir", "files": {file name: SHA-256}, in name order}; None before
    the first load. Pages show its date and file names ("données à jour au", every
    export's "À propos" sheet); the commit point checks the store against the sources
    folder with its fingerprints. Small on purpose: pages read it at every rerun."""
    row = con.execute(
        "SELECT load_id, loaded_at, sources_dir FROM load_log ORDER BY load_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    files = con.execute(
        "SELECT file, sha256 FROM load_files WHERE load_id = ? ORDER BY file", [row[0]]
    ).fetchall()
    return {
        "load_id": row[0],
        "loaded_at": pd.Timestamp(row[1]),
        "sources_dir": row[2],
        "files": {str(name): str(sha) for name, sha in files},
    }


@cached_query
def load_files(con, load_id: int) -> pd.DataFrame:
    """file, kind, sha256, size_bytes, rows of one load, in name order."""
    return con.execute(
        "SELECT file, kind, sha256, size_bytes, rows FROM load_files WHERE load_id = ? "
        "ORDER BY file",
        [load_id],
    ).df()
