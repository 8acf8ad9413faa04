"""The import tab in a real browser: a 100-column full-text LimeSurvey export and a
KoboToolbox labels export mapped and imported in at most 10 actions each (a click, an
upload, a choice: each counts), the store then holding the right needs.

Each test runs its own server on a copy of the demo store and sources: the import
rebuilds the store, which the session's shared server must not see.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from centrale.datasets import survey
from centrale.storage.store import connect_read_only
from tests.browser.conftest import (
    RENDER_TIMEOUT_MS,
    VIEWPORT,
    Offline,
    assert_no_error_box,
    running_app,
    wait_rendered,
)
from tests.survey_exports import (
    csv_bytes,
    google_sheets_rows,
    kobo_wide_rows,
    limesurvey_100_columns,
    ms_forms_rows,
    workbook_bytes,
)

pytestmark = pytest.mark.browser
NEEDS_Q = "Quels sont les besoins de votre commune ?"
EXPECTED = {
    # "Bornes de recharge" is taken as the new need the demo answers already name.
    "Daverdisse": {"Éclairage public intelligent", "Bornes de recharge pour véhicules électriques"},
    "Tellin": {"E-guichet", "Wi-Fi public communal"},
    "Wellin": set(),  # answered "no needs"
    "Bouillon": {"Caméras urbaines", "Monitoring énergétique"},
}
MAX_ACTIONS = 10


class Actions:
    """What a person does, counted: clicks, uploads, choices."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1
        wait_rendered(self.page)

    def upload(self, locator, path) -> None:
        locator.set_input_files(str(path))
        self.count += 1
        wait_rendered(self.page)


@pytest.fixture
def import_app(demo_db, browser, tmp_path):
    db = tmp_path / "centrale.duckdb"
    shutil.copy(demo_db, db)
    with running_app(db, tmp_path) as server:
        context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
        offline = Offline()
        context.route("**/*", offline.route)
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.goto(server.url)  # the entry point first: it registers the pages
        wait_rendered(page)
        page.goto(f"{server.url}/survey")
        wait_rendered(page)
        try:
            yield page, server, db
        finally:
            context.close()
        assert not offline.blocked, "requêtes externes : " + ", ".join(offline.blocked)


def import_in_browser(page, server, path, question: str) -> int:
    actions = Actions(page)
    actions.click(page.get_by_role("tab", name="Importer"))
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Export de l'enquête")
    actions.upload(uploader.locator('input[type="file"]'), path)
    page.get_by_text("Correspondance des colonnes").first.wait_for(state="visible")
    assert_no_error_box(page, server)
    # The question's own box (each has a `st-key-survey_import_question_N` class).
    bulk = page.locator('[class*="st-key-survey_import_question_"]', has_text=question)
    actions.click(bulk.get_by_role("button", name="Les options de cette question sont les besoins"))
    ignore = page.get_by_role("button", name="Ignorer toutes les autres colonnes")
    if ignore.count():
        actions.click(ignore)
    page.get_by_text("Aperçu").first.wait_for(state="visible")
    assert page.get_by_text("1 réponse laissée de côté").count() or "kobo" in str(path)
    confirm = page.get_by_text("Je confirme le remplacement de", exact=False)
    if confirm.count():  # the demo already holds 2026 answers of these communes
        actions.click(confirm)
    actions.click(page.get_by_role("button", name="Importer ces réponses"))
    # The flash message of a finished import (the tab's own text says "importées").
    page.get_by_text(f"« {path.name} » importé").first.wait_for(state="visible")
    assert_no_error_box(page, server)
    return actions.count


def stored_needs(db) -> dict[str, set[str]]:
    with connect_read_only(db) as con:
        answers = survey.survey_answers_at(con, dt.date(2026, 12, 31))
    answers = answers[(answers["year"] == 2026) & answers["commune"].isin(list(EXPECTED))]
    out = {name: set() for name in answers["commune"]}
    for name, need, none in zip(answers["commune"], answers["need"], answers["no_needs"]):
        if not none:
            out[name].add(need)
    return out


