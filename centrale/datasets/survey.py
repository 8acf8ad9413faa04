"""The yearly needs survey ("enquête 2.0"): what the store says, and how to read it.

Two halves:

* queries `(con, ...) -> DataFrame`, every value bound with `?`, always "as
  known on `as_of`": an answer counts once its `submitted_on` is on or before
  that day (an answer without a date counts at once, as in `queries.kpis`),
  and a merged commune's answers count for its successor;
* pure functions over those frames (ranking, year-on-year change, survey ->
  order conversion, the 2.0 shortlist), tested with tiny literal stores.

A "need" is keyed by its catalogue code when the commune named a catalogue
solution, else by its label folded with `names.normalise` (so `Capteurs de
stationnement` and `capteurs de  Stationnement` are one need). A need is
"covered" when its solution has a framework agreement in force on `as_of`:
in 2020 the 2.0 solutions were still wishes, today they are in the catalogue.
"""

# Over 500 lines: the analysis of the needs survey: answers, ranking, conversion to orders,
# shortlist; to split into answers / ranking next.

from __future__ import annotations

import datetime as dt

import pandas as pd

from centrale import domain, fmt
from centrale.cached import cached_derivation, cached_query
from centrale.domain import Coverage
from centrale.names import normalise
from centrale.semantic import measures
from centrale.semantic import sql as order_sql

# Priority 1 (highest) weighs 3, priority 2 weighs 2, priority 3 weighs 1; a need
# given without a priority weighs as the lowest (it was asked for all the same).
PRIORITY_WEIGHTS = {1: 3, 2: 2, 3: 1}
DEFAULT_WEIGHT = 1
TRENDS = ("nouveau", "en hausse", "stable", "en baisse", "première enquête")
COVERED = Coverage.COVERED
NOT_COVERED = Coverage.NOT_COVERED


# --- Queries -----------------------------------------------------------------


def deadline_passed(deadline: dt.date | None, day: dt.date) -> bool:
    """The one rule for « date limite dépassée »: `day` is after the deadline (the deadline
    day itself still counts as on time). No deadline (None, NaT) never passes."""
    if deadline is None or pd.isna(deadline):
        return False
    return pd.Timestamp(deadline).date() < day


@cached_query
def survey_campaigns(con) -> pd.DataFrame:
    """year, sent_on, deadline: one row per campaign, plus years that only have answers
    (their dates are then NULL), most recent first."""
    return con.execute(
        """
        SELECT y.year, c.sent_on, c.deadline
        FROM (SELECT year FROM survey_campaigns UNION SELECT year FROM survey_answers) y
        LEFT JOIN survey_campaigns c USING (year)
        ORDER BY y.year DESC
        """
    ).df()


@cached_query
def survey_answers_at(con, as_of: dt.date) -> pd.DataFrame:
    """Every answer row known on `as_of`, one row per commune × need (or "no needs").

    Columns: year, commune_nis (the commune it counts for on `as_of`), commune,
    answered_as_nis / answered_as (the commune that answered, before a merger),
    arrondissement, population, member (active adhesion on `as_of`),
    need_solution_id, need_label (as written), no_needs, need_key, need (display
    name: the catalogue name, or the most common spelling of a new need),
    catalogue ('1.0', '2.0'… or NULL), covered (framework in force on `as_of`),
    priority, horizon, budget_eur, submitted_on, respondent, comment,
    source_file, source_row.
    """
    frame = con.execute(
        """
        WITH members AS (
            SELECT DISTINCT commune_nis FROM adhesions_at(?) WHERE active),
        in_force AS (
            SELECT DISTINCT solution_id FROM framework
            WHERE starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?))
        SELECT a.year, a.commune_nis,
               c.name_fr AS commune, a.answered_as_nis,
               o.name_fr AS answered_as, c.arrondissement,
               coalesce(p.population, c.population) AS population,
               m.commune_nis IS NOT NULL AS member,
               a.need_solution_id, a.need_label, a.no_needs,
               s.name_fr AS solution_name, s.catalogue,
               f.solution_id IS NOT NULL AS covered,
               a.priority, a.horizon, a.budget_eur::DOUBLE AS budget_eur, a.submitted_on,
               a.respondent, a.comment, a.source_file, a.source_row
        FROM survey_answers_at(?) a
        JOIN communes o ON o.nis_code = a.answered_as_nis
        JOIN communes c ON c.nis_code = a.commune_nis
        LEFT JOIN communes_at(?) p ON p.nis_code = c.nis_code
        LEFT JOIN members m ON m.commune_nis = c.nis_code
        LEFT JOIN solutions s ON s.solution_id = a.need_solution_id
        LEFT JOIN in_force f ON f.solution_id = a.need_solution_id
        ORDER BY a.year, c.name_fr COLLATE NOACCENT.NOCASE, a.priority NULLS LAST, a.source_row
        """,
        [as_of] * 5,
    ).df()
    return with_need_keys(frame)


