"""Raw cells -> typed columns: each kind's files concatenated, each column parsed once per
distinct value (dates, amounts, communes), unreadable or out-of-bounds cells reported and
blanked, mandatory columns checked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from centrale.domain import elide
from centrale.sources import parse
from centrale.sources.kinds import (
    COMMUNE,
    COMMUNE_NAME,
    Kind,
)
from centrale.sources.read import RawTable, checkpoint
from centrale.sources.reference import Reference
from centrale.sources.report import RowReport

_EXPECTED = {
    "date": "une date attendue (jj/mm/aaaa ou aaaa-mm-jj)",
    "amount": "un montant attendu (par exemple 1 234,50)",
    "int": "un nombre entier attendu",
}
# The store's bounds (schema.sql: DECIMAL(14, 2) euros, INTEGER counts and years): a
# value past them is a typo (a pasted phone number, a cell formatted as a date), said
# here rather than failing the write.
_LIMITS = {
    "amount": (
        999_999_999_999.99,
        "montant démesuré : au plus 999 999 999 999,99 € ; vérifiez la cellule",
    ),
    "int": (2_147_483_647, "nombre démesuré : au plus 2 147 483 647 ; vérifiez la cellule"),
}
META = ["_file", "_sheet", "_row"]


def memo(func):
    """`func`, computed once per distinct argument: source columns repeat a lot."""
    cache = {}

    def call(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = func(value)
            return result
        except TypeError:  # unhashable cell
            return func(value)

    return call


def typed_frame(
    kind: Kind, raws: list[RawTable], reference: Reference, report: RowReport
) -> pd.DataFrame:
    """Concatenate the kind's files and type each column; bad cells become None."""
    frames = []
    for raw in raws:
        checkpoint()
        cells = raw.cells.copy()
        cells["_file"], cells["_sheet"], cells["_row"] = raw.file, raw.sheet, cells.index
        frame = pd.DataFrame(
            {"_file": cells["_file"], "_sheet": cells["_sheet"], "_row": cells["_row"]}
        )
        for col in kind.columns:
            raw_values = cells[col.name]
            frame[f"_raw_{col.name}"] = raw_values
            frame[col.name] = _parse_column(col.type, raw_values, raw.from_workbook, reference)
        if COMMUNE_NAME in cells or any(COMMUNE_NAME in r.cells for r in raws):
            frame[COMMUNE_NAME] = cells[COMMUNE_NAME] if COMMUNE_NAME in cells else None
        frames.append(frame.reset_index(drop=True))
    if not frames:
        columns = META + [c.name for c in kind.columns] + [f"_raw_{c.name}" for c in kind.columns]
        empty = pd.DataFrame(columns=columns, dtype=object)
        for col in kind.columns:
            empty[col.name] = _as_dtype(col.type, empty[col.name])
        return empty
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for col in kind.columns:
        raw_values, values = frame[f"_raw_{col.name}"], frame[col.name]
        invalid = pd.Series(
            [v is parse.INVALID for v in values.tolist()], index=values.index, dtype=bool
        )
        if invalid.any():
            if col.type == "commune":
                report.error(
                    frame,
                    invalid,
                    col.name,
                    lambda r, c=col.name: _unknown_commune(r[f"_raw_{c}"], reference),
                    code="commune-inconnue",
                )
            else:
                report.error(frame, invalid, col.name, _EXPECTED[col.type])
            frame.loc[invalid, col.name] = None
        if col.type in _LIMITS:
            limit, text = _LIMITS[col.type]
            huge = pd.Series(
                [v is not None and abs(v) > limit for v in frame[col.name].tolist()],
                index=values.index,
                dtype=bool,
            )
            if huge.any():
                report.error(frame, huge, col.name, text, code="nombre-hors-limites")
                frame.loc[huge, col.name] = None
        if col.not_null:
            # A missing column is reported once, on the header row, not on every row.
            present = frame["_file"].isin([f for f, h in report.headers.items() if col.name in h])
            report.error(
                frame, raw_values.isna() & present, col.name, "valeur obligatoire manquante"
            )
        frame[col.name] = _as_dtype(col.type, frame[col.name])
    if COMMUNE_NAME in frame:
        _check_code_and_name(frame, reference, report)
        frame = frame.drop(columns=[COMMUNE_NAME])
    return frame


