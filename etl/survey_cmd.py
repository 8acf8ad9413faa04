"""`python -m etl survey-import FILE --year Y …`: a survey tool's export into the sources.

The same path as the dashboard's import tab (`survey_import.plan_import`, then
`apply_plan`): the automatic mapping (or a saved one), the rows it would write,
what it changes per commune against the stored answers, the responses left out
and why, the problems. An import that would remove stored answers needs
`--replace`; a date column whose day/month order cannot be told needs
`--date-order dmy|mdy`; a column the import cannot place (« Budget estimé (€) »)
needs a decision: `--ignore-column HEADING` (or a saved `--mapping` that places
it). Exit codes as `etl build`: 0 done, 1 invalid input, a column left undecided or
an unconfirmed removal (nothing written), 2 bad usage. A `--dry-run` exits with the
code the same command without it would: 1 for a trial that would be refused (a
script must not take it for a good one), 0 for one that would be imported.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from centrale import fmt
from centrale.intake import survey_import
from centrale.intake.survey_mapping import ROLE_LABELS
from centrale.sources.problems import SourceError, grouped, summary_line

EXIT_CODES = (
    "Codes de sortie : 0 importé (avec --dry-run : l'import passerait) ; 1 refusé, rien "
    "d'écrit — fichier invalide, colonne à décider (--ignore-column ou --mapping), retrait "
    "de réponses non confirmé (--replace) ou ordre des dates à préciser (--date-order) ; "
    "avec --dry-run, le même code 1 quand l'import serait refusé ; 2 mauvaise utilisation "
    "(option inconnue ou manquante, fichier introuvable)."
)


def add_arguments(sub, parser_class) -> None:
    p = sub.add_parser(
        "survey-import",
        help="importer l'export d'un outil d'enquête (LimeSurvey, KoboToolbox, "
        "Microsoft Forms, Google Forms ou format long)",
        description="Importe l'export d'un outil d'enquête dans les sources (même chemin que "
        "l'onglet Importer de la page Enquête), puis reconstruit la base.",
        epilog=EXIT_CODES,
    )
    p.add_argument("file", type=Path, metavar="EXPORT", help="l'export (.csv ou .xlsx)")
    p.add_argument("--year", type=int, required=True, metavar="ANNÉE", help="année de l'enquête")
    p.add_argument(
        "--mapping",
        type=Path,
        metavar="FICHIER",
        help="correspondance des colonnes enregistrée (.json)",
    )
    p.add_argument(
        "--sources",
        type=Path,
        metavar="DOSSIER",
        help="dossier des fichiers sources (défaut : $CENTRALE_SOURCES ou data/sources)",
    )
    p.add_argument(
        "--db",
        type=Path,
        metavar="BASE",
        help="base à reconstruire (défaut : $CENTRALE_DB ou data/centrale.duckdb)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="essai : ne rien écrire ; se termine avec le code qu'aurait l'import (1 : "
        "refusé, 0 : accepté)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="confirmer le retrait des réponses déjà enregistrées que l'import remplace",
    )
    p.add_argument(
        "--date-order",
        choices=("dmy", "mdy"),
        help="ordre des dates quand il ne peut être déduit : dmy (jour/mois) ou mdy (mois/jour)",
    )
    p.add_argument(
        "--ignore-column",
        action="append",
        default=[],
        metavar="EN-TÊTE",
        help="ignorer cette colonne de l'export, que l'import ne sait pas placer (en-tête tel "
        "qu'il est écrit, répétable) : sans cette décision, l'import est refusé",
    )
    p.add_argument(
        "--besoin",
        action="append",
        default=[],
        metavar="TEXTE=BESOIN",
        help="ce que devient une réponse hors catalogue : « Bornes de recharge=BORNES » la "
        "rattache à un besoin existant (code ou nom), « Bornes de recharge= » l'importe "
        "telle quelle comme nouveau besoin (répétable)",
    )
    p.add_argument("--json", action="store_true", help="sortie JSON")


def _decisions(pairs: list[str], options) -> dict[str, str | None]:
    """--besoin TEXT=NEED pairs -> the plan's decisions (normalised text -> the need's
    code, or the text itself for a new need). A pair without '=', or whose NEED is no
    code or name the import knows (a typo would become a new need), is a usage error."""
    from centrale.intake.survey_mapping import exact_need
    from centrale.names import normalise

    decided = {}
    for pair in pairs:
        text, sep, need = pair.partition("=")
        if not sep or not text.strip():
            raise ValueError(f"--besoin attend TEXTE=BESOIN, reçu « {pair} »")
        if not need.strip():
            decided[normalise(text)] = text.strip()
            continue
        option = exact_need(need, options)
        if option is None:
            raise ValueError(
                f"--besoin « {pair} » : « {need.strip()} » n'est ni un code ni un nom de "
                "besoin connu (catalogue des solutions ou nouveau besoin déjà répondu). "
                f"Donnez un code existant, ou « {text.strip()}= » pour l'importer tel quel "
                "comme nouveau besoin"
            )
        decided[normalise(text)] = option.value
    return decided


def _unused(pairs: list[str], plan) -> list[str]:
    """The --besoin texts that name no answer outside the catalogue in this export."""
    from centrale.names import normalise

    texts = [pair.partition("=")[0].strip() for pair in pairs]
    return [t for t in texts if normalise(t) not in plan.new_needs]


def _refuse_undecided(plan, export, dry_run: bool, needs_replace: bool) -> None:
    """Say why the import is refused: columns to decide, and --replace if also needed."""
    columns = ", ".join(f"« {c.header} »" for c in plan.undecided)
    options = " ".join(f'--ignore-column "{c.header}"' for c in plan.undecided[:3])
    print(
        f"{'Essai : import' if dry_run else 'Import'} refusé pour « {export.name} » : "
        + fmt.count(
            len(plan.undecided),
            "colonne que l'import ne sait pas placer",
            "colonnes que l'import ne sait pas placer",
        )
        + f" ({columns}) : chaque colonne se décide avant l'import, sans quoi son contenu "
        "serait perdu sans que personne l'ait choisi. "
        f"Pour ignorer ces colonnes, relancez avec {options}"
        + (" …" if len(plan.undecided) > 3 else "")
        + " ; pour les importer, donnez une correspondance enregistrée (--mapping) qui "
        "les place. Rien n'a été écrit.",
        file=sys.stderr,
    )
    if needs_replace:
        print(
            "Il faudra aussi confirmer avec --replace : l'import remplacerait "
            + fmt.count(plan.replaced, "réponse déjà enregistrée", "réponses déjà enregistrées")
            + f" et en retirerait {_needs_removed(plan)}.",
            file=sys.stderr,
        )


def run(args, config) -> int:
    if args.sources:
        config = dataclasses.replace(config, sources_dir=args.sources)
    if args.db:
        config = dataclasses.replace(config, db_path=args.db)
    if not args.file.is_file():
        print(f"Erreur : fichier introuvable : {args.file}", file=sys.stderr)
        return 2
    if args.mapping and not args.mapping.is_file():
        print(f"Erreur : correspondance introuvable : {args.mapping}", file=sys.stderr)
        return 2
    if not config.sources_dir.is_dir():
        print(f"Erreur : dossier des sources introuvable : {config.sources_dir}", file=sys.stderr)
        return 2
    data = args.file.read_bytes()
    export = survey_import.read_export(data, args.file.name, config.max_upload_bytes)
    try:
        options = survey_import.catalogue_options(config) if args.besoin else None
        decisions = _decisions(args.besoin, options or [])
        plan = survey_import.plan_import(
            config,
            export,
            args.year,
            saved=args.mapping,
            options=options,
            order=args.date_order,
            decisions=decisions,
            ignore=args.ignore_column,
        )
    except ValueError as exc:  # an unreadable mapping file, a --besoin or --ignore-column
        # not understood
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    unused = _unused(args.besoin, plan)
    if unused:
        print(
            "Erreur : --besoin sans effet : aucune réponse hors catalogue de ce fichier ne "
            f"s'écrit {', '.join(f'« {t} »' for t in unused)}. Recopiez le texte tel que la "
            "liste « Réponses hors catalogue » le montre (essai : --dry-run). Rien n'a été "
            "écrit",
            file=sys.stderr,
        )
        return 2
    written = None
    undecided = plan.ok and bool(plan.undecided)
    # Both refusals are said at once: a second run to learn of --replace wastes a turn.
    needs_replace = plan.ok and plan.removals and not args.replace
    unconfirmed = needs_replace and not undecided
    if plan.ok and not args.dry_run and not unconfirmed and not undecided:
        try:
            written = survey_import.apply_plan(
                config, plan, loaded_by="etl survey-import", confirmed=args.replace
            )
        except SourceError as exc:
            plan.problems = exc.problems
    if args.json:
        print(json.dumps(plan.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_plan(plan)
    if undecided:
        _refuse_undecided(plan, export, args.dry_run, needs_replace)
        return 1
    if unconfirmed:
        # A trial is refused as the import would be: exit 1 in both, so that a script
        # never takes a refused trial for a good one.
        print(
            f"{'Essai : import' if args.dry_run else 'Import'} refusé : il remplacerait "
            + fmt.count(plan.replaced, "réponse déjà enregistrée", "réponses déjà enregistrées")
            + f" et en retirerait {_needs_removed(plan)} (voir « Changements » ci-dessus). "
            "Relancez avec --replace pour confirmer. Rien n'a été écrit.",
            file=sys.stderr,
        )
        return 1
    ok = plan.ok and (args.dry_run or written is not None)
    if not ok:
        print(
            f"{'Essai : import' if args.dry_run else 'Import'} refusé : rien n'a été écrit.",
            file=sys.stderr,
        )
        return 1
    if args.dry_run:
        print(
            "Essai (--dry-run) réussi : l'import passerait ; rien n'a été écrit.", file=sys.stderr
        )
    else:
        kept = " (les anciennes versions restent dans l'historique des sources)"
        print(
            f"Importé dans {written.written[0]} : {plan.changes_line()}"
            f"{kept if plan.replaced else ''} ; base reconstruite : {config.db_path}",
            file=sys.stderr,
        )
    return 0


def _needs_removed(plan) -> str:
    removed, _ = plan.need_counts()
    return fmt.count(removed, "besoin", "besoins") if removed else "une réponse « aucun besoin »"


def _print_plan(plan) -> None:
    export = plan.export
    rows = fmt.count(len(export.rows), "ligne")
    print(f"{export.name} : {export.layout_label}, {rows}")
    if plan.saved_mapping:
        print(f"Correspondance enregistrée appliquée : {plan.saved_mapping.name}")
    if plan.mapping:
        print("\nCorrespondance des colonnes :")
        undecided = plan.undecided
        for c in plan.mapping:
            need = f" → {c.need}" if c.need else ""
            role = ROLE_LABELS.get(c.role, "?")
            if c in undecided:
                role, need = "À décider (--ignore-column ou --mapping)", ""
            print(f"  {c.header} : {role}{need} — {c.reason}")
    written = plan.rows()
    print(f"\nLignes à écrire ({len(written)}) :")
    if plan.date_column:
        print(
            f"  (dates de « {plan.date_column} » non lues : jour et mois ne peuvent être "
            "distingués, précisez --date-order dmy ou mdy)"
        )
    for r in written:
        when = (
            "?" if plan.date_column else fmt.date(r["submitted_on"]) if r["submitted_on"] else "-"
        )
        print(
            f"  {r['year']} ; {r['commune']} ; {r['need']} ; priorité {r['priority'] or '-'} ; "
            f"réponse {when}"
        )
    if plan.changes:
        print(f"\nChangements par commune ({plan.changes_line()}) :")
        for c in plan.changes:
            parts = [f"retire {', '.join(c.removed)}" if c.removed else ""]
            parts += [f"ajoute {', '.join(c.added)}" if c.added else ""]
            parts += [f"garde {', '.join(c.kept)}" if c.kept else ""]
            print(f"  {c.year} {c.commune} : {' ; '.join(p for p in parts if p) or 'inchangé'}")
    if plan.new_needs:
        print("\nRéponses hors catalogue :")
        for n in plan.new_needs.values():
            asked = n.closest and n.outcome != n.closest
            same = f" — même besoin que « {n.closest} » ?" if asked else ""
            fate = f"importée comme « {n.outcome} »" if n.outcome else "ignorée"
            print(f"  « {n.text} » ({', '.join(n.communes)}) : {fate}{same}")
        print(
            "  (--besoin « texte=CODE » rattache une réponse à un besoin existant, "
            "« texte= » l'importe comme nouveau besoin)"
        )
    if plan.left_out:
        print(f"\nRéponses laissées de côté ({len(plan.left_out)}) :")
        for o in plan.left_out:
            print(f"  ligne {o.row} {o.commune} : {o.reason}")
    if plan.problems:
        print(f"\n{summary_line(plan.problems)}", file=sys.stderr)
        for problem in grouped(plan.problems):
            print(str(problem), file=sys.stderr)
