"""Entry point: `streamlit run dashboard.py`. Page setup, navigation, shared sidebar."""

import streamlit as st

from ui import theme
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

PAGES = {
    "Suivi": [
        st.Page(
            "pages/overview.py", title="Vue d'ensemble", icon=":material/dashboard:", default=True
        ),
        st.Page("pages/map.py", title="Carte", icon=":material/map:"),
        st.Page("pages/commune.py", title="Commune", icon=":material/location_city:"),
        st.Page(
            "pages/orders.py", title="Commandes et prestataires", icon=":material/receipt_long:"
        ),
        st.Page("pages/subsidies.py", title="Subsides", icon=":material/euro:"),
        st.Page("pages/explorer.py", title="Explorer", icon=":material/query_stats:"),
    ],
    "Enquête et présentation": [
        st.Page("pages/survey.py", title="Enquête des besoins", icon=":material/checklist:"),
        st.Page("pages/presentation.py", title="Présentation", icon=":material/slideshow:"),
    ],
    "Données": [
        st.Page("pages/data.py", title="Importer des données", icon=":material/upload_file:"),
        st.Page("pages/history.py", title="Historique des chargements", icon=":material/history:"),
        st.Page("pages/help.py", title="Aide", icon=":material/help:"),
    ],
}

theme.apply()
# One run at a time per core (ui/runs.py): many sessions queue instead of thrashing; a
# sent file's reading stops when its session ends (tab closed).
with run_slot(), reading_ends_with_session():
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
