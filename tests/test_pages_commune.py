"""The "Commune" page through AppTest, on the demo store."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.config import REPO_ROOT
from tests.conftest import PRESS_DAY
from tests.kpi_cards import shown
from tests.sample_figures import awarded_amount

COMMUNE_PAGE = str(REPO_ROOT / "pages" / "commune.py")
BERTRIX_ORDERS = ["CA-2019-014", "CA-2019-008", "CA-2019-003", "CA-2019-001"]


def run_commune(day: dt.date, nis: str | None = None) -> AppTest:
    at = AppTest.from_file(COMMUNE_PAGE, default_timeout=60)
    at.session_state["shared_as_of"] = day
    if nis is not None:
        at.query_params["nis"] = nis
    at.run()
    assert not at.exception, at.exception
    return at


def orders_table(at: AppTest):
    return at.dataframe[0].value


def metrics(at: AppTest) -> dict[str, str]:
    return shown(at)


def test_bertrix_on_press_day_shows_its_four_orders(app_env):
    at = run_commune(PRESS_DAY, "84009")
    assert at.header[0].value == "Bertrix"
    assert list(orders_table(at)["order_id"]) == BERTRIX_ORDERS
    assert set(orders_table(at)["provider"]) >= {"Betterstreet", "Fluicity"}
    figures = metrics(at)
    assert figures["Adhésion"] == "Adhérente"
    assert figures["Commandes attribuées"] == "4"
    expected = awarded_amount("84009", "Bertrix", PRESS_DAY)
    assert figures["Montant attribué (HTVA)"] == fmt.money(expected, 0)
    assert at.selectbox(key="commune_nis").value == "84009"
    assert "ordered_by" not in orders_table(at).columns  # no merger: no "Commandée par"


def test_peers_and_arrondissement(app_env):
    at = run_commune(PRESS_DAY, "84009")
    peers = next(d.value for d in at.dataframe if "similar_share" in d.value.columns)
    # Bertrix took 4 solutions; the table has one row per solution on offer.
    assert (peers["taken"] == "✔ commandée").sum() == 4
    assert peers["similar_share"].between(0, 1).all()
    assert any("6 communes semblables" in m.value for m in at.markdown)
    assert any("l'arrondissement de Neufchâteau" in m.value for m in at.markdown)
    # The rule is said in one sentence, and the peers are named.
    rule = next(c.value for c in at.caption if c.value.startswith("Communes semblables"))
    rule = rule.replace("\\", "")  # names go through plain(): shown without the escapes
    assert "celle de Bertrix" in rule and "Libramont-Chevigny" in rule
    # Who took each solution, by name (shares alone do not say which peers).
    names = ", ".join(peers["similar_names"])
    assert "Libramont-Chevigny" in names or "Virton" in names


def test_page_follows_the_date(app_env):
    at = run_commune(PRESS_DAY, "84009")
    at.session_state["shared_as_of"] = dt.date(2019, 2, 15)  # first order sent, not awarded
    at.run()
    assert not at.exception
    assert list(orders_table(at)["order_id"]) == ["CA-2019-001"]
    assert list(orders_table(at)["status"]) == ["En cours d'attribution"]
    assert metrics(at)["Commandes attribuées"] == "0"


def test_select_box_changes_commune_and_address(app_env):
    at = run_commune(PRESS_DAY, "84009")
    at.selectbox(key="commune_nis").set_value("84077").run()
    assert not at.exception
    assert at.header[0].value == "Libramont-Chevigny"
    assert at.query_params["nis"] == ["84077"] or at.query_params["nis"] == "84077"


def test_unknown_code_is_explained_in_french(app_env):
    at = run_commune(PRESS_DAY, "99999")
    assert "« 99999 » ne correspond à aucune commune" in at.warning[0].value
    assert not at.header


def test_without_a_commune_the_page_asks_for_one(app_env):
    at = run_commune(PRESS_DAY)
    assert "Choisissez une commune" in at.info[0].value
    assert not at.dataframe


def test_merged_commune_points_to_its_successor(app_env):
    at = run_commune(dt.date(2025, 1, 31), "82005")
    assert "**Bertogne** a fusionné avec **Bastogne** le 02/12/2024" in at.info[0].value
    at.button(key="commune_successor").click().run()
    assert not at.exception
    assert at.header[0].value == "Bastogne"
    # Bertogne's adhesion and orders now count for Bastogne.
    assert any("Inclut Bertogne (82005)" in c.value for c in at.caption)
    # The orders table then says which commune ordered (Bertogne before the merger).
    assert "Bertogne" in set(orders_table(at)["ordered_by"])


def test_merged_commune_before_the_merger_is_itself(app_env):
    at = run_commune(PRESS_DAY, "82005")
    assert at.header[0].value == "Bertogne"
    assert metrics(at)["Adhésion"] == "Adhérente"


def test_a_merged_communes_survey_answers_keep_their_commune(app_env, demo_db):
    """Bastogne's survey years hold Bertogne's answers too (merged in December 2024): each line of
    a year says which commune answered, when and by whom, never one respondent for both."""
    from centrale.storage.store import connect_read_only

    with connect_read_only(demo_db) as con:
        answers = con.execute(
            """SELECT a.year, c.name_fr, a.submitted_on, a.respondent
               FROM survey_answers a JOIN communes c ON c.nis_code = a.commune_nis
               WHERE a.commune_nis IN ('82003', '82005')
               GROUP BY ALL ORDER BY a.year DESC"""
        ).fetchall()
    both = [y for y in {a[0] for a in answers} if len({a[1] for a in answers if a[0] == y}) == 2]
    assert both, "the demo has a year where Bastogne and Bertogne both answered"
    at = run_commune(dt.date(2026, 11, 24), "82003")
    year = max(both)
    tables = [d.value for d in at.dataframe if "answered_by" in d.value.columns]
    assert tables, "the survey tables name the answering commune"
    lines = next(c.value for c in at.caption if "Bertogne : réponse du" in c.value)
    for _, commune, submitted, respondent in (a for a in answers if a[0] == year):
        said = f"{commune} : réponse du {fmt.date(submitted)} par {respondent}"
        assert said in lines.replace("\\", "")
    habay = run_commune(dt.date(2026, 11, 24), "85046")  # no merger: unchanged
    assert not any("answered_by" in d.value.columns for d in habay.dataframe)
    assert any(c.value.startswith("Réponse du ") for c in habay.caption)
