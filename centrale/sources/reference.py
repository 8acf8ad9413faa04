"""What source rows are checked against: the communes of the reference list and their
mergers, with the name matcher built once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from centrale.names import CommuneMatcher, normalise


@dataclass
class Reference:
    """What source rows are checked against: the communes and their mergers."""

    communes: pd.DataFrame  # nis_code, name_fr, prov_nis, province, population, …
    mergers: pd.DataFrame  # old_nis, new_nis, merged_on
    province_nis: str
    today: dt.date = field(default_factory=dt.date.today)
    # Provinces whose communes may adhere (None: any). The centrale serves its
    # own province; the benchmark's country-wide scale set widens it.
    adhesion_provinces: frozenset[str] | None = None

    def __post_init__(self) -> None:
        names = dict(zip(self.communes["nis_code"], self.communes["name_fr"]))
        ours = self.communes.loc[self.communes["prov_nis"] == self.province_nis, "nis_code"]
        self.matcher = CommuneMatcher(names, frozenset(ours))
        self.names = names
        self.province_of = dict(zip(self.communes["nis_code"], self.communes["prov_nis"]))
        provinces = self.communes.dropna(subset=["prov_nis"]).drop_duplicates("prov_nis")
        self.province_by_name = {}
        for prov_nis, province in zip(provinces["prov_nis"], provinces["province"]):
            short = normalise(province)
            for prefix in ("province du ", "province de la ", "province de ", "province "):
                short = short.removeprefix(prefix)
            self.province_by_name[normalise(province)] = prov_nis
            self.province_by_name[short] = prov_nis
            self.province_by_name[prov_nis] = prov_nis
