"""Make sure a page always runs inside dashboard.py's shell, with public Streamlit API only.

With a `pages/` folder beside the entry point, Streamlit starts in its legacy
multipage mode: until some session has called `st.navigation`, a bookmark
such as `/commune?nis=84009` opened on a freshly started server runs that page
file on its own, without the sidebar, the reference date or the sign-in gate.
Streamlit documents the way out: "If you call st.navigation in your app (in
any session), Streamlit will switch to using the newer, Page-and-navigation
multipage structure [...] the pages/ directory will be ignored across all
sessions." (docs, "Overview of multipage apps"). There is no option to start
in that mode (a `pages/` folder is detected at start-up, see the review of
streamlit/streamlit#10276, which describes this very first-request quirk).

So the entry point calls `navigation()` below, which records that the shell
has run in this server process; a page reached without the shell calls
`st.navigation` itself (documented effect: the legacy mode ends for every
session) and reruns, and the rerun goes through dashboard.py with the same
URL: the person lands on the page they asked for, inside the shell.
"""

from __future__ import annotations

import inspect
import threading
from pathlib import Path

import streamlit as st

# Set once a session has called st.navigation in this server process: from then on,
# Streamlit runs dashboard.py for every URL and ensure_shell() costs nothing.
_navigation_called = threading.Event()


def navigation(pages, **kwargs):
    """`st.navigation(pages, **kwargs)`, for the entry point: also notes that the
    legacy `pages/`-folder mode is over for this server."""
    page = st.navigation(pages, **kwargs)
    _navigation_called.set()
    return page


def ensure_shell() -> None:
    """Called first by every page file: if the shell has never run in this server,
    leave the legacy mode (a public `st.navigation` call) and rerun through it.

    The navigation lists the calling page under its own URL path, beside a default page
    (a default page answers at "/"; were the calling page the default, the browser
    would report "page not found" for the address being opened); the rerun keeps the
    URL (page and query string).
    """
    if _navigation_called.is_set():
        return
    caller = inspect.currentframe().f_back
    page_file = Path(caller.f_globals.get("__file__", "page.py"))
    navigation(
        [
            st.Page(_never_shown, title="Accueil", default=True),
            st.Page(page_file, url_path=page_file.stem),
        ],
        position="hidden",
    )
    st.rerun()


def _never_shown() -> None:
    """The default page of the one-off navigation above: never run (the rerun replaces it)."""
