"""Building the store: all-or-nothing, atomic, idempotent, readable during a rebuild."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from centrale.config import REPO_ROOT
from centrale.datasets import queries
from centrale.sources.problems import SourceError
from centrale.storage.build import build_store
from centrale.storage.store import connect_read_only
from tests.conftest import SAMPLE_DIR


def run_etl(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def table_dump(path, exclude=("load_log", "load_files", "meta")):
    with connect_read_only(path) as con:
        tables = [
            r[0]
            for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        ]
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in tables
            if t not in exclude
        }


def test_press_figures_through_the_command_line(demo_db):
    result = run_etl(
        "kpis", "--db", str(demo_db), "--as-of", "2020-01-31", "--call-year", "2019", "--json"
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["communes_total"] == 44
    assert figures["communes_adhered"] == 23
    assert figures["orders_awarded"] == 16
    assert figures["province_subsidy_share"] == pytest.approx(0.21, abs=1e-12)
    assert figures["median_award_days"] <= 20
    assert 0.8 <= figures["share_awarded_within_20_days"] < 1  # the rule, with exceptions


def test_kpis_text_output_is_french(demo_db):
    result = run_etl("kpis", "--db", str(demo_db), "--as-of", "2020-01-31")
    assert result.returncode == 0
    assert "Situation au 31/01/2020" in result.stdout
    assert "23 sur 44" in result.stdout


def test_kpis_refuses_dates_before_the_centrale_and_bad_usage(demo_db):
    early = run_etl("kpis", "--db", str(demo_db), "--as-of", "2018-06-01")
    assert early.returncode == 1 and "janvier 2019" in early.stderr
    usage = run_etl("kpis", "--as-of", "31/01/2020")
    assert usage.returncode == 2 and "AAAA-MM-JJ" in usage.stderr
    assert run_etl("frobnicate").returncode == 2


def test_merger_communes_counted_for_their_successor(demo_db):
    with connect_read_only(demo_db) as con:
        before = queries.kpis(con, dt.date(2024, 12, 1))
        after = queries.kpis(con, dt.date(2024, 12, 2))
        status = queries.commune_status(con, dt.date(2025, 6, 1)).set_index("nis_code")
        earlier = queries.commune_status(con, dt.date(2024, 6, 1)).set_index("nis_code")
    assert (before["communes_total"], after["communes_total"]) == (44, 43)
    assert "82005" not in status.index  # Bertogne is gone…
    assert status.loc["82003", "adhesion_status"] == "adhérente"  # …its adhesion carried over
    assert earlier.loc["82003", "adhesion_status"] == "non adhérente"
    assert earlier.loc["82005", "adhesion_status"] == "adhérente"
    # Bertogne's orders now count for Bastogne.
    assert status.loc["82003", "orders_awarded"] >= earlier.loc["82005", "orders_awarded"]


def test_failed_build_leaves_the_store_byte_identical(sources_copy, test_settings):
    build_store(test_settings, sources_copy, progress=lambda _: None)
    before = test_settings.db_path.read_bytes()
    stat = os.stat(test_settings.db_path)
    (sources_copy / "orders_bad.csv").write_text(
        "n° de commande;commune;solution;date d'envoi\nB-1;Atlantis;TRAVAUX;01/01/2025\n"
    )
    with pytest.raises(SourceError) as raised:
        build_store(test_settings, sources_copy, progress=lambda _: None)
    assert any(p.value == "Atlantis" for p in raised.value.problems)
    assert test_settings.db_path.read_bytes() == before
    assert os.stat(test_settings.db_path).st_ino == stat.st_ino
    leftovers = [p.name for p in test_settings.db_path.parent.iterdir() if ".tmp-" in p.name]
    assert leftovers == []


def test_failed_build_from_the_command_line_exits_1(sources_copy, tmp_path):
    db = tmp_path / "cli.duckdb"
    assert run_etl("build", "--sources", str(sources_copy), "--db", str(db)).returncode == 0
    before = db.read_bytes()
    (sources_copy / "adhesions.csv").write_text("commune;date de signature\nBertrix;hier\n")
    result = run_etl("build", "--sources", str(sources_copy), "--db", str(db))
    assert result.returncode == 1
    assert "adhesions.csv, ligne 2, colonne « date de signature »" in result.stderr
    assert "n'a pas été modifiée" in result.stderr
    assert db.read_bytes() == before
    check = run_etl("check", "--sources", str(sources_copy))
    assert check.returncode == 1


def test_missing_boundaries_file_is_a_clear_french_error(tmp_path):
    result = run_etl(
        "build",
        "--from-demo",
        "--boundaries",
        str(tmp_path / "absent.topojson"),
        "--db",
        str(tmp_path / "x.duckdb"),
    )
    assert result.returncode == 1
    assert "limites communales introuvable" in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.slow  # a build process started and killed, then two more builds
def test_build_killed_midway_leaves_previous_store_usable(sources_copy, tmp_path):
    db = tmp_path / "killed.duckdb"
    assert run_etl("build", "--sources", str(sources_copy), "--db", str(db)).returncode == 0
    before = table_dump(db)
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--sources", str(sources_copy), "--db", str(db)],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(".tmp-" in p.name for p in tmp_path.iterdir()):
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert table_dump(db) == before
    # The next build clears what the killed one left behind.
    assert run_etl("build", "--sources", str(sources_copy), "--db", str(db)).returncode == 0
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_two_builds_from_the_same_sources_give_identical_tables(tmp_path):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    for path in (first, second):
        assert run_etl("build", "--sources", str(SAMPLE_DIR), "--db", str(path)).returncode == 0
    assert table_dump(first) == table_dump(second)


def test_load_log_records_files_and_grows(sources_copy, test_settings):
    build_store(test_settings, sources_copy, progress=lambda _: None, loaded_by="test")
    build_store(test_settings, sources_copy, progress=lambda _: None, loaded_by="test")
    with connect_read_only(test_settings.db_path) as con:
        log = con.sql("SELECT load_id, loaded_by, row_counts FROM load_log ORDER BY 1").fetchall()
        files = con.sql("SELECT file, sha256 FROM load_files WHERE load_id = 2").fetchall()
    assert [(r[0], r[1]) for r in log] == [(1, "test"), (2, "test")]
    assert json.loads(log[1][2])["orders"] == 82
    sources = sorted(f.name for f in sources_copy.iterdir() if f.suffix in (".xlsx", ".csv"))
    assert sorted(f for f, _ in files) == sources and all(len(sha) == 64 for _, sha in files)


READER = """
import os, sys, time
sys.path.insert(0, {root!r})
from centrale.storage.store import StoreReader
reader = StoreReader({db!r})
counts = set()
end = time.monotonic() + 900  # a safety net only: the test says when to stop
while time.monotonic() < end and not os.path.exists({stop!r}):
    with reader.cursor() as cur:
        counts.add(cur.execute("SELECT count(*) FROM orders").fetchone()[0])
    open({stop!r} + ".ready", "w").close()  # has read the store at least once
