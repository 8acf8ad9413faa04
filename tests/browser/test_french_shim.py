"""The French shim (`assets/theme.js`) against the English Streamlit really shows.

Streamlit has no option for the language of its own strings, so the shim rewrites
them by exact text. An upgrade that rewords one would silently leave English on
screen; an entry that no longer matches anything is dead weight. This test opens
every page with the shim switched off (the script's own guard, set before the page
loads: `window.__centraleTheme`) in a French browser, opens the widgets that draw
more strings (a select box, the sidebar's date field and calendar, a table's toolbar),
and lists every string on the page: text nodes and the attributes the shim
translates (aria-label, title, placeholder…).

A string is Streamlit's English when Streamlit's frontend bundle writes it (one of
its JavaScript literals, or a template of them filled in: `${n} options available.`)
and this project's own code does not, or when it matches one of the shim's patterns.
The test fails when such a string is not known to the shim, and when an entry of the
shim matched nothing on any page and is no longer in Streamlit's bundle either.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import streamlit

from tests.browser.conftest import VIEWPORT, registered_pages, wait_rendered, wait_settled

# English a screen reader must never say on an import tab: Streamlit's uploader words and
# the Material icon names it reads out ("add icon", shown as « icône add » before).
ENGLISH_NAMES = re.compile(r"\b(add|upload|icon|lock_open|Browse|Upload|Add files|file upload)\b")

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
THEME_JS = REPO / "assets" / "theme.js"
BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"
# The Présentation and the commune page are opened on a commune, so they draw everything.
EXTRA_QUERY = {"commune": "?nis=84009", "presentation": "?nis=84009"}

# Every string of the page the shim could translate: text nodes (not icons, scripts,
# styles nor plotly's own SVG, which the shim leaves alone) and its attributes.
COLLECT = """(attributes) => {
    const found = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest(
            "[data-testid='stIconMaterial'], script, style, noscript, .js-plotly-plot")) continue;
        const text = node.data.trim();
        if (text) found.add(text);
    }
    for (const name of attributes) {
        for (const el of document.querySelectorAll("[" + name + "]")) {
            const text = (el.getAttribute(name) || "").trim();
            if (text) found.add(text);
        }
    }
    return [...found];
}"""

# The shim's tables, taken from theme.js itself (its "French" section run on its own):
# the exact keys, and for each pattern which of the given strings it matches.
TABLES = """([section, strings]) => {
    const tables = new Function(section + "; return {EXACT, PATTERNS, ATTRIBUTES};")();
    return {
        exact: Object.keys(tables.EXACT),
        attributes: tables.ATTRIBUTES,
        patterns: tables.PATTERNS.map(([pattern]) => ({
            source: pattern.source,
            matches: strings.filter((s) => pattern.test(s)),
        })),
    };
}"""


def shim_section() -> str:
    """The part of theme.js that declares what it translates (EXACT … ATTRIBUTES)."""
    text = THEME_JS.read_text(encoding="utf-8")
    start = text.index("const EXACT = {")
    end = text.index("\n", text.index("const ATTRIBUTES = ["))
    return text[start:end]


@cache
def bundle_text() -> str:
    """Streamlit's frontend JavaScript, as installed."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in BUNDLE.glob("*.js"))


@cache
def bundle_literals() -> frozenset[str]:
    """Every quoted string literal of Streamlit's frontend JavaScript."""
    literal = re.compile(r'"([^"\\\n]{2,200})"|\'([^\'\\\n]{2,200})\'|`([^`\\$\n]{2,200})`')
    found = (next(g for g in m.groups() if g is not None) for m in literal.finditer(bundle_text()))
    return frozenset(text.strip() for text in found)


@cache
def bundle_phrases() -> dict[str, list[str]]:
    """The English phrases of Streamlit's templates (`${n} options available.` gives
    "options", "available."), indexed by their first word: pieces between quotes,
    backticks and `${…}` of at least two words or one word and a full stop."""
    index: dict[str, list[str]] = {}
    for piece in re.split(r"[`\"']|\$\{|\}", bundle_text()):
        phrase = piece.strip()
        if 4 <= len(phrase) <= 80 and re.fullmatch(r"[A-Za-z][A-Za-z ,.:!?/-]*", phrase):
            if (" " in phrase or phrase.endswith(".")) and re.search("[a-z]{3}", phrase):
                index.setdefault(phrase.split()[0], []).append(phrase)
    return index


