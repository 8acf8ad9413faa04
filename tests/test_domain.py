"""centrale.domain (statuses, palettes, elision) and centrale.semantic.measures (the registry)."""

from __future__ import annotations

import ast
import re

import pandas as pd
import pytest

from centrale import domain
from centrale.config import AWARD_PROMISE_DAYS
from centrale.domain import AdhesionStatus, OrderStatus, de, elide, que
from centrale.render import mapfig
from centrale.semantic import measures
from reports import mapimage


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Arlon", "d'Arlon"),
        ("Attert", "d'Attert"),
        ("Aubange", "d'Aubange"),
        ("Erezée", "d'Erezée"),
        ("Érezée", "d'Érezée"),
        ("Etalle", "d'Etalle"),
        ("Ypres", "d'Ypres"),
        ("Bertrix", "de Bertrix"),
        ("Habay", "de Habay"),  # h treated as aspirated: never elided
        ("Houffalize", "de Houffalize"),
        ("Herbeumont", "de Herbeumont"),
        ("La Roche-en-Ardenne", "de La Roche-en-Ardenne"),
        ("Le Rœulx", "du Rœulx"),
        ("Les Bons Villers", "des Bons Villers"),
        ("Saint-Hubert", "de Saint-Hubert"),
        ("  Arlon ", "d'Arlon"),
    ],
)
def test_de_elides_before_a_vowel_only(name, expected):
    assert de(name) == expected


def test_other_elisions_and_capitals():
    assert que("Aubange") == "qu'Aubange"
    assert que("Bertrix") == "que Bertrix"
    assert elide("De", "Attert") == "D'Attert"
    assert elide("De", "Le Rœulx") == "Du Rœulx"
    assert elide("pour", "Arlon") == "pour Arlon"
    assert domain.arrondissement_of("Arlon") == "arrondissement d'Arlon"
    assert domain.arrondissement_of("Arlon", article=True) == "l'arrondissement d'Arlon"
    assert domain.arrondissement_of("Marche-en-Famenne") == "arrondissement de Marche-en-Famenne"


def test_statuses_are_the_stored_strings():
    assert AdhesionStatus.ADHERED == "adhérente"
    assert OrderStatus.AWARDED == "attribué"
    frame = pd.DataFrame({"status": ["attribué", "envoyé", "annulé"]})
    assert (frame["status"] == OrderStatus.AWARDED).tolist() == [True, False, False]
    assert frame["status"].isin(domain.TAKEN_STATUSES).tolist() == [True, True, False]
    assert AdhesionStatus("retirée").label == "Retirée"
    assert OrderStatus.SENT.label == "En cours d'attribution"


def test_one_palette_per_status_on_every_surface():
    # Every status has one colour, and the map and the map image use that palette.
    assert set(domain.ADHESION_COLOURS) == set(AdhesionStatus)
    assert set(domain.ORDER_STATUS_COLOURS) == set(OrderStatus)
    assert len(set(domain.ADHESION_COLOURS.values())) == len(AdhesionStatus)
    assert mapfig.METRICS["adhesion"].colours is domain.ADHESION_COLOURS
    assert mapimage.STATUS_COLOURS is domain.ADHESION_COLOURS
    # A plain string from a DataFrame finds its colour.
    assert mapimage.STATUS_COLOURS["non adhérente"] == domain.ORANGE


def test_similar_rule_is_one_sentence_with_elision():
    text = domain.similar_rule("Arlon")
    assert "celle d'Arlon" in text
    assert text.count(".") == 1 and text.endswith(".")
    assert str(domain.SIMILAR_COUNT) in text


def test_measures_registry():
    m = measures.measure("median_award_days")
    assert m.label == "Délai médian d'attribution"
    assert m.format(15) == "15,0\u00a0jours"
    assert measures.format_value("amount_awarded_eur", 1234.6) == "1\u00a0235\u00a0€"
    assert measures.format_value("adhesion_rate", 23 / 44) == "52\u00a0%"
    assert measures.format_value("orders_awarded", None) == "–"
    assert measures.measure("order_amount_eur").name == "amount_eur"
    with pytest.raises(KeyError, match="mesure inconnue"):
        measures.measure("nope")
    for key, measure in measures.MEASURES.items():
        assert measure.key == key
        assert measure.label and measure.help.endswith(".")
    # The map's continuous indicators are the registry's measures.
    assert mapfig.METRICS["amount"].label == measures.label("amount_eur")
    assert mapfig.METRICS["per_inhabitant"].column == "amount_per_inhabitant"


