"""The semantic layer's declarations: facts, their joins, dimensions and measures, once.

A *fact* is a table expression of the store as known on a date `d` (the schema's
`*_at(d)` macros), with the entities it carries (`commune`, `solution`, …, each a
column of the fact) and its event dates (`sent`, `awarded`, …). A *dimension*
belongs to one entity or one event date: the fact offers it when it carries that
entity or date, and the join it needs (communes on `d`, the catalogue) is declared
here, once. A *metric* is an aggregate over one fact, with its row condition, the
event date a period filters on (a flow, « pendant la période ») or none (a stock,
« au <date> »), and whether it adds up across groups. Its words (label, unit,
format, definition) are the `centrale.semantic.measures` entry of the same key.

Every SQL fragment below is a constant of this module; values (statuses, the
award promise, dates, filters) are bound with `?` by `centrale.semantic.compile`.
Status literals and the promise appear in the layer's SQL only through `Param`.

Streamlit-free, pandas-free at import.
"""

# Over 500 lines: the declarations of the semantic layer (facts, joins, every measure and
# dimension): a registry is read best in one place.

from __future__ import annotations

from dataclasses import dataclass, field

from centrale.domain import (
    ADHESION_LABELS,
    ORDER_STATUS_LABELS,
    AdhesionStatus,
)
from centrale.semantic import measures
from centrale.semantic import sql as order_sql

# --- Parameters ------------------------------------------------------------------------
# A metric's SQL holds `?`; its `params` say what each binds: a plain value (a status,
# the promise) or one of these names, resolved from the question at compile time.
AS_OF = "$as_of"  # the question's reference date (the period's end)
CONVERSION_DAYS = "$conversion_days"  # "survey → order within N days"
USUAL_FACTOR = "$usual_factor"  # "amount above factor × the solution's median"

_TAKEN = order_sql.TAKEN
_AWARDED = order_sql.AWARDED
_SENT = order_sql.SENT
_CANCELLED = order_sql.CANCELLED
_ADHERED = str(AdhesionStatus.ADHERED)


@dataclass(frozen=True)
class Fact:
    """A table of the store on date `d`: `source` is SQL with `?` bound by `source_params`
    (each AS_OF or a value). `entities`: entity -> column; `dates`: event -> column."""

    key: str
    label: str  # French plural noun: 'commandes', 'adhésions', 'réponses à l'enquête'
    source: str
    source_params: tuple
    entities: dict[str, str]
    dates: dict[str, str] = field(default_factory=dict)
    # The drill-through: SQL select list over the fact `f` and the joins `cm`, `so`
    # (column -> SQL), its French headers in `DETAIL_LABELS`.
    detail: tuple[tuple[str, str], ...] = ()
    detail_order: str = ""


# The commune-grain fact on d: each commune existing on d, its adhesion status (the same
# rule as queries.commune_status: active convention, signed once and withdrawn, never).
_COMMUNES_SOURCE = """(
    SELECT c.nis_code AS commune_nis, c.population,
           CASE WHEN adh.active THEN ? WHEN adh.commune_nis IS NOT NULL THEN ? ELSE ? END
               AS adhesion_status,
           adh.first_signed_on AS signed_on
    FROM communes_at(?) c
    LEFT JOIN (SELECT commune_nis, min(signed_on) AS first_signed_on, bool_or(active) AS active
               FROM adhesions_at(?) GROUP BY commune_nis) adh ON adh.commune_nis = c.nis_code)"""

# Orders on d, each with its amount relative to the median amount of the awarded orders
# of its solution (the "outlier" measure only: the window costs at a million orders).
_PRICED_ORDERS_SOURCE = """(
    SELECT o.*, o.amount_eur::DOUBLE / nullif(m.median_amount, 0) AS amount_ratio
    FROM orders_at(?) o
    LEFT JOIN (SELECT solution_id, median(amount_eur::DOUBLE) AS median_amount
               FROM orders_at(?) WHERE status = ? GROUP BY solution_id) m USING (solution_id))"""

