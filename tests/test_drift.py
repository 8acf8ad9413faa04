"""Issue 20's drift list: one fact read from every surface that shows it, on the demo.

Each test names the drift it guards: the map's solutions taken against the coverage
table and the layer; Tellin « Retirée » in the survey lists as on the overview and
the map; the orders Excel spelling statuses; Bastogne's adhesion said as Bertogne's
convention; the 34 communes of the public record with the merger said; the survey
page named alike in the menu and on the page.
"""

from __future__ import annotations

import ast
import datetime as dt
import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.config import REPO_ROOT
from centrale.datasets import briefing, outreach, queries
from centrale.domain import ADHESION_LABELS, ORDER_STATUS_LABELS, AdhesionStatus
from centrale.semantic import Question
from centrale.semantic import compile as layer
from centrale.storage.store import connect_read_only
from reports import story
from tests.conftest import PRESS_DAY
from ui import components

DAY = dt.date(2026, 11, 24)
TELLIN, BASTOGNE, BERTRIX = "84068", "82003", "84009"


@pytest.fixture(scope="module")
def con(demo_db):
    connection = connect_read_only(demo_db)
    yield connection
    connection.close()


def test_solutions_taken_and_population_covered_count_the_same_orders(con):
    """Map « solutions commandées », the overview's « population couverte » and the
    layer all count sent or awarded orders (Bertrix's pending order in each)."""
    status = queries.commune_status(con, DAY).set_index("nis_code")
    coverage = queries.coverage_by_solution(con, DAY)
    pending = con.execute(
        "SELECT solution_id FROM orders_at(?) WHERE commune_nis = ? AND status = 'envoyé'",
        [DAY, BERTRIX],
    ).fetchall()
    for (solution_id,) in pending:
        row = coverage[coverage["solution_id"] == solution_id].iloc[0]
        assert "Bertrix" in row["commune_names"]
    taken = layer.answer(con, Question(("solutions_ordered",), ("commune",)), DAY)
    by_commune = dict(zip(taken["commune__key"], taken["solutions_ordered"]))
    assert status.loc[BERTRIX, "solutions_ordered"] == by_commune[BERTRIX]
    covered = layer.answer(con, Question(("population_covered",), ("solution",)), DAY)
    assert dict(zip(covered["solution__key"], covered["population_covered"])) == {
        k: v for k, v in zip(coverage["solution_id"], coverage["population"]) if v
    }


def _survey_at(day: dt.date) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "survey.py"), default_timeout=90)
    at.session_state["shared_as_of"] = day
    at.run()
    assert not at.exception, at.exception
    return at


def test_tellin_is_retiree_in_the_survey_lists_as_on_the_overview(app_env, con):
    status = queries.commune_status(con, DAY).set_index("nis_code")
    assert status.loc[TELLIN, "adhesion_status"] == AdhesionStatus.WITHDRAWN
    at = _survey_at(DAY)
    shown = [
        frame.value
        for frame in at.dataframe
        if "member_text" in frame.value.columns and "name_fr" in frame.value.columns
    ]
    tellin = [
        f.loc[f["name_fr"] == "Tellin", "member_text"].iloc[0]
        for f in shown
        if (f["name_fr"] == "Tellin").any()
    ]
    assert tellin == [ADHESION_LABELS[AdhesionStatus.WITHDRAWN]]  # « Retirée »
    every = set().union(*(set(f["member_text"]) for f in shown))
    assert every <= set(ADHESION_LABELS.values())


