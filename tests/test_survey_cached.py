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

from centrale import mapfig, queries, survey, survey_charts, survey_figures
from centrale.store import connect_read_only

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
def test_results_figures_equal_the_pure_path(con, by):
    day, year = LATE_2026, LATE_2026.year
    answers = survey.survey_answers_at(con, day)
    ranked = survey.rank_needs(answers, year, by)
    new_keys = list(ranked.loc[~ranked["covered"], "need_key"])
    expected = {
        survey_figures.ranking_figure: survey_charts.ranking(ranked, by),
        survey_figures.arrondissement_figure: survey_charts.by_arrondissement(
            survey.demand_by_arrondissement(answers, year), list(ranked["need"])
        ),
        survey_figures.new_needs_history_figure: survey_charts.history(
            survey.need_history(answers, new_keys), year
        ),
    }
    for function, pure in expected.items():
        fig = function(con, day, year, by)
        assert spec(fig) == spec(pure), function.__name__
        assert spec(from_cache(fig)) == spec(pure), function.__name__
    conversion = survey_charts.conversion(
        survey.conversion(answers, survey.survey_orders_at(con, day))
    )
    assert spec(from_cache(survey_figures.conversion_figure(con, day))) == spec(conversion)


def test_response_curve_figure_draws_the_previous_campaign_too(con):
    # The page's own composition: the 2023 curve up to the day, the 2022 one over as
    # many days after its sending.
    day, sent_on, deadline = DURING_2023, dt.date(2023, 3, 6), dt.date(2023, 4, 28)
    previous_sent = dt.date(2022, 3, 7)
    status = survey.campaign_status(con, 2023, day)
    curve = survey.response_curve(status, sent_on, day)
    previous_end = previous_sent + dt.timedelta(days=len(curve) - 1)
    previous = survey.response_curve(
        survey.campaign_status(con, 2022, previous_end), previous_sent, previous_end
    )
    pure = survey_charts.response_curve(
        curve, 2023, (deadline - sent_on).days, len(status), previous, 2022
    )
    fig = survey_figures.response_curve_figure(
        con, 2023, day, sent_on, day, deadline, 2022, previous_sent
    )
    assert [t.name for t in fig.data] == ["Enquête 2022", "Enquête 2023"]
    assert spec(from_cache(fig)) == spec(pure)
    alone = survey_figures.response_curve_figure(con, 2023, day, sent_on, day, None)
    assert [t.name for t in alone.data] == ["Enquête 2023"]
    assert spec(from_cache(alone)) == spec(
        survey_charts.response_curve(curve, 2023, None, len(status))
    )


def test_campaign_map_figure_equals_the_pure_path(con):
    status = survey.campaign_status(con, 2026, LATE_2026)
    pure = mapfig.category_map(
        survey.map_categories(status),
        queries.commune_shapes(con, LATE_2026),
        "survey_map",
        survey.MAP_CATEGORIES,
        "Enquête 2026",
        height=420,
    )
    fig = survey_figures.campaign_map_figure(con, 2026, LATE_2026)
    assert spec(from_cache(fig)) == spec(pure)


def test_cached_figures_pickle_without_the_default_template_only(con):
    fig = survey_figures.ranking_figure(con, LATE_2026, 2026)
    rebuild, (props,) = fig.__reduce__()
    assert rebuild is go.Figure and "template" not in props["layout"]
    copy = from_cache(fig)
    assert type(copy) is go.Figure
    assert copy.layout.template == fig.layout.template  # plotly put the default back
    # A template other than the default one travels with the figure.
    white = survey_figures._CacheFriendlyFigure(go.Figure(layout={"template": "plotly_white"}))
    _, (props,) = white.__reduce__()
    assert "template" in props["layout"]
    assert (
        from_cache(white).layout.template
        == go.Figure(layout={"template": "plotly_white"}).layout.template
    )
