"""Hostile file names are shown as text, in Chromium with the network log.

A file named `![x](https:example.invalid).csv` once made Chromium fetch an outside
address from the import page's error box (the problem summary names the file),
and `survey-[clic](https:example.invalid).csv` showed a live outside link on the
survey import tab. Both are uploaded here; the test fails on any request to
anything but the local server, and on any link or image pointing outside.
"""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import (
    RENDER_TIMEOUT_MS,
    VIEWPORT,
    Offline,
    running_app,
    send_survey_export,
    wait_rendered,
)
from tests.ingest_files import BAD_ORDERS
from tests.survey_exports import csv_bytes, limesurvey_100_columns

pytestmark = pytest.mark.browser
IMAGE_NAME = "![x](https:example.invalid).csv"
LINK_NAME = "survey-[clic](https:example.invalid).csv"
LOCAL = {"localhost", "127.0.0.1", "::1"}


@pytest.fixture
def hostile_app(demo_db, browser, tmp_path):
    db = tmp_path / "centrale.duckdb"
    shutil.copy(demo_db, db)
    with running_app(db, tmp_path) as server:
        context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
        offline = Offline()
        context.route("**/*", offline.route)
        requests: list[str] = []  # the network log: every request the page made
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.goto(server.url)  # the entry point first: it registers the pages
        wait_rendered(page)
        try:
            yield page, server, requests, offline
        finally:
            context.close()


def _assert_nothing_outside(page, requests, offline) -> None:
    outside = [u for u in requests if urlparse(u).scheme not in ("data", "blob")]
    outside = [u for u in outside if urlparse(u).hostname not in LOCAL]
    assert not outside and not offline.blocked, outside + offline.blocked
    links = page.locator('a[href*="example.invalid"], img[src*="example.invalid"]')
    assert links.count() == 0, links.first.evaluate("e => e.outerHTML")


def test_hostile_names_reach_no_outside_address(hostile_app, tmp_path):
    page, server, requests, offline = hostile_app
    # The import page: an orders file with errors, named to load an outside image.
    image_file = tmp_path / "upload-1" / IMAGE_NAME
    image_file.parent.mkdir()
    image_file.write_bytes(BAD_ORDERS)
    page.goto(f"{server.url}/data")
    wait_rendered(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(image_file)
    )
    wait_rendered(page)
    error = page.locator('[data-testid="stAlertContentError"]').first
    error.wait_for(state="visible")
    assert IMAGE_NAME in error.inner_text()  # named as it is, as text
    _assert_nothing_outside(page, requests, offline)

    # The survey import tab: an export named to show an outside link.
    link_file = tmp_path / "upload-2" / LINK_NAME
    link_file.parent.mkdir()
    link_file.write_bytes(csv_bytes(limesurvey_100_columns()))
    send_survey_export(page, server.url, link_file)
    assert page.get_by_text(LINK_NAME).count() >= 1
    _assert_nothing_outside(page, requests, offline)
