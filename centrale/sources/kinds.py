"""The kinds of source file the ETL accepts, as DATA-CONTRACT.md lists them.

Each kind names its canonical columns, the French labels staff write in
Excel, the type of each column and whether it is required. The readers and
validators are driven by this table; nothing else hard-codes a header.
"""

from __future__ import annotations

from dataclasses import dataclass

from centrale.domain import OrderStatus
from centrale.names import normalise


@dataclass(frozen=True)
class Column:
    name: str
    labels: tuple[str, ...]
    type: str  # text | date | amount | int | commune
    required: bool = False  # the column must be in the file
    not_null: bool = False  # every row must have a value
    description: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    label_fr: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def header_lookup(self) -> dict[str, str]:
        """Normalised header text -> canonical column name."""
        lookup = {}
        for col in self.columns:
            for text in (col.name, *col.labels):
                lookup[normalise(text)] = col.name
        return lookup


# The commune of an order or a meeting: its code or its name, under the headings staff use.
_COMMUNE_COLUMN = Column(
    "commune",
    ("commune", "code ins", "code nis", "code commune", "nom de la commune"),
    "commune",
    True,
    True,
)

SOLUTIONS = Kind(
    "solutions",
    "solutions du catalogue",
    (
        Column("solution_id", ("code", "code solution", "id"), "text", True, True),
        Column("name_fr", ("solution", "nom", "intitule", "libelle"), "text", True, True),
        Column("category", ("categorie",), "text"),
        Column("catalogue", ("version du catalogue",), "text"),
        Column("description", ("descriptif",), "text"),
    ),
    ("solution_id",),
)

FRAMEWORK = Kind(
    "framework",
    "accords-cadres",
    (
        Column("solution_id", ("code", "solution", "code solution"), "text", True, True),
        Column("provider", ("prestataire", "fournisseur"), "text", True, True),
        Column("starts_on", ("debut", "date de debut"), "date", True, True),
        Column("ends_on", ("fin", "date de fin"), "date"),
    ),
    ("solution_id", "provider", "starts_on"),
)

ADHESIONS = Kind(
    "adhesions",
    "adhésions",
    (
        Column(
            "commune",
            (
                "commune",
                "code ins",
                "code nis",
                "code",
                "code commune",
                "nom de la commune",
                "nom",
                "libelle",
            ),
            "commune",
            True,
            True,
        ),
        Column("signed_on", ("date de signature", "signature"), "date", True, True),
        Column("withdrawn_on", ("date de retrait", "retrait"), "date"),
    ),
    ("commune", "signed_on"),
)

ORDERS = Kind(
    "orders",
    "commandes",
    (
        Column(
            "order_id",
            ("n de commande", "no de commande", "numero de commande", "commande"),
            "text",
            True,
            True,
        ),
        _COMMUNE_COLUMN,
        Column("solution", ("solution", "code solution"), "text", True, True),
        Column(
            "sent_on",
            ("date d envoi du bon de commande", "date d envoi", "envoi"),
            "date",
            True,
            True,
        ),
        Column("awarded_on", ("date d attribution", "attribution"), "date"),
        Column("provider", ("adjudicataire", "prestataire"), "text"),
        Column("amount_eur", ("montant htva", "montant", "montant htva eur"), "amount"),
        Column("status", ("statut", "etat"), "text"),
    ),
    ("order_id",),
)

SUBSIDIES = Kind(
    "subsidies",
    "subsides",
    (
        Column("call", ("appel a projets", "appel"), "text", True, True),
        Column("call_year", ("annee", "annee de l appel"), "int", True, True),
        Column("beneficiary", ("beneficiaire",), "text", True, True),
        Column("project", ("projet",), "text"),
        Column("amount_eur", ("montant", "montant eur"), "amount", True, True),
        Column("province", ("province",), "text"),
    ),
    ("call", "call_year", "beneficiary", "project"),
)

