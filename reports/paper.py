"""A4 documents that flow: the board report and the digest (fpdf2, DejaVu Sans).

A `Paper` is a page with a teal band, a footer and a cursor `y`; blocks are
measured on a scratch copy before they are drawn, and a block that would cross
the footer starts a new page whole (a table keeps its header with its rows).
Nothing is ever cut with « … »: table cells wrap at spaces, and a word that is
wider than its column (a date, an amount) is never broken — the column widths
are chosen from the widest word of each column (`fit_widths`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from reports import style

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 12.0
CONTENT_W = PAGE_W - 2 * MARGIN
FOOTER_Y = PAGE_H - 10.0
FOOTER_RULE_Y = FOOTER_Y - 1.0
CONTENT_BOTTOM = FOOTER_RULE_Y - 2.0
FIRST_TOP = 30.0  # under the first page's band
CONTINUED_TOP = 20.0  # under a next page's slim band
LINE = 0.45  # line height per point of type, in mm
NBSP_KIN = ("\u00a0", "\u202f")


class Paper(FPDF):
    """A page of a document titled `heading`, with `footer_left` / `footer_right`."""

    heading = ""
    subheading = ""
    footer_left = ""
    footer_right = ""

    def header(self) -> None:
        band = 24 if self.page == 1 else 12
        self.set_fill_color(*style.rgb(style.PRIMARY_HEX))
        self.rect(0, 0, PAGE_W, band, style="F")
        if self.page == 1:
            self.line_at(MARGIN, 5, CONTENT_W, self.heading, 17, True, "#FFFFFF")
            self.line_at(MARGIN, 14.5, CONTENT_W, self.subheading, 9, False, "#FFFFFF")
        else:
            self.line_at(
                MARGIN, 3, CONTENT_W, f"{self.heading} (suite, page {self.page})", 11, True,
                "#FFFFFF",
            )  # fmt: skip
        self.set_fill_color(*style.rgb(style.ACCENT_HEX))
        self.rect(0, band, PAGE_W, 1.0, style="F")

    def footer(self) -> None:
        self.set_draw_color(*style.rgb(style.RULE_HEX))
        self.set_line_width(0.2)
        self.line(MARGIN, FOOTER_RULE_Y, PAGE_W - MARGIN, FOOTER_RULE_Y)
        self.line_at(MARGIN, FOOTER_Y, CONTENT_W, self.footer_left, 7, False, style.GREY_HEX)
        self.line_at(
            MARGIN, FOOTER_Y, CONTENT_W, self.footer_right, 7, False, style.GREY_HEX, align="R"
        )

    # -- primitives --------------------------------------------------------------------

    def font(self, size: float, bold: bool = False, colour: str = style.DARK_HEX) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*style.rgb(colour))

    def line_at(self, x, y, w, text, size=8, bold=False, colour=style.DARK_HEX, align="L"):
        """One line of text that is known to fit (titles, footers): never shortened."""
        self.font(size, bold, colour)
        self.set_xy(x, y)
        self.cell(w, size * LINE, str(text), align=align)

    def wrapped(self, x, y, w, text, size=8, bold=False, colour=style.DARK_HEX) -> float:
        """`text` wrapped at spaces in `w` mm from (x, y); returns the y below it."""
        self.font(size, bold, colour)
        self.set_xy(x, y)
        self.multi_cell(w, size * LINE, str(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return self.get_y()

    def lines_needed(self, text: str, w: float, size: float, bold: bool = False) -> int:
        self.font(size, bold)
        return len(self.multi_cell(w, size * LINE, str(text), dry_run=True, output="LINES"))


def new_paper(heading: str, subheading: str, footer_left: str, footer_right: str) -> Paper:
    pdf = Paper(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.heading, pdf.subheading = heading, subheading
    pdf.footer_left, pdf.footer_right = footer_left, footer_right
    pdf.set_lang("fr-BE")
    pdf.set_author("IDELUX Projets publics")
    pdf.set_title(f"{heading} — {subheading}")
    return pdf


class Flow:
    """A cursor over the pages of `pdf`: `place(draw)` draws a block `draw(pdf, y) -> y`
    at the cursor, or on a new page when its measured height would cross the footer."""

    def __init__(self, pdf: Paper, scratch: Paper):
        self.pdf, self.scratch = pdf, scratch
        pdf.add_page()
        self.y = FIRST_TOP

    def place(self, draw: Callable[[Paper, float], float], gap: float = 2.5) -> None:
        self.scratch.add_page()
        height = draw(self.scratch, CONTINUED_TOP) - CONTINUED_TOP
        y = self.y + gap
        if y + height > CONTENT_BOTTOM:
            self.pdf.add_page()
            y = CONTINUED_TOP
        self.y = draw(self.pdf, y)


def section(pdf: Paper, y: float, title: str, x: float = MARGIN, w: float = CONTENT_W) -> float:
    """A section heading with a thin teal rule; returns the y below it."""
    pdf.line_at(x, y, w, title, 10.5, True, style.PRIMARY_HEX)
    pdf.set_draw_color(*style.rgb(style.PRIMARY_HEX))
    pdf.set_line_width(0.3)
    pdf.line(x, y + 5.6, x + w, y + 5.6)
    return y + 7.2


def widest_word(pdf: Paper, text: str, size: float, bold: bool = False) -> float:
    """The width (mm) of the widest word of `text`: dates, amounts and no-break groups
    (« 44 032,81 € ») count as one word, so a column never breaks them."""
    pdf.font(size, bold)
    return max((pdf.get_string_width(w) for w in str(text).split(" ") if w), default=0.0)


def fit_widths(
    pdf: Paper,
    headers: list[str],
    rows: list[list[str]],
    weights: list[float],
    total: float,
    size: float,
) -> list[float]:
    """Column widths summing to `total`: each at least its widest word (+ padding),
    the rest shared by `weights`. Raises ValueError when even that cannot fit."""
    pad = 1.6
    floors = [
        max(
            [widest_word(pdf, headers[c], size, True)]
            + [widest_word(pdf, r[c], size) for r in rows]
        )
        + pad
        for c in range(len(headers))
    ]
    spare = total - sum(floors)
    if spare < 0:
        raise ValueError(f"tableau trop large pour {total:.0f} mm : {headers}")
    share = sum(weights)
    return [f + spare * w / share for f, w in zip(floors, weights)]


def _row_height(pdf: Paper, values, widths, size: float, bold: bool) -> float:
    return (
        max(pdf.lines_needed(v, w - 1.2, size, bold) for v, w in zip(values, widths)) * size * LINE
        + 1.0
    )


def _draw_row(pdf: Paper, x, top, values, widths, size, bold, fill, colour, align) -> float:
    h = _row_height(pdf, values, widths, size, bold)
    if fill:
        pdf.set_fill_color(*style.rgb(fill))
        pdf.rect(x, top, sum(widths), h, style="F")
    cx = x
    for value, w, a in zip(values, widths, align):
        pdf.font(size, bold, colour)
        pdf.set_xy(cx + 0.6, top + 0.5)
        pdf.multi_cell(w - 1.2, size * LINE, str(value), align=a)
        cx += w
    return top + h


def table(
    pdf: Paper,
    x: float,
    y: float,
    widths: list[float],
    headers: list[str],
    rows: list[list[str]],
    size: float = 7.5,
    align: list[str] | None = None,
) -> float:
    """A table whose cells wrap at spaces (rows grow); returns the y below it."""
    align = align or ["L"] * len(headers)
    y = _draw_row(pdf, x, y, headers, widths, size, True, style.PRIMARY_HEX, "#FFFFFF", align)
    for index, values in enumerate(rows):
        fill = style.PALE_HEX if index % 2 else None
        y = _draw_row(pdf, x, y, values, widths, size, False, fill, style.DARK_HEX, align)
    return y + 0.8


def flow_table(
    flow: Flow,
    lead: Callable[[Paper, float], float],
    widths: list[float],
    headers: list[str],
    rows: list[list[str]],
    size: float = 7.5,
    gap: float = 2.5,
) -> None:
    """`lead` (a heading, a sentence) and a table that may run over several pages: the
    lead keeps the header and first rows with it; a row never splits; every page the
    table continues on starts with its header row again."""
    align = ["L"] * len(headers)
    first = rows[:3]
    flow.place(lambda p, y: table(p, MARGIN, lead(p, y), widths, headers, first, size) - 0.8,
               gap=gap)  # fmt: skip
    pdf = flow.pdf
    for index, values in enumerate(rows[3:], start=3):
        h = _row_height(pdf, values, widths, size, False)
        if flow.y + h > CONTENT_BOTTOM:
            pdf.add_page()
            flow.y = _draw_row(pdf, MARGIN, CONTINUED_TOP, headers, widths, size, True,
                               style.PRIMARY_HEX, "#FFFFFF", align)  # fmt: skip
        fill = style.PALE_HEX if index % 2 else None
        flow.y = _draw_row(pdf, MARGIN, flow.y, values, widths, size, False, fill,
                           style.DARK_HEX, align)  # fmt: skip
    flow.y += 0.8


def tiles(pdf: Paper, y: float, figures: list[tuple[str, str, str]], per_row: int = 4) -> float:
    """Key figures as pale tiles (value, label, detail), `per_row` a row; the labels and
    details wrap, and every tile of a row takes the height of the tallest."""
    gap = 3.0
    width = (CONTENT_W - gap * (per_row - 1)) / per_row
    for start in range(0, len(figures), per_row):
        row = figures[start : start + per_row]
        inner = width - 4
        heights = [
            8
            + pdf.lines_needed(label, inner, 7.5, True) * 7.5 * LINE
            + (pdf.lines_needed(detail, inner, 6.5) * 6.5 * LINE if detail else 0)
            + 2
            for _, label, detail in row
        ]
        h = max(heights)
        for index, (value, label, detail) in enumerate(row):
            x = MARGIN + index * (width + gap)
            pdf.set_fill_color(*style.rgb(style.PALE_HEX))
            pdf.rect(x, y, width, h, style="F")
            pdf.line_at(x + 2, y + 1.2, inner, value, 13, True, style.PRIMARY_HEX)
            below = pdf.wrapped(x + 2, y + 8, inner, label, 7.5, True)
            if detail:
                pdf.wrapped(x + 2, below, inner, detail, 6.5, False, style.GREY_HEX)
        y += h + gap
    return y - gap
