"""The Explorer in a real browser, offline, clicking like a person (issue 20): a breakdown
by arrondissement in ≤ 3 actions, a drill-through from a bar to its orders, two years
compared through the controls, a named view saved then reopened from its link in a new
browser context, and each kind of question of the issue in ≤ 3 actions. Each answer is
compared with the semantic layer's own figure on the same store."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest

from centrale.semantic import Question, describe, gallery, window
from centrale.semantic import compile as layer
from centrale.storage.store import connect_read_only
from tests.browser.conftest import VIEWPORT, assert_no_error_box, fresh_page, wait_rendered
from tests.browser.test_everyday_questions import MAX_CLICKS, Person, _rows

pytestmark = pytest.mark.browser


def _main(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _save_view(person: Person, name: str) -> None:
    """Save the current question as view `name`, as a person does: open the box, type the
    name, see it typed, press « Enregistrer ». The box's answer is read whatever it says,
    so a refusal shows in the failure instead of a bare time-out."""
    page = person.page
    person.click(page.get_by_text("Enregistrer cette question comme vue"))
    field = page.get_by_label("Nom de la vue")
    field.fill(name)
    page.wait_for_function(
        "([el, want]) => el.value === want", arg=[field.element_handle(), name], polling=100
    )
    person.click(page.get_by_role("button", name="Enregistrer", exact=True))
    answer = page.locator('.st-key-screen_only_explorer_save [data-testid="stAlert"]').first
    answer.wait_for(state="visible")
    assert f"Vue « {name} » enregistrée" in answer.inner_text(), answer.inner_text()


def test_adhesion_rate_by_arrondissement_in_three_actions(app_server, offline_page, demo_db):
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.nav("Explorer")
    start = gallery.starts(dt.date.today())[0]  # adhesion rate by arrondissement
    person.click(page.get_by_role("button", name=start.title, exact=True))
    book = person.download(
        page.locator('[data-testid="stDownloadButton"]').filter(has_text="Télécharger en Excel")
    )
    assert person.clicks <= MAX_CLICKS
    assert_no_error_box(page, app_server)
    with connect_read_only(demo_db) as con:
        expected = layer.answer(con, start.question, dt.date.today())
    rows = _rows(book)
    assert [r["Arrondissement"] for r in rows] == list(expected["arrondissement"])
    shown = [round(r["Taux d'adhésion"], 4) for r in rows]
    assert shown == [round(v, 4) for v in expected["adhesion_rate"]]
    about = {r[0]: r[1] for r in book["À propos"].iter_rows(values_only=True)}
    assert "Taux d'adhésion" in about["Question"] and "par arrondissement" in about["Question"]


def test_a_click_on_a_bar_lists_its_orders(app_server, offline_page, demo_db, browser):
    """The click is in the page's link: the link opened in a new browser lists the same
    rows (the review: reopening it lost the drill-down)."""
    page, _ = offline_page
    person = Person(page, app_server.url)
    person.nav("Explorer")  # opens on « Commandes attribuées par arrondissement »
    bar = page.locator('[data-testid="stPlotlyChart"] .trace.bars .point path').first
    bar.wait_for()
    bar.scroll_into_view_if_needed()  # a person scrolls to the chart first (below the fold)
    # Where a person clicks: plotly's drag layer lies over the bars and takes the click.
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    person.clicks += 1
    wait_rendered(page)
    assert person.clicks <= MAX_CLICKS
    heading = page.locator('[data-testid="stMain"]').get_by_text(re.compile("^Arrondissement : "))
    heading.first.wait_for()
    text = _main(page)
    match = re.search(r"Arrondissement : ([^\n—]+?) — (\d+) lignes?", text)
    assert match, text[-800:]
    name, count = match[1].strip(), int(match[2])
    with connect_read_only(demo_db) as con:
        rows = layer.rows_behind(
            con,
            Question(("orders_awarded",), ("arrondissement",)),
            dt.date.today(),
            "orders_awarded",
            {"arrondissement": name},
        )
    assert count == len(rows) > 0
    # The address now names the clicked bar; a new browser reopening it sees the same rows.
    page.wait_for_url(re.compile(r"[?&]lignes=arrondissement%3A"))
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
    try:
        other = context.new_page()
        other.goto(page.url)
        wait_rendered(other, f"Arrondissement : {name}")
        again = re.search(r"Arrondissement : ([^\n—]+?) — (\d+) lignes?", _main(other))
        assert again and (again[1].strip(), int(again[2])) == (name, count), _main(other)[-800:]
    finally:
        context.close()


def test_a_named_view_reopens_from_its_link_in_a_new_browser(app_server, offline_page, browser):
    page, _ = offline_page
    person = Person(
        page, app_server.url + "/explorer?mesures=adhesion_rate&par=arrondissement&quand=2023"
    )
    assert "au 31/12/2023" in _main(page)
    _save_view(person, "Adhésions fin 2023")
    page.reload()
    wait_rendered(page)
    person.click(page.get_by_text(re.compile(r"^Vues enregistrées")))
    link = page.get_by_role("link", name="Adhésions fin 2023")
    href = link.get_attribute("href")
    assert href and "mesures=adhesion_rate" in href
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
    try:
        other = context.new_page()
        other.goto(href if href.startswith("http") else f"{app_server.url}/{href.lstrip('/')}")
        wait_rendered(other)
        heading = other.locator('[data-testid="stMain"] h3').first.inner_text()
        assert heading.startswith("Taux d'adhésion par arrondissement, au 31/12/2023")
    finally:
        context.close()


def test_a_named_view_brings_back_its_clicked_bar(app_server, offline_page, demo_db):
    """A view saved with a clicked bar (Arlon) and opened after another click (the first
    bar) lists Arlon's rows: the chart's earlier click does not win over the view."""
    page, _ = offline_page
    question = Question(("orders_awarded",), ("arrondissement",))
    person = Person(
        page,
        app_server.url + "/explorer?mesures=orders_awarded&par=arrondissement"
        "&lignes=arrondissement:Arlon",
    )
    with connect_read_only(demo_db) as con:
        arlon = len(
            layer.rows_behind(
                con, question, dt.date.today(), "orders_awarded", {"arrondissement": "Arlon"}
            )
        )
    assert arlon > 0
    heading = re.compile(r"\n(Arrondissement : [^\n—]+?|Ensemble) — (\d+) lignes?")
    assert heading.search(_main(page)).groups() == ("Arrondissement : Arlon", str(arlon))
    _save_view(person, "Arlon")
    person = Person(page, app_server.url + "/explorer")
    bar = page.locator('[data-testid="stPlotlyChart"] .trace.bars .point path').first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_rendered(page)
    page.wait_for_url(re.compile(r"[?&]lignes=arrondissement%3A"))
    assert "Arlon" not in page.url
    person.click(page.get_by_text(re.compile(r"^Vues enregistrées")))
    person.click(page.locator(".st-key-explorer_view_open_Arlon button"))
    page.wait_for_url(re.compile(r"[?&]lignes=arrondissement%3AArlon"))
    wait_rendered(page)
    assert heading.search(_main(page)).groups() == ("Arrondissement : Arlon", str(arlon))
    assert_no_error_box(page, app_server)


def test_two_years_compared_through_the_controls(app_server, offline_page, demo_db):
    """From the Explorer as it opens (« Commandes attribuées par arrondissement »): the
    « Comparer deux périodes » mode, then year A in « Période » (B is the year before
    the date's): three actions, the table and « dans A mais pas dans B » as the layer's."""
    page, _ = offline_page
    person = Person(page, app_server.url + "/explorer")
    today = dt.date.today()
    year_a, year_b = str(today.year - 2), str(today.year - 1)
    person.click(page.get_by_role("radio", name="Comparer deux périodes", exact=True))
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Période").first
    # Mid-screen, as a person scrolls to it: at the window's bottom edge (a notice above
    # pushes it there) its list has no room to open.
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    person.click(box)
    person.click(page.get_by_role("option", name=year_a, exact=True))
    assert person.clicks <= MAX_CLICKS
    wait_rendered(page, "Dans A (")
    assert_no_error_box(page, app_server)
    question = Question(("orders_awarded",), ("arrondissement",), period=year_a, compare=year_b)
    heading = page.locator('[data-testid="stMain"] h3').first.inner_text()
    assert heading == describe(question, today), heading
    with connect_read_only(demo_db) as con:
        expected = layer.compare(con, question, today)
        sets = layer.only_in(con, question, today, "arrondissement")
    book = person.download(page.locator(".st-key-explorer_compare_xlsx button"))
    rows = _rows(book)
    assert [r["Arrondissement"] for r in rows] == list(expected["arrondissement"])
    header = list(rows[0])
    a_col = next(h for h in header if "— A : " in h and h.endswith(year_a))
    b_col = next(h for h in header if "— B : " in h and h.endswith(year_b))
    expected = expected.fillna(0)  # a group without orders in one period
    assert [r[a_col] or 0 for r in rows] == [int(v) for v in expected["orders_awarded"]]
    assert [r[b_col] or 0 for r in rows] == [int(v) for v in expected["orders_awarded__b"]]
    text = _main(page)
    assert re.search(rf"mais pas dans B \({len(sets['a_not_b'])}\)", text), text[-600:]
    assert re.search(rf"mais pas dans A \({len(sets['b_not_a'])}\)", text), text[-600:]


def _start(metric: str, mode: str = "table"):
    today = dt.date.today()
    return next(
        s for s in gallery.starts(today) if s.question.metrics[0] == metric and s.mode == mode
    )


# Each kind of question of issue 20's "Why", and how it is asked from the Explorer as it
# opens: its gallery entry (built from the layer), by first measure and mode.
_KINDS = {
    "arrondissement": ("adhesion_to_award_mean", "table"),
    "communes distinctes": ("population_covered", "table"),
    "différence entre périodes": ("orders_sent", "compare"),
    "conversion enquête → commande": ("survey_conversion", "table"),
    "valeurs hors norme": ("orders_above_usual", "table"),
}


def test_each_kind_of_question_in_three_actions(app_server, offline_page):
    """Counted from the Explorer page loaded (a gallery click is one action)."""
    page, _ = offline_page
    today = dt.date.today()
    clicks = {}
    for kind, (metric, mode) in _KINDS.items():
        start = _start(metric, mode)
        person = Person(page, app_server.url + "/explorer")
        person.click(page.get_by_role("button", name=start.title, exact=True))
        heading = page.locator('[data-testid="stMain"] h3').first.inner_text()
        assert heading == describe(start.question, today), (kind, heading)
        if mode == "compare":
            assert re.search(r"mais pas dans B \(\d+\)", _main(page)), kind
        clicks[kind] = person.clicks
    # Side by side: the mode opens on the three most populous communes.
    person = Person(page, app_server.url + "/explorer")
    person.click(page.get_by_role("radio", name="Communes côte à côte", exact=True))
    page.get_by_text(re.compile("^Côte à côte, ")).first.wait_for()
    clicks["côte à côte"] = person.clicks
    # What changed over the last twelve months: the mode, then the relative span.
    person = Person(page, app_server.url + "/explorer")
    person.click(page.get_by_role("radio", name="Ce qui a changé", exact=True))
    person.click(page.get_by_role("button", name="12 derniers mois", exact=True))
    since = window("12m", today).since - dt.timedelta(days=1)
    wait_rendered(page, f"Ce qui a changé du {since:%d/%m/%Y}")
    clicks["ce qui a changé (12 derniers mois)"] = person.clicks
    assert_no_error_box(page, app_server)
    print("actions par sorte de question :", clicks)
    assert all(n <= MAX_CLICKS for n in clicks.values()), clicks


# Each bar's name and whether plotly draws it selected (a selection fades the others).
BARS = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const names = gd.data[0].y;
  return [...gd.querySelectorAll('.trace.bars .point path')].map((p, i) =>
    [names[i], parseFloat(getComputedStyle(p).opacity || '1')]); }"""


def _selected_bars(page) -> list[str]:
    bars = page.evaluate(BARS)
    faded = [name for name, opacity in bars if opacity < 0.9]
    return [name for name, opacity in bars if opacity >= 0.9] if faded else []


def test_a_reopened_link_draws_its_bar_selected(app_server, offline_page):
    """A link with `lignes=` listed Arlon's rows under a chart with no bar selected (the
    review): Arlon's bar is drawn selected; a click on another bar then selects that one
    and lists its rows; « Revenir aux lignes de l'ensemble » selects none."""
    page, _ = offline_page
    Person(
        page,
        app_server.url + "/explorer?mesures=orders_awarded&par=arrondissement"
        "&lignes=arrondissement:Arlon",
    )
    page.locator('[data-testid="stPlotlyChart"] .trace.bars .point path').first.wait_for()
    assert _selected_bars(page) == ["Arlon"]
    names = [name for name, _ in page.evaluate(BARS)]
    other = next(n for n in names if n != "Arlon")
    bar = page.locator('[data-testid="stPlotlyChart"] .trace.bars .point path').nth(
        names.index(other)
    )
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_rendered(page, f"Arrondissement : {other}")
    page.wait_for_url(re.compile(rf"lignes=arrondissement%3A{re.escape(quote(other))}(&|$)"))
    assert _selected_bars(page) == [other]
    # The way back to every row: no bar selected, no group in the link.
    page.get_by_role("button", name="Revenir aux lignes de l'ensemble").click()
    wait_rendered(page, "Ensemble — ")
    page.wait_for_function("() => !location.search.includes('lignes=')")
    assert _selected_bars(page) == []
    assert_no_error_box(page, app_server)


def _printed(browser, server, query: str, folder):
    """The Explorer for `query` printed to A4 from a 1366×768 window: the PDF's text in
    drawing order (`pdftotext -raw`, a wrapped cell's lines together) and its pages as
    pictures."""
    import shutil
    import subprocess

    from tests.browser.conftest import wait_layout_stable

    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils absent : test d'impression sauté")
    context, page = fresh_page(browser, {"width": 1366, "height": 768})
    try:
        page.goto(f"{server.url}/explorer?{query}")
        wait_rendered(page)
        page.emulate_media(media="print")
        wait_layout_stable(page)
        pdf = folder / "explorer.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        context.close()
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(folder / "page")], check=True)
    return pdf, " ".join(text.split()), sorted(folder.glob("page-*.png"))


