"""Présentation: one commune's story, full width and in large type, to present live.

Same sections, same words (`reports.story`) as the deck and the fiche, for
the commune chosen here (also `?nis=84009`) and the sidebar's reference
date; the deck and the PDF download in one click from the top.
"""

from __future__ import annotations

import html

import streamlit as st

from centrale import fmt
from centrale.datasets import briefing, queries
from centrale.domain import ORDER_STATUS_LABELS, arrondissement_of
from reports import figures, mapimage, story, style
from ui import components as ui
from ui import theme
from ui.briefing_buttons import briefing_downloads
from ui.data import load
from ui.shell import ensure_shell
from ui.state import as_of

ensure_shell()

NIS_KEY = "presentation_nis"

# Large type for a projector; offline (no web font), scoped to this page's classes.
st.html(
    f"""
<style>
.pres-kicker {{ color: {style.GREY_HEX}; font-size: 1.3rem; margin: 0; }}
.pres-title {{ color: {style.PRIMARY_HEX}; font-size: 3rem; font-weight: 700;
               line-height: 1.15; margin: 0.2rem 0 0.4rem 0; padding: 0; }}
.pres-section, .pres-continued {{ color: {style.PRIMARY_HEX}; font-size: 2.2rem; font-weight: 700;
                 border-bottom: 4px solid {style.ACCENT_HEX}; padding-bottom: 0.3rem;
                 margin: 2.2rem 0 1rem 0; }}
.pres-continued {{ margin-top: 0; font-size: 2.8rem; }}
.pres-text {{ font-size: 1.45rem; line-height: 1.5; color: {style.DARK_HEX}; }}
.pres-text li {{ margin-bottom: 0.6rem; font-size: 1.45rem; }}
.pres-cards {{ display: flex; gap: 1rem; flex-wrap: wrap; }}
.pres-card {{ flex: 1 1 14rem; background: {style.PALE_HEX}; border-radius: 0.5rem;
              padding: 1rem 1.2rem; }}
.pres-card .value {{ color: {style.PRIMARY_HEX}; font-size: 2.8rem; font-weight: 700;
                     line-height: 1.1; }}
.pres-card .label {{ font-size: 1.3rem; font-weight: 600; }}
.pres-card .detail {{ font-size: 1.1rem; color: {style.GREY_HEX}; }}
.pres-steps {{ display: flex; gap: 1rem; flex-wrap: wrap; margin-top: 1rem; }}
.pres-step {{ flex: 1 1 12rem; background: {style.PALE_HEX}; border-radius: 0.5rem;
              padding: 0.9rem 1.1rem; color: {style.PRIMARY_HEX}; font-size: 1.35rem;
              font-weight: 700; }}
</style>
"""
)


def _text(lines: list[str], bullets: bool = False) -> None:
    escaped = [html.escape(line) for line in lines]
    if bullets:
        body = "<ul>" + "".join(f"<li>{line}</li>" for line in escaped) + "</ul>"
    else:
        body = "<br>".join(escaped)
    st.html(f'<div class="pres-text">{body}</div>')


def _section(title: str) -> None:
    st.html(f'<div class="pres-section">{html.escape(title)}</div>')


def _pick_commune(day) -> str | None:
    """The commune chosen here or given in the link (?nis=…); None until there is one:
    the page never opens on a commune nobody asked for."""
    communes = load(queries.communes_list, day)
    if communes.empty:
        ui.empty_state(f"Aucune commune dans la base au {fmt.date(day)}.")
        return None
    names = dict(zip(communes["nis_code"], communes["name_fr"]))
    wanted = st.session_state.get(NIS_KEY) or st.query_params.get("nis")
    # Either the state holds a valid commune, or the box starts empty (index=None):
    # never both, which Streamlit would warn about on the page.
    if wanted in names:
        st.session_state[NIS_KEY] = wanted
        start = {}
    else:
        st.session_state.pop(NIS_KEY, None)
        start = {"index": None}
        # The page's h1 until a commune is chosen (then it is the commune's title).
        st.title("Présentation d'une commune")
    picked = st.selectbox(
        "Commune présentée",
        options=list(names),
        format_func=lambda nis: f"{names[nis]} ({nis})",
        key=NIS_KEY,
        placeholder="Choisir la commune à présenter",
        **start,
        help="Ou dans l'adresse : ?nis=84009. La date est celle de la barre latérale.",
    )
    if picked is None:
        st.query_params.pop("nis", None)
        ui.empty_state(
            "Choisissez la commune à présenter ci-dessus (ou donnez-la dans l'adresse, "
            "par exemple ?nis=84009)."
        )
        return None
    st.query_params["nis"] = picked
    return picked


def _slide_break(title: str) -> None:
    """Where the projector starts a new slide inside a section (nothing on screen):
    the slide repeats the section's title, marked as continued."""
    st.html(
        '<div class="pres-break"><div class="pres-continued">'
        f"{html.escape(title)} (suite)</div></div>"
    )


def _chart(fig, file_name: str, key: str) -> None:
    """A chart of the story in the projector's type size (see `theme.large_type`)."""
    ui.chart(theme.large_type(fig), file_name, key)


