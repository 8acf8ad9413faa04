"""The Explorer page through AppTest, on the demo store: the default question, a gallery
click, each mode, a question read from the address, a named view saved by an editor."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.config import REPO_ROOT
from centrale.semantic import METRICS, Question, gallery, views, window
from centrale.semantic import compile as layer
from centrale.storage.store import connect_read_only

PAGE = str(REPO_ROOT / "pages" / "explorer.py")
DAY = dt.date(2026, 11, 24)


def run_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["shared_as_of"] = DAY
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_default_question_and_a_gallery_click(app_env, demo_db):
    at = run_page()
    assert at.title[0].value == "Explorer"
    start = gallery.starts(DAY)[0]  # adhesion rate by arrondissement
    _button(at, start.title).click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    with connect_read_only(demo_db) as con:
        expected = layer.answer(con, start.question, DAY)
    assert list(table["arrondissement"]) == list(expected["arrondissement"])
    shown = {m.label: m.value for m in at.metric}
    assert shown[METRICS["adhesion_rate"].label] == fmt.percent(
        layer.total(connect_read_only(demo_db), start.question, DAY)["adhesion_rate"]
    )
    # The question went to the address.
    assert at.query_params["mesures"] == "adhesion_rate,communes_adhered"
    assert at.query_params["par"] == "arrondissement"


def test_the_address_reopens_a_question_and_every_mode_draws(app_env, demo_db):
    at = run_page(
        {
            "mesures": "orders_sent",
            "par": "commune",
            "quand": "2025",
            "contre": "2024",
            "mode": "compare",
        }
    )
    assert "comparé à : en 2024" in at.subheader[0].value
    assert any("Dans A" in m.value for m in at.markdown)
    at.segmented_control[0].set_value("side").run()
    at.multiselect(key="explorer_communes").set_value(["84009", "81001"]).run()
    assert not at.exception, at.exception
    assert "Bertrix" in at.dataframe[0].value.columns
    at.segmented_control[0].set_value("changed").run()
    assert not at.exception, at.exception
    assert at.subheader[0].value.startswith("Ce qui a changé du")
    # A relative span in one click: « 12 derniers mois » starts the day after « depuis ».
    _button(at, "12 derniers mois").click().run()
    assert not at.exception, at.exception
    since = window("12m", DAY).since - dt.timedelta(days=1)
    assert at.subheader[0].value == f"Ce qui a changé du {fmt.date(since)} au {fmt.date(DAY)}"
    with connect_read_only(demo_db) as con:
        changes = layer.what_changed(con, since, DAY)
    assert len(at.dataframe[0].value) == len(changes) > 0


def test_an_editor_saves_a_named_view_beside_the_sources(app_env, tmp_path):
    at = run_page({"mesures": "adhesion_rate", "par": "arrondissement"})
    at.text_input[0].input("Adhésions par arrondissement")
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception, at.exception
    saved = views.read_views(tmp_path / "app-sources")
    assert views.view_question(saved["Adhésions par arrondissement"]) == Question(
        ("adhesion_rate",), ("arrondissement",)
    )
    at = run_page()
    assert any(e.label == "Vues enregistrées (1)" for e in at.expander)
    link = next(m.value for m in at.markdown if "Adhésions par arrondissement" in m.value)
    assert "(explorer?mesures=adhesion_rate" in link and "par=arrondissement" in link
