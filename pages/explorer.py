"""Explorer: the questions no page foresaw, asked of the semantic layer (`centrale.semantic`).

Choose one or two measures, group by up to two dimensions, filter, pick a period;
read the table and the chart that fits (bars, a line over time, the province map);
click a bar, a point, a commune or a row for the rows behind it. Other modes:
two periods compared (with « dans A mais pas dans B »), communes side by side,
what changed since a date. The question lives in the address; editors save it as
a named view. Widgets and layout only: the layer answers, `ui.explorer` keeps state.
"""

import datetime as dt

import streamlit as st

from centrale import fmt
from centrale.config import settings
from centrale.datasets import queries
from centrale.plaintext import plain
from centrale.render import answer_charts as semantic_charts
from centrale.render import charts
from centrale.semantic import (
    DIMENSIONS,
    METRICS,
    describe,
    dimensions_for,
    gallery,
    shared_dimensions,
    views,
    window,
)
from centrale.semantic import compile as layer
from centrale.semantic.model import DETAIL_KINDS, DETAIL_LABELS, FACTS
from centrale.semantic.question import RELATIVE
from ui import components as ui
from ui import explorer as ex
from ui import theme
from ui.auth import is_editor, loaded_by
from ui.components import Col
from ui.data import figure, load
from ui.shell import ensure_shell
from ui.state import as_of, solution_filter

ensure_shell()

day = as_of()
ex.start()

st.title("Explorer")
st.caption(
    "Posez une question que les autres pages ne prévoient pas : une ou deux mesures, "
    "regroupées par une ou deux dimensions, filtrées, sur une période. Cliquez sur une "
    "barre, un point, une commune ou une ligne pour voir les lignes qui font le chiffre."
)

# --- Gallery: one click per starting question (buttons: not on paper) ----------------------
with st.container(border=True, key="screen_only_explorer_gallery"):
    st.markdown("**Pour commencer**")
    starts = gallery.starts(day)
    columns = st.columns(2)
    for index, start in enumerate(starts):
        columns[index % 2].button(
            start.title,
            key=f"explorer_start_{index}",
            on_click=ex.apply,
            args=(start.question, start.mode),
            help=describe(start.question, day),
            width="stretch",
        )

# --- Named views ---------------------------------------------------------------------------
sources_dir = settings().sources_dir
try:
    saved = views.read_views(sources_dir)
except views.ViewsError as error:
    st.error(plain(str(error)))
    saved = {}
if saved:
    views_box = st.container(key="screen_only_explorer_views")
    with views_box.expander(f"Vues enregistrées ({len(saved)})", icon=":material/bookmarks:"):
        for name, view in saved.items():
            question = views.view_question(view)
            if question is None:
                st.caption(f"{plain(name)} : vue illisible (mesure inconnue), ignorée.")
                continue
            left, right = st.columns([4, 1])
            left.markdown(
                f"[{plain(name)}]({ex.link(view['params'])}) — "
                f"{plain(describe(question, day))} "
                f"*(enregistrée par {plain(view.get('saved_by', '?'))})*"
            )
            right.button(
                "Ouvrir",
                key=f"explorer_view_open_{name}",
                on_click=ex.apply_params,
                args=(view["params"],),
            )

# --- The question --------------------------------------------------------------------------
mode = (
    st.segmented_control("Vue", options=list(ex.MODES), format_func=ex.MODES.get, key=ex.MODE_KEY)
    or "table"
)

# The measures on a row of their own: two chosen measures' full labels read whole at
# 1366×768. A widget a mode does not use is not drawn (its value is kept: `ex.keep`).
ex.keep(mode)
if mode != "changed":
    st.multiselect(
        "Mesures (une ou deux)",
        options=list(METRICS),
        format_func=lambda k: METRICS[k].label,
        max_selections=2,
        key=ex.METRICS_KEY,
        help="Chaque mesure a sa définition dans l'Aide ; survolez l'en-tête du tableau.",
    )
chosen = tuple(st.session_state.get(ex.METRICS_KEY) or ex.DEFAULT.metrics)
allowed = shared_dimensions(chosen)
st.session_state[ex.BY_KEY] = [d for d in st.session_state.get(ex.BY_KEY) or [] if d in allowed]
left, right = st.columns([3, 2]) if mode in ("table", "compare") else (None, st.container())
if left is not None:  # side by side and « ce qui a changé » do not group
    left.multiselect(
        "Regrouper par (deux au plus)",
        options=allowed,
        format_func=lambda d: DIMENSIONS[d].label,
        max_selections=2,
        key=ex.BY_KEY,
        placeholder="Sans regroupement",
    )