# Columns a slide leaves out (the screen and paper keep them): a projected table has
# fewer columns rather than smaller text.
PROJECTOR_HIDES_ORDERS = ("order_id", "provider", "awarded_on")
PROJECTOR_HIDES_SURVEY = ("horizon", "match", "comment")
PROJECTOR_HIDES_CATALOGUE = ("catalogue", "providers")
MAP_HEIGHT_PX = 660  # the map on its slide at 1920×1080, its text lines below it


day = as_of()
nis = _pick_commune(day)
if nis is None:
    st.stop()
try:
    b = load(briefing.commune_briefing, nis, day)
except briefing.BriefingError as exc:
    ui.empty_state(str(exc))
    st.stop()

# 1. Title and downloads
st.html(
    f'<p class="pres-kicker">IDELUX Projets publics · Centrale d\'achats Smart</p>'
    # The page's one h1 (the document's outline), the first slide's title.
    f'<h1 class="pres-title">{html.escape(story.title(b))}</h1>'
    # « centrale-situation »: paper's header leaves its own date out (theme.css).
    f'<p class="pres-kicker centrale-situation">Situation au {fmt.long_date(b.as_of)} · '
    f"{html.escape(arrondissement_of(b.arrondissement))} · "
    f"{fmt.number(b.population)} habitants</p>"
)
briefing_downloads(b.nis_code, day, key_prefix="presentation")
theme.projector_button()

titles = story.section_titles(b)

# 2. The centrale in figures
_section(titles[0])
cards = "".join(
    f'<div class="pres-card"><div class="value">{html.escape(f.value)}</div>'
    f'<div class="label">{html.escape(f.label)}</div>'
    f'<div class="detail">{html.escape(f.detail)}</div></div>'
    for f in story.key_figures(b)
)
st.html(f'<div class="pres-cards">{cards}</div>')
_slide_break(titles[0])
_chart(figures.adhesion_figure(b), f"adhesions_{b.as_of.isoformat()}", "presentation_adhesion")

# 3. The map
_section(titles[1])
# Drawn at the slide's width, its names and legend at the projector's type size (issue 24).
theme.svg_picture(
    load(
        mapimage.commune_map_slide_svg,
        b.nis_code,
        day,
        theme.SLIDE_WIDTH_PX,
        MAP_HEIGHT_PX,
        theme.PROJECTED_TEXT_PX,
    ),
    story.map_alt_text(b),
)
_text([story.status_sentence(b)] + story.neighbour_lines(b))

# 4. Its orders
_section(titles[2])
_text([story.orders_summary(b)])
if not b.orders.empty:
    ui.show_table(
        b.orders.assign(status=b.orders["status"].map(ORDER_STATUS_LABELS)),
        ui.commune_order_columns(),
        key="presentation_orders_excel",
        file_name=f"commandes_{fmt.file_part(b.name)}_{b.as_of.isoformat()}",
        sheet="Commandes",
        empty_message="Aucune commande.",
        projector_hides=PROJECTOR_HIDES_ORDERS,
    )
    if story.lead_time_series(b)[0]:
        _slide_break(titles[2])
        _chart(figures.lead_time_figure(b), f"delais_{b.nis_code}", "presentation_lead")

# 5. Peers
_section(titles[3])
_text(story.peers_sentences(b))
if b.peer_uptake.empty:
    _text([story.no_peer_uptake(b)])
else:
    _chart(figures.peers_figure(b), f"pairs_{b.nis_code}", "presentation_peers")

# 6. Survey answers, or the catalogue it can order from
_section(story.survey_title(b))
if b.survey.empty:
    _text([story.no_survey(b)])
    ui.show_table(
        b.catalogue,
        [
            ui.Col("solution", "Solution commandable"),
            ui.Col("catalogue", "Catalogue"),
            ui.Col("providers", "Prestataires mis en concurrence"),
            ui.Col("ordered", "Déjà commandée", "flag"),
        ],
        key="presentation_catalogue_excel",
        file_name=f"catalogue_{b.as_of.isoformat()}",
        sheet="Catalogue",
        empty_message=f"Aucun accord-cadre actif au {fmt.date(b.as_of)}.",
        projector_hides=PROJECTOR_HIDES_CATALOGUE,
    )
else:
    ui.show_table(
        b.survey,
        [
            ui.Col.dim("need"),
            ui.Col("priority", "Priorité", "int"),
            ui.Col("horizon", "Horizon"),
            ui.Col("budget_eur", "Budget", "money0"),
            ui.Col("match", "Au catalogue ?"),
            ui.Col("comment", "Commentaire"),
        ],
        key="presentation_survey_excel",
        file_name=f"enquete_{b.survey_year}_{fmt.file_part(b.name)}",
        sheet=f"Enquête {b.survey_year}",
        empty_message="Aucune réponse.",
        projector_hides=PROJECTOR_HIDES_SURVEY,
    )

# 7. Next steps
_section(titles[5])
_text(story.next_step_lines(b), bullets=True)
steps = "".join(
    f'<div class="pres-step">{index}. {html.escape(text)}</div>'
    for index, text in enumerate(story.how_to_order(b), start=1)
)
st.html(f'<div class="pres-steps">{steps}</div>')
