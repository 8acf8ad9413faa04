"""The names on the zoomed map of the PDF sheet and the deck (reports/mapimage.py):
each inside its commune (or beside it with a leader line), none over another
(issue 24: « a label of the zoomed map sits on a neighbour »).

Measured on the drawn figure at the sheet's size: every Text's box in display pixels
against its commune's polygon projected the same way.
"""

from __future__ import annotations

import datetime as dt

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


def _labels(con, nis, day):
    b = briefing.commune_briefing(con, nis, day)
    figure = mapimage.map_figure(
        b.map_communes,
        b.name,
        width_in=sheet.CONTENT_W / sheet.MM_PER_INCH,
        height_in=sheet.MAP_H / sheet.MM_PER_INCH,
        font_pt=8,
    )
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
