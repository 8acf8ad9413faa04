"""The theme's pieces that need no browser: the script survives st.html's sanitiser,
tables fit a laptop screen, the map's alternative text carries its figures."""

from __future__ import annotations

import re

import pandas as pd

from ui import grid, theme
from ui.components import Col, table_layout


def test_theme_script_survives_the_sanitiser():
    """DOMPurify drops a script element whose text holds '<' then a letter or '/'."""
    script = (theme.ASSETS / "theme.js").read_text(encoding="utf-8")
    assert not re.search(r"<[/\w]", script)


def test_every_streamlit_string_we_translate_is_french():
    script = (theme.ASSETS / "theme.js").read_text(encoding="utf-8")
    for english, french in re.findall(r'^\s+"([^"]+)": "([^"]+)",$', script, re.M):
        assert english != french and not re.search(r"\b(the|file|for|and)\b", french), french


def test_wide_text_table_wraps_within_the_budget():
    """Long texts share the width left by headers and numbers, and wrap in taller
    rows: every header whole, every word whole, the lines held by the row."""
    frame = pd.DataFrame(
        {
            "solution": ["Service travaux et signalement des incivilités"] * 3,
            "names": ["Libin, Libramont-Chevigny, Neufchâteau, Wellin, Daverdisse"] * 3,
            "amount": [44032.81, 1.0, 2.0],
        }
    )
    columns = [
        Col("solution", "Solution"),
        Col("names", "Communes de l'arrondissement qui l'ont"),
        Col("amount", "Montant HTVA", "money"),
    ]
    widths, row_height = table_layout(frame, columns, budget=520)
    assert sum(widths.values()) <= 520
    assert widths["names"] >= grid.cell_px("Communes de l'arrondissement qui l'ont")
    assert widths["amount"] >= grid.cell_px("44 032,81 €")
    assert row_height is not None and row_height > 64  # Streamlit wraps only past 4rem
    for name, text in [("solution", frame["solution"][0]), ("names", frame["names"][0])]:
        lines = grid.lines_needed(text, widths[name])
        assert 1 < lines <= grid.MAX_LINES and grid.row_px(lines) <= row_height


def test_narrow_table_keeps_one_line_rows():
    frame = pd.DataFrame({"name": ["Bertrix", "Arlon"], "amount": [123456.5, 10.0]})
    columns = [Col("name", "Nom"), Col("amount", "Montant", "money")]
    widths, row_height = table_layout(frame, columns)
    assert row_height is None
    assert widths["name"] < widths["amount"] < 200  # "123 456,50 €" is wider than "Bertrix"
    # A header wider than its values is whole.
    widths, _ = table_layout(frame, [Col("name", "Adjudicataire")])
    assert widths["name"] >= grid.text_px("Adjudicataire") + 2 * grid.CELL_PADDING_PX


def test_text_widths_follow_the_grid_font():
    """Measured in Chromium: 'Communes de l'arrondissement qui l'ont' is 238 px in
    Source Sans 14 px; a narrow 'i' and a wide 'M' are told apart."""
    assert abs(grid.text_px("Communes de l'arrondissement qui l'ont") - 238.0) < 2
    assert grid.text_px("iiii") < grid.text_px("MMMM") / 2
    assert grid.lines_needed("Libramont-Chevigny", 60) == float("inf")  # a word never cut


def test_freshness_says_when_data_were_loaded():
    assert theme.freshness_text(pd.Timestamp("2026-11-24 10:15")) == (
        "Données à jour au 24/11/2026 à 10:15"
    )
    assert "aucun chargement" in theme.freshness_text(None)


def test_the_pages_load_no_report_builder_until_a_download_is_asked_for():
    """fpdf, python-pptx and matplotlib were ~70 % of the overview's first run: the
    buttons that build reports import them only when clicked."""
    import subprocess
    import sys

    code = (
        "import sys; import ui.report_buttons, ui.briefing_buttons, reports.files; "
        "print(sorted(m for m in ('fpdf', 'pptx', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=theme.ASSETS.parent,
    )
    assert out.stdout.strip() == "[]", out.stdout
