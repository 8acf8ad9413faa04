"""At most a few script runs compute at once in the server process.

Streamlit runs each session's script in its own thread; with 30 people on a
2-core machine, 30 runnable threads share one GIL with the event loop that
answers websocket pings and serves static files, so everything slows down at
once and pings stall. Runs beyond the limit wait their turn at the top of the
script (before drawing anything), which keeps the event loop responsive and
the finished pages coming. Limit: CENTRALE_MAX_RUNS (default: the number of
cores; 0 turns the limit off).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator


def _limit() -> int:
    value = os.environ.get("CENTRALE_MAX_RUNS", "").strip()
    return int(value) if value else max(os.cpu_count() or 2, 1)


LIMIT = _limit()
_SLOTS = threading.BoundedSemaphore(LIMIT) if LIMIT > 0 else None


@contextlib.contextmanager
def run_slot() -> Iterator[None]:
    """Hold one of the LIMIT slots while the block runs (st.rerun/st.stop release it)."""
    if _SLOTS is None:
        yield
        return
    _SLOTS.acquire()
    try:
        yield
    finally:
        _SLOTS.release()
