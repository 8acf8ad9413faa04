"""Every page as a manager meets it: laptop and large screens, paper, projector,
French, WCAG 2.1 AA (issue 13).

One app server for the module (the session's `app_server`), one browser
context per page. Screenshots, PDFs and their renderings go to the test's
temporary folder (the failure message names them).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest

from tests.browser import audit
from tests.browser.conftest import (
    MAP_CHART,
    assert_maps_drawn,
    registered_pages,
    wait_layout_stable,
    wait_rendered,
)

pytestmark = pytest.mark.browser

PAGES = registered_pages()
IDS = [p.url_path or "accueil" for p in PAGES]
PRESS_DAY = "2020-01-31"
# Pages shown on a commune, as a user opens them from the map.
QUERY = {"commune": "nis=84009&", "presentation": "nis=84009&"}
MAP_PAGES = {"map", "commune"}
MAX_PRINTED_PAGES = 14  # a page that prints to more is not something to hand out


def _open(browser, server, app_page, width, height, media="screen", day=PRESS_DAY):
    """The page at `day` (None: today, the app's default) in a fresh browser context."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-BE", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.emulate_media(media=media)
    query = QUERY.get(app_page.url_path, "") + (f"date={day}" if day else "")
    page.goto(f"{server.url}/{app_page.url_path}?{query}")
    wait_rendered(page)
    wait_layout_stable(page)  # charts finish their layout after the run
    return context, page


@pytest.mark.parametrize("day", [PRESS_DAY, None], ids=["31-01-2020", "aujourdhui"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
@pytest.mark.parametrize("app_page", PAGES, ids=IDS)
def test_page_fits_the_screen(app_server, browser, tmp_path, app_page, size, day):
    """At the press day and at today (more orders, longer lists of communes): nothing
    sticks out on the right, and no table header or cell is cut by its column."""
    context, page = _open(browser, app_server, app_page, *size, day=day)
    try:
        shot = tmp_path / f"{app_page.url_path or 'accueil'}-{size[0]}x{size[1]}.png"
        page.screenshot(path=shot)
        overflow = audit.horizontal_overflow(page)
        assert not overflow, f"débordement horizontal ({shot}) : {overflow}"
        cut = audit.clipped_table_text(page)
        assert not cut, f"texte coupé dans un tableau ({shot}) : {cut}"
        covered = audit.hidden_under_header(page)
        assert not covered, f"haut de page sous l'en-tête ({shot}) : {covered}"
        # The date and the filter are seen at once, without scrolling the sidebar.
        for label in ("Situation au", "Solutions"):
            box = page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True)
            rect = box.first.bounding_box()
            assert rect and rect["y"] + rect["height"] <= size[1], f"« {label} » sous le pli"
    finally:
        context.close()


def test_cut_table_text_is_found(app_server, browser):
    """The table check itself: a column narrowed by hand (dragging its border, as a
    user can) cuts its header and cells, and the check says so."""
    commune = next(p for p in PAGES if p.url_path == "commune")
    context, page = _open(browser, app_server, commune, 1366, 768, day=None)
    try:
        assert audit.clipped_table_text(page) == []
        canvas = page.locator('[data-testid="data-grid-canvas"]').first
        first = audit.grid_column_widths(page)[0]
        deadline = time.monotonic() + 20
        # Drag the first column's right border 50 px to the left (again if the page was
        # still moving: the grid takes a drag only from its border, under the pointer).
        while audit.grid_column_widths(page)[0] > first - 30 and time.monotonic() < deadline:
            canvas.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            box = canvas.bounding_box()
            border, header_y = box["x"] + audit.grid_column_widths(page)[0] - 1, box["y"] + 17
            page.mouse.move(border, header_y)
            page.wait_for_timeout(200)
            page.mouse.down()
            page.mouse.move(border - 50, header_y, steps=8)
            page.mouse.up()
            page.wait_for_timeout(300)
        assert audit.grid_column_widths(page)[0] <= first - 30, "colonne non rétrécie"
        cut = " ".join(audit.clipped_table_text(page))
        assert "en-tête coupé : « N° de commande »" in cut and "CA-20" in cut
    finally:
        context.close()


@pytest.mark.parametrize("app_page", PAGES, ids=IDS)
def test_page_is_french_and_accessible(app_server, browser, app_page):
    if not audit.axe_available():
        pytest.skip("axe-core absent : lancez « npm ci » à la racine du dépôt")
    context, page = _open(browser, app_server, app_page, 1366, 768)
    try:
        assert page.evaluate("() => document.documentElement.lang") == "fr"
        english = audit.english_words(page)
        assert not english, f"mots anglais sur {app_page.title} : {english}"
        blocking = audit.serious(audit.axe_violations(page))
        assert not blocking, f"axe-core, {app_page.title} : {blocking}"
    finally:
        context.close()


def test_upload_page_states_one_size_limit(app_server, browser):
    """The uploader accepts twice the limit (so a file just over it gets the French
    refusal); its own « 40 Mo par fichier » must not contradict the « Au plus 20 Mo »."""
    data_page = next(p for p in PAGES if p.url_path == "data")
    context, page = _open(browser, app_server, data_page, 1366, 768)
    try:
        limits = {
            int(m)
            for text in audit.visible_strings(page)
            for m in re.findall(r"(\d+) Mo par fichier", text)
        }
        assert len(limits) == 1, f"plusieurs limites affichées : {sorted(limits)}"
    finally:
        context.close()


def test_date_picker_is_french_in_an_english_browser(app_server, browser, tmp_path):
    """The sidebar's calendar, opened from an English browser: French month and day
    names, Monday first, and nothing English said to a screen reader."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="en-US", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(45_000)
    try:
        page.goto(f"{app_server.url}/?date={PRESS_DAY}")
        wait_rendered(page)
        page.locator('[data-testid="stSidebar"]').get_by_text("Calendrier", exact=True).click()
        body = page.locator('[data-testid="stPopoverBody"]')
        body.locator('[data-testid="stDateInputField"]').wait_for()
        body.get_by_role("button", name="Choisir une date").click()
        calendar = page.locator('[data-testid="stDateInputCalendar"]')
        calendar.wait_for()
        # The shim translates once per frame: poll until it has (the asserts say if not).
        deadline = time.monotonic() + 15
        while calendar.locator("thead th").first.inner_text() != "L":
            if time.monotonic() > deadline:
                break
            page.wait_for_timeout(50)
        page.screenshot(path=tmp_path / "calendrier.png")
        headers = [h.inner_text() for h in calendar.locator("thead th").all()]
        assert headers == ["L", "M", "M", "J", "V", "S", "D"], headers  # Monday first
        text = calendar.inner_text()
        assert "janvier" in text and "January" not in text, text[:200]
        english = audit.english_words(page)
        assert not english, f"mots anglais dans le calendrier : {english}"
    finally:
        context.close()


def test_status_map_reads_in_greyscale(app_server, browser, tmp_path):
    """The adhesion map printed in black and white (or seen without colour): each of the
    23 member communes of 31/01/2020 carries a dark mark, visible in greyscale, and the
    legend says which sign means what."""
    import io

    import numpy as np
    from PIL import Image

    map_page = next(p for p in PAGES if p.url_path == "map")
    context, page = _open(browser, app_server, map_page, 1366, 768)
    try:
        assert_maps_drawn(page, tmp_path, "carte")
        chart = page.locator(MAP_CHART).first
        grey = Image.open(io.BytesIO(chart.screenshot(animations="disabled"))).convert("L")
        grey.save(tmp_path / "carte-gris.png")
        pixels = np.asarray(grey).astype(int)
        body = pixels[int(pixels.shape[0] * 0.15) :]  # below the legend
        dark = int((body < 55).sum())  # the marks; fills stay lighter, borders are white
        assert dark >= 23 * 25, f"{dark} pixels de marques ({tmp_path / 'carte-gris.png'})"
        legend = chart.locator(".legendtext").evaluate_all("els => els.map(e => e.textContent)")
        assert any(t.startswith("● adhérente") for t in legend), legend
    finally:
        context.close()


def test_english_scan_finds_english(app_server, browser):
    """The scan itself: English put on the page is reported, in text and in labels."""
    context, page = _open(browser, app_server, PAGES[0], 1366, 768)
    try:
        assert audit.english_words(page) == []
        page.evaluate(
            """() => { const p = document.createElement('p'); p.textContent = 'Loading the files';
                       p.setAttribute('aria-label', 'Search in the table');
                       document.querySelector('[data-testid="stMain"]').appendChild(p); }"""
        )
        found = " ".join(audit.english_words(page))
        assert "Loading" in found and "Search in" in found
    finally:
        context.close()


def _saturated_share(image) -> float:
    """Share of clearly coloured pixels (channels far apart): map fills, not grey text."""
    import numpy as np

    pixels = np.asarray(image.convert("RGB")).astype(int).reshape(-1, 3)
    return float(((pixels.max(axis=1) - pixels.min(axis=1)) > 60).mean())


def _pdf_pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


@pytest.mark.parametrize("app_page", PAGES, ids=IDS)
def test_page_prints_to_a4(app_server, browser, tmp_path, app_page):
    if not (shutil.which("pdftoppm") and shutil.which("pdfinfo")):
        pytest.skip("poppler-utils absent : test d'impression sauté")
    from PIL import Image

    context, page = _open(browser, app_server, app_page, 1366, 768)
    try:
        page.emulate_media(media="print")
        wait_layout_stable(page)  # the charts are redrawn to the sheet's width
        # Nothing of the screen's furniture on paper, and no chart wider than the sheet.
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        header = page.locator(".centrale-print-header")
        assert header.is_visible()
        assert "Imprimé le" in header.inner_text() and "Source" in header.inner_text()
        # The date once on paper: the header's, or the page's own when it says it.
        printed = page.locator('[data-testid="stMain"]').inner_text()
        assert printed.count("Situation au 31 janvier 2020") == 1, printed[:400]
        sheet_width = page.evaluate("() => document.documentElement.clientWidth")
        for chart in page.locator('[data-testid="stPlotlyChart"]').all():
            if chart.is_visible():
                rect = chart.evaluate(
                    "el => { const r = el.querySelector('.main-svg, canvas')"
                    "            ?.getBoundingClientRect(); return r && [r.left, r.right]; }"
                )
                assert rect is None or rect[1] <= sheet_width + 2, f"graphique coupé : {rect}"
        if app_page.url_path in MAP_PAGES:  # the WebGL map is printed as its picture
            snapshot = page.locator("img.centrale-map-snapshot").first
            snapshot.wait_for(state="visible")
            assert snapshot.evaluate("img => img.naturalWidth") > 100
        pdf = tmp_path / f"{app_page.url_path or 'accueil'}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        context.close()
    pages = _pdf_pages(pdf)
    assert 1 <= pages <= MAX_PRINTED_PAGES, f"{pdf} : {pages} pages"
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "p")], check=True)
    renders = sorted(tmp_path.glob("p-*.png"))
    assert len(renders) == pages
    first = Image.open(renders[0]).convert("RGB")
    # Width of what is drawn: content reaches the right half, nothing is cropped at the edge.
    if app_page.url_path in MAP_PAGES:
        # A drawn map fills an area with strong colours; text and tables hardly any.
        best = max(_saturated_share(Image.open(r)) for r in renders)
        assert best >= 0.005, f"carte absente du PDF ({pdf}) : {best:.1%} de pixels colorés"
    assert first.size[0] < first.size[1]  # portrait A4


def test_presentation_runs_as_slides(app_server, browser, tmp_path):
    """P packs the page into slides that each fit the screen; every section is met once,
    in order; ← goes back; Échap gives the page back whole."""
    presentation = next(p for p in PAGES if p.url_path == "presentation")
    context, page = _open(browser, app_server, presentation, 1280, 720)
    try:
        sections = page.locator(".pres-section")
        total = sections.count()
        all_titles = [s.inner_text() for s in sections.all()]
        assert total >= 4
        page.keyboard.press("p")
        page.wait_for_function("() => document.body.classList.contains('centrale-projector')")
        assert not page.locator('[data-testid="stSidebar"]').is_visible()

        def visible_titles():
            return [s.inner_text() for s in sections.all() if s.is_visible()]

        def slide_number():
            text = page.locator("#centrale-projector-bar .centrale-slide-number").inner_text()
            return [int(n) for n in re.findall(r"\d+", text)[:2]]

        assert page.locator(".pres-title").is_visible()  # the first slide: the commune
        seen, slides = [], []
        while True:
            wait_layout_stable(page, 300)  # a slide taller than the screen is scaled to it
            shown, count = slide_number()
            slides.append(visible_titles())
            seen += slides[-1]
            page.screenshot(path=tmp_path / f"projection-{shown}.png")
            bottom = page.evaluate(
                "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
                ".getBoundingClientRect().bottom"
            )
            assert bottom <= 720 + 1, f"diapositive {shown} plus haute que l'écran"
            if shown == count:
                break
            page.keyboard.press("ArrowRight" if shown % 2 else " ")
            page.wait_for_function(
                "n => document.querySelector('#centrale-projector-bar .centrale-slide-number')"
                ".textContent.includes('Diapositive ' + n + ' ')",
                arg=shown + 1,
            )
        assert seen == all_titles  # each section once, in the page's order
        assert len(slides) >= 3
        page.keyboard.press("ArrowLeft")
        assert visible_titles() == slides[-2]
        bar = page.locator("#centrale-projector-bar").inner_text()
        assert f"Diapositive {len(slides) - 1} sur {len(slides)}" in bar
        # Home and End, as in slide software: the first slide, the last one.
        page.keyboard.press("Home")
        assert slide_number() == [1, len(slides)] and visible_titles() == slides[0]
        page.keyboard.press("End")
        assert slide_number() == [len(slides)] * 2 and visible_titles() == slides[-1]
        # Large type, dark on white.
        size = sections.nth(1).evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 40
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.body.classList.contains('centrale-projector')")
        assert page.locator('[data-testid="stSidebar"]').is_visible()
        assert len(visible_titles()) == total
    finally:
        context.close()
