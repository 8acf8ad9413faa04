"""The chart that fits an Explorer answer: bars, a line over time, or the province map.

Pure: (answer frame, question, shapes) -> plotly Figure. Axis titles, tick formats
and hover texts come from the layer (`METRICS[..].words`, `DIMENSIONS[..].label`).
Each bar or point carries its group's key in `customdata`, so a click on it is a
drill-through (`compile.rows_behind`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from centrale.cached import cached_figure
from centrale.render import charts, mapfig
from centrale.semantic.model import DIMENSIONS, METRICS
from centrale.semantic.question import Question

MAX_BARS = 40  # categories drawn (largest first); the table holds them all
MAX_SERIES = 8  # values of a second dimension drawn as series (largest first)
# Heights (px): a bar's row, the room around the bars, and the most a chart takes: under
# the question on a 1366×768 screen and, printed (scaled to the A4 width), on the first
# page with the question above it (issue 24).
BAR_ROW_PX = 28
GROUPED_BAR_PX = 16  # a bar among several of its category (a second dimension)
CHART_MARGIN_PX = 60
MIN_CHART_PX = 260
MAX_CHART_PX = 620
VALUE_TEXT_PX = 14  # the values written beside the bars (the axis text is 13 px)


def chart_kind(question: Question) -> str:
    """'none' (no grouping), 'line' (first dimension is a calendar one), 'map' (one
    dimension: the commune), else 'bars'."""
    if not question.by:
        return "none"
    if DIMENSIONS[question.by[0]].temporal:
        return "line"
    if question.by == ("commune",):
        return "map"
    return "bars"


def _percent(metric_key: str) -> bool:
    return METRICS[metric_key].words.kind == "percent"


def bars_height(categories: int, bars: int) -> int:
    """The height (px) of a bar chart of `bars` bars in `categories` categories: a row per
    category (a bar's height per bar when a category has several), between MIN_CHART_PX
    and MAX_CHART_PX."""
    if bars > categories:  # grouped: the category's bars side by side, and a gap
        wanted = CHART_MARGIN_PX + GROUPED_BAR_PX * bars + 12 * categories
    else:
        wanted = CHART_MARGIN_PX + BAR_ROW_PX * categories
    return max(MIN_CHART_PX, min(MAX_CHART_PX, wanted))


@cached_figure
def answer_figure(
    frame: pd.DataFrame, question: Question, chosen: tuple[tuple[str, str], ...] = ()
) -> go.Figure:
    """Bars (horizontal, largest first) or lines over time of the first metric; a second
    dimension makes one series per value (at most the MAX_SERIES largest; `chart_note`
    says so under the chart). `chosen`: the group whose rows are listed ((dimension,
    key) pairs, e.g. from a reopened link), drawn selected as a click would."""
    metric = METRICS[question.metrics[0]]
    words = metric.words
    first = question.by[0]
    fig = go.Figure()
    series = [(None, frame)]
    if len(question.by) > 1:
        second = question.by[1]
        biggest = (
            frame.groupby(second)[metric.key].sum().sort_values(ascending=False).index[:MAX_SERIES]
        )
        series = [(name, frame[frame[second] == name]) for name in biggest]
    temporal = DIMENSIONS[first].temporal
    # Values written beside the bars, horizontally, only when each category has one bar:
    # grouped bars are too thin for a line of text (plotly then rotates or shrinks it);
    # the hover still says every value.
    labelled = not temporal and len(series) == 1
    picked = dict(chosen)
    drawn = 0
    for name, part in series:
        part = part.sort_values(f"{first}__key") if temporal else part.head(MAX_BARS)
        texts = [words.format(v) for v in part[metric.key]]
        drawn += len(part)
        common: dict[str, object] = {
            "name": name or words.label,
            # [group key, second dimension's value, the value as written]: a click's
            # drill-through reads the first two.
            "customdata": [[k, name or "", text] for k, text in zip(part[f"{first}__key"], texts)],
            "hovertemplate": f"%{{{'x' if temporal else 'y'}}}<br>{words.label} : "
            "%{customdata[2]}<extra></extra>",
        }
        if picked:  # as plotly draws a click: the chosen bar or point, the others faded
            common["selectedpoints"] = _chosen_points(part, question, picked)
        if temporal:
            fig.add_trace(
                go.Scatter(
                    x=list(part[first]), y=list(part[metric.key]), mode="lines+markers", **common
                )
            )
        else:
            fig.add_trace(
                go.Bar(
                    y=list(part[first]),
                    x=list(part[metric.key]),
                    orientation="h",
                    text=texts if labelled else None,
                    textposition="outside" if labelled else "none",
                    textangle=0,
                    # The chart's own text colour and a size a reader reads (Streamlit's
                    # theme would draw them small and grey); a projected slide enlarges
                    # them with the rest (`theme.large_type`).
                    textfont={"size": VALUE_TEXT_PX, "color": charts.TEXT_COLOUR},
                    constraintext="none",
                    cliponaxis=False,
                    **common,
                )
            )
    value_axis: dict[str, object] = {"title": {"text": words.label}}
    if _percent(metric.key):
        value_axis.update(charts.percent_ticks(float(frame[metric.key].max() or 0)))
    else:
        value_axis.update(tickformat=words.tick_format, ticksuffix=words.tick_suffix)
        if words.kind == "int":  # counts: no half ticks printed as 0, 1, 1, 2, 2
            value_axis.update(dtick=charts.integer_axis_step(frame[metric.key].max()))
    categories = 0 if temporal else min(frame[first].nunique(), MAX_BARS)
    height = 380 if temporal else bars_height(categories, drawn)
    charts.french_layout(fig, height=height)
    fig.update_layout(showlegend=len(series) > 1, clickmode="event+select")
    if labelled:  # room right of the longest bar for its value
        values = frame[metric.key].dropna()
        top = max(float(values.max()), 0) if len(values) else 0
        low = min(float(values.min()), 0) if len(values) else 0
        value_axis.update(range=[low * 1.25, top * 1.25 or 1])
    if temporal:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(type="category", title={"text": DIMENSIONS[first].label})
    else:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(autorange="reversed", type="category")
    if len(series) > 1 and not temporal:
        fig.update_layout(barmode="group")
    return fig


def _chosen_points(part: pd.DataFrame, question: Question, picked: dict) -> list[int]:
    """The positions in `part` (one series, drawn in its order) of the chosen group:
    none when the series is another value of the second dimension."""
    first = question.by[0]
    keys = [str(k) for k in part[f"{first}__key"]]
    if str(picked.get(first)) not in keys:
        return []
    if len(question.by) > 1:
        second = part[f"{question.by[1]}__key"].astype(str)
        if not (second == str(picked.get(question.by[1]))).any():
            return []
    return [keys.index(str(picked[first]))]


def chart_note(frame: pd.DataFrame, question: Question) -> str | None:
    """What `answer_figure` leaves out, in French, or None: the figure draws at most
    MAX_SERIES values of a second dimension and MAX_BARS categories, and a chart that
    silently drops some would read as the whole (its bars summing to less than the
    headline figure)."""
    if chart_kind(question) not in ("bars", "line") or frame.empty:
        return None
    notes = []
    first = question.by[0]
    if not DIMENSIONS[first].temporal:
        categories = frame[first].nunique()
        if len(question.by) == 1 and categories > MAX_BARS:
            notes.append(
                f"les {MAX_BARS} plus grandes valeurs de « {DIMENSIONS[first].label} » "
                f"sur {categories}"
            )
    if len(question.by) > 1:
        second = question.by[1]
        values = frame[second].nunique()
        if values > MAX_SERIES:
            notes.append(
                f"les {MAX_SERIES} plus grandes valeurs de « {DIMENSIONS[second].label} » "
                f"sur {values}"
            )
    if not notes:
        return None
    return (
        "Le graphique montre " + " et ".join(notes) + " ; le tableau ci-dessous les donne toutes."
    )


@cached_figure
def answer_map(frame: pd.DataFrame, question: Question, shapes: pd.DataFrame) -> go.Figure:
    """The province map of the first metric per commune (`mapfig.value_map`)."""
    metric = METRICS[question.metrics[0]]
    words = metric.words
    values = frame.rename(columns={"commune__key": "nis_code"})[["nis_code", metric.key]]
    return mapfig.value_map(
        values,
        shapes,
        metric.key,
        words.label,
        formatter=words.format,
        unit=words.tick_suffix,
        scale_title=words.short_label,
    )
