"""What each column of a survey tool's wide export holds: the mapping step.

LimeSurvey and KoboToolbox export one row per respondent and one column per
question, a multiple choice as one column per option. The conventions they
follow (see REAL-WORLD.md §1) decide most columns on their own:

- technical columns (LimeSurvey's, in French and English; Kobo's `_uuid`,
  `_submission_time`, geopoint parts…) are ignored, the submit date kept;
- an option column is `Question [Option]` (LimeSurvey) or
  `question/option` (Kobo), split on the *known question prefix* so that an
  option label holding a `/` ("Application web/mobile") stays whole;
- a column's values say what it is: ticks (`Oui`/`Non`, `Y`/empty, `1`/`0`,
  `x`, `True`…, with `N/A` meaning "not shown"), free text or codes. The
  "Autre" option is text (a new need) or a tick (ignored: the text is in the
  "Si autre, précisez" question), judged from its values only;
- only the option part of a heading can name a catalogue need: a question
  whose text holds a catalogue word ("Décrivez votre participation…") is not
  that need.

Anything uncertain is proposed as *ignored*, with the guess kept as a
suggestion (`ColumnChoice.suggestion`) that the person can accept one by one
or in bulk (`accept_question`): an uncertain guess never imports silently.
A finished mapping is saved beside the sources (`save_mapping`) and offered
again for the same questionnaire (`saved_mapping`).
"""

# Over 500 lines: guessing and recording each column's role in a survey export (every tool's
# conventions); to split into guess / saved mappings next.

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from centrale import fmt
from centrale.names import normalise
from centrale.sources.kinds import MAPPING_PREFIX, NO_NEED_WORDS
from centrale.sources.parse import is_blank

ROLE_LABELS = {
    "commune": "Commune",
    "year": "Année de l'enquête",
    "submitted_on": "Date de réponse",
    "respondent": "Répondant",
    "comment": "Commentaire général",
    "need": "Besoin coché (une colonne par besoin)",
    "need_list": "Besoins (plusieurs réponses dans une cellule)",
    "priority": "Priorité d'un besoin",
    "horizon": "Année souhaitée d'un besoin",
    "budget": "Budget d'un besoin",
    "need_comment": "Commentaire d'un besoin",
    "other_need": "Autre besoin (texte libre)",
    "no_needs": "Case « aucun besoin »",
    "ignore": "Ignorer cette colonne",
}
# Roles that are about one need: the column must also say which need.
NEED_ROLES = ("need", "priority", "horizon", "budget", "need_comment")
# Roles one column at most may take (the first proposed wins, the others are ignored).
SINGLE_ROLES = ("commune", "year", "submitted_on", "respondent", "comment", "no_needs")
# Roles that hold the needs question's answers: an import without one is refused.
NEEDS_QUESTION_ROLES = ("need", "need_list", "other_need", "no_needs")

TRUE_VALUES = {"y", "yes", "oui", "o", "1", "1 0", "true", "vrai", "x", "coche", "selected"}
FALSE_VALUES = {"", "n", "no", "non", "0", "0 0", "false", "faux", "not selected"}
# LimeSurvey writes N/A where a condition hid the question: neither ticked nor a need.
NOT_SHOWN = {"n a", "na", "nan"}
# What a need label must never be (REAL-WORLD.md: "a need named 0, Non, N/A or Oui is a bug").
TICK_WORDS = (TRUE_VALUES | FALSE_VALUES | NOT_SHOWN) - {""}

# Technical columns of the tools (normalised headings): never a question.
LIMESURVEY_TECHNICAL = {
    # codes
    "id",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "token",
    # French
    "id de la reponse",
    "derniere page",
    "langue de depart",
    "tete de serie",
    "date de lancement",
    "date de la derniere action",
    "adresse ip",
    "url referente",
    "jeton",
    # English
    "response id",
    "last page",
    "start language",
    "date started",
    "date last action",
    "ip address",
    "referrer url",
}
KOBO_TECHNICAL = {
    "start",
    "end",
    "today",
    "deviceid",
    "id",
    "uuid",
    "validation status",
    "notes",
    "status",
    "submitted by",
    "version",
    "tags",
    "index",
    "parent index",
    "parent table name",
    "meta instanceid",
    "instanceid",
    "formhub uuid",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "meta rootuuid",
    "meta deprecatedid",
}
# Microsoft Forms ("Ouvrir dans Excel", French and English UI; quizzes add points and
# feedback) and Google Forms (Sheets or "Télécharger les réponses"): always technical.
FORMS_TECHNICAL = {
    "heure de debut",
    "start time",
    "heure de la derniere modification",
    "last modified time",
    "total points",
    "quiz feedback",
    "total des points",
    "commentaires sur le questionnaire",
    "adresse e mail",
    "email address",
    "score",
}
# Forms' respondent columns: technical only beside Forms' own time columns (elsewhere a
# column headed `Nom` may well hold the commune's name).
FORMS_PERSON = {"adresse de messagerie", "email", "e mail", "nom", "name"}
FORMS_SIGNATURE = {"heure de debut", "start time", "heure de fin", "completion time"}
TECHNICAL = LIMESURVEY_TECHNICAL | KOBO_TECHNICAL | FORMS_TECHNICAL
# The submit date of each tool: empty means an incomplete response (LimeSurvey). Forms:
# the completion time (Microsoft) or the timestamp (Google).
SUBMIT_HEADINGS = {
    "submitdate",
    "date de soumission",
    "date submitted",
    "submission time",
    "heure de fin",
    "completion time",
    "horodateur",
    "timestamp",
}
_GEOPOINT_PART = re.compile(r"^_.+_(latitude|longitude|altitude|precision)$")

