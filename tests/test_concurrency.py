"""10 reader processes query in a loop while 5 rebuilds run: no error, never a mixed store.

Two source sets give stores that differ by a known number of rows in two
tables (orders +2, survey answers +3). Every read takes both counts in one
query; it must see one of the two consistent pairs, never one count from
each store and never a half-written file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from centrale.config import REPO_ROOT, settings
from centrale.storage.build import build_store
from tests.conftest import SAMPLE_DIR
from tests.ingest_files import MONTH_OF_ORDERS

READERS = 10
REBUILDS = 5
EXTRA_SURVEY = (
    "année;commune;besoin;priorité;date de réponse;répondant\n"
    "2026;Attert;Besoin concurrence 1;1;10/03/2026;test\n"
    "2026;Attert;Besoin concurrence 2;2;10/03/2026;test\n"
    "2026;Attert;Besoin concurrence 3;3;10/03/2026;test\n"
).encode()

READER = """
import json, sys, time
from pathlib import Path
from centrale.storage.store import StoreReader, connect_read_only
db, ready, stop = (Path(a) for a in sys.argv[1:4])
built = stop.with_name("built")
follow = sys.argv[4] == "1"
SQL = "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM survey_answers)"
reader = StoreReader(db)
pairs, errors, reads = {}, [], 0
ready.touch()
deadline = time.monotonic() + 900  # a safety net only: the test says when to stop
while not stop.exists() and time.monotonic() < deadline:
    try:
        if follow:  # the dashboard's way: one connection that reopens after a swap
            with reader.cursor() as cur:
                pair = cur.execute(SQL).fetchone()
        else:  # a fresh read-only connection each time
            with connect_read_only(db) as con:
                pair = con.execute(SQL).fetchone()
        key = f"{pair[0]},{pair[1]}"
        pairs[key] = pairs.get(key, 0) + 1
        reads += 1
        if built.exists():  # a read after the last build: it saw the final store
            Path(str(ready) + ".final").touch()
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.005)  # leave the 2 cores some room for the builds
summary = {"pairs": pairs, "errors": errors[:5], "error_count": len(errors), "reads": reads}
print(json.dumps(summary))
"""

BUILDER = """
import sys
from pathlib import Path
from centrale.storage.build import build_store
from centrale.config import settings
db = Path(sys.argv[1])
for sources in sys.argv[2:]:
    build_store(settings(), Path(sources), db, progress=lambda _: None, loaded_by="concurrence")
"""


def _counts(db: Path) -> tuple[int, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM survey_answers)"
        ).fetchone()


@pytest.mark.slow
def test_readers_never_see_a_mixed_or_broken_store_during_rebuilds(tmp_path):
    small, large = tmp_path / "small", tmp_path / "large"
    shutil.copytree(SAMPLE_DIR, small, ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(small, large)
    (large / "orders-octobre-2026.csv").write_bytes(MONTH_OF_ORDERS)
    (large / "survey-extra.csv").write_bytes(EXTRA_SURVEY)
    db = tmp_path / "store.duckdb"
    build_store(settings(), large, db, progress=lambda _: None)
    large_pair = _counts(db)
    build_store(settings(), small, db, progress=lambda _: None)
    small_pair = _counts(db)
    assert (large_pair[0] - small_pair[0], large_pair[1] - small_pair[1]) == (2, 3)
    consistent = {f"{a},{b}" for a, b in (small_pair, large_pair)}

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    stop = tmp_path / "stop"
    readers = []
    for i in range(READERS):
        ready = tmp_path / f"ready-{i}"
        args = [sys.executable, "-c", READER, str(db), str(ready), str(stop), str(i % 2)]
        readers.append((ready, subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)))
    builders = []
    try:
        started = time.monotonic()
        while not all(ready.exists() for ready, _ in readers):
            assert time.monotonic() - started < 60, "readers did not start"
            time.sleep(0.05)

        # Two builder processes at once (3 + 2 rebuilds, large and small alternating): they
        # queue on the build lock while the readers keep reading.
        plan = [str(large if i % 2 == 0 else small) for i in range(REBUILDS)]
        builders += [
            subprocess.Popen(
                [sys.executable, "-c", BUILDER, str(db), *plan[start::2]],
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
            for start in (0, 1)
        ]
        for builder in builders:
            _, stderr = builder.communicate(timeout=600)  # generous: a busy machine
            assert builder.returncode == 0, stderr
        # Every reader reads the last store at least once before stopping (a poll, not a
        # fixed wait: on a busy machine a reader may be descheduled for seconds).
        (tmp_path / "built").touch()
        deadline = time.monotonic() + 120
        while not all(Path(f"{ready}.final").exists() for ready, _ in readers):
            assert all(proc.poll() is None for _, proc in readers), "a reader stopped early"
            assert time.monotonic() < deadline, "a reader never read the last store"
            time.sleep(0.05)
    finally:  # the readers stop even when the test fails (no process left behind)
        stop.touch()
        for builder in builders:
            if builder.poll() is None:
                builder.kill()
    results = [json.loads(proc.communicate(timeout=120)[0]) for _, proc in readers]

    for result in results:
        assert result["error_count"] == 0, result["errors"]
        assert result["reads"] > 0
        assert set(result["pairs"]) <= consistent, result["pairs"]
    seen = set().union(*(r["pairs"] for r in results))
    assert seen == consistent, "the readers never saw a rebuild happen: the test proves nothing"
    with_both = [r for r in results if len(r["pairs"]) == 2]
    assert with_both, "no single reader saw the store change under it"
    assert f"{_counts(db)[0]},{_counts(db)[1]}" in consistent
    total = sum(r["reads"] for r in results)
    print(
        f"\n{total} lectures par {READERS} processus pendant {REBUILDS} reconstructions ; "
        f"paires vues : {sorted(seen)}"
    )
