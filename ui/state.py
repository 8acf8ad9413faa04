"""The shared controls every page reads, and the address bar that carries them.

`draw_sidebar()` (called by dashboard.py before the page) draws the reference
date and the solution filter; overview and orders pages add `period_picker()`.
Pages call `as_of()`, `solution_filter()`, and never create these widgets.

Views travel: every value the person sets is written to the address as it
changes (`?date=2020-01-31&solutions=APPLI&periode=2023&indicateur=amount…`),
and a new session opened on that address starts from it. Values live in plain
session-state keys (not widget keys), so they survive a page change even though
the page's widgets are not drawn there (Streamlit forgets the state of widgets
it did not draw in a run).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from centrale import fmt, periods
from centrale.datasets import queries
from ui.data import load

AS_OF_KEY = "shared_as_of"
SOLUTIONS_KEY = "shared_solutions"
PERIOD_KEY = "shared_period"  # the period's address text (`Period.param`)
OPENED_ON = periods.OPENED_ON

DATE_TEXT_KEY = "shared_as_of_text"  # the typed date (a text field: it applies on Enter)
DATE_ERROR_KEY = "shared_as_of_error"
SOLUTIONS_WIDGET = "shared_solutions_widget"
PERIOD_KIND_WIDGET = "period_kind_widget"
PERIOD_RANGE_WIDGET = "period_range_widget"

# Address parameters (French, short: they are read by people who forward a link).
DATE_PARAM, SOLUTIONS_PARAM, PERIOD_PARAM = "date", "solutions", "periode"


def parse_day(text: str | None) -> dt.date | None:
    """A date typed as 31/01/2020 (or 31-01-2020, 31.01.2020) or 2020-01-31; None otherwise."""
    text = (text or "").strip()
    for form in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _date_from_url() -> dt.date | None:
    text = st.query_params.get(DATE_PARAM)
    try:
        day = dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day and OPENED_ON <= day <= dt.date.today() else None


def write_param(name: str, value: str | None) -> None:
    """Put `name=value` in the address (remove it for None), only if it changes."""
    if value is None or value == "":
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def url_value(name: str) -> str | None:
    """The address's `name`, or None."""
    return st.query_params.get(name) or None


def _apply_typed_date() -> None:
    text = st.session_state.get(DATE_TEXT_KEY)
    day = parse_day(text)
    if day is None:
        st.session_state[DATE_ERROR_KEY] = (
            f"« {text} » n'est pas une date : tapez-la comme 31/01/2020."
        )
    elif not OPENED_ON <= day <= dt.date.today():
        st.session_state[DATE_ERROR_KEY] = (
            f"Choisissez une date entre le {fmt.date(OPENED_ON)} (ouverture de la centrale) "
            f"et aujourd'hui ({fmt.date(dt.date.today())})."
        )
    else:
        st.session_state.pop(DATE_ERROR_KEY, None)
        st.session_state[AS_OF_KEY] = day


def _apply_picked_date() -> None:
    day = st.session_state.get("shared_as_of_calendar")
    if day:
        st.session_state.pop(DATE_ERROR_KEY, None)
        st.session_state[AS_OF_KEY] = day


def _keep_solutions() -> None:
    st.session_state[SOLUTIONS_KEY] = list(st.session_state.get(SOLUTIONS_WIDGET) or [])


def draw_sidebar(where=None) -> None:
    """The reference date and solution filter; both come from the address in a new
    session, live in session state across pages, and are written back to the address.

    `where`: the sidebar container to draw in (default: the sidebar's end); the
    shell puts them at the top, so they are visible at 1366×768 without scrolling.
    """
    where = where or st.sidebar
    if AS_OF_KEY not in st.session_state:
        st.session_state[AS_OF_KEY] = _date_from_url() or dt.date.today()
    catalogue = load(queries.solutions)
    names = dict(zip(catalogue["solution_id"], catalogue["name_fr"]))
    if SOLUTIONS_KEY not in st.session_state:
        from_url = (url_value(SOLUTIONS_PARAM) or "").split(",")
        st.session_state[SOLUTIONS_KEY] = [s for s in from_url if s in names]
    day = as_of()

    # A text field, not st.date_input: a typed date applies on Enter (st.date_input
    # applies it only when the field loses focus, and the click that takes the focus
    # away is lost). The calendar stays one click away.
    if st.session_state.get(DATE_TEXT_KEY) != fmt.date(day) and (
        DATE_ERROR_KEY not in st.session_state
    ):
        st.session_state[DATE_TEXT_KEY] = fmt.date(day)
    where.text_input(
        "Situation au",
        key=DATE_TEXT_KEY,
        on_change=_apply_typed_date,
        placeholder="jj/mm/aaaa",
        help="Tous les chiffres sont ceux connus à cette date (tapez-la puis Entrée, ou "
        "choisissez-la dans le calendrier). Le 31/01/2020 donne la situation annoncée par "
        "la presse (23 communes, 16 commandes).",
    )
    if DATE_ERROR_KEY in st.session_state:
        where.error(st.session_state[DATE_ERROR_KEY], icon=":material/event_busy:")
    with where.popover("Calendrier", icon=":material/calendar_month:"):
        st.session_state["shared_as_of_calendar"] = day
        st.date_input(
            "Situation au",
            key="shared_as_of_calendar",
            min_value=OPENED_ON,
            max_value=dt.date.today(),
            format="DD/MM/YYYY",
            on_change=_apply_picked_date,
            label_visibility="collapsed",
        )

    st.session_state[SOLUTIONS_WIDGET] = [s for s in st.session_state[SOLUTIONS_KEY] if s in names]
    where.multiselect(
        "Solutions",
        options=list(names),
        format_func=names.get,
        key=SOLUTIONS_WIDGET,
        placeholder="Toutes les solutions",
        on_change=_keep_solutions,
        help="Limite les commandes affichées à ces solutions (vide : toutes).",
    )
    write_param(DATE_PARAM, day.isoformat())
    write_param(SOLUTIONS_PARAM, ",".join(st.session_state[SOLUTIONS_KEY]) or None)