def streamlit_wrote(text: str) -> bool:
    """Whether `text` is one of Streamlit's literals or holds one of its phrases."""
    if text in bundle_literals():
        return True
    if re.search(r"[^\x00-\x7f]", text):
        return False  # a phrase inside French text: the page's own words
    index = bundle_phrases()
    return any(p in text for word in set(text.split()) for p in index.get(word, ()))


@cache
def bundle_pieces() -> frozenset[str]:
    """The fixed pieces of Streamlit's literals and templates, stripped."""
    pieces = set(bundle_literals())
    for match in re.finditer(r"`([^`\\\n]{2,200})`", bundle_text()):
        pieces.update(p.strip() for p in re.split(r"\$\{[^{}]*\}", match.group(1)))
    return frozenset(pieces)


def in_bundle(entry: str, pattern: bool = False) -> bool:
    """Whether Streamlit's JavaScript still writes `entry` (for a pattern: every English
    fragment of it outside its groups). Strings the browser makes itself (the date
    field's month and field names, from Intl) are in no bundle: they must be seen."""
    if not pattern:
        return entry in bundle_text()
    text = re.sub(r"\((?:[^()]|\([^()]*\))*\)", "  ", entry)  # the groups
    text = re.sub(r"\\.\??|[$^]", "  ", text)  # anchors, \s?, \d…
    fragments = [f.strip() for f in re.split(r"\s{2,}", text) if re.search("[A-Za-z]{2}", f)]
    phrases = {p for found in bundle_phrases().values() for p in found}
    return bool(fragments) and all(f in bundle_pieces() or f in phrases for f in fragments)


