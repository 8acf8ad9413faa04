"""A commune's briefing as a 16:9 PowerPoint deck (python-pptx), 6 to 8 slides.

1. title · 2. the centrale in figures (+ adhesion curve) · 3. the map ·
4. the commune's orders (+ lead times vs the 20-day promise) · 5. what peers
took that it has not · 6. its survey answers vs the catalogue · 7. next steps ·
8. what the centrale brought it (competition gain, days vs a classic procedure).
A thin section never has a slide of its own (no table of one row, no slide
mostly empty): no order is said above the peers' (and there is nothing to
measure), one order with what it brought, a one-row survey above the next steps.

Charts are native PowerPoint charts (`add_chart` with `CategoryChartData`), so
a manager can restyle them and PowerPoint shows their data; only the map is
a picture. Every run of text has an explicit size of at least
`style.MIN_SLIDE_PT` (14 pt), charts included.
"""

# Over 500 lines: one function per slide of the PowerPoint deck and the measured text boxes
# they share.

from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE_TYPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets.briefing import CommuneBriefing
from centrale.domain import arrondissement_of, de
from centrale.semantic.measures import MEASURES
from reports import mapimage, measure, story, style

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 16:9, 13,333 × 7,5 pouces
MARGIN = Inches(0.5)
CONTENT_TOP = Inches(1.35)
CONTENT_W = SLIDE_W - 2 * MARGIN
FOOTER_TOP = Inches(6.95)
TITLE_ONLY_LAYOUT = 5  # of python-pptx's default template
MAP_W_IN, MAP_H_IN = 12.333, 4.45  # the map picture, drawn at its natural size
MAP_H = Inches(MAP_H_IN)


def _colour(hex_colour: str) -> RGBColor:
    return RGBColor(*style.rgb(hex_colour))


PRIMARY = _colour(style.PRIMARY_HEX)
PRIMARY_LIGHT = _colour(style.PRIMARY_LIGHT_HEX)
ACCENT = _colour(style.ACCENT_HEX)
DARK = _colour(style.DARK_HEX)
GREY = _colour(style.GREY_HEX)
PALE = _colour(style.PALE_HEX)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
ACCENT_DARK = _colour("#9A5B00")  # the promise: warm like the accent, 5:1 on white


def deck_bytes(b: CommuneBriefing, map_png: bytes | None = None) -> bytes:
    """The deck as .pptx bytes. `map_png` is drawn here when not given."""
    if map_png is None:
        map_png = slide_map_png(b)
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    deck.core_properties.title = story.title(b)
    deck.core_properties.author = "IDELUX Projets publics"
    deck.core_properties.language = "fr-BE"
    titles = story.section_titles(b)
    # Which sections each slide says, in order: a thin section (a table of one row, a
    # lone sentence) shares the slide of the next one (see story.orders_are_thin).
    said: list[tuple[str, ...]] = []
    _title_slide(deck, b)
    said.append(("title",))
    _figures_slide(deck, b, titles[0])
    said.append(("figures",))
    _map_slide(deck, b, titles[1], map_png)
    said.append(("map",))
    measured = bool(story.worth_series(b)[0])  # an awarded order: something to measure
    if story.orders_are_thin(b) and not measured:  # none, or one still in competition:
        # said above its peers' orders, and no slide to say there is nothing to measure
        said_first = story.order_sentence(b) if len(b.orders) else story.status_sentence(b)
        lead = [story.orders_summary(b), said_first]
        if story.funnel_line(b):  # its place in the funnel, said here without slide 8
            lead.append(story.funnel_line(b))
        _peers_slide(deck, b, story.orders_and_peers_title(b), lead=lead)
        said.append(("orders", "peers", "funnel"))
    elif story.orders_are_thin(b):  # one order: said with what it brought, in sentences
        lead = [story.orders_summary(b), story.order_sentence(b)]
        _worth_slide(deck, b, story.order_and_worth_title(b), lead=lead)
        _peers_slide(deck, b, titles[3])
        said += [("orders", "worth"), ("peers",)]
    else:
        _orders_slide(deck, b, titles[2])
        _peers_slide(deck, b, titles[3])
        said += [("orders",), ("peers",)]
    if story.survey_is_thin(b):
        _next_steps_slide(
            deck, b, story.survey_and_next_steps_title(b), lead=[story.survey_sentence(b)]
        )
        said.append(("survey", "next"))
    elif story.survey_is_short(b):  # two or three needs: their table above the steps
        rows = story.survey_rows(b)
        _next_steps_slide(deck, b, story.survey_and_next_steps_title(b), table_rows=rows)
        said.append(("survey", "next"))
    else:
        _survey_slide(deck, b, story.survey_title(b))
        _next_steps_slide(deck, b, titles[5])
        said += [("survey",), ("next",)]
    if not story.orders_are_thin(b) and measured:
        _worth_slide(deck, b, story.worth_title(b))
        said.append(("worth",))
    total = len(deck.slides)
    notes = speaker_notes(b)
    source = story.source_note(b)
    for number, (slide, sections) in enumerate(zip(deck.slides, said), start=1):
        if number > 1:
            _footer(slide, b, number, total)
        _describe_visuals(slide, b)
        lines = [line for key in sections for line in notes[key] if line != source]
        slide.notes_slide.notes_text_frame.text = "\n".join(lines + [source])
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def slide_map_png(b: CommuneBriefing) -> bytes:
    """The map picture sized for the map slide (its fonts stay true to size there)."""
    return mapimage.map_png(b.map_communes, b.name, width_in=MAP_W_IN, height_in=MAP_H_IN)


