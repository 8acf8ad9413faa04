"""Shared fixtures: real DuckDB stores built from real source files, never mocks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from centrale.config import REPO_ROOT, settings
from centrale.storage.build import build_store, read_reference

SAMPLE_DIR = REPO_ROOT / "data" / "sample"
PRESS_DAY = dt.date(2020, 1, 31)  # the date of the press figures in DOMAIN.md

# Property tests try hypothesis's 100 examples in `make test`, 300 in `make test-all`
# (and CI), which passes --hypothesis-profile=thorough. A test's own @settings wins.
hypothesis_settings.register_profile("thorough", max_examples=300)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every browser test is also `slow` (chromium driving a real server, seconds each),
    except the `smoke` ones: every page once, offline, which `make test` keeps.

    Tiers: `make test` runs `-m "not slow"` (the everyday check, a few minutes);
    `make test-all` and CI run everything. Mark `slow` any test of several seconds.
    """
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("smoke"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def _as_in_a_fresh_clone(tmp_path_factory):
    """No test reads the developer's own store: by default the store's setting points where
    a fresh clone (and CI) has none, so a test that forgets `app_env` fails here as it
    would in CI, instead of passing on a machine that happens to have `data/`. (The sources
    folder is left to its default: CI's run creates it as a clone's first commands do.)"""
    absent = tmp_path_factory.mktemp("fresh-clone")
    with pytest.MonkeyPatch.context() as patch:
        if "CENTRALE_DB" not in os.environ:
            patch.setenv("CENTRALE_DB", str(absent / "centrale.duckdb"))
        yield


@pytest.fixture(scope="session")
def reference_data():
    """Boundaries and mergers, read once for the whole run."""
    return read_reference(settings())


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A store built once from the demo sources (treat as read-only)."""
    path = tmp_path_factory.mktemp("demo") / "centrale.duckdb"
    build_store(settings(), SAMPLE_DIR, path, progress=lambda _: None)
    return path


@pytest.fixture
def sources_copy(tmp_path) -> Path:
    """A writable copy of the demo sources."""
    target = tmp_path / "sources"
    shutil.copytree(SAMPLE_DIR, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture
def app_env(demo_db, monkeypatch, tmp_path):
    """Point the app at the demo store (and a scratch sources folder)."""
    monkeypatch.setenv("CENTRALE_DB", str(demo_db))
    monkeypatch.setenv("CENTRALE_SOURCES", str(tmp_path / "app-sources"))
    # No accounts file: the single-user mode, whatever a developer has locally.
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    return demo_db


@pytest.fixture
def test_settings(tmp_path):
    """Settings whose store and sources live in the test's temporary folder."""
    return dataclasses.replace(
        settings(), db_path=tmp_path / "store.duckdb", sources_dir=tmp_path / "sources"
    )


@pytest.fixture(scope="module")
def con(demo_db):
    """A read-only connection to the demo store (the store's own way of opening it)."""
    from centrale.storage.store import connect_read_only

    connection = connect_read_only(demo_db)
    yield connection
    connection.close()
