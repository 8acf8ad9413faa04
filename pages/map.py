"""Carte: the province's communes coloured by one metric; a click opens the commune page."""

import datetime as dt

import streamlit as st

from centrale import fmt
from centrale.datasets import queries
from centrale.plaintext import plain
from centrale.render import mapfig
from ui.components import Col, empty_state, show_table, situation_caption, solution_names
from ui.data import figure, load
from ui.shell import ensure_shell
from ui.state import as_of, remembered, solution_filter

ensure_shell()

COMMUNE_PAGE = "pages/commune.py"
ORDER_METRICS = ("solutions", "amount", "per_inhabitant")
EXPLANATIONS = {
    "adhesion": "**Adhérente** : la commune a signé la convention d'adhésion à la centrale "
    "et ne l'a pas dénoncée à cette date. **Retirée** : elle avait adhéré puis s'est "
    "retirée. **Non adhérente** : aucune convention signée.",
    "solutions": "Nombre de solutions différentes pour lesquelles la commune a une "
    "commande **attribuée** à cette date (une commande envoyée mais pas encore attribuée "
    "ne compte pas).",
    "amount": "Somme des montants HTVA des commandes **attribuées** à cette date.",
    "per_inhabitant": "Montant HTVA des commandes attribuées divisé par la population de "
    "la commune (Statbel, 1er janvier 2020 ; population additionnée pour une commune "
    "fusionnée).",
    "survey": "La commune a-t-elle répondu à la dernière enquête des besoins envoyée à cette "
    "date ? Une réponse « aucun besoin » compte comme une réponse.",
}


def open_commune(nis: str) -> None:
    """Go to the commune page. st.switch_page forgets every widget's value (the
    sidebar date included), so the date travels in the URL, which ui/state reads."""
    params = {"nis": nis}
    if day != dt.date.today():
        params["date"] = day.isoformat()
    st.switch_page(COMMUNE_PAGE, query_params=params)


day = as_of()
picked_solutions = solution_filter()

st.title("Carte de la province")
situation_caption(day, solution_names(picked_solutions))

# The indicator travels in the address (`?indicateur=amount`) and survives a page change.
keep_metric = remembered("map_metric", "indicateur", list(mapfig.METRICS))
metric = st.radio(
    "Indicateur",
    options=list(mapfig.METRICS),
    format_func=lambda key: mapfig.METRICS[key].label,
    horizontal=True,
    key="map_metric",
    on_change=keep_metric,
)
keep_metric()
spec = mapfig.METRICS[metric]

shapes = load(queries.commune_shapes, day)
status = load(queries.commune_status, day)
label = spec.label
values = status
if metric == "survey":
    survey_year = load(queries.default_survey_year, day)
    response = load(queries.survey_response, survey_year, day) if survey_year else None
    values = mapfig.survey_status(response)
    label = f"Réponse à l'enquête {survey_year}" if survey_year else spec.label
elif metric in ORDER_METRICS and picked_solutions:
    values = load(queries.commune_order_figures, day, picked_solutions)

if shapes.empty:
    empty_state("Aucune commune à afficher à cette date.")
    st.stop()

names = dict(zip(shapes["nis_code"], shapes["name_fr"]))
map_column, side_column = st.columns([3, 1], gap="medium")

with map_column:
    named = tuple(mapfig.named_communes(values, metric))
    fig = figure(mapfig.metric_map, values, shapes, metric, label=label, names=named)
    event = st.plotly_chart(
        fig,
        on_select="rerun",
        selection_mode="points",
        key="map_chart",
        theme=None,
        config=mapfig.plotly_config(f"carte-{metric}-{day.isoformat()}"),
    )
    clicked = [p.get("location") for p in event.selection.points if p.get("location")]
    if clicked and clicked[0] in names:
        open_commune(clicked[0])

with side_column:
    # Old names of merged communes are searchable too: they lead to the successor.
    search = load(queries.commune_search, day)
    labels = dict(zip(search["nis_code"], search["label"]))
    chosen = st.selectbox(
        "Ouvrir la fiche d'une commune",
        options=list(labels),
        format_func=labels.get,
        index=None,
        placeholder="Rechercher une commune…",
        key="map_commune",
        help="Tapez le début du nom (les anciens noms des communes fusionnées aussi). Un clic "
        "sur une commune de la carte ouvre aussi sa fiche.",
    )
    if chosen:
        open_commune(chosen)
    st.markdown(f"**{plain(label)}**")
    st.markdown(EXPLANATIONS[metric])
    if metric == "survey" and values.empty:
        empty_state("Aucune enquête des besoins n'avait encore été envoyée à cette date.")
    st.caption(
        "Cliquez sur une commune pour ouvrir sa fiche. Gris : pas de données. "
        + mapfig.named_rule(metric)
        + " "
        "Couleurs lisibles par les personnes daltoniennes."
        + (
            " Sans couleur aussi : chaque statut a sa marque sur les communes (●, ◎ ou "
            "aucune), rappelée dans la légende ; le tableau ci-dessous les nomme toutes."
            if spec.kind == "category"
            else ""
        )
    )
    if metric in ORDER_METRICS and picked_solutions:
        st.caption("Seules les commandes des solutions choisies dans la barre latérale comptent.")

st.subheader(label)
table = shapes[["nis_code", "name_fr", "population"]].merge(
    values[["nis_code", spec.column]], on="nis_code", how="left"
)
if spec.kind == "continuous":
    table = table.sort_values(
        [spec.column, "name_fr"], ascending=[False, True], key=fmt.frame_sort_key
    )
    value_col = Col(
        spec.column, label, {"amount": "money0", "per_inhabitant": "money"}.get(metric, "int")
    )
else:
    table[spec.column] = table[spec.column].fillna(mapfig.NO_DATA)
    table = table.sort_values([spec.column, "name_fr"], key=fmt.frame_sort_key)
    value_col = Col(spec.column, label)
show_table(
    table,
    [
        Col.dim("commune", "name_fr"),
        Col("nis_code", "Code INS"),
        Col.of("population"),
        value_col,
    ],
    key="map_table_excel",
    file_name=f"carte-{metric}-{day.isoformat()}",
    sheet="Carte",
    empty_message="Aucune commune à cette date.",
    height=320,
)
st.caption(f"{fmt.number(len(table))} communes au {fmt.date(day)}.")