# -- text helpers ---------------------------------------------------------------------


def _style_run(run, size: float, colour: RGBColor = DARK, bold: bool = False) -> None:
    run.font.size = Pt(max(size, style.MIN_SLIDE_PT))
    run.font.color.rgb = colour
    run.font.bold = bold


def _text_box(
    slide,
    left,
    top,
    width,
    height,
    paragraphs: list[str],
    size: float = style.BODY_PT,
    colour: RGBColor = DARK,
    bold: bool = False,
    align=PP_ALIGN.LEFT,
    bullet: bool = False,
    space_after: float = 6,
):
    """A text box of the given size whose text is measured to hold in it: the type is
    made smaller, down to `style.MIN_SLIDE_PT`, rather than let the text run out of the
    box over what lies below (auto-fit off: the box never grows)."""
    texts = [f"•  {p}" if bullet else p for p in paragraphs]
    size = measure.fitting_size(
        texts, width, height, size, style.MIN_SLIDE_PT, bold, space_after
    ) or max(min(size, style.MIN_SLIDE_PT), style.MIN_SLIDE_PT)
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = measure.INSET_X
    frame.margin_top = frame.margin_bottom = measure.INSET_Y
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.space_after = Pt(space_after)
        run = paragraph.add_run()
        run.text = f"•  {text}" if bullet else text
        _style_run(run, size, colour, bold)
    return box


