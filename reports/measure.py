"""Text measured as a slide renders it: wrapped at spaces in DejaVu Sans.

DejaVu Sans is the font LibreOffice falls back to for Calibri (the deck's theme
font) and the widest met: PowerPoint's Calibri takes less room, so a box sized
here holds its text in both. Widths in points, heights in EMU.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
from PIL import ImageFont
from pptx.util import Inches

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)  # python-pptx / PowerPoint text box defaults
LINE_SPACING = 1.2  # single spacing, in type sizes: DejaVu Sans' 1.164 em, rounded up
EMU_PER_PT = 12700


class SlideFull(ValueError):
    """A block does not fit above the footer of its slide."""


@lru_cache(maxsize=64)
def _font(size_pt: float, bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    # 100 px per point: widths measured in points ×100 (no rounding to whole pixels).
    return ImageFont.truetype(str(FONT_DIR / name), int(size_pt * 100))


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    return _font(size_pt, bold).getlength(text) / 100


def wrapped_lines(text: str, size_pt: float, width_emu: int, bold: bool = False) -> int:
    """How many lines `text` takes in a box `width_emu` wide (insets removed), wrapped
    at spaces; a word wider than the box counts as the lines it would be cut into."""
    usable = (width_emu - 2 * INSET_X) / EMU_PER_PT
    lines, current = 1, 0.0
    space = text_width_pt(" ", size_pt, bold)
    for word in text.split(" "):
        w = text_width_pt(word, size_pt, bold)
        if current and current + space + w > usable:
            lines += 1
            current = 0.0
        if w > usable:  # cut by the renderer: as many lines as it needs
            lines += int(w // usable)
            w = w % usable
        current = current + (space if current else 0) + w
    return lines


def text_height(paragraphs, size_pt, width_emu, bold=False, space_after_pt=6) -> int:
    """The height (EMU) of `paragraphs` at `size_pt` in a box `width_emu` wide."""
    lines = sum(wrapped_lines(p, size_pt, width_emu, bold) for p in paragraphs)
    points = lines * size_pt * LINE_SPACING + space_after_pt * max(len(paragraphs) - 1, 0)
    return int(points * EMU_PER_PT + 2 * INSET_Y)


def fitting_size(paragraphs, width_emu, height_emu, largest, smallest, bold=False,
                 space_after_pt=6) -> float | None:  # fmt: skip
    """The largest size from `largest` down to `smallest` (whole points) at which
    `paragraphs` hold in the box; None when even `smallest` does not."""
    size = largest
    while size >= smallest:
        if text_height(paragraphs, size, width_emu, bold, space_after_pt) <= height_emu:
            return size
        size -= 1
    return None
