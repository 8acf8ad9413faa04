"""`etl backup` / `etl restore`: the sources and the load history survive losing both."""

from __future__ import annotations

import hashlib
import tarfile

import duckdb
import pytest

from centrale.intake.backup import PREFIX, BackupError, restore_backup
from centrale.storage.build import build_store
from etl.__main__ import main as etl_main


def _digests(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def _history(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql("SELECT load_id, action FROM load_log ORDER BY load_id").fetchall()


def _orders(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM orders").fetchone()[0]


def test_backup_then_restore_after_losing_everything(sources_copy, test_settings, tmp_path):
    db = test_settings.db_path
    quiet = {"progress": lambda _: None}
    build_store(test_settings, sources_copy, db, **quiet)
    build_store(test_settings, sources_copy, db, **quiet)  # two loads in the history
    before_files, before_history, before_orders = _digests(sources_copy), _history(db), _orders(db)
    out = tmp_path / "sauvegardes"
    args = ["--sources", str(sources_copy), "--db", str(db)]
    assert etl_main(["backup", *args, "--out", str(out)]) == 0
    (archive,) = out.glob(f"{PREFIX}*.tar.gz")
    assert archive.name[len(PREFIX) :].startswith(tuple("12"))  # dated: AAAAMMJJ-HHMMSS
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "MANIFEST.json" in names and "load-history.duckdb" in names
    assert any(n.startswith("sources/orders") for n in names)

    # The disaster: sources and store gone.
    import shutil

    shutil.rmtree(sources_copy)
    db.unlink()
    assert etl_main(["restore", str(archive), *args]) == 0
    assert _digests(sources_copy) == before_files
    history = _history(db)
    assert history[: len(before_history)] == before_history  # the old loads are back
    assert history[-1][1] == "restore" and len(history) == len(before_history) + 1
    assert _orders(db) == before_orders


def test_restore_keeps_current_sources_aside(sources_copy, test_settings, tmp_path):
    db = test_settings.db_path
    build_store(test_settings, sources_copy, db, progress=lambda _: None)
    out = tmp_path / "b"
    assert (
        etl_main(["backup", "--sources", str(sources_copy), "--db", str(db), "--out", str(out)])
        == 0
    )
    (sources_copy / "notes.txt").write_text("ajouté après la sauvegarde", encoding="utf-8")
    (archive,) = out.glob("*.tar.gz")
    assert etl_main(["restore", str(archive), "--sources", str(sources_copy), "--db", str(db)]) == 0
    assert not (sources_copy / "notes.txt").exists()
    (kept,) = tmp_path.glob("sources.avant-restauration-*")
    assert (kept / "notes.txt").read_text(encoding="utf-8") == "ajouté après la sauvegarde"


def test_damaged_backup_changes_nothing(sources_copy, test_settings, tmp_path):
    db = test_settings.db_path
    build_store(test_settings, sources_copy, db, progress=lambda _: None)
    files, history = _digests(sources_copy), _history(db)
    bad = tmp_path / "centrale-sauvegarde-20260101-000000.tar.gz"
    bad.write_bytes(b"pas une archive")
    with pytest.raises(BackupError, match="archive illisible"):
        restore_backup(bad, sources_copy, db, rebuild=lambda *_: None)
    assert etl_main(["restore", str(bad), "--sources", str(sources_copy), "--db", str(db)]) == 1
    assert _digests(sources_copy) == files and _history(db) == history


def test_an_import_takes_a_private_backup_first_and_old_automatic_ones_go(
    sources_copy, test_settings, tmp_path
):
    import datetime as dt
    import os
    import stat

    from centrale.intake import ingest
    from centrale.intake.backup import AUTO_PREFIX, backups_dir, make_backup
    from tests.ingest_files import MONTH_OF_ORDERS

    build_store(test_settings, sources_copy, test_settings.db_path, progress=lambda _: None)
    out = backups_dir(test_settings)
    assert out == tmp_path / "sauvegardes"  # beside the sources folder by default
    manual = make_backup(sources_copy, test_settings.db_path, out).path
    stale = out / f"{AUTO_PREFIX}20200101-000000.tar.gz"
    stale.write_bytes(b"ancienne")
    old = (dt.datetime.now() - dt.timedelta(days=test_settings.backup_days + 1)).timestamp()
    os.utime(stale, (old, old))
    before = _digests(sources_copy)

    upload = ingest.receive_upload(test_settings, "commandes.csv", MONTH_OF_ORDERS, "orders")
    ingest.apply_upload(test_settings, ingest.preview_upload(test_settings, upload), "marie")
    (auto,) = out.glob(f"{AUTO_PREFIX}*.tar.gz")
    assert auto != stale and not stale.exists() and manual.exists()  # manual ones stay
    for archive in (auto, manual):
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    # The automatic archive holds the folder as it was before the import.
    with tarfile.open(auto) as tar:
        names = {n.removeprefix("sources/") for n in tar.getnames()}
    assert set(before) <= names
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no partial file


def test_a_backup_on_a_full_disk_names_the_archive_and_leaves_nothing(
    sources_copy, test_settings, tmp_path
):
    """Starved for real on a file system: a size-limited file via RLIMIT_FSIZE makes
    the archive's write fail with EFBIG, the way a full small tmpfs does with ENOSPC."""
    import subprocess
    import sys

    from centrale.config import REPO_ROOT

    build_store(test_settings, sources_copy, test_settings.db_path, progress=lambda _: None)
    out = tmp_path / "sauvegardes"
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
        "from etl.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, "backup", "--sources", str(sources_copy)]
        + ["--db", str(test_settings.db_path), "--out", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    assert "disque plein : la sauvegarde « " + str(out / PREFIX) in run.stderr, run.stderr
    assert str(test_settings.db_path) not in run.stderr
    assert list(out.iterdir()) == []  # no partial file, no temporary folder
