"""The briefing told in French: the sentences and table rows every medium shares.

The deck, the one-page PDF and the presentation page all read their words
from here, so a bourgmestre hears the same figures whichever one the manager
uses. Pure functions of a `CommuneBriefing`; numbers, money and dates go
through `centrale.fmt` (Belgian conventions).
"""

# Over 500 lines: the words of a commune's briefing, shared by the web page, the deck and
# the PDF sheet; one section per function.

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets import outreach
from centrale.datasets.briefing import OPENED_ON, CommuneBriefing
from centrale.domain import (
    ADHESION_LABELS,
    AdhesionStatus,
    NeedMatch,
    OrderStatus,
    arrondissement_of,
    de,
    que,
    similar_rule,
    subsidy_call_label,
    upper_first,
)
from centrale.semantic import measures
from centrale.semantic.model import DIMENSIONS

ORDERS_SHOWN = 6  # rows of orders on a slide; the rest is summed up in one line
NAMES_SHOWN = 8  # names listed in one sentence before "et N autres"
PEER_BARS = 6  # solutions in the peers chart of the deck and the page
SURVEY_ROWS = 7  # needs in the survey table of a slide
NEXT_STEPS = 4  # lines of next steps on the web page, a slide and the PDF: one number


def shown_of(shown: int, total: int, noun: str, feminine: bool = True) -> str:
    """'les 6 premières sur 14 solutions' ('la première sur 5 demandes' for one):
    said whenever a list is cut."""
    if shown == 1:
        return f"{'la première' if feminine else 'le premier'} sur {total} {noun}"
    first = "premières" if feminine else "premiers"
    return f"les {shown} {first} sur {total} {noun}"


@dataclass(frozen=True)
class KeyFigure:
    value: str  # the big figure: '23 sur 44'
    label: str  # what it counts: 'communes adhérentes'
    detail: str  # one line of context: '52 % des communes de la province'


def title(b: CommuneBriefing) -> str:
    return f"{b.name} et la centrale d'achats Smart"


def subtitle(b: CommuneBriefing) -> str:
    return f"Situation au {fmt.date(b.as_of)}"


def section_titles(b: CommuneBriefing) -> list[str]:
    """The titles of the story's sections, in order (slides 2 to 7)."""
    return [
        "La centrale d'achats en chiffres",
        f"{b.name} sur la carte de la province",
        f"Ce {que(b.name)} a commandé",
        "Ce que ses pairs ont déjà commandé",
        "Ses besoins exprimés dans l'enquête",
        "Prochaines étapes",
    ]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def key_figures(b: CommuneBriefing) -> list[KeyFigure]:
    """The centrale in four figures on `as_of` (labels and formats: centrale.semantic.measures)."""
    f = b.figures
    pending = f["orders_pending"] or 0
    within = f["share_awarded_within_20_days"]
    figures = [
        KeyFigure(
            f"{f['communes_adhered']} sur {f['communes_total']}",
            _lower_first(measures.label("communes_adhered")),
            f"{measures.format_value('adhesion_rate', f['adhesion_rate'])} des communes",
        ),
        KeyFigure(
            measures.format_value("orders_awarded", f["orders_awarded"]),
            _lower_first(measures.label("orders_awarded")),
            f"et {pending} en cours" if pending else "aucune en attente",
        ),
        KeyFigure(
            measures.format_value("median_award_days", f["median_award_days"]),
            _lower_first(measures.label("median_award_days")),
            f"{measures.format_value('share_awarded_within_20_days', within)} en "
            f"{AWARD_PROMISE_DAYS} jours au plus"
            if within is not None
            else f"promesse : {AWARD_PROMISE_DAYS} jours",
        ),
    ]
    if f.get("call_year") and f.get("province_subsidy_share") is not None:
        figures.append(
            KeyFigure(
                fmt.percent(f["province_subsidy_share"]),
                f"de l'{subsidy_call_label(f['call_year'])}",
                "de la Région, pour la province",
            )
        )
    return figures