def test_limesurvey_100_columns_in_at_most_10_actions(import_app, tmp_path, record_property):
    page, server, db = import_app
    path = tmp_path / "results-survey-2026.csv"
    path.write_bytes(csv_bytes(limesurvey_100_columns()))
    count = import_in_browser(page, server, path, NEEDS_Q)
    record_property("actions", count)
    print(f"LimeSurvey 100 colonnes : {count} actions")
    assert count <= MAX_ACTIONS
    assert stored_needs(db) == EXPECTED


def test_kobo_labels_export_in_at_most_10_actions(import_app, tmp_path, record_property):
    page, server, db = import_app
    path = tmp_path / "kobo-besoins-2026.xlsx"
    path.write_bytes(workbook_bytes({"Besoins 2026": kobo_wide_rows()}))
    count = import_in_browser(page, server, path, "Quels sont vos besoins ?")
    record_property("actions", count)
    print(f"KoboToolbox : {count} actions")
    assert count <= MAX_ACTIONS
    assert stored_needs(db) == EXPECTED


# --- Microsoft Forms and Google Forms (issue 21): ≤ 5 actions, the diff shown -------

FORMS_MAX_ACTIONS = 5
# (commune, completion time, needs ticked, typed « Autre »): Wellin ticked the form's
# « Aucun besoin » option; Paliseul ticked nothing (left out, its stored answer kept).
FORMS_DEMO = [
    ("Daverdisse", "2026-03-10 10:00:00", ["Éclairage public intelligent"], "Bornes de recharge"),
    ("Tellin", "2026-03-11 11:00:00", ["E-guichet", "Wi-Fi public communal"], ""),
    ("Wellin", "2026-03-12 09:30:00", ["Aucun besoin"], ""),
    ("Paliseul", "2026-03-12 15:00:00", [], ""),
    ("Bouillon", "2026-03-13 14:00:00", ["Monitoring énergétique"], "Caméras urbaines"),
]
FORMS_EXPECTED = {
    "Daverdisse": {"Éclairage public intelligent"},  # « Bornes de recharge »: proposed only
    "Tellin": {"E-guichet", "Wi-Fi public communal"},
    "Wellin": set(),
    "Bouillon": {"Monitoring énergétique"},  # « Caméras urbaines »: proposed only
}


def forms_in_browser(page, server, path, order: str | None = None) -> int:
    """Upload, (choose the date order when asked,) read the diff, confirm the removals,
    import: the actions counted."""
    actions = Actions(page)
    actions.click(page.get_by_role("tab", name="Importer"))
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Export de l'enquête")
    actions.upload(uploader.locator('input[type="file"]'), path)
    if order:  # every date ambiguous: refused until the person says the order
        page.get_by_text("Ordre des dates", exact=False).first.wait_for(state="visible")
        assert page.get_by_role("button", name="Importer ces réponses").count() == 0
        assert page.get_by_text("jour et mois ne peuvent être distingués", exact=False).count()
        actions.click(page.get_by_text(order, exact=True))
    page.get_by_text("Changements par commune").first.wait_for(state="visible")
    assert_no_error_box(page, server)
    waiting = page.get_by_text("Import en attente d'une décision", exact=False)
    if waiting.count():  # Microsoft's yes/no « … projet Smart ? »: no column it can place
        assert page.get_by_role("button", name="Importer ces réponses").is_disabled()
        actions.click(page.get_by_role("button", name="Ignorer toutes les autres colonnes"))
        assert not waiting.count()
    assert page.locator(".st-key-survey_import_changes").is_visible()  # the diff table
    page.locator(".st-key-survey_import_changes").screenshot(path=str(path.parent / "diff.png"))
    assert page.get_by_text("1 réponse laissée de côté").count()  # Paliseul
    assert page.get_by_text("2 réponses hors catalogue").count()  # the typed « Autre »
    apply = page.get_by_role("button", name="Importer ces réponses")
    assert apply.is_disabled()  # removals wait for the confirmation
    actions.click(page.get_by_text("Je confirme le remplacement de", exact=False))
    actions.click(apply)
    page.get_by_text(f"« {path.name} » importé").first.wait_for(state="visible")
    assert page.get_by_text("laissée de côté (gardées dans l'historique", exact=False).count()
    assert_no_error_box(page, server)
    return actions.count