with reader.cursor() as cur:  # the first query after the rebuild sees the new store
    counts.add(cur.execute("SELECT count(*) FROM orders").fetchone()[0])
print(sorted(counts))
"""


@pytest.mark.slow  # a reader process and a rebuild through the command line
def test_rebuild_while_a_reader_has_the_store_open(sources_copy, tmp_path):
    db, stop = tmp_path / "shared.duckdb", tmp_path / "stop"
    assert run_etl("build", "--sources", str(sources_copy), "--db", str(db)).returncode == 0
    reader = subprocess.Popen(
        [sys.executable, "-c", READER.format(root=str(REPO_ROOT), db=str(db), stop=str(stop))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The rebuild must start only once the reader has the old store open (a poll:
    # on a busy machine the reader's start-up can take many seconds).
    ready, deadline = Path(str(stop) + ".ready"), time.monotonic() + 120
    while not ready.exists():
        assert reader.poll() is None, reader.communicate()[1]
        assert time.monotonic() < deadline, "the reader never read the store"
        time.sleep(0.05)
    (sources_copy / "orders_extra.csv").write_text(
        "n° de commande;commune;solution;date d'envoi\nNEW-1;Bertrix;TRAVAUX;01/10/2026\n"
    )
    rebuilt = run_etl("build", "--sources", str(sources_copy), "--db", str(db))
    assert rebuilt.returncode == 0, rebuilt.stderr
    stop.touch()
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    assert json.loads(out) == [82, 83]  # saw the old store, then the new one, no lock error


# --- One corrupted cell of any demo source: French problems, never a traceback -------

_NASTY = [
    "31/02/2019",  # an impossible date (it once crashed the offers check)
    "30/02/2020",
    "00/00/0000",
    "2019-13-01",
    "",
    " ",
    "-1",
    "-0,01",
    "1e308",
    "abc",
    "N/A",
    "#VALEUR!",
    "#REF!",
    "=A1+1",
    "99999",
    "Bertrixx",
    "Total",
    "Source : note",
    "€",
    "jj/mm/aaaa",
    "oui",
    "non",
    "attribué",
    "annulé",
    "1 234,56",
    "14,304",
    "2019",
    "\u00a0",
    "Ωmega ☃",
]


def _demo_cells():
    """(file, sheet or None, cells as a list of rows) of every demo source."""
    import csv

    import openpyxl

    found = []
    for path in sorted(SAMPLE_DIR.iterdir()):
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            for sheet in book.worksheets:
                found.append((path.name, sheet.title, sheet.max_row, sheet.max_column))
        elif path.suffix == ".csv":
            text = path.read_bytes()
            encoding = "utf-8-sig" if text.startswith(b"\xef\xbb\xbf") else "cp1252"
            rows = list(csv.reader(text.decode(encoding).splitlines(), delimiter=";"))
            if len(rows[0]) == 1:
                rows = list(csv.reader(text.decode(encoding).splitlines(), delimiter=","))
            found.append((path.name, None, len(rows), max(map(len, rows))))
    return found


DEMO_CELLS = _demo_cells()


def corrupt(folder: Path, file: str, sheet, row: int, column: int, value) -> None:
    """Write `value` into one cell (1-based row and column) of `folder/file`."""
    import csv
    import io

    import openpyxl

    path = folder / file
    if sheet is not None:
        book = openpyxl.load_workbook(path)
        book[sheet].cell(row, column).value = value
        book.save(path)
        return
    data = path.read_bytes()
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "cp1252"
    text = data.decode(encoding)
    separator = ";" if ";" in text.splitlines()[0] else ","
    rows = list(csv.reader(text.splitlines(), delimiter=separator))
    while len(rows[row - 1]) < column:
        rows[row - 1].append("")
    rows[row - 1][column - 1] = "" if value is None else str(value)
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))


def build_in_process(folder: Path, db: Path) -> tuple[int, str]:
    """`python -m etl build` run in this process: (exit code, what it printed). An
    exception escaping `main` is the traceback a person would see."""
    import contextlib
    import io

    from etl.__main__ import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(["build", "--sources", str(folder), "--db", str(db)])
    return code, printed.getvalue()


def _cell_values():
    from hypothesis import strategies as st
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return st.one_of(
        st.sampled_from(_NASTY),
        st.none(),
        st.text(max_size=12).filter(lambda t: not ILLEGAL_CHARACTERS_RE.search(t)),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    )


def test_an_impossible_date_in_the_orders_is_an_error_not_a_traceback(tmp_path):
    """The case seen: `31/02/2019` as an order's sending date crashed the offers check
    (it formatted the missing date); now the orders file's cell is the one problem."""
    import shutil

    folder = tmp_path / "sources"
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
    corrupt(folder, "orders.xlsx", "orders", 2, 4, "31/02/2019")
    result = run_etl("build", "--sources", str(folder), "--db", str(tmp_path / "c.duckdb"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "orders.xlsx, feuille « orders », ligne 2, colonne « date d'envoi du bon de commande » "
        "(valeur : « 31/02/2019 ») : une date attendue" in result.stderr
    )
    assert result.stderr.startswith("1 problème (1 erreur) dans 1 fichier")


@pytest.mark.slow  # 25 builds of the demo sources (a few seconds each)
def test_any_single_corrupted_cell_of_any_demo_source_never_yields_a_traceback(tmp_path_factory):
    """Property: whatever one cell of one demo file becomes (an impossible date, text in
    a number, a blank key, a huge number…), `etl build` ends with exit 0 (warnings at
    most) or exit 1 with French problems: never an exception."""
    import shutil

    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st

    base = tmp_path_factory.mktemp("corrupted")

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data(), value=_cell_values())
    @example(data=None, value="31/02/2019")
    def check(data, value):
        if data is None:  # the case seen: an order's sending date
            file, sheet, row, column = "orders.xlsx", "orders", 2, 4
        else:
            file, sheet, rows, columns = data.draw(st.sampled_from(DEMO_CELLS), label="file")
            row = data.draw(st.integers(1, rows), label="row")
            column = data.draw(st.integers(1, columns), label="column")
        folder = base / "sources"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
        corrupt(folder, file, sheet, row, column, value)
        db = base / "c.duckdb"
        db.unlink(missing_ok=True)
        code, printed = build_in_process(folder, db)
        assert code in (0, 1), printed
        assert "Traceback" not in printed
        if code == 1:
            assert (
                "Erreur" in printed
                and "La base n'a pas été modifiée" in printed
                or ("Erreur :" in printed)
            ), printed
        else:
            assert "Base reconstruite" in printed

    check()


