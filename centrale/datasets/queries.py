"""One function per dataset the pages, the reports and the CLI show.

Each takes an open DuckDB connection (or cursor) and plain Python values,
binds every value with `?`, and returns a DataFrame or a small dict. The
"as of" date `d` is always explicit: figures are what was known on that day,
with merged communes counted for their successor (see schema.sql's macros).
"""

# Over 500 lines: one function per dataset the pages read, each a single SQL statement with
# its contract.

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from centrale import fmt
from centrale.cached import cached_query
from centrale.config import AWARD_PROMISE_DAYS, PROVINCE_NIS, REGION_NIS
from centrale.datasets import competition, outreach
from centrale.domain import SIMILAR_COUNT, TAKEN_STATUSES, AdhesionStatus, OrderStatus
from centrale.semantic import sql as order_sql

# "Solution prise": the order statuses that count (bound as a VARCHAR[] parameter).
_TAKEN = [str(s) for s in TAKEN_STATUSES]
_AWARDED = str(OrderStatus.AWARDED)
_SENT = str(OrderStatus.SENT)


def _one(con, sql: str, params: list) -> Any:  # a DuckDB value
    row = con.execute(sql, params).fetchone()
    return row[0] if row else None


def _float(value) -> float | None:
    return None if value is None else float(value)


# Events in a period (`centrale.periods`): `col BETWEEN ? AND ?` with `_window(since,
# until)`; None stands for "unbounded" (the earliest / latest date DuckDB knows).
def _window(since: dt.date | None, until: dt.date | None) -> list:
    return [since or dt.date.min, until or dt.date.max]


@cached_query
def default_call_year(con, as_of: dt.date) -> int | None:
    """The latest call for projects whose year is not after `as_of`."""
    return _one(con, "SELECT max(call_year) FROM subsidies WHERE call_year <= ?", [as_of.year])


@cached_query
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


@cached_query
def kpis(con, as_of: dt.date, call_year: int | None = None, survey_year: int | None = None) -> dict:
    """The headline figures on `as_of` (each key: docs/how-to/charger-les-donnees.md)."""
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
    orders = period_figures(con, as_of)
    return {
        "as_of": as_of.isoformat(),
        "communes_total": total,
        "communes_adhered": adhered,
        "adhesion_rate": adhered / total if total else None,
        "orders_sent": orders["orders_sent"],
        "orders_awarded": orders["orders_awarded"],
        "orders_pending": orders["orders_pending"],
        "median_award_days": orders["median_award_days"],
        "share_awarded_within_20_days": orders["share_awarded_within_20_days"],
        "amount_awarded_eur": orders["amount_awarded_eur"],
        "call_year": call_year,
        "province_subsidy_share": province_subsidy_share(con, call_year),
        "survey_year": survey_year,
        "survey_response_rate": survey_response_rate(con, survey_year, as_of),
        # Issue 14: what the centrale is worth and how communes came to it.
        "orders_amount_eur": orders["amount_awarded_eur"],
        "competition_gain_eur": competition.competition_gain_eur(con, as_of),
        "communes_met": outreach.communes_met(con, as_of),
        "info_meetings": outreach.info_meetings(con, as_of),
        "funnel": [
            {"step": s["step"], "communes": s["communes"]} for s in outreach.funnel(con, as_of)
        ],
    }


@cached_query
def period_figures(
    con,
    as_of: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
    solution_ids: tuple[str, ...] | None = None,
) -> dict:
    """Order figures of a period (`centrale.periods`), as known on `as_of`.

    orders_sent: order forms sent in the period (not cancelled); orders_awarded,
    amount_awarded_eur, median_award_days, share_awarded_within_20_days: awards
    made in the period; orders_pending: sent in the period, still waiting on
    `as_of`; orders_late: sent in the period and the promise not kept (awarded
    after more than AWARD_PROMISE_DAYS days, or waiting longer than that on
    `as_of`); members_joined: conventions signed in the period (first signature
    of a commune). Without `since`/`until`: every event up to `as_of`.
    """
    ids = list(solution_ids) if solution_ids else None
    row = con.execute(
        """
        WITH o AS (
            SELECT * FROM orders_at(?)
            WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], solution_id))
        SELECT count(*) FILTER (WHERE status <> ? AND sent_on BETWEEN ? AND ?),
               count(*) FILTER (WHERE status = ? AND awarded_on BETWEEN ? AND ?),
               count(*) FILTER (WHERE status = ? AND sent_on BETWEEN ? AND ?),
               median(lead_days) FILTER (WHERE awarded_on BETWEEN ? AND ?),
               avg(CASE WHEN lead_days <= ? THEN 1.0 ELSE 0.0 END)
                   FILTER (WHERE lead_days IS NOT NULL AND awarded_on BETWEEN ? AND ?),
               sum(amount_eur) FILTER (WHERE status = ? AND awarded_on BETWEEN ? AND ?),
               count(*) FILTER (WHERE status <> ? AND sent_on BETWEEN ? AND ?
                                AND coalesce(lead_days, days_pending) > ?)
        FROM o
        """,
        [as_of, ids, ids]
        + [order_sql.CANCELLED, *_window(since, until)]
        + [order_sql.AWARDED, *_window(since, until)]
        + [order_sql.SENT, *_window(since, until)]
        + _window(since, until)
        + [order_sql.PROMISE_DAYS]
        + _window(since, until)
        + [order_sql.AWARDED, *_window(since, until)]
        + [order_sql.CANCELLED, *_window(since, until)]
        + [order_sql.PROMISE_DAYS],
    ).fetchone()
    joined = _one(
        con,
        """
        SELECT count(*) FROM (
            SELECT commune_nis, min(signed_on) AS first_signed FROM adhesions_at(?)
            GROUP BY commune_nis)
        WHERE first_signed BETWEEN ? AND ?
        """,
        [as_of, *_window(since, until)],
    )
    return {
        "orders_sent": row[0],
        "orders_awarded": row[1],
        "orders_pending": row[2],
        "median_award_days": _float(row[3]),
        "share_awarded_within_20_days": _float(row[4]),
        "amount_awarded_eur": _float(row[5]),
        "orders_late": row[6],
        "members_joined": joined,
    }


