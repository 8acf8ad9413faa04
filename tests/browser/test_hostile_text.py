"""Text from files and people is shown as text: Markdown and HTML payloads in every
free-text field and in a column header never become an image, a link or markup.

The demo sources get the payloads (survey needs, respondents and comments,
a solution's description, a provider, a subsidy project, an extra column's
header); every page is opened in chromium with the network cut. A page fails
on any request to another host (an image would load) and on any link or image
pointing outside the app.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from centrale.config import settings
from centrale.storage.build import build_store
from tests.browser.conftest import (
    assert_no_error_box,
    registered_pages,
    running_app,
    wait_rendered,
)
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.browser

PAYLOAD = (
    "![x](http://evil.example/t.png) [clic](http://evil.example/lien) "
    '<img src="http://evil.example/i.png"> <a href="http://evil.example/a">a</a> '
    "**gras** :red[rouge] $x^2$ http://evil.example/nu"
)
PAYLOAD_COMMUNES = ("84009", "81001", "85045")  # Bertrix, Arlon, Virton


def _hostile_sources(folder: Path) -> None:
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
    book = openpyxl.load_workbook(folder / "survey.xlsx")
    sheet = book.active
    last_year = max(r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0])
    for n, nis in enumerate(PAYLOAD_COMMUNES):
        sheet.append(
            [last_year, nis, f"{PAYLOAD} {n}", 1, last_year + 1, 1000, None, PAYLOAD, PAYLOAD]
        )
        sheet.cell(sheet.max_row, 7).value = sheet.cell(2, 7).value.replace(year=last_year)
    book.save(folder / "survey.xlsx")

    book = openpyxl.load_workbook(folder / "solutions.xlsx")
    book.active.cell(2, 5).value = PAYLOAD
    book.save(folder / "solutions.xlsx")
    book = openpyxl.load_workbook(folder / "framework.xlsx")
    first = [c.value for c in book.active[2]]
    book.active.append([first[0], PAYLOAD, first[2], first[3]])
    book.save(folder / "framework.xlsx")

    text = (folder / "subsidies.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    rows[0].append(PAYLOAD)  # a header the kind does not know: reported as ignored
    for row in rows[1:]:
        row.append("")
    rows[1][3] = PAYLOAD
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    (folder / "subsidies.csv").write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory, browser):
    work = tmp_path_factory.mktemp("hostile")
    _hostile_sources(work / "sources")
    db = work / "centrale.duckdb"
    build_store(settings(), work / "sources", db, progress=lambda _: None)
    with running_app(db, work) as server:
        yield server


OUTSIDE = """() => {
    const local = ['127.0.0.1', 'localhost', '::1', '[::1]'];
    const outside = (u) => {
        try {
            const url = new URL(u, location.href);
            return !['data:', 'blob:'].includes(url.protocol) && !local.includes(url.hostname);
        }
        catch (e) { return false; }
    };
    const found = [];
    for (const a of document.querySelectorAll('a[href]')) {
        const href = a.getAttribute('href');
        if (!href.startsWith('#') && outside(href)) found.push('lien ' + a.href);
    }
    for (const i of document.querySelectorAll('img[src], image[href]')) {
        const src = i.getAttribute('src') || i.getAttribute('href');
        if (outside(src)) found.push('image ' + src);
    }
    return found;
}"""

PAGES = [p.url_path for p in registered_pages()]
EXTRA = ["commune?nis=84009", "survey?tab=resultats", "presentation?nis=84009"]


@pytest.mark.parametrize("path", PAGES + EXTRA)
def test_no_payload_becomes_an_image_or_a_link(hostile_app, offline_page, path):
    page, offline = offline_page
    page.goto(f"{hostile_app.url}/{path}")
    wait_rendered(page)
    assert_no_error_box(page, hostile_app)
    # Open every tab, so the content of each is drawn and checked.
    tabs = page.locator('[data-baseweb="tab"]')
    for i in range(tabs.count()):
        tabs.nth(i).click()
        wait_rendered(page)
    found = page.evaluate(OUTSIDE)
    assert not found, f"{path} : {found}"
    assert not offline.blocked, f"{path} : {offline.blocked}"
