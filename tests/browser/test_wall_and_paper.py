"""The wall and the paper (issue 24): the Présentation projected at 1920×1080, every page
printed to A4 and read back, and tables that show their rows.

Screenshots and PDFs go to the test's temporary folder; a failure names them.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest

from tests.browser import paper
from tests.browser.conftest import (
    registered_pages,
    running_app,
    wait_layout_stable,
    wait_rendered,
)

pytestmark = pytest.mark.browser

PAGES = registered_pages()
PRESENTATION = next(p for p in PAGES if p.url_path == "presentation")
COMMUNE = next(p for p in PAGES if p.url_path == "commune")
# The commune with the most orders, Bertrix, and one with a single order (the one-row table).
COMMUNES = ["84077", "84009", "83028"]
DAYS = ["2020-01-31", None]  # the press day, and today (the app's default date)
SMALLEST_PX = 24
WALL = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def app_server(demo_db, tmp_path_factory, browser):
    """This module's server, primed like the session's (see tests/browser/conftest.py)
    but with a longer first render: on a loaded machine the cold overview can take
    more than the default 30 s, which is not what these tests check."""
    with running_app(demo_db, tmp_path_factory.mktemp("wall-and-paper-app")) as server:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.set_default_timeout(180_000)
        page.goto(server.url)
        wait_rendered(page)
        context.close()
        yield server


def _context(browser, viewport, media="screen"):
    context = browser.new_context(viewport=viewport, locale="fr-BE", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.emulate_media(media=media)
    return context, page


def _goto(page, server, app_page, query: str) -> None:
    page.goto(f"{server.url}/{app_page.url_path}?{query}")
    wait_rendered(page)
    wait_layout_stable(page)


def _slide_number(page) -> tuple[int, int]:
    text = page.locator("#centrale-projector-bar .centrale-slide-number").inner_text()
    shown, total = (int(n) for n in re.findall(r"\d+", text)[:2])
    return shown, total


def _project(page) -> None:
    page.keyboard.press("p")
    page.wait_for_function("() => document.body.classList.contains('centrale-projector')")


@pytest.mark.parametrize("day", DAYS, ids=["31-01-2020", "aujourdhui"])
@pytest.mark.parametrize("nis", COMMUNES)
def test_every_slide_reads_from_the_back_of_the_room(app_server, browser, tmp_path, nis, day):
    """At 1920×1080 in projector mode, on every slide: no text under 24 px (computed size
    of every visible text, zoom included), no chart text cut (outside its chart or the
    screen), no canvas table, no control, at least half of the screen used."""
    context, page = _context(browser, WALL)
    try:
        _goto(page, app_server, PRESENTATION, f"nis={nis}" + (f"&date={day}" if day else ""))
        _project(page)
        seen, problems = 0, []
        while True:
            wait_layout_stable(page, 300)
            shown, total = _slide_number(page)
            shot = tmp_path / f"diapositive-{shown}.png"
            page.screenshot(path=shot)
            audit = page.evaluate(paper.SLIDE_AUDIT)
            seen += 1
            small = [t for t in audit["smallest"] if t[0] < SMALLEST_PX - 0.05]
            if small:
                problems.append(f"{shot.name} : texte de moins de {SMALLEST_PX} px {small}")
            if audit["cut"]:
                problems.append(f"{shot.name} : texte de graphique coupé {audit['cut']}")
            if audit["pictures"]:
                problems.append(
                    f"{shot.name} : image dont le texte échappe à la mesure {audit['pictures']}"
                )
            if audit["grids"]:
                problems.append(f"{shot.name} : {audit['grids']} tableau(x) canvas")
            if audit["controls"]:
                problems.append(f"{shot.name} : commandes visibles {audit['controls']}")
            if audit["fill"] < 0.5:
                problems.append(f"{shot.name} : écran rempli à {audit['fill']:.0%}")
            if shown >= total:
                break
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "n => document.querySelector('#centrale-projector-bar .centrale-slide-number')"
                ".textContent.includes('Diapositive ' + n + ' ')",
                arg=shown + 1,
            )
        assert seen >= 3
        assert not problems, f"{tmp_path} :\n" + "\n".join(problems)
    finally:
        context.close()


# The map slide's texts as the wall shows them: font size × the SVG's scale × the
# slide's zoom; each name's box, and the commune it names (its group's id, a NIS code).
MAP_TEXTS = """() => [...document.querySelectorAll('.centrale-map-figure svg text')]
  .filter((t) => t.getClientRects().length && t.textContent.trim())
  .map((t) => {
    const m = t.getScreenCTM();
    let zoom = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    for (let a = t; a; a = a.parentElement) {
      zoom *= parseFloat(getComputedStyle(a).zoom || '1') || 1;
    }
    const r = t.getBoundingClientRect();
    const group = t.parentElement.closest('g[id]');
    const nis = group && /^[0-9]{5}$/.test(group.id) ? group.id : null;
    return { text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * zoom,
             nis, box: [r.left, r.top, r.right, r.bottom] };
  })"""


@pytest.mark.parametrize(("nis", "name"), [("85046", "Habay"), ("84009", "Bertrix"),
                                           ("81001", "Arlon")])  # fmt: skip
def test_the_projected_map_names_read_from_the_back_of_the_room(
    app_server, browser, tmp_path, nis, name
):
    """The map slide at 1920×1080: its names and legend are text (not a picture), all at
    least 24 px on the wall; the commune is named, and no two names overlap."""
    context, page = _context(browser, WALL)
    try:
        _goto(page, app_server, PRESENTATION, f"nis={nis}&date=2020-01-31")
        _project(page)
        figure = page.locator(".centrale-map-figure svg")
        figure.wait_for(state="attached", timeout=30_000)
        shown, total = _slide_number(page)
        while not figure.is_visible() and shown < total:
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "n => document.querySelector('#centrale-projector-bar .centrale-slide-number')"
                ".textContent.includes('Diapositive ' + n + ' ')",
                arg=shown + 1,
            )
            shown, total = _slide_number(page)
        wait_layout_stable(page, 300)
        shot = tmp_path / f"carte-{name}.png"
        page.screenshot(path=shot)
        assert figure.get_attribute("role") == "img", shot
        assert (figure.get_attribute("aria-label") or "").startswith("Carte de la province"), shot
        texts = page.evaluate(MAP_TEXTS)
        names = [t for t in texts if t["nis"]]
        legend = {t["text"] for t in texts if not t["nis"]}
        assert {name, "Commune adhérente", "Voisine"} <= legend, (shot, legend)
        assert nis in {t["nis"] for t in names}, (shot, names)
        small = [(round(t["px"], 1), t["text"]) for t in texts if t["px"] < SMALLEST_PX - 0.05]
        assert not small, (shot, small)
        for i, one in enumerate(names):
            for other in names[i + 1 :]:
                if one["nis"] == other["nis"]:
                    continue  # the two lines of one name
                (a0, a1, a2, a3), (b0, b1, b2, b3) = one["box"], other["box"]
                overlap = max(0, min(a2, b2) - max(a0, b0)) * max(0, min(a3, b3) - max(a1, b1))
                assert overlap < 1, (shot, one["text"], other["text"])
        audit = page.evaluate(paper.SLIDE_AUDIT)
        assert not audit["pictures"], (shot, audit["pictures"])
        assert audit["smallest"][0][0] >= SMALLEST_PX - 0.05, (shot, audit["smallest"])
    finally:
        context.close()


def test_projector_keys_work_from_the_commune_field(app_server, browser):
    """P from the (closed) commune field starts the projection; Échap leaves it; with
    the field's list open, P is a letter typed (P of Paliseul), not a command."""
    context, page = _context(browser, WALL)
    try:
        _goto(page, app_server, PRESENTATION, "nis=84009&date=2020-01-31")
        field = page.get_by_role("combobox", name=re.compile("Commune présentée"))
        field.focus()
        page.keyboard.press("Escape")  # the list closed, the focus still in the field
        _project(page)
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.body.classList.contains('centrale-projector')")
        field.click()  # the list opens: typing searches
        page.keyboard.press("P")
        time.sleep(0.3)  # a key not acted on: nothing to poll for
        assert not page.evaluate("() => document.body.classList.contains('centrale-projector')")
        page.keyboard.press("Escape")
    finally:
        context.close()


