"""The data and history pages through AppTest: roles, upload -> preview -> apply, restore."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from centrale.access import auth
from centrale.config import REPO_ROOT
from centrale.sources.discover import list_source_files
from tests.ingest_files import BAD_ORDERS, MONTH_OF_ORDERS
from tests.kpi_cards import cards

DASHBOARD = str(REPO_ROOT / "dashboard.py")
DATA_PAGE = str(REPO_ROOT / "pages" / "data.py")
HISTORY_PAGE = str(REPO_ROOT / "pages" / "history.py")
AS_OF = dt.date(2026, 11, 20)
EDITOR = {"name": "marie", "role": "editor", "method": "local"}
VIEWER = {"name": "paul", "role": "viewer", "method": "local"}


@pytest.fixture(scope="module")
def users_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.toml"
    auth.add_user("marie", "mot-de-passe-editrice", "editor", path)
    auth.add_user("paul", "mot-de-passe-lecteur", "viewer", path)
    return path


@pytest.fixture
def app_store(demo_db, users_file, tmp_path, monkeypatch) -> Path:
    """A writable copy of the demo store, its sources folder, and two accounts."""
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    monkeypatch.setenv("CENTRALE_DB", str(store))
    monkeypatch.setenv("CENTRALE_SOURCES", str(tmp_path / "sources"))
    monkeypatch.setenv("CENTRALE_USERS", str(users_file))
    monkeypatch.delenv("CENTRALE_REQUIRE_LOGIN", raising=False)
    return store


def _page(path: str, user: dict | None) -> AppTest:
    at = AppTest.from_file(path, default_timeout=60)
    at.session_state["shared_as_of"] = AS_OF
    if user:
        at.session_state["auth_user"] = user
    return at


def _loads(store: Path) -> list[tuple[int, str, str]]:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute("SELECT load_id, action, loaded_by FROM load_log ORDER BY 1").fetchall()


def _orders(store: Path) -> int:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute("SELECT count(*) FROM orders").fetchone()[0]


def _folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in list_source_files(folder)} if folder.exists() else {}


def test_viewer_does_not_see_or_reach_the_import_page(app_store):
    viewer = AppTest.from_file(DASHBOARD, default_timeout=60)
    viewer.session_state["auth_user"] = VIEWER
    viewer.run()
    assert not viewer.exception
    assert "paul" in " ".join(m.value for m in viewer.sidebar.markdown)
    # Not registered in the navigation at all: AppTest cannot even switch to it.
    with pytest.raises(ValueError, match="navigation page"):
        viewer.switch_page("pages/data.py")
    viewer.switch_page("pages/history.py").run()
    assert not [b for b in viewer.button if b.label == "Restaurer"]

    editor = AppTest.from_file(DASHBOARD, default_timeout=60)
    editor.session_state["auth_user"] = EDITOR
    editor.session_state["shared_as_of"] = AS_OF
    editor.run()
    editor.switch_page("pages/data.py").run()
    assert not editor.exception
    assert len(editor.file_uploader) == 1


def test_viewer_running_the_page_script_cannot_write(app_store):
    before = app_store.read_bytes()
    at = _page(DATA_PAGE, VIEWER).run()
    assert "réservé aux éditeurs" in at.warning[0].value
    assert len(at.file_uploader) == 0 and not [b for b in at.button if b.label == "Appliquer"]
    anonymous = _page(DATA_PAGE, None).run()
    assert len(anonymous.file_uploader) == 0
    assert app_store.read_bytes() == before


def test_editor_uploads_previews_and_applies_a_month_of_orders(app_store, tmp_path):
    loads_before, orders_before = _loads(app_store), _orders(app_store)
    at = _page(DATA_PAGE, EDITOR).run()
    files_before = list_source_files(tmp_path / "sources")  # the page copies the demo in
    at.file_uploader[0].set_value(("commandes-octobre-2026.csv", MONTH_OF_ORDERS, "text/csv"))
    at.run()
    assert not at.exception and not at.error
    assert "est valide" in at.success[0].value
    # Found by its columns: warnings (e.g. orders without their offers) may come before it.
    summary = next(d.value for d in at.dataframe if "Table" in d.value.columns)
    orders_line = summary[summary["Table"] == "Commandes"].iloc[0]
    assert (orders_line["Lignes ajoutées"], orders_line["Lignes supprimées"]) == (2, 0)
    # Nothing written before "Appliquer".
    assert _loads(app_store) == loads_before
    assert list_source_files(tmp_path / "sources") == files_before

    at.button(key="data_apply").click().run()
    assert not at.exception and not at.error
    assert "est chargé" in at.success[0].value
    metrics = {c.label: c for c in cards(at)}
    assert metrics["Bons de commande envoyés"].delta == "2"
    assert _orders(app_store) == orders_before + 2
    loads = _loads(app_store)
    assert len(loads) == len(loads_before) + 1 and loads[-1][1:] == ("import", "marie")
    stored = [p for p in list_source_files(tmp_path / "sources") if p.name.startswith("orders-")]
    assert len(stored) == 1 and stored[0].read_bytes() == MONTH_OF_ORDERS
    # The uploader was emptied: the page is ready for the next file.
    assert at.file_uploader[0].value is None


def test_invalid_file_lists_every_error_and_changes_nothing(app_store, tmp_path):
    at = _page(DATA_PAGE, EDITOR).run()
    store_before = app_store.read_bytes()
    folder_before = _folder_state(tmp_path / "sources")
    at.file_uploader[0].set_value(("commandes-erreurs.csv", BAD_ORDERS, "text/csv"))
    at.run()
    assert not at.exception
    assert "(3 erreurs) dans 1 fichier" in at.error[0].value.replace("\\", "")
    problems = at.dataframe[1].value
    assert set(problems.columns) >= {"Fichier", "Ligne", "Colonne", "Valeur", "Problème"}
    bertrixx = problems[problems["Valeur"] == "Bertrixx"].iloc[0]
    assert bertrixx["Ligne"] == 2 and "Bertrix" in bertrixx["Problème"]
    assert set(problems["Ligne"]) == {2, 3}
    assert [d.label for d in at.get("download_button")] == [
        "Télécharger la liste des erreurs (Excel)"
    ]
    assert not [b for b in at.button if b.label == "Appliquer"]
    assert app_store.read_bytes() == store_before
    assert _folder_state(tmp_path / "sources") == folder_before


def test_restore_an_earlier_load_from_the_history_page(app_store, tmp_path):
    at = _page(DATA_PAGE, EDITOR).run()
    at.file_uploader[0].set_value(("commandes-octobre-2026.csv", MONTH_OF_ORDERS, "text/csv"))
    at.run()
    at.button(key="data_apply").click().run()
    first_load = _loads(app_store)[0][0]
    orders_then = _orders(app_store) - 2

    history = _page(HISTORY_PAGE, EDITOR).run()
    assert not history.exception
    history.selectbox(key="history_load").set_value(first_load).run()
    restore = history.button(key="history_restore")
    assert restore.disabled  # nothing happens before the confirmation
    history.checkbox[0].check().run()
    history.button(key="history_restore").click().run()
    assert not history.exception and not history.error
    assert f"chargement n° {first_load} restaurées" in history.success[0].value
    assert not history.checkbox[0].value  # the confirmation does not carry over
    assert _orders(app_store) == orders_then
    loads = _loads(app_store)
    assert loads[-1][1:] == ("restore", "marie")
    assert not [p for p in list_source_files(tmp_path / "sources") if p.name.startswith("orders-")]
    table = history.dataframe[0].value
    assert "retour aux données du chargement n° 1" in table.iloc[0]["Détail"]
    # A table cell shows the file name as sent, without Markdown escapes (once
    # « commandes\-octobre\-2026\.csv »).
    assert "fichier envoyé « commandes-octobre-2026.csv »" in table.iloc[1]["Détail"]


def test_viewer_sees_the_history_without_the_restore_action(app_store):
    at = _page(HISTORY_PAGE, VIEWER).run()
    assert not at.exception
    assert len(at.dataframe[0].value) >= 1
    assert not [b for b in at.button if b.label == "Restaurer"]
    assert not at.checkbox


def test_sign_in_is_required_when_the_setting_says_so(app_store, monkeypatch):
    monkeypatch.setenv("CENTRALE_REQUIRE_LOGIN", "1")
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Connexion"
    assert not cards(at) and not at.get("plotly_chart")
    at.text_input(key="auth_name_page").input("marie")
    at.text_input(key="auth_password_page").input("mot-de-passe-editrice")
    at.button[0].click().run()
    assert at.session_state["auth_user"]["name"] == "marie"
    at.switch_page("pages/data.py").run()
    assert len(at.file_uploader) == 1


def test_without_accounts_the_laptop_user_is_editor_and_told_so(app_store, tmp_path, monkeypatch):
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception
    assert "Mode poste unique" in " ".join(c.value for c in at.sidebar.caption)
    at.switch_page("pages/data.py").run()
    assert len(at.file_uploader) == 1


def test_a_preview_made_stale_by_another_editor_is_refused_once_then_refreshed(app_store, tmp_path):
    """Two editors: paul's import lands while marie looks at her preview. Her
    « Appliquer » is refused once, with the reason; the preview is made again on the
    current data from the file she already sent, and her second click applies it."""
    from centrale.config import settings
    from centrale.intake import ingest

    marie = _page(DATA_PAGE, EDITOR).run()
    marie.file_uploader[0].set_value(("commandes-octobre-2026.csv", MONTH_OF_ORDERS, "text/csv"))
    marie.run()
    assert "est valide" in marie.success[0].value
    loads_before = len(_loads(app_store))

    # The other editor's import, through the same core function the page calls.
    config = settings()
    other = MONTH_OF_ORDERS.replace(b"CA-2026-1", b"CA-2026-9")
    upload = ingest.receive_upload(config, "commandes-septembre.csv", other, "orders")
    ingest.apply_upload(config, ingest.preview_upload(config, upload), "paul")
    assert len(_loads(app_store)) == loads_before + 1

    marie.button(key="data_apply").click().run()
    assert not marie.exception and not marie.error
    assert any("Un autre chargement a eu lieu" in w.value for w in marie.warning)
    assert "est valide" in marie.success[0].value  # the preview, made again
    assert len(_loads(app_store)) == loads_before + 1  # nothing applied
    marie.button(key="data_apply").click().run()
    assert not marie.exception and not marie.error
    assert "est chargé" in marie.success[0].value
    assert not any("Un autre chargement" in w.value for w in marie.warning)
    assert _loads(app_store)[-1][1:] == ("import", "marie")
