"""The Explorer page through AppTest, on the demo store: the default question, a gallery
click, each mode, a question read from the address, a named view saved by an editor."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.config import REPO_ROOT
from centrale.plaintext import plain
from centrale.semantic import METRICS, Question, gallery, views, window
from centrale.semantic import compile as layer
from centrale.storage.store import connect_read_only
from tests.kpi_cards import shown as kpi_shown

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
    shown = kpi_shown(at)
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


# --- The clicked group in the link and in a named view (review of issue 20) ---------------
AWARDED = Question(("orders_awarded",), ("arrondissement",))


def _rows_heading(at: AppTest) -> str:
    """The heading above the rows behind a figure (« **Ensemble** — 58 lignes (…) »)."""
    return next(m.value for m in at.markdown if m.value.startswith("**") and "ligne" in m.value)


def _expected_heading(demo_db, question: Question, group: dict, title: str) -> str:
    with connect_read_only(demo_db) as con:
        rows = layer.rows_behind(con, question, DAY, question.metrics[0], group)
    assert len(rows) > 0
    return f"**{plain(title)}** — {fmt.count(len(rows), 'ligne')} (commandes)"


def test_a_link_with_the_clicked_group_reopens_its_rows(app_env, demo_db):
    at = run_page({"mesures": "orders_awarded", "par": "arrondissement", "lignes": LIGNES})
    assert _rows_heading(at) == _expected_heading(
        demo_db, AWARDED, {"arrondissement": "Bastogne"}, "Arrondissement : Bastogne"
    )
    assert at.query_params["lignes"] == LIGNES  # and it stays in the address
    # Another question: the group is dropped (the rows of the whole), and leaves the address.
    at.multiselect(key="explorer_metrics").set_value(["orders_sent"]).run()
    assert not at.exception, at.exception
    assert _rows_heading(at).startswith("**Ensemble** — ")
    assert "lignes" not in at.query_params
    # Back to the first question: the group does not come back by itself.
    at.multiselect(key="explorer_metrics").set_value(["orders_awarded"]).run()
    assert _rows_heading(at).startswith("**Ensemble** — ")


LIGNES = "arrondissement:Bastogne"


def test_a_group_the_answer_does_not_have_is_never_shown(app_env):
    for wrong in (
        "arrondissement:Ailleurs",  # no such arrondissement
        "commune:84009",  # a dimension the question does not group by
        "arrondissement",  # no value
        "inconnue:Bastogne",  # no such dimension
    ):
        at = run_page({"mesures": "orders_awarded", "par": "arrondissement", "lignes": wrong})
        assert _rows_heading(at).startswith("**Ensemble** — "), wrong
        assert "lignes" not in at.query_params, wrong


def test_a_named_view_keeps_the_clicked_group(app_env, demo_db, tmp_path):
    at = run_page({"mesures": "orders_awarded", "par": "arrondissement", "lignes": LIGNES})
    at.text_input[0].input("Bastogne, ses commandes")
    _button(at, "Enregistrer").click().run()
    assert not at.exception, at.exception
    saved = views.read_views(tmp_path / "app-sources")["Bastogne, ses commandes"]
    assert saved["params"]["lignes"] == LIGNES
    # A new session opens the view: the same rows.
    at = run_page()
    assert _rows_heading(at).startswith("**Ensemble** — ")
    link = next(m.value for m in at.markdown if "Bastogne, ses commandes" in m.value)
    assert "lignes=arrondissement%3ABastogne" in link
    _button(at, "Ouvrir").click().run()
    assert not at.exception, at.exception
    assert _rows_heading(at) == _expected_heading(
        demo_db, AWARDED, {"arrondissement": "Bastogne"}, "Arrondissement : Bastogne"
    )
    assert at.query_params["lignes"] == LIGNES


# --- Side by side: the chosen measures are the rows -----------------------------------------
def test_side_by_side_shows_each_chosen_measure(app_env, demo_db):
    chosen = "orders_sent,population_covered"
    at = run_page({"mesures": chosen, "mode": "side", "communes": "84009,81001"})
    table = at.dataframe[0].value
    assert list(table["measure"]) == [
        METRICS["orders_sent"].label,
        METRICS["population_covered"].label,
    ]
    with connect_read_only(demo_db) as con:
        expected = layer.side_by_side(
            con, Question(("orders_sent",)), DAY, ("84009", "81001"), tuple(chosen.split(","))
        )
    for name in ("Bertrix", "Arlon"):
        assert list(table[name]) == [
            METRICS[k].words.format(v) for k, v in zip(expected["metric"], expected[name])
        ]
    assert at.query_params["mesures"] == chosen
    assert at.query_params["communes"] == "84009,81001"
    # Every other measure on demand, after the chosen ones; kept in the link.
    at.checkbox(key="explorer_side_all").check().run()
    table = at.dataframe[0].value
    assert len(table) > 2 and list(table["measure"])[:2] == [
        METRICS["orders_sent"].label,
        METRICS["population_covered"].label,
    ]
    assert at.query_params["toutes"] == "oui"


def test_a_named_view_of_communes_side_by_side_keeps_them(app_env, tmp_path):
    params = {"mesures": "orders_sent,population_covered", "mode": "side"}
    at = run_page(params | {"communes": "84009,81001", "toutes": "oui"})
    at.text_input[0].input("Bertrix et Arlon")
    _button(at, "Enregistrer").click().run()
    assert not at.exception, at.exception
    saved = views.read_views(tmp_path / "app-sources")["Bertrix et Arlon"]["params"]
    assert saved | params == saved and saved["communes"] == "84009,81001"
    assert saved["toutes"] == "oui" and "lignes" not in saved
    at = run_page()
    _button(at, "Ouvrir").click().run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value.columns) == ["measure", "Bertrix", "Arlon"]
    assert len(at.dataframe[0].value) > 2  # every other measure below the two chosen


def test_two_periods_that_overlap_are_said_to(app_env):
    """« Comparer deux périodes » opened on « tout » against last year compares a period
    with a part of itself (the review): the page says so; two distinct years say nothing."""
    base = {"mesures": "orders_awarded", "par": "arrondissement", "mode": "compare"}
    overlapping = run_page({**base, "quand": "tout", "contre": "2025"})
    assert not overlapping.exception
    assert any("se recouvrent" in c.value for c in overlapping.caption)
    distinct = run_page({**base, "quand": "2024", "contre": "2025"})
    assert not distinct.exception
    assert not any("se recouvrent" in c.value for c in distinct.caption)


# --- Paper and layout (issues 20 and 24) -----------------------------------------------------
def _column_config(at: AppTest, index: int = 0) -> dict:
    import json

    return json.loads(at.dataframe[index].proto.columns)


def _paper_tables(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "centrale-print-table" in h.proto.body]


def test_the_answer_table_has_its_paper_copy_and_numbers_right_aligned(app_env, demo_db):
    """The answer table (one clicks its rows) had no paper copy: missing from the printed
    page (the review). It has one, every row of the answer in it; numbers right-aligned
    on screen and on paper."""
    import html as markup

    question = Question(("orders_awarded", "amount_awarded_eur"), ("commune",))
    at = run_page({"mesures": "orders_awarded,amount_awarded_eur", "par": "commune"})
    with connect_read_only(demo_db) as con:
        expected = layer.answer(con, question, DAY)
    config = _column_config(at)
    assert config["orders_awarded"]["alignment"] == "right"
    assert config["amount_awarded_eur"]["alignment"] == "right"
    assert "alignment" not in config["commune"]
    answer_copy = next(t for t in _paper_tables(at) if ">Commune</th>" in t and "N° de" not in t)
    for name in expected["commune"]:
        assert f"<td>{markup.escape(name)}</td>" in answer_copy.replace(
            '<span class="centrale-nowrap">', ""
        ).replace("</span>", ""), name
    assert answer_copy.count("<tr>") == len(expected) + 1  # and nothing more
    assert f'<td class="centrale-nowrap centrale-number">{fmt.money(expected.iloc[0, -1], 0)}' in (
        answer_copy
    )


def test_side_by_side_has_no_grouping_and_its_numbers_right_aligned(app_env):
    """« Regrouper par » has no effect side by side: not drawn there (its choice is kept
    for the table); the communes' columns are numbers, right-aligned."""
    at = run_page({"mesures": "orders_sent", "par": "solution"})
    assert "Regrouper par (deux au plus)" in [m.label for m in at.multiselect]
    at.segmented_control[0].set_value("side").run()
    assert "Regrouper par (deux au plus)" not in [m.label for m in at.multiselect]
    at.multiselect(key="explorer_communes").set_value(["84009", "81001"]).run()
    config = _column_config(at)
    assert config["Bertrix"]["alignment"] == config["Arlon"]["alignment"] == "right"
    assert "alignment" not in config["measure"]
    at.segmented_control[0].set_value("table").run()
    assert at.multiselect(key="explorer_by").value == ["solution"]