_FIELD_WORDS = (  # (role, words any of which in a plain heading places it)
    ("submitted_on", ("date de reponse", "date reponse", "date de la reponse")),
    ("no_needs", ("aucun besoin", "pas de besoin")),
    (
        "other_need",
        (
            "autre besoin",
            "autres besoins",
            "nouveau besoin",
            "nouveaux besoins",
            "si autre",
            "besoins autre",
            "besoin autre",
        ),
    ),
    ("respondent", ("repondant", "fonction", "qui repond", "nom du repondant")),
    ("comment", ("commentaire", "remarque", "observations")),
    ("commune", ("commune", "code ins", "code nis", "municipalite")),
    ("year", ("annee de l enquete", "campagne", "annee", "year")),
)
_NEED_FIELD_WORDS = (
    ("priority", ("priorite", "priority", "prio")),
    ("budget", ("budget", "montant")),
    ("horizon", ("horizon", "annee souhaitee", "quand", "echeance", "annee de mise en oeuvre")),
    ("need_comment", ("commentaire", "remarque", "precision", "comment")),
)
# Words that make a question about needs (when several questions name catalogue options).
_NEED_QUESTION_WORDS = ("besoin", "souhait", "interess", "envisag", "need", "projet")
_OTHER_OPTIONS = {"other", "autre", "autres", "autre besoin", "autres besoins"}
_CODE_LIKE = re.compile(r"^(sq|a|q|opt|option|choix)?\s?\d+$")
BRACKET_HEADER = re.compile(r"^(.*?)\s*\[([^\]]*)\]\s*(?:\[([^\]]*)\])?\s*$")
_CODED_QUESTION = re.compile(r"^(\w+)\[[^\]]*\]\.\s+(.*)$")
_COMMENT_SUFFIX = re.compile(r"^(.*?)\s*(comment|commentaire)$")
SAMPLE_ROWS = 200  # rows whose values decide a column's nature


