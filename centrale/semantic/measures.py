"""The registry of measures: every figure the dashboard shows, defined once.

A `Measure` says what a number is in French (label, short label, unit), how it
is written (`kind`, formatted through `centrale.fmt`, Belgian conventions) and
what it means (`help`, one or two sentences a manager can read aloud). Tables
(`ui.components.Col.of`), Excel headers, the map's indicators, the chart
pickers and the deck read their words from here: one figure never has two
names or two definitions.

`key` is also the column name in the frames of `centrale.datasets.queries`
(`kpis()` keys, `commune_status()` columns…), unless `column` says otherwise.

Streamlit-free, pandas-free at import.
"""

from __future__ import annotations

from dataclasses import dataclass

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS

# How a measure is written; the same names as `ui.components.Col.kind`.
KINDS = ("int", "decimal", "percent", "money", "money0", "days", "days1")
# plotly tick formats and suffixes for an axis or a colour bar of each kind.
_TICKS = {
    "int": (",d", ""),
    "decimal": (",.2f", ""),
    "percent": ("", ""),  # ticks by charts.percent_ticks: ".0%" writes « 20% », no space
    "money": (",.2f", f"{fmt.NBSP}€"),
    "money0": (",.0f", f"{fmt.NBSP}€"),
    "days": (",d", f"{fmt.NBSP}j"),
    "days1": (",.1f", f"{fmt.NBSP}j"),
}


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # full French label: a table header, an Excel header, a picker option
    kind: str  # one of KINDS
    help: str  # what it counts, in one or two French sentences
    unit: str = ""  # spelled-out unit for prose: 'communes', 'jours', '€ HTVA'
    short: str | None = None  # a colour bar or a KPI card title when `label` is too long
    column: str | None = None  # the frame column when it differs from `key`

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"format inconnu pour {self.key} : {self.kind}")

    @property
    def name(self) -> str:
        """The frame column this measure reads."""
        return self.column or self.key

    @property
    def short_label(self) -> str:
        return self.short or self.label

    def format(self, value) -> str:
        """One value as French text: '1 234 €', '21 %', '15,0 jours', '–' when missing."""
        if self.kind == "int":
            return fmt.number(value)
        if self.kind == "decimal":
            return fmt.number(value, 2)
        if self.kind == "percent":
            return fmt.percent(value)
        if self.kind == "money":
            return fmt.money(value)
        if self.kind == "money0":
            return fmt.money(value, 0)
        if self.kind == "days":
            return fmt.days(value)
        return fmt.days(value, 1)

    @property
    def tick_format(self) -> str:
        return _TICKS[self.kind][0]

    @property
    def tick_suffix(self) -> str:
        return _TICKS[self.kind][1]


