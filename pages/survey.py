"""Enquête 2.0: follow the yearly needs survey, record and import answers, read the results.

Five tabs: the campaign (who answered, when, who to remind, on a map), the
entry form (an answer given by phone or in a meeting), the import of a survey
tool's export, the results (rankings, trends, conversion, the 2.0 shortlist)
and the filterable answers table. Recording and importing are for editors;
both write source files and rebuild the store (see centrale.sources.survey_entry).
"""

import datetime as dt

import pandas as pd
import streamlit as st

from centrale import charts, fmt, mapfig, queries, survey, survey_charts
from centrale.config import settings
from centrale.excel import workbook_bytes
from centrale.ingest import UploadRefused, problems_frame
from centrale.names import normalise
from centrale.sources import survey_entry, survey_import
from centrale.sources.problems import SourceError
from centrale.store import BuildCheckFailed
from ui import components as ui
from ui.auth import is_editor, loaded_by
from ui.data import load
from ui.shell import ensure_shell
from ui.state import as_of

ensure_shell()

FLASH_KEY = "survey_flash"  # message of the last save or import, shown once
UPLOAD_ROUND = "survey_import_round"  # bumped to empty the uploader after an import
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRIORITY_LABELS = {1: "1 — haute", 2: "2 — moyenne", 3: "3 — basse"}
TREND_ICONS = {
    "nouveau": "★ nouveau",
    "en hausse": "▲ en hausse",
    "stable": "● stable",
    "en baisse": "▼ en baisse",
    "première enquête": "– première enquête",
}
PROBLEM_HEADERS = {
    "file": "Fichier",
    "sheet": "Feuille",
    "row": "Ligne",
    "column": "Colonne",
    "value": "Valeur",
    "message": "Problème",
}
ANSWER_COLUMNS = {
    "year": "Année",
    "commune": "Commune",
    "answered_as": "Réponse donnée par",
    "arrondissement": "Arrondissement",
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

day = as_of()
today = dt.date.today()
config = settings()

st.title("Enquête des besoins « 2.0 »")
ui.situation_caption(day)
st.caption(
    "Chaque année, IDELUX demande aux communes leurs besoins pour choisir les solutions du "
    "prochain catalogue. Une réponse « aucun besoin » compte comme une réponse."
)
# Always drawn (empty or not), so that the tabs below keep their place in the page and
# the browser stays on the tab the person was using after a save's rerun.
flash = st.container()
if FLASH_KEY in st.session_state:
    flash.success(st.session_state.pop(FLASH_KEY), icon=":material/check_circle:")

campaigns = load(survey.survey_campaigns)
sent = pd.to_datetime(campaigns["sent_on"])
known = campaigns[sent.isna() | (sent <= pd.Timestamp(day))]
years = [int(y) for y in known["year"]]
default_year = load(queries.default_survey_year, day)


def _campaign(year):
    row = campaigns[campaigns["year"] == year]
    if row.empty:
        return None, None
    sent_on, deadline = row["sent_on"].iloc[0], row["deadline"].iloc[0]
    as_date = lambda v: None if pd.isna(v) else pd.Timestamp(v).date()  # noqa: E731
    return as_date(sent_on), as_date(deadline)


def _show_problems(problems, key):
    errors = [p for p in problems if p.level == "erreur"]
    st.error(
        f"**{len(errors)} erreur(s) : rien n'a été enregistré.** Les sources et la base "
        "restent exactement comme avant."
    )
    table = problems_frame(errors)
    shown = table[[c for c in PROBLEM_HEADERS if c in table]].rename(columns=PROBLEM_HEADERS)
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(
        "Télécharger la liste des erreurs (Excel)",
        data=workbook_bytes({"Erreurs": shown}),
        file_name="erreurs-enquete.xlsx",
        mime=XLSX_MIME,
        key=key,
    )


def _table(frame, columns, height="auto"):
    """A read-only table with French headers and Belgian formats (no download)."""
    st.dataframe(
        ui.table_styler(_dashes(frame, columns), columns),
        hide_index=True,
        width="stretch",
        height=height,
        column_config={c.name: st.column_config.Column(c.label, help=c.help) for c in columns},
    )


def _dashes(frame, columns):
    """Blank text cells as '–' (the Styler leaves missing values to the browser: 'None')."""
    texts = [c.name for c in columns if c.kind == "text"]
    return frame.assign(
        **{c: frame[c].astype(object).where(frame[c].notna(), fmt.MISSING) for c in texts}
    )


def _text(values, formatter=lambda v: str(int(v))):
    """Display texts for a column with blanks: '–' instead of an empty cell or 'None'."""
    return [fmt.MISSING if pd.isna(v) else formatter(v) for v in values]


def _names(catalogue):
    return dict(zip(catalogue["solution_id"], catalogue["name_fr"]))


# --- Campagne ------------------------------------------------------------------


def campaign_tab(year):
    sent_on, deadline = _campaign(year)
    status = load(survey.campaign_status, year, day)
    summary = survey.campaign_summary(status)
    previous_year = year - 1 if (year - 1) in years else None
    prev_sent, prev_deadline = _campaign(previous_year) if previous_year else (None, None)
    # The previous campaign at the same point (same number of days after sending).
    offset = (day - sent_on).days if sent_on else None
    prev_status = prev_curve = None
    if previous_year and prev_sent and offset is not None:
        prev_day = min(prev_sent + dt.timedelta(days=offset), day)
        prev_status = load(survey.campaign_status, previous_year, prev_day)
    prev_summary = survey.campaign_summary(prev_status) if prev_status is not None else {}
    vs = f"vs {previous_year}" if prev_summary else None

    st.markdown(
        f"Envoyée le **{fmt.date(sent_on)}** · date limite **{fmt.date(deadline)}** "
        f"({survey_charts.deadline_text(deadline, day)})"
    )
    cards = st.columns(4)
    with cards[0]:
        ui.kpi_card(
            "Réponses",
            f"{summary['answered']} / {summary['communes']}",
            ui.points_delta(summary["rate"], prev_summary.get("rate")),
            description=vs,
            help="Communes existant à la date qui ont répondu (« aucun besoin » compris). "
            "L'écart compare le taux de réponse avec l'enquête précédente au même nombre de "
            "jours après l'envoi.",
        )
        st.caption(f"Taux de réponse : {fmt.percent(summary['rate'])}")
    with cards[1]:
        ui.kpi_card(
            "Adhérentes",
            f"{summary['members_answered']} / {summary['members']}",
            ui.points_delta(summary["members_rate"], prev_summary.get("members_rate")),
            description=vs,
            help="Communes adhérentes à la date qui ont répondu.",
        )
        st.caption(f"{fmt.percent(summary['members_rate'])} des adhérentes")
    with cards[2]:
        ui.kpi_card(
            "Non adhérentes",
            f"{summary['non_members_answered']} / {summary['non_members']}",
            ui.points_delta(summary["non_members_rate"], prev_summary.get("non_members_rate")),
            description=vs,
            help="Communes sans adhésion active à la date qui ont répondu.",
        )
        st.caption(f"{fmt.percent(summary['non_members_rate'])} des non adhérentes")
    with cards[3]:
        ui.kpi_card(
            "En retard",
            fmt.number(summary["late"]),
            help="Réponses reçues après la date limite (elles comptent quand même).",
        )
        st.caption(f"{fmt.number(summary['no_needs'])} réponse(s) « aucun besoin »")

    left, right = st.columns([1, 1], gap="medium")
    with left:
        if sent_on is None:
            ui.empty_state(f"La date d'envoi de l'enquête {year} n'est pas connue.")
        else:
            answered_days = pd.to_datetime(status["submitted_on"]).dropna()
            end = max([deadline or sent_on] + [d.date() for d in answered_days])
            until = min(day, end + dt.timedelta(days=7))
            curve = survey.response_curve(status, sent_on, until)
            if prev_status is not None and prev_sent:
                prev_end = prev_sent + dt.timedelta(days=max(len(curve) - 1, 0))
                prev_curve = survey.response_curve(
                    load(survey.campaign_status, previous_year, min(prev_end, day)),
                    prev_sent,
                    min(prev_end, day),
                )
            fig = survey_charts.response_curve(
                curve,
                year,
                (deadline - sent_on).days if deadline else None,
                summary["communes"],
                prev_curve,
                previous_year,
            )
            ui.chart(fig, f"enquete-{year}-reponses", key="survey_curve")
            if prev_deadline and prev_sent:
                st.caption(
                    f"En pointillés : l'enquête {previous_year}, alignée sur son jour d'envoi "
                    f"({fmt.date(prev_sent)})."
                )
    with right:
        shapes = load(queries.commune_shapes, day)
        if shapes.empty:
            ui.empty_state("Aucune commune à afficher à cette date.")
        else:
            fig = mapfig.category_map(
                survey.map_categories(status),
                shapes,
                "survey_map",
                survey.MAP_CATEGORIES,
                f"Enquête {year}",
                height=420,
            )
            st.plotly_chart(
                fig,
                key="survey_map",
                theme=None,
                config=charts.plotly_config(f"enquete-{year}-carte"),
            )
            st.caption(
                "Bleu : a répondu (foncé : adhérente, clair : non adhérente). "
                "Vermillon : adhérente sans réponse. Jaune : non adhérente sans réponse."
            )

    remind = survey.to_remind(status)
    st.subheader(f"Communes à relancer ({len(remind)})")
    remind["member_text"] = remind["member"].map({True: "adhérente", False: "non adhérente"})
    remind["last_text"] = remind["last_answer_year"].map(
        lambda y: "jamais" if pd.isna(y) else str(int(y))
    )
    ui.show_table(
        remind,
        [
            ui.Col("name_fr", "Commune"),
            ui.Col("member_text", "Statut"),
            ui.Col("arrondissement", "Arrondissement"),
            ui.Col("population", "Population", "int"),
            ui.Col(
                "last_text",
                "Dernière réponse",
                help="Dernière enquête à laquelle la commune a répondu (jusqu'à celle-ci).",
            ),
        ],
        key="survey_remind_excel",
        file_name=f"enquete-{year}-a-relancer-{day.isoformat()}",
        sheet="À relancer",
        empty_message="Toutes les communes ont répondu. Aucune relance nécessaire.",
        height=300,
    )
    answered = status[status["answered"].astype(bool)].sort_values("submitted_on")
    with st.expander(f"Réponses reçues ({len(answered)})"):
        answered = answered.assign(
            member_text=answered["member"].map({True: "adhérente", False: "non adhérente"}),
            late_text=answered["late"].map({True: "en retard", False: ""}),
            needs_text=[
                "aucun besoin" if n else fmt.number(k)
                for n, k in zip(answered["no_needs"], answered["needs"])
            ],
        )
        ui.show_table(
            answered.assign(respondent=answered["respondent"].fillna(fmt.MISSING)),
            [
                ui.Col("submitted_on", "Date de réponse", "date"),
                ui.Col("name_fr", "Commune"),
                ui.Col("member_text", "Statut"),
                ui.Col("late_text", "Délai"),
                ui.Col("needs_text", "Besoins"),
                ui.Col("respondent", "Répondant"),
            ],
            key="survey_answered_excel",
            file_name=f"enquete-{year}-reponses-recues",
            sheet="Réponses reçues",
            empty_message="Aucune réponse reçue à cette date.",
            highlight=list(answered["late"]),
            height=300,
        )


# --- Saisir une réponse --------------------------------------------------------


def _entry_years():
    options = sorted(set(int(y) for y in campaigns["year"]) | {today.year}, reverse=True)
    return [y for y in options if y <= today.year]


def entry_tab(default):
    if not is_editor():
        ui.empty_state(
            "Seuls les éditeurs peuvent enregistrer une réponse. Connectez-vous avec un "
            "compte éditeur (barre latérale)."
        )
        return
    st.write(
        "Pour une commune qui a répondu par téléphone ou en réunion. La réponse est "
        "enregistrée comme un fichier source (`survey_<année>_<code INS>.csv`), la base est "
        "reconstruite et la réponse compte aussitôt. Modifier une réponse la remplace ; "
        "l'ancienne version reste dans les sources (dossier `historique`)."
    )
    if day < today:
        st.warning(
            f"La date de situation est le {fmt.date(day)} : une réponse datée d'après cette "
            "date n'apparaîtra pas dans les autres onglets tant que la date n'est pas changée "
            "dans la barre latérale."
        )
    choices = _entry_years()
    left, right = st.columns(2)
    year = left.selectbox(
        "Année de l'enquête",
        choices,
        index=choices.index(default) if default in choices else 0,
        key="survey_entry_year",
    )
    sent_on, deadline = _campaign(year)
    reference_day = min(today, deadline or dt.date(year, 12, 31))
    communes = load(queries.communes_list, reference_day)
    names = dict(zip(communes["nis_code"], communes["name_fr"]))
    nis = right.selectbox(
        "Commune",
        list(names),
        format_func=names.get,
        index=None,
        placeholder="Rechercher une commune…",
        key="survey_entry_commune",
    )
    if nis is None:
        st.caption("Choisissez une commune pour afficher le formulaire.")
        return

    every_answer = load(survey.survey_answers_at, today)
    current = survey.answer_of(every_answer, year, nis)
    catalogue = load(queries.solutions)
    solution_names = _names(catalogue)
    if not current.empty:
        when = current["submitted_on"].dropna()
        st.info(
            f"**{names[nis]} a déjà répondu à l'enquête {year}**"
            + (f" le {fmt.date(when.iloc[0])}" if len(when) else "")
            + ". Enregistrer remplacera cette réponse ; l'ancienne version est conservée dans "
            "les sources.",
            icon=":material/edit:",
        )
        _show_answer(current)
        versions = survey_entry.previous_versions(config, year, nis)
        if len(versions):
            st.caption(
                f"{len(versions)} version(s) précédente(s) conservée(s) : "
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
        new_labels = sorted(
            set(
                every_answer.loc[
                    every_answer["need_solution_id"].isna() & every_answer["need_key"].notna(),
                    "need",
                ]
            )
        )
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
        for need in picked:
            old = before.get(need, {})
            key = f"{prefix}_{normalise(need).replace(' ', '_')}"
            row = st.columns([3, 2, 2, 2, 3])
            row[0].markdown(f"**{solution_names.get(need, need)}**")
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
        try:
            with st.spinner("Enregistrement et reconstruction de la base…"):
                saved = survey_entry.save_answer(config, answer, loaded_by())
        except SourceError as exc:
            _show_problems(exc.problems, key=f"{prefix}_errors")
            return
        except BuildCheckFailed as exc:
            st.error(f"Contrôles de cohérence échoués, rien n'a été enregistré : {exc}")
            return
        what = "aucun besoin" if not needs else f"{len(needs)} besoin(s)"
        replaced = " (réponse précédente conservée dans l'historique)" if saved.archived else ""
        st.session_state[FLASH_KEY] = (
            f"Réponse de {names[nis]} à l'enquête {year} enregistrée : {what}{replaced}. "
            f"Base reconstruite en {fmt.number(saved.build.seconds, 1)} s."
        )
        st.rerun()


def _show_answer(rows):
    shown = rows.assign(
        need_text=rows["need"].fillna("aucun besoin"),
        priority_text=_text(rows["priority"], lambda p: PRIORITY_LABELS.get(int(p), str(p))),
        horizon_text=_text(rows["horizon"]),
        budget_text=_text(rows["budget_eur"], lambda v: fmt.money(v, 0)),
    )
    _table(
        shown,
        [
            ui.Col("need_text", "Besoin"),
            ui.Col("priority_text", "Priorité"),
            ui.Col("horizon_text", "Année souhaitée"),
            ui.Col("budget_text", "Budget"),
            ui.Col("submitted_on", "Date de réponse", "date"),
            ui.Col("respondent", "Répondant"),
            ui.Col("comment", "Commentaire"),
            ui.Col("source_file", "Fichier source"),
        ],
    )


# --- Importer ------------------------------------------------------------------


def import_tab(default):
    if not is_editor():
        ui.empty_state(
            "Seuls les éditeurs peuvent importer des réponses. Connectez-vous avec un "
            "compte éditeur (barre latérale)."
        )
        return
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
        _show_problems(export.problems, key="survey_import_read_errors")
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
        _show_problems(problems, key="survey_import_errors")
        return
    warnings = [p for p in problems if p.level != "erreur"]
    if warnings:
        with st.expander(f"{len(warnings)} avertissement(s) (n'empêchent pas l'import)"):
            st.dataframe(
                problems_frame(warnings).rename(columns=PROBLEM_HEADERS),
                hide_index=True,
                width="stretch",
            )
    if st.button("Importer ces réponses", type="primary", key="survey_import_apply"):
        try:
            with st.spinner("Import et reconstruction de la base…"):
                saved = survey_import.import_export(config, export, long_rows, loaded_by())
        except SourceError as exc:
            _show_problems(exc.problems, key="survey_import_build_errors")
            return
        except BuildCheckFailed as exc:
            st.error(f"Contrôles de cohérence échoués, rien n'a été importé : {exc}")
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


def _mapping_step(export, default):
    catalogue = load(queries.solutions)
    every_answer = load(survey.survey_answers_at, today)
    labels = every_answer.loc[
        every_answer["need_solution_id"].isna() & every_answer["need_key"].notna(), "need"
    ]
    options = survey_import.need_options(catalogue, sorted(set(labels)))
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
        choices = sorted(set(int(y) for y in campaigns["year"]) | {today.year}, reverse=True)
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


# --- Résultats ------------------------------------------------------------------


def results_tab(year):
    answers = load(survey.survey_answers_at, day)
    orders = load(survey.survey_orders_at, day)
    if survey.respondents(answers, year) == 0:
        ui.empty_state(f"Aucune réponse à l'enquête {year} à cette date.")
        return
    by = st.radio(
        "Classer les besoins par",
        list(survey.RANK_BY),
        format_func=survey.RANK_BY.get,
        horizontal=True,
        key="survey_rank_by",
        help="Demande pondérée : priorité 1 = 3 points, priorité 2 = 2, priorité 3 = 1 "
        "(sans priorité : 1).",
    )
    ranked = survey.rank_needs(answers, year, by)
    trends = survey.year_on_year(answers, year)
    covered = ranked[ranked["covered"]]
    new = ranked[~ranked["covered"]]
    cards = st.columns(4)
    with cards[0]:
        ui.kpi_card("Communes ayant répondu", fmt.number(survey.respondents(answers, year)))
    with cards[1]:
        ui.kpi_card("Besoins exprimés", fmt.number(len(ranked)))
    with cards[2]:
        ui.kpi_card(
            "Couverts par le catalogue",
            fmt.number(len(covered)),
            help="Besoins pour lesquels un accord-cadre de la centrale est en vigueur à la date.",
        )
        share = covered["weighted_demand"].sum() / max(ranked["weighted_demand"].sum(), 1)
        st.caption(f"{fmt.percent(share)} de la demande pondérée")
    with cards[3]:
        ui.kpi_card(
            "Nouveaux besoins",
            fmt.number(len(new)),
            help="Besoins qu'aucun accord-cadre en vigueur à la date ne couvre.",
        )
        st.caption(f"{fmt.percent(1 - share)} de la demande pondérée")

    ui.chart(survey_charts.ranking(ranked, by), f"enquete-{year}-classement", "survey_ranking")
    ranked_view = ranked.assign(
        priority_text=ranked["priority_mean"].map(lambda v: fmt.number(v, 1)),
        budget_view=[
            fmt.money(b, 0) if n else fmt.MISSING
            for b, n in zip(ranked["budget_eur"], ranked["budgets"])
        ],
    )
    ui.show_table(
        ranked_view,
        [
            ui.Col("rank", "Rang", "int"),
            ui.Col("need", "Besoin"),
            ui.Col("status", "Catalogue"),
            ui.Col("communes", "Communes", "int"),
            ui.Col("members", "dont adhérentes", "int"),
            ui.Col("weighted_demand", "Demande pondérée", "int"),
            ui.Col("priority_text", "Priorité moyenne"),
            ui.Col("population", "Population couverte", "int"),
            ui.Col("budget_view", "Budgets annoncés"),
            ui.Col("share", "Part des répondants", "percent"),
        ],
        key="survey_ranking_excel",
        file_name=f"enquete-{year}-classement",
        sheet=f"Classement {year}",
        empty_message="Aucun besoin exprimé.",
        height=300,
    )

    st.subheader("Candidats pour le catalogue 2.0")
    min_communes = st.slider(
        "Nombre minimal de communes demandeuses",
        min_value=1,
        max_value=8,
        value=3,
        key="survey_min_communes",
        help="Un besoin nouveau ou en hausse est retenu dès 2 communes.",
    )
    candidates = survey.shortlist(ranked, trends, year, min_communes)
    st.caption(
        "Besoins qu'aucun accord-cadre en vigueur ne couvre, demandés par au moins "
        f"{min_communes} commune(s) (ou 2 s'ils sont nouveaux ou en hausse), classés par "
        "demande pondérée."
    )
    if candidates.empty:
        ui.empty_state("Aucun besoin non couvert n'atteint ce seuil pour cette enquête.")
    for i, row in enumerate(candidates.to_dict("records"), start=1):
        with st.container(border=True):
            st.markdown(f"**{i}. {row['need']}** — {TREND_ICONS.get(row['trend'], '')}")
            st.caption(row["reasons"])
    if not candidates.empty:
        ui.excel_button(
            candidates.assign(trend_text=candidates["trend"].map(TREND_ICONS)),
            [
                ui.Col("need", "Besoin"),
                ui.Col("communes", "Communes", "int"),
                ui.Col("members", "dont adhérentes", "int"),
                ui.Col("weighted_demand", "Demande pondérée", "int"),
                ui.Col("priority_mean", "Priorité moyenne", "decimal"),
                ui.Col("population", "Population couverte", "int"),
                ui.Col("trend_text", "Tendance"),
                ui.Col("reasons", "Raisons"),
            ],
            key="survey_shortlist_excel",
            file_name=f"enquete-{year}-candidats-catalogue-2-0",
            sheet="Candidats 2.0",
        )

    has_previous = bool((answers["year"] < year).any())
    st.subheader(f"Évolution par rapport à {year - 1}" if has_previous else "Évolution")
    trends_view = trends.assign(
        trend_text=trends["trend"].map(TREND_ICONS),
        change_text=trends["change"].map(lambda c: f"{c:+d}".replace("-", "−")),
    )
    if not has_previous:
        ui.empty_state(f"L'enquête {year} est la première : pas encore d'évolution à comparer.")
    else:
        ui.show_table(
            trends_view,
            [
                ui.Col("need", "Besoin"),
                ui.Col("trend_text", "Tendance"),
                ui.Col("communes", f"Communes {year}", "int"),
                ui.Col("communes_previous", f"Communes {year - 1}", "int"),
                ui.Col("change_text", "Écart"),
                ui.Col("share", f"Part des répondants {year}", "percent"),
                ui.Col("first_year", "Première demande"),
            ],
            key="survey_trends_excel",
            file_name=f"enquete-{year}-evolution",
            sheet=f"Évolution {year}",
            empty_message="Pas d'enquête précédente à comparer.",
            height=300,
        )
    new_keys = list(ranked.loc[~ranked["covered"], "need_key"])
    ui.chart(
        survey_charts.history(survey.need_history(answers, new_keys), year),
        f"enquete-{year}-nouveaux-besoins",
        "survey_history",
    )

    st.subheader("Par arrondissement")
    ui.chart(
        survey_charts.by_arrondissement(
            survey.demand_by_arrondissement(answers, year), list(ranked["need"])
        ),
        f"enquete-{year}-arrondissements",
        "survey_arrondissements",
    )

    st.subheader("De la demande à la commande")
    conv = survey.conversion(answers, orders)
    st.caption(
        "Pour chaque solution du catalogue : combien des communes qui l'ont demandée (toutes "
        "enquêtes jusqu'à la date) l'ont commandée depuis leur demande."
    )
    ui.chart(survey_charts.conversion(conv), "enquete-conversion", "survey_conversion")
    ui.show_table(
        conv,
        [
            ui.Col("need", "Solution"),
            ui.Col("catalogue", "Catalogue"),
            ui.Col("communes_asked", "Communes demandeuses", "int"),
            ui.Col("communes_ordered", "… l'ayant commandée depuis", "int"),
            ui.Col("rate", "Taux de conversion", "percent"),
            ui.Col("first_year", "Première demande"),
        ],
        key="survey_conversion_excel",
        file_name=f"enquete-conversion-{day.isoformat()}",
        sheet="Conversion",
        empty_message="Aucune solution du catalogue demandée à cette date.",
        height=300,
    )


# --- Réponses -------------------------------------------------------------------


def answers_tab(year):
    answers = load(survey.survey_answers_at, day)
    orders = load(survey.survey_orders_at, day)
    if answers.empty:
        ui.empty_state("Aucune réponse à une enquête à cette date.")
        return
    answers = survey.mark_ordered_since(answers, orders)
    row1 = st.columns([1, 2, 2])
    all_years = sorted(answers["year"].unique(), reverse=True)
    picked_years = row1[0].multiselect(
        "Enquêtes",
        [int(y) for y in all_years],
        default=[year] if year in all_years else [],
        key="survey_answers_years",
        placeholder="Toutes",
    )
    commune_names = sorted(answers["commune"].unique())
    picked_communes = row1[1].multiselect(
        "Communes", commune_names, key="survey_answers_communes", placeholder="Toutes"
    )
    need_names = sorted(answers["need"].dropna().unique())
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
    if picked_years:
        rows = rows[rows["year"].isin(picked_years)]
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
    rows = rows.sort_values(["year", "commune", "priority"], ascending=[False, True, True])
    view = rows.assign(
        priority_text=_text(rows["priority"]),
        horizon_text=_text(rows["horizon"]),
        budget_text=_text(rows["budget_eur"], lambda v: fmt.money(v, 0)),
        member_text=rows["member"].map({True: "oui", False: "non"}),
        need_text=rows["need"].fillna("aucun besoin"),
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
    st.caption(
        f"{fmt.number(len(view))} ligne(s), {fmt.number(view['commune'].nunique())} commune(s)."
    )
    if view.empty:
        ui.empty_state("Aucune réponse ne correspond à ces filtres.")
        return
    columns = [
        ui.Col("year", "Année"),
        ui.Col("commune", "Commune"),
        ui.Col(
            "answered_as",
            "Réponse donnée par",
            help="La commune qui a répondu, quand elle "
            "a depuis fusionné avec celle de la colonne « Commune ».",
        ),
        ui.Col("member_text", "Adhérente"),
        ui.Col("need_text", "Besoin"),
        ui.Col("status_text", "Catalogue"),
        ui.Col("priority_text", "Priorité"),
        ui.Col("horizon_text", "Année souhaitée"),
        ui.Col("budget_text", "Budget"),
        ui.Col("submitted_on", "Date de réponse", "date"),
        ui.Col("respondent", "Répondant"),
        ui.Col("comment", "Commentaire"),
        ui.Col(
            "ordered_text",
            "Commandé depuis",
            help="La commune a commandé cette solution du catalogue depuis sa réponse.",
        ),
    ]
    _table(view, columns, height=420)
    export = view[list(ANSWER_COLUMNS)]
    st.download_button(
        "Télécharger en Excel",
        data=workbook_bytes({"Réponses": export}, headers=ANSWER_COLUMNS),
        file_name=f"enquete-reponses-{day.isoformat()}.xlsx",
        mime=XLSX_MIME,
        key="survey_answers_excel",
        icon=":material/download:",
    )


# --- Layout ------------------------------------------------------------------------

if not years:
    first = campaigns.sort_values("year").head(1)
    when = (
        f" La première campagne ({int(first['year'].iloc[0])}) est partie le "
        f"{fmt.date(first['sent_on'].iloc[0])}."
        if len(first) and pd.notna(first["sent_on"].iloc[0])
        else ""
    )
    ui.empty_state(f"Aucune enquête n'avait encore été envoyée au {fmt.date(day)}.{when}")
    selected = None
else:
    selected = st.selectbox(
        "Enquête",
        years,
        index=years.index(default_year) if default_year in years else 0,
        key="survey_year",
        help="L'enquête suivie dans les onglets Campagne, Résultats et Réponses.",
    )

tabs = st.tabs(["Campagne", "Saisir une réponse", "Importer", "Résultats", "Réponses"])
with tabs[0]:
    if selected is None:
        ui.empty_state("Pas de campagne à suivre à cette date.")
    else:
        campaign_tab(selected)
with tabs[1]:
    entry_tab(selected or today.year)
with tabs[2]:
    import_tab(selected or today.year)
with tabs[3]:
    if selected is None:
        ui.empty_state("Pas encore de résultats à cette date.")
    else:
        results_tab(selected)
with tabs[4]:
    if selected is None:
        ui.empty_state("Pas encore de réponses à cette date.")
    else:
        answers_tab(selected)
