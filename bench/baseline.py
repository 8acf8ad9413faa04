"""The naive baseline: what a quick script would do with the same orders file.

pandas reads the CSV, a Python loop over `iterrows()` parses and checks each
row (dates, amount, adhesion before sending, provider holding the framework),
then the rows go into DuckDB with `executemany`. Run on the first N orders of
the scale set (the full million would take too long); prints JSON with the
seconds of each phase, so rows per second compare with the real build.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd


def _date(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def _amount(text: str) -> float:
    return float(text.replace(" ", "").replace("\u00a0", "").replace(".", "").replace(",", "."))


def run(sources: Path, limit: int) -> dict:
    timings = {}
    started = time.perf_counter()
    orders = pd.read_csv(
        sources / "orders.csv",
        sep=";",
        dtype=str,
        encoding="utf-8-sig",
        nrows=limit,
        keep_default_na=False,
    )
    adhesions = pd.read_csv(
        sources / "adhesions.csv", sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    framework = pd.read_excel(sources / "framework.xlsx", dtype=str)
    timings["lecture"] = time.perf_counter() - started

    t = time.perf_counter()
    signed = {r["commune"]: _date(r["date de signature"]) for _, r in adhesions.iterrows()}
    agreements = [
        (
            r["code"],
            r["prestataire"],
            pd.Timestamp(r["début"]).date(),
            pd.Timestamp(r["fin"]).date() if isinstance(r["fin"], str) else None,
        )
        for _, r in framework.iterrows()
    ]
    rows, errors, seen = [], [], set()
    for i, r in orders.iterrows():
        order_id = r["n° de commande"].strip()
        if order_id in seen:
            errors.append((i, "doublon"))
        seen.add(order_id)
        sent = _date(r["date d'envoi du bon de commande"])
        awarded = _date(r["date d'attribution"])
        amount = _amount(r["montant HTVA"])
        commune = r["commune"].strip()
        if commune not in signed or signed[commune] > sent:
            errors.append((i, "pas d'adhésion"))
        provider = r["adjudicataire"].strip() or None
        if awarded is not None:
            if awarded < sent:
                errors.append((i, "attribution avant envoi"))
            holds = any(
                sid == r["solution"]
                and p == provider
                and start <= awarded
                and (end is None or awarded <= end)
                for sid, p, start, end in agreements
            )
            if not holds:
                errors.append((i, "accord-cadre"))
        rows.append(
            (
                order_id,
                commune,
                r["solution"],
                sent,
                awarded,
                provider,
                amount,
                r["statut"],
                "orders.csv",
                i + 2,
            )
        )
    timings["validation"] = time.perf_counter() - t

    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "baseline.duckdb"))
        con.execute(
            "CREATE TABLE orders (order_id VARCHAR PRIMARY KEY, commune_nis VARCHAR, "
            "solution_id VARCHAR, sent_on DATE, awarded_on DATE, provider VARCHAR, "
            "amount_eur DECIMAL(14, 2), status VARCHAR, source_file VARCHAR, source_row INTEGER)"
        )
        con.execute("BEGIN")
        con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
        con.close()
    timings["insertion"] = time.perf_counter() - t
    return {
        "rows": len(rows),
        "errors": len(errors),
        "timings": timings,
        "seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), int(sys.argv[2]))))
