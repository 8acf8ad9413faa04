"""A sent workbook being read stops when the browser tab that sent it is closed.

The probe's case: a small .xlsx holding a huge sheet kept the server busy for
minutes after the browser had gone. Here a real 400 000-row orders workbook
(about 10 Mo, ~95 Mo of XML: under the upload and inflation limits, and the
reading budget raised to 15 min so that only the session can stop it) is sent
from chromium; once the server's thread reading it has worked a while, the tab
is closed, and that thread must end (or go idle) within STOP_SECONDS. Reading
the file through takes about 2 minutes on the 2-core test machine.
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
BUSY_CPU_SECONDS = 1.0  # the reading thread has worked this long before the tab is closed
STOP_SECONDS = 20  # from closing the tab to the reading thread gone or idle, at most
DEADLINE = 180  # generous: the shared machine may be saturated (load 15 on 2 cores seen)


def _thread_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of each live thread of the process, from /proc."""
    times = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        times[int(task.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return times


def _poll(check, seconds: float, what: str):
    """The first true value of `check()`, polled until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"toujours pas après {seconds} s : {what}")
        time.sleep(0.25)
    return value


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
    before = _thread_cpu(pid)

    page.locator('input[type="file"]').set_input_files(str(workbook))
    page.get_by_text("Vérification du fichier").first.wait_for(state="visible")

    def reader() -> int | None:
        """The thread started since the upload (each script run has its own) that has
        worked BUSY_CPU_SECONDS: the one reading the workbook."""
        spent = {t: c for t, c in _thread_cpu(pid).items() if t not in before}
        busiest = max(spent, key=spent.get, default=None)
        return busiest if busiest and spent[busiest] >= BUSY_CPU_SECONDS else None

    thread = _poll(reader, DEADLINE, "lecture du classeur en cours sur le serveur")
    assert page.get_by_text("Vérification du fichier").count() >= 1  # still reading

    context.close()  # the tab is closed: its websocket, hence its Streamlit session, ends
    closed_at = time.monotonic()

    def stopped() -> bool:
        """The reading thread has ended, or has not used any CPU for a full second."""
        first = _thread_cpu(pid).get(thread)
        time.sleep(1.0)  # a measuring window, not a wait for something to happen
        second = _thread_cpu(pid).get(thread)
        return first is None or second is None or second == first

    _poll(stopped, STOP_SECONDS, "la lecture continue après la fermeture de l'onglet")
    print(f"lecture arrêtée {time.monotonic() - closed_at:.1f} s après la fermeture de l'onglet")
    assert app.process.poll() is None  # the server lives on
    assert not offline.blocked, offline.blocked
