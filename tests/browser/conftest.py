"""The real app in a real browser, with the network cut.

One Streamlit server per test session (on a free local port, reading a store
built from the demo sources) and one headless Debian chromium driven by
Playwright. Every request the page makes to anything other than the local
server is aborted *and recorded*, so a test can fail on it: the dashboard must
work in a council room with no network.

Without /usr/bin/chromium the browser tests are skipped with a plain message
(`.ci/run` installs it; locally: `apt-get install chromium`).
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

import pytest

from devtools.live_app import (
    CHROMIUM,
    AppPage,  # noqa: F401  (re-exported: the tests name pages by it)
    AppStartError,
    LiveApp,
    Offline,
    launch_chromium,
    registered_pages,  # noqa: F401  (re-exported for the tests)
)
from devtools.live_app import running_app as _running_app

SKIP_MESSAGE = "chromium absent : tests navigateur sautés (apt-get install chromium)"
VIEWPORT = {"width": 1400, "height": 900}
SERVER_START_SECONDS = 90
RENDER_TIMEOUT_MS = 45_000
AppServer = LiveApp  # the running server the fixtures hand out: url, log, log_tail()


def require_chromium() -> None:
    """Skip (with the message the README promises) when the browser is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(SKIP_MESSAGE)
    pytest.importorskip("playwright.sync_api", reason="playwright absent (requirements-dev.txt)")


@contextlib.contextmanager
def running_app(db: Path, work: Path):
    """`streamlit run dashboard.py` on a free local port reading `db`; yields an AppServer.

    Its log is `work/streamlit.log`; the test fails (with the log's end) if the
    server does not come up. It is stopped (its own process only) when the block ends.
    """
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(
                _running_app(
                    db,
                    work / "streamlit.log",
                    extra_env={"CENTRALE_SOURCES": str(work / "sources")},
                    timeout=SERVER_START_SECONDS,
                )
            )
        except AppStartError as error:
            pytest.fail(str(error))
        yield server


@pytest.fixture(scope="session")
def app_server(demo_db, tmp_path_factory, browser) -> AppServer:
    """One app server for the whole session, reading the demo store.

    It is primed by opening "/" once: until the entry point has called
    st.navigation, Streamlit runs a deep link's file from `pages/` on its own
    (see test_deep_link_on_fresh_server). The other tests check the pages,
    not that start-up quirk.
    """
    with running_app(demo_db, tmp_path_factory.mktemp("browser-app")) as server:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(3 * RENDER_TIMEOUT_MS)  # the first run imports, warms up
        page.goto(server.url)
        wait_rendered(page)
        context.close()
        yield server


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium, shared by the session's tests."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser):
    """A fresh 1400×900 French page whose non-local requests are aborted and recorded.

    Yields (page, offline); the test fails at teardown if anything external was asked.
    """
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
    offline = Offline()
    context.route("**/*", offline.route)
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    try:
        yield page, offline
    finally:
        context.close()
    assert not offline.blocked, "requêtes externes (bloquées) : " + ", ".join(offline.blocked)


# The app counts as settled once Streamlit has been idle this long, checked every
# POLL_MS: the script not running (stApp's data-test-script-state, which turns
# 'rerunRequested' the moment a widget asks for a rerun), no running indicator, no
# skeleton, no page waiting for its rest (ui/first_paint.py). A poll, not a pause: a
# busy machine makes it slower, never wrong.
SETTLED_MS = 300
POLL_MS = 50
IDLE = """(quiet) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    const busy = !['notRunning', 'compilationError'].includes(state)
        || document.querySelector('[data-testid="stStatusWidget"]')
        || document.querySelector('[data-testid="stSkeleton"]')
        || document.querySelector('.centrale-pending');
    if (busy) { window.__centraleIdleSince = null; return false; }
    window.__centraleIdleSince = window.__centraleIdleSince ?? performance.now();
    return performance.now() - window.__centraleIdleSince >= quiet;
}"""


def wait_settled(page) -> None:
    """Poll until the app has finished every script run and stayed idle SETTLED_MS."""
    page.evaluate("() => { window.__centraleIdleSince = null; }")
    page.wait_for_function(IDLE, arg=SETTLED_MS, polling=POLL_MS)


