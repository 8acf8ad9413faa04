"""The KPI card: one HTML block whose words are escaped, whose change says up, down or
unchanged in the colour of good or bad news, and the only way a page draws a figure."""

from __future__ import annotations

import ast

import pytest

from centrale.config import REPO_ROOT
from tests.kpi_cards import Card, cards
from ui.components import kpi_card_html


class _Page:  # what AppTest gives: its st.html elements, each with its body
    def __init__(self, body: str):
        self.body = body

    def get(self, kind: str):
        assert kind == "html"
        return [type("Html", (), {"proto": type("Proto", (), {"body": self.body})()})()]


def _read(html_text: str) -> Card:
    return cards(_Page(html_text))[0]


@pytest.mark.parametrize(
    ("delta", "lower_is_better", "tone", "arrow", "said"),
    [
        ("+3", False, "good", "▲", "+3"),
        ("-2", False, "bad", "▼", "-2"),
        ("+2 jours", True, "bad", "▲", "+2 jours"),
        ("-0,5 jour", True, "good", "▼", "-0,5 jour"),
        (0, False, "neutral", "", "inchangé"),
        (0, True, "neutral", "", "inchangé"),
    ],
)
def test_the_change_reads_as_good_or_bad_news(delta, lower_is_better, tone, arrow, said):
    block = kpi_card_html(
        "Délai médian", "15,0 jours", delta, lower_is_better=lower_is_better, help="définition"
    )
    assert f"centrale-kpi-{tone}" in block
    assert f'<span aria-hidden="true">{arrow}</span>' in block
    assert _read(block) == Card("Délai médian", "15,0 jours", said, "définition")


def test_no_change_no_line_and_text_is_escaped():
    block = kpi_card_html("<b>Communes</b> & co", "![x](https:example.invalid)")
    assert "<b>" not in block and "&lt;b&gt;" in block
    assert "centrale-kpi-delta" not in block
    assert "\n" not in block  # one HTML block: a blank line would end it, Markdown would read on
    assert _read(block).label == "<b>Communes</b> & co"
    assert _read(block).delta == ""
    assert _read(block).help is None and "<details" not in block


def test_the_definition_opens_from_the_card_and_is_escaped():
    block = kpi_card_html("Délai médian", "15", help="Jours <entre> l'envoi & l'attribution")
    assert '<details class="centrale-kpi-help">' in block
    assert 'aria-label="Définition : Délai médian"' in block
    assert _read(block).help == "Jours <entre> l'envoi & l'attribution"


def test_no_page_draws_a_figure_with_st_metric():
    """st.metric is a separately loaded element: on a first visit it waited behind
    plotly.js (issue 22). Every figure is a kpi_card."""
    found = []
    for folder in ("pages", "ui"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr == "metric":
                    found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert not found, found
