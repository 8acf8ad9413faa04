"""The "Carte" page through AppTest, on the demo store."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from tests.conftest import PRESS_DAY, SAMPLE_DIR
from tests.survey_fixtures import tiny_settings

MAP_PAGE = str(REPO_ROOT / "pages" / "map.py")


def run_map(day: dt.date, metric: str | None = None, solutions=None) -> AppTest:
    at = AppTest.from_file(MAP_PAGE, default_timeout=60)
    at.session_state["shared_as_of"] = day
    if solutions:
        at.session_state["shared_solutions"] = list(solutions)
    if metric:
        at.session_state["map_metric"] = metric
    at.run()
    assert not at.exception, at.exception
    return at


def map_spec(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def legend(spec: dict) -> list[str]:
    """The map's legend entries (its marks' traces have none)."""
    return [t["name"] for t in spec["data"] if t.get("showlegend", True)]


def table(at: AppTest):
    return at.dataframe[0].value


def test_press_day_map(app_env):
    at = run_map(PRESS_DAY)
    spec = map_spec(at)
    # Communes as polygons, their status also as a mark (readable without colour).
    assert {t["type"] for t in spec["data"]} == {"choroplethmap", "scattermap"}
    assert spec["layout"]["map"]["style"] == "white-bg"
    assert legend(spec) == ["● adhérente (23)", "non adhérente (21), sans marque"]
    assert len(table(at)) == 44
    assert at.radio[0].options == [
        "Statut d'adhésion",
        "Nombre de solutions commandées",
        "Montant commandé (HTVA)",
        "Montant commandé par habitant (HTVA)",
        "Réponse à l'enquête des besoins",
    ]
    assert at.selectbox(key="map_commune").value is None
    assert "Bertrix" in at.selectbox(key="map_commune").options


@pytest.mark.parametrize("metric", ["solutions", "amount", "per_inhabitant", "survey"])
def test_every_metric_renders(app_env, metric):
    at = run_map(dt.date(2020, 6, 30), metric)
    spec = map_spec(at)
    assert spec["data"], metric
    assert len(table(at)) == 44


def test_survey_on_press_day_is_the_2017_one(app_env):
    # The latest survey on 31/01/2020 is the summer-2017 one (queries.default_survey_year).
    at = run_map(PRESS_DAY, "survey")
    survey = pd.read_excel(SAMPLE_DIR / "survey.xlsx", dtype={"commune": str})
    answered = survey.loc[survey["année"] == 2017, "commune"].nunique()
    names = legend(map_spec(at))
    assert names == [f"● a répondu ({answered})", f"n'a pas répondu ({44 - answered}), sans marque"]


def test_survey_before_the_first_campaign_is_explained(tmp_path, monkeypatch):
    config = tiny_settings(tmp_path)  # its first campaign is sent on 01/03/2022
    monkeypatch.setenv("CENTRALE_DB", str(config.db_path))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    at = run_map(dt.date(2021, 6, 1), "survey")
    assert any("Aucune enquête des besoins" in i.value for i in at.info)
    assert legend(map_spec(at)) == ["· pas de données (44)"]


def test_solutions_ordered_on_press_day(app_env):
    at = run_map(PRESS_DAY, "solutions")
    values = dict(zip(table(at)["name_fr"], table(at)["solutions_ordered"]))
    assert values["Bertrix"] == 4
    assert values["Daverdisse"] == 2
    # A solution is taken once its order form is sent (centrale.domain.TAKEN_STATUSES):
    # the 16 awarded orders, each a different solution here, and Paliseul's e-guichet
    # sent on the day and not yet awarded.
    assert values["Paliseul"] == 1
    assert sum(values.values()) == 17


def test_solution_filter_limits_the_order_metrics(app_env):
    at = run_map(PRESS_DAY, "solutions", solutions=["APPLI"])
    values = dict(zip(table(at)["name_fr"], table(at)["solutions_ordered"]))
    assert {name for name, v in values.items() if v} == {"Bertrix", "Martelange"}
    assert any("solutions choisies" in c.value for c in at.caption)


def test_map_follows_the_date(app_env):
    at = run_map(PRESS_DAY)
    at.session_state["shared_as_of"] = dt.date(2024, 12, 2)  # after Bertogne's merger
    at.run()
    assert not at.exception
    assert len(table(at)) == 43
    assert "Bertogne" not in at.selectbox(key="map_commune").options
    assert legend(map_spec(at)) != ["● adhérente (23)", "non adhérente (21), sans marque"]


def test_old_name_of_a_merged_commune_is_searchable(app_env):
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "commune.py"), default_timeout=60)
    at.session_state["shared_as_of"] = dt.date(2026, 11, 24)
    at.run()
    box = at.selectbox(key="commune_nis")
    assert "Bertogne → Bastogne (fusion du 02/12/2024) (82005)" in box.options
    box.set_value("82005").run()
    assert not at.exception, at.exception
    shown = " ".join(i.value for i in at.info)
    assert "**Bertogne** a fusionné avec **Bastogne** le 02/12/2024" in shown
    assert at.button(key="commune_successor").label == "Voir la fiche de Bastogne"
