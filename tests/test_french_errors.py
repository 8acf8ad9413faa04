"""Every file-system error a person can cause, said in French with the path and the fix,
never a traceback: from the terminal (`python -m etl`) and from the dashboard.

Real conditions, no monkeypatching: a full disk and a read-only disk are small
tmpfs mounts (skipped, with the reason, where mounting is not allowed), an
unreadable file is read by another user (`setpriv`, when the tests run as root,
since root reads every file).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.errors import explain
from tests.conftest import SAMPLE_DIR
from tests.ingest_files import MONTH_OF_ORDERS

pytestmark = pytest.mark.slow
NOBODY = 65534


@contextlib.contextmanager
def tmpfs(where: Path, size_bytes: int, read_only: bool = False):
    """A real small file system at `where` (a full or read-only disk to order)."""
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size_bytes}" + (",ro" if read_only else "")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"impossible de monter un tmpfs ici : {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def etl(*args: str, user: int | None = None) -> subprocess.CompletedProcess:
    prefix = []
    if user is not None:
        prefix = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "etl", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("CENTRALE_")},
            "PYTHONDONTWRITEBYTECODE": "1",
        },
    )


def french_failure(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def test_a_full_disk_is_said_in_french_and_the_store_is_kept(demo_db, tmp_path):
    size = demo_db.stat().st_size
    with tmpfs(tmp_path / "petit-disque", size + 512 * 1024) as disk:
        store = disk / "centrale.duckdb"
        shutil.copy(demo_db, store)
        before = store.read_bytes()
        done = etl("build", "--sources", str(SAMPLE_DIR), "--db", str(store))
        french_failure(done, "Disque plein", "Libérez de la place")
        assert store.read_bytes() == before
        assert sorted(p.name for p in disk.iterdir() if "tmp" in p.name) == []


def test_a_full_disk_without_a_store_yet(tmp_path):
    with tmpfs(tmp_path / "minuscule", 64 * 1024) as disk:
        done = etl("build", "--sources", str(SAMPLE_DIR), "--db", str(disk / "centrale.duckdb"))
        french_failure(done, "Disque plein", str(disk))


def test_a_read_only_database_folder(tmp_path):
    with tmpfs(tmp_path / "lecture-seule", 1024 * 1024, read_only=True) as disk:
        done = etl("build", "--sources", str(SAMPLE_DIR), "--db", str(disk / "centrale.duckdb"))
        french_failure(done, "lecture seule", str(disk))
        # A missing folder that cannot be created there: the same sentence.
        done = etl("build", "--sources", str(SAMPLE_DIR), "--db", str(disk / "a" / "b.duckdb"))
        french_failure(done, "lecture seule")


def test_a_missing_store_or_sources_folder(tmp_path):
    done = etl("kpis", "--db", str(tmp_path / "absent" / "centrale.duckdb"))
    french_failure(done, "Aucune base de données", "etl build")
    done = etl("build", "--sources", str(tmp_path / "absent"))
    assert done.returncode == 2 and "dossier des sources introuvable" in done.stderr


@pytest.fixture
def shared_tmp():
    """A folder another user can reach (pytest's own temp folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix="centrale-droits-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_an_unreadable_source_file(shared_tmp):
    sources = shared_tmp / "sources"
    shutil.copytree(SAMPLE_DIR, sources, ignore=shutil.ignore_patterns("*.md"))
    sources.chmod(0o755)
    (sources / "orders.xlsx").chmod(0o000)
    out = shared_tmp / "out"
    out.mkdir()
    user = None
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root lit tous les fichiers et setpriv manque pour changer d'utilisateur")
        os.chown(out, NOBODY, NOBODY)
        user = NOBODY
    done = etl("build", "--sources", str(sources), "--db", str(out / "c.duckdb"), user=user)
    french_failure(done, "Accès refusé", "orders.xlsx", "Donnez-lui ces droits")


def test_a_database_folder_without_write_permission(shared_tmp):
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("root écrit partout et setpriv manque pour changer d'utilisateur")
    locked = shared_tmp / "base"
    locked.mkdir()
    locked.chmod(0o555)
    user = NOBODY if os.geteuid() == 0 else None
    done = etl("build", "--sources", str(SAMPLE_DIR), "--db", str(locked / "c.duckdb"), user=user)
    french_failure(done, "Accès refusé", str(locked))


def test_duckdb_errors_are_explained_too(tmp_path):
    try:
        duckdb.connect(str(tmp_path / "absent" / "x.duckdb"), read_only=True)
    except duckdb.IOException as exc:
        message = explain(exc)
    assert message.startswith("Introuvable") and "x.duckdb" in message


def test_the_dashboard_says_a_full_disk_in_french(demo_db, tmp_path, monkeypatch):
    size = demo_db.stat().st_size
    with tmpfs(tmp_path / "petit-disque", size + 512 * 1024) as disk:
        store = disk / "centrale.duckdb"
        shutil.copy(demo_db, store)
        before = store.read_bytes()
        monkeypatch.setenv("CENTRALE_DB", str(store))
        monkeypatch.setenv("CENTRALE_SOURCES", str(tmp_path / "sources"))
        monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
        at = AppTest.from_file(str(REPO_ROOT / "pages" / "data.py"), default_timeout=120)
        at.run()
        at.file_uploader[0].set_value(("commandes-octobre-2026.csv", MONTH_OF_ORDERS, "text/csv"))
        at.run()
        at.button(key="data_apply").click().run()
        assert not at.exception, at.exception
        assert any("Disque plein" in e.value for e in at.error), [e.value for e in at.error]
        assert store.read_bytes() == before
        assert not [p for p in (tmp_path / "sources").iterdir() if p.name.startswith("orders-")]
