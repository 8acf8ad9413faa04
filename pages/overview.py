"""Vue d'ensemble: the headline figures on the reference date, and how uptake grew."""

import streamlit as st

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets import queries
from centrale.domain import AdhesionStatus, subsidy_call_label, upper_first
from centrale.plaintext import plain
from centrale.render import charts
from centrale.semantic import measures
from ui import components as ui
from ui import first_paint, report_buttons
from ui import worth as worth_ui
from ui.components import Col
from ui.data import figure, load
from ui.shell import ensure_shell
from ui.state import OPENED_ON, as_of, period_picker, solution_filter

ensure_shell()

day = as_of()
solutions = solution_filter()
year_before = ui.one_year_before(day)

st.title("Vue d'ensemble")
report_buttons.reports_for_editors(day)
ui.situation_caption(day)
span = period_picker()
since, until = span.bounds
in_span = f"Période : {span.label}"

# Stocks (members, subsidy share) are "au <date>"; flows (orders, awards, lead times)
# count the events of the period, as known on that date.
now = load(queries.kpis, day)
flows = load(queries.period_figures, day, since, until)
# The period a year earlier, to compare with; "depuis l'ouverture" compares with the
# situation a year before. Before the centrale opened there is nothing to compare with.
earlier = span.previous()
if span.kind == "all":
    before = load(queries.kpis, year_before) if year_before >= OPENED_ON else None
    vs = f"vs {fmt.date(year_before)}"
    flows_before = before
else:
    before = None
    flows_before = load(queries.period_figures, day, *earlier.bounds) if earlier else None
    vs = f"vs {earlier.label}" if earlier else None
prev = before or {}
prev_flows = flows_before or {}

# Two rows of three: five figures side by side truncate their labels on a laptop.
cards = [*st.columns(3), *st.columns(3)]
with cards[0]:
    ui.kpi_card(
        measures.label("communes_adhered"),
        f"{now['communes_adhered']} / {now['communes_total']}",
        ui.count_delta(now["communes_adhered"], prev.get("communes_adhered")),
        description=vs,
        help=f"{fmt.percent(now['adhesion_rate'])} des communes de la province ont une "
        "adhésion active à la date (convention signée et non retirée).",
    )
    # A stock, not a flow: it is the situation on the reference date, whatever the period.
    st.caption(
        f"Au {fmt.date(day)} : {fmt.percent(now['adhesion_rate'])} des communes de la province"
    )
    if span.kind != "all":
        st.caption(
            fmt.count(flows["members_joined"], "nouvelle adhésion", "nouvelles adhésions")
            + f" {plain(span.label)}"
        )
with cards[1]:
    ui.kpi_card(
        measures.label("orders_awarded"),
        fmt.number(flows["orders_awarded"]),
        ui.count_delta(flows["orders_awarded"], prev_flows.get("orders_awarded")),
        description=vs,
        help="Commandes dont le marché a été attribué pendant la période (au plus tard à la "
        "date « Situation au »).",
    )
    st.caption(in_span)
    st.caption(f"{fmt.number(flows['orders_pending'])} en cours d'attribution")
with cards[2]:
    ui.kpi_card(
        measures.label("amount_awarded_eur"),
        fmt.money(flows["amount_awarded_eur"] or 0, 0),
        help="Somme des montants HTVA des commandes attribuées pendant la période.",
    )
    st.caption(in_span)
with cards[3]:
    ui.kpi_card(
        measures.measure("median_award_days").short_label,
        fmt.days(flows["median_award_days"], 1),
        ui.days_delta(flows["median_award_days"], prev_flows.get("median_award_days")),
        lower_is_better=True,
        description=vs,
        help="Jours entre l'envoi du bon de commande et l'attribution du marché (médiane "
        "des commandes attribuées pendant la période). La centrale promet "
        f"{AWARD_PROMISE_DAYS} jours.",
    )
    st.caption(in_span)
    st.caption(f"Promesse : {AWARD_PROMISE_DAYS} jours")
with cards[4]:
    ui.kpi_card(
        f"Dans les {AWARD_PROMISE_DAYS} jours",
        fmt.percent(flows["share_awarded_within_20_days"]),
        ui.points_delta(
            flows["share_awarded_within_20_days"], prev_flows.get("share_awarded_within_20_days")
        ),
        description=vs,
        help=f"Part des commandes attribuées pendant la période dans le délai promis de "
        f"{AWARD_PROMISE_DAYS} jours.",
    )
    st.caption(in_span)
    st.caption(fmt.count(flows["orders_late"], "commande en retard", "commandes en retard"))
