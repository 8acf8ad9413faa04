"""The domain's words as SQL reads them, written once: order statuses to bind, the award
promise, and the schema's macros' words.

Every SQL string of the project that tests an order's status binds one of these values
with `?` (`WHERE status = ?` with `AWARDED`), so the status values live in
`centrale.domain.OrderStatus` only and a typo (`'attribue'`) cannot silently count
nothing; the award promise is bound likewise (`PROMISE_DAYS`, config.AWARD_PROMISE_DAYS).

A schema macro cannot take bound values: centrale/storage/schema.sql names the statuses through
`{status_awarded}`-style words that `schema_text` fills in from the same enum before the
schema is run. `tests/test_domain.py` fails on a status literal or a literal promise in
any SQL of centrale/, reports/, ui/ or pages/.

Streamlit-free and pandas-free.
"""

from __future__ import annotations

import re

from centrale.config import AWARD_PROMISE_DAYS
from centrale.domain import TAKEN_STATUSES, OrderStatus

# Values bound with `?`: `status = ?` (AWARDED…), `list_contains(?::VARCHAR[], status)`
# (TAKEN, KNOWN).
AWARDED = str(OrderStatus.AWARDED)
SENT = str(OrderStatus.SENT)  # sent, not yet awarded nor cancelled on the date
CANCELLED = str(OrderStatus.CANCELLED)
TAKEN = [str(s) for s in TAKEN_STATUSES]  # the commune has taken the solution
KNOWN = [str(s) for s in OrderStatus]
PROMISE_DAYS = AWARD_PROMISE_DAYS


def quote(value: str) -> str:
    """`value` as an SQL string literal (doubled quotes): for the schema's words only."""
    return "'" + str(value).replace("'", "''") + "'"


# The words centrale/storage/schema.sql's macros use, e.g. `THEN {status_awarded}`.
SCHEMA_WORDS = {
    "status_awarded": quote(AWARDED),
    "status_sent": quote(SENT),
    "status_cancelled": quote(CANCELLED),
}
_WORD = re.compile(r"\{([a-z_]+)\}")


def schema_text(raw: str) -> str:
    """centrale/storage/schema.sql with its `{word}`s replaced by SCHEMA_WORDS (an unknown word
    raises: the schema would otherwise be run with a brace in it)."""

    def word(m: re.Match) -> str:
        if m.group(1) not in SCHEMA_WORDS:
            raise KeyError(f"schema.sql : mot inconnu {{{m.group(1)}}}")
        return SCHEMA_WORDS[m.group(1)]

    return _WORD.sub(word, raw)
