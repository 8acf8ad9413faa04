"""The survey's read-and-derive queries and figures (what the page loads through the store
cache) against the demo store: each must give exactly what composing the pure functions
by hand gives, and a figure must come back from the cache's pickle unchanged."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pandas as pd
import plotly.graph_objects as go
import pytest

from centrale.datasets import survey
from centrale.storage.store import connect_read_only

# A day inside the 2023 campaign (its deadline is 28/04/2023), and a day when
# seven surveys are known.
DURING_2023 = dt.date(2023, 4, 15)
LATE_2026 = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def con(demo_db):
    con = connect_read_only(demo_db)
    yield con
    con.close()


def spec(fig: go.Figure) -> dict:
    """The JSON the browser receives, without empty objects (`title: {}` is what an
    explicit `title=None` leaves; plotly drops it when a figure is rebuilt, and an
    empty object draws like an absent one)."""

    def clean(value):
        if isinstance(value, dict):
            kept = {k: clean(v) for k, v in value.items()}
            return {k: v for k, v in kept.items() if v != {}}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(json.loads(fig.to_json()))


def from_cache(fig: go.Figure) -> go.Figure:
    """What `ui.data.load` hands out: st.cache_data keeps the pickle, returns its copy."""
    return pickle.loads(pickle.dumps(fig))


@pytest.mark.parametrize("day", [DURING_2023, LATE_2026])
@pytest.mark.parametrize("by", list(survey.RANK_BY))
def test_ranking_trends_and_shortlist_equal_the_pure_path(con, day, by):
    answers = survey.survey_answers_at(con, day)
    ranked = survey.rank_needs(answers, day.year, by)
    trends = survey.year_on_year(answers, day.year)
    assert len(ranked) > 3 and len(trends) > 3  # real data on both days
    pd.testing.assert_frame_equal(survey.ranked_needs(con, day, day.year, by), ranked)
    pd.testing.assert_frame_equal(survey.needs_year_on_year(con, day, day.year), trends)
    for min_communes in (1, 3):
        expected = survey.shortlist(ranked, trends, day.year, min_communes)
        got = survey.shortlist_at(con, day, day.year, by, min_communes)
        pd.testing.assert_frame_equal(got, expected)
    assert len(survey.shortlist_at(con, day, day.year, by, 1)) > 0


@pytest.mark.parametrize("day", [DURING_2023, LATE_2026])
def test_conversion_and_ordered_since_equal_the_pure_path(con, day):
    answers = survey.survey_answers_at(con, day)
    orders = survey.survey_orders_at(con, day)
    conversion = survey.conversion(answers, orders)
    flagged = survey.mark_ordered_since(answers, orders)
    assert len(conversion) > 0 and flagged["ordered_since"].any()
    pd.testing.assert_frame_equal(survey.conversion_at(con, day), conversion)
    pd.testing.assert_frame_equal(survey.answers_ordered_since_at(con, day), flagged)


@pytest.mark.parametrize("by", list(survey.RANK_BY))
def test_results_frames_equal_the_pure_path(con, by):
    day, year = LATE_2026, LATE_2026.year
    answers = survey.survey_answers_at(con, day)
    ranked = survey.rank_needs(answers, year, by)
    new_keys = list(ranked.loc[~ranked["covered"], "need_key"])
    pd.testing.assert_frame_equal(
        survey.arrondissement_demand_at(con, day, year),
        survey.demand_by_arrondissement(answers, year),
    )
    history = survey.new_needs_history_at(con, day, year, by)
    pd.testing.assert_frame_equal(history, survey.need_history(answers, new_keys))
    assert not history.empty


def test_campaign_frames_equal_the_pure_path(con):
    day, sent_on = DURING_2023, dt.date(2023, 3, 6)
    status = survey.campaign_status(con, 2023, day)
    pd.testing.assert_frame_equal(
        survey.response_curve_at(con, 2023, day, sent_on, day),
        survey.response_curve(status, sent_on, day),
    )
    pd.testing.assert_frame_equal(
        survey.campaign_map_at(con, 2026, LATE_2026),
        survey.map_categories(survey.campaign_status(con, 2026, LATE_2026)),
    )


def test_no_cached_figure_and_no_class_patching():
    """One way to build a page: the cache holds DataFrames, charts are drawn from them;
    no module swaps a figure's class to make it pickle faster."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    from ui.data import QUERY_MODULES

    assert "centrale.survey_figures" not in QUERY_MODULES
    for folder in ("centrale", "ui", "pages", "reports"):
        for path in (root / folder).rglob("*.py"):
            assert ".__class__ =" not in path.read_text(encoding="utf-8"), path
