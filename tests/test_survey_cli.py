"""`python -m etl survey-import` and `python -m etl check --json`: the import path from a
terminal, on realistic LimeSurvey and KoboToolbox exports (tests.survey_exports)."""

from __future__ import annotations

import json

import pytest

from centrale.storage.store import connect_read_only
from etl.__main__ import main
from tests.survey_exports import csv_bytes, kobo_labels_rows, limesurvey_full_text
from tests.survey_fixtures import tiny_settings

# The exports name these needs: a second catalogue file adds them to the fixture's.
SMART_SOLUTIONS = """code;solution;catégorie;catalogue
ECL;Éclairage public intelligent;Smart;2.0
APP;Application web/mobile;Smart;2.0
STA;Capteurs de stationnement;Smart;2.0
PAR;Participation citoyenne;Smart;2.0
WIFI;Wi-Fi public;Smart;2.0
"""


@pytest.fixture
def config(tmp_path):
    return tiny_settings(tmp_path, **{"solutions_smart.csv": SMART_SOLUTIONS})


def run(capsys, config, *args):
    code = main(
        [*args, "--sources", str(config.sources_dir), "--db", str(config.db_path)]
        if args[0] == "survey-import"
        else list(args)
    )
    out = capsys.readouterr()
    return code, out.out, out.err


def snapshot(config):
    files = {p.name: p.read_bytes() for p in config.sources_dir.iterdir() if p.is_file()}
    return files, config.db_path.read_bytes()


def test_limesurvey_export_dry_run_json(config, tmp_path, capsys):
    export = tmp_path / "results-survey-2024.csv"
    export.write_bytes(csv_bytes(limesurvey_full_text()))
    before = snapshot(config)
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024",
                         "--dry-run", "--json")  # fmt: skip
    # Two columns to decide: the real import would be refused, so is the trial (exit 1,
    # as without --dry-run), and it still shows everything it would do.
    assert code == 1 and "Essai : import refusé pour « results-survey-2024.csv »" in err
    assert '--ignore-column "Décrivez votre participation' in err
    result = json.loads(out)
    assert set(result) == {"mapping", "rows", "left_out", "problems", "changes", "new_needs",
                           "undecided_columns", "ignored_columns"}  # fmt: skip
    # Another question's option and a free text: a dry run says them, a real run waits.
    assert len(result["undecided_columns"]) == 2 and result["ignored_columns"] == []
    assert "Utilisez-vous déjà une de ces solutions ? [Wi-Fi public]" in result["undecided_columns"]
    assert [(r["commune"], r["need"]) for r in result["rows"]] == [
        ("Arlon", "ECL"),
        ("Arlon", "STA"),
        ("Attert", "APP"),
        ("Attert", "Drones"),
    ]  # Aubange: every option N/A (question not shown): left out, not « aucun besoin »
    first = result["rows"][0]
    assert first == {
        "year": 2024,
        "commune": "Arlon",
        "need": "ECL",
        "priority": None,
        "horizon": None,
        "budget_eur": None,
        "submitted_on": "2024-03-15",
        "respondent": "Bourgmestre",
        "comment": None,
    }
    left_out = [(o["row"], o["commune"]) for o in result["left_out"]]
    assert left_out == [(4, "Bertrix"), (5, "Aubange")]
    assert result["problems"] == []
    assert snapshot(config) == before  # --dry-run writes nothing
    # Both columns decided and the replaced answers confirmed: the trial would be imported,
    # exit 0; still nothing written.
    decided = [a for c in result["undecided_columns"] for a in ("--ignore-column", c)]
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024",
                         "--dry-run", "--json", "--replace", *decided)  # fmt: skip
    assert code == 0, err
    assert "Essai (--dry-run) réussi" in err and "refusé" not in err
    again = json.loads(out)
    assert again["undecided_columns"] == [] and again["rows"] == result["rows"]
    assert sorted(again["ignored_columns"]) == sorted(result["undecided_columns"])
    assert snapshot(config) == before


def test_kobo_export_is_imported_and_its_mapping_offered_again(config, tmp_path, capsys):
    export = tmp_path / "kobo_besoins.csv"
    export.write_bytes(csv_bytes(kobo_labels_rows(), sep=","))
    before = snapshot(config)
    # It replaces the 2024 answers of Arlon, Attert and Bertrix: without --replace it is
    # refused, nothing written, the diff said (issue 21).
    # The geopoint question « Localisation » (its parts `_Localisation_latitude`… are
    # technical) is no column the import places: someone decides to ignore it.
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024")
    assert code == 1 and '--ignore-column "Localisation"' in err, err
    decided = ("--ignore-column", "Localisation")
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024", *decided)
    assert code == 1 and "--replace" in err
    assert "2024 Arlon : retire Solution A" in out and "2024 Bertrix : retire" in out, out
    assert snapshot(config) == before
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024",
                         "--replace", *decided)  # fmt: skip
    assert code == 0, err
    assert "Lignes à écrire (4)" in out and "Importé dans" in err
    with connect_read_only(config.db_path) as con:
        stored = con.execute(
            "SELECT commune_nis, coalesce(need_solution_id, need_label) FROM survey_answers "
            "WHERE year = 2024 AND commune_nis IN ('81001', '81003', '84009') ORDER BY ALL"
        ).fetchall()
    assert stored == [
        ("81001", "APP"),
        ("81001", "ECL"),
        ("81003", "Caméras de surveillance"),
        ("84009", None),
    ]
    saved = list(config.sources_dir.glob("correspondance-enquete-*.json"))
    assert len(saved) == 1
    # Offered again: the decision saved with it, nothing left to decide.
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024",
                         "--dry-run")  # fmt: skip
    assert code == 0 and f"Correspondance enregistrée appliquée : {saved[0].name}" in out
    assert "À décider" not in out and "refusé" not in err


