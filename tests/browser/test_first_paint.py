"""Figures first, the rest right after (issue 22, ui/first_paint.py), in chromium with the
network cut: a new tab's overview paints its headline figures while the rest is announced,
asks for the rest once they are painted, and then holds every chart and no placeholder;
the print button waits for the rest."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_error_box, wait_rendered, wait_settled
from ui.first_paint import PENDING_CLASS

pytestmark = pytest.mark.browser

# On the page's clock: when the figures, the placeholder and the first chart were first
# painted (an observer sees them, the next animation frame is their paint); every message
# the page sent to the server.
PROBE = """(() => {
  const pendingClass = 'PENDING';
  window.__sent = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native { constructor(...a) { super(...a);
    const send = this.send.bind(this);
    this.send = (d) => { window.__sent.push(performance.now()); return send(d); }; } };
  const mark = (name, present) => {
    if (window[name] !== undefined || !present) return;
    window[name] = null;
    requestAnimationFrame(t => { window[name] = t; });
  };
  const look = () => {
    mark('__figures', [...document.querySelectorAll('.centrale-kpi')]
      .some(e => e.textContent.includes('adhérentes')));
    mark('__pending', document.getElementsByClassName(pendingClass).length > 0);
    mark('__chart', !!document.querySelector('[data-testid=stPlotlyChart] .main-svg'));
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true});
})();""".replace("PENDING", PENDING_CLASS)


def test_a_new_tab_sees_its_figures_before_the_charts_and_asks_after_them(app_server, offline_page):
    page, _offline = offline_page
    page.add_init_script(PROBE)
    page.goto(app_server.url)
    wait_rendered(page)
    assert_no_error_box(page, app_server)
    figures, placeholder, chart = page.evaluate(
        "[window.__figures, window.__pending, window.__chart]"
    )
    assert figures and chart, (figures, chart)
    assert placeholder, "le reste de la page n'a jamais été annoncé"
    assert figures < chart, f"chiffres peints à {figures:.0f} ms, premier graphique à {chart:.0f}"
    assert placeholder < chart
    assert page.locator(f".{PENDING_CLASS}").count() == 0
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3
    assert page.get_by_role("heading", name="Adhésions").count() == 1
    # The page's opening request, then the one for the rest, sent once the figures were
    # painted (the fragment's fallback timer may add one on a slow machine: a late one is
    # dropped); nothing more while the page stays settled.
    sent = page.evaluate("window.__sent")
    assert 2 <= len(sent) <= 3, f"{len(sent)} messages envoyés au serveur : {sent}"
    assert sent[1] >= figures, f"la suite demandée à {sent[1]:.0f} ms, avant l'image des chiffres"
    wait_settled(page)
    assert page.evaluate("window.__sent.length") == len(sent)
    # The hidden button that asked is nobody's to see or reach.
    assert not page.get_by_role("button", name="Afficher la suite").is_visible()


def test_the_overview_comes_whole_when_it_is_not_the_tabs_first_page(app_server, offline_page):
    """Only a tab's first page waits: a tab opened on the map, then on the overview, draws
    the overview in one run."""
    page, _offline = offline_page
    page.goto(f"{app_server.url}/map")
    wait_rendered(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    page.evaluate(
        """(pendingClass) => { window.__pendingSeen = false;
          new MutationObserver(() => {
            if (document.getElementsByClassName(pendingClass).length) window.__pendingSeen = true;
          }).observe(document, {subtree: true, childList: true}); }""",
        PENDING_CLASS,
    )
    nav.get_by_text("Vue d'ensemble", exact=True).click()
    wait_rendered(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3
    assert page.evaluate("window.__pendingSeen") is False


# Presses « Imprimer cette page » while the rest is announced, and records what the
# page holds when printing starts (the print dialog is replaced by that record: a test
# cannot close a real one).
PRESS_PRINT_EARLY = """(() => {
  const pendingClass = 'PENDING';
  window.__prints = [];
  window.print = () => window.__prints.push({
    charts: document.querySelectorAll('[data-testid=stPlotlyChart]').length,
    drawn: [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
      .filter(c => c.querySelector('.main-svg')).length,
    skeletons: document.querySelectorAll('[data-testid=stSkeleton]').length,
    pending: document.getElementsByClassName(pendingClass).length,
  });
  // As soon as the page's script is there (a person cannot be quicker than it: the button
  // does nothing before) and the rest is still announced.
  const poll = setInterval(() => {
    const button = document.querySelector('[data-centrale-action="print"]');
    if (!window.__centraleTheme || !button
        || !document.getElementsByClassName(pendingClass).length) return;
    clearInterval(poll);
    window.__pressedWhilePending = true;
    button.click();
    button.click();  // twice, as an impatient person: one print
  }, 10);
})();""".replace("PENDING", PENDING_CLASS)


def test_the_print_button_pressed_early_prints_the_whole_page_once(app_server, offline_page):
    page, _offline = offline_page
    page.add_init_script(PRESS_PRINT_EARLY)
    page.goto(app_server.url)
    page.wait_for_function("window.__prints && window.__prints.length > 0", timeout=120_000)
    wait_rendered(page)
    assert page.evaluate("window.__pressedWhilePending") is True
    prints = page.evaluate("window.__prints")
    assert len(prints) == 1, prints
    printed = prints[0]
    assert printed["pending"] == 0 and printed["skeletons"] == 0, printed
    assert printed["charts"] >= 3 and printed["drawn"] == printed["charts"], printed
