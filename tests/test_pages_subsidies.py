"""The "Subsides" page through AppTest, on the demo store."""

from __future__ import annotations

import datetime as dt

import duckdb
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.datasets import queries
from centrale.fmt import NBSP
from tests.conftest import PRESS_DAY
from tests.kpi_cards import cards, shown
from tests.plotly_spec import figures

PAGE = str(REPO_ROOT / "pages" / "subsidies.py")
SAMPLE_TODAY = dt.date(2026, 11, 24)  # the last day the demo data speaks of


def run_page(day: dt.date) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["shared_as_of"] = day
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return shown(at)


def test_press_day_shows_21_percent_for_2019(app_env):
    at = run_page(PRESS_DAY)
    (call,) = at.selectbox
    assert call.value == 2019
    assert call.options == ["Appel à projets 2019"]
    shown = metrics(at)
    assert shown["Part de la province"] == f"21{NBSP}%"
    assert shown["Montant pour la province"] == f"840{NBSP}000{NBSP}€"  # of 4 000 000 €
    # RTBF: 10 laureates of the province plus the joint IDELUX–BEP project.
    assert shown["Projets dans la province"] == "11"


def test_province_table_and_charts_for_2019(app_env):
    at = run_page(PRESS_DAY)
    provinces = at.dataframe[0].value
    assert len(provinces) == 5  # the Walloon provinces with projects in 2019
    luxembourg = provinces[provinces["province"] == "Province du Luxembourg"].iloc[0]
    assert round(luxembourg["share"], 4) == 0.21
    shown = figures(at)
    share = shown["Part de la province dans le subside régional, par appel"]["data"][0]
    assert share["x"] == ["2019"]  # the later calls are not known yet on 31/01/2020
    assert share["text"] == [f"21{NBSP}%"]
    assert "Montant accordé par province — appel à projets 2019" in shown
    projects = at.dataframe[1].value
    assert projects["amount_eur"].sum() == 840_000


def test_the_reference_date_moves_the_call_and_a_picked_call_sticks(app_env, demo_db):
    at = run_page(SAMPLE_TODAY)
    # The public record: the 2019 call, the 2023 call and its 2024 second phase; no 2021 call.
    assert at.selectbox[0].value == 2024
    assert [o[-4:] for o in at.selectbox[0].options] == ["2019", "2023", "2024"]
    with duckdb.connect(str(demo_db), read_only=True) as con:
        share_2024 = queries.province_subsidy_share(con, 2024)
    assert metrics(at)["Part de la province"] == f"{round(share_2024 * 100)}{NBSP}%"
    at.selectbox[0].set_value(2019).run()
    assert not at.exception
    assert metrics(at)["Part de la province"] == f"21{NBSP}%"
    at.run()  # a rerun keeps the picked call
    assert at.selectbox[0].value == 2019
    at.session_state["shared_as_of"] = PRESS_DAY
    at.run()
    assert at.selectbox[0].value == 2019


def test_small_map_of_subsidy_per_inhabitant(app_env):
    at = run_page(PRESS_DAY)
    maps = [f for f in figures(at).values() if f["data"][0]["type"] == "choroplethmap"]
    (subsidy_map,) = maps
    assert subsidy_map["layout"]["map"]["style"] == "white-bg"  # no tiles, no network
    locations = [nis for trace in subsidy_map["data"] for nis in trace["locations"]]
    assert len(locations) == 44
    communes = at.dataframe[2].value
    arlon = communes[communes["name_fr"] == "Arlon"].iloc[0]
    assert arlon["amount_eur"] == 150_000
    assert round(arlon["amount_per_inhabitant"], 2) == round(150_000 / arlon["population"], 2)


def test_before_any_call_explains_in_french(app_env):
    at = run_page(dt.date(2018, 6, 1))
    assert [i.value for i in at.info] == ["Aucun appel à projets régional au 01/06/2018."]
    assert not cards(at)
