"""The two download buttons of a commune's briefing pack: deck (.pptx) and fiche (.pdf).

`briefing_downloads(nis, as_of)` is called by the commune page and the
presentation page. The briefing's data is read once through `load` (cached
per store version); the files themselves are built only when a button is
clicked (a callable `data`), so drawing the buttons costs nothing; the report modules
(python-pptx, fpdf, matplotlib) are imported at that click too.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from centrale.datasets import briefing
from centrale.domain import de
from centrale.plaintext import plain
from reports import files
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
        st.warning(plain(exc), icon=":material/info:")
        return
    name = files.base_name(b)
    buttons = (
        (
            "Présentation PowerPoint (.pptx)",
            lambda: _deck_bytes(b),
            "pptx",
            PPTX_MIME,
            ":material/slideshow:",
            f"7 diapositives 16:9 pour {b.name}, graphiques modifiables dans PowerPoint.",
        ),
        (
            "Fiche commune (.pdf)",
            lambda: _sheet_bytes(b),
            "pdf",
            PDF_MIME,
            ":material/picture_as_pdf:",
            f"Une page A4 imprimable : les chiffres {de(b.name)} en bref.",
        ),
    )
    for column, (label, build, extension, mime, icon, help_text) in zip(
        st.columns(len(buttons)), buttons
    ):
        with column:
            st.download_button(
                label,
                data=build,
                file_name=f"{name}.{extension}",
                mime=mime,
                key=f"{key_prefix}_{extension}_{b.nis_code}_{as_of.isoformat()}",
                icon=icon,
                on_click="ignore",
                width="stretch",
                help=help_text,
            )


def _deck_bytes(b: briefing.CommuneBriefing) -> bytes:
    from reports import deck

    return deck.deck_bytes(b)


def _sheet_bytes(b: briefing.CommuneBriefing) -> bytes:
    from reports import sheet

    return sheet.sheet_bytes(b)
