"""Plausibility rules (issue 10): dates a person cannot have meant, told as an error or a
warning with a French reason and a stable code; suggestions only among the province's
communes; a broken file's follow-on problems held back; French column labels only."""

import datetime as dt

from centrale.sources.discover import list_source_files
from centrale.sources.problems import ERROR, WARNING, grouped, summary_line
from centrale.sources.validate import validate_files
from tests.test_validation_rules import add_csv

TODAY = dt.date(2026, 11, 24)


def problems(folder, reference_data):
    return validate_files(list_source_files(folder), reference_data.reference(TODAY)).problems


def coded(found, code):
    return [p for p in found if p.rule == code]


def test_adhesion_and_order_before_the_centrale_opened(sources_copy, reference_data):
    add_csv(sources_copy, "adhesions_registre.csv", ["commune", "date de signature"],
            ["Daverdisse", "27.05.2004"])  # fmt: skip
    add_csv(sources_copy, "orders_old.csv", ["n° de commande", "commune", "solution",
            "date d'envoi"], ["OLD-1", "Bertrix", "TRAVAUX", "15/06/2018"])  # fmt: skip
    found = problems(sources_copy, reference_data)
    adhesion, order = sorted(coded(found, "avant-ouverture"), key=lambda p: p.file)
    assert (adhesion.file, adhesion.row, adhesion.column, adhesion.level) == (
        "adhesions_registre.csv",
        2,
        "date de signature",
        ERROR,
    )
    assert "01/01/2019" in adhesion.message
    assert (order.file, order.column, order.value) == (
        "orders_old.csv",
        "date d'envoi",
        "15/06/2018",
    )


def test_future_dates_warn_only(sources_copy, reference_data):
    add_csv(sources_copy, "adhesions_next.csv", ["commune", "date de signature"],
            ["Fauvillers", "01/02/2027"])  # fmt: skip
    (future,) = [
        p for p in problems(sources_copy, reference_data) if p.file == "adhesions_next.csv"
    ]
    assert future.level == WARNING and "futur" in future.message


def test_order_sent_before_its_commune_adhered(sources_copy, reference_data):
    add_csv(sources_copy, "adhesions_late.csv", ["commune", "date de signature"],
            ["Fauvillers", "01/06/2025"])  # fmt: skip
    add_csv(sources_copy, "orders_early.csv", ["n° de commande", "commune", "solution",
            "date d'envoi"], ["E-1", "Fauvillers", "TRAVAUX", "01/03/2025"])  # fmt: skip
    (early,) = coded(problems(sources_copy, reference_data), "commande-avant-adhesion")
    assert (early.file, early.row, early.level) == ("orders_early.csv", 2, ERROR)
    assert "Fauvillers n'avait pas d'adhésion active le 01/03/2025" in early.message


def test_survey_answers_outside_their_campaign(sources_copy, reference_data):
    add_csv(
        sources_copy,
        "campaigns_t.csv",
        ["année", "date d'envoi"],
        ["2030", "01/03/2030"],
    )
    add_csv(
        sources_copy,
        "survey_t.csv",
        ["année", "commune", "besoin", "date de réponse"],
        ["2030", "Bertrix", "aucun besoin", "15/02/2030"],  # before it was sent
        ["2030", "Attert", "aucun besoin", "15/03/2032"],  # more than a year after
        ["2030", "Arlon", "aucun besoin", "01/01/1980"],  # anonymised
        ["2031", "Aubange", "aucun besoin", "10/05/2021"],  # a 2021 file in the 2031 survey
        ["2030", "Tintigny", "aucun besoin", "20/03/2030"],  # fine
    )
    found = [p for p in problems(sources_copy, reference_data) if p.file == "survey_t.csv"]
    outside = coded(found, "reponse-hors-campagne")
    assert [(p.row, p.level) for p in outside] == [(2, ERROR), (3, ERROR), (5, ERROR)]
    assert "enquête 2030 envoyée le 01/03/2030" in outside[0].message
    (anonymised,) = coded(found, "date-anonymisee")
    assert (anonymised.row, anonymised.level, anonymised.column) == (4, WARNING, "date de réponse")


def test_commune_suggestions_only_among_the_province(sources_copy, reference_data):
    add_csv(sources_copy, "adhesions_typo.csv", ["commune", "date de signature"],
            ["Arlonn", "01/02/2020"], ["Bertognee", "01/02/2020"])  # fmt: skip
    found = coded(problems(sources_copy, reference_data), "commune-inconnue")
    arlon, bertogne = found
    assert "Arlon" in arlon.message and "Lontzen" not in arlon.message  # Lontzen: Liège
    assert "Bertogne" in bertogne.message  # merged into Bastogne in 2024: still proposed


def test_a_broken_file_holds_back_the_others_problems(sources_copy, reference_data):
    # The adhesions file lacks its date column: the orders' adhesion rule cannot run.
    for path in sources_copy.glob("adhesions*"):
        path.unlink()
    add_csv(sources_copy, "adhesions.csv", ["commune", "signature le"], ["Bertrix", "01/02/2019"])
    found = problems(sources_copy, reference_data)
    assert not coded(found, "commande-avant-adhesion")
    held = coded(found, "attente-adhesions")
    assert held and all("corrigez d'abord adhesions.csv" in p.message for p in held)
    assert all(p.level == WARNING for p in held)
    line = summary_line(found, __import__("centrale.sources.kinds").sources.kinds.kind_of_file)
    assert line.endswith("corrigez d'abord adhesions.csv.")
    missing = [p for p in found if p.file == "adhesions.csv" and p.level == ERROR]
    assert [p.message for p in missing] == ["colonne obligatoire manquante : « date de signature »"]


def test_messages_use_french_column_labels_and_group_runs(sources_copy, reference_data):
    add_csv(
        sources_copy,
        "orders_noprovider.csv",
        ["n° de commande", "commune", "solution", "date d'envoi", "date d'attribution"],
        *[[f"P-{i}", "Bertrix", "TRAVAUX", "01/03/2026", "10/03/2026"] for i in range(12)],
    )
    found = [p for p in problems(sources_copy, reference_data) if p.file == "orders_noprovider.csv"]
    columns = {p.column for p in found}
    assert "adjudicataire" in columns and "provider" not in columns
    runs = [p for p in grouped(found) if p.column == "adjudicataire"]
    assert len(runs) == 1 and "lignes 2 à 13" in str(runs[0])


def test_the_2017_survey_before_the_centrale_is_plausible(sources_copy, reference_data):
    # The summer-2017 survey (seeds) is older than the centrale: its answers are neither
    # "before the opening" nor outside their campaign; a 2017 answer a year late still is.
    add_csv(
        sources_copy,
        "survey_t.csv",
        ["année", "commune", "besoin", "date de réponse"],
        ["2017", "Tintigny", "Drones", "04/08/2017"],  # within the 2017 campaign
        ["2017", "Arlon", "Drones", "20/09/2018"],  # more than a year after 26/06/2017
    )
    found = problems(sources_copy, reference_data)
    assert not [p for p in found if p.file in ("survey.xlsx", "campaigns.csv")], found
    assert not coded(found, "avant-ouverture")
    outside = [p for p in coded(found, "reponse-hors-campagne") if p.file == "survey_t.csv"]
    assert [(p.row, p.level) for p in outside] == [(3, ERROR)]
    assert "enquête 2017 envoyée le 26/06/2017" in outside[0].message
