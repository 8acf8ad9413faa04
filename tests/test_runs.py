"""ui/runs.py: beyond the limit, script runs wait their turn (and always give it back)."""

from __future__ import annotations

import importlib
import threading

import pytest

import ui.runs


@pytest.fixture
def runs_of_one(monkeypatch):
    monkeypatch.setenv("CENTRALE_MAX_RUNS", "1")
    yield importlib.reload(ui.runs)
    monkeypatch.delenv("CENTRALE_MAX_RUNS")
    importlib.reload(ui.runs)


def test_a_second_run_waits_for_the_first(runs_of_one):
    inside, release, second_in = threading.Event(), threading.Event(), threading.Event()

    def first():
        with runs_of_one.run_slot():
            inside.set()
            release.wait(60)

    def second():
        with runs_of_one.run_slot():
            second_in.set()

    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(60)
    two = threading.Thread(target=second)
    two.start()
    assert not second_in.wait(0.5)  # the only slot is taken
    release.set()
    assert second_in.wait(60)
    one.join(60)
    two.join(60)


def test_an_interrupted_run_gives_its_slot_back(runs_of_one):
    class Rerun(Exception):  # what st.rerun / st.stop raise inside the script
        pass

    with pytest.raises(Rerun), runs_of_one.run_slot():
        raise Rerun
    done = threading.Event()
    worker = threading.Thread(target=lambda: (runs_of_one.run_slot().__enter__(), done.set()))
    worker.start()
    assert done.wait(60)


def test_zero_means_no_limit(monkeypatch):
    monkeypatch.setenv("CENTRALE_MAX_RUNS", "0")
    try:
        module = importlib.reload(ui.runs)
        with module.run_slot(), module.run_slot():  # nested: would deadlock with a limit of 1
            pass
    finally:
        monkeypatch.delenv("CENTRALE_MAX_RUNS")
        importlib.reload(ui.runs)
