"""Aide: what each figure means (from the one registry of measures) and what each
dimension of the semantic layer groups by, where the
data come from, when they were last loaded, and how to print, project and export.

Written for the people who read the dashboard, not for its developers: no
file formats, no technical words.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from centrale import fmt
from centrale.plaintext import plain
from centrale.semantic import DIMENSIONS
from centrale.semantic.measures import MEASURES
from centrale.sources.kinds import KINDS
from centrale.storage import loads
from ui import components as ui
from ui import theme
from ui.data import load
from ui.shell import ensure_shell

ensure_shell()

UNITS = {
    "int": "nombre",
    "decimal": "nombre",
    "percent": "pourcentage",
    "money": "euros HTVA",
    "money0": "euros HTVA",
    "days": "jours",
    "days1": "jours",
}

st.title("Aide")
st.caption(theme.freshness_text(theme.last_loaded_at()))

st.header("Ce que veulent dire les chiffres")
st.write(
    "Chaque chiffre du tableau de bord, de la présentation et des fichiers Excel porte le "
    "même nom et la même définition partout. Tous sont calculés **à la date « Situation "
    "au »** choisie dans la barre latérale : ce qui était connu ce jour-là, rien de plus."
)
glossary = pd.DataFrame(
    [
        {
            "label": m.label,
            "help": m.help,
            "unit": m.unit or UNITS.get(m.kind, ""),
        }
        for m in MEASURES.values()
    ]
).sort_values("label", key=fmt.frame_sort_key)
ui.show_table(
    glossary,
    [
        ui.Col("label", "Chiffre"),
        ui.Col("help", "Ce qu'il compte"),
        ui.Col("unit", "Unité"),
    ],
    key="help_glossary_excel",
    file_name="definitions_des_chiffres",
    sheet="Définitions",
    empty_message="Aucune définition enregistrée.",
)

st.subheader("Ce par quoi on peut regrouper et filtrer")
st.write(
    "Les chiffres se regroupent et se filtrent par ces catégories (dans la page Explorer, "
    "par exemple) ; chacune porte le même nom partout."
)
dimensions = pd.DataFrame(
    [{"label": d.label, "help": d.help} for d in DIMENSIONS.values()]
).sort_values("label", key=fmt.frame_sort_key)
ui.show_table(
    dimensions,
    [ui.Col("label", "Catégorie de regroupement"), ui.Col("help", "Ce qu'elle désigne")],
    key="help_dimensions_excel",
    file_name="definitions_des_regroupements",
    sheet="Regroupements",
    empty_message="Aucun regroupement enregistré.",
)

st.header("D'où viennent les données")
st.write(
    "Les chiffres sont calculés à partir des fichiers tenus par l'équipe de la centrale "
    "d'achats (tableurs Excel ou fichiers CSV), rechargés en entier à chaque mise à jour : "
    "le tableau de bord ne modifie jamais ces fichiers à la main. Les limites des communes "
    "viennent de la carte officielle des communes belges ; rien n'est demandé à Internet."
)
kinds = pd.DataFrame([{"kind": k.label_fr} for k in KINDS.values()])
st.markdown("Les sortes de fichiers lues : " + ", ".join(kinds["kind"]) + ".")
last = load(loads.newest_load)
if last is None:
    ui.empty_state("Aucun chargement n'est encore enregistré.")
else:
    st.markdown(
        f"Dernier chargement : le **{fmt.date(last['loaded_at'])} à "
        f"{plain(last['loaded_at'].strftime('%H:%M'))}**, "
        f"{fmt.number(len(last['files']))} fichiers. "
        "Le détail (qui, quels fichiers, combien de lignes) est sur la page "
        "« Historique des chargements »."
    )

st.header("Imprimer, projeter, exporter")
st.markdown(
    "- **Imprimer** : le bouton « Imprimer cette page » en bas de la barre latérale (ou "
    "Ctrl+P) donne une page A4 sans les menus, avec en tête le titre, la date de situation, "
    "la source et la date d'impression.\n"
    "- **Projeter** : sur la page Présentation, « Projeter en plein écran » ou la touche "
    "**P** ; une section par écran, **→** ou **espace** pour avancer, **←** pour revenir, "
    "**Échap** pour quitter.\n"
    "- **Exporter** : chaque tableau a son bouton « Télécharger en Excel » ; le fichier dit "
    "dans sa feuille « À propos » la date de situation, les filtres, la source et l'heure "
    "de l'export.\n"
    "- **Partager une vue** : l'adresse de la page garde la date et les filtres choisis."
)

st.header("Comptes et droits")
st.write(
    "Sans compte configuré, le tableau de bord fonctionne en « mode poste unique » : "
    "toute personne qui utilise l'ordinateur peut importer des fichiers. Pour réserver "
    "l'import à quelques personnes, l'administrateur crée des comptes (lecteur ou éditeur)."
)
