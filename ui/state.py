"""The shared controls every page reads: reference date and solution filter.

Drawn once in the sidebar by `dashboard.py` before the page runs; pages call
`as_of()` and `solution_filter()` and never create these widgets themselves.
The date can also come from the URL (`?date=2020-01-31`), so a view can be
shared or bookmarked.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from centrale import queries
from centrale.config import CENTRALE_OPENED_ON
from ui.data import load

AS_OF_KEY = "shared_as_of"
SOLUTIONS_KEY = "shared_solutions"
# Copies of the widget values: `st.switch_page` (map -> commune) drops widget
# state, and the user's date and filter must survive the jump.
KEPT = {AS_OF_KEY: "shared_as_of_kept", SOLUTIONS_KEY: "shared_solutions_kept"}
OPENED_ON = dt.date.fromisoformat(CENTRALE_OPENED_ON)


def _date_from_url() -> dt.date | None:
    text = st.query_params.get("date")
    try:
        day = dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day and OPENED_ON <= day <= dt.date.today() else None


def _keep(key: str) -> None:
    st.session_state[KEPT[key]] = st.session_state.get(key)


def draw_sidebar() -> None:
    """The reference date and solution filter, kept in session state across pages."""
    url_date = _date_from_url()
    if url_date:  # a date in the URL (bookmark, map -> commune link) fills a missing value
        st.session_state.setdefault(AS_OF_KEY, url_date)
    for key, default in ((AS_OF_KEY, dt.date.today()), (SOLUTIONS_KEY, [])):
        if key not in st.session_state:
            kept = st.session_state.get(KEPT[key])
            st.session_state[key] = kept if kept is not None else default
    st.sidebar.date_input(
        "Situation au",
        key=AS_OF_KEY,
        min_value=OPENED_ON,
        max_value=dt.date.today(),
        format="DD/MM/YYYY",
        on_change=_keep,
        args=(AS_OF_KEY,),
        help="Tous les chiffres sont ceux connus à cette date. Le 31/01/2020 donne "
        "la situation annoncée par la presse (23 communes, 16 commandes).",
    )
    catalogue = load(queries.solutions)
    names = dict(zip(catalogue["solution_id"], catalogue["name_fr"]))
    st.sidebar.multiselect(
        "Solutions",
        options=list(names),
        format_func=names.get,
        key=SOLUTIONS_KEY,
        placeholder="Toutes les solutions",
        on_change=_keep,
        args=(SOLUTIONS_KEY,),
        help="Limite les commandes affichées à ces solutions (vide : toutes).",
    )


def as_of() -> dt.date:
    """The reference date chosen in the sidebar (today by default)."""
    return st.session_state.get(AS_OF_KEY) or dt.date.today()


def solution_filter() -> tuple[str, ...] | None:
    """The solutions picked in the sidebar, or None for all."""
    picked = st.session_state.get(SOLUTIONS_KEY) or []
    return tuple(picked) or None
