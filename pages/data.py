"""Importer des données: send a file, see its problems or the change it makes, apply it.

Editors only (the page is not listed for viewers, and stops here for them
anyway). Checking and previewing write nothing; "Appliquer" rebuilds the
store all-or-nothing and only then keeps the file in the sources folder.
"""

import contextlib

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from centrale import fmt
from centrale.config import settings
from centrale.datasets import queries
from centrale.errors import FILE_SYSTEM_ERRORS, explain
from centrale.intake import ingest
from centrale.plaintext import plain
from centrale.render.excel import workbook_bytes
from centrale.semantic import measures
from centrale.sources.kinds import KINDS, kind_of_file
from centrale.sources.problems import grouped, summary_line
from ui.auth import loaded_by, require_editor
from ui.components import PROBLEM_HEADERS, confirm_shrink, kpi_card, problems_shown
from ui.data import load
from ui.shell import ensure_shell
from ui.state import as_of

ensure_shell()

require_editor()

PREVIEW_KEY = "data_preview"  # (upload key, Preview)
SHRINK_KEY = "data_shrink"  # (upload key, rows lost) of an apply refused as too large a loss
APPLIED_KEY = "data_applied"  # message and figures of the last apply, shown once
UPLOADER_ROUND = "data_uploader_round"  # bumped to empty the uploader after an apply
STALE_KEY = "data_stale"  # set when « Appliquer » met a preview made stale by another load
COLUMN_HEADERS = {
    "solution_id": "Code solution",
    "name_fr": "Nom",
    "category": "Catégorie",
    "catalogue": "Catalogue",
    "description": "Description",
    "provider": "Prestataire",
    "starts_on": "Début",
    "ends_on": "Fin",
    "commune_nis": "Commune",
    "signed_on": "Date de signature",
    "withdrawn_on": "Date de retrait",
    "order_id": "N° de commande",
    "sent_on": "Date d'envoi",
    "awarded_on": "Date d'attribution",
    "amount_eur": "Montant HTVA (€)",
    "status": "Statut",
    "call": "Appel à projets",
    "call_year": "Année de l'appel",
    "beneficiary": "Bénéficiaire",
    "beneficiary_nis": "Code INS du bénéficiaire",
    "project": "Projet",
    "prov_nis": "Province (INS)",
    "year": "Année",
    "need_solution_id": "Besoin (solution)",
    "need_label": "Besoin (libellé)",
    "no_needs": "Aucun besoin",
    "priority": "Priorité",
    "horizon": "Horizon",
    "budget_eur": "Budget (€)",
    "submitted_on": "Date de réponse",
    "respondent": "Répondant",
    "comment": "Commentaire",
    "deadline": "Date limite",
    "column": "Donnée",
    "before": "Avant",
    "after": "Après",
}
SHOWN_ROWS = 500


def _french(frame):
    shown = frame.rename(columns=COLUMN_HEADERS)
    if "Donnée" in shown:
        shown["Donnée"] = shown["Donnée"].map(lambda c: COLUMN_HEADERS.get(c, c))
    return shown


def _kind_label(kind):
    return "Détecter automatiquement" if kind is None else KINDS[kind].label_fr.capitalize()


def _figures():
    figures = load(queries.kpis, as_of())
    return {
        measures.label(key): figures.get(key)
        for key in ("communes_adhered", "orders_sent", "orders_awarded", "amount_awarded_eur")
    }


def _show_figures(before, after):
    columns = st.columns(len(after))
    for column, (label, value) in zip(columns, after.items()):
        old = before.get(label)
        delta = None if value is None or old is None else value - old
        if label == "Montant attribué":
            text = fmt.money(value, 0)
            delta_text = None if not delta else fmt.money(delta, 0)
        else:
            text = fmt.number(value)
            delta_text = None if not delta else fmt.number(delta)
        with column:
            kpi_card(label, text, delta_text)


def _show_applied(applied):
    st.success(applied["message"])
    st.caption(f"Chiffres au {fmt.date(as_of())} (date choisie dans la barre latérale) :")
    _show_figures(applied["before"], _figures())
    # The link needs the app's navigation (absent when this page runs alone, as in tests).
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link("pages/map.py", label="Voir les communes sur la carte", icon=":material/map:")


def _show_problems(preview):
    errors = preview.validated.errors
    st.error(
        f"**{plain(summary_line(errors, kind_of_file))}** Rien ne sera chargé : corrigez le "
        "fichier dans Excel puis envoyez-le à nouveau. La base de données n'a pas été modifiée."
    )
    table = ingest.problems_frame(grouped(errors))
    st.dataframe(problems_shown(table), hide_index=True, width="stretch")
    st.download_button(
        "Télécharger la liste des erreurs (Excel)",
        data=workbook_bytes({"Erreurs": table}, PROBLEM_HEADERS),
        file_name="erreurs-import.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="data_errors_download",
    )