def _check_code_and_name(frame: pd.DataFrame, reference: Reference, report: RowReport) -> None:
    """Where a file gives the commune twice (INS code and name), the code was used: the
    name must designate the same commune, else neither is trusted (an error)."""
    named = frame[COMMUNE_NAME].notna() & frame[COMMUNE].notna()
    if not named.any():
        return
    resolved = frame[COMMUNE_NAME].map(memo(lambda v: reference.matcher.resolve(v)))
    differs = named & (resolved != frame[COMMUNE])
    report.error(
        frame,
        differs,
        COMMUNE_NAME,
        lambda r: (
            f"le code INS et le nom ne désignent pas la même commune : le code "
            f"« {r[f'_raw_{COMMUNE}']} » est {reference.names.get(r[COMMUNE], r[COMMUNE])}, "
            f"le nom « {r[COMMUNE_NAME]} » "
            + (
                f"est celui {elide('de', reference.names[other])} ({other})"
                if (other := reference.matcher.resolve(r[COMMUNE_NAME])) in reference.names
                else "ne désigne aucune commune connue"
            )
            + " ; corrigez le code ou le nom"
        ),
        code="code-ins-et-nom-differents",
    )


def _as_dtype(type_: str, values: pd.Series) -> pd.Series:
    """Columnar types, so that rules compare whole columns (blank -> NaT/NaN/<NA>)."""
    if type_ == "date":
        return pd.to_datetime(values).astype("datetime64[ns]")
    if type_ == "amount":
        return pd.to_numeric(values).astype("float64")
    if type_ == "int":
        return pd.to_numeric(values).astype("Int64")
    return values.astype(object)


def _parse_column(
    type_: str, values: pd.Series, from_workbook: bool, reference: Reference
) -> pd.Series:
    """One column's raw cells -> parsed values (None blank, `parse.INVALID` unreadable)."""
    if type_ == "amount":
        # Amounts are mostly distinct: parsed column-wise rather than value by value.
        return parse.parse_amounts(values)
    parser = _cell_parser(type_, from_workbook, reference)
    # Parse each distinct value once: source columns repeat a lot (dates, communes).
    # Cells are str, numbers, dates or None (all hashable): factorize hashes in C.
    cells = np.empty(len(values), dtype=object)
    cells[:] = values.tolist()
    codes, uniques = pd.factorize(cells)
    parsed = np.empty(len(uniques) + 1, dtype=object)
    parsed[:-1] = [parser(v) for v in uniques]
    parsed[-1] = None  # code -1: a blank cell
    return pd.Series(parsed[codes], index=values.index, dtype=object)


def _cell_parser(type_: str, from_workbook: bool, reference: Reference):
    if type_ == "date":
        return lambda v: parse.parse_date(v, from_workbook)
    if type_ == "int":
        return parse.parse_int
    if type_ == "commune":
        return lambda v: reference.matcher.resolve(v) or parse.INVALID
    return parse.parse_text


def _unknown_commune(value, reference: Reference) -> str:
    """Names proposed only among the communes that may adhere (the province's, with the
    old names of merged ones), unless every province may."""
    allowed = reference.adhesion_provinces or frozenset({reference.province_nis})
    within = None
    if "*" not in allowed:
        within = {nis for nis, prov in reference.province_of.items() if prov in allowed}
    suggestions = reference.matcher.suggest(value, within=within)
    text = "commune inconnue : attendu un nom de commune ou un code INS à 5 chiffres"
    if suggestions:
        text += " ; communes les plus proches : " + ", ".join(suggestions)
    return text
