"""A load from the dashboard killed (SIGKILL, real process) at every step of its work:
afterwards the store and the sources folder agree, and the load happened whole or
not at all (centrale/intake/commit.py)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from centrale.config import REPO_ROOT, settings
from centrale.intake import ingest
from centrale.intake.backup import AUTO_PREFIX, auto_backup
from centrale.intake.commit import (
    STAGING_PREFIX,
    folder_fingerprint,
    mismatch,
    settle_interrupted,
    store_fingerprint,
)
from centrale.storage.build import build_store
from tests.survey_fixtures import ORDERS, write_sources

pytestmark = pytest.mark.slow

NEW_ORDERS = (ORDERS + "T-5;Bertrix;AAA;01/10/2024;envoyé\n").encode()

# Runs one load in a child process. An audit hook counts every change the process
# makes to the test's folder (files opened for writing, renames, removals, new
# folders; not the no-ops such as creating a folder that exists) and kills the
# process with SIGKILL just before the N-th one; with N = 0 it only lists them.
CHILD = r"""
import dataclasses, datetime as dt, errno, os, signal, sys
from pathlib import Path
from centrale.config import settings
from centrale.intake import ingest
from centrale.intake import survey_entry as se

root, operation, kill_at = Path(sys.argv[1]).resolve(), sys.argv[2], int(sys.argv[3])
# "operation:starve": the N-th change fails with ENOSPC (a full disk) instead of a kill.
operation, _, mode = operation.partition(":")
config = dataclasses.replace(
    settings(), db_path=root / "store.duckdb", sources_dir=root / "sources"
)
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
steps = 0

def inside(path):
    try:
        return Path(os.fsdecode(path)).resolve().is_relative_to(root)
    except (TypeError, ValueError):
        return False

def hook(event, args):
    global steps
    if event == "open":
        changes = args[1] is not None and any(c in str(args[1]) for c in "wax+")
        changes = changes or (isinstance(args[2], int) and args[2] & WRITE_FLAGS)
    else:
        changes = event in ("os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.chmod",
                            "shutil.rmtree", "os.truncate")
    if changes and event == "os.mkdir" and os.path.isdir(args[0]):
        changes = False
    if changes and event == "os.remove" and not os.path.lexists(args[0]):
        changes = False
    if changes and inside(args[0]):
        steps += 1
        if steps == kill_at and mode == "starve":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fsdecode(args[0]))
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if kill_at == 0:
            print("STEP", event, os.fsdecode(args[0])[len(str(root)):], flush=True)

if operation == "import":
    data = (root / "upload.csv").read_bytes()
    upload = ingest.receive_upload(config, "commandes octobre.csv", data, "orders")
    preview = ingest.preview_upload(config, upload, replaces="orders.csv")
    sys.addaudithook(hook)
    ingest.apply_upload(config, preview, "test")
elif operation == "survey":
    answer = se.SurveyAnswer(2024, "84009", dt.date(2024, 4, 20), "Directeur général",
                             (se.NeedEntry("AAA", 1),))
    sys.addaudithook(hook)
    se.save_answer(config, answer, loaded_by="test")
elif operation == "restore":
    sys.addaudithook(hook)
    ingest.restore_load(config, 1, "test")
elif operation == "restore-backup":  # `python -m etl restore ARCHIVE`
    from etl.__main__ import main
    sys.addaudithook(hook)
    code = main(["restore", str(root / "backup.tar.gz"), "--sources", str(root / "sources"),
                 "--db", str(root / "store.duckdb")])
    print("CODE", code, flush=True)
