"""Problems of the rows of a typed frame, as a person reads them: file, sheet, Excel row,
column as the file writes it, value; capped per rule (« et N autres lignes »), and a
cross-file rule said once when the file it reads is broken."""

from __future__ import annotations

import pandas as pd

from centrale import fmt
from centrale.sources.kinds import (
    french_label,
    kind_of_file,
)
from centrale.sources.problems import ERROR, WARNING, Problem
from centrale.sources.read import checkpoint

MAX_PER_RULE = 1000  # rows listed per rule and file; the others are counted in one line


class RowReport:
    """Collects problems for rows of a (possibly multi-file) typed frame."""

    def __init__(self, headers: dict[str, dict[str, str]]):
        self.headers = headers  # file -> canonical column -> header as written
        self.problems: list[Problem] = []
        self.held_back: dict[str, str] = {}  # rule code -> the file to fix first

    def add(
        self,
        level,
        frame: pd.DataFrame,
        mask,
        column: str | None,
        message,
        value_column: str | None = None,
        code: str = "",
    ) -> None:
        """One problem per row of `frame[mask]`; `message` may be a function of the row.

        The column is named as the file writes it, else by its French label."""
        rows = frame[mask] if mask is not None else frame
        value_column = value_column or column
        counts = rows["_file"].value_counts(sort=False) if len(rows) > MAX_PER_RULE else None
        if counts is not None:  # one rule, one file: the first rows, then how many more
            rows = rows.groupby("_file", sort=False).head(MAX_PER_RULE)
        for i, record in enumerate(rows.to_dict("records")):
            if not i % 1024:
                checkpoint()  # a rule may list many rows: a sent file's session may end
            file = record["_file"]
            header = None
            if column:
                header = self.headers.get(file, {}).get(column) or french_label(
                    kind_of_file(file), column
                )
            value = record.get(f"_raw_{value_column}", record.get(value_column))
            text = message(record) if callable(message) else message
            self.problems.append(
                Problem(
                    level,
                    file,
                    text,
                    sheet=record["_sheet"],
                    row=record["_row"],
                    column=header,
                    value=None if _missing(value) else value,
                    code=code,
                )
            )
        for file, count in counts.items() if counts is not None else ():
            if count > MAX_PER_RULE:
                shown = message if isinstance(message, str) else "le même problème"
                self.problems.append(
                    Problem(
                        level,
                        file,
                        f"et {fmt.number(count - MAX_PER_RULE)} autres lignes : {shown}",
                        column=self.headers.get(file, {}).get(column) if column else None,
                        code=code or "et_autres",
                    )
                )

    def error(self, frame, mask, column, message, value_column=None, code=""):
        self.add(ERROR, frame, mask, column, message, value_column, code)

    def warn(self, frame, mask, column, message, value_column=None, code=""):
        self.add(WARNING, frame, mask, column, message, value_column, code)

    def error_after(
        self,
        frame: pd.DataFrame,
        mask,
        column: str | None,
        message,
        cause: str | None,
        rule: str,
        code: str,
    ) -> None:
        """A cross-file rule's errors: one per row, unless `cause` (the file the rule
        reads) has errors of its own: then most of them follow from those, and they
        are told as one line per checked file, with the count and the file to fix
        first, instead of one line per row."""
        if cause is None:
            self.error(frame, mask, column, message, code=code)
            return
        rows = frame[mask] if mask is not None else frame
        for file, group in rows.groupby("_file", sort=False):
            numbers = sorted(group["_row"].tolist())
            header = None
            if column:
                header = self.headers.get(file, {}).get(column) or french_label(
                    kind_of_file(file), column
                )
            self.problems.append(
                Problem(
                    ERROR,
                    file,
                    f"{fmt.count(len(numbers), 'ligne')} en erreur pour la même règle ({rule}) : "
                    f"{_row_list(numbers)} ; {cause} a lui-même des erreurs dont celles-ci "
                    f"découlent sans doute : corrigez d'abord {cause}, puis vérifiez à nouveau",
                    sheet=group["_sheet"].iloc[0],
                    row=numbers[0],
                    column=header,
                    code=code,
                )
            )

    def hold_back(self, frame: pd.DataFrame, rule: str, broken: str, code: str) -> None:
        """A cross-file rule not run because the file it reads is broken: said once per
        checked file ("corrigez d'abord adhesions.xlsx"), instead of one error per row."""
        for file in dict.fromkeys(frame["_file"]):
            self.problems.append(
                Problem(
                    WARNING,
                    file,
                    f"contrôle de {rule} reporté : corrigez d'abord {broken}",
                    code=code,
                )
            )


def _row_list(numbers: list[int]) -> str:
    """`lignes 2 à 83` for a run, else the first rows (`lignes 2, 5, 9…`)."""
    if len(numbers) == 1:
        return f"ligne {numbers[0]}"
    if numbers[-1] - numbers[0] == len(numbers) - 1:
        return f"lignes {numbers[0]} à {numbers[-1]}"
    shown = ", ".join(map(str, numbers[:8]))
    return f"lignes {shown}" + ("…" if len(numbers) > 8 else "")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT
