"""`make bench` (`python -m bench`): measure, write bench/RESULTS.md, print the same table.

    python -m bench [--quick] [--no-browser] [--demo]
    python -m bench load [...]      many people at once only (see bench/load.py)

--quick runs a small scale set once each (a smoke run, minutes → seconds);
the figures then say nothing about the targets. --demo leaves out the scale
set (its generation, builds, pages and queries at 1,000,000 orders): what a
visitor of the demo feels (pages, cold start, many people), on a shared
machine where the full run would take the cores from everyone for minutes.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from bench import etl, machine, pages, queries, synth
from bench.proc import REPO, run_module
from bench.stats import Figure, check, table
from centrale.cli import FrenchArgumentParser
from centrale.config import settings

BENCH = Path(__file__).resolve().parent
PORTS = [8661, 8662, 8663]
# The setting the ETL would need to accept every commune's adhesion (proposed to
# the lead); without it the scale set keeps adhesions and orders in the province.
COUNTRY_ENV = {"CENTRALE_ADHESION_PROVINCES": "*"}


def main() -> None:
    if sys.argv[1:2] == ["load"]:
        from bench import load

        load.main(sys.argv[2:])
        return
    parser = FrenchArgumentParser(
        prog="python -m bench",
        description="Mesure l'ETL, les pages, les requêtes, le démarrage à froid et la charge, "
        "puis écrit bench/RESULTS.md.",
        epilog="Aussi : python -m bench load --help (plusieurs personnes à la fois) ; "
        "python -m bench.setup_time --help (installation, pip contre uv).",
    )
    parser.add_argument("--quick", action="store_true", help="petit jeu, une mesure de chaque")
    parser.add_argument("--no-browser", action="store_true", help="sans Chromium")
    parser.add_argument("--demo", action="store_true", help="sans le jeu d'échelle")
    args = parser.parse_args()
    started = time.monotonic()
    load_at_start = machine.load_average()
    s = settings()
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    env = {**COUNTRY_ENV, "CENTRALE_SOURCES": str(out / "sources")}
    if args.demo:
        figures = demo_run(out, env, args.no_browser)
        text = report(figures, None, None, None, time.monotonic() - started, False, load_at_start)
        (BENCH / "RESULTS.md").write_text(text, encoding="utf-8")
        print(text)
        return

    scope = etl.accepted_scope(s.boundaries_path, s.mergers_path, env)
    spec = synth.ScaleSpec(scope=scope)
    if args.quick:
        spec = synth.ScaleSpec(orders=20_000, survey_rows=5_000, scope=scope)
    t = time.monotonic()
    # In a child: a parent grown by the generation would inflate every later child's
    # peak memory (Linux carries ru_maxrss across fork and exec).
    made, _ = run_module("bench.synth", BENCH / "scale", spec.scope, spec.orders, spec.survey_rows)
    sources = Path(made["path"])
    generated = time.monotonic() - t
    communes = "581 communes" if scope == "country" else "44 communes de la province"
    label = f"{spec.orders:,} commandes".replace(",", " ")
    print(f"Jeu d'échelle : {sources.name} ({generated:.1f} s) — {communes}", flush=True)

    runs = 1 if args.quick else None
    figures: list[Figure] = []
    print("ETL…", flush=True)
    etl_figures, demo_db, scale_db = etl.build_figures(
        sources,
        out,
        demo_runs=runs or 5,
        scale_runs=runs or 3,
        baseline_rows=2_000 if args.quick else 5_000,
        baseline_runs=runs or 3,
        scale_label=label,
        env=env,
    )
    figures += etl_figures
    print("Pages…", flush=True)
    figures += pages.page_figures(demo_db, "démo", 150, runs or 3, runs or 5, env, limit=60)
    # At scale one cold run each, and a page that hangs is cut off: `make bench` stays short.
    figures += pages.page_figures(scale_db, label, 500, 1, runs or 3, env, limit=45)
    print("Requêtes…", flush=True)
    figures += queries.query_figures(scale_db, label, runs or 3)
    for db, scale in ((demo_db, "démo"), (scale_db, label)):
        sizes, _ = run_module("bench.mapfig_worker", db)
        for metric, size in sizes.items():
            f = Figure(
                "Carte",
                f"JSON de la figure, indicateur « {metric} »",
                scale,
                "kB",
                runs=[size / 1000],
                target="< 150 kB",
            )
            figures.append(check(f, 150.0))
    if not args.no_browser:
        print("Navigateur…", flush=True)
        from bench import browser

        figures += browser.browser_figures(demo_db, scale_db, PORTS, runs or 5, label)

    print("Charge (plusieurs personnes à la fois)…", flush=True)
    from bench import load

    figures += load.load_figures(quick=args.quick)

    text = report(
        figures, spec, scope, sources, time.monotonic() - started, args.quick, load_at_start
    )
    if not args.quick:
        (BENCH / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)


def demo_run(out: Path, env: dict, no_browser: bool) -> list[Figure]:
    """The demo's figures only: build, pages, map payload, cold start, many people."""
    print("ETL (démo)…", flush=True)
    figures, demo_db = etl.demo_figures(out, 5, env)
    print("Pages…", flush=True)
    figures += pages.page_figures(demo_db, "démo", 150, 3, 5, env, limit=60)
    sizes, _ = run_module("bench.mapfig_worker", demo_db)
    for metric, size in sizes.items():
        f = Figure(
            "Carte",
            f"JSON de la figure, indicateur « {metric} »",
            "démo",
            "kB",
            runs=[size / 1000],
            target="< 150 kB",
        )
        figures.append(check(f, 150.0))
    if not no_browser:
        print("Navigateur…", flush=True)
        from bench import browser

        figures += browser.browser_figures(demo_db, None, PORTS, 5, "démo")
    print("Charge (plusieurs personnes à la fois)…", flush=True)
    from bench import load

    return figures + load.load_figures()


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def report(figures, spec, scope, sources, seconds, quick, load_at_start=None) -> str:
    if sources is None:
        scale_lines = [
            "- Non mesuré dans ce run (`python -m bench --demo`) : génération, builds, pages "
            "et requêtes à 1 000 000 de commandes ; voir l'historique de ce fichier "
            "(dernier run complet : 24/11/2026).",
        ]
    else:
        rows = sum(1 for _ in (sources / "orders.csv").open(encoding="utf-8-sig")) - 1
        survey = sum(1 for _ in (sources / "survey.csv").open(encoding="utf-8-sig")) - 1
        subsidies = sum(1 for _ in (sources / "subsidies.csv").open(encoding="utf-8-sig")) - 1
        scope_text = (
            "toutes les communes de Belgique (581) adhèrent et commandent"
            if scope == "country"
            else "adhésions et commandes limitées aux 44 communes de la province de Luxembourg "
            "(l'ETL refuse aujourd'hui une adhésion hors de la province ; enquête et subsides "
            "couvrent tout le pays / toute la Région)"
        )
        scale_lines = [
            f"- {_n(rows)} commandes, {_n(survey)} réponses à l'enquête, {_n(subsidies)} "
            f"subsides ; {len(synth.YEARS)} ans "
            f"({synth.START:%d/%m/%Y}–{synth.END:%d/%m/%Y}) ; {scope_text}.",
            f"- Sources en CSV (gros types) et XLSX (petits) : `{sources.relative_to(REPO)}`.",
        ]
    met = [f for f in figures if f.met is not None]
    return "\n".join(
        [
            "# Performances — résultats de `make bench`",
            "",
            f"Mesuré le {dt.date.today():%d/%m/%Y} en {seconds / 60:.1f} min"
            + (" (mode --quick : non représentatif)" if quick else "")
            + f". Cibles atteintes : {sum(bool(f.met) for f in met)}/{len(met)}.",
            "",
            "## Machine",
            *machine.describe(load_at_start),
            "",
            "## Jeu d'échelle (`bench/synth.py`, graine fixe)",
            *scale_lines,
            "",
            "## Méthode",
            "- Chaque chiffre : médiane de n mesures (min–max). Build : sous-processus, "
            "pic mémoire par `os.wait4` (ru_maxrss). Pages : `AppTest` ; « rerun à chaud » = "
            "un `run()` suivant le premier (données en cache) ; « premier run » = caches "
            "Streamlit vidés. Requêtes : fonctions marquées `@cached_query`, date du jour.",
            "- Navigateur : Chromium sans tête ; du lancement de `streamlit run` jusqu'aux "
            "KPI visibles, contre une application d'une ligne lancée de même.",
            "- Machine partagée : la charge des autres processus élargit les écarts min–max.",
            "",
            "## Résultats",
            "",
            table(figures),
            "",
        ]
    )


if __name__ == "__main__":
    main()