def folded(value) -> str:
    """A cell as compared with tick words: `1.0` -> `1`, `True` -> `true`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise(value)


def not_shown(value) -> bool:
    return folded(value) in NOT_SHOWN


def is_tick_word(text) -> bool:
    """True for a label that is a tick value or nothing (never a need's name)."""
    key = folded(text)
    return not key or key in TICK_WORDS


@dataclass(frozen=True)
class ColumnChoice:
    """What one column of a wide export becomes."""

    position: int
    header: str
    role: str | None  # a key of ROLE_LABELS; None: the person must decide
    need: str | None = None  # catalogue code or a new need's label (NEED_ROLES only)
    sure: bool = True  # False: shown for review (an ignored guess, an unknown column)
    reason: str = ""  # French: why this proposal
    question: str = ""  # the question the column belongs to (grouping in the mapping step)
    option: str | None = None  # the option part of the heading, if any
    values: str = ""  # "tick" | "text" | "empty": what the column's cells look like
    suggestion: tuple[str, str | None] | None = None  # (role, need) proposed but not applied
    # True once a person settled a column the proposal left for review (a choice, a bulk
    # choice, --ignore-column, their saved mapping): the load history names the columns
    # ignored that way.
    decided: bool = False


@dataclass(frozen=True)
class NeedOption:
    """A need a column may stand for: a catalogue solution or a known new need."""

    value: str  # solution_id, or the label of a new need
    name: str  # what people read
    aliases: tuple[str, ...]  # normalised texts that name it


def need_options(catalogue: pd.DataFrame, known_labels=()) -> list[NeedOption]:
    """Catalogue solutions (solution_id, name_fr) then the new needs already seen."""
    options = [
        NeedOption(sid, name, _aliases(normalise(sid), normalise(name)))
        for sid, name in zip(catalogue["solution_id"], catalogue["name_fr"])
    ]
    seen = {a for o in options for a in o.aliases}
    for label in known_labels:
        key = normalise(label)
        if key and key not in seen and not is_tick_word(label):
            options.append(NeedOption(label, label, _aliases(key)))
            seen.update(_aliases(key))
    return options


def _aliases(*keys: str) -> tuple[str, ...]:
    """The normalised texts, then their forms without spaces: Kobo's XML values write a
    choice's *name* (`eguichet`, `e_guichet`) where its label is « E-guichet »."""
    out = list(dict.fromkeys(keys))
    out += [k.replace(" ", "") for k in keys if " " in k and k.replace(" ", "") not in out]
    return tuple(out)


def compact(text) -> str:
    """`normalise` without spaces: `E-guichet`, `e_guichet` and `eguichet` give one key."""
    return normalise(text).replace(" ", "")


def exact_need(text, options: list[NeedOption]) -> NeedOption | None:
    """The need `text` names exactly (code or name, case, accents, spacing, `_`/`-` and
    the spaces between words folded away), else None. No guess."""
    key = normalise(text)
    if not key:
        return None
    for option in options:
        if key in option.aliases:
            return option
    squeezed = key.replace(" ", "")
    return next((o for o in options if squeezed in o.aliases), None)


# --- several answers in one cell (Microsoft and Google Forms) -----------------------

_SEMICOLON_SEPARATORS = re.compile(r"(\s*[;\n]\s*)")
_COMMA_SEPARATORS = re.compile(r"(,\s+|\s*\n\s*)")


def list_separators(cells) -> re.Pattern:
    """How a column joins several answers in a cell: `;` (Microsoft Forms, with a trailing
    `;`; Google's « Télécharger les réponses ») when any cell holds one, else `, `
    (Google Sheets); line breaks always."""
    has_semicolon = any(isinstance(v, str) and ";" in v for v in cells)
    return _SEMICOLON_SEPARATORS if has_semicolon else _COMMA_SEPARATORS


def split_answers(
    text, options: list[NeedOption], separators: re.Pattern | None = None
) -> list[tuple[str, NeedOption | None]]:
    """The answers of one cell: (text as written, the need it names exactly or None).

    Parts are matched against the known options *longest first*: an option label that
    itself holds the separator (« Repas scolaires, accueil extrascolaire » in a `, `
    column) stays whole. A part that names no option is returned with None (a proposed
    new need, or the text typed under « Autre »). Empty parts (a trailing `;`) vanish.
    """
    if is_blank(text):
        return []
    text = str(text).strip()
    separators = separators or list_separators([text])
    pieces = separators.split(text)
    tokens, seps = pieces[0::2], pieces[1::2] + [""]
    out: list[tuple[str, NeedOption | None]] = []
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            candidate = "".join(t + s for t, s in zip(tokens[i:j], seps[i:j]))
            candidate = candidate[: len(candidate) - len(seps[j - 1])].strip(" ;,\n\t")
            if j - i > 1 and not candidate:
                continue
            option = exact_need(candidate, options) if candidate else None
            if option is not None:
                out.append((candidate, option))
                i = j
                break
        else:
            part = tokens[i].strip()
            if part:
                out.append((part, None))
            i += 1
    return out


def _plural_folded(key: str) -> list[str]:
    return [w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in key.split()]


def closest_need(text, options: list[NeedOption]) -> NeedOption | None:
    """The existing need a typed text most likely means (« même besoin que … ? »):
    accents, case and plurals folded, then the text as the start of a need's name
    (« Bornes de recharge » ↔ « Bornes de recharge pour véhicules électriques ») or
    a name as the start of the text, else the closest spelling. None when nothing is
    close: the text is a new need."""
    words = _plural_folded(normalise(text))
    if not words or is_tick_word(text):
        return None
    best, best_score = None, 0.0
    for option in options:
        for alias in option.aliases:
            if " " not in alias and len(option.aliases) > 1 and alias == option.aliases[-1]:
                continue  # a squeezed form: compared through its spaced form
            other = _plural_folded(alias)
            if not other:
                continue
            shorter, longer = sorted((words, other), key=len)
            if len(shorter) >= 2 and longer[: len(shorter)] == shorter:
                score = 0.9 + 0.1 * len(shorter) / len(longer)
            else:
                score = difflib.SequenceMatcher(None, " ".join(words), " ".join(other)).ratio()
                score = score if score >= 0.8 else 0.0
            if score > best_score:
                best, best_score = option, score
    return best


# --- headings ------------------------------------------------------------------


def question_prefixes(headers: list[str]) -> set[str]:
    """Kobo question paths: a heading other headings hang under (`q` for `q/opt`), or a
    path two headings or more share. Splitting on these, not on the last `/`, keeps an
    option such as "Application web/mobile" whole."""
    known = {h.strip() for h in headers}
    children: dict[str, int] = {}
    for header in headers:
        if BRACKET_HEADER.match(header):
            continue
        parts = header.strip().split("/")
        for i in range(1, len(parts)):
            prefix = "/".join(parts[:i]).strip()
            children[prefix] = children.get(prefix, 0) + 1
    return {p for p, n in children.items() if n >= 2 or (p in known and n >= 1)}


def split_heading(header: str, prefixes: set[str] | None = None) -> tuple[str, str | None]:
    """(question, option) of a heading.

    `Q [opt]` and `Q [opt][comment]` (LimeSurvey), `q/opt` split on the longest
    known question prefix (Kobo: `prefixes` from `question_prefixes`), else
    (heading, None).
    """
    text = header.strip()
    match = BRACKET_HEADER.match(text)
    if match:
        option = match.group(2).strip()
        if match.group(3) is not None:
            option = f"{option} {match.group(3).strip()}"
        question = match.group(1).strip()
        # "Code and text" headings: `G01Q02[SQ001]. Quels sont… [Option]`: one question.
        coded = _CODED_QUESTION.match(question)
        return (f"{coded.group(1)}. {coded.group(2)}" if coded else question), option
    if "/" in text:
        prefixes = question_prefixes([text]) if prefixes is None else prefixes
        parts = text.split("/")
        for i in range(len(parts) - 1, 0, -1):
            prefix = "/".join(parts[:i]).strip()
            if prefix in prefixes:
                return prefix, "/".join(parts[i:]).strip()
    return text, None


def match_need(text: str, options: list[NeedOption]) -> tuple[NeedOption | None, bool]:
    """The need `text` names (an option's label or code), and whether it is certain.

    Certain: the text is a code or name (folded), or holds one as whole words.
    A guess: the closest name by spelling (typos, shortened labels).
    """
    key = normalise(text)
    if not key:
        return None, False
    for option in options:
        if key in option.aliases:
            return option, True
    words = set(key.split())
    for option in options:
        if option.aliases[0] in words or any(
            len(a.split()) > 1 and re.search(rf"\b{re.escape(a)}\b", key) for a in option.aliases
        ):
            return option, True
    aliases = {a: o for o in options for a in o.aliases}
    close = difflib.get_close_matches(key, list(aliases), n=1, cutoff=0.75)
    if close:
        return aliases[close[0]], False
    best, score = None, 0.0
    for option in options:
        tokens = set(normalise(option.name).split())  # the name people read, word by word
        overlap = len(tokens & words) / len(tokens | words) if tokens else 0.0
        if overlap > score:
            best, score = option, overlap
    return (best, False) if score >= 0.5 else (None, False)


def _words_in(text: str, words) -> bool:
    return any(re.search(rf"\b{re.escape(w)}", text) for w in words)


def column_values(values: list) -> str:
    """ "tick" (ticks and N/A only), "empty" (nothing but blanks and N/A) or "text"."""
    seen = [folded(v) for v in values if not is_blank(v)]
    seen = [v for v in seen if v not in NOT_SHOWN]
    if not seen:
        return "empty"
    ticks = sum(v in TRUE_VALUES or v in FALSE_VALUES for v in seen)
    # Mostly ticks: a tick column with a few bad cells (each reported), not free text.
    if ticks == len(seen) or (ticks >= 2 and ticks >= 0.8 * len(seen)):
        return "tick"
    return "text"


def _some_ticks(values: list) -> bool:
    return any(folded(v) in TRUE_VALUES for v in values if not is_blank(v))


def _looks_like_years(values: list) -> bool:
    years = [v for v in values if not is_blank(v)]
    return bool(years) and all(re.fullmatch(r"(19|20)\d\d(\.0)?", str(v).strip()) for v in years)


def _technical(header: str) -> bool:
    key = normalise(header)
    return (
        key in TECHNICAL
        or key.lstrip("_") in TECHNICAL
        or bool(_GEOPOINT_PART.match(header.strip()))
        or (header.strip().startswith("_") and key not in SUBMIT_HEADINGS)
    )


# Kobo « XML values and headers »: headings are XML names (`group/question`, ASCII, no
# spaces) and a select question's cells hold choice *names* (`dg`, `bourgmestre`), not
# the labels people read. A labels export has at least one heading with a space.
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_.\-]+)*$")
_CHOICE_NAME = re.compile(r"^[a-z0-9_][a-z0-9_.\-]*$")


