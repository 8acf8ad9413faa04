"""Figures of the needs survey page, read from the store: `(con, ...) -> go.Figure`.

Each reads with the `centrale.survey` queries, derives with its pure functions
and draws with `centrale.survey_charts` / `centrale.mapfig`, so that the page
loads the finished figure through `ui.data.load` (cached per store version):
building a plotly figure validates every property, tens of milliseconds that
a rerun need not pay again. Same figures as composing the pure functions by hand.

The cache hands out a copy of each figure by unpickling it, and a plotly Figure
unpickles by validating its whole `to_dict()` again, plotly's default template
included: three quarters of the ~6 ms it takes. So the figures returned here
pickle without that template (see `_CacheFriendlyFigure`) and come back as plain
`go.Figure`s, which put the very same default template back for free.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import plotly.io as pio

from centrale import mapfig, queries, survey, survey_charts

CAMPAIGN_MAP_HEIGHT = 420  # px: the map stands beside the response curve


def _default_template() -> dict | None:
    """plotly's default template as it appears in `Figure.to_dict()["layout"]`."""
    default = pio.templates.default
    if default is None:
        return None
    return (pio.templates[default] if isinstance(default, str) else default).to_plotly_json()


class _CacheFriendlyFigure(go.Figure):
    """A Figure that pickles as a plain `go.Figure` without plotly's default template.

    Unpickling rebuilds the Figure from its properties; left without a template,
    plotly applies its default one, already validated, instead of validating a
    copy of it (~5 ms). A template other than the default one is kept.
    """

    def __reduce__(self):
        _, (props,) = super().__reduce__()
        layout = props.get("layout", {})
        if "template" in layout and layout["template"] == _default_template():
            props["layout"] = {k: v for k, v in layout.items() if k != "template"}
        return go.Figure, (props,)


def _cache_friendly(fig: go.Figure) -> go.Figure:
    """`fig` itself, made a `_CacheFriendlyFigure` (a copy would validate it all again)."""
    fig.__class__ = _CacheFriendlyFigure
    return fig


def response_curve_figure(
    con,
    year: int,
    as_of: dt.date,
    sent_on: dt.date,
    until: dt.date,
    deadline: dt.date | None = None,
    previous_year: int | None = None,
    previous_sent: dt.date | None = None,
) -> go.Figure:
    """The `year` campaign's response curve from `sent_on` to `until`, as known on `as_of`.

    With `previous_year` and its sending day `previous_sent`: that campaign too,
    over as many days after its own sending (never beyond `as_of`), dashed.
    `deadline`: the `year` campaign's deadline (a vertical line), if known.
    """
    status = survey.campaign_status(con, year, as_of)
    curve = survey.response_curve(status, sent_on, until)
    previous = None
    if previous_year is not None and previous_sent is not None:
        previous_end = min(previous_sent + dt.timedelta(days=max(len(curve) - 1, 0)), as_of)
        previous = survey.response_curve(
            survey.campaign_status(con, previous_year, previous_end), previous_sent, previous_end
        )
    return _cache_friendly(
        survey_charts.response_curve(
            curve,
            year,
            (deadline - sent_on).days if deadline else None,
            len(status),
            previous,
            previous_year,
        )
    )


def campaign_map_figure(con, year: int, as_of: dt.date) -> go.Figure | None:
    """The communes existing on `as_of` coloured by member or not × answered survey
    `year` or not (`survey.MAP_CATEGORIES`); None when no commune exists on `as_of`."""
    shapes = queries.commune_shapes(con, as_of)
    if shapes.empty:
        return None
    return _cache_friendly(
        mapfig.category_map(
            survey.map_categories(survey.campaign_status(con, year, as_of)),
            shapes,
            "survey_map",
            survey.MAP_CATEGORIES,
            f"Enquête {year}",
            height=CAMPAIGN_MAP_HEIGHT,
        )
    )


def ranking_figure(con, as_of: dt.date, year: int, by: str = "communes") -> go.Figure:
    """`survey_charts.ranking` of the needs of `year` known on `as_of`, ranked `by`."""
    return _cache_friendly(survey_charts.ranking(survey.ranked_needs(con, as_of, year, by), by))


def arrondissement_figure(con, as_of: dt.date, year: int, by: str = "communes") -> go.Figure:
    """Communes asking for each need of `year` per arrondissement, needs in the order
    of their ranking `by` (`survey_charts.by_arrondissement`)."""
    answers = survey.survey_answers_at(con, as_of)
    order = list(survey.rank_needs(answers, year, by)["need"])
    return _cache_friendly(
        survey_charts.by_arrondissement(survey.demand_by_arrondissement(answers, year), order)
    )


def new_needs_history_figure(con, as_of: dt.date, year: int, by: str = "communes") -> go.Figure:
    """Survey after survey, the communes asking for the needs of `year` that no framework
    covers on `as_of`, in the order of their ranking `by` (`survey_charts.history`)."""
    answers = survey.survey_answers_at(con, as_of)
    ranked = survey.rank_needs(answers, year, by)
    new_keys = list(ranked.loc[~ranked["covered"], "need_key"])
    return _cache_friendly(survey_charts.history(survey.need_history(answers, new_keys), year))


def conversion_figure(con, as_of: dt.date) -> go.Figure:
    """`survey_charts.conversion` of every survey known on `as_of`."""
    return _cache_friendly(survey_charts.conversion(survey.conversion_at(con, as_of)))
