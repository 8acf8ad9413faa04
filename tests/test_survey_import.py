"""Importing survey exports: the long format, LimeSurvey-like and Kobo-like wide exports,
the mapping step, and validation problems told on the export's own rows and columns."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from centrale.datasets import queries, survey
from centrale.intake import survey_import as si
from centrale.sources.problems import SourceError
from centrale.storage.store import connect_read_only
from tests.survey_fixtures import ARLON, ATTERT, BERTRIX, tiny_settings

NOW = dt.datetime(2024, 11, 20, 10, 30, 0)
END_2024 = dt.date(2024, 12, 31)

# LimeSurvey, "question codes" headings: SQ001/SQ002 cannot be placed from the heading.
LIME_CODES = (
    "id;submitdate;lastpage;startlanguage;seed;commune;repondant;"
    "besoins[SQ001];besoins[SQ002];besoins[CCC];besoins[other];prio[CCC];budget[CCC];"
    "commentaire\r\n"
    "1;2024-03-15 10:23:11;3;fr;123;Arlon;Bourgmestre;Y;;Y;Drones;1;15000;RAS\r\n"
    "2;2024-03-20 09:00:00;3;fr;456;Vaux sur Sure;Directeur général;;;;;;;\r\n"
    '3;2024-03-21 16:45:00;3;fr;789;81003;Échevin;;Y;;"Capteurs de stationnement ; Wi-Fi";;;;\r\n'
)
# LimeSurvey, "full question text" headings, as Excel would save them (Windows-1252).
LIME_TEXT = (
    "ID de la réponse;Date de soumission;Votre commune;Quels sont vos besoins ? [Solution A];"
    "Quels sont vos besoins ? [Solution B];Quels sont vos besoins ? [Autre];"
    "Priorité [Solution A];Priorité [Solution B]\r\n"
    "7;02/04/2024 11:00;Bertrix;Oui;Non;;1;\r\n"
    "8;03/04/2024 09:15;Attert;Non;Oui;;;2\r\n"
)


def kobo_workbook(rows: list[list]) -> bytes:
    """A KoboToolbox-like .xlsx: group/question/option headings, 1/0 and True ticks."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Enquête besoins"
    sheet.append(
        [
            "start",
            "end",
            "groupe_identite/commune",
            "groupe_besoins/besoins",
            "groupe_besoins/besoins/aaa",
            "groupe_besoins/besoins/solution_b",
            "groupe_besoins/besoins/capteurs_de_stationnement",
            "priorite_aaa",
            "_id",
            "_uuid",
            "_submission_time",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def config(tmp_path):
    return tiny_settings(tmp_path)


def options_for(config):
    with connect_read_only(config.db_path) as con:
        catalogue = queries.solutions(con)
    return si.need_options(catalogue, ["Capteurs de stationnement"])


def read_store(config, year=2024):
    with connect_read_only(config.db_path) as con:
        return survey.survey_answers_at(con, END_2024).query("year == @year")


def test_long_file_is_imported_as_is_and_replaces_the_same_commune_year(config):
    long_csv = (
        "année;commune;besoin;priorité;date de réponse;répondant\n"
        "2024;Arlon;BBB;2;12/04/2024;Directeur général\n"
        "2024;Arlon;Éclairage de Noël;1;12/04/2024;Directeur général\n"
    ).encode()
    export = si.read_export(long_csv, "enquete_2024.csv")
    assert export.layout == "long"
    assert si.check(config, export, None, "survey_import_x.csv") == []
    saved = si.import_export(config, export, None, loaded_by="test", now=NOW)
    assert saved.written[0].name == "survey_import_20241120-103000.csv"
    assert saved.written[0].read_bytes() == long_csv  # byte for byte
    # Arlon's three 2024 rows left survey.csv (kept in historique/), the rest stayed.
    assert saved.trimmed == {"survey.csv": 3}
    assert [p.name for p in saved.archived] == ["20241120-103000_survey.csv"]
    arlon = read_store(config).query("commune_nis == @ARLON")
    assert sorted(arlon["need"]) == ["Solution B", "Éclairage de Noël"]
    assert set(read_store(config)["commune_nis"]) == {ARLON, ATTERT, BERTRIX, "81004"}


def test_limesurvey_codes_mapping_step(config):
    options = options_for(config)
    export = si.read_export(LIME_CODES.encode("utf-8"), "results-survey123.csv")
    assert (export.layout, export.tool) == ("wide", "LimeSurvey")
    mapping = si.propose_mapping(export, options)
    by_header = {c.header: c for c in mapping}
    assert by_header["id"].role == "ignore"
    assert by_header["seed"].role == "ignore"
    assert by_header["submitdate"].role == "submitted_on"
    assert by_header["commune"].role == "commune"
    assert by_header["repondant"].role == "respondent"
    assert (by_header["besoins[CCC]"].role, by_header["besoins[CCC]"].need) == ("need", "CCC")
    assert (by_header["prio[CCC]"].role, by_header["prio[CCC]"].need) == ("priority", "CCC")
    assert (by_header["budget[CCC]"].role, by_header["budget[CCC]"].need) == ("budget", "CCC")
    assert by_header["besoins[other]"].role == "other_need"
    assert by_header["commentaire"].role == "comment"
    # The option codes cannot be placed: ignored until decided, and shown for review.
    assert [c.header for c in si.to_review(mapping)] == ["besoins[SQ001]", "besoins[SQ002]"]
    assert by_header["besoins[SQ001]"].role == "ignore"
    assert si.mapping_problems(mapping) == []
    table = si.mapping_table(mapping, options)
    assert table.loc[table["colonne"] == "besoins[SQ001]", "certitude"].item() == "à décider"
    assert table.loc[table["colonne"] == "prio[CCC]", "besoin"].item() == "Solution C"

    mapping = si.apply_choice(mapping, by_header["besoins[SQ001]"].position, "need", "AAA")
    mapping = si.apply_choice(mapping, by_header["besoins[SQ002]"].position, "need", "BBB")
    assert si.mapping_problems(mapping) == []
    long_rows = si.to_long(export, mapping)
    assert long_rows.problems == []
    rows = [r[:5] + r[6:8] for r in long_rows.rows]
    assert rows == [
        ["2024", "Arlon", "AAA", "", "", "2024-03-15", "Bourgmestre"],
        ["2024", "Arlon", "CCC", "1", "", "2024-03-15", "Bourgmestre"],
        ["2024", "Arlon", "Drones", "", "", "2024-03-15", "Bourgmestre"],
        ["2024", "Vaux sur Sure", "aucun besoin", "", "", "2024-03-20", "Directeur général"],
        ["2024", "81003", "BBB", "", "", "2024-03-21", "Échevin"],
        ["2024", "81003", "Capteurs de stationnement", "", "", "2024-03-21", "Échevin"],
        ["2024", "81003", "Wi-Fi", "", "", "2024-03-21", "Échevin"],
    ]
    assert long_rows.rows[1][5] == "15000"  # CCC's budget column
    assert [p[0] for p in long_rows.provenance] == [2, 2, 2, 3, 4, 4, 4]

    saved = si.import_export(config, export, long_rows, loaded_by="test", now=NOW)
    assert saved.build is not None
    stored = read_store(config)
    vaux = stored[stored["commune"] == "Vaux-sur-Sûre"]
    assert len(vaux) == 1 and vaux["no_needs"].all()
    arlon = stored.query("commune_nis == @ARLON").set_index("need")
    assert arlon.loc["Solution C", "priority"] == 1
    assert arlon.loc["Solution C", "budget_eur"] == 15000
    assert sorted(arlon.index) == ["Drones", "Solution A", "Solution C"]


def test_limesurvey_full_text_headings_in_windows_1252(config):
    options = options_for(config)
    export = si.read_export(LIME_TEXT.encode("cp1252"), "export_limesurvey.csv")
    mapping = si.propose_mapping(export, options)
    by_header = {c.header: c for c in mapping}
    assert by_header["Votre commune"].role == "commune"
    assert by_header["Date de soumission"].role == "submitted_on"
    assert (by_header["ID de la réponse"].role, by_header["ID de la réponse"].sure) == (
        "ignore",
        True,
    )  # LimeSurvey's French technical column
    assert by_header["Quels sont vos besoins ? [Solution A]"].need == "AAA"
    # Empty "Autre" column: judged from its values (none), not from the word.
    assert by_header["Quels sont vos besoins ? [Autre]"].role == "ignore"
    assert (by_header["Priorité [Solution B]"].role, by_header["Priorité [Solution B]"].need) == (
        "priority",
        "BBB",
    )
    # `02/04/2024` and `03/04/2024`: day or month first? Every value is ambiguous, so the
    # import asks (issue 21) and, told, writes the date unambiguously.
    asked = si.to_long(export, mapping, year=2024)
    assert [p.code for p in asked.problems] == ["ordre-des-dates"]
    assert asked.date_column == "Date de soumission"
    long_rows = si.to_long(export, mapping, year=2024, order="dmy")
    assert [(r[1], r[2], r[3], r[6]) for r in long_rows.rows] == [
        ("Bertrix", "AAA", "1", "2024-04-02"),
        ("Attert", "BBB", "2", "2024-04-03"),
    ]
    assert si.check(config, export, long_rows, "survey_import_y.csv") == []


def test_kobo_workbook_with_group_paths_and_true_ticks(config):
    options = options_for(config)
    data = kobo_workbook(
        [
            [
                "2024-03-10T09:00",
                "2024-03-10T09:20",
                "Bertrix",
                "aaa capteurs",
                1,
                0,
                1,
                "Haute",
                11,
                "u1",
                "2024-03-10T09:20:31.123+01:00",
            ],
            [
                "2024-03-12T14:00",
                "2024-03-12T14:05",
                "Arlon",
                "",
                0,
                0,
                0,
                None,
                12,
                "u2",
                "2024-03-12T14:05:00",
            ],
            [
                "2024-03-13T14:00",
                "2024-03-13T14:05",
                "Attert",
                "solution_b",
                False,
                True,
                False,
                None,
                13,
                "u3",
                "2024-03-13T14:05:00",
            ],
        ]
    )
    export = si.read_export(data, "kobo_besoins.xlsx")
    assert (export.layout, export.tool, export.sheet) == ("wide", "KoboToolbox", "Enquête besoins")
    mapping = si.propose_mapping(export, options)
    by_header = {c.header: c for c in mapping}
    for technical in ("start", "end", "_id", "_uuid"):
        assert by_header[technical].role == "ignore"
    assert by_header["_submission_time"].role == "submitted_on"
    assert by_header["groupe_identite/commune"].role == "commune"
    assert by_header["groupe_besoins/besoins/aaa"].need == "AAA"
    assert by_header["groupe_besoins/besoins/solution_b"].need == "BBB"
    assert (
        by_header["groupe_besoins/besoins/capteurs_de_stationnement"].need
        == "Capteurs de stationnement"
    )
    assert (by_header["priorite_aaa"].role, by_header["priorite_aaa"].need) == ("priority", "AAA")
    # Kobo's "all choices in one cell" column is left aside: the option columns say it all.
    assert by_header["groupe_besoins/besoins"].role == "ignore"
    assert si.unplaced(mapping) == []
    long_rows = si.to_long(export, mapping)
    assert [(r[0], r[1], r[2], r[3], r[6]) for r in long_rows.rows] == [
        ("2024", "Bertrix", "AAA", "1", "2024-03-10"),
        ("2024", "Bertrix", "Capteurs de stationnement", "", "2024-03-10"),
        ("2024", "Arlon", "aucun besoin", "", "2024-03-12"),
        ("2024", "Attert", "BBB", "", "2024-03-13"),
    ]
    si.import_export(config, export, long_rows, loaded_by="test", now=NOW)
    stored = read_store(config)
    assert stored.query("commune_nis == @ARLON")["no_needs"].all()
    bertrix = stored.query("commune_nis == @BERTRIX")
    assert sorted(bertrix["need"]) == ["Capteurs de stationnement", "Solution A"]


def test_problems_are_told_on_the_exports_rows_and_columns(config):
    options = options_for(config)
    bad = (
        "commune;date de réponse;besoins[CCC];prio[CCC];besoins[AAA]\r\n"
        "Arlon;2024-03-15;Y;1;Y\r\n"
        "Arlonn;2024-03-16;Y;4;\r\n"
        "Attert;2024-03-17;peut-être;;Y\r\n"
    ).encode()
    export = si.read_export(bad, "export.csv")
    mapping = si.propose_mapping(export, options)
    assert si.unplaced(mapping) == []
    long_rows = si.to_long(export, mapping, year=2024)
    problems = si.check(config, export, long_rows, "survey_import_z.csv")
    found = {(p.row, p.column, p.value) for p in problems if p.level == "erreur"}
    assert found == {
        (4, "besoins[CCC]", "peut-être"),  # not a tick value
        (3, "commune", "Arlonn"),  # unknown commune…
        (3, "prio[CCC]", "4"),  # priority out of 1–3
    }
    by_column = {p.column: p for p in problems}
    assert "Arlon" in by_column["commune"].message  # …with the closest names proposed
    assert all(p.file == "export.csv" for p in problems)

    # All or nothing: the import refuses, sources and store stay as they were.
    before = {p.name: p.read_bytes() for p in config.sources_dir.iterdir() if p.is_file()}
    store_before = config.db_path.read_bytes()
    with pytest.raises(SourceError) as refused:
        si.import_export(config, export, long_rows, loaded_by="test", now=NOW)
    assert {(p.row, p.column) for p in refused.value.problems} >= {(4, "besoins[CCC]")}
    after = {p.name: p.read_bytes() for p in config.sources_dir.iterdir() if p.is_file()}
    assert after == before
    assert config.db_path.read_bytes() == store_before


def test_build_errors_are_translated_back_to_the_export(config):
    options = options_for(config)
    # Readable ticks, but a commune the reference does not know: only the full build sees
    # the problem here, and it must still name the export's row and column.
    export = si.read_export(b"commune;besoins[AAA]\r\nArlon;1\r\nNullepart;1\r\n", "kobo.csv")
    long_rows = si.to_long(export, si.propose_mapping(export, options), year=2024)
    with pytest.raises(SourceError) as refused:
        si.import_export(config, export, long_rows, loaded_by="test", now=NOW)
    errors = [p for p in refused.value.problems if p.level == "erreur"]
    assert [(p.file, p.row, p.column, p.value) for p in errors] == [
        ("kobo.csv", 3, "commune", "Nullepart")
    ]


def test_unreadable_and_refused_files(config):
    assert si.read_export(b"", "vide.csv").problems[0].message.startswith("fichier vide")
    assert "non pris en charge" in si.read_export(b"x", "export.ods").problems[0].message
    export = si.read_export(b"PK\x03\x04garbage", "faux.xlsx")
    assert export.problems and export.problems[0].level == "erreur"
    from centrale.intake.ingest import UploadRefused

    with pytest.raises(UploadRefused):
        si.receive(config, "export.csv", b"\x00\x01binaire")
    ok = si.receive(config, "../../export.csv", LIME_CODES.encode("utf-8"))
    assert ok.name == "export.csv" and ok.layout == "wide"


def test_no_needs_ticked_with_needs_is_an_error(config):
    options = options_for(config)
    export = si.read_export(
        b"commune;Aucun besoin;besoins[AAA]\r\nArlon;Oui;Oui\r\nAttert;Oui;\r\n", "x.csv"
    )
    mapping = si.propose_mapping(export, options)
    assert {c.header: c.role for c in mapping}["Aucun besoin"] == "no_needs"
    long_rows = si.to_long(export, mapping, year=2024)
    assert [(p.row, p.column) for p in long_rows.problems] == [(2, "Aucun besoin")]
    assert long_rows.rows[-1][:3] == ["2024", "Attert", "aucun besoin"]