def xml_values_export(headers: list[str]) -> bool:
    """Is this a Kobo « XML values » export (its cells choice names, not labels)?"""
    named = [h.strip() for h in headers if h.strip() and not _technical(h)]
    return any("/" in h for h in named) and all(_XML_NAME.match(h) for h in named)


def choice_codes(values: list) -> list[str]:
    """The distinct cells of a column of an XML-values export when every one is a choice
    name (`dg`, `echevin`), else []: such a column holds codes whose labels the export
    does not give."""
    seen = [str(v).strip() for v in values if not is_blank(v) and not not_shown(v)]
    if not seen or not all(_CHOICE_NAME.match(v) for v in seen):
        return []
    return list(dict.fromkeys(seen))


CODES_NOT_LABELS = (
    "codes de choix Kobo ({codes}) et non leurs libellés : l'export « XML values » ne donne "
    "pas la fonction telle qu'on la lit. Exportez avec « Labels » (libellés) pour la garder, "
    "ou laissez cette colonne ignorée"
)


# --- proposals -----------------------------------------------------------------


def _ignored(base: ColumnChoice, reason: str, suggestion=None, sure=False) -> ColumnChoice:
    return replace(base, role="ignore", need=None, sure=sure, reason=reason, suggestion=suggestion)


def _option_column(base: ColumnChoice, options: list[NeedOption], values: str) -> ColumnChoice:
    """An option column (`Question [Option]`, `question/option`)."""
    q, o = normalise(base.question), normalise(base.option)
    comment = _COMMENT_SUFFIX.match(o)
    if comment:  # `[SQ001comment]`, `[Éclairage][comment]`: the comment of an option
        need, sure = match_need(comment.group(1), options)
        if need is not None and sure:
            return replace(
                base,
                role="need_comment",
                need=need.value,
                reason=f"commentaire de l'option « {need.name} »",
            )
        return _ignored(base, "commentaire d'une option", sure=True)
    if o in _OTHER_OPTIONS or o.startswith("other"):
        if values == "text":
            return replace(
                base, role="other_need", reason="option « autre » en texte libre : nouveau besoin"
            )
        return _ignored(
            base,
            "option « autre » cochée (Oui/Non, 1/0) : le besoin lui-même est dans la question "
            "« si autre, précisez »",
            sure=True,
        )
    if o in NO_NEED_WORDS:
        if values == "text":
            return _ignored(base, "option « aucun » en texte libre : à décider")
        return replace(base, role="no_needs", reason="option « aucun besoin »")
    role = next((r for r, words in _NEED_FIELD_WORDS if _words_in(q, words)), "need")
    if role == "need" and values == "text":
        return _ignored(
            base,
            "texte libre, pas des cases à cocher : ce n'est pas une liste de besoins",
            suggestion=("comment", None),
        )
    need, sure = match_need(base.option, options)
    if need is not None and sure:
        return replace(
            base, role=role, need=need.value, reason=f"option « {base.option} » : {need.name}"
        )
    if need is not None:
        return _ignored(
            base,
            f"option « {base.option} » proche de « {need.name} » : à confirmer",
            suggestion=(role, need.value),
        )
    if _CODE_LIKE.match(o):
        return _ignored(
            base, f"code d'option « {base.option} » : à quel besoin correspond-il ?", (role, None)
        )
    return _ignored(
        base,
        f"option « {base.option} » absente du catalogue : nouveau besoin ?",
        suggestion=(role, base.option.strip()),
    )


