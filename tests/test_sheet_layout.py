"""The PDF commune sheet: its place in the funnel (from `outreach.commune_funnel`, the
funnel's own dates), and no content ever running into the footer, whatever the commune.

Read back with poppler's `pdftotext -bbox` (every word with its box, in points):
skipped with a message when poppler is missing.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from centrale import fmt
from centrale.datasets import briefing, outreach
from reports import sheet, story
from tests.conftest import PRESS_DAY, SAMPLE_DIR

TODAY = dt.date(2026, 11, 24)
BERTRIX, LIBRAMONT = "84009", "84077"
PT_PER_MM = 72 / 25.4
XHTML = "{http://www.w3.org/1999/xhtml}"


def needs_poppler() -> None:
    if not shutil.which("pdftotext"):
        pytest.skip(
            "poppler-utils absent (pdftotext) : test PDF sauté (apt-get install poppler-utils)"
        )


def pages_words(pdf: bytes, tmp_path: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, its words as (top, bottom, text), top to bottom as poppler reads them."""
    path = tmp_path / "fiche.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    root = ET.fromstring(html)
    return [
        [
            (float(w.get("yMin")), float(w.get("yMax")), w.text or "")
            for w in page.iter(f"{XHTML}word")
        ]
        for page in root.iter(f"{XHTML}page")
    ]


def footer_words(b: briefing.CommuneBriefing) -> list[str]:
    text = (
        "IDELUX Projets publics · Centrale d'achats Smart · commander sans cahier des charges, "
        f"attribution en 20 jours {b.name} · {fmt.date(b.as_of)}"
    )
    return text.split()


def assert_nothing_in_the_footer(b: briefing.CommuneBriefing, tmp_path: Path) -> int:
    """Below the footer's rule there are the footer's words and nothing else, on every
    page; no word crosses the rule. Returns the number of pages."""
    pages = pages_words(sheet.sheet_bytes(b), tmp_path)
    rule = sheet.FOOTER_RULE_Y * PT_PER_MM
    for number, words in enumerate(pages, start=1):
        crossing = [text for top, bottom, text in words if top < rule < bottom]
        assert not crossing, (b.name, number, crossing)
        band = [text for top, _, text in words if top >= rule]
        assert band == footer_words(b), (b.name, number, band)
        last_content = max(bottom for _, bottom, text in words if bottom < rule)
        assert last_content <= sheet.CONTENT_BOTTOM * PT_PER_MM + 1, (b.name, number)
    return len(pages)


def most_orders(con, as_of: dt.date) -> str:
    """The commune with the most orders by `as_of`: the longest orders table."""
    return con.execute(
        """
        SELECT o.commune_nis FROM orders_at(?) o JOIN communes_at(?) c ON c.nis_code = o.commune_nis
        WHERE o.status <> 'annulé' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
        """,
        [as_of, as_of],
    ).fetchone()[0]


def most_needs(con, as_of: dt.date) -> str:
    """The commune with the most needs in its latest answered survey: the longest survey
    table."""
    return con.execute(
        """
        WITH a AS (SELECT effective_nis(commune_nis, ?) AS nis, year FROM survey_answers
                   WHERE submitted_on <= ?),
        latest AS (SELECT nis, max(year) AS year FROM a GROUP BY 1)
        SELECT a.nis FROM a JOIN latest USING (nis, year)
        JOIN communes_at(?) c ON c.nis_code = a.nis
        GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
        """,
        [as_of, as_of, as_of],
    ).fetchone()[0]


def never_answered(con, as_of: dt.date) -> str:
    """A commune that answered no survey by `as_of`: the sheet shows the catalogue table."""
    return con.execute(
        """
        SELECT nis_code FROM communes_at(?) WHERE nis_code NOT IN (
            SELECT effective_nis(commune_nis, ?) FROM survey_answers WHERE submitted_on <= ?)
        ORDER BY 1 LIMIT 1
        """,
        [as_of, as_of, as_of],
    ).fetchone()[0]


# -- the funnel on the sheet -----------------------------------------------------------


