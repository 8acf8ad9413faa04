"""The server settings of `.streamlit/config.toml` that performance depends on are
settings Streamlit still knows (an unknown key is only warned about, then ignored)."""

from __future__ import annotations

import tomllib

import streamlit.config

from centrale.config import REPO_ROOT

CONFIG = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def _known(section: str, key: str) -> bool:
    try:
        streamlit.config.get_option(f"{section}.{key}")
    except RuntimeError:  # « Config key "…" not defined. »
        return False
    return True


def test_every_setting_is_one_streamlit_knows():
    assert not _known("runner", "noSuchSetting")  # the check itself can say no
    unknown = [
        f"{section}.{key}"
        for section, values in CONFIG.items()
        for key in values
        if not _known(section, key)
    ]
    assert unknown == []


def test_no_full_garbage_collection_after_each_run():
    """Streamlit's default collects after every script run: half the server's CPU with 30
    people (bench/load.py), for memory Python's own collector frees anyway."""
    assert CONFIG["runner"]["postScriptGC"] is False