def _plain_column(
    base: ColumnChoice, options: list[NeedOption], raw: list, values: str
) -> ColumnChoice:
    """A heading without an option part: a field, or (exactly named) a need."""
    q = normalise(base.header)
    if values == "text":
        listed = _need_list(base, options, raw)
        if listed is not None:
            return listed
    for role, words in _FIELD_WORDS:
        if q in words or _words_in(q, words):
            if role == "year" and not _looks_like_years(raw):
                continue
            if role == "commune" and (_words_in(q, ("besoin",)) or values == "tick"):
                continue  # a yes/no question about the commune is never the commune
            if role in ("no_needs",) and values == "text":
                continue
            return replace(base, role=role, reason=f"en-tête « {base.header} »")
    # A need field named after a need (`priorite_aaa`, `Budget Solution C`): the rest of
    # the heading, once the field word is removed, must name the need exactly.
    for role, words in _NEED_FIELD_WORDS:
        for word in words:
            if q.startswith(word + " ") or q.endswith(" " + word):
                rest = q.removeprefix(word + " ").removesuffix(" " + word).strip()
                need = next((o for o in options if rest in o.aliases), None)
                if need is not None:
                    return replace(
                        base,
                        role=role,
                        need=need.value,
                        reason=f"en-tête « {base.header} » : {need.name}",
                    )
    need = next((o for o in options if q in o.aliases), None)
    if need is not None and values != "text":
        return replace(
            base, role="need", need=need.value, reason=f"en-tête « {base.header} » : {need.name}"
        )
    return _ignored(base, "colonne que l'import ne sait pas placer : à ignorer ou à préciser")


def _need_list(base: ColumnChoice, options: list[NeedOption], raw: list) -> ColumnChoice | None:
    """A text column whose cells are lists of needs (a Forms checkbox question: several
    answers joined in one cell), else None. At least half the answered cells must hold
    a part naming a known need exactly (one, under a heading about needs)."""
    cells = [v for v in raw if not is_blank(v) and not not_shown(v)]
    if not cells:
        return None
    separators = list_separators(cells)
    found: set[str] = set()
    matching = 0
    listed, orders = set(), set()  # each cell's parts, as a set and in their order
    for cell in cells:
        parts = split_answers(cell, options, separators)
        needs = {o.value for _, o in parts if o is not None}
        matching += bool(needs)
        found |= needs
        listed.add(frozenset(normalise(p) for p, _ in parts))
        orders.add(tuple(normalise(p) for p, _ in parts))
    if len(listed) == 1 and len(orders) >= 2:
        # Every answer lists the same options, only their order changes: a ranking
        # question (Microsoft Forms « Classement »), where nobody ticks anything. (Ticked
        # boxes come in the options' order: the same set twice is the same text twice.)
        return _ignored(
            base,
            f"chaque réponse liste les mêmes {len(next(iter(listed)))} options dans un ordre "
            "différent : une question de classement, pas des besoins cochés (ignorée)",
        )
    # Most cells name a known need; under a heading about needs, one cell is enough (the
    # others may hold only what was typed under « Autre »).
    asked = _words_in(normalise(base.header), _NEED_QUESTION_WORDS)
    if not found or (matching < 0.5 * len(cells) and not asked):
        return None
    joined = "« ; »" if separators is _SEMICOLON_SEPARATORS else "« , »"
    return replace(
        base,
        role="need_list",
        reason=f"plusieurs réponses par cellule (séparées par {joined}) : "
        + fmt.count(len(found), "besoin du catalogue reconnu", "besoins du catalogue reconnus"),
    )


