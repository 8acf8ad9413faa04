"""No English size or tooltip left in a real browser, shim on (the review of issue 21):
the file uploader wrote « 5.5KB » / « 200MB » (Historique writes « 0,8 ko ») and charts'
modebar full-screen button, which Streamlit adds to plotly's, said « Fullscreen » in its
tooltip (`data-title`). Checked where a person meets them: the survey import tab with an
export chosen, and a page of charts; visible text, aria-label, title and data-title.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import VIEWPORT, send_survey_export, wait_rendered
from tests.survey_exports import ms_forms_rows, workbook_bytes

pytestmark = pytest.mark.browser

# Every string of the page: text nodes and the attributes a tooltip or a screen reader
# reads. Plotly's SVG text is the figures' own (French, built in Python): left out.
COLLECT = """() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest("script, style, noscript, svg")) continue;
        const text = node.data.trim();
        if (text) found.push(text);
    }
    for (const name of ["aria-label", "title", "data-title"]) {
        for (const el of document.querySelectorAll("[" + name + "]")) {
            const text = (el.getAttribute(name) || "").trim();
            if (text) found.push(name + "=" + text);
        }
    }
    return found;
}"""
ENGLISH_SIZE = re.compile(r"\d(?:\.\d+)?\s?(?:B|KB|MB|GB)\b")
ENGLISH_WORDS = ("Fullscreen", "Close fullscreen", "Add files", "per file")


def english(strings: list[str]) -> list[str]:
    return sorted(
        {s for s in strings if ENGLISH_SIZE.search(s) or any(w in s for w in ENGLISH_WORDS)}
    )


@pytest.fixture
def page(app_server, browser):
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.goto(app_server.url)
    wait_rendered(page)
    yield page
    context.close()


def wait_for_strings(page, predicate, what: str) -> list[str]:
    """The page's strings once `predicate` holds for them (the shim runs on the next
    animation frame after Streamlit draws): a poll with a deadline."""
    strings: list[str] = []
    for _ in range(60):
        strings = page.evaluate(COLLECT)
        if predicate(strings):
            return strings
        page.wait_for_timeout(250)
    raise AssertionError(f"{what} : {english(strings) or strings[:40]}")


def test_import_tab_says_sizes_in_french(page, app_server, tmp_path):
    path = tmp_path / "Enquête besoins(1-4).xlsx"
    path.write_bytes(workbook_bytes({"Form1": ms_forms_rows()}))
    send_survey_export(page, app_server.url, path)
    # The chosen file's size, as the Historique page writes sizes (« 5,5 ko »).
    strings = wait_for_strings(
        page,
        lambda found: (
            any(re.fullmatch(r"\d+(,\d)?\u00a0ko", s) for s in found) and not english(found)
        ),
        "taille anglaise dans l'onglet Importer",
    )
    assert any(s.startswith(f"aria-label={path.name}, ") and s.endswith("ko") for s in strings)
    assert not english(strings)


def test_chart_tooltips_are_french(page, app_server):
    page.goto(f"{app_server.url}/overview")
    wait_rendered(page)
    page.locator(".modebar-btn").first.wait_for(state="attached")
    strings = wait_for_strings(
        page,
        lambda found: "data-title=Plein écran" in found and not english(found),
        "infobulle anglaise sur un graphique",
    )
    assert "data-title=Télécharger le graphique en PNG" in strings  # plotly's own, French
    assert not english(strings)
