"""The province map of a briefing as an image, drawn offline (geopandas + matplotlib).

No browser, no tiles: the shapes are the store's GeoJSON (`queries.commune_shapes`,
carried by `CommuneBriefing.map_communes`). Every commune is filled with its
adhesion status, in the one palette of `centrale.domain` (the same as the
dashboard's map); the briefed commune keeps its status colour, with a thick
black outline (as on the dashboard's map); its neighbours are named so
their status reads at a glance.
The legend is in French.

Uses matplotlib's object API (`Figure`), never pyplot: no global state, so it is
safe inside the Streamlit server's threads.
"""

from __future__ import annotations

import io
import math
import re

import geopandas as gpd
import matplotlib
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from centrale import domain
from centrale.briefing import commune_briefing
from centrale.cached import cached_query
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
) -> Figure:
    """The map as a matplotlib Figure of `width_in` × `height_in` inches.

    Left, the whole province; right, a zoom on the commune and its neighbours,
    named; the legend along the bottom. `map_communes` has nis_code, name_fr,
    adhesion_status, geojson and role ('commune' | 'voisine' | 'autre'). Font
    sizes are in points at that size, so drawing the image at its natural size
    keeps them true.
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

    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    labels = []
    for _, row in frame[frame["role"] == "voisine"].iterrows():
        point = row.geometry.representative_point()
        labels.append(
            zoom.text(
                point.x,
                point.y,
                row["name_fr"],
                ha="center",
                va="center",
                fontsize=font_pt,
                color=style.DARK_HEX,
                path_effects=halo,
            )
        )
    for _, row in mine.iterrows():
        point = row.geometry.representative_point()
        labels.insert(
            0,
            zoom.text(
                point.x,
                point.y,
                row["name_fr"],
                ha="center",
                va="center",
                fontsize=font_pt * 1.15,
                fontweight="bold",
                color=style.DARK_HEX,
                path_effects=halo,
            ),
        )
    _spread_labels(figure, zoom, labels)

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


def _spread_labels(figure: Figure, axes, labels: list, rounds: int = 30) -> None:
    """Nudge overlapping labels apart vertically (the first label never moves)."""
    renderer = figure.canvas.get_renderer()
    to_data = axes.transData.inverted()
    for _ in range(rounds):
        moved = False
        boxes = [label.get_window_extent(renderer).expanded(1.05, 1.15) for label in labels]
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                if not boxes[i].overlaps(boxes[j]):
                    continue
                # Move j away from i by the vertical overlap, in display units.
                if boxes[j].y0 >= boxes[i].y0:
                    shift = boxes[i].y1 - boxes[j].y0 + 1
                else:
                    shift = boxes[i].y0 - boxes[j].y1 - 1
                x, y = labels[j].get_position()
                y_display = axes.transData.transform((x, y))[1] + shift
                labels[j].set_position((x, to_data.transform((0, y_display))[1]))
                boxes[j] = labels[j].get_window_extent(renderer).expanded(1.05, 1.15)
                moved = True
        if not moved:
            return


def map_png(map_communes, commune_name: str, dpi: int = 150, **size) -> bytes:
    """The map as PNG bytes (for the slide and the presentation page)."""
    buffer = io.BytesIO()
    map_figure(map_communes, commune_name, **size).savefig(
        buffer, format="png", dpi=dpi, facecolor="white"
    )
    return buffer.getvalue()


@cached_query
def commune_map_png(con, nis: str, as_of) -> bytes:
    """The commune's map on `as_of`, straight from the store (cached by the pages)."""
    briefing = commune_briefing(con, nis, as_of)
    return map_png(briefing.map_communes, briefing.name)


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
