"""The portable locks and atomic writes (centrale/locks.py), with real processes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from centrale.config import REPO_ROOT
from centrale.locks import exclusive, write_atomic

# Takes the lock, says so (the flag file), keeps it until the release file appears,
# then writes the clock time at which it lets go and leaves: no pause of fixed length.
HOLDER = """
import sys, time
from pathlib import Path
from centrale.locks import exclusive
lock, flag, release = (Path(a) for a in sys.argv[1:4])
with exclusive(lock):
    flag.write_text("held")
    deadline = time.monotonic() + 600
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    (flag.parent / "released-at").write_text(repr(time.time()))
"""


def _wait_for(path: Path, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.02)


def test_a_lock_held_by_another_process_makes_us_wait(tmp_path):
    lock, flag, release = tmp_path / "x.lock", tmp_path / "held", tmp_path / "release"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock), str(flag), str(release)], cwd=REPO_ROOT
    )
    try:
        _wait_for(flag)
        # Ask for the release from another thread while we already wait for the lock.
        threading.Timer(0.5, release.touch).start()
        with exclusive(lock):
            got_it_at = time.time()
        # We had the lock only after the holder let it go, however busy the machine.
        assert got_it_at >= float((tmp_path / "released-at").read_text())
    finally:
        release.touch()
        holder.wait(timeout=60)


def test_a_killed_holder_releases_the_lock(tmp_path):
    lock, flag = tmp_path / "x.lock", tmp_path / "held"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock), str(flag), str(tmp_path / "never")],
        cwd=REPO_ROOT,
    )
    _wait_for(flag)
    holder.kill()
    holder.wait(timeout=60)
    with exclusive(lock):
        pass


def test_no_posix_only_lock_module_anywhere():
    word = "f" + "cntl"  # spelled apart so that this file does not match itself
    tracked = subprocess.run(["git", "grep", "-l", word], cwd=REPO_ROOT, capture_output=True)
    assert tracked.stdout == b""


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_atomic_write_of_a_secret_is_never_world_readable(tmp_path):
    old = os.umask(0)
    try:
        write_atomic(tmp_path / "secret", b"x", mode=0o600)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "secret").stat().st_mode) == 0o600
