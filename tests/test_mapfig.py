"""The offline map builders, on the demo store's real shapes and figures."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd
import pytest
import shapely

from centrale import domain, fmt
from centrale.datasets import queries
from centrale.render import mapfig
from centrale.sources.geo import bounds_of
from tests.conftest import PRESS_DAY
from tests.sample_figures import awarded_amount

MAX_FIGURE_BYTES = 150_000


@pytest.fixture(scope="module")
def store(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def shapes(store):
    return queries.commune_shapes(store, PRESS_DAY)


@pytest.fixture(scope="module")
def status(store):
    return queries.commune_status(store, PRESS_DAY)


def _all_metric_figures(status, shapes):
    for metric in mapfig.METRICS:
        values = mapfig.survey_status(None) if metric == "survey" else status
        yield metric, mapfig.metric_map(values, shapes, metric, highlight="84009")


def test_every_metric_is_an_offline_choroplethmap(status, shapes):
    for metric, fig in _all_metric_figures(status, shapes):
        spec = fig.to_plotly_json()
        # Polygons, and for status maps the circles of their marks (no text, no icon).
        assert {t["type"] for t in spec["data"]} <= {"choroplethmap", "scattermap"}, metric
        assert {t["type"] for t in spec["data"]} >= {"choroplethmap"}, metric
        for trace in spec["data"]:
            assert trace.get("mode", "markers") == "markers", metric  # text needs glyphs
        assert spec["layout"]["map"]["style"] == "white-bg", metric
        text = fig.to_json()
        # No tile, style, glyph or sprite source: nothing for the browser to fetch.
        for needle in ("http://", "https://", "mapbox://", '"tiles"', "sprite", "glyphs"):
            assert needle not in text, (metric, needle)
        assert all(layer["sourcetype"] == "geojson" for layer in spec["layout"]["map"]["layers"])


def test_figure_json_stays_small(status, shapes):
    for metric, fig in _all_metric_figures(status, shapes):
        assert len(fig.to_json()) < MAX_FIGURE_BYTES, metric


def test_each_trace_carries_only_its_own_communes(status, shapes):
    fig = mapfig.metric_map(status, shapes, "adhesion")
    drawn = []
    for trace in (t for t in fig.data if t.type == "choroplethmap"):
        ids = [f["id"] for f in trace.geojson["features"]]
        assert sorted(ids) == sorted(trace.locations)
        drawn += ids
    assert sorted(drawn) == sorted(shapes["nis_code"])  # every commune exactly once


def test_adhesion_legend_counts_the_press_figures(status, shapes):
    fig = mapfig.metric_map(status, shapes, "adhesion")
    names = [t.name for t in fig.data if t.showlegend]
    assert names == ["● adhérente (23)", "non adhérente (21), sans marque"]
    assert fig.layout.legend.title.text == "Statut d'adhésion"


def test_hover_is_french_with_belgian_numbers(status, shapes):
    fig = mapfig.metric_map(status, shapes, "per_inhabitant")
    trace = next(t for t in fig.data if "84009" in t.locations)
    assert "Code INS : %{location}" in trace.hovertemplate
    assert "Population : %{customdata[1]}" in trace.hovertemplate
    assert "Montant commandé par habitant (HTVA) : %{customdata[2]}" in trace.hovertemplate
    bertrix = dict(zip(trace.locations, trace.customdata))["84009"]
    assert bertrix[0] == "Bertrix"
    assert bertrix[1] == f"8{fmt.NBSP}844"
    # Bertrix's amount over its 8 844 inhabitants
    expected = awarded_amount("84009", "Bertrix", PRESS_DAY) / 8844
    assert bertrix[2] == fmt.money(expected)
    assert fig.layout.separators == fmt.PLOTLY_SEPARATORS


def test_missing_values_are_drawn_as_no_data(shapes):
    values = pd.DataFrame({"nis_code": ["84009", "81001"], "score": [3.0, None]})
    fig = mapfig.value_map(values, shapes, "score", "Score")
    scale, grey = fig.data
    assert list(scale.locations) == ["84009"]
    assert grey.name == f"pas de données ({len(shapes) - 1})"
    assert grey.colorscale[0][1].lower() == mapfig.NO_DATA_COLOUR.lower()
    assert set(c[2] for c in grey.customdata) == {mapfig.NO_DATA}


def test_survey_before_any_campaign_is_all_no_data(shapes):
    fig = mapfig.metric_map(mapfig.survey_status(None), shapes, "survey")
    assert [t.name for t in fig.data if t.showlegend] == [f"· pas de données ({len(shapes)})"]


def test_highlight_outlines_one_commune(status, shapes):
    fig = mapfig.metric_map(status, shapes, "adhesion", highlight="84009")
    casing, line = fig.layout.map.layers  # white under black: visible on any fill, in grey
    assert casing.type == line.type == "line"
    assert [f["id"] for f in line.source["features"]] == ["84009"]
    assert casing.line.width > line.line.width >= 4
    assert (casing.color, line.color) == (mapfig.HIGHLIGHT_CASING, mapfig.HIGHLIGHT_COLOUR)
    assert mapfig.metric_map(status, shapes, "adhesion").layout.map.layers == ()


def test_view_is_computed_from_the_bounds(shapes):
    view = mapfig.view_of(shapes, height=620)
    min_lon, min_lat, max_lon, max_lat = bounds_of(shapes)
    assert min_lon < view["center"]["lon"] < max_lon
    assert min_lat < view["center"]["lat"] < max_lat
    assert 7.5 < view["zoom"] < 8.8  # the province fills a 620 px map at about zoom 8
    # Half the height, one zoom level less (Web Mercator doubles per level).
    assert view["zoom"] - mapfig.view_of(shapes, height=310)["zoom"] == pytest.approx(1, abs=0.02)
    # A single commune gets a closer view than the whole province.
    assert mapfig.view_of(shapes[shapes["nis_code"] == "84009"], 620)["zoom"] > view["zoom"] + 1


def test_merged_commune_disappears_from_the_map_after_the_merger(store):
    before = queries.commune_shapes(store, dt.date(2024, 12, 1))
    after = queries.commune_shapes(store, dt.date(2024, 12, 2))
    assert "82005" in set(before["nis_code"]) and "82005" not in set(after["nis_code"])
    fig = mapfig.metric_map(queries.commune_status(store, dt.date(2024, 12, 2)), after, "adhesion")
    drawn = [f["id"] for t in fig.data if t.type == "choroplethmap" for f in t.geojson["features"]]
    assert len(drawn) == 43


def test_small_map_puts_its_legend_above(status, shapes):
    small = mapfig.metric_map(status, shapes, "adhesion", height=mapfig.SMALL_MAP_HEIGHT)
    assert small.layout.legend.orientation == "h" and small.layout.margin.t > 0
    big = mapfig.metric_map(status, shapes, "adhesion")
    assert big.layout.legend.orientation is None and big.layout.margin.t == 0
    assert small.layout.map.zoom < big.layout.map.zoom


def _marks(fig) -> dict[str, tuple]:
    """category -> its mark, as drawn: the circles on its communes (size, colour, bottom
    first), read from the figure's spec; () for a category without mark."""
    marks: dict[str, tuple] = {}
    for trace in fig.data:
        if trace.type == "scattermap":
            assert trace.hoverinfo == "skip" and not trace.showlegend  # the commune answers
            category = trace.meta["category"]
            marks[category] = (*marks.get(category, ()), (trace.marker.size, trace.marker.color))
    return marks