def status_sentence(b: CommuneBriefing) -> str:
    if b.adhered and b.signed_by:
        # Bastogne never signed: Bertogne's convention became its own at their merger.
        return (
            f"{b.name} adhère à la centrale par la convention {que(b.signed_by)}, "
            f"fusionnée avec elle, a signée le {fmt.date(b.signed_on)}."
        )
    if b.adhered:
        return f"{b.name} adhère à la centrale depuis le {fmt.date(b.signed_on)}."
    if b.adhesion_status == AdhesionStatus.WITHDRAWN:
        return (
            f"{b.name} a adhéré le {fmt.date(b.signed_on)} et s'est retirée "
            f"le {fmt.date(b.withdrawn_on)}."
        )
    return f"{b.name} n'a pas encore signé la convention d'adhésion."


def names(values: list[str], limit: int = NAMES_SHOWN) -> str:
    """'A, B et C'; beyond `limit`, 'A, B… et 3 autres'."""
    values = list(values)
    if not values:
        return "aucune"
    if len(values) > limit:
        return ", ".join(values[:limit]) + f" et {len(values) - limit} autres"
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " et " + values[-1]


def neighbour_lines(b: CommuneBriefing) -> list[str]:
    """Its neighbours grouped by adhesion status ('Voisines adhérentes : …')."""
    frame = b.map_communes[b.map_communes["role"] == "voisine"]
    lines = []
    for status in AdhesionStatus:
        label = f"Voisines {ADHESION_LABELS[status].lower()}s"
        group = fmt.sorted_names(frame.loc[frame["adhesion_status"] == status, "name_fr"])
        if group:
            lines.append(f"{label} ({len(group)}) : {names(group)}")
    return lines or ["Aucune commune voisine dans la province."]


def orders_summary(b: CommuneBriefing) -> str:
    awarded = b.orders[b.orders["status"] == OrderStatus.AWARDED]
    pending = b.orders[b.orders["status"] == OrderStatus.SENT]
    if b.orders.empty:
        return f"{b.name} n'a encore passé aucune commande via la centrale au {fmt.date(b.as_of)}."
    # `b.orders` holds no cancelled order (queries.commune_orders): sent or awarded only.
    if awarded.empty:  # not « 0 commande attribuée pour 0 € HTVA, 1 en cours »
        in_progress = fmt.count(len(pending), "commande en cours d'attribution")
        return f"{in_progress}, aucune encore attribuée."
    text = (
        fmt.count(len(awarded), "commande attribuée", "commandes attribuées")
        + f" pour {fmt.money(awarded['amount_eur'].sum(), 0)} HTVA"
    )
    if len(pending):
        text += f", {len(pending)} en cours d'attribution"
    return text + "."


# The words of the semantic layer and the registry (the winner is the « Adjudicataire »
# on every surface).
ORDER_HEADERS = [
    DIMENSIONS["solution"].label,
    DIMENSIONS["provider"].label,
    "Attribution",
    measures.measure("lead_days").short_label,
    measures.label("order_amount_eur"),
]


def order_rows(b: CommuneBriefing, limit: int | None = ORDERS_SHOWN) -> list[list[str]]:
    """The commune's orders as table rows (newest first), at most `limit` of them."""
    rows = []
    frame = b.orders
    for _, o in (frame if limit is None else frame.head(limit)).iterrows():
        awarded = o["status"] == OrderStatus.AWARDED
        rows.append(
            [
                o["solution"],
                o["provider"] if awarded else "mise en concurrence",
                fmt.date(o["awarded_on"]) if awarded else "en cours",
                fmt.days(o["lead_days"]) if awarded else fmt.MISSING,
                fmt.money(o["amount_eur"], 0),
            ]
        )
    return rows


