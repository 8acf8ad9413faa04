"""At most a few script runs compute at once in the server process.

Streamlit runs each session's script in its own thread; with 30 people on a
2-core machine, 30 runnable threads share one GIL with the event loop that
answers websocket pings and serves static files, so everything slows down at
once and pings stall. Runs beyond the limit wait their turn at the top of the
script (before drawing anything), which keeps the event loop responsive and
the finished pages coming. Limit: CENTRALE_MAX_RUNS (default: the number of
cores; 0 turns the limit off).

A run's reading of a sent file also ends with its browser session
(`reading_ends_with_session`): a tab closed while a heavy workbook is parsed
frees its slot and its CPU at once instead of minutes later.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator

from centrale.config import env_text
from centrale.sources.read import READ_CHECK


def _limit() -> int:
    value = env_text("CENTRALE_MAX_RUNS")
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


@functools.cache
def _streamlit_run_check_getter() -> Callable[[], Callable[[], None] | None] | None:
    """Streamlit's getter of the current run's check, or None if an upgrade moved it.

    It is the function Streamlit itself calls while a cached function waits; there is
    no public API for it. It is looked up only when a sent file is being read (never on
    the path of every run), and without it a sent file is simply read to its end under
    the read budget (tests/test_read_cancel.py says which one is in force)."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import (
            get_run_yield_check,
        )
    except ImportError:
        return None
    return get_run_yield_check


def _run_check() -> Callable[[], None] | None:
    """The check of the current script run: it raises StopException once the run's
    session has ended (the websocket closed) and RerunException when the browser asked
    for another run; None outside a run or when Streamlit no longer offers it."""
    getter = _streamlit_run_check_getter()
    return getter() if getter is not None else None


def _check_this_run() -> None:
    """READ_CHECK's value during a run: resolved when a sent file's reader calls it."""
    check = _run_check()
    if check is not None:
        check()


@contextlib.contextmanager
def reading_ends_with_session() -> Iterator[None]:
    """While the block runs, a sent file being read stops (the script run ends, as it
    would at its next `st.` call) as soon as this browser session ends."""
    token = READ_CHECK.set(_check_this_run)
    try:
        yield
    finally:
        READ_CHECK.reset(token)