def _slide(deck, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    heading = slide.shapes.title
    heading.left, heading.top = MARGIN, Inches(0.35)
    heading.width, heading.height = CONTENT_W, Inches(0.9)
    frame = heading.text_frame
    frame.text = ""
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = measure.INSET_X
    frame.margin_top = frame.margin_bottom = measure.INSET_Y
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = title
    size = measure.fitting_size([title], CONTENT_W, heading.height, style.TITLE_PT, 24, True)
    _style_run(run, size or 24, PRIMARY, bold=True)
    rule = slide.shapes.add_shape(1, MARGIN, Inches(1.22), Inches(1.6), Emu(38100))
    rule.fill.solid()
    rule.fill.fore_color.rgb = ACCENT
    rule.line.fill.background()
    return slide


def _send_to_back(slide, shape) -> None:
    """Move `shape` behind the others (python-pptx appends shapes on top)."""
    tree = slide.shapes._spTree
    tree.remove(shape._element)
    tree.insert(2, shape._element)  # after the tree's nvGrpSpPr and grpSpPr


def _footer(slide, b: CommuneBriefing, number: int, total: int) -> None:
    _text_box(
        slide,
        MARGIN,
        FOOTER_TOP,
        Inches(8),
        Inches(0.4),
        ["IDELUX Projets publics · Centrale d'achats Smart"],
        size=style.MIN_SLIDE_PT,
        colour=GREY,
    )
    _text_box(
        slide,
        SLIDE_W - MARGIN - Inches(4.5),
        FOOTER_TOP,
        Inches(4.5),
        Inches(0.4),
        [f"{b.name} · {fmt.date(b.as_of)} · {number}/{total}"],
        size=style.MIN_SLIDE_PT,
        colour=GREY,
        align=PP_ALIGN.RIGHT,
    )


CELL_MARGIN_X, CELL_MARGIN_Y = Inches(0.08), Inches(0.04)


def _row_heights(headers, rows, widths, width, row_h=Inches(0.42), size=None) -> list[int]:
    """Each row's height: `row_h`, or more when a cell wraps (measured)."""
    size = size or style.TABLE_PT
    total = sum(widths)
    columns = [int(width * share / total) for share in widths]
    heights = []
    for r, values in enumerate([headers] + rows):
        needed = max(
            measure.text_height([str(v)], size, w - 2 * CELL_MARGIN_X + 2 * measure.INSET_X,
                                r == 0, 0) - 2 * measure.INSET_Y + 2 * CELL_MARGIN_Y
            for v, w in zip(values, columns)
        )  # fmt: skip
        heights.append(max(row_h, needed))
    return heights


def _table_height(headers, rows, widths, width, row_h=Inches(0.42), size=None) -> int:
    return sum(_row_heights(headers, rows, widths, width, row_h, size))


def _table(slide, left, top, width, headers, rows, widths, row_h=Inches(0.42), size=None):
    """A sober table: teal header row, pale banding, 14 pt everywhere (or `size`); rows
    as tall as their wrapped cells need (measured)."""
    shape = slide.shapes.add_table(len(rows) + 1, len(headers), left, top, width, row_h)
    table = shape.table
    total = sum(widths)
    for index, share in enumerate(widths):
        table.columns[index].width = int(width * share / total)
    heights = _row_heights(headers, rows, widths, width, row_h, size)
    for r, values in enumerate([headers] + rows):
        table.rows[r].height = heights[r]
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = CELL_MARGIN_X
            cell.margin_top = cell.margin_bottom = CELL_MARGIN_Y
            cell.fill.solid()
            cell.fill.fore_color.rgb = PRIMARY if r == 0 else (PALE if r % 2 == 0 else WHITE)
            frame = cell.text_frame
            frame.word_wrap = True
            frame.text = ""
            run = frame.paragraphs[0].add_run()
            run.text = str(value)
            _style_run(run, size or style.TABLE_PT, WHITE if r == 0 else DARK, bold=r == 0)
    return shape


# -- charts -------------------------------------------------------------------------


def _style_chart(chart, title: str, legend: bool) -> None:
    chart.font.size = Pt(style.MIN_SLIDE_PT)
    chart.font.color.rgb = DARK
    chart.has_title = True
    chart.chart_title.text_frame.text = ""
    run = chart.chart_title.text_frame.paragraphs[0].add_run()
    run.text = title
    _style_run(run, 16, DARK, bold=True)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(style.MIN_SLIDE_PT)


def _colour_series(chart, colours: list[RGBColor]) -> None:
    for series, colour in zip(chart.plots[0].series, colours):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
        series.format.line.color.rgb = colour


def _count_axis(chart, maximum: float | None = None) -> None:
    axis = chart.value_axis
    axis.minimum_scale = 0
    if maximum is not None:
        axis.maximum_scale = maximum
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _colour("#D9DEDD")
    axis.tick_labels.font.size = Pt(style.MIN_SLIDE_PT)
    axis.tick_labels.number_format = "0"
    axis.tick_labels.number_format_is_linked = False
    axis.format.line.fill.background()
    chart.category_axis.tick_labels.font.size = Pt(style.MIN_SLIDE_PT)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW


def _data_labels(target, number_format: str = "0") -> None:
    """Value labels on a plot (all its series) or on one series."""
    if hasattr(target, "has_data_labels"):
        target.has_data_labels = True
    labels = target.data_labels
    labels.show_value = True
    labels.font.size = Pt(style.MIN_SLIDE_PT)
    labels.number_format = number_format
    labels.number_format_is_linked = False


# -- slides -------------------------------------------------------------------------


def _title_slide(deck, b: CommuneBriefing) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    band = slide.shapes.add_shape(1, 0, Inches(2.0), SLIDE_W, Inches(3.2))
    band.fill.solid()
    band.fill.fore_color.rgb = PRIMARY
    band.line.fill.background()
    _send_to_back(slide, band)
    heading = slide.shapes.title
    heading.left, heading.top = MARGIN, Inches(2.3)
    heading.width, heading.height = CONTENT_W, Inches(1.6)
    frame = heading.text_frame
    frame.text = ""
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = story.title(b)
    _style_run(run, 40, WHITE, bold=True)
    _text_box(
        slide,
        MARGIN,
        Inches(4.0),
        CONTENT_W,
        Inches(1.0),
        [f"Situation au {fmt.long_date(b.as_of)}"],
        size=24,
        colour=WHITE,
    )
    _text_box(
        slide,
        MARGIN,
        Inches(5.6),
        CONTENT_W,
        Inches(1.2),
        [
            "IDELUX Projets publics · Centrale d'achats Smart de la province de Luxembourg",
            f"Commune {de(b.name)} · {arrondissement_of(b.arrondissement)} · "
            f"{fmt.number(b.population)} habitants",
        ],
        size=18,
        colour=GREY,
    )


KEY_FIGURE_PT = 32
# Widest average advance of a bold sans-serif (DejaVu Sans Bold, LibreOffice's fallback
# for Calibri, is the widest met), in ems, and a text box's own side insets.
BOLD_EM_PER_CHAR = 0.7
TEXT_BOX_INSETS = Inches(0.2)


def one_line_size(text: str, width: int, largest: float) -> int:
    """The largest type size, up to `largest` points, at which `text` holds on one line
    of a text box `width` EMU wide: « 15,0 jours » in a quarter of the slide would
    otherwise wrap its last letter onto the label below."""
    usable_pt = (width - TEXT_BOX_INSETS) / 12700
    return int(min(largest, usable_pt / (BOLD_EM_PER_CHAR * max(len(text), 1))))


def _figures_slide(deck, b: CommuneBriefing, title: str) -> None:
    slide = _slide(deck, title)
    figures = story.key_figures(b)
    gap = Inches(0.25)
    tile_w = int((CONTENT_W - gap * (len(figures) - 1)) / len(figures))
    inner = tile_w - Inches(0.3)
    # One size for the four values, the largest at which the longest holds on its line.
    value_pt = min(one_line_size(f.value, inner, KEY_FIGURE_PT) for f in figures)
    # Each row of text as tall as the tallest tile needs it, measured (a detail that
    # wraps to two lines gets two lines, not a box it runs out of).
    value_h = measure.text_height(["0"], value_pt, inner, True)
    label_h = max(measure.text_height([f.label], 16, inner, True) for f in figures)
    detail_h = max(measure.text_height([f.detail], 14, inner) for f in figures)
    tile_h = value_h + label_h + detail_h + Inches(0.15)
    for index, figure in enumerate(figures):
        left = MARGIN + index * (tile_w + gap)
        tile = slide.shapes.add_shape(1, left, CONTENT_TOP, tile_w, tile_h)
        tile.fill.solid()
        tile.fill.fore_color.rgb = PALE
        tile.line.fill.background()
        tile.shadow.inherit = False
        x = left + Inches(0.15)
        y = CONTENT_TOP + Inches(0.05)
        _text_box(slide, x, y, inner, value_h, [figure.value], size=value_pt, colour=PRIMARY,
                  bold=True)  # fmt: skip
        _text_box(slide, x, y + value_h, inner, label_h, [figure.label], size=16, bold=True)
        _text_box(slide, x, y + value_h + label_h, inner, detail_h, [figure.detail], size=14,
                  colour=GREY)  # fmt: skip
    categories, adhered, total = story.adhesion_points(b)
    data = CategoryChartData()
    data.categories = categories
    data.add_series(MEASURES["communes_adhered"].label, adhered)
    data.add_series(MEASURES["communes_total"].label, total)
    top = CONTENT_TOP + tile_h + Inches(0.15)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.LINE_MARKERS, MARGIN, top, CONTENT_W, FOOTER_TOP - top - Inches(0.1), data
    ).chart
    _style_chart(chart, story.adhesion_chart_title(b), True)
    _count_axis(chart)
    for series, colour, width in zip(chart.plots[0].series, (PRIMARY, GREY), (3.0, 1.5)):
        series.format.line.color.rgb = colour
        series.format.line.width = Pt(width)
        series.smooth = False
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = colour
        series.marker.format.line.color.rgb = colour