@cache
def project_text() -> str:
    """The project's own code and assets: a string written there is the app's, not
    Streamlit's (a page title, a French label that happens to be in the bundle)."""
    parts = []
    for folder in ("pages", "ui", "centrale", "reports", "assets"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix in {".py", ".css", ".toml", ".md"} and path.is_file():
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
    parts.append((REPO / "dashboard.py").read_text(encoding="utf-8"))
    return "\n".join(parts)


def open_widgets(page, seen: set[str]) -> None:
    """Draw the strings a person sees on using the page: a select box's list, a date
    field's calendar, a file chosen in the survey import (its size), a table's toolbar
    (on hover), the sidebar's button (on hover)."""
    main = page.locator('[data-testid="stMain"]')
    wait_settled(page)
    for selector in ('[data-testid="stSelectbox"]', '[data-testid="stMultiSelect"]'):
        box = main.locator(selector).first
        if box.count() and box.is_visible():
            box.locator("input").first.click()
            page.wait_for_selector('[role="listbox"], [data-baseweb="popover"]', state="attached")
            collect_into(page, seen)
            page.keyboard.press("Escape")
            wait_settled(page)
    calendar = page.locator('[data-testid="stSidebar"]').get_by_text("Calendrier", exact=True)
    if calendar.count():
        calendar.click()
        field = page.locator('[data-testid="stPopoverBody"] [data-testid="stDateInputField"]')
        field.wait_for()
        field.locator('[role="spinbutton"]').first.focus()  # its spoken value: "1 – January"
        collect_into(page, seen)
        page.locator('[data-testid="stPopoverBody"]').get_by_role(
            "button", name="Choose date"
        ).click()
        page.locator('[data-testid="stDateInputCalendar"]').wait_for()
        collect_into(page, seen)
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        wait_settled(page)
    uploader = main.locator('[data-testid="stFileUploader"]', has_text="Export de l'enquête")
    if uploader.count():  # a chosen file draws its name and size (« 5.5KB »): read only
        export = {"name": "export.csv", "mimeType": "text/csv", "buffer": b"a;b\r\n1;2\r\n"}
        uploader.locator('input[type="file"]').set_input_files(files=[export])
        uploader.get_by_text("export.csv").first.wait_for(state="attached")
        wait_settled(page)
        collect_into(page, seen)
    table = main.locator('[data-testid="stDataFrame"]').first
    if table.count() and table.is_visible():
        table.hover()
        page.wait_for_selector('[data-testid="stElementToolbar"]', state="attached")
        collect_into(page, seen)
    page.locator('[data-testid="stSidebar"]').hover()
    wait_settled(page)


ATTRIBUTES: list[str] = []  # the shim's own list, read from theme.js by the test


def collect_into(page, seen: set[str]) -> None:
    seen.update(page.evaluate(COLLECT, ATTRIBUTES))


@pytest.mark.slow
def test_every_english_string_streamlit_shows_is_translated_and_no_entry_is_dead(
    app_server, browser
):
    section, seen = shim_section(), set()
    # A French browser: what the shim's first step makes of any browser (it reports fr-BE
    # to the page), so the calendar's month and day names are the browser's French; the
    # English left is Streamlit's own, which the shim's table translates.
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
    context.add_init_script("window.__centraleTheme = true;")  # the shim's guard: it stays off
    page = context.new_page()
    page.set_default_timeout(45_000)
    try:
        page.goto(app_server.url)
        wait_rendered(page)
        ATTRIBUTES[:] = page.evaluate(TABLES, [section, []])["attributes"]
        for app_page in registered_pages():
            page.goto(f"{app_server.url}/{app_page.url_path}{EXTRA_QUERY.get(app_page.stem, '')}")
            wait_rendered(page)
            assert page.evaluate("() => document.documentElement.lang") != "fr", (
                "le script de traduction tourne encore : le test ne verrait que le français"
            )
            collect_into(page, seen)
            open_widgets(page, seen)
            collect_into(page, seen)
        # An address that names no page: Streamlit's notice (« Page not found »).
        page.goto(f"{app_server.url}/aide")
        page.get_by_role("dialog").wait_for()
        collect_into(page, seen)
        tables = page.evaluate(TABLES, [section, sorted(seen)])
    finally:
        context.close()

    exact = set(tables["exact"])
    by_pattern = {p["source"]: set(p["matches"]) for p in tables["patterns"]}
    matched = set().union(*by_pattern.values())
    ours = project_text()
    english = {
        s for s in seen if re.search("[A-Za-z]{2}", s) and s not in ours and streamlit_wrote(s)
    }
    unknown = sorted(english - exact - matched)
    # Dead: matched nothing here (after opening the widgets) and no longer in Streamlit.
    # An entry still in Streamlit's bundle but not drawn by these pages (a transient
    # "Running...", a widget's rare state) is kept: it may show.
    dead = sorted(e for e in exact - seen if not in_bundle(e)) + sorted(
        p for p, found in by_pattern.items() if not found and not in_bundle(p, pattern=True)
    )
    assert not unknown, f"anglais de Streamlit que le script ne traduit pas : {unknown}"
    assert not dead, f"entrées du script qui ne correspondent plus à rien : {dead}"


@pytest.mark.parametrize(
    ("path", "tab", "zone"),
    [("data", None, "Fichier à importer"), ("survey", "Importer", "Export de l'enquête")],
    ids=["importer-des-donnees", "enquete-importer"],
)
def test_upload_buttons_are_named_in_french(app_server, browser, path, tab, zone):
    """The uploader's buttons, as a screen reader names them (Chromium's accessibility
    tree, through Playwright's roles), on both import tabs: « Parcourir » before a file,
    « Ajouter des fichiers » after, and no English icon name said with either (the
    button used to read « Ajouter des fichiers, icône add »)."""
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(45_000)
    try:
        page.goto(f"{app_server.url}/{path}")
        wait_rendered(page)
        if tab:
            page.get_by_role("tab", name=tab).click()
            wait_settled(page)
        region = page.get_by_role("region", name=zone)
        browse = region.get_by_role("button", name="Parcourir", exact=True)
        browse.wait_for(state="visible")
        before = region.aria_snapshot()
        assert not ENGLISH_NAMES.search(before), before

        export = {"name": "export.csv", "mimeType": "text/csv", "buffer": b"a;b\r\n1;2\r\n"}
        region.locator('input[type="file"]').set_input_files(files=[export])
        add = region.get_by_role("button", name="Ajouter des fichiers", exact=True)
        add.wait_for(state="visible")
        wait_settled(page)
        # The name is the button's whole text for a screen reader: nothing read after it.
        assert add.aria_snapshot() == '- button "Ajouter des fichiers"', add.aria_snapshot()
        after = region.aria_snapshot()
        assert not ENGLISH_NAMES.search(after) and "icône" not in after, after
        # The sidebar's « Mode poste unique » icon is decoration, not « icône lock_open ».
        sidebar = page.locator('[data-testid="stSidebar"]').aria_snapshot()
        assert not ENGLISH_NAMES.search(sidebar) and "icône" not in sidebar, sidebar
    finally:
        context.close()


def test_an_address_that_names_no_page_is_said_in_french(app_server, offline_page):
    """/aide (a French guess for the Aide page, which is /help) opens the overview with
    Streamlit's « page not found » notice: in French, naming no English directory."""
    page, _offline = offline_page
    page.goto(f"{app_server.url}/aide")
    wait_rendered(page)
    notice = page.get_by_role("dialog")
    notice.wait_for()
    text = notice.inner_text()
    assert "Page introuvable" in text and "page d'accueil" in text, text
    assert not re.search(r"[Pp]age not found|Running the app|directory", text), text
