"""The province map of a briefing as an image, drawn offline (geopandas + matplotlib).

No browser, no tiles: the shapes are the store's GeoJSON (`queries.commune_shapes`,
carried by `CommuneBriefing.map_communes`). Every commune is filled with its
adhesion status, in the one palette of `centrale.domain` (the same as the
dashboard's map); the briefed commune keeps its status colour, with a thick
black outline (as on the dashboard's map); its neighbours are named so
their status reads at a glance.
The legend is in French. For a projected slide (`slide_map_svg`), the same map is drawn
at the slide's width as SVG whose names and legend stay text, at the wall's type size.

Uses matplotlib's object API (`Figure`), never pyplot: no global state, so it is
safe inside the Streamlit server's threads.
"""

from __future__ import annotations

import io
import math
import re

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
import shapely.ops
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from centrale import domain
from centrale.cached import cached_query
from centrale.datasets.briefing import commune_briefing
from reports import style

STATUS_COLOURS = domain.ADHESION_COLOURS
STATUS_LABELS = domain.ADHESION_LEGEND
ZOOM_WIDTH = 0.61  # share of the figure's width given to the zoom panel
HIGHLIGHT_HEX = "#000000"  # the briefed commune's outline, as on the dashboard's map


def _frame(map_communes) -> gpd.GeoDataFrame:
    geometry = shapely.from_geojson(map_communes["geojson"].tolist())
    return gpd.GeoDataFrame(
        map_communes.drop(columns="geojson"), geometry=geometry, crs="EPSG:4326"
    )


def map_figure(
    map_communes,
    commune_name: str,
    width_in: float = 12.3,
    height_in: float = 4.9,
    font_pt: float = 14,
    min_share: float | None = None,
    strict: bool = False,
) -> Figure:
    """The map as a matplotlib Figure of `width_in` × `height_in` inches.

    Left, the whole province; right, a zoom on the commune and its neighbours,
    named; the legend along the bottom. `map_communes` has nis_code, name_fr,
    adhesion_status, geojson and role ('commune' | 'voisine' | 'autre'). Font
    sizes are in points at that size, so drawing the image at its natural size
    keeps them true. A name is shrunk to fit down to `min_share` of its size (default
    `MIN_LABEL_SHARE`); `strict`: a neighbour's name is written only where it lies
    inside its commune (see `place_labels`), fewer names rather than names on another.
    """
    frame = _frame(map_communes)
    figure = Figure(figsize=(width_in, height_in), dpi=100)
    FigureCanvasAgg(figure)  # a renderer, to measure labels
    legend_share = 2.4 * font_pt / 72 / height_in  # room for one row of legend
    province = figure.add_axes((0, legend_share, 0.36, 1 - legend_share))
    zoom = figure.add_axes((1 - ZOOM_WIDTH, legend_share, ZOOM_WIDTH, 1 - legend_share))
    mine = frame[frame["role"] == "commune"]
    around = frame[frame["role"] != "autre"]
    x0, y0, x1, y1 = around.total_bounds
    pad_x, pad_y = (x1 - x0) * 0.06, (y1 - y0) * 0.06
    box = (x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y)

    province.set_axis_off()
    _draw_communes(province, frame)
    province.add_patch(
        Rectangle(
            (box[0], box[1]),
            box[2] - box[0],
            box[3] - box[1],
            fill=False,
            edgecolor=style.DARK_HEX,
            linewidth=1.2,
            linestyle="--",
        )
    )
    # Lon/lat degrees are not square at 50° N: scale x by cos(latitude).
    aspect = 1 / math.cos(math.radians((box[1] + box[3]) / 2))
    province.set_aspect(aspect)
    # Widen the zoom's view (rather than shrink its panel) to the panel's shape.
    panel_ratio = (ZOOM_WIDTH * width_in) / ((1 - legend_share) * height_in)
    dx, dy = box[2] - box[0], box[3] - box[1]
    if dx < panel_ratio * dy * aspect:
        grow = (panel_ratio * dy * aspect - dx) / 2
        box = (box[0] - grow, box[1], box[2] + grow, box[3])
    else:
        grow = (dx / (panel_ratio * aspect) - dy) / 2
        box = (box[0], box[1] - grow, box[2], box[3] + grow)
    zoom.set_axis_off()
    # Only what the zoom shows: fewer paths, a lighter SVG for the PDF.
    _draw_communes(zoom, frame.cx[box[0] : box[2], box[1] : box[3]])
    zoom.set_xlim(box[0], box[2])
    zoom.set_ylim(box[1], box[3])
    zoom.set_aspect(aspect)

    zoom_shown = shapely.box(*box)
    wanted = [(row, font_pt * 1.15, "bold") for _, row in mine.iterrows()]
    wanted += [(row, font_pt, "normal") for _, row in frame[frame["role"] == "voisine"].iterrows()]
    place_labels(
        figure,
        zoom,
        [
            (r["nis_code"], r["name_fr"], r.geometry & zoom_shown, size, weight)
            for r, size, weight in wanted
        ],
        min_share=MIN_LABEL_SHARE if min_share is None else min_share,
        optional=frozenset(frame.loc[frame["role"] == "voisine", "nis_code"]) if strict else (),
    )

    present = [s for s in STATUS_LABELS if (frame["adhesion_status"] == s).any()]
    handles = [
        Patch(
            facecolor="white",
            edgecolor=HIGHLIGHT_HEX,
            linewidth=2,
            label=commune_name,
        )
    ]
    handles += [
        Patch(facecolor=STATUS_COLOURS[s], edgecolor="white", label=STATUS_LABELS[s])
        for s in present
    ]
    handles.append(Patch(facecolor="white", edgecolor=style.DARK_HEX, label="Voisine"))
    figure.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0),
        ncol=len(handles),
        frameon=False,
        fontsize=font_pt,
        labelcolor=style.DARK_HEX,  # explicit: fpdf2's SVG reader misses the default
        handlelength=1.2,
        columnspacing=1.4,
    )
    return figure