print("STEPS", steps)
"""


def _prepare(root: Path, operation: str):
    config = dataclasses.replace(
        settings(), db_path=root / "store.duckdb", sources_dir=root / "sources"
    )
    write_sources(config.sources_dir)
    (root / "upload.csv").write_bytes(NEW_ORDERS)
    build_store(config, config.sources_dir, config.db_path, progress=lambda _: None)
    if operation == "restore-backup":  # a backup, then an import made since
        from centrale.intake.backup import make_backup

        made = make_backup(config.sources_dir, config.db_path, root / "sauvegardes")
        os.replace(made.path, root / "backup.tar.gz")
    if operation in ("restore", "restore-backup"):  # a second load to go back from
        upload = ingest.receive_upload(config, "orders_new.csv", NEW_ORDERS, "orders")
        ingest.apply_upload(config, ingest.preview_upload(config, upload, "orders.csv"), "t")
    return config


# One process imports pandas, DuckDB and the app once, then forks a fresh child per
# load to kill: the child is a real process, killed by a real SIGKILL, without paying
# ~2 s of start-up and imports for each of the ~60 steps (this test took minutes).
FORK_SERVER = r"""
import os, sys, traceback
from centrale.intake import ingest  # noqa: F401  (imported once, before the forks)
from centrale.config import settings  # noqa: F401
from centrale.intake import survey_entry  # noqa: F401

child = sys.argv[1]  # CHILD, run in each forked process
for line in sys.stdin:
    root, operation, kill_at, output = line.rstrip("\n").split("\t")
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        sys.argv = ["-c", root, operation, kill_at]
        try:
            exec(child, {"__name__": "__main__"})
        except BaseException:
            traceback.print_exc()
            sys.stdout.flush()
            os._exit(1)
        sys.stdout.flush()
        os._exit(0)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