SURVEY = Kind(
    "survey",
    "réponses à l'enquête",
    (
        Column("year", ("annee",), "int", True, True),
        Column("commune", ("commune", "code ins"), "commune", True, True),
        Column("need", ("besoin",), "text", True),
        Column("priority", ("priorite",), "int"),
        Column("horizon", ("annee souhaitee",), "int"),
        Column("budget_eur", ("budget", "budget eur"), "amount"),
        Column("submitted_on", ("date de reponse", "reponse"), "date"),
        Column("respondent", ("repondant",), "text"),
        Column("comment", ("commentaire", "remarque"), "text"),
    ),
    ("year", "commune", "need"),
)

CAMPAIGNS = Kind(
    "campaigns",
    "campagnes d'enquête",
    (
        Column("year", ("annee",), "int", True, True),
        Column("sent_on", ("date d envoi", "envoi"), "date", True, True),
        Column("deadline", ("date limite", "echeance"), "date"),
    ),
    ("year",),
)

# One row per offer received for an order (the mini-competition between the
# solution's framework providers).
OFFERS = Kind(
    "offers",
    "offres",
    (
        Column(
            "order_id",
            ("n de commande", "no de commande", "numero de commande", "commande"),
            "text",
            True,
            True,
        ),
        Column("provider", ("prestataire", "soumissionnaire", "fournisseur"), "text", True, True),
        Column(
            "amount_eur",
            ("montant htva", "montant", "montant de l offre", "montant htva eur"),
            "amount",
            True,
            True,
        ),
        Column("price_points", ("points prix", "cotation prix"), "amount"),
        Column("quality_points", ("points qualite", "cotation qualite"), "amount"),
        Column("total_points", ("score total", "total des points", "score"), "amount"),
        Column("received_on", ("date de reception", "reception", "recue le"), "date"),
        Column("chosen", ("retenue", "offre retenue", "choisie"), "text", True, True),
    ),
    ("order_id", "provider"),
)

# One row per commune present at a contact (meeting, visit, presentation…).
EVENTS = Kind(
    "events",
    "rencontres",
    (
        Column("held_on", ("date", "date de la rencontre"), "date", True, True),
        Column("kind", ("type", "type de rencontre", "nature"), "text", True, True),
        Column("title", ("intitule", "objet", "lieu"), "text"),
        _COMMUNE_COLUMN,
        Column("roles", ("roles des presents", "roles", "role", "fonctions"), "text"),
        Column("people", ("nombre de personnes", "personnes", "participants"), "int"),
    ),
    ("held_on", "kind", "title", "commune"),
)

# A commune given twice, by its INS code and by its name (Statbel's lists: `Code INS`
# beside `Commune`, `Nom` or `Libellé`): the code is the commune, the name is checked
# against it. Normalised headings.
COMMUNE = "commune"
COMMUNE_NAME = "_commune_name"  # the checked name's column in raw cells, never loaded
COMMUNE_CODE_HEADINGS = frozenset(
    {"code ins", "code nis", "code", "code commune", "code ins commune", "refnis", "ins", "nis"}
)
COMMUNE_NAME_HEADINGS = frozenset(
    {"commune", "nom", "libelle", "nom de la commune", "nom commune", "libelle commune"}
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (SOLUTIONS, FRAMEWORK, ADHESIONS, ORDERS, SUBSIDIES, SURVEY, CAMPAIGNS, OFFERS, EVENTS)
}

# French words accepted at the start of a file name, besides the kind's own name.
# LimeSurvey writes this submit date on every response of an anonymised survey: not a date.
ANONYMISED_DATE = "1980-01-01"

# The survey import's saved column choices live beside the sources (survey_mapping writes
# them); they are not source files, and the folder's reader skips them.
MAPPING_PREFIX = "correspondance-enquete-"