def test_every_kpi_key_has_a_measure(demo_db):
    import datetime as dt

    import duckdb

    from centrale.datasets import queries

    with duckdb.connect(str(demo_db), read_only=True) as con:
        figures = queries.kpis(con, dt.date(2020, 1, 31))
    numeric = {
        k
        for k, v in figures.items()
        if k not in ("as_of", "call_year", "survey_year") and not isinstance(v, dict | list)
    }
    assert numeric <= set(measures.MEASURES)
    # Nested figures (the information meetings) are measures too; the funnel is a list of
    # steps, each a count of communes.
    assert set(figures["info_meetings"]) <= set(measures.MEASURES)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bertrix", "Bertrix"),
        ("Vaux-sur-Sûre", "Vaux-sur-Sure"),
        ("La Roche-en-Ardenne", "La-Roche-en-Ardenne"),
        ("Saint-Léger", "Saint-Leger"),
        ("Érezée", "Erezee"),
        ("../../etc/passwd", "etc-passwd"),
        ("", "commune"),
    ],
)
def test_file_part_is_safe_on_any_file_system(name, expected):
    from centrale import fmt

    assert fmt.file_part(name) == expected


_STATUS_VALUES = sorted({str(s) for s in OrderStatus} | {str(s) for s in AdhesionStatus})
_STATUS_LITERAL = re.compile("'(" + "|".join(map(re.escape, _STATUS_VALUES)) + ")'")
_SQL_WORDS = re.compile(r"\b(SELECT|WHERE|FILTER|CASE WHEN|JOIN|HAVING)\b")
# A comparison with the number of the promise written out (`lead_days <= 20`, `> 20`).
_PROMISE_LITERAL = re.compile(
    rf"(?:<=|>=|<|>|=)\s*{AWARD_PROMISE_DAYS}\b|\b{AWARD_PROMISE_DAYS}\s*(?:<=|>=|<|>)"
)
_SCANNED = ("centrale", "reports", "ui", "pages")


def _code_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal of a module, f-string parts included,
    docstrings left out (they describe the SQL, they are not run)."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def _promise_comparisons(source: str) -> list[int]:
    """Lines of Python comparisons with the promise's number written out (`> 20`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(
                isinstance(s, ast.Constant) and s.value == AWARD_PROMISE_DAYS for s in sides
            ) and "days" in ast.unparse(node):
                found.append(node.lineno)
    return found


def _sql_word_offences(path: str, source: str) -> list[str]:
    """Status literals and literal promises in the SQL (and day comparisons) of a file."""
    offences = []
    if path.endswith(".sql"):
        texts = [(i, line) for i, line in enumerate(source.splitlines(), 1)]
        texts = [(i, line.split("--")[0]) for i, line in texts]
        sql_texts = texts
    else:
        texts = _code_strings(source)
        sql_texts = [(i, s) for i, s in texts if _SQL_WORDS.search(s)]
        offences += [
            f"{path}:{i}: délai promis écrit en chiffres" for i in _promise_comparisons(source)
        ]
    for line, text in texts:
        for literal in _STATUS_LITERAL.findall(text):
            offences.append(f"{path}:{line}: statut '{literal}' écrit dans le SQL")
    for line, text in sql_texts:
        if _PROMISE_LITERAL.search(text):
            offences.append(f"{path}:{line}: délai promis écrit dans le SQL")
    return offences


def test_the_scanner_sees_a_status_literal_and_a_written_promise():
    """The guard below can fail: it sees a status typed into SQL, in an f-string or the
    schema, and the promise's number in a comparison."""
    source = (
        "Q = f\"SELECT count(*) FROM o WHERE status = 'attribué' AND {x}\"\n"
        'R = "SELECT 1 FROM o WHERE lead_days <= 20"\n'
        "late = frame['lead_days'] > 20\n"
        'def f():\n    """status = \'annulé\' (a docstring: not run)."""\n'
    )
    offences = _sql_word_offences("x.py", source)
    assert len(offences) == 3, offences
    schema = "CASE WHEN o.status = 'annulé' THEN 1 END -- 'envoyé' in a comment\n"
    assert len(_sql_word_offences("schema.sql", schema)) == 1


def test_order_statuses_and_the_promise_reach_sql_through_the_layer_only():
    """No SQL of the core, the reports, the ui or the pages types an order or adhesion
    status or the award promise: statuses come from `centrale.semantic.sql` (itself
    from `centrale.domain`) or a bound `?`, the promise from config.AWARD_PROMISE_DAYS."""
    from centrale.config import REPO_ROOT

    offences = []
    scanned = 0
    for folder in _SCANNED:
        for path in sorted((REPO_ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".sql"):
                continue
            scanned += 1
            rel = path.relative_to(REPO_ROOT).as_posix()
            offences += _sql_word_offences(rel, path.read_text(encoding="utf-8"))
    assert scanned > 50
    assert not offences, "\n".join(offences)


def test_the_schema_as_run_spells_the_domain_statuses():
    """schema.sql names the statuses through the layer's words; the schema as run holds
    exactly the domain's values (no `{word}` left)."""
    from centrale.semantic import sql as order_sql
    from centrale.storage import store

    text = store.schema_sql()
    assert "{" not in text
    for status in OrderStatus:
        assert order_sql.quote(status) in text
    with pytest.raises(KeyError):
        order_sql.schema_text("SELECT {unknown_word}")
