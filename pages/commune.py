"""Commune: one commune's adhesion, orders, subsidies, survey answers and peers.

Reached from the map (`?nis=84077`) or by the select box. The URL's `nis` and the
select box stay in step, so the address bar always names the commune shown and
can be bookmarked or sent.
"""

import streamlit as st

from centrale import fmt
from centrale.config import AWARD_PROMISE_DAYS
from centrale.datasets import queries
from centrale.domain import (
    ORDER_STATUS_LABELS,
    AdhesionStatus,
    OrderStatus,
    arrondissement_of,
    de,
    similar_rule,
    subsidy_call_label,
    upper_first,
)
from centrale.plaintext import plain
from centrale.render import mapfig
from centrale.semantic import measures
from centrale.semantic.model import DIMENSIONS
from ui.briefing_buttons import briefing_downloads
from ui.components import (
    Col,
    commune_order_columns,
    empty_state,
    kpi_card,
    show_table,
    situation_caption,
)
from ui.data import figure, load
from ui.shell import ensure_shell
from ui.state import as_of
from ui.worth import commune_section

ensure_shell()

PICK_KEY = "commune_nis"
URL_KEY = "commune_url_nis"  # the URL's nis last applied to the select box


def answer_lines(rows, merged: bool) -> list[str]:
    """One line per answer of a year: when, by whom and, when a merged commune's answer
    is among them, which commune gave it (« Bertogne : réponse du 02/05/2022 par … »)."""
    lines = []
    for (commune, submitted, respondent), _ in rows.groupby(
        ["answered_by", "submitted_on", "respondent"], dropna=False, sort=False
    ):
        line = f"{plain(commune)} : réponse" if merged else "Réponse"
        line += f" du {fmt.date(submitted)}"
        if isinstance(respondent, str):
            line += f" par {plain(respondent)}"
        lines.append(line)
    return lines


def _sync_url() -> None:
    picked = st.session_state.get(PICK_KEY)
    if picked:
        st.query_params["nis"] = picked
    else:
        st.query_params.pop("nis", None)


day = as_of()
communes = load(queries.communes_list, day)
names = dict(zip(communes["nis_code"], communes["name_fr"]))

url_nis = (st.query_params.get("nis") or "").strip() or None
if url_nis != st.session_state.get(URL_KEY):
    # A new address (link from the map, bookmark): it decides the commune shown.
    st.session_state[URL_KEY] = url_nis
    st.session_state[PICK_KEY] = url_nis if url_nis in names else None
elif st.session_state.get(PICK_KEY) not in names:
    # The date moved and the commune shown no longer exists (merged): say so below.
    st.session_state[PICK_KEY] = None

st.title("Fiche commune")
situation_caption(day)
# Old names of merged communes are offered too: they show the merger and lead on.
search = dict(load(queries.commune_search, day)[["nis_code", "label"]].itertuples(index=False))
st.selectbox(
    DIMENSIONS["commune"].label,
    options=list(search),
    format_func=lambda nis: f"{search[nis]} ({nis})",
    index=None,
    placeholder="Rechercher une commune par son nom ou son code INS…",
    key=PICK_KEY,
    on_change=_sync_url,
)
nis = st.session_state.get(PICK_KEY)

if nis is None:
    if url_nis:
        identity = load(queries.commune_identity, url_nis, day)
        if identity is None:
            st.warning(
                f"Le code INS « {plain(url_nis)} » ne correspond à aucune commune de la "
                "province de Luxembourg. Choisissez une commune dans la liste ci-dessus."
            )
        elif identity["successor_nis"]:
            st.info(
                f"**{plain(identity['name_fr'])}** a fusionné avec "
                f"**{plain(identity['successor_name'])}** "
                f"le {fmt.date(identity['merged_on'])}. Depuis, ses adhésions, commandes, "
                "subsides et réponses à l'enquête comptent pour "
                f"{plain(identity['successor_name'])}. "
                f"Pour voir {plain(identity['name_fr'])} seule, choisissez une date antérieure au "
                f"{fmt.date(identity['merged_on'])} dans la barre latérale."
            )
            # A button rather than st.page_link: same page, only the address changes,
            # and the session (date, filters) is kept.
            if st.button(
                f"Voir la fiche {de(identity['successor_name'])}",
                icon=":material/arrow_forward:",
                key="commune_successor",
            ):
                st.query_params["nis"] = identity["successor_nis"]
                st.rerun()
        else:
            st.info(f"{plain(identity['name_fr'])} n'existait pas encore au {fmt.date(day)}.")
    else:
        empty_state("Choisissez une commune dans la liste, ou cliquez sur une commune de la carte.")
    st.stop()

identity = load(queries.commune_identity, nis, day)
name = identity["name_fr"]
adhesions = load(queries.commune_adhesions, nis, day)
orders = load(queries.commune_orders, nis, day)
not_taken = load(queries.commune_solutions_not_taken, nis, day)
subsidies = load(queries.commune_subsidies, nis, day)
answers = load(queries.commune_survey_answers, nis, day)
peers = load(queries.similar_communes, nis, day)
uptake = load(queries.peer_uptake, nis, day)
shapes = load(queries.commune_shapes, day)
status = load(queries.commune_status, day)
me = status[status["nis_code"] == nis].iloc[0]  # its adhesion status: derived in SQL only

