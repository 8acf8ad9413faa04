"""Starting questions for the Explorer, built from the layer (never hard-coded figures).

Each is a `Question` and a title written from the registry's words, and the mode
the page opens it in ('table', 'compare'). The questions are those managers asked
that no page answered (issue #20): a breakdown by arrondissement, distinct
population covered, a set difference between years, a conversion across sources,
outliers, a line over time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from centrale.semantic.model import DIMENSIONS, METRICS
from centrale.semantic.question import Question, window


@dataclass(frozen=True)
class Start:
    title: str
    question: Question
    mode: str = "table"


def title_of(question: Question, as_of: dt.date) -> str:
    """'Taux d'adhésion par arrondissement' (+ the period when it is not the whole time)."""
    # The first measure names the question (its short label when the full one is long);
    # a second one is shown beside it in the table.
    words = METRICS[question.metrics[0]].words
    text = words.label if len(words.label) <= 32 else words.short_label
    if question.by:
        text += " par " + " et ".join(DIMENSIONS[d].label.lower() for d in question.by)
    if question.period != "tout" and any(not METRICS[m].is_stock for m in question.metrics):
        text += ", " + window(question.period, as_of).label.split(" (")[0]
    if question.compare:
        text += " contre " + window(question.compare, as_of).label.split(" (")[0]
    return text


def starts(as_of: dt.date) -> list[Start]:
    """The gallery on `as_of` (the years follow the date)."""
    last_year, year_before = str(as_of.year - 1), str(as_of.year - 2)
    questions = [
        (Question(("adhesion_rate", "communes_adhered"), ("arrondissement",)), "table"),
        (
            Question(("adhesion_to_award_mean", "adhesion_to_award_median"), ("arrondissement",)),
            "table",
        ),
        (Question(("population_covered", "population_covered_share")), "table"),
        (Question(("orders_awarded",), ("month_awarded",), period="12m"), "table"),
        (
            Question(("orders_sent",), ("commune",), period=last_year, compare=year_before),
            "compare",
        ),
        (Question(("orders_sent",), ("solution",), period="12m"), "table"),
        (Question(("survey_conversion",), ("solution",)), "table"),
        (Question(("orders_above_usual",), ("solution",), usual_factor=1.3), "table"),
        (Question(("amount_awarded_eur",), ("commune",)), "table"),
    ]
    return [Start(title_of(q, as_of), q, mode) for q, mode in questions]
