"""Réponses tab: every answer known on the reference date, filtered, with its Excel export."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.datasets import survey
from centrale.plaintext import plain
from centrale.render.excel import workbook_bytes
from centrale.semantic.model import DIMENSIONS
from ui import components as ui
from ui.data import load, step
from ui.survey.common import ANSWER_DETAIL_COLUMNS, answer_texts

# The Excel export's columns and headers (the table's texts, not its display formats).
ANSWER_COLUMNS = {
    "year": "Année",
    "commune": DIMENSIONS["commune"].label,
    "answered_as": "Réponse donnée par",
    "arrondissement": DIMENSIONS["arrondissement"].label,
    "member_text": "Adhérente",
    "need_text": "Besoin",
    "status_text": "Catalogue",
    "priority": "Priorité",
    "horizon": "Année souhaitée",
    "budget_eur": "Budget (€)",
    "submitted_on": "Date de réponse",
    "respondent": "Répondant",
    "comment": "Commentaire",
    "ordered_text": "Commandé depuis",
    "source_file": "Fichier source",
}


def answers_tab(year: int, day: dt.date) -> None:
    """The answers known on `day`, first filtered on the `year` survey."""
    answers = load(
        survey.mark_ordered_since,
        step(survey.survey_answers_at, day),
        step(survey.survey_orders_at, day),
    )
    if answers.empty:
        ui.empty_state("Aucune réponse à une enquête à cette date.")
        return
    rows, picked_communes, every_year = _filtered(answers, year)
    if not every_year:
        for line in not_answered(answers, picked_communes, year):
            st.info(line, icon=":material/mark_email_unread:")
    st.caption(
        f"{fmt.count(len(rows), 'ligne')}, {fmt.count(rows['commune'].nunique(), 'commune')}"
        + ("." if every_year else f", enquête {plain(year)}.")
    )
    if rows.empty:
        ui.empty_state("Aucune réponse ne correspond à ces filtres.")
        return
    columns = [
        ui.Col("year", "Année"),
        ui.Col.dim("commune"),
        ui.Col(
            "answered_as",
            "Réponse donnée par",
            help="La commune qui a répondu, quand elle "
            "a depuis fusionné avec celle de la colonne « Commune ».",
        ),
        ui.Col("member_text", "Adhérente"),
        ui.Col("need_text", "Besoin"),
        ui.Col("status_text", "Catalogue"),
        *ANSWER_DETAIL_COLUMNS,
        ui.Col(
            "ordered_text",
            "Commandé depuis",
            help="La commune a commandé cette solution du catalogue depuis sa réponse.",
        ),
    ]
    # Display texts for the rows on screen only: at scale a survey has ~20,000 answers.
    shown = _with_display_texts(rows.head(ui.MAX_TABLE_ROWS))
    ui.styled_table(shown, columns, height=420)
    if len(rows) > len(shown):
        st.caption(
            f"Affichage des {fmt.number(len(shown))} premières lignes sur "
            f"{fmt.number(len(rows))} : le fichier Excel les contient toutes."
        )
    _excel_button(rows, day)


def answers_workbook(rows: pd.DataFrame) -> bytes:
    """The Excel file of `rows` (answers as `answers_tab` filters them): the table's
    texts under `ANSWER_COLUMNS`' headers, formula-like cells neutralised."""
    export = _with_display_texts(rows)[list(ANSWER_COLUMNS)]
    return workbook_bytes({"Réponses": export}, headers=ANSWER_COLUMNS)


def _excel_button(rows: pd.DataFrame, day: dt.date) -> None:
    """The Excel file of every filtered row, built only when clicked: a workbook costs
    ~50 ms for the demo's answers and seconds for ~20,000, and every rerun of the page
    (any click on any tab) would pay for it."""
    st.download_button(
        "Télécharger en Excel",
        data=lambda: answers_workbook(rows),
        file_name=f"enquete-reponses-{day.isoformat()}.xlsx",
        mime=ui.XLSX_MIME,
        key="survey_answers_excel",
        icon=":material/download:",
        on_click="ignore",
    )