FILE_PREFIXES = {
    "solutions": ("solutions", "catalogue"),
    "framework": ("framework", "accords", "accord-cadre", "accords-cadres"),
    "adhesions": ("adhesions", "adhésions"),
    "orders": ("orders", "commandes"),
    "subsidies": ("subsidies", "subsides"),
    "survey": ("survey", "enquete", "enquête"),
    "campaigns": ("campaigns", "campagnes"),
    "offers": ("offers", "offres"),
    "events": ("events", "rencontres"),
}

# Accepted spellings (normalised: no accent, lower case) -> the stored status.
ORDER_STATUSES = {normalise(s.value): s.value for s in OrderStatus}
YES_WORDS = {"oui", "o", "yes", "y", "x", "1", "vrai", "true", "retenue"}
NO_WORDS = {"non", "n", "no", "0", "faux", "false", "non retenue", "ecartee"}
# The kinds of contact (normalised -> as shown) and the roles present: roles
# only, never a person's name (the outreach file is shared with the board).
EVENT_KINDS = {
    "seance d information": "séance d'information",
    "reunion d information": "séance d'information",
    "visite": "visite",
    "presentation au college": "présentation au collège",
    "presentation au conseil": "présentation au conseil",
    "salon": "salon",
    "reunion": "réunion",
    "appel": "appel",
    "atelier": "atelier",
}
INFO_MEETING_KIND = "séance d'information"
EVENT_ROLES = {
    "bourgmestre",
    "echevin",
    "echevine",
    "directeur general",
    "directrice generale",
    "directeur financier",
    "directrice financiere",
    "president du cpas",
    "presidente du cpas",
    "conseiller communal",
    "conseillere communale",
    "agent communal",
    "agente communale",
    "agent",
    "agente",
    "responsable informatique",
    "conseiller en energie",
    "conseillere en energie",
    "agent de developpement local",
    "secretaire communal",
    "secretaire communale",
    "employe d administration",
    "employee d administration",
}
NO_NEED_WORDS = {"aucun besoin", "aucun", "neant", "pas de besoin", "none"}


def kind_of_file(filename: str) -> str | None:
    """The kind a source file holds, from the start of its name (longest prefix wins)."""
    stem = filename.lower()
    best: tuple[int, str | None] = (0, None)
    for kind, prefixes in FILE_PREFIXES.items():
        for prefix in prefixes:
            if stem.startswith(prefix) and len(prefix) > best[0]:
                best = (len(prefix), kind)
    return best[1]


# How each column is named to people (messages, tables): the contract's French labels.
FRENCH_LABELS = {
    ("solutions", "solution_id"): "code",
    ("solutions", "name_fr"): "solution",
    ("solutions", "category"): "catégorie",
    ("framework", "solution_id"): "code",
    ("framework", "provider"): "prestataire",
    ("framework", "starts_on"): "début",
    ("framework", "ends_on"): "fin",
    ("orders", "order_id"): "n° de commande",
    ("orders", "sent_on"): "date d'envoi du bon de commande",
    ("orders", "awarded_on"): "date d'attribution",
    ("orders", "provider"): "adjudicataire",
    ("orders", "amount_eur"): "montant HTVA",
    ("subsidies", "call"): "appel à projets",
    ("subsidies", "call_year"): "année",
    ("subsidies", "beneficiary"): "bénéficiaire",
    ("subsidies", "amount_eur"): "montant",
    ("survey", "year"): "année",
    ("survey", "priority"): "priorité",
    ("survey", "horizon"): "année souhaitée",
    ("survey", "submitted_on"): "date de réponse",
    ("survey", "respondent"): "répondant",
    ("campaigns", "year"): "année",
    ("campaigns", "sent_on"): "date d'envoi",
}


def french_label(kind: str | None, column: str) -> str:
    """The French label of a kind's column (never the internal English name when the
    kind declares labels): the table above, else the column's first label."""
    if kind is not None and (kind, column) in FRENCH_LABELS:
        return FRENCH_LABELS[(kind, column)]
    if kind in KINDS:
        col = next((c for c in KINDS[kind].columns if c.name == column), None)
        if col is not None and col.labels:
            return col.labels[0]
    return column
