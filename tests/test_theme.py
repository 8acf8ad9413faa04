"""The theme's pieces that need no browser: the script survives st.html's sanitiser,
tables fit a laptop screen, the map's alternative text carries its figures."""

from __future__ import annotations

import re

import pandas as pd

from ui import theme
from ui.components import FULL_WIDTH_PX, MIN_COLUMN_PX, Col, column_widths


def test_theme_script_survives_the_sanitiser():
    """DOMPurify drops a script element whose text holds '<' then a letter or '/'."""
    script = (theme.ASSETS / "theme.js").read_text(encoding="utf-8")
    assert not re.search(r"<[/\w]", script)


def test_every_streamlit_string_we_translate_is_french():
    script = (theme.ASSETS / "theme.js").read_text(encoding="utf-8")
    for english, french in re.findall(r'^\s+"([^"]+)": "([^"]+)",$', script, re.M):
        assert english != french and not re.search(r"\b(the|file|for|and)\b", french), french


def test_wide_table_is_narrowed_to_the_budget():
    frame = pd.DataFrame({f"c{i}": ["un texte assez long " * 3] * 5 for i in range(8)})
    columns = [Col(f"c{i}", f"Colonne {i}") for i in range(8)]
    widths = column_widths(frame, columns)
    assert sum(widths.values()) <= FULL_WIDTH_PX
    assert min(widths.values()) >= MIN_COLUMN_PX


def test_narrow_table_keeps_its_natural_widths():
    frame = pd.DataFrame({"name": ["Bertrix", "Arlon"], "amount": [1234.5, 10.0]})
    columns = [Col("name", "Commune"), Col("amount", "Montant", "money")]
    widths = column_widths(frame, columns)
    assert widths["name"] < widths["amount"] < 200  # "1 234,50 €" is wider than "Bertrix"
    # A header wider than its values is not cut: the longest word fits.
    assert column_widths(frame, [Col("name", "Adjudicataire")])["name"] >= 13 * 7


def test_freshness_says_when_data_were_loaded():
    assert theme.freshness_text(pd.Timestamp("2026-11-24 10:15")) == (
        "Données à jour au 24/11/2026 à 10:15"
    )
    assert "aucun chargement" in theme.freshness_text(None)
