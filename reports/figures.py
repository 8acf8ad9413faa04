"""The briefing's charts as plotly figures, for presenting live from the browser.

Same data as the deck's native charts (through `reports.story`), French
titles and hover labels, Belgian separators (`centrale.render.charts.french_layout`),
and large type: they are shown on a projector. Pure: CommuneBriefing -> Figure.
"""

from __future__ import annotations

import plotly.graph_objects as go

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets.briefing import CommuneBriefing
from centrale.render.charts import french_layout
from centrale.semantic import measures
from reports import story, style

FONT_SIZE = 18


def _large(fig: go.Figure, title: str, height: int) -> go.Figure:
    french_layout(fig, title, height=height)
    fig.update_layout(
        font={"size": FONT_SIZE},
        title={"font": {"size": FONT_SIZE + 4}},
        # Above the plot: below it, the legend would run into the axis labels.
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
            "font": {"size": FONT_SIZE},
        },
        margin={"t": 110},
        hoverlabel={"font": {"size": FONT_SIZE}},
    )
    fig.update_xaxes(tickfont={"size": FONT_SIZE - 2}, title_font={"size": FONT_SIZE - 2})
    fig.update_yaxes(tickfont={"size": FONT_SIZE - 2}, title_font={"size": FONT_SIZE - 2})
    return fig


def adhesion_figure(b: CommuneBriefing) -> go.Figure:
    labels, adhered, total = story.adhesion_points(b)
    fig = go.Figure()
    fig.add_scatter(
        x=labels,
        y=total,
        name=measures.label("communes_total"),
        mode="lines",
        line={"color": style.GREY_HEX, "width": 2, "dash": "dot"},
        hovertemplate="%{x} : %{y} communes dans la province<extra></extra>",
    )
    fig.add_scatter(
        x=labels,
        y=adhered,
        name=measures.label("communes_adhered"),
        mode="lines+markers",
        line={"color": style.PRIMARY_HEX, "width": 4},
        marker={"size": 10},
        hovertemplate="%{x} : %{y} communes adhérentes<extra></extra>",
    )
    _large(fig, story.adhesion_chart_title(b), 420)
    fig.update_xaxes(title_text="Date", type="category")
    fig.update_yaxes(title_text="Communes", rangemode="tozero")
    return fig


def lead_time_figure(b: CommuneBriefing) -> go.Figure:
    dates, values = story.lead_time_series(b)
    labels = [fmt.date(d) for d in dates]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=values,
        orientation="h",
        name=measures.label("lead_days"),
        marker_color=style.PRIMARY_HEX,
        text=[fmt.days(v) for v in values],
        textposition="outside",
        hovertemplate="Attribuée le %{y} : %{x} jours<extra></extra>",
    )
    fig.add_vline(
        x=AWARD_PROMISE_DAYS,
        line={"color": style.ACCENT_HEX, "width": 3, "dash": "dash"},
        annotation_text=f"promesse : {AWARD_PROMISE_DAYS} jours",
        # Above the plot area (centred on the line): inside it, the label of a bar close
        # to 20 days (« 19 jours ») would sit on it.
        annotation_position="top",
        annotation_font={"size": FONT_SIZE, "color": style.DARK_HEX},
    )
    _large(fig, "Délai d'attribution de ses commandes", 120 + 60 * max(len(values), 2))
    fig.update_xaxes(title_text="Jours", range=[0, max(values + [AWARD_PROMISE_DAYS]) * 1.3])
    fig.update_yaxes(title_text="Date d'attribution", autorange="reversed", type="category")
    fig.update_layout(showlegend=False)
    return fig


def peers_figure(b: CommuneBriefing) -> go.Figure:
    solutions, size, arrondissement = story.peer_uptake_series(b)
    size_name, arrondissement_name = story.peer_series_names(b)
    fig = go.Figure()
    for name, values, colour in (
        (size_name, size, style.PRIMARY_HEX),
        (arrondissement_name, arrondissement, style.PRIMARY_LIGHT_HEX),
    ):
        fig.add_bar(
            y=solutions,
            x=values,
            orientation="h",
            name=name,
            marker_color=colour,
            text=values,
            textposition="outside",
            hovertemplate="%{y} : %{x} communes<extra>" + name + "</extra>",
        )
    _large(
        fig,
        story.peer_chart_title(b),
        160 + 90 * max(len(solutions), 2),
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Communes", dtick=1, range=[0, max(size + arrondissement) + 1])
    fig.update_yaxes(title_text=None, autorange="reversed")
    return fig
