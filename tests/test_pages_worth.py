"""Competition gain and outreach funnel on the overview and the commune page (AppTest)."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.config import REPO_ROOT
from centrale.datasets import competition, outreach, worth
from tests.conftest import PRESS_DAY
from tests.kpi_cards import shown as kpi_shown
from tests.plotly_spec import figures

OVERVIEW = str(REPO_ROOT / "pages" / "overview.py")
COMMUNE = str(REPO_ROOT / "pages" / "commune.py")


def run(page: str, day: dt.date, nis: str | None = None) -> AppTest:
    at = AppTest.from_file(page, default_timeout=90)
    at.session_state["shared_as_of"] = day
    if nis:
        at.query_params["nis"] = nis
    at.run()
    assert not at.exception, at.exception
    return at


def test_overview_shows_the_gain_and_the_funnel(app_env, con):
    at = run(OVERVIEW, PRESS_DAY)
    shown = kpi_shown(at)
    gain = competition.competition_gain_eur(con, PRESS_DAY)
    assert shown["Gain de la remise en concurrence"] == fmt.money(gain, 0)
    assert shown["Commandes mises en concurrence"] == "16 / 16"
    headings = [s.value for s in at.subheader]
    assert "Ce que la remise en concurrence a fait gagner aux communes" in headings
    assert "De la rencontre à la commande" in headings
    funnel = figures(at)["De la rencontre à la commande"]["data"][0]
    assert list(funnel["x"]) == [s["communes"] for s in outreach.funnel(con, PRESS_DAY)]
    assert list(funnel["x"])[:3] == [44, 34, 23]  # province, met (the meeting), adhered
    captions = " ".join(c.value for c in at.caption)
    assert "34 communes représentées, dont 11 par leur bourgmestre, 100 personnes" in captions


def test_commune_page_says_what_the_centrale_brought(app_env, con):
    at = run(COMMUNE, PRESS_DAY, "84009")
    shown = kpi_shown(at)
    expected = worth.commune_worth(con, "84009", PRESS_DAY)
    assert shown["Gain de la remise en concurrence"] == fmt.money(expected["gain_eur"], 0)
    assert shown["Jours gagnés face à une procédure classique"] == fmt.number(
        expected["days_saved"]
    )
    captions = [c.value for c in at.caption]
    assert "Procédure classique : 120 jours (estimation)" in captions
    # Its place in the funnel, from the funnel's own dates (adhesion: the press's first).
    place = outreach.place_sentence(outreach.commune_funnel(con, "84009", PRESS_DAY))
    assert place in captions
    assert place.startswith("Parcours : rencontrée le ") and "› adhérente le 21/01/2019 ›" in place
    # The assumption is adjustable: 60 days halves nothing but moves the days saved.
    at.number_input(key="commune_classic_days").set_value(60).run()
    assert not at.exception
    moved = worth.commune_worth(con, "84009", PRESS_DAY, 60)
    shown = kpi_shown(at)
    assert shown["Jours gagnés face à une procédure classique"] == fmt.number(moved["days_saved"])
    assert moved["days_saved"] == expected["days_saved"] - 60 * expected["orders"]
    assert "Procédure classique : 60 jours (estimation)" in [c.value for c in at.caption]


def test_a_commune_never_met_and_without_orders(app_env):
    at = run(COMMUNE, PRESS_DAY, "85024")  # Meix-devant-Virton: never met in the demo
    texts = " ".join(e.label for e in at.expander)
    assert "Rencontres avec la commune (0, jamais rencontrée)" in texts
    captions = [c.value for c in at.caption]
    assert "Parcours : jamais rencontrée › non adhérente › aucune commande attribuée" in captions


def test_orders_page_shows_head_to_head_with_offers(app_env, con):
    at = run(str(REPO_ROOT / "pages" / "orders.py"), PRESS_DAY)
    assert "Face-à-face des prestataires (offres reçues)" in [s.value for s in at.subheader]
    shown = next(d.value for d in at.dataframe if "price_win_rate" in d.value.columns)
    record = competition.provider_record(con, PRESS_DAY)
    assert shown["provider"].tolist() == record["provider"].tolist()
    assert shown["competitions"].sum() > shown["won"].sum()  # lost offers are shown too
