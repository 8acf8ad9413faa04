"""What a manager checks on a page, as functions over a Playwright page.

- `axe_violations`: axe-core (the npm package in `node_modules/`, injected
  from disk into the page: no CDN) run on the whole document, WCAG 2.1 A/AA;
- `horizontal_overflow`: elements of the main area wider than the window
  or cut on the right (a table losing columns, a label cut);
- `english_words`: English words left in visible text, aria labels, titles
  and placeholders (Streamlit's own strings included).
"""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Words a French reader must never meet; matched as whole words, case-insensitive.
ENGLISH = [
    "upload",
    "browse files",
    "per file",
    "no results",
    "stop",
    "download as csv",
    "download",
    "search",
    "fullscreen",
    "full screen",
    "select",
    "matches",
    "clear all",
    "clear",
    "remove",
    "skip to main content",
    "help for",
    "day/month/year",
    "close",
    "open",
    "settings",
    "show",
    "hide",
    "loading",
    "running",
    "choose an option",
    "no options",
    "sort",
    "ascending",
    "descending",
    "collapse",
    "expand",
    "copy",
    "rerun",
    "deploy",
    "view",
    "press enter",
    "keyboard",
    # The date picker (its field, its calendar, what a screen reader says of them).
    "choose",
    "previous",
    "month",
    "year",
    "day",
    "arrow keys",
    "january",
    "february",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]
ENGLISH_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b", re.I)


