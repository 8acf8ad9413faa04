"""A deterministic scale set of source files, as IDELUX staff would drop them in a folder.

Every Belgian commune of the boundaries file (581), as if each province ran
its own centrale; from the centrale's opening (2019-01-01) to 2026-10-31; by default 1,000,000
orders, 200,000 survey rows and every subsidy of the Walloon Region. Files
are the kinds the ETL reads: small ones as .xlsx, big ones as Belgian-Excel
CSV (UTF-8 with BOM, `;`, `dd/mm/yyyy`, decimal comma).

Every row is valid: each commune signs its convention before its first
order, each award date falls in a framework period held by the awarded
provider, a merged commune stops ordering on its merger date. The same seed
gives byte-identical files.

`scope="country"` lets every commune adhere (needs an ETL that accepts
adhesions outside the province: `python -m bench` checks and says which it used);
`scope="province"` keeps adhesions and orders in the province of Luxembourg
(what the ETL accepts today), survey and subsidies stay country/region wide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from centrale.config import PROVINCE_NIS, REGION_NIS

SEED = 20190121  # the day Bertrix signed the first convention
# Nothing before the centrale opened: the ETL refuses such dates as typos.
START = dt.date(2019, 1, 1)
END = dt.date(2026, 10, 31)  # before the machine's "today": no future-date warnings
YEARS = list(range(START.year, END.year + 1))
# Framework agreements: three successive periods, two providers each.
FRAMEWORK_PERIODS = (
    (dt.date(2019, 1, 1), dt.date(2021, 12, 31)),
    (dt.date(2022, 1, 1), dt.date(2024, 12, 31)),
    (dt.date(2025, 1, 1), None),
)
SOLUTIONS = (
    ("EGUICHET", "E-guichet", "Services en ligne"),
    ("REPAS", "Repas scolaires et accueil extrascolaire", "Services en ligne"),
    ("PARTICIPATION", "Plateforme de participation citoyenne", "Participation citoyenne"),
    ("CONSULTATION", "Consultation citoyenne en ligne", "Participation citoyenne"),
    ("ENERGIE", "Monitoring énergétique", "Environnement"),
    ("AIR", "Qualité de l'air", "Environnement"),
    ("APPLI", "Application mobile communale", "Communication"),
    ("TRAVAUX", "Service travaux et incivilités", "Gestion communale"),
    ("AFFICHAGE", "Affichage dynamique", "Communication"),
    ("PARKING", "Stationnement intelligent", "Mobilité"),
)
NEW_NEEDS = tuple(f"Besoin nouveau {i:02d} (illustratif)" for i in range(1, 41))
CALL = "Appel à projets Territoire intelligent (Smart Région)"


@dataclass(frozen=True)
class ScaleSpec:
    orders: int = 1_000_000
    survey_rows: int = 200_000
    seed: int = SEED
    scope: str = "country"  # country | province

    def key(self) -> str:
        """Names a cached copy: changes with the spec or with this generator's code."""
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]
        return f"{self.scope}-o{self.orders}-s{self.survey_rows}-seed{self.seed}-{code}"


def _days(d: dt.date) -> int:
    return (d - START).days


def _as_dates(days: np.ndarray) -> pd.Series:
    return pd.Series(pd.Timestamp(START) + pd.to_timedelta(days, unit="D"))


def _be_date(days: np.ndarray) -> pd.Series:
    """dd/mm/yyyy strings, '' where days is negative (no date)."""
    text = _as_dates(np.maximum(days, 0)).dt.strftime("%d/%m/%Y")
    return text.where(days >= 0, "")


def _be_amount(values: np.ndarray) -> pd.Series:
    """`12 345,67` (space thousands, decimal comma), as Belgian Excel exports."""
    text = pd.Series(values).map("{:,.2f}".format)
    return text.str.replace(",", " ", regex=False).str.replace(".", ",", regex=False)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _providers(sid: str, period: int) -> tuple[str, str]:
    return (f"{sid.title()} Solutions {period + 1} SRL", f"{sid.title()} Services {period + 1} SA")


