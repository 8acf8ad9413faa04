"""Communes of the province -> an offline plotly map (`choroplethmap`, no tiles, no CDN).

Pure builders: DataFrames in, `go.Figure` out, nothing read or fetched. The
shapes are `queries.commune_shapes` rows (nis_code, name_fr, population,
geojson: already simplified at build time, coordinates rounded to 4 decimals).
`map.style` is "white-bg", which plotly draws with no tile, font or sprite
request; a plotly `geo` subplot would fetch its base map from cdn.plot.ly and
stay blank offline (STACK-NOTES.md).

Over 500 lines: the map's one figure (layers, marks, classes, written names) in one
place; the names (`name_labels` … `plotly_config`) are the part to split next, into a
module of their own, once the lead's move to centrale/figures/ has landed.

The figure JSON stays small (≈ 70–90 kB for the 44 communes) because each
trace carries only the features it colours: plotly would otherwise repeat the
whole FeatureCollection in every trace of a categorical map.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import shapely

from centrale import domain, fmt
from centrale.cached import cached_figure
from centrale.render import charts
from centrale.semantic import measures
from centrale.semantic.model import DIMENSIONS
from centrale.sources.geo import bounds_of, feature_collection

# Colours shared with the other charts (Okabe–Ito categories, cividis scale):
# both read the same with the common colour-vision deficiencies.
ADHESION_COLOURS = domain.ADHESION_COLOURS
SURVEY_COLOURS = domain.SURVEY_ANSWER_COLOURS
# Marks drawn on the communes (centrale.domain: a dot, a ring, none): circles of the
# map's own WebGL layer. Text or symbol icons would need glyphs or sprites from a
# server (plotly's white-bg style points at fonts.openmaptiles.org): not offline.
MARK_COLOUR, MARK_HOLE = charts.TEXT_COLOUR, "#FFFFFF"
# mark -> the circles drawn, bottom first: (size px, colour); a white halo keeps a dark
# mark visible on a dark fill.
MARK_STYLES = {
    domain.MARK_DOT: [(13, MARK_HOLE), (9, MARK_COLOUR)],
    domain.MARK_RING: [(15, MARK_HOLE), (12, MARK_COLOUR), (6, MARK_HOLE)],
    domain.MARK_SMALL: [(8, MARK_HOLE), (5, MARK_COLOUR)],
}
NO_DATA = "pas de données"
NO_DATA_COLOUR = domain.NO_DATA_COLOUR
BORDER_COLOUR = "#FFFFFF"
HIGHLIGHT_COLOUR = "#000000"
HIGHLIGHT_CASING = "#FFFFFF"

MAP_HEIGHT = 620  # px; the zoom is computed for this height
SMALL_MAP_HEIGHT = 460  # the province ~300 px wide in a half-width column (issue 24)
SMALL_MAP_LIMIT = 500  # below this height, the legend goes above the map
# Mercator tiles in maplibre are 512 px wide at zoom 0.
_TILE_PX = 512
# Commune names are plotly annotations (SVG text in the page's own fonts), placed in
# pixels from the map's centre: a maplibre text layer would fetch its glyphs from a
# font server (plotly's white-bg style points at fonts.openmaptiles.org), not offline.
# The map must then keep its view: no wheel zoom, no zoom buttons (`plotly_config`).
LABEL_FONT_PX = 13
LABEL_PAD_PX = 2
LABEL_GAP_PX = 9  # from the commune's point to the label: clear of its mark
LABEL_LIMIT = 8  # names on one map at most: more would hide the map


@dataclass(frozen=True)
class Metric:
    """A quantity the province map can show. `column` is in `queries.commune_status`
    (or the survey frame for "survey"); `formatter` turns one value into French text."""

    label: str
    column: str
    kind: str  # "category" | "continuous"
    formatter: Callable[[object], str] = str
    colours: dict[str, str] | None = None
    marks: dict[str, str | None] | None = None  # category -> mark (see centrale.domain)
    unit: str = ""  # colour bar tick suffix
    scale_title: str | None = None  # short colour bar title (a long one pushes the bar left)


def _measure_metric(key: str) -> Metric:
    """A continuous map indicator read from the registry of measures."""
    m = measures.measure(key)
    return Metric(
        m.label,
        m.name,
        "continuous",
        m.format,
        unit=m.tick_suffix,
        scale_title=m.short_label,
    )


METRICS: dict[str, Metric] = {
    "adhesion": Metric(
        DIMENSIONS["adhesion_status"].label,
        "adhesion_status",
        "category",
        colours=ADHESION_COLOURS,
        marks=domain.ADHESION_MARKS,
    ),
    "solutions": _measure_metric("solutions_ordered"),
    "amount": _measure_metric("amount_eur"),
    "per_inhabitant": _measure_metric("amount_per_inhabitant"),
    "survey": Metric(
        "Réponse à l'enquête des besoins",
        "survey_status",
        "category",
        colours=SURVEY_COLOURS,
        marks=domain.SURVEY_ANSWER_MARKS,
    ),
}


def view_of(shapes: pd.DataFrame, height: int = MAP_HEIGHT, width: int | None = None) -> dict:
    """Centre and zoom that fit the shapes' bounds in a `height`×`width` px map.

    `width` defaults to 1.2 × height (the map column is at least that wide on a
    laptop); a margin of about 8 % is kept around the province.
    """
    width = width or int(height * 1.2)
    min_lon, min_lat, max_lon, max_lat = bounds_of(shapes)

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(max_lon - min_lon, 1e-6) / 360
    y_span = max(merc_y(max_lat) - merc_y(min_lat), 1e-6) / (2 * math.pi)
    zoom = math.log2(min(width / (lon_span * _TILE_PX), height / (y_span * _TILE_PX)) * 0.92)
    centre_y = (merc_y(max_lat) + merc_y(min_lat)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return {
        "center": {"lat": round(centre_lat, 4), "lon": round(float(min_lon + max_lon) / 2, 4)},
        "zoom": round(zoom, 2),
    }


def _merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def to_pixels(lon: float, lat: float, view: dict) -> tuple[float, float]:
    """(right, up) in px from the centre of a map showing `view` (`view_of`): the
    maplibre Web Mercator projection at the view's zoom."""
    scale = _TILE_PX * 2 ** view["zoom"]
    centre = view["center"]
    right = (lon - centre["lon"]) / 360 * scale
    up = (_merc_y(lat) - _merc_y(centre["lat"])) / (2 * math.pi) * scale
    return right, up


