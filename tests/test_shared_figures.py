"""Figures built once and shared (ui.data.figure), the paper copy of tables, the last load:
against real stores built from the demo sources, rebuilt as the ETL does."""

from __future__ import annotations

import gc
import json

import pytest
import streamlit as st
from streamlit.runtime.caching.cache_metrics import get_cache_metrics
from streamlit.testing.v1 import AppTest

from centrale import domain, fmt
from centrale.config import REPO_ROOT, settings
from centrale.datasets import queries
from centrale.render import charts, mapfig
from centrale.storage import loads
from centrale.storage.build import build_store
from tests.conftest import PRESS_DAY
from ui.components import Col, display_texts, print_html
from ui.data import figure, load, store_version

MAP_PAGE = str(REPO_ROOT / "pages" / "map.py")
DASHBOARD = str(REPO_ROOT / "dashboard.py")
# Manhay (83055) had not adhered on the press day: one more member once this line is in.
NEW_MEMBER = "83055;15/01/2020;\r\n"


@pytest.fixture
def store(tmp_path, sources_copy, monkeypatch):
    """A store of the test's own, which the test may rebuild from `sources_copy`."""
    db = tmp_path / "store.duckdb"
    build_store(settings(), sources_copy, db, progress=lambda _: None)
    monkeypatch.setenv("CENTRALE_DB", str(db))
    monkeypatch.setenv("CENTRALE_SOURCES", str(sources_copy))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    return sources_copy, db


def rebuild(sources, db) -> None:
    build_store(settings(), sources, db, progress=lambda _: None)


def adhesion_map():
    """The adhesion map of the press day, from the store's current (cached) reads."""
    status = load(queries.commune_status, PRESS_DAY)
    shapes = load(queries.commune_shapes, PRESS_DAY)
    return figure(mapfig.metric_map, status, shapes, "adhesion")


def status_name(name: str) -> str:
    """A status trace's legend name without the mark it shows (domain.MARK_SIGNS)."""
    return name.lstrip("".join(domain.MARK_SIGNS.values()) + " ")


def legend(fig) -> list[str]:
    """The statuses of a map's legend (the traces drawing the marks left out)."""
    return [status_name(t.name) for t in fig.data if not t.name.startswith("marque")]


def run_map() -> dict:
    """One new session opening the map on the press day: the figure it was sent."""
    at = AppTest.from_file(MAP_PAGE, default_timeout=60)
    at.session_state["shared_as_of"] = PRESS_DAY
    at.run()
    assert not at.exception, at.exception
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def lookups(function: str) -> dict[str, int]:
    """Hits and misses so far of one cached function of ui.data: the counters Streamlit
    serves on /_stcore/metrics (`cache_lookups`)."""
    counts = {"hit": 0, "miss": 0}
    for stat in get_cache_metrics().get_stats(["cache_lookups"]).get("cache_lookups", []):
        if stat.labels["cache"].endswith(f"ui.data.{function}"):
            counts[stat.labels["result"]] += int(stat.value)
    return counts


def new_lookups(before: dict, function: str) -> dict[str, int]:
    now = lookups(function)
    return {k: now[k] - before[k] for k in now}


def test_equal_data_give_the_same_figure_object(store):
    status = load(queries.commune_status, PRESS_DAY)
    assert load(queries.commune_status, PRESS_DAY) is not status  # reads are copies...
    first = adhesion_map()
    assert adhesion_map() is first  # ...yet the figure is built once and handed to all
    assert legend(first) == ["adhérente (23)", "non adhérente (21), sans marque"]
    curve = load(queries.adhesion_curve, PRESS_DAY)
    assert figure(charts.adhesion_curve, curve, PRESS_DAY) is figure(
        charts.adhesion_curve, curve.copy(), PRESS_DAY
    )
    # Other arguments, another figure.
    assert figure(charts.adhesion_curve, curve, None) is not figure(
        charts.adhesion_curve, curve, PRESS_DAY
    )


def test_sessions_are_sent_the_shared_figure(store):
    st.cache_resource.clear()  # whatever earlier tests drew: the first session builds
    before = lookups("_figure")
    first = run_map()
    assert new_lookups(before, "_figure") == {"hit": 0, "miss": 1}  # built by the first
    before = lookups("_figure")
    second = run_map()
    assert new_lookups(before, "_figure") == {"hit": 1, "miss": 0}  # reused by the next
    assert first == second
    shared = json.loads(adhesion_map().to_json())
    assert [t["name"] for t in first["data"]] == [t["name"] for t in shared["data"]]
    assert first["data"][0]["locations"] == shared["data"][0]["locations"]


