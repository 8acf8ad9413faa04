"""`python -m reports brief (--nis CODE | --all) [--as-of AAAA-MM-JJ] [--db PATH] --out DIR`.

Writes `<Commune>_<date>.pptx` (the deck) and `<Commune>_<date>.pdf` (the
one-page fiche; `Bertrix_2020-01-31.pdf`, accents dropped: `Vaux-sur-Sure_…`)
for one commune, or for every commune existing at that date, with a plain-text
progress line per commune on stderr.

Exit codes: 0 success, 1 a French message (unknown NIS code, a date before
the centrale opened, no store), 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from centrale.briefing import BriefingError, check_as_of, commune_briefing, communes_at
from centrale.cli import FrenchArgumentParser, iso_date
from centrale.config import settings
from centrale.store import StoreMissing, connect_read_only


def _parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="python -m reports",
        description="Dossiers de présentation aux bourgmestres : présentation PowerPoint "
        "et fiche commune PDF, pour une commune ou pour toutes.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=FrenchArgumentParser)
    brief = sub.add_parser("brief", help="écrire la présentation et la fiche d'une commune")
    # Checked in main() rather than by argparse, whose messages would be English.
    brief.add_argument("--nis", help="code INS de la commune (5 chiffres, ex. 84009)")
    brief.add_argument("--all", action="store_true", help="toutes les communes à la date")
    brief.add_argument(
        "--as-of",
        type=iso_date,
        default=dt.date.today(),
        metavar="AAAA-MM-JJ",
        help="date de situation, par ex. 2020-01-31 (défaut : ce jour)",
    )
    brief.add_argument(
        "--db", type=Path, help="base à lire (défaut : data/centrale.duckdb ou $CENTRALE_DB)"
    )
    brief.add_argument("--out", type=Path, help="dossier où écrire les fichiers (obligatoire)")
    return parser


def _fail(message: str) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if bool(args.nis) == bool(args.all):
        parser.error("indiquez soit --nis CODE, soit --all (l'un des deux)")
    if args.out is None:
        parser.error("indiquez le dossier de sortie avec --out DOSSIER")
    try:
        check_as_of(args.as_of)
        con = connect_read_only(args.db or settings().db_path)
    except (BriefingError, StoreMissing) as exc:
        return _fail(str(exc))
    with con:
        try:
            if args.all:
                targets = list(communes_at(con, args.as_of).itertuples(index=False))
            else:
                # Validate the code before writing anything.
                b = commune_briefing(con, args.nis, args.as_of)
                targets = [(b.nis_code, b.name)]
        except BriefingError as exc:
            return _fail(str(exc))
        # Imported only now: pptx, fpdf2 and matplotlib are slow to load, and a
        # refused request should answer at once.
        from reports.files import write_briefing

        args.out.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        for index, (nis_code, name) in enumerate(targets, start=1):
            print(f"[{index}/{len(targets)}] {name}…", file=sys.stderr, flush=True)
            write_briefing(commune_briefing(con, nis_code, args.as_of), args.out)
    elapsed = time.perf_counter() - started
    print(
        f"{len(targets)} présentation(s) et fiche(s) écrites dans {args.out} en {elapsed:.1f} s.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
