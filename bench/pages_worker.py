"""Time one page's runs with AppTest against one store; print JSON (for bench.pages).

Cold run: Streamlit's caches cleared, a new AppTest, first `run()`. Warm rerun:
the same AppTest's next `run()` (what a click costs once the data is cached).
The store comes from CENTRALE_DB, set by the parent before this process starts.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import pkgutil
import sys
import time

import streamlit as st
from streamlit.testing.v1 import AppTest


class _LastError(logging.Handler):
    """Streamlit logs a page's exception in full; AppTest only shows it redacted."""

    text: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            _LastError.text = f"{type(error).__name__}: {error}"[:160]


def _errors(at: AppTest) -> str | None:
    if not at.exception:
        return None
    return _LastError.text or str(at.exception[0].message)[:160]


def measure(page: str, cold_runs: int, warm_runs: int, as_of: dt.date, budget: float) -> dict:
    """Cold and warm run times; stops repeating once `budget` seconds are spent."""
    cold, warm, error = [], [], None
    started_all = time.perf_counter()
    for _ in range(cold_runs):
        if cold and time.perf_counter() - started_all > budget:
            break
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(page, default_timeout=300)
        at.session_state["shared_as_of"] = as_of
        started = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - started)
        error = error or _errors(at)
        for _ in range(warm_runs if not warm else 0):
            if warm and time.perf_counter() - started_all > budget:
                break
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
            error = error or _errors(at)
    return {"cold": cold, "warm": warm, "error": error}


if __name__ == "__main__":
    cold_runs, warm_runs, budget, page = (
        int(sys.argv[1]),
        int(sys.argv[2]),
        float(sys.argv[3]),
        sys.argv[4],
    )
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).addHandler(_LastError())
    # Import what the pages use once, before any timing (a running server has it loaded).
    for package in ("centrale", "ui"):
        for module in pkgutil.iter_modules([package]):
            importlib.import_module(f"{package}.{module.name}")

    today = dt.date.today()
    print(json.dumps(measure(page, cold_runs, warm_runs, today, budget)))
