"""Subsides: the Walloon Region's "Smart" calls, the province's share, its projects."""

import streamlit as st

from centrale import fmt
from centrale.config import PROVINCE_NIS
from centrale.datasets import queries
from centrale.domain import subsidy_call_label, upper_first
from centrale.plaintext import plain
from centrale.render import charts, mapfig
from centrale.semantic import measures
from ui import components as ui
from ui.components import Col
from ui.data import figure, load
from ui.shell import ensure_shell
from ui.state import as_of

ensure_shell()

YEAR_KEY = "subsidies_call_year"
DEFAULT_KEY = "subsidies_call_year_default"

day = as_of()
st.title("Subsides régionaux")
ui.situation_caption(day)

# Only the calls known on the reference date (a call is dated by its year).
calls = load(queries.subsidy_calls, day.year)
if calls.empty:
    ui.empty_state(f"Aucun appel à projets régional au {fmt.date(day)}.")
    st.stop()

years = [int(y) for y in calls["call_year"]]
call_names = dict(zip(years, calls["call"]))
# The latest call not after the reference date.
default_year = load(queries.default_call_year, day) or years[-1]
# Follow the reference date: when it moves to another call, the select box follows,
# but a year the user picked stays as long as the date keeps the same default.
if st.session_state.get(DEFAULT_KEY) != default_year or YEAR_KEY not in st.session_state:
    st.session_state[YEAR_KEY] = default_year
    st.session_state[DEFAULT_KEY] = default_year
year = st.selectbox(
    "Appel à projets",
    options=years,
    format_func=lambda y: upper_first(subsidy_call_label(y)),
    key=YEAR_KEY,
    help="Par défaut, le dernier appel dont l'année ne dépasse pas la date de situation.",
)
# The file's full title: the call's title, under its one name (`subsidy_call_label`).
st.caption(f"Intitulé : {plain(call_names[year])}")

by_province = load(queries.subsidies_by_province, None, day.year)
this_call = by_province[by_province["call_year"] == year]
province = this_call[this_call["prov_nis"] == PROVINCE_NIS]
projects = load(queries.subsidies_in_province, year)

share = load(queries.province_subsidy_share, year)
cards = st.columns(4)
with cards[0]:
    ui.kpi_card(
        measures.measure("province_subsidy_share").short_label,
        fmt.percent(share),
        help="Part du montant de l'appel allée à des projets de la province de Luxembourg.",
    )
with cards[1]:
    amount = province["amount_eur"].sum() if not province.empty else 0
    ui.kpi_card("Montant pour la province", fmt.money(amount, 0))
with cards[2]:
    per_head = province["amount_per_inhabitant"].iloc[0] if not province.empty else 0
    ui.kpi_card("Par habitant de la province", fmt.money(per_head))
with cards[3]:
    ui.kpi_card(
        "Projets dans la province",
        fmt.number(len(projects)),
        help=f"Montant total de l'appel : {fmt.money(this_call['amount_eur'].sum(), 0)}.",
    )

st.subheader("Par province")
left, right = st.columns(2)
with left:
    metric = ui.metric_picker(
        "Indicateur", charts.SUBSIDY_METRICS, default="amount_eur", key="subsidies_metric"
    )
    ui.chart(
        figure(charts.subsidies_by_province, this_call, metric),
        f"subsides-par-province-{year}",
        key="subsidies_by_province",
    )
with right:
    st.markdown("&nbsp;")  # aligns with the selector on the left
    ui.chart(
        figure(charts.province_share_by_year, by_province),
        "part-province-par-appel",
        key="subsidies_share_by_year",
    )
ui.show_table(
    this_call,
    [
        Col("province", "Province"),
        Col("projects", "Projets", "int"),
        Col.of("subsidy_amount_eur"),
        Col.of("population"),
        Col.of("subsidy_per_inhabitant"),
        Col.of("subsidy_share"),
    ],
    key="subsidies_provinces_xlsx",
    file_name=f"subsides-par-province-{year}",
    sheet=f"Provinces {year}",
    empty_message="Aucun subside pour cet appel à projets.",
)

st.subheader("Projets de la province")
if projects.empty:
    ui.empty_state(f"Aucun projet de la province subsidié par l'appel {year}.")
else:
    ui.chart(
        figure(charts.subsidies_by_beneficiary, projects),
        f"projets-province-{year}",
        key="subsidies_beneficiaries",
    )
    ui.show_table(
        projects,
        [
            Col("beneficiary", "Bénéficiaire"),
            Col.dim("commune"),
            Col("project", "Projet"),
            Col.of("subsidy_amount_eur"),
        ],
        key="subsidies_projects_xlsx",
        file_name=f"projets-province-{year}",
        sheet=f"Projets {year}",
        empty_message="Aucun projet.",
    )

st.subheader("Subside par habitant des communes")
per_commune = load(queries.subsidies_per_commune, year, day)
if per_commune["amount_eur"].sum() == 0:
    ui.empty_state(f"Aucune commune de la province n'a reçu de subside de l'appel {year}.")
else:
    shapes = load(queries.commune_shapes, day)
    map_column, table_column = st.columns([3, 2])
    with map_column:
        ui.chart(
            figure(
                mapfig.value_map,
                per_commune,
                shapes,
                "amount_per_inhabitant",
                "€ par habitant",
                formatter=fmt.money,
                unit=f"{fmt.NBSP}€",
                height=mapfig.SMALL_MAP_HEIGHT,
            ),
            f"carte-subside-par-habitant-{year}",
            key="subsidies_map",
            theme=None,
        )
    with table_column:
        ui.show_table(
            per_commune[per_commune["projects"] > 0],
            [
                Col.dim("commune", "name_fr"),
                # Short headers: this table has 390 px at 1366 (headers never wrap).
                Col("population", "Habitants", "int"),
                Col("amount_eur", "Montant", "money0", help="Montant reçu"),
                Col.of("subsidy_per_inhabitant", short=True),
            ],
            key="subsidies_communes_xlsx",
            file_name=f"subside-par-habitant-{year}",
            sheet=f"Communes {year}",
            empty_message="Aucune commune subsidiée.",
            width_budget=370,  # two fifths of the main area at 1366 px
        )
    st.caption(
        "Montant reçu par la commune elle-même, divisé par sa population. Les projets "
        "d'autres organismes (intercommunale, province…) ne sont pas répartis entre communes."
    )
