"""The two download buttons of a commune's briefing pack: deck (.pptx) and fiche (.pdf).

`briefing_downloads(nis, as_of)` is called by the commune page and the
presentation page. The briefing's data is read once through `load` (cached
per store version); the files themselves are built only when a button is
clicked (a callable `data`), so drawing the buttons costs nothing.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from centrale import briefing
from reports import deck, files, sheet
from ui.data import load

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF_MIME = "application/pdf"


def briefing_downloads(nis: str, as_of: dt.date, key_prefix: str = "briefing") -> None:
    """Draw "Présentation PowerPoint" and "Fiche commune PDF" side by side.

    Explains in French instead when the commune or the date has no briefing
    (a merged commune, a date before the centrale opened).
    """
    try:
        b = load(briefing.commune_briefing, str(nis), as_of)
    except briefing.BriefingError as exc:
        st.warning(str(exc), icon=":material/info:")
        return
    name = files.base_name(b)
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Présentation PowerPoint (.pptx)",
            data=lambda: deck.deck_bytes(b),
            file_name=f"{name}.pptx",
            mime=PPTX_MIME,
            key=f"{key_prefix}_pptx_{b.nis_code}_{as_of.isoformat()}",
            icon=":material/slideshow:",
            on_click="ignore",
            width="stretch",
            help=f"7 diapositives 16:9 pour {b.name}, graphiques modifiables dans PowerPoint.",
        )
    with right:
        st.download_button(
            "Fiche commune (.pdf)",
            data=lambda: sheet.sheet_bytes(b),
            file_name=f"{name}.pdf",
            mime=PDF_MIME,
            key=f"{key_prefix}_pdf_{b.nis_code}_{as_of.isoformat()}",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            width="stretch",
            help=f"Une page A4 imprimable : les chiffres de {b.name} en bref.",
        )