def test_invalid_export_writes_nothing_exit_1(config, tmp_path, capsys):
    rows = limesurvey_full_text()
    rows[1][9] = "Arlonn"  # the commune column
    export = tmp_path / "results.csv"
    export.write_bytes(csv_bytes(rows))
    before = snapshot(config)
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024",
                         "--json")  # fmt: skip
    assert code == 1
    (problem,) = json.loads(out)["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (2, "Votre commune", "Arlonn")
    assert problem["severity"] == "error" and problem["code"] == "commune-inconnue"
    assert snapshot(config) == before


def test_an_export_of_another_year_is_refused(config, tmp_path, capsys):
    rows = limesurvey_full_text()
    for row in rows[1:]:
        row[1] = row[1].replace("2024", "2021")
    export = tmp_path / "results.csv"
    export.write_bytes(csv_bytes(rows))
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024",
                         "--json")  # fmt: skip
    assert code == 1
    codes = {p["code"] for p in json.loads(out)["problems"]}
    assert codes == {"reponse-hors-campagne"}


def test_usage_errors_exit_2(config, tmp_path, capsys):
    with pytest.raises(SystemExit) as usage:
        main(["survey-import", str(tmp_path / "x.csv")])
    assert usage.value.code == 2
    code, _, err = run(capsys, config, "survey-import", str(tmp_path / "absent.csv"),
                       "--year", "2024")  # fmt: skip
    assert code == 2 and "introuvable" in err


