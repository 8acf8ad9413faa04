"""`python -m etl backup` / `python -m etl restore ARCHIVE`: save and put back the sources
and the load history (see centrale/backup.py). Exit codes: 0 done, 1 refused (nothing
changed), 2 bad usage.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from centrale.backup import BackupError, make_backup, restore_backup
from centrale.build import build_store
from centrale.config import REPO_ROOT
from centrale.sources.problems import SourceError

DEFAULT_OUT = REPO_ROOT / "data" / "sauvegardes"


def add_arguments(sub, parser_class) -> None:
    backup = sub.add_parser(
        "backup", help="archiver (tar.gz daté) le dossier des sources et l'historique"
    )
    backup.add_argument("--out", type=Path, default=DEFAULT_OUT, help="dossier des archives")
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
    try:
        if args.command == "backup":
            made = make_backup(sources, db_path, args.out)
            print(
                f"Sauvegarde écrite : {made.path} ({made.files} fichiers sources, "
                f"{made.history_rows} chargements dans l'historique)"
            )
            return 0

        def rebuild(folder: Path, store: Path) -> None:
            settings = dataclasses.replace(config, sources_dir=folder, db_path=store)
            build_store(settings, folder, store, progress=lambda _: None, action="restore")

        kept = restore_backup(args.archive, sources, db_path, rebuild)
    except BackupError as exc:
        print(f"Erreur : {exc}. Rien n'a été modifié.", file=sys.stderr)
        return 1
    except SourceError as exc:
        print(f"Erreur : les sources de la sauvegarde sont invalides ({exc}).", file=sys.stderr)
        return 1
    print(f"Sauvegarde remise : sources dans {sources}, base reconstruite : {db_path}")
    if kept:
        print(f"L'ancien dossier des sources est conservé : {kept}")
    return 0
