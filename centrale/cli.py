"""Command lines in French: argparse's usage, help and errors (English by default).

Shared by `python -m etl` and `python -m reports`: bad usage prints a French
message and exits with code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import NoReturn

ENGLISH_ERRORS = (
    ("the following arguments are required:", "arguments obligatoires manquants :"),
    ("invalid choice:", "choix invalide :"),
    ("choose from", "choisir parmi"),
    ("unrecognized arguments:", "arguments inconnus :"),
    ("expected one argument", "une valeur attendue"),
)


class FrenchArgumentParser(argparse.ArgumentParser):
    """French usage line and errors (argparse's own words are English), exit 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :", 1)

    def format_help(self) -> str:
        return (
            super()
            .format_help()
            .replace("usage:", "utilisation :", 1)
            .replace("options:", "options :")
            .replace("positional arguments:", "arguments :")
        )

    def error(self, message: str) -> NoReturn:
        for english, french in ENGLISH_ERRORS:
            message = message.replace(english, french)
        self.print_usage(sys.stderr)
        print(f"Erreur d'utilisation : {message}", file=sys.stderr)
        sys.exit(2)


def iso_date(text: str) -> dt.date:
    """An `AAAA-MM-JJ` argument (argparse type)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (attendu AAAA-MM-JJ)") from exc