def _map_slide(deck, b: CommuneBriefing, title: str, map_png: bytes) -> None:
    slide = _slide(deck, title)
    slide.shapes.add_picture(io.BytesIO(map_png), MARGIN, CONTENT_TOP, width=CONTENT_W)
    lines = [story.status_sentence(b)] + story.neighbour_lines(b)
    top = CONTENT_TOP + MAP_H + Inches(0.05)
    _text_box(slide, MARGIN, top, CONTENT_W, FOOTER_TOP - top, lines, size=16, space_after=0)


def _orders_slide(deck, b: CommuneBriefing, title: str) -> None:
    slide = _slide(deck, title)
    summary = [story.orders_summary(b)]
    _text_box(slide, MARGIN, CONTENT_TOP, CONTENT_W, Inches(0.5), summary, size=20)
    if b.orders.empty:
        lines = [story.status_sentence(b)]
        if not b.adhered:
            lines.append("Première étape : signer la convention d'adhésion avec IDELUX.")
        _text_box(slide, MARGIN, CONTENT_TOP + Inches(0.8), CONTENT_W, Inches(2), lines)
        return
    table_w = Inches(8.0)
    top = CONTENT_TOP + Inches(0.7)
    widths = (2.55, 1.7, 1.45, 1.05, 1.25)
    # As many orders as the table (rows measured as they wrap) and the line saying what
    # is left out hold above the footer.
    for shown in range(story.ORDERS_SHOWN, 0, -1):
        rows = story.order_rows(b, limit=shown)
        left_out = story.orders_left_out(b, limit=shown)
        table_h = _table_height(story.ORDER_HEADERS, rows, widths, table_w)
        note_h = measure.text_height([left_out], 14, table_w) if left_out else 0
        if top + table_h + note_h + Inches(0.05) <= FOOTER_TOP:
            break
    _table(slide, MARGIN, top, table_w, story.ORDER_HEADERS, rows, widths)
    if left_out:
        box_top = top + table_h + Inches(0.05)
        _text_box(slide, MARGIN, box_top, table_w, note_h, [left_out], size=14, colour=GREY)
    labels, values = story.lead_time_series(b, limit=shown)
    if not labels:
        return
    data = CategoryChartData()
    data.categories = [fmt.date(d) for d in labels]
    data.add_series("Délai d'attribution (jours)", values)
    left = MARGIN + table_w + Inches(0.2)
    width, height = SLIDE_W - MARGIN - left, FOOTER_TOP - top
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, left, top - Inches(0.1), width, height, data
    )
    chart = frame.chart
    _style_chart(chart, "Délai d'attribution (jours), par date", False)
    maximum = max(values + [AWARD_PROMISE_DAYS]) + 5
    _count_axis(chart, maximum=maximum)
    chart.category_axis.reverse_order = True  # first category on top, as in the table
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.HIGH
    _colour_series(chart, [PRIMARY])
    chart.plots[0].gap_width = 60
    _data_labels(chart.plots[0].series[0])
    _promise_line(slide, frame, maximum)


