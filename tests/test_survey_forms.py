"""Issue 21, the survey half: Microsoft Forms, Google Forms and Kobo « XML values »
exports (real .xlsx/.csv files written by `tests.survey_exports` from the tools'
documented layouts), several answers in one cell, « Autre » only in the needs
question, the day/month order of dates, and the invariants, property-tested:
no needs column is refused, « aucun besoin » only for an answered needs question,
no answer removed without confirmation, no date re-ordered silently."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from centrale.intake import survey_import as si
from centrale.intake.survey_entry import NO_NEEDS
from centrale.intake.survey_mapping import TICK_WORDS, folded
from centrale.sources.problems import SourceError
from centrale.storage.store import connect_read_only
from etl.__main__ import main
from tests.survey_exports import (
    FORMS_ANSWERS,
    FORMS_CATALOGUE,
    FORMS_NEEDS_Q,
    LIME_TECH_FR,
    MS_FORMS_TECH_EN,
    csv_bytes,
    google_download_rows,
    google_sheets_rows,
    kobo_function_rows,
    kobo_xml_values_rows,
    ms_forms_rows,
    workbook_bytes,
)
from tests.survey_fixtures import tiny_settings

OPTIONS = si.need_options(FORMS_CATALOGUE)
# What every Forms fixture holds: Aubange ticked nothing in a question without « aucun »
# (left out), Attert typed « Drones », Bertrix « Bornes de recharge » (proposed).
EXPECTED = {"Arlon": ["ECL", "WIFIC"], "Attert": ["REPAS"], "Bertrix": ["APP"]}


def imported(data: bytes, name: str, order=None, decisions=None):
    export = si.read_export(data, name)
    mapping = si.propose_mapping(export, OPTIONS)
    return export, mapping, si.to_long(export, mapping, 2024, None, OPTIONS, order, decisions)


def needs_by_commune(long_rows) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in long_rows.rows:
        out.setdefault(row[1], []).append(row[2])
    return out


def roles(mapping) -> dict[str, tuple[str | None, bool]]:
    return {c.header: (c.role, c.sure) for c in mapping}


# --- Microsoft Forms --------------------------------------------------------------


def test_microsoft_forms_french_excel_export():
    export, mapping, long_rows = imported(
        workbook_bytes({"Form1": ms_forms_rows()}), "Enquête besoins(1-4).xlsx"
    )
    by = roles(mapping)
    assert export.tool == "Microsoft Forms"
    for header in ("ID", "Heure de début", "Adresse de messagerie", "Nom"):
        assert by[header] == ("ignore", True), header
    assert by["Heure de la dernière modification"] == ("ignore", True)
    assert by["Heure de fin"][0] == "submitted_on"  # the completion time is the answer date
    assert by["Commune"][0] == "commune"
    assert by[FORMS_NEEDS_Q] == ("need_list", True)
    assert si.mapping_problems(mapping) == []
    assert needs_by_commune(long_rows) == EXPECTED
    assert {r[1]: r[6] for r in long_rows.rows}["Arlon"] == "2024-03-15"
    assert long_rows.problems == []


def test_microsoft_forms_english_quiz_anonymous_export():
    rows = ms_forms_rows(technical=MS_FORMS_TECH_EN, anonymous=True, quiz=True)
    export, mapping, long_rows = imported(workbook_bytes({"Form1": rows}), "Survey.xlsx")
    by = roles(mapping)
    for header in ("ID", "Start time", "Email", "Name", "Last modified time"):
        assert by[header] == ("ignore", True), header
    assert by["Total points"] == by["Quiz feedback"] == ("ignore", True)
    assert by["Completion time"][0] == "submitted_on"
    assert needs_by_commune(long_rows) == EXPECTED
    assert all("anonymous" not in row for row in long_rows.rows)


def test_forms_commune_heading_wins_and_a_yes_no_column_is_never_the_commune():
    rows = ms_forms_rows()
    # A yes/no question naming the commune, before the « Commune » column: never chosen.
    by = roles(imported(workbook_bytes({"F": rows}), "f.xlsx")[1])
    assert by["Votre commune a-t-elle déjà un projet Smart ?"][0] == "ignore"
    assert by["Commune"] == ("commune", True)
    # Two text columns holding the word: the one headed exactly « Commune » wins.
    rows[0][rows[0].index("Votre commune a-t-elle déjà un projet Smart ?")] = (
        "Nom de l'agent de votre commune"
    )
    for row in rows[1:]:
        row[6] = "Jean Dupont"
    by = roles(imported(workbook_bytes({"F": rows}), "f.xlsx")[1])
    assert by["Commune"] == ("commune", True)
    assert by["Nom de l'agent de votre commune"][0] == "ignore"


def test_forms_other_text_in_the_cell_is_a_proposed_new_need_ignored_by_default():
    _, _, long_rows = imported(workbook_bytes({"F": ms_forms_rows()}), "f.xlsx")
    drones, bornes = long_rows.new_needs["drones"], long_rows.new_needs["bornes de recharge"]
    assert (drones.communes, drones.default, drones.closest) == (["Attert"], None, None)
    # « Bornes de recharge » ↔ « Bornes de recharge pour véhicules électriques ».
    assert (bornes.communes, bornes.closest) == (["Bertrix"], "BORNES")
    assert "Drones" not in sum(needs_by_commune(long_rows).values(), [])
    # Taken as the same need, or as a new need, when the person says so.
    _, _, chosen = imported(
        workbook_bytes({"F": ms_forms_rows()}),
        "f.xlsx",
        decisions={"bornes de recharge": "BORNES", "drones": "Drones"},
    )
    assert needs_by_commune(chosen)["Bertrix"] == ["APP", "BORNES"]
    assert needs_by_commune(chosen)["Attert"] == ["REPAS", "Drones"]


# --- Google Forms --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_google_sheets_download_comma_joined_with_a_label_holding_a_comma(kind):
    rows = google_sheets_rows()
    data = csv_bytes(rows, sep=",", bom=False) if kind == "csv" else workbook_bytes({"R": rows})
    export, mapping, long_rows = imported(data, f"Réponses.{kind}")
    by = roles(mapping)
    assert export.tool == "Google Forms"
    assert by["Horodateur"][0] == "submitted_on"
    assert by["Adresse e-mail"] == ("ignore", True)
    # « Repas scolaires, accueil extrascolaire » stays one need (longest first).
    assert needs_by_commune(long_rows) == EXPECTED
    # US locale: `3/15/2024` settles month first, so `3/9/2024` is 9 March, not 3 September.
    assert {r[1]: r[6] for r in long_rows.rows}["Attert"] == "2024-03-09"


def test_google_download_responses_csv_semicolons_and_pm_cet_timestamps():
    export, mapping, long_rows = imported(
        csv_bytes(google_download_rows(), sep=",", bom=False), "Besoins.csv"
    )
    assert roles(mapping)["Timestamp"][0] == "submitted_on"
    assert roles(mapping)["Email Address"] == ("ignore", True)
    assert needs_by_commune(long_rows) == EXPECTED
    assert {r[1]: r[6] for r in long_rows.rows}["Bertrix"] == "2024-03-21"
    assert si.iso_date("2026/03/13 4:20:37 pm CET", None) == "2026-03-13"


def test_ambiguous_dates_are_asked_never_guessed():
    stamps = ["3/9/2024 23:36:30", "3/10/2024 10:00:00", "4/2/2024 8:00:00", "1/3/2024 9:00:00"]
    data = csv_bytes(google_sheets_rows(stamps=stamps), sep=",", bom=False)
    _, _, asked = imported(data, "r.csv")
    (problem,) = asked.problems
    assert problem.code == "ordre-des-dates" and "--date-order" in problem.message
    assert asked.date_column == "Horodateur"
    _, _, told = imported(data, "r.csv", order="mdy")
    assert told.problems == []
    assert {r[1]: r[6] for r in told.rows}["Arlon"] == "2024-03-09"
    _, _, told = imported(data, "r.csv", order="dmy")
    assert {r[1]: r[6] for r in told.rows}["Arlon"] == "2024-09-03"


def test_mixed_date_orders_are_refused():
    stamps = ["13/3/2024 10:00:00", "3/14/2024 10:00:00", "1/1/2024 1:00:00", "1/1/2024 1:00"]
    _, _, long_rows = imported(csv_bytes(google_sheets_rows(stamps=stamps), sep=","), "r.csv")
    assert [p.code for p in long_rows.problems] == ["ordre-des-dates"]
    assert "mélangés" in long_rows.problems[0].message


# --- KoboToolbox « XML values and headers » ------------------------------------------


def test_kobo_xml_values_choice_names_and_group_prefixes():
    export, mapping, long_rows = imported(
        csv_bytes(kobo_xml_values_rows(), sep=",", bom=False), "kobo.csv"
    )
    by = {c.header: c for c in mapping}
    assert by["group_lw2py86/commune"].role == "commune"  # the group prefix stripped
    assert (by["group_lw2py86/besoins/ecl"].need, by["group_lw2py86/besoins/ecl"].sure) == (
        "ECL",
        True,
    )  # a choice name equal to a catalogue code
    assert by["group_lw2py86/besoins/wifi_public"].need == "WIFI"  # a label as a name
    # `appli` is only close to « Application web/mobile »: proposed, not imported.
    assert (by["group_lw2py86/besoins/appli"].role, by["group_lw2py86/besoins/appli"].sure) == (
        "ignore",
        False,
    )
    assert by["group_lw2py86/besoins/appli"].suggestion == ("need", "APP")
    assert by["group_lw2py86/besoins/aucun"].role == "no_needs"
    assert needs_by_commune(long_rows) == {"Arlon": ["ECL", "WIFI"], "Attert": [NO_NEEDS]}


def test_kobo_choice_codes_are_never_stored_as_the_respondent(tmp_path, capsys):
    # Labels export: the function as people read it is kept.
    _, mapping, long_rows = imported(
        csv_bytes(kobo_function_rows(values=False), sep=",", bom=False), "kobo-labels.csv"
    )
    assert roles(mapping)["Votre fonction"][0] == "respondent"
    assert {r[1]: r[7] for r in long_rows.rows} == {
        "Arlon": "Directeur général",
        "Attert": "Bourgmestre",
    }
    # XML values export: `dg` is a choice name, its label unknown: not the respondent.
    data = csv_bytes(kobo_function_rows(values=True), sep=",", bom=False)
    export, mapping, long_rows = imported(data, "kobo-xml.csv")
    choice = {c.header: c for c in mapping}["group_lw2py86/fonction"]
    assert choice.role == "ignore" and not choice.sure
    assert "« dg »" in choice.reason and "Labels" in choice.reason
    assert needs_by_commune(long_rows) == {"Arlon": ["ECL", "WIFI"], "Attert": ["ECL"]}
    assert {r[7] for r in long_rows.rows} == {""}  # no code stored as a person's function
    assert long_rows.problems == []
    # Chosen by hand as the respondent anyway: refused, naming row, column and value.
    forced = si.apply_choice(mapping, choice.position, "respondent", None)
    refused = si.to_long(export, forced, 2024, None, OPTIONS)
    (problem,) = refused.problems
    assert (problem.row, problem.column, problem.value) == (2, "group_lw2py86/fonction", "dg")
    assert "codes de choix Kobo" in problem.message and "Labels" in problem.message
    # Through the command line, in a dry run: the column is said ignored, and why.
    config = tiny_settings(tmp_path, **{"solutions_smart.csv": SMART})
    path = tmp_path / "kobo-xml.csv"
    path.write_bytes(data)
    # The column is to decide: the trial is refused as the import would be (exit 1).
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run")
    assert code == 1 and '--ignore-column "group_lw2py86/fonction"' in err, err
    assert "group_lw2py86/fonction : À décider (--ignore-column ou --mapping) — codes de" in out
    assert "dg" not in "\n".join(line for line in out.splitlines() if " ; " in line)


# --- « Autre » only in the needs question --------------------------------------------


def test_other_text_of_another_question_is_never_a_need():
    header = [*LIME_TECH_FR, "Votre commune", "Votre fonction ? [Autre]"]
    header += [f"{FORMS_NEEDS_Q} [Éclairage public intelligent]", f"{FORMS_NEEDS_Q} [Autre]"]
    pad = [""] * (len(LIME_TECH_FR) - 2)
    rows = [
        header,
        [
            "1",
            "2024-03-15 10:00:00",
            *pad,
            "Arlon",
            "Directeur général",
            "Oui",
            "Bornes de recharge",
        ],
        ["2", "2024-03-16 10:00:00", *pad, "Attert", "Secrétaire", "Non", ""],
    ]
    _, mapping, long_rows = imported(csv_bytes(rows), "lime.csv")
    by = roles(mapping)
    assert by["Votre fonction ? [Autre]"] == ("ignore", True)
    assert by[f"{FORMS_NEEDS_Q} [Autre]"][0] == "other_need"
    needs = sum(needs_by_commune(long_rows).values(), [])
    assert "Directeur général" not in needs and "Secrétaire" not in needs
    # « Bornes de recharge » is close to « Bornes de recharge pour véhicules électriques »:
    # proposed as the same need, never imported as a near-duplicate unless told.
    bornes = long_rows.new_needs["bornes de recharge"]
    assert (bornes.closest, bornes.default, bornes.source) == ("BORNES", None, "other")
    assert "Bornes de recharge" not in needs and "BORNES" not in needs
    told = {"bornes de recharge": "BORNES"}
    _, _, chosen = imported(csv_bytes(rows), "lime.csv", decisions=told)
    assert "BORNES" in needs_by_commune(chosen)["Arlon"]


def test_closest_need_folds_accents_case_plurals_and_prefixes():
    options = si.need_options(FORMS_CATALOGUE, ["Caméra urbaine"])
    assert si.closest_need("Bornes de recharge", options).value == "BORNES"
    assert si.closest_need("BORNES DE RECHARGES", options).value == "BORNES"
    assert si.closest_need("caméras urbaines", options).value == "Caméra urbaine"
    assert si.closest_need("Drones", options) is None


# --- several answers in one cell -------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "Éclairage public intelligent;Wi-Fi public communal;",  # Microsoft Forms
        "Éclairage public intelligent; Wi-Fi public communal",  # `; `
        "Éclairage public intelligent;Wi-Fi public communal",  # Google « Télécharger »
        "Éclairage public intelligent, Wi-Fi public communal",  # Google Sheets
        "Éclairage public intelligent\nWi-Fi public communal",  # line breaks
        "eclairage PUBLIC intelligent ;\r\n wi-fi public communal ;",
    ],
)
def test_one_cell_lists_split_on_known_needs(cell):
    parts = si.split_answers(cell, OPTIONS, si.list_separators([cell]))
    assert [o.value for _, o in parts] == ["ECL", "WIFIC"]


def test_split_is_longest_first_and_keeps_commas_inside_labels():
    cell = "Repas scolaires, accueil extrascolaire, Wi-Fi public communal, Wi-Fi public, Drones"
    parts = si.split_answers(cell, OPTIONS, si.list_separators([cell]))
    assert [(t, o.value if o else None) for t, o in parts] == [
        ("Repas scolaires, accueil extrascolaire", "REPAS"),
        ("Wi-Fi public communal", "WIFIC"),
        ("Wi-Fi public", "WIFI"),
        ("Drones", None),
    ]


# --- invariants (property tests) ------------------------------------------------------

NAMES = list(FORMS_CATALOGUE["name_fr"])
COMMUNES = ["Arlon", "Attert", "Aubange", "Bertrix", "Bastogne", "Habay", "Tellin"]
answers_strategy = st.lists(
    st.tuples(
        st.sampled_from(COMMUNES),
        st.lists(st.sampled_from(NAMES), unique=True, max_size=4),
        st.sampled_from(["", "Drones", "Caméras", "Bornes de recharge"]),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda a: a[0],
)


def _forms_export(answers, joiner: str, drop_needs: bool = False):
    header = ["ID", "Heure de début", "Heure de fin", "Commune", FORMS_NEEDS_Q, "Commentaire"]
    rows = [header]
    for i, (commune, needs, other) in enumerate(answers, start=1):
        when = dt.datetime(2024, 3, 10 + i, 10, 0)  # inside the 2024 campaign
        parts = [*needs, *([other] if other else [])]
        cell = joiner.join(parts) + (joiner.strip() if joiner.strip() == ";" and parts else "")
        rows.append([i, when, when, commune, cell, "RAS"])
    if drop_needs:
        rows = [[v for k, v in enumerate(row) if k != 4] for row in rows]
    return si.read_export(workbook_bytes({"Form1": rows}), "forms.xlsx")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answers_strategy, joiner=st.sampled_from([";", "; ", ", ", "\n"]))
def test_property_forms_needs_read_exactly_and_no_needs_column_refused(answers, joiner):
    export = _forms_export(answers, joiner)
    mapping = si.propose_mapping(export, OPTIONS)
    long_rows = si.to_long(export, mapping, 2024, None, OPTIONS)
    got = needs_by_commune(long_rows)
    refused = any("aucune colonne ne contient" in p for p in si.mapping_problems(mapping))
    for commune, needs, _other in answers:
        code = {n: v for n, v in zip(NAMES, FORMS_CATALOGUE["solution_id"])}
        if needs:
            assert got[commune] == [code[n] for n in needs]
        else:  # nothing known ticked: never « aucun besoin » (left out)
            assert commune not in got
            # Left out; or, when no cell names a need, the whole file refused once.
            assert refused or commune in [o.commune for o in long_rows.left_out]
    for row in long_rows.rows:
        assert folded(row[2]) not in TICK_WORDS  # never a need named 0, Non, N/A, Oui
        assert row[2] != NO_NEEDS
    # The same export without its needs column: refused, never « aucun besoin ».
    if any(needs for _, needs, _ in answers):
        bare = _forms_export(answers, joiner, drop_needs=True)
        bare_mapping = si.propose_mapping(bare, OPTIONS)
        problems = si.mapping_problems(bare_mapping)
        assert any("aucune colonne ne contient les besoins" in p for p in problems)
        assert "« Commune »" in " ".join(problems)  # the columns read are listed


dates = st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(values=dates, order=st.sampled_from(["dmy", "mdy"]), sep=st.sampled_from("/.-"))
def test_property_a_date_is_never_silently_reordered(values, order, sep):
    texts = [
        (f"{d.day}{sep}{d.month}" if order == "dmy" else f"{d.month}{sep}{d.day}")
        + f"{sep}{d.year} 10:00:00"
        for d in values
    ]
    decided, reason = si.date_order(texts)
    assert decided in (order, None)  # the right order, or a question: never the other
    if decided is None:
        assert reason and all(d.day <= 12 for d in values)
    else:
        assert [si.iso_date(t, decided) for t in texts] == [d.isoformat() for d in values]
    # Told the wrong order while a value settles it: refused, not obeyed.
    other = "mdy" if order == "dmy" else "dmy"
    if any(d.day > 12 for d in values):
        assert si.date_order(texts, other)[0] is None


# --- the plan: per-commune diff, confirmation, left-out in the history, CLI ------------

SMART = """code;solution;catégorie;catalogue
ECL;Éclairage public intelligent;Smart;2.0
APP;Application web/mobile;Smart;2.0
PAR;Participation citoyenne;Smart;2.0
WIFI;Wi-Fi public;Smart;2.0
WIFIC;Wi-Fi public communal;Smart;2.0
REPAS;Repas scolaires, accueil extrascolaire;Smart;2.0
BORNES;Bornes de recharge pour véhicules électriques;Smart;2.0
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return tiny_settings(tmp_path_factory.mktemp("forms"), **{"solutions_smart.csv": SMART})


