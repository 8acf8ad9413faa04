"""Matching what people type to canonical names: headers and communes.

Staff write `Vaux sur Sure`, `LIBRAMONT` or `84077` for the same commune; the
ETL must accept all of them and, for a name that matches nothing, propose the
closest real names instead of a bare "unknown".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
NIS_PATTERN = re.compile(r"^\d{5}$")

# Short or historical names staff use for a commune (normalised key -> NIS).
# Each is a name in common use locally; the official name is in the boundaries file.
COMMUNE_ALIASES = {
    "libramont": "84077",
    "chevigny": "84077",
    "marche": "83034",
    "la roche": "83031",
    "meix": "85024",
    "saint leger": "85034",
    "st leger": "85034",
    "st hubert": "84059",
    "ste ode": "82038",
    "vaux": "82036",
    "rouvroy": "85047",
}


def strip_accents(text: str) -> str:
    """'Vaux-sur-Sûre' -> 'Vaux-sur-Sure', 'Étalle' -> 'Etalle': the one way accents are
    folded (comparing names, sorting them, making file names)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: object) -> str:
    """Lower-case, accents, hyphens, apostrophes and spacing folded away.

    `Vaux-sur-Sûre`, `vaux sur sure` and ` VAUX  SUR SURE ` give one key.
    """
    if text is None:
        return ""
    if isinstance(text, str) and text.isascii():
        # No accent to fold: skip NFKD, five times faster on a million order numbers.
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    return _NON_ALNUM.sub(" ", strip_accents(str(text)).lower()).strip()


@dataclass
class CommuneMatcher:
    """Resolve a commune cell (NIS code or name) to a NIS code.

    `names` maps NIS code -> official French name for every commune the
    reference accepts (the whole country, so regional subsidies resolve).
    `preferred` lists the NIS codes whose names win a tie (the province's
    communes: a name shared with another province means ours).
    """

    names: dict[str, str]
    preferred: frozenset[str] = frozenset()
    _by_key: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {}
        # Insert non-preferred first so the province's communes overwrite duplicates.
        for nis, name in sorted(self.names.items(), key=lambda kv: kv[0] in self.preferred):
            self._by_key[normalise(name)] = nis
        for key, nis in COMMUNE_ALIASES.items():
            if nis in self.names:
                self._by_key.setdefault(key, nis)

    def resolve(self, value: object) -> str | None:
        """The NIS code for `value`, or None when nothing matches."""
        text = str(value).strip() if value is not None else ""
        if text.endswith(".0") and text[:-2].isdigit():  # a code Excel stored as a float
            text = text[:-2]
        if NIS_PATTERN.match(text):
            return text if text in self.names else None
        return self._by_key.get(normalise(text))

    def suggest(self, value: object, limit: int = 3, within=None) -> list[str]:
        """The official names closest to `value`, best first (province first); with
        `within` (NIS codes), only those communes' names and aliases."""
        key = normalise(value)
        candidates = [k for k, nis in self._by_key.items() if within is None or nis in within]
        keys = difflib.get_close_matches(key, candidates, n=limit * 3, cutoff=0.6)
        names: list[str] = []
        ranked = sorted(keys, key=lambda k: self._by_key[k] not in self.preferred)
        for k in ranked:
            name = self.names[self._by_key[k]]
            if name not in names:
                names.append(name)
        return names[:limit]