# Where the bars are drawn inside the orders chart (fractions of the chart frame), fixed
# so that the promise line can be placed at its exact value on the axis.
PLOT_X, PLOT_Y, PLOT_W, PLOT_H = 0.27, 0.16, 0.66, 0.7


def _inner_plot_layout(chart, x: float, y: float, w: float, h: float) -> None:
    """Pin the plot area (the bars, without axis labels) to fractions of the frame."""
    plot_area = chart._chartSpace.chart.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = plot_area.makeelement(qn("c:layout"), {})
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = layout.makeelement(qn("c:manualLayout"), {})
    layout.append(manual)
    for tag, value in (
        ("c:layoutTarget", "inner"),
        ("c:xMode", "edge"),
        ("c:yMode", "edge"),
        ("c:x", x),
        ("c:y", y),
        ("c:w", w),
        ("c:h", h),
    ):
        manual.append(manual.makeelement(qn(tag), {"val": str(value)}))


def _promise_line(slide, frame, maximum: float) -> None:
    """The 20-day promise as one dashed vertical line across the bars, labelled: a
    threshold, not a second measure drawn as a bar under every order."""
    _inner_plot_layout(frame.chart, PLOT_X, PLOT_Y, PLOT_W, PLOT_H)
    x = frame.left + int(frame.width * (PLOT_X + PLOT_W * AWARD_PROMISE_DAYS / maximum))
    y_top = frame.top + int(frame.height * PLOT_Y)
    y_bottom = frame.top + int(frame.height * (PLOT_Y + PLOT_H))
    line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x, y_top, x, y_bottom)
    line.line.color.rgb = ACCENT_DARK
    line.line.width = Pt(2.5)
    line.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    line.name = "Promesse 20 jours"
    # Under the axis' numbers, ending at the line (the chart sits at the slide's right).
    label_w = Inches(2.4)
    left = min(x + Inches(0.15), SLIDE_W - MARGIN) - label_w
    box = _text_box(
        slide, left, y_bottom + Inches(0.3), label_w, Inches(0.35),
        [f"promesse : {AWARD_PROMISE_DAYS} jours"], size=14, colour=ACCENT_DARK, bold=True,
    )  # fmt: skip
    box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT


