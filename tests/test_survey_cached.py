"""The survey's read-and-derive steps (what the page loads through the store cache,
`centrale.cached.evaluate`) against the demo store: each must give exactly what composing
the pure functions by hand gives, and a figure must come back from the cache's pickle
unchanged. Functions are cacheable only where they are marked."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pandas as pd
import plotly.graph_objects as go
import pytest

from centrale import cached
from centrale.cached import evaluate, step
from centrale.datasets import queries, survey

# A day inside the 2023 campaign (its deadline is 28/04/2023), and a day when
# seven surveys are known.
DURING_2023 = dt.date(2023, 4, 15)
LATE_2026 = dt.date(2026, 11, 24)


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
    read = step(survey.survey_answers_at, day)
    ranked_step = step(survey.rank_needs, read, day.year, by)
    trends_step = step(survey.year_on_year, read, day.year)
    pd.testing.assert_frame_equal(evaluate(ranked_step, con), ranked)
    pd.testing.assert_frame_equal(evaluate(trends_step, con), trends)
    for min_communes in (1, 3):
        expected = survey.shortlist(ranked, trends, day.year, min_communes)
        got = evaluate(
            step(survey.shortlist, ranked_step, trends_step, day.year, min_communes), con
        )
        pd.testing.assert_frame_equal(got, expected)
    assert len(evaluate(step(survey.shortlist, ranked_step, trends_step, day.year, 1), con)) > 0


@pytest.mark.parametrize("day", [DURING_2023, LATE_2026])
def test_conversion_and_ordered_since_equal_the_pure_path(con, day):
    answers = survey.survey_answers_at(con, day)
    orders = survey.survey_orders_at(con, day)
    conversion = survey.conversion(answers, orders)
    flagged = survey.mark_ordered_since(answers, orders)
    assert len(conversion) > 0 and flagged["ordered_since"].any()
    reads = step(survey.survey_answers_at, day), step(survey.survey_orders_at, day)
    pd.testing.assert_frame_equal(evaluate(step(survey.conversion, *reads), con), conversion)
    pd.testing.assert_frame_equal(evaluate(step(survey.mark_ordered_since, *reads), con), flagged)


@pytest.mark.parametrize("by", list(survey.RANK_BY))
def test_results_frames_equal_the_pure_path(con, by):
    day, year = LATE_2026, LATE_2026.year
    answers = survey.survey_answers_at(con, day)
    ranked = survey.rank_needs(answers, year, by)
    new_keys = list(ranked.loc[~ranked["covered"], "need_key"])
    read = step(survey.survey_answers_at, day)
    pd.testing.assert_frame_equal(
        evaluate(step(survey.demand_by_arrondissement, read, year), con),
        survey.demand_by_arrondissement(answers, year),
    )
    keys = step(survey.uncovered_need_keys, step(survey.rank_needs, read, year, by))
    history = evaluate(step(survey.need_history, read, keys), con)
    pd.testing.assert_frame_equal(history, survey.need_history(answers, new_keys))
    assert not history.empty


def test_campaign_frames_equal_the_pure_path(con):
    day, sent_on = DURING_2023, dt.date(2023, 3, 6)
    status = survey.campaign_status(con, 2023, day)
    pd.testing.assert_frame_equal(
        evaluate(
            step(survey.response_curve, step(survey.campaign_status, 2023, day), sent_on, day), con
        ),
        survey.response_curve(status, sent_on, day),
    )
    pd.testing.assert_frame_equal(
        evaluate(step(survey.map_categories, step(survey.campaign_status, 2026, LATE_2026)), con),
        survey.map_categories(survey.campaign_status(con, 2026, LATE_2026)),
    )


def test_no_cached_figure_and_no_class_patching():
    """One way to build a page: the cache holds DataFrames, charts are drawn from them;
    no module swaps a figure's class to make it pickle faster."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    for folder in ("centrale", "ui", "pages", "reports"):
        for path in (root / folder).rglob("*.py"):
            assert ".__class__ =" not in path.read_text(encoding="utf-8"), path


def test_a_step_read_twice_runs_once(con):
    """The shortlist's ranking and trends both start from the answers: one read, not two."""
    calls = []

    def counting(con, as_of):
        calls.append(as_of)
        return survey.survey_answers_at(con, as_of)

    counting.__module__, counting.__qualname__ = __name__, "counting"
    cached.cached_query(counting)
    try:
        read = step(counting, LATE_2026)
        year = LATE_2026.year
        evaluate(
            step(
                survey.shortlist,
                step(survey.rank_needs, read, year),
                step(survey.year_on_year, read, year),
                year,
            ),
            con,
        )
    finally:
        del cached.REGISTRY[cached.key(counting)]
    assert calls == [LATE_2026]


def test_only_marked_functions_are_cacheable(con):
    """The cache runs what a module marked where the function is defined, nothing else: a
    helper, a private function or a Step naming an unknown function is refused in French."""
    assert cached.registered(queries.kpis, cached.QUERY).kind == cached.QUERY
    assert cached.registered(survey.rank_needs, cached.DERIVATION).kind == cached.DERIVATION
    for unmarked in (survey.respondents_in, survey.need_key, queries._one, print):
        with pytest.raises(ValueError, match="non autorisée"):
            step(unmarked)
    with pytest.raises(ValueError, match="non autorisée"):
        evaluate(cached.Step("os.remove", ("x",), ()), con)
    # a figure builder is not a read
    from centrale.render import charts

    with pytest.raises(ValueError, match="non autorisée"):
        step(charts.adhesion_curve)
