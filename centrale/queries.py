"""One function per dataset the pages, the reports and the CLI show.

Each takes an open DuckDB connection (or cursor) and plain Python values,
binds every value with `?`, and returns a DataFrame or a small dict. The
"as of" date `d` is always explicit: figures are what was known on that day,
with merged communes counted for their successor (see schema.sql's macros).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from centrale.config import AWARD_PROMISE_DAYS, PROVINCE_NIS, REGION_NIS


def _one(con, sql: str, params: list) -> object:
    row = con.execute(sql, params).fetchone()
    return row[0] if row else None


def _float(value) -> float | None:
    return None if value is None else float(value)


def default_call_year(con, as_of: dt.date) -> int | None:
    """The latest call for projects whose year is not after `as_of`."""
    return _one(con, "SELECT max(call_year) FROM subsidies WHERE call_year <= ?", [as_of.year])


def default_survey_year(con, as_of: dt.date) -> int | None:
    """The latest survey campaign already sent on `as_of` (or with answers by then)."""
    return _one(
        con,
        """
        SELECT max(year) FROM (
            SELECT year FROM survey_campaigns WHERE sent_on <= ?
            UNION ALL
            SELECT year FROM survey_answers WHERE submitted_on <= ?)
        """,
        [as_of, as_of],
    )


def kpis(con, as_of: dt.date, call_year: int | None = None, survey_year: int | None = None) -> dict:
    """The headline figures on `as_of` (see README, "Indicateurs", for each key)."""
    if call_year is None:
        call_year = default_call_year(con, as_of)
    if survey_year is None:
        survey_year = default_survey_year(con, as_of)
    total = _one(con, "SELECT count(*) FROM communes_at(?)", [as_of])
    adhered = _one(
        con,
        """
        SELECT count(DISTINCT a.commune_nis) FROM adhesions_at(?) a
        JOIN communes_at(?) c ON c.nis_code = a.commune_nis WHERE a.active
        """,
        [as_of, as_of],
    )
    orders = con.execute(
        """
        SELECT count(*) FILTER (WHERE status <> 'annulé'),
               count(*) FILTER (WHERE status = 'attribué'),
               count(*) FILTER (WHERE status = 'envoyé'),
               median(lead_days),
               avg(CASE WHEN lead_days <= ? THEN 1.0 ELSE 0.0 END)
                   FILTER (WHERE lead_days IS NOT NULL),
               sum(amount_eur) FILTER (WHERE status = 'attribué')
        FROM orders_at(?)
        """,
        [AWARD_PROMISE_DAYS, as_of],
    ).fetchone()
    return {
        "as_of": as_of.isoformat(),
        "communes_total": total,
        "communes_adhered": adhered,
        "adhesion_rate": adhered / total if total else None,
        "orders_sent": orders[0],
        "orders_awarded": orders[1],
        "orders_pending": orders[2],
        "median_award_days": _float(orders[3]),
        "share_awarded_within_20_days": _float(orders[4]),
        "amount_awarded_eur": _float(orders[5]),
        "call_year": call_year,
        "province_subsidy_share": province_subsidy_share(con, call_year),
        "survey_year": survey_year,
        "survey_response_rate": survey_response_rate(con, survey_year, as_of),
    }


def province_subsidy_share(
    con, call_year: int | None, province_nis: str = PROVINCE_NIS
) -> float | None:
    """Share (0–1) of the region's subsidies of `call_year` that went to the province."""
    if call_year is None:
        return None
    share = _one(
        con,
        """
        SELECT sum(s.amount_eur) FILTER (WHERE s.prov_nis = ?) / sum(s.amount_eur)
        FROM subsidies s JOIN provinces p USING (prov_nis)
        WHERE s.call_year = ? AND p.reg_nis = ?
        """,
        [province_nis, call_year, REGION_NIS],
    )
    return _float(share) if share is not None else None


def survey_response_rate(con, year: int | None, as_of: dt.date) -> float | None:
    """Share (0–1) of the communes existing on `as_of` that answered survey `year` by then."""
    if year is None:
        return None
    return _float(
        _one(
            con,
            """
        SELECT count(DISTINCT effective_nis(s.commune_nis, ?))::DOUBLE
               / (SELECT count(*) FROM communes_at(?))
        FROM survey_answers s
        WHERE s.year = ? AND (s.submitted_on IS NULL OR s.submitted_on <= ?)
        """,
            [as_of, as_of, year, as_of],
        )
    )


