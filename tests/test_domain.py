"""centrale.domain (statuses, palettes, elision) and centrale.datasets.measures (the registry)."""

from __future__ import annotations

import pandas as pd
import pytest

from centrale import domain
from centrale.datasets import measures
from centrale.domain import AdhesionStatus, OrderStatus, de, elide, que
from centrale.render import mapfig
from reports import mapimage


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Arlon", "d'Arlon"),
        ("Attert", "d'Attert"),
        ("Aubange", "d'Aubange"),
        ("Erezée", "d'Erezée"),
        ("Érezée", "d'Érezée"),
        ("Etalle", "d'Etalle"),
        ("Ypres", "d'Ypres"),
        ("Bertrix", "de Bertrix"),
        ("Habay", "de Habay"),  # h treated as aspirated: never elided
        ("Houffalize", "de Houffalize"),
        ("Herbeumont", "de Herbeumont"),
        ("La Roche-en-Ardenne", "de La Roche-en-Ardenne"),
        ("Le Rœulx", "du Rœulx"),
        ("Les Bons Villers", "des Bons Villers"),
        ("Saint-Hubert", "de Saint-Hubert"),
        ("  Arlon ", "d'Arlon"),
    ],
)
def test_de_elides_before_a_vowel_only(name, expected):
    assert de(name) == expected


def test_other_elisions_and_capitals():
    assert que("Aubange") == "qu'Aubange"
    assert que("Bertrix") == "que Bertrix"
    assert elide("De", "Attert") == "D'Attert"
    assert elide("De", "Le Rœulx") == "Du Rœulx"
    assert elide("pour", "Arlon") == "pour Arlon"
    assert domain.arrondissement_of("Arlon") == "arrondissement d'Arlon"
    assert domain.arrondissement_of("Arlon", article=True) == "l'arrondissement d'Arlon"
    assert domain.arrondissement_of("Marche-en-Famenne") == "arrondissement de Marche-en-Famenne"


def test_statuses_are_the_stored_strings():
    assert AdhesionStatus.ADHERED == "adhérente"
    assert OrderStatus.AWARDED == "attribué"
    frame = pd.DataFrame({"status": ["attribué", "envoyé", "annulé"]})
    assert (frame["status"] == OrderStatus.AWARDED).tolist() == [True, False, False]
    assert frame["status"].isin(domain.TAKEN_STATUSES).tolist() == [True, True, False]
    assert AdhesionStatus("retirée").label == "Retirée"
    assert OrderStatus.SENT.label == "En cours d'attribution"


def test_one_palette_per_status_on_every_surface():
    # Every status has one colour, and the map and the map image use that palette.
    assert set(domain.ADHESION_COLOURS) == set(AdhesionStatus)
    assert set(domain.ORDER_STATUS_COLOURS) == set(OrderStatus)
    assert len(set(domain.ADHESION_COLOURS.values())) == len(AdhesionStatus)
    assert mapfig.METRICS["adhesion"].colours is domain.ADHESION_COLOURS
    assert mapimage.STATUS_COLOURS is domain.ADHESION_COLOURS
    # A plain string from a DataFrame finds its colour.
    assert mapimage.STATUS_COLOURS["non adhérente"] == domain.ORANGE


def test_similar_rule_is_one_sentence_with_elision():
    text = domain.similar_rule("Arlon")
    assert "celle d'Arlon" in text
    assert text.count(".") == 1 and text.endswith(".")
    assert str(domain.SIMILAR_COUNT) in text


def test_measures_registry():
    m = measures.measure("median_award_days")
    assert m.label == "Délai médian d'attribution"
    assert m.format(15) == "15,0\u00a0jours"
    assert measures.format_value("amount_awarded_eur", 1234.6) == "1\u00a0235\u00a0€"
    assert measures.format_value("adhesion_rate", 23 / 44) == "52\u00a0%"
    assert measures.format_value("orders_awarded", None) == "–"
    assert measures.measure("order_amount_eur").name == "amount_eur"
    with pytest.raises(KeyError, match="mesure inconnue"):
        measures.measure("nope")
    for key, measure in measures.MEASURES.items():
        assert measure.key == key
        assert measure.label and measure.help.endswith(".")
    # The map's continuous indicators are the registry's measures.
    assert mapfig.METRICS["amount"].label == measures.label("amount_eur")
    assert mapfig.METRICS["per_inhabitant"].column == "amount_per_inhabitant"


def test_every_kpi_key_has_a_measure(demo_db):
    import datetime as dt

    import duckdb

    from centrale.datasets import queries

    with duckdb.connect(str(demo_db), read_only=True) as con:
        figures = queries.kpis(con, dt.date(2020, 1, 31))
    numeric = {
        k
        for k, v in figures.items()
        if k not in ("as_of", "call_year", "survey_year") and not isinstance(v, dict | list)
    }
    assert numeric <= set(measures.MEASURES)
    # Nested figures (the information meetings) are measures too; the funnel is a list of
    # steps, each a count of communes.
    assert set(figures["info_meetings"]) <= set(measures.MEASURES)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bertrix", "Bertrix"),
        ("Vaux-sur-Sûre", "Vaux-sur-Sure"),
        ("La Roche-en-Ardenne", "La-Roche-en-Ardenne"),
        ("Saint-Léger", "Saint-Leger"),
        ("Érezée", "Erezee"),
        ("../../etc/passwd", "etc-passwd"),
        ("", "commune"),
    ],
)
def test_file_part_is_safe_on_any_file_system(name, expected):
    from centrale import fmt

    assert fmt.file_part(name) == expected


def test_status_literals_left_in_sql_are_the_domain_values():
    """SQL that still spells a status (schema.sql's orders_at, the build checks, a few
    period queries) must spell exactly a `centrale.domain` value: a typo such as
    'attribue' would silently count nothing."""
    import re

    from centrale.config import REPO_ROOT

    allowed = {s.value for s in OrderStatus} | {s.value for s in AdhesionStatus}
    pattern = re.compile(r"(?:status\s*(?:=|<>|!=)\s*|THEN\s+|\(|,\s*)'([^']+)'")
    found = set()
    for path in [
        "centrale/storage/schema.sql",
        "centrale/datasets/queries.py",
        "centrale/storage/checks.py",
    ]:
        text = (REPO_ROOT / path).read_text(encoding="utf-8")
        for literal in pattern.findall(text):
            if literal.lower() in {"month", "year", "day"} or literal.startswith(("%", " ")):
                continue
            if re.fullmatch(r"[a-zé ]+", literal) and ("é" in literal or "adh" in literal):
                found.add(literal)
    assert found, "no status literal found: the pattern no longer matches the SQL"
    assert found <= allowed, found - allowed
