"""The board report: what the centrale did in a year (or any period), on one A4 page.

Adhesions, orders and amounts awarded, lead times against the 20-day promise,
the savings of the mini-competitions, that year's survey, and what changed
against the period before — as a PDF (`board_pdf`) and the same as slides
(`board_deck`). Every figure comes from the core's own definitions
(`queries.period_figures`, `queries.commune_status`, `competition`,
`survey`), here only gathered for a period and put into French.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd

from centrale import fmt, periods
from centrale.cached import cached_query
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets import competition, queries, survey
from centrale.domain import AdhesionStatus
from centrale.semantic import measures
from reports import paper

TOP_NEEDS = 5


@dataclass(frozen=True)
class PeriodFacts:
    """The figures of one period, as known on `as_of`."""

    since: dt.date
    until: dt.date
    orders: dict  # queries.period_figures
    joined: list[str]  # communes whose first convention was signed in the period
    withdrawn: list[str]  # communes that withdrew in the period (and are still out)
    adhered_at_end: int
    communes_at_end: int
    gain_eur: float | None  # competition gains of the orders awarded in the period
    compared: int  # orders awarded in the period whose offers were compared
    won_on_quality: int


@dataclass(frozen=True)
class BoardReport:
    period: periods.Period
    as_of: dt.date
    now: PeriodFacts
    before: PeriodFacts | None
    before_label: str | None
    survey_year: int | None
    survey_summary: dict | None  # survey.campaign_summary
    top_needs: pd.DataFrame  # survey.rank_needs, the first TOP_NEEDS


def in_period(values: pd.Series, since: dt.date, until: dt.date) -> pd.Series:
    """Whether each date or timestamp of `values` falls from `since` to `until`, both days
    included (missing: no)."""
    stamps = pd.to_datetime(values)
    return (
        stamps.notna()
        & (stamps >= pd.Timestamp(since))
        & (stamps < pd.Timestamp(until) + pd.Timedelta(days=1))
    )


@cached_query
def period_facts(con, as_of: dt.date, since: dt.date, until: dt.date) -> PeriodFacts:
    orders = queries.period_figures(con, as_of, since, until)
    status = queries.commune_status(con, as_of)
    joined = status.loc[in_period(status["signed_on"], since, until), "name_fr"]
    withdrawn = status.loc[
        (status["adhesion_status"] == AdhesionStatus.WITHDRAWN)
        & in_period(status["withdrawn_on"], since, until),
        "name_fr",
    ]
    end = queries.kpis(con, until) if until < as_of else queries.kpis(con, as_of)
    awarded = competition.order_competition(con, as_of)
    compared = awarded[in_period(awarded["awarded_on"], since, until) & awarded["gain_eur"].notna()]
    return PeriodFacts(
        since,
        until,
        orders,
        fmt.sorted_names(joined),
        fmt.sorted_names(withdrawn),
        int(end["communes_adhered"]),
        int(end["communes_total"]),
        float(round(compared["gain_eur"].sum(), 2)) if len(compared) else None,
        len(compared),
        int((compared["won_on"] == "qualité").sum()),
    )


def previous_period(period: periods.Period) -> tuple[dt.date, dt.date, str] | None:
    """The period before: the year before for a year, else the same number of days just
    before; None when it would start before the centrale opened."""
    prior = period.previous()
    if prior is not None:
        return prior.since, prior.until, prior.label
    span = (period.until - period.since).days
    until = period.since - dt.timedelta(days=1)
    since = until - dt.timedelta(days=span)
    if since < periods.OPENED_ON:
        return None
    return since, until, f"du {fmt.date(since)} au {fmt.date(until)}"


@cached_query
def board_report(con, period: periods.Period) -> BoardReport:
    as_of = period.as_of
    now = period_facts(con, as_of, period.since, period.until)
    before_bounds = previous_period(period)
    before = before_label = None
    if before_bounds is not None:
        before = period_facts(con, as_of, before_bounds[0], before_bounds[1])
        before_label = before_bounds[2]
    year = period.year or period.until.year
    campaigns = con.execute(
        "SELECT year FROM survey_campaigns WHERE year = ? AND sent_on <= ?", [year, as_of]
    ).fetchall()
    survey_year = year if campaigns else None
    summary, top = None, pd.DataFrame()
    if survey_year is not None:
        summary = survey.campaign_summary(survey.campaign_status(con, survey_year, as_of))
        top = survey.rank_needs(survey.survey_answers_at(con, as_of), survey_year).head(TOP_NEEDS)
    return BoardReport(period, as_of, now, before, before_label, survey_year, summary, top)


# -- in French ----------------------------------------------------------------------------


def title(r: BoardReport) -> str:
    return "Rapport au conseil d'administration"


def subtitle(r: BoardReport) -> str:
    return (
        f"Centrale d'achats Smart · IDELUX Projets publics · {r.period.label} · "
        f"situation au {fmt.date(r.as_of)}"
    )


def key_figures(r: BoardReport) -> list[tuple[str, str, str]]:
    """(value, label, detail) of the four tiles."""
    n, o = r.now, r.now.orders
    within = o["share_awarded_within_20_days"]
    return [
        (
            f"{n.adhered_at_end} sur {n.communes_at_end}",
            f"communes adhérentes au {fmt.date(n.until)}",
            f"{fmt.count(len(n.joined), 'nouvelle adhésion', 'nouvelles adhésions')}, "
            f"{fmt.count(len(n.withdrawn), 'retrait', 'retraits')} sur la période",
        ),
        (
            measures.format_value("orders_awarded", o["orders_awarded"]),
            "commandes attribuées",
            f"pour {measures.format_value('amount_awarded_eur', o['amount_awarded_eur'] or 0)}"
            f" HTVA ; {fmt.count(o['orders_sent'], 'bon envoyé', 'bons envoyés')}",
        ),
        (
            measures.format_value("median_award_days", o["median_award_days"]),
            "délai médian d'attribution",
            (
                f"{measures.format_value('share_awarded_within_20_days', within)} en "
                f"{AWARD_PROMISE_DAYS} jours au plus (la promesse)"
            )
            if within is not None
            else f"aucune attribution ; promesse : {AWARD_PROMISE_DAYS} jours",
        ),
        (
            fmt.money(n.gain_eur, 0) if n.gain_eur is not None else fmt.MISSING,
            "gagnés par la remise en concurrence",
            f"sur {fmt.count(n.compared, 'commande comparée', 'commandes comparées')}"
            if n.compared
            else "aucune commande comparée sur la période",
        ),
    ]


def adhesion_lines(r: BoardReport) -> list[str]:
    n = r.now
    lines = [
        f"Nouvelles adhésions ({len(n.joined)}) : {_names(n.joined)}.",
        f"Retraits ({len(n.withdrawn)}) : {_names(n.withdrawn)}.",
    ]
    return lines


def lead_time_lines(r: BoardReport) -> list[str]:
    o = r.now.orders
    lines = []
    if o["orders_awarded"]:
        within = o["share_awarded_within_20_days"]
        lines.append(
            f"Délai médian du bon de commande à l'attribution : "
            f"{measures.format_value('median_award_days', o['median_award_days'])} ; "
            f"{measures.format_value('share_awarded_within_20_days', within)} des "
            f"{o['orders_awarded']} attributions de la période tiennent la promesse de "
            f"{AWARD_PROMISE_DAYS} jours."
        )
    else:
        lines.append("Aucune attribution sur la période : pas de délai à mesurer.")
    lines.append(
        f"Commandes envoyées sur la période dont la promesse n'est pas tenue (attribuées "
        f"en plus de {AWARD_PROMISE_DAYS} jours, ou en attente depuis plus longtemps au "
        f"{fmt.date(r.as_of)}) : {o['orders_late']} ; encore en cours d'attribution : "
        f"{o['orders_pending']}."
    )
    if r.now.compared:
        quality = (
            f", dont {fmt.count(r.now.won_on_quality, 'gagnée', 'gagnées')} sur la qualité par "
            "une offre plus chère"
            if r.now.won_on_quality
            else ""
        )
        lines.append(
            f"Remise en concurrence : {fmt.money(r.now.gain_eur, 0)} HTVA gagnés sur "
            f"{fmt.count(r.now.compared, 'commande comparée', 'commandes comparées')}{quality} "
            "(offre écartée la moins chère moins offre retenue)."
        )
    return lines


def survey_title(r: BoardReport) -> str:
    if r.survey_year is None:
        return "Enquête des besoins"
    return f"L'enquête des besoins {r.survey_year}"


def survey_lines(r: BoardReport) -> list[str]:
    if r.survey_year is None:
        return [
            f"Aucune enquête des besoins envoyée en {r.period.until.year} (au {fmt.date(r.as_of)})."
        ]
    s = r.survey_summary
    return [
        f"{s['answered']} communes sur {s['communes']} ont répondu "
        f"({fmt.percent(s['rate'])}) : {s['members_answered']} adhérentes sur {s['members']}, "
        f"{s['non_members_answered']} non adhérentes sur {s['non_members']} ; "
        f"{fmt.count(s['late'], 'réponse tardive', 'réponses tardives')}."
    ]


NEED_HEADERS = ["Besoin le plus demandé", "Communes", "Au catalogue ?"]


def need_rows(r: BoardReport) -> list[list[str]]:
    return [
        [n["need"], fmt.number(n["communes"]), str(n["status"])] for _, n in r.top_needs.iterrows()
    ]


CHANGE_HEADERS = ["Indicateur", "Période", "Période précédente", "Évolution"]


def change_rows(r: BoardReport) -> list[list[str]]:
    """Each figure this period, the period before and the change (in its own unit)."""
    if r.before is None:
        return []
    n, b = r.now, r.before

    def row(label, now, before, kind):
        def show(v):
            if v is None:
                return fmt.MISSING
            if kind == "money":
                return fmt.money(v, 0)
            if kind == "days":
                return fmt.days(v, 1)
            if kind == "percent":
                return fmt.percent(v)
            return fmt.number(v)

        if now is None or before is None:
            change = fmt.MISSING
        else:
            diff = now - before
            sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
            if kind == "percent":
                change = f"{sign}{fmt.number(abs(diff) * 100)} points"
            elif kind == "days":
                change = f"{sign}{fmt.days(abs(diff), 1)}"
            elif kind == "money":
                change = f"{sign}{fmt.money(abs(diff), 0)}"
            else:
                change = f"{sign}{fmt.number(abs(diff))}"
        return [label, show(now), show(before), change]

    o, p = n.orders, b.orders
    return [
        row("Nouvelles adhésions", len(n.joined), len(b.joined), "int"),
        row("Retraits", len(n.withdrawn), len(b.withdrawn), "int"),
        row(measures.label("orders_sent"), o["orders_sent"], p["orders_sent"], "int"),
        row(measures.label("orders_awarded"), o["orders_awarded"], p["orders_awarded"], "int"),
        row(
            measures.label("amount_awarded_eur"),
            o["amount_awarded_eur"] or 0,
            p["amount_awarded_eur"] or 0,
            "money",
        ),  # fmt: skip
        row(
            measures.label("median_award_days"),
            o["median_award_days"],
            p["median_award_days"],
            "days",
        ),
        row(
            measures.label("share_awarded_within_20_days"),
            o["share_awarded_within_20_days"],
            p["share_awarded_within_20_days"],
            "percent",
        ),
        row(measures.label("competition_gain_eur"), n.gain_eur, b.gain_eur, "money"),
    ]


def change_title(r: BoardReport) -> str:
    return f"Ce qui a changé par rapport à la période précédente ({r.before_label})"


def _names(values: list[str]) -> str:
    if not values:
        return "aucune"
    return ", ".join(values[:-1]) + (" et " if len(values) > 1 else "") + values[-1]


def base_name(r: BoardReport) -> str:
    return f"Rapport_CA_{r.period.since.isoformat()}_{r.period.until.isoformat()}"


def footer(r: BoardReport) -> tuple[str, str]:
    return (
        "IDELUX Projets publics · Centrale d'achats Smart · commander sans cahier des "
        f"charges, attribution en {AWARD_PROMISE_DAYS} jours",
        f"Situation au {fmt.date(r.as_of)}",
    )


# -- the PDF ----------------------------------------------------------------------------


def board_pdf(r: BoardReport) -> bytes:
    pdf = paper.new_paper(title(r), subtitle(r), *footer(r))
    scratch = paper.new_paper(title(r), subtitle(r), *footer(r))
    flow = paper.Flow(pdf, scratch)
    flow.place(lambda p, y: paper.tiles(p, paper.section(p, y, "La période en quatre chiffres"),
                                        key_figures(r)), gap=0)  # fmt: skip

    def text_block(heading, lines):
        def draw(p, y):
            y = paper.section(p, y, heading)
            for line in lines:
                y = p.wrapped(paper.MARGIN, y, paper.CONTENT_W, line, 8.5) + 0.8
            return y

        return draw

    flow.place(text_block("Adhésions", adhesion_lines(r)))
    flow.place(text_block("Commandes, délais et économies", lead_time_lines(r)))

    def survey_block(p, y):
        y = paper.section(p, y, survey_title(r))
        for line in survey_lines(r):
            y = p.wrapped(paper.MARGIN, y, paper.CONTENT_W, line, 8.5) + 0.8
        rows = need_rows(r)
        if rows:
            widths = paper.fit_widths(p, NEED_HEADERS, rows, [6, 1, 3], paper.CONTENT_W, 8)
            y = paper.table(p, paper.MARGIN, y + 0.5, widths, NEED_HEADERS, rows, 8)
        return y

    flow.place(survey_block)
    rows = change_rows(r)
    if rows:

        def change_block(p, y):
            y = paper.section(p, y, change_title(r))
            widths = paper.fit_widths(p, CHANGE_HEADERS, rows, [4, 2, 2, 2], paper.CONTENT_W, 8)
            return paper.table(
                p, paper.MARGIN, y, widths, CHANGE_HEADERS, rows, 8, ["L", "R", "R", "R"]
            )

        flow.place(change_block)
    else:
        flow.place(
            text_block(
                "Ce qui a changé",
                ["Pas de période précédente comparable : la centrale n'était pas encore ouverte."],
            )
        )
    return bytes(pdf.output())


# -- the slides ---------------------------------------------------------------------------


def board_deck(r: BoardReport) -> bytes:
    """The same report as 16:9 slides: title, four figures, adhesions and orders, survey,
    what changed. Text boxes are sized from measured text (`reports.slides`)."""
    from reports import slides

    deck = slides.new_deck(f"{title(r)} — {r.period.label}")
    slides.title_slide(deck, title(r), r.period.label, [subtitle(r)])
    s = slides.content_slide(deck, "La période en quatre chiffres")
    top = slides.tiles(s, key_figures(r))
    slides.text_lines(s, adhesion_lines(r), top=top + slides.GAP, size=18)
    s = slides.content_slide(deck, "Commandes, délais et économies")
    slides.text_lines(s, lead_time_lines(r), size=20, bullets=True)
    s = slides.content_slide(deck, survey_title(r))
    top = slides.text_lines(s, survey_lines(r), size=20)
    if need_rows(r):
        slides.table(s, NEED_HEADERS, need_rows(r), [6, 1.3, 3], top=top + slides.GAP)
    if change_rows(r):
        s = slides.content_slide(deck, "Ce qui a changé")
        top = slides.text_lines(s, [f"Par rapport à la période précédente : {r.before_label}."],
                                size=18)  # fmt: skip
        slides.table(
            s, CHANGE_HEADERS, change_rows(r), [4, 2, 2.2, 2], top=top + slides.GAP,
            align_right=(1, 2, 3),
        )  # fmt: skip
    slides.number_slides(deck, footer(r)[1])
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
