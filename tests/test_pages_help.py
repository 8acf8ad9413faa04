"""The "Aide" page through AppTest, on the demo store: every measure of the
registry and every dimension of the semantic layer is explained, the last load is
dated, no technical word on screen."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.semantic import DIMENSIONS
from centrale.semantic.measures import MEASURES

PAGE = str(REPO_ROOT / "pages" / "help.py")


def test_help_page_explains_every_measure(app_env):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    glossary = at.dataframe[0].value
    assert set(glossary["label"]) == {m.label for m in MEASURES.values()}
    for m in MEASURES.values():
        assert m.help in set(glossary["help"])
    # The dimensions too, each with its definition from the semantic layer.
    dimensions = at.dataframe[1].value
    assert list(dimensions.columns[:2]) == ["label", "help"]
    assert set(dimensions["label"]) == {d.label for d in DIMENSIONS.values()}
    assert dict(zip(dimensions["label"], dimensions["help"])) == {
        d.label: d.help for d in DIMENSIONS.values()
    }
    assert all(d.help for d in DIMENSIONS.values())
    captions = " ".join(c.value for c in at.caption)
    assert "Données à jour au " in captions
    text = " ".join(m.value for m in at.markdown)
    assert "Dernier chargement" in text
    for technical in ("README", "SHA-256", "base reconstruite", ".csv", "DuckDB"):
        assert technical not in text + captions, technical
