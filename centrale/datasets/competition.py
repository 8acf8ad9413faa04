"""What the mini-competition of every order gained the communes.

Each commune order is put back into competition between the solution's
framework providers; the `offers` table keeps every offer received. Here:
the gain of each awarded order, its sums, each provider's record and the
price of each solution over time. Every figure is "as known on `as_of`":
only orders awarded by then count, for the commune that exists on that day.

The gain of an order is the cheapest other offer minus the chosen one. It is
negative when the chosen offer was dearer and won on quality; the score
margin (chosen total points minus the best other total) then says by how
much quality carried it. An order with a single offer (one framework
provider) has no gain: nothing was compared.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from centrale.cached import cached_query
from centrale.semantic import sql as order_sql

# Per awarded order: the chosen offer against the best other one.
_ORDER_COMPETITION = """
WITH awarded AS (
    SELECT * FROM orders_at(?) WHERE status = ?
), ranked AS (
    SELECT f.order_id, f.provider, f.amount_eur, f.total_points, f.chosen,
           f.amount_eur = min(f.amount_eur) OVER (PARTITION BY f.order_id) AS cheapest,
           count(*) OVER (PARTITION BY f.order_id) AS n_offers
    FROM offers f JOIN awarded a USING (order_id)
), per_order AS (
    SELECT order_id,
           any_value(n_offers) AS offers,
           max(amount_eur) FILTER (WHERE chosen) AS chosen_amount_eur,
           min(amount_eur) FILTER (WHERE NOT chosen) AS other_amount_eur,
           arg_min(provider, amount_eur) FILTER (WHERE NOT chosen) AS other_provider,
           bool_or(cheapest AND chosen) AS chosen_cheapest,
           max(total_points) FILTER (WHERE chosen)
               - max(total_points) FILTER (WHERE NOT chosen) AS score_margin
    FROM ranked GROUP BY order_id
)
SELECT a.order_id, a.commune_nis, c.name_fr AS commune, a.solution_id,
       s.name_fr AS solution, a.provider, a.sent_on, a.awarded_on, a.lead_days,
       year(a.awarded_on) AS year, coalesce(p.offers, 0) AS offers,
       p.chosen_amount_eur, p.other_provider, p.other_amount_eur,
       p.other_amount_eur - p.chosen_amount_eur AS gain_eur,
       CASE WHEN p.other_amount_eur IS NULL THEN NULL
            WHEN p.chosen_cheapest THEN 'prix' ELSE 'qualité' END AS won_on,
       p.score_margin