def _draw_communes(axes, frame: gpd.GeoDataFrame) -> None:
    colours = frame["adhesion_status"].map(STATUS_COLOURS).fillna(domain.NO_DATA_COLOUR)
    frame.plot(ax=axes, color=colours, edgecolor="white", linewidth=0.6)
    frame[frame["role"] == "voisine"].boundary.plot(ax=axes, color=style.DARK_HEX, linewidth=1)
    mine = frame[frame["role"] == "commune"]
    mine.plot(
        ax=axes,
        color=mine["adhesion_status"].map(STATUS_COLOURS).fillna(domain.NO_DATA_COLOUR),
        edgecolor=HIGHLIGHT_HEX,
        linewidth=2.5,
    )


MIN_LABEL_SHARE = 0.75  # a label is shrunk down to this share of its size to fit
INSIDE_SHARE = 0.9  # of a label's box inside its commune, for it to sit "inside"
MOSTLY_INSIDE = 0.6  # below this, the name goes beside its commune with a leader line
_GRID = 16  # candidate points per side of a commune's bounding box


def _candidates(area) -> np.ndarray:
    """(n, 2) points inside `area` (display coordinates), deepest first: the pole of
    inaccessibility of its largest part (the point farthest from its border), then a
    grid of inner points by decreasing distance to the border."""
    parts = [p for p in getattr(area, "geoms", [area]) if p.geom_type == "Polygon"]
    parts = [p for p in parts if p.area > 0]
    if not parts:
        return np.empty((0, 2))
    largest = max(parts, key=lambda p: p.area)
    pole = shapely.ops.polylabel(largest, tolerance=0.5)
    x0, y0, x1, y1 = area.bounds
    xs, ys = np.meshgrid(
        x0 + (x1 - x0) * (np.arange(_GRID) + 0.5) / _GRID,
        y0 + (y1 - y0) * (np.arange(_GRID) + 0.5) / _GRID,
    )
    xs, ys = xs.ravel(), ys.ravel()
    inside = shapely.contains_xy(area, xs, ys)
    xs, ys = xs[inside], ys[inside]
    depth = shapely.distance(area.boundary, shapely.points(xs, ys))
    order = np.argsort(-depth)
    return np.vstack([[pole.x, pole.y], np.column_stack([xs[order], ys[order]])])


def _boxes(points: np.ndarray, width: float, height: float):
    return shapely.box(
        points[:, 0] - width / 2,
        points[:, 1] - height / 2,
        points[:, 0] + width / 2,
        points[:, 1] + height / 2,
    )


