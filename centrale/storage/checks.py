"""Data checks run on every freshly built store, before it replaces the old one.

In the spirit of dbt's schema tests: unique keys, not-null columns,
relationships and accepted values. Validation already refuses bad input; these
catch a bug in the build itself, so a wrong store is never swapped in.
"""

from __future__ import annotations

from centrale import fmt
from centrale.semantic import sql as order_sql

# (description in French, SQL counting the offending rows[, its bound values])
CHECKS: tuple[tuple, ...] = (
    ("communes : code INS unique", "SELECT count(*) - count(DISTINCT nis_code) FROM communes"),
    # The "as of" macros join each commune to at most one successor.
    (
        "fusions : une commune ne fusionne qu'une fois",
        "SELECT count(*) - count(DISTINCT old_nis) FROM commune_mergers",
    ),
    (
        "la province compte 44 communes dans le fichier des limites",
        "SELECT abs(count(*) - 44) FROM communes WHERE prov_nis = '80000'",
    ),
    (
        "chaque commune de la province a une période de validité",
        "SELECT count(*) FROM communes c WHERE prov_nis = '80000' AND NOT EXISTS "
        "(SELECT 1 FROM commune_periods p WHERE p.nis_code = c.nis_code)",
    ),
    ("solutions : code unique", "SELECT count(*) - count(DISTINCT solution_id) FROM solutions"),
    (
        "accords-cadres : solution connue",
        "SELECT count(*) FROM framework f ANTI JOIN solutions s USING (solution_id)",
    ),
    (
        "adhésions : commune connue",
        "SELECT count(*) FROM adhesions a ANTI JOIN communes c ON c.nis_code = a.commune_nis",
    ),
    (
        "offres : une par commande et par prestataire",
        "SELECT count(*) - count(DISTINCT (order_id, provider)) FROM offers",
    ),
    (
        "offres : commande connue",
        "SELECT count(*) FROM offers f ANTI JOIN orders o USING (order_id)",
    ),
    (
        "offres : montant strictement positif",
        "SELECT count(*) FROM offers WHERE amount_eur <= 0",
    ),
    (
        "rencontres : commune connue",
        "SELECT count(*) FROM events e ANTI JOIN communes c ON c.nis_code = e.commune_nis",
    ),
    ("commandes : numéro unique", "SELECT count(*) - count(DISTINCT order_id) FROM orders"),
    (
        "commandes : solution connue",
        "SELECT count(*) FROM orders o ANTI JOIN solutions s USING (solution_id)",
    ),
    (
        "commandes : statut accepté",
        "SELECT count(*) FROM orders WHERE NOT list_contains(?::VARCHAR[], status)",
        [order_sql.KNOWN],
    ),
    (
        "commandes : attribution après l'envoi",
        "SELECT count(*) FROM orders WHERE awarded_on < sent_on",
    ),
    (
        "commandes attribuées : adjudicataire renseigné",
        "SELECT count(*) FROM orders WHERE awarded_on IS NOT NULL AND provider IS NULL",
    ),
    (
        "subsides : montant strictement positif",
        "SELECT count(*) FROM subsidies WHERE amount_eur <= 0",
    ),
    (
        "subsides : province connue",
        "SELECT count(*) FROM subsidies s ANTI JOIN provinces p USING (prov_nis)",
    ),
    (
        "enquête : priorité entre 1 et 3",
        "SELECT count(*) FROM survey_answers WHERE priority NOT BETWEEN 1 AND 3",
    ),
    (
        "enquête : commune connue",
        "SELECT count(*) FROM survey_answers s ANTI JOIN communes c ON c.nis_code = s.commune_nis",
    ),
)


def run_checks(con) -> list[str]:
    """The descriptions of the checks that failed, with their offending row counts."""
    failures = []
    for description, sql, *params in CHECKS:
        (count,) = con.execute(sql, *params).fetchone()
        if count:
            failures.append(f"{description} ({fmt.count(count, 'ligne')} en défaut)")
    return failures
