"""The survey's reading: ranking, year-on-year change, conversion, shortlist, campaign.

Every expected figure below is worked out by hand from the fixture rows in
tests/survey_fixtures.py (a real store built from real files).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from centrale.datasets import survey
from centrale.storage.store import connect_read_only
from tests.survey_fixtures import (
    ARLON,
    ATTERT,
    AUBANGE,
    BASTOGNE,
    BERTOGNE,
    BERTRIX,
    POPULATION,
    SURVEY,
    tiny_settings,
)

END_2024 = dt.date(2024, 12, 31)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    config = tiny_settings(tmp_path_factory.mktemp("survey-analysis"))
    con = connect_read_only(config.db_path)
    yield con
    con.close()


@pytest.fixture(scope="module")
def answers_2024(store):
    return survey.survey_answers_at(store, END_2024)


def test_ranking_by_communes_and_priority_weighted_demand(answers_2024):
    ranked = survey.rank_needs(answers_2024, 2024, "communes")
    # CCC: Arlon (p1 = 3), Bertrix (p2 = 2), Aubange (no priority = 1) -> 3 communes, 6 points.
    # Capteurs: Arlon (p1 = 3) + Attert (p3 = 1), two spellings of one need -> 2, 4 points.
    # AAA, Drones, BBB: 1 commune each; AAA and Drones 3 points (Arlon's population wins
    # the tie), BBB 2 points.
    assert list(ranked["need"]) == [
        "Solution C",
        "Capteurs de stationnement",
        "Solution A",
        "Drones",
        "Solution B",
    ]
    assert list(ranked["communes"]) == [3, 2, 1, 1, 1]
    assert list(ranked["weighted_demand"]) == [6, 4, 3, 3, 2]
    ccc = ranked.iloc[0]
    assert ccc["members"] == 2  # Aubange has no adhesion
    assert ccc["population"] == POPULATION[ARLON] + POPULATION[BERTRIX] + POPULATION[AUBANGE]
    assert ccc["priority_mean"] == pytest.approx(1.5)  # (1 + 2) / 2, the blank one left out
    assert ccc["budget_eur"] == 5000 and ccc["budgets"] == 1
    assert ccc["share"] == pytest.approx(3 / 4)  # 4 communes answered in 2024

    by_weight = survey.rank_needs(answers_2024, 2024, "weighted_demand")
    assert list(by_weight["weighted_demand"]) == [6, 4, 3, 3, 2]
    by_population = survey.rank_needs(answers_2024, 2024, "population")
    assert by_population.iloc[0]["need"] == "Solution C"
    assert list(by_population["need"])[1:3] == ["Capteurs de stationnement", "Solution A"]
    with pytest.raises(ValueError):
        survey.rank_needs(answers_2024, 2024, "budget")


def test_covered_by_the_catalogue_in_force_on_the_date(store, answers_2024):
    ranked = survey.rank_needs(answers_2024, 2024).set_index("need")
    assert ranked.loc["Solution C", "status"] == survey.COVERED  # framework since 15/01/2023
    assert ranked.loc["Drones", "status"] == survey.NOT_COVERED
    # In 2022 Bertrix asked for "Solution C" by its name: not yet in the catalogue then.
    answers_2022 = survey.survey_answers_at(store, dt.date(2022, 12, 31))
    ranked_2022 = survey.rank_needs(answers_2022, 2022)
    assert list(ranked_2022["need_solution_id"]) == ["CCC"]
    assert not ranked_2022.iloc[0]["covered"]


def test_year_on_year_rising_falling_new(answers_2024):
    trends = survey.year_on_year(answers_2024, 2024).set_index("need")
    # 2023: AAA by Arlon and Attert, Capteurs by Arlon. 2022: CCC by Bertrix.
    assert trends.loc["Drones", "trend"] == "nouveau"
    assert trends.loc["Solution B", "trend"] == "nouveau"
    assert trends.loc["Solution C", ["communes", "communes_previous", "change"]].tolist() == [
        3,
        0,
        3,
    ]
    assert trends.loc["Solution C", "trend"] == "en hausse"  # asked in 2022, so not new
    assert trends.loc["Solution C", "first_year"] == 2022
    assert trends.loc["Capteurs de stationnement", "trend"] == "en hausse"
    assert trends.loc["Capteurs de stationnement", "change"] == 1
    assert trends.loc["Solution A", "trend"] == "en baisse"
    assert trends.loc["Solution A", "change"] == -1
    # Shares are of each year's respondents: 2 of 3 communes in 2023 (Aubange said none).
    assert trends.loc["Solution A", "share_previous"] == pytest.approx(2 / 3)
    assert list(trends["trend"]) == ["nouveau", "nouveau", "en hausse", "en hausse", "en baisse"]


def test_first_survey_has_nothing_to_compare(store):
    answers = survey.survey_answers_at(store, dt.date(2022, 12, 31))
    trends = survey.year_on_year(answers, 2022)
    assert list(trends["trend"]) == ["première enquête"]


def test_a_need_no_longer_asked_is_falling(store):
    answers = survey.survey_answers_at(store, END_2024)
    trends = survey.year_on_year(answers, 2023).set_index("need")
    # CCC: Bertrix in 2022, nobody in 2023.
    assert trends.loc["Solution C", ["communes", "change", "trend"]].tolist() == [
        0,
        -1,
        "en baisse",
    ]


def test_conversion_counts_orders_sent_since_the_request(store, answers_2024):
    conversion = survey.conversion(answers_2024, survey.survey_orders_at(store, END_2024))
    got = conversion.set_index("need_solution_id")
    # AAA: Arlon asked in 2023 and ordered in 06/2024 (yes); Attert ordered in 2022, before.
    assert got.loc["AAA", ["communes_asked", "communes_ordered"]].tolist() == [2, 1]
    assert got.loc["AAA", "rate"] == pytest.approx(0.5)
    # CCC: Bertrix (first asked 2022) ordered 09/2024; Arlon and Aubange did not.
    assert got.loc["CCC", ["communes_asked", "communes_ordered"]].tolist() == [3, 1]
    # BBB: Attert's order is cancelled: it does not count.
    assert got.loc["BBB", ["communes_asked", "communes_ordered"]].tolist() == [1, 0]
    assert "Drones" not in set(conversion["need"])  # a new need cannot be ordered
    assert list(conversion["need_solution_id"]) == ["AAA", "CCC", "BBB"]


def test_ordered_since_flags_answer_rows(store, answers_2024):
    marked = survey.mark_ordered_since(answers_2024, survey.survey_orders_at(store, END_2024))
    row = lambda year, nis, need: marked[  # noqa: E731
        (marked["year"] == year) & (marked["commune_nis"] == nis) & (marked["need"] == need)
    ].iloc[0]
    assert row(2024, ARLON, "Solution A")["ordered_since"]
    assert not row(2023, ATTERT, "Solution A")["ordered_since"]
    assert not row(2024, ATTERT, "Solution B")["ordered_since"]  # cancelled
    assert not row(2024, BERTRIX, "Drones")["ordered_since"]
    # Seen from before the order was sent, nothing is ordered yet.
    early = survey.mark_ordered_since(
        survey.survey_answers_at(store, dt.date(2024, 5, 1)),
        survey.survey_orders_at(store, dt.date(2024, 5, 1)),
    )
    assert not early["ordered_since"].any()


def test_shortlist_with_reasons(answers_2024):
    ranked = survey.rank_needs(answers_2024, 2024)
    trends = survey.year_on_year(answers_2024, 2024)
    # Not covered: Capteurs (2 communes, rising: kept from 2) and Drones (1 commune).
    shortlist = survey.shortlist(ranked, trends, 2024, min_communes=3)
    assert list(shortlist["need"]) == ["Capteurs de stationnement"]
    reasons = shortlist.iloc[0]["reasons"]
    assert "2 communes (2 adhérentes)" in reasons
    assert "demande pondérée 4" in reasons
    assert "priorité moyenne 2,0" in reasons
    assert "en hausse (+1 commune par rapport à 2023)" in reasons
    loose = survey.shortlist(ranked, trends, 2024, min_communes=1)
    assert list(loose["need"]) == ["Capteurs de stationnement", "Drones"]
    assert "nouveau en 2024" in loose.iloc[1]["reasons"]


def test_campaign_status_and_summary(store):
    status = survey.campaign_status(store, 2024, END_2024)
    assert len(status) == 43  # Bertogne merged into Bastogne on 02/12/2024
    summary = survey.campaign_summary(status)
    assert summary["answered"] == 4
    # Members on 31/12/2024: Arlon, Attert, Bertrix, and Bastogne through Bertogne.
    assert summary["members"] == 4
    assert summary["members_answered"] == 3
    assert summary["non_members_answered"] == 1
    assert summary["late"] == 1  # Aubange on 10/05/2024, deadline 30/04/2024
    by_nis = status.set_index("nis_code")
    assert by_nis.loc[AUBANGE, "late"] and not by_nis.loc[ARLON, "late"]
    assert by_nis.loc[ARLON, "needs"] == 3
    remind = survey.to_remind(status)
    assert remind.iloc[0]["nis_code"] == BASTOGNE  # the only member that did not answer
    assert ARLON not in set(remind["nis_code"])
    # On 20/03/2024 only Arlon had answered; its last answer before was 2023.
    early = survey.campaign_status(store, 2024, dt.date(2024, 3, 20)).set_index("nis_code")
    assert early["answered"].sum() == 1
    assert early.loc[ATTERT, "last_answer_year"] == 2023
    assert early.loc[AUBANGE, "last_answer_year"] == 2023
    assert pd.isna(early.loc[BASTOGNE, "last_answer_year"])


def test_response_curve_is_cumulative_from_the_sending_day():
    status = pd.DataFrame(
        {
            "answered": [True, True, True, False],
            "member": [True, False, True, True],
            "submitted_on": [dt.date(2024, 3, 5), dt.date(2024, 3, 7), None, None],
        }
    )
    curve = survey.response_curve(status, dt.date(2024, 3, 4), dt.date(2024, 3, 8))
    # The undated answer counts from the sending day.
    assert list(curve["answered"]) == [1, 2, 2, 3, 3]
    assert list(curve["members_answered"]) == [1, 2, 2, 2, 2]
    assert list(curve["days"]) == [0, 1, 2, 3, 4]
    assert curve["share"].iloc[-1] == pytest.approx(3 / 4)
    assert survey.response_curve(status, dt.date(2024, 3, 4), dt.date(2024, 3, 1)).empty


def test_merged_commune_counts_once_for_its_successor(tmp_path):
    # Bertogne and Bastogne both asked for AAA in 2024; Bertogne merged into Bastogne on
    # 02/12/2024: seen at the end of 2024 that is one commune, with the higher priority.
    rows = (
        SURVEY.splitlines()[0]
        + "\n"
        + (
            "2024;Bertogne;AAA;2;2025;;12/03/2024;Bourgmestre;\n"
            "2024;Bastogne;AAA;1;2025;;13/03/2024;Bourgmestre;\n"
            "2024;Bertogne;BBB;3;2025;;12/03/2024;Bourgmestre;\n"
        )
    )
    config = tiny_settings(tmp_path, rows)
    with connect_read_only(config.db_path) as con:
        after = survey.survey_answers_at(con, END_2024)
        before = survey.survey_answers_at(con, dt.date(2024, 6, 30))
    ranked = survey.rank_needs(after, 2024).set_index("need")
    assert ranked.loc["Solution A", "communes"] == 1
    assert ranked.loc["Solution A", "weighted_demand"] == 3
    assert set(after["commune_nis"]) == {BASTOGNE}
    assert set(after["answered_as_nis"]) == {BASTOGNE, BERTOGNE}
    assert survey.rank_needs(before, 2024).set_index("need").loc["Solution A", "communes"] == 2
    assert len(survey.answer_of(after, 2024, BERTOGNE)) == 2


def test_need_history_and_arrondissements(answers_2024):
    keys = list(survey.rank_needs(answers_2024, 2024)["need_key"])[:2]
    history = survey.need_history(answers_2024, keys)
    ccc = history[history["need_key"] == "CCC"]
    assert list(ccc["year"]) == [2022, 2023, 2024]
    assert list(ccc["communes"]) == [1, 0, 3]
    by_arr = survey.demand_by_arrondissement(answers_2024, 2024)
    ccc_arr = by_arr[by_arr["need_key"] == "CCC"].set_index("arrondissement")["communes"]
    assert ccc_arr.to_dict() == {"Arlon": 2, "Neufchâteau": 1}


def test_figures_are_french_and_explain_empty_states(answers_2024):
    from centrale import fmt
    from centrale.render import survey_charts

    ranked = survey.rank_needs(answers_2024, 2024, "weighted_demand")
    fig = survey_charts.ranking(ranked, "weighted_demand")
    assert fig.layout.separators == fmt.PLOTLY_SEPARATORS
    assert fig.layout.xaxis.title.text == "Demande pondérée par la priorité"
    bars = {trace.name: list(trace.y) for trace in fig.data}
    assert bars["Nouveau besoin"] == ["Drones", "Capteurs de stationnement"]  # bottom-up
    empty = survey_charts.ranking(ranked.iloc[0:0])
    assert "Aucun besoin exprimé" in empty.layout.annotations[0].text
    assert survey_charts.deadline_text(dt.date(2024, 4, 30), dt.date(2024, 4, 20)) == (
        "dans 10\u00a0jours"
    )
    assert survey_charts.deadline_text(dt.date(2024, 4, 30), dt.date(2024, 5, 2)) == (
        "dépassée de 2\u00a0jours"
    )
    assert survey_charts.deadline_text(dt.date(2024, 4, 30), dt.date(2024, 4, 30)) == (
        "aujourd'hui"
    )
    assert survey_charts.deadline_text(pd.NaT, dt.date(2024, 4, 30)) == fmt.MISSING


@pytest.mark.parametrize(
    ("deadline", "passed"),
    [
        (None, False),
        (pd.NaT, False),
        (dt.date(2024, 5, 1), False),  # before the deadline
        (dt.date(2024, 4, 30), False),  # the deadline day itself is still on time
        (pd.Timestamp("2024-04-29"), True),  # after, as DuckDB hands it back
        (dt.date(2017, 9, 15), True),
    ],
)
def test_deadline_passed_is_strictly_after_the_deadline_day(deadline, passed):
    assert survey.deadline_passed(deadline, dt.date(2024, 4, 30)) is passed
