"""The dashboard's look for screens, projectors and paper, in one place.

`apply()` (called once per run by `dashboard.py`) injects `assets/theme.css`
and `assets/theme.js`. Why a script at all: Streamlit 1.67 has no setting for
the document language nor for its own English strings ("Help for…", "Skip to
main content", the file uploader's "Upload"…), so a small documented shim
sets `<html lang="fr">` and translates them; everything else is plain CSS.
The table toolbar's CSV download is removed by the supported option
`client.disableDataExport` (`.streamlit/config.toml`): each table has its own
Excel button, which Belgian Excel opens correctly.

The other helpers draw what pages share around their content: the print-only
header (page title, situation date, source, print date), the "Imprimer" and
"Projeter" buttons, the "données à jour au" line, and print-only copies of
tables and map pictures (a canvas table or a WebGL map does not print).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.storage import loads
from ui.data import load

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SOURCE = "centrale d'achats Smart d'IDELUX Projets publics (fichiers sources chargés)"
PRINT_TABLE_ROWS = 60  # past this, the paper says "and N more rows, in the Excel file"


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def apply() -> None:
    """The theme's CSS and script, once per run, in a hidden container."""
    st.html(f"<style>{_asset('theme.css')}</style>")
    with st.container(key="centrale-theme"):
        st.html(f"<script>{_asset('theme.js')}</script>", unsafe_allow_javascript=True)


def freshness_text(loaded_at) -> str:
    """'Données à jour au 24/11/2026 à 10:15' from the last load's timestamp."""
    if loaded_at is None or pd.isna(loaded_at):
        return "Données : aucun chargement enregistré"
    stamp = pd.Timestamp(loaded_at)
    return f"Données à jour au {fmt.date(stamp.date())} à {stamp:%H:%M}"


def last_loaded_at():
    """When the store was last loaded (its newest load), or None."""
    last = load(loads.newest_load)
    return None if last is None else last["loaded_at"]


def print_header(page_title: str, day: dt.date, loaded_at, filters: str | None = None) -> None:
    """The block that heads every printed page (hidden on screen)."""
    parts = [
        f"<strong>{html.escape(page_title)}</strong> — Centrale d'achats Smart, IDELUX · "
        'Imprimé le <span class="centrale-print-date"></span>',
        # Left out on paper when the page says its date itself (`situation_caption`,
        # theme.css): one « Situation au » per printed page.
        f'<span class="centrale-print-situation">Situation au '
        f"{html.escape(fmt.long_date(day))}</span>",
    ]
    if filters:
        parts.append(html.escape(filters))
    parts.append(f"Source : {html.escape(SOURCE)} · {html.escape(freshness_text(loaded_at))}")
    st.html(
        '<div class="centrale-print-only centrale-print-header">'
        + "".join(f"<div>{part}</div>" for part in parts)
        + "</div>"
    )


def sidebar_actions(loaded_at) -> None:
    """'Données à jour au …' and the print button, at the bottom of the sidebar."""
    st.sidebar.caption(freshness_text(loaded_at))
    st.sidebar.html(
        '<div class="centrale-print-button" data-testid="centrale-print">'
        '<button type="button" data-centrale-action="print" class="centrale-button">'
        "Imprimer cette page</button>"
        # Shown only on a page with tabs (theme.css): the page prints every tab in
        # order by default; this prints the tab on screen alone.
        '<button type="button" data-centrale-action="print-tab" '
        'class="centrale-button centrale-print-tab">Imprimer l\'onglet affiché seulement'
        "</button></div>"
    )


def projector_button() -> None:
    """'Projeter' for the Présentation page (also key P; ←/→/espace; Échap to leave)."""
    st.html(
        '<button type="button" data-centrale-action="projector" class="centrale-button">'
        "Projeter en plein écran (touche P)</button>"
        '<span class="centrale-hint"> Puis ← → ou espace pour changer de section, '
        "Échap pour revenir.</span>"
    )


def print_table(styler_html: str, total: int, shown: int) -> None:
    """A static copy of a table for paper (hidden on screen): all columns, wrapped."""
    note = ""
    if total > shown:
        note = (
            f"<p>… et {fmt.number(total - shown)} autres lignes, dans le fichier Excel "
            "de cette page.</p>"
        )
    st.html(f'<div class="centrale-print-only">{styler_html}{note}</div>')


def screen_caption(text: str) -> None:
    """A caption for the screen only (« faites défiler le tableau »): paper leaves it out
    (theme.css). `text` is the project's own words, escaped as HTML."""
    st.html(f'<p class="centrale-screen-only centrale-caption">{html.escape(text)}</p>')


def print_image(png: bytes, alt: str) -> None:
    """A picture shown on paper only (a WebGL map prints blank): `alt` says what it shows."""
    data = base64.b64encode(png).decode("ascii")
    st.html(
        '<div class="centrale-print-only">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
        'style="width:100%;max-width:180mm"></div>'
    )


def svg_picture(svg: bytes, alt: str) -> None:
    """An SVG drawn by the project (the map of a slide), scaled to the column's width.

    st.html's sanitiser keeps no inline SVG: it goes as an image, which theme.js turns
    into the same SVG inside the page, so that its names are text (crisp on a
    projector, measured by the slide's text audit) and the whole is one picture named
    `alt` for a screen reader (`role="img"`). Without the script, the image shows it."""
    root = svg.decode("utf-8")
    start = root.index("<svg")
    end = root.index(">", start)
    # Sized by the page (theme.css: the column's width), its proportions from its viewBox.
    tag = re.sub(r'\s(width|height)="[^"]*"', "", root[start:end])
    data = base64.b64encode((tag + root[end:]).encode("utf-8")).decode("ascii")
    st.html(
        f'<div class="centrale-map-figure"><img class="centrale-map-svg" '
        f'data-centrale-inline-svg src="data:image/svg+xml;base64,{data}" '
        f'alt="{html.escape(alt)}"></div>'
    )


PROJECTED_TEXT_PX = 24  # the smallest text of a slide at 1920×1080 (issue 24)
# A slide's content width at 1920×1080: theme.css gives the projected page 3rem (48 px)
# of padding on each side. What is drawn for a slide is drawn at this width.
SLIDE_WIDTH_PX = 1920 - 2 * 48


def large_type(fig, size: int = PROJECTED_TEXT_PX):
    """A copy of `fig` whose every text (ticks, axis titles, legend, annotations,
    hover) is at least `size` px: what a room reads on a projector."""
    import plotly.graph_objects as go

    fig = go.Figure(fig)
    fig.update_layout(
        font_size=size,
        title_font_size=size + 6,
        legend_font_size=size,
        hoverlabel_font_size=size,
    )
    fig.update_xaxes(tickfont_size=size, title_font_size=size)
    fig.update_yaxes(tickfont_size=size, title_font_size=size)
    # Bar labels: plotly shrinks a label that does not fit its bar unless told not to.
    fig.update_layout(uniformtext={"minsize": size, "mode": "show"})
    fig.update_traces(textfont_size=size, selector={"type": "bar"})
    for note in fig.layout.annotations:
        note.font.size = max(note.font.size or 0, size)
    return fig
