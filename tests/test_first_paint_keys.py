"""The keys and classes the page's CSS and script name are the ones the Python code gives
(ui/first_paint.py, ui/state.py): renamed on one side only, the rest of a tab's first page
would never be asked for, or the hidden button would show."""

from __future__ import annotations

from pathlib import Path

from ui.first_paint import PENDING_CLASS, REST_BUTTON_KEY
from ui.state import PERIOD_KIND_WIDGET

ASSETS = Path(__file__).resolve().parents[1] / "assets"


def test_the_script_presses_the_button_the_page_draws():
    script = (ASSETS / "theme.js").read_text(encoding="utf-8")
    assert f".st-key-{REST_BUTTON_KEY} button" in script
    assert f".{PENDING_CLASS}" in script


def test_the_stylesheet_hides_that_button_and_keeps_the_period_controls_room():
    css = (ASSETS / "theme.css").read_text(encoding="utf-8")
    assert f".st-key-{REST_BUTTON_KEY} {{ display: none" in css
    assert f".st-key-{PERIOD_KIND_WIDGET} {{ min-height" in css
    assert f".{PENDING_CLASS} {{" in css
