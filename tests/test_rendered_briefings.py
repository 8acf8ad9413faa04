"""Every commune's briefing, at two dates, rendered and read back as a person would see it.

The deck of each commune goes through LibreOffice (`soffice --headless --convert-to
pdf`) and every slide is checked for text out of its box, text on text, text on the
map and text in the footer (`tests.slide_check`). The PDF sheet of each commune is
read with `pdftotext -bbox`: nothing cut with « … », no word on another, and a
second page only when the first is full and the second at least half used.
Slow (about a minute per date for the decks): `make test-all` and CI run them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from centrale.datasets import briefing
from reports import deck, files, sheet
from tests import slide_check
from tests.conftest import PRESS_DAY

TODAY = dt.date(2026, 11, 24)
PT_PER_MM = 72 / 25.4
DATES = [PRESS_DAY, TODAY]


def briefings(con, as_of: dt.date) -> list[briefing.CommuneBriefing]:
    return [
        briefing.commune_briefing(con, nis, as_of)
        for nis, _ in briefing.communes_at(con, as_of).itertuples(index=False)
    ]


@pytest.mark.slow
@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_every_deck_renders_with_no_overflow_or_overlap(con, tmp_path, as_of):
    slide_check.office()
    paths = []
    for b in briefings(con, as_of):
        path = tmp_path / f"{files.base_name(b)}.pptx"
        path.write_bytes(deck.deck_bytes(b))
        paths.append(path)
    pdfs = slide_check.render(paths, tmp_path / "rendu")
    found = [p for pptx, pdf in zip(paths, pdfs) for p in slide_check.problems(
        pptx, pdf, deck.FOOTER_TOP)]  # fmt: skip
    assert found == [], "\n".join(found[:40])


def sheet_fills(pages) -> list[int]:
    """Each page's fill (%): its content's bottom over the room above the footer."""
    rule = sheet.FOOTER_RULE_Y * PT_PER_MM
    fills = []
    for number, words in enumerate(pages, start=1):
        bottom = max(w[3] for w in words if w[1] < rule)
        top = 0 if number == 1 else sheet.CONTINUED_TOP * PT_PER_MM
        fills.append(round(100 * (bottom - top) / (sheet.CONTENT_BOTTOM * PT_PER_MM - top)))
    return fills


@pytest.mark.slow
@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_every_sheet_is_whole_and_a_second_page_is_well_used(con, tmp_path, as_of):
    if not slide_check.shutil.which("pdftotext"):
        pytest.skip("poppler-utils absent (pdftotext) : test PDF sauté")
    found = []
    for b in briefings(con, as_of):
        path = tmp_path / f"{files.base_name(b)}.pdf"
        path.write_bytes(sheet.sheet_bytes(b))
        pages = slide_check.words(path)
        for number, words in enumerate(pages, start=1):
            cut = [w[4] for w in words if "…" in w[4]]
            if cut:
                found.append(f"{b.name} page {number} : texte coupé {cut}")
            for i, a in enumerate(words):
                for other in words[i + 1 :]:
                    if slide_check._overlap(a[:4], other[:4]) > 0.25:
                        found.append(f"{b.name} page {number} : « {a[4]} » sur « {other[4]} »")
        fills = sheet_fills(pages)
        if len(fills) > 1 and (fills[0] < 85 or min(fills[1:]) < 50):
            found.append(f"{b.name} : {len(fills)} pages remplies à {fills} %")
    assert found == [], "\n".join(found[:40])