def generate(dest: Path, boundaries_path: Path, mergers_path: Path, spec: ScaleSpec) -> Path:
    """Write the scale set's source files into `dest` (created); return `dest`."""
    from centrale.sources.geo import (  # geopandas: only when generating
        read_boundaries,
        read_mergers,
    )

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    communes = pd.DataFrame(read_boundaries(boundaries_path).drop(columns="geometry"))
    mergers = read_mergers(mergers_path)
    merged_on = {m.old_nis: m.merged_on for m in mergers.itertuples()}

    members = communes if spec.scope == "country" else communes[communes.prov_nis == PROVINCE_NIS]
    members = members.sort_values("nis_code").reset_index(drop=True)
    nis = members["nis_code"].to_numpy()

    # Catalogue and framework agreements (small: workbooks, as staff keep them).
    pd.DataFrame(
        {
            "code": [s[0] for s in SOLUTIONS],
            "solution": [s[1] for s in SOLUTIONS],
            "catégorie": [s[2] for s in SOLUTIONS],
            "catalogue": "1.0",
            "description": [f"{s[1]} (jeu de test de charge)" for s in SOLUTIONS],
        }
    ).to_excel(dest / "solutions.xlsx", index=False, sheet_name="solutions")
    framework = [
        (sid, provider, start, end)
        for sid, _, _ in SOLUTIONS
        for period, (start, end) in enumerate(FRAMEWORK_PERIODS)
        for provider in _providers(sid, period)
    ]
    pd.DataFrame(framework, columns=["code", "prestataire", "début", "fin"]).to_excel(
        dest / "framework.xlsx", index=False, sheet_name="framework"
    )
    pd.DataFrame(
        {
            "année": YEARS,
            "date d'envoi": [dt.date(y, 3, 1) for y in YEARS],
            "date limite": [dt.date(y, 4, 30) for y in YEARS],
        }
    ).to_excel(dest / "campaigns.xlsx", index=False, sheet_name="campaigns")

    # Adhesions: every member signs within the first three years.
    signed = rng.integers(0, 3 * 365, size=len(nis))
    _write_csv(
        pd.DataFrame(
            {"commune": nis, "date de signature": _be_date(signed), "date de retrait": ""}
        ),
        dest / "adhesions.csv",
    )

    # Orders: a commune orders between its signature and the end (or its merger).
    last_day = np.array([_days(merged_on.get(n, END + dt.timedelta(days=1))) - 1 for n in nis])
    weights = members["population"].to_numpy(dtype=float) ** 0.5
    who = rng.choice(len(nis), size=spec.orders, p=weights / weights.sum())
    span = last_day[who] - signed[who]
    sent = signed[who] + (rng.random(spec.orders) * (span + 1)).astype(np.int64)
    lead = rng.integers(3, 45, size=spec.orders)
    awarded = sent + lead
    roll = rng.random(spec.orders)
    cancelled = roll < 0.03
    pending = ~cancelled & (awarded > _days(END))
    awarded = np.where(cancelled | pending, -1, awarded)
    solution = rng.integers(0, len(SOLUTIONS), size=spec.orders)
    period = np.searchsorted([_days(p[0]) for p in FRAMEWORK_PERIODS[1:]], awarded, side="right")
    pick = rng.integers(0, 2, size=spec.orders)
    names = np.array([[_providers(s[0], p) for p in range(3)] for s in SOLUTIONS])
    provider = np.where(awarded >= 0, names[solution, period, pick], "")
    status = np.where(cancelled, "annulé", np.where(awarded >= 0, "attribué", "envoyé"))
    sent_year = _as_dates(sent).dt.year.to_numpy()
    amount = np.round(rng.lognormal(9.5, 0.8, size=spec.orders), 2)
    _write_csv(
        pd.DataFrame(
            {
                "n° de commande": [
                    f"CA-{y}-{i:07d}" for y, i in zip(sent_year, range(spec.orders))
                ],
                "commune": nis[who],
                "solution": np.array([s[0] for s in SOLUTIONS])[solution],
                "date d'envoi du bon de commande": _be_date(sent),
                "date d'attribution": _be_date(awarded),
                "adjudicataire": provider,
                "montant HTVA": _be_amount(amount),
                "statut": status,
            }
        ),
        dest / "orders.csv",
    )

    _write_survey(dest, communes, merged_on, spec, rng)
    _write_subsidies(dest, communes, rng)
    return dest


