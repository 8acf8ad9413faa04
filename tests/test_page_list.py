"""One list of pages: every page file is listed once, and the menu, the editor rule and
the tools that open every page all follow it."""

from __future__ import annotations

from centrale.config import REPO_ROOT
from devtools.live_app import registered_pages
from ui import page_list


def test_every_page_file_is_listed_once_and_every_listed_page_exists():
    files = sorted(p.name for p in (REPO_ROOT / "pages").glob("*.py"))
    listed = [p.file for p in page_list.PAGES]
    assert sorted(listed) == files
    assert len(set(listed)) == len(listed)
    assert sum(p.default for p in page_list.PAGES) == 1


def test_the_tools_open_the_pages_of_the_list():
    assert [p.url_path for p in registered_pages()] == [p.url_path for p in page_list.PAGES]
    assert "" in [p.url_path for p in registered_pages()]


def test_only_the_import_page_is_for_editors():
    assert page_list.EDITOR_PAGES == {"data"}


def test_the_menu_is_built_from_the_list_alone():
    source = (REPO_ROOT / "dashboard.py").read_text("utf-8")
    assert "page_list.PAGES" in source and 'st.Page("pages/' not in source
