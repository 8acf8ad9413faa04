"""Résultats tab: the needs of one survey ranked, the next catalogue's shortlist, the change
since the previous survey, demand by arrondissement and how often a need became an order."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.datasets import survey
from centrale.plaintext import plain
from centrale.render import survey_charts
from centrale.semantic import measures
from ui import components as ui
from ui.data import figure, load, step

TREND_ICONS = {
    "nouveau": "★ nouveau",
    "en hausse": "▲ en hausse",
    "stable": "● stable",
    "en baisse": "▼ en baisse",
    "première enquête": "– première enquête",
}


def _answers(day: dt.date):
    """The step reading the answers known on `day`: what every derivation below starts from."""
    return step(survey.survey_answers_at, day)


def _new_needs_history(day: dt.date, year: int, by: str) -> pd.DataFrame:
    """Survey after survey, the communes asking for the needs of `year` that no framework
    covers on `day`, in the order of their ranking `by`."""
    answers = _answers(day)
    uncovered = step(survey.uncovered_need_keys, step(survey.rank_needs, answers, year, by))
    return load(survey.need_history, answers, uncovered)


def results_tab(year: int, day: dt.date) -> None:
    """The results of the `year` survey with the answers and orders known on `day`."""
    # Answer counts per survey, not the answers themselves: at scale they are ~200,000
    # rows, and the cache hands back a copy of a frame at every rerun.
    counts = load(survey.respondents_by_year, day)
    answered = survey.respondents_in(counts, year)
    if answered == 0:
        ui.empty_state(f"Aucune réponse à l'enquête {year} à cette date.")
        return
    by = st.radio(
        "Classer les besoins par",
        list(survey.RANK_BY),
        format_func=survey.RANK_BY.get,
        horizontal=True,
        key="survey_rank_by",
        help="Demande pondérée : priorité 1 = 3 points, priorité 2 = 2, priorité 3 = 1 "
        "(sans priorité : 1).",
    )
    # Query -> DataFrame (cached, `load`) -> chart -> layout, like every page.
    ranked = load(survey.rank_needs, _answers(day), year, by)
    _summary_cards(answered, ranked)
    _ranking(ranked, by, year, day)
    _shortlist(by, year, day)
    has_previous = bool((counts["year"] < year).any())
    _trends(has_previous, load(survey.year_on_year, _answers(day), year), by, year, day)
    st.subheader("Par arrondissement")
    ui.chart(
        figure(
            survey_charts.by_arrondissement,
            load(survey.demand_by_arrondissement, _answers(day), year),
            list(ranked["need"]),
        ),
        f"enquete-{year}-arrondissements",
        "survey_arrondissements",
    )
    _conversion(day)


def _summary_cards(answered: int, ranked: pd.DataFrame) -> None:
    """The `answered` respondents, the needs, and the needs the catalogue covers or not
    (share of demand)."""
    covered = ranked[ranked["covered"]]
    new = ranked[~ranked["covered"]]
    cards = st.columns(4)
    with cards[0]:
        ui.kpi_card("Communes ayant répondu", fmt.number(answered))
    with cards[1]:
        ui.kpi_card(measures.label("needs_distinct"), fmt.number(len(ranked)))
    with cards[2]:
        ui.kpi_card(
            "Couverts par le catalogue",
            fmt.number(len(covered)),
            help="Besoins pour lesquels un accord-cadre de la centrale est en vigueur à la date.",
        )
        share = covered["weighted_demand"].sum() / max(ranked["weighted_demand"].sum(), 1)
        st.caption(f"{fmt.percent(share)} de la demande pondérée")
    with cards[3]:
        ui.kpi_card(
            "Nouveaux besoins",
            fmt.number(len(new)),
            help="Besoins qu'aucun accord-cadre en vigueur à la date ne couvre.",
        )
        st.caption(f"{fmt.percent(1 - share)} de la demande pondérée")


def _ranking(ranked: pd.DataFrame, by: str, year: int, day: dt.date) -> None:
    """The needs ranked `by` the chosen measure: chart, then table with its Excel file."""
    ui.chart(
        figure(survey_charts.ranking, ranked, by),
        f"enquete-{year}-classement",
        "survey_ranking",
    )
    ranked_view = ranked.assign(
        priority_text=ranked["priority_mean"].map(lambda v: fmt.number(v, 1)),
        budget_view=[
            fmt.money(b, 0) if n else fmt.MISSING
            for b, n in zip(ranked["budget_eur"], ranked["budgets"])
        ],
    )
    ui.show_table(
        ranked_view,
        [
            ui.Col("rank", "Rang", "int"),
            ui.Col("need", "Besoin"),
            ui.Col("status", "Catalogue"),
            ui.Col("communes", "Communes", "int"),
            ui.Col("members", "dont adhérentes", "int"),
            ui.Col("weighted_demand", "Demande pondérée", "int"),
            ui.Col("priority_text", "Priorité moyenne"),
            ui.Col.of("need_population"),
            ui.Col("budget_view", "Budgets annoncés"),
            ui.Col("share", "Part des répondants", "percent"),
        ],
        key="survey_ranking_excel",
        file_name=f"enquete-{year}-classement",
        sheet=f"Classement {year}",
        empty_message="Aucun besoin exprimé.",
        height=300,
    )


def _shortlist(by: str, year: int, day: dt.date) -> None:
    """The needs no framework agreement covers, asked by enough communes: the candidates
    for the next catalogue (named from the data: `survey.next_catalogue`)."""
    catalogue = load(survey.next_catalogue, day)
    st.subheader(f"Candidats pour le catalogue {catalogue}")
    min_communes = st.slider(
        "Nombre minimal de communes demandeuses",
        min_value=1,
        max_value=8,
        value=3,
        key="survey_min_communes",
        help="Un besoin nouveau ou en hausse est retenu dès 2 communes.",
    )
    answers = _answers(day)
    candidates = load(
        survey.shortlist,
        step(survey.rank_needs, answers, year, by),
        step(survey.year_on_year, answers, year),
        year,
        min_communes,
    )
    st.caption(
        "Besoins qu'aucun accord-cadre en vigueur ne couvre, demandés par au moins "
        f"{fmt.count(min_communes, 'commune')} (ou 2 s'ils sont nouveaux ou en hausse), "
        "classés par demande pondérée."
    )
    if candidates.empty:
        ui.empty_state("Aucun besoin non couvert n'atteint ce seuil pour cette enquête.")
    for i, row in enumerate(candidates.to_dict("records"), start=1):
        with st.container(border=True):
            st.markdown(
                f"**{plain(i)}. {plain(row['need'])}** — {TREND_ICONS.get(row['trend'], '')}"
            )
            st.caption(plain(row["reasons"]))
    if not candidates.empty:
        ui.excel_button(
            candidates.assign(trend_text=candidates["trend"].map(TREND_ICONS)),
            [
                ui.Col("need", "Besoin"),
                ui.Col("communes", "Communes", "int"),
                ui.Col("members", "dont adhérentes", "int"),
                ui.Col("weighted_demand", "Demande pondérée", "int"),
                ui.Col("priority_mean", "Priorité moyenne", "decimal"),
                ui.Col.of("need_population"),
                ui.Col("trend_text", "Tendance"),
                ui.Col("reasons", "Raisons"),
            ],
            key="survey_shortlist_excel",
            file_name=f"enquete-{year}-candidats-catalogue-{catalogue.replace('.', '-')}",
            sheet=f"Candidats {catalogue}",
        )


def _trends(has_previous: bool, trends: pd.DataFrame, by: str, year: int, day: dt.date) -> None:
    """Each need against the previous survey (if `has_previous`, answers to an older
    survey are known), and the history of the uncovered needs."""
    st.subheader(f"Évolution par rapport à {year - 1}" if has_previous else "Évolution")
    trends_view = trends.assign(
        trend_text=trends["trend"].map(TREND_ICONS),
        change_text=trends["change"].map(lambda c: f"{c:+d}".replace("-", "−")),
    )
    if not has_previous:
        ui.empty_state(f"L'enquête {year} est la première : pas encore d'évolution à comparer.")
    else:
        ui.show_table(
            trends_view,
            [
                ui.Col("need", "Besoin"),
                ui.Col("trend_text", "Tendance"),
                ui.Col("communes", f"Communes {year}", "int"),
                ui.Col("communes_previous", f"Communes {year - 1}", "int"),
                ui.Col("change_text", "Écart"),
                ui.Col("share", f"Part des répondants {year}", "percent"),
                ui.Col("first_year", "Première demande"),
            ],
            key="survey_trends_excel",
            file_name=f"enquete-{year}-evolution",
            sheet=f"Évolution {year}",
            empty_message="Pas d'enquête précédente à comparer.",
            height=300,
        )
    ui.chart(
        figure(survey_charts.history, _new_needs_history(day, year, by), year),
        f"enquete-{year}-nouveaux-besoins",
        "survey_history",
    )


def _conversion(day: dt.date) -> None:
    """How many communes that asked for a catalogue solution ordered it since."""
    st.subheader("De la demande à la commande")
    conv = load(survey.conversion, _answers(day), step(survey.survey_orders_at, day))
    st.caption(
        "Pour chaque solution du catalogue : combien des communes qui l'ont demandée (toutes "
        "enquêtes jusqu'à la date) l'ont commandée depuis leur demande."
    )
    ui.chart(figure(survey_charts.conversion, conv), "enquete-conversion", "survey_conversion")
    ui.show_table(
        conv,
        [
            ui.Col.dim("solution", "need"),
            ui.Col("catalogue", "Catalogue"),
            ui.Col("communes_asked", "Communes demandeuses", "int"),
            ui.Col("communes_ordered", "… l'ayant commandée depuis", "int"),
            ui.Col("rate", "Taux de conversion", "percent"),
            ui.Col("first_year", "Première demande"),
        ],
        key="survey_conversion_excel",
        file_name=f"enquete-conversion-{day.isoformat()}",
        sheet="Conversion",
        empty_message="Aucune solution du catalogue demandée à cette date.",
        height=300,
    )
