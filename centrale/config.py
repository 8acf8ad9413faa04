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


@dataclass(frozen=True)
class Setting:
    """One environment variable the product reads: its default and what it changes."""

    name: str
    default: str
    meaning: str


# Every setting the product reads, declared once: `docs/reference/reglages.md` is generated
# from this list and a test fails on an os.environ read of a CENTRALE_* name outside it.
SETTINGS: tuple[Setting, ...] = (
    Setting("CENTRALE_DB", "data/centrale.duckdb", "la base DuckDB que lit le tableau de bord"),
    Setting(
        "CENTRALE_SOURCES",
        "data/sources",
        "le dossier des sources de travail (copié depuis data/sample au premier lancement)",
    ),
    Setting(
        "CENTRALE_GEO_DIR",
        "data/reference/geo",
        "le dossier des limites communales (fichier belgium-municipalities.topojson)",
    ),
    Setting(
        "CENTRALE_BOUNDARIES",
        "$CENTRALE_GEO_DIR/belgium-municipalities.topojson",
        "le fichier TopoJSON des limites communales, s'il est ailleurs",
    ),
    Setting(
        "CENTRALE_MERGERS",
        "data/reference/commune_mergers.csv",
        "la table des fusions de communes (Bertogne dans Bastogne le 02/12/2024)",
    ),
    Setting("CENTRALE_MAX_UPLOAD_MB", "20", "la taille maximale d'un fichier envoyé, en Mo"),
    Setting(
        "CENTRALE_READ_SECONDS",
        "60",
        "le temps maximal de lecture d'un classeur envoyé, en secondes",
    ),
    Setting(
        "CENTRALE_ADHESION_PROVINCES",
        PROVINCE_NIS,
        "codes INS des provinces dont les communes peuvent adhérer (séparés par des "
        "virgules, * pour toutes)",
    ),
    Setting(
        "CENTRALE_READ_MEMORY_MB",
        "1024",
        "la mémoire que la lecture et la vérification d'un fichier envoyé peuvent ajouter, en Mo",
    ),
    Setting(
        "CENTRALE_BACKUPS",
        "sauvegardes/ à côté du dossier des sources",
        "le dossier des sauvegardes (etl backup, et l'automatique avant chaque import et "
        "restauration)",
    ),
    Setting(
        "CENTRALE_BACKUP_DAYS",
        "30",
        "combien de jours les sauvegardes automatiques sont gardées (0 : aucune)",
    ),
    Setting(
        "CENTRALE_TRUSTED_PROXIES",
        "",
        "adresses des proxys inverses dont l'en-tête X-Forwarded-For est cru pour limiter les "
        "essais de connexion (séparées par des virgules ; make serve y met Caddy)",
    ),
    Setting(
        "CENTRALE_USERS",
        "data/users.toml",
        "le fichier des comptes locaux (python -m etl user)",
    ),
    Setting("CENTRALE_SESSION_HOURS", "8", "la durée d'une connexion, en heures"),
    Setting(
        "CENTRALE_REQUIRE_LOGIN",
        "0",
        "1 : la lecture aussi demande une connexion (make serve le met à 1)",
    ),
    Setting(
        "CENTRALE_CLASSIC_PROCEDURE_DAYS",
        "120",
        "la durée supposée d'une procédure classique, en jours (comparaison des délais)",
    ),
    Setting("CENTRALE_DIGEST_FROM", "", "l'expéditeur du résumé envoyé (python -m reports digest)"),
    Setting("CENTRALE_DIGEST_TO", "", "le ou les destinataires du résumé"),
    Setting(
        "CENTRALE_SMTP_HOST",
        "",
        "le serveur SMTP qui envoie le résumé ; sans lui, le résumé est un fichier .eml à envoyer",
    ),
    Setting("CENTRALE_SMTP_PORT", "587", "le port du serveur SMTP"),
    Setting("CENTRALE_SMTP_USER", "", "le compte SMTP, s'il en faut un"),
    Setting("CENTRALE_SMTP_PASSWORD", "", "le mot de passe du compte SMTP"),
    Setting("CENTRALE_SMTP_STARTTLS", "1", "0 : pas de STARTTLS avec le serveur SMTP"),
    Setting(
        "CENTRALE_MAX_RUNS",
        "le nombre de cœurs",
        "le nombre de pages calculées en même temps par le serveur (0 : sans limite)",
    ),
)


_DECLARED = frozenset(s.name for s in SETTINGS)


def env_text(name: str) -> str:
    """The raw value of a declared setting ('' when unset); refuses an undeclared name."""
    if name not in _DECLARED:
        raise KeyError(f"réglage non déclaré dans centrale.config.SETTINGS : {name}")
    return os.environ.get(name, "").strip()


def _path_from_env(name: str, default: Path) -> Path:
    value = env_text(name)
    return Path(value).expanduser() if value else default


def _optional_path_from_env(name: str) -> Path | None:
    value = env_text(name)
    return Path(value).expanduser() if value else None


def db_path() -> Path:
    """The store's path (CENTRALE_DB), alone: what every read of a page asks for, many
    times a run, without resolving every other setting (`settings().db_path` is it)."""
    return _path_from_env("CENTRALE_DB", REPO_ROOT / "data" / "centrale.duckdb")


def settings() -> Settings:
    """Resolve every path now, honouring the CENTRALE_* environment variables."""
    geo_dir = _path_from_env("CENTRALE_GEO_DIR", REPO_ROOT / "data" / "reference" / "geo")
    return Settings(
        db_path=db_path(),
        sample_dir=REPO_ROOT / "data" / "sample",
        sources_dir=_path_from_env("CENTRALE_SOURCES", REPO_ROOT / "data" / "sources"),
        geo_dir=geo_dir,
        boundaries_path=_path_from_env(
            "CENTRALE_BOUNDARIES", geo_dir / "belgium-municipalities.topojson"
        ),
        mergers_path=_path_from_env(
            "CENTRALE_MERGERS", REPO_ROOT / "data" / "reference" / "commune_mergers.csv"
        ),
        max_upload_bytes=int(env_text("CENTRALE_MAX_UPLOAD_MB") or "20") * 1024 * 1024,
        read_seconds=float(env_text("CENTRALE_READ_SECONDS") or "60"),
        read_memory_mb=int(env_text("CENTRALE_READ_MEMORY_MB") or "1024"),
        backups_dir=_optional_path_from_env("CENTRALE_BACKUPS"),
        backup_days=int(env_text("CENTRALE_BACKUP_DAYS") or "30"),
        trusted_proxies=frozenset(
            part.strip() for part in env_text("CENTRALE_TRUSTED_PROXIES").split(",") if part.strip()
        ),
        adhesion_provinces=frozenset(
            (env_text("CENTRALE_ADHESION_PROVINCES") or PROVINCE_NIS).replace(" ", "").split(",")
        ),
    )
