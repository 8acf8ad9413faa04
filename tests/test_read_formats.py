"""The formats Belgian Excel writes: encodings, separators, decimal commas, dates, headers."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from centrale.sources.discover import list_source_files
from centrale.sources.problems import ERROR
from centrale.sources.validate import validate_files


def validate(folder, reference_data):
    return validate_files(
        list_source_files(folder), reference_data.reference(dt.date(2026, 11, 24))
    )


def adhesions_text(separator=";", iso=False):
    rows = [
        ("Bertrix", "21/01/2019", ""),
        ("Vaux-sur-Sûre", "07/05/2019", ""),
        ("Libramont", "05/02/2019", ""),
        ("84016", "14/02/2019", ""),
    ]
    header = separator.join(["Commune", "Date de signature", "Date de retrait"])
    lines = [header]
    for commune, signed, withdrawn in rows:
        if iso:
            signed = dt.datetime.strptime(signed, "%d/%m/%Y").date().isoformat()
        lines.append(separator.join([commune, signed, withdrawn]))
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def minimal_sources(sources_copy):
    """The demo sources without orders and their offers (so adhesions can be swapped freely)."""
    for name in ("orders.xlsx", "offers.xlsx", "adhesions.csv"):
        (sources_copy / name).unlink()
    return sources_copy


@pytest.mark.parametrize(
    "encoding, separator, iso",
    [
        ("cp1252", ";", False),
        ("utf-8-sig", ";", False),
        ("utf-8", ",", True),
        ("utf-8-sig", ",", False),
        ("utf-8", "\t", True),
    ],
)
def test_csv_encodings_and_separators(minimal_sources, reference_data, encoding, separator, iso):
    (minimal_sources / "adhesions.csv").write_bytes(adhesions_text(separator, iso).encode(encoding))
    result = validate(minimal_sources, reference_data)
    assert result.ok, [str(p) for p in result.errors]
    table = result.tables["adhesions"]
    assert table["commune"].tolist() == ["84009", "82036", "84077", "84016"]
    assert table["signed_on"].iloc[1] == pd.Timestamp("2019-05-07")
    assert table["_row"].tolist() == [2, 3, 4, 5]


def test_blank_trailing_rows_and_columns_are_ignored(minimal_sources, reference_data):
    text = adhesions_text().replace("\r\n", ";;\r\n") + ";;;;\r\n;;;;\r\n\r\n"
    (minimal_sources / "adhesions.csv").write_bytes(text.encode("cp1252"))
    result = validate(minimal_sources, reference_data)
    assert result.ok, [str(p) for p in result.errors]
    assert len(result.tables["adhesions"]) == 4


def test_extra_column_is_a_warning_not_an_error(minimal_sources, reference_data):
    text = adhesions_text().replace("Date de retrait", "Date de retrait;Remarque interne")
    (minimal_sources / "adhesions.csv").write_bytes(text.encode("cp1252"))
    result = validate(minimal_sources, reference_data)
    assert result.ok
    [warning] = [w for w in result.warnings if w.column == "Remarque interne"]
    assert "colonne inconnue" in warning.message and warning.row == 1


def write_orders_workbook(path, rows, headers):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Commandes"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    sheet.append([None] * len(headers))  # a blank trailing row
    book.save(path)


def test_workbook_with_serial_dates_french_headers_and_decimal_commas(sources_copy, reference_data):
    (sources_copy / "orders.xlsx").unlink()
    headers = [
        "N° DE COMMANDE",
        "commune",
        "Solution",
        "DATE D'ENVOI DU BON DE COMMANDE",
        "Date d’attribution",
        "Adjudicataire",
        "Montant HTVA",
        "Statut",
    ]
    rows = [
        # Excel serial numbers (43507 = 11/02/2019), a text amount with a decimal comma.
        ["CA-1", "Bertrix", "TRAVAUX", 43507, 43524, "Betterstreet", "12 345,60", "attribué"],
        ["CA-2", "Bertrix", "TRAVAUX", dt.datetime(2019, 3, 1), None, None, 1000, "envoyé"],
    ]
    write_orders_workbook(sources_copy / "orders.xlsx", rows, headers)
    result = validate(sources_copy, reference_data)
    assert result.ok, [str(p) for p in result.errors]
    orders = result.tables["orders"].set_index("order_id")
    assert orders.loc["CA-1", "sent_on"] == pd.Timestamp("2019-02-11")
    assert orders.loc["CA-1", "awarded_on"] == pd.Timestamp("2019-02-28")
    assert orders.loc["CA-1", "amount_eur"] == pytest.approx(12345.60)
    assert orders.loc["CA-2", "status"] == "envoyé"
    assert result.tables["orders"]["_sheet"].iloc[0] == "Commandes"


def test_demo_sources_are_valid_with_no_warning(reference_data):
    from tests.conftest import SAMPLE_DIR

    result = validate(SAMPLE_DIR, reference_data)
    assert result.ok, [str(p) for p in result.errors]
    assert result.warnings == []
    assert {f.kind for f in result.files} == {
        "solutions",
        "framework",
        "adhesions",
        "orders",
        "subsidies",
        "survey",
        "campaigns",
        "offers",
        "events",
    }


def test_utf16_unicode_text_from_excel_is_read_not_called_binary(minimal_sources, reference_data):
    from tests.ingest_files import UNICODE_TEXT_ADHESIONS

    (minimal_sources / "adhesions.csv").write_bytes(UNICODE_TEXT_ADHESIONS)
    result = validate(minimal_sources, reference_data)
    assert result.ok, [str(p) for p in result.errors]
    table = result.tables["adhesions"]
    assert table["commune"].tolist() == ["84009", "82036", "84077", "84016"]
    assert table["_row"].tolist() == [2, 3, 4, 5]
    # Without its BOM (some tools drop it), and big-endian: still text.
    body = UNICODE_TEXT_ADHESIONS.decode("utf-16-le").removeprefix("\ufeff")
    for data in (body.encode("utf-16-le"), "\ufeff".encode("utf-16-be") + body.encode("utf-16-be")):
        (minimal_sources / "adhesions.csv").write_bytes(data)
        again = validate(minimal_sources, reference_data)
        assert again.ok, [str(p) for p in again.errors]
        assert again.tables["adhesions"]["commune"].tolist() == table["commune"].tolist()
    # A real binary file named .csv is still refused as such.
    (minimal_sources / "adhesions.csv").write_bytes(b"\x00\x01\x02\x03\xff\x10\x00\x00" * 8)
    refused = validate(minimal_sources, reference_data)
    assert any("contenu binaire" in p.message for p in refused.errors)


def test_every_entry_of_the_sources_folder_not_loaded_is_named(sources_copy, reference_data):
    """`.ods` and `.xls` workbooks, a pipe and a folder named like a source, an unknown
    format, Excel's lock file: each gets its message; nothing is skipped unsaid."""
    import os

    from centrale.config import settings
    from centrale.storage.build import check_sources

    (sources_copy / "commandes 2018.ods").write_bytes(b"PK\x03\x04 LibreOffice")
    (sources_copy / "adhesions_2019.xls").write_bytes(b"\xd0\xcf\x11\xe0 Excel 97")
    (sources_copy / "notes de réunion.ods").write_bytes(b"PK\x03\x04")
    (sources_copy / "offres.xlsm").write_bytes(b"PK\x03\x04")
    (sources_copy / "rencontres.txt").write_text("date\ttype\n", encoding="utf-8")
    (sources_copy / "subsides 2020.csv").mkdir()
    (sources_copy / "archives").mkdir()
    os.mkfifo(sources_copy / "orders_export.csv")
    (sources_copy / "scan.pdf").write_bytes(b"%PDF-1.7")
    (sources_copy / "~$orders.xlsx").write_bytes(b"\x00lock")
    # Passed over, as documented: hidden entries (the system's, the dashboard's `.archive`),
    # the dashboard's history of replaced survey answers, the folder's README.
    (sources_copy / ".DS_Store").write_bytes(b"\x00")
    (sources_copy / "historique").mkdir()
    (sources_copy / "README.md").write_text("# Sources\n", encoding="utf-8")
    result = check_sources(sources_copy, settings(), lambda _: None, reference_data)
    said = {p.file: p for p in result.problems if p.row is None}
    assert set(said) == {
        "commandes 2018.ods",
        "adhesions_2019.xls",
        "notes de réunion.ods",
        "offres.xlsm",
        "rencontres.txt",
        "subsides 2020.csv",
        "archives",
        "orders_export.csv",
        "scan.pdf",
        "~$orders.xlsx",
    }
    levels = {name: p.level for name, p in said.items()}
    # A table meant to be loaded (its name says which) and not read blocks the load.
    for name in ("commandes 2018.ods", "adhesions_2019.xls", "offres.xlsm", "rencontres.txt",
                 "subsides 2020.csv", "orders_export.csv"):  # fmt: skip
        assert levels[name] == ERROR, name
    for name in ("notes de réunion.ods", "archives", "scan.pdf", "~$orders.xlsx"):
        assert levels[name] == "avertissement", name
    assert "enregistrez-le en .xlsx" in said["commandes 2018.ods"].message
    assert "Excel 97-2003" in said["adhesions_2019.xls"].message
    assert "renommez-le en .csv" in said["rencontres.txt"].message
    assert "dossier ignoré" in said["subsides 2020.csv"].message
    assert "pas un fichier ordinaire" in said["orders_export.csv"].message
    assert "« .pdf »" in said["scan.pdf"].message
    assert "« orders.xlsx » est peut-être ouvert" in said["~$orders.xlsx"].message
    assert not result.ok


