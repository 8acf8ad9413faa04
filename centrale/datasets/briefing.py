"""Everything a manager says to one bourgmestre, for one commune at one date.

`commune_briefing(con, nis, as_of)` assembles, from the store only, the facts
the deck, the one-page PDF and the presentation page all show, so the three
tell exactly the same story:

1. the centrale in figures (`queries.kpis`) and its adhesion curve;
2. the commune: adhesion, neighbours (shared border) and the province map data;
3. what it ordered (`queries.commune_orders`: the one list of its orders);
4. what its peers took that it has not (`queries.peer_uptake`): its communes
   semblables (`queries.similar_communes`, rule in `domain.SIMILAR_RULE`) and the
   other communes of its arrondissement; "taken" is `domain.TAKEN_STATUSES`;
5. its answers to its latest needs survey answered by `as_of`, each matched
   against the catalogue and the framework agreements active on `as_of`;
6. next steps: every solution it asked for in any survey answered by `as_of`
   that a framework agreement now covers and that it has not taken, the
   oldest request first (then the highest priority); for a commune that is not
   (or no longer) a member, once it adheres.

Streamlit-free; every value bound with `?`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import shapely

from centrale import fmt
from centrale.cached import cached_query
from centrale.config import CENTRALE_OPENED_ON
from centrale.datasets import outreach, queries, worth
from centrale.domain import SIMILAR_COUNT, AdhesionStatus, NeedMatch, de
from centrale.errors import CentraleError

OPENED_ON = dt.date.fromisoformat(CENTRALE_OPENED_ON)
# How many communes make the "communes semblables" (one rule: centrale.domain).
SIZE_PEERS = SIMILAR_COUNT
# Degrees: shapes are simplified and rounded to 4 decimals, so two communes
# sharing a border may be a few metres apart; this bridges that gap.
NEIGHBOUR_TOLERANCE = 0.0005


class BriefingError(CentraleError, ValueError):
    """A commune or a date the briefing cannot be made for (message in French)."""


@dataclass(frozen=True)
class CommuneBriefing:
    """The facts of one commune's briefing; frames are plain pandas, dates are `dt.date`."""

    as_of: dt.date
    nis_code: str
    name: str
    arrondissement: str
    population: int
    adhesion_status: AdhesionStatus
    signed_on: dt.date | None
    withdrawn_on: dt.date | None
    figures: dict  # queries.kpis(as_of)
    # day, communes_adhered, communes_total: the province's adhesion curve
    adhesion_curve: pd.DataFrame
    # queries.commune_orders: order_id, solution_id, solution, ordered_by, sent_on,
    # awarded_on, lead_days, provider, amount_eur, status ('attribué' | 'envoyé'),
    # days_pending — newest first
    orders: pd.DataFrame
    # nis_code, name_fr, population, adhesion_status, solutions_ordered,
    # size_peer (bool), same_arrondissement (bool)
    peers: pd.DataFrame
    # the solutions it has not taken that peers took (queries.peer_uptake's rows):
    # solution_id, solution, size_peers, arrondissement_peers (counts of peers that
    # took it), size_names, arrondissement_names, orderable (framework active)
    peer_uptake: pd.DataFrame
    survey_year: int | None
    # need, solution_id, catalogue, priority, horizon, budget_eur, comment, match
    survey: pd.DataFrame
    # solution_id, solution, first_year (first survey asking for it), years (text),
    # priority (best given), horizon (latest given), providers (text, active
    # frameworks) — oldest request first, then priority
    next_steps: pd.DataFrame
    # nis_code, name_fr, adhesion_status, geojson, role ('commune' | 'voisine' | 'autre')
    map_communes: pd.DataFrame
    # solution_id, solution, catalogue, providers (text), ordered (bool): the solutions
    # with a framework agreement active on `as_of`, i.e. what can be ordered that day
    catalogue: pd.DataFrame
    neighbours: list[str] = field(default_factory=list)  # names, alphabetical
    # worth.commune_worth: what the centrale brought the commune (gain, days saved)
    worth: dict = field(default_factory=dict)
    # outreach.commune_funnel: its place in the funnel (step, label, reached_on or None)
    funnel: list[dict] = field(default_factory=list)
    # The commune whose convention makes it a member, when it is another one merged into
    # it (Bastogne counts Bertogne's convention since their merger); None otherwise.
    signed_by: str | None = None

    @property
    def adhered(self) -> bool:
        return self.adhesion_status == AdhesionStatus.ADHERED

    @property
    def size_peer_count(self) -> int:
        return int(self.peers["size_peer"].sum())

    @property
    def arrondissement_peer_count(self) -> int:
        return int(self.peers["same_arrondissement"].sum())