def label_box(text: str, size: int = LABEL_FONT_PX) -> tuple[float, float]:
    """(width, height) in px of a label, estimated: 0.6 em per character (the sans-serif
    fonts' average for French names) plus the padding; a slight over-estimate keeps
    labels apart."""
    return 0.6 * size * len(text) + 2 * LABEL_PAD_PX + 2, size * 1.3 + 2 * LABEL_PAD_PX


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def name_labels(
    shapes: pd.DataFrame, names: Sequence[str], view: dict, bold: str | None = None
) -> list[dict]:
    """Plotly annotations writing the names of the communes `names` (NIS codes, most
    important first) on a map showing `view`; `bold`: the commune in bold (the one the
    page is about).

    Each name sits just above its commune's representative point (inside the commune),
    or below, right or left of it when that spot is taken: no two labels overlap; a
    name with no free spot is left out (the hover and the table still name it). At
    most `LABEL_LIMIT` names. Annotations are in px from the plot area's centre
    (paper 0.5, 0.5 + shifts), so they hold at any width of the map."""
    points = mark_points(shapes).set_index("nis_code")
    titles = dict(zip(shapes["nis_code"], shapes["name_fr"]))
    placed: list[tuple] = []
    notes = []
    for nis in list(dict.fromkeys(n for n in names if n in titles))[:LABEL_LIMIT]:
        text = titles[nis]
        width, height = label_box(text)
        x, y = to_pixels(points.at[nis, "lon"], points.at[nis, "lat"], view)
        # (box centre dx, dy) for above, below, right, left of the point
        spots = [
            (0, LABEL_GAP_PX + height / 2),
            (0, -LABEL_GAP_PX - height / 2),
            (LABEL_GAP_PX + width / 2, 0),
            (-LABEL_GAP_PX - width / 2, 0),
        ]
        for dx, dy in spots:
            cx, cy = x + dx, y + dy
            box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
            if not any(_overlaps(box, other) for other in placed):
                placed.append(box)
                notes.append(
                    {
                        "text": f"<b>{text}</b>" if nis == bold else text,
                        "xref": "paper",
                        "yref": "paper",
                        "x": 0.5,
                        "y": 0.5,
                        "xshift": round(cx, 1),
                        "yshift": round(cy, 1),
                        "xanchor": "center",
                        "yanchor": "middle",
                        "showarrow": False,
                        "font": {"size": LABEL_FONT_PX, "color": charts.TEXT_COLOUR},
                        "bgcolor": "rgba(255,255,255,0.85)",
                        "borderpad": LABEL_PAD_PX,
                        "name": f"nom:{nis}",
                    }
                )
                break
    return notes


