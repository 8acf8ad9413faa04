"""Explorer questions, warm, on the demo store and (optionally) on the scale set.

`python -m bench.explorer` builds the demo store and times every gallery question,
a two-dimension question, a comparison with its set difference, a drill-through and
« what changed » (the median of `--runs` warm runs each, after one warm-up run:
what a person waits for once DuckDB has the store in its buffers; Streamlit's cache
would answer a repeated question in ~0 ms). `--orders N` also generates the scale
set (`bench/synth.py`, province scope, cached under bench/scale/) and builds it.
It also measures the layer's import time in a fresh interpreter.
Targets (issue 20): ≤ 300 ms warm at the demo size, ≤ 2 s at 1 M orders.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from centrale.cli import FrenchArgumentParser

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def _questions(day: dt.date):
    from centrale.semantic import Question, gallery

    items = [(s.title, "answer", s.question, None) for s in gallery.starts(day)]
    two = Question(("orders_awarded", "amount_awarded_eur"), ("arrondissement", "year_awarded"))
    items.append(("Deux mesures par arrondissement et année d'attribution", "answer", two, None))
    compared = Question(("orders_sent",), ("commune",), period="2025", compare="2024")
    items.append(("Comparaison 2025/2024 par commune", "compare", compared, None))
    items.append(("Dans A mais pas dans B (communes)", "only_in", compared, "commune"))
    drill = Question(("orders_awarded",), ("arrondissement",))
    items.append(("Lignes derrière une barre (arrondissement d'Arlon)", "rows", drill, None))
    items.append(("Ce qui a changé en 30 jours", "changed", None, None))
    return items


def time_questions(db: Path, runs: int) -> list[tuple[str, float, float]]:
    """(question, median ms, max ms) of each question, warm."""
    from centrale.semantic import compile as layer
    from centrale.storage.store import connect_read_only

    con = connect_read_only(db)
    day = con.execute("SELECT max(sent_on) FROM orders").fetchone()[0]
    results = []
    for title, kind, question, extra in _questions(day):

        def call(kind=kind, question=question, extra=extra):
            cursor = con.cursor()
            cursor.execute("USE store")
            if kind == "answer":
                layer.answer(cursor, question, day)
            elif kind == "compare":
                layer.compare(cursor, question, day)
            elif kind == "only_in":
                layer.only_in(cursor, question, day, extra)
            elif kind == "rows":
                layer.rows_behind(
                    cursor, question, day, "orders_awarded", {"arrondissement": "Arlon"}
                )
            else:
                layer.what_changed(cursor, day - dt.timedelta(days=30), day)
            cursor.close()

        call()  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        results.append((title, statistics.median(times), max(times)))
    con.close()
    return results


def layer_import_ms(runs: int = 5) -> tuple[float, float]:
    """(median ms, the same for the whole interpreter start): the self time of the
    `centrale.semantic` modules under `python -X importtime`, once `centrale.datasets.queries` (what
    every page imports) is loaded. Self times, not wall times: on a shared machine the
    wall time of an interpreter start varies by seconds, the modules' own time much less."""
    own, whole = [], []
    code = "import centrale.datasets.queries, centrale.semantic, centrale.semantic.compile"
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        total = mine = 0
        for line in done.stderr.splitlines():
            parts = line.split("|")
            if len(parts) != 3 or not parts[0].split(":")[-1].strip().isdigit():
                continue
            self_us = int(parts[0].split(":")[-1])
            total += self_us
            if parts[2].strip().startswith("centrale.semantic"):
                mine += self_us
        own.append(mine / 1000)
        whole.append(total / 1000)
    return statistics.median(own), statistics.median(whole)


def build(sources: Path, target: Path) -> float:
    from centrale.config import settings
    from centrale.storage.build import build_store

    started = time.perf_counter()
    build_store(settings(), sources, target, progress=lambda _: None)
    return time.perf_counter() - started


def main(argv=None) -> None:
    parser = FrenchArgumentParser(prog="python -m bench.explorer", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="mesures à chaud par question")
    parser.add_argument(
        "--orders", type=int, default=0, help="aussi le jeu d'échelle à N commandes (ex. 1000000)"
    )
    parser.add_argument("--db", type=Path, help="une base déjà construite au lieu de la démo")
    args = parser.parse_args(argv)
    stores = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            stores.append(("base fournie", args.db))
        else:
            demo = Path(tmp) / "demo.duckdb"
            build(REPO / "data" / "sample", demo)
            stores.append(("démo", demo))
        if args.orders:
            from bench import synth
            from centrale.config import settings

            s = settings()
            spec = synth.ScaleSpec(
                orders=args.orders, survey_rows=args.orders // 5, scope="province"
            )
            sources = synth.cached(BENCH / "scale", s.boundaries_path, s.mergers_path, spec)
            scale = Path(tmp) / "scale.duckdb"
            seconds = build(sources, scale)
            print(f"build du jeu d'échelle ({args.orders} commandes) : {seconds:.1f} s")
            stores.append((f"{args.orders} commandes", scale))
        print("| question | base | médiane (ms) | max (ms) |")
        print("|---|---|---|---|")
        for label, db in stores:
            for title, median, top in time_questions(db, args.runs):
                print(f"| {title} | {label} | {median:.0f} | {top:.0f} |")
    print()
    own, whole = layer_import_ms()
    print(
        f"Import de la couche (self, -X importtime, médiane de 5) : {own:.1f} ms sur "
        f"{whole:.0f} ms d'imports au total ; dashboard.py ne l'importe pas (seule la page "
        "Explorer le fait)."
    )


if __name__ == "__main__":
    main()