def _wrapped(name: str) -> list[str]:
    """`name` on one line, then on two lines at the hyphen or space nearest its middle
    (« Libramont-/Chevigny »): a long name then fits a narrow commune."""
    cuts = [i for i, c in enumerate(name) if c in "- " and 0 < i < len(name) - 1]
    if not cuts:
        return [name]
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    head = name[: cut + 1].rstrip() if name[cut] == "-" else name[:cut]
    return [name, head + "\n" + name[cut + 1 :]]


def place_labels(
    figure: Figure,
    axes,
    wanted: list,
    min_share: float = MIN_LABEL_SHARE,
    optional=(),
) -> list:
    """Write each commune's name inside its commune, none over another.

    `wanted`: (nis_code, name, shape shown in `axes` (lon/lat), font size, weight), most
    important first. Each name goes to the deepest spot (`_candidates`) where its box
    lies at least `INSIDE_SHARE` inside the commune, within the panel and clear of the
    names already placed; if none, it is tried on two lines (`_wrapped`), then smaller
    (down to `min_share` of its size). If nothing fits, a commune in `optional` (NIS
    codes) is left unnamed; for the others, the spot most inside wins
    when it is at least `MOSTLY_INSIDE`; otherwise the name goes to the free spot nearest
    the commune with a thin leader line to the commune's deepest point. Every Text drawn
    carries its commune's NIS code as gid (":leader" added when it has a leader line).
    Returns the Text objects."""
    axes.apply_aspect()
    renderer = figure.canvas.get_renderer()
    to_display = axes.transData.transform
    to_data = axes.transData.inverted().transform
    frame_box = shapely.box(*axes.bbox.extents)
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    placed_boxes: list = []
    texts = []
    for nis, name, shape, size, weight in wanted:
        if shape.is_empty:
            continue
        area = shapely.transform(shape, to_display).buffer(0)
        spots = _candidates(area)
        if not len(spots):
            continue
        text = axes.text(
            0,
            0,
            name,
            ha="center",
            va="center",
            ma="center",
            fontsize=size,
            fontweight=weight,
            color=style.DARK_HEX,
            path_effects=halo,
            gid=nis,
            linespacing=1.0,
        )
        taken = shapely.union_all(placed_boxes) if placed_boxes else None
        best = None  # (share, spot index, lines, font size, width, height)
        for share in sorted({1.0, max(0.9, min_share), min_share}, reverse=True):
            for lines in _wrapped(name):
                text.set_text(lines)
                text.set_fontsize(size * share)
                extent = text.get_window_extent(renderer)
                width, height = extent.width + 2, extent.height + 1
                boxes = _boxes(spots, width, height)
                free = shapely.contains(frame_box, boxes)
                if taken is not None:
                    free &= ~shapely.intersects(boxes, taken)
                inside = shapely.area(shapely.intersection(boxes, area)) / (width * height)
                inside = np.where(free, inside, -1)
                index = (
                    int(np.argmax(inside >= INSIDE_SHARE))
                    if (inside >= INSIDE_SHARE).any()
                    else int(np.argmax(inside))
                )
                candidate = (float(inside[index]), index, lines, size * share, width, height)
                if best is None or candidate[0] > best[0] + 1e-9:
                    best = candidate
                if candidate[0] >= INSIDE_SHARE:
                    best = candidate
                    break
            if best[0] >= INSIDE_SHARE:
                break
        inside_share, index, lines, font, width, height = best
        if nis in optional and inside_share < INSIDE_SHARE:
            text.remove()  # fewer names rather than one on a neighbour
            continue
        text.set_text(lines)
        text.set_fontsize(font)
        point, leader = spots[index], None
        if inside_share < MOSTLY_INSIDE:
            point, leader = _beside(spots[0], width, height, frame_box, placed_boxes), spots[0]
            if point is None:
                text.remove()
                continue
        label_box = _boxes(np.array([point]), width, height)[0]
        placed_boxes.append(label_box)
        text.set_position(tuple(to_data(point)))
        if leader is not None:
            start = label_box.exterior.interpolate(
                label_box.exterior.project(shapely.Point(leader))
            )
            axes.plot(
                *zip(to_data((start.x, start.y)), to_data(leader)),
                color=style.DARK_HEX,
                linewidth=0.8,
                gid=f"leader:{nis}",
            )
            text.set_gid(f"{nis}:leader")
        texts.append(text)
    return texts