def test_bertrix_place_in_the_funnel_on_the_sheet(con, tmp_path):
    needs_poppler()
    b = briefing.commune_briefing(con, BERTRIX, PRESS_DAY)
    assert b.funnel == outreach.commune_funnel(con, BERTRIX, PRESS_DAY)
    steps = outreach.commune_steps(con, PRESS_DAY).set_index("commune_nis").loc[BERTRIX]
    # The dates recomputed from the demo files: the information meeting, the convention,
    # the first award and the award of its second solution.
    events = pd.read_excel(SAMPLE_DIR / "events.xlsx", dtype={"commune": str})
    met = events.loc[events["commune"].isin(["Bertrix", BERTRIX]), "date"].min().date()
    orders = pd.read_excel(SAMPLE_DIR / "orders.xlsx", dtype={"commune": str})
    awards = sorted(
        orders.loc[
            orders["commune"].isin(["Bertrix", BERTRIX])
            & (orders["date d'attribution"] <= pd.Timestamp(PRESS_DAY)),
            "date d'attribution",
        ].dt.date
    )
    assert pd.Timestamp(steps["first_contact"]).date() == met
    expected = (
        f"Parcours : rencontrée le {fmt.date(met)} › adhérente le 21/01/2019 › "
        f"1re commande attribuée le {fmt.date(awards[0])} › 2e solution le {fmt.date(awards[1])}"
    )
    assert story.funnel_line(b) == expected
    words = [w for page in pages_words(sheet.sheet_bytes(b), tmp_path) for *_, w in page]
    assert plain(expected) in plain(" ".join(words))


def test_an_order_still_in_competition_is_told_once_without_an_empty_chart(con, tmp_path):
    """Paliseul on 31/01/2020: its one order form (sent 20/01) is not awarded yet. The
    sheet says so in one voice (« en cours d'attribution », « aucune commande attribuée »),
    draws no lead-time chart with nothing in it, and its table has the width to say whole
    what the order is waiting for."""
    needs_poppler()
    b = briefing.commune_briefing(con, "84050", dt.date(2020, 1, 31))
    assert story.orders_summary(b) == "1 commande en cours d'attribution, aucune encore attribuée."
    assert story.funnel_line(b).endswith("› aucune commande attribuée")
    said = plain(
        " ".join(w for page in pages_words(sheet.sheet_bytes(b), tmp_path) for *_, w in page)
    )
    assert "aucune encore attribuée" in said and "aucune commande attribuée" in said
    assert "Délai d'attribution (jours)" not in said
    assert "…" not in said  # no cell cut short


def test_funnel_line_says_what_is_not_reached(con):
    status = outreach.commune_steps(con, PRESS_DAY)
    never = status.loc[status["first_contact"].isna(), "commune_nis"].iloc[0]
    b = briefing.commune_briefing(con, never, PRESS_DAY)
    assert story.funnel_line(b).startswith("Parcours : jamais rencontrée › ")
    assert "1re commande" not in story.funnel_line(b)
    # Tellin withdrew on 30/06/2023 after ordering once: said as such, dates kept.
    tellin = briefing.commune_briefing(con, "84068", TODAY)
    line = story.funnel_line(tellin)
    assert "adhésion retirée le 30/06/2023" in line and line.endswith("› une seule solution")


# -- nothing runs into the footer ---------------------------------------------------------


def test_press_day_sheet_stays_on_one_page_clear_of_the_footer(con, tmp_path):
    needs_poppler()
    b = briefing.commune_briefing(con, BERTRIX, PRESS_DAY)
    assert assert_nothing_in_the_footer(b, tmp_path) == 1


@pytest.mark.parametrize(
    ("pick", "as_of"),
    [(most_orders, TODAY), (most_needs, TODAY), (never_answered, PRESS_DAY)],
    ids=["most-orders-today", "longest-survey-today", "catalogue-press-day"],
)
def test_fullest_sheets_never_reach_the_footer(con, tmp_path, pick, as_of):
    """The fullest sheets (longest orders, survey or catalogue table): what does not fit
    moves, whole, to a next page under a "(suite)" band; the footer stays clear."""
    needs_poppler()
    b = briefing.commune_briefing(con, pick(con, as_of), as_of)
    assert b.survey.empty == (pick is never_answered)
    pages = assert_nothing_in_the_footer(b, tmp_path)
    if pages > 1:
        band = f"Fiche commune · {b.name} (suite, page 2)".split()
        words = pages_words(sheet.sheet_bytes(b), tmp_path)[1]
        assert [w for *_, w in words[: len(band)]] == band


def test_libramont_today_keeps_every_next_step(con, tmp_path):
    """The steps list was cut by the footer; now every line the story gives is printed."""
    needs_poppler()
    b = briefing.commune_briefing(con, LIBRAMONT, TODAY)
    assert_nothing_in_the_footer(b, tmp_path)
    pages = pages_words(sheet.sheet_bytes(b), tmp_path)
    printed = plain(" ".join(w for page in pages for *_, w in page))
    for line in story.next_step_lines(b, limit=3):
        assert plain(line) in printed, line


def plain(text: str) -> str:
    """Words separated by single plain spaces (no-break spaces included)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