def as_of() -> dt.date:
    """The reference date chosen in the sidebar (today by default)."""
    return st.session_state.get(AS_OF_KEY) or dt.date.today()


def solution_filter() -> tuple[str, ...] | None:
    """The solutions picked in the sidebar, or None for all."""
    picked = st.session_state.get(SOLUTIONS_KEY) or []
    return tuple(picked) or None


def remembered(widget_key: str, param: str, allowed: list[str]):
    """Prepare a page's widget `widget_key` whose value travels in the address as `param`:
    its value comes from this session (even after a page change, when Streamlit has
    forgotten the widget), else from the address, else the widget's default. Returns
    the function to call after drawing it (and as its `on_change`): it keeps the value
    and writes it to the address."""
    kept_key = f"{widget_key}_kept"
    if widget_key not in st.session_state:
        value = st.session_state.get(kept_key) or url_value(param)
        if value in allowed:
            st.session_state[widget_key] = value

    def keep() -> None:
        value = st.session_state.get(widget_key)
        st.session_state[kept_key] = value
        write_param(param, value if isinstance(value, str) else None)

    return keep


# --- Period (overview and orders pages) ------------------------------------------


def period() -> periods.Period:
    """The period chosen on the overview or orders page (default: since the opening),
    on the sidebar's date."""
    day = as_of()
    text = st.session_state.get(PERIOD_KEY) or url_value(PERIOD_PARAM)
    return periods.from_param(text, day) or periods.make("all", day)


RANGE_CHOICE = "plage"  # the period control's "De … à …" choice


def _period_choices(day: dt.date) -> dict[str, str]:
    """The period control's choices on `day` (address text -> French label): since the
    opening, this year, each earlier full year (one click for "the orders of 2023"),
    and a free range."""
    years = [y for y in periods.years(day) if y != day.year]
    return {
        periods.make("all", day).param: periods.KINDS["all"],
        periods.make("this_year", day).param: periods.KINDS["this_year"],
        **{str(y): str(y) for y in years},
        RANGE_CHOICE: periods.KINDS["range"],
    }


def _store_period() -> None:
    day = as_of()
    # Clicking the chosen segment again unselects it: keep the period as it was.
    choice = st.session_state.get(PERIOD_KIND_WIDGET) or period().param
    if choice == RANGE_CHOICE or ".." in choice:
        chosen_range = st.session_state.get(PERIOD_RANGE_WIDGET) or ()
        current = period()
        picked = periods.make(
            "range",
            day,
            since=chosen_range[0] if len(chosen_range) > 0 else current.since,
            until=chosen_range[1] if len(chosen_range) > 1 else current.until,
        )
    else:
        picked = periods.from_param(choice, day) or periods.make("all", day)
    st.session_state[PERIOD_KEY] = picked.param


def period_picker() -> periods.Period:
    """The period control (one click per choice; two dates for a free range), written to
    the address (`?periode=2023`)."""
    current = period()
    choices = _period_choices(current.as_of)
    st.session_state[PERIOD_KEY] = current.param
    st.session_state[PERIOD_KIND_WIDGET] = (
        RANGE_CHOICE
        if current.kind == "range"
        else (
            current.param if current.param in choices else periods.make("all", current.as_of).param
        )
    )
    st.segmented_control(
        "Période",
        options=list(choices),
        format_func=choices.get,
        key=PERIOD_KIND_WIDGET,
        on_change=_store_period,
        help="Les chiffres de flux (commandes envoyées, attribuées, délais, retards) ne "
        "comptent que les événements de cette période, connus à la date « Situation au ».",
    )
    if current.kind == "range":
        st.session_state[PERIOD_RANGE_WIDGET] = (current.since, current.until)
        st.date_input(
            "Du … au …",
            key=PERIOD_RANGE_WIDGET,
            min_value=OPENED_ON,
            max_value=current.as_of,
            format="DD/MM/YYYY",
            on_change=_store_period,
        )
    write_param(PERIOD_PARAM, current.param)
    return current