def test_presentation_has_one_h1_and_the_slides_nothing_more(app_server, browser):
    """The Présentation's title is the page's one h1 (the document's outline); projected,
    the first slide shows it and no other heading was added."""
    context, page = _context(browser, WALL)
    try:
        _goto(page, app_server, PRESENTATION, "nis=84009&date=2020-01-31")
        assert page.locator("h1").all_inner_texts() == ["Bertrix et la centrale d'achats Smart"]
        _project(page)
        wait_layout_stable(page, 300)
        assert page.locator("h1.pres-title").is_visible()
        assert page.locator("[data-testid='stHeading']").count() == 0
    finally:
        context.close()


def test_presentation_opens_on_no_commune(app_server, browser):
    """Without ?nis= the page asks for a commune instead of presenting Bertrix."""
    context, page = _context(browser, {"width": 1366, "height": 768})
    try:
        _goto(page, app_server, PRESENTATION, "date=2020-01-31")
        assert page.locator(".pres-title").count() == 0
        assert page.get_by_text("Choisissez la commune à présenter").is_visible()
        assert page.locator("h1").all_inner_texts() == ["Présentation d'une commune"]
        assert "nis=" not in page.url
    finally:
        context.close()


# --- Paper ---------------------------------------------------------------------
SCREEN_TOKENS = """() => { const tokens = new Set();
  for (const cell of document.querySelectorAll(
      '.centrale-print-table th, .centrale-print-table td, h1, h2, h3, .pres-section'))
    if (cell.getClientRects().length)
      for (const word of cell.textContent.split(' ')) if (word.trim()) tokens.add(word.trim());
  return [...tokens]; }"""
