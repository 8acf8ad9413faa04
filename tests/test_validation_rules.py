"""Every rule of DATA-CONTRACT.md: a bad file each, and a message naming row, column, value."""

import datetime as dt

import pytest

from centrale.sources.discover import list_source_files
from centrale.sources.problems import ERROR, WARNING
from centrale.sources.validate import validate_files

TODAY = dt.date(2026, 11, 24)


def problems_for(folder, reference_data, file):
    result = validate_files(list_source_files(folder), reference_data.reference(TODAY))
    return [p for p in result.problems if p.file == file]


def add_csv(folder, name, header, *rows, encoding="utf-8"):
    text = "\n".join([";".join(header)] + [";".join(r) for r in rows]) + "\n"
    (folder / name).write_bytes(text.encode(encoding))
    return name


def find(problems, row, column=None, level=ERROR):
    matches = [
        p
        for p in problems
        if p.row == row and p.level == level and (column is None or p.column == column)
    ]
    assert matches, f"no {level} at row {row} column {column}: {[str(p) for p in problems]}"
    return matches[0]


ORDER_HEADER = [
    "n° de commande",
    "commune",
    "solution",
    "date d'envoi",
    "date d'attribution",
    "adjudicataire",
    "montant HTVA",
    "statut",
]


def test_order_rules_each_reported_with_row_column_value(sources_copy, reference_data):
    name = add_csv(
        sources_copy,
        "orders_2026-12.csv",
        ORDER_HEADER,
        ["X-1", "Bertrix", "TRAVAUX", "01/03/2026", "20/02/2026", "Betterstreet", "100", ""],
        ["X-2", "Bertrixx", "TRAVAUX", "01/03/2026", "", "", "100", "envoyé"],
        ["X-3", "Bertrix", "DRONES", "01/03/2026", "", "", "100", "envoyé"],
        ["X-4", "Bertrix", "TRAVAUX", "01/03/2026", "", "", "100", "livré"],
        ["X-5", "Bertrix", "TRAVAUX", "01/03/2026", "10/03/2026", "", "100", "attribué"],
        ["X-6", "Bertrix", "TRAVAUX", "01/03/2026", "", "", "-5", "envoyé"],
        ["X-7", "Bertrix", "TRAVAUX", "01/03/2026", "10/03/2026", "Inconnu SA", "100", "attribué"],
        ["X-8", "Fauvillers", "TRAVAUX", "01/03/2026", "", "", "100", "envoyé"],
        ["X-9", "Bertrix", "TRAVAUX", "le 3 mars", "", "", "100", "envoyé"],
        ["X-10", "Bertrix", "TRAVAUX", "01/03/2026", "", "", "cent euros", "envoyé"],
        ["CA-2019-001", "Bertrix", "TRAVAUX", "01/03/2026", "", "", "100", "envoyé"],
        ["X-12", "Bertrix", "TRAVAUX", "01/03/2026", "", "", "100", "attribué"],
        ["X-13", "Bertrix", "TRAVAUX", "", "", "", "100", "envoyé"],
    )
    problems = problems_for(sources_copy, reference_data, name)
    award = find(problems, 2, "date d'attribution")
    assert "précède la date d'envoi" in award.message and award.value == "20/02/2026"
    commune = find(problems, 3, "commune")
    assert commune.value == "Bertrixx" and "Bertrix" in commune.message
    assert "DRONES" == find(problems, 4, "solution").value
    status = find(problems, 5, "statut")
    assert status.value == "livré" and "envoyé" in status.message
    assert "adjudicataire obligatoire" in find(problems, 6, "adjudicataire").message
    amount = find(problems, 7, "montant HTVA")
    assert amount.value == "-5" and "positif" in amount.message
    holder = find(problems, 8, "adjudicataire")
    assert holder.value == "Inconnu SA" and "accord-cadre" in holder.message
    member = find(problems, 9, "commune")
    assert "adhésion" in member.message and member.value == "Fauvillers"
    assert "jj/mm/aaaa" in find(problems, 10, "date d'envoi").message
    assert find(problems, 11, "montant HTVA").value == "cent euros"
    duplicate = find(problems, 12, "n° de commande")
    assert "double" in duplicate.message
    assert "sans date d'attribution" in find(problems, 13, "date d'attribution").message
    assert "obligatoire" in find(problems, 14, "date d'envoi").message
    # Every message says where, in French, with the file's own header text.
    assert str(holder).startswith(f"Erreur — {name}, ligne 8, colonne « adjudicataire »")


