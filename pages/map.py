"""Placeholder while the page is being written (issue 3)."""

import streamlit as st

st.info("Page en construction.")
