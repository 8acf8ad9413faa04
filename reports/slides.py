"""Slides whose text boxes are sized from measured text, never "shape to fit".

Every box is as tall as its text measured with DejaVu Sans (the font LibreOffice
falls back to for Calibri, and the widest met: PowerPoint's Calibri takes less
room), wrapped at spaces as a slide does, plus the box's insets; auto-fit is
off, so a box never grows over the shape below it. A block that would cross the
footer is refused (`SlideFull`) rather than drawn over it.
"""

from __future__ import annotations

from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Inches

from reports import deck as briefing_deck
from reports import measure, style

SLIDE_W, SLIDE_H = briefing_deck.SLIDE_W, briefing_deck.SLIDE_H
MARGIN = briefing_deck.MARGIN
CONTENT_TOP = briefing_deck.CONTENT_TOP
CONTENT_W = briefing_deck.CONTENT_W
FOOTER_TOP = briefing_deck.FOOTER_TOP
GAP = Inches(0.2)
SlideFull = measure.SlideFull
INSET_X, INSET_Y, LINE_SPACING = measure.INSET_X, measure.INSET_Y, measure.LINE_SPACING
text_height = measure.text_height


def box(slide, left, top, width, paragraphs, size, colour=None, bold=False,
        align=PP_ALIGN.LEFT, space_after_pt=6, bullets=False, limit=None):  # fmt: skip
    """A text box exactly as tall as its measured text; returns its bottom (EMU)."""
    texts = [f"•  {p}" if bullets else p for p in paragraphs]
    height = text_height(texts, size, width, bold, space_after_pt)
    if top + height > (FOOTER_TOP if limit is None else limit):
        raise SlideFull(f"texte trop long pour la diapositive : {texts[0][:60]}…")
    shape = briefing_deck._text_box(
        slide, left, top, width, height, texts, size=size,
        colour=colour or briefing_deck.DARK, bold=bold, align=align, space_after=space_after_pt,
    )  # fmt: skip
    frame = shape.text_frame
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = INSET_X
    frame.margin_top = frame.margin_bottom = INSET_Y
    frame.vertical_anchor = MSO_ANCHOR.TOP
    return top + height


def new_deck(title: str):
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    deck.core_properties.title = title
    deck.core_properties.author = "IDELUX Projets publics"
    deck.core_properties.language = "fr-BE"
    return deck


def title_slide(deck, title: str, subtitle: str, lines: list[str]) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[briefing_deck.TITLE_ONLY_LAYOUT])
    band = slide.shapes.add_shape(1, 0, Inches(2.0), SLIDE_W, Inches(3.2))
    band.fill.solid()
    band.fill.fore_color.rgb = briefing_deck.PRIMARY
    band.line.fill.background()
    briefing_deck._send_to_back(slide, band)
    slide.shapes._spTree.remove(slide.shapes.title._element)
    bottom = box(slide, MARGIN, Inches(2.3), CONTENT_W, [title], 40, briefing_deck.WHITE, True)
    box(slide, MARGIN, bottom + Inches(0.1), CONTENT_W, [subtitle], 24, briefing_deck.WHITE)
    box(slide, MARGIN, Inches(5.5), CONTENT_W, lines, 18, briefing_deck.GREY)


def content_slide(deck, title: str):
    return briefing_deck._slide(deck, title)


def text_lines(slide, lines, top=None, size=18, bullets=False, colour=None) -> int:
    top = CONTENT_TOP + Inches(0.1) if top is None else top
    return box(slide, MARGIN, top, CONTENT_W, lines, size, colour, bullets=bullets,
               space_after_pt=10)  # fmt: skip


def tiles(slide, figures: list[tuple[str, str, str]], top=None) -> int:
    """Key figures as pale tiles (value, label, detail), as tall as their measured text."""
    top = CONTENT_TOP + Inches(0.1) if top is None else top
    gap = Inches(0.25)
    width = int((CONTENT_W - gap * (len(figures) - 1)) / len(figures))
    inner = width - Inches(0.2)
    value_pt = min(briefing_deck.one_line_size(v, inner, 32) for v, _, _ in figures)
    value_h = text_height(["0"], value_pt, inner, True)
    label_h = max(text_height([label], 16, inner, True) for _, label, _ in figures)
    detail_h = max(text_height([detail], 14, inner) for _, _, detail in figures)
    height = value_h + label_h + detail_h + Inches(0.2)
    for index, (value, label, detail) in enumerate(figures):
        left = MARGIN + index * (width + gap)
        tile = slide.shapes.add_shape(1, left, top, width, height)
        tile.fill.solid()
        tile.fill.fore_color.rgb = briefing_deck.PALE
        tile.line.fill.background()
        tile.shadow.inherit = False
        x = left + Inches(0.1)
        y = box(slide, x, top + Inches(0.05), inner, [value], value_pt, briefing_deck.PRIMARY,
                True)  # fmt: skip
        y = box(slide, x, y, inner, [label], 16, bold=True)
        box(slide, x, y, inner, [detail], 14, briefing_deck.GREY)
    return top + height


def table(slide, headers, rows, weights, top=None, size=16, align_right=()) -> int:
    """A table whose rows are as tall as their measured, wrapped cells; returns its bottom."""
    top = CONTENT_TOP + Inches(0.1) if top is None else top
    total = sum(weights)
    widths = [int(CONTENT_W * w / total) for w in weights]
    margin_x, margin_y = Inches(0.08), Inches(0.04)

    def row_h(values, bold):
        return (
            max(
                text_height([str(v)], size, w - 2 * margin_x + 2 * INSET_X, bold, 0) - 2 * INSET_Y
                for v, w in zip(values, widths)
            )
            + 2 * margin_y
        )

    heights = [row_h(headers, True)] + [row_h(r, False) for r in rows]
    if top + sum(heights) > FOOTER_TOP:
        raise SlideFull(f"tableau trop long pour la diapositive : {headers}")
    shape = briefing_deck._table(
        slide, MARGIN, top, CONTENT_W, headers, rows, weights, row_h=heights[0], size=size
    )
    for index, h in enumerate(heights):
        shape.table.rows[index].height = h
    for r in range(len(rows) + 1):
        for c in align_right:
            shape.table.cell(r, c).text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
    return top + sum(heights)


def number_slides(deck, right_text: str) -> None:
    """The footer of every slide but the first: the centrale, the date and n/total."""
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        if number == 1:
            continue
        centrale = ["IDELUX Projets publics · Centrale d'achats Smart"]
        box(slide, MARGIN, FOOTER_TOP, Inches(8), centrale, style.MIN_SLIDE_PT,
            briefing_deck.GREY, limit=SLIDE_H)  # fmt: skip
        box(slide, SLIDE_W - MARGIN - Inches(4.5), FOOTER_TOP, Inches(4.5),
            [f"{right_text} · {number}/{total}"], style.MIN_SLIDE_PT, briefing_deck.GREY,
            align=PP_ALIGN.RIGHT, limit=SLIDE_H)  # fmt: skip