def _show_warnings(preview):
    warnings = preview.validated.warnings
    if warnings:
        with st.expander(
            fmt.count(
                len(warnings),
                "avertissement (n'empêche pas le chargement)",
                "avertissements (n'empêchent pas le chargement)",
            )
        ):
            st.dataframe(
                problems_shown(ingest.problems_frame(warnings)), hide_index=True, width="stretch"
            )


def _show_diff(preview):
    summary = ingest.diff_summary(preview.diff)
    if summary.empty:
        st.info("Ce fichier est valide mais ne change aucune donnée de la base actuelle.")
        return
    st.subheader("Aperçu des changements")
    st.dataframe(
        summary.drop(columns="table").rename(
            columns={
                "label": "Table",
                "added": "Lignes ajoutées",
                "changed": "Lignes modifiées",
                "removed": "Lignes supprimées",
            }
        ),
        hide_index=True,
    )
    removed = int(summary["removed"].sum())
    if removed:
        st.warning(
            f"Attention : {fmt.count(removed, 'ligne disparaîtra', 'lignes disparaîtront')} "
            "de la base."
        )
    for table in summary["table"]:
        d = preview.diff[table]
        with st.expander(ingest.TABLE_LABELS[table], expanded=len(summary) == 1):
            tabs = st.tabs(
                [
                    f"Ajoutées ({len(d.added)})",
                    f"Modifiées ({d.changed_rows})",
                    f"Supprimées ({len(d.removed)})",
                ]
            )
            for tab, frame, empty in zip(
                tabs,
                (d.added, d.changed, d.removed),
                ("Aucune ligne ajoutée.", "Aucune ligne modifiée.", "Aucune ligne supprimée."),
            ):
                with tab:
                    if frame.empty:
                        st.caption(empty)
                        continue
                    st.dataframe(_french(frame.head(SHOWN_ROWS)), hide_index=True, width="stretch")
                    if len(frame) > SHOWN_ROWS:
                        st.caption(f"{SHOWN_ROWS} premières lignes sur {fmt.number(len(frame))}.")


def _apply(config, preview, upload_key, allow_shrink=False):
    before = _figures()
    try:
        with st.spinner("Reconstruction de la base…"):
            result = ingest.apply_upload(config, preview, loaded_by(), allow_shrink)
    except ingest.ShrinkRefused as exc:
        st.session_state[SHRINK_KEY] = (upload_key, exc.rows)
        st.rerun()
    except ingest.StalePreview:
        # Another editor loaded meanwhile: said once, and the preview is made again on
        # the current data from the file already sent (no need to send it again).
        st.session_state.pop(PREVIEW_KEY, None)
        st.session_state.pop(SHRINK_KEY, None)
        st.session_state[STALE_KEY] = True
        st.rerun()
    except ingest.ApplyRefused as exc:
        st.error(plain(exc))
        return
    except ingest.SourceError as exc:
        st.error(f"{plain(exc)}. La base n'a pas été modifiée.")
        return
    except FILE_SYSTEM_ERRORS as exc:
        st.error(explain(exc, config.db_path))
        return
    st.session_state.pop(PREVIEW_KEY, None)
    st.session_state.pop(SHRINK_KEY, None)
    st.session_state[UPLOADER_ROUND] = st.session_state.get(UPLOADER_ROUND, 0) + 1
    st.session_state[APPLIED_KEY] = {
        "message": f"« {plain(preview.upload.original_name)} » est chargé : chiffres mis à jour en "
        f"{fmt.number(result.seconds, 1)} s ({fmt.number(sum(result.row_counts.values()))} "
        "lignes). Les autres sessions voient les nouvelles données à leur prochaine action.",
        "before": before,
    }
    st.rerun()


st.title("Importer des données")
st.write(
    "Envoyez un fichier `.xlsx` ou `.csv` (commandes du mois, adhésions, réponses à "
    "l'enquête…). Il est vérifié avec les mêmes règles que la ligne de commande, puis "
    "vous voyez ce qu'il change avant de l'appliquer. Rien n'est écrit avant « Appliquer »."
)

config = settings()
if APPLIED_KEY in st.session_state:
    _show_applied(st.session_state.pop(APPLIED_KEY))