def test_the_orders_excel_spells_statuses(con):
    orders = queries.orders_table(con, DAY)
    assert "attribué" in set(orders["status"])  # the store's word
    data = components.excel_bytes(orders, components.orders_excel_columns(), "Commandes")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    statuses = {row[header.index("Statut")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses <= set(ORDER_STATUS_LABELS.values())
    assert "Attribuée" in statuses
    # The orders page hands the Excel file those columns.
    page = (REPO_ROOT / "pages" / "orders.py").read_text(encoding="utf-8")
    assert "excel_columns=ui.orders_excel_columns()" in page


def test_the_winning_provider_has_one_name_on_every_order_table():
    names = {c.label for c in components.orders_excel_columns() if c.name == "provider"}
    names |= {c.label for c in components.commune_order_columns() if c.name == "provider"}
    from centrale.semantic.model import DETAIL_LABELS, DIMENSIONS

    names |= {DIMENSIONS["provider"].label, DETAIL_LABELS["provider"]}
    assert names == {"Adjudicataire"}


def test_bastogne_adheres_through_bertognes_convention(con):
    bastogne = briefing.commune_briefing(con, BASTOGNE, DAY)
    sentence = story.status_sentence(bastogne)
    assert "Bertogne" in sentence and "13/06/2019" in sentence
    assert "Bastogne adhère à la centrale depuis" not in sentence
    # Before the merger, Bertogne speaks of its own convention.
    bertogne = briefing.commune_briefing(con, "82005", PRESS_DAY)
    assert story.status_sentence(bertogne) == (
        "Bertogne adhère à la centrale depuis le 13/06/2019."
    )


def test_34_communes_represented_with_the_merger_said(con):
    meetings = outreach.info_meetings(con, DAY)
    assert (meetings["communes_at_the_time"], meetings["communes_represented"]) == (34, 33)
    text = outreach.represented_text(meetings, outreach.meetings_mergers(con, DAY))
    assert text == (
        "34 communes représentées (33 aujourd'hui : Bertogne a fusionné avec Bastogne le "
        "02/12/2024)"
    )
    before = outreach.info_meetings(con, PRESS_DAY)
    assert outreach.represented_text(before, []) == "34 communes représentées"
    lines = "\n".join(fmt.kpi_lines(queries.kpis(con, DAY)))
    assert "34 communes représentées (33 aujourd'hui, après fusion)" in lines


def test_the_survey_page_has_one_name_in_the_menu_and_on_the_page():
    from ui.page_list import PAGES

    titles = {p.file: p.title for p in PAGES}
    page = (REPO_ROOT / "pages" / "survey.py").read_text(encoding="utf-8")
    assert f'st.title("{titles["survey.py"]}")' in page
    assert titles["explorer.py"] == "Explorer"


# Hand-written headers equal to a declared measure's label (or short label): a column
# showing a declared measure takes its words from the registry (`Col.of`). These were
# there before the layer; the list only shrinks (some are another fact under the same
# words: the survey's « Population couverte » counts the communes that expressed a need).
KNOWN_HAND_WRITTEN = {
    ("pages/subsidies.py", "Montant accordé"),
    ("pages/subsidies.py", "Population"),
    ("pages/subsidies.py", "Part du subside régional"),
    ("pages/overview.py", "Population"),
    ("pages/overview.py", "Population couverte"),
    ("pages/overview.py", "Part de la province"),
    ("pages/map.py", "Population"),
    ("pages/orders.py", "Commandes remportées"),
    ("ui/worth.py", "Délai médian"),
    ("ui/components.py", "Montant HTVA"),
    ("ui/survey/results.py", "Population couverte"),
    ("ui/survey/campaign.py", "Population"),
    ("ui/survey/campaign.py", "Délai"),
}


def test_no_new_hand_written_label_of_a_declared_measure():
    from centrale.datasets import measures

    words = {m.label for m in measures.MEASURES.values()}
    words |= {m.short_label for m in measures.MEASURES.values()}
    found = set()
    for path in [*REPO_ROOT.glob("pages/*.py"), *REPO_ROOT.glob("ui/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None)
            name = getattr(name, "id", getattr(name, "attr", None))
            if name == "Col" and len(node.args) >= 2:
                label = node.args[1]
                if isinstance(label, ast.Constant) and label.value in words:
                    found.add((path.relative_to(REPO_ROOT).as_posix(), label.value))
    assert found <= KNOWN_HAND_WRITTEN, sorted(found - KNOWN_HAND_WRITTEN)