# Per commune existing on d with an award by d: first signature, first award.
_JOURNEYS_SOURCE = """(
    SELECT a.commune_nis, a.first_signed_on, o.first_awarded_on,
           date_diff('day', a.first_signed_on, o.first_awarded_on) AS days_to_award
    FROM (SELECT commune_nis, min(signed_on) AS first_signed_on
          FROM adhesions_at(?) GROUP BY commune_nis) a
    JOIN (SELECT commune_nis, min(awarded_on) AS first_awarded_on
          FROM orders_at(?) WHERE status = ? GROUP BY commune_nis) o USING (commune_nis)
    JOIN communes_at(?) c ON c.nis_code = a.commune_nis)"""

# Survey needs of a catalogue solution, each with the days from the answer to the
# commune's first order form for that solution sent on or after it (NULL: none yet).
_NEEDS_SOURCE = """(
    SELECT s.commune_nis, s.year, s.need_solution_id, s.submitted_on,
           date_diff('day', s.submitted_on, o.sent_on) AS days_to_order
    FROM (SELECT * FROM survey_answers_at(?)
          WHERE need_solution_id IS NOT NULL AND submitted_on IS NOT NULL) s
    -- the first order form of that solution sent on or after the answer (an as-of join:
    -- a plain join with an inequality costs seconds at a million orders)
    ASOF LEFT JOIN (SELECT commune_nis, solution_id, sent_on FROM orders_at(?)
                    WHERE list_contains(?::VARCHAR[], status)) o
      ON o.commune_nis = s.commune_nis AND o.solution_id = s.need_solution_id
     AND s.submitted_on <= o.sent_on)"""

_ORDER_ENTITIES = {
    "commune": "commune_nis",
    "solution": "solution_id",
    "provider": "provider",
    "order_status": "status",
}
_ORDER_DATES = {"sent": "sent_on", "awarded": "awarded_on"}
_ORDER_DETAIL = (
    ("order_id", "f.order_id"),
    ("commune", "cm.name_fr"),
    ("solution", "so.name_fr"),
    ("sent_on", "f.sent_on"),
    ("awarded_on", "f.awarded_on"),
    ("provider", "f.provider"),
    ("amount_eur", "f.amount_eur::DOUBLE"),
    ("status", "f.status"),
    ("lead_days", "f.lead_days"),
)
_ORDER_DETAIL_ORDER = "f.sent_on DESC, f.order_id"