left, right = st.columns([1, 2])
kind = left.selectbox(
    "Type de fichier",
    options=[None, *KINDS],
    format_func=_kind_label,
    key="data_kind",
    help="Par défaut, le type se lit au début du nom du fichier ou dans ses en-têtes.",
)
uploaded = right.file_uploader(
    "Fichier à importer",
    # No `type=`: with it Streamlit itself raises an English error on a name holding
    # a NUL byte, before this page runs; `receive_upload` checks the extension and
    # the name in French.
    type=None,
    # Twice the limit in the browser: a file just over it reaches the French refusal
    # below instead of the uploader's bare red icon.
    max_upload_size=2 * max(1, config.max_upload_bytes // (1024 * 1024)),
    key=f"data_file_{st.session_state.get(UPLOADER_ROUND, 0)}",
    help=f"Au plus {config.max_upload_bytes // (1024 * 1024)} Mo.",
)
right.caption(
    f"Au plus {plain(config.max_upload_bytes // (1024 * 1024))} Mo par fichier : un fichier plus "
    "gros est refusé (découpez-le, par exemple un fichier par mois)."
)
if kind:
    with st.expander(f"Colonnes attendues — {KINDS[kind].label_fr}"):
        st.markdown(
            "\n".join(
                f"- **{plain(c.labels[0] if c.labels else c.name)}** (`{plain(c.name)}`)"
                + (" — obligatoire" if c.required else "")
                for c in KINDS[kind].columns
            )
        )

sources = ingest.current_sources(config)
with st.expander(f"Fichiers sources actuels ({len(sources)})"):
    st.dataframe(
        sources.assign(
            size_bytes=sources["size_bytes"].map(lambda b: f"{fmt.number(b / 1024, 1)} ko"),
            modified_at=sources["modified_at"].map(
                lambda t: f"{fmt.date(t)} {t:%H:%M}" if t is not None else fmt.MISSING
            ),
            kind=sources["kind"].map(lambda k: KINDS[k].label_fr if k in KINDS else "ignoré"),
        )
        .drop(columns="sha256")
        .rename(
            columns={
                "file": "Fichier",
                "kind": "Type",
                "size_bytes": "Taille",
                "modified_at": "Modifié le",
            }
        ),
        hide_index=True,
        width="stretch",
    )

if uploaded is None:
    st.session_state.pop(PREVIEW_KEY, None)
    st.stop()

try:
    upload = ingest.receive_upload(config, uploaded.name, uploaded.getvalue(), kind)
except ingest.UploadRefused as exc:
    st.session_state.pop(PREVIEW_KEY, None)
    st.error(f"**Fichier refusé.** {plain(exc)}")
    st.stop()

same_kind = sources.loc[sources["kind"] == upload.kind, "file"].tolist()
st.markdown(f"Type de fichier : **{KINDS[upload.kind].label_fr}**")
replaces = None
if same_kind:
    how = st.radio(
        "Ce fichier…",
        options=["add", "replace"],
        format_func={
            "add": "s'ajoute aux fichiers existants (par exemple les commandes d'un mois)",
            "replace": "remplace un fichier existant (version corrigée ou complète)",
        }.get,
        index=1 if upload.original_name in same_kind else 0,
        key="data_mode",
    )
    if how == "replace":
        replaces = st.selectbox(
            "Fichier remplacé",
            options=same_kind,
            index=same_kind.index(upload.original_name) if upload.original_name in same_kind else 0,
            key="data_replaces",
        )

upload_key = (upload.sha256, upload.kind, replaces)
cached = st.session_state.get(PREVIEW_KEY)
if cached is None or cached[0] != upload_key:
    try:
        with st.spinner("Vérification du fichier…"):
            cached = (upload_key, ingest.preview_upload(config, upload, replaces))
    except ingest.UploadRefused as exc:
        st.error(plain(exc))
        st.stop()
    st.session_state[PREVIEW_KEY] = cached
preview = cached[1]

if not preview.ok:
    _show_problems(preview)
    _show_warnings(preview)
    st.stop()

if st.session_state.pop(STALE_KEY, False):
    st.warning(
        "**Un autre chargement a eu lieu pendant votre aperçu** : rien n'a été appliqué. "
        "L'aperçu ci-dessous a été refait sur les données actuelles ; vérifiez-le, puis "
        "cliquez à nouveau sur « Appliquer »."
    )
st.success(f"**« {plain(preview.upload.original_name)} » est valide.**")
_show_warnings(preview)
_show_diff(preview)
shrink = st.session_state.get(SHRINK_KEY)
if shrink is not None and shrink[0] == upload_key:
    if confirm_shrink(shrink[1], key="data_shrink_confirm"):
        _apply(config, preview, upload_key, allow_shrink=True)
elif st.button("Appliquer", type="primary", key="data_apply"):
    _apply(config, preview, upload_key)
