"""« Rapports à envoyer », for editors: the board report and the digest, downloaded.

The same files as `python -m reports board|digest`: the board report of a year
(PDF and slides) and the digest of what changed since a date (PDF and the
ready-to-send .eml). Nothing is built until a button is clicked (callable
`data`); the reports' figures are read through `load`, cached per store version.
The report modules are imported at that click too: they bring fpdf, python-pptx
and matplotlib, ~70 % of the overview's first run when imported with the page
(py-spy, 07/12/2026), for buttons that only editors see and few click.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from centrale import fmt, periods
from ui.auth import is_editor
from ui.briefing_buttons import PDF_MIME, PPTX_MIME
from ui.data import load

EML_MIME = "message/rfc822"


def reports_for_editors(as_of: dt.date) -> None:
    """A « Rapports à envoyer » popover with four downloads; nothing for a reader."""
    if not is_editor():
        return
    with st.popover("Rapports à envoyer", icon=":material/outgoing_mail:"):
        years = periods.years(as_of)
        year = st.selectbox(
            "Rapport au conseil d'administration : année", years, key="reports_board_year"
        )
        period = periods.make("year", as_of, year=year)
        name = f"Rapport_CA_{period.since.isoformat()}_{period.until.isoformat()}"
        left, right = st.columns(2)
        left.download_button(
            "Rapport au CA (.pdf)",
            data=lambda: _board_pdf(period),
            file_name=f"{name}.pdf",
            mime=PDF_MIME,
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            key=f"reports_board_pdf_{period.param}_{as_of.isoformat()}",
            help=f"Une page A4 : adhésions, commandes, délais, économies, enquête, {period.label}.",
        )
        right.download_button(
            "Rapport au CA (.pptx)",
            data=lambda: _board_deck(period),
            file_name=f"{name}.pptx",
            mime=PPTX_MIME,
            icon=":material/slideshow:",
            on_click="ignore",
            key=f"reports_board_pptx_{period.param}_{as_of.isoformat()}",
            help="Le même rapport en diapositives 16:9.",
        )
        since = st.date_input(
            "Digest : ce qui a changé depuis le",
            value=max(as_of - dt.timedelta(days=7), periods.OPENED_ON),
            min_value=periods.OPENED_ON,
            max_value=as_of,
            format="DD/MM/YYYY",
            key="reports_digest_since",
        )
        stem = f"Digest_{since.isoformat()}_{as_of.isoformat()}"

        left, right = st.columns(2)
        left.download_button(
            "Digest (.eml)",
            data=lambda: _digest_eml(since, as_of),
            file_name=f"{stem}.eml",
            mime=EML_MIME,
            icon=":material/mail:",
            on_click="ignore",
            key=f"reports_digest_eml_{stem}",
            help=f"Un e-mail prêt à envoyer (PDF joint), du {fmt.date(since)} au "
            f"{fmt.date(as_of)} : ouvrez-le dans votre messagerie.",
        )
        right.download_button(
            "Digest (.pdf)",
            data=lambda: _digest_pdf(since, as_of),
            file_name=f"{stem}.pdf",
            mime=PDF_MIME,
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            key=f"reports_digest_pdf_{stem}",
        )


# The builders, each importing its report module when a button asks for the file.
def _board_pdf(period: periods.Period) -> bytes:
    from reports import board

    return board.board_pdf(load(board.board_report, period))


def _board_deck(period: periods.Period) -> bytes:
    from reports import board

    return board.board_deck(load(board.board_report, period))


def _digest_pdf(since: dt.date, as_of: dt.date) -> bytes:
    from reports import digest

    return digest.digest_pdf(load(digest.build_digest, since, as_of))


def _digest_eml(since: dt.date, as_of: dt.date) -> bytes:
    from reports import digest

    d = load(digest.build_digest, since, as_of)
    return digest.digest_email(d, digest.digest_pdf(d)).as_bytes()
