"""Problems found in source files: what, where (file, sheet, Excel row, column), which value.

Also how they are told to a manager: runs of the same problem grouped
("lignes 12 à 57 : …"), and a first line saying how many problems, in how
many files, and which file to fix first (`summary_line`). For scripts,
`as_json` gives each problem with a `severity` (`error`/`warning`) and a
stable `code`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace

from centrale import fmt
from centrale.errors import CentraleError
from centrale.names import strip_accents

ERROR = "erreur"
WARNING = "avertissement"
SEVERITY = {ERROR: "error", WARNING: "warning"}

# Kinds in the order their files must be right: a later kind's checks read earlier ones
# (an order needs its adhesion, a framework its solution).
FIX_ORDER = ("communes", "solutions", "framework", "adhesions", "orders", "campaigns", "survey")


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR blocks the load, WARNING does not
    file: str
    message: str  # French: what is wrong and what was expected
    sheet: str | None = None
    row: int | None = None  # as Excel numbers it (header = row 1 in a plain file)
    column: str | None = None  # the header as written in the file, or its French label
    value: object = None
    code: str = ""  # stable identifier of the rule (derived from the message if empty)
    last_row: int | None = None  # set by `grouped`: the run ends on this row

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.row is not None and self.last_row is not None and self.last_row != self.row:
            parts.append(f"lignes {self.row} à {self.last_row}")
        elif self.row is not None:
            parts.append(f"ligne {self.row}")
        if self.column:
            parts.append(f"colonne « {self.column} »")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = "" if self.value is None else f" (valeur : « {self.value} »)"
        return f"{self.level.capitalize()} — {self.where()}{value} : {self.message}"

    @property
    def rule(self) -> str:
        """The stable code: given, or the message's wording before any value."""
        return self.code or code_of(self.message)

    def as_record(self) -> dict:
        record = asdict(self)
        record.pop("code")
        record.pop("last_row")
        record["value"] = None if self.value is None else str(self.value)
        if self.last_row is not None and self.last_row != self.row:
            record["message"] = f"{self.message} (lignes {self.row} à {self.last_row})"
        return record

    def as_json(self) -> dict:
        """`file, sheet, row, column, value, expected, message, severity, code`."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "expected": expected_of(self.message),
            "message": self.message,
            "severity": SEVERITY.get(self.level, self.level),
            "code": self.rule,
        }


def _ascii(text: str) -> str:
    return strip_accents(text).lower()


def code_of(message: str) -> str:
    """A message's rule as a slug: the wording before `:`, without quoted values,
    numbers or parentheses (`commune inconnue : …` -> `commune-inconnue`)."""
    head = message.split(" : ")[0]
    head = re.sub(r"«[^»]*»|\([^)]*\)|\d+", " ", head)
    words = re.sub(r"[^a-z]+", " ", _ascii(head)).split()
    return "-".join(words[:6]) or "probleme"


def expected_of(message: str) -> str | None:
    """What was expected, when the message says it (`attendu …`), else None."""
    match = re.search(r"\battendue?s?\s*:?\s*(.+)$", message)
    return match.group(1).split(" ; ")[0].strip() if match else None


def grouped(problems: list[Problem]) -> list[Problem]:
    """Runs of the same problem on consecutive rows as one problem (`last_row` set):
    same file, sheet, column, level and message. The value kept is the first's."""
    out: list[Problem] = []
    for problem in problems:
        last = out[-1] if out else None
        if (
            last is not None
            and problem.row is not None
            and last.row is not None
            and (last.file, last.sheet, last.column, last.level, last.message)
            == (problem.file, problem.sheet, problem.column, problem.level, problem.message)
            and problem.row == (last.last_row or last.row) + 1
        ):
            out[-1] = replace(last, last_row=problem.row, value=None)
            continue
        out.append(problem)
    return out


def first_to_fix(problems: list[Problem], kind_of=lambda name: None) -> str | None:
    """The file to fix first: the one whose errors others depend on (unreadable, missing
    columns, then by the kinds' order), else the one with the most errors."""
    errors = [p for p in problems if p.level == ERROR]
    if not errors:
        return None

    def rank(file: str):
        own = [p for p in errors if p.file == file]
        structural = any(p.row is None or p.last_row is None and p.row == 1 for p in own)
        kind = kind_of(file)
        order = FIX_ORDER.index(kind) if kind in FIX_ORDER else len(FIX_ORDER)
        return (not structural, order, -len(own))

    return min(dict.fromkeys(p.file for p in errors), key=rank)


def summary_line(problems: list[Problem], kind_of=lambda name: None) -> str:
    """ "12 problèmes (10 erreurs, 2 avertissements) dans 3 fichiers ; corrigez d'abord
    adhesions.xlsx." — the first line a manager reads."""
    if not problems:
        return "Aucun problème."
    errors = sum(p.level == ERROR for p in problems)
    warnings = len(problems) - errors
    files = len({p.file for p in problems})
    parts = []
    if errors:
        parts.append(f"{errors} erreur{'s' if errors > 1 else ''}")
    if warnings:
        parts.append(f"{warnings} avertissement{'s' if warnings > 1 else ''}")
    text = (
        f"{len(problems)} problème{'s' if len(problems) > 1 else ''} ({', '.join(parts)}) "
        f"dans {files} fichier{'s' if files > 1 else ''}"
    )
    first = first_to_fix(problems, kind_of)
    if first:
        text += f" ; corrigez d'abord {first}"
    elif warnings:
        text += " ; les avertissements n'empêchent pas le chargement"
    return text + "."


class SourceError(CentraleError):
    """Raised when sources cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.level == ERROR]
        super().__init__(f"{fmt.count(len(errors), 'erreur')} dans les fichiers sources")