FACTS: dict[str, Fact] = {
    f.key: f
    for f in [
        Fact(
            "orders",
            "commandes",
            "orders_at(?)",
            (AS_OF,),
            _ORDER_ENTITIES,
            _ORDER_DATES,
            detail=_ORDER_DETAIL,
            detail_order=_ORDER_DETAIL_ORDER,
        ),
        Fact(
            "priced_orders",
            "commandes",
            _PRICED_ORDERS_SOURCE,
            (AS_OF, AS_OF, _AWARDED),
            _ORDER_ENTITIES,
            _ORDER_DATES,
            detail=(*_ORDER_DETAIL, ("amount_ratio", "round(f.amount_ratio, 2)")),
            detail_order=_ORDER_DETAIL_ORDER,
        ),
        Fact(
            "communes",
            "communes",
            _COMMUNES_SOURCE,
            (
                _ADHERED,
                str(AdhesionStatus.WITHDRAWN),
                str(AdhesionStatus.NOT_ADHERED),
                AS_OF,
                AS_OF,
            ),
            {"commune": "commune_nis", "adhesion_status": "adhesion_status"},
            {},
            detail=(
                ("commune", "cm.name_fr"),
                ("arrondissement", "cm.arrondissement"),
                ("population", "f.population"),
                ("adhesion_status", "f.adhesion_status"),
                ("signed_on", "f.signed_on"),
            ),
            detail_order="cm.name_fr COLLATE NOACCENT.NOCASE",
        ),
        Fact(
            "adhesions",
            "conventions d'adhésion",
            "adhesions_at(?)",
            (AS_OF,),
            {"commune": "commune_nis"},
            {"signed": "signed_on"},
            detail=(
                ("commune", "cm.name_fr"),
                ("signed_on", "f.signed_on"),
                ("withdrawn_on", "f.withdrawn_on"),
            ),
            detail_order="f.signed_on DESC",
        ),
        Fact(
            "answers",
            "réponses à l'enquête",
            "survey_answers_at(?)",
            (AS_OF,),
            {
                "commune": "commune_nis",
                "solution": "need_solution_id",
                "survey_year": "year",
                "need": "need_label",
            },
            {"answered": "submitted_on"},
            detail=(
                ("commune", "cm.name_fr"),
                ("survey_year", "f.year"),
                ("need", "coalesce(so.name_fr, f.need_label)"),
                ("priority", "f.priority"),
                ("submitted_on", "f.submitted_on"),
            ),
            detail_order="f.submitted_on DESC NULLS LAST",
        ),
        Fact(
            "needs",
            "besoins d'une solution du catalogue",
            _NEEDS_SOURCE,
            (AS_OF, AS_OF, _TAKEN),
            {"commune": "commune_nis", "solution": "need_solution_id", "survey_year": "year"},
            {"answered": "submitted_on"},
            detail=(
                ("commune", "cm.name_fr"),
                ("survey_year", "f.year"),
                ("solution", "so.name_fr"),
                ("submitted_on", "f.submitted_on"),
                ("days_to_order", "f.days_to_order"),
            ),
            detail_order="f.submitted_on DESC",
        ),
        Fact(
            "journeys",
            "parcours des communes",
            _JOURNEYS_SOURCE,
            (AS_OF, AS_OF, _AWARDED, AS_OF),
            {"commune": "commune_nis"},
            {"signed": "first_signed_on", "awarded": "first_awarded_on"},
            detail=(
                ("commune", "cm.name_fr"),
                ("signed_on", "f.first_signed_on"),
                ("first_awarded_on", "f.first_awarded_on"),
                ("days_to_award", "f.days_to_award"),
            ),
            detail_order="f.days_to_award DESC",
        ),
        Fact(
            "events",
            "rencontres",
            "events_at(?)",
            (AS_OF,),
            {"commune": "commune_nis"},
            {"held": "held_on"},
            detail=(
                ("commune", "cm.name_fr"),
                ("held_on", "f.held_on"),
                ("event_kind", "f.kind"),
                ("people", "f.people"),
            ),
            detail_order="f.held_on DESC",
        ),
    ]
}

# The joins, declared once: alias -> (SQL with `{col}` for the fact's entity column,
# params). A dimension names the alias it reads.
JOINS: dict[str, tuple[str, str, tuple]] = {
    "cm": ("commune", "LEFT JOIN communes_at(?) cm ON cm.nis_code = f.{col}", (AS_OF,)),
    "so": ("solution", "LEFT JOIN solutions so ON so.solution_id = f.{col}", ()),
}

# French words of an event date, for time dimensions and the period sentence.
EVENTS = {
    "sent": "d'envoi",
    "awarded": "d'attribution",
    "signed": "d'adhésion",
    "answered": "de réponse",
    "held": "de rencontre",
}
EVENT_NOUNS = {
    "sent": "envoyées",
    "awarded": "attribuées",
    "signed": "signées",
    "answered": "reçues",
    "held": "tenues",
}


@dataclass(frozen=True)
class Dimension:
    """A way to group and filter. `entity`: the fact entity it reads (its column is `{col}`),
    or `date:<event>` for a calendar dimension; `join`: the JOINS alias it needs.
    `key_sql` is what filters and drill-throughs match; `label_sql` what is shown."""

    key: str
    label: str
    entity: str
    key_sql: str
    label_sql: str | None = None
    join: str | None = None
    labels: dict[str, str] | None = None  # raw value -> French label (statuses)
    temporal: bool = False
    help: str = ""  # what it groups by, one French sentence (the Aide glossary)

    def shown_sql(self) -> str:
        return self.label_sql or self.key_sql


# The date each calendar dimension reads, and the calendar unit, in words.
EVENT_DATES = {
    "sent": "où le bon de commande a été envoyé",
    "awarded": "où le marché a été attribué",
    "signed": "où la convention d'adhésion a été signée",
    "answered": "où la commune a répondu à l'enquête",
    "held": "où la rencontre a eu lieu",
}
_UNIT_HELP = {
    "year": "L'année civile",
    "quarter": "Le trimestre civil (T1 à T4)",
    "month": "Le mois",
}