def _used(png) -> float:
    """How far down the page its last drawn line is (share of the page's height)."""
    import numpy as np
    from PIL import Image

    ink = (np.asarray(Image.open(png).convert("L")) < 235).any(axis=1).nonzero()[0]
    return (ink[-1] + 1) / Image.open(png).height if len(ink) else 0.0


@pytest.mark.parametrize(
    ("params", "question"),
    [
        (
            "mesures=orders_awarded&par=arrondissement,solution",
            Question(("orders_awarded",), ("arrondissement", "solution")),
        ),
        (
            "mesures=amount_awarded_eur&par=commune",
            Question(("amount_awarded_eur",), ("commune",)),
        ),
    ],
    ids=["arrondissement-solution", "commune"],
)
def test_the_printed_explorer_holds_its_answer(
    app_server, browser, demo_db, tmp_path, params, question
):
    """Printed to A4 (issue 24): the answer table (one clicks its rows on screen) was not
    on paper, and page 1 was 40 % used, the grouped chart moved whole to page 2. Every
    row label of the answer is printed, and page 1 is at least half used."""
    pdf, text, pages = _printed(browser, app_server, params, tmp_path)
    with connect_read_only(demo_db) as con:
        expected = layer.answer(con, question, dt.date.today())
    assert len(expected) > 5
    labels = {label for dim in question.by for label in expected[dim]}
    missing = sorted(label for label in labels if f" {' '.join(label.split())} " not in f" {text} ")
    assert not missing, f"lignes de la réponse absentes du papier ({pdf}) : {missing}"
    assert _used(pages[0]) >= 0.5, f"page 1 utilisée à {_used(pages[0]):.0%} ({pdf})"


