"""`python -m reports brief|board|digest …`: the reports that go out.

`brief (--nis CODE | --all) [--as-of AAAA-MM-JJ] [--db PATH] --out DIR`:

Writes `<Commune>_<date>.pptx` (the deck) and `<Commune>_<date>.pdf` (the
one-page fiche; `Bertrix_2020-01-31.pdf`, accents dropped: `Vaux-sur-Sure_…`)
for one commune, or for every commune existing at that date, with a plain-text
progress line per commune on stderr.

`board (--year AAAA | --from AAAA-MM-JJ --to AAAA-MM-JJ) [--as-of …] --out DIR`:
the board report of a year or a period, `Rapport_CA_<du>_<au>.pdf` and `.pptx`.

`digest [--since AAAA-MM-JJ] [--as-of …] --out DIR [--from ADRESSE] [--to ADRESSE]
[--send]`: what changed since `--since` (default: the day after the last digest
written in DIR), `Digest_<du>_<au>.pdf` and `.eml` (ready to send, PDF attached);
`--send` also sends it by SMTP, only when `CENTRALE_SMTP_HOST` is configured.

Exit codes: 0 success, 1 a French message (unknown NIS code, a date before
the centrale opened, no store, no previous digest), 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from centrale import fmt
from centrale.cli import FrenchArgumentParser, iso_date
from centrale.config import settings
from centrale.datasets.briefing import BriefingError, check_as_of, commune_briefing, communes_at
from centrale.storage.store import StoreMissing, connect_read_only


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

    board = sub.add_parser(
        "board",
        help="rapport au conseil d'administration (PDF et diapositives)",
        description="Le bilan d'une année ou d'une période pour le conseil d'administration : "
        "adhésions, commandes et montants attribués, délais face à la promesse de 20 jours, "
        "gains de la remise en concurrence, enquête de l'année et ce qui a changé par "
        "rapport à la période précédente ; une page A4 (deux au plus) et les mêmes "
        "diapositives.",
    )
    board.add_argument("--year", type=int, metavar="AAAA", help="une année, par ex. 2023")
    board.add_argument("--from", dest="since", type=iso_date, metavar="AAAA-MM-JJ",
                       help="début d'une période (avec --to)")  # fmt: skip
    board.add_argument("--to", dest="until", type=iso_date, metavar="AAAA-MM-JJ",
                       help="fin d'une période (avec --from)")  # fmt: skip
    digest = sub.add_parser(
        "digest",
        help="ce qui a changé depuis une date (PDF et e-mail .eml)",
        description="Le résumé de ce qui a changé depuis une date (par défaut le dernier "
        "résumé) : commandes au-delà de 20 jours ou en attente, adhésions et retraits, "
        "commandes envoyées et attribuées, réponses à l'enquête et communes à relancer, "
        "imports ; en PDF et en e-mail .eml prêt à envoyer (SMTP seulement s'il est "
        "configuré). Pour une tâche planifiée : --since.",
    )
    digest.add_argument(
        "--since",
        type=iso_date,
        metavar="AAAA-MM-JJ",
        help="depuis quand (défaut : le lendemain du dernier digest du dossier)",
    )
    digest.add_argument(
        "--from",
        dest="sender",
        metavar="ADRESSE",
        help="expéditeur (défaut : $CENTRALE_DIGEST_FROM)",
    )
    digest.add_argument(
        "--to",
        dest="to",
        metavar="ADRESSE",
        help="adresse du destinataire (défaut : $CENTRALE_DIGEST_TO)",
    )
    digest.add_argument(
        "--send",
        action="store_true",
        help="l'envoyer aussi par SMTP (si CENTRALE_SMTP_HOST est configuré)",
    )
    for command in (board, digest):
        command.add_argument(
            "--as-of",
            type=iso_date,
            default=dt.date.today(),
            metavar="AAAA-MM-JJ",
            help="date de situation (défaut : ce jour)",
        )
        command.add_argument("--db", type=Path, help="base à lire (défaut : data/centrale.duckdb)")
        command.add_argument(
            "--out", type=Path, help="dossier où écrire les fichiers (obligatoire)"
        )
    return parser


def _write(path: Path, content: bytes) -> Path:
    """Written beside its name and renamed into place: never a half-written file."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(content)
    os.replace(partial, path)
    return path


