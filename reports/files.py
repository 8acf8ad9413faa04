"""File names and writing of a briefing pack: `<Commune>_<date>.pptx` and `.pdf`."""

from __future__ import annotations

import os
from pathlib import Path

from centrale import fmt
from centrale.datasets.briefing import CommuneBriefing


def base_name(b: CommuneBriefing) -> str:
    """'Bertrix_2020-01-31', 'Vaux-sur-Sure_2020-01-31': the commune's name, safe for
    any file system (`fmt.file_part`), and the ISO date (sorts well in a folder)."""
    return f"{fmt.file_part(b.name)}_{b.as_of.isoformat()}"


def write_briefing(b: CommuneBriefing, out_dir: Path) -> tuple[Path, Path]:
    """Write the deck and the fiche into `out_dir`; returns their paths.

    Each file is written beside its final name and renamed into place, so an
    interrupted batch never leaves a half-written deck that opens as corrupt.
    """
    # Imported here: the pages name the files (`base_name`) without loading python-pptx,
    # fpdf and matplotlib, which a briefing's buttons need only when clicked.
    from reports import deck, sheet

    out_dir = Path(out_dir)
    paths = []
    for suffix, content in (
        (".pptx", deck.deck_bytes(b)),
        (".pdf", sheet.sheet_bytes(b)),
    ):
        path = out_dir / f"{base_name(b)}{suffix}"
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(content)
        os.replace(partial, path)
        paths.append(path)
    return paths[0], paths[1]
