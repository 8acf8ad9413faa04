"""Bytes of the map page's figure JSON, per metric, built as pages/map.py builds it; JSON out."""

from __future__ import annotations

import datetime as dt
import json
import sys

import duckdb

from centrale.datasets import queries
from centrale.render import mapfig

if __name__ == "__main__":
    con = duckdb.connect(sys.argv[1], read_only=True)
    day = dt.date.today()
    shapes = queries.commune_shapes(con, day)
    status = queries.commune_status(con, day)
    sizes = {}
    for metric, spec in mapfig.METRICS.items():
        values = status
        if metric == "survey":
            year = queries.default_survey_year(con, day)
            values = mapfig.survey_status(queries.survey_response(con, year, day) if year else None)
        fig = mapfig.metric_map(values, shapes, metric, label=spec.label)
        sizes[metric] = len(fig.to_json().encode("utf-8"))
    print(json.dumps(sizes))
