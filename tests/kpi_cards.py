"""The KPI cards a page drew, read back from AppTest as a person reads them.

The cards are HTML blocks (ui/components.kpi_card), not st.metric: this reads their
label, value, change and definition from the card's own marks, so a test still says « the
card Communes adhérentes shows 34 / 44 » and fails if the card is gone or says another."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ui.components import KPI_CARD_CLASS

_PART = re.compile(
    rf'<(?:div|span) class="{KPI_CARD_CLASS}-(label|value|change|definition)">([^<]*)<'
)


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str  # "" when the card shows no change, as st.metric's was
    help: str | None


def cards(at) -> list[Card]:
    """Every KPI card of the page, in order."""
    found = []
    for block in at.get("html"):
        body = block.proto.body
        if f'class="{KPI_CARD_CLASS}"' not in body:
            continue
        parts = {name: html.unescape(text) for name, text in _PART.findall(body)}
        change, help_text = parts.get("change", ""), parts.get("definition")
        found.append(Card(parts["label"], parts["value"], change, help_text))
    return found


def shown(at) -> dict[str, str]:
    """{label: value} of the page's cards."""
    return {card.label: card.value for card in cards(at)}
