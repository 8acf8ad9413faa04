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
import pandas as pd
from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.config import REPO_ROOT
from centrale.datasets import briefing, outreach, queries
from centrale.domain import ADHESION_LABELS, ORDER_STATUS_LABELS, AdhesionStatus
from centrale.semantic import Question
from centrale.semantic import compile as layer
from reports import story
from tests.conftest import PRESS_DAY
from ui import components

DAY = dt.date(2026, 11, 24)
TELLIN, BASTOGNE, BERTRIX = "84068", "82003", "84009"


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
        "34 communes représentées (33 aujourd'hui\u00a0: Bertogne a fusionné avec Bastogne le "
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


# Every label of a declared measure (label and short label) or dimension is written by the
# registry (`centrale.semantic.measures`, `centrale.semantic.model`) and read from there by every
# surface: a page, a table column (`Col.of`, `Col.dim`), a KPI card, a chart's axis or
# trace, an Excel header, the deck, the PDF sheet, the board report, the digest. Where
# another fact has close words it is declared under its own label (the survey's
# « Population des communes demandeuses », the funnel's « Délai médian depuis l'étape
# précédente », « Besoins distincts exprimés »). The list of hand-written labels left is
# empty and stays so.
KNOWN_HAND_WRITTEN: set[tuple[str, str]] = set()
# The same words used for something that is not a header of the measure or dimension,
# each with its reason.
NOT_A_LABEL = {
    ("ui/page_list.py", "Commune"): "the name of the Commune page in the menu",
    ("ui/state.py", "Solutions"): "the sidebar's filter of solutions (not the count)",
    ("centrale/intake/tablediff.py", "Rencontres"): "the name of a kind of source file",
    ("centrale/intake/survey_mapping.py", "Commune"): "a column header read from a file",
    ("pages/data.py", "Commune"): "a column of a source file, shown before it is loaded",
    ("pages/data.py", "Catégorie"): "a column of a source file, shown before it is loaded",
}
# Registries themselves, where the words are defined.
_REGISTRIES = {"centrale/semantic/measures.py", "centrale/semantic/model.py", "centrale/domain.py"}
# Keyword arguments naming a file or a sheet, not a column.
_NOT_HEADERS = {"sheet", "file_name", "key"}


def _declared_words() -> dict[str, str]:
    from centrale.semantic import measures
    from centrale.semantic.model import DIMENSIONS

    words = {d.label: f"dimension {k}" for k, d in DIMENSIONS.items()}
    for m in measures.MEASURES.values():
        words.setdefault(m.label, f"mesure {m.key}")
        words.setdefault(m.short_label, f"mesure {m.key} (court)")
    return words


