"""DataFrames -> plotly Figures, in French, with Belgian number formats.

Pure functions: each takes the frame one query of `centrale.datasets.queries` returns
(columns named in its docstring) and returns a `go.Figure`; nothing is read,
cached or drawn here. Every figure goes through `french_layout`.

Why the date ticks and hover texts are formatted here rather than by plotly:
plotly.js only knows English month names unless a locale is registered, and
the ready-made locale bundles live on a CDN. `PLOTLY_CONFIG` carries a French
locale inline for the browser (modebar tooltips, any automatic date label),
but the axis labels and hover texts are computed in Python so that a figure
is French wherever it is drawn (Streamlit, a PNG export, a slide).
"""

# Over 500 lines: one pure builder per chart of the pages (each under 60 lines) and the
# shared layout rules they follow.

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go

from centrale import domain, fmt
from centrale.cached import cached_figure
from centrale.config import AWARD_PROMISE_DAYS, PROVINCE_NIS
from centrale.semantic import measures

# --- Colours ---------------------------------------------------------------
# Okabe–Ito (centrale.domain): distinguishable with every common colour-vision deficiency.
CATEGORICAL = (
    domain.BLUE,
    domain.ORANGE,
    domain.GREEN,
    domain.PURPLE,
    domain.SKY_BLUE,
    domain.VERMILLION,
    domain.YELLOW,
    domain.GREY,
)
# Cividis: a sequential scale designed to read the same with colour-vision
# deficiencies (dark blue -> yellow). For choropleths and other continuous values.
SEQUENTIAL = (
    "#00224E",
    "#123570",
    "#3B496C",
    "#575D6D",
    "#707173",
    "#8A8779",
    "#A69D75",
    "#C4B56C",
    "#E4CF5B",
    "#FEE838",
)
HIGHLIGHT = domain.BLUE  # the province of Luxembourg among the others
MUTED = "#B8C2C0"  # the other provinces, the ceiling
LATE = domain.VERMILLION  # past the 20-day promise


def tint(colour: str, alpha: float) -> str:
    """A "#RRGGBB" colour at `alpha` opacity, as plotly's "rgba(r, g, b, a)"."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha:g})"


# The light area under a cumulative curve (adhesions, survey answers): its line's blue.
CURVE_FILL = tint(domain.BLUE, 0.12)

FONT_FAMILY = "Source Sans Pro, Segoe UI, Arial, sans-serif"
TEXT_COLOUR = "#1F2A2E"  # the app's text (`.streamlit/config.toml`, textColor)
MONTHS_SHORT_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

# plotly.js locale given inline (no CDN): month names for any date the browser
# formats itself, and the modebar tooltips in French.
_LOCALE_FR_BE = {
    "dictionary": {
        "Download plot as a png": "Télécharger le graphique en PNG",
        "Download plot as a PNG": "Télécharger le graphique en PNG",  # plotly.js ≥ 3
        "Download plot": "Télécharger le graphique",
        "Zoom": "Zoom",
        "Pan": "Déplacer",
        "Box Select": "Sélection rectangulaire",
        "Lasso Select": "Sélection lasso",
        "Zoom in": "Zoom avant",
        "Zoom out": "Zoom arrière",
        "Autoscale": "Échelle automatique",
        "Reset axes": "Réinitialiser les axes",
        "Reset view": "Réinitialiser la vue",
        "Toggle Spike Lines": "Afficher/masquer les lignes de repère",
        "Show closest data on hover": "Afficher la donnée la plus proche",
        "Compare data on hover": "Comparer les données au survol",
        "Double-click to zoom back out": "Double-cliquez pour dézoomer",
        "Double-click on legend to isolate one trace": (
            "Double-cliquez sur la légende pour isoler une série"
        ),
        "Click to enter Colorscale title": "Cliquez pour saisir le titre de l'échelle",
        "Click to enter X axis title": "Cliquez pour saisir le titre de l'axe X",
        "Click to enter Y axis title": "Cliquez pour saisir le titre de l'axe Y",
        "Click to enter Plot title": "Cliquez pour saisir le titre du graphique",
        "Snapshot succeeded": "Image enregistrée",
        "Taking snapshot - this may take a few seconds": (
            "Création de l'image, quelques secondes…"
        ),
        "Sorry, there was a problem downloading your snapshot!": (
            "Désolé, l'image n'a pas pu être téléchargée."
        ),
    },
    "format": {
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": list(fmt.MONTHS_FR),
        "shortMonths": list(MONTHS_SHORT_FR),
        "date": "%d/%m/%Y",
        "decimal": ",",
        "thousands": fmt.NBSP,
    },
}


def plotly_config(file_name: str) -> dict:
    """`st.plotly_chart(config=...)`: French locale inline, PNG download named `file_name`.

    Only the PNG download, zoom and reset buttons are kept in the modebar.
    """
    return {
        "locale": "fr-BE",
        "locales": {"fr-BE": _LOCALE_FR_BE},
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
    }


# --- Shared layout ---------------------------------------------------------
def french_layout(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    """Belgian separators, sober fonts and margins, French hover labels; returns `fig`."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        separators=fmt.PLOTLY_SEPARATORS,
        font={"family": FONT_FAMILY, "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        plot_bgcolor="white",
        colorway=list(CATEGORICAL),
    )
    fig.update_xaxes(gridcolor="#ECEFEE", zeroline=False)
    fig.update_yaxes(gridcolor="#ECEFEE", zeroline=False)
    return fig


