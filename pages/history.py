"""Historique des chargements: every load (who, when, files, rows, warnings) and restore.

Anyone who may read sees the history; only editors see the restore action.
"""

import json

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.config import settings
from centrale.domain import load_action_label
from centrale.errors import FILE_SYSTEM_ERRORS, explain
from centrale.intake import ingest
from centrale.plaintext import plain
from centrale.sources.kinds import KINDS
from centrale.storage import loads
from ui import components as ui
from ui.auth import is_editor, loaded_by
from ui.components import confirm_shrink
from ui.data import load
from ui.shell import ensure_shell

ensure_shell()

TABLES = {
    "orders": "commandes",
    "adhesions": "adhésions",
    "survey_answers": "réponses à l'enquête",
    "subsidies": "subsides",
    "solutions": "solutions",
    "framework": "accords-cadres",
    "survey_campaigns": "campagnes",
}
RESTORED_KEY = "history_restored"  # message of the last restore, shown once
CONFIRM_ROUND = "history_confirm_round"  # bumped after a restore to untick the confirmation
SHRINK_KEY = "history_shrink"  # (load id, rows lost) of a restore refused as too large a loss


def _counts_text(row_counts: str) -> str:
    counts = json.loads(row_counts or "{}")
    return ", ".join(
        f"{fmt.number(counts[t])} {label}" for t, label in TABLES.items() if t in counts
    )


def _note(load_id: int, notes: pd.DataFrame) -> str:
    rows = notes[notes["load_id"] == load_id]
    if rows.empty:
        return ""
    row = rows.iloc[-1]
    if row["action"] == "restore" and pd.notna(row["restored_from"]):
        return f"retour aux données du chargement n° {int(row['restored_from'])}"
    if row["action"] == "import" and pd.notna(row["original_name"]):
        # A table cell shows text as it is: no Markdown escaping here.
        text = f"fichier envoyé « {row['original_name']} »"
        if pd.notna(row["replaced"]) and row["replaced"]:
            text += f", remplace « {row['replaced']} »"
        return text
    return ""


st.title("Historique des chargements")
st.write(
    "Chaque reconstruction de la base est notée ici : qui, quand, avec quels fichiers "
    "(chacun reconnu par son empreinte), combien de lignes et quels avertissements."
)
if RESTORED_KEY in st.session_state:
    st.success(st.session_state.pop(RESTORED_KEY))

log = load(loads.load_log)
if log.empty:
    st.info("Aucun chargement n'est encore enregistré dans cette base.")
    st.stop()

config = settings()
notes = ingest.journal(config)
table = pd.DataFrame(
    {
        "N°": log["load_id"],
        "Date": log["loaded_at"].map(lambda t: f"{fmt.date(t)} {t:%H:%M}"),
        "Par": log["loaded_by"],
        "Action": log["action"].map(load_action_label),
        "Détail": log["load_id"].map(lambda i: _note(i, notes)),
        "Fichiers": log["files"],
        "Lignes": log["row_counts"].map(_counts_text),
        "Avertissements": log["warnings"].map(lambda w: len(json.loads(w or "[]"))),
    }
)
ui.styled_table(table, [ui.Col(c, c) for c in table.columns])

labels = {
    int(r.load_id): f"n° {r.load_id} — {fmt.date(r.loaded_at)} {r.loaded_at:%H:%M} — "
    f"{load_action_label(r.action)} ({r.loaded_by})"
    for r in log.itertuples()
}
chosen = st.selectbox(
    "Détail d'un chargement",
    options=list(labels),
    format_func=labels.get,
    key="history_load",
)
row = log[log["load_id"] == chosen].iloc[0]
files = load(loads.load_files, chosen)
left, right = st.columns([5, 2])
files_shown = pd.DataFrame(
    {
        "Fichier": files["file"],
        "Type": files["kind"].map(lambda k: KINDS[k].label_fr if k in KINDS else "ignoré"),
        "Lignes": files["rows"],
        "Taille": files["size_bytes"].map(lambda b: f"{fmt.number(b / 1024, 1)} ko"),
        "Empreinte": files["sha256"].str.slice(0, 12) + "…",
    }
)
with left:
    ui.styled_table(
        files_shown,
        [
            ui.Col("Fichier", "Fichier"),
            ui.Col("Type", "Type"),
            ui.Col("Lignes", "Lignes", "int"),
            ui.Col("Taille", "Taille"),
            ui.Col(
                "Empreinte",
                "Empreinte",
                help="Identifie le contenu exact du fichier : deux fichiers de même "
                "empreinte sont identiques.",
            ),
        ],
        width_budget=680,  # five sevenths of the main area at 1366 px
    )
right.markdown("**Lignes chargées** : " + (_counts_text(row["row_counts"]) or fmt.MISSING))
warnings = json.loads(row["warnings"] or "[]")
if warnings:
    with right.expander(fmt.count(len(warnings), "avertissement")):
        st.markdown("\n".join(f"- {plain(w)}" for w in warnings))
else:
    right.caption("Aucun avertissement.")

if not is_editor():
    st.stop()

st.divider()
st.subheader("Revenir à un état antérieur")
st.write(
    "La base est reconstruite à partir des fichiers sources tels qu'ils étaient lors du "
    "chargement choisi. Cette restauration est elle-même un nouveau chargement : elle "
    "peut être annulée à son tour."
)
availability = ingest.restorable_loads(config)
missing = availability.get(int(chosen), ["(inconnu)"])
latest = int(log["load_id"].max())
if missing:
    st.warning(
        f"Le chargement n° {plain(chosen)} ne peut pas être restauré : ces versions de fichiers "
        f"n'ont pas été conservées ({plain(', '.join(missing))}). Seuls les chargements faits "
        "depuis le tableau de bord, ou dont les fichiers sont encore présents, le peuvent."
    )
    st.stop()
if int(chosen) == latest:
    st.caption("C'est le chargement actuel : choisissez un chargement plus ancien ci-dessus.")
    st.stop()
confirmed = st.checkbox(
    f"Je confirme : remplacer les données actuelles par celles du chargement n° {chosen}.",
    # A new key after each restore: the confirmation never carries over to the next one.
    key=f"history_confirm_{st.session_state.get(CONFIRM_ROUND, 0)}",
)
shrink = st.session_state.get(SHRINK_KEY)
allow_shrink = False
if shrink is not None and shrink[0] == int(chosen):
    allow_shrink = confirm_shrink(shrink[1], key="history_shrink_confirm")
if allow_shrink or st.button(
    "Restaurer", type="primary", disabled=not confirmed, key="history_restore"
):
    try:
        with st.spinner("Restauration et reconstruction de la base…"):
            result = ingest.restore_load(config, int(chosen), loaded_by(), allow_shrink)
    except ingest.ShrinkRefused as exc:
        st.session_state[SHRINK_KEY] = (int(chosen), exc.rows)
        st.rerun()
    except ingest.ApplyRefused as exc:
        st.error(plain(exc))
    except ingest.SourceError as exc:
        st.error(f"{plain(exc)}. La base n'a pas été modifiée.")
    except FILE_SYSTEM_ERRORS as exc:
        st.error(explain(exc, config.db_path))
    else:
        st.session_state.pop(SHRINK_KEY, None)
        st.session_state[RESTORED_KEY] = (
            f"Données du chargement n° {chosen} restaurées ("
            f"{_counts_text(json.dumps(result.row_counts))})."
        )
        st.session_state[CONFIRM_ROUND] = st.session_state.get(CONFIRM_ROUND, 0) + 1
        st.rerun()
