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
