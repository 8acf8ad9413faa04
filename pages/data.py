"""Placeholder while the page is being written."""

import streamlit as st

st.info("Page en construction.")
