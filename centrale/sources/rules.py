"""The business rules of DATA-CONTRACT.md, per kind and across kinds (an order needs an
adhesion and a framework agreement in force…), vectorised over whole columns.

`check_all` runs them in their order; each rule reports through a `RowReport`.
"""

# Over 500 lines: one short rule set per kind of source file (ten kinds) and the rules
# across kinds, which share the helpers at the top; split by kind if one grows.

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from centrale.config import CENTRALE_OPENED_ON
from centrale.domain import OrderStatus
from centrale.names import normalise
from centrale.sources.cells import memo
from centrale.sources.kinds import (
    ANONYMISED_DATE,
    EVENT_KINDS,
    EVENT_ROLES,
    KINDS,
    NO_NEED_WORDS,
    NO_WORDS,
    ORDER_STATUSES,
    YES_WORDS,
)
from centrale.sources.read import checkpoint
from centrale.sources.reference import Reference
from centrale.sources.report import RowReport

_AWARDED = OrderStatus.AWARDED.value


def _duplicates(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    present = frame[keys].notna().all(axis=1)
    normalised = frame[keys].map(lambda v: normalise(v) if isinstance(v, str) else v)
    return present & normalised.duplicated(keep="first")


def _check_solutions(frame, report):
    report.error(
        frame,
        _duplicates(frame, ["solution_id"]),
        "solution_id",
        "code de solution en double : chaque code doit être unique",
    )


def _solution_lookup(solutions: pd.DataFrame) -> dict[str, str]:
    """Normalised code or French name -> solution_id."""
    lookup = {}
    for sid, name in zip(solutions["solution_id"], solutions["name_fr"]):
        if sid is not None:
            lookup[normalise(name)] = sid
            lookup[normalise(sid)] = sid
    return lookup


def _resolve_solutions(frame, column, solutions, report, required=True, failed=None) -> pd.Series:
    lookup = _solution_lookup(solutions)
    resolved = frame[column].map(
        memo(lambda v: lookup.get(normalise(v)) if v is not None else None)
    )
    if required:
        unknown = frame[column].notna() & resolved.isna()
        codes = ", ".join(sorted(set(lookup.values()))) or "aucune solution chargée"
        report.error_after(
            frame,
            unknown,
            column,
            f"solution inconnue : attendu un code ou un nom du catalogue ({codes})",
            (failed or {}).get("solutions"),
            "solution inconnue du catalogue",
            "solution-inconnue",
        )
    return resolved


def _check_framework(frame, solutions, report, failed=None):
    frame["solution_id"] = _resolve_solutions(
        frame, "solution_id", solutions, report, failed=failed
    )
    bad_range = (
        frame["ends_on"].notna()
        & frame["starts_on"].notna()
        & (frame["ends_on"] < frame["starts_on"])
    )
    report.error(frame, bad_range, "ends_on", "la date de fin précède la date de début")
    report.error(
        frame,
        _duplicates(frame, ["solution_id", "provider", "starts_on"]),
        "provider",
        "accord-cadre en double (même solution, prestataire et début)",
    )
    # More than two providers active at once is allowed but unusual: warn.
    valid = frame.dropna(subset=["solution_id", "starts_on"])
    for sid, group in valid.groupby("solution_id"):
        for start in group["starts_on"]:
            active = group[
                (group["starts_on"] <= start)
                & (group["ends_on"].isna() | (group["ends_on"] >= start))
            ]
            if active["provider"].nunique() > 2:
                names = ", ".join(sorted(active["provider"].unique()))
                row = active[active["starts_on"] == start].tail(1)
                report.warn(
                    row,
                    None,
                    "provider",
                    f"plus de deux prestataires actifs le "
                    f"{start:%d/%m/%Y} pour la solution {sid} ({names})",
                )
                break


def _check_adhesions(frame, reference, report):
    allowed = reference.adhesion_provinces
    if allowed is None:
        allowed = frozenset({reference.province_nis})
    outside = frame["commune"].notna() & frame["commune"].map(
        memo(lambda n: "*" not in allowed and reference.province_of.get(n) not in allowed)
    )
    report.error(
        frame,
        outside,
        "commune",
        "commune hors de la province : seules les "
        "communes de la province peuvent adhérer à la centrale",
    )
    bad_range = (
        frame["withdrawn_on"].notna()
        & frame["signed_on"].notna()
        & (frame["withdrawn_on"] < frame["signed_on"])
    )
    report.error(
        frame, bad_range, "withdrawn_on", "la date de retrait précède la date de signature"
    )
    # One active adhesion per commune: periods of one commune must not overlap.
    valid = frame.dropna(subset=["commune", "signed_on"]).sort_values(["commune", "signed_on"])
    previous_end = valid.groupby("commune")["withdrawn_on"].shift()
    previous_exists = valid.groupby("commune").cumcount() > 0
    overlap = previous_exists & (previous_end.isna() | (previous_end > valid["signed_on"]))
    report.error(
        valid,
        overlap,
        "commune",
        lambda r: (
            f"deux adhésions actives en même temps pour "
            f"{reference.names.get(r['commune'], r['commune'])} : la précédente doit "
            "avoir une date de retrait antérieure à cette signature"
        ),
    )


def _membership_periods(adhesions: pd.DataFrame, mergers: pd.DataFrame) -> pd.DataFrame:
    """(commune, start, end) periods of active adhesion, mergers carried to the successor.

    A commune absorbed by another passes its adhesion on from the merger date:
    the successor is then a member even if it never signed itself.
    """
    own = adhesions.dropna(subset=["commune", "signed_on"])[
        ["commune", "signed_on", "withdrawn_on"]
    ]
    periods = [own.rename(columns={"signed_on": "start", "withdrawn_on": "end"})]
    for m in mergers.itertuples():
        inherited = own[own["commune"] == m.old_nis]
        merged_on = pd.Timestamp(m.merged_on)
        inherited = inherited[
            inherited["withdrawn_on"].isna() | (inherited["withdrawn_on"] > merged_on)
        ]
        periods.append(
            pd.DataFrame(
                {
                    "commune": m.new_nis,
                    "start": inherited["signed_on"].where(
                        inherited["signed_on"] > merged_on, merged_on
                    ),
                    "end": inherited["withdrawn_on"],
                }
            )
        )
    return pd.concat(periods, ignore_index=True)


def _check_orders(
    frame, solutions, framework, adhesions, reference, report, broken=None, failed=None
):
    broken, failed = broken or {}, failed or {}
    report.error(
        frame,
        _duplicates(frame, ["order_id"]),
        "order_id",
        "n° de commande en double : chaque commande doit avoir un numéro unique",
    )
    frame["solution"] = _resolve_solutions(frame, "solution", solutions, report, failed=failed)
    status = frame["status"].map(memo(lambda v: ORDER_STATUSES.get(normalise(v)) if v else None))
    bad_status = frame["status"].notna() & status.isna()
    report.error(
        frame,
        bad_status,
        "status",
        "statut inconnu : attendu « envoyé », « attribué » ou « annulé »",
    )
    # A blank status is derived: awarded if there is an award date, else sent.
    derived = pd.Series(
        np.where(frame["awarded_on"].notna(), _AWARDED, OrderStatus.SENT.value),
        index=frame.index,
        dtype=object,
    )
    frame["status"] = status.where(frame["status"].notna(), derived)
    awarded = frame["awarded_on"].notna()
    early = awarded & frame["sent_on"].notna() & (frame["awarded_on"] < frame["sent_on"])
    report.error(
        frame,
        early,
        "awarded_on",
        "la date d'attribution précède la date d'envoi du bon de commande",
    )
    report.error(
        frame,
        awarded & frame["provider"].isna(),
        "provider",
        "adjudicataire obligatoire une fois la commande attribuée",
    )
    report.error(
        frame,
        (frame["status"] == _AWARDED) & ~awarded,
        "awarded_on",
        "commande « attribuée » sans date d'attribution",
    )
    report.error(
        frame,
        (frame["status"] != _AWARDED) & awarded & ~bad_status,
        "status",
        lambda r: (
            f"une commande avec une date d'attribution doit avoir le statut "
            f"« attribué », pas « {r['status']} »"
        ),
    )
    report.error(
        frame, frame["amount_eur"] < 0, "amount_eur", "le montant doit être positif ou nul"
    )

    # The winning provider must hold the solution's framework on the award date.
    check = frame[awarded & frame["provider"].notna() & frame["solution"].notna()]
    if len(check) and "framework" in broken:
        report.hold_back(
            frame, "l'accord-cadre des adjudicataires", broken["framework"], "attente-accords"
        )
    elif len(check):
        not_holding = check.index.difference(_holds_framework(check, framework, "awarded_on"))
        report.error_after(
            frame,
            frame.index.isin(not_holding),
            "provider",
            lambda r: (
                f"ce prestataire ne détient pas l'accord-cadre de la solution "
                f"{r['solution']} à la date d'attribution {r['awarded_on']:%d/%m/%Y}"
            ),
            failed.get("framework"),
            "adjudicataire sans accord-cadre à la date d'attribution",
            "adjudicataire-sans-accord-cadre",
        )

    # The commune must have adhered on or before the order form was sent.
    if "adhesions" in broken:
        if len(frame):
            report.hold_back(
                frame, "l'adhésion des communes", broken["adhesions"], "attente-adhesions"
            )
        return
    periods = _membership_periods(adhesions, reference.mergers)
    sent = frame.dropna(subset=["commune", "sent_on"])[["commune", "sent_on"]]
    joined = sent.reset_index().merge(periods, on="commune", how="left")
    active = (joined["start"] <= joined["sent_on"]) & (
        joined["end"].isna() | (joined["end"] > joined["sent_on"])
    )
    members = joined.loc[active, "index"].unique()
    not_member = frame.index.isin(sent.index.difference(members))
    report.error_after(
        frame,
        not_member,
        "commune",
        lambda r: (
            f"{reference.names.get(r['commune'], r['commune'])} n'avait pas "
            f"d'adhésion active le {r['sent_on']:%d/%m/%Y} (date d'envoi) : la "
            "convention doit être signée avant la commande"
        ),
        failed.get("adhesions"),
        "la commune n'avait pas d'adhésion active à la date d'envoi",
        "commande-avant-adhesion",
    )


def _holds_framework(rows: pd.DataFrame, framework: pd.DataFrame, day: str) -> pd.Index:
    """Index of `rows` (solution, provider, `day`) whose provider holds the framework that day."""
    agreements = framework.dropna(subset=["solution_id", "provider", "starts_on"])
    key = agreements.assign(p=agreements["provider"].map(normalise))
    merged = (
        rows.reset_index()
        .assign(p=rows["provider"].map(memo(normalise)).values)
        .merge(
            key[["solution_id", "p", "starts_on", "ends_on"]],
            how="left",
            left_on=["solution", "p"],
            right_on=["solution_id", "p"],
        )
    )
    holds = (merged["starts_on"] <= merged[day]) & (
        merged["ends_on"].isna() | (merged["ends_on"] >= merged[day])
    )
    return pd.Index(merged[holds.fillna(False).astype(bool)]["index"].unique())


def _yes_no(value) -> bool | None:
    if value is None:
        return None
    text = normalise(value)
    return True if text in YES_WORDS else False if text in NO_WORDS else None


def _check_offers(frame, orders, framework, report, broken=None, failed=None) -> pd.DataFrame:
    """An offer belongs to a known order, from a framework provider; one winner per award.

    Returns the offers to load: an offer for an order no orders file holds
    (an orders file replaced, a typo) is left out with a warning, since
    nothing about it can be checked or shown.
    """
    if not len(frame):
        return frame
    waiting = next((broken[k] for k in ("orders", "framework") if k in (broken or {})), None)
    if waiting is not None:
        # The offers are checked against the orders and the agreements: not while
        # one of those files is unreadable (one message, not one per offer).
        report.hold_back(frame, "la cohérence des offres", waiting, "attente-commandes")
        return frame
    report.error(
        frame,
        _duplicates(frame, ["order_id", "provider"]),
        "provider",
        "offre en double : une seule offre par commande et par prestataire",
    )
    chosen = frame["chosen"].map(memo(_yes_no))
    report.error(
        frame,
        frame["chosen"].notna() & chosen.isna(),
        "chosen",
        "valeur attendue : « oui » (offre retenue) ou « non »",
    )
    frame["chosen"] = chosen.fillna(False).astype(bool)
    report.error(
        frame,
        frame["amount_eur"] <= 0,
        "amount_eur",
        "le montant d'une offre doit être strictement positif",
    )
    for column in ("price_points", "quality_points", "total_points"):
        report.error(frame, frame[column] < 0, column, "les points doivent être positifs ou nuls")

    known = orders.dropna(subset=["order_id"]).drop_duplicates("order_id")
    known = known.assign(_key=known["order_id"].map(normalise)).set_index("_key")
    key = frame["order_id"].map(memo(lambda v: normalise(v) if v is not None else None))
    unknown = frame["order_id"].notna() & ~key.isin(known.index)
    report.warn(
        frame,
        unknown,
        "order_id",
        "offre ignorée : ce n° de commande n'est dans aucun fichier de commandes",
    )
    # The order's facts beside each offer (the order's own number, as written there).
    facts = ["order_id", "solution", "sent_on", "awarded_on", "provider", "status"]
    beside = pd.DataFrame({"_key": key.values}).merge(
        known[facts].rename(columns=lambda c: f"_order_{c}"),
        how="left",
        left_on="_key",
        right_index=True,
    )
    for column in facts:
        frame[f"_order_{column}"] = beside[f"_order_{column}"].values
    frame["order_id"] = frame["_order_order_id"].where(unknown.eq(False), frame["order_id"])
    report.error(
        frame,
        frame["received_on"].notna() & (frame["received_on"] < frame["_order_sent_on"]),
        "received_on",
        lambda r: f"offre reçue avant l'envoi du bon de commande ({r['_order_sent_on']:%d/%m/%Y})",
    )

    # The provider must hold the solution's framework when the order form left.
    # Only offers whose order has a readable solution and sending date: an order's bad
    # cell is reported once, on the orders file, not again on each of its offers.
    check = frame[
        ~unknown
        & frame["provider"].notna()
        & frame["_order_solution"].notna()
        & frame["_order_sent_on"].notna()
    ]
    check = check.assign(solution=check["_order_solution"], day=check["_order_sent_on"])
    holding = _holds_framework(check, framework, "day")
    failed = failed or {}
    report.error_after(
        frame,
        frame.index.isin(check.index.difference(holding)),
        "provider",
        lambda r: (
            f"ce prestataire ne détient pas l'accord-cadre de la solution "
            f"{r['_order_solution']} à la date d'envoi du bon de commande "
            f"({r['_order_sent_on']:%d/%m/%Y}) : il ne peut pas remettre d'offre"
        ),
        failed.get("framework") or failed.get("orders"),
        "prestataire sans accord-cadre à la date d'envoi",
        "offre-sans-accord-cadre",
    )

    awarded = frame["_order_awarded_on"].notna()
    report.error_after(
        frame,
        frame["chosen"] & ~awarded & ~unknown,
        "chosen",
        "offre retenue pour une commande qui n'est pas attribuée "
        "(pas de date d'attribution dans le fichier des commandes)",
        failed.get("orders"),
        "offre retenue pour une commande non attribuée",
        "offre-retenue-non-attribuee",
    )
    same = frame["provider"].map(memo(lambda v: normalise(v) if v else None)) == frame[
        "_order_provider"
    ].map(memo(lambda v: normalise(v) if isinstance(v, str) else None))
    report.error_after(
        frame,
        frame["chosen"] & awarded & ~same,
        "provider",
        lambda r: (
            f"l'offre retenue doit être celle de l'adjudicataire de la commande "
            f"({r['_order_provider']})"
        ),
        failed.get("orders"),
        "l'offre retenue n'est pas celle de l'adjudicataire",
        "offre-retenue-autre-adjudicataire",
    )
    chosen_count = (
        frame[~unknown]
        .groupby("order_id")["chosen"]
        .transform("sum")
        .reindex(frame.index, fill_value=-1)
    )
    first_of_order = ~frame.duplicated("order_id")
    report.error(
        frame,
        awarded & (chosen_count == 0) & first_of_order,
        "chosen",
        "commande attribuée sans offre retenue : indiquez « oui » pour l'offre de l'adjudicataire",
    )
    extra = frame["chosen"] & frame[frame["chosen"]].duplicated("order_id").reindex(
        frame.index, fill_value=False
    )
    report.error(
        frame,
        extra & awarded,
        "chosen",
        "plus d'une offre retenue pour cette commande : une seule offre est retenue",
    )

    # An awarded order without any offer: allowed (older orders), but said.
    offered = set(key[~unknown])
    order_keys = orders["order_id"].map(memo(lambda v: normalise(v) if v is not None else None))
    report.warn(
        orders,
        orders["awarded_on"].notna() & ~order_keys.isin(offered),
        "order_id",
        "commande attribuée sans aucune offre dans les fichiers d'offres : "
        "le gain de la remise en concurrence n'est pas calculé pour elle",
    )
    return frame[~unknown]


def _split_roles(value) -> list[str]:
    return [part.strip() for part in re.split(r"[;,/+]| et ", value) if part.strip()]


def _role_key(role: str) -> str | None:
    text = normalise(role)
    for candidate in (text, text.removesuffix("s"), text.replace("s ", " ", 1)):
        if candidate in EVENT_ROLES:
            return candidate
    return None


def _check_events(frame, reference, report):
    """Contacts with the communes: known kind, commune of the province, roles not names."""
    if not len(frame):
        frame["has_bourgmestre"] = pd.Series(dtype=bool)
        return
    kind = frame["kind"].map(memo(lambda v: EVENT_KINDS.get(normalise(v)) if v else None))
    report.error(
        frame,
        frame["kind"].notna() & kind.isna(),
        "kind",
        "type de rencontre inconnu : attendu " + ", ".join(sorted(set(EVENT_KINDS.values()))),
    )
    frame["kind"] = kind.where(kind.notna(), frame["kind"])
    outside = frame["commune"].notna() & frame["commune"].map(
        memo(lambda n: reference.province_of.get(n) != reference.province_nis)
    )
    report.error(
        frame,
        outside,
        "commune",
        "commune hors de la province : les rencontres suivies sont celles "
        "des communes de la province",
    )

    def unknown_roles(value) -> list[str]:
        return [r for r in _split_roles(value) if _role_key(r) is None] if value else []

    bad = frame["roles"].map(memo(lambda v: tuple(unknown_roles(v))))
    report.error(
        frame,
        bad.map(bool),
        "roles",
        lambda r: (
            "rôle inconnu : « "
            + " », « ".join(unknown_roles(r["roles"]))
            + " » ; indiquez des fonctions (bourgmestre, échevin, directeur général, "
            "agent communal…), jamais le nom d'une personne"
        ),
    )
    frame["has_bourgmestre"] = frame["roles"].map(
        memo(lambda v: bool(v) and any(_role_key(r) == "bourgmestre" for r in _split_roles(v)))
    )
    report.error(
        frame,
        frame["people"] < 1,
        "people",
        "nombre de personnes attendu : au moins 1",
    )
    few = frame["people"].notna() & (
        frame["people"] < frame["roles"].map(memo(lambda v: len(_split_roles(v)) if v else 0))
    )
    report.warn(frame, few.fillna(False).astype(bool), "people", "moins de personnes que de rôles")
    keyed = frame.assign(_title=frame["title"].fillna(""))
    report.error(
        keyed,
        _duplicates(keyed, ["held_on", "kind", "_title", "commune"]),
        "commune",
        "rencontre en double : une seule ligne par commune et par rencontre",
    )


def _check_subsidies(frame, reference, report):
    nis = frame["beneficiary"].map(lambda v: reference.matcher.resolve(v) if v else None)
    named_province = frame["province"].map(
        lambda v: reference.province_by_name.get(normalise(v)) if v else None
    )
    unknown_province = frame["province"].notna() & named_province.isna()
    report.error(
        frame,
        unknown_province,
        "province",
        "province inconnue : attendu Brabant wallon, Hainaut, Liège, Luxembourg ou Namur",
    )
    frame["beneficiary_nis"] = nis
    frame["prov_nis"] = nis.map(lambda n: reference.province_of.get(n) if n else None)
    frame["prov_nis"] = frame["prov_nis"].where(frame["prov_nis"].notna(), named_province)
    no_province = frame["beneficiary"].notna() & frame["prov_nis"].isna() & ~unknown_province
    report.error(
        frame,
        no_province,
        "beneficiary",
        "bénéficiaire qui n'est pas une commune connue : indiquez sa province "
        "dans la colonne « province »",
    )
    report.error(
        frame,
        frame["amount_eur"] <= 0,
        "amount_eur",
        "le montant d'un subside doit être strictement positif",
    )
    report.error(
        frame,
        _duplicates(frame, ["call", "call_year", "beneficiary", "project"]),
        "project",
        "projet en double pour cet appel et ce bénéficiaire",
    )


def _check_survey(frame, solutions, report):
    frame["no_needs"] = frame["need"].map(
        memo(lambda v: v is None or normalise(v) in NO_NEED_WORDS)
    )
    lookup = _solution_lookup(solutions)
    frame["need_solution_id"] = frame["need"].map(
        memo(lambda v: lookup.get(normalise(v)) if v is not None else None)
    )
    frame.loc[frame["no_needs"], "need"] = None
    frame["need_label"] = frame["need"]
    bad_priority = frame["priority"].notna() & ~frame["priority"].isin([1, 2, 3])
    report.error(frame, bad_priority, "priority", "priorité attendue : 1 (la plus haute), 2 ou 3")
    report.error(frame, frame["budget_eur"] < 0, "budget_eur", "le budget doit être positif ou nul")
    key = frame["need_solution_id"].where(
        frame["need_solution_id"].notna(), frame["need"].map(memo(normalise))
    )
    keyed = frame.assign(_need_key=key.where(~frame["no_needs"], "__aucun__"))
    report.error(
        keyed,
        _duplicates(keyed, ["year", "commune", "_need_key"]),
        "need",
        "besoin en double : une seule ligne par commune, année et besoin",
    )


def _check_campaigns(frame, report):
    report.error(
        frame,
        _duplicates(frame, ["year"]),
        "year",
        "campagne en double : une seule campagne par année",
    )
    late = (
        frame["deadline"].notna()
        & frame["sent_on"].notna()
        & (frame["deadline"] < frame["sent_on"])
    )
    report.error(frame, late, "deadline", "la date limite précède la date d'envoi")


def _check_future_dates(typed, today, report):
    for kind, frame in typed.items():
        for col in KINDS[kind].columns:
            if col.type != "date" or col.name in ("ends_on", "deadline") or not len(frame):
                continue
            future = frame[col.name] > pd.Timestamp(today)
            report.warn(frame, future, col.name, f"date dans le futur (après le {today:%d/%m/%Y})")


def _check_opening_dates(typed, report):
    """Adhesions and orders dated before the centrale opened cannot be right (a typo in
    the year, or another register's date)."""
    opened = pd.Timestamp(CENTRALE_OPENED_ON)
    for kind, column in (("adhesions", "signed_on"), ("orders", "sent_on")):
        frame = typed[kind]
        if not len(frame):
            continue
        report.error(
            frame,
            frame[column] < opened,
            column,
            f"date antérieure à l'ouverture de la centrale ({opened:%d/%m/%Y}) : vérifiez l'année",
            code="avant-ouverture",
        )


def _check_survey_dates(survey, campaigns, report, broken=None, failed=None):
    """Answer dates within their campaign: not before it was sent, not more than a year
    after (a file of another year); LimeSurvey's anonymised 1980-01-01 is warned."""
    if not len(survey):
        return
    anonymised = survey["submitted_on"] == pd.Timestamp(ANONYMISED_DATE)
    report.warn(
        survey,
        anonymised,
        "submitted_on",
        "date anonymisée (01/01/1980, export LimeSurvey anonymisé) : la date réelle de "
        "réponse est inconnue ; laissez la cellule vide",
        code="date-anonymisee",
    )
    if "campaigns" in (broken or {}):
        report.hold_back(survey, "la date des réponses", broken["campaigns"], "attente-campagnes")
        return
    sent = dict(
        zip(
            campaigns.dropna(subset=["year", "sent_on"])["year"].astype(int),
            campaigns.dropna(subset=["year", "sent_on"])["sent_on"],
        )
    )
    dated = survey["submitted_on"].notna() & survey["year"].notna() & ~anonymised
    year = survey["year"].astype("Float64")
    start = year.map(lambda y: sent.get(int(y)) if pd.notna(y) else None)
    has_campaign = start.notna()
    start = pd.to_datetime(start)
    early = dated & has_campaign & (survey["submitted_on"] < start)
    late = dated & has_campaign & (survey["submitted_on"] > start + pd.Timedelta(days=365))
    answered_year = survey["submitted_on"].dt.year
    off_year = dated & ~has_campaign & ((answered_year < year) | (answered_year > year + 1))
    report.error_after(
        survey,
        (early | late | off_year).fillna(False).astype(bool),
        "submitted_on",
        lambda r: (
            f"réponse datée du {r['submitted_on']:%d/%m/%Y} pour l'enquête {int(r['year'])}"
            + (f" envoyée le {sent[int(r['year'])]:%d/%m/%Y}" if int(r["year"]) in sent else "")
            + " : hors de la campagne ; vérifiez l'année de l'enquête ou la date"
        ),
        (failed or {}).get("campaigns"),
        "réponse datée hors de sa campagne",
        "reponse-hors-campagne",
    )


def check_all(
    typed: dict[str, pd.DataFrame],
    reference: Reference,
    report: RowReport,
    broken: dict[str, str],
    failed,
) -> None:
    """Every rule, in order, over the typed tables (`typed["offers"]` is replaced by the
    offers kept). `broken`: kind -> its first unreadable file; `failed()`: kind -> its first
    file with an error so far (rules that read another kind wait for it to be fixed)."""
    checkpoint()
    _check_solutions(typed["solutions"], report)
    _check_framework(typed["framework"], typed["solutions"], report, failed())
    _check_adhesions(typed["adhesions"], reference, report)
    _check_orders(
        typed["orders"],
        typed["solutions"],
        typed["framework"],
        typed["adhesions"],
        reference,
        report,
        broken,
        failed(),
    )
    typed["offers"] = _check_offers(
        typed["offers"], typed["orders"], typed["framework"], report, broken, failed()
    )
    _check_events(typed["events"], reference, report)
    _check_subsidies(typed["subsidies"], reference, report)
    _check_survey(typed["survey"], typed["solutions"], report)
    _check_campaigns(typed["campaigns"], report)
    _check_future_dates(typed, reference.today, report)
    _check_opening_dates(typed, report)
    _check_survey_dates(typed["survey"], typed["campaigns"], report, broken, failed())
    checkpoint()
