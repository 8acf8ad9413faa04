"""`python -m etl build|check|kpis`: load the sources into the store, from a terminal.

Exit codes: 0 success, 1 invalid input (the store is left as it was), 2 bad usage.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

from centrale.cli import FrenchArgumentParser, iso_date
from centrale.config import CENTRALE_OPENED_ON, settings
from centrale.errors import FILE_SYSTEM_ERRORS, CentraleError, explain
from centrale.intake.commit import mismatch, settle_interrupted, store_fingerprint
from centrale.intake.folder import ensure_sources_folder
from centrale.sources.discover import list_source_files
from centrale.sources.geo import BoundariesError
from centrale.sources.kinds import kind_of_file
from centrale.sources.problems import SourceError, grouped, summary_line
from centrale.storage.build import LoadRefused, build_store, check_sources
from etl import backup_cmd, survey_cmd, users


def _parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="python -m etl",
        description="Chargement des fichiers sources de la centrale d'achats "
        "Smart dans la base DuckDB du tableau de bord.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=FrenchArgumentParser)
    build = sub.add_parser("build", help="valider les sources et reconstruire la base")
    check = sub.add_parser("check", help="valider les sources sans rien écrire")
    for p in (build, check):
        p.add_argument(
            "--sources",
            type=Path,
            help="dossier des fichiers sources (défaut : le dossier de travail, data/sources "
            "ou $CENTRALE_SOURCES)",
        )
        p.add_argument(
            "--from-demo",
            action="store_true",
            help="utiliser les sources de démonstration (data/sample) ; pour « build », "
            "remplace aussi une base construite depuis un autre dossier",
        )
        p.add_argument(
            "--boundaries",
            type=Path,
            help="fichier TopoJSON des limites "
            "communales (défaut : data/reference/geo/… ou $CENTRALE_BOUNDARIES)",
        )
    check.add_argument(
        "--json",
        action="store_true",
        help='sortie JSON : {"problems": [...]} (file, sheet, row, column, value, '
        "expected, message, severity, code)",
    )
    build.add_argument(
        "--allow-shrink",
        action="store_true",
        help="accepter une base qui viderait une table ou perdrait plus de la moitié de ses "
        "lignes (refusé sans cette option)",
    )
    build.add_argument(
        "--db", type=Path, help="base à remplacer (défaut : data/centrale.duckdb ou $CENTRALE_DB)"
    )
    build.add_argument(
        "--other-folder",
        action="store_true",
        help="remplacer une base construite depuis un autre dossier des sources "
        "(refusé sans cette option)",
    )
    init = sub.add_parser(
        "init",
        help="créer le dossier des sources de travail à partir "
        "des sources de démonstration s'il n'existe pas",
    )
    init.add_argument("--sources", type=Path)
    kpis = sub.add_parser("kpis", help="les chiffres clés à une date")
    kpis.add_argument("--db", type=Path)
    kpis.add_argument(
        "--as-of",
        type=iso_date,
        default=dt.date.today(),
        help="date de référence AAAA-MM-JJ (défaut : aujourd'hui)",
    )
    kpis.add_argument(
        "--call-year",
        type=int,
        help="année de l'appel à projets (défaut : le dernier appel jusqu'à la date)",
    )
    kpis.add_argument(
        "--survey-year",
        type=int,
        help="année de l'enquête (défaut : la dernière envoyée à la date)",
    )
    kpis.add_argument("--json", action="store_true", help="sortie JSON")
    users.add_arguments(sub, FrenchArgumentParser)
    survey_cmd.add_arguments(sub, FrenchArgumentParser)
    backup_cmd.add_arguments(sub, FrenchArgumentParser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except FILE_SYSTEM_ERRORS as exc:
        # A read-only or full disk, a missing folder, a file locked elsewhere: in French.
        print(f"Erreur : {explain(exc, getattr(args, 'db', None))}", file=sys.stderr)
        return 1
    except CentraleError as exc:  # any refusal a sub-command did not word itself
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return 1


# Over the complexity limit: the build and check sub-commands' shared path; to split by job next.
def _run(args) -> int:  # noqa: C901
    config = settings()
    if getattr(args, "boundaries", None):
        config = dataclasses.replace(config, boundaries_path=args.boundaries)
    if args.command == "user":
        return users.run(args)
    if args.command == "survey-import":
        return survey_cmd.run(args, config)
    if args.command in ("backup", "restore"):
        return backup_cmd.run(args, config)
    try:
        if args.command == "kpis":
            return _kpis(args, config)
        if args.command == "init":
            if args.sources:
                config = dataclasses.replace(config, sources_dir=args.sources)
            existed = config.sources_dir.exists()
            folder = ensure_sources_folder(config)
            if not existed:
                print(f"Dossier des sources créé à partir de la démonstration : {folder}")
            return 0
        # Without --sources: the working folder (data/sources or $CENTRALE_SOURCES), made
        # from the demo the first time; the demo itself only when asked (--from-demo).
        if args.sources and args.from_demo:
            print("Erreur : --sources et --from-demo s'excluent.", file=sys.stderr)
            return 2
        if args.from_demo:
            sources = config.sample_dir
        elif args.sources:
            sources = args.sources
        else:
            existed = config.sources_dir.exists()
            sources = ensure_sources_folder(config)
            if not existed:
                print(f"Dossier des sources créé à partir de la démonstration : {sources}")
        if not sources.is_dir():
            print(f"Erreur : dossier des sources introuvable : {sources}", file=sys.stderr)
            return 2
        # A load the dashboard could not finish (server killed) is settled first.
        settled = settle_interrupted(sources)
        if settled:
            print(f"Attention : {settled}", file=sys.stderr)
        if args.command == "check":
            _warn_mismatch(sources, config.db_path)
            if args.json:
                validated = check_sources(sources, config, progress=lambda _: None)
                problems = [p.as_json() for p in validated.problems]
                print(json.dumps({"problems": problems}, ensure_ascii=False, indent=2))
                return 0 if validated.ok else 1
            validated = check_sources(sources, config, progress=_progress)
            _print_problems(validated.problems)
            print(
                "Sources valides." if validated.ok else "Sources invalides : rien n'a été chargé.",
                file=sys.stderr if not validated.ok else sys.stdout,
            )
            return 0 if validated.ok else 1
        refusal = _other_folder_refusal(
            sources, Path(args.db or config.db_path), args.other_folder or args.from_demo
        )
        if refusal:
            print(f"Erreur : {refusal}", file=sys.stderr)
            return 1
        result = build_store(
            config, sources, args.db, progress=_progress, allow_shrink=args.allow_shrink
        )
    except LoadRefused as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except BoundariesError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except SourceError as exc:
        _print_problems(exc.problems)
        print(f"{exc}. La base n'a pas été modifiée.", file=sys.stderr)
        return 1
    _print_problems(result.validated.warnings)
    print(f"Base reconstruite : {result.db_path} en {result.seconds:.2f} s")
    for table, rows in result.row_counts.items():
        print(f"  {table:<17} {rows:>9} lignes")
    print(f"  avertissements    {len(result.validated.warnings):>9}")
    return 0


def _other_folder_refusal(sources: Path, db_path: Path, told: bool) -> str | None:
    """A French refusal when the store was built from another folder than `sources`
    (unless `told`): a build from the wrong folder must not silently replace the data."""
    built = store_fingerprint(db_path)
    if told or built is None or not built[1] or not list_source_files(sources):
        return None  # (an empty folder: the build's own refusal says so)
    built_from = Path(built[1])
    if built_from.resolve() == Path(sources).resolve():
        return None
    return (
        f"la base {db_path} a été construite à partir du dossier {built_from}, pas de "
        f"{sources} : elle n'a pas été remplacée. Pour la reconstruire depuis {built_from} : "
        f"« python -m etl build --sources {built_from} » ; pour la remplacer quand même : "
        "ajoutez --other-folder (ou --from-demo pour les sources de démonstration)."
    )


def _warn_mismatch(folder: Path, db_path: Path) -> None:
    """Say so when the store was not built from exactly the files of `folder`."""
    message = mismatch(folder, db_path)
    if message:
        print(f"Attention : {message}", file=sys.stderr)


def _progress(message: str) -> None:
    print(f"• {message}", flush=True)


def _print_problems(problems) -> None:
    """A first line (how many, in how many files, what to fix first), then each problem,
    runs of the same problem on consecutive rows told once."""
    if not problems:
        return
    print(summary_line(problems, kind_of_file), file=sys.stderr)
    for problem in grouped(problems):
        print(str(problem), file=sys.stderr)


def _kpis(args, config) -> int:
    from centrale.datasets import queries
    from centrale.storage.store import StoreMissing, connect_read_only

    if args.as_of < dt.date.fromisoformat(CENTRALE_OPENED_ON):
        print(
            f"Erreur : la centrale d'achats a ouvert en janvier 2019 ; aucune donnée "
            f"avant le {dt.date.fromisoformat(CENTRALE_OPENED_ON):%d/%m/%Y}.",
            file=sys.stderr,
        )
        return 1
    try:
        con = connect_read_only(args.db or config.db_path)
    except StoreMissing as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    _warn_mismatch(config.sources_dir, args.db or config.db_path)
    with con:
        figures = queries.kpis(con, args.as_of, args.call_year, args.survey_year)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        from centrale.fmt import kpi_lines

        print("\n".join(kpi_lines(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
