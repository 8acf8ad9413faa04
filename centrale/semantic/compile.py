"""Compile a question to DuckDB SQL and run it: `answer`, `rows_behind`, `compare`,
`only_in`, `side_by_side`, `what_changed`.

Every SQL fragment comes from `centrale.semantic.model` (identifiers from the
registry only); every value is bound with `?`. One query per metric (its row
condition and its period differ), merged on the dimension keys.

Each public function takes an open DuckDB connection (or cursor) and plain values,
like `centrale.datasets.queries`, so `ui.data.load` caches it per store version.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from centrale import fmt
from centrale.cached import cached_query
from centrale.semantic.model import (
    AS_OF,
    CONVERSION_DAYS,
    DETAIL_VALUE_LABELS,
    DIMENSIONS,
    FACTS,
    JOINS,
    METRICS,
    POPULATION_JOIN,
    USUAL_FACTOR,
    Dimension,
    Metric,
    dimensions_for,
)
from centrale.semantic.question import Question, Window, window

DETAIL_LIMIT = 5000
MISSING_GROUP = "(non renseigné)"


def _resolve(values, as_of: dt.date, question: Question) -> list:
    named = {
        AS_OF: as_of,
        CONVERSION_DAYS: question.conversion_days,
        USUAL_FACTOR: question.usual_factor,
    }
    return [named.get(v, v) if isinstance(v, str) else v for v in values]


def _column(dim: Dimension, metric: Metric) -> str:
    fact = FACTS[metric.fact]
    if dim.temporal:
        return fact.dates[dim.entity[5:]]
    return fact.entities[dim.entity]


def _sql(dim: Dimension, metric: Metric, which: str = "key") -> str:
    text = dim.key_sql if which == "key" else dim.shown_sql()
    return text.format(col=_column(dim, metric))


def _joins(metric: Metric, dims: list[Dimension], as_of, question) -> tuple[str, list]:
    fact = FACTS[metric.fact]
    texts, params = [], []
    for alias in dict.fromkeys(d.join for d in dims if d.join):
        entity, text, values = JOINS[alias]
        texts.append(text.format(col=fact.entities[entity]))
        params += _resolve(values, as_of, question)
    return " ".join(texts), params


def _from_where(
    metric: Metric,
    question: Question,
    span: Window,
    dims: list[Dimension],
    extra: tuple[tuple[str, tuple[str, ...]], ...] = (),
    period: bool = True,
) -> tuple[str, list]:
    """FROM … WHERE … of `metric` for `question` over `span` (its joins, row condition,
    period and filters), with its parameters in text order."""
    fact = FACTS[metric.fact]
    as_of = span.until
    allowed = set(dimensions_for(metric.key))
    filters = [(DIMENSIONS[k], v) for k, v in (*question.filters, *extra) if k in allowed and v]
    join_text, join_params = _joins(metric, dims + [d for d, _ in filters], as_of, question)
    text = f"FROM {fact.source} f {join_text}"
    params = _resolve(fact.source_params, as_of, question) + join_params
    if metric.per_commune:
        text += " " + POPULATION_JOIN[0]
        params += _resolve(POPULATION_JOIN[1], as_of, question)
    text += f" WHERE ({metric.where})"
    params += _resolve(metric.where_params, as_of, question)
    if period and metric.event is not None:
        text += f" AND f.{fact.dates[metric.event]} BETWEEN ? AND ?"
        params += [span.since, span.until]
    for dim, values in filters:
        text += f" AND list_contains(?::VARCHAR[], CAST({_sql(dim, metric)} AS VARCHAR))"
        params.append([str(v) for v in values])
    return text, params


def metric_sql(metric_key: str, question: Question, span: Window) -> tuple[str, list]:
    """The SQL of one metric of `question` (grouped by its dimensions) and its parameters."""
    metric = METRICS[metric_key]
    dims = [DIMENSIONS[d] for d in question.by]
    select = []
    for i, dim in enumerate(dims):
        select.append(f"CAST({_sql(dim, metric)} AS VARCHAR) AS k{i}")
        select.append(f"CAST({_sql(dim, metric, 'shown')} AS VARCHAR) AS g{i}")
    params = _resolve(metric.params, span.until, question)
    body, body_params = _from_where(metric, question, span, dims)
    if metric.per_commune:
        # Groups × communes first (one population each), then the groups.
        inner = ", ".join([*select, "f.commune_nis AS _c", "any_value(pc.population) AS _p"])
        keys = [c for i in range(len(dims)) for c in (f"k{i}", f"g{i}")]
        outer = ", ".join([*keys, f"{metric.sql} AS value"])
        sql = f"SELECT {outer} FROM (SELECT {inner} {body} GROUP BY ALL)"  # noqa: S608
        return sql + (" GROUP BY ALL" if dims else ""), params + body_params
    select.append(f"{metric.sql} AS value")
    sql = f"SELECT {', '.join(select)} {body}"
    if dims:
        sql += " GROUP BY ALL"
    return sql, params + body_params


@cached_query
def answer(con, question: Question, as_of: dt.date) -> pd.DataFrame:
    """The table of `question` on `as_of`: one row per group, columns `<dim>` (shown
    value), `<dim>__key` (its key, for filters and drill-throughs) and one per metric
    (numbers, NaN where a metric has no value for the group). Without dimensions, one
    row. Time dimensions sort by time; others by the first metric, largest first."""
    span = window(question.period, as_of)
    keys = [f"{d}__key" for d in question.by]
    frame = None
    for key in question.metrics:
        if not set(question.by) <= set(dimensions_for(key)):
            raise ValueError(
                f"« {METRICS[key].label} » ne se regroupe pas par "
                + ", ".join(
                    DIMENSIONS[d].label.lower() for d in question.by if d not in dimensions_for(key)
                )
                + "."
            )
        sql, params = metric_sql(key, question, span)
        part = con.execute(sql, params).df()
        rename = {"value": key}
        for i, dim in enumerate(question.by):
            rename[f"k{i}"] = f"{dim}__key"
            rename[f"g{i}"] = dim
        part = part.rename(columns=rename)
        if frame is None:
            frame = part
        elif keys:
            shown = [d for d in question.by]
            frame = frame.merge(part, on=keys, how="outer", suffixes=("", "__other"))
            for dim in shown:
                other = f"{dim}__other"
                if other in frame:
                    frame[dim] = frame[dim].fillna(frame[other])
                    frame = frame.drop(columns=[other])
        else:
            frame[key] = part[key].to_numpy()
    assert frame is not None
    for dim in question.by:
        labels = DIMENSIONS[dim].labels
        frame[dim] = frame[dim].astype("object")
        if labels:
            frame[dim] = frame[dim].map(lambda v, labels=labels: labels.get(v, v))
        frame[dim] = frame[dim].where(frame[dim].notna(), MISSING_GROUP)
    for key in question.metrics:
        frame[key] = pd.to_numeric(frame[key], errors="coerce").astype("float64")
    return _sorted(frame, question)


def _sorted(frame: pd.DataFrame, question: Question) -> pd.DataFrame:
    if not question.by or frame.empty:
        return frame.reset_index(drop=True)
    first = DIMENSIONS[question.by[0]]
    if first.temporal:
        return frame.sort_values([f"{d}__key" for d in question.by]).reset_index(drop=True)
    order = frame.assign(_name=fmt.frame_sort_key(frame[question.by[0]]))
    order = order.sort_values([question.metrics[0], "_name"], ascending=[False, True])
    return order.drop(columns="_name").reset_index(drop=True)


@cached_query
def total(con, question: Question, as_of: dt.date) -> dict[str, float | None]:
    """Each metric of `question` over every group at once (the "Ensemble" line)."""
    frame = answer(con, question.with_(by=()), as_of)
    return {
        m: (None if pd.isna(frame[m].iloc[0]) else float(frame[m].iloc[0]))
        for m in question.metrics
    }


@cached_query
def rows_behind(
    con, question: Question, as_of: dt.date, metric_key: str, group: dict[str, str]
) -> pd.DataFrame:
    """The rows of the fact behind one figure: `metric_key` of `question` for the group
    `group` (dimension -> key value; {} for the whole). Columns: the fact's `detail`
    (French headers in `model.DETAIL_LABELS`); statuses spelled through the domain."""
    metric = METRICS[metric_key]
    fact = FACTS[metric.fact]
    span = window(question.period, as_of)
    extra = tuple((k, (str(v),)) for k, v in group.items())
    dims = []
    for _, sql in fact.detail:
        for alias in ("cm", "so"):
            if f"{alias}." in sql:
                dims.append(DIMENSIONS["commune" if alias == "cm" else "solution"])
    body, params = _from_where(metric, question, span, dims, extra)
    select = ", ".join(f"{sql} AS {name}" for name, sql in fact.detail)
    frame = con.execute(
        f"SELECT {select} {body} ORDER BY {fact.detail_order} LIMIT ?", params + [DETAIL_LIMIT]
    ).df()
    for column, labels in DETAIL_VALUE_LABELS.items():
        if column in frame:
            frame[column] = frame[column].map(lambda v, labels=labels: labels.get(v, v))
    return frame


@cached_query
def compare(con, question: Question, as_of: dt.date) -> pd.DataFrame:
    """`question` over its period (A) and its `compare` period (B), side by side: per
    metric `<m>` (A), `<m>__b` (B) and `<m>__diff` (A − B), groups of either period."""
    if not question.compare:
        raise ValueError("Choisissez une seconde période à comparer.")
    a = answer(con, question, as_of)
    b = answer(con, question.with_(period=question.compare), as_of)
    if not question.by:
        merged = a.copy()
        for m in question.metrics:
            merged[f"{m}__b"] = b[m].to_numpy()
    else:
        keys = [f"{d}__key" for d in question.by]
        b = b.rename(columns={m: f"{m}__b" for m in question.metrics})
        merged = a.merge(b, on=keys, how="outer", suffixes=("", "__other"))
        for dim in question.by:
            merged[dim] = merged[dim].fillna(merged[f"{dim}__other"])
            merged = merged.drop(columns=[f"{dim}__other"])
    for m in question.metrics:
        if empty_value(m) is not None:  # a count or a sum over no row, in one period: 0
            merged[m] = merged[m].fillna(empty_value(m))
            merged[f"{m}__b"] = merged[f"{m}__b"].fillna(empty_value(m))
        merged[f"{m}__diff"] = merged[m].fillna(0) - merged[f"{m}__b"].fillna(0)
        if not METRICS[m].additive:
            merged[f"{m}__diff"] = merged[m] - merged[f"{m}__b"]
    return _sorted(merged, question)


@cached_query
def only_in(con, question: Question, as_of: dt.date, dimension: str) -> dict[str, list[str]]:
    """« Dans A mais pas dans B »: the `dimension` values (shown names) with a positive
    first metric over the question's period (A) and none over its `compare` period (B),
    and the other way round. Keys 'a_not_b', 'b_not_a', sorted in French order."""
    grouped = question.with_(by=(dimension,), metrics=question.metrics[:1])
    a = answer(con, grouped, as_of)
    b = answer(con, grouped.with_(period=question.compare or "tout"), as_of)
    metric = question.metrics[0]

    def present(frame):
        kept = frame[frame[metric].fillna(0) > 0]
        return dict(zip(kept[f"{dimension}__key"], kept[dimension]))

    in_a, in_b = present(a), present(b)
    return {
        "a_not_b": fmt.sorted_names([in_a[k] for k in in_a if k not in in_b]),
        "b_not_a": fmt.sorted_names([in_b[k] for k in in_b if k not in in_a]),
    }


# Every value a dimension can take on a date, for "none in the period" lists.
_UNIVERSE = {
    "commune": ("SELECT nis_code, name_fr FROM communes_at(?)", True),
    "arrondissement": ("SELECT DISTINCT arrondissement, arrondissement FROM communes_at(?)", True),
    "solution": ("SELECT solution_id, name_fr FROM solutions", False),
    "category": (
        "SELECT DISTINCT category, category FROM solutions WHERE category IS NOT NULL",
        False,
    ),
    "provider": ("SELECT DISTINCT provider, provider FROM framework WHERE starts_on <= ?", True),
}


@cached_query
def without(con, question: Question, as_of: dt.date, dimension: str) -> list[str]:
    """The `dimension` values (communes existing on the period's end, catalogue
    solutions, framework providers…) with no positive first metric in the question's
    period: 'solutions with no order in the last 12 months'."""
    if dimension not in _UNIVERSE:
        raise ValueError(f"Pas de liste complète pour « {DIMENSIONS[dimension].label} ».")
    sql, dated = _UNIVERSE[dimension]
    span = window(question.period, as_of)
    everything = con.execute(sql, [span.until] if dated else []).fetchall()
    frame = answer(con, question.with_(by=(dimension,), metrics=question.metrics[:1]), as_of)
    metric = question.metrics[0]
    present = set(frame.loc[frame[metric].fillna(0) > 0, f"{dimension}__key"])
    return fmt.sorted_names([name for key, name in everything if key not in present])


# Measures counted or summed (their unit: a number of things, an amount): over no row
# they are 0. The others (a mean, a median, a rate, a share) have no value over no row.
_COUNTED_KINDS = ("int", "money", "money0")


def empty_value(metric_key: str) -> float | None:
    """What a group with no row has for `metric_key`: 0 for a count or a sum (a commune
    without an order has 0 orders, 0 €, 0 solutions: a value, as on the map page's
    province map), nothing (None) for a mean, a median, a rate or a share (of nothing).
    Side by side and the Explorer's map say it so."""
    return 0.0 if METRICS[metric_key].words.kind in _COUNTED_KINDS else None


