"""The tables' Styler, rendered by us for speed, reaches the browser exactly as pandas'
own Styler would have: same display texts, same highlighted cells, same sort values."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData

from centrale import fmt
from centrale.datasets import queries
from centrale.domain import OrderStatus
from centrale.storage.store import connect_read_only, cursor_on
from ui import components as ui
from ui.components import Col


def pandas_styler(frame: pd.DataFrame, columns, highlight=None):
    """What `table_styler` was before (pandas' format and apply): the reference."""
    view = ui._with_flags_as_text(frame, columns).reset_index(drop=True)
    styler = view.style.format(
        {c.name: ui._formatter(c) for c in columns if c.kind != "flag"}, na_rep=fmt.MISSING
    )
    if highlight is not None:
        flags = [bool(f) for f in highlight]
        styler = styler.apply(
            lambda row: [ui.LATE_ROW_STYLE if flags[row.name] else ""] * len(row), axis=1
        )
    return styler


def marshalled(styler) -> bytes:
    """What Streamlit sends the browser for `st.dataframe(styler)` (uuid fixed)."""
    styler.set_uuid("t")
    proto = ArrowData()
    marshall_styler(proto, styler, "t")
    proto.data = dataframe_util.convert_anything_to_arrow_bytes(styler)
    return proto.SerializeToString()


def assert_same(frame, columns, highlight=None):
    ours = marshalled(ui.table_styler(frame, columns, highlight))
    assert ours == marshalled(pandas_styler(frame, columns, highlight))


EVERY_KIND = pd.DataFrame(
    {
        "name": ["Arlon", None, "Bertogne–Bastogne <b>", "d'Aubange"],
        "code": [2019, 2020, None, 2022],  # a number in a text column
        "day": [dt.date(2023, 7, 19), None, dt.date(2020, 2, 29), dt.date(2026, 11, 24)],
        "stamp": pd.to_datetime(["2023-07-19", None, "2020-02-29", "2026-11-24"]),
        "amount": [44032.81, None, 0.0, 1234567.5],
        "population": pd.array([28000, None, 1500, 3], dtype="Int64"),
        "lead": [3.0, None, 21.5, 0.0],
        "share": [0.215, None, 1.0, 0.0],
        "ratio": [1.0, 2.345, None, -0.5],
        "taken": [True, False, None, True],
        "status": [OrderStatus.AWARDED.value, OrderStatus.SENT.value, None, "Attribuée"],
    }
)
EVERY_COLUMN = [
    Col("name", "Commune"),
    Col("code", "Code"),
    Col("day", "Le", "date"),
    Col("stamp", "Horodatage", "date"),
    Col("amount", "Montant", "money"),
    Col("amount", "Montant arrondi", "money0"),
    Col("population", "Population", "int"),
    Col("lead", "Délai", "days"),
    Col("lead", "Délai précis", "days1"),
    Col("share", "Part", "percent"),
    Col("ratio", "Rapport", "decimal"),
    Col("taken", "Prise", "flag", flag_text="✔ commandée"),
    Col("status", "Statut", "order_status"),
]


@pytest.mark.parametrize(
    "highlight", [None, [False] * 4, [True, False, False, True], [True] * 4], ids=str
)
def test_every_kind_of_column_reaches_the_browser_as_pandas_would_send_it(highlight):
    # Columns of the same name twice (money and money0) would clash in a frame: one each.
    for pair in (EVERY_COLUMN[:5] + EVERY_COLUMN[6:8], EVERY_COLUMN[8:] + [EVERY_COLUMN[5]]):
        assert_same(EVERY_KIND, pair, highlight)


def test_a_frame_with_another_index_and_an_empty_one():
    frame = EVERY_KIND.set_index(pd.Index([10, 3, 7, 1]))
    assert_same(frame, EVERY_COLUMN[:4], [False, True, False, False])
    assert_same(EVERY_KIND.head(0), EVERY_COLUMN[:4])


def test_the_store_s_tables_reach_the_browser_as_pandas_would_send_them(demo_db):
    day = dt.date(2026, 6, 30)
    with connect_read_only(demo_db) as con:
        cursor = cursor_on(con)
        status = queries.commune_status(cursor, day)
        orders = queries.orders_table(cursor, day)
        uptake = queries.peer_uptake(cursor, "84009", day)
    assert len(status) > 40 and len(orders) > 40  # real tables, not toys
    assert_same(orders, ui.orders_excel_columns(), list(orders["lead_days"].fillna(0) > 20))
    assert_same(
        status,
        [Col(c, c) for c in status.columns],
        list(status["nis_code"].str.endswith("1")),
    )
    assert_same(
        uptake,
        [
            Col("solution", "Solution"),
            Col("taken", "Arlon", "flag"),
            Col("similar_share", "Semblables", "percent"),
            Col("similar_names", "Semblables qui l'ont"),
        ],
    )