@pytest.fixture
def forked_load(tmp_path):
    """A function `run(root, operation, kill_at)` like `_run`, each call a forked child."""
    work = tmp_path
    server = subprocess.Popen(
        [sys.executable, "-c", FORK_SERVER, CHILD],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )

    def run(root: Path, operation: str, kill_at: int) -> subprocess.CompletedProcess:
        output = work / f"{operation}-{kill_at}.out"
        server.stdin.write(f"{root}\t{operation}\t{kill_at}\t{output}\n")
        server.stdin.flush()
        code = server.stdout.readline()
        assert code, "le processus qui lance les chargements s'est arrêté"
        text = output.read_text(errors="replace")
        return subprocess.CompletedProcess([operation, kill_at], int(code), text, text)

    try:
        yield run
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _reset(root: Path, pristine: Path) -> None:
    """`root` as `pristine` left it: the same path, so the store's recorded sources folder
    is this one (a store built elsewhere is never compared with the folder)."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(pristine, root, symlinks=True)


def _run(root: Path, operation: str, kill_at: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(root), operation, str(kill_at)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )


def _load_count(config) -> int:
    import duckdb

    with duckdb.connect(str(config.db_path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM load_log").fetchone()[0]


# Dozens of kills, each a process that imports and writes: minutes on a quiet machine,
# past the suite's 600 s default on a loaded one (seen under load, not a hang).
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("operation", ["import", "survey", "restore"])
def test_a_load_killed_at_any_step_leaves_store_and_folder_in_agreement(
    tmp_path, operation, forked_load
):
    # Built once where every load runs, kept aside and copied back before each kill
    # (a build per step was a third of the time).
    root, pristine = tmp_path / "load", tmp_path / "pristine"
    _prepare(root, operation)
    shutil.copytree(root, pristine, symlinks=True)
    done = forked_load(root, operation, 0)
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stdout.splitlines() if line.startswith("STEP ")]
    assert len(steps) == int(done.stdout.split("STEPS")[-1]) >= 10, done.stdout
    chosen = range(1, len(steps) + 1)
    if operation != "import":
        # The steps before the note (archiving, staging) are the import's own, killed
        # one by one in its run: from the last staged file on, every step.
        first = next(i for i, step in enumerate(steps, 1) if "pending.json" in step)
        chosen = range(first - 1, len(steps) + 1)

    outcomes = {"before": 0, "after": 0}
    for kill_at in chosen:
        _reset(root, pristine)
        config = dataclasses.replace(
            settings(), db_path=root / "store.duckdb", sources_dir=root / "sources"
        )
        loads_before = _load_count(config)
        killed = forked_load(root, operation, kill_at)
        assert killed.returncode == -signal.SIGKILL, (kill_at, killed.stderr[-2000:])

        # What the dashboard's and the ETL's start-up do:
        settle_interrupted(config.sources_dir)

        built = store_fingerprint(config.db_path)
        assert built is not None, f"store unreadable after a kill at step {kill_at}"
        assert built[0] == folder_fingerprint(config.sources_dir), f"step {kill_at}"
        assert mismatch(config.sources_dir, config.db_path) is None
        assert not list(config.sources_dir.glob(f"{STAGING_PREFIX}*")), f"step {kill_at}"
        assert not (config.sources_dir / ".archive" / "pending.json").exists()
        landed = _load_count(config) == loads_before + 1
        outcomes["after" if landed else "before"] += 1
        names = set(folder_fingerprint(config.sources_dir))
        if operation == "import":
            assert ("orders.csv" not in names) is landed, f"step {kill_at}"
            assert any(n.startswith("orders-") for n in names) is landed
            if landed:  # the data page's journal names the upload once
                journal = (config.sources_dir / ".archive" / "journal.jsonl").read_text()
                records = [json.loads(line) for line in journal.splitlines()]
                assert [r["action"] for r in records].count("import") == 1
        if operation == "survey":
            assert ("survey_2024_84009.csv" in names) is landed, f"step {kill_at}"
        if operation == "restore":
            assert ("orders.csv" in names) is landed, f"step {kill_at}"
    # Kills fell on both sides of the commit point.
    assert outcomes["before"] and outcomes["after"], outcomes


def _last_action(config) -> str:
    import duckdb

    with duckdb.connect(str(config.db_path), read_only=True) as con:
        return con.execute("SELECT action FROM load_log ORDER BY load_id DESC LIMIT 1").fetchone()[
            0
        ]


def _settled_and_agreeing(config, step) -> set[str]:
    """What the next start does, then: store and folder agree, nothing half done."""
    settle_interrupted(config.sources_dir)
    built = store_fingerprint(config.db_path)
    assert built is not None, f"store unreadable after step {step}"
    assert built[0] == folder_fingerprint(config.sources_dir), f"step {step}"
    assert mismatch(config.sources_dir, config.db_path) is None, f"step {step}"
    assert not list(config.sources_dir.glob(f"{STAGING_PREFIX}*")), f"step {step}"
    assert not (config.sources_dir / ".archive" / "pending.json").exists(), f"step {step}"
    return set(built[0])


@pytest.mark.parametrize("mode", ["kill", "starve"])
def test_etl_restore_killed_or_starved_at_every_step_is_all_or_nothing(tmp_path, mode, forked_load):
    """`python -m etl restore` killed (SIGKILL) or hitting a full disk (ENOSPC) at every
    change it makes: afterwards store and folder are both the old ones or both the
    backup's, its message says which, and no partial archive is left."""
    root, pristine = tmp_path / "load", tmp_path / "pristine"
    _prepare(root, "restore-backup")
    shutil.copytree(root, pristine, symlinks=True)
    done = forked_load(root, "restore-backup", 0)
    assert done.returncode == 0 and "CODE 0" in done.stdout, done.stdout[-3000:]
    steps = [line for line in done.stdout.splitlines() if line.startswith("STEP ")]
    assert len(steps) == int(done.stdout.split("STEPS")[-1]) >= 10, done.stdout
    config = dataclasses.replace(
        settings(), db_path=root / "store.duckdb", sources_dir=root / "sources"
    )
    outcomes = {"before": 0, "after": 0}
    named = 0  # starved runs that named the automatic archive they could not write
    for step in range(1, len(steps) + 1):
        _reset(root, pristine)
        before = folder_fingerprint(config.sources_dir)
        operation = "restore-backup" + (":starve" if mode == "starve" else "")
        run = forked_load(root, operation, step)
        if mode == "kill":
            assert run.returncode == -signal.SIGKILL, (step, run.stderr[-2000:])
        names = _settled_and_agreeing(config, step)
        landed = _last_action(config) == "restore"
        outcomes["after" if landed else "before"] += 1
        assert ("orders.csv" in names) is landed, f"step {step}"
        assert any(n.startswith("orders-") for n in names) is not landed, f"step {step}"
        if not landed:
            assert folder_fingerprint(config.sources_dir) == before, f"step {step}"
        if mode == "starve":  # the process lived to say what happened: it must be true
            said_nothing_changed = "Rien n'a été modifié" in run.stdout
            assert run.returncode in (0, 1) and "Traceback" not in run.stdout, run.stdout
            if landed:
                assert not said_nothing_changed, (step, run.stdout[-1500:])
            else:
                assert said_nothing_changed and "CODE 1" in run.stdout, (step, run.stdout)
            if "disque plein : la sauvegarde" in run.stdout:  # the archive is named
                assert f"« {root / 'sauvegardes' / AUTO_PREFIX}" in run.stdout, run.stdout
        backups = root / "sauvegardes"
        if mode == "kill":  # a killed process cannot clean up: the next backup does
            auto_backup(config)
        leftovers = [p.name for p in backups.iterdir() if p.name.startswith(".")]
        assert not leftovers, (step, leftovers)  # no partial archive, no temp folder
        named += "disque plein : la sauvegarde" in run.stdout
    assert outcomes["before"] and outcomes["after"], outcomes
    assert named or mode == "kill"


