"""The "Vue d'ensemble" page through AppTest, on the demo store."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.fmt import NBSP
from tests.conftest import PRESS_DAY
from tests.kpi_cards import cards
from tests.plotly_spec import figures

PAGE = str(REPO_ROOT / "pages" / "overview.py")
SAMPLE_TODAY = dt.date(2026, 11, 24)  # the last day the demo data speaks of


def run_page(day: dt.date, solutions=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["shared_as_of"] = day
    if solutions:
        at.session_state["shared_solutions"] = list(solutions)
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {c.label: (c.value, c.delta) for c in cards(at)}


def charts(at: AppTest) -> dict[str, dict]:
    return figures(at)


def test_press_day_figures(app_env):
    shown = metrics(run_page(PRESS_DAY))
    assert shown["Communes adhérentes"] == ("23 / 44", "+22")  # 1 commune on 31/01/2019
    assert shown["Commandes attribuées"] == ("16", "+16")
    assert shown["Délai médian"][0] == f"15,0{NBSP}jours"
    assert shown["Dans les 20 jours"][0] == f"94{NBSP}%"  # 15 of 16
    assert shown["Part du subside régional"][0] == f"21{NBSP}%"


def test_press_day_captions_and_charts(app_env):
    at = run_page(PRESS_DAY)
    captions = [c.value for c in at.caption]
    assert "Situation au 31 janvier 2020" in captions
    assert f"Au 31/01/2020 : 52{NBSP}% des communes de la province" in captions
    assert "Appel à projets 2019" in captions
    figures = charts(at)
    assert set(figures) == {
        "Communes adhérentes (cumul)",
        "Commandes par mois",
        "Commandes par solution",
        "Gain de la remise en concurrence, par année",
        "De la rencontre à la commande",
    }
    curve = figures["Communes adhérentes (cumul)"]["data"]
    assert curve[0]["y"][-1] == 44 and curve[1]["y"][-1] == 23  # ceiling, members
    monthly = figures["Commandes par mois"]["data"]
    assert sum(monthly[1]["y"]) == 16  # awards by month add up to the KPI


def test_the_reference_date_changes_the_figures(app_env):
    shown = metrics(run_page(SAMPLE_TODAY))
    assert shown["Communes adhérentes"][0] == "35 / 43"  # 43 after the 2024 merger
    assert shown["Commandes attribuées"][0] == "77"
    curve = charts(run_page(SAMPLE_TODAY))["Communes adhérentes (cumul)"]["data"]
    assert curve[0]["y"][-1] == 43


def test_solution_filter_applies_to_the_order_charts_only(app_env):
    at = run_page(PRESS_DAY, solutions=["REPAS"])
    assert metrics(at)["Commandes attribuées"][0] == "16"  # KPIs stay global
    by_solution = charts(at)["Commandes par solution"]["data"][0]
    assert by_solution["y"] == ["Repas scolaires et accueil extrascolaire"]
    assert by_solution["x"] == [4]
    assert any("Repas scolaires" in c.value for c in at.caption)


def test_before_any_adhesion_explains_instead_of_blank_charts(app_env):
    at = run_page(dt.date(2019, 1, 5))
    infos = [i.value for i in at.info]
    assert "Aucune commune n'a encore adhéré à la centrale à cette date." in infos
    assert "Aucune commande à cette date." in infos
    # Only the funnel, which is not blank: 34 communes were met at the 2018 meeting.
    assert [c.key for c in at.get("plotly_chart")] == ["worth_funnel"]
    assert metrics(at)["Communes adhérentes"] == ("0 / 44", "")


def test_orders_by_solution_lists_only_the_solutions_existing_at_the_date(app_env):
    # January 2020: the first catalogue (1.0) only; the 2.0 solutions (Éclairage public
    # intelligent…) get their framework agreements in 2023 and are no bar at zero here.
    from centrale.datasets import queries
    from centrale.storage.store import connect_read_only

    with connect_read_only(app_env) as con:
        existing = con.execute(
            "SELECT name_fr, catalogue FROM solutions_at(?)", [PRESS_DAY]
        ).fetchall()
        coverage = queries.coverage_by_solution(con, PRESS_DAY)
        later = queries.orders_by_solution(con, dt.date(2023, 6, 1))
    assert {c for _, c in existing} == {"1.0"} and len(existing) == 10
    at = run_page(PRESS_DAY)
    bars = charts(at)["Commandes par solution"]["data"]
    shown = {name for trace in bars for name in trace["y"]}
    assert shown == {name for name, _ in existing}
    assert "Éclairage public intelligent" not in shown
    assert set(coverage["solution"]) == shown  # « Population couverte » says the same
    assert "Éclairage public intelligent" in set(later["solution"])  # 2.0 signed in 2023
