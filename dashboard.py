"""Entry point: `streamlit run dashboard.py`. Page setup, navigation, shared sidebar."""

import streamlit as st

from ui import first_paint, page_list, theme, warmup
from ui.auth import draw_account_box, may_read, visible_pages
from ui.data import store_ready
from ui.runs import reading_ends_with_session, run_slot
from ui.shell import navigation
from ui.state import as_of, draw_sidebar

st.set_page_config(
    page_title="Centrale d'achats Smart — IDELUX",
    page_icon="assets/favicon.png",
    layout="wide",
    initial_sidebar_state="expanded",
)

# The menu, from the one list of pages (ui/page_list.py), grouped by section.
PAGES: dict[str, list] = {}
for spec in page_list.PAGES:
    PAGES.setdefault(spec.section, []).append(
        st.Page(f"pages/{spec.file}", title=spec.title, icon=spec.icon, default=spec.default)
    )

theme.apply()
# One run at a time per core (ui/runs.py): many sessions queue instead of thrashing; a
# sent file's reading stops when its session ends (tab closed); the start-up warm-up
# gives way to a visitor's run (ui/warmup.py).
with run_slot(), warmup.visitor_run(), reading_ends_with_session():
    # Editor pages are not even listed for viewers; only the sign-in page when required.
    page = navigation(visible_pages(PAGES))
    # The date and the filter come first in the sidebar: visible at 1366×768 without scrolling.
    controls = st.sidebar.container()
    draw_account_box()
    if not may_read():
        page.run()
    elif store_ready():
        draw_sidebar(controls)
        loaded_at = theme.last_loaded_at()
        theme.sidebar_actions(loaded_at)
        theme.print_header(page.title, as_of(), loaded_at)
        page.run()
        # Not reached when a first page stops after its figures, nor after the sign-in page
        # (no chart code loaded there: the first overview after signing in splits too).
        first_paint.mark_served()