def _write_survey(dest, communes, merged_on, spec, rng) -> None:
    """One row per (year, commune, need), no duplicates; some communes answer 'aucun besoin'."""
    needs = np.array([s[0] for s in SOLUTIONS] + list(NEW_NEEDS))
    pairs = [
        (year, n)
        for year in YEARS
        for n in communes["nis_code"]
        if n not in merged_on or dt.date(year, 3, 1) < merged_on[n]
    ]
    # A few communes answer "aucun besoin" (one row); the others share the rest evenly.
    no_need = rng.random(len(pairs)) < 0.03
    wanted = max(spec.survey_rows - int(no_need.sum()), 0)
    answering = max(int((~no_need).sum()), 1)
    counts = np.full(len(pairs), wanted // answering)
    counts[np.flatnonzero(~no_need)[: wanted % answering]] += 1
    counts = np.minimum(counts, len(needs))
    rows = []
    for (year, n), none, count in zip(pairs, no_need, counts):
        if none:
            rows.append((year, n, "aucun besoin"))
        elif count:
            rows.extend((year, n, need) for need in rng.choice(needs, size=count, replace=False))
    frame = pd.DataFrame(rows, columns=["année", "commune", "besoin"])
    size = len(frame)
    no_need = (frame["besoin"] == "aucun besoin").to_numpy()
    submitted = np.array([_days(dt.date(y, 3, 1)) for y in frame["année"]]) + rng.integers(
        1, 60, size=size
    )
    frame["priorité"] = np.where(no_need, "", rng.integers(1, 4, size=size).astype(str))
    frame["horizon"] = np.where(
        no_need, "", (frame["année"] + rng.integers(0, 3, size=size)).astype(str)
    )
    frame["budget"] = np.where(no_need, "", _be_amount(rng.integers(20, 400, size=size) * 100.0))
    frame["date de réponse"] = _be_date(submitted)
    frame["répondant"] = np.array(["Directeur général", "Échevin", "Agent administratif"])[
        rng.integers(0, 3, size=size)
    ]
    frame["commentaire"] = ""
    _write_csv(frame, dest / "survey.csv")


def _write_subsidies(dest, communes, rng) -> None:
    """Every call year, every commune of the region: one to three projects each."""
    region = communes[communes["reg_nis"] == REGION_NIS]["nis_code"].to_numpy()
    rows = []
    for year in YEARS:
        for n in region:
            for k in range(int(rng.integers(1, 4))):
                amount = round(float(rng.integers(10, 300)) * 1000.0, 2)
                rows.append((CALL, year, n, f"Projet {n}-{year}-{k + 1}", amount, ""))
        rows.append(
            (
                CALL,
                year,
                "IDELUX Projets publics",
                f"Projet supracommunal {year}",
                200_000.0,
                "Luxembourg",
            )
        )
    frame = pd.DataFrame(
        rows, columns=["appel à projets", "année", "bénéficiaire", "projet", "montant", "province"]
    )
    frame["montant"] = _be_amount(frame["montant"].to_numpy())
    _write_csv(frame, dest / "subsidies.csv")


def cached(root: Path, boundaries_path: Path, mergers_path: Path, spec: ScaleSpec) -> Path:
    """The scale set under `root/<spec key>/`, generated once (bench/scale/ is git-ignored)."""
    dest = Path(root) / spec.key()
    done = dest / ".complete"
    if not done.is_file():
        for stale in Path(root).glob(f"{spec.scope}-o{spec.orders}-*"):
            shutil.rmtree(stale)  # an older generator's copy: ~110 MB each
        generate(dest, boundaries_path, mergers_path, spec)
        done.write_text("ok\n")
    return dest


if __name__ == "__main__":
    # `python -m bench.synth ROOT SCOPE ORDERS SURVEY_ROWS`: generate (or find) the cached set
    # in a child process, so the bench's own memory (inherited by later children's peak
    # RSS figures across fork) stays small.
    import json
    import sys

    from centrale.config import settings

    root, scope, orders, survey_rows = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:5])
    s = settings()
    spec = ScaleSpec(orders=orders, survey_rows=survey_rows, scope=scope)
    print(json.dumps({"path": str(cached(Path(root), s.boundaries_path, s.mergers_path, spec))}))