with cards[5]:
    call_year = now["call_year"]
    prev_year = prev.get("call_year")
    # The share belongs to a call: compare only with a different (earlier) call.
    compare = prev_year is not None and prev_year != call_year
    ui.kpi_card(
        measures.label("subsidy_share"),
        fmt.percent(now["province_subsidy_share"]),
        ui.points_delta(now["province_subsidy_share"], prev.get("province_subsidy_share"))
        if compare
        else None,
        description=f"vs {subsidy_call_label(prev_year)}" if compare else None,
        help="Part du subside de l'appel à projets « Smart » de la Région wallonne allée à "
        "des projets de la province de Luxembourg.",
    )
    st.caption(
        upper_first(subsidy_call_label(call_year)) if call_year else "Aucun appel à cette date"
    )

# The figures are painted first; a tab's first page then asks for the rest (ui/first_paint).
first_paint.rest_follows()

st.subheader("Adhésions")
curve = load(queries.adhesion_curve, day)
if curve.empty or curve["communes_adhered"].max() == 0:
    ui.empty_state("Aucune commune n'a encore adhéré à la centrale à cette date.")
else:
    ui.chart(figure(charts.adhesion_curve, curve, day), "adhesions-cumul", key="overview_adhesions")

st.subheader(f"Commandes — {span.label}")
names = ui.solution_names(solutions)
if names:
    st.caption("Solutions retenues dans la barre latérale : " + ", ".join(names))
left, right = st.columns(2)
with left:
    monthly = load(queries.orders_per_month, day, solutions, since, until)
    if monthly.empty:
        ui.empty_state(f"Aucune commande {span.label}.")
    else:
        ui.chart(
            figure(charts.orders_per_month, monthly), "commandes-par-mois", key="overview_monthly"
        )
with right:
    by_solution = load(queries.orders_by_solution, day, solutions, since, until)
    if (by_solution["orders_awarded"].sum() + by_solution["orders_pending"].sum()) == 0:
        ui.empty_state("Aucune commande à cette date.")
    else:
        ui.chart(
            figure(charts.orders_by_solution, by_solution),
            "commandes-par-solution",
            key="overview_by_solution",
        )

# The crossings managers ask for: two facts at once, on the reference date.
st.subheader(f"Croisements au {fmt.date(day)}")
idle_tab, answered_tab, coverage_tab = st.tabs(
    ["Adhérentes sans commande", "Non adhérentes ayant répondu", "Population couverte par solution"]
)
with idle_tab:
    idle = load(queries.members_without_order, day)
    st.caption(
        f"{fmt.count(len(idle), 'commune adhérente', 'communes adhérentes')} "
        f"au {fmt.date(day)} sans aucune "
        "commande envoyée ou attribuée (hors annulations), depuis l'ouverture."
    )
    ui.show_table(
        idle,
        [
            Col.dim("commune", "name_fr"),
            Col.dim("arrondissement"),
            Col.of("population"),
            Col("signed_on", "Adhésion signée le", "date"),
        ],
        key="overview_idle_xlsx",
        file_name=f"adherentes-sans-commande-{day.isoformat()}",
        sheet="Adhérentes sans commande",
        empty_message="Toutes les communes adhérentes ont passé au moins une commande.",
    )
with answered_tab:
    answered = load(queries.non_members_who_answered, day)
    answered = answered.assign(
        last_text=answered["last_survey_year"].map(lambda y: str(int(y))),
        status_text=[AdhesionStatus(s).label for s in answered["adhesion_status"]],
    )
    st.caption(
        f"{fmt.count(len(answered), 'commune', 'communes')} sans adhésion active "
        f"au {fmt.date(day)} {'a' if len(answered) < 2 else 'ont'} répondu à au moins "
        "une enquête des besoins : des besoins à qui proposer la centrale."
    )
    ui.show_table(
        answered,
        [
            Col.dim("commune", "name_fr"),
            Col("status_text", "Statut"),
            Col.dim("arrondissement"),
            Col.of("population"),
            Col("last_text", "Dernière enquête répondue"),
        ],
        key="overview_answered_xlsx",
        file_name=f"non-adherentes-ayant-repondu-{day.isoformat()}",
        sheet="Non adhérentes ayant répondu",
        empty_message="Aucune commune non adhérente n'a répondu à une enquête à cette date.",
    )
with coverage_tab:
    coverage = load(queries.coverage_by_solution, day)
    st.caption(
        "Par solution : les communes qui l'ont prise (commande envoyée ou attribuée, hors "
        f"annulations) au {fmt.date(day)}, leur population et la part de la population de "
        "la province qu'elles représentent (Statbel, 1er janvier 2020)."
    )
    ui.show_table(
        coverage,
        [
            Col.dim("solution"),
            Col("communes", "Communes", "int"),
            Col.of("population_covered", name="population"),
            Col.of("population_covered_share", short=True, name="population_share"),
            Col("commune_names", "Communes"),
        ],
        key="overview_coverage_xlsx",
        file_name=f"population-couverte-{day.isoformat()}",
        sheet="Population couverte",
        empty_message="Aucune solution au catalogue à cette date.",
    )

worth_ui.competition_section(day)
worth_ui.funnel_section(day)
