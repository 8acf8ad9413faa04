"""The needs survey page at several dates, and its Excel export (formula cells neutralised)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from centrale.datasets import survey as survey_queries
from centrale.storage.store import connect_read_only
from tests.conftest import SAMPLE_DIR
from tests.kpi_cards import cards
from tests.survey_fixtures import SURVEY, tiny_settings
from ui.survey.answers import answers_workbook

PAGE = "../pages/survey.py"


def run_page(day: dt.date) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["shared_as_of"] = day
    return at.run()


@pytest.fixture
def demo_page(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    return run_page


@pytest.fixture
def downloads(monkeypatch):
    """Every file the page hands to a download button: (file name, mime type, bytes)."""
    seen = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        seen.append((filename, mimetype, path_or_data))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return seen


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("info", "warning", "caption", "markdown") for e in at.get(kind)]
    parts += [str(m.value) + " " + m.label for m in cards(at)]
    return "\n".join(str(p) for p in parts)


def test_before_the_first_campaign_everything_is_explained(tmp_path, monkeypatch):
    # The fixture's first campaign is 2022: in 2021 there is no survey to follow yet.
    config = tiny_settings(tmp_path)
    monkeypatch.setenv("CENTRALE_DB", str(config.db_path))
    monkeypatch.setenv("CENTRALE_SOURCES", str(config.sources_dir))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    at = run_page(dt.date(2021, 6, 1))
    assert not at.exception, at.exception
    assert not at.error
    shown = texts(at)
    assert "Aucune enquête n'avait encore été envoyée au 01/06/2021" in shown
    assert "La première campagne (2022) est partie le 01/03/2022" in shown
    assert [t.label for t in at.tabs] == [
        "Campagne",
        "Saisir une réponse",
        "Importer",
        "Résultats",
        "Réponses",
    ]


def test_during_the_2020_campaign(demo_page):
    at = demo_page(dt.date(2020, 4, 15))
    assert not at.exception, at.exception
    assert not at.error
    assert at.selectbox(key="survey_year").value == 2020
    metrics = {m.label: m.value for m in cards(at)}
    answered, total = metrics["Réponses"].split(" / ")
    assert total == "44"  # before the 2024 merger
    assert 0 < int(answered) < 44
    shown = texts(at)
    assert "date limite **29/05/2020**" in shown
    assert "dans 44\u00a0jours" in shown  # 15/04 -> 29/05/2020
    heads = [h.value for h in at.subheader]
    assert f"Communes à relancer ({44 - int(answered)})" in heads  # the deadline is ahead
    # In 2020 the 2.0 solutions were wishes: none had a framework agreement yet.
    assert metrics["Nouveaux besoins"] != "0"


@pytest.mark.parametrize("day", [dt.date(2020, 1, 31), dt.date(2023, 6, 30), dt.date(2026, 11, 24)])
def test_page_runs_at_several_dates(demo_page, day):
    at = demo_page(day)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    if day.year > 2020:
        assert at.selectbox(key="survey_year").value == day.year
        # 2.0 is under contract since 2023: the shortlist prepares the next one.
        expected = "3.0" if day.year >= 2023 else "2.0"
        assert f"Candidats pour le catalogue {expected}" in [s.value for s in at.subheader]
        # Results: the ranking chart and the 2.0 shortlist are there.
        labels = [m.label for m in cards(at)]
        assert "Couverts par le catalogue" in labels
    else:
        # Before the 2020 campaign the latest survey is the summer-2017 one (seeds):
        # the page follows it, as `etl kpis` does (queries.default_survey_year).
        assert at.selectbox(key="survey_year").value == 2017
        assert at.selectbox(key="survey_year").options == ["2017"]
        shown = texts(at)
        assert "L'enquête 2017 est la première" in shown
        assert "Envoyée le **26/06/2017** · date limite **15/09/2017**" in shown
        answered = sample_answered(2017)
        assert f"{len(answered)} / 44 Réponses" in shown
        assert "Candidats pour le catalogue 2.0" in [s.value for s in at.subheader]
        # Two years after its deadline the 2017 survey is history, not a to-do list.
        heads = [s.value for s in at.subheader]
        assert f"Communes sans réponse ({44 - len(answered)})" in heads
        assert not any(h.startswith("Communes à relancer") for h in heads)
        assert "Date limite dépassée : une réponse tardive compte encore." in shown


def sample_answered(year: int) -> set[str]:
    """The communes (as written) that answered survey `year` in the demo file."""
    answers = pd.read_excel(SAMPLE_DIR / "survey.xlsx", dtype={"commune": str})
    return set(answers.loc[answers["année"] == year, "commune"])


def test_the_2017_survey_is_the_one_before_the_centrale(demo_page):
    """Summer 2017 (seeds): the survey followed from the opening until the 2020 one is sent."""
    for day in (dt.date(2019, 1, 1), dt.date(2020, 3, 1)):
        at = demo_page(day)
        assert not at.exception, at.exception
        assert at.selectbox(key="survey_year").value == 2017
    at = demo_page(dt.date(2020, 3, 2))  # the 2020 campaign is sent that day
    assert at.selectbox(key="survey_year").value == 2020
    assert at.selectbox(key="survey_year").options == ["2020", "2017"]


def test_current_survey_shortlist_names_the_growing_needs(demo_page):
    at = demo_page(dt.date(2026, 11, 24))
    shortlist = [m.value for m in at.markdown if m.value.startswith(("**1.", "**2."))]
    assert any("Capteurs de stationnement" in s for s in shortlist)


def test_answers_export_neutralises_formula_cells(tmp_path, monkeypatch, downloads):
    survey = (
        SURVEY.splitlines()[0]
        + "\n"
        + (
            '2024;Arlon;=HYPERLINK("http://x");1;2025;;11/03/2024;@SUM(A1);+33 relances\n'
            "2024;Attert;-2 capteurs;2;2025;;12/03/2024;Échevin;=1+1\n"
        )
    )
    config = tiny_settings(tmp_path, survey)
    monkeypatch.setenv("CENTRALE_DB", str(config.db_path))
    monkeypatch.setenv("CENTRALE_SOURCES", str(config.sources_dir))
    monkeypatch.setenv("CENTRALE_USERS", str(tmp_path / "no-users.toml"))
    at = run_page(dt.date(2024, 12, 31))
    assert not at.exception, at.exception
    # The workbook is built when the button is clicked, not at every run of the page.
    assert [b for b in at.download_button if b.key == "survey_answers_excel"]
    assert not [d for d in downloads if d[0] and d[0].startswith("enquete-reponses-")]
    with connect_read_only(config.db_path) as con:
        day = dt.date(2024, 12, 31)
        rows = survey_queries.mark_ordered_since(
            survey_queries.survey_answers_at(con, day), survey_queries.survey_orders_at(con, day)
        )
    data = answers_workbook(rows)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Année", "Commune", "Réponse donnée par", "Arrondissement", "Adhérente"]
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert "'@SUM(A1)" in cells
    assert "'+33 relances" in cells
    assert "'-2 capteurs" in cells
    assert "'=1+1" in cells
    starts = [c for c in cells if isinstance(c, str) and c[:1] in "=+-@"]
    assert starts == []  # no cell Excel would run as a formula
    dates = [c.value for c in sheet["K"][1:]]
    assert all(isinstance(d, dt.datetime) for d in dates)  # real dates, not text


def test_answers_tab_obeys_the_survey_chosen_at_the_top(demo_page):
    at = demo_page(dt.date(2026, 11, 24))
    at.selectbox(key="survey_year").set_value(2022).run()
    assert not at.exception, at.exception
    answers = at.tabs[4].dataframe[0].value
    assert set(answers["year"]) == {2022}
    at.checkbox(key="survey_answers_every_year").check().run()
    assert len(set(at.tabs[4].dataframe[0].value["year"])) > 1
    assert at.query_params["enquete"] in ("2022", ["2022"])  # the address carries the survey


def test_a_commune_without_answer_is_said_plainly(demo_page):
    at = demo_page(dt.date(2026, 11, 24))
    at.selectbox(key="survey_year").set_value(2022).run()
    at.multiselect(key="survey_answers_communes").select("Habay").run()
    assert not at.exception, at.exception
    infos = [i.value for i in at.tabs[4].info]
    assert (
        "Habay n'a pas répondu en 2022 ; dernière réponse : 2021 ; a répondu de nouveau en 2023."
        in infos
    )


def test_shortlist_names_the_next_catalogue_from_the_data(demo_db):
    from centrale.datasets import survey
    from centrale.storage.store import connect_read_only

    with connect_read_only(demo_db) as con:
        assert survey.next_catalogue(con, dt.date(2020, 6, 1)) == "2.0"
        assert survey.next_catalogue(con, dt.date(2023, 1, 14)) == "2.0"
        assert survey.next_catalogue(con, dt.date(2023, 1, 15)) == "3.0"  # 2.0 signed


# --- The import tab's refusals (issue 21's review) ---------------------------------


def upload_export(name: str, data: bytes) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["shared_as_of"] = dt.date(2026, 11, 20)
    at.run()
    at.file_uploader(key="survey_import_file_0").set_value((name, data, "application/x"))
    return at.run()


def test_an_export_without_needs_column_is_refused_with_no_none_in_the_table(demo_page):
    from tests.survey_exports import ms_forms_rows, workbook_bytes

    rows = [[v for k, v in enumerate(r) if k != 8] for r in ms_forms_rows()]  # no needs
    at = upload_export("sans-besoins.xlsx", workbook_bytes({"Form1": rows}))
    assert not at.exception
    assert any("Rien n'a été enregistré" in e.value for e in at.error)
    (table,) = [d.value for d in at.dataframe if "Problème" in d.value.columns]
    cells = table.astype(str).to_numpy().ravel().tolist()
    assert not {"None", "nan", "<NA>", "NaT"} & set(cells), table
    by_problem = {r["Problème"][:40]: r for r in table.to_dict("records")}
    (refusal,) = [r for k, r in by_problem.items() if k.startswith("aucune colonne ne contient")]
    assert refusal["Fichier"] == "sans-besoins.xlsx" and refusal["Feuille"] == "Form1"
    assert refusal["Ligne"] == "–" and refusal["Colonne"] == "–"
    assert "Indiquez quelle colonne" in refusal["Problème"]  # what to do, in French
    # One refusal for the file, not one « sans réponse » line per respondent.
    assert not [d for d in at.dataframe if "Raison" in d.value.columns]


def test_ambiguous_dates_are_asked_in_the_browser_before_any_date_is_shown(demo_page):
    from tests.survey_exports import csv_bytes, google_sheets_rows

    stamps = ["3/9/2026 23:36:30", "3/10/2026 10:00:00", "4/2/2026 8:00:00", "4/5/2026 9:00"]
    at = upload_export("google.csv", csv_bytes(google_sheets_rows(stamps=stamps), sep=","))
    assert not at.exception
    (order,) = [r for r in at.radio if r.key == "survey_import_date_order"]
    assert order.value is None  # asked, not guessed
    assert not [b for b in at.button if b.key == "survey_import_apply"]
    tab = at.tabs[2]  # « Importer »
    shown = "\n".join(str(d.value.to_dict()) for d in tab.dataframe)
    shown += "\n".join(str(e.value) for kind in ("markdown", "caption") for e in tab.get(kind))
    assert "Arlon" in shown  # the preview is there, without dates
    for guessed in ("03/09/2026", "2026-09-03", "09/03/2026", "2026-03-09"):
        assert guessed not in shown
