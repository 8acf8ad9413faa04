"""Time every query function the app may load through its cache on one store; print JSON.

Functions are those marked `@cached_query` (centrale.cached.REGISTRY) once the
core and the reports are imported, and are
called with plain arguments by parameter name (the reference date is today,
the commune is Arlon). A function whose parameters cannot be filled is skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
COMMUNE = "81001"  # Arlon: the province's most populous commune


def registered_queries() -> list:
    """Every function marked `@cached_query`, once every module of the core and of the
    reports is imported (a mark registers the function when its module is imported)."""
    from centrale import cached

    for package in ("centrale", "reports"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    return [entry.function for entry in cached.REGISTRY.values() if entry.kind == cached.QUERY]


def arguments(function, con, today: dt.date) -> dict | None:
    from centrale.datasets import queries

    survey_year = queries.default_survey_year(con, today)
    values = {
        "as_of": today,
        "nis": COMMUNE,
        "year": survey_year,
        "survey_year": survey_year,
        "call_year": queries.default_call_year(con, today),
        "load_id": 1,
        "peers": ("81003", "81004", "81013"),
        "solution_ids": None,
        "solutions": None,
    }
    params = list(inspect.signature(function).parameters.values())
    if not params or params[0].name != "con":
        return None
    kwargs = {}
    for p in params[1:]:
        if p.name in values:
            kwargs[p.name] = values[p.name]
        elif p.default is inspect.Parameter.empty:
            return None
    return kwargs


def main(db: str, runs: int) -> dict:
    con = duckdb.connect(db, read_only=True)
    today = dt.date.today()
    results = {}
    for function in registered_queries():
        kwargs = arguments(function, con, today)
        if kwargs is None:
            continue
        times = []
        for _ in range(runs + 1):  # the first run warms DuckDB's buffers; not kept
            cursor = con.cursor()
            started = time.perf_counter()
            function(cursor, **kwargs)
            times.append(time.perf_counter() - started)
            cursor.close()
        results[f"{function.__module__.split('.')[-1]}.{function.__name__}"] = times[1:]
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
