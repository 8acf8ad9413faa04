"""The Présentation page opens on no commune until one is chosen or given in the link."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import PRESS_DAY

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "presentation.py")


def test_no_commune_until_one_is_chosen(app_env):
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["shared_as_of"] = PRESS_DAY
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="presentation_nis").value is None
    assert "Choisissez la commune à présenter" in at.info[0].value
    assert not at.get("download_button")  # nothing presented, nothing to download
    assert not at.warning  # no Streamlit warning about the box's default
    at.selectbox(key="presentation_nis").set_value("84009").run()
    assert not at.exception, at.exception
    assert at.query_params["nis"] == ["84009"] or at.query_params["nis"] == "84009"
    assert at.get("download_button")
