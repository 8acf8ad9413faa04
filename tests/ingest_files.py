"""Small source files for the ingest tests, written as staff would write them."""

from __future__ import annotations

MONTH_OF_ORDERS = (
    "n° de commande;commune;solution;date d'envoi du bon de commande;date d'attribution;"
    "adjudicataire;montant HTVA;statut\n"
    "CA-2026-101;Bertrix;EGUICHET;01/10/2026;15/10/2026;Numéria SRL;12 000,00;attribué\n"
    "CA-2026-102;Arlon;REPAS;05/10/2026;20/10/2026;Cantine Facile SRL;8 450,50;attribué\n"
).encode()

BAD_ORDERS = (
    "n° de commande;commune;solution;date d'envoi du bon de commande;date d'attribution;"
    "adjudicataire;montant HTVA;statut\n"
    "CA-2026-201;Bertrixx;EGUICHET;01/10/2026;15/10/2026;Numéria SRL;12 000,00;attribué\n"
    "CA-2026-202;Arlon;REPAS;32/10/2026;;;abc;envoyé\n"
).encode()

# Excel « Enregistrer sous > Texte Unicode (*.txt) », renamed .csv: UTF-16 LE with its BOM,
# tab-separated, CRLF (the text below, as Excel writes it).
UNICODE_TEXT_ADHESIONS = (
    "\ufeffCommune\tDate de signature\tDate de retrait\r\n"
    "Bertrix\t21/01/2019\t\r\n"
    "Vaux-sur-Sûre\t07/05/2019\t\r\n"
    "Libramont-Chevigny\t05/02/2019\t\r\n"
    "84016\t14/02/2019\t\r\n"
).encode("utf-16-le")


def statbel_adhesions_rows(communes: list[tuple[str, str, str]]) -> list[list]:
    """An adhesions register as a manager keeps it beside Statbel's list of communes:
    a title block (report name, date, a blank row), the header on row 4 with the INS
    code beside the commune's name (`Code INS`, `Libellé`), a row of formats under
    the header, the rows, a blank spacer, a total and a footnote."""
    return [
        ["IDELUX Projets publics — conventions d'adhésion à la centrale d'achats Smart"],
        ["Situation au 31/12/2020", None, None, "Service juridique"],
        [],
        ["Code INS", "Libellé", "Date de signature", "Date de retrait"],
        [None, None, "jj/mm/aaaa", "jj/mm/aaaa"],
        *[[code, name, signed, None] for code, name, signed in communes],
        [],
        ["Total", len(communes)],
        ["Source : Statbel (codes INS), délibérations des conseils communaux"],
    ]