def _peers_slide(deck, b: CommuneBriefing, title: str, lead: list[str] = ()) -> None:
    """What peers took; `lead`: sentences of a thin section said first (no order yet)."""
    slide = _slide(deck, title)
    lines = [*lead, *story.peers_sentences(b)]
    # The chart starts under the text, however many lines it wraps to (16 pt: ~115
    # characters and 0.3 inch a line across the slide).
    text_h = Inches(0.3) * sum(-(-len(line) // 115) for line in lines) + Inches(0.1)
    _text_box(slide, MARGIN, CONTENT_TOP, CONTENT_W, text_h, lines, size=16, space_after=2)
    top = CONTENT_TOP + text_h + Inches(0.1)
    height = FOOTER_TOP - top - Inches(0.05)
    shown = peer_bars_that_fit(height)
    solutions, size, arrondissement = story.peer_uptake_series(b, limit=shown)
    if not solutions:
        # Nothing they took that it has not: who they are, and what they took, instead.
        _text_box(slide, MARGIN, top, CONTENT_W, Inches(0.5), [story.no_peer_uptake(b)])
        rows = story.peer_rows(b)
        if len(rows) > story.THIN_ROWS:
            table_top = top + Inches(0.55)
            widths = (4.0, 2.0, 2.6, 3.7)
            _table(slide, MARGIN, table_top, CONTENT_W, story.PEER_HEADERS, rows, widths)
        return
    data = CategoryChartData()
    data.categories = solutions
    size_name, arrondissement_name = story.peer_series_names(b)
    data.add_series(size_name, size)
    data.add_series(arrondissement_name, arrondissement)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, MARGIN, top, CONTENT_W, height, data
    ).chart
    _style_chart(chart, story.peer_chart_title(b, limit=shown), True)
    _count_axis(chart, maximum=max(size + arrondissement) + 1)
    chart.category_axis.reverse_order = True
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.HIGH
    chart.value_axis.major_unit = 1
    _colour_series(chart, [PRIMARY, PRIMARY_LIGHT])
    chart.plots[0].gap_width = 50
    _data_labels(chart.plots[0])


# Around the bars of a chart: its title, legend and axis take about this height; each bar
# needs the height of its 14-pt value label, and a group of two bars half a bar more.
CHART_FRAME_PT = 110
BAR_PT = 19


def peer_bars_that_fit(height) -> int:
    """How many solutions the peers chart can show in `height` EMU with no value label
    on another (two bars each): at least 1, at most `story.PEER_BARS`."""
    room = height / 12700 - CHART_FRAME_PT
    return max(1, min(story.PEER_BARS, int(room // (BAR_PT * 2.5))))


def _survey_slide(deck, b: CommuneBriefing, title: str) -> None:
    slide = _slide(deck, title)
    if b.survey.empty:
        intro = [story.no_survey(b)]
        _text_box(slide, MARGIN, CONTENT_TOP + Inches(0.1), CONTENT_W, Inches(0.8), intro)
        rows = story.catalogue_rows(b)
        if rows:
            top = CONTENT_TOP + Inches(0.95)
            widths = (5.0, 5.0, 2.1)
            headers = story.CATALOGUE_HEADERS
            _table(slide, MARGIN, top, CONTENT_W, headers, rows, widths, row_h=Inches(0.36))
        return
    rows = story.survey_rows(b)
    top = CONTENT_TOP + Inches(0.2)
    # A few needs in larger type and taller rows: read from the back of a council room,
    # and not a band of table under a slide left mostly empty.
    few = len(rows) <= FEW_SURVEY_ROWS
    row_h, size = (Inches(0.7), 16) if few else (Inches(0.42), None)
    _table(slide, MARGIN, top, CONTENT_W, story.SURVEY_HEADERS, rows, SURVEY_WIDTHS, row_h, size)
    left_out = story.survey_left_out(b, len(rows))
    if left_out:
        more = [left_out]
        box_top = FOOTER_TOP - Inches(0.5)
        _text_box(slide, MARGIN, box_top, CONTENT_W, Inches(0.45), more, size=14, colour=GREY)


def _text_height(lines: list[str], size: float, width, space_after: float = 10) -> Emu:
    """How tall `lines` (bulleted) wrap at `size` pt in a box `width` wide, measured."""
    return Emu(measure.text_height([f"•  {x}" for x in lines], size, width, False, space_after))


SURVEY_WIDTHS = (3.5, 1.25, 1.15, 1.3, 5.2)  # « Priorité » whole at 16 pt
FEW_SURVEY_ROWS = 6


def _next_steps_slide(
    deck, b: CommuneBriefing, title: str, lead: list[str] = (), table_rows: list | None = None
) -> None:
    """The next steps; a thin survey section said first: `lead` (one sentence) or
    `table_rows` (a short table of needs)."""
    slide = _slide(deck, title)
    top = CONTENT_TOP + Inches(0.2)
    if lead:
        _text_box(slide, MARGIN, top, CONTENT_W, Inches(0.8), list(lead), size=18, colour=PRIMARY)
        top += _text_height(list(lead), 18, CONTENT_W, space_after=6) + Inches(0.15)
    if table_rows:
        headers = story.SURVEY_HEADERS
        _table(slide, MARGIN, top, CONTENT_W, headers, table_rows, SURVEY_WIDTHS, Inches(0.36))
        top += Inches(0.5) * (len(table_rows) + 1) + Inches(0.15)  # rows wrap to two lines
    lines = story.next_step_lines(b)
    # The steps band stays clear: under a table of needs, lower and thinner (its heading
    # line left out); few lines in larger type (two lines at 18 pt leave half a slide).
    band_top = Inches(5.75) if table_rows else Inches(4.55)
    sizes = (22, 18, 16, 14) if len(lines) <= 2 else (18, 16, 14)
    size = next(
        (z for z in sizes if top + _text_height(lines, z, CONTENT_W) <= band_top), sizes[-1]
    )
    needed = _text_height(lines, size, CONTENT_W)
    # The commune's own steps come first: when they need more room than the band leaves,
    # the band of how to order (the same for every commune) moves down, or is left out
    # when it no longer fits above the footer (measured, never drawn over the steps).
    band_h = Inches(0.9) if table_rows else Inches(1.2)
    label_h = 0 if table_rows else Inches(0.5)
    band_top = max(band_top, top + needed + Inches(0.1))
    show_band = band_top + label_h + band_h <= FOOTER_TOP - Inches(0.05)
    box_h = (band_top - top) if show_band else (FOOTER_TOP - Inches(0.1) - top)
    _text_box(
        slide, MARGIN, top, CONTENT_W, box_h, lines, size=size, bullet=True,
        space_after=10,
    )  # fmt: skip
    if not show_band:
        return
    if table_rows:
        _how_to_order(slide, b, label=False, top=band_top, height=band_h)
    else:
        _how_to_order(slide, b, top=band_top + label_h)


def _how_to_order(
    slide, b: CommuneBriefing, label: bool = True, top=Inches(5.05), height=Inches(1.2)
) -> None:
    """The four steps of an order through the centrale, as a band of numbered tiles
    from `top` (`label`: with its heading line above)."""
    gap = Inches(0.2)
    tile_pt = 18 if height >= Inches(1.2) else 16  # three lines in a thinner tile
    if label:
        _text_box(
            slide, MARGIN, top - Inches(0.5), CONTENT_W, Inches(0.45),
            ["Commander via la centrale, sans cahier des charges à rédiger :"],
            size=16, colour=GREY, bold=True,
        )  # fmt: skip
    steps = story.how_to_order(b)
    width = int((CONTENT_W - gap * (len(steps) - 1)) / len(steps))
    # As tall as the longest step needs at its size (measured), within the footer.
    texts = [f"{index + 1}. {text}" for index, text in enumerate(steps)]
    needed = max(measure.text_height([t], tile_pt, width - Inches(0.2), True) for t in texts)
    height = min(max(height, needed + Inches(0.2)), FOOTER_TOP - top - Inches(0.05))
    for index, text in enumerate(steps):
        left = MARGIN + index * (width + gap)
        tile = slide.shapes.add_shape(1, left, top, width, height)
        tile.fill.solid()
        tile.fill.fore_color.rgb = PALE
        tile.line.fill.background()
        tile.shadow.inherit = False
        _text_box(
            slide, left + Inches(0.1), top + Inches(0.1), width - Inches(0.2),
            height - Inches(0.2), [f"{index + 1}. {text}"], size=tile_pt, colour=PRIMARY,
            bold=True,
        )  # fmt: skip


# -- alternative text and speaker notes ------------------------------------------------


def _set_alt(shape, text: str) -> None:
    """The shape's alternative text (PowerPoint: right click > Edit Alt Text)."""
    properties = shape._element.find(".//" + qn("p:cNvPr"))
    if properties is not None:
        properties.set("descr", text)
        properties.set("title", text[:80])


def chart_alt_text(chart) -> str:
    """A chart in words: its title, then each series' values by category (a few)."""
    title = chart.chart_title.text_frame.text if chart.has_title else "Graphique"
    plot = chart.plots[0]
    categories = list(plot.categories)
    parts = []
    for series in plot.series:
        points = [
            f"{c} : {fmt.number(v, 1 if isinstance(v, float) and v % 1 else 0)}"
            for c, v in zip(categories, series.values)
            if v is not None
        ]
        shown = points[-8:] if len(points) > 8 else points
        more = f" (les {len(shown)} derniers points sur {len(points)})" if shown != points else ""
        parts.append(f"{series.name}{more} — " + " ; ".join(shown))
    return f"Graphique : {title}. " + ". ".join(parts) + "."


def _describe_visuals(slide, b: CommuneBriefing) -> None:
    """Alternative text on every picture and chart of the slide."""
    for shape in slide.shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            _set_alt(shape, story.map_alt_text(b))
        elif getattr(shape, "has_chart", False) and shape.has_chart:
            _set_alt(shape, chart_alt_text(shape.chart))


PATH_NOTE = (
    "Parcours : les étapes de l'entonnoir de la Vue d'ensemble pour la commune — "
    "premier contact (fichier des rencontres), adhésion active, première commande "
    "attribuée, attribution de sa deuxième solution."
)
# The story's sections, in the order of `speaker_notes`.
SECTIONS = ("title", "figures", "map", "orders", "peers", "survey", "next", "worth")


def _definitions(*keys: str) -> list[str]:
    return [f"{MEASURES[k].label} : {MEASURES[k].help}" for k in keys if k in MEASURES]


def speaker_notes(b: CommuneBriefing) -> dict[str, list[str]]:
    """What the presenter may say of each section: the definitions of its figures and
    where they come from (lines per section; a slide saying two sections has both)."""
    source = story.source_note(b)
    notes = [
        [
            f"Présentation de la centrale d'achats Smart d'IDELUX à {b.name}, situation au "
            f"{fmt.date(b.as_of)} : tous les chiffres sont ceux connus à cette date.",
            source,
        ],
        _definitions(
            "communes_adhered",
            "orders_awarded",
            "median_award_days",
            "share_awarded_within_20_days",
            "province_subsidy_share",
        )
        + [source],
        [
            "Statut d'adhésion : adhérente (convention signée et active à la date), retirée "
            "(a adhéré puis s'est retirée), non adhérente.",
            "Voisines : communes de la province qui partagent une limite avec la commune.",
            source,
        ],
        _definitions("orders_awarded", "lead_days", "order_amount_eur")
        + [
            f"La ligne pointillée marque la promesse de la centrale : une attribution en "
            f"{AWARD_PROMISE_DAYS} jours au plus après l'envoi du bon de commande.",
            source,
        ],
        [
            "Communes semblables : les communes de la province de population la plus proche "
            "et celles du même arrondissement ; part de celles qui ont pris chaque solution "
            "(bon de commande envoyé ou attribué, hors annulations).",
            source,
        ],
        [
            "Réponses de la commune à la dernière enquête des besoins envoyée à la date ; "
            "« au catalogue » : un accord-cadre actif de la centrale couvre ce besoin. "
            "Priorité 1 = la plus haute.",
            source,
        ],
        [
            "Prochaines étapes : solutions demandées dans l'enquête et commandables à la "
            "date (accord-cadre actif), avec les prestataires mis en concurrence.",
            source,
        ],
        [
            "Gain de la remise en concurrence : pour chaque commande attribuée, l'offre "
            "écartée la moins chère moins l'offre retenue (négatif quand l'offre retenue, "
            "plus chère, a gagné sur la qualité).",
            f"Procédure classique : {b.worth.get('classic_basis', '')}.",
            PATH_NOTE,
            source,
        ],
    ]
    # The funnel sentence is said on slide 8, or with the peers when there is no slide 8.
    return {**dict(zip(SECTIONS, notes)), "funnel": [PATH_NOTE, source]}


def _worth_slide(deck, b: CommuneBriefing, title: str, lead: list[str] = ()) -> None:
    """What the centrale brought: the competition's gain and the days against a classic
    procedure, the assumption said on the slide; `lead`: the one order, said first."""
    slide = _slide(deck, title)
    lines = [*lead, *story.worth_lines(b)]
    text_w = Inches(6.6)
    size = 16 if lead else 18
    _text_box(slide, MARGIN, CONTENT_TOP, text_w, Inches(3.6), lines, size=size, space_after=10)
    # Its place in the funnel « de la rencontre à la commande », with the dates.
    place = story.funnel_line(b)
    if place:
        box_top = FOOTER_TOP - Inches(1.95)
        _text_box(slide, MARGIN, box_top, text_w, Inches(0.75), [place], size=14, bold=True)
    assumption = story.worth_assumption(b)
    if assumption:
        box_top = FOOTER_TOP - Inches(1.15)
        _text_box(slide, MARGIN, box_top, text_w, Inches(1.0), [assumption], size=14, colour=GREY)
    labels, values = story.worth_series(b)
    if not labels:
        return
    data = CategoryChartData()
    data.categories = labels
    data.add_series("Jours du bon de commande à l'attribution", values)
    left = MARGIN + text_w + Inches(0.3)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED,
        left,
        CONTENT_TOP,
        SLIDE_W - MARGIN - left,
        FOOTER_TOP - CONTENT_TOP - Inches(0.1),
        data,
    ).chart
    _style_chart(chart, "Jours du bon de commande à l'attribution", False)
    _count_axis(chart, maximum=max(values) * 1.15)
    chart.category_axis.reverse_order = True
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.HIGH
    _colour_series(chart, [PRIMARY])
    chart.plots[0].gap_width = 60
    _data_labels(chart.plots[0].series[0], "0")