@cached_query
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


@cached_query
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


@cached_query
def commune_status(con, as_of: dt.date) -> pd.DataFrame:
    """Per commune existing on `as_of`: adhesion status and uptake (one row per commune).

    adhesion_status (`domain.AdhesionStatus`, derived here and nowhere else) is
    'adhérente', 'retirée' (adhered once, withdrawn by then) or 'non adhérente';
    signed_on is the first signature, withdrawn_on the withdrawal of a 'retirée'.
    Counts and amounts are of awarded orders, excl. VAT, except solutions_ordered:
    the distinct solutions taken (`domain.TAKEN_STATUSES`: sent or awarded).
    """
    return con.execute(
        """
        WITH adh AS (
            SELECT commune_nis, min(signed_on) AS first_signed_on, bool_or(active) AS active,
                   max(withdrawn_on) AS withdrawn_on
            FROM adhesions_at(?) GROUP BY commune_nis),
        ord AS (
            SELECT commune_nis,
                   count(*) FILTER (WHERE status = ?) AS orders_awarded,
                   count(*) FILTER (WHERE status = ?) AS orders_pending,
                   count(DISTINCT solution_id) FILTER (WHERE list_contains(?::VARCHAR[], status))
                       AS solutions_ordered,
                   coalesce(sum(amount_eur) FILTER (WHERE status = ?), 0) AS amount_eur
            FROM orders_at(?) GROUP BY commune_nis),
        surv AS (
            SELECT effective_nis(commune_nis, ?) AS commune_nis, max(year) AS last_survey_year
            FROM survey_answers WHERE submitted_on IS NULL OR submitted_on <= ?
            GROUP BY 1)
        SELECT c.nis_code, c.name_fr, c.arrondissement, c.population,
               CASE WHEN adh.active THEN ?
                    WHEN adh.commune_nis IS NOT NULL THEN ?
                    ELSE ? END AS adhesion_status,
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
        ORDER BY c.name_fr COLLATE NOACCENT.NOCASE
        """,
        [as_of, _AWARDED, _SENT, _TAKEN, _AWARDED, as_of, as_of, as_of]
        + [str(s) for s in AdhesionStatus]  # ADHERED, WITHDRAWN, NOT_ADHERED, in this order
        + [as_of],
    ).df()


@cached_query
def commune_shapes(con, as_of: dt.date) -> pd.DataFrame:
    """nis_code, name_fr, geojson of the communes existing on `as_of`."""
    return con.execute(
        "SELECT nis_code, name_fr, population, geojson FROM communes_at(?) ORDER BY nis_code",
        [as_of],
    ).df()


@cached_query
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