FROM awarded a
LEFT JOIN per_order p USING (order_id)
LEFT JOIN communes c ON c.nis_code = a.commune_nis
LEFT JOIN solutions s USING (solution_id)
"""

# The groupings a gain can be summed by: column name -> its label column.
GAIN_GROUPS = {
    "commune_nis": "commune",
    "solution_id": "solution",
    "provider": "provider",
    "year": "year",
}


@cached_query
def order_competition(con, as_of: dt.date, nis: str | None = None) -> pd.DataFrame:
    """One row per order awarded by `as_of` (of commune `nis` if given), offers compared.

    Orders without offers keep NULL amounts and gain: they were not compared
    in the files (older orders, or offers not entered).
    """
    sql = _ORDER_COMPETITION
    params: list = [as_of, order_sql.AWARDED]
    if nis is not None:
        sql += " WHERE a.commune_nis = ?"
        params.append(nis)
    return con.execute(sql + " ORDER BY a.awarded_on, a.order_id", params).df()


@cached_query
def competition_gain_eur(con, as_of: dt.date, nis: str | None = None) -> float | None:
    """Sum of the gains of the orders compared by `as_of` (NULL when none was)."""
    gains = order_competition(con, as_of, nis)["gain_eur"].dropna()
    return float(round(gains.sum(), 2)) if len(gains) else None


@cached_query
def gain_by(con, as_of: dt.date, group: str) -> pd.DataFrame:
    """Gains summed per commune, solution, provider or year (`group` from GAIN_GROUPS)."""
    if group not in GAIN_GROUPS:
        raise ValueError(f"regroupement inconnu : {group}")
    orders = order_competition(con, as_of)
    compared = orders[orders["gain_eur"].notna()]
    keys = [group] if GAIN_GROUPS[group] == group else [group, GAIN_GROUPS[group]]
    out = compared.groupby(keys, as_index=False).agg(
        orders=("order_id", "count"),
        gain_eur=("gain_eur", "sum"),
        won_on_quality=("won_on", lambda s: int((s == "qualité").sum())),
    )
    out["gain_eur"] = out["gain_eur"].astype(float).round(2)
    return out.sort_values("gain_eur", ascending=False, ignore_index=True)


@cached_query
def provider_record(con, as_of: dt.date) -> pd.DataFrame:
    """Per provider: competitions entered, won, and how often it was best on price, on quality.

    A competition is an order awarded by `as_of` with at least two offers.
    `price_win_rate` is the share of them where its offer was the cheapest,
    `quality_win_rate` where its quality points were the highest (ties count
    for each provider tied), `win_rate` where its offer was chosen.
    """
    return con.execute(
        """
        WITH awarded AS (SELECT order_id FROM orders_at(?) WHERE status = ?),
        compared AS (
            SELECT f.*, count(*) OVER (PARTITION BY f.order_id) AS n,
                   f.amount_eur = min(f.amount_eur) OVER (PARTITION BY f.order_id) AS best_price,
                   f.quality_points = max(f.quality_points) OVER (PARTITION BY f.order_id)
                       AS best_quality
            FROM offers f JOIN awarded USING (order_id)
        )
        SELECT provider, count(*) AS competitions,
               count(*) FILTER (WHERE chosen) AS won,
               count(*) FILTER (WHERE chosen)::DOUBLE / count(*) AS win_rate,
               count(*) FILTER (WHERE best_price)::DOUBLE / count(*) AS price_win_rate,
               count(*) FILTER (WHERE best_quality)::DOUBLE
                   / nullif(count(quality_points), 0) AS quality_win_rate
        FROM compared WHERE n >= 2
        GROUP BY provider ORDER BY won DESC, provider
        """,
        [as_of, order_sql.AWARDED],
    ).df()


@cached_query
def head_to_head(con, as_of: dt.date, solution_id: str | None = None) -> pd.DataFrame:
    """Per solution and pair of providers: competitions and wins of each (awarded by `as_of`)."""
    sql = """
        WITH awarded AS (SELECT order_id, solution_id FROM orders_at(?)
                         WHERE status = ?),
        pairs AS (
            SELECT a.solution_id, f1.provider AS provider_a, f2.provider AS provider_b,
                   f1.chosen AS a_won, f2.chosen AS b_won,
                   f1.amount_eur < f2.amount_eur AS a_cheaper
            FROM offers f1 JOIN offers f2
              ON f1.order_id = f2.order_id AND f1.provider < f2.provider
            JOIN awarded a ON a.order_id = f1.order_id
        )
        SELECT p.solution_id, s.name_fr AS solution, provider_a, provider_b,
               count(*) AS competitions,
               count(*) FILTER (WHERE a_won) AS wins_a,
               count(*) FILTER (WHERE b_won) AS wins_b,
               count(*) FILTER (WHERE a_cheaper) AS cheaper_a
        FROM pairs p JOIN solutions s USING (solution_id)
    """
    params: list = [as_of, order_sql.AWARDED]
    if solution_id is not None:
        sql += " WHERE p.solution_id = ?"
        params.append(solution_id)
    sql += " GROUP BY ALL ORDER BY p.solution_id, provider_a"
    return con.execute(sql, params).df()


@cached_query
def price_per_solution(con, as_of: dt.date) -> pd.DataFrame:
    """Per solution and award year: orders, median chosen amount and median of all offers."""
    return con.execute(
        """
        SELECT o.solution_id, s.name_fr AS solution, year(o.awarded_on) AS year,
               count(DISTINCT o.order_id) AS orders,
               median(f.amount_eur) FILTER (WHERE f.chosen)::DOUBLE AS median_chosen_eur,
               median(f.amount_eur)::DOUBLE AS median_offer_eur
        FROM orders_at(?) o JOIN offers f USING (order_id) JOIN solutions s USING (solution_id)
        WHERE o.status = ?
        GROUP BY ALL ORDER BY o.solution_id, year
        """,
        [as_of, order_sql.AWARDED],
    ).df()
