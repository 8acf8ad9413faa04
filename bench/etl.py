"""ETL build figures: the demo sources, the scale set, and the naive baseline beside them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.proc import REPO, run_module
from bench.stats import Figure, check

DEMO_SOURCES = REPO / "data" / "sample"


def build_figures(
    scale_sources: Path,
    out: Path,
    demo_runs: int,
    scale_runs: int,
    baseline_rows: int,
    baseline_runs: int,
    scale_label: str,
    env: dict,
) -> tuple[list[Figure], Path, Path]:
    """Figures, and the demo and scale stores the last builds left in `out` (for what follows)."""
    scale_db = out / "scale.duckdb"
    (demo, demo_rss), demo_db = demo_figures(out, demo_runs, env)

    scale = Figure("ETL", "build du jeu d'échelle", scale_label, "s", target="< 15 s")
    scale_rate = Figure(
        "ETL", "débit du build (lignes sources lues, validées, chargées)", scale_label, "lignes/s"
    )
    scale_rss = Figure(
        "ETL", "mémoire de pointe, build du jeu d'échelle", scale_label, "Mio", target="< 2 048 Mio"
    )
    phases: dict[str, list[float]] = {}
    for _ in range(scale_runs):
        result, rss = run_module("bench.build_worker", scale_sources, scale_db, env=env)
        scale.runs.append(result["seconds"])
        scale_rate.runs.append(result["source_rows"] / result["seconds"])
        scale_rss.runs.append(rss)
        for phase, seconds in result["timings"].items():
            phases.setdefault(phase, []).append(seconds)
    check(scale, 15.0)
    check(scale_rss, 2048.0)
    figures = [demo, demo_rss, scale, scale_rate, scale_rss]
    for phase, runs in phases.items():
        figures.append(Figure("ETL", f"… dont phase « {phase} »", scale_label, "s", runs=runs))

    count = f"{baseline_rows:,}".replace(",", " ")
    naive = Figure(
        "ETL",
        f"référence naïve (iterrows + executemany) sur {count} commandes",
        scale_label,
        "lignes/s",
    )
    naive_phases: dict[str, list[float]] = {}
    for _ in range(baseline_runs):
        result, _ = run_module("bench.baseline", scale_sources, baseline_rows)
        naive.runs.append(result["rows"] / result["seconds"])
        for phase, seconds in result["timings"].items():
            naive_phases.setdefault(phase, []).append(result["rows"] / seconds)
    figures.append(naive)
    for phase, runs in naive_phases.items():
        figures.append(
            Figure(
                "ETL", f"… référence naïve, phase « {phase} »", scale_label, "lignes/s", runs=runs
            )
        )
    if naive.runs and scale_rate.runs:
        figures.append(
            Figure(
                "ETL",
                "rapport build / référence naïve (débits médians)",
                scale_label,
                "×",
                runs=[scale_rate.median / naive.median],
            )
        )
    return figures, demo_db, scale_db


def demo_figures(out: Path, runs: int, env: dict) -> tuple[list[Figure], Path]:
    """The demo sources' build time and peak memory, and the store it left in `out`."""
    demo_db = out / "demo.duckdb"
    demo = Figure(
        "ETL",
        "build des sources de démo (sous-processus, tout compris)",
        "démo",
        "s",
        target="< 2 s",
    )
    demo_rss = Figure("ETL", "mémoire de pointe, build démo", "démo", "Mio")
    for _ in range(runs):
        result, rss = run_module("bench.build_worker", DEMO_SOURCES, demo_db, env=env)
        demo.runs.append(result["seconds"])
        demo_rss.runs.append(rss)
    check(demo, 2.0)
    return [demo, demo_rss], demo_db


def accepted_scope(boundaries: Path, mergers: Path, env: dict) -> str:
    """'country' if the ETL accepts every commune's adhesion (with `env`), else 'province'."""
    with tempfile.TemporaryDirectory() as tmp:
        run_module("bench.synth", tmp, "country", 200, 200)
        sources = next(Path(tmp).iterdir())
        try:
            run_module("bench.build_worker", sources, Path(tmp) / "x.duckdb", env=env)
        except RuntimeError:
            return "province"
    return "country"
