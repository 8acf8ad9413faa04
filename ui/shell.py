"""Make sure a page always runs inside dashboard.py's shell.

With a `pages/` folder beside the entry point, Streamlit keeps its legacy
multipage mode until some session has called `st.navigation`: on a freshly
started server, a bookmark such as `/commune?nis=84009` runs that page file
on its own, without the sidebar, the reference date or the sign-in gate.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_shell() -> None:
    """Called first by every page: leave the legacy mode and rerun through the shell.

    The rerun keeps the URL (page and query string), so the user lands on the
    page they asked for, drawn by dashboard.py. Once any session has run the
    shell, the flag is off for the whole server and this costs nothing.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
