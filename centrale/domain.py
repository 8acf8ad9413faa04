"""The domain's words, defined once: statuses, their French labels and colours, elision.

Every surface (pages, map, deck, PDF, map image, Excel) reads a status, its
label and its colour from here, so one status never has two colours or two
spellings. The enums are `StrEnum`s whose values are the strings stored in
the DuckDB store (`orders.status`, `commune_status().adhesion_status`…):
`OrderStatus.AWARDED == "attribué"` holds, pandas comparisons work unchanged,
and SQL binds them with `?` like any string.

Streamlit-free and import-light (no pandas): `centrale.render.charts`, `reports` and
`ui` import it.
"""

from __future__ import annotations

import re
from enum import StrEnum

# --- Colours -----------------------------------------------------------------------------
# Okabe–Ito: the categories stay distinct with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#7F7F7F"
NO_DATA_COLOUR = "#D9D9D9"  # "pas de données": a light neutral grey, never a status colour


class AdhesionStatus(StrEnum):
    """A commune's membership on a date (SQL: `queries.commune_status`, the only derivation)."""

    ADHERED = "adhérente"  # a convention active on that date
    WITHDRAWN = "retirée"  # signed once, withdrawn by that date
    NOT_ADHERED = "non adhérente"  # never signed by that date

    @property
    def label(self) -> str:
        """'Adhérente', 'Retirée', 'Non adhérente' (a card, a table cell)."""
        return ADHESION_LABELS[self]

    @property
    def colour(self) -> str:
        return ADHESION_COLOURS[self]


ADHESION_LABELS = {
    AdhesionStatus.ADHERED: "Adhérente",
    AdhesionStatus.WITHDRAWN: "Retirée",
    AdhesionStatus.NOT_ADHERED: "Non adhérente",
}
# Legend entries on the maps (plotly map, deck/PDF map image).
ADHESION_LEGEND = {
    AdhesionStatus.ADHERED: "Commune adhérente",
    AdhesionStatus.WITHDRAWN: "Adhésion retirée",
    AdhesionStatus.NOT_ADHERED: "Commune non adhérente",
}
# One palette for the status on every surface: map, page, deck, PDF, map image.
ADHESION_COLOURS = {
    AdhesionStatus.ADHERED: BLUE,
    AdhesionStatus.NOT_ADHERED: ORANGE,
    AdhesionStatus.WITHDRAWN: PURPLE,
}


class OrderStatus(StrEnum):
    """An order's status as known on a date (`orders_at(d).status`)."""

    SENT = "envoyé"  # order form sent, not yet awarded on that date
    AWARDED = "attribué"
    CANCELLED = "annulé"

    @property
    def label(self) -> str:
        return ORDER_STATUS_LABELS[self]

    @property
    def colour(self) -> str:
        return ORDER_STATUS_COLOURS[self]


ORDER_STATUS_LABELS = {
    OrderStatus.SENT: "En cours d'attribution",
    OrderStatus.AWARDED: "Attribuée",
    OrderStatus.CANCELLED: "Annulée",
}
ORDER_STATUS_COLOURS = {
    OrderStatus.SENT: SKY_BLUE,
    OrderStatus.AWARDED: BLUE,
    OrderStatus.CANCELLED: GREY,
}
# "Solution prise" (a commune has taken a solution): it has an order for it that was
# sent or awarded and not cancelled. One rule for the commune page, the Présentation
# page, the deck and the PDF: an order form sent commits the commune even before the
# award (the award is the centrale's job, 20 days later).
TAKEN_STATUSES = (OrderStatus.SENT, OrderStatus.AWARDED)


class SurveyAnswerStatus(StrEnum):
    """Did a commune answer a given needs survey (by a date)?"""

    ANSWERED = "a répondu"
    NOT_ANSWERED = "n'a pas répondu"

    @property
    def colour(self) -> str:
        return SURVEY_ANSWER_COLOURS[self]


SURVEY_ANSWER_COLOURS = {
    SurveyAnswerStatus.ANSWERED: GREEN,
    SurveyAnswerStatus.NOT_ANSWERED: ORANGE,
}

# A mark on each commune of a status map, so the map also reads without colour (printed
# in black and white, a colour-blind reader, a projector washing colours out): a dark
# dot, a ring, a small dot, or no mark. The legend shows the same sign.
MARK_DOT, MARK_RING, MARK_SMALL, MARK_NONE = "dot", "ring", "small", None
MARK_SIGNS = {MARK_DOT: "●", MARK_RING: "◎", MARK_SMALL: "·", MARK_NONE: ""}
ADHESION_MARKS = {
    AdhesionStatus.ADHERED: MARK_DOT,
    AdhesionStatus.WITHDRAWN: MARK_RING,
    AdhesionStatus.NOT_ADHERED: MARK_NONE,
}
SURVEY_ANSWER_MARKS = {
    SurveyAnswerStatus.ANSWERED: MARK_DOT,
    SurveyAnswerStatus.NOT_ANSWERED: MARK_NONE,
}
NO_DATA_MARK = MARK_SMALL