def _hand_written(path, words: dict[str, str]) -> list[tuple[str, str, int]]:
    """(label, what, line) of each string constant of `path` equal to a declared word
    (docstrings and file/sheet names aside), and of each `Col.of(key, "label")`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if isinstance(node, ast.keyword) and node.arg in _NOT_HEADERS:
            skipped.add(id(node.value))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "of":
            label = node.args[1] if len(node.args) > 1 else None
            label = label or next((k.value for k in node.keywords if k.arg == "label"), None)
            if isinstance(label, ast.Constant):
                found.append((str(label.value), "libellé imposé à Col.of", node.lineno))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in words
            and id(node) not in skipped
        ):
            found.append((node.value, words[node.value], node.lineno))
    return found


def _surfaces():
    for folder in ("pages", "ui", "reports", "centrale"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            rel = path.relative_to(REPO_ROOT).as_posix()
            if rel not in _REGISTRIES:
                yield rel, path


def test_the_scan_sees_a_hand_written_label(tmp_path):
    words = _declared_words()
    sample = tmp_path / "page.py"
    sample.write_text(
        '"""Population (a docstring)."""\n'
        'cols = [Col("population", "Population", "int"), Col.of("lead_days", "Jours")]\n'
        'ui.kpi_card("Commandes attribuées", "3")\n'
        'fig.update_xaxes(title_text="Année d\'attribution")\n'
        'headers = ["Commune", "Quoi"]\n'
        'show(frame, sheet="Population")\n',
        encoding="utf-8",
    )
    found = sorted(label for label, _, _ in _hand_written(sample, words))
    assert found == [
        "Année d'attribution",
        "Commandes attribuées",
        "Commune",
        "Jours",
        "Population",
    ]


def test_no_surface_writes_its_own_label_of_a_declared_measure_or_dimension():
    """Pages, ui, reports (deck, PDF sheet, board report, digest) and the core's charts and
    exports take the words of a declared measure or dimension from the registry."""
    words = _declared_words()
    found = []
    for rel, path in _surfaces():
        for label, what, line in _hand_written(path, words):
            if (rel, label) not in NOT_A_LABEL and (rel, label) not in KNOWN_HAND_WRITTEN:
                found.append(f"{rel}:{line}: « {label} » ({what})")
    assert not found, "\n".join(found)
    assert not KNOWN_HAND_WRITTEN


def test_the_registry_declares_the_other_facts_under_their_own_words():
    """A fact close to a declared measure has its own label (the survey's population of
    the communes asking, not the population covered by orders)."""
    from centrale.semantic import measures

    survey = measures.measure("need_population")
    assert survey.label != measures.label("population_covered")
    assert "Population couverte" not in {survey.label, survey.short_label}


def test_a_commune_without_orders_has_zero_on_every_map_and_side_by_side(con):
    """The Explorer's map said « pas de données (13) » for the communes with 0 € awarded,
    where the map page and « côte à côte » say 0 (the review): a count or a sum over no
    row is 0, on every surface; only a mean or a median of nothing has no value."""
    from centrale.render import answer_charts, mapfig

    counted = ("orders_awarded", "amount_awarded_eur", "solutions_ordered")
    every = pd.concat(
        [
            layer.by_every_commune(con, Question((m,), ("commune",)), DAY).set_index(
                "commune__key"
            )[[m]]
            for m in counted
        ],
        axis=1,
    )
    every["commune"] = queries.communes_list(con, DAY).set_index("nis_code")["name_fr"]
    page_map = queries.commune_order_figures(con, DAY).set_index("nis_code")
    assert set(every.index) == set(page_map.index)  # every commune existing on the day
    nothing = sorted(page_map.index[page_map["orders_awarded"] == 0])
    assert nothing  # the demo has communes without an awarded order: the check can fail
    for ours, theirs in (
        ("orders_awarded", "orders_awarded"),
        ("amount_awarded_eur", "amount_eur"),
        ("solutions_ordered", "solutions_ordered"),
    ):
        assert every.loc[nothing, ours].tolist() == [0.0] * len(nothing), ours
        assert every[ours].round(2).to_dict() == page_map[theirs].round(2).to_dict(), ours
    names = dict(zip(every.index, every["commune"]))
    side = layer.side_by_side(con, Question(counted[:1]), DAY, (nothing[0], BERTRIX), counted)
    assert side[names[nothing[0]]].tolist() == [0.0, 0.0, 0.0]
    # The Explorer's map: no « pas de données » for a count; for a median, exactly the
    # communes without an awarded order.
    shapes = queries.commune_shapes(con, DAY)
    question = Question(("amount_awarded_eur",), ("commune",))
    fig = answer_charts.answer_map(layer.by_every_commune(con, question, DAY), question, shapes)
    assert not [t.name for t in fig.data if (t.name or "").startswith(mapfig.NO_DATA)]
    median = Question(("median_award_days",), ("commune",))
    fig = answer_charts.answer_map(layer.by_every_commune(con, median, DAY), median, shapes)
    assert [t.name for t in fig.data if (t.name or "").startswith(mapfig.NO_DATA)] == [
        f"{mapfig.NO_DATA} ({len(nothing)})"
    ]
    # Two periods compared: a group with no order in one of them has 0 there, not « – ».
    compared = layer.compare(
        con, Question(("orders_awarded",), ("arrondissement",), period="2025", compare="2024"), DAY
    )
    pair = compared[["orders_awarded", "orders_awarded__b"]]
    assert pair.notna().all().all() and (pair == 0).any().any(), compared
