"""Run a Python module in a child process; return its JSON output and its own peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class TimedOut(RuntimeError):
    """The child ran past its time limit and was killed."""


def run_module(
    module: str, *args: str, env: dict | None = None, timeout: float | None = None
) -> tuple[dict, float]:
    """(parsed JSON printed last by `python -m module args`, peak RSS in MiB of that child).

    With `timeout` (seconds), a child still running then is killed and TimedOut raised.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", module, *map(str, args)],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=err,
            text=True,
        )
        # wait4, not wait: it returns this child's own resource usage (peak memory).
        deadline = time.monotonic() + timeout if timeout else None
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG if deadline else 0)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                raise TimedOut(f"{module} interrompu après {timeout:.0f} s")
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        out, err = out.read(), err.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{module} a échoué (code {code}) :\n{err[-3000:]}")
    last = [line for line in out.splitlines() if line.startswith("{")][-1]
    return json.loads(last), usage.ru_maxrss / 1024  # Linux: ru_maxrss in KiB
