"""A sent workbook being read stops when the browser tab that sent it is closed.

The probe's case: a small .xlsx holding a huge sheet kept the server busy for
minutes after the browser had gone. Here a real 400 000-row orders workbook
(about 10 Mo, ~95 Mo of XML: under the upload and inflation limits, and the
reading budget raised to 15 min so that only the session can stop it) is sent
from chromium; once the server is busy reading it, the tab is closed, and the
server's own CPU time must stop growing within STOP_SECONDS. Reading the file
through takes about 2 minutes on the 2-core test machine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from devtools.live_app import AppStartError, running_app
from tests.browser.conftest import VIEWPORT, Offline, wait_rendered
from tests.slow_workbook import slow_orders_workbook

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ROWS = 400_000
BUSY_SECONDS = 3  # the server reads steadily this long before the tab is closed
STOP_SECONDS = 20  # closing the tab to an idle server, at most
DEADLINE = 120


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_rate(pid: int, window: float = 1.0) -> float:
    """CPU seconds the process used per second, over `window` seconds."""
    before, start = _cpu_seconds(pid), time.monotonic()
    time.sleep(window)  # a measuring window, not a wait for something to happen
    return (_cpu_seconds(pid) - before) / (time.monotonic() - start)


def _poll(check, seconds: float, what: str) -> float:
    """Seconds until `check()` held; fails after `seconds`."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            pytest.fail(f"toujours pas après {seconds} s : {what}")
    return time.monotonic() - start


@pytest.fixture
def app(demo_db, tmp_path):
    if not Path("/proc/self/stat").exists():
        pytest.skip("/proc absent : temps processeur du serveur illisible")
    env = {
        "CENTRALE_USERS": str(tmp_path / "aucun-compte.toml"),  # one-user mode: an editor
        "CENTRALE_SOURCES": str(tmp_path / "sources"),
        "CENTRALE_READ_SECONDS": "900",
    }
    try:
        with running_app(demo_db, tmp_path / "streamlit.log", extra_env=env) as server:
            yield server
    except AppStartError as error:
        pytest.fail(str(error))


def test_closing_the_tab_stops_reading_the_workbook(app, browser, tmp_path):
    workbook = tmp_path / "orders.xlsx"
    workbook.write_bytes(slow_orders_workbook(ROWS))
    pid = app.process.pid
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE")
    offline = Offline()
    context.route("**/*", offline.route)
    page = context.new_page()
    page.set_default_timeout(DEADLINE * 1000)
    page.goto(app.url)  # the entry point first: it registers the pages
    wait_rendered(page)
    page.goto(f"{app.url}/data")
    wait_rendered(page, "Fichier à importer")
    assert _cpu_rate(pid) < 0.5, "serveur déjà occupé avant l'envoi"

    page.locator('input[type="file"]').set_input_files(str(workbook))
    page.get_by_text("Vérification du fichier").first.wait_for(state="visible")
    # The server is reading: busy, steadily, for BUSY_SECONDS in a row.
    _poll(lambda: all(_cpu_rate(pid) > 0.5 for _ in range(BUSY_SECONDS)), DEADLINE, "lecture")
    assert page.get_by_text("Vérification du fichier").count() >= 1  # not finished yet

    context.close()  # the tab is closed: its websocket, hence its Streamlit session, ends
    stopped_after = _poll(
        lambda: _cpu_rate(pid) < 0.15 and _cpu_rate(pid) < 0.15, STOP_SECONDS, "arrêt"
    )
    print(f"lecture arrêtée {stopped_after:.1f} s après la fermeture de l'onglet")
    assert app.process.poll() is None  # the server lives on, idle
    assert not offline.blocked, offline.blocked