def snapshot(config):
    files = {p.name: p.read_bytes() for p in config.sources_dir.rglob("*") if p.is_file()}
    return files, config.db_path.read_bytes()


def test_plan_shows_per_commune_removed_and_added(config):
    export = si.read_export(workbook_bytes({"F": ms_forms_rows()}), "forms.xlsx")
    plan = si.plan_import(config, export, 2024)
    assert plan.ok, plan.problems
    by = {c.commune: c for c in plan.changes}
    # The fixture's 2024 answers: Arlon AAA, CCC, « capteurs de stationnement ».
    assert set(by["Arlon"].removed) == {"Solution A", "Solution C", "capteurs de  stationnement"}
    assert set(by["Arlon"].added) == {"Éclairage public intelligent", "Wi-Fi public communal"}
    assert by["Bertrix"].removed == ("Solution C", "Drones")
    assert plan.removals == 3 + 2 + 2  # Attert: Capteurs de stationnement, BBB
    assert "Aubange" not in by  # left out: nothing of it is replaced


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example reads real files
)
@given(answers=answers_strategy.filter(lambda a: any(n for _, n, _ in a)))
def test_property_no_answer_removed_without_confirmation(config, answers):
    export = _forms_export(answers, ";")
    before = snapshot(config)
    plan = si.plan_import(config, export, 2024)
    assert plan.ok, plan.problems
    if plan.removals:
        with pytest.raises(SourceError) as refused:
            si.apply_plan(config, plan)
        assert "confirmez" in str(refused.value.problems[0])
        assert snapshot(config) == before  # nothing written


