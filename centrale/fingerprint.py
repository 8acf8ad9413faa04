"""SHA-256 fingerprints of source files and archives: the one way they are computed
(the load history, the commit point, the archive of versions and the backups compare
them, so they must agree to the byte)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_BLOCK = 1 << 20  # read a file a megabyte at a time: a 100 MB workbook never sits whole


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()