# Each chosen value of a multiselect: its text, and the widths of its text and its box.
CHIPS = """() => [...document.querySelectorAll('[data-tag] > span[title]')].map((s) => {
  const box = s.closest('[data-testid="stMultiSelect"]').getBoundingClientRect();
  const r = s.getBoundingClientRect();
  return {text: s.textContent, scroll: s.scrollWidth, client: s.clientWidth,
          inside: r.left >= box.left - 1 && r.right <= box.right + 1};
})"""


def test_the_chosen_measures_read_whole_at_1366(app_server, browser):
    """At 1366×768 the measures' chips were cut (« Montant attribué (HT… », the review):
    the two longest labels of the registry, chosen together, are read whole."""
    from centrale.semantic import METRICS

    longest = sorted(METRICS, key=lambda k: len(METRICS[k].label))[-2:]
    context, page = fresh_page(browser, {"width": 1366, "height": 768})
    try:
        page.goto(f"{app_server.url}/explorer?mesures={','.join(longest)}&par=arrondissement")
        wait_rendered(page)
        chips = {c["text"]: c for c in page.evaluate(CHIPS)}
    finally:
        context.close()
    for key in longest:
        chip = chips[METRICS[key].label]  # the whole label in the chip
        assert chip["scroll"] <= chip["client"] + 1 and chip["inside"], chip