def run(capsys, config, *args):
    code = main([*args, "--sources", str(config.sources_dir), "--db", str(config.db_path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_forms_export_needs_replace_and_keeps_left_out_in_history(tmp_path, capsys):
    config = tiny_settings(tmp_path, **{"solutions_smart.csv": SMART})
    path = tmp_path / "Enquête besoins(1-4).xlsx"
    path.write_bytes(workbook_bytes({"Form1": ms_forms_rows()}))
    before = snapshot(config)
    # The yes/no question « … projet Smart ? » is no column the import can place: refused
    # until someone decides, naming the file, the column and the option to pass.
    smart = "Votre commune a-t-elle déjà un projet Smart ?"
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024")
    assert code == 1
    assert f"« {path.name} »" in err and f"« {smart} »" in err
    assert f'--ignore-column "{smart}"' in err
    assert snapshot(config) == before
    decided = ["--ignore-column", smart]
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024", *decided)
    assert code == 1 and "--replace" in err
    assert "2024 Arlon : retire" in out
    assert "« Bornes de recharge » (Bertrix) : ignorée — même besoin que « BORNES » ?" in out
    assert snapshot(config) == before
    code, out, err = run(
        capsys,
        config,
        "survey-import",
        str(path),
        "--year",
        "2024",
        "--replace",
        "--json",
        *decided,
    )
    assert code == 0, err
    assert json.loads(out)["left_out"][0]["commune"] == "Aubange"
    with connect_read_only(config.db_path) as con:
        warnings = con.execute(
            "SELECT warnings FROM load_log ORDER BY load_id DESC LIMIT 1"
        ).fetchone()[0]
        stored = con.execute(
            "SELECT commune_nis, need_solution_id FROM survey_answers "
            "WHERE year = 2024 AND commune_nis = '81001' ORDER BY ALL"
        ).fetchall()
    assert stored == [("81001", "ECL"), ("81001", "WIFIC")]
    (line,) = [w for w in json.loads(warnings) if "laissée de côté" in w]
    assert "ligne 4 (Aubange)" in line and "sans réponse" in line
    # The decision is in the load history, naming the column ignored.
    (line,) = [w for w in json.loads(warnings) if "ignorée sur décision" in w]
    assert line == f"« {path.name} » : 1 colonne ignorée sur décision à l'import : « {smart} »"


def test_cli_refuses_an_export_without_needs_column(config, tmp_path, capsys):
    rows = [[v for k, v in enumerate(r) if k != 8] for r in ms_forms_rows()]  # no needs
    path = tmp_path / "sans-besoins.xlsx"
    path.write_bytes(workbook_bytes({"Form1": rows}))
    before = snapshot(config)
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024")
    assert code == 1
    assert "aucune colonne ne contient les besoins" in err and "« Commune »" in err
    assert "Lignes à écrire (0)" in out  # nobody recorded as « aucun besoin »
    assert snapshot(config) == before


def test_cli_ambiguous_dates_need_date_order(config, tmp_path, capsys):
    stamps = ["3/9/2024 23:36:30", "3/10/2024 10:00:00", "4/2/2024 8:00:00", "4/5/2024 9:00"]
    path = tmp_path / "google.csv"
    path.write_bytes(csv_bytes(google_sheets_rows(stamps=stamps), sep=","))
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run")
    assert code == 1 and "--date-order" in err
    # The order given, the trial would be imported (it replaces the fixture's stored 2024
    # answers, confirmed by --replace): exit 0.
    code, out, err = run(
        capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run",
        "--date-order", "mdy", "--replace",
    )  # fmt: skip
    assert code == 0, err
    assert "2024 ; Arlon ; ECL ; priorité - ; réponse 09/03/2024" in out


def test_forms_answers_fixture_is_what_the_tests_say():
    # Guards the fixture itself: Aubange ticked nothing, two typed « Autre » answers.
    assert [a[0] for a in FORMS_ANSWERS if not a[2]] == ["Aubange"]
    assert [a[3] for a in FORMS_ANSWERS if a[3]] == ["Drones", "Bornes de recharge"]


def test_aucun_option_beside_needs_in_one_cell_is_an_error_not_a_crash():
    rows = ms_forms_rows()
    rows[1][8] = "Aucun besoin;Éclairage public intelligent;"
    _, _, long_rows = imported(workbook_bytes({"F": rows}), "f.xlsx")
    (problem,) = long_rows.problems
    assert problem.column == FORMS_NEEDS_Q and problem.row == 2
    assert "« aucun besoin » coché alors que des besoins" in problem.message
    rows[1][8] = "Aucun besoin;"  # alone: the commune said it has no needs
    _, _, long_rows = imported(workbook_bytes({"F": rows}), "f.xlsx")
    assert needs_by_commune(long_rows)["Arlon"] == [NO_NEEDS]


# --- Review of issue 21: what a dry run shows before refusing -------------------------


def test_cli_dry_run_with_all_dates_ambiguous_shows_no_guessed_date(config, tmp_path, capsys):
    stamps = ["3/9/2024 23:36:30", "3/10/2024 10:00:00", "4/2/2024 8:00:00", "4/5/2024 9:00"]
    path = tmp_path / "google-ambigu.csv"
    path.write_bytes(csv_bytes(google_sheets_rows(stamps=stamps), sep=","))
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run")
    assert code == 1 and "--date-order dmy" in err and "--date-order mdy" in err
    assert "Essai (--dry-run)" not in err  # refused, not a successful trial
    for guessed in ("2024-09-03", "2024-03-09", "2024-10-03", "2024-03-10", "2024-05-04"):
        assert guessed not in out, guessed
    assert "2024 ; Arlon ; ECL ; priorité - ; réponse ?" in out
    code, out, _ = run(
        capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run", "--json"
    )
    assert code == 1
    assert {r["submitted_on"] for r in json.loads(out)["rows"]} == {None}


def test_cli_without_needs_column_is_one_refusal_not_a_line_per_row(config, tmp_path, capsys):
    rows = [[v for k, v in enumerate(r) if k != 8] for r in ms_forms_rows()]  # no needs
    path = tmp_path / "sans-besoins.xlsx"
    path.write_bytes(workbook_bytes({"Form1": rows}))
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run")
    assert code == 1
    assert "sans réponse" not in out + err and "laissées de côté" not in out
    assert err.count("aucune colonne ne contient les besoins") == 1
    code, out, _ = run(
        capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run", "--json"
    )
    plan = json.loads(out)
    assert plan["left_out"] == [] and plan["rows"] == []
    (refusal,) = plan["problems"]
    assert refusal["sheet"] == "Form1" and refusal["row"] is None


# --- Exports a user tried (issue 21's review): refused or left out, never guessed -----


def test_cli_ranking_question_is_never_read_as_needs(config, tmp_path, capsys):
    from tests.survey_exports import ms_forms_ranking_rows

    path = tmp_path / "Enquête besoins classement(1-4).xlsx"
    path.write_bytes(workbook_bytes({"Form1": ms_forms_ranking_rows()}))
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run")
    # The ranking (and the yes/no question) are to decide: refused as the import would be.
    assert code == 1 and '--ignore-column "Classez ces besoins par ordre de priorité"' in err
    assert "Classez ces besoins par ordre de priorité : À décider" in out
    assert "question de classement" in out
    code, out, _ = run(
        capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run", "--json"
    )
    got: dict[str, list[str]] = {}
    for row in json.loads(out)["rows"]:
        got.setdefault(row["commune"], []).append(row["need"])
    assert got == {**EXPECTED, "Attert": ["REPAS", "Drones"]}  # Aubange still left out
    # The ranking alone: no needs question at all, refused as such.
    path = tmp_path / "classement-seul.xlsx"
    path.write_bytes(workbook_bytes({"Form1": ms_forms_ranking_rows(with_needs=False)}))
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run")
    assert code == 1 and "aucune colonne ne contient les besoins" in err


def test_ranking_detection_leaves_identical_checkbox_answers_alone():
    rows = ms_forms_rows(
        [
            ("Arlon", "2024-03-15 10:23:11", ["Éclairage public intelligent", "Wi-Fi public"], ""),
            ("Attert", "2024-03-18 09:00:00", ["Éclairage public intelligent", "Wi-Fi public"], ""),
        ]
    )
    _, mapping, long_rows = imported(workbook_bytes({"F": rows}), "f.xlsx")
    assert roles(mapping)[FORMS_NEEDS_Q] == ("need_list", True)
    assert needs_by_commune(long_rows) == {"Arlon": ["ECL", "WIFI"], "Attert": ["ECL", "WIFI"]}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_cli_limesurvey_without_submit_date_leaves_the_partial_response_out(
    config, tmp_path, capsys, language
):
    from tests.survey_exports import LIME_TECH_EN, limesurvey_without_submit_date

    rows = limesurvey_without_submit_date(LIME_TECH_FR if language == "fr" else LIME_TECH_EN)
    path = tmp_path / "results-survey123456.csv"
    path.write_bytes(csv_bytes(rows, sep=","))
    code, out, err = run(
        capsys, config, "survey-import", str(path), "--year", "2024", "--dry-run", "--json"
    )
    # Two other questions' columns are to decide: refused as the import would be, the plan
    # shown all the same.
    assert code == 1 and "Essai : import refusé" in err and "--ignore-column" in err, err
    plan = json.loads(out)
    assert "Bertrix" not in {r["commune"] for r in plan["rows"]}  # stopped on page 1 of 3
    (bertrix,) = [o for o in plan["left_out"] if o["commune"] == "Bertrix"]
    assert "réponse incomplète : arrêtée à la page 1" in bertrix["reason"]
    assert "Bertrix" not in {c["commune"] for c in plan["changes"]}  # its answers kept
