"""Saisir une réponse tab: record (or replace) a commune's answer given by phone or in a
meeting. Saving writes a source file and rebuilds the store (centrale.intake.survey_entry)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.config import settings
from centrale.datasets import queries, survey
from centrale.domain import de
from centrale.intake import survey_entry
from centrale.names import normalise
from centrale.plaintext import plain
from centrale.semantic.model import DIMENSIONS
from ui import components as ui
from ui.auth import loaded_by
from ui.data import load
from ui.survey.common import (
    ANSWER_DETAIL_COLUMNS,
    FLASH_KEY,
    PRIORITY_LABELS,
    answer_texts,
    campaign_dates,
    campaign_years,
    editors_only,
    new_need_labels,
    write_and_rebuild,
)


def entry_tab(default: int, day: dt.date) -> None:
    """The answer form, for editors; `default` is the survey year proposed first."""
    if not editors_only("enregistrer une réponse"):
        return
    today = dt.date.today()
    st.write(
        "Pour une commune qui a répondu par téléphone ou en réunion. La réponse est "
        "enregistrée avec les autres fichiers de la centrale, les chiffres sont mis à jour "
        "et la réponse compte aussitôt. Modifier une réponse la remplace ; l'ancienne "
        "version est gardée dans l'historique."
    )
    if day < today:
        st.warning(
            f"La date de situation est le {fmt.date(day)} : une réponse datée d'après cette "
            "date n'apparaîtra pas dans les autres onglets tant que la date n'est pas changée "
            "dans la barre latérale."
        )
    campaigns = load(survey.survey_campaigns)
    choices = [y for y in campaign_years(campaigns, today) if y <= today.year]
    left, right = st.columns(2)
    year = left.selectbox(
        "Année de l'enquête",
        choices,
        index=choices.index(default) if default in choices else 0,
        key="survey_entry_year",
    )
    sent_on, deadline = campaign_dates(campaigns, year)
    reference_day = min(today, deadline or dt.date(year, 12, 31))
    communes = load(queries.communes_list, reference_day)
    names = dict(zip(communes["nis_code"], communes["name_fr"]))
    nis = right.selectbox(
        DIMENSIONS["commune"].label,
        list(names),
        format_func=names.get,
        index=None,
        placeholder="Rechercher une commune…",
        key="survey_entry_commune",
    )
    if nis is None:
        st.caption("Choisissez une commune pour afficher le formulaire.")
        return

    config = settings()
    every_answer = load(survey.survey_answers_at, today)
    current = survey.answer_of(every_answer, year, nis)
    catalogue = load(queries.solutions)
    solution_names = dict(zip(catalogue["solution_id"], catalogue["name_fr"]))
    if not current.empty:
        when = current["submitted_on"].dropna()
        st.info(
            f"**{plain(names[nis])} a déjà répondu à l'enquête {plain(year)}**"
            + (f" le {fmt.date(when.iloc[0])}" if len(when) else "")
            + ". Enregistrer remplacera cette réponse ; l'ancienne version est conservée dans "
            "les sources.",
            icon=":material/edit:",
        )
        _show_answer(current)
        versions = survey_entry.previous_versions(config, year, nis)
        if len(versions):
            st.caption(
                fmt.count(
                    len(versions), "version précédente conservée", "versions précédentes conservées"
                )
                + " : "
                + ", ".join(versions["file"])
            )

    prefix = f"survey_entry_{year}_{nis}"
    had_none = bool(len(current)) and bool(current["no_needs"].all())
    first = current.iloc[0] if len(current) else None
    cols = st.columns([1, 2])
    submitted_on = cols[0].date_input(
        "Date de réponse",
        value=pd.Timestamp(first["submitted_on"]).date()
        if first is not None and pd.notna(first["submitted_on"])
        else today,
        min_value=dt.date(year - 1, 1, 1),
        max_value=today,
        format="DD/MM/YYYY",
        key=f"{prefix}_date",
    )
    respondent = cols[1].text_input(
        "Répondant (fonction, pas de nom)",
        value=first["respondent"] if first is not None and pd.notna(first["respondent"]) else "",
        placeholder="Par exemple : Directeur général, Échevin du numérique",
        key=f"{prefix}_respondent",
    )
    no_needs = st.checkbox(
        "Aucun besoin cette année",
        value=had_none,
        key=f"{prefix}_none",
        help="Une réponse « aucun besoin » compte comme une réponse à l'enquête.",
    )
    needs = []
    comment = None
    if no_needs:
        comment = st.text_input(
            "Commentaire",
            value=first["comment"] if had_none and pd.notna(first["comment"]) else "",
            key=f"{prefix}_none_comment",
        )
    else:
        needs = _need_fields(prefix, year, current, solution_names, new_need_labels(every_answer))

    ready = no_needs or bool(needs)
    if st.button(
        "Enregistrer la réponse" if current.empty else "Remplacer la réponse",
        type="primary",
        disabled=not ready,
        key=f"{prefix}_save",
    ):
        answer = survey_entry.SurveyAnswer(
            year=int(year),
            commune_nis=nis,
            submitted_on=submitted_on,
            respondent=respondent or None,
            needs=tuple(needs),
            comment=comment or None,
        )
        saved = write_and_rebuild(
            lambda: survey_entry.save_answer(config, answer, loaded_by()),
            spinner="Enregistrement et reconstruction de la base…",
            errors_key=f"{prefix}_errors",
            refused="enregistré",
        )
        if saved is None:
            return
        what = "aucun besoin" if not needs else fmt.count(len(needs), "besoin")
        replaced = " (réponse précédente conservée dans l'historique)" if saved.archived else ""
        st.session_state[FLASH_KEY] = (
            f"Réponse {de(names[nis])} à l'enquête {year} enregistrée : {what}{replaced}. "
            f"Base reconstruite en {fmt.number(saved.build.seconds, 1)} s."
        )
        st.rerun()


def _need_fields(
    prefix: str,
    year: int,
    current: pd.DataFrame,
    solution_names: dict[str, str],
    new_labels: list[str],
) -> list[survey_entry.NeedEntry]:
    """The needs picked and, for each, its priority, horizon, budget and comment; the
    fields start from the commune's `current` answer."""
    existing = [
        s if isinstance(s, str) else lab
        for s, lab in zip(current["need_solution_id"], current["need_label"])
        if isinstance(s, str) or isinstance(lab, str)
    ]
    options = list(solution_names) + [lab for lab in new_labels if lab not in solution_names]
    options += [e for e in existing if e not in options]
    picked = st.multiselect(
        "Besoins",
        options,
        default=existing,
        format_func=lambda v: solution_names.get(v, v),
        accept_new_options=True,
        placeholder="Choisir dans le catalogue, ou taper un nouveau besoin puis Entrée",
        key=f"{prefix}_needs",
        help="Les solutions du catalogue, les nouveaux besoins déjà exprimés par d'autres "
        "communes, ou un nouveau besoin tapé librement.",
    )
    before = {
        (s if isinstance(s, str) else lab): row
        for s, lab, row in zip(
            current["need_solution_id"], current["need_label"], current.to_dict("records")
        )
    }
    if picked:
        st.markdown("**Détail de chaque besoin**")
    needs = []
    for need in picked:
        old = before.get(need, {})
        key = f"{prefix}_{normalise(need).replace(' ', '_')}"
        row = st.columns([3, 2, 2, 2, 3])
        row[0].markdown(f"**{plain(solution_names.get(need, need))}**")
        if need not in solution_names:
            row[0].caption("nouveau besoin")
        priority = row[1].selectbox(
            "Priorité",
            [1, 2, 3],
            index=[1, 2, 3].index(int(old["priority"])) if pd.notna(old.get("priority")) else 0,
            format_func=PRIORITY_LABELS.get,
            key=f"{key}_priority",
        )
        horizon = row[2].number_input(
            "Année souhaitée",
            min_value=year,
            max_value=year + 10,
            value=int(old["horizon"]) if pd.notna(old.get("horizon")) else year + 1,
            step=1,
            key=f"{key}_horizon",
        )
        budget = row[3].number_input(
            "Budget (€, facultatif)",
            min_value=0.0,
            value=float(old["budget_eur"]) if pd.notna(old.get("budget_eur")) else None,
            step=500.0,
            format="%.0f",
            key=f"{key}_budget",
        )
        need_comment = row[4].text_input(
            "Commentaire",
            value=old["comment"] if pd.notna(old.get("comment")) else "",
            key=f"{key}_comment",
        )
        needs.append(
            survey_entry.NeedEntry(need, priority, int(horizon), budget, need_comment or None)
        )
    if not picked:
        st.caption(
            "Aucun besoin choisi : cochez « Aucun besoin cette année » si c'est la réponse "
            "de la commune."
        )
    return needs


def _show_answer(rows: pd.DataFrame) -> None:
    """The commune's current answer, one row per need (read-only, no download)."""
    ui.styled_table(
        answer_texts(rows, lambda p: PRIORITY_LABELS.get(int(p), str(p))),
        [
            ui.Col("need_text", "Besoin"),
            *ANSWER_DETAIL_COLUMNS,
            ui.Col("source_file", "Fichier source"),
        ],
    )
