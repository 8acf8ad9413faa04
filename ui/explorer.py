"""The Explorer's state: its widgets' keys, the question they make, and the address.

The question lives in the widgets' session-state keys (prefixed `explorer_`). A
new session starts from the address (`Question.from_params` and the page's own
parameters: the mode, the communes side by side, the clicked group…), a gallery
click or a named view writes them all at once (before the widgets are drawn, in a
callback), and every run writes them back to the address, so a link reopens it.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.semantic import DIMENSIONS, METRICS, Question, describe, measures, window
from centrale.semantic import compile as layer
from centrale.semantic.question import DEFAULT_CONVERSION_DAYS, DEFAULT_USUAL_FACTOR, RELATIVE
from ui.components import Col
from ui.data import load
from ui.state import write_param

METRICS_KEY = "explorer_metrics"
BY_KEY = "explorer_by"
PERIOD_KEY = "explorer_period"
COMPARE_KEY = "explorer_compare"
FILTER_DIM_KEY = "explorer_filter_dim"
FILTER_VALUES_KEY = "explorer_filter_values"
DAYS_KEY = "explorer_days"
FACTOR_KEY = "explorer_factor"
MODE_KEY = "explorer_mode"
COMMUNES_KEY = "explorer_communes"
SINCE_KEY = "explorer_since"
SIDE_ALL_KEY = "explorer_side_all"
READY_KEY = "explorer_ready"
# The clicked group (bar, point, commune, row) whose rows are listed: (the question it
# belongs to, {dimension: key}); and which widget was just clicked ('chart', 'map',
# 'table'), set by its on_select callback, read once by the page.
GROUP_KEY = "explorer_group"
CLICK_KEY = "explorer_click"
# The group the chart draws selected, (question, group) as GROUP_KEY: a link's, a view's,
# a clicked row's. Not a clicked bar's: plotly draws that selection itself, and a chart
# whose figure changes is a new widget (Streamlit), which forgets the click.
DRAWN_KEY = "explorer_drawn"
ROUND_KEY = "explorer_round"

MODES = {
    "table": "Tableau et graphique",
    "compare": "Comparer deux périodes",
    "side": "Communes côte à côte",
    "changed": "Ce qui a changé",
}
# The address parameters the Explorer owns (beside the shell's date and solutions).
PARAMS = (
    "mesures",
    "par",
    "filtres",
    "quand",
    "contre",
    "jours",
    "facteur",
    "mode",
    "communes",
    "toutes",
    "depuis",
    "lignes",
)
DEFAULT = Question(("orders_awarded",), ("arrondissement",))


def period_choices(day: dt.date) -> dict[str, str]:
    """Period texts -> French labels: the whole time, this year, relative spans, each year."""
    years = range(day.year - 1, 2018, -1)
    return {
        "tout": "Tout (jusqu'à la date)",
        "annee": "Cette année",
        **RELATIVE,
        **{str(y): str(y) for y in years},
    }


def apply(question: Question, mode: str = "table") -> None:
    """Put `question` in the widgets (call before they are drawn, e.g. in on_click)."""
    state = st.session_state
    state[METRICS_KEY] = list(question.metrics)
    state[BY_KEY] = list(question.by)
    state[PERIOD_KEY] = question.period
    state[COMPARE_KEY] = question.compare
    first = question.filters[0] if question.filters else (None, ())
    state[FILTER_DIM_KEY] = first[0]
    state[FILTER_VALUES_KEY] = list(first[1])
    state[DAYS_KEY] = question.conversion_days
    state[FACTOR_KEY] = float(question.usual_factor)
    state[MODE_KEY] = mode
    state[READY_KEY] = True
    state[ROUND_KEY] = state.get(ROUND_KEY, 0) + 1


def click_key(source: str) -> str:
    """The key of the chart, map or table (`source`) one can click: a new one after each
    gallery click, view or link applied, so it does not keep showing a click of before."""
    return f"explorer_{source}_{st.session_state.get(ROUND_KEY, 0)}"


def since_relative(param: str, day: dt.date) -> None:
    """« Ce qui a changé » over a relative span ('30j', '12m'): its first day is the day
    after « Depuis le (exclu) » (call in on_click, before the date widget is drawn)."""
    st.session_state[SINCE_KEY] = window(param, day).since - dt.timedelta(days=1)


def start() -> None:
    """Once per session: the question of the address, or the default one."""
    if st.session_state.get(READY_KEY):
        return
    apply_params({k: st.query_params.get(k) for k in PARAMS if st.query_params.get(k)})


def apply_params(params: dict) -> None:
    """Put an address's (or a named view's) parameters in the widgets: the question, the
    mode, the communes side by side, « depuis », the clicked group. Anything unknown is
    dropped (call before the widgets are drawn, e.g. in on_click)."""
    params = {str(k): str(v) for k, v in params.items() if k in PARAMS and v}
    question = Question.from_params(params) or DEFAULT
    mode = params.get("mode") if params.get("mode") in MODES else "table"
    apply(question, mode)
    state = st.session_state
    if params.get("communes"):
        state[COMMUNES_KEY] = params["communes"].split(",")[:4]
    state[SIDE_ALL_KEY] = params.get("toutes") == "oui"
    try:
        if params.get("depuis"):
            state[SINCE_KEY] = dt.date.fromisoformat(params["depuis"])
    except ValueError:
        pass
    group = parse_group(params.get("lignes")) if mode == "table" else {}
    # Not yet tied to a question: `kept_group` ties it to the first one the page asks.
    state[GROUP_KEY] = (None, group) if group else None
    state[DRAWN_KEY] = state[GROUP_KEY]
    state.pop(CLICK_KEY, None)


def clicked(source: str) -> None:
    """on_select callback of the chart, the map and the table: `source` was clicked (a
    selection made or undone) since the last run."""
    st.session_state[CLICK_KEY] = source


# The on_select callbacks of the chart, the map and the table (they take no arguments).
ON_CLICK = {source: partial(clicked, source) for source in ("chart", "map", "table")}


def forget_group() -> None:
    """« Revenir aux lignes de l'ensemble » (on_click): no group kept, no bar selected."""
    st.session_state[GROUP_KEY] = st.session_state[DRAWN_KEY] = None
    st.session_state.pop(CLICK_KEY, None)


