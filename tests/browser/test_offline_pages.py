"""Every page of the dashboard in headless chromium with the network cut.

A page passes when it renders with no external request (every non-local
request is aborted and recorded by the `offline_page` fixture), no Streamlit
exception box, no error alert showing an English traceback, and every map
drawn (screenshot pixels). Screenshots go to the test's temporary folder.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    MAP_CHART,
    assert_maps_drawn,
    assert_no_error_box,
    registered_pages,
    running_app,
    wait_rendered,
    wait_settled,
)

# Under xdist (--dist loadfile) one worker runs this file: `make test`'s smoke starts
# one server.
pytestmark = pytest.mark.browser

PAGES = registered_pages()
PRESS_DAY = "2020-01-31"
# The commune page is opened on a commune (Bertrix), so its map is checked too; the
# Présentation too (without one it asks which commune to present).
EXTRA_QUERY = {"commune": "nis=84009", "presentation": "nis=84009"}


def _url(base: str, path: str, day: str | None) -> str:
    query = [q for q in (EXTRA_QUERY.get(path), f"date={day}" if day else None) if q]
    return f"{base}/{path}" + ("?" + "&".join(query) if query else "")


@pytest.mark.smoke
def test_dashboard_registers_pages():
    assert len(PAGES) >= 5
    assert "" in [p.url_path for p in PAGES]  # the default page answers at "/"


# The press day's run of every page is the browser smoke `make test` keeps (see
# tests/conftest.py): the app, every page, offline, with the press figures.
@pytest.mark.parametrize(
    "day",
    [
        pytest.param(None, id="aujourdhui"),
        pytest.param(PRESS_DAY, id="31-01-2020", marks=pytest.mark.smoke),
    ],
)
@pytest.mark.parametrize("app_page", PAGES, ids=[p.url_path or "accueil" for p in PAGES])
def test_page_renders_offline(app_server, offline_page, tmp_path, app_page, day):
    page, _ = offline_page
    page.goto(_url(app_server.url, app_page.url_path, day))
    wait_rendered(page)
    # The shell ran (st.navigation lists the pages by their French titles).
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert app_page.title in nav.inner_text()
    assert_no_error_box(page, app_server)
    name = f"{app_page.url_path or 'accueil'}-{day or 'aujourdhui'}"
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    maps = assert_maps_drawn(page, tmp_path, name)
    if app_page.url_path in ("map", "commune"):
        assert maps >= 1, f"aucune carte sur la page {app_page.title}"
    if app_page.url_path == "" and day == PRESS_DAY:
        figures = " ".join(page.locator(".centrale-kpi").all_inner_texts())
        assert re.search(r"\b23\b", figures) and re.search(r"\b44\b", figures), figures


def test_map_click_opens_commune_page(app_server, offline_page, tmp_path):
    page, _ = offline_page
    page.goto(_url(app_server.url, "map", PRESS_DAY))
    wait_rendered(page)
    assert_maps_drawn(page, tmp_path, "carte-avant-clic")
    canvas = page.locator(f"{MAP_CHART} .maplibregl-canvas").first
    box = canvas.bounding_box()
    # The middle of the map falls inside the province (the view is fitted on it).
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"/commune\?nis=8\d{4}"))
    wait_rendered(page, "Fiche commune")
    assert page.locator("h2").first.inner_text().strip()  # the commune's name
    assert "Situation au 31 janvier 2020" in page.locator('[data-testid="stMain"]').inner_text()
    assert_no_error_box(page, app_server)
    assert_maps_drawn(page, tmp_path, "commune-apres-clic")
    page.screenshot(path=tmp_path / "commune-apres-clic.png", full_page=True)
    # Back to the map: the old click must not send us to the commune page again.
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Carte", exact=True).click()
    wait_rendered(page, "Carte de la province")
    wait_settled(page)  # a stale click would switch page during a run: none is left
    assert "/map" in page.url and "Carte de la province" in page.locator("h1").first.inner_text()


def test_merged_commune_links_to_successor(app_server, offline_page):
    page, _ = offline_page
    page.goto(f"{app_server.url}/commune?nis=82005")  # Bertogne, merged into Bastogne in 2024
    wait_rendered(page, "a fusionné avec")
    page.get_by_role("button", name="Voir la fiche de Bastogne").click()
    page.wait_for_url(re.compile(r"nis=82003"))
    wait_rendered(page, "Fiche commune")
    assert page.locator("h2").first.inner_text().strip() == "Bastogne"
    assert_no_error_box(page, app_server)


def test_unknown_commune_code_is_explained(app_server, offline_page):
    page, _ = offline_page
    page.goto(f"{app_server.url}/commune?nis=99999")
    wait_rendered(page, "ne correspond à aucune commune")
    assert_no_error_box(page, app_server)


def test_deep_link_on_fresh_server(demo_db, browser, tmp_path):
    """A bookmark (`/commune?nis=…`) must work as the server's very first request."""
    with running_app(demo_db, tmp_path) as server:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server.url}/commune?nis=84009&date={PRESS_DAY}")
        wait_rendered(page, "Bertrix")
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        heading = page.locator("h2").first.inner_text().strip()
        url = page.url
        # The shell's public st.navigation call must not make Streamlit report a missing page.
        not_found = page.get_by_text("Page not found").count()
        context.close()
    assert "Vue d'ensemble" in nav
    assert heading == "Bertrix" and "/commune?nis=84009" in url
    assert not_found == 0


