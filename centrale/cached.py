"""Which functions the pages may read through the cache, declared where each is defined.

A store read is marked `@cached_query` (it takes a DuckDB connection first and returns
plain data: a DataFrame, a dict, a dataclass); a pure derivation of such data is marked
`@cached_derivation`; a plotly builder is marked `@cached_figure`. The marks only record
the function in `REGISTRY` and return it unchanged: this module knows nothing of
Streamlit, so the core stays usable and testable without it. `ui.data` wraps what is
registered with Streamlit's caches and refuses anything else.

A read and what is derived from it are cached as one result by describing the
composition as a `Step`: `step(survey.rank_needs, step(survey.survey_answers_at, day),
year)` is a plain, hashable value (the cache key); `evaluate` runs it on one connection,
each distinct step once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

QUERY, DERIVATION, FIGURE = "query", "derivation", "figure"


@dataclass(frozen=True)
class Registered:
    function: Callable[..., Any]
    kind: str  # QUERY (connection first), DERIVATION (pure) or FIGURE (pure, a Figure)


REGISTRY: dict[str, Registered] = {}


def key(function: Callable[..., Any]) -> str:
    """The name a function is registered under: `module.qualname`."""
    return f"{function.__module__}.{function.__qualname__}"


def _register(kind: str) -> Callable[[F], F]:
    def mark(function: F) -> F:
        REGISTRY[key(function)] = Registered(function, kind)
        return function

    return mark


cached_query = _register(QUERY)
cached_query.__doc__ = "Mark `function(con, *args)`, a store read, as loadable through the cache."
cached_derivation = _register(DERIVATION)
cached_derivation.__doc__ = "Mark a pure function of read data as loadable through the cache."
cached_figure = _register(FIGURE)
cached_figure.__doc__ = "Mark a pure plotly builder as drawable through the shared figure cache."


def registered(function: Callable[..., Any], *kinds: str) -> Registered:
    """The registration of `function`, refused in French if it is not one of `kinds`."""
    entry = REGISTRY.get(key(function))
    if entry is None or entry.function is not function or entry.kind not in kinds:
        raise ValueError(
            f"fonction non autorisée dans le cache : {key(function)} "
            f"(marquez-la @cached_query, @cached_derivation ou @cached_figure là où elle "
            "est définie)"
        )
    return entry


class Step(NamedTuple):
    """`function(*args, **kwargs)` (with the connection first for a query), where any
    argument may itself be a Step. Hashable when its plain arguments are."""

    name: str
    args: tuple
    kwargs: tuple  # sorted (name, value) pairs


def step(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Step:
    """The step `function(*args, **kwargs)`; `function` must be a registered read or
    derivation."""
    registered(function, QUERY, DERIVATION)
    return Step(key(function), args, tuple(sorted(kwargs.items())))


def evaluate(target: Step, con: Any, memo: dict[Step, Any] | None = None) -> Any:
    """The value of `target` on connection `con`; a step met twice runs once."""
    memo = {} if memo is None else memo
    try:
        known = target in memo
    except TypeError:  # an argument Python cannot hash (Streamlit's cache still can)
        known = False
    if known:
        return memo[target]
    entry = REGISTRY.get(target.name)
    if entry is None or entry.kind not in (QUERY, DERIVATION):
        raise ValueError(f"fonction non autorisée dans le cache : {target.name}")
    args = [evaluate(a, con, memo) if isinstance(a, Step) else a for a in target.args]
    kwargs = {
        name: evaluate(v, con, memo) if isinstance(v, Step) else v for name, v in target.kwargs
    }
    if entry.kind == QUERY:
        value = entry.function(con, *args, **kwargs)
    else:
        value = entry.function(*args, **kwargs)
    with contextlib.suppress(TypeError):  # not remembered if unhashable
        memo[target] = value
    return value