def _beside(anchor, width: float, height: float, frame_box, placed: list):
    """The free spot nearest `anchor` for a `width`×`height` box, in rings around it."""
    steps = [
        (dx, dy)
        for r in range(1, 30)
        for dx, dy in (
            (0, r),
            (0, -r),
            (r, 0),
            (-r, 0),
            (r, r),
            (-r, -r),
            (r, -r),
            (-r, r),
        )
    ]
    points = np.array([[anchor[0] + dx * width / 2, anchor[1] + dy * height] for dx, dy in steps])
    boxes = _boxes(points, width, height)
    free = shapely.contains(frame_box, boxes)
    if placed:
        free &= ~shapely.intersects(boxes, shapely.union_all(placed))
    return points[int(np.argmax(free))] if free.any() else None


def map_png(map_communes, commune_name: str, dpi: int = 150, **size) -> bytes:
    """The map as PNG bytes (for the slide and the presentation page)."""
    buffer = io.BytesIO()
    map_figure(map_communes, commune_name, **size).savefig(
        buffer, format="png", dpi=dpi, facecolor="white"
    )
    return buffer.getvalue()


SLIDE_NAME_SCALE = 1.1  # the names' size over the smallest allowed: room to shrink to fit


def slide_map_figure(
    map_communes, commune_name: str, width_px: int, height_px: int, text_px: float
) -> Figure:
    """The map drawn for a projected slide whose content is `width_px` wide, in
    `width_px` × `height_px` points: drawn as SVG (1 unit = 1 pt), one unit is one screen
    pixel when the SVG is shown at that width, so every text is at least `text_px` there.

    The names: the commune's always; a neighbour's only where it fits inside its commune
    at that size (`strict`): fewer names on the wall rather than small ones or names over
    another commune (the text under the map lists every neighbour)."""
    figure = map_figure(
        map_communes,
        commune_name,
        width_in=width_px / 72,
        height_in=height_px / 72,
        font_pt=text_px * SLIDE_NAME_SCALE,
        min_share=1 / SLIDE_NAME_SCALE,
        strict=True,
    )
    # The halo around a name is the SVG's own stroke (`slide_map_svg`): matplotlib's
    # path effect would draw the text as paths, which no browser can read as text.
    for text in figure.axes[1].texts:
        text.set_path_effects([])
    return figure


def slide_map_svg(
    map_communes, commune_name: str, width_px: int, height_px: int, text_px: float
) -> bytes:
    """`slide_map_figure` as SVG whose every text is a `<text>` (not paths): the
    browser draws it crisp on the wall and a test can measure it. No XML prolog (it goes
    inside a page); coordinates to a tenth of a unit (a third lighter)."""
    figure = slide_map_figure(map_communes, commune_name, width_px, height_px, text_px)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "carte"}):
        figure.savefig(buffer, format="svg", facecolor="white")
    svg = re.sub(r"<metadata>.*?</metadata>", "", buffer.getvalue().decode(), flags=re.S)
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\d+\.\d{2,}", lambda m: f"{float(m.group()):.1f}", svg)
    halo = "paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; "
    return svg.replace('<text style="', f'<text style="{halo}').encode()


@cached_query
def commune_map_slide_svg(
    con, nis: str, as_of, width_px: int, height_px: int, text_px: float
) -> bytes:
    """`slide_map_svg` of the commune on `as_of`, straight from the store (cached by the
    pages)."""
    briefing = commune_briefing(con, nis, as_of)
    return slide_map_svg(briefing.map_communes, briefing.name, width_px, height_px, text_px)


def map_svg(map_communes, commune_name: str, **size) -> bytes:
    """The map as SVG bytes (vector, for the PDF).

    Text is drawn as paths, so the PDF needs no font for the map's labels, and the
    <metadata> block (which fpdf2 does not read) is dropped.
    """
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path"}):
        map_figure(map_communes, commune_name, **size).savefig(
            buffer, format="svg", facecolor="white"
        )
    return re.sub(rb"<metadata>.*?</metadata>", b"", buffer.getvalue(), flags=re.S)
