"""The dashboard's pages, listed once: the navigation (`dashboard.py`), who may see each
page (`ui.auth`), and the tools that open every page (tests, screenshots, bench) all
read this list. Plain data, no Streamlit: importing it costs nothing.

To add a page: write `pages/<name>.py` (widgets and layout only) and add one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str  # the page script, under pages/
    title: str  # French, as the menu shows it
    icon: str  # a Material icon name, as st.Page takes it
    section: str  # the menu's group
    default: bool = False  # the page at "/"
    editors_only: bool = False  # not even listed for viewers

    @property
    def stem(self) -> str:
        return self.file.removesuffix(".py")

    @property
    def url_path(self) -> str:
        """Streamlit's path: the file's stem, '' for the default page."""
        return "" if self.default else self.stem


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "Vue d'ensemble", ":material/dashboard:", "Suivi", default=True),
    PageSpec("map.py", "Carte", ":material/map:", "Suivi"),
    PageSpec("commune.py", "Commune", ":material/location_city:", "Suivi"),
    PageSpec("orders.py", "Commandes et prestataires", ":material/receipt_long:", "Suivi"),
    PageSpec("subsidies.py", "Subsides", ":material/euro:", "Suivi"),
    PageSpec("explorer.py", "Explorer", ":material/query_stats:", "Suivi"),
    PageSpec("survey.py", "Enquête des besoins", ":material/checklist:", "Enquête et présentation"),
    PageSpec("presentation.py", "Présentation", ":material/slideshow:", "Enquête et présentation"),
    PageSpec(
        "data.py", "Importer des données", ":material/upload_file:", "Données", editors_only=True
    ),
    PageSpec("history.py", "Historique des chargements", ":material/history:", "Données"),
    PageSpec("help.py", "Aide", ":material/help:", "Données"),
)

EDITOR_PAGES = frozenset(p.url_path for p in PAGES if p.editors_only)
