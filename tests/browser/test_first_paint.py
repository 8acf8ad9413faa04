"""Figures first, the rest right after (issue 22, ui/first_paint.py), in chromium with the
network cut: a new tab's overview paints its headline figures while the rest is announced,
asks for the rest by itself exactly once, and then holds every chart and no placeholder."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_error_box, wait_rendered, wait_settled
from ui.first_paint import PENDING_CLASS

pytestmark = pytest.mark.browser

# On the page's clock: when the figures were first painted (and whether the placeholder was
# there then), when the first chart was; every message the page sent to the server.
PROBE = """(() => {
  const pendingClass = 'PENDING';
  window.__sent = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native { constructor(...a) { super(...a);
    const send = this.send.bind(this);
    this.send = (d) => { window.__sent.push(performance.now()); return send(d); }; } };
  const look = () => {
    if (window.__figures === undefined && [...document.querySelectorAll('.centrale-kpi')]
          .some(e => e.textContent.includes('adhérentes'))) {
      window.__figures = null;
      window.__pendingWithFigures = !!document.getElementsByClassName(pendingClass).length;
      requestAnimationFrame(t => { window.__figures = t; });
    }
    if (window.__chart === undefined
        && document.querySelector('[data-testid=stPlotlyChart] .main-svg')) {
      window.__chart = null;
      requestAnimationFrame(t => { window.__chart = t; });
    }
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true});
})();""".replace("PENDING", PENDING_CLASS)


def test_a_new_tab_sees_its_figures_before_the_charts_and_asks_once(app_server, offline_page):
    page, _offline = offline_page
    page.add_init_script(PROBE)
    page.goto(app_server.url)
    wait_rendered(page)
    assert_no_error_box(page, app_server)
    figures, chart, pending = page.evaluate(
        "[window.__figures, window.__chart, window.__pendingWithFigures]"
    )
    assert figures and chart, (figures, chart)
    assert pending, "le reste de la page n'était pas annoncé quand les chiffres sont apparus"
    assert figures < chart, f"chiffres peints à {figures:.0f} ms, premier graphique à {chart:.0f}"
    assert page.locator(f".{PENDING_CLASS}").count() == 0
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3
    assert page.get_by_role("heading", name="Adhésions").count() == 1
    # Asked once: the page's opening request, then one for the rest (the timer stops with
    # the page's new run), and nothing more while the page stays settled.
    sent = page.evaluate("window.__sent")
    assert len(sent) == 2, f"{len(sent)} messages envoyés au serveur : {sent}"
    wait_settled(page)
    assert page.evaluate("window.__sent.length") == 2


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
