"""Figures first, the rest right after: the overview, when it is the first page of a
browser tab, stops after its headline figures; the browser asks for the whole page as
soon as it has painted them.

Why (issue 22, measured in Chromium): charts and tables need JavaScript that Streamlit
loads on demand the first time a tab shows one (plotly.js, 4,7 Mo, ≈ 0,7 s to evaluate on
our machines; the table grid). React holds back the whole update that brings such an
element — the figures sent with it included — until that code is loaded and evaluated:
the overview's figures arrived 0,93 s after opening and were painted at 2,46 s. Sent on
their own, they are painted with the page's title; the rest follows in a second run.

How: after the figures, a placeholder announces the rest and a fragment holds a hidden
button. The page's script (assets/theme.js, « Figures first ») presses it two animation
frames after the placeholder is in the page, that is once the figures are painted, however
slow the machine, and once the run that drew them has ended (again after 1,5 s if the rest
has not come: a person's click may have started a run just then). The fragment then marks
the tab as served and reruns the whole page. A timer on the fragment (`run_every`, public
API) asks too if that script never does; a full run makes the browser drop the timer, and a
request that comes late finds no fragment and is dropped by Streamlit.

A session without a browser (AppTest, which sends no HTTP headers) gets the whole page in
one run: there is no JavaScript to wait for.
"""

from __future__ import annotations

import streamlit as st

# Session key: this tab has been shown a whole page (its chart code is loaded or coming).
SERVED_KEY = "first_paint_served"
# The hidden button theme.js presses: Streamlit gives its container the class st-key-<key>.
REST_BUTTON_KEY = "first_paint_rest"
# If theme.js never presses it, the fragment's timer asks this long after the figures
# reached the browser. Long: it counts from their arrival, not their paint, and on a slow
# computer (Chromium at 1/6 of this machine's speed) a 2 s timer asked before the paint.
FALLBACK_SECONDS = 8.0
# The placeholder's class: theme.js, tests and benchmarks look for it.
PENDING_CLASS = "centrale-pending"

_PLACEHOLDER = (
    f'<div class="{PENDING_CLASS}" role="status" aria-live="polite">'
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

    @st.fragment(run_every=FALLBACK_SECONDS)
    def _the_rest() -> None:
        st.button("Afficher la suite", key=REST_BUTTON_KEY)  # hidden (theme.css)
        if not asked[0]:  # the call from this run: the browser has not asked yet
            asked[0] = True
            return
        mark_served()
        st.rerun(scope="app")

    _the_rest()
    st.stop()