def check_as_of(as_of: dt.date) -> None:
    """Raise BriefingError for a date before the centrale opened."""
    if as_of < OPENED_ON:
        raise BriefingError(
            f"Date du {as_of:%d/%m/%Y} antérieure à l'ouverture de la centrale "
            f"d'achats Smart le {OPENED_ON:%d/%m/%Y} : aucune fiche possible."
        )


@cached_query
def communes_at(con, as_of: dt.date) -> pd.DataFrame:
    """nis_code, name_fr of the communes existing on `as_of`, by name (for a batch run)."""
    check_as_of(as_of)
    return queries.communes_list(con, as_of)[["nis_code", "name_fr"]]


@cached_query
def commune_briefing(con, nis_code: str, as_of: dt.date) -> CommuneBriefing:
    """The whole briefing of commune `nis_code` on `as_of`.

    Raises BriefingError (French message) for a date before the centrale opened,
    a NIS code that is not a commune of the province, or a commune that no
    longer existed on `as_of` (merged: the message names its successor).
    """
    check_as_of(as_of)
    nis_code = str(nis_code).strip()
    status = queries.commune_status(con, as_of)
    row = status[status["nis_code"] == nis_code]
    if row.empty:
        raise BriefingError(_unknown_commune_message(con, nis_code, as_of))
    me = row.iloc[0]
    orders = queries.commune_orders(con, nis_code, as_of)
    ordered_ids = set(orders["solution_id"])
    orderable = _orderable_solutions(con, as_of)
    similar = queries.similar_communes(con, nis_code, as_of, SIZE_PEERS)
    peers = _peers(status, me, similar)
    adhesion_status = AdhesionStatus(me["adhesion_status"])
    adhered = adhesion_status == AdhesionStatus.ADHERED
    survey_year, survey = _survey(con, nis_code, as_of, ordered_ids, orderable, adhered)
    map_communes, neighbours = _map_communes(con, status, nis_code, as_of)
    return CommuneBriefing(
        as_of=as_of,
        nis_code=nis_code,
        name=str(me["name_fr"]),
        arrondissement=str(me["arrondissement"]),
        population=int(me["population"]),
        adhesion_status=adhesion_status,
        signed_on=_date_or_none(me["signed_on"]),
        withdrawn_on=_date_or_none(me["withdrawn_on"]),
        figures=queries.kpis(con, as_of),
        adhesion_curve=queries.adhesion_curve(con, as_of),
        orders=orders,
        peers=peers,
        peer_uptake=_peer_uptake(con, nis_code, as_of),
        survey_year=survey_year,
        survey=survey,
        next_steps=_next_steps(con, nis_code, as_of, ordered_ids, orderable),
        map_communes=map_communes,
        catalogue=_catalogue(con, orderable, ordered_ids),
        neighbours=neighbours,
        worth=worth.commune_worth(con, nis_code, as_of),
        funnel=outreach.commune_funnel(con, nis_code, as_of),
        signed_by=_signed_by(con, nis_code, str(me["name_fr"]), as_of),
    )


def _signed_by(con, nis_code: str, name: str, as_of: dt.date) -> str | None:
    """The name of the commune that signed the first convention counting for `nis_code`,
    when it is not `nis_code` itself (a commune merged into it)."""
    conventions = queries.commune_adhesions(con, nis_code, as_of)
    if conventions.empty:
        return None
    first = str(conventions.iloc[0]["signed_by"])
    return None if first == name else first


