"""Reading a sent file stops when its session ends: the reader calls READ_CHECK, which raises.

The dashboard's READ_CHECK is Streamlit's own check of the script run
(`ui.runs.reading_ends_with_session`), which raises StopException once the
browser session is gone; here a real StopException is raised the same way,
from another thread's signal, while a real slow workbook is previewed.
"""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from centrale.intake import ingest
from centrale.sources.kinds import KINDS
from centrale.sources.read import (
    CHECK_EVERY_ROWS,
    READ_BUDGET,
    READ_CHECK,
    _workbook_sheets,
    read_source,
)
from tests.slow_workbook import slow_orders_workbook
from tests.survey_fixtures import tiny_settings
from ui import runs

ROWS = 20_000


@pytest.fixture(scope="module")
def slow_workbook() -> bytes:
    return slow_orders_workbook(ROWS)


class SessionCheck:
    """Counts the reader's checks; raises StopException once `ended` is set."""

    def __init__(self) -> None:
        self.ended = threading.Event()
        self.calls = 0
        self.calls_after_end = 0
        self.started = threading.Event()

    def __call__(self) -> None:
        self.calls += 1
        self.started.set()
        if self.ended.is_set():
            self.calls_after_end += 1
            raise StopException()


def test_a_preview_stops_at_the_next_check_once_the_session_has_ended(tmp_path, slow_workbook):
    config = dataclasses.replace(tiny_settings(tmp_path), read_seconds=600)
    upload = ingest.receive_upload(config, "orders.xlsx", slow_workbook, "orders")
    check, outcome = SessionCheck(), {}

    def preview() -> None:  # what the script thread does for the data page
        READ_CHECK.set(check)
        try:
            outcome["preview"] = ingest.preview_upload(config, upload)
        except BaseException as stop:  # noqa: BLE001 - the test inspects it
            outcome["raised"] = stop

    worker = threading.Thread(target=preview)
    worker.start()
    assert check.started.wait(120), "la lecture n'a jamais commencé"
    calls_at_end = check.calls
    check.ended.set()  # the tab is closed
    worker.join(120)
    assert not worker.is_alive()
    # It went through ingest's own handlers untouched, right at the next check.
    assert isinstance(outcome.get("raised"), StopException), outcome
    assert check.calls_after_end == 1 and check.calls <= calls_at_end + 1


def test_the_session_is_checked_all_along_a_workbook_even_while_it_is_sized(slow_workbook):
    """openpyxl first reads a sheet without <dimension> whole to size it, then again for
    its rows: the check must come all along both passes, not only between rows."""
    stamps = []
    budget = READ_BUDGET.set(600)
    token = READ_CHECK.set(lambda: stamps.append(time.monotonic()))
    try:
        start = time.monotonic()
        sheets, problem = _workbook_sheets(slow_workbook, "orders.xlsx")
        end = time.monotonic()
    finally:
        READ_CHECK.reset(token)
        READ_BUDGET.reset(budget)
    assert problem is None and len(sheets[0][1]) == ROWS + 1
    gaps = [b - a for a, b in zip([start, *stamps], [*stamps, end], strict=True)]
    # Hundreds of checks, never far apart (typically a few ms; generous for a busy machine).
    assert len(stamps) > 200 and max(gaps) < 2.0, (len(stamps), max(gaps))


def test_the_time_budget_also_counts_the_sizing_pass(tmp_path, slow_workbook):
    """A budget spent while openpyxl sizes the sheet (before any row) stops the reading
    with the French message, not with 'classeur illisible'."""
    budget = READ_BUDGET.set(0.001)
    try:
        sheets, problem = _workbook_sheets(slow_workbook, "orders.xlsx")
    finally:
        READ_BUDGET.reset(budget)
    assert sheets == [] and "lecture arrêtée après 0.001 s" in problem.message


def test_a_build_never_consults_the_session(tmp_path, slow_workbook):
    """READ_CHECK applies to a sent file (READ_BUDGET set), not to the ETL's own folder."""
    path = tmp_path / "orders.xlsx"
    path.write_bytes(slow_orders_workbook(2 * CHECK_EVERY_ROWS))
    check = SessionCheck()
    check.ended.set()
    token = READ_CHECK.set(check)
    try:
        table = read_source(path, KINDS["orders"])
    finally:
        READ_CHECK.reset(token)
    assert check.calls == 0 and len(table.cells) == 2 * CHECK_EVERY_ROWS


def test_the_dashboard_uses_streamlits_run_check_and_puts_it_back():
    # Outside a script run there is no run to end: nothing to check.
    assert runs._run_check() is None
    before = READ_CHECK.get()
    with runs.reading_ends_with_session():
        READ_CHECK.get()()  # resolves to nothing to check, raises nothing
    assert READ_CHECK.get() is before


def test_streamlits_run_check_is_still_where_the_dashboard_looks():
    """The guarded fallback exists for a Streamlit upgrade; this fails when it is needed,
    so that the upgrade is noticed (a sent file would then no longer stop with its tab)."""
    assert runs._streamlit_run_check_getter() is not None


def _script_run() -> None:
    import streamlit as st

    from centrale.sources.read import READ_CHECK
    from ui import runs
    from ui.runs import reading_ends_with_session

    with reading_ends_with_session():
        check = READ_CHECK.get()
        st.write(f"vérification : {runs._run_check() is not None}")
        check()  # the run is going on: nothing to stop, nothing raised
    st.write(f"après : {READ_CHECK.get() is None}")


def test_inside_a_script_run_the_check_is_streamlits_and_passes_while_the_run_lives():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_script_run, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [m.value for m in at.markdown] == ["vérification : True", "après : True"]
