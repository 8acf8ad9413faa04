"""Server entry point: `streamlit run app.py` serves `dashboard.py` through `st.App`.

The lifespan starts the warm-up (heavy imports, store connection) while the
server already listens, so the first page renders about as fast as a one-line
app (see `ui/warmup.py` and the cold-start figure of `make bench`).
"""

from contextlib import asynccontextmanager

import streamlit as st

from ui import warmup


@asynccontextmanager
async def lifespan(_app):
    warmup.start()
    yield


app = st.App("dashboard.py", lifespan=lifespan)