def month_label(day) -> str:
    """A month as 'févr. 2019'."""
    day = pd.Timestamp(day)
    return f"{MONTHS_SHORT_FR[day.month - 1]} {day.year}"


def month_ticks(first, last, max_ticks: int = 10) -> tuple[list[pd.Timestamp], list[str]]:
    """Tick positions and French labels for a date axis from `first` to `last`.

    Ticks fall on the first of a month, every 1, 2, 3, 6 or 12 months (the
    smallest step giving at most `max_ticks`); a yearly step is labelled by
    the year alone.
    """
    start = pd.Timestamp(first).to_period("M").to_timestamp()
    end = pd.Timestamp(last)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next((s for s in (1, 2, 3, 6, 12) if math.ceil(months / s) <= max_ticks), None)
    if step is None:
        step = 12 * math.ceil(months / 12 / max_ticks)
    if step >= 12:
        start = pd.Timestamp(year=start.year, month=1, day=1)
    ticks = list(pd.date_range(start, end, freq=f"{step}MS"))
    if step >= 12:
        labels = [str(t.year) for t in ticks]
    else:
        labels = [month_label(t) for t in ticks]
    return ticks, labels


def _french_date_axis(fig: go.Figure, first, last, max_ticks: int = 10) -> None:
    ticks, labels = month_ticks(first, last, max_ticks)
    # hoverformat: the axis label of a hover is dd/mm/yyyy, not plotly's "juin 30, 2023".
    fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=labels, hoverformat="%d/%m/%Y")


def integer_axis_step(top) -> int | None:
    """A tick step for a count axis up to `top`: 1 for small counts (plotly would
    otherwise tick at halves, printed as duplicate integers), else plotly's own."""
    return 1 if top is not None and float(top) <= 8 else None