class NeedMatch(StrEnum):
    """How one need a commune expressed in a survey matches the catalogue on a date."""

    ORDERED = "déjà commandée"
    ORDERABLE = "commandable dès maintenant"
    AFTER_ADHESION = "commandable dès l'adhésion"  # framework active, commune not a member
    NOT_YET = "au catalogue, pas encore d'accord-cadre"
    NEW = "hors catalogue (nouveau besoin)"
    NO_NEEDS = "aucun besoin déclaré"


class Coverage(StrEnum):
    """Is a survey need covered by a framework agreement of the centrale on a date?"""

    COVERED = "catalogue en vigueur"
    NOT_COVERED = "nouveau besoin"


# --- "Communes semblables" ---------------------------------------------------------------
# One rule, every surface: the SIMILAR_COUNT communes of the province (existing on the
# date, whatever their arrondissement) nearest in population on a log scale — 3 000 vs
# 6 000 inhabitants is as far as 15 000 vs 30 000 — ties broken by NIS code.
SIMILAR_COUNT = 6
SIMILAR_RULE = (
    "Communes semblables : les {count} communes de la province dont la population est la "
    "plus proche, en proportion, de celle {of_commune} (quel que soit leur arrondissement)."
)


def similar_rule(commune: str, count: int = SIMILAR_COUNT) -> str:
    """The rule in one French sentence, for the page and the deck."""
    return SIMILAR_RULE.format(count=count, of_commune=de(commune))


# --- French elision ----------------------------------------------------------------------
# The rule (orthographic, as for the province's names): "de" / "que" / "le" become
# "d'" / "qu'" / "l'" before a name starting with a vowel — a, e, i, o, u, y, with or
# without accent, capital or not (d'Arlon, d'Attert, d'Érezée, d'Erezée, qu'Aubange).
# A leading "h" is treated as aspirated and never elided (de Habay, de Hotton, de
# Houffalize, de Herbeumont): the province's own usage varies, a rule that never
# elides before h is at worst old-fashioned, never wrong-looking. A name that starts
# with an article keeps it, capitalised, and "de" is not contracted with it: "de La
# Roche-en-Ardenne" (the article is part of the official name); "Le"/"Les" contract
# as French requires ("du Rœulx", "des Bons Villers").
_VOWEL = re.compile(r"^[aeiouyàâäéèêëîïôöùûüÿæœ]", re.IGNORECASE)
_ELIDABLE = {"de": "d'", "que": "qu'", "le": "l'", "la": "l'", "ne": "n'", "je": "j'"}


def starts_with_vowel(word: str) -> bool:
    return bool(_VOWEL.match(word.strip()))


def elide(word: str, following: str) -> str:
    """`word` followed by `following`, elided when French requires it.

    elide("de", "Arlon") -> "d'Arlon"; elide("de", "Bertrix") -> "de Bertrix";
    elide("que", "Aubange") -> "qu'Aubange"; elide("De", "Attert") -> "D'Attert".
    """
    following = following.strip()
    key = word.lower()
    if key == "de":
        if following.startswith("Le "):
            return ("Du " if word[0].isupper() else "du ") + following[3:]
        if following.startswith("Les "):
            return ("Des " if word[0].isupper() else "des ") + following[4:]
    if key in _ELIDABLE and starts_with_vowel(following):
        short = _ELIDABLE[key]
        return (short.capitalize() if word[0].isupper() else short) + following
    return f"{word} {following}"


def de(name: str) -> str:
    """'d'Arlon', 'de Bertrix', 'de La Roche-en-Ardenne', 'de Habay'."""
    return elide("de", name)


def que(name: str) -> str:
    """'qu'Arlon', 'que Bertrix' ("Ce qu'Arlon a commandé")."""
    return elide("que", name)


def arrondissement_of(name: str, article: bool = False, capital: bool = False) -> str:
    """'arrondissement d'Arlon'; with `article`: 'l'arrondissement d'Arlon';
    with `capital`: 'Arrondissement d'Arlon' (a sentence or a legend starts with it)."""
    text = f"arrondissement {de(name)}"
    if article:
        text = f"l'{text}"
    return upper_first(text) if capital else text


def upper_first(text: str) -> str:
    """Capitalise the first letter only ('arrondissement d'Arlon' -> 'Arrondissement
    d'Arlon'); `str.capitalize` would lower the names that follow."""
    return text[:1].upper() + text[1:]


# --- Regional calls for projects -----------------------------------------------------------
def subsidy_call_label(call_year: int) -> str:
    """The one name of a regional call for projects (the Région's « Smart » / « Territoire
    intelligent » calls) on every surface — overview, Subsides, commune page, Présentation,
    deck and fiche: « appel à projets 2019 ». A call is dated by its year in the subsidies
    file (the 2023 call's two phases are the calls 2023 and 2024); the file's full title
    (« Appel à projets Territoire intelligent (Smart Région) ») is the call's title, shown
    under its name on the Subsides page, never in its place. `upper_first` starts a line."""
    return f"appel à projets {int(call_year)}"


# What a load of the store was, as the history page, the Explorer's « Ce qui a changé » and
# the digest say it (the store's load_log.action holds the key).
LOAD_ACTIONS = {
    "build": "Construction",
    "import": "Import depuis le tableau de bord",
    "restore": "Restauration",
}


def load_action_label(action: str) -> str:
    """« Construction » for `build`; an unknown action is shown as it is stored."""
    return LOAD_ACTIONS.get(str(action), str(action))
