"""Campagne tab: who answered the survey and when, on a curve and a map, who to remind."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.datasets import queries, survey
from centrale.domain import AdhesionStatus
from centrale.plaintext import plain
from centrale.render import charts, mapfig, survey_charts
from ui import components as ui
from ui.data import figure, load, step
from ui.survey.common import campaign_dates, known_years

CAMPAIGN_MAP_HEIGHT = 420  # px: the map stands beside the response curve
# The three response cards: label, summary keys (answered, total, rate), the caption
# under the card (`{}`: the rate) and the help text.
RESPONSE_CARDS = (
    (
        "Réponses",
        ("answered", "communes", "rate"),
        "Taux de réponse : {}",
        "Communes existant à la date qui ont répondu (« aucun besoin » compris). "
        "L'écart compare le taux de réponse avec l'enquête précédente au même nombre de "
        "jours après l'envoi.",
    ),
    (
        "Adhérentes",
        ("members_answered", "members", "members_rate"),
        "{} des adhérentes",
        "Communes adhérentes à la date qui ont répondu.",
    ),
    (
        "Non adhérentes",
        ("non_members_answered", "non_members", "non_members_rate"),
        "{} des non adhérentes",
        "Communes sans adhésion active à la date qui ont répondu.",
    ),
)


def campaign_tab(year: int, day: dt.date) -> None:
    """The `year` campaign as known on `day`, compared with the previous one at the same
    number of days after sending."""
    campaigns = load(survey.survey_campaigns)
    years = known_years(campaigns, day)
    sent_on, deadline = campaign_dates(campaigns, year)
    status = load(survey.campaign_status, year, day)
    summary = survey.campaign_summary(status)
    previous_year = year - 1 if (year - 1) in years else None
    prev_sent, prev_deadline = (
        campaign_dates(campaigns, previous_year) if previous_year else (None, None)
    )
    # The previous campaign at the same point (same number of days after sending).
    offset = (day - sent_on).days if sent_on else None
    prev_status = None
    if previous_year and prev_sent and offset is not None:
        prev_day = min(prev_sent + dt.timedelta(days=offset), day)
        prev_status = load(survey.campaign_status, previous_year, prev_day)
    prev_summary = survey.campaign_summary(prev_status) if prev_status is not None else {}
    vs = f"vs {previous_year}" if prev_summary else None

    st.markdown(
        f"Envoyée le **{fmt.date(sent_on)}** · date limite **{fmt.date(deadline)}** "
        f"({plain(survey_charts.deadline_text(deadline, day))})"
    )
    cards = st.columns(4)
    for card, (label, (answered, total, rate), caption, help_text) in zip(cards, RESPONSE_CARDS):
        with card:
            ui.kpi_card(
                label,
                f"{summary[answered]} / {summary[total]}",
                ui.points_delta(summary[rate], prev_summary.get(rate)),
                description=vs,
                help=help_text,
            )
            st.caption(caption.format(fmt.percent(summary[rate])))
    with cards[3]:
        ui.kpi_card(
            "En retard",
            fmt.number(summary["late"]),
            help="Réponses reçues après la date limite (elles comptent quand même).",
        )
        st.caption(
            fmt.count(summary["no_needs"], "réponse « aucun besoin »", "réponses « aucun besoin »")
        )

    left, right = st.columns([1, 1], gap="medium")
    with left:
        if sent_on is None:
            ui.empty_state(f"La date d'envoi de l'enquête {year} n'est pas connue.")
        else:
            answered_days = pd.to_datetime(status["submitted_on"]).dropna()
            end = max([deadline or sent_on] + [d.date() for d in answered_days])
            until = min(day, end + dt.timedelta(days=7))
            curve = load(
                survey.response_curve, step(survey.campaign_status, year, day), sent_on, until
            )
            previous = None
            if prev_status is not None and prev_sent:
                # The previous campaign over as many days after its own sending.
                prev_end = min(prev_sent + dt.timedelta(days=max(len(curve) - 1, 0)), day)
                previous = load(
                    survey.response_curve,
                    step(survey.campaign_status, previous_year, prev_end),
                    prev_sent,
                    prev_end,
                )
            fig = figure(
                survey_charts.response_curve,
                curve,
                year,
                (deadline - sent_on).days if deadline else None,
                len(status),
                previous,
                previous_year if previous is not None else None,
            )
            ui.chart(fig, f"enquete-{year}-reponses", key="survey_curve")
            if prev_deadline and prev_sent:
                st.caption(
                    f"En pointillés : l'enquête {plain(previous_year)}, alignée sur son jour "
                    "d'envoi "
                    f"({fmt.date(prev_sent)})."
                )
    with right:
        _answers_map(year, day)

    _to_remind(status, year, day, deadline)
    _answered(status, year, day)


def _answers_map(year: int, day: dt.date) -> None:
    """The communes existing on `day`, coloured by answered / not, member / not."""
    shapes = load(queries.commune_shapes, day)
    if shapes.empty:
        ui.empty_state("Aucune commune à afficher à cette date.")
        return
    fig = figure(
        mapfig.category_map,
        load(survey.map_categories, step(survey.campaign_status, year, day)),
        shapes,
        "survey_map",
        survey.MAP_CATEGORIES,
        f"Enquête {year}",
        height=CAMPAIGN_MAP_HEIGHT,
        marks=survey.MAP_MARKS,
    )
    st.plotly_chart(
        fig,
        key="survey_map",
        theme=None,
        config=charts.plotly_config(f"enquete-{year}-carte"),
    )
    st.caption(
        "Bleu : a répondu (foncé et ● : adhérente, clair et ◎ : non adhérente). "
        "Vermillon et · : adhérente sans réponse. Jaune, sans marque : non adhérente "
        "sans réponse."
    )


def _to_remind(status: pd.DataFrame, year: int, day: dt.date, deadline: dt.date | None) -> None:
    """The communes that have not answered yet, with their Excel list: "à relancer" while
    the deadline is ahead, "sans réponse" once it has passed (a campaign of 2017 seen in
    2020 is history, not a to-do list; a late answer still counts)."""
    remind = survey.to_remind(status)
    closed = survey.deadline_passed(deadline, day)
    if closed:
        st.subheader(f"Communes sans réponse ({len(remind)})")
        # the header above gives the date and « dépassée de N jours »
        st.caption("Date limite dépassée : une réponse tardive compte encore.")
    else:
        st.subheader(f"Communes à relancer ({len(remind)})")
    remind["member_text"] = status_texts(remind, day)
    remind["last_text"] = remind["last_answer_year"].map(
        lambda y: "jamais" if pd.isna(y) else str(int(y))
    )
    ui.show_table(
        remind,
        [
            ui.Col.dim("commune", "name_fr"),
            ui.Col("member_text", "Statut"),
            ui.Col.dim("arrondissement"),
            ui.Col.of("population"),
            ui.Col(
                "last_text",
                "Dernière réponse",
                help="Dernière enquête à laquelle la commune a répondu (jusqu'à celle-ci).",
            ),
        ],
        key="survey_remind_excel",
        file_name=f"enquete-{year}-{'sans-reponse' if closed else 'a-relancer'}-{day.isoformat()}",
        sheet="Sans réponse" if closed else "À relancer",
        empty_message="Toutes les communes ont répondu. Aucune relance nécessaire.",
        height=300,
    )


def status_texts(frame: pd.DataFrame, day: dt.date) -> list[str]:
    """Each commune's adhesion status on `day` as every page says it (the one derivation,
    `queries.commune_status`, and the domain's labels): a commune that withdrew is
    « Retirée » here as on the overview and the map, not « non adhérente »."""
    statuses = load(queries.commune_status, day).set_index("nis_code")["adhesion_status"]
    return [AdhesionStatus(statuses[nis]).label for nis in frame["nis_code"]]


def _answered(status: pd.DataFrame, year: int, day: dt.date) -> None:
    """The answers received, oldest first, late ones highlighted (in an expander)."""
    answered = status[status["answered"].astype(bool)].sort_values("submitted_on")
    with st.expander(f"Réponses reçues ({len(answered)})"):
        answered = answered.assign(
            member_text=status_texts(answered, day),
            late_text=answered["late"].map({True: "en retard", False: ""}),
            needs_text=[
                "aucun besoin" if n else fmt.number(k)
                for n, k in zip(answered["no_needs"], answered["needs"])
            ],
        )
        ui.show_table(
            # '–' in the Excel file too (the table's placeholder only reaches the screen).
            answered.assign(respondent=answered["respondent"].fillna(fmt.MISSING)),
            [
                ui.Col("submitted_on", "Date de réponse", "date"),
                ui.Col.dim("commune", "name_fr"),
                ui.Col("member_text", "Statut"),
                ui.Col("late_text", "Retard"),
                ui.Col("needs_text", "Besoins"),
                ui.Col("respondent", "Répondant"),
            ],
            key="survey_answered_excel",
            file_name=f"enquete-{year}-reponses-recues",
            sheet="Réponses reçues",
            empty_message="Aucune réponse reçue à cette date.",
            highlight=list(answered["late"]),
            height=300,
        )
