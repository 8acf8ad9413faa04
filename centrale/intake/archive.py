"""The sources folder's hidden `.archive/`: every version of every source file a load
used, kept under its SHA-256 so that any earlier load can be restored, and the journal of
what the dashboard noted about each load."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pandas as pd

from centrale.config import Settings
from centrale.fingerprint import sha256_bytes
from centrale.intake.commit import (
    ARCHIVE_DIR,
    JOURNAL_FILE,
)
from centrale.intake.receiving import EXTENSIONS
from centrale.locks import write_atomic
from centrale.sources.discover import list_source_files


def archive_dir(folder: Path) -> Path:
    return Path(folder) / ARCHIVE_DIR


def blob_path(folder: Path, sha: str, extension: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha) or extension not in EXTENSIONS:
        raise ValueError("empreinte ou extension invalide")
    return archive_dir(folder) / f"{sha}{extension}"


def archive_file(folder: Path, data: bytes, sha: str, extension: str) -> tuple[Path, bool]:
    """Keep `data` under its SHA-256; returns (path, created)."""
    blob = blob_path(folder, sha, extension)
    if blob.is_file():
        return blob, False
    blob.parent.mkdir(exist_ok=True)
    write_atomic(blob, data)
    return blob, True


def archive_sources(folder: Path) -> None:
    """Keep a copy of every current source file (already kept ones cost nothing).

    Call it before changing a file of the sources folder, so the version that
    earlier loads used can still be restored.
    """
    for path in list_source_files(folder):
        if path.suffix.lower() in EXTENSIONS:
            data = path.read_bytes()
            archive_file(folder, data, sha256_bytes(data), path.suffix.lower())


def journal(settings: Settings) -> pd.DataFrame:
    """What the dashboard noted about each load: load_id, action, original_name, restored_from…"""
    path = archive_dir(settings.sources_dir) / JOURNAL_FILE
    columns = ["load_id", "action", "original_name", "stored_name", "replaced", "restored_from"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            records.append(json.loads(line))
    return pd.DataFrame(records).reindex(columns=columns)