def orders_left_out(b: CommuneBriefing, limit: int = ORDERS_SHOWN) -> str | None:
    extra = len(b.orders) - limit
    if extra <= 0:
        return None
    shown = shown_of(limit, len(b.orders), "commandes").replace("premières", "plus récentes")
    return (
        f"Ci-dessus {shown} ; {extra} plus ancienne{'s' if extra > 1 else ''} "
        "dans le tableau de bord."
    )


def lead_time_series(b: CommuneBriefing, limit: int = ORDERS_SHOWN) -> tuple[list, list[float]]:
    """The latest awarded orders (newest first, as in `order_rows`): award dates, lead days."""
    awarded = b.orders[b.orders["status"] == OrderStatus.AWARDED].head(limit)
    dates = [pd.Timestamp(d).date() for d in awarded["awarded_on"]]
    return dates, [float(v) for v in awarded["lead_days"]]


def _adhesion_days(as_of: dt.date) -> tuple[list[dt.date], bool]:
    """Quarter ends since the centrale opened up to `as_of` (year ends past 3 years), and
    whether they are quarters; `as_of` itself always closes the list."""
    quarter_ends = []
    year, month = OPENED_ON.year, 3
    while True:
        end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        if end > as_of:
            break
        quarter_ends.append(end)
        year, month = (year + 1, 3) if month == 12 else (year, month + 3)
    quarterly = len(quarter_ends) <= 12
    days = quarter_ends if quarterly else [d for d in quarter_ends if d.month == 12]
    if not days or days[-1] != as_of:
        days.append(as_of)
    return days, quarterly


def adhesion_chart_title(b: CommuneBriefing) -> str:
    _, quarterly = _adhesion_days(b.as_of)
    period = "trimestre" if quarterly else "année"
    return f"Communes adhérentes à la centrale, fin de chaque {period}"


def adhesion_points(b: CommuneBriefing) -> tuple[list[str], list[int], list[int]]:
    """The province's adhesion curve sampled for a chart: labels, adhered, communes."""
    days, _ = _adhesion_days(b.as_of)
    curve = b.adhesion_curve
    curve_days = [pd.Timestamp(d).date() for d in curve["day"]]
    adhered, total = [], []
    for day in days:
        known = [i for i, d in enumerate(curve_days) if d <= day]
        if known:
            adhered.append(int(curve["communes_adhered"].iloc[known[-1]]))
            total.append(int(curve["communes_total"].iloc[known[-1]]))
        else:
            adhered.append(0)
            total.append(int(b.figures["communes_total"]))
    return [fmt.date(d) for d in days], adhered, total


def peers_sentences(b: CommuneBriefing) -> list[str]:
    """The rule of the communes semblables, who they are, and its arrondissement."""
    size = b.peers[b.peers["size_peer"]]
    arrondissement = b.peers[b.peers["same_arrondissement"]]
    lines = [
        similar_rule(b.name, b.size_peer_count),
        f"Communes semblables ({fmt.number(size['population'].min())} à "
        f"{fmt.number(size['population'].max())} habitants ; {b.name} : "
        f"{fmt.number(b.population)}) : {names(fmt.sorted_names(size['name_fr']))}.",
    ]
    adhered = int((arrondissement["adhesion_status"] == AdhesionStatus.ADHERED).sum())
    lines.append(
        f"{arrondissement_of(b.arrondissement, capital=True)} : {len(arrondissement)} autres "
        f"communes, dont {adhered} adhérente{'s' if adhered > 1 else ''}."
    )
    return lines


def similar_names(b: CommuneBriefing) -> list[str]:
    """The communes semblables' names, alphabetical (what every surface lists)."""
    return fmt.sorted_names(b.peers.loc[b.peers["size_peer"], "name_fr"])


def peer_uptake_series(
    b: CommuneBriefing, limit: int = PEER_BARS
) -> tuple[list[str], list[int], list[int]]:
    """Solutions peers took and the commune has not: names, similar and arrondissement counts."""
    top = b.peer_uptake.head(limit)
    return (
        top["solution"].tolist(),
        [int(v) for v in top["size_peers"]],
        [int(v) for v in top["arrondissement_peers"]],
    )