@cached_query
def orders_table(
    con,
    as_of: dt.date,
    solution_ids: list[str] | None = None,
    limit: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """Every order sent by `as_of` (only those sent from `since` to `until` when given;
    the `limit` latest), with names, lead time, days pending, and `ordered_by`: the
    commune that sent the order form (a merged commune's orders count for its
    successor, `commune`, but keep who ordered them)."""
    return con.execute(
        """
        SELECT o.order_id, o.commune_nis, c.name_fr AS commune, b.name_fr AS ordered_by,
               o.solution_id, s.name_fr AS solution, s.catalogue, o.sent_on, o.awarded_on,
               o.provider, o.amount_eur::DOUBLE AS amount_eur, o.status, o.lead_days,
               o.days_pending
        FROM orders_at(?) o
        JOIN communes c ON c.nis_code = o.commune_nis
        JOIN communes b ON b.nis_code = o.ordered_by_nis
        JOIN solutions s USING (solution_id)
        WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], o.solution_id))
          AND o.sent_on BETWEEN ? AND ?
        ORDER BY o.sent_on DESC, o.order_id
        LIMIT ?
        """,
        [as_of, solution_ids, solution_ids, *_window(since, until), limit],
    ).df()


@cached_query
def order_counts(
    con,
    as_of: dt.date,
    solution_ids: tuple[str, ...] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict:
    """Orders sent by `as_of` (from `since` to `until` when given): all of them, sent
    (not cancelled), awarded by `as_of`."""
    row = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE status <> ?),
               count(*) FILTER (WHERE status = ?)
        FROM orders_at(?)
        WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], solution_id))
          AND sent_on BETWEEN ? AND ?
        """,
        [
            order_sql.CANCELLED,
            order_sql.AWARDED,
            as_of,
            solution_ids,
            solution_ids,
            *_window(since, until),
        ],
    ).fetchone()
    return {"total": row[0], "sent": row[1], "awarded": row[2]}


@cached_query
def awarded_lead_days(
    con,
    as_of: dt.date,
    solution_ids: tuple[str, ...] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """lead_days of every order awarded by `as_of` (awarded from `since` to `until` when
    given; one small column, even at scale)."""
    return con.execute(
        """
        SELECT lead_days FROM orders_at(?)
        WHERE lead_days IS NOT NULL
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], solution_id))
          AND awarded_on BETWEEN ? AND ?
        """,
        [as_of, solution_ids, solution_ids, *_window(since, until)],
    ).df()


@cached_query
def orders_per_month(
    con,
    as_of: dt.date,
    solution_ids: tuple[str, ...] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """month (first day), orders_sent, orders_awarded (by the month of each event).

    `solution_ids` limits the count to those solutions (None: all); `since`/`until`
    to the events of that period.
    """
    return con.execute(
        """
        WITH o AS (
            SELECT * FROM orders_at(?)
            WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], solution_id)),
        ev AS (
            SELECT date_trunc('month', sent_on) AS month, 1 AS sent, 0 AS awarded
            FROM o WHERE status <> ? AND sent_on BETWEEN ? AND ?
            UNION ALL
            SELECT date_trunc('month', awarded_on), 0, 1 FROM o
            WHERE awarded_on IS NOT NULL AND awarded_on BETWEEN ? AND ?)
        SELECT month::DATE AS month, sum(sent)::INTEGER AS orders_sent,
               sum(awarded)::INTEGER AS orders_awarded
        FROM ev GROUP BY month ORDER BY month
        """,
        [as_of, solution_ids, solution_ids, order_sql.CANCELLED]
        + [*_window(since, until), *_window(since, until)],
    ).df()


@cached_query
def orders_by_solution(
    con,
    as_of: dt.date,
    solution_ids: tuple[str, ...] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """Per solution existing on `as_of` (`solutions_at`: on offer or ordered by then; or
    only `solution_ids` among them): awarded orders (awarded from `since` to `until`
    when given), pending ones (sent in that period), amount, communes."""
    return con.execute(
        """
        SELECT s.solution_id, s.name_fr AS solution, s.catalogue,
               count(o.order_id) FILTER (WHERE o.status = ?
                                         AND o.awarded_on BETWEEN ? AND ?) AS orders_awarded,
               count(o.order_id) FILTER (WHERE o.status = ?
                                         AND o.sent_on BETWEEN ? AND ?) AS orders_pending,
               coalesce(sum(o.amount_eur) FILTER (WHERE o.status = ?
                                                  AND o.awarded_on BETWEEN ? AND ?),
                        0)::DOUBLE AS amount_eur,
               count(DISTINCT o.commune_nis) FILTER (WHERE o.status = ?
                                                     AND o.awarded_on BETWEEN ? AND ?)
                   AS communes
        FROM solutions_at(?) s LEFT JOIN orders_at(?) o USING (solution_id)
        WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.solution_id)
        GROUP BY ALL ORDER BY orders_awarded DESC, solution COLLATE NOACCENT.NOCASE
        """,
        [order_sql.AWARDED, *_window(since, until), order_sql.SENT, *_window(since, until)]
        + [order_sql.AWARDED, *_window(since, until), order_sql.AWARDED]
        + [*_window(since, until), as_of, as_of, solution_ids, solution_ids],
    ).df()


@cached_query
def provider_shares(
    con,
    as_of: dt.date,
    solution_ids: tuple[str, ...] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """Per solution (or only `solution_ids`) and framework provider active on `as_of`
    (or having won orders): orders won (awarded from `since` to `until` when given),
    amount and median lead time."""
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
             AND o.provider = h.provider AND o.status = ?
             AND o.awarded_on BETWEEN ? AND ?
        WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], h.solution_id)
        GROUP BY ALL ORDER BY solution COLLATE NOACCENT.NOCASE, orders_won DESC, h.provider
        """,
        [as_of, as_of, as_of, as_of, order_sql.AWARDED]
        + [*_window(since, until), solution_ids, solution_ids],
    ).df()


