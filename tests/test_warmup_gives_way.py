"""The start-up warm-up gives way to a visitor's run past the headline figures
(ui/warmup.py): a step waits while a run is going on, goes on when it ends, and never
waits longer than its bound behind a run that does not end."""

from __future__ import annotations

import threading
import time

import pytest

from ui import warmup


@pytest.fixture
def warming(monkeypatch):
    """The warm-up as at start-up: not done yet, no visitor."""
    monkeypatch.setattr(warmup, "_done", threading.Event())
    monkeypatch.setattr(warmup, "_visitors", 0)


def _step_in_thread() -> threading.Event:
    stepped = threading.Event()
    threading.Thread(target=lambda: (warmup._give_way(), stepped.set()), daemon=True).start()
    return stepped


def test_a_step_waits_for_the_visitors_run_to_end(warming):
    with warmup.visitor_run():
        stepped = _step_in_thread()
        assert not stepped.wait(0.5), "the warm-up went on during a visitor's run"
    assert stepped.wait(10), "the warm-up did not go on after the run"


def test_a_step_does_not_wait_without_a_visitor(warming):
    assert _step_in_thread().wait(10)


def test_a_step_waits_no_longer_than_its_bound(warming, monkeypatch):
    monkeypatch.setattr(warmup, "GIVE_WAY_SECONDS", 0.2)
    with warmup.visitor_run():
        started = time.monotonic()
        assert _step_in_thread().wait(10)
        assert time.monotonic() - started >= 0.2


def test_runs_are_not_counted_once_the_warm_up_is_done(warming):
    warmup._done.set()
    with warmup.visitor_run():
        assert warmup._visitors == 0


def test_a_run_that_fails_still_stops_counting(warming):
    with pytest.raises(RuntimeError), warmup.visitor_run():
        raise RuntimeError("la page a échoué")
    assert warmup._visitors == 0