def commune_status(con, as_of: dt.date) -> pd.DataFrame:
    """Per commune existing on `as_of`: adhesion status and uptake (one row per commune).

    adhesion_status is 'adhérente', 'retirée' (adhered once, withdrawn by then) or
    'non adhérente'. Amounts are awarded orders' amounts excl. VAT.
    """
    return con.execute(
        """
        WITH adh AS (
            SELECT commune_nis, min(signed_on) AS first_signed_on, bool_or(active) AS active,
                   max(withdrawn_on) AS withdrawn_on
            FROM adhesions_at(?) GROUP BY commune_nis),
        ord AS (
            SELECT commune_nis,
                   count(*) FILTER (WHERE status = 'attribué') AS orders_awarded,
                   count(*) FILTER (WHERE status = 'envoyé') AS orders_pending,
                   count(DISTINCT solution_id) FILTER (WHERE status = 'attribué')
                       AS solutions_ordered,
                   coalesce(sum(amount_eur) FILTER (WHERE status = 'attribué'), 0)
                       AS amount_eur
            FROM orders_at(?) GROUP BY commune_nis),
        surv AS (
            SELECT effective_nis(commune_nis, ?) AS commune_nis, max(year) AS last_survey_year
            FROM survey_answers WHERE submitted_on IS NULL OR submitted_on <= ?
            GROUP BY 1)
        SELECT c.nis_code, c.name_fr, c.arrondissement, c.population,
               CASE WHEN adh.active THEN 'adhérente'
                    WHEN adh.commune_nis IS NOT NULL THEN 'retirée'
                    ELSE 'non adhérente' END AS adhesion_status,
               adh.first_signed_on AS signed_on,
               CASE WHEN NOT adh.active THEN adh.withdrawn_on END AS withdrawn_on,
               coalesce(ord.orders_awarded, 0) AS orders_awarded,
               coalesce(ord.orders_pending, 0) AS orders_pending,
               coalesce(ord.solutions_ordered, 0) AS solutions_ordered,
               coalesce(ord.amount_eur, 0)::DOUBLE AS amount_eur,
               coalesce(ord.amount_eur, 0)::DOUBLE / c.population AS amount_per_inhabitant,
               surv.last_survey_year
        FROM communes_at(?) c
        LEFT JOIN adh ON adh.commune_nis = c.nis_code
        LEFT JOIN ord ON ord.commune_nis = c.nis_code
        LEFT JOIN surv ON surv.commune_nis = c.nis_code
        ORDER BY c.name_fr
        """,
        [as_of, as_of, as_of, as_of, as_of],
    ).df()


def commune_shapes(con, as_of: dt.date) -> pd.DataFrame:
    """nis_code, name_fr, geojson of the communes existing on `as_of`."""
    return con.execute(
        "SELECT nis_code, name_fr, population, geojson FROM communes_at(?) ORDER BY nis_code",
        [as_of],
    ).df()


def adhesion_curve(con, as_of: dt.date) -> pd.DataFrame:
    """Day by day (at each signature or withdrawal up to `as_of`): active member communes.

    Columns: day, communes_adhered, communes_total (the ceiling that day: 44,
    then 43 after the Bertogne–Bastogne merger).
    """
    return con.execute(
        """
        WITH days AS (
            SELECT DISTINCT d FROM (
                SELECT signed_on AS d FROM adhesions
                UNION ALL SELECT withdrawn_on FROM adhesions
                UNION ALL SELECT merged_on FROM commune_mergers
                UNION ALL SELECT ?::DATE)
            WHERE d IS NOT NULL AND d <= ?)
        SELECT d AS day,
               (SELECT count(DISTINCT effective_nis(a.commune_nis, d)) FROM adhesions a
                WHERE a.signed_on <= d AND (a.withdrawn_on IS NULL OR a.withdrawn_on > d))
                   AS communes_adhered,
               (SELECT count(*) FROM commune_periods p
                WHERE (p.valid_from IS NULL OR p.valid_from <= d)
                  AND (p.valid_to IS NULL OR p.valid_to >= d)) AS communes_total
        FROM days ORDER BY d
        """,
        [as_of, as_of],
    ).df()