def take_click() -> str | None:
    """The widget clicked since the last run ('chart', 'map', 'table'), or None; once."""
    return st.session_state.pop(CLICK_KEY, None)


def group_param(group: dict) -> str:
    """A clicked group as address text: 'arrondissement:Bastogne;solution:S03'."""
    return ";".join(f"{d}:{v}" for d, v in group.items())


def parse_group(text: str | None) -> dict[str, str]:
    """The group an address names ({dimension: key as text}); {} for anything else
    (an unknown dimension, an empty value, a part without ':')."""
    group: dict[str, str] = {}
    for part in (text or "").split(";"):
        dim, colon, value = part.partition(":")
        if not colon or dim not in DIMENSIONS or not value or dim in group:
            return {}
        group[dim] = value
    return group


def kept_group(
    question: Question, new_click: bool, group: dict | None, frame: pd.DataFrame
) -> dict | None:
    """The group whose rows are listed. After a click (`new_click`), `group` (None: the
    selection was undone); else the one kept from the address, a view or an earlier
    click, while the question is the same one. Either way only if `frame` (the answer)
    has that group: a group of another question, or a value the answer does not have,
    is dropped, never shown."""
    state = st.session_state
    if new_click:
        state[GROUP_KEY] = (question, group) if group else None
    kept = state.get(GROUP_KEY)
    if not kept:
        return None
    asked, group = kept
    if asked is not None and asked != question:
        state[GROUP_KEY] = None
        return None
    found = _in_answer(group, question, frame)
    state[GROUP_KEY] = (question, found) if found else None
    return found