def stored_forms_needs(db) -> dict[str, set[str]]:
    with connect_read_only(db) as con:
        answers = survey.survey_answers_at(con, dt.date(2026, 12, 31))
    answers = answers[
        (answers["year"] == 2026) & answers["commune"].isin(["Paliseul", *FORMS_EXPECTED])
    ]
    out = {name: set() for name in answers["commune"]}
    for name, need, none in zip(answers["commune"], answers["need"], answers["no_needs"]):
        if not none:
            out[name].add(need)
    return out


@pytest.mark.parametrize("tool", ["microsoft", "google", "google-ambiguous-dates"])
def test_forms_export_mapped_and_applied_in_at_most_5_actions(
    import_app, tmp_path, record_property, tool
):
    page, server, db = import_app
    before = stored_forms_needs(db)["Paliseul"]
    if tool == "microsoft":
        path = tmp_path / "Enquête besoins 2026(1-5).xlsx"
        path.write_bytes(workbook_bytes({"Form1": ms_forms_rows(FORMS_DEMO)}))
    elif tool == "google":  # the Sheets download: `, ` joins, US timestamps (3/13 settles)
        stamps = ["3/10/2026 10:00:00", "3/11/2026 11:00:00", "3/12/2026 9:30:00",
                  "3/12/2026 15:00:00", "3/13/2026 14:00:00"]  # fmt: skip
        path = tmp_path / "Enquête besoins 2026 (réponses).csv"
        path.write_bytes(csv_bytes(google_sheets_rows(FORMS_DEMO, stamps), sep=",", bom=False))
    else:  # every day ≤ 12: 3/9/2026 is 9 March or 3 September, the import asks
        stamps = ["3/9/2026 10:00:00", "3/10/2026 11:00:00", "3/11/2026 9:30:00",
                  "3/12/2026 15:00:00", "4/1/2026 14:00:00"]  # fmt: skip
        path = tmp_path / "Enquête besoins 2026 (dates).csv"
        path.write_bytes(csv_bytes(google_sheets_rows(FORMS_DEMO, stamps), sep=",", bom=False))
    order = "mois/jour (03/13)" if tool == "google-ambiguous-dates" else None
    count = forms_in_browser(page, server, path, order)
    record_property("actions", count)
    print(f"{tool} Forms : {count} actions")
    assert count <= FORMS_MAX_ACTIONS
    stored = stored_forms_needs(db)
    assert {k: v for k, v in stored.items() if k != "Paliseul"} == FORMS_EXPECTED
    assert stored["Paliseul"] == before  # left out: its stored answer untouched


def test_forms_export_without_needs_column_is_refused_without_apply_button(import_app, tmp_path):
    page, server, db = import_app
    rows = [[v for k, v in enumerate(r) if k != 8] for r in ms_forms_rows(FORMS_DEMO)]
    path = tmp_path / "Enquête sans besoins.xlsx"
    path.write_bytes(workbook_bytes({"Form1": rows}))
    before = stored_forms_needs(db)
    page.get_by_role("tab", name="Importer").click()
    wait_rendered(page)
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Export de l'enquête")
    uploader.locator('input[type="file"]').set_input_files(str(path))
    wait_rendered(page)
    page.get_by_text("Rien n'a été enregistré", exact=False).first.wait_for(state="visible")
    assert_no_error_box(page, server)
    assert page.get_by_text("aucune colonne ne contient les besoins", exact=False).count()
    assert page.get_by_role("button", name="Importer ces réponses").count() == 0
    assert stored_forms_needs(db) == before
