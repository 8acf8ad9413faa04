"""Municipal boundaries -> reference list of communes and light GeoJSON for maps.

The boundaries file is the 2019 set (581 municipalities, WGS84 lon/lat, no
CRS declared). Commune mergers since then are applied here, from a small
reference table, as *periods*: a commune's shape and population are valid
from/to a date, so a map "as of" a date draws the communes that existed then.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from centrale.config import PROVINCE_NIS
from centrale.errors import CentraleError

# 0.001° ≈ 70–110 m here: invisible at province scale, and it shrinks the
# province's GeoJSON about three-fold (see STACK-NOTES.md).
SIMPLIFY_TOLERANCE = 0.001
COORD_DECIMALS = 4  # ~10 m: more digits only inflate the figure's JSON


class BoundariesError(CentraleError):
    """The boundaries file is missing or unreadable (message in French)."""


def read_boundaries(path: Path) -> gpd.GeoDataFrame:
    """All municipalities of the file, with the project's column names."""
    if not Path(path).is_file():
        raise BoundariesError(
            f"Fichier des limites communales introuvable : {path}. Indiquez son chemin "
            "avec --boundaries ou la variable d'environnement CENTRALE_BOUNDARIES "
            "(par défaut data/reference/geo/belgium-municipalities.topojson du dépôt)."
        )
    try:
        frame = gpd.read_file(path, layer="municipalities")
    except Exception as exc:  # pyogrio raises its own error types
        raise BoundariesError(f"Fichier des limites communales illisible : {path} ({exc})") from exc
    frame = frame.set_crs("EPSG:4326", allow_override=True)
    frame = frame.rename(
        columns={
            "nis": "nis_code",
            "arr_fr": "arrondissement",
            "prov_fr": "province",
            "reg_fr": "region",
        }
    )
    frame = _province_from_nis(frame)
    frame["arrondissement"] = frame["arrondissement"].map(_short_arrondissement)
    frame["population"] = frame["population"].astype("int64")
    columns = [
        "nis_code",
        "name_fr",
        "name_nl",
        "arr_nis",
        "arrondissement",
        "prov_nis",
        "province",
        "reg_nis",
        "region",
        "population",
        "geometry",
    ]
    return frame[columns].sort_values("nis_code").reset_index(drop=True)


# A NIS code's first digits name its province (Statbel). The 2019 file puts
# Mesen/Messines (33016, West Flanders) in Hainaut and Wallonia; the code wins.
_PROVINCE_BY_PREFIX = {
    "1": "10000",
    "23": "20001",
    "24": "20001",
    "25": "20002",
    "3": "30000",
    "4": "40000",
    "5": "50000",
    "6": "60000",
    "7": "70000",
    "8": "80000",
    "9": "90000",
}


def _province_from_nis(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Correct a municipality whose province disagrees with its NIS code."""
    expected = frame["nis_code"].map(
        lambda nis: _PROVINCE_BY_PREFIX.get(nis[:2]) or _PROVINCE_BY_PREFIX.get(nis[:1])
    )
    wrong = expected.notna() & frame["prov_nis"].notna() & (expected != frame["prov_nis"])
    if wrong.any():
        donors = frame.dropna(subset=["prov_nis"]).drop_duplicates("prov_nis").set_index("prov_nis")
        for column in ("province", "reg_nis", "region"):
            frame.loc[wrong, column] = expected[wrong].map(donors[column])
        frame.loc[wrong, "prov_nis"] = expected[wrong]
    return frame


def _short_arrondissement(name: object) -> object:
    if not isinstance(name, str):
        return name
    return re.sub(r"^Arrondissement (de la |de |d'|du )?", "", name)


def read_mergers(path: Path) -> pd.DataFrame:
    """old_nis, new_nis, merged_on (date) — communes absorbed by another."""
    frame = pd.read_csv(path, dtype=str)
    frame["merged_on"] = pd.to_datetime(frame["merged_on"]).dt.date
    return frame[["old_nis", "new_nis", "merged_on", "source"]]


def commune_periods(
    boundaries: gpd.GeoDataFrame, mergers: pd.DataFrame, province_nis: str = PROVINCE_NIS
) -> pd.DataFrame:
    """One row per (commune, period) of the province: population and simplified GeoJSON.

    valid_from/valid_to are inclusive dates, None meaning open-ended. A merged
    commune's period ends the day before the merger; its successor gets a new
    period from that day with the union of both shapes and populations.
    """
    province = boundaries[boundaries["prov_nis"] == province_nis].copy()
    province["geometry"] = province.geometry.simplify_coverage(SIMPLIFY_TOLERANCE)
    province["geometry"] = shapely.set_precision(province.geometry.values, 10**-COORD_DECIMALS)
    rows = {
        nis: [
            {
                "nis_code": nis,
                "valid_from": None,
                "valid_to": None,
                "population": int(pop),
                "geometry": geom,
            }
        ]
        for nis, pop, geom in zip(province["nis_code"], province["population"], province.geometry)
    }
    for merger in mergers.sort_values("merged_on").itertuples():
        if merger.old_nis not in rows or merger.new_nis not in rows:
            continue
        day_before = merger.merged_on - dt.timedelta(days=1)
        old, new = rows[merger.old_nis][-1], rows[merger.new_nis][-1]
        old["valid_to"] = new["valid_to"] = day_before
        rows[merger.new_nis].append(
            {
                "nis_code": merger.new_nis,
                "valid_from": merger.merged_on,
                "valid_to": None,
                "population": old["population"] + new["population"],
                "geometry": shapely.union(old["geometry"], new["geometry"]),
            }
        )
    periods = pd.DataFrame([p for commune in rows.values() for p in commune])
    periods["geojson"] = [
        json.dumps(shapely.geometry.mapping(g), separators=(",", ":"))
        for g in periods.pop("geometry")
    ]
    return periods


def feature_collection(shapes: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection from rows with `nis_code` and `geojson`; id = NIS code."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": nis,
                "properties": {"nis_code": nis},
                "geometry": json.loads(geometry),
            }
            for nis, geometry in zip(shapes["nis_code"], shapes["geojson"])
        ],
    }


def bounds_of(shapes: pd.DataFrame) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of the shapes' GeoJSON."""
    geoms = [shapely.geometry.shape(json.loads(g)) for g in shapes["geojson"]]
    return tuple(shapely.total_bounds(geoms))