def test_a_file_changed_by_hand_is_reported_in_french_with_the_fix(tmp_path):
    config = _prepare(tmp_path, "import")
    assert mismatch(config.sources_dir, config.db_path) is None
    (config.sources_dir / "orders.csv").write_bytes(NEW_ORDERS)
    (config.sources_dir / "adhesions.csv").unlink()
    message = mismatch(config.sources_dir, config.db_path)
    assert "absents du dossier : adhesions.csv" in message
    assert "modifiés depuis : orders.csv" in message
    assert "python -m etl build --sources" in message


def test_the_dashboard_and_etl_say_when_the_store_and_folder_differ(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    config = _prepare(tmp_path, "import")
    (config.sources_dir / "orders.csv").write_bytes(NEW_ORDERS)
    monkeypatch.setenv("CENTRALE_DB", str(config.db_path))
    monkeypatch.setenv("CENTRALE_SOURCES", str(config.sources_dir))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=90).run()
    assert not at.exception
    assert any("modifiés depuis : orders.csv" in w.value for w in at.warning)

    kpis = subprocess.run(
        [sys.executable, "-m", "etl", "kpis", "--as-of", "2024-12-31"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "CENTRALE_DB": str(config.db_path)},
        timeout=300,
    )
    assert kpis.returncode == 0, kpis.stderr
    assert "Attention : La base" in kpis.stderr and "etl build --sources" in kpis.stderr


def test_etl_settles_a_load_left_half_done_and_says_so(tmp_path):
    # Killed at the first step that has written the note (the steps before it, the
    # automatic backup among them, move as the import grows): before the store swap.
    root, pristine = tmp_path / "load", tmp_path / "pristine"
    config = _prepare(root, "import")
    shutil.copytree(root, pristine)
    for kill_at in range(1, 200):
        shutil.rmtree(root)
        shutil.copytree(pristine, root)
        killed = _run(root, "import", kill_at)
        assert killed.returncode == -signal.SIGKILL, "l'import a fini sans écrire de note"
        if (config.sources_dir / ".archive" / "pending.json").exists():
            break
    tmp_path = root
    check = subprocess.run(
        [sys.executable, "-m", "etl", "check", "--sources", str(config.sources_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "CENTRALE_DB": str(config.db_path)},
        timeout=300,
    )
    assert check.returncode == 0, check.stderr
    assert "chargement interrompu" in check.stderr and "annulé" in check.stderr
    assert not (config.sources_dir / ".archive" / "pending.json").exists()
    assert mismatch(config.sources_dir, config.db_path) is None
