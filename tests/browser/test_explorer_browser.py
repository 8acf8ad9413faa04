"""The Explorer in a real browser, offline, clicking like a person (issue 20): a breakdown
by arrondissement in ≤ 3 actions, a drill-through from a bar to its orders, a named
view saved then reopened from its link in a new browser context. Each answer is
compared with the semantic layer's own figure on the same store."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from centrale.semantic import Question, gallery
from centrale.semantic import compile as layer
from centrale.storage.store import connect_read_only
from tests.browser.conftest import VIEWPORT, assert_no_error_box, wait_rendered
from tests.browser.test_everyday_questions import MAX_CLICKS, Person, _rows

pytestmark = pytest.mark.browser


def _main(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_adhesion_rate_by_arrondissement_in_three_actions(app_server, offline_page, demo_db):
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.nav("Explorer")
    start = gallery.starts(dt.date.today())[0]  # adhesion rate by arrondissement
    person.click(page.get_by_role("button", name=start.title, exact=True))
    book = person.download(
        page.locator('[data-testid="stDownloadButton"]').filter(has_text="Télécharger en Excel")
    )
    assert person.clicks <= MAX_CLICKS
    assert_no_error_box(page, app_server)
    with connect_read_only(demo_db) as con:
        expected = layer.answer(con, start.question, dt.date.today())
    rows = _rows(book)
    assert [r["Arrondissement"] for r in rows] == list(expected["arrondissement"])
    shown = [round(r["Taux d'adhésion"], 4) for r in rows]
    assert shown == [round(v, 4) for v in expected["adhesion_rate"]]
    about = {r[0]: r[1] for r in book["À propos"].iter_rows(values_only=True)}
    assert "Taux d'adhésion" in about["Question"] and "par arrondissement" in about["Question"]


def test_a_click_on_a_bar_lists_its_orders(app_server, offline_page, demo_db):
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.nav("Explorer")  # opens on « Commandes attribuées par arrondissement »
    bar = page.locator('[data-testid="stPlotlyChart"] .trace.bars .point path').first
    bar.wait_for()
    bar.scroll_into_view_if_needed()  # a person scrolls to the chart first (below the fold)
    # Where a person clicks: plotly's drag layer lies over the bars and takes the click.
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    person.clicks += 1
    wait_rendered(page)
    assert person.clicks <= MAX_CLICKS
    heading = page.locator('[data-testid="stMain"]').get_by_text(re.compile("^Arrondissement : "))
    heading.first.wait_for()
    text = _main(page)
    match = re.search(r"Arrondissement : ([^\n—]+?) — (\d+) lignes?", text)
    assert match, text[-800:]
    name, count = match[1].strip(), int(match[2])
    with connect_read_only(demo_db) as con:
        rows = layer.rows_behind(
            con,
            Question(("orders_awarded",), ("arrondissement",)),
            dt.date.today(),
            "orders_awarded",
            {"arrondissement": name},
        )
    assert count == len(rows) > 0


def test_a_named_view_reopens_from_its_link_in_a_new_browser(app_server, offline_page, browser):
    page, _ = offline_page
    person = Person(
        page, app_server.url + "/explorer?mesures=adhesion_rate&par=arrondissement&quand=2023"
    )
    assert "au 31/12/2023" in _main(page)
    person.click(page.get_by_text("Enregistrer cette question comme vue"))
    page.get_by_label("Nom de la vue").fill("Adhésions fin 2023")
    person.click(page.get_by_role("button", name="Enregistrer", exact=True))
    wait_rendered(page, "Vue « Adhésions fin 2023 » enregistrée")
    page.reload()
    wait_rendered(page)
    person.click(page.get_by_text(re.compile(r"^Vues enregistrées")))
    link = page.get_by_role("link", name="Adhésions fin 2023")
    href = link.get_attribute("href")
    assert href and "mesures=adhesion_rate" in href
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
    try:
        other = context.new_page()
        other.goto(href if href.startswith("http") else f"{app_server.url}/{href.lstrip('/')}")
        wait_rendered(other)
        heading = other.locator('[data-testid="stMain"] h3').first.inner_text()
        assert heading.startswith("Taux d'adhésion par arrondissement, au 31/12/2023")
    finally:
        context.close()
