"""Competition gains, outreach funnel and the new `etl kpis` keys, on the demo store.

Expected values are either the public record (DOMAIN.md, REAL-WORLD.md §3)
or recomputed here from the source files with pandas, never copied from
the code's own output.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pandas as pd
import pytest

from centrale.config import REPO_ROOT
from centrale.datasets import competition, outreach, queries
from tests.conftest import PRESS_DAY, SAMPLE_DIR

TODAY = dt.date(2026, 11, 24)


def test_kpis_json_at_the_press_day_reproduce_the_record(demo_db):
    run = subprocess.run(
        [sys.executable, "-m", "etl", "kpis", "--db", str(demo_db), "--as-of", "2020-01-31"]
        + ["--call-year", "2019", "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(run.stdout)
    assert (figures["communes_total"], figures["communes_adhered"]) == (44, 23)
    assert figures["orders_awarded"] == 16 and figures["province_subsidy_share"] == 0.21
    assert figures["orders_amount_eur"] == 400_000  # be-smartcity.com, 28/01/2020
    # "34 étaient représentées, dont 11 par leur bourgmestre … une centaine de personnes"
    meetings = figures["info_meetings"]
    assert (meetings["communes_represented"], meetings["by_bourgmestre"]) == (34, 11)
    assert 90 <= meetings["people"] <= 110
    assert [s["step"] for s in figures["funnel"]] == [
        "province",
        "met",
        "adhered",
        "ordered",
        "ordered_2",
    ]
    assert figures["funnel"][0]["communes"] == 44 and figures["funnel"][2]["communes"] == 23
    assert figures["communes_met"] == figures["funnel"][1]["communes"]
    assert isinstance(figures["competition_gain_eur"], float)
    # The latest survey on that day is the summer-2017 one (seeds); its response rate is
    # recomputed from the demo file (communes written by name or NIS code, one each).
    survey = pd.read_excel(SAMPLE_DIR / "survey.xlsx", dtype={"commune": str})
    answered = survey.loc[survey["année"] == 2017, "commune"].nunique()
    assert figures["survey_year"] == 2017
    assert figures["survey_response_rate"] == pytest.approx(answered / 44)


def _source_gains(as_of: dt.date) -> pd.Series:
    """Gain per awarded order recomputed from the demo files: best other offer − chosen."""
    orders = pd.read_excel(SAMPLE_DIR / "orders.xlsx")
    offers = pd.read_excel(SAMPLE_DIR / "offers.xlsx")
    awarded = orders[orders["date d'attribution"] <= pd.Timestamp(as_of)]["n° de commande"]
    offers = offers[offers["n° de commande"].isin(awarded)]
    chosen = offers[offers["retenue"] == "oui"].set_index("n° de commande")["montant HTVA"]
    others = offers[offers["retenue"] == "non"].groupby("n° de commande")["montant HTVA"].min()
    return (others - chosen).dropna()


@pytest.mark.parametrize("day", [PRESS_DAY, TODAY])
def test_competition_gain_is_the_other_offer_minus_the_chosen_one(con, day):
    expected = _source_gains(day)
    table = competition.order_competition(con, day).dropna(subset=["gain_eur"])
    got = table.set_index("order_id")["gain_eur"].astype(float)
    assert got.sort_index().round(2).tolist() == expected.sort_index().round(2).tolist()
    assert competition.competition_gain_eur(con, day) == pytest.approx(expected.sum(), abs=0.01)
    # Negative gains are the orders won on quality, with a positive score margin.
    quality = table[table["won_on"] == "qualité"]
    assert (quality["gain_eur"] < 0).all() and (quality["score_margin"] > 0).all()
    assert (table[table["won_on"] == "prix"]["gain_eur"] >= 0).all()


def test_gain_sums_by_commune_solution_provider_and_year_add_up(con):
    total = competition.competition_gain_eur(con, TODAY)
    for group in competition.GAIN_GROUPS:
        sums = competition.gain_by(con, TODAY, group)
        assert sums["gain_eur"].sum() == pytest.approx(total, abs=0.05), group
    with pytest.raises(ValueError):
        competition.gain_by(con, TODAY, "commune_nis; DROP TABLE offers")


def test_provider_record_rates_and_head_to_head(con):
    record = competition.provider_record(con, TODAY)
    compared = competition.order_competition(con, TODAY)
    compared = compared[compared["offers"] >= 2]
    assert record["won"].sum() == len(compared)  # one winner per competition
    assert record["competitions"].sum() == compared["offers"].sum()
    for column in ("win_rate", "price_win_rate", "quality_win_rate"):
        assert record[column].between(0, 1).all()
    pairs = competition.head_to_head(con, TODAY)
    assert (pairs["wins_a"] + pairs["wins_b"] == pairs["competitions"]).all()
    prices = competition.price_per_solution(con, TODAY)
    assert (
        prices["orders"].sum()
        == compared["order_id"].nunique()
        + (competition.order_competition(con, TODAY)["offers"] == 1).sum()
    )


def test_funnel_and_never_met_follow_the_events_file(con):
    events = pd.read_excel(SAMPLE_DIR / "events.xlsx", dtype={"commune": str})
    later = outreach.funnel(con, TODAY)
    steps = {s["step"]: s for s in later}
    assert steps["province"]["communes"] == 43  # after the Bertogne–Bastogne merger
    assert steps["adhered"]["communes"] == queries.kpis(con, TODAY)["communes_adhered"]
    assert steps["met"]["conversion"] == pytest.approx(steps["met"]["communes"] / 43)
    assert steps["adhered"]["median_days_from_previous"] > 0  # met before adhering
    never = outreach.never_met(con, TODAY)
    assert len(never) == 43 - steps["met"]["communes"] > 0
    named = set(events["commune"])
    assert not set(never["commune"]) & named
    # On the press day, the information meeting's communes are the ones met.
    assert outreach.communes_met(con, PRESS_DAY) == 34
    summary = outreach.events_summary(con, PRESS_DAY)
    assert summary.iloc[0]["communes"] == 34 and summary.iloc[0]["by_bourgmestre"] == 11
    roles = outreach.communes_by_role(con, PRESS_DAY)
    assert roles.set_index("role").loc["bourgmestre", "communes"] == 11
