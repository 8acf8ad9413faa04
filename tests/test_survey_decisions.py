"""A column a survey export holds and the import cannot place (the review of issue 21:
a Microsoft Forms / Google Forms « Budget estimé (€) ») is never dropped silently: the
import waits until someone decides (ignore it, or say what it holds), the command line
refuses naming the file, the column and `--ignore-column`, and the decision is kept in
the load history. The tools' known technical columns never wait on anyone. Real files,
written as the tools write them (tests.survey_exports), real store.

Also: the preview, the confirmation and the message once imported count the same unit
(answers, one per commune and survey), with real plurals."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from centrale.intake import survey_import as si
from centrale.plaintext import plain
from centrale.sources.problems import SourceError
from centrale.storage.store import connect_read_only
from etl.__main__ import main
from tests.survey_exports import (
    FORMS_ANSWERS,
    FORMS_CATALOGUE,
    FORMS_NEEDS_Q,
    MS_FORMS_TECH_EN,
    MS_FORMS_TECH_FR,
    csv_bytes,
    kobo_labels_rows,
    workbook_bytes,
)
from tests.survey_fixtures import tiny_settings

BUDGET = "Budget estimé (€)"
SMART = "".join(
    f"{sid};{name};Smart;2.0\n"
    for sid, name in zip(FORMS_CATALOGUE["solution_id"], FORMS_CATALOGUE["name_fr"])
)
SMART = "code;solution;catégorie;catalogue\n" + SMART
BUDGETS = ["15000", "", "2 500", "8000"]  # a free number, typed as people type it


def forms_budget_rows(technical=MS_FORMS_TECH_FR, budgets=BUDGETS) -> list[list]:
    """Microsoft Forms « Ouvrir dans Excel »: its technical columns (times as real
    datetimes), the commune, the needs checkbox question (`A;B;`, « Autre » typed in
    the cell) and a free-number question « Budget estimé (€) »."""
    rows = [[*technical, "Commune", FORMS_NEEDS_Q, BUDGET]]
    for i, ((commune, done, needs, other), budget) in enumerate(
        zip(FORMS_ANSWERS, budgets), start=1
    ):
        end = dt.datetime.strptime(done, "%Y-%m-%d %H:%M:%S")
        cell = "".join(f"{n};" for n in needs) + (f"{other};" if other else "")
        tech = [i, end.replace(minute=0), end, f"r{i}@commune.be", f"Répondant {i}", end]
        rows.append([*tech[: len(technical)], commune, cell, budget])
    return rows


def google_budget_rows() -> list[list]:
    """A Google Forms response sheet (.csv): « Horodateur » in the account's locale, the
    e-mail, the commune, checkboxes joined by `, `, then « Budget estimé (€) »."""
    stamps = ["15/03/2024 10:23:11", "18/03/2024 09:00:00", "20/03/2024 16:45:00",
              "21/03/2024 08:15:00"]  # fmt: skip
    rows = [["Horodateur", "Adresse e-mail", "Commune", FORMS_NEEDS_Q, BUDGET]]
    for stamp, (commune, _, needs, other), budget in zip(stamps, FORMS_ANSWERS, BUDGETS):
        joined = ", ".join([*needs, *([other] if other else [])])
        rows.append([stamp, f"{commune.lower()}@commune.be", commune, joined, budget])
    return rows


@pytest.fixture
def config(tmp_path):
    return tiny_settings(tmp_path, **{"solutions_smart.csv": SMART})


def snapshot(config):
    files = {p.name: p.read_bytes() for p in config.sources_dir.iterdir() if p.is_file()}
    return files, config.db_path.read_bytes()


def run(capsys, config, *args):
    code = main([*args, "--sources", str(config.sources_dir), "--db", str(config.db_path)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "name, data",
    [
        ("Enquête besoins(1-4).xlsx", workbook_bytes({"Form1": forms_budget_rows()})),
        ("Survey(1-4).xlsx", workbook_bytes({"Form1": forms_budget_rows(MS_FORMS_TECH_EN)})),
        ("Enquête besoins (réponses).csv", csv_bytes(google_budget_rows(), sep=",")),
    ],
)
def test_an_unplaced_column_waits_for_a_decision_and_only_it(config, name, data):
    export = si.read_export(data, name)
    assert export.tool in ("Microsoft Forms", "Google Forms")
    before = snapshot(config)
    plan = si.plan_import(config, export, 2024)
    assert plan.ok, plan.problems  # nothing wrong with the data: a decision is missing
    # Only the budget waits: ID, times, e-mail, name, Horodateur are known to be technical.
    assert [c.header for c in plan.undecided] == [BUDGET]
    with pytest.raises(SourceError) as refused:
        si.apply_plan(config, plan, confirmed=True)
    (problem,) = refused.value.problems
    assert problem.code == "colonnes-a-decider" and problem.column == BUDGET
    assert f"« {BUDGET} »" in problem.message and "--ignore-column" in problem.message
    assert snapshot(config) == before  # nothing written
    # Decided: the import goes ahead, and the history says which column was ignored.
    plan = si.plan_import(config, export, 2024, ignore=[BUDGET])
    assert plan.undecided == [] and plan.ignored_columns == [BUDGET]
    si.apply_plan(config, plan, loaded_by="test", confirmed=True)
    with connect_read_only(config.db_path) as con:
        (warnings,) = con.execute(
            "SELECT warnings FROM load_log ORDER BY load_id DESC LIMIT 1"
        ).fetchone()
    assert f"« {name} » : 1 colonne ignorée sur décision à l'import : « {BUDGET} »" in json.loads(
        warnings
    )
    # The mapping saved beside the sources keeps the decision: offered again, it is one.
    (saved,) = config.sources_dir.glob("correspondance-enquete-*.json")
    column = next(
        c for c in json.loads(saved.read_text("utf-8"))["columns"] if c["column"] == BUDGET
    )
    assert (column["role"], column["sure"], column["decided"]) == ("ignore", True, True)
    again = si.plan_import(config, export, 2024)
    assert again.undecided == [] and again.ignored_columns == [BUDGET]


def test_the_tools_technical_columns_never_wait_for_a_decision(config):
    lime = [
        ["id", "submitdate", "lastpage", "startlanguage", "seed", "token", "commune",
         "besoins[ECL]", "besoins[WIFI]"],
        ["1", "2024-03-15 10:00:00", "3", "fr", "123456", "abc", "Arlon", "Y", ""],
        ["2", "2024-03-16 11:00:00", "3", "fr", "654321", "def", "Attert", "", "Y"],
    ]  # fmt: skip
    exports = [
        si.read_export(csv_bytes(lime, sep=","), "results-survey123.csv"),
        si.read_export(csv_bytes(kobo_labels_rows(), sep=","), "kobo.csv"),
        si.read_export(workbook_bytes({"Form1": forms_budget_rows()}), "forms.xlsx"),
        si.read_export(csv_bytes(google_budget_rows(), sep=","), "google.csv"),
    ]
    options = si.need_options(FORMS_CATALOGUE)
    technical = {
        "id", "submitdate", "lastpage", "startlanguage", "seed", "token",  # LimeSurvey
        "start", "end", "_id", "_uuid", "_submission_time", "_validation_status", "_index",
        "__version__", "_Localisation_latitude",  # KoboToolbox
        *MS_FORMS_TECH_FR, "Horodateur", "Adresse e-mail",  # Microsoft and Google Forms
    }  # fmt: skip
    seen = set()
    for export in exports:
        mapping = si.propose_mapping(export, options)
        seen |= {c.header for c in mapping} & technical
        waiting = {c.header for c in si.to_review(mapping)}
        assert not waiting & technical, (export.name, waiting & technical)
    assert {"seed", "_uuid", "Heure de début", "Horodateur", "Nom"} <= seen  # really read


def test_cli_refuses_naming_file_column_and_option_then_imports_when_decided(
    config, tmp_path, capsys
):
    path = tmp_path / "Enquête besoins(1-4).xlsx"
    path.write_bytes(workbook_bytes({"Form1": forms_budget_rows()}))
    before = snapshot(config)
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024")
    assert code == 1
    assert f"« {path.name} »" in err and f"« {BUDGET} »" in err
    assert f'--ignore-column "{BUDGET}"' in err and "Rien n'a été écrit" in err
    assert f"{BUDGET} : À décider (--ignore-column ou --mapping)" in out
    # The other decision it will need is said in the same run (the review: two runs).
    assert "Il faudra aussi confirmer avec --replace" in err and "3 réponses" in err
    assert snapshot(config) == before
    # A heading that names no column: a usage error, nothing written.
    code, _, err = run(capsys, config, "survey-import", str(path), "--year", "2024",
                       "--ignore-column", "Budget")  # fmt: skip
    assert code == 2 and "--ignore-column « Budget » ne nomme aucune colonne" in err
    assert f"« {BUDGET} »" in err  # the columns to decide, to copy from
    code, out, err = run(capsys, config, "survey-import", str(path), "--year", "2024",
                         "--replace", "--ignore-column", BUDGET)  # fmt: skip
    assert code == 0, err
    # One unit, real plurals: the answers (commune × survey) replaced.
    assert "réponse(s)" not in out + err and "ligne(s)" not in out + err
    assert "3 réponses déjà enregistrées remplacées" in out  # Arlon, Attert, Bertrix 2024
    # Once imported, the same changes line as the preview (answers, then needs).
    (changes,) = re.findall(r"Changements par commune \((.*)\) :", out)
    assert "Importé dans " in err and f" : {changes} (les anciennes versions" in err


def test_a_guess_saved_as_not_sure_is_no_decision(config):
    export = si.read_export(workbook_bytes({"Form1": forms_budget_rows()}), "forms.xlsx")
    plan = si.plan_import(config, export, 2024)
    # A mapping saved before decisions were asked for: the budget kept « ignore », not sure.
    columns = si.mapping_json(plan.mapping)
    path = si.mapping_path(config.sources_dir, export.headers)
    path.write_text(json.dumps({"columns": columns}), encoding="utf-8")
    again = si.plan_import(config, export, 2024)
    assert again.saved_mapping == path and [c.header for c in again.undecided] == [BUDGET]


def test_preview_and_confirmation_count_answers(config):
    export = si.read_export(workbook_bytes({"Form1": forms_budget_rows()}), "forms.xlsx")
    plan = si.plan_import(config, export, 2024, ignore=[BUDGET])
    # Stored 2024: Arlon AAA, CCC, Capteurs; Attert Capteurs, BBB; Bertrix CCC, Drones.
    # Imported: Arlon ECL, WIFIC; Attert REPAS and the typed « Drones »; Bertrix APP (its
    # « Bornes de recharge » waits, ignored, as « même besoin que » ?); Aubange left out.
    assert (plan.replaced, plan.new_answers) == (3, 0)
    assert plan.changes_line() == (
        "3 réponses déjà enregistrées remplacées ; 7 besoins retirés, 5 besoins ajoutés"
    )
    with pytest.raises(SourceError) as refused:
        si.apply_plan(config, plan)
    assert "remplacerait 3 réponses déjà enregistrées" in str(refused.value.problems[0])


# --- The page (AppTest, on a copy of the demo store) ---------------------------------


@pytest.fixture
def page_env(demo_db, monkeypatch, tmp_path):
    db = tmp_path / "centrale.duckdb"
    shutil.copy(demo_db, db)  # the import rebuilds the store
    monkeypatch.setenv("CENTRALE_DB", str(db))
    monkeypatch.setenv("CENTRALE_SOURCES", str(tmp_path / "app-sources"))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    return db


def test_page_import_disabled_until_the_column_is_decided(page_env):
    # Demo communes answering the 2026 survey with the demo catalogue's names.
    answers = [
        ("Daverdisse", "2026-03-15 10:23:11", ["Éclairage public intelligent"], ""),
        ("Tellin", "2026-03-18 09:00:00", ["E-guichet", "Wi-Fi public communal"], ""),
    ]
    rows = [[*MS_FORMS_TECH_FR, "Commune", FORMS_NEEDS_Q, BUDGET]]
    for i, (commune, done, needs, _) in enumerate(answers, start=1):
        end = dt.datetime.strptime(done, "%Y-%m-%d %H:%M:%S")
        rows.append([i, end, end, "anonymous", "anonymous", end, commune,
                     "".join(f"{n};" for n in needs), "12000"])  # fmt: skip
    at = AppTest.from_file("../pages/survey.py", default_timeout=180)
    at.session_state["shared_as_of"] = dt.date(2026, 11, 20)
    at.run()
    at.file_uploader(key="survey_import_file_0").set_value(
        ("Enquête besoins(1-2).xlsx", workbook_bytes({"Form1": rows}), "application/x")
    )
    at.run()
    assert not at.exception
    (apply,) = [b for b in at.button if b.key == "survey_import_apply"]
    assert apply.disabled
    (waiting,) = [w.value for w in at.warning if "en attente d'une décision" in w.value]
    assert plain(f"« {BUDGET} »") in waiting and "Ignorer cette colonne" in waiting
    # The budget's own choice: nothing chosen for the person (no guess taken as decided).
    (choice,) = [s for s in at.selectbox if s.key and "_role_" in s.key]
    assert choice.value is None
    choice.set_value("ignore")
    at.run()
    assert not at.exception
    assert not [w for w in at.warning if "en attente d'une décision" in w.value]
    (apply,) = [b for b in at.button if b.key == "survey_import_apply"]
    markdown = "\n".join(m.value for m in at.markdown)
    assert "réponse(s)" not in markdown and "ligne(s)" not in markdown  # real plurals
    (changes,) = re.findall(r"enregistrées\) : (.*)\.$", markdown, re.M)
    confirm = [c for c in at.checkbox if c.key == "survey_import_confirm"]
    if confirm:  # the demo already holds 2026 answers of these communes
        (box,) = confirm
        replaced = int(box.label.split("remplacement de ")[1].split()[0])
        assert f"{replaced} réponse" in markdown  # the preview says the same number
        box.check()
        at.run()
        (apply,) = [b for b in at.button if b.key == "survey_import_apply"]
    assert not apply.disabled
    apply.click()
    at.run()
    assert not at.exception
    (done,) = [s.value for s in at.success]
    said = "1 colonne ignorée sur décision (noté dans l'historique des chargements) : "
    assert said + plain(f"« {BUDGET} »") in done
    assert "ligne(s)" not in done and "réponse(s)" not in done
    assert f"{changes}." in done  # the preview's changes, in its unit, once imported
    if confirm:
        assert f"{replaced} réponse" in done and "remplacée" in done
