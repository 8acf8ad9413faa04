"""A question to the semantic layer, its period, its French sentence and its address.

A `Question` is plain values only (keys of the registry, filter values as text,
the period as its address text), so it hashes (Streamlit's cache), travels in
the address bar (`to_params` / `from_params`) and is saved as a named view.
Anything unknown in an address is dropped, never guessed.

Streamlit-free, pandas-free.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from centrale import fmt, periods
from centrale.semantic.model import DIMENSIONS, METRICS, dimensions_for

MAX_METRICS = 2
MAX_GROUPS = 2
DEFAULT_CONVERSION_DAYS = 180
DEFAULT_USUAL_FACTOR = 2.0

# Relative periods, on top of `centrale.periods`' texts ('tout', 'annee', '2023', 'a..b').
RELATIVE = {"30j": "30 derniers jours", "90j": "90 derniers jours", "12m": "12 derniers mois"}
_RELATIVE = re.compile(r"^(\d{1,3})([jm])$")


@dataclass(frozen=True)
class Window:
    """Events from `since` to `until` (both included); stocks are taken on `until`."""

    since: dt.date
    until: dt.date
    label: str  # 'en 2023', '12 derniers mois (du 25/11/2025 au 24/11/2026)'
    param: str


def window(text: str | None, as_of: dt.date) -> Window:
    """The period written `text` on `as_of` (default: since the opening)."""
    text = (text or "").strip()
    match = _RELATIVE.match(text)
    if match:
        count, unit = int(match[1]), match[2]
        if unit == "j":
            since = as_of - dt.timedelta(days=max(count, 1) - 1)
            name = f"{count} derniers jours"
        else:
            since = _months_before(as_of, count) + dt.timedelta(days=1)
            name = f"{count} derniers mois"
        since = max(since, periods.OPENED_ON)
        return Window(since, as_of, f"{name} (du {fmt.date(since)} au {fmt.date(as_of)})", text)
    period = periods.from_param(text, as_of) or periods.make("all", as_of)
    if period.kind == "all":
        # Everything known by then: the 2017 survey and the 2018 information meetings
        # came before the opening, and « depuis l'ouverture » would drop them.
        return Window(dt.date.min, as_of, f"jusqu'au {fmt.date(as_of)}", period.param)
    return Window(period.since, period.until, period.label, period.param)


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Question:
    """One to two metrics, grouped by up to two dimensions, filtered, over a period.

    filters: ((dimension key, (value, …)), …) — values as text, matched on the
    dimension's key (a NIS code, a solution id, a status as stored, a year).
    period / compare: period texts (see `window`); compare: a second period.
    """

    metrics: tuple[str, ...] = ("orders_awarded",)
    by: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    period: str = "tout"
    compare: str | None = None
    conversion_days: int = DEFAULT_CONVERSION_DAYS
    usual_factor: float = DEFAULT_USUAL_FACTOR

    def __post_init__(self) -> None:
        if not 1 <= len(self.metrics) <= MAX_METRICS:
            raise ValueError("Choisissez une ou deux mesures.")
        for key in self.metrics:
            if key not in METRICS:
                raise ValueError(f"Mesure inconnue : {key}.")
        if len(self.by) > MAX_GROUPS:
            raise ValueError("Regroupez par deux dimensions au plus.")
        for key in self.by:
            if key not in DIMENSIONS:
                raise ValueError(f"Dimension inconnue : {key}.")
        for key, _ in self.filters:
            if key not in DIMENSIONS:
                raise ValueError(f"Dimension de filtre inconnue : {key}.")

    def with_(self, **changes) -> Question:
        return replace(self, **changes)

    def filter_values(self, key: str) -> tuple[str, ...]:
        return dict(self.filters).get(key, ())

    # --- The address ---------------------------------------------------------------------
    def to_params(self) -> dict[str, str]:
        """The question as address parameters (French, readable in a forwarded link)."""
        params = {"mesures": ",".join(self.metrics), "quand": self.period}
        if self.by:
            params["par"] = ",".join(self.by)
        if self.filters:
            params["filtres"] = ";".join(f"{k}:{'|'.join(v)}" for k, v in self.filters if v)
        if self.compare:
            params["contre"] = self.compare
        if self.conversion_days != DEFAULT_CONVERSION_DAYS:
            params["jours"] = str(self.conversion_days)
        if self.usual_factor != DEFAULT_USUAL_FACTOR:
            params["facteur"] = f"{self.usual_factor:g}"
        return params

    @classmethod
    def from_params(cls, params) -> Question | None:
        """The question an address carries (`params`: a mapping of text), or None when it
        names no known measure. Unknown dimensions and filters are left out."""
        metrics = tuple(m for m in (params.get("mesures") or "").split(",") if m in METRICS)[
            :MAX_METRICS
        ]
        if not metrics:
            return None
        allowed = set(dimensions_for(metrics[0]))
        by = tuple(d for d in (params.get("par") or "").split(",") if d in allowed)[:MAX_GROUPS]
        filters = []
        for part in (params.get("filtres") or "").split(";"):
            key, _, values = part.partition(":")
            kept = tuple(v for v in values.split("|") if v)
            if key in DIMENSIONS and kept:
                filters.append((key, kept))
        days = _int(params.get("jours"), DEFAULT_CONVERSION_DAYS, 1, 3650)
        factor = _float(params.get("facteur"), DEFAULT_USUAL_FACTOR, 1.0, 100.0)
        return cls(
            metrics,
            by,
            tuple(filters),
            params.get("quand") or "tout",
            params.get("contre") or None,
            days,
            factor,
        )


def _int(text, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(text), low), high)
    except (TypeError, ValueError):
        return default


def _float(text, default: float, low: float, high: float) -> float:
    try:
        return min(max(float(str(text).replace(",", ".")), low), high)
    except (TypeError, ValueError):
        return default


def lower_first(text: str) -> str:
    """'Communes adhérentes' -> 'communes adhérentes' (a label inside a sentence); a label
    starting with an acronym or a number is kept."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def describe(
    question: Question, as_of: dt.date, names: dict[str, dict[str, str]] | None = None
) -> str:
    """The question in one French sentence: 'Taux d'adhésion par arrondissement, au
    31/12/2023.' `names`: dimension -> value -> name, to write filters readably."""
    names = names or {}
    span = window(question.period, as_of)
    words = " et ".join(
        label if i == 0 else lower_first(label)
        for i, label in enumerate(METRICS[m].label for m in question.metrics)
    )
    if question.by:
        words += " par " + " et par ".join(DIMENSIONS[d].label.lower() for d in question.by)
    stocks = [m for m in question.metrics if METRICS[m].is_stock]
    flows = [m for m in question.metrics if not METRICS[m].is_stock]
    when = []
    if flows:
        when.append(span.label)
    if stocks:
        when.append(f"au {fmt.date(span.until)}")
    text = f"{words}, {' ; '.join(when)}"
    for key, values in question.filters:
        shown = [names.get(key, {}).get(v, v) for v in values]
        text += f" ; {DIMENSIONS[key].label.lower()} : {', '.join(shown)}"
    if question.compare:
        text += f" ; comparé à : {window(question.compare, as_of).label}"
    return text + "."