@cached_query
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


@cached_query
def subsidies_by_province(
    con, call_year: int | None = None, up_to_year: int | None = None
) -> pd.DataFrame:
    """Per call year (`call_year` only, or up to `up_to_year`, or all) and province of
    the region: amount, projects, per inhabitant, share."""
    return con.execute(
        """
        SELECT s.call_year, p.prov_nis, p.name_fr AS province, p.population,
               count(*) AS projects, sum(s.amount_eur)::DOUBLE AS amount_eur,
               sum(s.amount_eur)::DOUBLE / p.population AS amount_per_inhabitant,
               sum(s.amount_eur)::DOUBLE
                   / sum(sum(s.amount_eur)) OVER (PARTITION BY s.call_year)::DOUBLE AS share
        FROM subsidies s JOIN provinces p USING (prov_nis)
        WHERE p.reg_nis = ? AND (?::INTEGER IS NULL OR s.call_year = ?)
          AND (?::INTEGER IS NULL OR s.call_year <= ?)
        -- explicit: GROUP BY ALL rejects the window over an aggregate (DuckDB 2.0)
        GROUP BY s.call_year, p.prov_nis, p.name_fr, p.population
        ORDER BY s.call_year, amount_eur DESC
        """,
        [REGION_NIS, call_year, call_year, up_to_year, up_to_year],
    ).df()


@cached_query
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


@cached_query
def subsidy_calls(con, up_to_year: int | None = None) -> pd.DataFrame:
    """call_year, call, amount_eur: the calls for projects in the store (only those
    of `up_to_year` or earlier when given)."""
    return con.execute(
        """
        SELECT call_year, call, sum(amount_eur)::DOUBLE AS amount_eur, count(*) AS projects
        FROM subsidies WHERE ?::INTEGER IS NULL OR call_year <= ?
        GROUP BY ALL ORDER BY call_year
        """,
        [up_to_year, up_to_year],
    ).df()


