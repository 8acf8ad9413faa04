"""`python -m devtools.reference [--check]`: write the reference pages of docs/ from the code.

The settings (`centrale.config.SETTINGS`), the data contract (`centrale.sources.kinds`),
the measures (`centrale.semantic.measures`) and the command-line help (`python -m etl`,
`python -m reports`) are declared once in the code; their pages in `docs/reference/`
are generated here so that they cannot drift. `--check` writes nothing and exits 1
when a page differs from what the code says (tests/test_reference_docs.py runs it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from centrale.config import REPO_ROOT, SETTINGS
from centrale.semantic import measures
from centrale.sources import kinds

OUT = REPO_ROOT / "docs" / "reference"
HEADER = "<!-- Généré par `python -m devtools.reference` depuis le code : ne pas modifier. -->\n\n"

TYPE_FR = {
    "text": "texte",
    "date": "date",
    "amount": "montant",
    "int": "nombre entier",
    "commune": "commune (code INS ou nom)",
}

# The programs whose --help (and each sub-command's) is the reference of the command line.
PROGRAMS = ("etl", "reports")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def settings_page() -> str:
    rows = [
        "# Réglages\n",
        "Chaque réglage est une variable d'environnement, lue en un seul endroit : "
        "`centrale/config.py` (`SETTINGS`). Sans elle, la valeur par défaut s'applique.\n",
        "| variable | par défaut | ce qu'elle règle |",
        "|---|---|---|",
    ]
    for s in SETTINGS:
        rows.append(f"| `{s.name}` | `{_cell(s.default)}` | {_cell(s.meaning)} |")
    return HEADER + "\n".join(rows) + "\n"


def contract_page() -> str:
    intro = (Path(__file__).with_name("contract_intro.md")).read_text("utf-8")
    parts = [intro.rstrip() + "\n"]
    for kind in kinds.KINDS.values():
        prefixes = sorted(p for p, k in kinds.FILE_PREFIXES.items() if k == kind.name)
        parts.append(f"\n## {kind.label_fr} (`{kind.name}`)\n")
        if prefixes:
            names = ", ".join(f"`{p}…`" for p in prefixes)
            parts.append(f"Fichiers dont le nom commence par {names}. ")
        keys = ", ".join(f"`{k}`" for k in kind.keys)
        parts.append(f"Clé : {keys}.\n\n")
        parts.append("| colonne | intitulés acceptés | type | obligatoire |\n|---|---|---|---|\n")
        for col in kind.columns:
            labels = ", ".join(f"« {label} »" for label in col.labels) or "—"
            need = (
                "oui, chaque ligne"
                if col.not_null
                else ("colonne requise" if col.required else "non")
            )
            parts.append(
                f"| `{col.name}` | {_cell(labels)} | {TYPE_FR.get(col.type, col.type)} | {need} |\n"
            )
    return HEADER + "".join(parts)


def measures_page() -> str:
    rows = [
        "# Mesures\n",
        "Chaque chiffre du tableau de bord, défini une fois dans `centrale/semantic/measures.py` : "
        "son intitulé, son format et sa définition servent aux pages, aux exports Excel, "
        "au diaporama, à la fiche PDF et au glossaire de la page Aide.\n",
        "| clé | intitulé | format | définition |",
        "|---|---|---|---|",
    ]
    for m in measures._ALL:
        rows.append(f"| `{m.key}` | {_cell(m.label)} | {m.kind} | {_cell(m.help)} |")
    return HEADER + "\n".join(rows) + "\n"


def _helps(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(program, help text) for a parser and each of its sub-commands, in declaration order."""
    found = [(parser.prog, parser.format_help())]
    for action in parser._actions:  # argparse has no public accessor for sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found.extend(_helps(sub))
    return found


def commands_page() -> str:
    parts = [
        "# Commandes\n\n",
        "L'aide de chaque commande, telle que la commande l'écrit (`--help`).\n",
    ]
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: the page must not depend on it
    for program in PROGRAMS:
        module = importlib.import_module(f"{program}.__main__")
        for prog, text in _helps(module._parser()):
            parts.append(f"\n## `{prog}`\n\n```text\n{text.rstrip()}\n```\n")
    return HEADER + "".join(parts)


PAGES = {
    "reglages.md": settings_page,
    "contrat-de-donnees.md": contract_page,
    "mesures.md": measures_page,
    "commandes.md": commands_page,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.reference",
        description="Écrit les pages de référence de docs/reference depuis le code.",
    )
    parser.add_argument(
        "--check", action="store_true", help="ne rien écrire ; code 1 si une page a dérivé"
    )
    args = parser.parse_args(argv)
    stale = []
    for name, build in PAGES.items():
        path, text = OUT / name, build()
        if args.check:
            if not path.is_file() or path.read_text("utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, "utf-8")
    if stale:
        print(
            "Pages de référence à régénérer (python -m devtools.reference) : " + ", ".join(stale),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
