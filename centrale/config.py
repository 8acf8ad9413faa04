"""Paths and settings, from environment variables with repo-relative defaults.

Nothing is read or opened here: `settings()` only resolves paths, so importing
this module is free and tests can point every path elsewhere with env vars.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# The province the centrale serves (Statbel NIS code of the province of Luxembourg).
PROVINCE_NIS = "80000"
# The region whose calls for projects the subsidy shares are computed against.
REGION_NIS = "03000"
# The centrale opened in January 2019: no figure before that date makes sense.
CENTRALE_OPENED_ON = "2019-01-01"
# The promise of the centrale: from order form to award in 20 days.
AWARD_PROMISE_DAYS = 20


@dataclass(frozen=True)
class Settings:
    db_path: Path
    sample_dir: Path  # the committed demo sources (never written)
    sources_dir: Path  # the app's working sources (git-ignored, seeded from the demo)
    geo_dir: Path
    boundaries_path: Path
    mergers_path: Path
    max_upload_bytes: int
    adhesion_provinces: frozenset[str]  # NIS codes of provinces that may adhere, or {"*"}
    read_seconds: float = (
        60.0  # time one sent file may take to read and check (CENTRALE_READ_SECONDS)
    )
    read_memory_mb: int = 1024  # memory it may add (CENTRALE_READ_MEMORY_MB)
    # Addresses of the reverse proxies whose X-Forwarded-For is believed (sign-in
    # throttling): CENTRALE_TRUSTED_PROXIES, comma-separated; none by default,
    # `make serve` sets Caddy's loopback.
    trusted_proxies: frozenset[str] = frozenset()
    # Archives (etl backup, and the automatic one before every import and restore):
    # CENTRALE_BACKUPS, default `sauvegardes/` beside the sources folder (None here).
    backups_dir: Path | None = None
    backup_days: int = 30  # automatic backups kept this many days (CENTRALE_BACKUP_DAYS, 0: off)


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def settings() -> Settings:
    """Resolve every path now, honouring the CENTRALE_* environment variables."""
    geo_dir = _path_from_env("CENTRALE_GEO_DIR", REPO_ROOT.parent / "shared" / "geo")
    return Settings(
        db_path=_path_from_env("CENTRALE_DB", REPO_ROOT / "data" / "centrale.duckdb"),
        sample_dir=REPO_ROOT / "data" / "sample",
        sources_dir=_path_from_env("CENTRALE_SOURCES", REPO_ROOT / "data" / "sources"),
        geo_dir=geo_dir,
        boundaries_path=_path_from_env(
            "CENTRALE_BOUNDARIES", geo_dir / "belgium-municipalities.topojson"
        ),
        mergers_path=_path_from_env(
            "CENTRALE_MERGERS", REPO_ROOT / "data" / "reference" / "commune_mergers.csv"
        ),
        max_upload_bytes=int(os.environ.get("CENTRALE_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        read_seconds=float(os.environ.get("CENTRALE_READ_SECONDS", "60")),
        read_memory_mb=int(os.environ.get("CENTRALE_READ_MEMORY_MB", "1024")),
        backups_dir=_path_from_env("CENTRALE_BACKUPS", None)
        if os.environ.get("CENTRALE_BACKUPS")
        else None,
        backup_days=int(os.environ.get("CENTRALE_BACKUP_DAYS", "30")),
        trusted_proxies=frozenset(
            part.strip()
            for part in os.environ.get("CENTRALE_TRUSTED_PROXIES", "").split(",")
            if part.strip()
        ),
        adhesion_provinces=frozenset(
            os.environ.get("CENTRALE_ADHESION_PROVINCES", PROVINCE_NIS).replace(" ", "").split(",")
        ),
    )