NAMED_TOP = 5  # an amount or a count: the highest values are named
NAMED_RARE = 6  # a status: its communes are named when it has this many or fewer


def named_rule(metric: str) -> str:
    """What `named_communes` names, said in French for the map's caption."""
    if METRICS[metric].kind == "continuous":
        return f"Les {NAMED_TOP} communes aux valeurs les plus élevées sont nommées sur la carte."
    return (
        f"Les communes d'un statut rare ({NAMED_RARE} communes au plus) sont nommées sur la carte."
    )


def named_communes(values: pd.DataFrame, metric: str) -> list[str]:
    """The communes a province map of `metric` names, most important first: for an
    amount or a count, the highest values (the top of the scale, above zero); for a
    status, the communes of the rarest statuses (a handful, e.g. the withdrawn ones),
    never the « pas de données »."""
    spec = METRICS[metric]
    if values.empty or spec.column not in values:
        return []
    if spec.kind == "continuous":
        numbers = pd.to_numeric(values[spec.column], errors="coerce")
        top = values.assign(_v=numbers)[numbers > 0].sort_values(
            ["_v", "nis_code"], ascending=[False, True]
        )
        return list(top["nis_code"].head(NAMED_TOP))
    counts = values[spec.column].dropna().value_counts()
    rare = [c for c in counts.index if c in (spec.colours or {}) and counts[c] <= NAMED_RARE]
    picked = values[values[spec.column].isin(rare)].sort_values("nis_code")
    return list(picked["nis_code"])


def plotly_config(file_name: str) -> dict:
    """`st.plotly_chart(config=...)` for a map: the charts' config with no wheel zoom
    and no zoom buttons (the names are placed for the view the figure sets)."""
    config = charts.plotly_config(file_name)
    config["scrollZoom"] = False
    config["doubleClick"] = False
    config["modeBarButtonsToRemove"] = [
        *config["modeBarButtonsToRemove"],
        "zoomInMap",
        "zoomOutMap",
        "resetViewMap",
        "pan2d",
    ]
    return config


def _hover(label: str) -> str:
    return (
        "<b>%{customdata[0]}</b><br>Code INS : %{location}<br>"
        "Population : %{customdata[1]}<br>" + label + " : %{customdata[2]}<extra></extra>"
    )


def _custom(rows: pd.DataFrame, texts: pd.Series) -> list[list[str]]:
    return [
        [name, fmt.number(pop), text]
        for name, pop, text in zip(rows["name_fr"], rows["population"], texts)
    ]


def _trace(rows: pd.DataFrame, shapes: pd.DataFrame, label: str, texts, **style):
    """One Choroplethmap trace carrying only the features of `rows`."""
    geo = feature_collection(shapes[shapes["nis_code"].isin(rows["nis_code"])])
    return go.Choroplethmap(
        geojson=geo,
        locations=list(rows["nis_code"]),
        customdata=_custom(rows, texts),
        hovertemplate=_hover(label),
        marker={"line": {"color": BORDER_COLOUR, "width": 1}},
        **style,
    )


def _uniform(colour: str) -> list:
    return [[0, colour], [1, colour]]


def _frame(values: pd.DataFrame, shapes: pd.DataFrame, column: str) -> pd.DataFrame:
    """Every shape, with `column` from `values` (NaN where a commune has no value)."""
    keep = ["nis_code", column]
    merged = shapes[["nis_code", "name_fr", "population"]].merge(
        values[keep], on="nis_code", how="left"
    )
    return merged


def _layout(
    fig: go.Figure,
    shapes: pd.DataFrame,
    height: int,
    highlight: str | None,
    legend_title: str,
    names: Sequence[str] = (),
) -> go.Figure:
    layers = []
    if highlight is not None and (shapes["nis_code"] == highlight).any():
        # A line layer from inline GeoJSON: drawn by maplibre, no request either.
        # A white casing under a thick black line: the outline stands out on any fill,
        # among the marks, and in greyscale on paper.
        outline = feature_collection(shapes[shapes["nis_code"] == highlight])
        for colour, width in ((HIGHLIGHT_CASING, 9), (HIGHLIGHT_COLOUR, 4.5)):
            layers.append(
                {
                    "sourcetype": "geojson",
                    "source": outline,
                    "type": "line",
                    "color": colour,
                    "line": {"width": width},
                }
            )
    if height < SMALL_MAP_LIMIT:
        # A small map has no room for a legend box over it: one line above it.
        top = 28
        legend = {"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom", "title": None}
    else:
        top = 0
        legend = {
            "title": {"text": legend_title},
            "x": 0.01,
            "y": 0.99,
            "bgcolor": "rgba(255,255,255,0.85)",
        }
    view = view_of(shapes, height - top)
    named = [highlight, *names] if highlight is not None else list(names)
    fig.update_layout(
        map={"style": "white-bg", "layers": layers, **view},
        annotations=name_labels(shapes, named, view, bold=highlight),
        height=height,
        margin={"l": 0, "r": 0, "t": top, "b": 0},
        separators=fmt.PLOTLY_SEPARATORS,
        legend=legend,
        font={"family": charts.FONT_FAMILY, "size": 13},
        hoverlabel={"bgcolor": "white", "font": {"family": charts.FONT_FAMILY}},
        dragmode=False,
    )
    return fig