def propose_mapping(export, options: list[NeedOption]) -> list[ColumnChoice]:
    """One proposal per column of a wide export (`export`: headers and rows).

    Sure proposals are applied; every uncertain one is *ignored*, kept visible
    (`sure=False`) with its `suggestion`. A field one column at most may hold
    (commune, date…) goes to the first column proposing it.
    """
    headers = export.headers
    prefixes = question_prefixes(headers)
    rows = export.rows[:SAMPLE_ROWS]
    proposals: list[ColumnChoice] = []
    seen_headers: dict[str, str] = {}
    natures = [column_values([row[p] for row in rows]) for p in range(len(headers))]
    splits = [split_heading(h, prefixes) for h in headers]
    tick_questions = {
        q for (q, o), nature in zip(splits, natures) if o is not None and nature == "tick"
    }
    forms = bool({normalise(h) for h in headers} & FORMS_SIGNATURE)
    for position, header in enumerate(headers):
        raw = [row[position] for row in rows]
        values = natures[position]
        question, option = splits[position]
        if values == "text" and question in tick_questions and _some_ticks(raw):
            values = "tick"  # a tick column among tick siblings, with a few bad cells
        base = ColumnChoice(position, header, None, question=question, option=option)
        base = replace(base, values=values)
        key = normalise(header)
        if not key:
            choice = _ignored(base, "colonne sans en-tête", sure=values == "empty")
        elif header.strip().casefold() in seen_headers:
            first = seen_headers[header.strip().casefold()]
            choice = _ignored(base, f"en-tête répété : la colonne « {first} » est déjà lue")
        elif _technical(header) and key not in SUBMIT_HEADINGS:
            choice = _ignored(base, "colonne technique de l'outil", sure=True)
        elif forms and key in FORMS_PERSON:
            choice = _ignored(base, "colonne technique de Forms (répondant connecté)", sure=True)
        elif key in SUBMIT_HEADINGS:
            choice = replace(base, role="submitted_on", reason="date de soumission de l'outil")
        elif header.strip() in prefixes:
            choice = _ignored(
                base,
                "choix multiples regroupés dans une cellule : les colonnes par option sont lues",
                sure=True,
            )
        elif option is not None and (BRACKET_HEADER.match(header) or values != "text"):
            choice = _option_column(base, options, values)
        elif option is not None:
            # Kobo text under a path: a field inside a group (`groupe_identite/commune`)
            # by its own name, else an option column holding text.
            own = _plain_column(replace(base, header=option), options, raw, values)
            if own.role not in (None, "ignore"):
                choice = replace(own, header=header)
            else:
                choice = _option_column(base, options, values)
        else:
            choice = _plain_column(base, options, raw, values)
        seen_headers.setdefault(header.strip().casefold(), header)
        proposals.append(choice)
    proposals = _single_roles(_other_in_needs_question(_need_question_only(proposals)))
    if xml_values_export(headers):
        proposals = [_codes_not_people(c, rows) for c in proposals]
    return proposals


def _codes_not_people(choice: ColumnChoice, rows: list) -> ColumnChoice:
    """The respondent column of a Kobo XML-values export holding choice names: ignored,
    with why (never a code stored as a person's function)."""
    if choice.role != "respondent":
        return choice
    codes = choice_codes([row[choice.position] for row in rows])
    if not codes:
        return choice
    shown = ", ".join(f"« {c} »" for c in codes[:4]) + (" …" if len(codes) > 4 else "")
    return _ignored(choice, CODES_NOT_LABELS.format(codes=shown))


def _need_question_only(mapping: list[ColumnChoice]) -> list[ColumnChoice]:
    """Where several questions name catalogue options ("Quels sont vos besoins ?",
    "Quelles solutions utilisez-vous déjà ?"), only a question about needs keeps them
    sure; the others become suggestions. A one-cell list counts as a question."""
    counts: dict[str, int] = {}
    for c in mapping:
        if c.role == "need" and c.option is not None:
            counts[c.question] = counts.get(c.question, 0) + 1
        elif c.role == "need_list":
            counts[c.question] = counts.get(c.question, 0) + 1
    if len(counts) < 2:
        return mapping
    wordy = {q for q in counts if _words_in(normalise(q), _NEED_QUESTION_WORDS)}
    keep = wordy or {max(counts, key=counts.get)}
    out = []
    for c in mapping:
        if c.role == "need" and c.option is not None and c.question not in keep:
            c = _ignored(
                c,
                f"option d'une autre question que celle des besoins : « {c.question} »",
                suggestion=("need", c.need),
            )
        elif c.role == "need_list" and c.question not in keep:
            c = _ignored(
                c,
                f"réponses du catalogue à une autre question que celle des besoins : "
                f"« {c.question} »",
                suggestion=("need_list", None),
            )
        out.append(c)
    return out


def needs_questions(mapping: list[ColumnChoice]) -> set[str]:
    """The questions whose answers are needs (option columns or one-cell lists)."""
    return {c.question for c in mapping if c.role in ("need", "need_list", "no_needs")}


def _other_in_needs_question(mapping: list[ColumnChoice]) -> list[ColumnChoice]:
    """« Autre » is a need only inside the needs question: the `[Autre]` text of « Votre
    fonction ? » is a job title. A separate « Si autre, précisez » question counts when
    the needs question has an « Autre » option."""
    needs = needs_questions(mapping)

    def is_option(c: ColumnChoice) -> bool:  # `Question [Autre]`, `question/other`
        o = normalise(c.option)
        return c.option is not None and (o in _OTHER_OPTIONS or o.startswith("other"))

    other_option = any(c.question in needs and is_option(c) for c in mapping)
    out = []
    for c in mapping:
        if c.role == "other_need" and is_option(c) and c.question not in needs:
            c = _ignored(
                c,
                f"« Autre » de la question « {c.question} », qui n'est pas celle des besoins",
                sure=True,
            )
        elif c.role == "other_need" and not is_option(c) and needs and not other_option:
            c = _ignored(
                c,
                "texte libre « autre » sans option « Autre » dans la question des besoins : "
                "à décider",
                suggestion=("other_need", None),
            )
        out.append(c)
    return out