@pytest.mark.parametrize("day", [PRESS_DAY, dt.date(2026, 11, 24)], ids=["2020", "2026"])
def test_every_status_reads_without_colour(store, day):
    """Issue 13: on the status maps every category differs from the others by the mark
    on its communes (a dot, a ring, a small dot or none), its legend entry shows that
    sign, and each mark stands inside its commune."""
    shapes = queries.commune_shapes(store, day)
    status = queries.commune_status(store, day)
    response = queries.survey_response(store, queries.default_survey_year(store, day), day)
    inside = {
        nis: shapely.geometry.shape(json.loads(g)).buffer(0.001)
        for nis, g in zip(shapes["nis_code"], shapes["geojson"])
    }
    signs = {tuple(mapfig.MARK_STYLES.get(m, [])): sign for m, sign in domain.MARK_SIGNS.items()}
    for name, fig in {
        "adhesion": mapfig.metric_map(status, shapes, "adhesion"),
        "survey": mapfig.metric_map(mapfig.survey_status(response), shapes, "survey"),
    }.items():
        fills = {t.meta["category"]: t for t in fig.data if t.type == "choroplethmap"}
        marks = _marks(fig)
        drawn = [marks.get(category, ()) for category in fills]
        assert len(fills) >= 2 and len(set(drawn)) == len(fills), (name, drawn)
        for category, mark in zip(fills, drawn):
            sign = signs[mark]
            legend = fills[category].name
            assert legend.startswith(f"{sign} ") if sign else "sans marque" in legend, legend
        for trace in (t for t in fig.data if t.type == "scattermap"):
            communes = fills[trace.meta["category"]].locations
            assert len(trace.lon) == len(communes)
            for nis, lon, lat in zip(communes, trace.lon, trace.lat):
                assert inside[nis].contains(shapely.Point(lon, lat)), (name, nis)


def test_one_outlier_does_not_flatten_the_classed_scale(shapes):
    """Subsidies per inhabitant: one commune at 100 €, the others between 1 and 10 €. A
    continuous scale would paint all but one in the palest colour; quantile classes give
    the others four classes, the legend says each class's bounds and count, and the
    outlier has the darkest class to itself."""
    codes = list(shapes["nis_code"])
    per_head = [100.0] + [1.0 + 9.0 * i / (len(codes) - 2) for i in range(len(codes) - 1)]
    values = pd.DataFrame({"nis_code": codes, "v": per_head})
    fig = mapfig.value_map(values, shapes, "v", "€ par habitant", formatter=fmt.money)
    classes = [t for t in fig.data if t.meta and "class" in t.meta]
    assert len(classes) == mapfig.CLASSES
    sizes = [len(t.locations) for t in classes]
    assert sum(sizes) == len(codes) and max(sizes) - min(sizes) <= 1  # quantiles
    assert codes[0] in classes[-1].locations
    assert classes[-1].name.endswith(f"{fmt.money(100.0)} ({sizes[-1]})")
    assert classes[0].name.startswith(f"de {fmt.money(1.0)} à ")
    colours = [t.colorscale[0][1] for t in classes]
    assert len(set(colours)) == len(colours)  # one colour per class, pale to dark