def test_a_folder_holding_only_an_ods_workbook_names_it(tmp_path, test_settings):
    from centrale.storage.build import EmptySources, build_store

    folder = tmp_path / "only-ods"
    folder.mkdir()
    (folder / "commandes.ods").write_bytes(b"PK\x03\x04")
    with pytest.raises(EmptySources) as refused:
        build_store(test_settings, folder, progress=lambda _: None)
    assert "commandes.ods" in str(refused.value)
    assert "enregistrez-le en .xlsx" in str(refused.value)


def test_a_units_row_under_a_csv_header_is_skipped_not_read_as_data(
    minimal_sources, reference_data
):
    lines = adhesions_text().split("\r\n")
    lines.insert(1, ";(jj/mm/aaaa);JJ/MM/AAAA")
    (minimal_sources / "adhesions.csv").write_bytes("\r\n".join(lines).encode("cp1252"))
    result = validate(minimal_sources, reference_data)
    assert result.ok, [str(p) for p in result.errors]
    assert result.tables["adhesions"]["_row"].tolist() == [3, 4, 5, 6]
    [units] = [w for w in result.warnings if w.rule == "ligne-unites"]
    assert units.row == 2 and "« (jj/mm/aaaa) »" in units.message
    # A first data row is never taken for units, even with few cells filled.
    lines[1] = ";;"
    lines.insert(2, "Bertrix;;")
    (minimal_sources / "adhesions.csv").write_bytes("\r\n".join(lines).encode("cp1252"))
    again = validate(minimal_sources, reference_data)
    assert not [w for w in again.warnings if w.rule == "ligne-unites"]


def test_the_survey_imports_saved_column_choices_are_not_reported_as_unread(tmp_path):
    """The import saves its mapping beside the sources: the build must not warn about
    the product's own files on every run (found by a fresh-eyes review)."""
    from centrale.sources.discover import unread_entries
    from centrale.sources.kinds import MAPPING_PREFIX

    (tmp_path / f"{MAPPING_PREFIX}0123456789ab.json").write_text("[]")
    (tmp_path / "notes.json").write_text("{}")
    assert [p.file for p in unread_entries(tmp_path)] == ["notes.json"]
