"""A build never silently empties the store: a nearly empty or empty folder is refused
in French (terminal and dashboard), unless the loss is confirmed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.intake import ingest
from centrale.intake.commit import folder_fingerprint
from centrale.storage.build import ShrinkRefused
from tests.conftest import SAMPLE_DIR
from tests.ingest_files import MONTH_OF_ORDERS
from tests.survey_fixtures import tiny_settings


def etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith("CENTRALE_")},
    )


def _count(store: Path, table: str) -> int:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


@pytest.fixture
def store(demo_db, tmp_path) -> Path:
    copy = tmp_path / "store.duckdb"
    shutil.copy(demo_db, copy)
    return copy


def test_a_folder_with_only_the_campaigns_is_refused_and_the_store_kept(store, tmp_path):
    folder = tmp_path / "presque-vide"
    folder.mkdir()
    shutil.copy(SAMPLE_DIR / "campaigns.csv", folder)
    before = store.read_bytes()
    # (--other-folder: the demo built this store; the shrink is what is tested here)
    done = etl("build", "--sources", str(folder), "--db", str(store), "--other-folder")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "Reconstruction refusée" in done.stderr and "--allow-shrink" in done.stderr
    assert "commandes : " in done.stderr and "→ 0 ligne" in done.stderr
    assert store.read_bytes() == before


def test_allow_shrink_accepts_the_loss_when_it_is_wanted(store, tmp_path):
    folder = tmp_path / "presque-vide"
    folder.mkdir()
    shutil.copy(SAMPLE_DIR / "campaigns.csv", folder)
    done = etl(
        "build", "--sources", str(folder), "--db", str(store), "--allow-shrink", "--other-folder"
    )
    assert done.returncode == 0, done.stderr
    assert _count(store, "orders") == 0


def test_an_empty_folder_is_a_french_error(store, tmp_path):
    folder = tmp_path / "vide"
    folder.mkdir()
    before = store.read_bytes()
    done = etl("build", "--sources", str(folder), "--db", str(store))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "ne contient aucun fichier .xlsx ou .csv" in done.stderr
    assert store.read_bytes() == before
    # Without any store yet, the same sentence.
    done = etl("build", "--sources", str(folder), "--db", str(tmp_path / "neuve.duckdb"))
    assert done.returncode == 1 and "aucun fichier" in done.stderr


def test_an_import_that_halves_a_table_is_refused_until_confirmed(tmp_path):
    config = tiny_settings(tmp_path)  # 4 orders
    one_order = (
        "n° de commande;commune;solution;date d'envoi;statut\nT-9;Arlon;AAA;01/06/2024;envoyé\n"
    )
    upload = ingest.receive_upload(config, "orders.csv", one_order.encode(), "orders")
    preview = ingest.preview_upload(config, upload, replaces="orders.csv")
    folder_before = folder_fingerprint(config.sources_dir)
    with pytest.raises(ShrinkRefused) as refused:
        ingest.apply_upload(config, preview, "test")
    assert refused.value.rows == [("commandes", 4, 1)]
    assert folder_fingerprint(config.sources_dir) == folder_before
    ingest.apply_upload(config, preview, "test", allow_shrink=True)
    assert _count(config.db_path, "orders") == 1


def test_the_data_page_asks_for_confirmation_with_the_counts(demo_db, tmp_path, monkeypatch):
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    monkeypatch.setenv("CENTRALE_DB", str(store))
    monkeypatch.setenv("CENTRALE_SOURCES", str(tmp_path / "sources"))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))  # single-user
    orders = _count(store, "orders")
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "data.py"), default_timeout=120)
    at.run()
    at.file_uploader[0].set_value(("commandes-octobre-2026.csv", MONTH_OF_ORDERS, "text/csv"))
    at.run()
    at.radio(key="data_mode").set_value("replace").run()
    at.selectbox(key="data_replaces").set_value("orders.xlsx").run()
    at.button(key="data_apply").click().run()
    assert not at.exception, at.exception
    assert _count(store, "orders") == orders  # nothing changed yet
    shown = at.dataframe[-1].value
    assert list(shown.iloc[0]) == ["commandes", str(orders), "2"]
    at.checkbox(key="data_shrink_confirm").check().run()
    at.button(key="data_shrink_confirm_go").click().run()
    assert not at.exception, at.exception
    assert _count(store, "orders") == 2
