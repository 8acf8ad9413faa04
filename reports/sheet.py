"""A commune's briefing as an A4 PDF, the "fiche commune" (fpdf2).

Same facts as the deck, compact and printable: header, the centrale in four
figures, the map (vector: matplotlib SVG drawn by fpdf2), the commune's orders
with what the centrale brought it and its place in the funnel, a lead-time
chart, what its peers took, its survey answers (or the catalogue it can order
from) and next steps. One page when it fits; a section that does not moves,
whole, to the next page (never onto the footer). Charts are drawn with fpdf2's
own vector primitives (rectangles, lines, text), so they stay sharp in print
and their figures are real text a PDF reader can search.

The font is DejaVu Sans, shipped inside matplotlib: no system font needed,
and every French character (and the euro sign) prints.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from fpdf.enums import XPos, YPos

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets.briefing import CommuneBriefing
from centrale.domain import arrondissement_of
from reports import mapimage, paper, story, style

# The page's geometry is the one of every A4 document (reports/paper.py). Nothing but the
# footer is drawn below CONTENT_BOTTOM: a section that would cross it starts a new page.
from reports.paper import (
    CONTENT_BOTTOM,
    CONTENT_W,
    CONTINUED_TOP,
    FONT,
    FONT_DIR,
    FOOTER_RULE_Y,
    FOOTER_Y,
    MARGIN,
    PAGE_W,
)

MAP_H = 54.0  # mm
MM_PER_INCH = 25.4


class _Sheet(paper.Paper):
    """The sheet's page: the footer on every page, a slim "(suite)" band on the next ones."""

    commune = ""
    as_of_text = ""

    def header(self) -> None:
        if self.page < 2:
            return  # the first page draws its full header itself (`_header`)
        self.fill(style.PRIMARY_HEX)
        self.rect(0, 0, PAGE_W, 12, style="F")
        self.text_at(
            MARGIN, 3, CONTENT_W, 6,
            f"Fiche commune · {self.commune} (suite, page {self.page})", 11, True, "#FFFFFF",
        )  # fmt: skip
        self.fill(style.ACCENT_HEX)
        self.rect(0, 12, PAGE_W, 0.8, style="F")

    def footer(self) -> None:
        self.draw(style.RULE_HEX)
        self.set_line_width(0.2)
        self.line(MARGIN, FOOTER_RULE_Y, PAGE_W - MARGIN, FOOTER_RULE_Y)
        self.text_at(
            MARGIN, FOOTER_Y, CONTENT_W, 4,
            "IDELUX Projets publics · Centrale d'achats Smart · commander sans cahier des "
            f"charges, attribution en {AWARD_PROMISE_DAYS} jours",
            7, False, style.GREY_HEX,
        )  # fmt: skip
        self.text_at(
            MARGIN, FOOTER_Y, CONTENT_W, 4, f"{self.commune} · {self.as_of_text}", 7, False,
            style.GREY_HEX, align="R",
        )  # fmt: skip

    def set_colour(self, hex_colour: str) -> None:
        self.set_text_color(*style.rgb(hex_colour))

    def fill(self, hex_colour: str) -> None:
        self.set_fill_color(*style.rgb(hex_colour))

    def draw(self, hex_colour: str) -> None:
        self.set_draw_color(*style.rgb(hex_colour))

    def text_at(self, x, y, w, h, text, size=8, bold=False, colour=style.DARK_HEX, align="L"):
        """One line of text in a box. Never cut: a line a little too wide is set in
        smaller type (down to 80 %); one wider still wraps (the layout tests see it)."""
        text = str(text)
        self.set_font(FONT, "B" if bold else "", size)
        width = self.get_string_width(text)
        if width > w - 1 and width * 0.8 <= w - 1:
            size = size * (w - 1) / width
        elif width > w - 1:
            self.paragraph(x, y, w, text, size, bold, colour)
            return
        self.set_font(FONT, "B" if bold else "", size)
        self.set_colour(colour)
        self.set_xy(x, y)
        self.cell(w, h, text, align=align)

    def paragraph(self, x, y, w, text, size=8, bold=False, colour=style.DARK_HEX, line_h=None):
        """Wrapped text from (x, y); returns the y below it."""
        self.set_font(FONT, "B" if bold else "", size)
        self.set_colour(colour)
        self.set_xy(x, y)
        self.multi_cell(
            w, line_h or size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        return self.get_y()

    def section(self, x, y, w, title: str) -> float:
        """A section heading with a thin teal rule; returns the y below it."""
        self.text_at(x, y, w, 5, title, size=10, bold=True, colour=style.PRIMARY_HEX)
        self.draw(style.PRIMARY_HEX)
        self.set_line_width(0.3)
        self.line(x, y + 5.4, x + w, y + 5.4)
        return y + 7


@dataclass(frozen=True)
class Layout:
    """How much the sheet shows: the map's height (mm) and the rows of each list. The
    fullest layout that holds on one page is chosen (`LAYOUTS`, fullest first); what a
    list leaves out is said under it and is in the dashboard."""

    map_h: float
    orders: int
    survey: int
    peer_bars: int
    catalogue: int
    stacked: bool = False  # survey, then next steps, each across the page


LAYOUTS = (  # the map and the peers' bars give way first, the commune's own orders last
    Layout(54.0, 5, 5, 4, 6),
    Layout(46.0, 5, 4, 3, 5),
    Layout(40.0, 5, 4, 3, 4),
    Layout(40.0, 4, 3, 2, 3),
    Layout(36.0, 3, 3, 2, 3),
    # Long next steps are shorter across the page than in a column beside the survey.
    Layout(46.0, 5, 4, 3, 4, stacked=True),
    Layout(40.0, 4, 3, 2, 3, stacked=True),
    Layout(36.0, 3, 3, 2, 3, stacked=True),
    Layout(36.0, 3, 2, 1, 2, stacked=True),
)


def sheet_bytes(b: CommuneBriefing, map_svg: bytes | None = None) -> bytes:
    """The fiche as PDF bytes: on one page in the fullest layout that holds there.

    When even the most compact layout needs a second page, the fullest layout is
    used instead (a second page then has room to be well filled). `map_svg` is
    drawn here when not given (and then keeps its height in every layout)."""
    # Layouts are tried with the map's frame only (drawing the map is the slow part);
    # the chosen one is drawn with its map.
    chosen = next(
        (lay for lay in LAYOUTS if _draw_sheet(b, None, _sized(lay, map_svg)).pages_count == 1),
        LAYOUTS[0],
    )
    chosen = _sized(chosen, map_svg)
    svg = map_svg or _map_svg(b, chosen.map_h)
    return bytes(_draw_sheet(b, svg, chosen).output())


def _sized(layout: Layout, map_svg: bytes | None) -> Layout:
    """A given map keeps its own height (MAP_H) in every layout."""
    return layout if map_svg is None else replace(layout, map_h=MAP_H)


def _map_svg(b: CommuneBriefing, height_mm: float) -> bytes:
    return mapimage.map_svg(
        b.map_communes,
        b.name,
        width_in=CONTENT_W / MM_PER_INCH,
        height_in=height_mm / MM_PER_INCH,
        font_pt=8,
    )


def _draw_sheet(b: CommuneBriefing, map_svg: bytes | None, layout: Layout) -> _Sheet:
    """The sheet in `layout`; without `map_svg`, the map's place is left empty (a trial)."""
    pdf = _new_sheet(b)
    pdf.set_title(f"Fiche commune — {b.name} — {fmt.date(b.as_of)}")
    pdf.set_author("IDELUX Projets publics")
    pdf.set_lang("fr-BE")
    pdf.add_page()
    y = _header(pdf, b)
    y = _figures(pdf, b, y + 3)
    y = _map(pdf, b, y + 3, map_svg, layout.map_h)
    # The sections below grow with the commune's data: each is measured on a scratch
    # page first and moved, whole, to a new page when it would run into the footer.
    scratch = _new_sheet(b, fonts_of=pdf)
    sections = (_orders, _peers, _survey_across, _steps_across) if layout.stacked else (
        _orders, _peers, _survey_and_steps)  # fmt: skip
    for draw in sections:
        y = _place(pdf, scratch, y + 2, lambda sheet, top, draw=draw: draw(sheet, b, top, layout))
    return pdf


def _new_sheet(b: CommuneBriefing, fonts_of: _Sheet | None = None) -> _Sheet:
    """A sheet with the fonts loaded; a scratch sheet borrows those of `fonts_of` (parsing
    DejaVu again costs 0,2 s; the scratch draws only text the sheet itself draws)."""
    pdf = _Sheet(orientation="P", unit="mm", format="A4")
    pdf.heading = "Fiche commune"
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    if fonts_of is not None:
        pdf.fonts.update(fonts_of.fonts)
    else:
        pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.commune, pdf.as_of_text = b.name, fmt.date(b.as_of)
    return pdf


def _place(pdf: _Sheet, scratch: _Sheet, y: float, draw) -> float:
    """Draw `draw(sheet, top) -> bottom` at `y`, or at the top of a new page when its
    height (measured on `scratch`) would cross `CONTENT_BOTTOM`; returns its bottom."""
    scratch.add_page()
    height = draw(scratch, CONTINUED_TOP) - CONTINUED_TOP
    if y + height > CONTENT_BOTTOM:
        pdf.add_page()
        y = CONTINUED_TOP
    return draw(pdf, y)


def _header(pdf: _Sheet, b: CommuneBriefing) -> float:
    pdf.fill(style.PRIMARY_HEX)
    pdf.rect(0, 0, PAGE_W, 24, style="F")
    pdf.text_at(MARGIN, 5, CONTENT_W, 9, f"Fiche commune · {b.name}", 18, True, "#FFFFFF")
    pdf.text_at(
        MARGIN, 14.5, CONTENT_W, 6,
        f"Centrale d'achats Smart · IDELUX Projets publics · situation au {fmt.date(b.as_of)}",
        9, False, "#FFFFFF",
    )  # fmt: skip
    pdf.fill(style.ACCENT_HEX)
    pdf.rect(0, 24, PAGE_W, 1.2, style="F")
    facts = (
        f"{arrondissement_of(b.arrondissement, capital=True)} · "
        f"{fmt.number(b.population)} habitants"
    )
    pdf.text_at(MARGIN, 27.5, CONTENT_W, 5, facts, 9, True)
    return pdf.paragraph(MARGIN, 32.5, CONTENT_W, story.status_sentence(b), 9, line_h=4.2)


def _figures(pdf: _Sheet, b: CommuneBriefing, y: float) -> float:
    y = pdf.section(MARGIN, y, CONTENT_W, "La centrale d'achats en chiffres")
    figures = story.key_figures(b)
    gap = 3.0
    width = (CONTENT_W - gap * (len(figures) - 1)) / len(figures)
    for index, figure in enumerate(figures):
        x = MARGIN + index * (width + gap)
        pdf.fill(style.PALE_HEX)
        pdf.rect(x, y, width, 17, style="F")
        pdf.text_at(x + 2, y + 1, width - 4, 7, figure.value, 14, True, style.PRIMARY_HEX)
        pdf.text_at(x + 2, y + 8, width - 4, 4, figure.label, 7.5, True)
        pdf.text_at(x + 2, y + 12, width - 4, 4, figure.detail, 6.5, False, style.GREY_HEX)
    return y + 17


def _map(pdf: _Sheet, b: CommuneBriefing, y: float, map_svg, map_h: float) -> float:
    y = pdf.section(MARGIN, y, CONTENT_W, story.section_titles(b)[1])
    if map_svg is not None:
        pdf.image(io.BytesIO(map_svg), x=MARGIN, y=y, w=CONTENT_W, h=map_h)
    y += map_h + 1
    for line in story.neighbour_lines(b):
        y = pdf.paragraph(MARGIN, y, CONTENT_W, line, 8, line_h=3.8) + 0.2
    return y


def _orders(pdf: _Sheet, b: CommuneBriefing, y: float, layout: Layout) -> float:
    y = pdf.section(MARGIN, y, CONTENT_W, story.section_titles(b)[2])
    y = pdf.paragraph(MARGIN, y, CONTENT_W, story.orders_summary(b), 8.5, True, line_h=4.2)
    # "Ce que la centrale a apporté", compact (the deck has a slide): the gain and days
    # saved, then the commune's place in the funnel with its dates.
    if b.worth.get("orders"):
        y = pdf.paragraph(MARGIN, y, CONTENT_W, story.worth_summary(b), 7, True, line_h=3.3)
    funnel = story.funnel_line(b)
    if funnel:
        y = pdf.paragraph(MARGIN, y, CONTENT_W, funnel, 7, line_h=3.3) + 0.7
    if b.orders.empty:
        return y
    dates, values = story.lead_time_series(b, limit=layout.orders)
    table_w = CONTENT_W - 58.0 if dates else CONTENT_W  # room for the lead-time chart
    rows = story.order_rows(b, limit=layout.orders)
    headers = story.ORDER_HEADERS[:4] + ["Montant"]  # "HTVA" is in the summary above
    bottom = _table(pdf, MARGIN, y, table_w, (5, 3, 1, 1, 1), headers, rows, size=7)
    left_out = story.orders_left_out(b, limit=layout.orders)
    if left_out:
        bottom = pdf.paragraph(MARGIN, bottom, table_w, left_out, 7, False, style.GREY_HEX, 3.3)
    if not dates:
        return bottom
    chart_x = MARGIN + table_w + 6
    chart_bottom = _bar_chart(
        pdf,
        chart_x,
        y,
        CONTENT_W - table_w - 6,
        "Délai d'attribution (jours)",
        [fmt.date(d) for d in dates],
        [(values, style.PRIMARY_HEX)],
        reference=(AWARD_PROMISE_DAYS, f"promesse : {AWARD_PROMISE_DAYS} jours"),
        label_w=18,
    )
    return max(bottom, chart_bottom)


def _peers(pdf: _Sheet, b: CommuneBriefing, y: float, layout: Layout) -> float:
    y = pdf.section(MARGIN, y, CONTENT_W, story.section_titles(b)[3])
    for line in story.peers_sentences(b):
        y = pdf.paragraph(MARGIN, y, CONTENT_W, line, 7.5, line_h=3.6)
    solutions, size, arrondissement = story.peer_uptake_series(b, limit=layout.peer_bars)
    if not solutions:
        return pdf.paragraph(MARGIN, y + 0.5, CONTENT_W, story.no_peer_uptake(b), 8) + 0.5
    size_name, arrondissement_name = story.peer_series_names(b)
    return _bar_chart(
        pdf,
        MARGIN,
        y + 1,
        CONTENT_W,
        story.peer_chart_title(b, limit=layout.peer_bars),
        solutions,
        [(size, style.PRIMARY_HEX), (arrondissement, style.PRIMARY_LIGHT_HEX)],
        legend=[size_name, arrondissement_name],
        label_w=62,
    )


def _survey_and_steps(pdf: _Sheet, b: CommuneBriefing, y: float, layout: Layout) -> float:
    """The survey (or the catalogue) on the left, the next steps on the right."""
    left_w = 112.0
    right_x = MARGIN + left_w + 6
    right_w = CONTENT_W - left_w - 6
    left_bottom = _survey(pdf, b, y, layout, left_w)
    return max(left_bottom, _next_steps(pdf, b, y, right_x, right_w))


def _survey_across(pdf: _Sheet, b: CommuneBriefing, y: float, layout: Layout) -> float:
    return _survey(pdf, b, y, layout, CONTENT_W)


def _steps_across(pdf: _Sheet, b: CommuneBriefing, y: float, layout: Layout) -> float:
    return _next_steps(pdf, b, y, MARGIN, CONTENT_W)


def _survey(pdf: _Sheet, b: CommuneBriefing, y: float, layout: Layout, width: float) -> float:
    y = pdf.section(MARGIN, y, width, story.survey_title(b))
    if b.survey.empty:
        y = pdf.paragraph(MARGIN, y, width, story.no_survey(b), 7.5, line_h=3.6)
        rows = [[r[0], r[1]] for r in story.catalogue_rows(b)][: layout.catalogue]
        headers = story.CATALOGUE_HEADERS[:2]
        y = _table(pdf, MARGIN, y + 1, width, (1, 1), headers, rows, size=7)
        left_out = story.catalogue_left_out(b, len(rows))
    else:
        matches = b.survey["match"].tolist()
        rows = [
            [r[0], r[1], r[2], m]
            for r, m in zip(story.survey_rows(b, limit=layout.survey), matches)
        ]
        headers = [story.SURVEY_HEADERS[i] for i in (0, 1, 2, 4)]
        y = _table(pdf, MARGIN, y, width, (6, 1, 1, 4), headers, rows, size=7)
        left_out = story.survey_left_out(b, len(rows))
    if left_out:
        y = pdf.paragraph(MARGIN, y, width, left_out, 7, False, style.GREY_HEX, 3.3)
    return y


def _next_steps(pdf: _Sheet, b: CommuneBriefing, y: float, x: float, width: float) -> float:
    """Every step line `story.next_step_lines` gives (the deck and the web page show the
    same number): the section moves to a new page rather than lose one."""
    y = pdf.section(x, y, width, "Prochaines étapes")
    for line in story.next_step_lines(b):
        pdf.fill(style.ACCENT_HEX)
        pdf.rect(x, y + 1.2, 1.6, 1.6, style="F")
        y = pdf.paragraph(x + 3, y, width - 3, line, 7, line_h=3.3) + 0.8
    return y


def _table(pdf: _Sheet, x, y, width, weights, headers, rows, size=7.5) -> float:
    """A compact table whose cells wrap at spaces, never cut, and whose columns are at
    least as wide as their widest word (a date or an amount is never broken)."""
    widths = paper.fit_widths(pdf, headers, rows, list(weights), width, size)
    return paper.table(pdf, x, y, widths, headers, rows, size)


def _bar_chart(
    pdf: _Sheet,
    x: float,
    y: float,
    w: float,
    title: str,
    categories: list[str],
    series: list[tuple[list[float], str]],
    legend: list[str] | None = None,
    reference: tuple[float, str] | None = None,
    label_w: float = 30,
) -> float:
    """Horizontal grouped bars drawn with vector primitives; returns the y below.

    `series` is [(values, colour)], one value per category; `reference` draws a
    dashed line at a value (the 20-day promise) with its label.
    """
    pdf.text_at(x, y, w, 4, title, 7.5, True)
    y += 5
    peak = max([v for values, _ in series for v in values] + [reference[0] if reference else 0])
    top = max(peak * 1.15, 1)
    plot_x, plot_w = x + label_w, w - label_w - 6
    bar_h = 3.0
    group_h = bar_h * len(series) + 1.6
    plot_h = group_h * len(categories)
    pdf.draw("#D9DEDD")
    pdf.set_line_width(0.15)
    step = _nice_step(top)
    tick = 0.0
    while tick <= top:
        tx = plot_x + plot_w * tick / top
        pdf.line(tx, y, tx, y + plot_h)
        pdf.text_at(tx - 5, y + plot_h + 0.3, 10, 3, fmt.number(tick), 6.5, False,
                    style.GREY_HEX, align="C")  # fmt: skip
        tick += step
    for index, category in enumerate(categories):
        gy = y + index * group_h + 0.8
        pdf.text_at(x, gy + (group_h - 1.6) / 2 - 2, label_w - 1, 4, category, 7, align="R")
        for offset, (values, colour) in enumerate(series):
            value = values[index]
            by = gy + offset * bar_h
            pdf.fill(colour)
            if value > 0:
                pdf.rect(plot_x, by, plot_w * value / top, bar_h - 0.4, style="F")
            pdf.text_at(plot_x + plot_w * value / top + 0.6, by - 0.2, 10, bar_h,
                        fmt.number(value), 6.5)  # fmt: skip
    if reference:
        rx = plot_x + plot_w * reference[0] / top
        pdf.draw(style.ACCENT_HEX)
        pdf.set_line_width(0.4)
        pdf.set_dash_pattern(dash=1, gap=0.8)
        pdf.line(rx, y - 0.5, rx, y + plot_h)
        pdf.set_dash_pattern()
    y += plot_h + 3.5
    if reference:
        pdf.draw(style.ACCENT_HEX)
        pdf.set_dash_pattern(dash=1, gap=0.8)
        pdf.line(plot_x, y + 1.8, plot_x + 5, y + 1.8)
        pdf.set_dash_pattern()
        pdf.text_at(plot_x + 6, y, w - label_w - 6, 3.6, reference[1], 7)
        y += 4
    if legend:
        lx = plot_x
        for name, (_, colour) in zip(legend, series):
            pdf.fill(colour)
            pdf.rect(lx, y + 0.6, 2.5, 2.5, style="F")
            pdf.set_font(FONT, "", 7)
            width = pdf.get_string_width(name) + 2
            pdf.text_at(lx + 3.2, y, width, 3.6, name, 7)
            lx += width + 8
        y += 4
    return y


def _nice_step(top: float) -> float:
    """A round tick step giving 3–6 gridlines up to `top`."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top / step <= 6:
            return float(step)
    return top / 5