@pytest.mark.smoke
def test_blank_or_uniform_map_area_is_detected():
    """The pixel check itself: a white or one-colour area does not pass for a map."""
    import io

    from PIL import Image, ImageDraw

    from tests.browser.conftest import map_pixels

    def png(image) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    blank = Image.new("RGB", (200, 150), "white")
    assert map_pixels(png(blank)) == (0.0, 0)
    uniform = Image.new("RGB", (200, 150), "#D9D9D9")
    assert map_pixels(png(uniform))[1] == 1
    drawn = blank.copy()
    pen = ImageDraw.Draw(drawn)
    pen.rectangle((20, 20, 100, 120), fill="#0072B2")
    pen.rectangle((100, 20, 180, 120), fill="#E69F00")
    pen.line((100, 20, 100, 120), fill="white")
    share, colours = map_pixels(png(drawn))
    assert share > 0.15 and colours >= 2


def test_map_select_box_opens_commune_page(app_server, offline_page):
    page, _ = offline_page
    page.goto(_url(app_server.url, "map", PRESS_DAY))
    wait_rendered(page)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Ouvrir la fiche")
    box.locator("input").fill("Martelange")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/commune\?nis=81013"))
    wait_rendered(page, "Fiche commune")
    assert page.locator("h2").first.inner_text().strip() == "Martelange"
    # The reference date survives the page change (kept in the session).
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Situation au 31 janvier 2020" in main
    assert_no_error_box(page, app_server)


# Each written name, in px from the centre of its map's canvas (y up), and where maplibre
# itself projects each commune's point: the names are SVG annotations placed by
# centrale.render.mapfig's own projection, so both must agree.
MAP_NAMES = """(points) => {
  const chart = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .find((c) => c.querySelector('.maplibregl-map'));
  const gd = chart.querySelector('.js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const canvas = gd.querySelector('.maplibregl-canvas').getBoundingClientRect();
  const cx = canvas.width / 2, cy = canvas.height / 2;
  const names = [...gd.querySelectorAll('.annotation')].map((a) => {
    const r = a.querySelector('.annotation-text').getBoundingClientRect();
    return [a.textContent, r.x + r.width / 2 - canvas.x - cx, cy - (r.y + r.height / 2 - canvas.y),
            r.width, r.height];
  });
  const projected = points.map(([lon, lat]) => {
    const p = map.project([lon, lat]);
    return [p.x - cx, cy - p.y];
  });
  return {names, projected};
}"""


@pytest.mark.parametrize(
    "query",
    ["commune?nis=84009&date=2020-01-31", "map?date=2020-01-31&indicateur=amount"],
    ids=["commune", "carte-montant"],
)
def test_commune_names_are_written_on_the_map_offline(
    app_server, offline_page, tmp_path, demo_db, query
):
    """The names the view is about are written on the map, where their communes are
    (the map's own projection agrees within 2 px), with no request for fonts or glyphs
    (the fixture fails on any external request)."""
    import duckdb

    from centrale.datasets import queries
    from centrale.render import mapfig

    page, _ = offline_page
    page.goto(f"{app_server.url}/{query}")
    wait_rendered(page)
    assert_maps_drawn(page, tmp_path, "noms")
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        shapes = queries.commune_shapes(con, PRESS_DAY)
        status = queries.commune_status(con, PRESS_DAY)
    finally:
        con.close()
    if query.startswith("commune"):
        fig = mapfig.metric_map(
            status, shapes, "adhesion", height=mapfig.SMALL_MAP_HEIGHT, highlight="84009"
        )
    else:
        fig = mapfig.metric_map(
            status, shapes, "amount", names=mapfig.named_communes(status, "amount")
        )
    expected = {n.text.replace("<b>", "").replace("</b>", ""): n for n in fig.layout.annotations}
    view = {"center": fig.layout.map.center.to_plotly_json(), "zoom": fig.layout.map.zoom}
    points = mapfig.mark_points(shapes)
    found = page.evaluate(MAP_NAMES, [[x, y] for x, y in zip(points["lon"], points["lat"])])
    # maplibre projects every commune's point where mapfig.to_pixels says.
    for (lon, lat), (px, py) in zip(zip(points["lon"], points["lat"]), found["projected"]):
        x, y = mapfig.to_pixels(lon, lat, view)
        assert abs(px - x) < 2 and abs(py - y) < 2, (lon, lat, px, py, x, y)
    shown = {name: (x, y, w, h) for name, x, y, w, h in found["names"]}
    assert sorted(shown) == sorted(expected) and shown, (shown, list(expected))
    for name, (x, y, w, h) in shown.items():
        note = expected[name]
        assert abs(x - note.xshift) < 3 and abs(y - note.yshift) < 3, (name, x, y)
        assert h >= 12 and w > 0, name  # a readable line of text
