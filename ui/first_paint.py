"""Figures first, the rest right after: the first page a browser tab opens stops after
its headline figures, and the browser asks at once for the whole page.

Why (issue 22, measured in Chromium): charts and tables need JavaScript that Streamlit
loads on demand the first time a tab shows one (plotly.js, 4,7 Mo, ≈ 0,7 s to evaluate on
our machines; the table grid). React holds back the whole update that brings such an
element — the figures sent with it included — until that code is loaded and evaluated:
the overview's figures arrived 0,93 s after opening and were painted at 2,46 s. Sent on
their own, they are painted with the page's title; the rest follows in a second run.

How: a fragment with `run_every` (public API) is declared after the figures. The browser
starts its timer when that message reaches it, that is after the figures' messages, and
then asks for the fragment; the fragment marks the tab as served and reruns the whole
page. A full run makes the browser drop every fragment timer, so it asks once.

A session without a browser (AppTest, which sends no HTTP headers) gets the whole page in
one run: there is no JavaScript to wait for.
"""

from __future__ import annotations

import streamlit as st

# Session key: this tab has been shown a whole page.
SERVED_KEY = "first_paint_served"
# The browser asks for the rest this long after the figures' messages reached it; with
# the server's second run, the rest arrives ≥ 0,35 s after them, when React has painted
# them (0,1–0,2 s measured). Longer only delays the charts (0,5 s: whole page 2,1–2,7×
# a one-line app instead of 2,1×, bench/browser.py).
ASK_AFTER_SECONDS = 0.25
# The placeholder's class: tests and benchmarks wait until none is left.
PENDING_CLASS = "centrale-pending"

_PLACEHOLDER = (
    f'<div class="{PENDING_CLASS}" role="status" aria-live="polite" aria-busy="true">'
    "Graphiques et tableaux en cours d'affichage…</div>"
)


def mark_served() -> None:
    """A page ran to its end in this tab (dashboard.py, after the page): the tab's next
    pages are drawn in one run."""
    st.session_state[SERVED_KEY] = True


def rest_follows() -> None:
    """Call right after a page's headline figures. On the first page of a browser tab,
    show that the rest is coming, have the browser ask for it, and end this run here."""
    if st.session_state.get(SERVED_KEY) or not st.context.headers:
        return
    st.html(_PLACEHOLDER)
    asked = [False]

    @st.fragment(run_every=ASK_AFTER_SECONDS)
    def _the_rest() -> None:
        if not asked[0]:  # the call from this run: the browser has not asked yet
            asked[0] = True
            return
        mark_served()
        st.rerun(scope="app")

    _the_rest()
    st.stop()
