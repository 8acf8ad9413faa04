"""The names on the zoomed map of the PDF sheet and the deck (reports/mapimage.py):
each inside its commune (or beside it with a leader line), none over another
(issue 24: « a label of the zoomed map sits on a neighbour »).

Measured on the drawn figure at the sheet's size: every Text's box in display pixels
against its commune's polygon projected the same way.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import shapely

from centrale.datasets import briefing
from reports import mapimage, sheet
from tests.conftest import PRESS_DAY

# Communes whose zoom is crowded or whose names are long: Meix-devant-Virton (small,
# long name), Martelange (narrow), Bertrix (eight neighbours), La Roche-en-Ardenne,
# Habay, Libramont-Chevigny.
COMMUNES = ["85024", "81013", "84009", "83031", "85046", "84077"]
DAYS = [PRESS_DAY, dt.date.today()]


def _sheet_figure(b):
    return mapimage.map_figure(
        b.map_communes,
        b.name,
        width_in=sheet.CONTENT_W / sheet.MM_PER_INCH,
        height_in=sheet.MAP_H / sheet.MM_PER_INCH,
        font_pt=8,
    )


def _labels(con, nis, day, draw=_sheet_figure):
    b = briefing.commune_briefing(con, nis, day)
    figure = draw(b)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    zoom = figure.axes[1]
    shapes = {
        row.nis_code: shapely.from_geojson(row.geojson) for row in b.map_communes.itertuples()
    }
    panel = shapely.box(*zoom.bbox.extents)
    found = []
    for text in zoom.texts:
        extent = text.get_window_extent(renderer)
        box = shapely.box(extent.x0, extent.y0, extent.x1, extent.y1)
        code, _, leader = text.get_gid().partition(":")
        area = shapely.transform(shapes[code], zoom.transData.transform) & panel
        found.append((b, code, text, box, area, bool(leader)))
    lines = {line.get_gid(): line for line in zoom.lines}
    return found, lines, zoom


# Each case draws a map (seconds): Meix-devant-Virton on the press day stays in `make
# test`, the others are `slow` (make test-all, CI).
CASES = [
    pytest.param(
        nis,
        day,
        id=f"{nis}-{'31-01-2020' if day == PRESS_DAY else 'aujourdhui'}",
        marks=() if (nis, day) == ("85024", PRESS_DAY) else pytest.mark.slow,
    )
    for nis in COMMUNES
    for day in DAYS
]


@pytest.mark.parametrize(("nis", "day"), CASES)
def test_zoom_names_sit_inside_their_commune_and_apart(con, nis, day):
    found, lines, zoom = _labels(con, nis, day)
    b = found[0][0]
    named = {code for _, code, *_ in found}
    # The commune and every neighbour the zoom shows are named.
    neighbours = set(b.map_communes.loc[b.map_communes["role"] == "voisine", "nis_code"])
    assert nis in named and neighbours <= named, (b.name, neighbours - named)
    for i, (_, code, text, box, area, leader) in enumerate(found):
        name = text.get_text().replace("\n", " ")
        inside = box.intersection(area).area / box.area
        if leader:
            # Beside its commune: a leader line from the name's box into the commune.
            line = lines[f"leader:{code}"]
            end = zoom.transData.transform(list(zip(*line.get_data()))[-1])
            assert area.buffer(1).contains(shapely.Point(end)), (b.name, name)
            assert box.buffer(1).intersects(
                shapely.Point(zoom.transData.transform(list(zip(*line.get_data()))[0]))
            ), (b.name, name)
        else:
            assert inside >= mapimage.MOSTLY_INSIDE, (b.name, name, f"{inside:.0%}")
        for _, _, other_text, other, *_ in found[i + 1 :]:
            overlap = box.intersection(other).area
            assert overlap < 1, (b.name, name, other_text.get_text(), overlap)
        # Never shrunk below the smallest size allowed.
        assert text.get_fontsize() >= 8 * mapimage.MIN_LABEL_SHARE - 1e-6, (b.name, name)


@pytest.mark.slow
def test_most_names_sit_wholly_inside(con):
    """Over these sheets, nine names in ten lie at least 90 % inside their commune."""
    shares = []
    for nis in COMMUNES:
        found, _, _ = _labels(con, nis, PRESS_DAY)
        shares += [box.intersection(area).area / box.area for _, _, _, box, area, _ in found]
    whole = sum(s >= mapimage.INSIDE_SHARE for s in shares) / len(shares)
    assert whole >= 0.75, f"{whole:.0%} des noms entièrement dans leur commune"


def test_a_long_name_is_wrapped_at_a_hyphen():
    assert mapimage._wrapped("Meix-devant-Virton") == ["Meix-devant-Virton", "Meix-devant-\nVirton"]
    assert mapimage._wrapped("La Roche-en-Ardenne")[1] == "La Roche-\nen-Ardenne"
    assert mapimage._wrapped("Habay") == ["Habay"]


# --- The map of the projected slide (pages/presentation.py) ----------------------------
# Drawn at the slide's width (1824 px at 1920×1080): one SVG unit is one pixel on the wall.
SLIDE = {"width_px": 1824, "height_px": 660, "text_px": 24}


def _slide_figure(b):
    return mapimage.slide_map_figure(b.map_communes, b.name, **SLIDE)


@pytest.mark.parametrize(
    "nis",
    [
        pytest.param(nis, marks=() if nis == "85046" else pytest.mark.slow)
        for nis in ["85046", "84009", "81001", "85024", "81013"]  # Habay first: make test
    ],
)
def test_slide_names_are_large_inside_their_commune_and_apart(con, nis):
    """Issue 24, the wall: every name at least 24 px, the commune's always written; a
    neighbour's only where it lies inside its commune (none over another commune, none
    beside it with a leader line): fewer names rather than small or misplaced ones."""
    found, lines, _ = _labels(con, nis, PRESS_DAY, draw=_slide_figure)
    assert nis in {code for _, code, *_ in found}
    # A leader line only for the commune's own name, when it is too narrow to hold it.
    assert set(lines) <= {f"leader:{nis}"}, set(lines)
    for i, (b, code, text, box, area, leader) in enumerate(found):
        name = text.get_text().replace("\n", " ")
        assert text.get_fontsize() >= SLIDE["text_px"] - 1e-6, (b.name, name)
        if code != nis:
            assert not leader
            inside = box.intersection(area).area / box.area
            assert inside >= mapimage.INSIDE_SHARE, (b.name, name, f"{inside:.0%}")
        for _, _, other_text, other, *_ in found[i + 1 :]:
            assert box.intersection(other).area < 1, (b.name, name, other_text.get_text())


def test_slide_svg_keeps_its_text_as_text_at_the_wall_size(con):
    b = briefing.commune_briefing(con, "85046", PRESS_DAY)
    svg = mapimage.slide_map_svg(b.map_communes, b.name, **SLIDE).decode()
    assert svg.startswith("<svg") and 'viewBox="0 0 1824 660"' in svg
    texts = re.findall(r'<text style="([^"]*)"[^>]*>([^<]*)</text>', svg)
    words = {word for _, word in texts}
    # The commune's name (on the map and in the legend) and the legend are text.
    assert {"Habay", "Commune adhérente", "Voisine"} <= words, words
    sizes = [float(re.search(r"font-size: ([\d.]+)px", style).group(1)) for style, _ in texts]
    assert min(sizes) >= SLIDE["text_px"], sorted(zip(sizes, words))[:3]
    assert all("paint-order: stroke" in style for style, _ in texts)  # the white halo