@cached_figure
def empty_figure(message: str, height: int = 240) -> go.Figure:
    """A figure that says in French why there is nothing to draw (never a blank chart)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 15, "color": domain.GREY},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return french_layout(fig, height=height)


def percent_ticks(top: float, most: int = 6) -> dict:
    """Axis settings writing a share's ticks as fmt.percent does (« 20 % », one rule for the
    app): plotly's ".0%" format cannot put the space before %. Ticks from 0 to `top` at a
    round step, at most `most` of them past zero."""
    steps = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
    step = next((s for s in steps if top / s <= most), steps[-1])
    values = [round(i * step, 4) for i in range(math.floor(top / step + 1e-9) + 1)]
    return {"tickmode": "array", "tickvals": values, "ticktext": [fmt.percent(v) for v in values]}


# --- Adhesions ---------------------------------------------------------------
@cached_figure
def adhesion_curve(curve: pd.DataFrame, as_of: dt.date | None = None) -> go.Figure:
    """Member communes over time, as steps, under the ceiling of the province's communes.

    `curve`: `queries.adhesion_curve` (day, communes_adhered, communes_total).
    The ceiling is drawn as its own step line (44, then 43 after the
    02/12/2024 merger), so the gap to it reads directly.
    """
    if curve.empty:
        return empty_figure("Aucune adhésion à cette date.")
    days = pd.to_datetime(curve["day"])
    last_day = pd.Timestamp(as_of) if as_of else days.max()
    # Extend the last step to the reference date so the curve does not stop early.
    if days.max() < last_day:
        curve = pd.concat([curve, curve.tail(1).assign(day=last_day)], ignore_index=True)
        days = pd.to_datetime(curve["day"])
    adhered_text = [
        f"{fmt.date(d)} : {fmt.count(int(a), 'commune adhérente', 'communes adhérentes')}"
        f" sur {int(t)} ({fmt.percent(a / t if t else None)})"
        for d, a, t in zip(days, curve["communes_adhered"], curve["communes_total"])
    ]
    ceiling_text = [
        f"{fmt.date(d)} : {int(t)} communes dans la province"
        for d, t in zip(days, curve["communes_total"])
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=days,
            y=curve["communes_total"],
            name="Communes de la province (plafond)",
            mode="lines",
            line={"shape": "hv", "color": domain.GREY, "dash": "dash", "width": 1.5},
            customdata=ceiling_text,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=days,
            y=curve["communes_adhered"],
            name=measures.label("communes_adhered"),
            mode="lines",
            line={"shape": "hv", "color": domain.BLUE, "width": 3},
            fill="tozeroy",
            fillcolor=CURVE_FILL,
            customdata=adhered_text,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    french_layout(fig, "Communes adhérentes (cumul)")
    fig.update_layout(hovermode="x")  # both lines at the hovered day
    # Say the ceiling's value where it ends (44, or 43 after the merger).
    last_total = int(curve["communes_total"].iloc[-1])
    fig.add_annotation(
        x=days.iloc[-1],
        y=last_total,
        text=f"{last_total} communes",
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        font={"color": domain.GREY},
    )
    fig.update_yaxes(
        title="Communes", rangemode="tozero", range=[0, int(curve["communes_total"].max()) + 3]
    )
    fig.update_xaxes(title=None)
    _french_date_axis(fig, days.min(), days.max())
    return fig


# --- Orders --------------------------------------------------------------
# Beyond three years, monthly bars become hairlines: count by quarter instead.
QUARTERLY_AFTER_MONTHS = 36


@cached_figure
def orders_per_month(monthly: pd.DataFrame) -> go.Figure:
    """Order forms sent and orders awarded per month, side by side.

    `monthly`: `queries.orders_per_month` (month, orders_sent, orders_awarded).
    Over more than QUARTERLY_AFTER_MONTHS months the bars count quarters
    (the title says so).
    """
    if monthly.empty or (monthly["orders_sent"].sum() + monthly["orders_awarded"].sum()) == 0:
        return empty_figure("Aucune commande à cette date.")
    frame = monthly.assign(month=pd.to_datetime(monthly["month"]))
    first, last = frame["month"].min(), frame["month"].max()
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    quarterly = span > QUARTERLY_AFTER_MONTHS
    if quarterly:
        frame = (
            frame.assign(month=frame["month"].dt.to_period("Q").dt.to_timestamp())
            .groupby("month", as_index=False)[["orders_sent", "orders_awarded"]]
            .sum()
        )
        labels = [f"T{m.quarter} {m.year}" for m in frame["month"]]
        period, title = "M3", "Commandes par trimestre"
    else:
        labels = [month_label(m) for m in frame["month"]]
        period, title = "M1", "Commandes par mois"
    fig = go.Figure()
    for column, name, colour, unit in (
        (
            "orders_sent",
            measures.label("orders_sent"),
            domain.SKY_BLUE,
            ("bon envoyé", "bons envoyés"),
        ),
        (
            "orders_awarded",
            measures.label("orders_awarded"),
            domain.BLUE,
            ("attribution", "attributions"),
        ),
    ):
        fig.add_trace(
            go.Bar(
                x=frame["month"],
                y=frame[column],
                name=name,
                marker_color=colour,
                customdata=[
                    f"{lab} : {fmt.count(int(v), *unit)}" for lab, v in zip(labels, frame[column])
                ],
                hovertemplate=f"{name}<br>%{{customdata}}<extra></extra>",
                xperiod=period,
                xperiodalignment="middle",
            )
        )
    french_layout(fig, title)
    fig.update_layout(barmode="group", bargap=0.2)
    top = max(frame["orders_sent"].max(), frame["orders_awarded"].max())
    fig.update_yaxes(
        title="Commandes", rangemode="tozero", tickformat=",d", dtick=integer_axis_step(top)
    )
    fig.update_xaxes(title=None)
    _french_date_axis(fig, first, last + pd.offsets.MonthEnd(0))
    return fig


@cached_figure
def orders_by_solution(by_solution: pd.DataFrame) -> go.Figure:
    """Awarded (and pending) orders per catalogue solution, largest first.

    `by_solution`: `queries.orders_by_solution` (solution, orders_awarded,
    orders_pending, amount_eur, communes).
    """
    if by_solution.empty or (
        by_solution["orders_awarded"].sum() + by_solution["orders_pending"].sum() == 0
    ):
        return empty_figure("Aucune commande à cette date.")
    frame = by_solution.sort_values(
        ["orders_awarded", "orders_pending", "solution"], ascending=[True, True, False]
    )
    pending_label = domain.ORDER_STATUS_LABELS[domain.OrderStatus.SENT]
    pending_words = ("commande " + pending_label.lower(), "commandes " + pending_label.lower())
    hover = [
        f"<b>{s}</b><br>{fmt.count(int(a), 'commande attribuée', 'commandes attribuées')}"
        f"<br>{fmt.count(int(p), *pending_words)}"
        f"<br>Montant attribué : {fmt.money(m)}<br>{fmt.count(int(c), 'commune')}"
        for s, a, p, m, c in zip(
            frame["solution"],
            frame["orders_awarded"],
            frame["orders_pending"],
            frame["amount_eur"],
            frame["communes"],
        )
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=frame["solution"],
            x=frame["orders_awarded"],
            orientation="h",
            name="Attribuées",
            marker_color=domain.ORDER_STATUS_COLOURS[domain.OrderStatus.AWARDED],
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            text=frame["orders_awarded"].where(frame["orders_awarded"] > 0),
            textposition="inside",
        )
    )
    if frame["orders_pending"].sum() > 0:
        fig.add_trace(
            go.Bar(
                y=frame["solution"],
                x=frame["orders_pending"],
                orientation="h",
                name=pending_label,
                marker_color=domain.ORDER_STATUS_COLOURS[domain.OrderStatus.SENT],
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    french_layout(fig, "Commandes par solution", height=max(300, 32 * len(frame) + 90))
    fig.update_layout(barmode="stack")
    top = (frame["orders_awarded"] + frame["orders_pending"]).max()
    fig.update_xaxes(
        title="Commandes", tickformat=",d", rangemode="tozero", dtick=integer_axis_step(top)
    )
    fig.update_yaxes(title=None, automargin=True)
    return fig


@cached_figure
def lead_time_distribution(orders: pd.DataFrame, promise_days: int = AWARD_PROMISE_DAYS):
    """How many awarded orders took each number of days, with the promise line.

    `orders`: any frame with a `lead_days` column (`queries.orders_table` or
    `queries.lead_times`); rows without a lead time (pending) are ignored.
    Bars past the promise are drawn in the "late" colour.
    """
    days = pd.to_numeric(orders["lead_days"], errors="coerce").dropna().astype(int)
    if days.empty:
        return empty_figure("Aucune commande attribuée à cette date.")
    counts = days.value_counts().sort_index()
    within = int((days <= promise_days).sum())
    colours = [domain.BLUE if d <= promise_days else LATE for d in counts.index]
    fig = go.Figure(
        go.Bar(
            x=counts.index,
            y=counts.values,
            marker_color=colours,
            name="Commandes",
            customdata=[
                f"{fmt.days(d)} : {fmt.count(int(n), 'commande')}" for d, n in counts.items()
            ],
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_vline(
        x=promise_days + 0.5,
        line_dash="dash",
        line_color=domain.VERMILLION,
        line_width=2,
        annotation_text=f"Promesse : {promise_days} jours",
        annotation_position="top right",
        annotation_font_color=domain.VERMILLION,
    )
    title = (
        f"Délai d'attribution — {within} sur {len(days)} "
        f"({fmt.percent(within / len(days))}) en {promise_days} jours au plus"
    )
    french_layout(fig, title)
    fig.update_xaxes(
        title="Jours entre l'envoi du bon de commande et l'attribution",
        tickformat=",d",
        range=[-0.5, max(int(counts.index.max()), promise_days) + 1.5],
    )
    fig.update_yaxes(
        title="Commandes",
        tickformat=",d",
        rangemode="tozero",
        dtick=integer_axis_step(counts.max()),
    )
    return fig


# Labels from the registry of measures (centrale.semantic.measures): one name per figure.
PROVIDER_METRICS = {
    "orders_won": (measures.label("orders_won"), lambda v: fmt.count(int(v), "commande")),
    "amount_eur": (measures.label("provider_amount_eur"), fmt.money),
    "median_lead_days": (measures.label("median_lead_days"), lambda v: fmt.days(v, 1)),
}


@cached_figure
def providers_by_solution(shares: pd.DataFrame, metric: str = "orders_won") -> go.Figure:
    """Per solution, its framework providers side by side on one `metric`.

    `shares`: `queries.provider_shares` (solution, provider, orders_won,
    amount_eur, median_lead_days). One row per provider, grouped under its
    solution (a two-level axis), so every provider has its own labelled bar,
    including those that won nothing yet.
    """
    if metric not in PROVIDER_METRICS:
        raise ValueError(f"indicateur inconnu : {metric}")
    if shares.empty:
        return empty_figure("Aucun accord-cadre à cette date.")
    label, formatter = PROVIDER_METRICS[metric]
    # Reversed: plotly draws the first row at the bottom of a horizontal bar chart.
    frame = shares.sort_values(
        ["solution", "orders_won", "provider"], ascending=[True, False, True]
    ).iloc[::-1]
    values = frame[metric].fillna(0)
    hover = [
        f"<b>{p}</b> — {s}<br>{fmt.count(int(o), 'commande remportée', 'commandes remportées')}"
        f"<br>Montant : {fmt.money(a)}<br>Délai médian : {fmt.days(m, 1)}"
        for p, s, o, a, m in zip(
            frame["provider"],
            frame["solution"],
            frame["orders_won"],
            frame["amount_eur"],
            frame["median_lead_days"],
        )
    ]
    fig = go.Figure(
        go.Bar(
            y=[list(frame["solution"]), list(frame["provider"])],
            x=values,
            orientation="h",
            marker_color=[domain.BLUE if w > 0 else MUTED for w in frame["orders_won"]],
            text=[formatter(v) for v in frame[metric]],
            textposition="outside",
            cliponaxis=False,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    french_layout(
        fig,
        f"Prestataires par solution — {label.lower()}",
        height=max(320, 24 * len(frame) + 110),
    )
    fig.update_layout(bargap=0.25)
    fig.update_yaxes(title=None, automargin=True, dividercolor="#C9D1CF", tickfont={"size": 12})
    axis_format = {"orders_won": ",d", "amount_eur": ",.0f", "median_lead_days": ",d"}[metric]
    top = float(values.max()) if len(values) else 0
    fig.update_xaxes(
        title=label,
        tickformat=axis_format,
        range=[0, max(top, 1) * 1.4],
        dtick=integer_axis_step(top) if metric == "orders_won" else None,
    )
    if metric == "amount_eur":
        fig.update_xaxes(ticksuffix=f"{fmt.NBSP}€")
    if metric == "median_lead_days":
        fig.update_xaxes(range=[0, max(top, AWARD_PROMISE_DAYS) * 1.3])
        fig.add_vline(
            x=AWARD_PROMISE_DAYS,
            line_dash="dash",
            line_color=domain.VERMILLION,
            annotation_text=f"Promesse : {AWARD_PROMISE_DAYS} jours",
            annotation_font_color=domain.VERMILLION,
        )
    return fig


# --- Subsidies -------------------------------------------------------------
SUBSIDY_METRICS = {
    key: (m.label, m.format, m.tick_format, m.tick_suffix, m.kind)
    for key, m in (
        ("amount_eur", measures.measure("subsidy_amount_eur")),
        ("amount_per_inhabitant", measures.measure("subsidy_per_inhabitant")),
        ("share", measures.measure("subsidy_share")),
    )
}


@cached_figure
def subsidies_by_province(
    by_province: pd.DataFrame, metric: str = "amount_eur", province_nis: str = PROVINCE_NIS
) -> go.Figure:
    """One call's subsidies per province of the region, the centrale's province highlighted.

    `by_province`: `queries.subsidies_by_province` for ONE call year
    (province, prov_nis, amount_eur, amount_per_inhabitant, share, projects).
    """
    if metric not in SUBSIDY_METRICS:
        raise ValueError(f"indicateur inconnu : {metric}")
    if by_province.empty:
        return empty_figure("Aucun subside pour cet appel à projets.")
    label, formatter, tick_format, suffix, kind = SUBSIDY_METRICS[metric]
    frame = by_province.sort_values(metric)
    colours = [HIGHLIGHT if p == province_nis else MUTED for p in frame["prov_nis"]]
    hover = [
        f"<b>{p}</b><br>Montant : {fmt.money(a, 0)}<br>Par habitant : {fmt.money(h)}"
        f"<br>Part : {fmt.percent(s, 1)}<br>{fmt.count(int(n), 'projet')}"
        for p, a, h, s, n in zip(
            frame["province"],
            frame["amount_eur"],
            frame["amount_per_inhabitant"],
            frame["share"],
            frame["projects"],
        )
    ]
    fig = go.Figure(
        go.Bar(
            y=frame["province"],
            x=frame[metric],
            orientation="h",
            marker_color=colours,
            text=[formatter(v) for v in frame[metric]],
            textposition="auto",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    year = int(frame["call_year"].iloc[0]) if "call_year" in frame else None
    title = f"{label} par province" + (f" — {domain.subsidy_call_label(year)}" if year else "")
    french_layout(fig, title, height=max(260, 44 * len(frame) + 90))
    fig.update_xaxes(title=label, tickformat=tick_format, ticksuffix=suffix, rangemode="tozero")
    if kind == "percent":
        fig.update_xaxes(**percent_ticks(float(frame[metric].max()) * 1.1))
    fig.update_yaxes(title=None, automargin=True)
    return fig


@cached_figure
def province_share_by_year(by_province: pd.DataFrame, province_nis: str = PROVINCE_NIS):
    """The province's share of each regional call, one bar per call year.

    `by_province`: `queries.subsidies_by_province` for all years.
    """
    frame = by_province[by_province["prov_nis"] == province_nis].sort_values("call_year")
    if frame.empty:
        return empty_figure("Aucun subside régional pour la province.")
    years = [str(int(y)) for y in frame["call_year"]]
    hover = [
        f"<b>Appel {y}</b><br>Part de la province : {fmt.percent(s, 1)}"
        f"<br>Montant : {fmt.money(a, 0)}<br>Par habitant : {fmt.money(h)}"
        for y, s, a, h in zip(
            years, frame["share"], frame["amount_eur"], frame["amount_per_inhabitant"]
        )
    ]
    fig = go.Figure(
        go.Bar(
            x=years,
            y=frame["share"],
            marker_color=HIGHLIGHT,
            text=[fmt.percent(s) for s in frame["share"]],
            textposition="outside",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    french_layout(fig, "Part de la province dans le subside régional, par appel")
    fig.update_xaxes(title="Appel à projets", type="category")
    top = max(0.3, float(frame["share"].max()) * 1.25)
    fig.update_yaxes(
        title=measures.label("subsidy_share"),
        range=[0, top],
        **percent_ticks(top),
    )
    return fig


@cached_figure
def subsidies_by_beneficiary(projects: pd.DataFrame) -> go.Figure:
    """The province's subsidised projects summed per beneficiary (commune or body).

    `projects`: `queries.subsidies_in_province` (beneficiary, commune,
    project, amount_eur).
    """
    if projects.empty:
        return empty_figure("Aucun projet subsidié dans la province pour cet appel.")
    grouped = (
        projects.groupby("beneficiary", as_index=False)
        .agg(
            amount_eur=("amount_eur", "sum"),
            projects=("project", "count"),
            is_commune=("commune", lambda s: s.notna().any()),
        )
        .sort_values("amount_eur")
    )
    # One trace per kind of beneficiary, so the legend says what the colours mean;
    # the category order keeps the bars sorted by amount across both traces.
    fig = go.Figure()
    for is_commune, name, colour in (
        (True, "Communes", domain.BLUE),
        (False, "Autres organismes", domain.ORANGE),
    ):
        rows = grouped[grouped["is_commune"] == is_commune]
        if rows.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=rows["beneficiary"],
                x=rows["amount_eur"],
                orientation="h",
                name=name,
                marker_color=colour,
                text=[fmt.money(a, 0) for a in rows["amount_eur"]],
                textposition="auto",
                customdata=[
                    f"<b>{b}</b><br>{fmt.money(a)}<br>{fmt.count(int(n), 'projet')}"
                    for b, a, n in zip(rows["beneficiary"], rows["amount_eur"], rows["projects"])
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    french_layout(
        fig, "Projets de la province par bénéficiaire", height=max(260, 30 * len(grouped) + 90)
    )
    fig.update_xaxes(
        title=measures.label("subsidy_amount_eur"), tickformat=",.0f", ticksuffix=f"{fmt.NBSP}€"
    )
    fig.update_yaxes(
        title=None,
        automargin=True,
        categoryorder="array",
        categoryarray=list(grouped["beneficiary"]),
    )
    return fig
