"""Sources -> store: read, validate, shape the tables, write, check, swap.

Used by the command line (`python -m etl build`) and by the dashboard's data
page alike, so both load exactly the same way.
"""

from __future__ import annotations

import datetime as dt
import getpass
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from centrale import fmt
from centrale.config import PROVINCE_NIS, Settings
from centrale.errors import CentraleError
from centrale.sources.discover import list_source_files, unread_entries
from centrale.sources.geo import commune_periods, read_boundaries, read_mergers
from centrale.sources.problems import SourceError
from centrale.sources.reference import Reference
from centrale.sources.validate import Validated, validate_files
from centrale.storage.checks import run_checks
from centrale.storage.store import LoadEntry, build_lock, write_store

Progress = Callable[[str], None]

# The tables that come from the sources (the others come from the boundaries).
SOURCE_TABLES = {
    "solutions": "solutions du catalogue",
    "framework": "accords-cadres",
    "adhesions": "adhésions",
    "orders": "commandes",
    "subsidies": "subsides",
    "survey_answers": "réponses à l'enquête",
    "survey_campaigns": "campagnes d'enquête",
}


class LoadRefused(CentraleError):
    """The load is refused before anything is written; the message (French) says why
    and what to do."""


class EmptySources(LoadRefused):
    pass


class ShrinkRefused(LoadRefused):
    """The new store would empty a table, or lose more than half of its rows.

    `shrinks`: table -> (rows now, rows after), for the tables concerned.
    """

    def __init__(self, shrinks: dict[str, tuple[int, int]]):
        self.shrinks = shrinks
        # (French label, rows now, rows after), for the confirmation people see.
        self.rows = [(SOURCE_TABLES[t], before, after) for t, (before, after) in shrinks.items()]
        lines = "; ".join(
            f"{SOURCE_TABLES[t]} : {fmt.number(before)} → {fmt.count(after, 'ligne')}"
            for t, (before, after) in shrinks.items()
        )
        super().__init__(
            f"Reconstruction refusée : elle viderait ou réduirait de plus de moitié des "
            f"tables de la base ({lines}). La base n'a pas été modifiée. Vérifiez que le "
            "dossier des sources contient bien tous les fichiers ; si cette réduction est "
            "voulue, confirmez-la (option --allow-shrink en ligne de commande)."
        )