COMMUNE_HEADINGS = {"commune", "nom de la commune", "votre commune", "code ins", "code nis"}


def _single_roles(mapping: list[ColumnChoice]) -> list[ColumnChoice]:
    taken: dict[str, str] = {}
    # A heading exactly naming the commune wins over any other heading holding the word.
    exact = next(
        (
            c.position
            for c in mapping
            if c.role == "commune"
            and (normalise(c.header) in COMMUNE_HEADINGS or normalise(c.option) in COMMUNE_HEADINGS)
        ),
        None,
    )
    if exact is not None:
        taken["commune"] = next(c.header for c in mapping if c.position == exact)
    out = []
    for choice in mapping:
        if choice.role == "commune" and choice.position == exact:
            out.append(choice)
            continue
        if choice.role in SINGLE_ROLES:
            if choice.role in taken:
                choice = _ignored(
                    choice,
                    f"{ROLE_LABELS[choice.role]} déjà lue dans « {taken[choice.role]} »",
                    suggestion=(choice.role, None),
                )
            else:
                taken[choice.role] = choice.header
        out.append(choice)
    return out


# --- decisions -------------------------------------------------------------------

# The reason a column ignored by a person's decision carries (mapping table, saved mapping).
IGNORED_BY_DECISION = "ignorée sur décision à l'import"


def unplaced(mapping: list[ColumnChoice]) -> list[ColumnChoice]:
    """Columns waiting for a decision: no role, or a need role without a need."""
    return [c for c in mapping if c.role is None or (c.role in NEED_ROLES and not c.need)]


def to_review(mapping: list[ColumnChoice]) -> list[ColumnChoice]:
    """Columns an import waits on: uncertain guesses (ignored until someone decides) and
    unplaced columns. Known technical columns (the tools' ids, times, e-mails…) are sure
    and never listed here."""
    waiting = unplaced(mapping)
    return [c for c in mapping if not c.sure or c in waiting]


def ignored_by_decision(mapping: list[ColumnChoice]) -> list[str]:
    """The headings of the columns a person decided to ignore (kept in the load history)."""
    return [c.header for c in mapping if c.role == "ignore" and c.decided]


def ignore_columns(mapping: list[ColumnChoice], headers: list[str]) -> list[ColumnChoice]:
    """The mapping with each column named in `headers` ignored by decision (the command
    line's --ignore-column). A heading is matched as written, else with case, accents and
    punctuation folded; one that names no column, or several, raises ValueError (French)."""
    chosen: set[int] = set()
    for wanted in headers:
        hits = [c for c in mapping if c.header.strip() == wanted.strip()]
        if not hits:
            hits = [c for c in mapping if normalise(c.header) == normalise(wanted)]
        if len(hits) != 1:
            known = ", ".join(f"« {c.header} »" for c in to_review(mapping)[:12])
            what = "ne nomme aucune colonne" if not hits else "nomme plusieurs colonnes"
            raise ValueError(
                f"--ignore-column « {wanted} » {what} du fichier. Recopiez l'en-tête tel "
                "qu'il est écrit" + (f" ; colonnes à décider : {known}" if known else "")
            )
        chosen.add(hits[0].position)
    return [
        replace(c, role="ignore", need=None, sure=True, reason=IGNORED_BY_DECISION, decided=True)
        if c.position in chosen
        else c
        for c in mapping
    ]


def apply_choice(
    mapping: list[ColumnChoice], position: int, role: str, need: str | None = None
) -> list[ColumnChoice]:
    """The mapping with the person's decision for the column at `position`."""
    if role not in ROLE_LABELS:
        raise ValueError(f"rôle inconnu : {role}")
    return [
        replace(
            c,
            role=role,
            need=need if role in NEED_ROLES else None,
            sure=True,
            reason=IGNORED_BY_DECISION if role == "ignore" else "choisi à l'import",
            decided=True,
        )
        if c.position == position
        else c
        for c in mapping
    ]


def questions(mapping: list[ColumnChoice]) -> dict[str, list[ColumnChoice]]:
    """Option columns grouped by question (in the export's order), for the mapping step."""
    groups: dict[str, list[ColumnChoice]] = {}
    for c in mapping:
        if c.option is not None:
            groups.setdefault(c.question, []).append(c)
    return {q: cs for q, cs in groups.items() if len(cs) >= 2}


def accept_question(mapping: list[ColumnChoice], question: str) -> list[ColumnChoice]:
    """Bulk choice "les options de cette question sont les besoins": each tick option
    of `question` becomes a need (its catalogue match, else its label as a new need);
    "Autre", "aucun" and comment columns keep their roles."""
    waiting = to_review(mapping)
    out = []
    for c in mapping:
        if c.question == question and c.option is not None and c.values != "text":
            o = normalise(c.option)
            special = o in _OTHER_OPTIONS or o in NO_NEED_WORDS or _COMMENT_SUFFIX.match(o)
            if not special and c.role in (None, "ignore", "need"):
                need = c.need or (c.suggestion[1] if c.suggestion else None) or c.option
                if not is_tick_word(need) and not _CODE_LIKE.match(normalise(need)):
                    c = replace(
                        c,
                        role="need",
                        need=need,
                        sure=True,
                        reason="option de la question",
                        decided=c.decided or c in waiting,
                    )
        out.append(c)
    return out