def drawn_group(question: Question, frame: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """The group the chart draws selected (DRAWN_KEY) as (dimension, key) pairs, if it
    belongs to `question` and the answer `frame` has it; else ()."""
    drawn = st.session_state.get(DRAWN_KEY)
    if not drawn or drawn[0] not in (None, question):
        return ()
    return as_pairs(_in_answer(drawn[1], question, frame))


def redraw_needed(source: str | None, question: Question, group: dict | None, drawn: tuple) -> bool:
    """After a click on a row or a commune (`source`), the chart must draw `group`
    selected: True when it drew another one (`drawn`), the page then reruns."""
    if source not in ("table", "map"):
        return False
    st.session_state[DRAWN_KEY] = (question, group) if group else None
    return as_pairs(group) != drawn


def as_pairs(group: dict | None) -> tuple[tuple[str, str], ...]:
    return tuple((d, str(k)) for d, k in (group or {}).items())


def drill_pick(question: Question, frame, source, chart_event, map_event, table_event, fig):
    """The group ({dimension: key}) the click on `source` ('chart', 'map', 'table')
    chose, or None. `fig`: the chart drawn (a point's data when the event lacks it)."""
    first = question.by[0] if question.by else None
    if first is None:
        return None
    if source == "table" and table_event is not None and table_event.selection.rows:
        row = frame.iloc[table_event.selection.rows[0]]
        return {d: row[f"{d}__key"] for d in question.by}
    if source == "map" and map_event is not None:
        for point in map_event.selection.points:
            if point.get("location"):
                return {"commune": point["location"]}
    if source == "chart" and chart_event is not None:
        for point in chart_event.selection.points:
            data = point.get("customdata")
            if data is None:
                trace = fig.data[point.get("curve_number", 0)]
                data = trace.customdata[point.get("point_index", point.get("point_number", 0))]
            group = {first: data[0]}
            if len(question.by) > 1 and data[1]:
                second = frame[frame[question.by[1]] == data[1]]
                if not second.empty:
                    group[question.by[1]] = second.iloc[0][f"{question.by[1]}__key"]
            return group
    return None


def group_title(group: dict, names: dict) -> str:
    """« Arrondissement : Arlon, Solution : E-guichet » (`names`: {dimension: {key:
    name}} for the dimensions whose keys are codes), « Ensemble » for no group."""
    if not group:
        return "Ensemble"
    parts = []
    for d, key in group.items():
        shown = names.get(d, {}).get(key, key)
        labels = DIMENSIONS[d].labels or {}
        parts.append(f"{DIMENSIONS[d].label} : {labels.get(shown, shown)}")
    return ", ".join(parts)


def _in_answer(group: dict, question: Question, frame: pd.DataFrame) -> dict | None:
    """`group` with the answer's own keys, if the answer has a row for it: its dimensions
    are the question's first one (and maybe its second), each value one of its keys."""
    if not question.by or not group or question.by[0] not in group:
        return None
    if not set(group) <= set(question.by):
        return None
    rows = frame
    for dim, value in group.items():
        column = f"{dim}__key"
        if column not in rows:
            return None
        rows = rows[rows[column].astype(str) == str(value)]
    if rows.empty:
        return None
    return {dim: rows.iloc[0][f"{dim}__key"] for dim in group}


def keep(mode: str) -> None:
    """Keep the values of the question's widgets a mode does not draw (Streamlit forgets
    a widget's value in a run that does not draw it): back to another mode, they are
    there. `mode` is the one drawn (every mode keeps them all)."""
    state = st.session_state
    for key in (
        METRICS_KEY,
        BY_KEY,
        PERIOD_KEY,
        FILTER_DIM_KEY,
        FILTER_VALUES_KEY,
        DAYS_KEY,
        FACTOR_KEY,
    ):
        if key in state:
            state[key] = state[key]


def filters_and_settings(
    chosen: tuple[str, ...], allowed: list[str], day: dt.date, solutions_chosen: bool
) -> None:
    """« Filtres et réglages »: a dimension and its values to keep, the days of the
    survey conversion and the factor of the usual amount when those measures are chosen
    (`chosen`; `allowed`: the dimensions they share)."""
    with st.expander("Filtres et réglages", icon=":material/filter_alt:"):
        f_left, f_right = st.columns([1, 2])
        if st.session_state.get(FILTER_DIM_KEY) not in allowed:
            st.session_state[FILTER_DIM_KEY] = None
        with f_left:
            filter_dim = st.selectbox(
                "Filtrer par",
                options=allowed,
                format_func=lambda d: DIMENSIONS[d].label,
                index=None,
                placeholder="Aucun filtre",
                key=FILTER_DIM_KEY,
            )
        with f_right:
            if filter_dim:
                probe = Question(chosen[:1], (filter_dim,))
                values = load(layer.answer, probe, day)
                options = dict(zip(values[f"{filter_dim}__key"], values[filter_dim]))
                st.session_state[FILTER_VALUES_KEY] = [
                    v for v in st.session_state.get(FILTER_VALUES_KEY) or [] if v in options
                ]
                st.multiselect(
                    f"Valeurs ({DIMENSIONS[filter_dim].label.lower()})",
                    options=list(options),
                    format_func=lambda v: options.get(v, v),
                    key=FILTER_VALUES_KEY,
                )
        if "survey_conversion" in chosen:
            st.number_input(
                "Commande dans les N jours suivant la réponse",
                min_value=1,
                max_value=3650,
                step=30,
                key=DAYS_KEY,
            )
        if "orders_above_usual" in chosen:
            st.number_input(
                "Facteur au-dessus du montant médian de la solution",
                min_value=1.0,
                max_value=100.0,
                step=0.5,
                key=FACTOR_KEY,
            )
        if solutions_chosen:
            st.caption(
                "Les solutions choisies dans la barre latérale filtrent aussi les mesures "
                "qui ont une solution."
            )


def current(solutions: tuple[str, ...] | None) -> Question:
    """The question the widgets make now; the sidebar's solutions join the filters."""
    state = st.session_state
    metrics = tuple(state.get(METRICS_KEY) or DEFAULT.metrics)[:2]
    by = tuple(state.get(BY_KEY) or ())[:2]
    filters = []
    dim, values = state.get(FILTER_DIM_KEY), tuple(state.get(FILTER_VALUES_KEY) or ())
    if dim in DIMENSIONS and values:
        filters.append((dim, values))
    if solutions and dim != "solution":
        filters.append(("solution", tuple(solutions)))
    mode = state.get(MODE_KEY) or "table"
    return Question(
        metrics,
        by,
        tuple(filters),
        state.get(PERIOD_KEY) or "tout",
        (state.get(COMPARE_KEY) or None) if mode == "compare" else None,
        int(state.get(DAYS_KEY) or DEFAULT_CONVERSION_DAYS),
        float(state.get(FACTOR_KEY) or DEFAULT_USUAL_FACTOR),
    )


def page_params(mode: str) -> dict[str, str]:
    """The page's own address parameters beside the question: the mode (unless the
    table), the communes side by side and « toutes les mesures », « depuis » for what
    changed, the clicked group in the table mode."""
    state = st.session_state
    params = {"mode": mode if mode != "table" else ""}
    if mode == "side":
        params["communes"] = ",".join(state.get(COMMUNES_KEY) or [])
        params["toutes"] = "oui" if state.get(SIDE_ALL_KEY) else ""
    since = state.get(SINCE_KEY)
    if mode == "changed" and since:
        params["depuis"] = since.isoformat()
    kept = state.get(GROUP_KEY)
    if mode == "table" and kept and kept[1]:
        params["lignes"] = group_param(kept[1])
    return {k: v for k, v in params.items() if v}


def write_address(question: Question, mode: str) -> None:
    """The question (without the sidebar's solutions, which travel on their own) and the
    page's own parameters in the address."""
    params = own_question(question).to_params() | page_params(mode)
    for name in PARAMS:
        write_param(name, params.get(name) or None)


def own_question(question: Question) -> Question:
    """`question` without the sidebar's solutions (added by `current`), unless the
    solution is the Explorer's own filter."""
    if st.session_state.get(FILTER_DIM_KEY) == "solution":
        return question
    return question.with_(filters=tuple(f for f in question.filters if f[0] != "solution"))


def link(params: dict) -> str:
    """The page's relative address for address parameters `params` (a named view's),
    percent-encoded; parameters the Explorer does not know are left out."""
    from urllib.parse import urlencode

    return "explorer?" + urlencode({k: str(v) for k, v in params.items() if k in PARAMS and v})


# --- Columns and the « À propos » sheet --------------------------------------------------
def metric_col(key: str, suffix: str = "", name: str | None = None) -> Col:
    words = METRICS[key].words
    return Col(name or key, words.label + suffix, words.kind, help=words.help)


def answer_columns(question: Question) -> list[Col]:
    return [Col(d, DIMENSIONS[d].label) for d in question.by] + [
        metric_col(m) for m in question.metrics
    ]


def compare_columns(question: Question, day: dt.date) -> list[Col]:
    a = window(question.period, day).label.split(" (")[0]
    b = window(question.compare, day).label.split(" (")[0]
    cols = [Col(d, DIMENSIONS[d].label) for d in question.by]
    for m in question.metrics:
        words = METRICS[m].words
        cols += [
            metric_col(m, f" — A : {a}"),
            metric_col(m, f" — B : {b}", f"{m}__b"),
            Col(
                f"{m}__diff",
                f"{words.short_label} — écart A − B",
                "decimal" if words.kind == "percent" else words.kind,
            ),
        ]
    return cols


def about(question: Question, day: dt.date, names: dict, rows: int) -> dict[str, str]:
    """The « À propos » sheet of an Explorer export: the question in French, its dates,
    each measure's definition, the export time."""
    span = window(question.period, day)
    facts = {
        "Question": describe(question, day, names),
        "Situation au": fmt.date(span.until),
        "Période": span.label,
        "Lignes": fmt.number(rows),
    }
    for m in question.metrics:
        words = measures.measure(m)
        kind = (
            "stock, au " + fmt.date(span.until) if METRICS[m].is_stock else "flux, sur la période"
        )
        facts[words.label] = f"{words.help} ({kind})"
    facts["Exporté le"] = dt.datetime.now().strftime("%d/%m/%Y à %H:%M")
    return facts


def formatted(frame: pd.DataFrame, key: str) -> list[str]:
    return [METRICS[key].words.format(v) for v in frame[key]]


def overlap_note(question: Question, day: dt.date) -> str | None:
    """French words when the two compared periods overlap (« tout » against 2025, the
    mode's opening state: one holds the other), else None."""
    a, b = window(question.period, day), window(question.compare, day)
    if a.since > b.until or b.since > a.until:
        return None
    return (
        f"Les périodes se recouvrent (A : {a.label} ; B : {b.label}) : leurs événements "
        "communs comptent des deux côtés. Choisissez deux périodes distinctes pour comparer."
    )
