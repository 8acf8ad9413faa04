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