def accept_suggestions(mapping: list[ColumnChoice]) -> list[ColumnChoice]:
    """Every ignored guess that names a role and a need (or a single field) applied."""
    out = []
    for c in mapping:
        if not c.sure and c.suggestion and c.role == "ignore":
            role, need = c.suggestion
            if role not in NEED_ROLES or need:
                c = replace(
                    c, role=role, need=need, sure=True, reason="proposition acceptée", decided=True
                )
        out.append(c)
    return _single_roles(out)


def confirm_ignored(mapping: list[ColumnChoice]) -> list[ColumnChoice]:
    """Bulk choice "ignorer toutes les autres colonnes": every column still under review
    is ignored for good."""
    waiting = to_review(mapping)
    return [
        replace(c, role="ignore", need=None, sure=True, reason=IGNORED_BY_DECISION, decided=True)
        if c in waiting
        else c
        for c in mapping
    ]


def mapping_problems(mapping: list[ColumnChoice]) -> list[str]:
    """French reasons why the mapping cannot be used yet (empty: ready)."""
    problems = []
    if "commune" not in [c.role for c in mapping]:
        problems.append("aucune colonne n'indique la commune")
    if not any(c.role in NEEDS_QUESTION_ROLES for c in mapping):
        read = [c.header for c in mapping if normalise(c.header)]
        shown = ", ".join(f"« {h} »" for h in read[:12]) + (" …" if len(read) > 12 else "")
        problems.append(
            "aucune colonne ne contient les besoins : l'import ne sait pas lire ce fichier "
            f"(colonnes lues : {shown}). Indiquez quelle colonne (ou quelles options) "
            "donne les besoins — dans le tableau de bord, « Décider les colonnes une par une » ; "
            "en ligne de commande, une correspondance enregistrée (--mapping) — ou vérifiez "
            "que le catalogue des solutions est à jour. Rien n'est importé : un fichier sans "
            "colonne de besoins n'est jamais lu comme « aucun besoin »"
        )
    return problems


def mapping_table(mapping: list[ColumnChoice], options: list[NeedOption]) -> pd.DataFrame:
    """The mapping as a French table: question, column, what it becomes, need, why."""
    names = {o.value: o.name for o in options}
    waiting = to_review(mapping)
    return pd.DataFrame(
        {
            "question": [c.question for c in mapping],
            "colonne": [c.header for c in mapping],
            "devient": [
                "à décider" if c in waiting or not c.role else ROLE_LABELS.get(c.role, "à décider")
                for c in mapping
            ],
            "besoin": [names.get(c.need, c.need) if c.need else "" for c in mapping],
            "certitude": [
                "à décider" if c in waiting else ("décidé" if c.decided else "sûr") for c in mapping
            ],
            "pourquoi": [c.reason for c in mapping],
        }
    )


# --- saved mappings ----------------------------------------------------------------


def questionnaire_key(headers: list[str]) -> str:
    """Same questions, same key: technical columns and order do not count."""
    keys = sorted({normalise(h) for h in headers if normalise(h) and not _technical(h)})
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:12]


def mapping_path(folder: Path, headers: list[str]) -> Path:
    return Path(folder) / f"{MAPPING_PREFIX}{questionnaire_key(headers)}.json"


def mapping_json(mapping: list[ColumnChoice]) -> list[dict]:
    return [
        {
            "column": c.header,
            "question": c.question,
            "role": c.role,
            "need": c.need,
            "sure": c.sure,
            "decided": c.decided,
            "reason": c.reason,
        }
        for c in mapping
    ]


def save_mapping(folder: Path, headers: list[str], mapping: list[ColumnChoice]) -> Path:
    """Write the mapping beside the sources (a small JSON file, one per questionnaire)."""
    path = mapping_path(folder, headers)
    data = {"questionnaire": questionnaire_key(headers), "columns": mapping_json(mapping)}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def read_mapping_file(path: Path) -> dict[str, tuple[str, str | None]]:
    """A saved mapping: heading -> (role, need). Raises ValueError (French) if unreadable.

    A column saved as not sure (`"sure": false`: an uncertain guess a mapping saved before
    every column needed a decision kept ignored) is no decision: it is left out, and the
    import asks for it again."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {
            str(c["column"]): (str(c["role"]), c.get("need"))
            for c in data["columns"]
            if c.get("role") in ROLE_LABELS and c.get("sure", True) is not False
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"correspondance illisible : {Path(path).name}") from exc


def saved_mapping(folder: Path, headers: list[str]) -> dict[str, tuple[str, str | None]] | None:
    """The mapping saved for this questionnaire, if any."""
    path = mapping_path(folder, headers)
    if not path.is_file():
        return None
    try:
        return read_mapping_file(path)
    except ValueError:
        return None


def apply_saved(
    mapping: list[ColumnChoice], saved: dict[str, tuple[str, str | None]]
) -> list[ColumnChoice]:
    """The proposals with each saved decision applied (matched by heading); a column the
    proposal left for review counts as decided (by whoever saved the mapping)."""
    waiting = to_review(mapping)
    out = []
    for c in mapping:
        if c.header in saved:
            role, need = saved[c.header]
            c = replace(
                c,
                role=role,
                need=need if role in NEED_ROLES else None,
                sure=True,
                reason="correspondance enregistrée",
                decided=c.decided or c in waiting,
            )
        out.append(c)
    return out
