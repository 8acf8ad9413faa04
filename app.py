"""Server entry point: `streamlit run app.py` serves `dashboard.py` through `st.App`.

The lifespan starts the warm-up (heavy imports, store connection) while the
server already listens, so the first page renders about as fast as a one-line
app (see `ui/warmup.py` and the cold-start figure of `make bench`). The two
routes of `ui/session_routes.py` set and clear the sign-in cookie (a local
sign-in survives F5).
"""

from contextlib import asynccontextmanager

import streamlit as st

from ui import session_routes, warmup


@asynccontextmanager
async def lifespan(_app):
    warmup.start()
    yield
    warmup.thaw()


app = st.App("dashboard.py", lifespan=lifespan, routes=session_routes.ROUTES)
