"""Recording an answer in the dashboard: the form (AppTest of pages/survey.py), the source
file it writes, the rebuilt store, and the previous version kept on an edit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from centrale.config import settings
from centrale.datasets import survey
from centrale.intake import survey_entry as se
from centrale.names import normalise
from centrale.sources.problems import SourceError
from centrale.storage.store import connect_read_only, store_version
from tests.conftest import SAMPLE_DIR
from tests.survey_fixtures import ARLON, BERTRIX, tiny_settings

PAGE = "../pages/survey.py"
VIRTON = "85045"  # did not answer the 2026 demo survey
YEAR = 2026


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    """The page on writable copies of the demo store and sources, as an editor."""
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE_DIR, sources, ignore=shutil.ignore_patterns("*.md"))
    store = tmp_path / "centrale.duckdb"
    shutil.copy(demo_db, store)
    monkeypatch.setenv("CENTRALE_DB", str(store))
    monkeypatch.setenv("CENTRALE_SOURCES", str(sources))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))  # open mode
    monkeypatch.delenv("CENTRALE_REQUIRE_LOGIN", raising=False)
    return settings()


def page(day: dt.date | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["shared_as_of"] = day or dt.date.today()
    return at


def pick(at: AppTest, nis: str, year: int = YEAR) -> str:
    at.selectbox(key="survey_entry_year").set_value(year)
    at.selectbox(key="survey_entry_commune").set_value(nis)
    at.run()
    assert not at.exception, at.exception
    return f"survey_entry_{year}_{nis}"


def need_key(prefix: str, need: str, field: str) -> str:
    return f"{prefix}_{normalise(need).replace(' ', '_')}_{field}"


def stored_answer(config, nis: str, year: int = YEAR):
    with connect_read_only(config.db_path) as con:
        answers = survey.survey_answers_at(con, dt.date.today())
    return survey.answer_of(answers, year, nis)


def test_save_writes_the_file_rebuilds_and_shows_the_answer(app):
    config = app
    version = store_version(config.db_path)
    at = page().run()
    assert not at.exception, at.exception
    reminders = at.get("dataframe")  # Virton is among the communes to remind
    assert any("Virton" in str(d.value) for d in reminders)

    prefix = pick(at, VIRTON)
    at.multiselect(key=f"{prefix}_needs").set_value(["ECLAIRAGE", "Drones de surveillance"])
    at.run()
    at.selectbox(key=need_key(prefix, "ECLAIRAGE", "priority")).set_value(1)
    at.number_input(key=need_key(prefix, "ECLAIRAGE", "budget")).set_value(25000.0)
    at.selectbox(key=need_key(prefix, "Drones de surveillance", "priority")).set_value(3)
    at.text_input(key=f"{prefix}_respondent").set_value("Directeur général")
    at.button(key=f"{prefix}_save").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("Virton" in s.value and "2 besoins" in s.value for s in at.success)

    # The source file the ETL reads…
    written = config.sources_dir / se.entry_file_name(YEAR, VIRTON)
    rows = list(csv.reader(io.StringIO(written.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == list(se.HEADERS)
    assert [r[:4] + r[5:6] + r[7:8] for r in rows[1:]] == [
        ["2026", VIRTON, "ECLAIRAGE", "1", "25000,00", "Directeur général"],
        ["2026", VIRTON, "Drones de surveillance", "3", "", "Directeur général"],
    ]
    # …a rebuilt store that counts it…
    assert store_version(config.db_path) != version
    answer = stored_answer(config, VIRTON)
    assert sorted(answer["need"]) == ["Drones de surveillance", "Éclairage public intelligent"]
    assert set(answer["source_file"]) == {written.name}
    # …and the page shows it at once: no longer to remind, the form knows the answer.
    assert any("a déjà répondu à l'enquête 2026" in i.value for i in at.info)
    with connect_read_only(config.db_path) as con:
        status = survey.campaign_status(con, YEAR, dt.date.today()).set_index("nis_code")
    assert status.loc[VIRTON, "answered"]
    # A rebuild from the sources folder alone gives the same answer (nothing is lost).
    from centrale.storage.build import build_store

    build_store(config, config.sources_dir, config.db_path, progress=lambda _: None)
    assert len(stored_answer(config, VIRTON)) == 2


def test_edit_replaces_the_answer_and_keeps_the_previous_version(app):
    config = app
    at = page().run()
    prefix = pick(at, VIRTON)
    at.multiselect(key=f"{prefix}_needs").set_value(["SALLES"])
    at.run()
    at.button(key=f"{prefix}_save").click()
    at.run()
    assert not at.exception and not at.error
    first = (config.sources_dir / se.entry_file_name(YEAR, VIRTON)).read_bytes()

    # The edit: "no needs this year" instead.
    at.checkbox(key=f"{prefix}_none").check()
    at.run()
    at.text_input(key=f"{prefix}_none_comment").set_value("Budget communal contraint")
    at.button(key=f"{prefix}_save").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("aucun besoin" in s.value and "historique" in s.value for s in at.success)

    answer = stored_answer(config, VIRTON)
    assert len(answer) == 1 and answer["no_needs"].all()
    assert answer["comment"].item() == "Budget communal contraint"
    history = sorted((config.sources_dir / se.HISTORY_DIR).iterdir())
    assert [p.name.split("_", 1)[1] for p in history] == [se.entry_file_name(YEAR, VIRTON)]
    assert history[0].read_bytes() == first  # the previous version, byte for byte
    assert len(se.previous_versions(config, YEAR, VIRTON)) == 1
    assert any("1 version précédente conservée" in c.value for c in at.caption)


def test_editing_a_demo_answer_replaces_its_workbook_rows_without_duplicates(app):
    config = app
    before = stored_answer(config, ARLON)
    assert len(before) > 0 and set(before["source_file"]) == {"survey.xlsx"}
    workbook_rows = before["source_row"].tolist()
    with connect_read_only(config.db_path) as con:
        total_before = con.execute("SELECT count(*) FROM survey_answers").fetchone()[0]

    at = page().run()
    prefix = pick(at, ARLON)
    assert any("Arlon a déjà répondu" in i.value for i in at.info)
    existing = at.multiselect(key=f"{prefix}_needs").value
    assert len(existing) == len(before)  # the form starts from the current answer
    at.multiselect(key=f"{prefix}_needs").set_value(existing[:1])
    at.run()
    at.button(key=f"{prefix}_save").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    after = stored_answer(config, ARLON)
    assert len(after) == 1
    assert set(after["source_file"]) == {se.entry_file_name(YEAR, ARLON)}
    # The workbook lost exactly Arlon's 2026 rows; its previous version is in historique/.
    book = openpyxl.load_workbook(config.sources_dir / "survey.xlsx", read_only=True)
    rows_now = book.active.max_row
    archived = next((config.sources_dir / se.HISTORY_DIR).glob("*_survey.xlsx"))
    old = openpyxl.load_workbook(archived, read_only=True)
    assert old.active.max_row - rows_now == len(workbook_rows)
    with connect_read_only(config.db_path) as con:
        total = con.execute("SELECT count(*) FROM survey_answers").fetchone()[0]
    assert total == total_before - len(workbook_rows) + 1


def test_invalid_answer_changes_nothing(tmp_path):
    config = tiny_settings(tmp_path)
    before = {p.name: p.read_bytes() for p in config.sources_dir.iterdir()}
    store = config.db_path.read_bytes()
    bad = se.SurveyAnswer(
        2024,
        BERTRIX,
        dt.date(2024, 4, 2),
        "Directeur général",
        (se.NeedEntry("CCC", 1), se.NeedEntry("Solution C", 2)),  # the same need twice
    )
    with pytest.raises(SourceError) as refused:
        se.save_answer(config, bad, loaded_by="test")
    assert any("en double" in p.message for p in refused.value.problems)
    assert {p.name: p.read_bytes() for p in config.sources_dir.iterdir() if p.is_file()} == {
        name: data for name, data in before.items()
    }
    assert config.db_path.read_bytes() == store
    assert not (config.sources_dir / se.HISTORY_DIR).exists()


def test_entry_file_neutralises_formula_cells_and_round_trips(tmp_path):
    config = tiny_settings(tmp_path)
    answer = se.SurveyAnswer(
        2024,
        BERTRIX,
        dt.date(2024, 4, 2),
        "@responsable",
        (se.NeedEntry('=HYPERLINK("x")', 2, 2025, 1234.5, "-à voir"),),
    )
    saved = se.save_answer(config, answer, loaded_by="test")
    text = saved.written[0].read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@responsable" in text and "'-à voir" in text
    assert "1234,50" in text
    with connect_read_only(config.db_path) as con:
        rows = survey.answer_of(survey.survey_answers_at(con, dt.date(2024, 12, 31)), 2024, BERTRIX)
    assert rows["budget_eur"].item() == 1234.5
    assert rows["respondent"].item() == "'@responsable"


def test_page_for_a_viewer_has_no_form(app, tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    from centrale.access import auth

    auth.add_user("lectrice", "mot-de-passe-solide", "viewer", path=users)
    monkeypatch.setenv("CENTRALE_USERS", str(users))
    at = page().run()
    assert not at.exception
    assert any("Seuls les éditeurs" in i.value for i in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("survey_entry")]
