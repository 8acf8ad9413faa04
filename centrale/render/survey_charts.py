"""Figures of the needs survey page: pure functions, French texts, colour-blind palette.

Each takes a frame from `centrale.datasets.survey` (named in its docstring) and returns a
plotly Figure laid out by `charts.french_layout`; hover texts are built here
with `centrale.fmt` so numbers and dates read the Belgian way everywhere.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from centrale import domain, fmt
from centrale.cached import cached_figure
from centrale.datasets.survey import COVERED, NOT_COVERED, RANK_BY, deadline_passed
from centrale.domain import arrondissement_of
from centrale.render import charts

STATUS_COLOURS = {COVERED: domain.BLUE, NOT_COVERED: domain.ORANGE}


@cached_figure
def response_curve(
    curve: pd.DataFrame,
    year: int,
    deadline_days: int | None,
    total: int,
    previous: pd.DataFrame | None = None,
    previous_year: int | None = None,
) -> go.Figure:
    """Share of communes that had answered, day by day since the survey was sent.

    `curve`/`previous`: `survey.response_curve` frames (the previous campaign is
    drawn dashed, aligned on its own sending day); `deadline_days`: days from
    sending to the deadline (a vertical line); `total`: communes asked.
    """
    if curve.empty:
        return charts.empty_figure("La campagne n'avait pas encore commencé à cette date.")
    fig = go.Figure()
    if previous is not None and not previous.empty:
        fig.add_trace(
            go.Scatter(
                x=previous["days"],
                y=previous["share"],
                name=f"Enquête {previous_year}",
                mode="lines",
                line={"color": domain.GREY, "dash": "dash", "width": 2, "shape": "hv"},
                customdata=[
                    f"{fmt.date(d)} : {fmt.count(int(a), 'commune')} ({fmt.percent(s)})"
                    for d, a, s in zip(previous["day"], previous["answered"], previous["share"])
                ],
                hovertemplate=f"Enquête {previous_year}<br>%{{customdata}}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=curve["days"],
            y=curve["share"],
            name=f"Enquête {year}",
            mode="lines",
            line={"color": domain.BLUE, "width": 3, "shape": "hv"},
            fill="tozeroy",
            fillcolor=charts.CURVE_FILL,
            customdata=[
                f"{fmt.date(d)} : {fmt.count(int(a), 'commune')} sur {total} ({fmt.percent(s)}), "
                f"dont {fmt.count(int(m), 'adhérente')}"
                for d, a, m, s in zip(
                    curve["day"], curve["answered"], curve["members_answered"], curve["share"]
                )
            ],
            hovertemplate=f"Enquête {year}<br>%{{customdata}}<extra></extra>",
        )
    )
    if deadline_days is not None:
        fig.add_vline(
            x=deadline_days,
            line={"color": domain.VERMILLION, "dash": "dot", "width": 2},
            annotation_text="date limite",
            annotation_position="top left",
            annotation_font_color=domain.VERMILLION,
        )
    charts.french_layout(fig, "Taux de réponse depuis l'envoi", height=360)
    fig.update_yaxes(title="Communes ayant répondu", range=[0, 1.02], **charts.percent_ticks(1))
    fig.update_xaxes(title="Jours depuis l'envoi de l'enquête", rangemode="tozero")
    return fig


@cached_figure
def ranking(ranked: pd.DataFrame, by: str = "communes", top: int = 15) -> go.Figure:
    """The `top` needs of `survey.rank_needs`, as horizontal bars of the criterion `by`,
    coloured by whether the catalogue in force covers them."""
    if ranked.empty:
        return charts.empty_figure("Aucun besoin exprimé pour cette enquête à cette date.")
    frame = ranked.head(top).iloc[::-1]
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        rows = frame[frame["status"] == status]
        if rows.empty:
            continue
        hover = [
            f"<b>{r['need']}</b><br>{fmt.count(int(r['communes']), 'commune')} "
            f"({fmt.count(int(r['members']), 'adhérente')})"
            f"<br>Demande pondérée : {fmt.number(r['weighted_demand'])}"
            f"<br>Priorité moyenne : {fmt.number(r['priority_mean'], 1)}"
            f"<br>Population couverte : {fmt.number(r['population'])} habitants"
            f"<br>{status}"
            for r in rows.to_dict("records")
        ]
        fig.add_trace(
            go.Bar(
                y=rows["need"],
                x=rows[by],
                orientation="h",
                name=status.capitalize(),
                marker_color=colour,
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
                text=[fmt.number(v) for v in rows[by]],
                textposition="outside",
                cliponaxis=False,
            )
        )
    charts.french_layout(
        fig, f"Besoins classés : {RANK_BY[by].lower()}", height=max(320, 30 * len(frame) + 110)
    )
    fig.update_yaxes(
        title=None, automargin=True, categoryorder="array", categoryarray=list(frame["need"])
    )
    fig.update_xaxes(title=RANK_BY[by], rangemode="tozero", tickformat=",d")
    if frame[by].max() <= 10:
        fig.update_xaxes(dtick=1)  # small counts: whole ticks only (no "1, 1, 2, 2")
    return fig


@cached_figure
def history(counts: pd.DataFrame, as_of_year: int) -> go.Figure:
    """Communes asking for each need, survey after survey (`survey.need_history`)."""
    if counts.empty or counts["year"].nunique() < 2:
        return charts.empty_figure(
            "Une seule enquête jusqu'ici : l'évolution apparaîtra avec la suivante."
        )
    fig = go.Figure()
    palette = list(charts.CATEGORICAL)
    for i, (need, rows) in enumerate(counts.groupby("need", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=rows["year"],
                y=rows["communes"],
                name=need,
                mode="lines+markers",
                line={"color": palette[i % len(palette)], "width": 2},
                customdata=[
                    f"{need}<br>Enquête {y} : {fmt.count(int(c), 'commune')}"
                    for y, c in zip(rows["year"], rows["communes"])
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    charts.french_layout(fig, "Évolution des nouveaux besoins", height=360)
    fig.update_xaxes(title="Enquête", dtick=1, tickformat="d")
    fig.update_yaxes(title="Communes demandeuses", rangemode="tozero", tickformat=",d")
    if counts["communes"].max() <= 10:
        fig.update_yaxes(dtick=1)
    fig.update_layout(legend={"y": -0.25, "yanchor": "top"})
    return fig


@cached_figure
def by_arrondissement(long: pd.DataFrame, needs_order: list[str]) -> go.Figure:
    """Heat table: communes asking per need (rows, in `needs_order`) and arrondissement
    (`survey.demand_by_arrondissement`)."""
    if long.empty:
        return charts.empty_figure("Aucun besoin exprimé pour cette enquête à cette date.")
    table = long.pivot_table(
        index="need", columns="arrondissement", values="communes", aggfunc="sum", fill_value=0
    )
    table = table.reindex([n for n in needs_order if n in table.index])
    text = [[fmt.number(v) if v else "" for v in row] for row in table.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=list(table.columns),
            y=list(table.index),
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#FFFFFF"], [1, domain.BLUE]],
            showscale=False,
            xgap=2,
            ygap=2,
            # The arrondissement's name elided ("Arrondissement d'Arlon"), not "de %{x}".
            customdata=[
                [
                    f"{arrondissement_of(str(a), capital=True)} : {fmt.count(n, 'commune')}"
                    for a, n in row.items()
                ]
                for _, row in table.iterrows()
            ],
            hovertemplate="%{y}<br>%{customdata}<extra></extra>",
        )
    )
    charts.french_layout(
        fig, "Communes demandeuses par arrondissement", height=max(300, 26 * len(table) + 110)
    )
    fig.update_yaxes(autorange="reversed", automargin=True, title=None)
    fig.update_xaxes(side="top", title=None)
    fig.update_layout(margin={"t": 90})  # room for the title above the top axis
    return fig


@cached_figure
def conversion(conv: pd.DataFrame) -> go.Figure:
    """Per catalogue solution: communes that asked for it, and those that ordered it
    since (`survey.conversion`)."""
    if conv.empty:
        return charts.empty_figure("Aucune demande de solution du catalogue à cette date.")
    frame = conv.sort_values(["communes_asked", "need"], ascending=[True, False])
    hover = [
        f"<b>{n}</b><br>{fmt.count(int(a), 'commune')} l'ont demandée, "
        f"{fmt.number(o)} l'ont commandée depuis ({fmt.percent(r)})"
        for n, a, o, r in zip(
            frame["need"], frame["communes_asked"], frame["communes_ordered"], frame["rate"]
        )
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=frame["need"],
            x=frame["communes_asked"],
            orientation="h",
            name="Communes demandeuses",
            marker_color=domain.SKY_BLUE,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            text=[
                f"{fmt.number(o)} / {fmt.number(a)} ({fmt.percent(r)})"
                for o, a, r in zip(
                    frame["communes_ordered"], frame["communes_asked"], frame["rate"]
                )
            ],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.add_trace(
        go.Bar(
            y=frame["need"],
            x=frame["communes_ordered"],
            orientation="h",
            name="… qui l'ont commandée depuis",
            marker_color=domain.BLUE,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    charts.french_layout(fig, "De la demande à la commande", height=max(320, 30 * len(frame) + 110))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(
        title="Communes",
        rangemode="tozero",
        tickformat=",d",
        range=[0, frame["communes_asked"].max() * 1.3],
    )
    fig.update_yaxes(title=None, automargin=True)
    return fig


def deadline_text(deadline: dt.date | None, day: dt.date) -> str:
    """'J-12', 'aujourd'hui', 'clôturée depuis 20 jours' or '–'."""
    if deadline is None or pd.isna(deadline):
        return fmt.MISSING
    left = (pd.Timestamp(deadline).date() - day).days
    if deadline_passed(deadline, day):
        return f"dépassée de {fmt.days(-left)}"
    if left == 0:
        return "aujourd'hui"
    return f"dans {fmt.days(left)}"
