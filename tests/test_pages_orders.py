"""The "Commandes et prestataires" page through AppTest, on the demo store."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.datasets import queries
from centrale.domain import ORDER_STATUS_LABELS, OrderStatus
from centrale.storage.store import connect_read_only
from tests.conftest import PRESS_DAY
from tests.kpi_cards import shown
from tests.plotly_spec import figures
from ui.components import Col, excel_bytes, with_orderer

PAGE = str(REPO_ROOT / "pages" / "orders.py")
SAMPLE_TODAY = dt.date(2026, 11, 24)  # the last day the demo data speaks of


def run_page(day: dt.date, solutions=None, metric: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["shared_as_of"] = day
    if solutions:
        at.session_state["shared_solutions"] = list(solutions)
    if metric:
        at.session_state["orders_provider_metric"] = metric
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return shown(at)


def test_press_day_lists_every_order_sent(app_env):
    at = run_page(PRESS_DAY)
    # The first three tables; the head-to-head of the offers follows (test_pages_worth).
    pending, providers, orders = (d.value for d in list(at.dataframe)[:3])
    assert len(orders) == 17  # 16 awarded + Paliseul's e-guichet, sent 20/01/2020
    # The statuses in words, as on the commune page (one label per status).
    assert (orders["status"] == ORDER_STATUS_LABELS[OrderStatus.AWARDED]).sum() == 16
    assert list(pending["order_id"]) == ["CA-2020-001"]
    assert list(pending["days_pending"]) == [11]
    assert metrics(at) == {
        "Bons de commande envoyés": "17",
        "Commandes attribuées": "16",
        "Délai médian": "15,0\xa0jours",
        "En cours d'attribution": "1",
        # 1 of the 16 awards took more than 20 days (94 % within 20); none waits now.
        "En retard (plus de 20 jours)": "1",
    }
    assert not at.warning
    # One Excel download per table (3, then the 3 tables of the offers' head-to-head).
    assert [b.label for b in at.download_button] == ["Télécharger en Excel"] * (3 + 3)


def test_press_day_matches_the_store(app_env):
    with connect_read_only(app_env) as con:
        expected = queries.kpis(con, PRESS_DAY)
    orders = run_page(PRESS_DAY).dataframe[2].value
    assert len(orders) == expected["orders_sent"] == 17


def test_late_pending_order_is_highlighted_today(app_env):
    at = run_page(SAMPLE_TODAY)
    pending = at.dataframe[0]
    shown = pending.value
    assert list(shown["commune_shown"]) == ["Nassogne", "Léglise", "Bertrix"]
    assert list(shown["late"]) == ["⚠ en retard", "", ""]  # said in words, not only colour
    styles = pending.proto.arrow_data.styler.styles
    assert "row0" in styles and "#FBE3D6" in styles
    assert "row1" not in styles and "row2" not in styles
    # Since the opening, 4 orders broke the 20-day promise; 1 of them still waits.
    assert metrics(at)["En retard (plus de 20 jours)"] == "4"
    assert any("dont 1 toujours en attente" in c.value for c in at.caption)
    assert "1 commande en attente depuis plus de 20 jours" in at.warning[0].value


def test_lead_time_chart_has_the_20_day_line(app_env):
    shown = figures(run_page(PRESS_DAY))
    (lead,) = [f for t, f in shown.items() if t.startswith("Délai d'attribution")]
    assert lead["layout"]["shapes"][0]["x0"] == 20.5
    assert sum(lead["data"][0]["y"]) == 16
    assert "15 sur 16" in lead["layout"]["title"]["text"]


def test_providers_side_by_side_per_solution(app_env):
    shown = figures(run_page(PRESS_DAY, metric="amount_eur"))
    (providers,) = [f for t, f in shown.items() if t.startswith("Prestataires par solution")]
    solutions, names = providers["data"][0]["y"]
    pairs = set(zip(solutions, names))
    travaux = "Service travaux et signalement des incivilités"
    assert {(travaux, "Betterstreet"), (travaux, "Voirie Active SRL")} <= pairs
    assert "montant attribué" in providers["layout"]["title"]["text"]


def test_solution_filter_limits_every_table(app_env):
    at = run_page(PRESS_DAY, solutions=["REPAS"])
    # No pending REPAS order on that day: the pending table gives way to a message.
    providers, orders = (d.value for d in list(at.dataframe)[:2])
    assert set(orders["solution"]) == {"Repas scolaires et accueil extrascolaire"}
    assert len(orders) == 4
    assert set(providers["solution"]) == {"Repas scolaires et accueil extrascolaire"}
    assert (
        "Aucune commande envoyée depuis l'ouverture (01/01/2019) n'est en cours d'attribution."
        in [i.value for i in at.info]
    )


def test_before_the_first_order_explains_in_french(app_env):
    at = run_page(dt.date(2019, 1, 5))
    infos = [i.value for i in at.info]
    assert "Aucune commande envoyée depuis l'ouverture (01/01/2019)." in infos
    assert "Aucune commande attribuée depuis l'ouverture (01/01/2019)." in infos
    assert not at.get("plotly_chart")
    assert "Aucune offre comparée à cette date." in infos
    assert not [d for d in at.dataframe if "order_id" in d.value.columns]


def test_excel_export_has_french_headers_real_dates_and_flags(app_env):
    with connect_read_only(app_env) as con:
        pending = queries.pending_orders(con, SAMPLE_TODAY)
    columns = [
        Col("order_id", "N° de commande"),
        Col("sent_on", "Envoi du bon de commande", "date"),
        Col("late", "Au-delà de 20 jours", "flag", flag_text="⚠ en retard"),
        Col("amount_eur", "Montant HTVA", "money"),
    ]
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes(pending, columns, "En attente")))
    sheet = book["En attente"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("N° de commande", "Envoi du bon de commande", "Au-delà de 20 jours",
                       "Montant HTVA")  # fmt: skip
    assert rows[1][0] == "CA-2026-008" and rows[1][2] == "⚠ en retard"
    assert rows[1][1] == dt.datetime(2026, 10, 16)  # a real date, not text
    assert sheet["B2"].number_format == "DD/MM/YYYY"
    assert isinstance(rows[1][3], float) and "€" in sheet["D2"].number_format


def test_a_huge_table_shows_its_first_rows_and_says_so():
    """At scale (a million orders) the screen shows the first rows; Excel has them all."""
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        from ui.components import Col, show_table

        frame = pd.DataFrame({"order_id": [f"C-{i}" for i in range(5000)]})
        show_table(
            frame,
            [Col("order_id", "N° de commande")],
            key="big",
            file_name="big",
            sheet="Commandes",
            empty_message="vide",
        )

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert any("2\u00a0000 premières lignes sur 5\u00a0000" in c.value for c in at.caption)
    [table] = at.dataframe
    assert len(table.value) == 2000


def test_merged_commune_orders_keep_who_ordered_them(app_env):
    """Bertogne's orders count for Bastogne after the 2024 merger, but the table and its
    Excel file say Bertogne sent them ("Commandée par")."""
    with connect_read_only(app_env) as con:
        orders = queries.orders_table(con, SAMPLE_TODAY)
    bertogne = orders[orders["ordered_by"] == "Bertogne"]
    assert len(bertogne) > 0 and set(bertogne["commune"]) == {"Bastogne"}
    columns = [Col("order_id", "N° de commande"), Col("commune", "Commune")]
    columns.append(Col("ordered_by", "Commandée par"))
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(bertogne, columns, "Commandes")))
    rows = list(sheet["Commandes"].iter_rows(values_only=True))
    assert rows[0] == ("N° de commande", "Commune", "Commandée par")
    assert {r[1:] for r in rows[1:]} == {("Bastogne", "Bertogne")}
    # On screen one column says both (ten columns must fit a laptop screen).
    assert set(with_orderer(bertogne)["commune_shown"]) == {"Bastogne (par Bertogne)"}
    tables = run_page(SAMPLE_TODAY).dataframe
    shown = [d.value for d in tables if "days_pending" in d.value.columns][-1]
    assert "Bastogne (par Bertogne)" in set(shown["commune_shown"])
