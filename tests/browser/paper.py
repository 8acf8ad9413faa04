"""What a person checks on a projected slide and on a printed page, as functions.

- `slide_audit` (run in the page): the smallest text on the screen (computed font
  size of every visible text node, times the zoom of its ancestors), the canvas
  tables and the controls left visible, and how much of the screen the slide fills;
- `pdf_words` reads a PDF back with `pdftotext -bbox` (one word, its page and box);
- `broken_tokens`, `headings_at_page_bottom`, `blank_pages`, `control_words`:
  the paper checks of issue 24, over those words.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

SLIDE_AUDIT = """() => {
  const shown = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.display === "none" || cs.visibility === "hidden") return false;
      if (parseFloat(cs.opacity) === 0) return false;
      const r = a.getBoundingClientRect();
      // Visually hidden (Streamlit's skip link, screen-reader labels): a clipped 1-px box.
      if ((r.width <= 2 || r.height <= 2) && cs.overflow !== "visible") return false;
    }
    return true;
  };
  const onScreen = (r) => r.width > 1 && r.height > 1 && r.bottom > 0 && r.top < innerHeight
      && r.right > 0 && r.left < innerWidth;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.data.trim()) continue;
    const el = n.parentElement;
    if (!el || el.closest("script, style, title")) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    if (![...range.getClientRects()].some(onScreen) || !shown(el)) continue;
    let zoom = 1;
    for (let a = el; a; a = a.parentElement) {
      zoom *= parseFloat(getComputedStyle(a).zoom || "1") || 1;
    }
    // Text inside an SVG (the slide's map, a chart) is drawn at its font size times the
    // SVG's own scale (a viewBox drawn wider or narrower than its units): its screen CTM.
    if (el instanceof SVGGraphicsElement && el.getScreenCTM()) {
      const m = el.getScreenCTM();
      zoom *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    texts.push([parseFloat(getComputedStyle(el).fontSize) * zoom, n.data.trim().slice(0, 60)]);
  }
  texts.sort((a, b) => a[0] - b[0]);
  const visible = (selector) => [...document.querySelectorAll(selector)]
      .filter((e) => onScreen(e.getBoundingClientRect()) && shown(e));
  const controls = visible("button, input, select, textarea, [role='combobox'], [role='slider'], "
      + "[data-testid='stTooltipIcon'], .modebar-container")
      .filter((e) => !e.closest("#centrale-projector-bar"))
      .map((e) => (e.getAttribute("aria-label") || e.textContent || e.tagName).trim().slice(0, 40));
  const block = document.querySelector(
      "[data-testid='stMainBlockContainer'] > [data-testid='stVerticalBlock']");
  const kids = block ? [...block.children].filter((c) => c.getBoundingClientRect().height > 0) : [];
  const top = kids.length ? Math.min(...kids.map((c) => c.getBoundingClientRect().top)) : 0;
  const bottom = kids.length ? Math.max(...kids.map((c) => c.getBoundingClientRect().bottom)) : 0;
  // A chart's text drawn outside its chart's box or the screen is cut on the wall (the
  // chart runs off the screen, or a label off the chart): every text box of a visible
  // chart must lie inside both.
  const cut = [];
  for (const chart of visible("[data-testid='stPlotlyChart']")) {
    const box = chart.getBoundingClientRect();
    for (const t of chart.querySelectorAll("svg text")) {
      if (!t.textContent.trim() || !shown(t)) continue;
      const r = t.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      if (r.left < Math.max(box.left, 0) - 1 || r.right > Math.min(box.right, innerWidth) + 1
          || r.top < Math.max(box.top, 0) - 1 || r.bottom > Math.min(box.bottom, innerHeight) + 1) {
        cut.push(t.textContent.trim().slice(0, 40));
      }
    }
  }
  const bar = document.getElementById("centrale-projector-bar");
  return {
    cut,
    // A picture's text (a map drawn as PNG) is out of this audit's reach: none on a slide.
    pictures: visible("img, canvas")
      .filter((e) => !e.closest("[data-testid='stPlotlyChart'], [data-testid='stDataFrame']"))
      .map((e) => (e.getAttribute("alt") || e.tagName).slice(0, 40)),
    smallest: texts.slice(0, 5),
    grids: visible("[data-testid='stDataFrame'], [data-testid='data-grid-canvas']").length,
    controls,
    fill: (bottom - top) / (innerHeight - (bar ? bar.offsetHeight : 0)),
  };
}"""


@dataclass(frozen=True)
class Word:
    page: int  # from 1
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    page_height: float


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def pdf_words(pdf: Path) -> list[Word]:
    """Every word of `pdf` with its page and box (points, from the top), by `pdftotext -bbox`."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words, page, height = [], 0, 0.0
    for line in out.splitlines():
        if m := _PAGE.search(line):
            page, height = page + 1, float(m.group(2))
        elif m := _WORD.search(line):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            words.append(Word(page, html.unescape(m.group(5)), x0, y0, x1, y1, height))
    return words


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))