st.header(name)
facts = [
    f"Code INS {nis}",
    arrondissement_of(identity["arrondissement"]),
    f"{fmt.number(identity['population'])} habitants",
]
st.markdown(" · ".join(facts))
for old in identity["absorbed"]:
    st.caption(
        f"Inclut {plain(old['name_fr'])} ({plain(old['nis_code'])}), fusionnée le "
        f"{fmt.date(old['merged_on'])} : ses adhésions, commandes et subsides comptent ici."
    )

with st.expander("Présenter cette commune : diaporama et fiche PDF", icon=":material/slideshow:"):
    briefing_downloads(nis, day, key_prefix="commune")

# --- Key figures ---------------------------------------------------------------
adhesion = AdhesionStatus(me["adhesion_status"])
if adhesion == AdhesionStatus.ADHERED:
    adhesion_help = f"Convention signée le {fmt.date(me['signed_on'])}."
elif adhesion == AdhesionStatus.WITHDRAWN:
    adhesion_help = f"Retrait le {fmt.date(me['withdrawn_on'])}."
else:
    adhesion_help = "Aucune convention d'adhésion signée à cette date."
awarded = orders[orders["status"] == OrderStatus.AWARDED]
pending = orders[orders["status"] == OrderStatus.SENT]
# On paper, the key figures two by two above the adhesion, beside the map (theme.css).
with st.container(key="commune-summary"):
    cards = st.columns(4)
    with cards[0]:
        kpi_card("Adhésion", adhesion.label, help=adhesion_help)
    with cards[1]:
        kpi_card(
            measures.label("orders_awarded"),
            measures.format_value("orders_awarded", len(awarded)),
            help=f"{fmt.number(len(pending))} en cours d'attribution à cette date.",
        )
    with cards[2]:
        kpi_card(
            measures.label("amount_awarded_eur"),
            measures.format_value("amount_awarded_eur", awarded["amount_eur"].sum()),
        )
    with cards[3]:
        kpi_card(
            "Solutions non commandées",
            fmt.number(len(not_taken)),
            help="Solutions disponibles à cette date (accord-cadre en vigueur) que la commune "
            "n'a pas commandées.",
        )

    # --- Adhesion and map --------------------------------------------------------
    left, right = st.columns([1, 1], gap="medium")
    with left:
        st.subheader("Adhésion à la centrale")
        if adhesions.empty:
            empty_state(f"{name} n'avait pas signé la convention d'adhésion au {fmt.date(day)}.")
        else:
            for row in adhesions.itertuples():
                # The space stays outside plain(), which trims its text.
                by = "" if row.signed_by == name else f"(par {row.signed_by}, avant la fusion)"
                line_md = f"Convention signée le **{fmt.date(row.signed_on)}**"
                line_md += f" {plain(by)}" if by else ""
                if not row.active:
                    line_md += f", retirée le **{fmt.date(row.withdrawn_on)}**"
                st.markdown(f"- {line_md}.")
        st.caption(
            similar_rule(name, len(peers))
            + " "
            + ", ".join(
                f"{plain(n)} ({fmt.number(p)} hab.)"
                for n, p in zip(peers["name_fr"], peers["population"])
            )
            + "."
        )
    with right:
        fig = figure(
            mapfig.metric_map,
            status,
            shapes,
            "adhesion",
            height=mapfig.SMALL_MAP_HEIGHT,
            highlight=nis,
        )
        st.plotly_chart(
            fig,
            key="commune_map",
            theme=None,
            config=mapfig.plotly_config(f"carte-{nis}"),
        )
        st.caption(f"{plain(name)} est entourée en noir et nommée. Couleur : statut d'adhésion.")

# --- Orders --------------------------------------------------------------------
st.subheader("Commandes")
# "Commandée par" only when communes merged into this one (which one ordered, before).
order_columns = commune_order_columns(ordered_by=bool(identity["absorbed"]))
show_table(
    orders.assign(status=orders["status"].map(ORDER_STATUS_LABELS)),
    order_columns,
    key="commune_orders_excel",
    file_name=f"commandes-{fmt.file_part(name)}-{day.isoformat()}",
    sheet="Commandes",
    empty_message=f"Aucune commande {de(name)} à cette date.",
    highlight=list(orders["lead_days"].fillna(0) > AWARD_PROMISE_DAYS),
)
if not orders.empty and (orders["lead_days"].fillna(0) > AWARD_PROMISE_DAYS).any():
    st.caption(
        f"Surlignées : attribuées en plus de {AWARD_PROMISE_DAYS} jours "
        "(la promesse de la centrale)."
    )

commune_section(day, nis, de(name))