def axe_available() -> bool:
    return AXE_JS.exists()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page now: [{id, impact, help, nodes: [target…]}]."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: '
                                                  + (n.failureSummary || '').slice(0, 200)),
            }));
        }""",
        AXE_TAGS,
    )


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("critical", "serious")]


def horizontal_overflow(page) -> list[str]:
    """Visible things sticking out on the right: the document wider than the window,
    or an element of the main area whose right edge passes the viewport (or whose
    own content is wider than its box when it does not scroll on purpose)."""
    return page.evaluate(
        """() => {
            const out = [];
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth > width + 1)
                out.push(`document ${document.documentElement.scrollWidth}px > ${width}px`);
            const main = document.querySelector('[data-testid="stMain"]');
            if (!main) return out;
            for (const el of main.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (!r.width || !r.height) continue;
                const style = getComputedStyle(el);
                if (style.visibility === 'hidden' || style.display === 'none') continue;
                if (r.right > width + 1) {
                    out.push(`${el.tagName.toLowerCase()}[${el.dataset.testid || el.className}]`
                             + ` right=${Math.round(r.right)} > ${width}`);
                }
            }
            // Tables: every column must be reachable without a hidden scroll.
            for (const grid of main.querySelectorAll('[data-testid="stDataFrame"]')) {
                const scroller = grid.querySelector('.dvn-scroller');
                if (scroller && scroller.scrollWidth > scroller.clientWidth + 2) {
                    out.push(`tableau coupé (${scroller.scrollWidth}px`
                             + ` > ${scroller.clientWidth}px)`);
                }
            }
            // Labels and metric values cut with an ellipsis.
            for (const el of main.querySelectorAll(
                    '.centrale-kpi-label, .centrale-kpi-value,'
                    + ' [data-testid="stWidgetLabel"] *,'
                    + ' [data-testid="stBaseButton-segmented_control"] *,'
                    + ' [data-testid="stButtonGroup"] button *')) {
                if (el.children.length) continue;
                const clips = getComputedStyle(el).overflow !== 'visible';
                if (el.scrollWidth > el.clientWidth + 1 && clips)
                    out.push(`texte coupé : « ${el.textContent.trim().slice(0, 60)} »`);
            }
            return [...new Set(out)].slice(0, 30);
        }"""
    )


def hidden_under_header(page) -> str | None:
    """The first thing of the main column when Streamlit's header covers its top
    (a label half hidden under the white bar), else None: what a click or an eye
    at that point would reach is the header, not the element."""
    return page.evaluate(
        """() => {
            const header = document.querySelector('[data-testid="stHeader"]');
            if (!header) return null;
            const first = [...document.querySelectorAll(
                    '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]')]
                .find(e => {
                    const r = e.getBoundingClientRect();
                    return r.width > 0 && r.height > 0 && getComputedStyle(e).display !== 'none';
                });
            if (!first) return null;
            const r = first.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + 4, r.top + 2);
            if (!hit || first.contains(hit)) return null;
            return `« ${first.innerText.trim().slice(0, 40)} » (haut à ${Math.round(r.top)} px)`
                + ` caché par ${hit.dataset.testid || hit.tagName.toLowerCase()}`;
        }"""
    )


def visible_strings(page) -> list[str]:
    """Visible text of the page plus every aria-label, title, placeholder, alt and
    aria-valuetext (what a screen reader says of a date field's month)."""
    return page.evaluate(
        """() => {
            // Text nodes a reader meets: visible, not inside an aria-hidden part
            // (material icons are ligatures such as "download", hidden from readers).
            const out = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const el = n.parentElement;
                if (!el || !n.data.trim() || el.closest('[aria-hidden="true"], script, style'))
                    continue;
                if (!el.getClientRects().length) continue;
                out.push(n.data);
            }
            for (const el of document.querySelectorAll(
                    '[aria-label], [title], [placeholder], [alt], [aria-placeholder],'
                    + ' [aria-valuetext]')) {
                for (const name of ['aria-label', 'title', 'placeholder', 'alt',
                                    'aria-placeholder', 'aria-valuetext']) {
                    const v = el.getAttribute(name);
                    if (v) out.push(v);
                }
            }
            return out;
        }"""
    )


def english_words(page) -> list[str]:
    """English words found in `visible_strings`, each with its surroundings."""
    found = []
    for text in visible_strings(page):
        for match in ENGLISH_RE.finditer(text):
            start, end = max(match.start() - 30, 0), match.end() + 30
            found.append(text[start:end].replace("\n", " ⏎ "))
    return sorted(set(found))


# The grid of st.dataframe is a canvas (glide-data-grid): its headers and cells are
# not DOM boxes, so "scrollWidth > clientWidth" sees nothing. What the grid draws is
# read from its React props (column widths, row height, theme fonts, cell texts) and
# each text is measured with the grid's own font, as the grid itself does.
# The props of the grid drawn on `canvas`: walk up its React fiber to the component
# that holds the columns, the cell getter and the theme.
_GRID_PROPS_JS = """(canvas) => {
        const fiberKey = Object.keys(canvas).find(k => k.startsWith('__reactFiber$'));
        let fiber = fiberKey ? canvas[fiberKey] : null;
        for (let depth = 0; fiber && depth < 40; depth++, fiber = fiber.return) {
            const p = fiber.memoizedProps;
            if (p && Array.isArray(p.columns) && p.getCellContent && p.theme) return p;
        }
        return null;
    }"""
_GRID_TEXT_JS = (
    """async (limit) => {
    const GRID_PROPS = """
    + _GRID_PROPS_JS
    + """;
    await document.fonts.ready;
    const ctx = document.createElement('canvas').getContext('2d');
    const width = (font, text) => { ctx.font = font; return ctx.measureText(text).width; };
    // Greedy word wrap (what the grid does when its rows are tall enough to wrap).
    const lines = (font, text, room) => {
        let count = 0;
        for (const paragraph of String(text).split('\\n')) {
            let line = '';
            count += 1;
            for (const word of paragraph.split(' ')) {
                const next = line ? line + ' ' + word : word;
                if (line && width(font, next) > room) { count += 1; line = word; }
                else line = next;
                if (width(font, word) > room) return Infinity;  // a word wider than the column
            }
        }
        return count;
    };
    const out = [];
    const grids = [...document.querySelectorAll('[data-testid="stDataFrame"]')];
    for (const [index, grid] of grids.entries()) {
        if (!grid.getClientRects().length) continue;
        const canvas = grid.querySelector('[data-testid="data-grid-canvas"]');
        if (!canvas) continue;  // not drawn yet (a closed expander): nothing cut on screen
        const props = GRID_PROPS(canvas);
        if (!props) {
            out.push(`tableau ${index + 1} : propriétés de la grille introuvables`);
            continue;
        }
        const theme = props.theme, pad = theme.cellHorizontalPadding;
        const name = `tableau ${index + 1}`;
        const total = props.columns.reduce((sum, column) => sum + column.width, 0);
        if (total > props.width + 1)
            out.push(`${name} : colonnes hors de vue (${total} px > ${props.width} px)`);
        props.columns.forEach((column, c) => {
            const room = column.width - 2 * pad;
            if (width(theme.headerFontFull, column.title) > room + 0.5)
                out.push(`${name}, en-tête coupé : « ${column.title} » (${column.width} px)`);
            for (let r = 0; r < Math.min(props.rows, limit); r++) {
                const cell = props.getCellContent([c, r]);
                const text = cell.displayData ?? (typeof cell.data === 'string' ? cell.data : '');
                if (!text || typeof text !== 'string') continue;
                let cut;
                if (cell.allowWrapping) {
                    const n = lines(theme.baseFontFull, text, room);
                    const size = parseFloat(/(\\d+(?:\\.\\d+)?)px/.exec(theme.baseFontFull)[1]);
                    const needed = size + size * theme.lineHeight * (n - 1)
                                   + theme.cellVerticalPadding;
                    cut = !(needed <= props.rowHeight);
                } else {
                    cut = width(theme.baseFontFull, text) > room + 0.5;
                }
                if (cut) out.push(`${name}, cellule coupée : « ${text.slice(0, 60)} »`
                                  + ` (colonne « ${column.title} », ${column.width} px)`);
            }
        });
    }
    return out;
}"""
)


def clipped_table_text(page, rows: int = 60) -> list[str]:
    """Headers and cells of the page's st.dataframe grids whose text the grid cuts
    (wider than its column, or more wrapped lines than its row holds), first `rows`
    rows of each; a grid whose drawing cannot be read is reported too."""
    return page.evaluate(_GRID_TEXT_JS, rows)


def grid_column_widths(page, index: int = 0) -> list[int]:
    """Drawn widths (px) of the columns of the page's `index`-th drawn grid."""
    canvas = page.locator('[data-testid="data-grid-canvas"]').nth(index)
    return canvas.evaluate("(canvas) => (" + _GRID_PROPS_JS + ")(canvas).columns.map(c => c.width)")
