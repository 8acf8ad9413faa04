"""Periods beside dates: "cette année", "une année", "depuis l'ouverture", "du … au …".

The reference date (`as_of`, "situation au") says what was known; a period
says which events count: orders *sent* in it, awards *made* in it, members
*joined* in it. A period never reaches past `as_of` nor before the centrale
opened. Each period has a French label that every figure quotes, and a short
text for the address bar (`?periode=2023`) so that a view can be shared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from centrale import fmt
from centrale.config import CENTRALE_OPENED_ON

OPENED_ON = dt.date.fromisoformat(CENTRALE_OPENED_ON)

# The kinds a person chooses from, in the order shown.
KINDS = {
    "this_year": "Cette année",
    "year": "Une année",
    "all": "Depuis l'ouverture",
    "range": "De … à …",
}
_ALL_PARAM, _THIS_YEAR_PARAM = "tout", "annee"


@dataclass(frozen=True)
class Period:
    """Events from `since` to `until` (both included), as known on `as_of`.

    kind: one of `KINDS`; year: the calendar year of a "year"/"this_year" period.
    """

    kind: str
    since: dt.date
    until: dt.date
    as_of: dt.date
    year: int | None = None

    @property
    def label(self) -> str:
        """The period as every figure quotes it: 'en 2023', 'depuis l'ouverture'…"""
        if self.kind == "all":
            return f"depuis l'ouverture ({fmt.date(self.since)})"
        if self.kind == "this_year":
            return f"cette année ({self.year}, jusqu'au {fmt.date(self.until)})"
        if self.kind == "year":
            whole = self.until == dt.date(self.year or self.until.year, 12, 31)
            return f"en {self.year}" + ("" if whole else f" (jusqu'au {fmt.date(self.until)})")
        return f"du {fmt.date(self.since)} au {fmt.date(self.until)}"

    @property
    def param(self) -> str:
        """The period in the address bar: 'tout', 'annee', '2023' or '2023-03-01..2023-06-30'."""
        if self.kind == "all":
            return _ALL_PARAM
        if self.kind == "this_year":
            return _THIS_YEAR_PARAM
        if self.kind == "year":
            return str(self.year)
        return f"{self.since.isoformat()}..{self.until.isoformat()}"

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        """(since, until): the arguments the period queries take."""
        return self.since, self.until

    def previous(self) -> Period | None:
        """The same span one year earlier (for "vs" deltas); None when it would start
        before the centrale opened or for a free range."""
        if self.kind == "all" or self.kind == "range" or self.year is None:
            return None
        if self.year - 1 < OPENED_ON.year:
            return None
        return Period(
            "year",
            dt.date(self.year - 1, 1, 1),
            _same_day(self.until, self.year - 1),
            self.as_of,
            self.year - 1,
        )


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def _clamp(day: dt.date, as_of: dt.date) -> dt.date:
    return min(max(day, OPENED_ON), as_of)


def years(as_of: dt.date) -> list[int]:
    """The calendar years a "une année" period may take on `as_of`, newest first."""
    return list(range(max(as_of.year, OPENED_ON.year), OPENED_ON.year - 1, -1))


def make(
    kind: str,
    as_of: dt.date,
    year: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Period:
    """The period of `kind` on `as_of`, clamped to [opening, as_of].

    "year" takes `year` (default: the year before `as_of`'s); "range" takes `since`/`until`
    (swapped if reversed; default: the whole time). An unknown kind is "all".
    """
    if kind == "year" and year == as_of.year:  # the reference date's own year so far
        kind = "this_year"
    if kind == "this_year":
        return Period(kind, _clamp(dt.date(as_of.year, 1, 1), as_of), as_of, as_of, as_of.year)
    if kind == "year":
        if year not in years(as_of):  # default: the last full year, if the centrale was open
            year = as_of.year - 1 if as_of.year - 1 >= OPENED_ON.year else as_of.year
        start = _clamp(dt.date(year, 1, 1), as_of)
        return Period(kind, start, _clamp(dt.date(year, 12, 31), as_of), as_of, year)
    if kind == "range":
        start = _clamp(since or OPENED_ON, as_of)
        end = _clamp(until or as_of, as_of)
        start, end = min(start, end), max(start, end)
        return Period(kind, start, end, as_of)
    return Period("all", OPENED_ON, as_of, as_of)


def from_param(text: str | None, as_of: dt.date) -> Period | None:
    """The period written in the address (`Period.param`), or None if absent or unreadable."""
    if not text:
        return None
    text = text.strip()
    if text == _ALL_PARAM:
        return make("all", as_of)
    if text == _THIS_YEAR_PARAM:
        return make("this_year", as_of)
    if text.isdigit() and len(text) == 4:
        return make("year", as_of, year=int(text)) if int(text) in years(as_of) else None
    first, sep, last = text.partition("..")
    if not sep:
        return None
    try:
        return make(
            "range", as_of, since=dt.date.fromisoformat(first), until=dt.date.fromisoformat(last)
        )
    except ValueError:
        return None