@cached_query
def by_every_commune(con, question: Question, as_of: dt.date) -> pd.DataFrame:
    """The answer of `question` grouped by commune alone, with a row for every commune
    existing on the period's end (within the question's commune and arrondissement
    filters): a commune the answer does not have gets `empty_value` for each metric.
    For the province map, where only a commune with no value at all is « pas de
    données »."""
    frame = answer(con, question.with_(by=("commune",)), as_of)
    span = window(question.period, as_of)
    communes = con.execute(
        "SELECT nis_code, name_fr, arrondissement FROM communes_at(?)", [span.until]
    ).fetchall()
    kept = {
        dim: {str(v) for v in values}
        for dim, values in question.filters
        if dim in ("commune", "arrondissement")
    }
    present = set(frame["commune__key"])
    rows = [
        {"commune": name, "commune__key": nis} | {m: empty_value(m) for m in question.metrics}
        for nis, name, arrondissement in communes
        if nis not in present
        and nis in kept.get("commune", {nis})
        and arrondissement in kept.get("arrondissement", {arrondissement})
    ]
    if not rows:
        return frame
    filled = pd.DataFrame(rows).astype({m: "float64" for m in question.metrics})
    return _sorted(pd.concat([frame, filled], ignore_index=True), question.with_(by=("commune",)))


