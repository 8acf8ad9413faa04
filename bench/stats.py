"""Repeated measurements -> median with min–max, and the Markdown table they fill."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One line of the results table: what, at what scale, runs, unit and target."""

    section: str
    what: str
    scale: str
    unit: str
    runs: list[float] = field(default_factory=list)
    target: str = ""  # e.g. "< 2 s"
    met: bool | None = None  # None: no target
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    def cell(self) -> str:
        if not self.runs:
            return "—"
        med = _num(self.median)
        if len(self.runs) == 1:
            return f"{med} {self.unit}"
        return (
            f"{med} {self.unit} ({_num(min(self.runs))}–{_num(max(self.runs))}, n={len(self.runs)})"
        )


def _num(value: float) -> str:
    if value != value:  # NaN
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def check(figure: Figure, limit: float, below: bool = True) -> Figure:
    """Mark `figure` met or missed against `limit` (on its median)."""
    if figure.runs:
        figure.met = figure.median < limit if below else figure.median > limit
    return figure


def table(figures: list[Figure]) -> str:
    lines = [
        "| section | mesure | échelle | médiane (min–max) | cible | |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        flag = {True: "✅", False: "❌", None: ""}[f.met]
        what = f.what + (f" — {f.note}" if f.note else "")
        lines.append(f"| {f.section} | {what} | {f.scale} | {f.cell()} | {f.target} | {flag} |")
    return "\n".join(lines)
