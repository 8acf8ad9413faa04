"""Every source file at once: read, typed (`cells`), checked by the rules (`rules`).

`validate_files` reads each file, types its cells, applies the rules of its
kind and then the rules across kinds (an order needs an adhesion and a
framework agreement…). It never stops at the first problem: the result holds
every problem of every file, and the typed tables ready to load when there
is no error. Row-level checks are vectorised so a million orders stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from centrale.fingerprint import sha256_bytes
from centrale.sources.cells import typed_frame
from centrale.sources.kinds import (
    KINDS,
    kind_of_file,
)
from centrale.sources.problems import ERROR, WARNING, Problem
from centrale.sources.read import OverBudget, RawTable, checkpoint, read_sources
from centrale.sources.reference import Reference
from centrale.sources.report import RowReport
from centrale.sources.rules import check_all


@dataclass
class SourceFile:
    path: Path
    name: str
    kind: str | None
    sha256: str
    size: int
    rows: int = 0


@dataclass
class Validated:
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    files: list[SourceFile]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_files(
    paths: list[Path], reference: Reference, display_names: dict[Path, str] | None = None
) -> Validated:
    """Read, type and check every file; the typed tables are complete only if `ok`.

    Under a sent file's budget (`read.sent_file_budget`), running out of time or
    memory at any step is one error naming the sent file, and nothing else."""
    files: list[SourceFile] = []
    try:
        return _validate_files(paths, reference, display_names, files)
    except OverBudget as exc:
        sent = [(display_names or {}).get(p, p.name) for p in paths if p in (display_names or {})]
        name = sent[-1] if sent else (paths[-1].name if paths else "fichier envoyé")
        problem = Problem(
            ERROR,
            name,
            f"{exc} : ce fichier est anormalement lourd à vérifier pour sa taille "
            "(feuille démesurée, lignes vides à perte de vue ?). Enregistrez dans Excel "
            "seulement le tableau attendu, ou découpez le fichier, puis envoyez-le à nouveau",
            code="budget_depasse",
        )
        return Validated({}, [problem], files)


def _validate_files(
    paths: list[Path],
    reference: Reference,
    display_names: dict[Path, str] | None,
    files: list[SourceFile],
) -> Validated:
    problems: list[Problem] = []
    raws: dict[str, list[RawTable]] = {name: [] for name in KINDS}
    for path in paths:
        name = (display_names or {}).get(path, path.name)
        data = path.read_bytes()
        kind = kind_of_file(name)
        files.append(SourceFile(path, name, kind, sha256_bytes(data), len(data)))
        if kind is None:
            problems.append(
                Problem(
                    WARNING,
                    name,
                    "fichier ignoré : son nom ne commence par "
                    "aucun type connu (" + ", ".join(KINDS) + ")",
                )
            )
            continue
        for raw in read_sources(path, KINDS[kind], name):  # one per sheet of the table
            problems.extend(raw.problems)
            files[-1].rows += len(raw.cells)
            raws[kind].append(raw)

    headers = {raw.file: raw.headers for group in raws.values() for raw in group}
    report = RowReport(headers)
    # Files that could not be read whole: rules of other files that read them wait.
    broken = {
        kind: next(raw.file for raw in group if any(p.level == ERROR for p in raw.problems))
        for kind, group in raws.items()
        if any(p.level == ERROR for raw in group for p in raw.problems)
    }
    checkpoint()
    typed = {
        kind: typed_frame(KINDS[kind], group, reference, report) for kind, group in raws.items()
    }

    def failed() -> dict[str, str]:
        """kind -> its first file with an error so far (read, typing or its own rules)."""
        found: dict[str, str] = {}
        for problem in [*problems, *report.problems]:
            kind = kind_of_file(problem.file)
            if problem.level == ERROR and kind and kind not in found:
                found[kind] = problem.file
        return found

    check_all(typed, reference, report, broken, failed)
    problems.extend(report.problems)
    tables = {
        kind: frame.drop(columns=[c for c in frame if c.startswith("_raw_")])
        for kind, frame in typed.items()
    }
    return Validated(tables, problems, files)
