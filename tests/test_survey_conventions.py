"""The importer knows the survey tools' conventions (REAL-WORLD.md §1): one test per
convention, on exports written by `tests.survey_exports`, then a property test that
no import ever yields a need named after a tick value or nothing."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centrale.intake import survey_import as si
from centrale.intake.survey_mapping import TICK_WORDS, folded
from tests.survey_exports import (
    CATALOGUE,
    LIME_TECH_EN,
    LIME_TECH_FR,
    NEEDS_Q,
    csv_bytes,
    kobo_hxl_rows,
    kobo_labels_rows,
    kobo_xml_rows,
    limesurvey_full_text,
    workbook_bytes,
)

OPTIONS = si.need_options(CATALOGUE)


def imported(data: bytes, name: str, year: int | None = 2024):
    export = si.read_export(data, name)
    mapping = si.propose_mapping(export, OPTIONS)
    return export, mapping, si.to_long(export, mapping, year)


def needs_by_commune(long_rows) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in long_rows.rows:
        out.setdefault(row[1], []).append(row[2])
    return out


# --- LimeSurvey --------------------------------------------------------------


@pytest.mark.parametrize("technical", [LIME_TECH_FR, LIME_TECH_EN], ids=["fr", "en"])
def test_limesurvey_technical_columns_french_and_english(technical):
    export, mapping, long_rows = imported(csv_bytes(limesurvey_full_text(technical)), "results.csv")
    by = {c.header: c for c in mapping}
    assert by[technical[1]].role == "submitted_on"  # Date de soumission / Date submitted
    for header in technical[:1] + technical[2:]:
        assert (by[header].role, by[header].sure) == ("ignore", True), header
    assert export.tool == "LimeSurvey"


def test_limesurvey_full_text_export_gives_the_right_needs():
    export, mapping, long_rows = imported(csv_bytes(limesurvey_full_text()), "results.csv")
    assert si.mapping_problems(mapping) == []
    assert needs_by_commune(long_rows) == {
        "Arlon": ["ECL", "STA"],
        "Attert": ["APP", "Drones"],  # "Autre" typed as text: a new need
        # Aubange: every option N/A, the needs question was not shown: left out, never
        # « aucun besoin » (issue 21).
    }
    assert long_rows.problems == []
    assert [(o.row, o.commune) for o in long_rows.left_out][-1] == (5, "Aubange")
    assert "sans réponse" in long_rows.left_out[-1].reason


def test_na_means_not_shown_never_an_error_nor_a_need():
    _, mapping, long_rows = imported(csv_bytes(limesurvey_full_text()), "results.csv")
    assert all("N/A" not in row for row in long_rows.rows)
    assert not [p for p in long_rows.problems if p.value == "N/A"]


def test_incomplete_responses_are_left_out_counted_and_said():
    _, _, long_rows = imported(csv_bytes(limesurvey_full_text()), "results.csv")
    assert [(o.row, o.commune) for o in long_rows.left_out] == [(4, "Bertrix"), (5, "Aubange")]
    assert "incomplète" in long_rows.left_out[0].reason
    assert "Bertrix" not in needs_by_commune(long_rows)


def test_a_question_naming_a_catalogue_word_is_not_that_need():
    _, mapping, long_rows = imported(csv_bytes(limesurvey_full_text()), "results.csv")
    by = {c.header: c for c in mapping}
    described = by["Décrivez votre participation aux projets Smart de la province"]
    assert described.role == "ignore" and described.need is None
    assert "PAR" not in {row[2] for row in long_rows.rows}


def test_catalogue_options_of_another_question_are_not_needs():
    _, mapping, _ = imported(csv_bytes(limesurvey_full_text()), "results.csv")
    wifi = {c.header: c for c in mapping}[
        "Utilisez-vous déjà une de ces solutions ? [Wi-Fi public]"
    ]
    assert (wifi.role, wifi.sure, wifi.suggestion) == ("ignore", False, ("need", "WIFI"))


@pytest.mark.parametrize("tick", [("Oui", "Non"), ("Y", ""), ("Yes", "No"), ("1", "0")])
def test_multiple_choice_tick_styles(tick):
    _, _, long_rows = imported(csv_bytes(limesurvey_full_text(tick=tick)), "results.csv")
    assert needs_by_commune(long_rows)["Arlon"] == ["ECL", "STA"]


def test_other_option_holding_oui_non_is_a_tick_not_a_need():
    rows = limesurvey_full_text()
    other = rows[0].index(f"{NEEDS_Q} [Autre]")
    for row in rows[1:]:
        row[other] = "Oui" if row[other] else "Non"
    _, mapping, long_rows = imported(csv_bytes(rows), "results.csv")
    assert {c.header: c for c in mapping}[f"{NEEDS_Q} [Autre]"].role == "ignore"
    labels = {row[2] for row in long_rows.rows}
    assert not {"Oui", "Non"} & labels
    assert needs_by_commune(long_rows)["Attert"] == ["APP"]


def test_anonymised_1980_date_is_warned_and_left_empty():
    rows = limesurvey_full_text()
    for row in rows[1:]:
        if row[1]:
            row[1] = "1980-01-01 00:00:00"
    _, _, long_rows = imported(csv_bytes(rows), "results.csv")
    assert {row[6] for row in long_rows.rows} == {""}
    (warning,) = long_rows.problems
    assert (warning.level, warning.code, warning.row) == ("avertissement", "date-anonymisee", 2)
    assert "anonymisée" in warning.message


@pytest.mark.parametrize(
    ("sep", "bom"), [(";", True), (",", True), (",", False), (";", False)], ids=str
)
def test_csv_separators_bom_and_crlf(sep, bom):
    export, _, long_rows = imported(
        csv_bytes(limesurvey_full_text(), sep=sep, bom=bom), "results.csv"
    )
    assert export.headers[0] == "ID de la réponse"  # no BOM left on the first heading
    assert needs_by_commune(long_rows)["Arlon"] == ["ECL", "STA"]


def test_limesurvey_codes_and_html_entities_in_headings():
    data = csv_bytes(
        [
            ["id", "submitdate", "commune", "G01Q02[SQ001]", "besoins[ECL]",
             "q1[Wi-Fi &amp; bornes]"],
            ["1", "2024-03-15 10:00:00", "Arlon", "Y", "Y", "Y"],
        ]
    )  # fmt: skip
    export, mapping, long_rows = imported(data, "results.csv")
    by = {c.header: c for c in mapping}
    assert "q1[Wi-Fi & bornes]" in by  # the entity decoded
    assert by["G01Q02[SQ001]"].role == "ignore" and not by["G01Q02[SQ001]"].sure
    assert [row[2] for row in long_rows.rows] == ["ECL"]


def test_limesurvey_code_and_text_headings_are_one_question():
    q = "G01Q02[{}]. Quels sont vos besoins ? [{}]"
    data = csv_bytes(
        [
            ["submitdate", "G01Q01. Votre commune",
             q.format("SQ001", "Éclairage public intelligent"), q.format("SQ002", "Drones"),
             q.format("SQ003", "Wi-Fi public")],
            ["2024-03-15 10:00:00", "Arlon", "Y", "Y", ""],
        ]
    )  # fmt: skip
    export, mapping, long_rows = imported(data, "results.csv")
    assert list(si.questions(mapping)) == ["G01Q02. Quels sont vos besoins ?"]
    assert [row[2] for row in long_rows.rows] == ["ECL"]  # Drones: a suggestion only
    mapping = si.accept_question(mapping, "G01Q02. Quels sont vos besoins ?")
    assert [row[2] for row in si.to_long(export, mapping, 2024).rows] == ["ECL", "Drones"]


def test_comment_columns_of_options():
    data = csv_bytes(
        [
            ["submitdate", "commune", "besoins[ECL]", "besoins[ECLcomment]", "besoins[STA]"],
            ["2024-03-15 10:00:00", "Arlon", "Y", "Rue de la gare d'abord", ""],
        ]
    )
    _, mapping, long_rows = imported(data, "results.csv")
    assert {c.header: c for c in mapping}["besoins[ECLcomment]"].role == "need_comment"
    assert long_rows.rows == [
        ["2024", "Arlon", "ECL", "", "", "", "2024-03-15", "", "Rue de la gare d'abord"]
    ]


def test_a_commune_answering_twice_names_both_rows():
    rows = limesurvey_full_text()
    rows.append(list(rows[1]))  # Arlon again, row 6
    _, _, long_rows = imported(csv_bytes(rows), "results.csv")
    (problem,) = [p for p in long_rows.problems if p.code == "reponse-en-double"]
    assert problem.row == 6 and "lignes 2 et 6" in problem.message


# --- KoboToolbox ---------------------------------------------------------------


def test_kobo_labels_split_on_the_question_not_the_last_slash():
    export, mapping, long_rows = imported(csv_bytes(kobo_labels_rows(), sep=","), "kobo.csv")
    by = {c.header: c for c in mapping}
    app = by["Quels sont vos besoins ?/Application web/mobile"]
    assert (app.question, app.option, app.role, app.need) == (
        "Quels sont vos besoins ?",
        "Application web/mobile",
        "need",
        "APP",
    )
    assert export.tool == "KoboToolbox"
    assert needs_by_commune(long_rows) == {
        "Arlon": ["ECL", "APP"],
        "Attert": ["Caméras de surveillance"],  # from "Si autre, précisez", not a need "1"
        "Bertrix": ["aucun besoin"],
    }


def test_kobo_other_tick_column_is_never_a_need_named_0_or_1():
    _, mapping, long_rows = imported(csv_bytes(kobo_labels_rows(), sep=","), "kobo.csv")
    other = {c.header: c for c in mapping}["Quels sont vos besoins ?/Autre"]
    assert (other.role, other.values) == ("ignore", "tick")
    assert not {"0", "1"} & {row[2] for row in long_rows.rows}


def test_kobo_technical_columns_and_geopoint_parts_are_ignored():
    _, mapping, _ = imported(csv_bytes(kobo_labels_rows(), sep=","), "kobo.csv")
    by = {c.header: c for c in mapping}
    assert by["_submission_time"].role == "submitted_on"
    for header in kobo_labels_rows()[0]:
        if (
            header.startswith("_")
            and header != "_submission_time"
            or header
            in (
                "start",
                "end",
                "today",
                "deviceid",
            )
        ):
            assert (by[header].role, by[header].sure) == ("ignore", True), header
    assert by["Quels sont vos besoins ?"].role == "ignore"  # the choices in one cell


def test_kobo_hxl_row_is_not_a_respondent():
    export, _, long_rows = imported(csv_bytes(kobo_hxl_rows(), sep=","), "kobo.csv")
    assert [o.row for o in export.left_out] == [2]
    assert "HXL" in export.left_out[0].reason
    assert set(needs_by_commune(long_rows)) == {"Arlon", "Attert", "Bertrix"}
    assert [p for p in long_rows.problems if p.level == "erreur"] == []


def test_kobo_xml_headings_workbook_with_a_repeated_heading_and_repeat_sheet():
    data = workbook_bytes(
        {
            "Besoins des communes": kobo_xml_rows(),
            "groupe_repeat": [["_index", "_parent_index", "projet"], ["1", "1", "x"]],
        }
    )
    export, mapping, long_rows = imported(data, "kobo.xlsx")
    by = {c.position: c for c in mapping}
    assert export.sheet == "Besoins des communes"
    assert [by[8].role, by[9].role] == ["comment", "ignore"]  # the repeated heading
    assert "répété" in by[9].reason
    assert {c.header: c.role for c in mapping}["groupe_identite/commune"] == "commune"
    assert needs_by_commune(long_rows) == {
        "Arlon": ["ECL", "Bornes de recharge"],
        "Attert": ["APP"],
    }


# --- The mapping step's bulk choices and saved mappings -----------------------------


def test_bulk_choice_options_of_a_question_are_the_needs():
    rows = limesurvey_full_text()
    rows[0][11] = f"{NEEDS_Q} [Bornes de recharge]"  # not in the catalogue
    export, mapping, _ = imported(csv_bytes(rows), "results.csv")
    bornes = {c.header: c for c in mapping}[rows[0][11]]
    assert (bornes.role, bornes.suggestion) == ("ignore", ("need", "Bornes de recharge"))
    assert NEEDS_Q in si.questions(mapping)
    mapping = si.accept_question(mapping, NEEDS_Q)
    bornes = {c.header: c for c in mapping}[rows[0][11]]
    assert (bornes.role, bornes.need, bornes.sure) == ("need", "Bornes de recharge", True)
    assert {c.header: c for c in mapping}[f"{NEEDS_Q} [Autre]"].role == "other_need"
    mapping = si.confirm_ignored(mapping)
    assert si.to_review(mapping) == []


def test_mapping_is_saved_beside_the_sources_and_offered_again(tmp_path):
    export, mapping, _ = imported(csv_bytes(limesurvey_full_text()), "results_2024.csv")
    mapping = si.apply_choice(mapping, 3, "comment")
    path = si.save_mapping(tmp_path, export.headers, mapping)
    assert path.parent == tmp_path and path.suffix == ".json"
    next_year = si.read_export(csv_bytes(limesurvey_full_text()), "results_2025.csv")
    saved = si.saved_mapping(tmp_path, next_year.headers)
    assert saved is not None
    again = si.apply_saved(si.propose_mapping(next_year, OPTIONS), saved)
    assert [(c.role, c.need) for c in again] == [(c.role, c.need) for c in mapping]
    other = si.read_export(csv_bytes(kobo_labels_rows()), "kobo.csv")
    assert si.saved_mapping(tmp_path, other.headers) is None


# --- Property: no need is ever empty or a tick value --------------------------------

_cells = st.sampled_from(
    ["", "0", "1", "Oui", "Non", "Yes", "No", "Y", "N/A", "x", "True", "False", "Drones",
     "Éclairage public intelligent", " ", "oui", "Autre"]
)  # fmt: skip
_options = st.sampled_from(
    ["Éclairage public intelligent", "Autre", "Other", "SQ001", "Oui", "0", "Y", "Drones",
     "Application web/mobile", "aucun", "N/A"]
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    options=st.lists(_options, min_size=1, max_size=5, unique=True),
    answers=st.lists(st.lists(_cells, min_size=5, max_size=5), min_size=1, max_size=4),
    kobo=st.booleans(),
    other_text=st.lists(_cells, min_size=4, max_size=4),
    bulk=st.booleans(),
)
def test_no_import_yields_an_empty_or_tick_need(options, answers, kobo, other_text, bulk):
    question = "Vos besoins ?"
    option_headers = [f"{question}/{o}" if kobo else f"{question} [{o}]" for o in options]
    header = ["commune", *option_headers, "Si autre, précisez"]
    rows = [header]
    communes = iter(["Arlon", "Attert", "Bertrix", "Aubange"])
    for answer, text in zip(answers, other_text):
        rows.append([next(communes), *answer[: len(options)], text])
    export = si.read_export(csv_bytes(rows), "x.csv")
    mapping = si.propose_mapping(export, OPTIONS)
    if bulk:
        mapping = si.accept_suggestions(si.accept_question(mapping, question))
    long_rows = si.to_long(export, mapping, 2024)
    for row in long_rows.rows:
        need = row[2]
        assert need.strip(), row
        assert need == "aucun besoin" or folded(need) not in TICK_WORDS, row
    assert set(string.whitespace).isdisjoint(set(row[2][:1] for row in long_rows.rows))
