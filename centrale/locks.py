"""File locks and atomic writes that work the same on Linux, macOS and Windows.

Every process that changes a shared file (the store, the sources folder, the
accounts, the sign-in counters) takes one of these locks, and every file is
written whole through a temporary sibling then `os.replace`d: a reader or a
crash sees the old content or the new one, never half of it. Built on
`filelock` (the native lock of each system) so that the app also starts on
the Windows laptops of the project leads.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (created if needed) until the block ends.

    Waits as long as it takes: the lock guards short writes, and a process
    killed while holding it releases it with its file handles.
    """
    lock_path = Path(lock_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    # thread_local=False: the lock belongs to this `with` block, whichever thread runs it.
    with FileLock(lock_path, thread_local=False):
        yield


def write_atomic(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `target` whole, durably, or not at all.

    The temporary file is hidden (dot name) so the ETL never reads it, and is
    removed if anything fails. `mode` (e.g. 0o600) is set before any byte is
    written, so a secret is never readable by others even for an instant.
    """
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666 if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)  # the umask may have narrowed it; never widened
        os.replace(tmp, target)
        sync_folder(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