def peer_chart_title(b: CommuneBriefing, limit: int = PEER_BARS) -> str:
    """The peers chart's title; says when the chart shows only some of the solutions."""
    text = f"Solutions {que(b.name)} n'a pas commandées : nombre de communes qui les ont"
    total = len(b.peer_uptake)
    if total > limit:
        text += f" ({shown_of(limit, total, 'solutions')})"
    return text


def peer_series_names(b: CommuneBriefing) -> tuple[str, str]:
    return (
        f"Communes semblables (sur {b.size_peer_count})",
        f"{arrondissement_of(b.arrondissement, capital=True)} (sur {b.arrondissement_peer_count})",
    )


PEER_HEADERS = ["Commune semblable", "Habitants", "Adhésion", "Solutions commandées"]


def peer_rows(b: CommuneBriefing) -> list[list[str]]:
    """The similar communes (by population), as table rows: who they are and how far
    they went with the centrale."""
    peers = b.peers[b.peers["size_peer"].astype(bool)]
    return [
        [
            p["name_fr"],
            fmt.number(p["population"]),
            ADHESION_LABELS[AdhesionStatus(p["adhesion_status"])],
            fmt.number(p["solutions_ordered"]),
        ]
        for _, p in peers.iterrows()
    ]


def no_peer_uptake(b: CommuneBriefing) -> str:
    return (
        f"Au {fmt.date(b.as_of)}, ses pairs n'ont commandé aucune solution "
        f"{que(b.name)} n'ait pas déjà."
    )


SURVEY_HEADERS = [DIMENSIONS["need"].label, "Priorité", "Horizon", "Budget", "Au catalogue ?"]


def survey_title(b: CommuneBriefing) -> str:
    if b.survey_year is None:
        return "Ses besoins et le catalogue actuel"
    return f"Ses besoins exprimés dans l'enquête {b.survey_year}"


def survey_rows(b: CommuneBriefing, limit: int = SURVEY_ROWS) -> list[list[str]]:
    rows = []
    for _, a in b.survey.head(limit).iterrows():
        catalogue = a["match"]
        if isinstance(a["catalogue"], str) and catalogue != NeedMatch.NO_NEEDS:
            catalogue = f"{catalogue} (catalogue {a['catalogue']})"
        rows.append(
            [
                a["need"],
                fmt.MISSING if pd.isna(a["priority"]) else str(int(a["priority"])),
                fmt.MISSING if pd.isna(a["horizon"]) else str(int(a["horizon"])),
                fmt.money(a["budget_eur"], 0),
                catalogue,
            ]
        )
    return rows


def survey_left_out(b: CommuneBriefing, limit: int = SURVEY_ROWS) -> str | None:
    """'Ci-dessus les 7 premiers sur 12 besoins…' when the table is cut, else None."""
    if len(b.survey) <= limit:
        return None
    return (
        f"Ci-dessus {shown_of(limit, len(b.survey), 'besoins', feminine=False)} "
        "(par priorité) ; tous dans le tableau de bord."
    )


def catalogue_left_out(b: CommuneBriefing, limit: int) -> str | None:
    if len(b.catalogue) <= limit:
        return None
    return f"Ci-dessus {shown_of(limit, len(b.catalogue), 'solutions')} commandables."


def no_survey(b: CommuneBriefing) -> str:
    return (
        f"Au {fmt.date(b.as_of)}, {b.name} n'a encore répondu à aucune enquête des "
        "besoins de la centrale. Ses réponses orienteront le prochain catalogue."
    )


CATALOGUE_HEADERS = ["Solution commandable", "Prestataires mis en concurrence", "Commandée ?"]


