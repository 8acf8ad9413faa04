"""Staff workbooks as people make them (REAL-WORLD.md §2): a title block above the
header, several sheets of one table, totals, notes and spacer rows under it, dates and
numbers typed as text, formulas read by the values Excel cached."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl

from centrale.sources.discover import list_source_files
from centrale.sources.kinds import kind_of_file
from centrale.sources.parse import parse_amount, parse_int
from centrale.sources.problems import ERROR, WARNING, summary_line
from centrale.sources.validate import validate_files

TODAY = dt.date(2026, 11, 24)
TITLE = [
    ["IDELUX Projets publics — registre des adhésions"],
    ["Situation au 31/12/2020", None, "Service juridique"],
    [],
]


def workbook(sheets: dict[str, list[list]], cached: dict[str, str] | None = None) -> bytes:
    """An .xlsx; `cached` gives formulas the value Excel would have stored with them."""
    book = openpyxl.Workbook()
    for i, (title, rows) in enumerate(sheets.items()):
        sheet = book.active if i == 0 else book.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append(row)
        if i == 0 and rows and len(rows[0]) == 1:
            sheet.merge_cells("A1:C1")  # the title block's merged cells
    buffer = io.BytesIO()
    book.save(buffer)
    if not cached:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode()
                for formula, value in cached.items():
                    text = text.replace(
                        f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{value}</v>"
                    )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def validated(folder, reference_data):
    return validate_files(list_source_files(folder), reference_data.reference(TODAY))


def replace_adhesions(folder, data: bytes):
    for path in folder.glob("adhesions*"):
        path.unlink()
    (folder / "adhesions.xlsx").write_bytes(data)


def test_title_block_two_sheets_totals_notes_text_dates_and_formulas(sources_copy, reference_data):
    header = ["Commune", "Date de signature", "Date de retrait"]
    first = [*TITLE, header,
             ["Bertrix", "21.01.2019"], ["Libramont-Chevigny", "05/02/2019"],
             ["Daverdisse", "=DATE(2019,2,11)"],
             [], ["Total", 3], ["Source : délibérations des conseils communaux"]]  # fmt: skip
    second = [["Adhésions 2020"], [], header, ["Martelange", "02.03.2020"], ["Total", 1]]
    notes = [["Ce classeur est tenu par le service juridique."]]
    data = workbook({"2019": first, "2020": second, "Notes": notes}, {"DATE(2019,2,11)": "43507"})
    replace_adhesions(sources_copy, data)
    result = validated(sources_copy, reference_data)
    own = [p for p in result.problems if p.file == "adhesions.xlsx"]
    assert [p for p in own if p.level == ERROR] == []
    adhesions = result.tables["adhesions"]
    loaded = adhesions[adhesions["_file"] == "adhesions.xlsx"]
    assert list(zip(loaded["_sheet"], loaded["_row"], loaded["signed_on"].dt.date)) == [
        ("2019", 5, dt.date(2019, 1, 21)),
        ("2019", 6, dt.date(2019, 2, 5)),
        ("2019", 7, dt.date(2019, 2, 11)),  # the formula's cached value
        ("2020", 4, dt.date(2020, 3, 2)),
    ]
    by_code = {(p.rule, p.sheet): p for p in own}
    assert by_code[("titre-au-dessus", "2019")].row == 4
    assert "lignes 1 à 3" in by_code[("titre-au-dessus", "2019")].message
    totals = by_code[("total-ou-note", "2019")]
    assert (totals.level, totals.row) == (WARNING, 9) and "9, 10" in totals.message
    assert by_code[("total-ou-note", "2020")].row == 5
    ignored = by_code[("feuille-ignoree", "Notes")]
    assert ignored.level == WARNING and "« commune »" in ignored.message


def test_a_second_sheet_missing_a_column_is_refused_once_naming_the_sheet(
    sources_copy, reference_data
):
    first = [*TITLE, ["Commune", "Date de signature"], ["Bertrix", "21/01/2019"]]
    second = [["Commune", "Signée le"], ["Martelange", "02/03/2020"]]
    replace_adhesions(sources_copy, workbook({"2019": first, "2020": second}))
    result = validated(sources_copy, reference_data)
    errors = [p for p in result.problems if p.level == ERROR]
    # One root cause, one message: the orders' adhesion checks wait for this file.
    assert [(p.file, p.sheet, p.message) for p in errors] == [
        ("adhesions.xlsx", "2020", "colonne obligatoire manquante : « date de signature »")
    ]
    assert summary_line(result.problems, kind_of_file).endswith("corrigez d'abord adhesions.xlsx.")


def test_text_numbers_with_thousands_separators():
    assert parse_amount("29 858") == 29858.0
    assert parse_amount("14,304") == 14304.0
    assert parse_amount("1,234,567") == 1234567.0
    assert parse_amount("1 234,50") == 1234.5  # a decimal comma stays one
    assert parse_amount("12,5") == 12.5
    assert (parse_int("29 858"), parse_int("14,304"), parse_int("1.234")) == (29858, 14304, 1234)


def test_subsidy_amounts_as_text_in_a_workbook(sources_copy, reference_data):
    rows = [["Appel à projets", "Année", "Bénéficiaire", "Projet", "Montant"],
            ["Territoire intelligent", "2019", "Bertrix", "Environnement", "29 858"],
            ["Territoire intelligent", "2019", "Attert", "Eau", "14,304"]]  # fmt: skip
    (sources_copy / "subsidies_texte.xlsx").write_bytes(workbook({"Subsides": rows}))
    result = validated(sources_copy, reference_data)
    subsidies = result.tables["subsidies"]
    amounts = subsidies.loc[subsidies["_file"] == "subsidies_texte.xlsx", "amount_eur"]
    assert amounts.tolist() == [29858.0, 14304.0]
    assert not [p for p in result.problems if p.file == "subsidies_texte.xlsx"]


def test_csv_title_line_totals_and_note(sources_copy, reference_data):
    (sources_copy / "adhesions_export.csv").write_text(
        "Export du registre;;\n;;\ncommune;date de signature;\nFauvillers;01/02/2021;\n"
        ";;\nTotal;1;\nSource : registre des délibérations;;\n",
        encoding="utf-8",
    )
    result = validated(sources_copy, reference_data)
    own = [p for p in result.problems if p.file == "adhesions_export.csv"]
    assert [(p.rule, p.row) for p in own] == [("titre-au-dessus", 3), ("total-ou-note", 6)]
    assert "6, 7" in own[1].message
    assert re.search(r"lignes 1 à 2", own[0].message)


def test_ins_code_beside_the_name_uses_the_code_and_checks_the_name(sources_copy, reference_data):
    """Statbel style: `Code INS` and `Libellé` side by side, under a title block, a row
    of formats under the header, a total and a source note: the code is the commune,
    the name is checked, and a disagreement names both (never « colonne en double »)."""
    from tests.ingest_files import statbel_adhesions_rows

    communes = [
        ("84009", "Bertrix", "21/01/2019"),
        ("84077", "Libramont", "05/02/2019"),
        ("84016", "Daverdisse", "11/02/2019"),
        ("82036", "Vaux sur Sure", "07/05/2019"),
    ]
    rows = statbel_adhesions_rows(communes)
    replace_adhesions(sources_copy, workbook({"Adhésions": rows}))
    result = validated(sources_copy, reference_data)
    own = [p for p in result.problems if p.file == "adhesions.xlsx"]
    assert [p for p in own if p.level == ERROR] == []
    assert not any("colonne en double" in p.message for p in own)
    loaded = result.tables["adhesions"]
    loaded = loaded[loaded["_file"] == "adhesions.xlsx"]
    assert loaded["commune"].tolist() == ["84009", "84077", "84016", "82036"]
    assert loaded["_row"].tolist() == [6, 7, 8, 9]  # the formats row (5) is not data
    assert "_commune_name" not in loaded
    units = next(p for p in own if p.rule == "ligne-unites")
    assert (units.level, units.row) == (WARNING, 5)
    assert "« jj/mm/aaaa »" in units.message

    # The name says another commune than the code: an error naming the code's commune
    # and the name's; the code is not silently trusted.
    communes[1] = ("84077", "Libin", "05/02/2019")
    # A misspelt name is said too: names match as everywhere (case, accents, hyphens,
    # aliases: « Vaux sur Sure » above), never by guessing the closest.
    communes[2] = ("84016", "Daverdise", "11/02/2019")
    communes[3] = ("82036", "Fauvilers", "07/05/2019")
    replace_adhesions(sources_copy, workbook({"Adhésions": statbel_adhesions_rows(communes)}))
    errors = [p for p in validated(sources_copy, reference_data).errors]
    mine = [p for p in errors if p.file == "adhesions.xlsx"]
    assert [(p.row, p.column, p.value) for p in mine] == [
        (7, "Libellé", "Libin"),
        (8, "Libellé", "Daverdise"),
        (9, "Libellé", "Fauvilers"),
    ]
    assert "le code « 84077 » est Libramont-Chevigny" in mine[0].message
    assert "celui de Libin (84035)" in mine[0].message
    assert "ne désigne aucune commune connue" in mine[2].message


def test_two_code_columns_are_still_a_double_column(sources_copy, reference_data):
    rows = [["Code INS", "Code NIS", "Date de signature"], ["84009", "84009", "21/01/2019"]]
    replace_adhesions(sources_copy, workbook({"Adhésions": rows}))
    own = [p for p in validated(sources_copy, reference_data).errors if p.file == "adhesions.xlsx"]
    assert [(p.column, p.message.split(" :")[0]) for p in own] == [
        ("Code NIS", "colonne en double")
    ]


def test_statbel_and_insee_headings_code_libelle_nom(sources_copy, reference_data):
    """`Code` and `Libellé` name a solution in the catalogue (INSEE/Statbel lists); in an
    adhesions register `Code` is the commune's INS code and `Nom` its name."""
    catalogue = [["Catalogue de la centrale — version 1.0"], [],
                 ["Code", "Libellé", "Catégorie"],
                 ["EGUICHET", "E-guichet", "Administration"]]  # fmt: skip
    for path in sources_copy.glob("solutions*"):
        path.unlink()
    (sources_copy / "solutions.xlsx").write_bytes(workbook({"Catalogue": catalogue}))
    rows = [["Code", "Nom", "Signature"], ["84009", "Bertrix", "21/01/2019"]]
    for path in sources_copy.glob("orders*"):
        path.unlink()
    for path in sources_copy.glob("offers*"):
        path.unlink()
    for path in sources_copy.glob("framework*"):
        path.unlink()
    for path in sources_copy.glob("survey*"):
        path.unlink()
    replace_adhesions(sources_copy, workbook({"Adhésions": rows}))
    result = validated(sources_copy, reference_data)
    assert result.ok, [str(p) for p in result.errors]
    solutions = result.tables["solutions"]
    assert solutions[["solution_id", "name_fr"]].values.tolist() == [["EGUICHET", "E-guichet"]]
    assert result.tables["adhesions"]["commune"].tolist() == ["84009"]