@cached_query
def survey_orders_at(con, as_of: dt.date) -> pd.DataFrame:
    """commune_nis (as counted on `as_of`), solution_id, sent_on of every order sent by
    `as_of` and not cancelled: what "has since ordered it" is checked against."""
    return con.execute(
        """
        SELECT commune_nis, solution_id, sent_on, status FROM orders_at(?)
        WHERE status <> ? ORDER BY sent_on
        """,
        [as_of, order_sql.CANCELLED],
    ).df()


@cached_query
def campaign_status(con, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per commune existing on `as_of`: where it stands in survey `year`.

    Columns: nis_code, name_fr, arrondissement, population, member (active
    adhesion on `as_of`), answered, submitted_on (first answer), late (after the
    campaign's deadline), needs (rows other than "no needs"), no_needs,
    respondent, last_answer_year (the latest survey up to `year` it answered).
    """
    return con.execute(
        """
        WITH ans AS (
            SELECT effective_nis(commune_nis, ?) AS nis, min(submitted_on) AS submitted_on,
                   count(*) FILTER (WHERE NOT no_needs) AS needs,
                   bool_and(no_needs) AS no_needs, min(respondent) AS respondent
            FROM survey_answers
            WHERE year = ? AND (submitted_on IS NULL OR submitted_on <= ?)
            GROUP BY 1),
        last AS (
            SELECT effective_nis(commune_nis, ?) AS nis, max(year) AS last_answer_year
            FROM survey_answers
            WHERE year <= ? AND (submitted_on IS NULL OR submitted_on <= ?)
            GROUP BY 1),
        members AS (SELECT DISTINCT commune_nis FROM adhesions_at(?) WHERE active)
        SELECT c.nis_code, c.name_fr, c.arrondissement, c.population,
               m.commune_nis IS NOT NULL AS member,
               ans.nis IS NOT NULL AS answered, ans.submitted_on,
               coalesce(ans.submitted_on > k.deadline, false) AS late,
               coalesce(ans.needs, 0) AS needs, coalesce(ans.no_needs, false) AS no_needs,
               ans.respondent, last.last_answer_year
        FROM communes_at(?) c
        LEFT JOIN ans ON ans.nis = c.nis_code
        LEFT JOIN last ON last.nis = c.nis_code
        LEFT JOIN members m ON m.commune_nis = c.nis_code
        LEFT JOIN survey_campaigns k ON k.year = ?
        ORDER BY c.name_fr COLLATE NOACCENT.NOCASE
        """,
        [as_of, year, as_of, as_of, year, as_of, as_of, as_of, year],
    ).df()


@cached_query
def catalogue_at(con, as_of: dt.date) -> pd.DataFrame:
    """solution_id, name_fr, catalogue, covered (framework in force on `as_of`)."""
    return con.execute(
        """
        SELECT s.solution_id, s.name_fr, s.catalogue,
               EXISTS (SELECT 1 FROM framework f WHERE f.solution_id = s.solution_id
                       AND f.starts_on <= ? AND (f.ends_on IS NULL OR f.ends_on >= ?))
                   AS covered
        FROM solutions s ORDER BY s.catalogue, s.name_fr COLLATE NOACCENT.NOCASE
        """,
        [as_of, as_of],
    ).df()


# --- Pure helpers ------------------------------------------------------------


def need_key(solution_id: object, label: object) -> str | None:
    """The identity of a need: its catalogue code, else 'label:' + the folded label."""
    if isinstance(solution_id, str) and solution_id:
        return solution_id
    if isinstance(label, str) and label.strip():
        return "label:" + normalise(label)
    return None


def with_need_keys(answers: pd.DataFrame) -> pd.DataFrame:
    """Add need_key and need (display name) to answer rows (see `survey_answers_at`).

    A new need is displayed with its most frequent spelling (ties: the first
    in alphabetical order), so one stray capital does not split or rename it.
    """
    frame = answers.copy()
    keys = [need_key(s, lab) for s, lab in zip(frame["need_solution_id"], frame["need_label"])]
    frame["need_key"] = pd.Series(keys, index=frame.index, dtype=object)
    labels = frame.loc[frame["need_solution_id"].isna() & frame["need_key"].notna()]
    spelling = (
        labels.groupby(["need_key", "need_label"])
        .size()
        .reset_index(name="n")
        .sort_values(["need_key", "n", "need_label"], ascending=[True, False, True])
        .drop_duplicates("need_key")
        .set_index("need_key")["need_label"]
    )
    names = frame["solution_name"] if "solution_name" in frame else frame["need_solution_id"]
    frame["need"] = names.where(frame["need_solution_id"].notna(), frame["need_key"].map(spelling))
    return frame


def _weights(priority: pd.Series) -> pd.Series:
    return priority.map(
        lambda p: PRIORITY_WEIGHTS.get(int(p), DEFAULT_WEIGHT) if pd.notna(p) else DEFAULT_WEIGHT
    ).astype("int64")


def needs_of_year(answers: pd.DataFrame, year: int) -> pd.DataFrame:
    """Answer rows of `year` that name a need, one per commune × need (after mergers:
    when a commune and the one it merged into both asked, the higher priority stays)."""
    rows = answers[(answers["year"] == year) & ~answers["no_needs"].astype(bool)]
    rows = rows[rows["need_key"].notna()].copy()
    rows["_p"] = pd.to_numeric(rows["priority"], errors="coerce").fillna(9)
    rows = rows.sort_values(["commune_nis", "need_key", "_p"])
    return rows.drop_duplicates(["commune_nis", "need_key"]).drop(columns="_p")


def respondents(answers: pd.DataFrame, year: int) -> int:
    """How many communes answered survey `year` ("no needs" included)."""
    return int(answers.loc[answers["year"] == year, "commune_nis"].nunique())


RANK_BY = {
    "communes": "Nombre de communes",
    "weighted_demand": "Demande pondérée par la priorité",
    "population": measures.label("need_population"),
}


@cached_derivation
def rank_needs(answers: pd.DataFrame, year: int, by: str = "communes") -> pd.DataFrame:
    """Needs of survey `year`, ranked by `by` (a key of `RANK_BY`), best first.

    Columns: rank, need_key, need, need_solution_id, catalogue, covered, status
    (COVERED / NOT_COVERED), communes, members, weighted_demand (sum of the
    priority weights 3/2/1), priority_mean, priority_1 (communes giving it
    priority 1), population (of the communes asking), budget_eur (sum of the
    budgets given), budgets (how many gave one), share (communes / respondents).
    Ties are broken by the other two criteria, then by name.
    """
    if by not in RANK_BY:
        raise ValueError(f"critère de classement inconnu : {by}")
    rows = needs_of_year(answers, year)
    columns = [
        "rank",
        "need_key",
        "need",
        "need_solution_id",
        "catalogue",
        "covered",
        "status",
        "communes",
        "members",
        "weighted_demand",
        "priority_mean",
        "priority_1",
        "population",
        "budget_eur",
        "budgets",
        "share",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows["_w"] = _weights(rows["priority"])
    rows["_p"] = pd.to_numeric(rows["priority"], errors="coerce")
    ranked = rows.groupby("need_key", as_index=False).agg(
        need=("need", "first"),
        need_solution_id=("need_solution_id", "first"),
        catalogue=("catalogue", "first"),
        covered=("covered", "first"),
        communes=("commune_nis", "nunique"),
        members=("member", "sum"),
        weighted_demand=("_w", "sum"),
        priority_mean=("_p", "mean"),
        priority_1=("_p", lambda p: int((p == 1).sum())),
        population=("population", "sum"),
        budget_eur=("budget_eur", "sum"),
        budgets=("budget_eur", "count"),
    )
    ranked["covered"] = ranked["covered"].fillna(False).astype(bool)
    ranked["status"] = ranked["covered"].map({True: COVERED, False: NOT_COVERED})
    ranked["members"] = ranked["members"].astype("int64")
    ranked["share"] = ranked["communes"] / max(respondents(answers, year), 1)
    order = [by] + [c for c in RANK_BY if c != by]
    ranked = ranked.sort_values(order + ["need"], ascending=[False] * 3 + [True])
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    return ranked[columns].reset_index(drop=True)


@cached_derivation
def demand_by_arrondissement(answers: pd.DataFrame, year: int) -> pd.DataFrame:
    """Communes asking for each need of `year`, per arrondissement (long format).

    Columns: need_key, need, arrondissement, communes.
    """
    rows = needs_of_year(answers, year)
    if rows.empty:
        return pd.DataFrame(columns=["need_key", "need", "arrondissement", "communes"])
    return (
        rows.groupby(["need_key", "need", "arrondissement"], as_index=False)["commune_nis"]
        .nunique()
        .rename(columns={"commune_nis": "communes"})
        .sort_values(["need", "arrondissement"])
        .reset_index(drop=True)
    )


@cached_derivation
def year_on_year(answers: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per need asked in `year` or in `year - 1`: the change in communes asking.

    Columns: need_key, need, communes, communes_previous, change, share,
    share_previous (of each year's respondents), first_year, trend:
    'nouveau' (never asked before `year`), 'en hausse' / 'en baisse' / 'stable'
    (by the number of communes; a need not asked any more is 'en baisse'), or
    'première enquête' when no earlier survey exists to compare with.
    Ordered by trend (as in TRENDS), then by change and communes.
    """
    columns = [
        "need_key",
        "need",
        "communes",
        "communes_previous",
        "change",
        "share",
        "share_previous",
        "first_year",
        "trend",
    ]
    now = needs_of_year(answers, year)
    before = needs_of_year(answers, year - 1)
    if now.empty and before.empty:
        return pd.DataFrame(columns=columns)
    asked = answers[~answers["no_needs"].astype(bool) & answers["need_key"].notna()]
    first_year = asked.groupby("need_key")["year"].min()
    names = pd.concat([now, before]).drop_duplicates("need_key").set_index("need_key")["need"]
    counts = (
        pd.DataFrame(
            {
                "communes": now.groupby("need_key")["commune_nis"].nunique(),
                "communes_previous": before.groupby("need_key")["commune_nis"].nunique(),
            }
        )
        .fillna(0)
        .astype("int64")
    )
    counts.index.name = "need_key"
    frame = counts.reset_index()
    frame["need"] = frame["need_key"].map(names)
    frame["change"] = frame["communes"] - frame["communes_previous"]
    frame["share"] = frame["communes"] / max(respondents(answers, year), 1)
    frame["share_previous"] = frame["communes_previous"] / max(respondents(answers, year - 1), 1)
    frame["first_year"] = frame["need_key"].map(first_year).astype("Int64")
    frame["trend"] = [
        "nouveau"
        if first == year
        else "en hausse"
        if change > 0
        else "en baisse"
        if change < 0
        else "stable"
        for first, change in zip(frame["first_year"], frame["change"])
    ]
    if not (answers["year"] < year).any():
        frame["trend"] = "première enquête"  # nothing to compare with
    frame["_t"] = frame["trend"].map(TRENDS.index)
    frame = frame.sort_values(
        ["_t", "change", "communes", "need"], ascending=[True, False, False, True]
    )
    return frame[columns].reset_index(drop=True)


@cached_derivation
def mark_ordered_since(answers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Add `ordered_since` to answer rows: the commune ordered that catalogue solution
    on or after the day it answered (the 1st of January of the survey year when the
    answer has no date). False for new needs and "no needs" rows."""
    frame = answers.copy()
    asked_on = pd.to_datetime(frame["submitted_on"]).fillna(
        pd.to_datetime(frame["year"].astype(str) + "-01-01")
    )
    first_order = (
        orders.assign(sent_on=pd.to_datetime(orders["sent_on"]))
        .groupby(["commune_nis", "solution_id"])["sent_on"]
        .agg(list)
    )
    flags = []
    for nis, sid, day in zip(frame["commune_nis"], frame["need_solution_id"], asked_on):
        sent = first_order.get((nis, sid), []) if isinstance(sid, str) else []
        flags.append(any(s >= day for s in sent))
    frame["ordered_since"] = pd.Series(flags, index=frame.index, dtype=bool)
    return frame


@cached_derivation
def conversion(answers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Per catalogue solution ever asked for: how many of the communes that asked
    have since ordered it (survey -> order conversion), all survey years together.

    A commune counts as converted when one of its orders of the solution was
    sent on or after the first day it asked for it. Columns: need_solution_id,
    need, catalogue, communes_asked, communes_ordered, rate (0–1), first_year.
    """
    columns = [
        "need_solution_id",
        "need",
        "catalogue",
        "communes_asked",
        "communes_ordered",
        "rate",
        "first_year",
    ]
    rows = answers[answers["need_solution_id"].notna() & ~answers["no_needs"].astype(bool)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.copy()
    rows["_asked_on"] = pd.to_datetime(rows["submitted_on"]).fillna(
        pd.to_datetime(rows["year"].astype(str) + "-01-01")
    )
    first_ask = rows.groupby(["commune_nis", "need_solution_id"], as_index=False).agg(
        asked_on=("_asked_on", "min"),
        first_year=("year", "min"),
        need=("need", "first"),
        catalogue=("catalogue", "first"),
    )
    flagged = mark_ordered_since(
        first_ask.rename(columns={"asked_on": "submitted_on", "first_year": "year"}), orders
    )
    first_ask["ordered"] = flagged["ordered_since"].to_numpy()
    result = first_ask.groupby("need_solution_id", as_index=False).agg(
        need=("need", "first"),
        catalogue=("catalogue", "first"),
        communes_asked=("commune_nis", "nunique"),
        communes_ordered=("ordered", "sum"),
        first_year=("first_year", "min"),
    )
    result["communes_ordered"] = result["communes_ordered"].astype("int64")
    result["rate"] = result["communes_ordered"] / result["communes_asked"]
    result = result.sort_values(["rate", "communes_asked", "need"], ascending=[False, False, True])
    return result[columns].reset_index(drop=True)


@cached_derivation
def shortlist(
    ranking: pd.DataFrame, trends: pd.DataFrame, year: int, min_communes: int = 3
) -> pd.DataFrame:
    """Candidates for the next ("2.0") catalogue, with the reasoning spelled out.

    `ranking`: `rank_needs(answers, year)`; `trends`: `year_on_year(answers, year)`.
    A need is a candidate when no framework covers it yet and either at least
    `min_communes` communes asked for it, or it is new or rising and at least
    2 communes asked. Candidates are ordered by priority-weighted demand, then
    communes. Columns: need, communes, members, weighted_demand, priority_mean,
    population, budget_eur, trend, change, reasons (French text).
    """
    columns = [
        "need_key",
        "need",
        "communes",
        "members",
        "weighted_demand",
        "priority_mean",
        "population",
        "budget_eur",
        "trend",
        "change",
        "reasons",
    ]
    if ranking.empty:
        return pd.DataFrame(columns=columns)
    frame = ranking[~ranking["covered"].astype(bool)].merge(
        trends[["need_key", "trend", "change", "communes_previous"]], on="need_key", how="left"
    )
    frame["trend"] = frame["trend"].fillna("stable")
    frame["change"] = frame["change"].fillna(0).astype("int64")
    rising = frame["trend"].isin(["nouveau", "en hausse"])
    keep = (frame["communes"] >= min_communes) | (rising & (frame["communes"] >= 2))
    frame = frame[keep].sort_values(
        ["weighted_demand", "communes", "need"], ascending=[False, False, True]
    )
    frame["reasons"] = [_reasons(r, year) for r in frame.to_dict("records")]
    return frame[columns].reset_index(drop=True)


def _reasons(row: dict, year: int) -> str:
    """'6 communes (4 adhérentes) · demande pondérée 14 · priorité moyenne 1,5 · …'."""
    parts = [
        f"{fmt.count(int(row['communes']), 'commune')} "
        f"({fmt.count(int(row['members']), 'adhérente')})",
        f"demande pondérée {fmt.number(row['weighted_demand'])}",
    ]
    if pd.notna(row["priority_mean"]):
        parts.append(f"priorité moyenne {fmt.number(row['priority_mean'], 1)}")
    parts.append(f"{fmt.number(row['population'])} habitants")
    if row["trend"] == "première enquête":
        parts.append("première enquête, pas de comparaison")
    elif row["trend"] == "nouveau":
        parts.append(f"nouveau en {year}")
    elif row["change"]:
        sign = "+" if row["change"] > 0 else "−"
        parts.append(
            f"{row['trend']} ({sign}{fmt.count(abs(int(row['change'])), 'commune')} "
            f"par rapport à {year - 1})"
        )
    else:
        parts.append(f"stable par rapport à {year - 1}")
    if row.get("budget_eur") and row["budget_eur"] > 0:
        parts.append(f"budgets annoncés {fmt.money(row['budget_eur'], 0)}")
    return " · ".join(parts)


@cached_derivation
def response_curve(status: pd.DataFrame, sent_on: dt.date, until: dt.date) -> pd.DataFrame:
    """Day by day from `sent_on` to `until`: communes that had answered (cumulative).

    `status`: `campaign_status` rows. Answers without a date count from
    `sent_on`. Columns: day, days (since sending), answered, members_answered,
    share (of all communes in `status`).
    """
    columns = ["day", "days", "answered", "members_answered", "share"]
    if until < sent_on:
        return pd.DataFrame(columns=columns)
    days = pd.date_range(sent_on, until, freq="D")
    answered = status[status["answered"].astype(bool)]
    when = pd.to_datetime(answered["submitted_on"]).fillna(pd.Timestamp(sent_on))
    when = when.clip(lower=pd.Timestamp(sent_on))
    total = max(len(status), 1)
    counts = [int((when <= d).sum()) for d in days]
    members = [int(((when <= d) & answered["member"].astype(bool)).sum()) for d in days]
    return pd.DataFrame(
        {
            "day": days.date,
            "days": range(len(days)),
            "answered": counts,
            "members_answered": members,
            "share": [c / total for c in counts],
        }
    )


def campaign_summary(status: pd.DataFrame) -> dict:
    """Counts of a campaign: communes, answered, members / non-members and their answers,
    late answers, "no needs" answers, and the response rates (0–1, None if no commune)."""
    answered = status["answered"].astype(bool)
    member = status["member"].astype(bool)

    def rate(part, whole):
        return part / whole if whole else None

    summary = {
        "communes": len(status),
        "answered": int(answered.sum()),
        "members": int(member.sum()),
        "members_answered": int((answered & member).sum()),
        "non_members": int((~member).sum()),
        "non_members_answered": int((answered & ~member).sum()),
        "late": int(status["late"].astype(bool).sum()),
        "no_needs": int((answered & status["no_needs"].astype(bool)).sum()),
    }
    summary["rate"] = rate(summary["answered"], summary["communes"])
    summary["members_rate"] = rate(summary["members_answered"], summary["members"])
    summary["non_members_rate"] = rate(summary["non_members_answered"], summary["non_members"])
    return summary


MAP_CATEGORIES = {
    "adhérente — a répondu": domain.BLUE,
    "non adhérente — a répondu": domain.SKY_BLUE,
    "adhérente — sans réponse": domain.VERMILLION,
    "non adhérente — sans réponse": domain.YELLOW,
}
# The same categories without colour (see domain.MARK_SIGNS): answers are dots or rings.
MAP_MARKS = {
    "adhérente — a répondu": domain.MARK_DOT,
    "non adhérente — a répondu": domain.MARK_RING,
    "adhérente — sans réponse": domain.MARK_SMALL,
    "non adhérente — sans réponse": domain.MARK_NONE,
}


@cached_derivation
def map_categories(status: pd.DataFrame) -> pd.DataFrame:
    """nis_code, survey_map: member or not × answered or not (keys of MAP_CATEGORIES)."""
    member = status["member"].astype(bool).map({True: "adhérente", False: "non adhérente"})
    answered = status["answered"].astype(bool).map({True: "a répondu", False: "sans réponse"})
    return pd.DataFrame({"nis_code": status["nis_code"], "survey_map": member + " — " + answered})


def to_remind(status: pd.DataFrame) -> pd.DataFrame:
    """Communes that have not answered: members first, then by population (largest first)."""
    rows = status[~status["answered"].astype(bool)].copy()
    return rows.sort_values(["member", "population"], ascending=[False, False]).reset_index(
        drop=True
    )


def answer_of(answers: pd.DataFrame, year: int, nis: str) -> pd.DataFrame:
    """The answer rows commune `nis` gave (itself, not through a merger) to survey `year`."""
    rows = answers[(answers["year"] == year) & (answers["answered_as_nis"] == nis)]
    return rows.reset_index(drop=True)


@cached_derivation
def need_history(answers: pd.DataFrame, need_keys: list[str] | None = None) -> pd.DataFrame:
    """Communes asking for each need, survey by survey (0 in a survey where none did).

    Columns: year, need_key, need, communes; only `need_keys` when given, every
    survey year with answers, needs in the order of `need_keys`.
    """
    years = sorted(answers["year"].dropna().unique())
    rows = answers[~answers["no_needs"].astype(bool) & answers["need_key"].notna()]
    keys = list(need_keys) if need_keys is not None else sorted(rows["need_key"].unique())
    rows = rows[rows["need_key"].isin(keys)]
    if rows.empty or not years:
        return pd.DataFrame(columns=["year", "need_key", "need", "communes"])
    counts = rows.groupby(["need_key", "year"])["commune_nis"].nunique()
    names = rows.drop_duplicates("need_key").set_index("need_key")["need"]
    records = [
        {"year": int(y), "need_key": k, "need": names[k], "communes": int(counts.get((k, y), 0))}
        for k in keys
        if k in names
        for y in years
    ]
    return pd.DataFrame(records)


# --- Read through the cache ----------------------------------------------------
# The pure functions above marked @cached_derivation are what a page composes with the
# reads (`ui.data.load(survey.shortlist, step(survey.rank_needs, answers, year), ...)`),
# so a read and what is derived from it are cached as one result per store version.


@cached_query
def respondents_by_year(con, as_of: dt.date) -> pd.DataFrame:
    """One row per survey with answers known on `as_of`: `year` and `respondents`
    (`respondents(survey_answers_at(con, as_of), year)`), oldest first. What the results
    tab needs of the answers, without carrying every answer through the page cache."""
    answers = survey_answers_at(con, as_of)
    counts = answers.groupby("year", sort=True)["commune_nis"].nunique()
    return pd.DataFrame({"year": counts.index.astype(int), "respondents": counts.to_numpy()})


def respondents_in(counts: pd.DataFrame, year: int) -> int:
    """How many communes answered survey `year`, from `respondents_by_year` (0 if none)."""
    return int(counts.loc[counts["year"] == year, "respondents"].sum())


@cached_derivation
def uncovered_need_keys(ranked: pd.DataFrame) -> list[str]:
    """The keys of the needs of a `rank_needs` ranking that no framework covers, in its
    order: the needs `need_history` follows on the results tab."""
    return list(ranked.loc[~ranked["covered"], "need_key"])


@cached_query
def next_catalogue(con, as_of: dt.date) -> str:
    """The catalogue the shortlist prepares on `as_of`: the one after the newest catalogue
    with a framework agreement started by then ('2.0' in 2020, when only 1.0 was under
    contract; '3.0' once 2.0's agreements started in 2023). Catalogues are numbered
    '1.0', '2.0'… in the sources; '1.0' when nothing is under contract yet."""
    rows = con.execute(
        """
        SELECT DISTINCT s.catalogue FROM framework f JOIN solutions s USING (solution_id)
        WHERE f.starts_on <= ? AND s.catalogue IS NOT NULL
        """,
        [as_of],
    ).fetchall()
    majors = []
    for (name,) in rows:
        try:
            majors.append(int(float(name)))
        except ValueError:
            continue  # a catalogue not named by a number does not move the count
    return f"{max(majors, default=0) + 1}.0"