def _date_or_none(value) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _unknown_commune_message(con, nis_code: str, as_of: dt.date) -> str:
    merged = con.execute(
        """
        SELECT o.name_fr, n.name_fr, m.new_nis, m.merged_on FROM commune_mergers m
        JOIN communes o ON o.nis_code = m.old_nis JOIN communes n ON n.nis_code = m.new_nis
        WHERE m.old_nis = ? AND m.merged_on <= ?
        """,
        [nis_code, as_of],
    ).fetchone()
    if merged:
        old, new, new_nis, on = merged
        return (
            f"La commune {old} ({nis_code}) n'existe plus au {as_of:%d/%m/%Y} : elle a "
            f"fusionné avec {new} ({new_nis}) le {on:%d/%m/%Y}. Demandez la fiche {de(new)}."
        )
    return (
        f"Code INS inconnu : « {nis_code} » n'est pas une commune de la province de "
        f"Luxembourg au {as_of:%d/%m/%Y} (codes à 5 chiffres, 81001 à 85047)."
    )


def _orderable_solutions(con, as_of: dt.date) -> dict[str, list[str]]:
    """solution_id -> providers of the framework agreements active on `as_of`."""
    rows = con.execute(
        """
        SELECT solution_id, list(DISTINCT provider ORDER BY provider) FROM framework
        WHERE starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)
        GROUP BY solution_id
        """,
        [as_of, as_of],
    ).fetchall()
    return {solution_id: list(providers) for solution_id, providers in rows}


def _peers(status: pd.DataFrame, me: pd.Series, similar: pd.DataFrame) -> pd.DataFrame:
    """The communes semblables and the arrondissement's other communes (one row each)."""
    others = status[status["nis_code"] != me["nis_code"]].copy()
    others["size_peer"] = others["nis_code"].isin(similar["nis_code"])
    others["same_arrondissement"] = others["arrondissement"] == me["arrondissement"]
    peers = others[others["size_peer"] | others["same_arrondissement"]]
    columns = [
        "nis_code",
        "name_fr",
        "population",
        "adhesion_status",
        "solutions_ordered",
        "size_peer",
        "same_arrondissement",
    ]
    return peers.sort_values(["population"], ascending=False)[columns].reset_index(drop=True)


def _peer_uptake(con, nis_code: str, as_of: dt.date) -> pd.DataFrame:
    """The solutions the commune has not taken and at least one of its peers has."""
    uptake = queries.peer_uptake(con, nis_code, as_of, SIZE_PEERS)
    missing = uptake[
        ~uptake["taken"] & (uptake["similar_count"] + uptake["arrondissement_count"] > 0)
    ]
    return (
        missing.rename(
            columns={
                "similar_count": "size_peers",
                "arrondissement_count": "arrondissement_peers",
                "similar_names": "size_names",
            }
        )[
            [
                "solution_id",
                "solution",
                "size_peers",
                "arrondissement_peers",
                "size_names",
                "arrondissement_names",
                "orderable",
            ]
        ]
        .astype({"size_peers": "int64", "arrondissement_peers": "int64", "orderable": "bool"})
        .reset_index(drop=True)
    )


