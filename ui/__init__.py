"""Streamlit glue shared by the pages: cached reads, the shared sidebar, small widgets.

The only package besides `pages/` allowed to import streamlit; `centrale` never does.
"""