@cached_query
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
        ORDER BY c.name_fr COLLATE NOACCENT.NOCASE
        """,
        [as_of, year, as_of, as_of],
    ).df()


@cached_query
def solutions(con) -> pd.DataFrame:
    return con.execute(
        "SELECT * FROM solutions ORDER BY catalogue, name_fr COLLATE NOACCENT.NOCASE"
    ).df()


@cached_query
def communes_list(con, as_of: dt.date) -> pd.DataFrame:
    """nis_code, name_fr, arrondissement, population of the communes existing on `as_of`."""
    return con.execute(
        "SELECT nis_code, name_fr, arrondissement, population FROM communes_at(?) "
        "ORDER BY name_fr COLLATE NOACCENT.NOCASE",
        [as_of],
    ).df()


@cached_query
def data_bounds(con) -> tuple[dt.date | None, dt.date | None]:
    """The first and last dates the sources speak of (for date pickers)."""
    row = con.execute("""
        SELECT least(min(signed_on), (SELECT min(sent_on) FROM orders)),
               greatest(max(signed_on), (SELECT max(coalesce(awarded_on, sent_on)) FROM orders))
        FROM adhesions
        """).fetchone()
    return row[0], row[1]


@cached_query
def pending_orders(
    con,
    as_of: dt.date,
    solution_ids: tuple[str, ...] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """Orders sent by `as_of` (from `since` to `until` when given) and not awarded by
    then (cancelled ones excluded), oldest first.

    days_pending counts calendar days since the order form was sent; `late` is
    true past the centrale's promise (AWARD_PROMISE_DAYS).
    """
    return con.execute(
        """
        SELECT o.order_id, c.name_fr AS commune, b.name_fr AS ordered_by,
               s.name_fr AS solution, o.sent_on, o.amount_eur::DOUBLE AS amount_eur,
               o.days_pending, o.days_pending > ? AS late
        FROM orders_at(?) o
        JOIN communes c ON c.nis_code = o.commune_nis
        JOIN communes b ON b.nis_code = o.ordered_by_nis
        JOIN solutions s USING (solution_id)
        WHERE o.status = ?
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], o.solution_id))
          AND o.sent_on BETWEEN ? AND ?
        ORDER BY o.days_pending DESC, o.order_id
        """,
        [AWARD_PROMISE_DAYS, as_of, _SENT, solution_ids, solution_ids, *_window(since, until)],
    ).df()


@cached_query
def subsidies_per_commune(
    con, call_year: int | None, as_of: dt.date, province_nis: str = PROVINCE_NIS
) -> pd.DataFrame:
    """Per commune of the province existing on `as_of`: subsidies of `call_year`
    (all calls when None) received as beneficiary, in euros and per inhabitant.

    Communes without a subsidised project have amount 0 and projects 0 (not
    missing): they took part in the same call and got nothing. A merged
    commune's subsidies count for its successor.
    """
    return con.execute(
        """
        WITH sub AS (
            SELECT effective_nis(beneficiary_nis, ?) AS nis_code, count(*) AS projects,
                   sum(amount_eur)::DOUBLE AS amount_eur
            FROM subsidies
            WHERE beneficiary_nis IS NOT NULL AND prov_nis = ?
              AND (?::INTEGER IS NULL OR call_year = ?)
            GROUP BY 1)
        SELECT c.nis_code, c.name_fr, c.population,
               coalesce(sub.projects, 0) AS projects,
               coalesce(sub.amount_eur, 0)::DOUBLE AS amount_eur,
               coalesce(sub.amount_eur, 0)::DOUBLE / c.population AS amount_per_inhabitant
        FROM communes_at(?) c LEFT JOIN sub USING (nis_code)
        ORDER BY c.name_fr COLLATE NOACCENT.NOCASE
        """,
        [as_of, province_nis, call_year, call_year, as_of],
    ).df()


# --- One commune (the "Commune" page) and the map's order figures -----------------------


@cached_query
def commune_identity(con, nis: str, as_of: dt.date) -> dict | None:
    """What the province's commune `nis` is on `as_of`, or None if no such commune.

    Keys: nis_code, name_fr, arrondissement, exists (it is a commune on `as_of`),
    population (None unless it exists), successor_nis / successor_name / merged_on
    (set once it has merged into another), absorbed (list of {nis_code, name_fr,
    merged_on}: the communes merged into it by `as_of`).
    """
    row = con.execute(
        """
        SELECT c.nis_code, c.name_fr, c.arrondissement,
               (SELECT a.population FROM communes_at(?) a WHERE a.nis_code = c.nis_code)
                   AS population,
               m.new_nis, n.name_fr, m.merged_on
        FROM communes c
        LEFT JOIN commune_mergers m ON m.old_nis = c.nis_code AND m.merged_on <= ?
        LEFT JOIN communes n ON n.nis_code = m.new_nis
        WHERE c.nis_code = ? AND c.prov_nis = ?
        """,
        [as_of, as_of, nis, PROVINCE_NIS],
    ).fetchone()
    if row is None:
        return None
    absorbed = con.execute(
        """
        SELECT m.old_nis, c.name_fr, m.merged_on FROM commune_mergers m
        JOIN communes c ON c.nis_code = m.old_nis
        WHERE m.new_nis = ? AND m.merged_on <= ? ORDER BY m.merged_on
        """,
        [nis, as_of],
    ).fetchall()
    return {
        "nis_code": row[0],
        "name_fr": row[1],
        "arrondissement": row[2],
        "exists": row[3] is not None,
        "population": row[3],
        "successor_nis": row[4],
        "successor_name": row[5],
        "merged_on": row[6],
        "absorbed": [{"nis_code": a, "name_fr": b, "merged_on": d} for a, b, d in absorbed],
    }


@cached_query
def commune_adhesions(con, nis: str, as_of: dt.date) -> pd.DataFrame:
    """The conventions signed by `as_of` that count for commune `nis` (its own, and
    those of communes merged into it): signed_by, signed_on, withdrawn_on, active."""
    return con.execute(
        """
        SELECT c.name_fr AS signed_by, a.signed_on,
               CASE WHEN a.withdrawn_on <= ? THEN a.withdrawn_on END AS withdrawn_on, a.active
        FROM adhesions_at(?) a JOIN communes c ON c.nis_code = a.signed_by_nis
        WHERE a.commune_nis = ? ORDER BY a.signed_on
        """,
        [as_of, as_of, nis],
    ).df()


@cached_query
def commune_orders(con, nis: str, as_of: dt.date) -> pd.DataFrame:
    """The commune's orders on `as_of`: every order sent by then that counts for commune
    `nis` (its own and those of communes merged into it), cancelled ones left out — the
    one list the commune page, the Présentation page, the deck and the PDF show.

    Columns: order_id, solution_id, solution, ordered_by, sent_on, awarded_on, lead_days,
    provider, amount_eur (excl. VAT), status ('envoyé' | 'attribué'), days_pending.
    Newest first (by sending date, then order id).
    """
    return con.execute(
        """
        SELECT o.order_id, o.solution_id, s.name_fr AS solution, c.name_fr AS ordered_by,
               o.sent_on, o.awarded_on, o.lead_days, o.provider,
               o.amount_eur::DOUBLE AS amount_eur, o.status, o.days_pending
        FROM orders_at(?) o JOIN solutions s USING (solution_id)
        JOIN communes c ON c.nis_code = o.ordered_by_nis
        WHERE o.commune_nis = ? AND list_contains(?::VARCHAR[], o.status)
        ORDER BY o.sent_on DESC, o.order_id DESC
        """,
        [as_of, nis, _TAKEN],
    ).df()


@cached_query
def commune_solutions_not_taken(con, nis: str, as_of: dt.date) -> pd.DataFrame:
    """Solutions that could be ordered on `as_of` (a framework agreement in force) and
    that commune `nis` has not taken (`domain.TAKEN_STATUSES`):
    solution_id, solution, category, catalogue, providers (comma-separated)."""
    return con.execute(
        """
        SELECT s.solution_id, s.name_fr AS solution, s.category, s.catalogue,
               string_agg(DISTINCT f.provider, ', ' ORDER BY f.provider) AS providers
        FROM solutions s JOIN framework f USING (solution_id)
        WHERE f.starts_on <= ? AND (f.ends_on IS NULL OR f.ends_on >= ?)
          AND s.solution_id NOT IN (
              SELECT solution_id FROM orders_at(?)
              WHERE commune_nis = ? AND list_contains(?::VARCHAR[], status))
        GROUP BY ALL ORDER BY s.catalogue, solution COLLATE NOACCENT.NOCASE
        """,
        [as_of, as_of, as_of, nis, _TAKEN],
    ).df()


@cached_query
def commune_subsidies(con, nis: str, as_of: dt.date) -> pd.DataFrame:
    """Regional subsidies received by commune `nis` (or a commune merged into it) in
    calls up to `as_of`'s year: call_year, call, beneficiary, project, amount_eur."""
    return con.execute(
        """
        SELECT s.call_year, s.call, s.beneficiary, s.project, s.amount_eur::DOUBLE AS amount_eur
        FROM subsidies s
        WHERE s.beneficiary_nis IS NOT NULL AND effective_nis(s.beneficiary_nis, ?) = ?
          AND s.call_year <= ?
        ORDER BY s.call_year DESC, amount_eur DESC
        """,
        [as_of, nis, as_of.year],
    ).df()


