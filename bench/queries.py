"""Query latency at the scale set: the heaviest functions of the query modules."""

from __future__ import annotations

from pathlib import Path

from bench.proc import run_module
from bench.stats import Figure

NAMED = ("kpis", "commune_status", "adhesion_curve", "orders_table", "provider_shares")


def query_figures(db: Path, scale: str, runs: int, top: int = 10) -> list[Figure]:
    """The `top` slowest queries plus the NAMED ones, slowest first."""
    result, _ = run_module("bench.queries_worker", db, runs)
    figures = [
        Figure("Requêtes", name, scale, "ms", runs=[s * 1000 for s in times])
        for name, times in result.items()
    ]
    figures.sort(key=lambda f: -f.median)
    kept = [f for i, f in enumerate(figures) if i < top or f.what.split(".")[-1] in NAMED]
    rest = len(figures) - len(kept)
    if rest:
        others = [f.median for f in figures if f not in kept]
        kept.append(
            Figure(
                "Requêtes",
                f"les {rest} autres requêtes (médiane la plus lente)",
                scale,
                "ms",
                runs=[max(others)],
            )
        )
    return kept