def lines(words: list[Word]) -> list[tuple[int, float, str]]:
    """The words grouped into printed lines: (page, top, text joined by single spaces).
    Words whose boxes overlap vertically on one page belong to one line; a table row
    is one line across its cells, which is what a broken cell would leave behind."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.page, w.y_min, w.x_min)):
        row = rows[-1] if rows else None
        if row and row[0].page == w.page and abs(row[0].y_min - w.y_min) < 2.5:
            row.append(w)
        else:
            rows.append([w])
    return [
        (r[0].page, r[0].y_min, " ".join(w.text for w in sorted(r, key=lambda w: w.x_min)))
        for r in rows
    ]


def _spaced(text: str) -> str:
    return " ".join(text.split())  # every kind of space (NBSP, narrow NBSP) as one space


def broken_tokens(tokens: set[str], words: list[Word]) -> list[str]:
    """The tokens (a word, a date, an amount with its thousands and its « € »: text between
    ordinary spaces on screen) that do not appear whole on one printed line."""
    printed = [" " + _spaced(text) + " " for _page, _top, text in lines(words)]
    return sorted(t for t in tokens if not any(f" {_spaced(t)} " in line for line in printed))


def headings_at_page_bottom(headings: list[str], words: list[Word], share=0.10) -> list[str]:
    """Headings whose printed line starts in the last `share` of a page's height."""
    found = []
    for page, top, text in lines(words):
        height = next(w.page_height for w in words if w.page == page)
        for heading in headings:
            if _spaced(text) == _spaced(heading) and top > height * (1 - share):
                found.append(f"« {heading} » en bas de la page {page} ({top:.0f}/{height:.0f} pt)")
    return found


def blank_pages(pdf: Path, folder: Path, min_ink=0.004) -> list[int]:
    """Pages with (almost) nothing drawn: fewer than `min_ink` non-white pixels."""
    import numpy as np
    from PIL import Image

    prefix = folder / f"{pdf.stem}-page"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(prefix)], check=True)
    blank = []
    for index, png in enumerate(sorted(folder.glob(f"{pdf.stem}-page-*.png")), start=1):
        pixels = np.asarray(Image.open(png).convert("L"))
        if (pixels < 235).mean() < min_ink:
            blank.append(index)
    return blank


# What controls leave as text when printed: their labels and Material icon ligatures.
# What controls leave as text when printed: Material icon ligatures (the names of icons
# drawn as text) and the pickers' placeholders. (Button labels are checked in the page
# itself: the help page names them in its prose.)
CONTROL_TEXTS = (
    "Choisir une option",
    "Choisir la commune",
    "keyboard_arrow_down",
    "keyboard_arrow_up",
    "expand_more",
    "expand_less",
    "download",
    "help_outline",
    "slideshow",
    "picture_as_pdf",
)


def control_words(words: list[Word]) -> list[str]:
    text = " ".join(_spaced(line) for _p, _t, line in lines(words))
    return [c for c in CONTROL_TEXTS if c in text]


# A Material icon is a word drawn in the icon font (« keyboard_arrow_right » draws ›):
# printed, the PDF holds the word. Streamlit's own icons (expanders, alerts, pickers), and
# any word shaped like an icon's name (lower case joined by underscores).
STREAMLIT_ICONS = frozenset(
    {
        "keyboard_arrow_right",
        "keyboard_arrow_down",
        "keyboard_arrow_up",
        "keyboard_arrow_left",
        "arrow_drop_down",
        "arrow_drop_up",
        "expand_more",
        "expand_less",
        "chevron_right",
        "check_circle",
        "error_outline",
        "warning_amber",
        "help_outline",
        "sync_problem",
    }
)
_ICON_SHAPE = re.compile(r"^[a-z]+(?:_[a-z]+)+$")

# Run in the page on screen: the names of the icons it draws (text in the icon font).
ICON_NAMES = """() => [...document.querySelectorAll('body *')]
  .filter((e) => !e.children.length && /Material/i.test(getComputedStyle(e).fontFamily))
  .map((e) => e.textContent.trim()).filter((t) => t)"""
# Run in the page printed: icons still drawn (text in the icon font, shown).
ICONS_SHOWN = """() => [...document.querySelectorAll('body *')]
  .filter((e) => !e.children.length && e.textContent.trim()
                 && /Material/i.test(getComputedStyle(e).fontFamily) && e.getClientRects().length
                 && getComputedStyle(e).visibility !== 'hidden')
  .map((e) => e.textContent.trim())"""


def icon_words(words: list[Word], names=()) -> list[str]:
    """Printed words that are an icon's name: `names` (the page's icons), Streamlit's own,
    or any word shaped like one (« keyboard_arrow_right »)."""
    known = STREAMLIT_ICONS | set(names)
    return sorted({w.text for w in words if w.text in known or _ICON_SHAPE.match(w.text)})


def pdf_fonts(pdf: Path) -> list[str]:
    """The names of the fonts a PDF draws with (`pdffonts`)."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in out.stdout.splitlines()[2:] if line.strip()]


# « Situation au 24 novembre 2026 » (a page's reference date, as the page says it).
_SITUATION = re.compile(r"Situation au \d{1,2}(?:er)? [a-zéû]+ \d{4}")


def situation_lines(words: list[Word]) -> list[str]:
    """Every printed statement of the page's reference date."""
    text = " ".join(_spaced(line) for _p, _t, line in lines(words))
    return _SITUATION.findall(text)


# Run in the page printed: the smallest type of its text (points on paper; charts, drawn
# to scale from the screen, apart): [size, text] pairs, smallest first.
SMALLEST_PRINTED = """() => { const found = [];
  const walker = document.createTreeWalker(document.querySelector('[data-testid="stMain"]'),
                                           NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.data.trim() || !el || el.closest('svg, script, style, .js-plotly-plot')) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    let zoom = 1;
    for (let a = el; a; a = a.parentElement) {
      zoom *= parseFloat(getComputedStyle(a).zoom || '1') || 1;
    }
    const points = parseFloat(getComputedStyle(el).fontSize) * zoom * 0.75;
    found.push([points, n.data.trim().slice(0, 50)]);
  }
  return found.sort((a, b) => a[0] - b[0]).slice(0, 5); }"""