_ALL = [
    # --- The centrale (queries.kpis) ----------------------------------------------------
    Measure(
        "communes_total",
        "Communes de la province",
        "int",
        "Communes de la province de Luxembourg existant à la date (44, puis 43 après la "
        "fusion Bertogne–Bastogne du 02/12/2024).",
        unit="communes",
    ),
    Measure(
        "communes_adhered",
        "Communes adhérentes",
        "int",
        "Communes ayant une convention d'adhésion active à la date ; l'adhésion d'une "
        "commune fusionnée compte pour celle qui lui succède.",
        unit="communes",
    ),
    Measure(
        "adhesion_rate",
        "Taux d'adhésion",
        "percent",
        "Communes adhérentes sur communes de la province, à la date.",
    ),
    Measure(
        "orders_sent",
        "Bons de commande envoyés",
        "int",
        "Bons de commande envoyés jusqu'à la date, commandes annulées exclues.",
        unit="commandes",
    ),
    Measure(
        "orders_awarded",
        "Commandes attribuées",
        "int",
        "Commandes dont le marché était attribué à la date.",
        unit="commandes",
    ),
    Measure(
        "orders_pending",
        "Commandes en cours d'attribution",
        "int",
        "Bons de commande envoyés, pas encore attribués à la date (hors annulations).",
        unit="commandes",
        short="En cours",
    ),
    Measure(
        "median_award_days",
        "Délai médian d'attribution",
        "days1",
        "Médiane, en jours, du délai entre l'envoi du bon de commande et l'attribution, "
        "pour les commandes attribuées à la date.",
        unit="jours",
        short="Délai médian",
    ),
    Measure(
        "share_awarded_within_20_days",
        f"Attribuées en {AWARD_PROMISE_DAYS} jours au plus",
        "percent",
        f"Part des commandes attribuées en {AWARD_PROMISE_DAYS} jours au plus après l'envoi "
        "du bon de commande (la promesse de la centrale).",
    ),
    Measure(
        "amount_awarded_eur",
        "Montant attribué (HTVA)",
        "money0",
        "Somme des montants hors TVA des commandes attribuées à la date.",
        unit="€ HTVA",
    ),
    Measure(
        "province_subsidy_share",
        "Part de la province dans le subside régional",
        "percent",
        "Part du subside « Smart » de la Région wallonne d'un appel à projets allée à des "
        "projets de la province de Luxembourg.",
        short="Part de la province",
    ),
    Measure(
        "survey_response_rate",
        "Taux de réponse à l'enquête",
        "percent",
        "Communes ayant répondu à l'enquête des besoins à la date (« aucun besoin » compte "
        "comme une réponse), sur communes de la province.",
    ),
    Measure(
        "orders_amount_eur",
        "Montant des commandes (HTVA)",
        "money0",
        "Montant hors TVA (contrats de quatre ans) des commandes attribuées au plus tard à "
        "la date.",
        unit="€ HTVA",
    ),
    Measure(
        "competition_gain_eur",
        "Gain de la remise en concurrence",
        "money0",
        "Pour chaque commande attribuée ayant reçu au moins deux offres : la moins chère des "
        "autres offres moins l'offre retenue, additionné (négatif quand une offre plus chère "
        "a gagné sur la qualité).",
        unit="€ HTVA",
    ),
    Measure(
        "communes_met",
        "Communes rencontrées",
        "int",
        "Communes existant à la date rencontrées au moins une fois (fichier des rencontres).",
        unit="communes",
    ),
    # --- One commune (queries.commune_status) -------------------------------------------
    Measure(
        "population",
        "Population",
        "int",
        "Habitants de la commune (Statbel, tel que dans la base).",
        unit="habitants",
    ),
    Measure(
        "solutions_ordered",
        "Nombre de solutions commandées",
        "int",
        "Solutions différentes que la commune a prises à la date : un bon de commande "
        "envoyé ou attribué, hors annulations.",
        unit="solutions",
        short="Solutions",
    ),
    Measure(
        "amount_eur",
        "Montant commandé (HTVA)",
        "money0",
        "Somme hors TVA des commandes attribuées de la commune à la date.",
        unit="€ HTVA",
        short="Montant<br>HTVA",
    ),
    Measure(
        "amount_per_inhabitant",
        "Montant commandé par habitant (HTVA)",
        "money",
        "Montant attribué hors TVA divisé par la population de la commune.",
        unit="€ HTVA par habitant",
        short="HTVA par<br>habitant",
    ),
    # --- One order ------------------------------------------------------------------------
    Measure(
        "lead_days",
        "Délai d'attribution",
        "days",
        "Jours entre l'envoi du bon de commande et l'attribution du marché "
        f"(promesse : {AWARD_PROMISE_DAYS} jours).",
        unit="jours",
        short="Délai",
    ),
    Measure(
        "days_pending",
        "En attente depuis",
        "days",
        "Jours depuis l'envoi du bon de commande, pour une commande pas encore attribuée.",
        unit="jours",
        short="Attente",
    ),
    Measure(
        "order_amount_eur",
        "Montant HTVA",
        "money",
        "Montant hors TVA de la commande.",
        unit="€ HTVA",
        column="amount_eur",
    ),
    # --- Providers --------------------------------------------------------------------------
    Measure(
        "orders_won",
        "Commandes remportées",
        "int",
        "Commandes attribuées à ce prestataire après la mise en concurrence.",
        unit="commandes",
    ),
    Measure(
        "provider_amount_eur",
        "Montant attribué (HTVA)",
        "money",
        "Somme hors TVA des commandes remportées par ce prestataire.",
        unit="€ HTVA",
        column="amount_eur",
    ),
    Measure(
        "median_lead_days",
        "Délai médian d'attribution",
        "days1",
        "Médiane du délai d'attribution des commandes remportées.",
        unit="jours",
    ),
    # --- The Explorer's measures (centrale.semantic, issue 20) -----------------------------
    Measure(
        "orders_late",
        "Commandes en retard",
        "int",
        f"Bons de commande envoyés (hors annulations) dont la promesse de {AWARD_PROMISE_DAYS} "
        "jours n'est pas tenue : attribués après plus de "
        f"{AWARD_PROMISE_DAYS} jours, ou en attente depuis plus longtemps à la date.",
        unit="commandes",
    ),
    Measure(
        "mean_award_days",
        "Délai moyen d'attribution",
        "days1",
        "Moyenne, en jours, du délai entre l'envoi du bon de commande et l'attribution, pour "
        "les commandes attribuées.",
        unit="jours",
        short="Délai moyen",
    ),
    Measure(
        "communes_ordering",
        "Communes ayant commandé",
        "int",
        "Communes différentes ayant au moins un bon de commande envoyé ou attribué (hors "
        "annulations) ; une commune fusionnée compte pour celle qui lui succède.",
        unit="communes",
    ),
    Measure(
        "population_covered",
        "Population couverte",
        "int",
        "Habitants des communes différentes ayant pris au moins une solution (bon de commande "
        "envoyé ou attribué, hors annulations) : chaque commune compte une seule fois.",
        unit="habitants",
    ),
    Measure(
        "population_covered_share",
        "Part de la population de la province couverte",
        "percent",
        "Population couverte divisée par la population de la province à la date.",
        short="Part couverte",
    ),
    Measure(
        "conventions_signed",
        "Conventions d'adhésion signées",
        "int",
        "Conventions d'adhésion signées (une commune qui adhère à nouveau compte deux fois).",
        unit="conventions",
        short="Conventions",
    ),
    Measure(
        "communes_answered",
        "Communes ayant répondu à l'enquête",
        "int",
        "Communes différentes ayant répondu à l'enquête des besoins (« aucun besoin » compte "
        "comme une réponse).",
        unit="communes",
    ),
    Measure(
        "needs_expressed",
        "Besoins exprimés",
        "int",
        "Besoins déclarés dans les réponses à l'enquête (une ligne par commune et besoin ; "
        "« aucun besoin » n'en compte pas).",
        unit="besoins",
    ),
    Measure(
        "contacts_held",
        "Rencontres avec les communes",
        "int",
        "Rencontres tenues avec une commune (séances d'information, visites, présentations).",
        unit="rencontres",
        short="Rencontres",
    ),
    Measure(
        "adhesion_to_award_mean",
        "Délai moyen de l'adhésion à la première attribution",
        "days1",
        "Pour chaque commune ayant une commande attribuée : jours entre sa première signature "
        "de convention et sa première attribution ; moyenne sur les communes.",
        unit="jours",
        short="Adhésion → 1re attribution (moy.)",
    ),
    Measure(
        "adhesion_to_award_median",
        "Délai médian de l'adhésion à la première attribution",
        "days1",
        "Comme le délai moyen, mais la médiane sur les communes (moins sensible à une commune "
        "très lente).",
        unit="jours",
        short="Adhésion → 1re attribution (méd.)",
    ),
    Measure(
        "survey_conversion",
        "Besoins suivis d'une commande",
        "percent",
        "Part des besoins d'une solution du catalogue exprimés à l'enquête pour lesquels la "
        "commune a envoyé un bon de commande de cette solution dans les N jours suivant sa "
        "réponse (N choisi dans la question).",
        short="Conversion",
    ),
    Measure(
        "orders_above_usual",
        "Commandes au-dessus du montant habituel",
        "int",
        "Commandes dont le montant dépasse le facteur choisi fois le montant médian des "
        "commandes de la même solution.",
        unit="commandes",
        short="Au-dessus de l'habituel",
    ),
    # --- The information meetings (kpis' info_meetings, issue 14) ---------------------------
    Measure(
        "communes_represented",
        "Communes représentées aux séances d'information",
        "int",
        "Communes dont au moins une personne a assisté à une séance d'information tenue à la date.",
        unit="communes",
    ),
    Measure(
        "communes_at_the_time",
        "Communes représentées (au moment des séances)",
        "int",
        "Communes représentées aux séances d'information, comptées comme elles existaient le "
        "jour de la séance (avant une fusion, Bertogne et Bastogne comptent pour deux).",
        unit="communes",
    ),
    Measure(
        "by_bourgmestre",
        "Représentées par leur bourgmestre",
        "int",
        "Communes représentées aux séances d'information par leur bourgmestre.",
        unit="communes",
    ),
    Measure(
        "people",
        "Personnes présentes",
        "int",
        "Personnes présentes aux séances d'information tenues à la date (communes seulement).",
        unit="personnes",
    ),
    # --- Subsidies --------------------------------------------------------------------------
    Measure(
        "subsidy_amount_eur",
        "Montant accordé",
        "money0",
        "Subside régional accordé aux projets retenus.",
        unit="€",
        column="amount_eur",
    ),
    Measure(
        "subsidy_per_inhabitant",
        "Montant par habitant",
        "money",
        "Subside accordé divisé par la population.",
        unit="€ par habitant",
        short="Par habitant",
        column="amount_per_inhabitant",
    ),
    Measure(
        "subsidy_share",
        "Part du subside régional",
        "percent",
        "Part de l'enveloppe régionale de l'appel à projets.",
        column="share",
    ),
    # --- Survey and outreach: other facts under words close to the orders' ones ------------
    Measure(
        "needs_distinct",
        "Besoins distincts exprimés",
        "int",
        "Besoins différents (solutions du catalogue ou besoins nouveaux) exprimés dans "
        "l'enquête, chacun compté une fois quel que soit le nombre de communes qui l'ont "
        "exprimé.",
        unit="besoins",
    ),
    Measure(
        "need_population",
        "Population des communes demandeuses",
        "int",
        "Population (Statbel) des communes qui ont exprimé ce besoin dans l'enquête : une "
        "demande, pas une population couverte par une commande.",
        unit="habitants",
        short="Population demandeuse",
        column="population",
    ),
    Measure(
        "median_days_from_previous_step",
        "Délai médian depuis l'étape précédente",
        "days",
        "Délai médian, en jours, entre l'étape précédente du parcours d'une commune "
        "(rencontre, adhésion, première commande) et celle-ci.",
        unit="jours",
        short="Délai (étape)",
        column="median_days_from_previous",
    ),
]

MEASURES: dict[str, Measure] = {m.key: m for m in _ALL}
if len(MEASURES) != len(_ALL):  # pragma: no cover - a duplicate key is a coding error
    raise RuntimeError("clé de mesure en double")


def measure(key: str) -> Measure:
    """The measure named `key`; a French KeyError for an unknown one."""
    try:
        return MEASURES[key]
    except KeyError:
        raise KeyError(f"mesure inconnue : {key}") from None


def label(key: str) -> str:
    return measure(key).label


def format_value(key: str, value) -> str:
    return measure(key).format(value)
