"""The sections "what the competition gained" and "from first contact to order".

Shared by the overview (province) and the commune page: widgets only, every
figure from `centrale.datasets` (`competition`, `outreach` and `worth`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets import competition, outreach, worth
from centrale.plaintext import plain
from centrale.render import worth_charts
from centrale.semantic import measures
from ui import components as ui
from ui.data import figure, load

GAIN_HELP = (
    "Pour chaque commande attribuée, les deux prestataires de l'accord-cadre ont remis une "
    "offre. Le gain est l'offre écartée la moins chère moins l'offre retenue : négatif "
    "quand l'offre retenue, plus chère, l'a emporté sur la qualité."
)
FUNNEL_COLUMNS = [
    ui.Col("label", "Étape"),
    ui.Col("communes", "Communes", "int"),
    # Short headers: the grid never wraps a header, and this table has 380 px at 1366.
    ui.Col("conversion", "Part", "percent", help="Part des communes de l'étape précédente."),
    ui.Col.of("median_days_from_previous_step", short=True),
]


def competition_section(day: dt.date) -> None:
    """ "Ce que la remise en concurrence a fait gagner aux communes" (province)."""
    st.subheader("Ce que la remise en concurrence a fait gagner aux communes")
    orders = load(competition.order_competition, day)
    compared = orders[orders["gain_eur"].notna()]
    if compared.empty:
        ui.empty_state("Aucune commande attribuée dont les offres sont connues à cette date.")
        return
    cards = st.columns(3)
    with cards[0]:
        ui.kpi_card(
            measures.label("competition_gain_eur"),
            fmt.money(compared["gain_eur"].sum(), 0),
            help=GAIN_HELP,
        )
        st.caption("HTVA, contrats de quatre ans, depuis l'ouverture")
    with cards[1]:
        ui.kpi_card(
            "Commandes mises en concurrence",
            f"{fmt.number(len(compared))} / {fmt.number(len(orders))}",
            help="Commandes attribuées avec au moins deux offres connues, sur toutes les "
            "commandes attribuées à la date.",
        )
    with cards[2]:
        quality = int((compared["won_on"] == "qualité").sum())
        ui.kpi_card(
            "Gagnées sur la qualité",
            fmt.number(quality),
            help="Commandes dont l'offre retenue n'était pas la moins chère : elle a gagné "
            "par ses points de qualité.",
        )
    ui.chart(
        figure(worth_charts.gain_by_year, load(competition.gain_by, day, "year")),
        "gain-remise-en-concurrence",
        key="worth_gain_by_year",
    )


def funnel_section(day: dt.date) -> None:
    """ "De la rencontre à la commande": the funnel, meetings and the communes never met."""
    st.subheader("De la rencontre à la commande")
    steps = load(outreach.funnel, day)
    left, right = st.columns([3, 2])
    with left:
        ui.chart(figure(worth_charts.funnel, steps), "entonnoir-communes", key="worth_funnel")
    with right:
        ui.styled_table(pd.DataFrame(steps), FUNNEL_COLUMNS, width_budget=380)  # 2/5 at 1366 px
        meetings = load(outreach.info_meetings, day)
        if meetings["communes_represented"]:
            st.caption(
                "Séances d'information : "
                + plain(outreach.represented_text(meetings, load(outreach.meetings_mergers, day)))
                + f", dont {plain(meetings['by_bourgmestre'])} par leur bourgmestre, "
                f"{fmt.number(meetings['people'])} personnes."
            )
    never = load(outreach.never_met, day)
    with st.expander(f"Communes jamais rencontrées ({len(never)}) — à planifier"):
        ui.show_table(
            never,
            [
                ui.Col.dim("commune"),
                ui.Col.dim("arrondissement"),
                ui.Col("signed_on", "Adhésion", "date"),
            ],
            key="worth_never_met",
            file_name="communes-jamais-rencontrees",
            sheet="Jamais rencontrées",
            empty_message="Toutes les communes ont été rencontrées au moins une fois.",
        )


def commune_section(day: dt.date, nis: str, name_with_de: str) -> None:
    """ "Ce que la centrale a apporté à votre commune": gain and days saved, assumption shown."""
    st.subheader("Ce que la centrale a apporté à la commune")
    default = worth.classic_procedure().days
    classic = st.number_input(
        "Hypothèse : durée d'une procédure classique (jours)",
        min_value=1,
        max_value=730,
        value=default,
        step=10,
        key="commune_classic_days",
        help=worth.classic_procedure().basis,
    )
    figures = load(worth.commune_worth, nis, day, int(classic))
    if figures["orders"]:
        _commune_cards(figures)
    else:
        ui.empty_state(f"Aucune commande attribuée {name_with_de} à cette date.")
    # Its place in the funnel « de la rencontre à la commande » (the overview's steps).
    st.caption(outreach.place_sentence(load(outreach.commune_funnel, nis, day)))
    contacts = load(outreach.commune_contacts, nis, day)
    last = (
        f"dernier contact le {fmt.date(contacts.iloc[0]['held_on'])}"
        if len(contacts)
        else ("jamais rencontrée")
    )
    with st.expander(f"Rencontres avec la commune ({len(contacts)}, {last})"):
        ui.show_table(
            contacts,
            [
                ui.Col("held_on", "Date", "date"),
                ui.Col("kind", "Type"),
                ui.Col("title", "Intitulé"),
                ui.Col("roles", "Rôles des présents"),
                ui.Col("people", "Personnes", "int"),
            ],
            key="commune_contacts",
            file_name="rencontres-commune",
            sheet="Rencontres",
            empty_message="Aucune rencontre avec la commune à cette date.",
        )


def _commune_cards(figures: dict) -> None:
    cards = st.columns(3)
    with cards[0]:
        ui.kpi_card(
            measures.label("competition_gain_eur"),
            fmt.money(figures["gain_eur"], 0) if figures["gain_eur"] is not None else fmt.MISSING,
            help=GAIN_HELP,
        )
        st.caption(
            fmt.count(
                figures["compared"],
                "commande mise en concurrence",
                "commandes mises en concurrence",
            )
            + f", {fmt.count(figures['won_on_quality'], 'gagnée', 'gagnées')} sur la qualité"
        )
    with cards[1]:
        ui.kpi_card(
            "Délai médian bon de commande → attribution",
            fmt.days(figures["median_lead_days"], 1),
            help=f"La centrale promet {AWARD_PROMISE_DAYS} jours.",
        )
        st.caption(
            f"{plain(figures['within_promise'])} sur {plain(figures['orders'])} dans les "
            f"{AWARD_PROMISE_DAYS} jours promis"
        )
    with cards[2]:
        ui.kpi_card(
            "Jours gagnés face à une procédure classique",
            fmt.number(figures["days_saved"]),
            help=figures["classic_basis"],
        )
        kind = "estimation" if figures["classic_is_estimate"] else "source"
        st.caption(f"Procédure classique : {plain(figures['classic_days'])} jours ({plain(kind)})")


def head_to_head_section(day: dt.date) -> None:
    """ "Face-à-face des prestataires": every competition, not only the wins (orders page)."""
    st.subheader("Face-à-face des prestataires (offres reçues)")
    st.caption(
        "Depuis l'ouverture, au plus tard à la date : chaque commande attribuée avec au "
        "moins deux offres est un face-à-face entre les prestataires de l'accord-cadre."
    )
    record = load(competition.provider_record, day)
    ui.show_table(
        record,
        [
            ui.Col("provider", "Prestataire"),
            ui.Col("competitions", "Mises en concurrence", "int"),
            ui.Col("won", "Remportées", "int"),
            ui.Col("win_rate", "Taux de victoire", "percent"),
            ui.Col("price_win_rate", "Offre la moins chère", "percent"),
            ui.Col("quality_win_rate", "Meilleure qualité", "percent"),
        ],
        key="orders_provider_record",
        file_name=f"prestataires-face-a-face-{day.isoformat()}",
        sheet="Face-à-face",
        empty_message="Aucune offre comparée à cette date.",
    )
    with st.expander("Par solution et par paire de prestataires"):
        ui.show_table(
            load(competition.head_to_head, day),
            [
                ui.Col.dim("solution"),
                ui.Col("provider_a", "Prestataire A"),
                ui.Col("provider_b", "Prestataire B"),
                ui.Col("competitions", "Face-à-face", "int"),
                ui.Col("wins_a", "Gagnés par A", "int"),
                ui.Col("wins_b", "Gagnés par B", "int"),
                ui.Col("cheaper_a", "A moins cher", "int"),
            ],
            key="orders_head_to_head",
            file_name=f"face-a-face-par-solution-{day.isoformat()}",
            sheet="Par solution",
            empty_message="Aucune offre comparée à cette date.",
        )
    with st.expander("Prix par solution et par année"):
        ui.show_table(
            load(competition.price_per_solution, day),
            [
                ui.Col.dim("solution"),
                ui.Col.dim("year_awarded", "year"),
                ui.Col("orders", "Commandes", "int"),
                ui.Col("median_chosen_eur", "Offre retenue (médiane)", "money0"),
                ui.Col("median_offer_eur", "Toutes les offres (médiane)", "money0"),
            ],
            key="orders_price_per_solution",
            file_name=f"prix-par-solution-{day.isoformat()}",
            sheet="Prix",
            empty_message="Aucune offre comparée à cette date.",
        )