@cached_query
def commune_survey_answers(con, nis: str, as_of: dt.date) -> pd.DataFrame:
    """Needs-survey answers of commune `nis` known on `as_of`, one row per need:
    year, need (solution name, the commune's own label, or « Aucun besoin »),
    priority, horizon, budget_eur, submitted_on, respondent, comment, and who answered:
    answered_nis / answered_by — `nis` itself, or a commune merged into it since, whose
    answers are its successor's history but stay its own (never mixed without a name)."""
    return con.execute(
        """
        SELECT a.year,
               CASE WHEN a.no_needs THEN 'Aucun besoin'
                    ELSE coalesce(s.name_fr, a.need_label) END AS need,
               a.priority, a.horizon, a.budget_eur::DOUBLE AS budget_eur, a.submitted_on,
               a.respondent, a.comment, a.commune_nis AS answered_nis,
               coalesce(c.name_fr, a.commune_nis) AS answered_by
        FROM survey_answers a LEFT JOIN solutions s ON s.solution_id = a.need_solution_id
        LEFT JOIN communes c ON c.nis_code = a.commune_nis
        WHERE effective_nis(a.commune_nis, ?) = ?
          AND (a.submitted_on IS NULL OR a.submitted_on <= ?)
        ORDER BY a.year DESC, a.commune_nis <> ?, answered_by, a.priority NULLS LAST, need
        """,
        [as_of, nis, as_of, nis],
    ).df()


@cached_query
def similar_communes(con, nis: str, as_of: dt.date, count: int = SIMILAR_COUNT) -> pd.DataFrame:
    """The "communes semblables" of `nis` on `as_of` (`domain.SIMILAR_RULE`): the `count`
    other communes existing then whose population is nearest on a log scale, whatever
    their arrondissement, ties broken by NIS code. Nearest first.

    Columns: nis_code, name_fr, arrondissement, population.
    """
    return con.execute(
        """
        WITH me AS (SELECT population FROM communes_at(?) WHERE nis_code = ?)
        SELECT c.nis_code, c.name_fr, c.arrondissement, c.population
        FROM communes_at(?) c, me
        WHERE c.nis_code <> ?
        ORDER BY abs(ln(c.population::DOUBLE) - ln(me.population::DOUBLE)), c.nis_code
        LIMIT ?
        """,
        [as_of, nis, as_of, nis, count],
    ).df()


