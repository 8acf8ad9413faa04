"""The app's working sources folder: seeded from the demo, then owned by the users.

The demo files in `data/sample/` are never written. The running dashboard
reads and writes `data/sources/` (or $CENTRALE_SOURCES), a copy made on first
start; saved survey answers and uploaded files land there, so a rebuild from
that folder always keeps them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from centrale.config import Settings


def ensure_sources_folder(settings: Settings) -> Path:
    """Create the working sources folder from the demo sources if it does not exist."""
    folder = settings.sources_dir
    if not folder.exists():
        folder.mkdir(parents=True)
        for source in sorted(settings.sample_dir.iterdir()):
            if source.suffix.lower() in (".csv", ".xlsx"):
                shutil.copy2(source, folder / source.name)
    return folder