def _calendar(event: str, unit: str, label: str) -> Dimension:
    sql = {
        "year": "year(f.{col})",
        "quarter": "strftime(date_trunc('quarter', f.{col}), '%Y') || '-T' || quarter(f.{col})",
        "month": "strftime(f.{col}, '%Y-%m')",
    }[unit]
    return Dimension(
        f"{unit}_{event}",
        f"{label} {EVENTS[event]}",
        f"date:{event}",
        sql,
        temporal=True,
        help=f"{_UNIT_HELP[unit]} {EVENT_DATES[event]}.",
    )


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in [
        Dimension(
            "commune",
            "Commune",
            "commune",
            "cm.nis_code",
            "cm.name_fr",
            "cm",
            help="La commune de la province telle qu'elle existe à la date : une commune "
            "fusionnée compte pour celle qui l'a absorbée.",
        ),
        Dimension(
            "arrondissement",
            "Arrondissement",
            "commune",
            "cm.arrondissement",
            join="cm",
            help="L'arrondissement administratif de la province auquel appartient la commune.",
        ),
        Dimension(
            "solution",
            "Solution",
            "solution",
            "so.solution_id",
            "so.name_fr",
            "so",
            help="Une solution du catalogue de la centrale (ou la solution demandée dans "
            "une réponse à l'enquête).",
        ),
        Dimension(
            "category",
            "Catégorie",
            "solution",
            "so.category",
            join="so",
            help="La catégorie du catalogue à laquelle appartient la solution.",
        ),
        Dimension(
            "provider",
            "Adjudicataire",
            "provider",
            "f.{col}",
            help="L'entreprise à qui le marché d'une commande a été attribué (connue une fois "
            "la commande attribuée).",
        ),
        Dimension(
            "order_status",
            "Statut de la commande",
            "order_status",
            "f.{col}",
            labels={str(k): v for k, v in ORDER_STATUS_LABELS.items()},
            help="Où en est la commande à la date : "
            + ", ".join(v.lower() for v in ORDER_STATUS_LABELS.values())
            + ".",
        ),
        Dimension(
            "adhesion_status",
            "Statut d'adhésion",
            "adhesion_status",
            "f.{col}",
            labels={str(k): v for k, v in ADHESION_LABELS.items()},
            help="La situation de la commune à la date : "
            + ", ".join(v.lower() for v in ADHESION_LABELS.values())
            + ".",
        ),
        Dimension(
            "survey_year",
            "Année d'enquête",
            "survey_year",
            "f.{col}",
            help="L'année de l'enquête des besoins à laquelle la commune a répondu.",
        ),
        Dimension(
            "need",
            "Besoin exprimé",
            "need",
            "f.{col}",
            help="Un besoin tel que la commune l'a écrit dans sa réponse à l'enquête.",
        ),
        *[
            _calendar(event, unit, label)
            for event in ("sent", "awarded", "signed")
            for unit, label in (("year", "Année"), ("quarter", "Trimestre"), ("month", "Mois"))
        ],
    ]
}


@dataclass(frozen=True)
class Metric:
    """An aggregate `sql` over fact `fact` (alias `f`, joins `cm`/`so` when a dimension
    needs them) on the rows where `where` holds. `event`: the fact date a period filters
    on (a flow); None: a stock, taken on the question's date. `additive`: the total of
    the groups equals the ungrouped figure (counts and sums over disjoint groups)."""

    key: str
    fact: str
    sql: str
    params: tuple = ()
    where: str = "TRUE"
    where_params: tuple = ()
    event: str | None = None
    additive: bool = True
    # Each commune once: `sql` aggregates `_p` (the commune's population on d) over the
    # distinct communes of each group, not over the fact's rows.
    per_commune: bool = False

    @property
    def words(self) -> measures.Measure:
        return measures.measure(self.key)

    @property
    def label(self) -> str:
        return self.words.label

    @property
    def is_stock(self) -> bool:
        return self.event is None


METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        # Orders
        Metric(
            "orders_sent",
            "orders",
            "count(*)",
            where="f.status <> ?",
            where_params=(_CANCELLED,),
            event="sent",
        ),
        Metric(
            "orders_awarded",
            "orders",
            "count(*)",
            where="f.status = ?",
            where_params=(_AWARDED,),
            event="awarded",
        ),
        Metric(
            "orders_pending",
            "orders",
            "count(*)",
            where="f.status = ?",
            where_params=(_SENT,),
            event="sent",
        ),
        Metric(
            "orders_late",
            "orders",
            "count(*)",
            where="f.status <> ? AND coalesce(f.lead_days, f.days_pending) > ?",
            where_params=(_CANCELLED, order_sql.PROMISE_DAYS),
            event="sent",
        ),
        Metric(
            "amount_awarded_eur",
            "orders",
            "coalesce(sum(f.amount_eur), 0)::DOUBLE",
            where="f.status = ?",
            where_params=(_AWARDED,),
            event="awarded",
        ),
        Metric(
            "median_award_days",
            "orders",
            "median(f.lead_days)::DOUBLE",
            where="f.status = ?",
            where_params=(_AWARDED,),
            event="awarded",
            additive=False,
        ),
        Metric(
            "mean_award_days",
            "orders",
            "avg(f.lead_days)::DOUBLE",
            where="f.status = ?",
            where_params=(_AWARDED,),
            event="awarded",
            additive=False,
        ),
        Metric(
            "share_awarded_within_20_days",
            "orders",
            "avg(CASE WHEN f.lead_days <= ? THEN 1.0 ELSE 0.0 END)::DOUBLE",
            params=(order_sql.PROMISE_DAYS,),
            where="f.status = ?",
            where_params=(_AWARDED,),
            event="awarded",
            additive=False,
        ),
        Metric(
            "communes_ordering",
            "orders",
            "count(DISTINCT f.commune_nis)",
            where="list_contains(?::VARCHAR[], f.status)",
            where_params=(_TAKEN,),
            event="sent",
            additive=False,
        ),
        Metric(
            "solutions_ordered",
            "orders",
            "count(DISTINCT f.solution_id)",
            where="list_contains(?::VARCHAR[], f.status)",
            where_params=(_TAKEN,),
            event="sent",
            additive=False,
        ),
        Metric(
            "population_covered",
            "orders",
            "coalesce(sum(_p), 0)::BIGINT",
            where="list_contains(?::VARCHAR[], f.status)",
            where_params=(_TAKEN,),
            event="sent",
            additive=False,
            per_commune=True,
        ),
        Metric(
            "population_covered_share",
            "orders",
            "coalesce(sum(_p), 0)::DOUBLE / (SELECT sum(population) FROM communes_at(?))",
            params=(AS_OF,),
            where="list_contains(?::VARCHAR[], f.status)",
            where_params=(_TAKEN,),
            event="sent",
            additive=False,
            per_commune=True,
        ),
        Metric(
            "orders_above_usual",
            "priced_orders",
            "count(*)",
            where="f.status = ? AND f.amount_ratio >= ?",
            where_params=(_AWARDED, USUAL_FACTOR),
            event="awarded",
        ),
        # Communes (stocks on the date)
        Metric("communes_total", "communes", "count(*)"),
        Metric(
            "communes_adhered",
            "communes",
            "count(*) FILTER (WHERE f.adhesion_status = ?)",
            params=(_ADHERED,),
        ),
        Metric(
            "adhesion_rate",
            "communes",
            "avg(CASE WHEN f.adhesion_status = ? THEN 1.0 ELSE 0.0 END)::DOUBLE",
            params=(_ADHERED,),
            additive=False,
        ),
        Metric("population", "communes", "sum(f.population)::BIGINT"),
        # Adhesions, answers, contacts (flows)
        Metric("conventions_signed", "adhesions", "count(*)", event="signed"),
        Metric(
            "communes_answered",
            "answers",
            "count(DISTINCT f.commune_nis)",
            event="answered",
            additive=False,
        ),
        Metric("needs_expressed", "answers", "count(*)", where="NOT f.no_needs", event="answered"),
        Metric("contacts_held", "events", "count(*)", event="held"),
        Metric(
            "communes_met", "events", "count(DISTINCT f.commune_nis)", event="held", additive=False
        ),
        # Across sources
        Metric(
            "adhesion_to_award_mean",
            "journeys",
            "avg(f.days_to_award)::DOUBLE",
            event="awarded",
            additive=False,
        ),
        Metric(
            "adhesion_to_award_median",
            "journeys",
            "median(f.days_to_award)::DOUBLE",
            event="awarded",
            additive=False,
        ),
        Metric(
            "survey_conversion",
            "needs",
            "avg(CASE WHEN f.days_to_order <= ? THEN 1.0 ELSE 0.0 END)::DOUBLE",
            params=(CONVERSION_DAYS,),
            event="answered",
            additive=False,
        ),
    ]
}

