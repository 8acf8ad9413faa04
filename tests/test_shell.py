"""The shell (dashboard.py): a missing or outdated store is explained in French."""

import shutil

import duckdb
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT


def run_dashboard(monkeypatch, db, tmp_path):
    monkeypatch.setenv("CENTRALE_DB", str(db))
    monkeypatch.setenv("CENTRALE_SOURCES", str(tmp_path / "sources"))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    return AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60).run()


def test_missing_store_says_how_to_build_it(monkeypatch, tmp_path):
    at = run_dashboard(monkeypatch, tmp_path / "absent.duckdb", tmp_path)
    assert not at.exception
    [error] = at.error
    assert "Base de données absente" in error.value and "make etl" in error.value


def test_store_from_an_older_schema_asks_for_a_rebuild(monkeypatch, tmp_path, demo_db):
    old = tmp_path / "old.duckdb"
    shutil.copy(demo_db, old)
    with duckdb.connect(str(old)) as con:
        con.execute("UPDATE meta SET value = 'ancienne' WHERE key = 'schema_version'")
    at = run_dashboard(monkeypatch, old, tmp_path)
    assert not at.exception
    [error] = at.error
    assert "version antérieure" in error.value


def test_current_store_shows_the_overview(monkeypatch, tmp_path, demo_db):
    at = run_dashboard(monkeypatch, demo_db, tmp_path)
    assert not at.exception
    assert not at.error
    assert "Vue d'ensemble" in [t.value for t in at.title]