def mark_points(shapes: pd.DataFrame) -> pd.DataFrame:
    """nis_code, lon, lat: a point inside each commune (its representative point, not
    its centroid, which can fall outside a crescent-shaped commune)."""
    points = [
        shapely.geometry.shape(json.loads(g)).representative_point() for g in shapes["geojson"]
    ]
    return pd.DataFrame(
        {
            "nis_code": list(shapes["nis_code"]),
            "lon": [round(p.x, 4) for p in points],
            "lat": [round(p.y, 4) for p in points],
        }
    )


def _mark_traces(points: pd.DataFrame, mark: str | None, category: str) -> list[go.Scattermap]:
    """The circles of `mark` on `points`; no hover and no click (the commune under them
    answers), no legend entry (the category's entry carries the sign)."""
    return [
        go.Scattermap(
            lon=list(points["lon"]),
            lat=list(points["lat"]),
            mode="markers",
            marker={"size": size, "color": colour},
            hoverinfo="skip",
            showlegend=False,
            name=f"marque : {category}",
            meta={"mark": mark, "category": category},
        )
        for size, colour in MARK_STYLES.get(mark, [])
    ]


@cached_figure
def category_map(
    values: pd.DataFrame,
    shapes: pd.DataFrame,
    column: str,
    colours: dict[str, str],
    label: str,
    height: int = MAP_HEIGHT,
    highlight: str | None = None,
    marks: dict[str, str | None] | None = None,
    names: Sequence[str] = (),
) -> go.Figure:
    """One colour per category of `values[column]` (keys of `colours`, legend in that
    order); communes with no value or an unlisted one are "pas de données" (grey).

    With `marks` (category -> mark), each commune also carries its category's mark
    and each legend entry its sign, so the map reads without colour."""
    frame = _frame(values, shapes, column)
    frame[column] = frame[column].where(frame[column].isin(list(colours)), NO_DATA)
    fig = go.Figure()
    points = mark_points(shapes).set_index("nis_code") if marks else None
    overlay = []
    for category, colour in [*colours.items(), (NO_DATA, NO_DATA_COLOUR)]:
        rows = frame[frame[column] == category]
        if rows.empty:
            continue
        name = f"{category} ({len(rows)})"
        if marks is not None:
            mark = marks.get(category, domain.NO_DATA_MARK)
            sign = domain.MARK_SIGNS[mark]
            name = f"{sign} {name}" if sign else f"{name}, sans marque"
            where = points.loc[list(rows["nis_code"])]
            overlay += _mark_traces(where, mark, category)
        fig.add_trace(
            _trace(
                rows,
                shapes,
                label,
                rows[column],
                z=[1] * len(rows),
                colorscale=_uniform(colour),
                showscale=False,
                showlegend=True,
                name=name,
                meta={"category": category},
            )
        )
    for trace in overlay:  # over every fill
        fig.add_trace(trace)
    return _layout(fig, shapes, height, highlight, label, names)


CLASSES = 5  # at most, for a classed scale (quantiles)


def class_breaks(values: pd.Series, classes: int = CLASSES) -> list[float]:
    """Upper bounds of at most `classes` classes of `values` (> 0) by quantiles: each
    class holds about as many communes, so that one outlier (a commune with ten times
    the others' subsidy per inhabitant) gets a class of its own instead of flattening
    every other commune into the palest colour. Zero is a class of its own (see
    `value_classes`). Bounds are values that occur, so no class is empty."""
    positive = sorted(float(v) for v in values if v > 0)
    if not positive:
        return []
    bounds = []
    for k in range(1, classes + 1):
        index = max(0, math.ceil(k * len(positive) / classes) - 1)
        bound = positive[index]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def value_classes(
    values: pd.Series, formatter: Callable[[object], str], classes: int = CLASSES
) -> list[tuple[str, pd.Series]]:
    """(legend label, mask of `values`) for each class, lowest first: « 0 » when some
    communes have zero, then « de a à b » between successive quantile bounds (`class_breaks`);
    the colours darken with the class. The masks cover every value exactly once."""
    found = []
    if (values <= 0).any():
        found.append((formatter(0), values <= 0))
    low = None
    for bound in class_breaks(values, classes):
        mask = (values > (low if low is not None else 0)) & (values <= bound)
        first = float(values[mask].min())
        label = formatter(bound)
        if first != bound:
            label = f"de {formatter(first)} à {label}"
        found.append((label, mask))
        low = bound
    return found