def test_zero_is_a_class_and_every_value_has_one():
    values = pd.Series([0.0, 0.0, 5.0, 5.0, 7.0, 12.0, 300.0])
    classes = mapfig.value_classes(values, fmt.number)
    assert classes[0][0] == "0" and list(classes[0][1]) == [True, True] + [False] * 5
    covered = sum(mask.astype(int) for _label, mask in classes)
    assert list(covered) == [1] * len(values)  # each value in exactly one class
    assert mapfig.class_breaks(pd.Series([3.0, 3.0, 3.0])) == [3.0]  # no empty class


# --- Names written on the map (issue 24) ------------------------------------------
def _label_boxes(fig) -> dict[str, tuple]:
    """name -> (x0, y0, x1, y1) in px from the map's centre (y up), as `name_labels`
    estimates it."""
    boxes = {}
    for note in fig.layout.annotations:
        text = note.text.replace("<b>", "").replace("</b>", "")
        width, height = mapfig.label_box(text)
        boxes[text] = (
            note.xshift - width / 2,
            note.yshift - height / 2,
            note.xshift + width / 2,
            note.yshift + height / 2,
        )
    return boxes


def test_highest_amounts_are_named_next_to_their_commune_without_overlap(status, shapes):
    named = mapfig.named_communes(status, "amount")
    top = status.sort_values("amount_eur", ascending=False).head(mapfig.NAMED_TOP)
    assert sorted(named) == sorted(top["nis_code"])
    fig = mapfig.metric_map(status, shapes, "amount", names=named)
    names = dict(zip(shapes["nis_code"], shapes["name_fr"]))
    boxes = _label_boxes(fig)
    assert sorted(boxes) == sorted(names[n] for n in named)
    texts = list(boxes)
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not mapfig._overlaps(boxes[a], boxes[b]), (a, b)
    # Each label touches its commune's point (the point is on the label or within the
    # gap that keeps it clear of the mark), and the annotation is SVG text: no glyph.
    view = {"center": fig.layout.map.center.to_plotly_json(), "zoom": fig.layout.map.zoom}
    points = mapfig.mark_points(shapes).set_index("nis_code")
    for nis in named:
        x, y = mapfig.to_pixels(points.at[nis, "lon"], points.at[nis, "lat"], view)
        x0, y0, x1, y1 = boxes[names[nis]]
        gap = mapfig.LABEL_GAP_PX + 0.5
        assert x0 - gap <= x <= x1 + gap and y0 - gap <= y <= y1 + gap, names[nis]
    assert "glyphs" not in fig.to_json() and all(t.type != "scattermap" for t in fig.data)


def test_highlighted_commune_is_named_in_bold_and_only_it(status, shapes):
    fig = mapfig.metric_map(
        status, shapes, "adhesion", height=mapfig.SMALL_MAP_HEIGHT, highlight="84009"
    )
    assert [n.text for n in fig.layout.annotations] == ["<b>Bertrix</b>"]
    assert fig.layout.annotations[0].xref == "paper" and fig.layout.annotations[0].x == 0.5


def test_crowded_names_are_left_out_rather_than_overlap(shapes):
    """Every commune asked: at most LABEL_LIMIT names, none over another."""
    view = mapfig.view_of(shapes)
    notes = mapfig.name_labels(shapes, list(shapes["nis_code"]), view)
    assert 0 < len(notes) <= mapfig.LABEL_LIMIT
    fig = mapfig.metric_map(pd.DataFrame({"nis_code": [], "amount_eur": []}), shapes, "amount")
    fig.update_layout(annotations=notes)
    boxes = list(_label_boxes(fig).values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not mapfig._overlaps(a, b)


def test_status_map_names_its_rare_statuses():
    values = pd.DataFrame(
        {
            "nis_code": [f"8{i:04d}" for i in range(10)],
            "adhesion_status": ["adhérente"] * 7 + ["retirée"] * 2 + [None],
        }
    )
    assert mapfig.named_communes(values, "adhesion") == ["80007", "80008"]
    assert "nommées" in mapfig.named_rule("adhesion")


def test_map_config_keeps_the_view_the_names_are_placed_for():
    config = mapfig.plotly_config("carte")
    assert config["scrollZoom"] is False and config["doubleClick"] is False
    assert {"zoomInMap", "zoomOutMap", "resetViewMap"} <= set(config["modeBarButtonsToRemove"])