# Charts (and the page's main block) whose boxes have not moved for a while are laid
# out: plotly redraws after a resize or a change of media, a little after the run.
LAYOUT = """(quiet) => {
    const boxes = [...document.querySelectorAll(
        '[data-testid="stPlotlyChart"] .main-svg, [data-testid="stPlotlyChart"] canvas, '
        + '[data-testid="stMainBlockContainer"]')]
        .map(e => { const r = e.getBoundingClientRect();
                    return [r.left, r.top, r.width, r.height].map(Math.round).join(','); })
        .join(';');
    const now = performance.now();
    if (boxes !== window.__centraleBoxes) {
        window.__centraleBoxes = boxes;
        window.__centraleBoxesSince = now;
        return false;
    }
    return now - window.__centraleBoxesSince >= quiet;
}"""


def wait_layout_stable(page, quiet_ms: int = 500) -> None:
    """Poll until no chart nor the main block has moved or resized for `quiet_ms`."""
    page.evaluate("() => { window.__centraleBoxes = null; }")
    page.wait_for_function(LAYOUT, arg=quiet_ms, polling=POLL_MS)


def wait_rendered(page, expected_text: str | None = None) -> None:
    """Wait until Streamlit has finished the script run and drawn its elements.

    Streamlit renders asynchronously: the app frame appears first, the script
    runs, elements stream in. We wait for the app, then for it to settle
    (`wait_settled`), then for `expected_text`, then for it to settle again (a
    widget may have triggered a rerun).
    """
    page.wait_for_selector('[data-testid="stApp"]', state="attached")
    page.wait_for_selector('[data-testid="stMain"]', state="visible")
    wait_settled(page)
    if expected_text:
        page.get_by_text(expected_text, exact=False).first.wait_for(state="visible")
        wait_settled(page)


ENGLISH_TRACE = re.compile(r"Traceback|Error:|Exception|line \d+, in|File \"", re.I)


def assert_no_error_box(page, server: AppServer | None = None) -> None:
    """No Streamlit exception box, and no error alert with English traceback text.

    The box itself is redacted (showErrorDetails = "none"): the message quotes
    the end of the server's log, where the traceback is.
    """
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        log = server.log_tail() if server else "(journal du serveur non fourni)"
        pytest.fail(f"exception Streamlit sur {page.url} ; fin du journal du serveur :\n{log}")
    for alert in page.locator('[data-testid="stAlert"]').all():
        text = alert.inner_text()
        assert not ENGLISH_TRACE.search(text), f"alerte d'erreur technique : {text[:800]}"


MAP_CHART = '[data-testid="stPlotlyChart"]:has(.maplibregl-map)'
MAP_DRAW_SECONDS = 15


def map_pixels(png: bytes) -> tuple[float, int]:
    """(share of non-white pixels, number of distinct colours) of a PNG screenshot.

    Colours are quantised to 32 levels per channel, so anti-aliasing does not
    count as variety; "white" is every channel ≥ 245.
    """
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    coloured = pixels[pixels.min(axis=1) < 245]
    distinct = np.unique(coloured // 32, axis=0)
    return len(coloured) / max(len(pixels), 1), len(distinct)


def assert_maps_drawn(page, folder: Path, name: str) -> int:
    """Every plotly map of the page shows communes, not a blank area; returns how many.

    The map is WebGL (a canvas), so we look at pixels: a screenshot of each map
    element must be at least 15 % non-white with at least 3 distinct colours.
    Drawing is asynchronous, so we retry for a few seconds before failing.
    """
    maps = page.locator(MAP_CHART)
    for index in range(maps.count()):
        chart = maps.nth(index)
        chart.scroll_into_view_if_needed()
        path = folder / f"{name}-carte-{index + 1}.png"
        deadline = time.monotonic() + MAP_DRAW_SECONDS
        while True:
            share, colours = map_pixels(chart.screenshot(path=path, animations="disabled"))
            if share >= 0.15 and colours >= 3:
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"carte vide sur {name} : {share:.0%} de pixels non blancs, "
                    f"{colours} couleurs (capture : {path})"
                )
            page.wait_for_timeout(500)
    return maps.count()


def send_survey_export(page, app_url: str, path) -> None:
    """Open the survey page's « Importer » tab, send `path` as the export and wait for
    its column mapping (what a person sees once the file is read)."""
    page.goto(f"{app_url}/survey")
    wait_rendered(page)
    page.get_by_role("tab", name="Importer").click()
    wait_settled(page)
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Export de l'enquête")
    uploader.locator('input[type="file"]').set_input_files(str(path))
    wait_rendered(page)
    page.get_by_text("Correspondance des colonnes").first.wait_for(state="visible")


def fresh_page(browser, viewport, media="screen"):
    """A new context (French, no service worker) and its page, 120 s per step: (context,
    page); close the context when done."""
    context = browser.new_context(viewport=viewport, locale="fr-BE", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.emulate_media(media=media)
    return context, page