def _board(parser, args) -> int:
    from centrale import periods

    if args.year is not None and (args.since or args.until):
        parser.error("indiquez soit --year, soit --from et --to (pas les deux)")
    if args.year is None and not (args.since and args.until):
        parser.error("indiquez --year AAAA, ou --from AAAA-MM-JJ et --to AAAA-MM-JJ")
    try:
        check_as_of(args.as_of)
    except BriefingError as exc:
        return _fail(str(exc))
    if args.year is not None:
        if args.year not in periods.years(args.as_of):
            return _fail(
                f"l'année {args.year} n'est pas couverte : la centrale a ouvert en "
                f"{periods.OPENED_ON.year} et la date de situation est le "
                f"{args.as_of:%d/%m/%Y}. Choisissez une année de {periods.OPENED_ON.year} "
                f"à {args.as_of.year}."
            )
        period = periods.make("year", args.as_of, year=args.year)
    else:
        period = periods.make("range", args.as_of, since=args.since, until=args.until)
    try:
        con = connect_read_only(args.db or settings().db_path)
    except StoreMissing as exc:
        return _fail(str(exc))
    from reports import board

    with con:
        report = board.board_report(con, period)
    args.out.mkdir(parents=True, exist_ok=True)
    name = board.base_name(report)
    pdf = _write(args.out / f"{name}.pdf", board.board_pdf(report))
    deck = _write(args.out / f"{name}.pptx", board.board_deck(report))
    print(f"Rapport au CA ({period.label}) écrit : {pdf} et {deck}.", file=sys.stderr)
    return 0


def _digest(parser, args) -> int:
    from reports import digest

    try:
        check_as_of(args.as_of)
        since = args.since or digest.default_since(args.out, args.as_of)
        con = connect_read_only(args.db or settings().db_path)
    except (BriefingError, StoreMissing, digest.DigestError) as exc:
        return _fail(str(exc))
    smtp = digest.smtp_settings()
    if args.send and smtp is None:
        return _fail(
            "--send demandé mais aucun serveur SMTP n'est configuré : définissez "
            "CENTRALE_SMTP_HOST (et CENTRALE_SMTP_PORT, _USER, _PASSWORD), ou envoyez le "
            "fichier .eml depuis votre messagerie."
        )
    with con:
        try:
            d = digest.build_digest(con, since, args.as_of)
        except digest.DigestError as exc:
            return _fail(str(exc))
    args.out.mkdir(parents=True, exist_ok=True)
    pdf = digest.digest_pdf(d)
    msg = digest.digest_email(d, pdf, sender=args.sender, to=args.to)
    name = digest.base_name(d)
    _write(args.out / f"{name}.pdf", pdf)
    eml = _write(args.out / f"{name}.eml", msg.as_bytes())
    print(f"Digest {d.period_label} écrit : {eml} (PDF joint).", file=sys.stderr)
    if args.send:
        try:
            digest.send(msg, smtp)
        except (digest.DigestError, OSError) as exc:
            return _fail(f"envoi SMTP impossible ({smtp['host']}) : {exc}")
        print(f"Envoyé à {msg['To']} par {smtp['host']}.", file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command in ("board", "digest") and args.out is None:
        parser.error("indiquez le dossier de sortie avec --out DOSSIER")
    if args.command == "board":
        return _board(parser, args)
    if args.command == "digest":
        return _digest(parser, args)
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
        fmt.count(len(targets), "présentation et fiche écrites", "présentations et fiches écrites")
        + f" dans {args.out} en {elapsed:.1f} s.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