choices = ex.period_choices(day)
if st.session_state.get(ex.PERIOD_KEY) not in choices:
    choices[st.session_state.get(ex.PERIOD_KEY) or "tout"] = window(
        st.session_state.get(ex.PERIOD_KEY), day
    ).label
if mode != "changed":
    right.selectbox("Période", options=list(choices), format_func=choices.get, key=ex.PERIOD_KEY)

if mode != "changed":  # what changed since a date has no filter
    with st.container(key="screen_only_explorer_filters"):
        ex.filters_and_settings(chosen, allowed, day, bool(solution_filter()))

question = ex.current(solution_filter())
span = window(question.period, day)
communes = load(queries.communes_list, span.until)
commune_names = dict(zip(communes["nis_code"], communes["name_fr"]))
catalogue = load(queries.solutions)
names = {
    "commune": commune_names,
    "solution": dict(zip(catalogue["solution_id"], catalogue["name_fr"])),
}


def show_rows(metric_key: str, group: dict, title: str, key: str) -> None:
    """The rows behind one figure, with the Excel button."""
    rows = load(layer.rows_behind, question, day, metric_key, group)
    fact = FACTS[METRICS[metric_key].fact]
    st.markdown(f"**{plain(title)}** — {fmt.count(len(rows), 'ligne')} ({plain(fact.label)})")
    cols = [
        Col(name, DETAIL_LABELS[name], DETAIL_KINDS.get(name, "text")) for name, _ in fact.detail
    ]
    sheet = "Lignes derrière le chiffre"
    ui.styled_table(rows, cols)
    about = ex.about(question, day, names, len(rows))
    about["Lignes de"] = title
    st.download_button(
        "Télécharger ces lignes en Excel",
        data=lambda: ui.excel_bytes(rows, cols, sheet, about),
        file_name=f"explorer-lignes-{day.isoformat()}.xlsx",
        mime=ui.XLSX_MIME,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


# --- Answers --------------------------------------------------------------------------------
if mode == "table":
    try:
        frame = load(layer.answer, question, day)
        totals = load(layer.total, question, day)
    except ValueError as error:
        st.error(plain(str(error)))
        st.stop()
    st.subheader(describe(question, day, names))
    cards = st.columns(len(question.metrics))
    for card, key in zip(cards, question.metrics):
        words = METRICS[key].words
        when = f"au {fmt.date(span.until)}" if METRICS[key].is_stock else span.label
        with card:
            ui.kpi_card(words.label, words.format(totals[key]), help=f"{words.help} ({when})")
    kind = semantic_charts.chart_kind(question)
    chart_event = map_event = chart_fig = chosen = None
    if kind in ("bars", "line", "map") and not frame.empty:
        if kind == "map":  # every commune: 0 € is a value, not « pas de données »
            shapes = load(queries.commune_shapes, span.until)
            every = load(layer.by_every_commune, question, day)
            map_fig = figure(semantic_charts.answer_map, every, question, shapes)
            map_event = st.plotly_chart(
                map_fig,
                on_select=ex.ON_CLICK["map"],
                selection_mode="points",
                key=ex.click_key("map"),
                theme=None,
                config=charts.plotly_config(f"explorer-carte-{day.isoformat()}"),
            )
        else:
            # The group whose rows are listed, drawn selected (a reopened link's too).
            chosen = ex.drawn_group(question, frame)
            chart_fig = figure(semantic_charts.answer_figure, frame, question, chosen)
            chart_event = st.plotly_chart(
                chart_fig,
                on_select=ex.ON_CLICK["chart"],
                selection_mode="points",
                key=ex.click_key("chart"),
                width="stretch",
                config=charts.plotly_config(f"explorer-{day.isoformat()}"),
            )
            if note := semantic_charts.chart_note(frame, question):
                st.caption(plain(note))
    cols = ex.answer_columns(question)
    table_event = None
    if frame.empty:
        ui.empty_state("Aucune valeur pour cette question sur cette période.")
    else:
        table_event = ui.picking_table(frame, cols, ex.click_key("table"), ex.ON_CLICK["table"])
        st.download_button(
            "Télécharger en Excel",
            data=lambda: ui.excel_bytes(
                frame, cols, "Explorer", ex.about(question, day, names, len(frame))
            ),
            file_name=f"explorer-{day.isoformat()}.xlsx",
            mime=ui.XLSX_MIME,
            key="explorer_xlsx",
            icon=":material/download:",
            on_click="ignore",
        )
    first = question.by[0] if question.by else None
    if first in layer._UNIVERSE:
        nothing = load(layer.without, question, day, first)
        if nothing:
            st.caption(
                f"Sans aucune valeur de « {plain(METRICS[question.metrics[0]].label)} » sur la "
                f"période ({len(nothing)}) : " + plain(", ".join(nothing))
            )
    # A click (or the group a link or a view kept) lists its rows; a group the answer
    # does not have is dropped, never shown with another question's rows.
    source = ex.take_click()
    clicked = ex.drill_pick(question, frame, source, chart_event, map_event, table_event, chart_fig)
    group = ex.kept_group(question, source is not None, clicked, frame)
    if chosen is not None and ex.redraw_needed(source, question, group, chosen):
        st.rerun()  # a row clicked: the chart draws its group selected
    with st.container(border=True):
        if group is None:
            # An instruction to click: for the screen; paper leaves it out (the review).
            theme.screen_caption(
                "Cliquez sur une barre, un point, une commune de la carte ou une ligne du "
                "tableau pour voir les lignes derrière ce chiffre ; ici, celles de "
                "l'ensemble."
            )
            group = {}
        else:
            st.button(
                "Revenir aux lignes de l'ensemble",
                key="explorer_rows_all",
                on_click=ex.forget_group,
                icon=":material/undo:",
            )
        show_rows(question.metrics[0], group, ex.group_title(group, names), "explorer_rows")

elif mode == "compare":
    if not st.session_state.get(ex.COMPARE_KEY):
        st.session_state[ex.COMPARE_KEY] = str(day.year - 1)
    st.selectbox(
        "Comparer à (période B)",
        options=list(choices),
        format_func=choices.get,
        key=ex.COMPARE_KEY,
    )
    question = ex.current(solution_filter())
    frame = load(layer.compare, question, day)
    st.subheader(describe(question, day, names))
    if overlap := ex.overlap_note(question, day):
        st.caption(plain(overlap))
    cols = ex.compare_columns(question, day)
    if frame.empty:
        ui.empty_state("Aucune valeur sur l'une ni l'autre période.")
    else:
        ui.show_table(
            frame,
            cols,
            key="explorer_compare_xlsx",
            file_name=f"explorer-comparaison-{day.isoformat()}",
            sheet="Comparaison",
            empty_message="",
        )
    first = question.by[0] if question.by else None
    if first in ("commune", "arrondissement", "solution", "category", "provider"):
        sets = load(layer.only_in, question, day, first)
        a_label = window(question.period, day).label
        b_label = window(question.compare, day).label
        one, two = st.columns(2)
        one.markdown(f"**Dans A ({plain(a_label)}) mais pas dans B** ({len(sets['a_not_b'])})")
        one.write(", ".join(sets["a_not_b"]) or "Aucun.")
        two.markdown(f"**Dans B ({plain(b_label)}) mais pas dans A** ({len(sets['b_not_a'])})")
        two.write(", ".join(sets["b_not_a"]) or "Aucun.")
    else:
        st.caption(
            "Regroupez par commune, solution, catégorie, adjudicataire ou "
            "arrondissement pour voir ce qui est dans A mais pas dans B."
        )

elif mode == "side":
    if ex.COMMUNES_KEY not in st.session_state:
        # A start the person changes: the three most populous communes on the date.
        biggest = communes.sort_values("population", ascending=False)["nis_code"]
        st.session_state[ex.COMMUNES_KEY] = list(biggest[:3])
    st.session_state[ex.COMMUNES_KEY] = [
        n for n in st.session_state.get(ex.COMMUNES_KEY) or [] if n in commune_names
    ]
    st.multiselect(
        "Communes (deux à quatre)",
        options=list(commune_names),
        format_func=commune_names.get,
        max_selections=4,
        key=ex.COMMUNES_KEY,
    )
    st.checkbox(
        "Ajouter toutes les autres mesures",
        key=ex.SIDE_ALL_KEY,
        help="Sous les mesures choisies, chaque mesure qui se regroupe par commune.",
    )
    picked = tuple(st.session_state.get(ex.COMMUNES_KEY) or ())
    # Rows: the chosen measures, in their order, then (on demand) every other one.
    by_commune = [k for k in METRICS if "commune" in dimensions_for(k)]
    keys = tuple(k for k in question.metrics if k in by_commune)
    if st.session_state.get(ex.SIDE_ALL_KEY):
        keys += tuple(k for k in by_commune if k not in keys)
    apart = [METRICS[k].label for k in question.metrics if k not in by_commune]
    if apart:
        st.caption(
            "Ne se regroupe pas par commune, donc pas côte à côte : " + plain(", ".join(apart))
        )
    if len(picked) < 2:
        ui.empty_state("Choisissez au moins deux communes.")
    elif not keys:
        ui.empty_state("Choisissez une mesure qui se regroupe par commune.")
    else:
        table = load(layer.side_by_side, question.with_(by=()), day, picked, keys)
        shown = table[["measure"]].copy()
        for nis in picked:
            name = commune_names[nis]
            shown[name] = [METRICS[k].words.format(v) for k, v in zip(table["metric"], table[name])]
        st.subheader(f"Côte à côte, {span.label} (stocks au {fmt.date(span.until)})")
        ui.show_table(
            shown,
            [Col("measure", "Mesure")]
            + [Col(commune_names[n], commune_names[n], "figure") for n in picked],
            key="explorer_side_xlsx",
            file_name=f"explorer-cote-a-cote-{day.isoformat()}",
            sheet="Côte à côte",
            empty_message="",
        )

else:  # what changed
    if not st.session_state.get(ex.SINCE_KEY):
        st.session_state[ex.SINCE_KEY] = day - dt.timedelta(days=30)
    spans = st.columns(len(RELATIVE))
    for column, (param, label) in zip(spans, RELATIVE.items()):
        column.button(
            label,
            key=f"explorer_since_{param}",
            on_click=ex.since_relative,
            args=(param, day),
            width="stretch",
        )
    since = st.date_input("Depuis le (exclu)", key=ex.SINCE_KEY, format="DD/MM/YYYY", max_value=day)
    changes = load(layer.what_changed, since, day)
    st.subheader(f"Ce qui a changé du {fmt.date(since)} au {fmt.date(day)}")
    if changes.empty:
        ui.empty_state("Rien de nouveau sur cette période.")
    else:
        counts = changes["what"].value_counts()
        cards = st.columns(min(len(counts), 4))
        for index, (what, count) in enumerate(counts.items()):
            with cards[index % len(cards)]:
                ui.kpi_card(what, fmt.number(count))
        ui.show_table(
            changes,
            [
                Col("day", "Date", "date"),
                Col("what", "Quoi"),
                Col.dim("commune"),
                Col("detail", "Détail"),
            ],
            key="explorer_changed_xlsx",
            file_name=f"explorer-changements-{day.isoformat()}",
            sheet="Ce qui a changé",
            empty_message="",
        )

ex.write_address(question, mode)

# --- Save the question -------------------------------------------------------------------
if is_editor():
    save_box = st.container(key="screen_only_explorer_save")  # a form: not on paper
    with save_box.expander("Enregistrer cette question comme vue", icon=":material/bookmark_add:"):
        with st.form("explorer_save", clear_on_submit=True, border=False):
            name = st.text_input("Nom de la vue", max_chars=views.MAX_NAME)
            if st.form_submit_button("Enregistrer"):
                try:
                    kept = views.save_view(
                        sources_dir, name, question, loaded_by(), ex.page_params(mode)
                    )
                    st.success(f"Vue « {plain(kept)} » enregistrée.")
                except views.ViewsError as error:
                    st.error(plain(str(error)))
        if saved:
            gone = st.selectbox(
                "Supprimer une vue",
                options=list(saved),
                index=None,
                placeholder="Choisir une vue…",
                key="explorer_delete_pick",
            )
            if gone and st.button("Supprimer", key="explorer_delete"):
                views.delete_view(sources_dir, gone)
                st.rerun()