st.subheader("Solutions pas encore commandées")
show_table(
    not_taken,
    [
        Col.dim("solution"),
        Col.dim("category"),
        Col("catalogue", "Catalogue"),
        Col("providers", "Prestataires de l'accord-cadre"),
    ],
    key="commune_not_taken_excel",
    file_name=f"solutions-non-commandees-{fmt.file_part(name)}-{day.isoformat()}",
    sheet="Solutions non commandées",
    empty_message=f"{name} a déjà commandé toutes les solutions disponibles à cette date.",
)

# --- Peers ---------------------------------------------------------------------
st.subheader("Comparaison avec des communes semblables")
peer_count = int(uptake["similar_total"].iloc[0]) if not uptake.empty else len(peers)
arr_count = int(uptake["arrondissement_total"].iloc[0]) if not uptake.empty else 0
st.markdown(
    f"Part des communes qui ont pris chaque solution (bon de commande envoyé ou attribué, "
    f"hors annulations) : les **{plain(peer_count)} communes semblables** et les "
    f"**{plain(arr_count)} "
    f"autres communes de {plain(arrondissement_of(identity['arrondissement'], article=True))}**."
)
st.caption(similar_rule(name, peer_count))
show_table(
    uptake,
    [
        Col.dim("solution"),
        Col("taken", name, "flag", flag_text="✔ commandée"),
        # Short headers (the grid never wraps one); the help says them in full.
        Col(
            "similar_share",
            f"Semblables ({peer_count})",
            "percent",
            help=f"Part des {peer_count} communes semblables qui ont pris la solution.",
        ),
        Col("similar_names", "Semblables qui l'ont"),
        Col(
            "arrondissement_share",
            f"Arrondissement ({arr_count})",
            "percent",
            help=f"Part des {arr_count} autres communes de l'arrondissement qui ont pris "
            "la solution.",
        ),
        Col("arrondissement_names", "De l'arrondissement qui l'ont"),
    ],
    excel_columns=[
        Col.dim("solution"),
        Col("taken", name, "flag", flag_text="✔ commandée"),
        Col("similar_share", f"Communes semblables ({peer_count})", "percent"),
        Col("similar_names", "Communes semblables qui l'ont"),
        Col("arrondissement_share", f"Arrondissement ({arr_count})", "percent"),
        Col("arrondissement_names", "Communes de l'arrondissement qui l'ont"),
    ],
    key="commune_peers_excel",
    file_name=f"comparaison-{fmt.file_part(name)}-{day.isoformat()}",
    sheet="Comparaison",
    empty_message="Aucune solution disponible à cette date.",
)

# --- Subsidies and survey ------------------------------------------------------
st.subheader("Subsides régionaux reçus")
show_table(
    # Each call under its one name (`subsidy_call_label`, the year in it).
    subsidies.assign(call=[upper_first(subsidy_call_label(y)) for y in subsidies["call_year"]]),
    [
        Col("call", "Appel à projets"),
        Col("beneficiary", "Bénéficiaire"),
        Col("project", "Projet"),
        Col("amount_eur", "Montant", "money"),
    ],
    key="commune_subsidies_excel",
    file_name=f"subsides-{fmt.file_part(name)}-{day.isoformat()}",
    sheet="Subsides",
    empty_message=f"{name} n'a reçu aucun subside régional « Smart » jusqu'en {day.year}.",
)
if not subsidies.empty:
    st.caption(f"Total : {fmt.money(subsidies['amount_eur'].sum())}.")

# On paper, the years side by side, each under its name and answer (theme.css).
with st.container(key="commune-survey"):
    st.subheader("Réponses à l'enquête des besoins")
    if answers.empty:
        empty_state(f"{name} n'avait répondu à aucune enquête des besoins au {fmt.date(day)}.")
    else:
        years = sorted(answers["year"].unique(), reverse=True)
        for year, tab in zip(years, st.tabs([f"Enquête {y}" for y in years])):
            with tab:
                rows = answers[answers["year"] == year]
                # A merged commune's answers are shown with their commune's name: Bastogne's
                # year must not read as one answer when Bertogne also answered.
                merged = rows["answered_nis"].nunique() > 1 or rows["answered_nis"].iloc[0] != nis
                st.caption(" ; ".join(answer_lines(rows, merged)) + ".")
                # A column no answer of the year fills (no budget, no comment) says nothing:
                # left out, which keeps the page to two sheets on paper (Bastogne's years).
                optional = [
                    Col("priority", "Priorité", "int"),
                    Col("horizon", "Horizon"),
                    Col("budget_eur", "Budget estimé", "money0"),
                    Col("comment", "Commentaire"),
                ]
                show_table(
                    rows,
                    [
                        *([Col("answered_by", DIMENSIONS["commune"].label)] if merged else []),
                        Col("need", "Besoin"),
                        *(c for c in optional if rows[c.name].notna().any()),
                    ],
                    key=f"commune_survey_excel_{year}",
                    file_name=f"enquete-{year}-{fmt.file_part(name)}",
                    sheet=f"Enquête {year}",
                    empty_message="Aucune réponse.",
                )