def shrinking_tables(db_path: Path, row_counts: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Tables of the current store that the new counts would empty or more than halve."""
    if not Path(db_path).is_file():
        return {}
    found = {}
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            for table in SOURCE_TABLES:
                try:
                    # Table names from the constant above only.
                    (before,) = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0]  # noqa: S608
                except duckdb.Error:
                    continue  # a table this store does not have yet
                after = row_counts.get(table, 0)
                if before > 0 and (after == 0 or after * 2 < before):
                    found[table] = (int(before), int(after))
    except duckdb.Error:
        return {}  # an unreadable or older store: nothing to compare with
    return found


@dataclass
class ReferenceData:
    """The boundaries and mergers, read once per build."""

    communes: pd.DataFrame
    periods: pd.DataFrame
    mergers: pd.DataFrame
    provinces: pd.DataFrame

    adhesion_provinces: frozenset[str] | None = None

    def reference(self, today: dt.date | None = None) -> Reference:
        return Reference(
            self.communes,
            self.mergers,
            PROVINCE_NIS,
            today or dt.date.today(),
            self.adhesion_provinces,
        )


def read_reference(settings: Settings) -> ReferenceData:
    boundaries = read_boundaries(settings.boundaries_path)
    mergers = read_mergers(settings.mergers_path)
    periods = commune_periods(boundaries, mergers)
    communes = pd.DataFrame(boundaries.drop(columns="geometry"))
    provinces = (
        communes.dropna(subset=["prov_nis"])
        .groupby(["prov_nis", "province", "reg_nis"], as_index=False)["population"]
        .sum()
        .rename(columns={"province": "name_fr"})
    )
    return ReferenceData(communes, periods, mergers, provinces, settings.adhesion_provinces)


@dataclass
class BuildResult:
    db_path: Path
    row_counts: dict[str, int]
    validated: Validated
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def check_sources(
    sources_dir: Path,
    settings: Settings,
    progress: Progress = print,
    reference: ReferenceData | None = None,
    paths: list[Path] | None = None,
    display_names: dict[Path, str] | None = None,
) -> Validated:
    """Validate every source file of `sources_dir` (or `paths`); write nothing."""
    reference = reference or read_reference(settings)
    files = paths if paths is not None else list_source_files(sources_dir)
    progress(f"Validation de {fmt.count(len(files), 'fichier')} de {sources_dir}…")
    validated = validate_files(files, reference.reference(), display_names)
    if paths is None:  # the whole folder: what it holds and is not read is said too
        validated.problems[:0] = unread_entries(sources_dir)
    return validated


def build_store(
    settings: Settings,
    sources_dir: Path | None = None,
    db_path: Path | None = None,
    progress: Progress = print,
    loaded_by: str | None = None,
    action: str = "build",
    paths: list[Path] | None = None,
    display_names: dict[Path, str] | None = None,
    allow_shrink: bool = False,
    notes: list[str] | None = None,
) -> BuildResult:
    """Build the store from the sources; raise SourceError and write nothing on bad input.

    Raises EmptySources when there is no source file at all, and ShrinkRefused
    (unless `allow_shrink`) when the new store would leave a table that has
    rows empty or with less than half of them: a folder emptied by mistake
    must not silently wipe the store.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    sources_dir = Path(sources_dir or settings.sources_dir)
    db_path = Path(db_path or settings.db_path)

    if paths is None and not list_source_files(sources_dir):
        unread = "".join(f"\n  {p}" for p in unread_entries(sources_dir))
        raise EmptySources(
            f"Le dossier des sources {sources_dir} ne contient aucun fichier .xlsx ou .csv : "
            "rien à charger, la base n'a pas été modifiée. Vérifiez le chemin (--sources ou "
            "CENTRALE_SOURCES) ou copiez-y les fichiers (« python -m etl init » crée le "
            "dossier à partir de la démonstration)." + unread
        )
    progress("Lecture des limites communales…")
    reference = read_reference(settings)
    timings["référence"] = time.perf_counter() - started
    validated = check_sources(sources_dir, settings, progress, reference, paths, display_names)
    timings["validation"] = time.perf_counter() - started - sum(timings.values())
    if not validated.ok:
        raise SourceError(validated.problems)

    tables = shape_tables(validated.tables, reference)
    row_counts = {name: len(frame) for name, frame in tables.items()}
    entry = LoadEntry(
        loaded_by=loaded_by or _current_user(),
        action=action,
        sources_dir=str(sources_dir),
        row_counts=row_counts,
        # `notes`: what the caller left aside (a survey import's responses left out).
        warnings=[str(w) for w in validated.warnings] + list(notes or []),
        files=[
            {
                "file": f.name,
                "kind": f.kind,
                "sha256": f.sha256,
                "size_bytes": f.size,
                "rows": f.rows,
            }
            for f in validated.files
        ],
    )
    progress(f"Écriture de la base ({sum(row_counts.values())} lignes) et contrôles…")
    with build_lock(db_path):
        shrinks = {} if allow_shrink else shrinking_tables(db_path, row_counts)
        if shrinks:
            raise ShrinkRefused(shrinks)
        write_store(db_path, tables, entry, run_checks)
    timings["écriture"] = time.perf_counter() - started - sum(timings.values())
    return BuildResult(db_path, row_counts, validated, time.perf_counter() - started, timings)


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "inconnu"


def _dates(series: pd.Series) -> pd.Series:
    return series.dt.date.astype(object).where(series.notna(), None)


def _offers(offers: pd.DataFrame) -> pd.DataFrame:
    """Offers with a total score: the one given, else price + quality points."""
    summed = offers["price_points"] + offers["quality_points"]
    return pd.DataFrame(
        {
            "order_id": offers["order_id"],
            "provider": offers["provider"],
            "amount_eur": offers["amount_eur"].round(2),
            "price_points": offers["price_points"],
            "quality_points": offers["quality_points"],
            "total_points": offers["total_points"].where(offers["total_points"].notna(), summed),
            "received_on": _dates(offers["received_on"]),
            "chosen": offers["chosen"].astype(bool),
            "source_file": offers["_file"],
            "source_row": offers["_row"],
        }
    )


def shape_tables(typed: dict[str, pd.DataFrame], ref: ReferenceData) -> dict[str, pd.DataFrame]:
    """Validated frames -> the store's tables (staging names -> mart names)."""
    adhesions, orders = typed["adhesions"], typed["orders"]
    subsidies, survey = typed["subsidies"], typed["survey"]
    return {
        "communes": ref.communes,
        "commune_periods": ref.periods,
        "commune_mergers": ref.mergers,
        "provinces": ref.provinces[["prov_nis", "name_fr", "reg_nis", "population"]],
        "solutions": typed["solutions"][
            ["solution_id", "name_fr", "category", "catalogue", "description"]
        ],
        "framework": typed["framework"].assign(
            starts_on=_dates(typed["framework"]["starts_on"]),
            ends_on=_dates(typed["framework"]["ends_on"]),
        )[["solution_id", "provider", "starts_on", "ends_on"]],
        "adhesions": pd.DataFrame(
            {
                "commune_nis": adhesions["commune"],
                "signed_on": _dates(adhesions["signed_on"]),
                "withdrawn_on": _dates(adhesions["withdrawn_on"]),
                "source_file": adhesions["_file"],
                "source_row": adhesions["_row"],
            }
        ),
        "orders": pd.DataFrame(
            {
                "order_id": orders["order_id"],
                "commune_nis": orders["commune"],
                "solution_id": orders["solution"],
                "sent_on": _dates(orders["sent_on"]),
                "awarded_on": _dates(orders["awarded_on"]),
                "provider": orders["provider"],
                "amount_eur": orders["amount_eur"].round(2),
                "status": orders["status"],
                "source_file": orders["_file"],
                "source_row": orders["_row"],
            }
        ),
        "subsidies": pd.DataFrame(
            {
                "call": subsidies["call"],
                "call_year": subsidies["call_year"],
                "beneficiary": subsidies["beneficiary"],
                "beneficiary_nis": subsidies.get("beneficiary_nis"),
                "project": subsidies["project"],
                "amount_eur": subsidies["amount_eur"].round(2),
                "prov_nis": subsidies.get("prov_nis"),
            }
        ),
        "survey_answers": pd.DataFrame(
            {
                "year": survey["year"],
                "commune_nis": survey["commune"],
                "need_solution_id": survey.get("need_solution_id"),
                "need_label": survey.get("need_label"),
                "no_needs": survey.get("no_needs"),
                "priority": survey["priority"],
                "horizon": survey["horizon"],
                "budget_eur": survey["budget_eur"],
                "submitted_on": _dates(survey["submitted_on"]),
                "respondent": survey["respondent"],
                "comment": survey["comment"],
                "source_file": survey["_file"],
                "source_row": survey["_row"],
            }
        ),
        "offers": _offers(typed["offers"]),
        "events": pd.DataFrame(
            {
                "held_on": _dates(typed["events"]["held_on"]),
                "kind": typed["events"]["kind"],
                "title": typed["events"]["title"],
                "commune_nis": typed["events"]["commune"],
                "roles": typed["events"]["roles"],
                "has_bourgmestre": typed["events"].get("has_bourgmestre"),
                "people": typed["events"]["people"],
                "source_file": typed["events"]["_file"],
                "source_row": typed["events"]["_row"],
            }
        ),
        "survey_campaigns": typed["campaigns"].assign(
            sent_on=_dates(typed["campaigns"]["sent_on"]),
            deadline=_dates(typed["campaigns"]["deadline"]),
        )[["year", "sent_on", "deadline"]],
    }