def test_a_rebuild_that_changes_the_data_draws_a_new_figure(store):
    sources, db = store
    before = adhesion_map()
    assert status_name(run_map()["data"][0]["name"]) == "adhérente (23)"
    with (sources / "adhesions.csv").open("a", encoding="cp1252") as out:
        out.write(NEW_MEMBER)
    rebuild(sources, db)
    after = adhesion_map()
    assert after is not before
    assert legend(after) == ["adhérente (24)", "non adhérente (20), sans marque"]
    assert legend(before) == ["adhérente (23)", "non adhérente (21), sans marque"]  # untouched
    assert (
        status_name(run_map()["data"][0]["name"]) == "adhérente (24)"
    )  # a new session sees it too


def test_a_rebuild_with_the_same_data_reuses_the_figure(store):
    sources, db = store
    version = store_version()
    before = adhesion_map()
    rebuild(sources, db)
    assert store_version() != version  # a new store file...
    assert adhesion_map() is before  # ...with the same communes: nothing to redraw


def test_warm_up_leaves_nothing_for_the_first_visitor_to_compute(store):
    """After the server's warm-up, a first visitor's overview (through the shell, today,
    default filters) reads every figure and every store read from the shared caches; what
    start-up made is out of the cyclic collector's reach (a full collection is ~85 ms)."""
    from ui import warmup

    try:
        warmup._warm()
        assert gc.get_freeze_count() > 50_000
    finally:
        warmup.thaw()
    assert gc.get_freeze_count() == 0
    figures, reads = lookups("_figure"), lookups("_run")
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) >= 4
    assert new_lookups(figures, "_figure")["miss"] == 0
    assert new_lookups(reads, "_run")["miss"] == 0
    assert new_lookups(reads, "_run")["hit"] > 10


def test_a_lambda_argument_is_refused(store):
    status = load(queries.commune_status, PRESS_DAY)
    shapes = load(queries.commune_shapes, PRESS_DAY)
    with pytest.raises(Exception, match="lambda"):
        figure(mapfig.value_map, status, shapes, "population", "Pop.", formatter=lambda v: v)


def test_newest_load_names_the_files_of_the_newest_load(store):
    sources, db = store
    last = load(loads.newest_load)
    log = load(loads.load_log)
    assert last["loaded_at"] == log["loaded_at"].iloc[0]
    expected = sorted(p.name for p in sources.iterdir() if p.suffix in (".csv", ".xlsx"))
    assert list(last["files"]) == expected
    assert last["load_id"] == log["load_id"].iloc[0]
    (sources / "events.xlsx").unlink()
    rebuild(sources, db)
    newer = load(loads.newest_load)
    assert newer["loaded_at"] > last["loaded_at"]
    assert "events.xlsx" not in newer["files"] and len(newer["files"]) == len(expected) - 1


def test_paper_copy_escapes_and_formats_every_cell():
    import datetime as dt

    import pandas as pd

    frame = pd.DataFrame(
        {
            "name": ["<img src=x onerror=alert(1)>", "Saint-Hubert", None],
            "amount": [1234.5, None, 0.0],
            "day": [dt.date(2026, 11, 24), None, dt.date(2020, 1, 31)],
            "late": [True, False, None],
        }
    )
    columns = [
        Col("name", "Commune <b>"),
        Col("amount", "Montant", "money"),
        Col("day", "Date", "date"),
        Col("late", "Retard", "flag", flag_text="en retard"),
    ]
    texts = display_texts(frame, columns)
    assert texts["amount"][0] == fmt.money(1234.5)
    assert texts["day"] == ["24/11/2026", fmt.MISSING, "31/01/2020"]
    assert texts["late"] == ["en retard", "", ""]
    assert texts["name"][2] == fmt.MISSING
    page = print_html(texts, columns, rows=2)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<th>Commune &lt;b&gt;</th>" in page
    assert page.count("<tr>") == 3  # the header and the two rows asked for
    assert fmt.money(1234.5) in page and "31/01/2020" not in page
