"""Importer tab: a survey tool's export (long format, or a LimeSurvey / KoboToolbox wide
export mapped column by column), checked, then written and rebuilt in one step
(centrale.sources.survey_import)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from centrale import fmt, queries, survey
from centrale.config import settings
from centrale.ingest import UploadRefused, problems_frame
from centrale.sources import survey_import
from ui import components as ui
from ui.auth import loaded_by
from ui.data import load
from ui.survey.common import (
    FLASH_KEY,
    campaign_years,
    editors_only,
    new_need_labels,
    show_problems,
    write_and_rebuild,
)

UPLOAD_ROUND = "survey_import_round"  # bumped to empty the uploader after an import


def import_tab(default: int) -> None:
    """The upload, its preview and checks, and the import button, for editors; `default`
    is the survey year proposed when the export has no year column."""
    if not editors_only("importer des réponses"):
        return
    config = settings()
    st.write(
        "Importez l'export de l'outil d'enquête : le **format long** des fichiers sources "
        "(une ligne par commune et besoin) ou l'**export large** de LimeSurvey ou "
        "KoboToolbox (une ligne par commune, une colonne par question, une colonne par case "
        "cochée avec `Y`, `Oui`, `1` ou `True`). Les réponses importées remplacent celles "
        "des mêmes communes pour la même enquête ; les anciennes versions restent dans "
        "l'historique des sources."
    )
    round_ = st.session_state.get(UPLOAD_ROUND, 0)
    uploaded = st.file_uploader(
        "Export de l'enquête",
        type=["xlsx", "csv"],
        max_upload_size=max(1, config.max_upload_bytes // (1024 * 1024)),
        key=f"survey_import_file_{round_}",
    )
    if uploaded is None:
        return
    try:
        export = survey_import.receive(config, uploaded.name, uploaded.getvalue())
    except UploadRefused as exc:
        st.error(f"**Fichier refusé.** {exc}")
        return
    if any(p.level == "erreur" for p in export.problems):
        show_problems(export.problems, key="survey_import_read_errors")
        return
    layout = "format long" if export.layout == "long" else f"export large ({export.tool})"
    st.markdown(
        f"**{export.name}** : {layout}, {len(export.headers)} colonnes, "
        f"{fmt.number(len(export.rows))} ligne(s)."
    )
    long_rows = None
    if export.layout == "wide":
        long_rows = _mapping_step(export, default)
        if long_rows is None:
            return
        preview = survey_import.preview(long_rows)
        st.markdown(
            f"**Aperçu : {fmt.number(len(preview))} ligne(s) au format long** pour "
            f"{fmt.number(preview['commune'].nunique())} commune(s)."
        )
        st.dataframe(preview.head(300), hide_index=True, width="stretch", height=260)
    else:
        st.dataframe(
            pd.DataFrame(export.rows[:300], columns=export.headers).astype(str),
            hide_index=True,
            width="stretch",
            height=260,
        )
    name = survey_import.long_file_name(export, dt.datetime.now())
    with st.spinner("Vérification…"):
        problems = survey_import.check(config, export, long_rows, name)
    if any(p.level == "erreur" for p in problems):
        show_problems(problems, key="survey_import_errors")
        return
    warnings = [p for p in problems if p.level != "erreur"]
    if warnings:
        with st.expander(f"{len(warnings)} avertissement(s) (n'empêchent pas l'import)"):
            st.dataframe(
                problems_frame(warnings).rename(columns=ui.PROBLEM_HEADERS),
                hide_index=True,
                width="stretch",
            )
    if st.button("Importer ces réponses", type="primary", key="survey_import_apply"):
        saved = write_and_rebuild(
            lambda: survey_import.import_export(config, export, long_rows, loaded_by()),
            spinner="Import et reconstruction de la base…",
            errors_key="survey_import_build_errors",
            refused="importé",
        )
        if saved is None:
            return
        replaced = sum(saved.trimmed.values())
        st.session_state[UPLOAD_ROUND] = round_ + 1
        st.session_state[FLASH_KEY] = (
            f"« {export.name} » importé ({saved.written[0].name}). "
            + (
                f"{fmt.number(replaced)} ligne(s) plus anciennes des mêmes communes remplacées "
                "(conservées dans l'historique). "
                if replaced
                else ""
            )
            + f"Base reconstruite en {fmt.number(saved.build.seconds, 1)} s."
        )
        st.rerun()


def _mapping_step(export, default: int):
    """What each column of a wide export holds, proposed from its header and decided by
    the editor where unsure; the export's rows in the long format, or None (with the
    reason shown) while a column is still to decide."""
    today = dt.date.today()
    catalogue = load(queries.solutions)
    every_answer = load(survey.survey_answers_at, today)
    options = survey_import.need_options(catalogue, new_need_labels(every_answer))
    proposed = survey_import.propose_mapping(export, options)
    key = f"survey_import_{abs(hash((export.name, len(export.data)))) % 10**8}"
    show_all = st.toggle(
        "Revoir aussi les colonnes reconnues",
        key=f"{key}_all",
        help="Par défaut, seules les colonnes incertaines demandent une décision.",
    )
    need_names = {o.value: o.name for o in options}
    roles = list(survey_import.ROLE_LABELS)
    mapping = list(proposed)
    to_ask = [c for c in proposed if show_all or not c.sure or c.role is None]
    if to_ask:
        st.markdown(
            "**Colonnes à préciser** — pour chaque colonne, dites ce qu'elle contient "
            "(les propositions viennent des en-têtes)."
        )
    for choice in to_ask:
        sample = [
            str(r[choice.position]).strip()
            for r in export.rows[:40]
            if r[choice.position] is not None and str(r[choice.position]).strip()
        ][:3]
        cols = st.columns([3, 2, 2])
        cols[0].markdown(f"**{choice.header}**")
        cols[0].caption(
            (choice.reason or "") + (f" · exemples : {', '.join(sample)}" if sample else "")
        )
        role = cols[1].selectbox(
            "Contenu",
            roles,
            index=roles.index(choice.role) if choice.role else None,
            format_func=survey_import.ROLE_LABELS.get,
            placeholder="À préciser…",
            key=f"{key}_role_{choice.position}",
        )
        need = None
        if role in survey_import.NEED_ROLES:
            need_choices = list(need_names)
            if choice.need and choice.need not in need_names:
                need_choices.append(choice.need)  # the option's text, as a new need
            need = cols[2].selectbox(
                "Besoin",
                need_choices,
                index=need_choices.index(choice.need) if choice.need in need_choices else None,
                format_func=lambda v: need_names.get(v, f"{v} (nouveau besoin)"),
                placeholder="Quel besoin ?",
                key=f"{key}_need_{choice.position}",
            )
        if role is not None:
            mapping = survey_import.apply_choice(mapping, choice.position, role, need)
        elif choice.role is not None:
            mapping = [
                c
                if c.position != choice.position
                else survey_import.ColumnChoice(c.position, c.header, None)
                for c in mapping
            ]
    with st.expander("Correspondance complète des colonnes"):
        st.dataframe(
            survey_import.mapping_table(mapping, options), hide_index=True, width="stretch"
        )
    has_year = any(c.role == "year" for c in mapping)
    year = None
    if not has_year:
        choices = campaign_years(load(survey.survey_campaigns), today)
        year = st.selectbox(
            "Enquête (le fichier n'a pas de colonne « année »)",
            choices,
            index=choices.index(default) if default in choices else 0,
            key=f"{key}_year",
        )
    blocking = survey_import.mapping_problems(mapping)
    if blocking:
        st.warning("Avant d'importer : " + " ; ".join(blocking) + ".")
        return None
    return survey_import.to_long(export, mapping, year)