@cached_query
def side_by_side(
    con, question: Question, as_of: dt.date, communes: tuple[str, ...], metrics: tuple[str, ...]
) -> pd.DataFrame:
    """Two to four communes (NIS codes) in columns, one row per metric of `metrics` that
    groups by commune: the question's period and filters. Columns: metric (key),
    measure (French label), then one per commune (its name) with the value as a number."""
    names = dict(
        con.execute(
            "SELECT nis_code, name_fr FROM communes_at(?) WHERE list_contains(?::VARCHAR[], "
            "nis_code)",
            [window(question.period, as_of).until, list(communes)],
        ).fetchall()
    )
    rows = []
    for key in metrics:
        if "commune" not in dimensions_for(key):
            continue
        asked = question.with_(
            metrics=(key,),
            by=("commune",),
            filters=(*[f for f in question.filters if f[0] != "commune"], ("commune", communes)),
            compare=None,
        )
        frame = answer(con, asked, as_of)
        values = dict(zip(frame["commune__key"], frame[key]))
        row: dict[str, object] = {"metric": key, "measure": METRICS[key].label}
        for nis in communes:
            if nis in names:
                value = values.get(nis)
                row[names[nis]] = empty_value(key) if value is None else value
        rows.append(row)
    return pd.DataFrame(rows)