@cached_query
def peer_uptake(con, nis: str, as_of: dt.date, count: int = SIMILAR_COUNT) -> pd.DataFrame:
    """Per solution existing on `as_of` (`solutions_at`: on offer or ordered by then):
    has commune `nis` taken it, and which of its peers took it — its
    `similar_communes` and the other communes of its arrondissement existing on `as_of`.
    "Taken" is `domain.TAKEN_STATUSES` (an order sent or awarded, not cancelled).

    Columns: solution_id, solution, taken (bool), orderable (a framework agreement in
    force on `as_of`), similar_count / similar_total / similar_share / similar_names,
    arrondissement_count / arrondissement_total / arrondissement_share /
    arrondissement_names (names comma-separated, alphabetical). Most taken first.
    """
    similar = similar_communes(con, nis, as_of, count)["nis_code"].tolist()
    return (
        con.execute(
            """
        WITH took AS (
            SELECT DISTINCT commune_nis, solution_id FROM orders_at(?)
            WHERE list_contains(?::VARCHAR[], status)),
        arr AS (
            SELECT c.nis_code, c.name_fr FROM communes_at(?) c
            WHERE c.arrondissement = (SELECT arrondissement FROM communes WHERE nis_code = ?)
              AND c.nis_code <> ?),
        sim AS (
            SELECT c.nis_code, c.name_fr FROM communes_at(?) c
            WHERE list_contains(?::VARCHAR[], c.nis_code)),
        active AS (
            SELECT DISTINCT solution_id FROM framework
            WHERE starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)),
        offer AS (SELECT solution_id FROM solutions_at(?))
        SELECT s.solution_id, s.name_fr AS solution,
               EXISTS (SELECT 1 FROM took t WHERE t.commune_nis = ?
                       AND t.solution_id = s.solution_id) AS taken,
               s.solution_id IN (SELECT solution_id FROM active) AS orderable,
               (SELECT count(*) FROM took t JOIN sim p ON p.nis_code = t.commune_nis
                WHERE t.solution_id = s.solution_id) AS similar_count,
               (SELECT count(*) FROM sim) AS similar_total,
               coalesce((SELECT string_agg(p.name_fr, ', '
                                           ORDER BY p.name_fr COLLATE NOACCENT.NOCASE)
                FROM took t JOIN sim p ON p.nis_code = t.commune_nis
                WHERE t.solution_id = s.solution_id), '') AS similar_names,
               (SELECT count(*) FROM took t JOIN arr r ON r.nis_code = t.commune_nis
                WHERE t.solution_id = s.solution_id) AS arrondissement_count,
               (SELECT count(*) FROM arr) AS arrondissement_total,
               coalesce((SELECT string_agg(r.name_fr, ', '
                                           ORDER BY r.name_fr COLLATE NOACCENT.NOCASE)
                FROM took t JOIN arr r ON r.nis_code = t.commune_nis
                WHERE t.solution_id = s.solution_id), '') AS arrondissement_names
        FROM solutions s WHERE s.solution_id IN (SELECT solution_id FROM offer)
        """,
            [as_of, _TAKEN, as_of, nis, nis, as_of, similar, as_of, as_of, as_of, nis],
        )
        .df()
        .pipe(_uptake_shares)
    )


def _uptake_shares(frame: pd.DataFrame) -> pd.DataFrame:
    frame["similar_share"] = frame["similar_count"] / frame["similar_total"].where(
        frame["similar_total"] > 0
    )
    frame["arrondissement_share"] = frame["arrondissement_count"] / frame[
        "arrondissement_total"
    ].where(frame["arrondissement_total"] > 0)
    frame["peers"] = frame["similar_count"] + frame["arrondissement_count"]
    frame = frame.sort_values(
        ["peers", "similar_count", "solution"], ascending=[False, False, True]
    )
    return frame.drop(columns="peers").reset_index(drop=True)


