"""Page reruns: every page registered in dashboard.py, at demo scale and at the scale set."""

from __future__ import annotations

import re
from pathlib import Path

from bench.proc import REPO, TimedOut, run_module
from bench.stats import Figure, check

PAGE_PATTERN = re.compile(
    r"""st\.Page\(\s*["'](pages/[\w/]+\.py)["'](?:[^)]*?title=(["'])(.*?)\2)?"""
)


def listed_pages() -> list[tuple[str, str]]:
    """(page file, title) of every st.Page in dashboard.py, in menu order."""
    text = (REPO / "dashboard.py").read_text(encoding="utf-8")
    return [(m.group(1), m.group(3) or Path(m.group(1)).stem) for m in PAGE_PATTERN.finditer(text)]


def page_figures(
    db: Path,
    scale: str,
    warm_target_ms: float,
    cold_runs: int,
    warm_runs: int,
    env: dict,
    limit: float = 90.0,
) -> list[Figure]:
    """Each page in its own process: a page that hangs is killed after `limit` seconds."""
    figures = []
    for page, title in listed_pages():
        warm = Figure(
            "Pages", f"{title} — rerun à chaud", scale, "ms", target=f"< {warm_target_ms:.0f} ms"
        )
        cold = Figure("Pages", f"{title} — premier run (caches vides)", scale, "ms")
        try:
            r, _ = run_module(
                "bench.pages_worker",
                cold_runs,
                warm_runs,
                limit / 3,
                REPO / page,
                env={**env, "CENTRALE_DB": str(db)},
                timeout=limit,
            )
        except TimedOut:
            warm.note = cold.note = f"interrompu : plus de {limit:.0f} s pour un run et un rerun"
            warm.met = False
            figures += [warm, cold]
            continue
        warm.runs = [s * 1000 for s in r["warm"]]
        cold.runs = [s * 1000 for s in r["cold"]]
        if r["error"]:
            warm.note = f"erreur : {r['error']}"
        figures += [check(warm, warm_target_ms), cold]
    return figures
