"""A KPI card as a keyboard user meets it in chromium, network cut: its « ? » (a <summary>,
named in French), Enter opens the definition, Échap closes it and gives the focus back."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.smoke]


def test_a_cards_definition_opens_with_enter_and_closes_with_escape(app_server, offline_page):
    page, _offline = offline_page
    page.goto(f"{app_server.url}/?date=2020-01-31")
    wait_rendered(page)
    card = page.get_by_role("group", name="Délai médian")
    question = card.locator('summary[aria-label="Définition : Délai médian"]')
    definition = card.locator(".centrale-kpi-definition")
    assert not definition.is_visible()
    question.focus()
    page.keyboard.press("Enter")
    definition.wait_for(state="visible")
    assert "20 jours" in definition.inner_text()
    page.keyboard.press("Escape")
    definition.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.textContent") == "?"
    # 24 px at least: a target a finger or an unsteady hand can hit.
    box = question.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24, box