def class_colours(count: int) -> list[str]:
    """`count` colours from the sequential scale, pale to dark (cividis, reversed)."""
    palette = list(reversed(charts.SEQUENTIAL))
    if count <= 1:
        return [palette[len(palette) // 2]]
    return [palette[round(i * (len(palette) - 1) / (count - 1))] for i in range(count)]


@cached_figure
def value_map(
    values: pd.DataFrame,
    shapes: pd.DataFrame,
    column: str,
    label: str,
    formatter: Callable[[object], str] = fmt.number,
    unit: str = "",
    height: int = MAP_HEIGHT,
    highlight: str | None = None,
    scale_title: str | None = None,
    names: Sequence[str] = (),
) -> go.Figure:
    """A classed colour scale over `values[column]` (a number per nis_code): quantile
    classes (`value_classes`), each in the legend with its bounds and its count of
    communes, colours from pale to dark.

    Communes missing from `values`, or with NaN, are drawn grey as "pas de données".
    Reusable beyond the province map: e.g. subsidies per inhabitant with
    `formatter=fmt.money, unit=" €"` (`unit` is kept for callers; the legend's bounds
    are formatted by `formatter`).
    """
    frame = _frame(values, shapes, column)
    frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    known = frame[frame[column].notna()].reset_index(drop=True)
    missing = frame[frame[column].isna()]
    fig = go.Figure()
    if not known.empty:
        classes = value_classes(known[column], formatter)
        for (name, mask), colour in zip(classes, class_colours(len(classes))):
            rows = known[mask.to_numpy()]
            fig.add_trace(
                _trace(
                    rows,
                    shapes,
                    label,
                    rows[column].map(formatter),
                    z=[1] * len(rows),
                    colorscale=_uniform(colour),
                    showscale=False,
                    showlegend=True,
                    name=f"{name} ({len(rows)})",
                    meta={"class": name},
                )
            )
    if not missing.empty:
        fig.add_trace(
            _trace(
                missing,
                shapes,
                label,
                [NO_DATA] * len(missing),
                z=[0] * len(missing),
                colorscale=_uniform(NO_DATA_COLOUR),
                showscale=False,
                showlegend=True,
                name=f"{NO_DATA} ({len(missing)})",
            )
        )
    return _layout(fig, shapes, height, highlight, scale_title or label, names)


@cached_figure
def metric_map(
    values: pd.DataFrame,
    shapes: pd.DataFrame,
    metric: str,
    height: int = MAP_HEIGHT,
    highlight: str | None = None,
    label: str | None = None,
    names: Sequence[str] = (),
) -> go.Figure:
    """The province map of one of `METRICS` (values: nis_code + the metric's column).

    `label` replaces the metric's label in the legend and hover (e.g. with a year).
    The names of `highlight` and of `names` (e.g. `named_communes`) are written on it.
    """
    spec = METRICS[metric]
    label = label or spec.label
    if spec.kind == "category":
        return category_map(
            values, shapes, spec.column, spec.colours, label, height, highlight, spec.marks, names
        )
    return value_map(
        values,
        shapes,
        spec.column,
        label,
        spec.formatter,
        spec.unit,
        height,
        highlight,
        spec.scale_title,
        names,
    )


def survey_status(response: pd.DataFrame | None) -> pd.DataFrame:
    """nis_code, survey_status from `queries.survey_response` (None: no survey yet,
    every commune then shows "pas de données")."""
    if response is None or response.empty:
        return pd.DataFrame(
            {"nis_code": pd.Series(dtype=str), "survey_status": pd.Series(dtype=str)}
        )
    status = response["answered"].map(
        {
            True: str(domain.SurveyAnswerStatus.ANSWERED),
            False: str(domain.SurveyAnswerStatus.NOT_ANSWERED),
        }
    )
    return pd.DataFrame({"nis_code": response["nis_code"], "survey_status": status})