# Headings, and expanders' titles (their summary's text, without its icon).
HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, .pres-section, '
    + '[data-testid="stExpander"] summary [data-testid="stMarkdownContainer"]')]
  .filter((h) => h.getClientRects().length).map((h) => h.textContent.trim())"""
CONTROLS = """() => [...document.querySelectorAll(
    'button, input, select, textarea, [role="combobox"], [role="slider"], '
    + '[data-testid="stTooltipIcon"]')]
  .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map((e) => (e.getAttribute('aria-label') || e.textContent || e.tagName).trim().slice(0, 40))"""
HIDDEN_CONTENT = """() => [...document.querySelectorAll(
    '[data-testid="stTabPanel"], [data-testid="stExpanderDetails"]')]
  .filter((e) => !e.closest('[data-testid="stExpander"]')
                 || getComputedStyle(e.closest('[data-testid="stExpander"]')).display !== 'none')
  .filter((e) => !e.getClientRects().length).length"""
PAPER_QUERY = {"commune": "nis=84009&", "presentation": "nis=84009&"}


def _print(browser, server, app_page, query, folder):
    """The page printed to A4 from a 1366×768 window: (pdf, tokens, headings, controls,
    panels not printed, the names of the icons on screen, icons left on paper, the
    smallest type on paper)."""
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils absent : test d'impression sauté")
    context, page = _context(browser, {"width": 1366, "height": 768})
    try:
        _goto(page, server, app_page, query)
        icons = page.evaluate(paper.ICON_NAMES)
        page.emulate_media(media="print")
        wait_layout_stable(page)
        found = (
            set(page.evaluate(SCREEN_TOKENS)),
            page.evaluate(HEADINGS),
            page.evaluate(CONTROLS),
            page.evaluate(HIDDEN_CONTENT),
            icons,
            page.evaluate(paper.ICONS_SHOWN),
            page.evaluate(paper.SMALLEST_PRINTED),
        )
        pdf = folder / f"{app_page.url_path or 'accueil'}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        context.close()
    return (pdf, *found)


@pytest.mark.parametrize("app_page", PAGES, ids=[p.url_path or "accueil" for p in PAGES])
def test_page_prints_whole(app_server, browser, tmp_path, app_page):
    """Printed to A4 and read back with pdftotext -bbox: no word, date or amount broken
    across lines, no heading in the last tenth of a page, no blank page, no control,
    every tab and expander on paper."""
    query = PAPER_QUERY.get(app_page.url_path, "") + "date=2020-01-31"
    pdf, tokens, headings, controls, unprinted, icons, icons_shown, _small = _print(
        browser, app_server, app_page, query, tmp_path
    )
    words = paper.pdf_words(pdf)
    assert not controls, f"commandes imprimées ({pdf}) : {controls}"
    assert unprinted == 0, f"{unprinted} onglet(s)/volet(s) non imprimé(s) ({pdf})"
    assert not paper.control_words(words), f"texte de commande imprimé ({pdf})"
    # No icon's name on paper (« keyboard_arrow_right » beside an expander's title).
    assert not icons_shown, f"icônes imprimées ({pdf}) : {icons_shown}"
    assert not paper.icon_words(words, icons), (
        f"nom d'icône imprimé ({pdf}) : {paper.icon_words(words, icons)}"
    )
    assert not [f for f in paper.pdf_fonts(pdf) if "material" in f.lower()], pdf
    # The reference date once: the printed header's, or the page's own.
    assert len(paper.situation_lines(words)) <= 1, (
        f"« Situation au » imprimé {len(paper.situation_lines(words))} fois ({pdf})"
    )
    assert not paper.broken_tokens(tokens, words), (
        f"mots coupés ({pdf}) : {paper.broken_tokens(tokens, words)[:10]}"
    )
    assert not paper.headings_at_page_bottom(headings, words), pdf
    assert not paper.blank_pages(pdf, tmp_path), f"page blanche ({pdf})"
    # Paper does not scroll: a long table is printed, with what is left in the Excel file.
    assert "défiler" not in " ".join(w.text for w in words), f"« faites défiler » imprimé ({pdf})"


# The commune with the most orders and survey answers (Libramont-Chevigny), others with
# many answers (Arlon, Habay), one with none ordered (La Roche-en-Ardenne), one with a
# single order (Tellin), at the demo's date and at an earlier one; Bastogne, whose survey
# years also hold the answers of Bertogne (merged in 2024), each named.
COMMUNES_ON_PAPER = {
    "Habay-2026": ("85046", "2026-11-24"),
    "Bastogne-fusion-2026": ("82003", "2026-11-24"),
    "Libramont-2026": ("84077", "2026-11-24"),
    "Arlon-2026": ("81001", "2026-11-24"),
    "LaRoche-sans-commande-2026": ("83031", "2026-11-24"),
    "Bertrix-2020": ("84009", "2020-01-31"),
    "Tellin-2023": ("84068", "2023-06-30"),
}
SMALLEST_PT = 9


@pytest.mark.parametrize("nis, day", COMMUNES_ON_PAPER.values(), ids=COMMUNES_ON_PAPER.keys())
def test_commune_page_fits_two_sheets_with_its_map_first(app_server, browser, tmp_path, nis, day):
    """The commune page on at most two A4 pages, its map (a coloured picture) on page 1,
    and no text under 9 pt (the charts apart: drawn to the scale of the screen)."""
    import numpy as np
    from PIL import Image

    pdf, *_, smallest = _print(browser, app_server, COMMUNE, f"nis={nis}&date={day}", tmp_path)
    pages = paper.page_count(pdf)
    assert pages <= 2, f"{pdf} : {pages} pages"
    assert smallest and smallest[0][0] >= SMALLEST_PT - 0.05, f"texte de moins de 9 pt : {smallest}"
    paper.blank_pages(pdf, tmp_path)  # renders the pages

    def coloured(png) -> float:  # share of strongly coloured pixels: map fills, not text
        pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
        return float(((pixels.max(axis=2) - pixels.min(axis=2)) > 60).mean())

    shares = [coloured(png) for png in sorted(tmp_path.glob("commune-page-*.png"))]
    assert shares[0] > 0.005 and shares[0] > 3 * max(shares[1:], default=0), (
        f"carte absente de la page 1 ({pdf}) : {[f'{s:.1%}' for s in shares]}"
    )


SURVEY = next(p for p in PAGES if p.url_path == "survey")
# Words of each outer tab's panel (6 letters or more: fewer are common to every tab),
# and of the page outside the tabs.
TAB_WORDS = """() => {
  const words = (el) => new Set(el.textContent.split(/\\s+/).filter((w) => w.length >= 6));
  const tabs = document.querySelector('[data-testid="stTabs"]');
  const panels = [...tabs.querySelectorAll('[data-testid="stTabPanel"]')]
    .filter((p) => p.closest('[data-testid="stTabs"]') === tabs).map((p) => [...words(p)]);
  const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
  main.querySelector('[data-testid="stTabs"]').remove();
  return {panels, outside: [...words(main)]};
}"""


def test_survey_prints_the_tab_on_screen_alone(app_server, browser, tmp_path):
    """« Imprimer l'onglet affiché seulement » prints the Résultats tab and none of the
    others, on fewer pages than the whole page (every tab, the default)."""
    whole, *_ = _print(browser, app_server, SURVEY, "date=2020-01-31", tmp_path)
    context, page = _context(browser, {"width": 1366, "height": 768})
    try:
        _goto(page, app_server, SURVEY, "date=2020-01-31")
        page.get_by_role("tab", name="Résultats").click()
        wait_layout_stable(page)
        found = page.evaluate(TAB_WORDS)
        names = ["Campagne", "Saisir une réponse", "Importer", "Résultats", "Réponses"]
        chosen = set(found["panels"][names.index("Résultats")])
        others = set().union(*found["panels"]) - chosen - set(found["outside"])
        page.evaluate("() => { window.print = () => {}; }")  # no dialog in a headless test
        page.get_by_role("button", name="Imprimer l'onglet affiché seulement").click()
        page.emulate_media(media="print")
        wait_layout_stable(page)
        one = tmp_path / "enquete-resultats.pdf"
        page.pdf(path=str(one), format="A4", print_background=True)
    finally:
        context.close()
    printed = {w.text for w in paper.pdf_words(one)}
    everything = {w.text for w in paper.pdf_words(whole)}
    other_printed_by_default = others & everything
    assert len(other_printed_by_default) >= 20, other_printed_by_default  # the check can fail
    # A common word may also be printed by the chosen tab in a form its text does not
    # hold (a chart's label, a wrapped cell): a handful at most.
    leaked = others & printed
    assert len(leaked) <= 0.05 * len(other_printed_by_default), (
        f"autres onglets imprimés ({one}) : {sorted(leaked)[:10]}"
    )
    assert len(chosen & printed) >= 0.5 * len(chosen & everything), one
    pages_one, pages_whole = paper.page_count(one), paper.page_count(whole)
    assert pages_one < pages_whole, (pages_one, pages_whole)
    print(f"enquête : {pages_whole} pages (tous les onglets), {pages_one} (Résultats seul)")


# A spacer of `height` px put before the expander titled `text` (its layout block):
# returns the expander's title as printed (its summary's text, without its icon).
SPACER = """([text, height]) => {
  const summary = [...document.querySelectorAll('[data-testid="stExpander"] summary')]
    .find((s) => s.textContent.includes(text));
  const block = summary.closest('[data-testid="stLayoutWrapper"]')
    || summary.closest('[data-testid="stExpander"]');
  let spacer = document.getElementById('centrale-test-spacer');
  if (!spacer) {
    spacer = document.createElement('div');
    spacer.id = 'centrale-test-spacer';
    block.parentElement.insertBefore(spacer, block);
  }
  spacer.style.height = height + 'px';
  return summary.querySelector('[data-testid="stMarkdownContainer"]').textContent.trim();
}"""


def test_an_expander_title_never_ends_a_page(app_server, browser, tmp_path):
    """The survey's « Réponses reçues (N) », pushed down the page 30 px at a time (less
    than a tenth of a page) until it crosses to the next one, is never printed in the
    last tenth of a page: it goes over with its table's first rows."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils absent : test d'impression sauté")
    context, page = _context(browser, {"width": 1366, "height": 768})
    seen, problems = set(), []
    try:
        _goto(page, app_server, SURVEY, "date=2026-11-24")
        page.emulate_media(media="print")
        wait_layout_stable(page)
        # Where the title starts depends on what is above it (cards, notes): push until it
        # has been on the next page for a few steps (a page is ~1 100 px of this window).
        after_crossing = 0
        for height in range(0, 1500, 30):
            title = page.evaluate(SPACER, ["Réponses reçues", height])
            pdf = tmp_path / f"enquete-{height}.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            words = paper.pdf_words(pdf)
            seen |= {p for p, _top, text in paper.lines(words) if text == title}
            problems += [f"{pdf.name} : {p}" for p in paper.headings_at_page_bottom([title], words)]
            after_crossing += len(seen) >= 2
            if after_crossing >= 4:
                break
    finally:
        context.close()
    assert len(seen) >= 2, f"le titre n'a pas changé de page : {seen}"  # the check can fail
    assert not problems, problems


