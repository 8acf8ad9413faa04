"""Tiny source folders for the survey tests: a handful of rows whose figures can be
worked out by hand (see each test's comments), written as real files and loaded
with the real build."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from centrale.config import settings
from centrale.storage.build import build_store

ARLON, ATTERT, AUBANGE, BERTRIX = "81001", "81003", "81004", "84009"
BASTOGNE, BERTOGNE = "82003", "82005"
POPULATION = {ARLON: 30081, ATTERT: 5646, AUBANGE: 17146, BERTRIX: 8844}

SOLUTIONS = """code;solution;catégorie;catalogue
AAA;Solution A;Test;1.0
BBB;Solution B;Test;1.0
CCC;Solution C;Test;2.0
"""
# CCC enters the catalogue on 15/01/2023: a wish before, covered after.
FRAMEWORK = """code;prestataire;début;fin
AAA;Prestataire Un;15/01/2019;14/01/2027
BBB;Prestataire Un;15/01/2019;14/01/2027
CCC;Prestataire Deux;15/01/2023;14/01/2027
"""
ADHESIONS = """commune;date de signature;date de retrait
Arlon;01/02/2019;
Attert;01/03/2019;
Bertrix;01/04/2019;
Bertogne;01/05/2019;
"""
# Arlon orders AAA after asking (converts); Attert ordered AAA before asking (does
# not count as "since"); Attert's BBB order is cancelled; Bertrix orders CCC after asking.
ORDERS = """n° de commande;commune;solution;date d'envoi;statut
T-1;Arlon;AAA;01/06/2024;envoyé
T-2;Attert;AAA;10/01/2022;envoyé
T-3;Attert;BBB;01/07/2024;annulé
T-4;Bertrix;CCC;01/09/2024;envoyé
"""
CAMPAIGNS = """année;date d'envoi;date limite
2022;01/03/2022;29/04/2022
2023;01/03/2023;28/04/2023
2024;04/03/2024;30/04/2024
"""
SURVEY = """\
année;commune;besoin;priorité;année souhaitée;budget;date de réponse;répondant;commentaire
2022;Bertrix;Solution C;1;2023;;15/03/2022;Directeur général;
2023;Arlon;AAA;1;2024;10 000;10/03/2023;Bourgmestre;
2023;Arlon;Capteurs de stationnement;2;2025;;10/03/2023;Bourgmestre;
2023;Attert;AAA;2;2024;;20/03/2023;Échevin;
2023;Aubange;aucun besoin;;;;05/04/2023;Directrice générale;Pas de projet
2024;Arlon;AAA;1;2025;;11/03/2024;Bourgmestre;
2024;Arlon;CCC;1;2025;5 000;11/03/2024;Bourgmestre;
2024;Arlon;capteurs de  stationnement;1;2026;;11/03/2024;Bourgmestre;
2024;Attert;Capteurs de stationnement;3;2027;;25/03/2024;Échevin;
2024;Attert;BBB;2;2025;;25/03/2024;Échevin;
2024;Bertrix;CCC;2;2025;;02/04/2024;Directeur général;
2024;Bertrix;Drones;1;2025;;02/04/2024;Directeur général;
2024;Aubange;Solution C;;;;10/05/2024;Directrice générale;
"""


def write_sources(folder: Path, survey: str = SURVEY, **extra: str) -> Path:
    """The fixture folder: every kind above, `survey` as the survey file, plus `extra`
    files (name -> text)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "solutions.csv": SOLUTIONS,
        "framework.csv": FRAMEWORK,
        "adhesions.csv": ADHESIONS,
        "orders.csv": ORDERS,
        "campaigns.csv": CAMPAIGNS,
        "survey.csv": survey,
        **extra,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def tiny_settings(tmp_path: Path, survey: str = SURVEY, **extra: str):
    """Settings whose sources folder holds the fixture files and whose store is built."""
    config = dataclasses.replace(
        settings(), db_path=tmp_path / "store.duckdb", sources_dir=tmp_path / "sources"
    )
    write_sources(config.sources_dir, survey, **extra)
    build_store(config, config.sources_dir, config.db_path, progress=lambda _: None)
    return config