def test_adhesion_rules(sources_copy, reference_data):
    name = add_csv(
        sources_copy,
        "adhesions_extra.csv",
        ["commune", "date de signature", "date de retrait"],
        ["Charleroi", "01/01/2021", ""],
        ["Fauvillers", "01/06/2021", "01/01/2021"],
        ["Bertrix", "01/02/2021", ""],
        ["Fauvillers", "31/02/2021", ""],
        encoding="cp1252",
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert "hors de la province" in find(problems, 2, "commune").message
    assert "précède la date de signature" in find(problems, 3, "date de retrait").message
    assert "deux adhésions actives" in find(problems, 4, "commune").message
    assert find(problems, 5, "date de signature").value == "31/02/2021"


def test_framework_rules_and_third_provider_warning(sources_copy, reference_data):
    name = add_csv(
        sources_copy,
        "framework_extra.csv",
        ["code", "prestataire", "début", "fin"],
        ["DRONES", "Vol SA", "01/01/2024", ""],
        ["TRAVAUX", "Troisième SRL", "01/06/2024", "01/01/2024"],
        ["TRAVAUX", "Quatrième SRL", "01/06/2024", "31/12/2025"],
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert find(problems, 2, "code").value == "DRONES"
    assert "précède la date de début" in find(problems, 3, "fin").message
    warning = find(problems, 4, "prestataire", level=WARNING)
    assert "plus de deux prestataires" in warning.message


def test_solution_ids_unique(sources_copy, reference_data):
    name = add_csv(
        sources_copy,
        "solutions_extra.csv",
        ["code", "solution"],
        ["TRAVAUX", "Encore le service travaux"],
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert "en double" in find(problems, 2, "code").message


def test_subsidy_rules(sources_copy, reference_data):
    name = add_csv(
        sources_copy,
        "subsidies_extra.csv",
        ["appel à projets", "année", "bénéficiaire", "projet", "montant", "province"],
        ["Appel X", "2024", "Bertrix", "Projet A", "0", ""],
        ["Appel X", "2024", "Association des amis", "Projet B", "1 000,00", ""],
        ["Appel X", "2024", "Association des amis", "Projet C", "1 000,00", "Atlantide"],
        ["Appel X", "deux mille", "Arlon", "Projet D", "1 000,00", ""],
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert "strictement positif" in find(problems, 2, "montant").message
    assert "indiquez sa province" in find(problems, 3, "bénéficiaire").message
    assert find(problems, 4, "province").value == "Atlantide"
    assert "nombre entier" in find(problems, 5, "année").message


def test_survey_and_campaign_rules(sources_copy, reference_data):
    name = add_csv(
        sources_copy,
        "survey_extra.csv",
        ["année", "commune", "besoin", "priorité", "horizon", "budget", "date de réponse"],
        ["2026", "Wellin", "AIR", "4", "2027", "", "15/03/2026"],
        ["2026", "Wellin", "ENERGIE", "1", "2027", "-100", "15/03/2026"],
        ["2026", "Wellin", "Drones de surveillance", "2", "2027", "", "15/03/2026"],
        ["2026", "Wellin", "drones de surveillance", "2", "2027", "", "15/03/2026"],
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert find(problems, 2, "priorité").value == 4 or find(problems, 2, "priorité").value == "4"
    assert "positif" in find(problems, 3, "budget").message
    assert "en double" in find(problems, 5, "besoin").message
    campaigns = add_csv(
        sources_copy,
        "campaigns_extra.csv",
        ["année", "date d'envoi", "date limite"],
        ["2026", "01/03/2026", "01/04/2026"],
        ["2027", "01/03/2027", "01/02/2027"],
    )
    problems = problems_for(sources_copy, reference_data, campaigns)
    assert "en double" in find(problems, 2, "année").message
    assert "précède la date d'envoi" in find(problems, 3, "date limite").message
    assert "futur" in find(problems, 3, "date d'envoi", level=WARNING).message


def test_structural_problems(sources_copy, reference_data):
    (sources_copy / "orders_binary.csv").write_bytes(b"\x00\x01\x02PK\x00" * 50)
    (sources_copy / "adhesions_fake.xlsx").write_text("commune;date de signature\n")
    (sources_copy / "subsidies_empty.csv").write_text("\n\n")
    add_csv(sources_copy, "survey_nocommune.csv", ["année", "besoin"], ["2026", "AIR"])
    add_csv(
        sources_copy, "solutions_dup.csv", ["code", "Code solution", "solution"], ["A", "B", "C"]
    )
    (sources_copy / "notes.csv").write_text("ceci;n'est;pas;une;source\n")
    result = validate_files(list_source_files(sources_copy), reference_data.reference(TODAY))
    by_file = {p.file: p for p in result.problems}
    assert "contenu binaire" in by_file["orders_binary.csv"].message
    assert "son extension" in by_file["adhesions_fake.xlsx"].message
    assert "fichier vide" in by_file["subsidies_empty.csv"].message
    assert "colonne obligatoire manquante" in by_file["survey_nocommune.csv"].message
    assert "colonne en double" in by_file["solutions_dup.csv"].message
    assert by_file["notes.csv"].level == WARNING and "ignoré" in by_file["notes.csv"].message
    assert not result.ok


@pytest.mark.parametrize("rows", [30])
def test_all_problems_of_a_file_are_reported_at_once(sources_copy, reference_data, rows):
    name = add_csv(
        sources_copy,
        "orders_many.csv",
        ORDER_HEADER,
        *[
            [f"Z-{i}", "Nulle-part", "TRAVAUX", "01/03/2026", "", "", "1", "envoyé"]
            for i in range(rows)
        ],
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert sorted(p.row for p in problems if p.column == "commune") == list(range(2, rows + 2))


def test_adhesions_outside_the_province_only_when_configured(sources_copy, reference_data):
    import dataclasses

    name = add_csv(
        sources_copy,
        "adhesions_extra.csv",
        ["commune", "date de signature"],
        ["Charleroi", "01/01/2021"],
    )
    paths = list_source_files(sources_copy)
    strict = validate_files(paths, reference_data.reference(TODAY))
    assert any("hors de la province" in p.message for p in strict.errors if p.file == name)
    country = dataclasses.replace(reference_data, adhesion_provinces=frozenset({"*"}))
    assert not [p for p in validate_files(paths, country.reference(TODAY)).errors if p.file == name]


def test_errors_that_follow_from_a_failed_reference_file_are_one_line_per_rule(
    sources_copy, reference_data
):
    """An adhesions register whose signing dates were typed month first (US order): its
    own rows are errors, and the untouched orders file's « pas d'adhésion active » is one
    line with the count and « corrigez d'abord adhesions.csv », not one per order."""
    import csv
    import io

    from centrale.sources.kinds import kind_of_file
    from centrale.sources.problems import summary_line

    path = sources_copy / "adhesions.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";"))
    for row in rows[1:]:
        day, month, year = row[1].split("/")
        row[1] = f"{month}/{day}/{year}"  # 21/01/2019 -> 01/21/2019
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("cp1252"))
    result = validate_files(list_source_files(sources_copy), reference_data.reference(TODAY))
    orders = [p for p in result.errors if p.file == "orders.xlsx"]
    assert len(orders) == 1, [str(p) for p in orders]
    [grouped] = orders
    assert grouped.rule == "commande-avant-adhesion"
    count = int(grouped.message.split(" ")[0])
    assert count > 20
    assert "n'avait pas d'adhésion active" in grouped.message
    assert "corrigez d'abord adhesions.csv" in grouped.message
    assert grouped.row == 2 and grouped.column == "commune"
    assert summary_line(result.problems, kind_of_file).endswith("corrigez d'abord adhesions.csv.")
    # The adhesions file's own errors are still told row by row.
    assert sum(p.file == "adhesions.csv" for p in result.errors) > 20


def test_the_same_rule_row_by_row_when_the_reference_file_is_right(sources_copy, reference_data):
    name = add_csv(
        sources_copy,
        "orders_extra.csv",
        ORDER_HEADER,
        ["CA-X-1", "Fauvillers", "EGUICHET", "01/02/2019", "", "", "", "envoyé"],
        ["CA-X-2", "Fauvillers", "EGUICHET", "02/02/2019", "", "", "", "envoyé"],
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert [p.row for p in problems if p.rule == "commande-avant-adhesion"] == [2, 3]


def test_numbers_past_the_store_bounds_are_errors_not_a_failed_write(sources_copy, reference_data):
    """A pasted phone or account number in an amount or a count: a French error on the
    cell (found by the corrupted-cell property: DuckDB refused the write)."""
    name = add_csv(
        sources_copy,
        "subsidies_extra.csv",
        ["appel à projets", "année", "bénéficiaire", "projet", "montant"],
        ["Territoire intelligent", "2019", "Bertrix", "Capteurs", "1 000 000 000 000"],
        ["Territoire intelligent", "20190000000", "Attert", "Eau", "1 000,00"],
    )
    problems = problems_for(sources_copy, reference_data, name)
    assert "montant démesuré" in find(problems, 2, "montant").message
    assert "nombre démesuré" in find(problems, 3, "année").message