def catalogue_rows(b: CommuneBriefing) -> list[list[str]]:
    """What can be ordered on `as_of` (framework active), and whether the commune has."""
    return [
        [c["solution"], c["providers"], "oui" if c["ordered"] else "non"]
        for _, c in b.catalogue.iterrows()
    ]


def how_to_order(b: CommuneBriefing) -> list[str]:
    """The steps of an order through the centrale, for this commune: a member is never
    told to adhere; a commune that withdrew is told to sign again."""
    steps = [
        "Envoyer le bon de commande",
        "Mise en concurrence des prestataires",
        f"Attribution en {AWARD_PROMISE_DAYS} jours",
    ]
    if b.adhesion_status == AdhesionStatus.WITHDRAWN:
        return ["Signer à nouveau la convention d'adhésion", *steps]
    if not b.adhered:
        return ["Adhérer : la convention avec IDELUX", *steps]
    return steps


def next_step_lines(b: CommuneBriefing, limit: int = NEXT_STEPS) -> list[str]:
    """What the commune can do now, most urgent first: at most `limit` lines, never none.

    A member is never told to adhere. The requests come from every survey it
    answered (`b.next_steps`, oldest request first); when they do not all fit, the
    last line says how many are shown out of how many and names the others.
    """
    lines = []
    if b.adhesion_status == AdhesionStatus.WITHDRAWN:
        lines.append(
            f"Signer à nouveau la convention d'adhésion (retrait le {fmt.date(b.withdrawn_on)}) : "
            "elle précède toute commande."
        )
    elif not b.adhered:
        lines.append(
            "Signer la convention d'adhésion avec IDELUX : elle précède toute commande, "
            "sans cahier des charges à rédiger."
        )
    steps = list(b.next_steps.itertuples(index=False))
    room = max(limit - len(lines), 1)
    detailed = steps if len(steps) <= room else steps[: room - 1]
    verb = "Commander" if b.adhered else "Dès l'adhésion, commander"
    for step in detailed:
        # Nouns, not participles: a participle would have to agree with each solution's
        # name (« Bornes de recharge … demandées »).
        details = [f"demande depuis l'enquête {int(step.first_year)}"]
        if not pd.isna(step.priority):
            details.append(f"priorité {int(step.priority)}")
        if not pd.isna(step.horizon):
            details.append(f"horizon {int(step.horizon)}")
        lines.append(
            f"{verb} « {step.solution} » ({', '.join(details)}) : mise en concurrence "
            f"{de(names(step.providers.split(', ')))}, attribution en "
            f"{AWARD_PROMISE_DAYS} jours."
        )
    rest = steps[len(detailed) :]
    if rest:
        lines.append(
            f"{upper_first(shown_of(len(detailed), len(steps), 'demandes'))} "
            f"détaillée{'s' if len(detailed) > 1 else ''} ; "
            f"également demandées et commandables : "
            f"{names([s.solution for s in rest], limit=len(rest))}."
        )
    if b.next_steps.empty:
        if b.survey_year is None:
            lines.append(
                "Répondre à la prochaine enquête des besoins : elle oriente les "
                "solutions du catalogue."
            )
        else:
            waiting = b.survey[b.survey["match"].isin([NeedMatch.NEW, NeedMatch.NOT_YET])]["need"]
            done = b.survey[b.survey["match"] == NeedMatch.ORDERED]["need"]
            if len(waiting):
                lines.append(
                    f"Ses besoins sans accord-cadre à ce jour ({names(list(waiting), 4)}) "
                    "alimentent la préparation du prochain catalogue."
                )
            if len(done):
                lines.append(f"Déjà commandé parmi ses demandes : {names(list(done), 4)}.")
            if not len(waiting) and not len(done):
                lines.append(
                    f"Aucun besoin déclaré dans l'enquête {b.survey_year} : en reparler "
                    "à la prochaine."
                )
        orderable = b.peer_uptake["orderable"].astype(bool)
        ideas = b.peer_uptake.loc[orderable, "solution"].head(3).tolist()
        if ideas:
            lines.append(f"À discuter, car ses pairs l'ont fait : {names(ideas)}.")
    return lines[:limit]


