"""What an upload would change in the store: rows added, removed and changed (old -> new),
per table, keyed by what identifies a row, with the communes named."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from centrale.sources.problems import Problem
from centrale.storage.build import (
    ReferenceData,
)

# What identifies a row of each table an upload can change (for the preview).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "solutions": ("solution_id",),
    "framework": ("solution_id", "provider", "starts_on"),
    "adhesions": ("commune_nis", "signed_on"),
    "orders": ("order_id",),
    "subsidies": ("call", "call_year", "beneficiary", "project"),
    "survey_answers": ("year", "commune_nis", "need_solution_id", "need_label"),
    "survey_campaigns": ("year",),
    "offers": ("order_id", "provider"),
    "events": ("held_on", "kind", "title", "commune_nis"),
}
TABLE_LABELS = {
    "solutions": "Solutions du catalogue",
    "framework": "Accords-cadres",
    "adhesions": "Adhésions",
    "orders": "Commandes",
    "subsidies": "Subsides",
    "survey_answers": "Réponses à l'enquête",
    "survey_campaigns": "Campagnes d'enquête",
    "offers": "Offres",
    "events": "Rencontres",
}
# Where a row came from is not a change of the data itself.
IGNORED_COLUMNS = {"source_file", "source_row"}
_NULL = "\x00∅"  # stands for a missing value while comparing (never a real cell)


@dataclass
class TableDiff:
    table: str
    keys: tuple[str, ...]
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame  # keys…, column, before, after (one line per changed cell)
    changed_rows: int = 0

    @property
    def empty(self) -> bool:
        return not (len(self.added) or len(self.removed) or self.changed_rows)


def read_store_tables(db_path: Path) -> dict[str, pd.DataFrame]:
    """The current store's tables an upload can change (empty dict without a store)."""
    if not Path(db_path).is_file():
        return {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        known = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            ).fetchall()
        }
        # Table names come from TABLE_KEYS (code), checked against the schema.
        return {
            table: con.execute(f'SELECT * FROM "{table}"').df()  # noqa: S608
            for table in TABLE_KEYS
            if table in known
        }


def _canonical(series: pd.Series) -> pd.Series:
    """Comparable plain values: dates as ISO text, amounts to the cent, blanks as _NULL."""
    values = series.astype(object).tolist()
    out = []
    for v in values:
        if v is None or v is pd.NaT or (not isinstance(v, str) and pd.isna(v)):
            out.append(_NULL)
        elif isinstance(v, pd.Timestamp | dt.datetime):
            out.append(v.date().isoformat() if v == pd.Timestamp(v).normalize() else str(v))
        elif isinstance(v, dt.date):
            out.append(v.isoformat())
        elif isinstance(v, bool | np.bool_):
            out.append(str(v))
        elif isinstance(v, float) or hasattr(v, "dtype"):
            number = float(v)
            out.append(str(int(number)) if number.is_integer() else f"{number:.2f}")
        elif isinstance(v, int):
            out.append(str(v))
        else:
            out.append(str(v))
    return pd.Series(out, index=series.index, dtype=object)


def _canonical_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({c: _canonical(frame[c]) if c in frame else _NULL for c in columns})
    out.index = range(len(out))
    return out


def diff_tables(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> dict[str, TableDiff]:
    """Rows added, removed and changed per table, matched on TABLE_KEYS.

    Values are compared as shown to people (dates as days, amounts to the
    cent); where a row came from (file, row) is not a change.
    """
    result = {}
    for table, keys in TABLE_KEYS.items():
        if table not in new:
            continue
        columns = [c for c in new[table].columns if c not in IGNORED_COLUMNS]
        before = _canonical_frame(old.get(table, pd.DataFrame(columns=columns)), columns)
        after = _canonical_frame(new[table], columns)
        # Same key twice (allowed in a few tables): pair them up in order.
        key_cols = [*keys, "_n"]
        before["_n"] = before.groupby(list(keys)).cumcount()
        after["_n"] = after.groupby(list(keys)).cumcount()
        merged = before.merge(
            after, on=key_cols, how="outer", suffixes=("_old", "_new"), indicator=True
        )
        values = [c for c in columns if c not in keys]

        both = merged[merged["_merge"] == "both"]
        changes = []
        changed_rows = pd.Series(False, index=both.index)
        for column in values:
            differs = both[f"{column}_old"] != both[f"{column}_new"]
            changed_rows |= differs
            if differs.any():
                part = both.loc[differs, list(keys)].copy()
                part["column"] = column
                part["before"] = both.loc[differs, f"{column}_old"]
                part["after"] = both.loc[differs, f"{column}_new"]
                changes.append(part)
        changed = (
            _shown(pd.concat(changes, ignore_index=True))
            if changes
            else pd.DataFrame(columns=[*keys, "column", "before", "after"])
        )
        result[table] = TableDiff(
            table,
            keys,
            added=_one_side(merged, "right_only", "_new", keys, values, columns),
            removed=_one_side(merged, "left_only", "_old", keys, values, columns),
            changed=changed,
            changed_rows=int(changed_rows.sum()),
        )
    return result


def _one_side(merged, which, suffix, keys, values, columns) -> pd.DataFrame:
    """The rows only on one side of the merge, with their own column names back."""
    frame = merged.loc[merged["_merge"] == which, [*keys] + [f"{c}{suffix}" for c in values]]
    frame.columns = [*keys, *values]
    return _shown(frame[columns].reset_index(drop=True))


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.replace({_NULL: None})


def with_commune_names(diff: dict[str, TableDiff], reference: ReferenceData):
    """'84009' -> 'Bertrix (84009)' in commune columns, for people to read."""
    names = dict(zip(reference.communes["nis_code"], reference.communes["name_fr"]))

    def named(frame):
        if "commune_nis" in frame:
            frame = frame.copy()
            frame["commune_nis"] = frame["commune_nis"].map(
                lambda n: f"{names[n]} ({n})" if n in names else n
            )
        return frame

    for d in diff.values():
        d.added, d.removed, d.changed = named(d.added), named(d.removed), named(d.changed)
    return diff


def diff_summary(diff: dict[str, TableDiff]) -> pd.DataFrame:
    """table, label, added, changed, removed: one line per table the upload touches."""
    rows = [
        {
            "table": d.table,
            "label": TABLE_LABELS[d.table],
            "added": len(d.added),
            "changed": d.changed_rows,
            "removed": len(d.removed),
        }
        for d in diff.values()
        if not d.empty
    ]
    return pd.DataFrame(rows, columns=["table", "label", "added", "changed", "removed"])


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table: level, file, sheet, row, column, value, message."""
    records = [p.as_record() for p in problems]
    columns = ["level", "file", "sheet", "row", "column", "value", "message"]
    frame = pd.DataFrame(records, columns=columns)
    frame["row"] = frame["row"].astype("Int64")
    return frame