def not_answered(answers: pd.DataFrame, communes: list[str], year: int) -> list[str]:
    """For each of `communes` with no answer to the `year` survey among `answers` (as
    known on the page's date), the plain sentence: "Habay n'a pas répondu en 2022 ;
    dernière réponse : 2021." (and the next answer, when it answered again since)."""
    lines = []
    for commune in communes:
        own = answers[(answers["commune"] == commune) | (answers["answered_as"] == commune)]
        years = set(int(y) for y in own["year"])
        if year in years:
            continue
        before = [y for y in years if y < year]
        after = [y for y in years if y > year]
        line = f"{commune} n'a pas répondu en {year} ; " + (
            f"dernière réponse : {max(before)}" if before else "aucune réponse avant"
        )
        if after:
            line += f" ; a répondu de nouveau en {min(after)}"
        lines.append(line + ".")
    return lines


def _filtered(answers: pd.DataFrame, year: int) -> tuple[pd.DataFrame, list[str], bool]:
    """The filter widgets, and (the answers they keep, newest survey first; the communes
    picked; whether every survey is shown rather than the `year` one chosen at the top)."""
    row1 = st.columns([1, 2, 2])
    every_year = row1[0].checkbox(
        "Toutes les enquêtes",
        key="survey_answers_every_year",
        help=f"Sinon, seulement l'enquête {year}, choisie en haut de la page.",
    )
    # Communes that answered (and, after a merger, under their old name too).
    commune_names = fmt.sorted_names(set(answers["commune"]) | set(answers["answered_as"]))
    picked_communes = row1[1].multiselect(
        "Communes", commune_names, key="survey_answers_communes", placeholder="Toutes"
    )
    need_names = fmt.sorted_names(answers["need"].dropna().unique())
    picked_needs = row1[2].multiselect(
        "Besoins", need_names, key="survey_answers_needs", placeholder="Tous"
    )
    row2 = st.columns([3, 3, 3])
    membership = row2[0].radio(
        "Communes",
        ["toutes", "adhérentes", "non adhérentes"],
        horizontal=True,
        key="survey_answers_members",
    )
    not_ordered = row2[1].checkbox(
        "Pas encore commandés",
        key="survey_answers_not_ordered",
        help="Seulement les besoins que la commune n'a pas commandés depuis sa réponse "
        "(solutions du catalogue non commandées, et tous les nouveaux besoins).",
    )
    search = row2[2].text_input("Rechercher (commentaire, répondant)", key="survey_answers_search")

    rows = answers
    if not every_year:
        rows = rows[rows["year"] == year]
    if picked_communes:
        rows = rows[
            rows["commune"].isin(picked_communes) | rows["answered_as"].isin(picked_communes)
        ]
    if picked_needs:
        rows = rows[rows["need"].isin(picked_needs)]
    if membership != "toutes":
        rows = rows[rows["member"] == (membership == "adhérentes")]
    if not_ordered:
        rows = rows[~rows["no_needs"].astype(bool) & ~rows["ordered_since"]]
    if search.strip():
        text = search.strip().lower()
        rows = rows[
            rows["comment"].fillna("").str.lower().str.contains(text, regex=False)
            | rows["respondent"].fillna("").str.lower().str.contains(text, regex=False)
        ]
    rows = rows.sort_values(
        ["year", "commune", "priority"], ascending=[False, True, True], key=fmt.frame_sort_key
    )
    return rows, list(picked_communes), every_year


def _with_display_texts(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` with the texts shown and exported: blanks as '–', yes/no, catalogue or new."""
    return answer_texts(rows).assign(
        member_text=rows["member"].map({True: "oui", False: "non"}),
        status_text=[
            "" if n else (f"catalogue {c}" if isinstance(c, str) else "nouveau besoin")
            for n, c in zip(rows["no_needs"], rows["catalogue"])
        ],
        ordered_text=[
            "oui" if o else ("" if n or not isinstance(s, str) else "non")
            for o, n, s in zip(rows["ordered_since"], rows["no_needs"], rows["need_solution_id"])
        ],
        answered_as=[a if a != c else "" for a, c in zip(rows["answered_as"], rows["commune"])],
    )