def test_check_json_problem_fields(config, capsys):
    (config.sources_dir / "orders_bad.csv").write_text(
        "n° de commande;commune;solution;date d'envoi\nX-1;Arlonn;AAA;01/06/2024\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, config, "check", "--json", "--sources", str(config.sources_dir))
    assert code == 1
    problems = json.loads(out)["problems"]
    (unknown,) = [p for p in problems if p["code"] == "commune-inconnue"]
    assert set(unknown) == {
        "file", "sheet", "row", "column", "value", "expected", "message", "severity", "code"
    }  # fmt: skip
    assert (unknown["file"], unknown["row"], unknown["column"], unknown["value"]) == (
        "orders_bad.csv",
        2,
        "commune",
        "Arlonn",
    )
    assert unknown["severity"] == "error" and "Arlon" in unknown["message"]
    assert unknown["expected"].startswith("un nom de commune")


def test_long_file_rows_follow_its_headings(config, tmp_path, capsys):
    export = tmp_path / "enquete_2024.csv"
    export.write_text(
        "commune;besoin;année;priorité;date de réponse\nArlon;BBB;2024;2;12/04/2024\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, config, "survey-import", str(export), "--year", "2024",
                         "--dry-run", "--json")  # fmt: skip
    assert code == 0, err
    (row,) = json.loads(out)["rows"]
    assert (row["year"], row["commune"], row["need"], row["priority"], row["submitted_on"]) == (
        2024,
        "Arlon",
        "BBB",
        2,
        "2024-04-12",
    )


def test_besoin_option_decides_what_a_typed_answer_becomes(tmp_path, capsys):
    # A Microsoft Forms « Ouvrir dans Excel » file: Bertrix typed « Bornes de recharge »
    # under « Autre », the catalogue holds « Bornes de recharge pour véhicules électriques ».
    from tests.survey_exports import FORMS_CATALOGUE, ms_forms_rows, workbook_bytes

    catalogue = "code;solution;catégorie;catalogue\n" + "".join(
        f"{sid};{name};Smart;2.0\n"
        for sid, name in zip(FORMS_CATALOGUE["solution_id"], FORMS_CATALOGUE["name_fr"])
    )
    config = tiny_settings(tmp_path, **{"solutions_smart.csv": catalogue})
    path = tmp_path / "Enquête besoins(1-4).xlsx"
    path.write_bytes(workbook_bytes({"Form1": ms_forms_rows()}))
    # The yes/no question about a Smart project is ignored by decision (see test_survey_forms).
    smart = "Votre commune a-t-elle déjà un projet Smart ?"
    args = ["survey-import", str(path), "--year", "2024", "--ignore-column", smart]

    # It replaces the stored 2024 answers of Arlon, Attert and Bertrix: without --replace
    # the trial is refused as the import would be (exit 1), the plan shown all the same.
    code, out, err = run(capsys, config, *args, "--dry-run")
    assert code == 1 and "Essai : import refusé : il remplacerait" in err and "--replace" in err
    assert "« Bornes de recharge » (Bertrix) : ignorée — même besoin que « BORNES » ?" in out
    assert "Bertrix ; BORNES" not in out
    args += ["--replace"]  # confirmed: the trials below would be imported, exit 0
    # By name, whatever the case: the catalogue's code; said as what the import does.
    code, out, err = run(
        capsys, config, *args, "--dry-run", "--json",
        "--besoin", "bornes de recharge=Bornes de recharge pour véhicules électriques",
    )  # fmt: skip
    assert code == 0, err
    plan = json.loads(out)
    assert [n["imported_as"] for n in plan["new_needs"]] == ["BORNES"]
    assert ("Bertrix", "BORNES") in {(r["commune"], r["need"]) for r in plan["rows"]}
    # « texte= »: a new need, as typed.
    code, out, err = run(capsys, config, *args, "--dry-run", "--besoin", "Bornes de recharge=")
    assert code == 0, err
    assert "2024 ; Bertrix ; Bornes de recharge ; priorité - ; réponse 21/03/2024" in out
    assert "importée comme « Bornes de recharge »" in out
    # A code nobody knows, or a text the file does not hold: refused, nothing written.
    before = snapshot(config)
    code, out, err = run(capsys, config, *args, "--besoin", "Bornes de recharge=BORNE")
    assert code == 2 and "« BORNE » n'est ni un code ni un nom de besoin connu" in err
    code, out, err = run(capsys, config, *args, "--besoin", "Bornes=BORNES")
    assert code == 2 and "--besoin sans effet" in err and "« Bornes »" in err
    assert snapshot(config) == before
    # Imported for real with the code: stored as the catalogue solution.
    code, out, err = run(capsys, config, *args, "--besoin", "Bornes de recharge=BORNES")
    assert code == 0, err
    assert "« Bornes de recharge » (Bertrix) : importée comme « BORNES »" in out
    with connect_read_only(config.db_path) as con:
        stored = con.execute(
            "SELECT c.name_fr FROM survey_answers a JOIN communes c ON c.nis_code = a.commune_nis "
            "WHERE a.year = 2024 AND a.need_solution_id = 'BORNES'"
        ).fetchall()
    assert stored == [("Bertrix",)]


# --- A trial exits as the import would (issue 21's leftovers) -------------------------

KOBO_DECIDED = ("--ignore-column", "Localisation")


@pytest.mark.parametrize(
    ("why", "extra", "code"),
    [
        ("a column to decide", ("--replace",), 1),
        ("answers removed without --replace", KOBO_DECIDED, 1),
        ("decided and confirmed", (*KOBO_DECIDED, "--replace"), 0),
    ],
)
def test_a_dry_run_exits_with_the_code_of_the_import(config, tmp_path, capsys, why, extra, code):
    # A cron job or a manager's CI reads only the exit code: a trial that the import would
    # refuse must not look like a good one (it used to exit 0 for the first two).
    export = tmp_path / "kobo_besoins.csv"
    export.write_bytes(csv_bytes(kobo_labels_rows(), sep=","))
    args = ("survey-import", str(export), "--year", "2024", *extra)
    before = snapshot(config)
    trial, _, trial_err = run(capsys, config, *args, "--dry-run")
    assert snapshot(config) == before  # a trial writes nothing, refused or not
    real, _, real_err = run(capsys, config, *args)
    assert (trial, real) == (code, code), (why, trial_err, real_err)
    if code:
        assert "Essai : import refusé" in trial_err and "Essai (--dry-run)" not in trial_err
        assert snapshot(config) == before
    else:
        assert "Essai (--dry-run) réussi" in trial_err and "refusé" not in trial_err
        assert "Importé dans" in real_err


def test_a_refused_dry_run_is_a_failed_process_for_a_script(config, tmp_path):
    # The process itself, as a shell script sees it ($?), with the exit codes in --help.
    import subprocess
    import sys

    export = tmp_path / "kobo_besoins.csv"
    export.write_bytes(csv_bytes(kobo_labels_rows(), sep=","))
    command = [sys.executable, "-m", "etl", "survey-import", str(export), "--year", "2024",
               "--sources", str(config.sources_dir), "--db", str(config.db_path)]  # fmt: skip
    refused = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1, refused.stderr
    assert "Essai : import refusé" in refused.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "etl", "survey-import", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert helped.returncode == 0
    text = " ".join(helped.stdout.split())
    assert "Codes de sortie : 0 importé" in text
    assert "avec --dry-run, le même code 1 quand l'import serait refusé" in text
