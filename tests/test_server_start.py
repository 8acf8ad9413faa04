"""`streamlit run app.py` (what `make run` serves): the warm-up runs at server start.

The server must listen at once (the warm-up is a background thread, not a
blocking start-up step), finish warming in the background, and serve the
dashboard's pages afterwards.
"""

from __future__ import annotations

import time
import urllib.request

import pytest

from devtools.live_app import SERVER_ENTRY, free_port, start_app, stop_app, wait_healthy

pytestmark = pytest.mark.slow
DEADLINE = 120  # seconds: generous, the machine may be busy


def _poll(condition, deadline: float, what: str) -> None:
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} après {DEADLINE} s")
        time.sleep(0.2)


def test_app_listens_then_warms_up(demo_db, tmp_path):
    assert SERVER_ENTRY.name == "app.py"
    port = free_port()
    log = tmp_path / "server.log"
    server = start_app(demo_db, port, log, extra_env={"STREAMLIT_LOGGER_LEVEL": "info"})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, log, timeout=DEADLINE)
        deadline = time.monotonic() + DEADLINE
        _poll(
            lambda: "préchargement terminé" in log.read_text(errors="replace"),
            deadline,
            "le préchargement n'est pas terminé",
        )
        assert "préchargement interrompu" not in log.read_text(errors="replace")
        with urllib.request.urlopen(f"{url}/", timeout=30) as answer:
            assert answer.status == 200
            assert b"<html" in answer.read().lower()
    finally:
        stop_app(server)
