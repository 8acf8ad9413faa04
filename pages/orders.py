"""Commandes et prestataires: every order, lead times, providers, pending orders."""

import streamlit as st

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets import queries
from centrale.domain import ORDER_STATUS_LABELS, OrderStatus
from centrale.plaintext import plain
from centrale.render import charts
from centrale.semantic import measures
from ui import components as ui
from ui.components import Col
from ui.data import figure, load
from ui.shell import ensure_shell
from ui.state import as_of, period_picker, solution_filter
from ui.worth import head_to_head_section

ensure_shell()

day = as_of()
solutions = solution_filter()

st.title("Commandes et prestataires")
ui.situation_caption(day, ui.solution_names(solutions))
span = period_picker()
since, until = span.bounds
# Which events each figure counts, said under it: orders sent in the period, awards
# made in it; "en attente" is the situation on the reference date.
sent_in = f"Envoyés {span.label}"
awarded_in = f"Attribuées {span.label}"

# At scale (a million orders) only counts, lead times and the latest rows come to
# the page; the Excel file fetches every order when clicked.
counts = load(queries.order_counts, day, solutions, since, until)
flows = load(queries.period_figures, day, since, until, solutions)
orders = load(
    queries.orders_table, day, solutions, limit=ui.MAX_TABLE_ROWS, since=since, until=until
)
lead_days = load(queries.awarded_lead_days, day, solutions, since, until)
pending = load(queries.pending_orders, day, solutions, since, until)
late = int(pending["late"].sum())

cards = st.columns(5)
with cards[0]:
    ui.kpi_card(measures.label("orders_sent"), fmt.number(counts["sent"]))
    st.caption(sent_in)
with cards[1]:
    ui.kpi_card(measures.label("orders_awarded"), fmt.number(flows["orders_awarded"]))
    st.caption(awarded_in)
with cards[2]:
    ui.kpi_card(
        measures.measure("median_award_days").short_label,
        fmt.days(flows["median_award_days"], 1),
        help="Jours entre l'envoi du bon de commande et l'attribution (médiane des "
        f"commandes attribuées pendant la période). La centrale promet {AWARD_PROMISE_DAYS} "
        "jours.",
    )
    st.caption(awarded_in)
with cards[3]:
    ui.kpi_card(ORDER_STATUS_LABELS[OrderStatus.SENT], fmt.number(len(pending)))
    st.caption(f"Au {fmt.date(day)}, envoyés {plain(span.label)}")
with cards[4]:
    ui.kpi_card(
        f"En retard (plus de {AWARD_PROMISE_DAYS} jours)",
        fmt.number(flows["orders_late"]),
        help=f"Bons de commande envoyés pendant la période et attribués après plus de "
        f"{AWARD_PROMISE_DAYS} jours, ou toujours sans attribution après {AWARD_PROMISE_DAYS} "
        "jours : la promesse de la centrale n'est pas tenue.",
    )
    st.caption(f"{plain(sent_in)} ; dont {fmt.number(late)} toujours en attente")

st.subheader(measures.label("orders_pending"))
if late:
    st.warning(
        f"{plain(late)} commande{'s' if late > 1 else ''} en attente depuis plus de "
        f"{AWARD_PROMISE_DAYS} jours (surlignée{'s' if late > 1 else ''} ci-dessous).",
        icon=":material/schedule:",
    )
late_column = Col("late", f"Au-delà de {AWARD_PROMISE_DAYS} jours", "flag", flag_text="⚠ en retard")
ui.show_table(
    ui.with_orderer(pending),
    [
        *ui.orders_list_columns(),
        Col.of("days_pending", short=True),
        late_column,
        Col.of("order_amount_eur"),
    ],
    excel_columns=[
        Col("order_id", "N° de commande"),
        Col.dim("commune"),
        Col("ordered_by", "Commandée par"),
        Col.dim("solution"),
        Col("sent_on", "Envoi du bon de commande", "date"),
        Col.of("days_pending"),
        late_column,
        Col.of("order_amount_eur"),
    ],
    highlight=pending["late"].tolist(),
    key="orders_pending_xlsx",
    file_name=f"commandes-en-attente-{day.isoformat()}",
    sheet="En attente",
    empty_message=f"Aucune commande envoyée {span.label} n'est en cours d'attribution.",
)

st.subheader(f"Délai d'attribution — commandes attribuées {span.label}")
if not lead_days.empty:
    ui.chart(
        figure(charts.lead_time_distribution, lead_days), "delai-attribution", key="orders_lead"
    )
else:
    ui.empty_state(f"Aucune commande attribuée {span.label}.")

st.subheader("Prestataires des accords-cadres")
st.caption(f"Commandes remportées : attribuées {plain(span.label)}.")
shares = load(queries.provider_shares, day, solutions, since, until)
if shares.empty:
    ui.empty_state("Aucun accord-cadre actif ni commande attribuée à cette date.")
else:
    metric = ui.metric_picker(
        "Comparer les prestataires selon",
        charts.PROVIDER_METRICS,
        default="orders_won",
        key="orders_provider_metric",
    )
    ui.chart(
        figure(charts.providers_by_solution, shares, metric),
        "prestataires-par-solution",
        key="orders_providers",
    )
    with st.expander("Tableau des prestataires"):
        ui.show_table(
            shares,
            [
                Col.dim("solution"),
                Col.dim("provider"),
                Col.of("orders_won"),
                Col.of("provider_amount_eur"),
                Col.of("median_lead_days"),
            ],
            key="orders_providers_xlsx",
            file_name=f"prestataires-{span.param.replace('..', '_')}-{day.isoformat()}",
            sheet="Prestataires",
            empty_message="Aucun prestataire à cette date.",
        )

st.subheader(f"Commandes envoyées {span.label}")
ui.show_table(
    ui.with_orderer(orders).assign(status=orders["status"].map(ORDER_STATUS_LABELS)),
    [
        *ui.orders_list_columns(),
        Col("awarded_on", "Attribuée le", "date"),
        Col.dim("provider"),
        Col.of("order_amount_eur"),
        Col("status", "Statut", "order_status"),
        Col.of("lead_days", short=True),
        Col.of("days_pending", short=True),
    ],
    excel_columns=ui.orders_excel_columns(),
    key="orders_all_xlsx",
    file_name=f"commandes-{span.param.replace('..', '_')}-{day.isoformat()}",
    sheet="Commandes",
    empty_message=f"Aucune commande envoyée {span.label}.",
    height=420,
    total=counts["total"],
    everything=lambda: load(queries.orders_table, day, solutions, since=since, until=until),
)

head_to_head_section(day)
