"""`survey.respondents_by_year`: the per-survey answer counts the results tab loads instead
of every answer, against the demo store, equal to `respondents` on the answers."""

from __future__ import annotations

import datetime as dt

import pytest

from centrale.datasets import survey


@pytest.mark.parametrize("day", [dt.date(2023, 4, 15), dt.date(2026, 11, 24)])
def test_counts_equal_respondents_of_each_survey(con, day):
    answers = survey.survey_answers_at(con, day)
    counts = survey.respondents_by_year(con, day)
    assert list(counts["year"]) == sorted(int(y) for y in answers["year"].unique())
    assert len(counts) >= 4  # the demo store holds surveys since 2020
    for year in range(2019, day.year + 2):
        assert survey.respondents_in(counts, year) == survey.respondents(answers, year)
    assert survey.respondents_in(counts, day.year + 5) == 0


def test_before_the_first_survey_no_counts(con):
    # The demo's first survey is the summer-2017 one, sent on 26/06/2017.
    counts = survey.respondents_by_year(con, dt.date(2017, 6, 25))
    assert counts.empty and list(counts.columns) == ["year", "respondents"]
    assert survey.respondents_in(counts, 2017) == 0


def test_until_2020_only_the_2017_survey_counts(con):
    day = dt.date(2019, 6, 1)
    counts = survey.respondents_by_year(con, day)
    assert list(counts["year"]) == [2017]
    answers = survey.survey_answers_at(con, day)
    assert survey.respondents_in(counts, 2017) == survey.respondents(answers, 2017) > 0
