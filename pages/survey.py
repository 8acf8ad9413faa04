"""Enquête des besoins (menu and title alike): follow the yearly needs survey, record and
import answers, read the results.

Five tabs: the campaign (who answered, when, who to remind, on a map), the
entry form (an answer given by phone or in a meeting), the import of a survey
tool's export, the results (rankings, trends, conversion, the 2.0 shortlist)
and the filterable answers table. Recording and importing are for editors;
both write source files and rebuild the store (see centrale.intake.survey_entry).
Each tab is drawn by its module in ui/survey/.
"""

import datetime as dt

import streamlit as st

from centrale.datasets import queries, survey
from centrale.plaintext import plain
from ui import components as ui
from ui.data import load
from ui.shell import ensure_shell
from ui.state import as_of
from ui.survey.answers import answers_tab
from ui.survey.campaign import campaign_tab
from ui.survey.common import FLASH_KEY, year_picker
from ui.survey.entry import entry_tab
from ui.survey.imports import import_tab
from ui.survey.results import results_tab

ensure_shell()


def for_survey(tab, year: int | None, day: dt.date, empty_message: str) -> None:
    """`tab(year, day)`, or `empty_message` before the first survey (`year` None)."""
    if year is None:
        ui.empty_state(empty_message)
    else:
        tab(year, day)


day = as_of()
today = dt.date.today()

st.title("Enquête des besoins")
ui.situation_caption(day)
st.caption(
    "Chaque année, IDELUX demande aux communes leurs besoins pour choisir les solutions du "
    f"prochain catalogue ({plain(load(survey.next_catalogue, day))}). Une réponse « aucun besoin » "
    "compte comme une réponse."
)
# Always drawn (empty or not), so that the tabs below keep their place in the page and
# the browser stays on the tab the person was using after a save's rerun.
flash = st.container()
if FLASH_KEY in st.session_state:
    flash.success(st.session_state.pop(FLASH_KEY), icon=":material/check_circle:")

selected = year_picker(load(survey.survey_campaigns), day, load(queries.default_survey_year, day))

tabs = st.tabs(["Campagne", "Saisir une réponse", "Importer", "Résultats", "Réponses"])
with tabs[0]:
    for_survey(campaign_tab, selected, day, "Pas de campagne à suivre à cette date.")
with tabs[1]:
    entry_tab(selected or today.year, day)
with tabs[2]:
    import_tab(selected or today.year)
with tabs[3]:
    for_survey(results_tab, selected, day, "Pas encore de résultats à cette date.")
with tabs[4]:
    for_survey(answers_tab, selected, day, "Pas encore de réponses à cette date.")