@cached_query
def commune_order_figures(
    con, as_of: dt.date, solution_ids: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Per commune existing on `as_of`, orders limited to `solution_ids` (None: all):
    nis_code, orders_awarded, solutions_ordered, amount_eur, amount_per_inhabitant
    (the same meaning as in `commune_status`, which counts every solution)."""
    ids = list(solution_ids) if solution_ids else None
    return con.execute(
        """
        WITH o AS (
            SELECT * FROM orders_at(?)
            WHERE list_contains(?::VARCHAR[], status)
              AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], solution_id)))
        SELECT c.nis_code, count(o.order_id) FILTER (WHERE o.status = ?) AS orders_awarded,
               count(DISTINCT o.solution_id) AS solutions_ordered,
               coalesce(sum(o.amount_eur) FILTER (WHERE o.status = ?), 0)::DOUBLE AS amount_eur,
               coalesce(sum(o.amount_eur) FILTER (WHERE o.status = ?), 0)::DOUBLE
                   / c.population AS amount_per_inhabitant
        FROM communes_at(?) c LEFT JOIN o ON o.commune_nis = c.nis_code
        GROUP BY c.nis_code, c.population ORDER BY c.nis_code
        """,
        [as_of, _TAKEN, ids, ids, _AWARDED, _AWARDED, _AWARDED, as_of],
    ).df()


# --- Crossings managers ask for (two facts at once) -------------------------------------


@cached_query
def members_without_order(con, as_of: dt.date) -> pd.DataFrame:
    """Communes adhering on `as_of` that have taken no solution by then (no order sent or
    awarded: `domain.TAKEN_STATUSES`): `commune_status` rows, oldest member first."""
    status = commune_status(con, as_of)
    idle = status[
        (status["adhesion_status"] == str(AdhesionStatus.ADHERED))
        & (status["orders_awarded"] + status["orders_pending"] == 0)
    ]
    return idle.sort_values(["signed_on", "name_fr"], key=fmt.frame_sort_key).reset_index(drop=True)


@cached_query
def non_members_who_answered(con, as_of: dt.date) -> pd.DataFrame:
    """Communes without an active adhesion on `as_of` that answered at least one needs
    survey by then: `commune_status` rows (last_survey_year: their latest survey),
    most recent answer first."""
    status = commune_status(con, as_of)
    answered = status[
        (status["adhesion_status"] != str(AdhesionStatus.ADHERED))
        & status["last_survey_year"].notna()
    ]
    return answered.sort_values(
        ["last_survey_year", "name_fr"], ascending=[False, True], key=fmt.frame_sort_key
    ).reset_index(drop=True)


@cached_query
def coverage_by_solution(con, as_of: dt.date) -> pd.DataFrame:
    """Per solution existing on `as_of` (`solutions_at`): the communes existing then
    that have taken it (`domain.TAKEN_STATUSES`: an order sent or awarded; a merged
    commune's orders count for its successor), their population, and the share (0–1)
    of the province's population they hold. Solutions nobody has taken are listed with 0.

    Columns: solution_id, solution, catalogue, communes, population, population_share,
    commune_names (comma-separated, alphabetical). Most population first.
    """
    return con.execute(
        """
        WITH c AS (SELECT nis_code, name_fr, population FROM communes_at(?)),
        took AS (
            SELECT DISTINCT o.solution_id, c.nis_code, c.name_fr, c.population
            FROM orders_at(?) o JOIN c ON c.nis_code = o.commune_nis
            WHERE list_contains(?::VARCHAR[], o.status))
        SELECT s.solution_id, s.name_fr AS solution, s.catalogue,
               count(t.nis_code) AS communes,
               coalesce(sum(t.population), 0)::BIGINT AS population,
               coalesce(sum(t.population), 0)::DOUBLE
                   / (SELECT sum(population) FROM c)::DOUBLE AS population_share,
               coalesce(string_agg(t.name_fr, ', ' ORDER BY t.name_fr COLLATE NOACCENT.NOCASE),
                        '') AS commune_names
        FROM solutions_at(?) s LEFT JOIN took t USING (solution_id)
        GROUP BY ALL ORDER BY population DESC, solution COLLATE NOACCENT.NOCASE
        """,
        [as_of, as_of, _TAKEN, as_of],
    ).df()


@cached_query
def commune_search(con, as_of: dt.date) -> pd.DataFrame:
    """What a commune search box offers on `as_of`: every commune existing then, and the
    communes merged by then under their old name, leading to their successor.

    Columns: nis_code (the code to open: an old code shows the merger explained and a
    link to the successor), label ("Bastogne", or "Bertogne → Bastogne (fusion du
    02/12/2024)"), name_fr. Sorted by name.
    """
    frame = con.execute(
        """
        SELECT nis_code, name_fr, NULL AS successor, NULL::DATE AS merged_on
        FROM communes_at(?)
        UNION ALL
        SELECT m.old_nis, o.name_fr, n.name_fr, m.merged_on
        FROM commune_mergers m
        JOIN communes o ON o.nis_code = m.old_nis
        JOIN communes n ON n.nis_code = m.new_nis
        WHERE m.merged_on <= ? AND o.prov_nis = ?
        ORDER BY name_fr COLLATE NOACCENT.NOCASE
        """,
        [as_of, as_of, PROVINCE_NIS],
    ).df()
    merged = frame["successor"].notna()
    frame["label"] = frame["name_fr"]
    frame.loc[merged, "label"] = [
        f"{old} → {new} (fusion du {fmt.date(d)})"
        for old, new, d in zip(
            frame.loc[merged, "name_fr"],
            frame.loc[merged, "successor"],
            frame.loc[merged, "merged_on"],
        )
    ]
    return frame[["nis_code", "label", "name_fr"]]
