"""`python -m etl user add NAME --role editor`: create a local account of the dashboard.

The password is read from a prompt (twice) or, when stdin is not a terminal,
from its first line — never from the command line, where it would stay in the
shell history and the process list.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from centrale.access.auth import ROLE_LABELS, AccountError, add_user, users_path


def add_arguments(sub, parser_class) -> None:
    user = sub.add_parser("user", help="gérer les comptes locaux du tableau de bord")
    actions = user.add_subparsers(dest="user_command", required=True, parser_class=parser_class)
    add = actions.add_parser(
        "add",
        help="créer un compte (ou changer son mot de passe et son rôle) ; "
        "le mot de passe est demandé, ou lu sur l'entrée standard",
    )
    add.add_argument("name", help="nom d'utilisateur")
    add.add_argument(
        "--role",
        choices=("viewer", "editor"),
        default="viewer",
        help="viewer (lecture) ou editor (import, enquête, restauration) ; défaut : viewer",
    )
    add.add_argument(
        "--users",
        type=Path,
        help="fichier des comptes (défaut : data/users.toml ou $CENTRALE_USERS)",
    )


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Confirmez le mot de passe : ") != first:
            raise AccountError("les deux mots de passe diffèrent.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run(args) -> int:
    path = args.users or users_path()
    try:
        add_user(args.name, _read_password(), args.role, path)
    except AccountError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    print(f"Compte « {args.name} » enregistré ({ROLE_LABELS[args.role]}) dans {path}")
    return 0
