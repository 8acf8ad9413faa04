"""Problems found in source files: what, where (file, sheet, Excel row, column), which value."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "erreur"
WARNING = "avertissement"


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR blocks the load, WARNING does not
    file: str
    message: str  # French: what is wrong and what was expected
    sheet: str | None = None
    row: int | None = None  # as Excel numbers it (header = row 1 in a plain file)
    column: str | None = None  # the header as written in the file
    value: object = None

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        if self.column:
            parts.append(f"colonne « {self.column} »")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = "" if self.value is None else f" (valeur : « {self.value} »)"
        return f"{self.level.capitalize()} — {self.where()}{value} : {self.message}"

    def as_record(self) -> dict:
        record = asdict(self)
        record["value"] = None if self.value is None else str(self.value)
        return record


class SourceError(Exception):
    """Raised when sources cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.level == ERROR]
        super().__init__(f"{len(errors)} erreur(s) dans les fichiers sources")
