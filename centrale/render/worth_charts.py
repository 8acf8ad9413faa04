"""Figures of what the centrale is worth: competition gains and the outreach funnel.

Pure functions: DataFrame or list -> plotly Figure, French labels, Belgian
numbers (see `charts.py` for the shared layout conventions).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from centrale import fmt
from centrale.cached import cached_figure
from centrale.semantic.model import DIMENSIONS

IDELUX_GREEN = "#4a7c2a"
QUALITY_AMBER = "#b86e00"
GREY = "#9aa0a6"


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        separators=fmt.PLOTLY_SEPARATORS,
        plot_bgcolor="white",
        showlegend=False,
    )
    return fig


@cached_figure
def gain_by_year(gains: pd.DataFrame) -> go.Figure:
    """Bars: the competition gain of the orders awarded each year (euros)."""
    gains = gains.sort_values("year")
    fig = go.Figure(
        go.Bar(
            x=[str(int(y)) for y in gains["year"]],
            y=gains["gain_eur"].astype(float),
            marker_color=IDELUX_GREEN,
            text=[fmt.money(v, 0) for v in gains["gain_eur"]],
            textposition="outside",
            customdata=[
                fmt.count(n, "commande comparée", "commandes comparées") for n in gains["orders"]
            ],
            hovertemplate="%{x} : %{text} sur %{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="Gain (HTVA)", tickformat=",.0f", ticksuffix=" €")
    fig.update_xaxes(title_text=DIMENSIONS["year_awarded"].label, type="category")
    return _layout(fig, "Gain de la remise en concurrence, par année")


@cached_figure
def funnel(steps: list[dict]) -> go.Figure:
    """Horizontal funnel: communes at each step, with the conversion from the step before."""
    labels = [s["label"] for s in steps]
    counts = [s["communes"] for s in steps]
    texts = [
        f"{c}" + (f" ({fmt.percent(s['conversion'])})" if s.get("conversion") is not None else "")
        for c, s in zip(counts, steps, strict=True)
    ]
    fig = go.Figure(
        go.Funnel(
            y=labels,
            x=counts,
            text=texts,
            textinfo="text",
            marker={"color": [GREY, "#6b8e23", IDELUX_GREEN, "#2f5e1a", "#1f3f11"][: len(steps)]},
            customdata=[fmt.count(c, "commune") for c in counts],
            hovertemplate="%{y} : %{customdata}<extra></extra>",
        )
    )
    return _layout(fig, "De la rencontre à la commande", height=340)
