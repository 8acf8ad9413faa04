"""French alphabetical order: fmt.sort_key, the one rule every displayed list of names uses."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from centrale import fmt
from centrale.domain import AdhesionStatus
from reports import story


def test_accents_and_case_are_ignored_not_code_points():
    assert sorted(["Gouvy", "Libin", "Léglise"]) == ["Gouvy", "Libin", "Léglise"]  # the bug
    assert fmt.sorted_names(["Gouvy", "Libin", "Léglise"]) == ["Gouvy", "Léglise", "Libin"]
    assert fmt.sort_key("Léglise") < fmt.sort_key("Libin")
    assert fmt.sort_key("Étalle") < fmt.sort_key("Fauvillers")
    assert fmt.sort_key("Étalle") > fmt.sort_key("Erezée")


def test_la_roche_is_under_l_and_ties_break_on_the_text():
    names = ["Libramont-Chevigny", "La Roche-en-Ardenne", "Houffalize", "Léglise", "Étalle"]
    assert fmt.sorted_names(names) == [
        "Étalle",
        "Houffalize",
        "La Roche-en-Ardenne",
        "Léglise",
        "Libramont-Chevigny",
    ]
    # Same letters, different accents or case: still a fixed order (the text decides).
    assert fmt.sorted_names(["élan", "Elan", "elan"]) == fmt.sorted_names(["elan", "élan", "Elan"])


def test_frame_sort_key_orders_names_and_leaves_numbers_alone():
    frame = pd.DataFrame(
        {"year": [2024, 2024, 2023, 2024], "name_fr": ["Libin", "Léglise", "Gouvy", "Étalle"]}
    )
    ordered = frame.sort_values(
        ["year", "name_fr"], ascending=[False, True], key=fmt.frame_sort_key
    )
    assert list(ordered["name_fr"]) == ["Étalle", "Léglise", "Libin", "Gouvy"]


def test_the_briefing_lists_neighbours_in_french_order():
    communes = pd.DataFrame(
        {
            "name_fr": ["Libin", "Léglise", "Gouvy", "Neufchâteau"],
            "role": ["voisine", "voisine", "voisine", "commune"],
            "adhesion_status": [str(AdhesionStatus.ADHERED)] * 4,
        }
    )
    lines = story.neighbour_lines(SimpleNamespace(map_communes=communes))
    assert lines == ["Voisines adhérentes (3) : Gouvy, Léglise et Libin"]


# -- the same order in SQL ----------------------------------------------------------------
# DuckDB sorts by code point too (« Érezée » after « Wellin »): every ORDER BY on a name in
# the core carries DuckDB's collation COLLATE NOACCENT.NOCASE, which must agree with
# fmt.sort_key on every name the store holds.
SQL_SOURCES = (
    "centrale/datasets/queries.py",
    "centrale/datasets/survey.py",
    "centrale/datasets/outreach.py",
)


def test_every_sql_order_on_a_name_ignores_accents_and_case():
    import re

    from centrale.config import REPO_ROOT

    ordered, bare = 0, []
    for source in SQL_SOURCES:
        for number, line in enumerate((REPO_ROOT / source).read_text().splitlines(), 1):
            clause = line.partition("ORDER BY")[2]
            ordered += len(re.findall(r"\bname_fr\b", clause))
            if re.search(r"\bname_fr\b(?! COLLATE NOACCENT\.NOCASE)", clause):
                bare.append(f"{source}:{number}: {line.strip()}")
    assert ordered >= 10  # the scan sees the orders it guards
    assert bare == []


def test_the_sql_collation_agrees_with_sort_key(demo_db):
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as con:
        for table in ("communes", "solutions"):
            shown = [
                name
                for (name,) in con.execute(
                    f"SELECT name_fr FROM {table} ORDER BY name_fr COLLATE NOACCENT.NOCASE, name_fr"
                ).fetchall()
            ]
            assert len(shown) > 10
            assert shown == fmt.sorted_names(shown), table
            assert shown != sorted(shown) or table == "solutions"  # communes: accents matter