# The population join the per-commune measures read (pc: communes on d).
POPULATION_JOIN = ("LEFT JOIN communes_at(?) pc ON pc.nis_code = f.commune_nis", (AS_OF,))

# French headers of the drill-through columns (the measures' own words where they exist).
DETAIL_LABELS = {
    "order_id": "N° de commande",
    "commune": DIMENSIONS["commune"].label,
    "arrondissement": DIMENSIONS["arrondissement"].label,
    "solution": DIMENSIONS["solution"].label,
    "provider": DIMENSIONS["provider"].label,
    "status": "Statut",
    "adhesion_status": DIMENSIONS["adhesion_status"].label,
    "survey_year": DIMENSIONS["survey_year"].label,
    "need": DIMENSIONS["need"].label,
    "sent_on": "Envoyé le",
    "awarded_on": "Attribué le",
    "first_awarded_on": "Première attribution le",
    "signed_on": "Adhésion signée le",
    "withdrawn_on": "Retrait le",
    "submitted_on": "Réponse le",
    "held_on": "Date",
    "event_kind": "Type de rencontre",
    "people": "Personnes présentes",
    "priority": "Priorité",
    "population": measures.label("population"),
    "amount_eur": measures.label("order_amount_eur"),
    "lead_days": measures.label("lead_days"),
    "amount_ratio": "Montant / médiane de la solution",
    "days_to_order": "Jours jusqu'à la commande",
    "days_to_award": "Jours de l'adhésion à la première attribution",
}
# How each drill-through column is written (the `ui.components.Col` kinds); text otherwise.
DETAIL_KINDS = {
    **dict.fromkeys(
        (
            "sent_on",
            "awarded_on",
            "first_awarded_on",
            "signed_on",
            "withdrawn_on",
            "submitted_on",
            "held_on",
        ),
        "date",
    ),
    "population": measures.measure("population").kind,
    "people": "int",
    "amount_eur": measures.measure("order_amount_eur").kind,
    "lead_days": measures.measure("lead_days").kind,
    "days_to_order": "days",
    "days_to_award": "days",
    "amount_ratio": "decimal",
}
# Raw values shown through domain labels in a drill-through.
DETAIL_VALUE_LABELS = {
    "status": {str(k): v for k, v in ORDER_STATUS_LABELS.items()},
    "adhesion_status": {str(k): v for k, v in ADHESION_LABELS.items()},
}


def dimensions_for(metric_key: str) -> list[str]:
    """The dimensions metric `metric_key` can be grouped or filtered by."""
    fact = FACTS[METRICS[metric_key].fact]
    found = []
    for key, dim in DIMENSIONS.items():
        if dim.entity.startswith("date:"):
            if dim.entity[5:] in fact.dates:
                found.append(key)
        elif dim.entity in fact.entities:
            found.append(key)
    return found


def shared_dimensions(metric_keys) -> list[str]:
    """The dimensions every metric of `metric_keys` accepts, in declaration order."""
    keys = list(metric_keys)
    if not keys:
        return []
    common = set(dimensions_for(keys[0]))
    for key in keys[1:]:
        common &= set(dimensions_for(key))
    return [d for d in DIMENSIONS if d in common]
