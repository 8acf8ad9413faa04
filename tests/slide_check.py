"""Decks rendered by LibreOffice and read back: every slide checked for overflow and overlap.

`render` converts .pptx files to PDF with one `soffice --headless` run; `problems`
reads the PDF with poppler's `pdftotext -bbox` and compares each slide's words
with the shapes of the .pptx:

- no word outside the slide;
- no two words overlapping (a box that grew over another, a label on a label);
- no word on a picture (the map);
- every word that belongs to one text box only lies inside that box: its text
  does not run out of it (LibreOffice draws overflowing text below the box);
- no word below the footer's top but the footer's own.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

XHTML = "{http://www.w3.org/1999/xhtml}"
EMU_PER_PT = 12700
TOLERANCE_PT = 2.0


def office() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice absent (apt-get install libreoffice-impress) : rendu sauté")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils absent (pdftotext) : lecture du rendu sautée")
    return found


def render(pptx: list[Path], out_dir: Path) -> list[Path]:
    """Each deck as a PDF rendered by LibreOffice (one process for them all)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "profile"  # its own profile: no clash with a running LibreOffice
    subprocess.run(
        [office(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(out_dir), *map(str, pptx)],
        check=True, capture_output=True, timeout=60 + 20 * len(pptx),
    )  # fmt: skip
    pdfs = [out_dir / (p.stem + ".pdf") for p in pptx]
    missing = [p.name for p in pdfs if not p.exists()]
    assert not missing, f"LibreOffice n'a pas rendu : {missing}"
    return pdfs


def words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, its words as (x0, y0, x1, y1, text) in points."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    root = ET.fromstring(xml)
    return [
        [
            (
                float(w.get("xMin")),
                float(w.get("yMin")),
                float(w.get("xMax")),
                float(w.get("yMax")),
                w.text or "",
            )  # fmt: skip
            for w in page.iter(f"{XHTML}word")
        ]
        for page in root.iter(f"{XHTML}page")
    ]


def _rect(shape) -> tuple[float, float, float, float]:
    return (
        shape.left / EMU_PER_PT,
        shape.top / EMU_PER_PT,
        (shape.left + shape.width) / EMU_PER_PT,
        (shape.top + shape.height) / EMU_PER_PT,
    )


def _overlap(a, b) -> float:
    """The area two boxes share, as a share of the smaller one."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0


def problems(pptx: Path, pdf: Path, footer_top_emu: int) -> list[str]:
    """What is wrong on each rendered slide, in words (empty: nothing)."""
    deck = Presentation(str(pptx))
    width, height = deck.slide_width / EMU_PER_PT, deck.slide_height / EMU_PER_PT
    footer_top = footer_top_emu / EMU_PER_PT
    pages = words(pdf)
    found = []
    assert len(pages) == len(deck.slides), (pdf.name, len(pages), len(deck.slides))
    for number, (slide, page) in enumerate(zip(deck.slides, pages), start=1):
        where = f"{pptx.stem} diapo {number}"
        for x0, y0, x1, y1, text in page:
            if (
                x0 < -TOLERANCE_PT
                or y0 < -TOLERANCE_PT
                or x1 > width + TOLERANCE_PT
                or (y1 > height + TOLERANCE_PT)
            ):
                found.append(f"{where} : « {text} » hors de la diapositive")
        for i, a in enumerate(page):
            for b in page[i + 1 :]:
                if _overlap(a[:4], b[:4]) > 0.25:
                    found.append(f"{where} : « {a[4]} » chevauche « {b[4]} »")
        owners: dict[str, list] = {}
        footer_words: set[str] = set()
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                box = _rect(shape)
                inside = [w[4] for w in page if _overlap(w[:4], box) > 0.5]
                if inside:
                    found.append(f"{where} : texte sur l'image : {inside[:5]}")
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            if shape.top >= footer_top_emu:
                footer_words.update(shape.text_frame.text.split())
                continue
            for word in set(shape.text_frame.text.split()):
                owners.setdefault(word, []).append(shape)
        for x0, y0, x1, y1, text in page:
            shapes = owners.get(text, [])
            if len(shapes) == 1 and sum(w[4] == text for w in page) == 1:
                left, top, right, bottom = _rect(shapes[0])
                # A glyph's box (ascent to descent) may reach a little past the line's.
                slack = max(TOLERANCE_PT, 0.12 * (y1 - y0))
                if (
                    x0 < left - slack
                    or x1 > right + slack
                    or y0 < top - slack
                    or (y1 > bottom + slack)
                ):
                    found.append(f"{where} : « {text} » déborde de sa zone de texte")
            if y1 > footer_top + TOLERANCE_PT and text not in footer_words:
                found.append(f"{where} : « {text} » dans le pied de page")
    return found
