"""The crossings managers ask for (centrale.datasets.queries), on the demo store, and on the
overview page: members without an order, non-members that answered a survey, the
population covered by each solution."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.datasets import queries, survey
from centrale.storage.store import connect_read_only
from tests.conftest import PRESS_DAY

TODAY = dt.date(2026, 11, 24)


def test_members_without_order_have_no_order_in_the_order_list(demo_db):
    with connect_read_only(demo_db) as con:
        idle = queries.members_without_order(con, TODAY)
        status = queries.commune_status(con, TODAY)
        orders = queries.orders_table(con, TODAY)
    members = set(status.loc[status["adhesion_status"] == "adhérente", "nis_code"])
    ordering = set(orders.loc[orders["status"] != "annulé", "commune_nis"])
    assert set(idle["nis_code"]) == members - ordering
    assert list(idle["name_fr"])[:2] == ["Herbeumont", "La Roche-en-Ardenne"]  # oldest first


def test_non_members_who_answered_are_not_members_and_did_answer(demo_db):
    with connect_read_only(demo_db) as con:
        answered = queries.non_members_who_answered(con, TODAY)
        press = queries.non_members_who_answered(con, PRESS_DAY)
        campaign_2017 = survey.campaign_status(con, 2017, PRESS_DAY)
    assert len(answered) == 8
    # On the press day the only survey is the summer-2017 one: the non-members who
    # answered it, the same communes the survey page counts.
    expected = campaign_2017.loc[~campaign_2017["member"] & campaign_2017["answered"], "nis_code"]
    assert set(press["nis_code"]) == set(expected) and len(press) > 0
    assert set(press["last_survey_year"]) == {2017}
    assert (answered["adhesion_status"] != "adhérente").all()
    assert {"Erezée", "Tellin"} <= set(answered["name_fr"])  # Tellin withdrew


def test_population_covered_adds_up_the_communes_that_took_each_solution(demo_db):
    with connect_read_only(demo_db) as con:
        coverage = queries.coverage_by_solution(con, TODAY).set_index("solution_id")
        communes = queries.communes_list(con, TODAY).set_index("name_fr")
    appli = coverage.loc["APPLI"]
    names = appli["commune_names"].split(", ")
    assert len(names) == appli["communes"] == 6
    assert communes.loc[names, "population"].sum() == appli["population"]
    assert appli["population_share"] == appli["population"] / communes["population"].sum()
    assert coverage.loc["AFFICHAGE", "communes"] == 1


def test_overview_shows_the_three_crossings(app_env):
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "overview.py"), default_timeout=60)
    at.session_state["shared_as_of"] = TODAY
    at.run()
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == [
        "Adhérentes sans commande",
        "Non adhérentes ayant répondu",
        "Population couverte par solution",
    ]
    idle, answered, coverage = (t.dataframe[0].value for t in at.tabs)
    assert "Herbeumont" in set(idle["name_fr"])
    assert "Erezée" in set(answered["name_fr"])
    assert coverage["population_share"].max() > 0.4  # REPAS: ~48 % of the province
