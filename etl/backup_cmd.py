"""`python -m etl backup` / `python -m etl restore ARCHIVE`: save and put back the sources
and the load history (see centrale/intake/backup.py). Exit codes: 0 done, 1 refused (nothing
changed), 2 bad usage.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from centrale.intake.backup import (
    BackupError,
    RestoreFailed,
    RestoreUnfinished,
    auto_backup,
    backups_dir,
    make_backup,
    restore_backup,
)
from centrale.sources.problems import SourceError
from centrale.storage.build import build_store


def add_arguments(sub, parser_class) -> None:
    backup = sub.add_parser(
        "backup", help="archiver (tar.gz daté) le dossier des sources et l'historique"
    )
    backup.add_argument(
        "--out",
        type=Path,
        help="dossier des archives (défaut : $CENTRALE_BACKUPS ou « sauvegardes » à côté "
        "du dossier des sources)",
    )
    restore = sub.add_parser(
        "restore", help="remettre une sauvegarde (sources et historique) et reconstruire la base"
    )
    restore.add_argument("archive", type=Path, help="l'archive .tar.gz d'« etl backup »")
    for p in (backup, restore):
        p.add_argument(
            "--sources", type=Path, help="dossier des sources (défaut : $CENTRALE_SOURCES)"
        )
        p.add_argument(
            "--db", type=Path, help="base (défaut : data/centrale.duckdb ou $CENTRALE_DB)"
        )


def run(args, config) -> int:
    sources = args.sources or config.sources_dir
    db_path = args.db or config.db_path
    config = dataclasses.replace(config, sources_dir=Path(sources), db_path=Path(db_path))
    try:
        if args.command == "backup":
            made = make_backup(sources, db_path, args.out or backups_dir(config))
            print(
                f"Sauvegarde écrite : {made.path} ({made.files} fichiers sources, "
                f"{made.history_rows} chargements dans l'historique)"
            )
            return 0

        def rebuild(paths: list[Path], names: dict[Path, str], store: Path) -> None:
            settings = dataclasses.replace(config, db_path=store)
            build_store(
                settings,
                Path(sources),
                store,
                progress=lambda _: None,
                action="restore",
                paths=paths,
                display_names=names,
                allow_shrink=True,  # going back to a backup is the point
            )

        automatic = []

        def before() -> None:  # under the sources lock: what is replaced is saved first
            made = auto_backup(config)
            if made:
                automatic.append(made.path)

        kept = restore_backup(args.archive, sources, db_path, rebuild, before=before)
    except (BackupError, RestoreFailed) as exc:
        text = str(exc).rstrip(".")
        tail = "" if "Rien n'a été modifié" in text else " Rien n'a été modifié."
        print(f"Erreur : {text}.{tail}", file=sys.stderr)
        return 1
    except SourceError as exc:
        print(
            f"Erreur : les sources de la sauvegarde sont invalides ({exc}). Rien n'a été modifié.",
            file=sys.stderr,
        )
        return 1
    except RestoreUnfinished as exc:
        print(f"Attention : {exc}", file=sys.stderr)
        return 1
    if automatic:
        print(f"État d'avant la restauration sauvegardé : {automatic[0]}")
    print(f"Sauvegarde remise : sources dans {sources}, base reconstruite : {db_path}")
    if kept:
        print(f"L'ancien dossier des sources est aussi conservé tel quel : {kept}")
    return 0