def orders_table(con, as_of: dt.date, solution_ids: list[str] | None = None) -> pd.DataFrame:
    """Every order sent by `as_of`, with names, lead time and days pending."""
    return con.execute(
        """
        SELECT o.order_id, o.commune_nis, c.name_fr AS commune, o.solution_id,
               s.name_fr AS solution, s.catalogue, o.sent_on, o.awarded_on, o.provider,
               o.amount_eur::DOUBLE AS amount_eur, o.status, o.lead_days, o.days_pending
        FROM orders_at(?) o
        JOIN communes c ON c.nis_code = o.commune_nis
        JOIN solutions s USING (solution_id)
        WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], o.solution_id)
        ORDER BY o.sent_on DESC, o.order_id
        """,
        [as_of, solution_ids, solution_ids],
    ).df()


def orders_per_month(con, as_of: dt.date) -> pd.DataFrame:
    """month (first day), orders_sent, orders_awarded (by the month of each event)."""
    return con.execute(
        """
        WITH ev AS (
            SELECT date_trunc('month', sent_on) AS month, 1 AS sent, 0 AS awarded
            FROM orders_at(?) WHERE status <> 'annulé'
            UNION ALL
            SELECT date_trunc('month', awarded_on), 0, 1 FROM orders_at(?)
            WHERE awarded_on IS NOT NULL)
        SELECT month::DATE AS month, sum(sent)::INTEGER AS orders_sent,
               sum(awarded)::INTEGER AS orders_awarded
        FROM ev GROUP BY month ORDER BY month
        """,
        [as_of, as_of],
    ).df()


def orders_by_solution(con, as_of: dt.date) -> pd.DataFrame:
    """Per catalogue solution: awarded orders, pending orders, amount, communes."""
    return con.execute(
        """
        SELECT s.solution_id, s.name_fr AS solution, s.catalogue,
               count(o.order_id) FILTER (WHERE o.status = 'attribué') AS orders_awarded,
               count(o.order_id) FILTER (WHERE o.status = 'envoyé') AS orders_pending,
               coalesce(sum(o.amount_eur) FILTER (WHERE o.status = 'attribué'), 0)::DOUBLE
                   AS amount_eur,
               count(DISTINCT o.commune_nis) FILTER (WHERE o.status = 'attribué')
                   AS communes
        FROM solutions s LEFT JOIN orders_at(?) o USING (solution_id)
        GROUP BY ALL ORDER BY orders_awarded DESC, s.name_fr
        """,
        [as_of],
    ).df()


def provider_shares(con, as_of: dt.date) -> pd.DataFrame:
    """Per solution and framework provider active on `as_of` (or having won orders):
    orders won, amount and median lead time."""
    return con.execute(
        """
        WITH holders AS (
            SELECT DISTINCT solution_id, provider FROM framework
            WHERE starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)
            UNION
            SELECT DISTINCT solution_id, provider FROM orders_at(?) WHERE provider IS NOT NULL)
        SELECT h.solution_id, s.name_fr AS solution, h.provider,
               count(o.order_id) AS orders_won,
               coalesce(sum(o.amount_eur), 0)::DOUBLE AS amount_eur,
               median(o.lead_days)::DOUBLE AS median_lead_days
        FROM holders h JOIN solutions s USING (solution_id)
        LEFT JOIN orders_at(?) o ON o.solution_id = h.solution_id
             AND o.provider = h.provider AND o.status = 'attribué'
        GROUP BY ALL ORDER BY s.name_fr, orders_won DESC, h.provider
        """,
        [as_of, as_of, as_of, as_of],
    ).df()


def lead_times(con, as_of: dt.date) -> pd.DataFrame:
    """Awarded orders' lead times in days (order form sent -> award)."""
    return con.execute(
        """
        SELECT o.order_id, c.name_fr AS commune, s.name_fr AS solution, o.sent_on,
               o.awarded_on, o.lead_days
        FROM orders_at(?) o JOIN communes c ON c.nis_code = o.commune_nis
        JOIN solutions s USING (solution_id)
        WHERE o.lead_days IS NOT NULL ORDER BY o.awarded_on
        """,
        [as_of],
    ).df()


