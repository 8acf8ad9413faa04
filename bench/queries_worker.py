"""Time every query function of the app's query modules on one store; print JSON.

Functions are found in the modules ui/data.py allows (QUERY_MODULES) and
called with plain arguments by parameter name (the reference date is today,
the commune is Arlon). A function whose parameters cannot be filled is skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import re
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
COMMUNE = "81001"  # Arlon: the province's most populous commune


def query_modules() -> list[str]:
    text = (REPO / "ui" / "data.py").read_text(encoding="utf-8")
    block = re.search(r"QUERY_MODULES\s*=\s*\(([^)]*)\)", text)
    return (
        re.findall(r"[\"']([\w.]+)[\"']", block.group(1))
        if block
        else ["centrale.datasets.queries"]
    )


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
    for module_name in query_modules():
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module_name or name.startswith("_"):
                continue
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
            results[f"{module_name.split('.')[-1]}.{name}"] = times[1:]
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
