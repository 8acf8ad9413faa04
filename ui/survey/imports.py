"""Importer tab: a survey tool's export (long format, or a LimeSurvey, KoboToolbox,
Microsoft Forms or Google Forms wide export whose columns are mapped first), checked,
shown as what it changes per commune, then written and rebuilt in one step.

The same path as `python -m etl survey-import`: `survey_import.plan_import` then
`apply_plan`. The mapping step is meant to take a few actions on a 100-column
export: the tools' conventions decide most columns, a column the import cannot
place (an uncertain guess, an unknown « Budget estimé (€) ») waits for a
decision — mapped, or « Ignorer cette colonne » — and « Importer » stays disabled,
saying why, until none is left; bulk choices settle a whole question (or every
remaining column) at once, and the mapping saved last time for the same
questionnaire is applied. An import that would replace stored answers waits for a
checkbox naming how many; a date column whose day/month order cannot be told waits
for the person's choice.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.config import settings
from centrale.datasets import queries, survey
from centrale.intake import survey_import as si
from centrale.intake.ingest import UploadRefused, problems_frame
from centrale.plaintext import plain
from centrale.semantic.model import DIMENSIONS
from ui import components as ui
from ui.auth import loaded_by
from ui.components import Col
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
ORDER_KEY = "survey_import_date_order"  # "dmy" | "mdy" when the dates do not say
NEW_NEED_PREFIX = "survey_import_new_"  # one choice per typed answer outside the catalogue


def import_tab(default: int) -> None:
    """The upload, its mapping, preview and checks, and the import button, for editors;
    `default` is the survey year proposed when the export has no year column."""
    if not editors_only("importer des réponses"):
        return
    config = settings()
    st.write(
        "Importez l'export de l'outil d'enquête : le **format long** des fichiers sources "
        "(une ligne par commune et besoin) ou l'**export large** de LimeSurvey, "
        "KoboToolbox, Microsoft Forms ou Google Forms (une ligne par commune, une colonne "
        "par question ou par option). Les réponses importées remplacent celles des mêmes "
        "communes pour la même enquête : l'aperçu montre ce qui est retiré et ajouté, et "
        "un retrait se confirme ; les anciennes versions restent dans l'historique des "
        "sources."
    )
    round_ = st.session_state.get(UPLOAD_ROUND, 0)
    uploaded = st.file_uploader(
        "Export de l'enquête",
        # No `type=`: with it Streamlit itself raises an English error on a name holding
        # a NUL byte, before this page runs; `receive_upload` checks the extension and
        # the name in French.
        type=None,
        # Twice the limit in the browser: a file just over it reaches the French refusal
        # below instead of the uploader's bare red icon.
        max_upload_size=2 * max(1, config.max_upload_bytes // (1024 * 1024)),
        key=f"survey_import_file_{round_}",
    )
    st.caption(
        f"Au plus {plain(config.max_upload_bytes // (1024 * 1024))} Mo par fichier : un "
        "fichier plus gros est refusé."
    )
    if uploaded is None:
        return
    try:
        export = si.receive(config, uploaded.name, uploaded.getvalue())
    except UploadRefused as exc:
        st.error(f"**Fichier refusé.** {plain(exc)}")
        return
    if any(p.level == "erreur" for p in export.problems):
        show_problems(export.problems, key="survey_import_read_errors")
        return
    st.markdown(
        f"**{plain(export.name)}** : {plain(export.layout_label)}, "
        f"{fmt.count(len(export.headers), 'colonne')}, {fmt.count(len(export.rows), 'ligne')}."
    )
    today = dt.date.today()
    mapping, year, options = None, None, None
    if export.layout == "wide":
        options = _options()  # one list for the mapping and for splitting one-cell lists
        mapping = _mapping_step(export, config, options)
        if not any(c.role == "year" for c in mapping):
            choices = campaign_years(load(survey.survey_campaigns), today)
            year = st.selectbox(
                "Enquête (le fichier n'a pas de colonne « année »)",
                choices,
                index=choices.index(default) if default in choices else 0,
                key="survey_import_year",
            )
    order = st.session_state.get(ORDER_KEY)
    decisions = {
        value[0]: value[1]
        for key, value in st.session_state.items()
        if key.startswith(NEW_NEED_PREFIX) and isinstance(value, tuple)
    }
    with st.spinner("Vérification…"):
        plan = si.plan_import(
            config,
            export,
            year,
            mapping=mapping,
            options=options,
            order=order,
            decisions=decisions,
        )
    if plan.date_column or order:
        st.radio(
            f"Ordre des dates de « {plain(plan.date_column or 'la date de réponse')} »",
            list(si.DATE_ORDERS),
            index=None,
            format_func=lambda o: {"dmy": "jour/mois (13/03)", "mdy": "mois/jour (03/13)"}[o],
            horizontal=True,
            key=ORDER_KEY,
            help="Toutes les dates ont jour et mois ≤ 12 : l'import ne devine pas.",
        )
        if plan.date_column:
            st.caption(
                "Jour et mois ne peuvent être distingués dans cette colonne (les deux "
                "premiers nombres de chaque date sont ≤ 12) : choisissez l'ordre, l'import "
                "ne devine pas."
            )
    _new_needs(plan, options or [])
    _preview(plan, options or [])
    if not plan.ok:
        show_problems(plan.problems, key="survey_import_errors")
        return
    warnings = [p for p in plan.problems if p.level != "erreur"]
    if warnings:
        with st.expander(f"{fmt.count(len(warnings), 'avertissement')} (n'empêchent pas l'import)"):
            st.dataframe(
                ui.problems_shown(problems_frame(warnings)),
                hide_index=True,
                width="stretch",
            )
    confirmed = True
    if plan.removals:
        confirmed = st.checkbox(
            "Je confirme le remplacement de "
            + fmt.count(plan.replaced, "réponse déjà enregistrée", "réponses déjà enregistrées")
            + f" ({plain(plan.changes_line())} ; voir « Changements par commune »)",
            key="survey_import_confirm",
        )
    waiting = _waiting(plan)
    if st.button(
        "Importer ces réponses",
        type="primary",
        key="survey_import_apply",
        disabled=bool(waiting) or not confirmed,
        help="Décidez d'abord des colonnes à placer (voir ci-dessus)." if waiting else None,
    ):
        saved = write_and_rebuild(
            lambda: si.apply_plan(config, plan, loaded_by(), confirmed=confirmed),
            spinner="Import et reconstruction de la base…",
            errors_key="survey_import_build_errors",
            refused="importé",
        )
        if saved is None:
            return
        st.session_state[UPLOAD_ROUND] = round_ + 1
        st.session_state[FLASH_KEY] = _done_message(plan, saved)
        for key in [k for k in st.session_state if str(k).startswith(NEW_NEED_PREFIX)]:
            del st.session_state[key]
        st.session_state.pop(ORDER_KEY, None)
        st.rerun()


def _waiting(plan) -> list:
    """The columns the import waits on, said above the disabled « Importer » (French)."""
    waiting = plan.undecided
    if waiting:
        st.warning(
            "**Import en attente d'une décision** : "
            + fmt.count(
                len(waiting),
                "colonne que l'import ne sait pas placer",
                "colonnes que l'import ne sait pas placer",
            )
            + " ("
            + ", ".join(f"« {plain(c.header)} »" for c in waiting[:12])
            + (" …" if len(waiting) > 12 else "")
            + "). Chaque colonne se décide avant l'import (sans quoi son contenu serait perdu "
            "sans que personne l'ait choisi) : choisissez ce qu'elle contient ou « Ignorer "
            "cette colonne » (« Décider les colonnes une par une » ci-dessus), ou « Ignorer "
            "toutes les autres colonnes ».",
            icon=":material/rule:",
        )
    return waiting


def _done_message(plan, saved) -> str:
    """The message once imported: the preview's changes line (answers replaced and new,
    needs removed and added), the columns ignored by decision and the responses left out
    (both also in the load history)."""
    export = plan.export
    left_out = plan.left_out_lines()
    ignored = plan.ignored_columns
    return (
        f"« {plain(export.name)} » importé ({plain(saved.written[0].name)}). "
        + f"{plain(plan.changes_line())}."
        + (
            " Les anciennes versions restent dans l'historique des sources. "
            if plan.replaced
            else " "
        )
        + f"Base reconstruite en {fmt.number(saved.build.seconds, 1)} s."
        + (
            "\n\n"
            + fmt.count(
                len(ignored),
                "colonne ignorée sur décision",
                "colonnes ignorées sur décision",
            )
            + " (noté dans l'historique des chargements) : "
            + ", ".join(f"« {plain(h)} »" for h in ignored)
            if ignored
            else ""
        )
        + (
            "\n\n"
            + fmt.count(len(left_out), "réponse laissée de côté", "réponses laissées de côté")
            + " (gardées dans l'historique des chargements) :\n"
            + "\n".join(f"- {plain(line)}" for line in left_out)
            if left_out
            else ""
        )
    )


def _options():
    catalogue = load(queries.solutions)
    return si.need_options(
        catalogue, new_need_labels(load(survey.survey_answers_at, dt.date.today()))
    )


def _mapping_step(export, config, options) -> list:
    """The mapping, kept in the session while the person decides: proposed (or the
    saved one), changed by bulk choices and, where wanted, column by column."""
    key = f"survey_import_{abs(hash((export.name, len(export.data)))) % 10**8}"
    if f"{key}_mapping" not in st.session_state:
        mapping = si.propose_mapping(export, options)
        saved = si.saved_mapping(config.sources_dir, export.headers)
        if saved:
            mapping = si.apply_saved(mapping, saved)
        st.session_state[f"{key}_mapping"] = mapping
        st.session_state[f"{key}_saved"] = bool(saved)
        st.session_state[f"{key}_version"] = 0
    mapping = st.session_state[f"{key}_mapping"]
    if st.session_state[f"{key}_saved"]:
        st.info(
            "Correspondance des colonnes reprise de l'import précédent de ce questionnaire "
            "(enregistrée à côté des sources)."
        )

    def update(change, *args) -> None:
        st.session_state[f"{key}_mapping"] = change(st.session_state[f"{key}_mapping"], *args)
        st.session_state[f"{key}_version"] += 1  # the column widgets start again from it

    review = si.to_review(mapping)
    decided = [c for c in mapping if c.decided and c not in review]
    used = sum(1 for c in mapping if c.role not in (None, "ignore") and c not in review)
    ignored = len(mapping) - used - len(review)
    st.markdown(
        f"**Correspondance des colonnes** : {fmt.count(used, 'colonne lue', 'colonnes lues')}, "
        + fmt.count(len(review), "colonne à décider", "colonnes à décider")
        + ", "
        + fmt.count(ignored, "colonne ignorée", "colonnes ignorées")
        + " (colonnes techniques de l'outil ou ignorées sur décision)."
    )
    names = {o.value: o.name for o in options}
    for index, (question, columns) in enumerate(si.questions(mapping).items()):
        needs = [c for c in columns if c.role == "need"]
        waiting = [c for c in columns if c in review]
        if not waiting and not needs:
            continue
        with st.container(border=True, key=f"survey_import_question_{index}"):
            st.markdown(f"**{plain(question)}** — {len(columns)} options")
            st.caption(
                f"Besoins : {plain(', '.join(names.get(c.need, c.need) for c in needs) or 'aucun')}"
                + (
                    f" · à décider : {plain(', '.join(c.option for c in waiting[:8]))}"
                    + ("…" if len(waiting) > 8 else "")
                    if waiting
                    else ""
                )
            )
            if waiting:
                st.button(
                    "Les options de cette question sont les besoins",
                    key=f"{key}_question_{columns[0].position}",
                    on_click=update,
                    args=(si.accept_question, question),
                )
    if review:
        cols = st.columns(2)
        cols[0].button(
            "Accepter les propositions",
            key=f"{key}_accept",
            on_click=update,
            args=(si.accept_suggestions,),
            help="Chaque colonne à décider prend le rôle proposé (entre parenthèses).",
        )
        cols[1].button(
            "Ignorer toutes les autres colonnes",
            key=f"{key}_ignore",
            on_click=update,
            args=(si.confirm_ignored,),
        )
    if review or decided:
        with st.expander(
            "Décider les colonnes une par une"
            + (f" ({fmt.count(len(review), 'à décider', 'à décider')})" if review else ""),
            expanded=0 < len(review) <= 12,
        ):
            _column_widgets([c for c in mapping if c in review or c in decided], key, names)
    with st.expander("Correspondance complète des colonnes"):
        st.dataframe(si.mapping_table(mapping, options), hide_index=True, width="stretch")
    for problem in si.mapping_problems(mapping):
        st.warning(f"Avant d'importer : {plain(problem)}.")
    # The person's choices of this run, made by the widgets above, already count.
    return st.session_state[f"{key}_mapping"]


def _column_widgets(columns, key, names) -> None:
    """One line per column to decide (and per column already decided, to change one's
    mind): what it contains — « Ignorer cette colonne » among the choices — and, for a
    need's column, which need. A column still to decide shows no choice at all, its
    proposal given beside it: an uncertain guess is never taken for a decision."""
    roles = list(si.ROLE_LABELS)
    version = st.session_state[f"{key}_version"]
    waiting = si.to_review(st.session_state[f"{key}_mapping"])
    for choice in columns:
        cols = st.columns([3, 2, 2])
        cols[0].markdown(f"**{plain(choice.header)}**")
        hint = ""
        if choice.suggestion:
            role, need = choice.suggestion
            hint = f" · proposé : {si.ROLE_LABELS[role]}" + (
                f" « {names.get(need, need)} »" if need else ""
            )
        cols[0].caption(plain(choice.reason + hint))
        pending = choice in waiting
        role = cols[1].selectbox(
            "Contenu",
            roles,
            index=None if pending or not choice.role else roles.index(choice.role),
            format_func=si.ROLE_LABELS.get,
            placeholder="À décider…",
            key=f"{key}_role_{choice.position}_{version}",
        )
        need = choice.need or (choice.suggestion[1] if choice.suggestion else None)
        if role in si.NEED_ROLES:
            need_choices = list(names)
            if need and need not in names:
                need_choices.append(need)  # the option's text, as a new need
            need = cols[2].selectbox(
                "Besoin",
                need_choices,
                index=need_choices.index(need) if need in need_choices else None,
                format_func=lambda v: names.get(v, f"{v} (nouveau besoin)"),
                placeholder="Quel besoin ?",
                key=f"{key}_need_{choice.position}_{version}",
            )
        if role is not None and (
            pending or (role, need if role in si.NEED_ROLES else None) != (choice.role, choice.need)
        ):
            if role not in si.NEED_ROLES or need:
                st.session_state[f"{key}_mapping"] = si.apply_choice(
                    st.session_state[f"{key}_mapping"], choice.position, role, need
                )


def _new_needs(plan, options) -> None:
    """Typed answers that name no known need: each ignored, imported as a new need or
    taken as « même besoin que » its closest existing need, as the person chooses."""
    if not plan.new_needs:
        return
    names = {o.value: o.name for o in options}
    with st.expander(
        fmt.count(len(plan.new_needs), "réponse hors catalogue", "réponses hors catalogue")
        + " : à rattacher, ajouter ou ignorer",
        expanded=any(n.closest for n in plan.new_needs.values()),
    ):
        for key, need in plan.new_needs.items():
            choices = [(key, None), (key, need.text)]
            if need.closest:
                choices.append((key, need.closest))
            default = (key, need.default)
            widget = NEW_NEED_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:12]

            def label(choice, need=need):
                if choice[1] is None:
                    return "ignorer"
                if choice[1] == need.text:
                    return f"nouveau besoin « {need.text} »"
                return f"même besoin que « {names.get(choice[1], choice[1])} »"

            st.selectbox(
                f"« {plain(need.text)} » ({plain(', '.join(need.communes))})"
                + (
                    f" — même besoin que « {plain(names.get(need.closest, need.closest))} » ?"
                    if need.closest
                    else ""
                ),
                choices,
                index=choices.index(default),
                format_func=label,
                key=widget,
            )


def _preview(plan, options) -> None:
    """What the import would write: a summary, the changes per commune against the
    answers stored, the rows, the responses left out. Needs are named as people read
    them (the catalogue's names, not its codes); every row is shown, no text is cut."""
    names = {o.value: o.name for o in options}

    def named(values) -> str:
        return ", ".join(names.get(v, v) for v in values)

    summary = plan.summary()
    st.markdown(
        "**Aperçu** : "
        f"{fmt.count(summary['communes'], 'réponse de commune', 'réponses de communes')}, "
        f"{fmt.count(summary['needs'], 'besoin')} "
        f"({fmt.count(summary['no_needs'], 'commune sans besoin', 'communes sans besoin')}), "
        + fmt.count(summary["left_out"], "réponse laissée de côté", "réponses laissées de côté")
        + "."
    )
    rows = pd.DataFrame(plan.rows())
    if len(rows):
        per_commune = (
            rows.assign(besoin=rows["need"].where(rows["need"] != "aucun besoin"))
            .groupby("commune", sort=True)["besoin"]
            .apply(lambda s: named(s.dropna()) or "aucun besoin")
            .reset_index()
        )
        ui.styled_table(per_commune, [Col.dim("commune"), Col("besoin", "Besoins")])
    if plan.changes:
        box = st.container(key="survey_import_changes")
        box.markdown(
            "**Changements par commune** (par rapport aux réponses enregistrées) : "
            f"{plain(plan.changes_line())}."
        )
        changes = pd.DataFrame(
            [
                {
                    "commune": c.commune,
                    "year": str(c.year),
                    "removed": named(c.removed),
                    "added": named(c.added),
                    "kept": named(c.kept),
                }
                for c in plan.changes
            ]
        )
        with box:
            ui.styled_table(
                changes,
                [
                    Col.dim("commune"),
                    Col("year", "Enquête"),
                    Col("removed", "Retiré"),
                    Col("added", "Ajouté"),
                    Col("kept", "Inchangé"),
                ],
            )
    if plan.left_out:
        st.dataframe(
            pd.DataFrame(
                [
                    {"Ligne": o.row, DIMENSIONS["commune"].label: o.commune, "Raison": o.reason}
                    for o in plan.left_out
                ]
            ),
            hide_index=True,
            width="stretch",
        )