# --- Tables that fit their rows -------------------------------------------------
GRID_FIT = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter((g) => g.getClientRects().length)
  .map((g) => {
    const scroller = g.querySelector('.dvn-scroller');
    const table = g.querySelector('[role="grid"], table');
    const rows = Number(table?.getAttribute('aria-rowcount') || 0) - 1;
    return {rows, scrolls: scroller ? scroller.scrollHeight - scroller.clientHeight : 0};
  })"""


@pytest.mark.parametrize("app_page", PAGES, ids=[p.url_path or "accueil" for p in PAGES])
def test_short_tables_show_every_row(app_server, browser, app_page):
    """A table of 15 rows or fewer has no inner scroll (no row cut by its height); a
    longer one says how many rows it has."""
    context, page = _context(browser, {"width": 1366, "height": 768})
    try:
        _goto(page, app_server, app_page, PAPER_QUERY.get(app_page.url_path, ""))
        grids = page.evaluate(GRID_FIT)
        cut = [g for g in grids if 0 < g["rows"] <= 15 and g["scrolls"] > 2]
        assert not cut, f"tableaux courts coupés sur {app_page.title} : {cut}"
        for g in grids:
            if g["rows"] > 15:
                assert page.get_by_text(re.compile(r"lignes")).count(), grids
    finally:
        context.close()


# --- Charts on paper at their size ------------------------------------------------
# Every plotly chart, in document order: its height on screen (a chart of a tab or an
# expander not on screen: its figure's height) and the main area's width.
CHARTS_ON_SCREEN = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const cs = getComputedStyle(main);
  const width = main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return {width, charts: charts.map((c) => {
    const gd = c.querySelector('.js-plotly-plot');
    const title = c.querySelector('.gtitle');
    return {hidden: c.offsetHeight === 0, title: title ? title.textContent.slice(0, 40) : '',
            height: c.offsetHeight || (gd && gd.layout && gd.layout.height) || 450};
  })};
}"""
# The same charts on paper: the drawn height of each one's picture (its svg, zoom
# included), and whether it is drawn at all.
CHARTS_ON_PAPER = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .map((c) => {
  const svg = c.querySelector('svg.main-svg');
  const gd = c.querySelector('.js-plotly-plot');
  const r = svg ? svg.getBoundingClientRect() : {height: 0, width: 0};
  return {height: r.height, width: r.width,
          visible: !!gd && getComputedStyle(gd).visibility !== 'hidden'};
})"""


@pytest.mark.parametrize("app_page", PAGES, ids=[p.url_path or "accueil" for p in PAGES])
def test_every_chart_prints_at_its_size(app_server, browser, tmp_path, app_page):
    """Printed to A4, every chart of the page (those of the tabs and expanders not on
    screen too) is drawn at its screen height scaled like the page (A4 width over the
    screen's main width), not squashed to a line by plotly's default size."""
    query = PAPER_QUERY.get(app_page.url_path, "") + "date=2020-01-31"
    context, page = _context(browser, {"width": 1366, "height": 768})
    try:
        _goto(page, app_server, app_page, query)
        screen = page.evaluate(CHARTS_ON_SCREEN)
        if not screen["charts"]:
            pytest.skip(f"aucun graphique sur {app_page.title}")
        page.emulate_media(media="print")
        wait_layout_stable(page)
        pdf = tmp_path / f"{app_page.url_path or 'accueil'}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)  # fires beforeprint
        wait_layout_stable(page)
        printed = page.evaluate(CHARTS_ON_PAPER)
    finally:
        context.close()
    scale = min(1.0, 700 / screen["width"])
    assert len(printed) == len(screen["charts"])
    wrong = [
        f"« {s['title'] or i} »{' (masqué à l’écran)' if s['hidden'] else ''} : "
        f"{p['height']:.0f} px imprimés pour {s['height'] * scale:.0f} attendus"
        for i, (s, p) in enumerate(zip(screen["charts"], printed, strict=True))
        if not p["visible"] or not 0.85 <= p["height"] / (s["height"] * scale) <= 1.15
    ]
    assert not wrong, f"graphiques mal dimensionnés sur papier ({pdf}) :\n" + "\n".join(wrong)
    assert any(s["hidden"] for s in screen["charts"]) or app_page.url_path != "survey"
