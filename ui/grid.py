"""How st.dataframe's grid draws text, so that a table is laid out with nothing cut.

The grid (glide-data-grid) paints on a canvas: a header or a cell wider than its
column is simply cut, and headers never wrap. Cells wrap only when the rows are
taller than 4rem (64 px): Streamlit turns text wrapping on by itself for such a
`row_height` (streamlit/streamlit#9549). So `layout` gives every column at least
its whole header, numbers and dates their whole text, and lets long texts
(solution names, lists of communes) wrap over two to four lines in
taller rows rather than cutting them.

Widths are those of the grid's font (Source Sans, 400, 14 px), measured in
Chromium with `measureText`; the browser test `test_presentable` measures the
drawn tables the same way and fails on any cut text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# Source Sans 400 14 px: (characters, advance width in px), measured in Chromium.
_GLYPHS = (
    ("\u202f", 1.68),
    (" \u00a0", 2.8),
    ("|", 3.37),
    ("iîï", 3.44),
    ("j", 3.46),
    ("',.:;’·", 3.49),
    ("l", 3.57),
    ("IÎÏ", 3.68),
    ("!", 4.05),
    ("f", 4.09),
    ("()[]{}", 4.24),
    ("-", 4.35),
    ("°", 4.63),
    ("t", 4.73),
    ("r", 4.86),
    ("/\\", 4.9),
    ("*", 5.85),
    ("s", 5.87),
    ("?z", 5.95),
    ('"', 5.96),
    ("«»", 6.01),
    ("x", 6.24),
    ("cç", 6.38),
    ("vyÿ", 6.54),
    ("Y", 6.66),
    ("J", 6.71),
    ("–", 6.72),
    ("L", 6.8),
    ("F", 6.92),
    ("k", 6.93),
    ("eéèêë", 6.94),
    ("0123456789#$+<=>^~€×", 6.96),
    ("_", 7),
    ("agàâä", 7.06),
    ("X", 7.18),
    ("V", 7.21),
    ("EÉÈÊË", 7.38),
    ("S", 7.48),
    ("T", 7.5),
    ("Z", 7.55),
    ("`oôö", 7.59),
    ("A", 7.6),
    ("huùûüÀÂÄ", 7.62),
    ("n", 7.66),
    ("b", 7.74),
    ("dpq", 7.77),
    ("P", 7.92),
    ("R", 7.97),
    ("CÇ", 7.99),
    ("K", 8.11),
    ("B", 8.23),
    ("&", 8.53),
    ("✓", 8.57),
    ("D", 8.61),
    ("G", 8.64),
    ("→←", 8.67),
    ("UÙÛÜ", 9.03),
    ("N", 9.06),
    ("H", 9.13),
    ("✔", 9.18),
    ("OQÔÖ", 9.3),
    ("w", 10.07),
    ("M", 10.18),
    ("æ", 10.89),
    ("W", 11),
    ("—", 11.2),
    ("Æ", 11.51),
    ("%", 11.54),
    ("m", 11.61),
    ("œ", 11.75),
    ("@Œ", 11.86),
    ("⚠", 12.55),
    ("…", 13.27),
)
GLYPH_PX = {ch: width for chars, width in _GLYPHS for ch in chars}
UNKNOWN_GLYPH_PX = 9.0  # wider than most letters: an unmeasured character never cuts
CELL_PADDING_PX = 8  # each side (the grid's theme)
FONT_PX = 14
LINE_HEIGHT = 1.4  # the grid's line spacing, in font heights
VERTICAL_PADDING_PX = 3
DEFAULT_ROW_PX = 35
WRAPPING_ROW_PX = 65  # Streamlit wraps cells only in rows taller than 4rem (64 px)
MAX_LINES = 4  # past this a cell is for the Excel file (the full text shows on click)
SLACK_PX = 4  # rounding and kerning
MIN_TEXT_COLUMN_PX = 90


def text_px(text: str) -> float:
    """Width in pixels of `text` in the grid's font."""
    return sum(GLYPH_PX.get(ch, UNKNOWN_GLYPH_PX) for ch in text)


def cell_px(text: str) -> int:
    """Column width that shows `text` on one line: text, padding and slack."""
    return math.ceil(text_px(text) + 2 * CELL_PADDING_PX + SLACK_PX)


def lines_needed(text: str, column_px: float) -> float:
    """Lines `text` takes once wrapped at word boundaries in a column `column_px`
    wide (the grid's greedy wrap); infinite when one word is wider than the column."""
    room = column_px - 2 * CELL_PADDING_PX - SLACK_PX
    space = GLYPH_PX[" "]
    lines, used = 1, 0.0
    for word in str(text).split(" "):
        width = text_px(word)
        if width > room:
            return math.inf
        if used and used + space + width > room:
            lines, used = lines + 1, width
        else:
            used = used + space + width if used else width
    return lines


def row_px(lines: float) -> int:
    """Row height that holds `lines` wrapped lines (the grid's own arithmetic)."""
    if lines <= 1:
        return DEFAULT_ROW_PX
    needed = FONT_PX + FONT_PX * LINE_HEIGHT * (lines - 1) + VERTICAL_PADDING_PX + SLACK_PX
    return max(WRAPPING_ROW_PX, math.ceil(needed))


def layout(
    columns: Iterable[tuple[str, str, list[str], bool]], budget: int
) -> tuple[dict[str, int], int | None]:
    """Column widths (px) and row height (None: the default) for a table of `columns`.

    Each column is (name, header, its texts as shown, wrappable). Every header
    is whole; a column that is not wrappable (numbers, dates, codes) gets its
    longest text. When that is wider than `budget`, the wrappable columns share
    what is left in proportion to what they lack, and the rows grow to hold the
    lines their texts then need (up to MAX_LINES). If the headers and the
    unwrappable columns alone are wider than `budget`, they keep their widths:
    the page must use shorter labels (a cut header would hide what a column is).
    """
    full, floor = {}, {}
    for name, header, texts, wrappable in columns:
        header_px = cell_px(header)
        longest = max((cell_px(t) for t in texts), default=0)
        full[name] = max(header_px, longest)
        if wrappable:
            word = max((cell_px(w) for t in texts for w in t.split(" ")), default=0)
            floor[name] = min(full[name], max(header_px, word, MIN_TEXT_COLUMN_PX))
        else:
            floor[name] = full[name]
    if sum(full.values()) <= budget:
        return full, None
    widths = dict(floor)
    room = budget - sum(floor.values())
    lacking = {name: full[name] - floor[name] for name in full if full[name] > floor[name]}
    if room > 0 and lacking:
        total = sum(lacking.values())
        for name, lack in lacking.items():
            widths[name] += int(room * lack / total)
    lines = max(
        (
            lines_needed(t, widths[name])
            for name, _header, texts, wrappable in columns
            if wrappable
            for t in texts
        ),
        default=1,
    )
    return widths, row_px(min(lines, MAX_LINES))