def map_alt_text(b: CommuneBriefing) -> str:
    """The map picture in words, with its key figures (screen readers, slide alt text)."""
    adhered, total = b.figures.get("communes_adhered"), b.figures.get("communes_total")
    count = (
        f" {fmt.number(adhered)} communes adhérentes sur {fmt.number(total)} dans la province."
        if adhered is not None and total
        else ""
    )
    return (
        f"Carte de la province de Luxembourg au {fmt.date(b.as_of)} : {b.name} et ses "
        f"voisines, colorées selon leur statut d'adhésion.{count} {status_sentence(b)} "
        + " ; ".join(neighbour_lines(b))
        + "."
    )


def source_note(b: CommuneBriefing) -> str:
    """Where every figure of the briefing comes from, in one sentence."""
    return (
        "Source : fichiers de la centrale d'achats Smart d'IDELUX Projets publics "
        "(adhésions, commandes, accords-cadres, subsides régionaux, enquête des besoins), "
        f"situation au {fmt.date(b.as_of)}."
    )


def worth_title(b: CommuneBriefing) -> str:
    return f"Ce que la centrale a apporté à {b.name}"


def worth_lines(b: CommuneBriefing) -> list[str]:
    """The gain of the competition and the time saved, each with what it is compared with."""
    w = b.worth
    if not w or not w.get("orders"):
        return [
            f"Aucune commande {de(b.name)} n'était attribuée au {fmt.date(b.as_of)} : "
            "rien à mesurer encore."
        ]
    lines = []
    if w["gain_eur"] is not None:
        quality = (
            f", dont {fmt.count(w['won_on_quality'], 'gagnée', 'gagnées')} sur la qualité "
            "par une offre plus chère"
            if w["won_on_quality"]
            else ""
        )
        lines.append(
            f"Remise en concurrence : {fmt.money(w['gain_eur'], 0)} HTVA gagnés sur "
            f"{fmt.count(w['compared'], 'commande', 'commandes')}{quality} "
            "(offre écartée la moins chère moins offre retenue)."
        )
    lines.append(
        f"Délai médian du bon de commande à l'attribution : {fmt.days(w['median_lead_days'], 1)}, "
        f"pour une promesse de {w['promise_days']} jours "
        f"({fmt.count(w['within_promise'], 'commande', 'commandes')} "
        f"sur {w['orders']} dans le délai)."
    )
    kind = "estimation" if w["classic_is_estimate"] else "source"
    lines.append(
        f"Face à une procédure classique ({w['classic_days']} jours par commande, {kind}) : "
        f"{days_saved_phrase(w)}."
    )
    return lines


def worth_assumption(b: CommuneBriefing) -> str:
    return f"Hypothèse : {b.worth['classic_basis']}." if b.worth else ""


def worth_series(b: CommuneBriefing) -> tuple[list[str], list[float]]:
    """Days compared: the commune's median lead time, the promise, a classic procedure."""
    w = b.worth
    if not w or w.get("median_lead_days") is None:
        return [], []
    kind = "estimation" if w["classic_is_estimate"] else "source"
    return (
        [
            f"{b.name} (délai médian)",
            "Promesse de la centrale",
            f"Procédure classique ({kind})",
        ],
        [w["median_lead_days"], float(w["promise_days"]), float(w["classic_days"])],
    )


def days_saved_phrase(w: dict) -> str:
    """« 631 jours gagnés au total sur ses 6 commandes (105 par commande en moyenne) »:
    a sum of days said as a sum, over how many orders, with its mean."""
    orders, saved = w["orders"], w["days_saved"]
    if orders == 1:
        return f"{fmt.number(saved)} jours gagnés sur sa commande"
    return (
        f"{fmt.number(saved)} jours gagnés au total sur ses {orders} commandes "
        f"({fmt.number(saved / orders)} par commande en moyenne)"
    )


