"""What several tabs of the survey page share: the survey picker, campaign dates,
display texts for blanks, the editors-only notice and writing with a rebuild."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.errors import FILE_SYSTEM_ERRORS, explain
from centrale.intake.ingest import LoadRefused, problems_frame
from centrale.plaintext import plain
from centrale.render.excel import workbook_bytes
from centrale.sources.problems import SourceError, grouped, summary_line
from centrale.storage.store import BuildCheckFailed
from ui import components as ui
from ui.auth import is_editor
from ui.state import url_value, write_param

FLASH_KEY = "survey_flash"  # message of the last save or import, shown once
YEAR_KEY, YEAR_KEPT, YEAR_PARAM = "survey_year", "survey_year_kept", "enquete"
PRIORITY_LABELS = {1: "1 — haute", 2: "2 — moyenne", 3: "3 — basse"}


def known_years(campaigns: pd.DataFrame, day: dt.date) -> list[int]:
    """The campaigns sent on or before `day` (or whose sending date is unknown)."""
    sent = pd.to_datetime(campaigns["sent_on"])
    known = campaigns[sent.isna() | (sent <= pd.Timestamp(day))]
    return [int(y) for y in known["year"]]


def year_picker(campaigns: pd.DataFrame, day: dt.date, default_year) -> int | None:
    """The survey followed by the tabs (key `survey_year`), or None before the first one
    (then the page says when the first campaign was sent)."""
    years = known_years(campaigns, day)
    if not years:
        first = campaigns.sort_values("year").head(1)
        when = (
            f" La première campagne ({int(first['year'].iloc[0])}) est partie le "
            f"{fmt.date(first['sent_on'].iloc[0])}."
            if len(first) and pd.notna(first["sent_on"].iloc[0])
            else ""
        )
        ui.empty_state(f"Aucune enquête n'avait encore été envoyée au {fmt.date(day)}.{when}")
        return None
    # The survey comes from the session, else from the address (a shared link), else
    # the latest one sent; it is written back to the address (`?enquete=2022`).
    chosen = st.session_state.get(YEAR_KEY) or st.session_state.get(YEAR_KEPT)
    if chosen not in years:
        from_url = url_value(YEAR_PARAM)
        chosen = int(from_url) if from_url and from_url.isdigit() else None
    if chosen not in years:
        chosen = default_year if default_year in years else years[0]
    st.session_state[YEAR_KEY] = chosen
    picked = st.selectbox(
        "Enquête",
        years,
        key=YEAR_KEY,
        help="L'enquête suivie dans les onglets Campagne, Résultats et Réponses.",
    )
    st.session_state[YEAR_KEPT] = picked
    write_param(YEAR_PARAM, str(picked))
    return picked


def campaign_dates(
    campaigns: pd.DataFrame, year: int | None
) -> tuple[dt.date | None, dt.date | None]:
    """(sending date, deadline) of the `year` campaign; None where unknown."""
    row = campaigns[campaigns["year"] == year]
    if row.empty:
        return None, None
    sent_on, deadline = row["sent_on"].iloc[0], row["deadline"].iloc[0]
    as_date = lambda v: None if pd.isna(v) else pd.Timestamp(v).date()  # noqa: E731
    return as_date(sent_on), as_date(deadline)


def campaign_years(campaigns: pd.DataFrame, today: dt.date) -> list[int]:
    """Every campaign year and the current one, newest first."""
    return sorted(set(int(y) for y in campaigns["year"]) | {today.year}, reverse=True)


def new_need_labels(answers: pd.DataFrame) -> list[str]:
    """The needs communes typed in (outside the catalogue), sorted, each once."""
    mask = answers["need_solution_id"].isna() & answers["need_key"].notna()
    return fmt.sorted_names(set(answers.loc[mask, "need"]))


def texts(values: Sequence, formatter: Callable[[object], str] = lambda v: str(int(v))) -> list:
    """Display texts for a column with blanks: '–' for a blank, `formatter(v)` otherwise."""
    return [fmt.MISSING if pd.isna(v) else formatter(v) for v in values]


def answer_texts(
    rows: pd.DataFrame, priority: Callable[[object], str] = lambda v: str(int(v))
) -> pd.DataFrame:
    """`rows` (answers, one per need) with the texts of `ANSWER_DETAIL_COLUMNS` and
    `need_text` ("aucun besoin" for a no-needs answer); `priority` formats a priority."""
    return rows.assign(
        need_text=rows["need"].fillna("aucun besoin"),
        priority_text=texts(rows["priority"], priority),
        horizon_text=texts(rows["horizon"]),
        budget_text=texts(rows["budget_eur"], lambda v: fmt.money(v, 0)),
    )


# The details of an answered need, as the entry form and the answers table show them.
ANSWER_DETAIL_COLUMNS = (
    ui.Col("priority_text", "Priorité"),
    ui.Col("horizon_text", "Année souhaitée"),
    ui.Col("budget_text", "Budget"),
    ui.Col("submitted_on", "Date de réponse", "date"),
    ui.Col("respondent", "Répondant"),
    ui.Col("comment", "Commentaire"),
)


def editors_only(action: str) -> bool:
    """True for an editor; otherwise say that only editors may `action` and return False."""
    if is_editor():
        return True
    ui.empty_state(
        f"Seuls les éditeurs peuvent {action}. Connectez-vous avec un compte éditeur "
        "(barre latérale)."
    )
    return False


def show_problems(problems: Sequence, key: str) -> None:
    """The errors that stopped a save or an import, and their Excel list (button `key`)."""
    errors = [p for p in problems if p.level == "erreur"]
    st.error(
        f"**{plain(summary_line(errors))}** Rien n'a été enregistré : les sources et la base "
        "restent exactement comme avant."
    )
    table = problems_frame(grouped(errors)).drop(columns="level")
    st.dataframe(ui.problems_shown(table), hide_index=True, width="stretch")
    st.download_button(
        "Télécharger la liste des erreurs (Excel)",
        data=workbook_bytes({"Erreurs": table.rename(columns=ui.PROBLEM_HEADERS)}),
        file_name="erreurs-enquete.xlsx",
        mime=ui.XLSX_MIME,
        key=key,
    )


def write_and_rebuild(write: Callable, *, spinner: str, errors_key: str, refused: str):
    """`write()` (it writes source files and rebuilds the store) and its result, or None
    after explaining in French why nothing changed; `refused` ends "rien n'a été …"."""
    try:
        with st.spinner(spinner):
            return write()
    except SourceError as exc:
        show_problems(exc.problems, key=errors_key)
    except BuildCheckFailed as exc:
        st.error(f"Contrôles de cohérence échoués, rien n'a été {plain(refused)} : {plain(exc)}")
    except LoadRefused as exc:
        st.error(plain(exc))
    except FILE_SYSTEM_ERRORS as exc:
        st.error(explain(exc))
    return None