@cached_query
def what_changed(con, since: dt.date, as_of: dt.date) -> pd.DataFrame:
    """Everything that happened after `since` up to `as_of`, newest first: conventions
    signed and withdrawn, order forms sent, awards, survey answers (one line per commune
    and survey), contacts held and data loads. Columns: day, what, commune, detail."""
    from centrale.domain import LOAD_ACTIONS, OrderStatus

    return con.execute(
        """
        SELECT * FROM (
            SELECT a.signed_on AS day, 'Adhésion signée' AS what, c.name_fr AS commune,
                   '' AS detail
            FROM adhesions a JOIN communes c ON c.nis_code = a.commune_nis
            WHERE a.signed_on > ? AND a.signed_on <= ?
            UNION ALL
            SELECT a.withdrawn_on, 'Adhésion retirée', c.name_fr, ''
            FROM adhesions a JOIN communes c ON c.nis_code = a.commune_nis
            WHERE a.withdrawn_on > ? AND a.withdrawn_on <= ?
            UNION ALL
            SELECT o.sent_on, 'Bon de commande envoyé', c.name_fr, s.name_fr
            FROM orders o JOIN communes c ON c.nis_code = o.commune_nis
            JOIN solutions s USING (solution_id)
            WHERE o.sent_on > ? AND o.sent_on <= ? AND o.status <> ?
            UNION ALL
            SELECT o.awarded_on, 'Marché attribué', c.name_fr,
                   s.name_fr || ' — ' || coalesce(o.provider, '')
            FROM orders o JOIN communes c ON c.nis_code = o.commune_nis
            JOIN solutions s USING (solution_id)
            WHERE o.awarded_on > ? AND o.awarded_on <= ?
            UNION ALL
            SELECT max(a.submitted_on), 'Réponse à l''enquête ' || a.year, c.name_fr,
                   CAST(count(*) FILTER (WHERE NOT a.no_needs) AS VARCHAR)
                   || CASE WHEN count(*) FILTER (WHERE NOT a.no_needs) < 2 THEN ' besoin'
                           ELSE ' besoins' END
            FROM survey_answers a JOIN communes c ON c.nis_code = a.commune_nis
            WHERE a.submitted_on > ? AND a.submitted_on <= ?
            GROUP BY a.year, c.name_fr
            UNION ALL
            SELECT e.held_on, 'Rencontre', c.name_fr, e.kind
            FROM events e JOIN communes c ON c.nis_code = e.commune_nis
            WHERE e.held_on > ? AND e.held_on <= ?
            UNION ALL
            SELECT CAST(l.loaded_at AS DATE), 'Chargement des données', '',
                   CASE l.action WHEN ? THEN ? WHEN ? THEN ? WHEN ? THEN ? ELSE l.action END
                       || ' par ' || coalesce(l.loaded_by, '?')
            FROM load_log l
            WHERE CAST(l.loaded_at AS DATE) > ? AND CAST(l.loaded_at AS DATE) <= ?)
        ORDER BY day DESC, what, commune COLLATE NOACCENT.NOCASE
        """,
        [since, as_of] * 3
        + [str(OrderStatus.CANCELLED)]
        + [since, as_of] * 3
        + [word for pair in LOAD_ACTIONS.items() for word in pair]
        + [since, as_of],
    ).df()
