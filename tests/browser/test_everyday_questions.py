"""The everyday questions in three clicks, views that travel, a typed date that applies.

A `Person` clicks like someone at the screen: from the landing page (`/`, today),
every click is counted (typing and Enter are not clicks). Each answer is read
on screen, or from the Excel file of the table showing it (Streamlit draws tables
on a canvas), and compared with the core's own figure on the same store.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest

from centrale import fmt, periods
from centrale.datasets import queries
from centrale.storage.store import connect_read_only
from tests.browser.conftest import VIEWPORT, assert_no_error_box, wait_rendered

pytestmark = pytest.mark.browser

MAX_CLICKS = 3


class Person:
    """Clicks, types and downloads on `page`, counting the clicks."""

    def __init__(self, page, url: str):
        self.page = page
        self.clicks = 0
        page.goto(url)
        wait_rendered(page)

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1
        wait_rendered(self.page)

    def nav(self, title: str) -> None:
        self.click(self.page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True))

    def choose(self, label: str) -> None:
        """One segment of a segmented control (the period), by its text."""
        self.click(self.page.get_by_role("radio", name=label, exact=True))

    def download(self, locator) -> openpyxl.Workbook:
        with self.page.expect_download() as info:
            locator.click()
        self.clicks += 1
        return openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))

    def metric(self, label: str) -> str:
        card = self.page.locator(".centrale-kpi").filter(has_text=label).first
        return card.locator(".centrale-kpi-value").inner_text().strip()


def _rows(book: openpyxl.Workbook) -> list[dict]:
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def _today() -> dt.date:
    return dt.date.today()


def test_median_delay_this_year(app_server, offline_page, demo_db):
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.choose("Cette année")
    assert person.clicks <= MAX_CLICKS
    this_year = periods.make("this_year", _today())
    with connect_read_only(demo_db) as con:
        expected = queries.period_figures(con, _today(), *this_year.bounds)
    assert person.metric("Délai médian") == fmt.days(expected["median_award_days"], 1)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert f"Période : {this_year.label}" in main
    assert fmt.count(expected["orders_late"], "commande en retard", "commandes en retard") in main
    assert_no_error_box(page, app_server)


def test_orders_of_2023_listed_and_exported(app_server, offline_page, demo_db):
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.nav("Commandes et prestataires")
    person.choose("2023")
    page.get_by_text("Commandes envoyées en 2023").wait_for()
    book = person.download(page.locator(".st-key-orders_all_xlsx button"))
    assert person.clicks <= MAX_CLICKS
    with connect_read_only(demo_db) as con:
        expected = queries.orders_table(
            con, _today(), since=dt.date(2023, 1, 1), until=dt.date(2023, 12, 31)
        )
    rows = _rows(book)
    assert [r["N° de commande"] for r in rows] == list(expected["order_id"])
    assert all(r["Envoi du bon de commande"].year == 2023 for r in rows)
    assert "Commandée par" in rows[0]
    assert person.metric("Bons de commande envoyés") == fmt.number(len(expected))
    assert "periode=2023" in page.url


def test_members_without_an_order(app_server, offline_page, demo_db):
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.click(page.get_by_role("tab", name="Adhérentes sans commande"))
    panel = page.get_by_role("tabpanel").filter(has_text="sans aucune commande")
    book = person.download(panel.locator(".st-key-overview_idle_xlsx button"))
    assert person.clicks <= MAX_CLICKS
    with connect_read_only(demo_db) as con:
        expected = queries.members_without_order(con, _today())
    assert [r["Commune"] for r in _rows(book)] == list(expected["name_fr"])
    assert (
        fmt.count(len(expected), "commune adhérente", "communes adhérentes") in panel.inner_text()
    )


def test_population_covered_by_each_solution(app_server, offline_page, demo_db):
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.click(page.get_by_role("tab", name="Population couverte par solution"))
    book = person.download(page.locator(".st-key-overview_coverage_xlsx button"))
    assert person.clicks <= MAX_CLICKS
    with connect_read_only(demo_db) as con:
        expected = queries.coverage_by_solution(con, _today())
    rows = {r["Solution"]: r for r in _rows(book)}
    for row in expected.itertuples():
        assert rows[row.solution]["Population couverte"] == row.population
        assert rows[row.solution]["Part couverte"] == pytest.approx(row.population_share)


def test_peers_of_martelange_with_a_mobile_app(app_server, offline_page, demo_db):
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.nav("Commune")
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Commune")
    person.click(box.locator("input"))
    page.keyboard.type("Martelange")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"nis=81013"))
    wait_rendered(page, "Comparaison avec des communes semblables")
    book = person.download(page.locator(".st-key-commune_peers_excel button"))
    assert person.clicks <= MAX_CLICKS
    with connect_read_only(demo_db) as con:
        uptake = queries.peer_uptake(con, "81013", _today()).set_index("solution")
    app = "Application mobile communale"
    rows = {r["Solution"]: r for r in _rows(book)}
    names = rows[app]["Communes semblables qui l'ont"]
    assert names == uptake.loc[app, "similar_names"] and names  # names, not a share
    assert_no_error_box(page, app_server)


# --- Views that travel -------------------------------------------------------------


def _fresh_session(browser, url: str):
    """A new browser session (no cookie, no Streamlit session) opened on `url`."""
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE")
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.goto(url)
    wait_rendered(page)
    return context, page


def _wait_situation(page, text: str) -> None:
    """Wait until the page's visible caption says `text` ("Situation au 30 juin 2024"):
    a hidden print-only header repeats it, so plain text matching is not enough."""
    wait_rendered(page)
    page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').filter(
        has_text=text
    ).first.wait_for(state="visible")


def _typed_date(page) -> str:
    return page.locator('[data-testid="stSidebar"] input[aria-label="Situation au"]').input_value()


def test_a_shared_link_reproduces_the_map_view(app_server, offline_page, browser):
    page, _ = offline_page
    person = Person(page, f"{app_server.url}/map")
    field = page.locator('[data-testid="stSidebar"] input[aria-label="Situation au"]')
    field.fill("30/06/2024")
    field.press("Enter")
    _wait_situation(page, "Situation au 30 juin 2024")
    solutions = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
    solutions.locator("input").click()
    page.keyboard.type("Application mobile")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_rendered(page, "Solutions : Application mobile communale")
    person.click(page.get_by_text("Montant commandé (HTVA)", exact=True))
    query = parse_qs(urlparse(page.url).query)
    assert query["date"] == ["2024-06-30"]
    assert query["solutions"] == ["APPLI"]
    assert query["indicateur"] == ["amount"]

    context, other = _fresh_session(browser, page.url)
    try:
        assert _typed_date(other) == "30/06/2024"
        main = other.locator('[data-testid="stMain"]').inner_text()
        assert "Situation au 30 juin 2024 · Solutions : Application mobile communale" in main
        checked = other.locator('[data-testid="stRadio"] input:checked').first
        assert checked.evaluate("e => e.closest('label').innerText").strip() == (
            "Montant commandé (HTVA)"
        )
        assert (
            "Application mobile communale"
            in other.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').inner_text()
        )
    finally:
        context.close()


def test_a_shared_link_reproduces_period_survey_and_commune(app_server, browser):
    base = app_server.url
    # The orders of 2023 seen on 30/06/2024, the 2022 survey, Martelange's page.
    cases = {
        f"{base}/orders?date=2024-06-30&periode=2023": "Commandes envoyées en 2023",
        f"{base}/survey?date=2026-11-24&enquete=2022": "2022",
        f"{base}/commune?date=2020-01-31&nis=81013": "Martelange",
    }
    for url, expected in cases.items():
        context, page = _fresh_session(browser, url)
        try:
            main = page.locator('[data-testid="stMain"]')
            if "/orders" in url:
                main.get_by_text(expected).wait_for()
                assert (
                    page.get_by_role("radio", name="2023", exact=True).get_attribute("aria-checked")
                    == "true"
                )
                assert _typed_date(page) == "30/06/2024"
            elif "/survey" in url:
                box = page.locator(".st-key-survey_year")
                shown = box.text_content() + " " + box.locator("input").input_value()
                assert expected in shown, shown
                assert "Enquête 2022" in main.inner_text()  # the campaign tab follows it
            else:
                assert page.locator("h2").first.inner_text().strip() == expected
                assert "Situation au 31 janvier 2020" in main.inner_text()
            # The address still says the same after the page has run.
            assert (
                parse_qs(urlparse(page.url).query).items() >= parse_qs(urlparse(url).query).items()
            )
        finally:
            context.close()


# --- A typed date --------------------------------------------------------------------


def test_typed_date_applies_on_enter(app_server, offline_page):
    page, _ = offline_page
    Person(page, app_server.url)
    field = page.locator('[data-testid="stSidebar"] input[aria-label="Situation au"]')
    field.fill("31/01/2020")
    field.press("Enter")
    _wait_situation(page, "Situation au 31 janvier 2020")
    assert "date=2020-01-31" in page.url
    figures = " ".join(page.locator(".centrale-kpi").all_inner_texts())
    assert re.search(r"\b23\b", figures) and re.search(r"\b44\b", figures), figures


def test_typed_date_never_swallows_the_next_click(app_server, offline_page):
    page, _ = offline_page
    person = Person(page, app_server.url)
    field = page.locator('[data-testid="stSidebar"] input[aria-label="Situation au"]')
    field.fill("30/06/2024")  # no Enter: the next click takes the focus away
    person.choose("2023")
    _wait_situation(page, "Situation au 30 juin 2024")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Commandes — en 2023").wait_for()  # the click counted too
    assert "date=2024-06-30" in page.url and "periode=2023" in page.url


def test_a_wrong_date_is_explained_in_french(app_server, offline_page):
    page, _ = offline_page
    Person(page, app_server.url)
    field = page.locator('[data-testid="stSidebar"] input[aria-label="Situation au"]')
    field.fill("31/02/2020")
    field.press("Enter")
    wait_rendered(page, "n'est pas une date")
    assert "tapez-la comme 31/01/2020" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert_no_error_box(page, app_server)
