"""What every session shares under load (bench/load.py): a table drawn once per content and
replayed, the store's reads kept once and handed out as copies each caller may change, a
read that several loads are made of computed once. Against the demo store, in AppTest
sessions (Streamlit's own caches, no mock)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit.runtime.caching.cache_metrics import get_cache_metrics
from streamlit.testing.v1 import AppTest

from centrale import fmt
from centrale.cached import step
from centrale.datasets import queries, survey
from tests.conftest import PRESS_DAY
from ui.data import load

LATE_2026 = dt.date(2026, 11, 24)  # seven surveys known


def lookups(function: str) -> dict[str, int]:
    """Hits and misses so far of one cached function (`module.name`), as Streamlit counts
    them for /_stcore/metrics."""
    counts = {"hit": 0, "miss": 0}
    for stat in get_cache_metrics().get_stats(["cache_lookups"]).get("cache_lookups", []):
        if stat.labels["cache"].endswith(function):
            counts[stat.labels["result"]] += int(stat.value)
    return counts


def since(before: dict, function: str) -> dict[str, int]:
    now = lookups(function)
    return {k: now[k] - before[k] for k in now}


def table_page(amount: float) -> None:
    """A page with a table inside a tab, as the survey page draws them."""
    import pandas as pd
    import streamlit as st

    from ui import components as ui

    frame = pd.DataFrame(
        {"commune": ["Arlon", "Bastogne", "Habay"], "amount": [1234.5, amount, None]}
    )
    columns = [ui.Col("commune", "Commune"), ui.Col("amount", "Montant", "money")]
    first, second = st.tabs(["Un", "Deux"])
    with first:
        st.write("avant")
    with second:
        ui.styled_table(frame, columns, highlight=[False, True, False])
        st.write("après")


def drawn(amount: float) -> tuple[AppTest, dict]:
    """One new session opening `table_page`: the table's parts as the browser gets them."""
    at = AppTest.from_function(table_page, args=(amount,), default_timeout=60).run()
    assert not at.exception, at.exception
    (grid,) = at.get("dataframe")
    paper = [h.proto.body for h in at.get("html")]
    return at, {
        "arrow": grid.proto.arrow_data.data,
        "styler": grid.proto.arrow_data.styler.SerializeToString(),
        "columns": grid.proto.columns,
        "paper": paper,
    }


def test_a_table_is_drawn_once_then_replayed_where_it_stands():
    st.cache_resource.clear()
    before = lookups("ui.components._drawn_table")
    first_at, first = drawn(44032.81)
    assert since(before, "ui.components._drawn_table") == {"hit": 0, "miss": 1}
    before = lookups("ui.components._drawn_table")
    second_at, second = drawn(44032.81)
    assert since(before, "ui.components._drawn_table") == {"hit": 1, "miss": 0}
    assert first == second  # the same grid, display texts, highlight and paper copy
    shown = fmt.money(44032.81)
    assert shown in first["paper"][0] and shown.encode() in first["styler"]
    # Replayed in its tab, between what the page draws around it there.
    tab = second_at.tabs[1]
    assert [type(e).__name__ for e in tab.children.values()][:1] == ["Dataframe"]
    assert tab.markdown[-1].value == "après"
    assert len(second_at.tabs[0].get("dataframe")) == 0


def test_another_content_is_another_drawing():
    st.cache_resource.clear()
    _, first = drawn(44032.81)
    before = lookups("ui.components._drawn_table")
    _, other = drawn(44032.82)
    assert since(before, "ui.components._drawn_table") == {"hit": 0, "miss": 1}
    assert fmt.money(44032.82) in other["paper"][0]
    assert other["styler"] != first["styler"] and other["arrow"] != first["arrow"]


def test_a_read_is_shared_yet_each_caller_may_change_its_copy(app_env):
    status = load(queries.commune_status, PRESS_DAY)
    kept = status.copy(deep=True)
    status["name_fr"] = "changé"
    status.loc[status.index[0], "nis_code"] = "00000"
    status.columns = [f"x{i}" for i in range(status.shape[1])]
    again = load(queries.commune_status, PRESS_DAY)
    pd.testing.assert_frame_equal(again, kept)
    assert again is not load(queries.commune_status, PRESS_DAY)


def test_a_read_several_loads_share_is_computed_once(app_env):
    st.cache_resource.clear()
    day, year = LATE_2026, LATE_2026.year
    answers = step(survey.survey_answers_at, day)
    before = lookups("ui.data._run")
    ranked = load(survey.rank_needs, answers, year)
    trends = load(survey.year_on_year, answers, year)
    # Two loads and the answers they are both made of; the answers were asked twice.
    assert since(before, "ui.data._run") == {"miss": 3, "hit": 1}
    assert len(ranked) and len(trends)
    before = lookups("ui.data._run")
    load(survey.rank_needs, answers, year)
    assert since(before, "ui.data._run") == {"miss": 0, "hit": 1}