def subsidies_by_province(con, call_year: int | None = None) -> pd.DataFrame:
    """Per call year and province of the region: amount, projects, per inhabitant, share."""
    return con.execute(
        """
        SELECT s.call_year, p.prov_nis, p.name_fr AS province, p.population,
               count(*) AS projects, sum(s.amount_eur)::DOUBLE AS amount_eur,
               sum(s.amount_eur)::DOUBLE / p.population AS amount_per_inhabitant,
               sum(s.amount_eur)::DOUBLE
                   / sum(sum(s.amount_eur)) OVER (PARTITION BY s.call_year)::DOUBLE AS share
        FROM subsidies s JOIN provinces p USING (prov_nis)
        WHERE p.reg_nis = ? AND (?::INTEGER IS NULL OR s.call_year = ?)
        GROUP BY ALL ORDER BY s.call_year, amount_eur DESC
        """,
        [REGION_NIS, call_year, call_year],
    ).df()


def subsidies_in_province(
    con, call_year: int | None = None, province_nis: str = PROVINCE_NIS
) -> pd.DataFrame:
    """The province's subsidised projects (all bodies), with the commune when there is one."""
    return con.execute(
        """
        SELECT s.call, s.call_year, s.beneficiary, s.beneficiary_nis, c.name_fr AS commune,
               s.project, s.amount_eur::DOUBLE AS amount_eur
        FROM subsidies s LEFT JOIN communes c ON c.nis_code = s.beneficiary_nis
        WHERE s.prov_nis = ? AND (?::INTEGER IS NULL OR s.call_year = ?)
        ORDER BY s.call_year DESC, amount_eur DESC
        """,
        [province_nis, call_year, call_year],
    ).df()


def subsidy_calls(con) -> pd.DataFrame:
    """call_year, call, amount_eur: the calls for projects in the store."""
    return con.execute("""
        SELECT call_year, call, sum(amount_eur)::DOUBLE AS amount_eur, count(*) AS projects
        FROM subsidies GROUP BY ALL ORDER BY call_year
        """).df()


def survey_response(con, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per commune existing on `as_of`: did it answer survey `year` by then, and when."""
    return con.execute(
        """
        WITH ans AS (
            SELECT effective_nis(commune_nis, ?) AS commune_nis,
                   min(submitted_on) AS submitted_on,
                   bool_and(no_needs) AS no_needs, count(*) FILTER (WHERE NOT no_needs) AS needs
            FROM survey_answers
            WHERE year = ? AND (submitted_on IS NULL OR submitted_on <= ?)
            GROUP BY 1)
        SELECT c.nis_code, c.name_fr, c.arrondissement, ans.submitted_on,
               ans.commune_nis IS NOT NULL AS answered, coalesce(ans.needs, 0) AS needs,
               coalesce(ans.no_needs, false) AS no_needs
        FROM communes_at(?) c LEFT JOIN ans ON ans.commune_nis = c.nis_code
        ORDER BY c.name_fr
        """,
        [as_of, year, as_of, as_of],
    ).df()


def solutions(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM solutions ORDER BY catalogue, name_fr").df()


def communes_list(con, as_of: dt.date) -> pd.DataFrame:
    """nis_code, name_fr, arrondissement, population of the communes existing on `as_of`."""
    return con.execute(
        "SELECT nis_code, name_fr, arrondissement, population FROM communes_at(?) ORDER BY name_fr",
        [as_of],
    ).df()


def load_history(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM load_log ORDER BY load_id DESC").df()


def data_bounds(con) -> tuple[dt.date | None, dt.date | None]:
    """The first and last dates the sources speak of (for date pickers)."""
    row = con.execute("""
        SELECT least(min(signed_on), (SELECT min(sent_on) FROM orders)),
               greatest(max(signed_on), (SELECT max(coalesce(awarded_on, sent_on)) FROM orders))
        FROM adhesions
        """).fetchone()
    return row[0], row[1]
