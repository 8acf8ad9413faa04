"""The store's load history, for the history page: who loaded what, when, with which files."""

from __future__ import annotations

import pandas as pd


def load_log(con) -> pd.DataFrame:
    """load_id, loaded_at, loaded_by, action, sources_dir, row_counts (JSON), warnings (JSON),
    files (number of files), newest first."""
    return con.execute("""
        SELECT l.*, (SELECT count(*) FROM load_files f WHERE f.load_id = l.load_id) AS files
        FROM load_log l
        ORDER BY l.load_id DESC
        """).df()


def load_files(con, load_id: int) -> pd.DataFrame:
    """file, kind, sha256, size_bytes, rows of one load, in name order."""
    return con.execute(
        "SELECT file, kind, sha256, size_bytes, rows FROM load_files WHERE load_id = ? "
        "ORDER BY file",
        [load_id],
    ).df()