def _orders_count(db) -> int:
    with connect_read_only(db) as con:
        return con.execute("SELECT count(*) FROM orders").fetchone()[0]


@pytest.mark.slow  # four builds in their own processes
def test_build_without_sources_uses_the_working_folder_never_the_demo(tmp_path):
    """`python -m etl build` alone once rebuilt the working store from the demo data
    (orders 99 -> 82, exit 0). It builds from the working folder; a store built from
    another folder is replaced only when told; the dashboard's check says so too."""
    from centrale.intake.commit import mismatch
    from tests.ingest_files import MONTH_OF_ORDERS

    work, db = tmp_path / "travail", tmp_path / "centrale.duckdb"
    env = {"CENTRALE_SOURCES": str(work), "CENTRALE_DB": str(db)}
    first = run_etl("build", env=env)  # the working folder is made from the demo
    assert first.returncode == 0, first.stderr
    assert work.is_dir() and "créé à partir de la démonstration" in first.stdout
    (work / "orders-octobre.csv").write_bytes(MONTH_OF_ORDERS)  # the team's own data
    assert run_etl("build", env=env).returncode == 0
    ours = _orders_count(db)

    # Another folder (here the demo) is refused, and the store is left alone.
    before = db.read_bytes()
    other = run_etl("build", "--sources", str(SAMPLE_DIR), env=env)
    assert other.returncode == 1 and "n'a pas été remplacée" in other.stderr, other.stderr
    assert "--other-folder" in other.stderr and db.read_bytes() == before
    # Told, it does; and the working folder no longer matches the store: said.
    demo = run_etl("build", "--from-demo", env=env)
    assert demo.returncode == 0, demo.stderr
    assert _orders_count(db) < ours
    message = mismatch(work, db)
    assert "construite à partir d'un autre dossier" in message
    assert "pas encore dans la base : orders-octobre.csv" in message


def test_the_runtime_files_beside_the_users_file_are_ignored_by_git():
    names = ["data/users.toml.lock", "data/signin-audit.log", "data/sources.avant-restauration-1/"]
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.stdout.split() == [n.rstrip("/") for n in names] or done.stdout.split() == names