def worth_summary(b: CommuneBriefing) -> str:
    """One line for the PDF: the gain and the days saved, the assumption named."""
    w = b.worth
    kind = "estimation" if w["classic_is_estimate"] else "source"
    gain = (
        f"{fmt.money(w['gain_eur'], 0)} par la remise en concurrence · "
        if w.get("gain_eur") is not None
        else ""
    )
    return (
        f"Gagné via la centrale : {gain}{days_saved_phrase(w)}, face à une procédure "
        f"classique de {w['classic_days']} jours par commande ({kind})"
    )


def funnel_line(b: CommuneBriefing) -> str:
    """Its place in the funnel « de la rencontre à la commande », with dates."""
    return outreach.place_sentence(b.funnel)


# -- thin sections share a slide -------------------------------------------------------
# A table of one row is a sentence, and a section that holds one sentence leaves a
# slide mostly empty: such sections are said on the slide of the next one.
THIN_ROWS = 1
SHORT_ROWS = 3  # a survey table this short shares the slide of the next steps


def orders_are_thin(b: CommuneBriefing) -> bool:
    """No order, or one: said in sentences, not as a table of one row."""
    return len(b.orders) <= THIN_ROWS


def survey_is_thin(b: CommuneBriefing) -> bool:
    """The survey (or, without one, the catalogue) would be a table of one row at most."""
    rows = survey_rows(b) if not b.survey.empty else catalogue_rows(b)
    return len(rows) <= THIN_ROWS


def survey_is_short(b: CommuneBriefing) -> bool:
    """Two or three needs: a table too short for a slide of its own."""
    return not b.survey.empty and THIN_ROWS < len(survey_rows(b)) <= SHORT_ROWS


def order_sentence(b: CommuneBriefing) -> str:
    """The commune's one order in a sentence (what `order_rows` shows as a table)."""
    o = b.orders.iloc[0]
    if o["status"] == OrderStatus.AWARDED:
        return (
            f"« {o['solution']} » : attribuée le {fmt.date(o['awarded_on'])} à "
            f"{o['provider']} en {fmt.days(o['lead_days'])}, {fmt.money(o['amount_eur'], 0)} "
            "HTVA."
        )
    return (
        f"« {o['solution']} » : bon de commande envoyé le {fmt.date(o['sent_on'])}, "
        "en cours d'attribution (mise en concurrence)."
    )


def survey_sentence(b: CommuneBriefing) -> str:
    """The survey section in one sentence, when its table would have one row at most."""
    if b.survey.empty:
        rows = catalogue_rows(b)
        if not rows:
            return no_survey(b) + " Aucune solution n'est commandable à cette date."
        solution, providers, _ordered = rows[0]
        return no_survey(b) + f" Seule solution commandable : {solution} ({providers})."
    need, priority, horizon, budget, catalogue = survey_rows(b)[0]
    if b.survey["match"].iloc[0] == NeedMatch.NO_NEEDS:
        return f"Réponse à l'enquête {b.survey_year} : aucun besoin déclaré."
    details = [f"priorité {priority}", f"horizon {horizon}", f"budget {budget}"]
    details = [d for d in details if not d.endswith(fmt.MISSING)]
    return (
        f"Besoin exprimé dans l'enquête {b.survey_year} : {need} ({', '.join(details)}) ; "
        f"au catalogue : {_lower_first(catalogue)}."
    )


def orders_and_peers_title(b: CommuneBriefing) -> str:
    return "Ses commandes et celles de ses pairs"


def order_and_worth_title(b: CommuneBriefing) -> str:
    return "Sa commande et ce qu'elle a apporté"


def survey_and_next_steps_title(b: CommuneBriefing) -> str:
    return "Ses besoins et les prochaines étapes"