def _survey(
    con,
    nis_code: str,
    as_of: dt.date,
    ordered_ids: set[str],
    orderable: dict[str, list[str]],
    adhered: bool,
) -> tuple[int | None, pd.DataFrame]:
    """The commune's answers to its latest survey answered by `as_of`, matched."""
    columns = [
        "need",
        "solution_id",
        "catalogue",
        "priority",
        "horizon",
        "budget_eur",
        "comment",
        "match",
    ]
    answers = con.execute(
        """
        WITH mine AS (
            SELECT * FROM survey_answers
            WHERE effective_nis(commune_nis, ?) = ?
              AND (submitted_on IS NULL OR submitted_on <= ?))
        SELECT a.year, a.no_needs, coalesce(s.name_fr, a.need_label) AS need,
               a.need_solution_id AS solution_id, s.catalogue, a.priority, a.horizon,
               a.budget_eur::DOUBLE AS budget_eur, a.comment
        FROM mine a LEFT JOIN solutions s ON s.solution_id = a.need_solution_id
        WHERE a.year = (SELECT max(year) FROM mine)
        ORDER BY a.no_needs, a.priority NULLS LAST, need
        """,
        [as_of, nis_code, as_of],
    ).df()
    if answers.empty:
        return None, pd.DataFrame(columns=columns)
    year = int(answers["year"].iloc[0])

    def match(row) -> str:
        if row["no_needs"]:
            return NeedMatch.NO_NEEDS
        if pd.isna(row["solution_id"]):
            return NeedMatch.NEW
        if row["solution_id"] in ordered_ids:
            return NeedMatch.ORDERED
        if row["solution_id"] in orderable:
            return NeedMatch.ORDERABLE if adhered else NeedMatch.AFTER_ADHESION
        return NeedMatch.NOT_YET

    answers["match"] = answers.apply(match, axis=1)
    answers.loc[answers["no_needs"], "need"] = "Aucun besoin"
    return year, answers[columns].reset_index(drop=True)


def _catalogue(con, orderable: dict[str, list[str]], ordered_ids: set[str]) -> pd.DataFrame:
    catalogue = queries.solutions(con)
    catalogue = catalogue[catalogue["solution_id"].isin(orderable)]
    return pd.DataFrame(
        {
            "solution_id": catalogue["solution_id"],
            "solution": catalogue["name_fr"],
            "catalogue": catalogue["catalogue"],
            "providers": [", ".join(orderable[s]) for s in catalogue["solution_id"]],
            "ordered": catalogue["solution_id"].isin(ordered_ids),
        }
    ).reset_index(drop=True)


def _next_steps(
    con, nis_code: str, as_of: dt.date, taken: set[str], orderable: dict[str, list[str]]
) -> pd.DataFrame:
    """Its still-unmet requests a framework agreement now covers, oldest request first.

    Every survey it answered by `as_of` counts, not only the latest: a need asked in
    2020 and not taken since is still unmet. Within a year, priority 1 comes first.
    """
    asked = con.execute(
        """
        SELECT a.need_solution_id AS solution_id, s.name_fr AS solution,
               min(a.year) AS first_year,
               string_agg(DISTINCT a.year::VARCHAR, ', ' ORDER BY a.year::VARCHAR) AS years,
               min(a.priority) AS priority, arg_max(a.horizon, a.year) AS horizon
        FROM survey_answers a JOIN solutions s ON s.solution_id = a.need_solution_id
        WHERE effective_nis(a.commune_nis, ?) = ? AND NOT a.no_needs
          AND (a.submitted_on IS NULL OR a.submitted_on <= ?)
        GROUP BY ALL
        ORDER BY first_year, priority NULLS LAST, solution
        """,
        [as_of, nis_code, as_of],
    ).df()
    steps = asked[
        asked["solution_id"].isin(list(orderable)) & ~asked["solution_id"].isin(list(taken))
    ].reset_index(drop=True)
    steps["providers"] = [", ".join(orderable[s]) for s in steps["solution_id"]]
    return steps


def _map_communes(
    con, status: pd.DataFrame, nis_code: str, as_of: dt.date
) -> tuple[pd.DataFrame, list[str]]:
    shapes = queries.commune_shapes(con, as_of)[["nis_code", "geojson"]]
    frame = status[["nis_code", "name_fr", "adhesion_status"]].merge(shapes, on="nis_code")
    geometries = shapely.from_geojson(frame["geojson"].tolist())
    mine = geometries[(frame["nis_code"] == nis_code).to_numpy()][0]
    near = shapely.intersects(geometries, mine.buffer(NEIGHBOUR_TOLERANCE))
    frame["role"] = ["voisine" if n else "autre" for n in near]
    frame.loc[frame["nis_code"] == nis_code, "role"] = "commune"
    neighbours = fmt.sorted_names(frame.loc[frame["role"] == "voisine", "name_fr"])
    return frame.reset_index(drop=True), neighbours
