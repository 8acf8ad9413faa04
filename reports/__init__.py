"""The briefing pack for bourgmestres: PowerPoint deck, one-page PDF, map image.

Streamlit-free: reads a `centrale.datasets.briefing.CommuneBriefing` and returns bytes.
Command line: `python -m reports brief …` (see `reports/__main__.py`).
"""
