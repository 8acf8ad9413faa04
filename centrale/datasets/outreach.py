"""How the communes came to the centrale: contacts, meetings and the funnel.

The `events` table holds one row per commune present at a contact (an
information meeting, a visit, a presentation to the collège…), with the
roles present, never names. Figures are "as known on `as_of`": contacts held
by then, counted for the commune that exists on that day (a merged commune's
contacts count for its successor).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from centrale import fmt
from centrale.cached import cached_query
from centrale.semantic import measures
from centrale.semantic import sql as order_sql
from centrale.sources.kinds import INFO_MEETING_KIND

FUNNEL_STEPS = (
    ("province", measures.label("communes_total")),
    ("met", "Rencontrées au moins une fois"),
    ("adhered", "Adhérentes"),
    ("ordered", "Ayant une commande attribuée"),
    ("ordered_2", "Ayant deux solutions attribuées ou plus"),
)
# The date (a `commune_steps` column) on which a commune reaches each step.
STEP_DATES = {
    "province": None,
    "met": "first_contact",
    "adhered": "signed_on",
    "ordered": "first_order",
    "ordered_2": "second_solution",
}


@cached_query
def communes_met(con, as_of: dt.date) -> int:
    """Communes existing on `as_of` with at least one contact by then."""
    return con.execute(
        "SELECT count(DISTINCT e.commune_nis) FROM events_at(?) e "
        "JOIN communes_at(?) c ON c.nis_code = e.commune_nis",
        [as_of, as_of],
    ).fetchone()[0]


@cached_query
def info_meetings(con, as_of: dt.date) -> dict:
    """Over the information meetings held by `as_of`: communes represented, by their
    bourgmestre, and people present (the sum of the rows' counts)."""
    row = con.execute(
        """
        SELECT count(DISTINCT commune_nis),
               count(DISTINCT commune_nis) FILTER (WHERE has_bourgmestre),
               sum(people)
        FROM events_at(?) e WHERE kind = ?
        """,
        [as_of, INFO_MEETING_KIND],
    ).fetchone()
    then = con.execute(
        "SELECT count(DISTINCT met_as_nis) FROM events_at(?) WHERE kind = ?",
        [as_of, INFO_MEETING_KIND],
    ).fetchone()[0]
    return {
        "communes_represented": row[0],
        "by_bourgmestre": row[1],
        "people": None if row[2] is None else int(row[2]),
        # The communes as they were at the meetings (34 in 2018–2019, the public record):
        # after a merger two of them may now be one (Bertogne and Bastogne).
        "communes_at_the_time": then,
    }


@cached_query
def meetings_mergers(con, as_of: dt.date) -> list[dict]:
    """Mergers by `as_of` of two communes both represented at the information meetings:
    [{'old': 'Bertogne', 'new': 'Bastogne', 'on': date}], oldest first."""
    rows = con.execute(
        """
        SELECT DISTINCT o.name_fr, n.name_fr, m.merged_on
        FROM commune_mergers m
        JOIN communes o ON o.nis_code = m.old_nis JOIN communes n ON n.nis_code = m.new_nis
        WHERE m.merged_on <= ?
          AND EXISTS (SELECT 1 FROM events_at(?) e WHERE e.kind = ? AND e.met_as_nis = m.old_nis)
          AND EXISTS (SELECT 1 FROM events_at(?) e WHERE e.kind = ? AND e.met_as_nis = m.new_nis)
        ORDER BY m.merged_on, o.name_fr COLLATE NOACCENT.NOCASE
        """,
        [as_of, as_of, INFO_MEETING_KIND, as_of, INFO_MEETING_KIND],
    ).fetchall()
    return [{"old": old, "new": new, "on": on} for old, new, on in rows]


def represented_text(meetings: dict, mergers: list[dict]) -> str:
    """'34 communes représentées (33 aujourd'hui : Bertogne a fusionné avec Bastogne le
    02/12/2024)': the count of the public record, and today's with the merger said."""
    then, now = meetings["communes_at_the_time"], meetings["communes_represented"]
    text = f"{then} communes représentées"
    if then != now:
        said = ", ".join(
            f"{m['old']} a fusionné avec {m['new']} le {fmt.date(m['on'])}" for m in mergers
        )
        text += f" ({now} aujourd'hui" + (f"{fmt.NBSP}: {said})" if said else ")")
    return text


@cached_query
def events_summary(con, as_of: dt.date) -> pd.DataFrame:
    """One row per contact held by `as_of`: communes represented, by bourgmestre, people."""
    return con.execute(
        """
        SELECT held_on, kind, coalesce(title, '') AS title,
               count(DISTINCT commune_nis) AS communes,
               count(DISTINCT commune_nis) FILTER (WHERE has_bourgmestre) AS by_bourgmestre,
               sum(people)::INTEGER AS people
        FROM events_at(?) e GROUP BY ALL ORDER BY held_on DESC, kind
        """,
        [as_of],
    ).df()


@cached_query
def communes_by_role(con, as_of: dt.date) -> pd.DataFrame:
    """Per contact and role: how many communes sent someone in that role."""
    return con.execute(
        """
        SELECT held_on, kind, coalesce(title, '') AS title, lower(trim(role)) AS role,
               count(DISTINCT commune_nis) AS communes
        FROM events_at(?) e, unnest(string_split(replace(e.roles, ',', ';'), ';')) AS r(role)
        WHERE trim(role) <> ''
        GROUP BY ALL ORDER BY held_on DESC, communes DESC, role
        """,
        [as_of],
    ).df()


@cached_query
def commune_steps(con, as_of: dt.date) -> pd.DataFrame:
    """Per commune existing on `as_of`: the date it reached each step of the funnel.

    first_contact, signed_on (first adhesion, counted only if active on
    `as_of`), first_order (first award) and second_solution (first award of
    its second distinct solution); NULL when the step is not reached.
    withdrawn_on: its last withdrawal, when it adhered once and no longer does.
    """
    return con.execute(
        """
        WITH contacts AS (
            SELECT commune_nis, min(held_on) AS first_contact, max(held_on) AS last_contact,
                   count(*) AS contacts,
                   arg_max(kind, held_on) AS last_kind
            FROM events_at(?) e GROUP BY commune_nis
        ), adhered AS (
            SELECT commune_nis, min(signed_on) AS signed_on
            FROM adhesions_at(?) GROUP BY commune_nis HAVING bool_or(active)
        ), withdrawn AS (
            SELECT commune_nis, max(withdrawn_on) AS withdrawn_on
            FROM adhesions_at(?) GROUP BY commune_nis HAVING NOT bool_or(active)
        ), firsts AS (
            SELECT commune_nis, solution_id, min(awarded_on) AS awarded_on
            FROM orders_at(?) WHERE status = ? GROUP BY ALL
        ), ordered AS (
            SELECT commune_nis, min(awarded_on) AS first_order,
                   CASE WHEN count(*) >= 2 THEN list_sort(list(awarded_on))[2] END
                       AS second_solution,
                   count(*) AS solutions
            FROM firsts GROUP BY commune_nis
        )
        SELECT c.nis_code AS commune_nis, c.name_fr AS commune, c.arrondissement,
               k.first_contact, k.last_contact, k.last_kind, coalesce(k.contacts, 0) AS contacts,
               a.signed_on, w.withdrawn_on, o.first_order, o.second_solution,
               coalesce(o.solutions, 0) AS solutions
        FROM communes_at(?) c
        LEFT JOIN contacts k ON k.commune_nis = c.nis_code
        LEFT JOIN adhered a ON a.commune_nis = c.nis_code
        LEFT JOIN withdrawn w ON w.commune_nis = c.nis_code
        LEFT JOIN ordered o ON o.commune_nis = c.nis_code
        ORDER BY c.name_fr COLLATE NOACCENT.NOCASE
        """,
        [as_of, as_of, as_of, as_of, order_sql.AWARDED, as_of],
    ).df()


@cached_query
def funnel(con, as_of: dt.date) -> list[dict]:
    """The funnel on `as_of`: communes at each step, conversion from the step before, and the
    median days from the previous step's date (communes that reached both).

    Each step counts the communes that reached it, whatever the earlier
    steps (a commune adhered without a recorded contact still counts as
    adhered): the conversion is the ratio of two counts, not a cohort.
    """
    steps = commune_steps(con, as_of)
    out, previous_count, previous_column = [], None, None
    for key, label in FUNNEL_STEPS:
        column = STEP_DATES[key]
        reached = steps if column is None else steps[steps[column].notna()]
        count = len(reached)
        median_days = None
        if column is not None and previous_column is not None:
            both = reached[reached[previous_column].notna()]
            days = (pd.to_datetime(both[column]) - pd.to_datetime(both[previous_column])).dt.days
            median_days = float(days.median()) if len(days) else None
        out.append(
            {
                "step": key,
                "label": label,
                "communes": count,
                "conversion": (count / previous_count) if previous_count else None,
                "median_days_from_previous": median_days,
            }
        )
        previous_count, previous_column = count, column
    return out


@cached_query
def commune_funnel(con, nis: str, as_of: dt.date) -> list[dict]:
    """One commune's place in the funnel on `as_of`: for each step after "province"
    (met, adhered, ordered, ordered_2), `{"step", "label", "reached_on"}`, the date it
    reached the step (`commune_steps`, the funnel's own dates) or None; the "adhered"
    step also has `withdrawn_on`. Empty when the commune does not exist on `as_of`."""
    steps = commune_steps(con, as_of)
    row = steps[steps["commune_nis"] == nis]
    if row.empty:
        return []
    out = []
    for key, label in FUNNEL_STEPS[1:]:
        step = {"step": key, "label": label, "reached_on": _day(row[STEP_DATES[key]].iloc[0])}
        if key == "adhered":
            step["withdrawn_on"] = _day(row["withdrawn_on"].iloc[0])
        out.append(step)
    return out


def _day(value) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


# A commune's step in one phrase: with its date once reached, else what it has not done.
# An order counts once awarded (`commune_steps`): an order form still in competition is
# « en cours d'attribution » beside it, never « aucune commande » and « 1 commande ».
PLACE_PHRASES = {
    "met": ("rencontrée le {}", "jamais rencontrée"),
    "adhered": ("adhérente le {}", "non adhérente"),
    "ordered": ("1re commande attribuée le {}", "aucune commande attribuée"),
    "ordered_2": ("2e solution le {}", "une seule solution"),
}


def place_sentence(place: list[dict]) -> str:
    """`commune_funnel` told in one line, its « parcours » from the first contact to the
    second solution (that step only once it has ordered); '' for no commune."""
    if not place:
        return ""
    steps = {s["step"]: s for s in place}
    phrases = []
    for key, (reached, missing) in PLACE_PHRASES.items():
        if key == "ordered_2" and steps["ordered"]["reached_on"] is None:
            break
        day = steps[key]["reached_on"]
        if day is None and steps[key].get("withdrawn_on"):
            missing = f"adhésion retirée le {fmt.date(steps[key]['withdrawn_on'])}"
        phrases.append(reached.format(fmt.date(day)) if day else missing)
    return "Parcours : " + " › ".join(phrases)


@cached_query
def never_met(con, as_of: dt.date) -> pd.DataFrame:
    """Communes existing on `as_of` with no contact by then: a list to plan visits."""
    steps = commune_steps(con, as_of)
    return steps[steps["first_contact"].isna()][
        ["commune_nis", "commune", "arrondissement", "signed_on"]
    ].reset_index(drop=True)


@cached_query
def commune_contacts(con, nis: str, as_of: dt.date) -> pd.DataFrame:
    """The contacts of one commune held by `as_of`, latest first."""
    return con.execute(
        """
        SELECT held_on, kind, title, roles, people FROM events_at(?) e
        WHERE commune_nis = ? ORDER BY held_on DESC
        """,
        [as_of, nis],
    ).df()
