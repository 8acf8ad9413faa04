"""The competition gain and the funnel, as a person sees them in chromium, network cut.

The figures on screen are compared with the core's own on the same store; the
funnel must be drawn (its plotly trace is in the page's SVG).
"""

from __future__ import annotations

import pytest

from centrale import fmt
from centrale.datasets import competition, outreach, worth
from centrale.storage.store import connect_read_only
from tests.browser.conftest import assert_no_error_box, wait_rendered

pytestmark = pytest.mark.browser

PRESS_DAY = "2020-01-31"


def _metric(page, label: str) -> str:
    card = page.locator(".centrale-kpi").filter(has_text=label).first
    return card.locator(".centrale-kpi-value").inner_text().strip()


def _same(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_overview_shows_the_gain_and_the_funnel(app_server, offline_page, demo_db, tmp_path):
    import datetime as dt

    day = dt.date.fromisoformat(PRESS_DAY)
    with connect_read_only(demo_db) as con:
        gain = competition.competition_gain_eur(con, day)
        steps = outreach.funnel(con, day)
    page, _ = offline_page
    page.goto(f"{app_server.url}/?date={PRESS_DAY}")
    wait_rendered(page, "De la rencontre à la commande")
    assert_no_error_box(page, app_server)
    assert _same(_metric(page, "Gain de la remise en concurrence")) == _same(fmt.money(gain, 0))
    funnel = page.locator('[data-testid="stPlotlyChart"]:has(g.funnellayer)').first
    funnel.scroll_into_view_if_needed()
    funnel.locator("g.funnellayer text").first.wait_for(state="attached")
    texts = funnel.locator("g.funnellayer text").all_text_contents()
    assert [t.split(" ")[0] for t in texts] == [str(s["communes"]) for s in steps]
    assert "De la rencontre à la commande" in funnel.text_content()
    body = _same(page.locator('[data-testid="stMain"]').inner_text())
    assert "34 communes représentées, dont 11 par leur bourgmestre, 100 personnes" in body
    funnel.screenshot(path=tmp_path / "vue-ensemble-entonnoir.png")
    page.get_by_text(
        "Ce que la remise en concurrence a fait gagner aux communes"
    ).first.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "vue-ensemble-gain.png")


def test_commune_page_gain_and_adjustable_assumption(app_server, offline_page, demo_db, tmp_path):
    import datetime as dt

    day = dt.date.fromisoformat(PRESS_DAY)
    with connect_read_only(demo_db) as con:
        default = worth.commune_worth(con, "84009", day)
        shorter = worth.commune_worth(con, "84009", day, 60)
        place = outreach.place_sentence(outreach.commune_funnel(con, "84009", day))
    page, _ = offline_page
    page.goto(f"{app_server.url}/commune?nis=84009&date={PRESS_DAY}")
    wait_rendered(page, "Ce que la centrale a apporté à la commune")
    assert_no_error_box(page, app_server)
    assert _same(_metric(page, "Gain de la remise en concurrence")) == _same(
        fmt.money(default["gain_eur"], 0)
    )
    saved = "Jours gagnés face à une procédure classique"
    assert _same(_metric(page, saved)) == _same(fmt.number(default["days_saved"]))
    # Its place in the funnel, the dates as the core gives them.
    assert place.startswith("Parcours : rencontrée le ")
    assert place in _same(page.locator("section.main, [data-testid='stMain']").first.inner_text())
    field = page.get_by_label("Hypothèse : durée d'une procédure classique (jours)", exact=True)
    field.fill("60")
    field.press("Enter")
    wait_rendered(page, "Procédure classique : 60 jours (estimation)")
    assert _same(_metric(page, saved)) == _same(fmt.number(shorter["days_saved"]))
    page.get_by_text("Ce que la centrale a apporté à la commune").first.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "commune-apport.png")
