"""Periods beside dates: the pure rules (centrale.periods), the period queries on the
demo store, and the overview and orders pages with a period chosen."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from streamlit.testing.v1 import AppTest

from centrale import periods
from centrale.config import REPO_ROOT
from centrale.datasets import queries
from centrale.storage.store import connect_read_only
from tests.conftest import PRESS_DAY
from tests.kpi_cards import shown as kpi_shown

TODAY = dt.date(2026, 11, 24)  # the last day the demo data speaks of


def test_each_kind_is_clamped_to_the_opening_and_the_reference_date():
    this_year = periods.make("this_year", TODAY)
    assert this_year.bounds == (dt.date(2026, 1, 1), TODAY)
    assert this_year.label == "cette année (2026, jusqu'au 24/11/2026)"
    assert periods.make("year", TODAY, year=2023).bounds == (
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
    )
    assert periods.make("year", TODAY, year=2023).label == "en 2023"
    assert periods.make("year", TODAY).year == 2025  # default: the last full year
    # The reference date's own year is "cette année"; a past year is whole.
    assert periods.make("year", PRESS_DAY, year=2020).kind == "this_year"
    assert periods.from_param("2019", PRESS_DAY).label == "en 2019"
    assert periods.make("all", PRESS_DAY).bounds == (dt.date(2019, 1, 1), PRESS_DAY)
    reversed_range = periods.make(
        "range", TODAY, since=dt.date(2023, 6, 30), until=dt.date(2023, 3, 1)
    )
    assert reversed_range.bounds == (dt.date(2023, 3, 1), dt.date(2023, 6, 30))
    assert reversed_range.label == "du 01/03/2023 au 30/06/2023"
    assert periods.make("range", PRESS_DAY, since=dt.date(2010, 1, 1)).since == dt.date(2019, 1, 1)


def test_address_text_round_trips_and_bad_text_is_ignored():
    for period in (
        periods.make("all", TODAY),
        periods.make("this_year", TODAY),
        periods.make("year", TODAY, year=2021),
        periods.make("range", TODAY, since=dt.date(2023, 3, 1), until=dt.date(2023, 6, 30)),
    ):
        assert periods.from_param(period.param, TODAY) == period
    assert periods.from_param("2031", TODAY) is None  # a year not yet reached
    assert periods.from_param("n'importe quoi", TODAY) is None
    assert periods.from_param("2023-13-01..2023-14-01", TODAY) is None
    assert periods.from_param(None, TODAY) is None


def test_previous_period_is_the_same_span_a_year_earlier():
    assert periods.make("this_year", TODAY).previous().bounds == (
        dt.date(2025, 1, 1),
        dt.date(2025, 11, 24),
    )
    assert periods.make("year", TODAY, year=2019).previous() is None  # before the opening
    assert periods.make("all", TODAY).previous() is None


def test_period_figures_count_the_events_of_the_period(demo_db):
    since, until = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
    with connect_read_only(demo_db) as con:
        figures = queries.period_figures(con, TODAY, since, until)
        every = queries.orders_table(con, TODAY)
        whole = queries.period_figures(con, PRESS_DAY)
        press = queries.kpis(con, PRESS_DAY)
    # Recomputed by hand from the full order list (a different path: pandas, not SQL).
    sent = every[
        (every["sent_on"] >= pd.Timestamp(since)) & (every["sent_on"] <= pd.Timestamp(until))
    ]
    awarded = every[
        (every["awarded_on"] >= pd.Timestamp(since)) & (every["awarded_on"] <= pd.Timestamp(until))
    ]
    assert figures["orders_sent"] == (sent["status"] != "annulé").sum()
    assert figures["orders_awarded"] == len(awarded)
    assert figures["median_award_days"] == awarded["lead_days"].median()
    late = sent[
        (sent["status"] != "annulé") & (sent["lead_days"].fillna(sent["days_pending"]) > 20)
    ]
    assert figures["orders_late"] == len(late)
    # Without bounds, the same figures as the headline KPIs.
    assert whole["orders_awarded"] == press["orders_awarded"] == 16
    assert whole["median_award_days"] == press["median_award_days"] == 15.0


def _run(page: str, day: dt.date, period: str | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "pages" / page), default_timeout=60)
    at.session_state["shared_as_of"] = day
    if period:
        at.session_state["shared_period"] = period
    at.run()
    assert not at.exception, at.exception
    return at


def test_orders_of_2023_listed_with_the_period_in_every_caption(app_env):
    at = _run("orders.py", TODAY, "2023")
    # The orders list, found by its columns (the providers' tables come after it).
    orders = next(d.value for d in at.dataframe if "sent_on" in d.value.columns)
    assert len(orders) == 10
    assert orders["sent_on"].dt.year.eq(2023).all()
    assert "commune_shown" in orders.columns  # the commune, and who ordered before a merger
    assert "Commandes envoyées en 2023" in [s.value for s in at.subheader]
    captions = [c.value for c in at.caption]
    assert "Envoyés en 2023" in captions and "Attribuées en 2023" in captions
    [button] = [b for b in at.download_button if b.key == "orders_all_xlsx"]
    assert at.query_params["periode"] in ("2023", ["2023"])  # the address carries it


def test_overview_this_year_quotes_the_period(app_env):
    at = _run("overview.py", TODAY, "annee")
    shown = kpi_shown(at)
    with connect_read_only(app_env) as con:
        expected = queries.period_figures(con, TODAY, dt.date(2026, 1, 1), TODAY)
    assert shown["Délai médian"] == f"{expected['median_award_days']:.1f}".replace(".", ",") + (
        "\u00a0jours"
    )
    assert shown["Commandes attribuées"] == str(expected["orders_awarded"])
    assert "Période : cette année (2026, jusqu'au 24/11/2026)" in [c.value for c in at.caption]
