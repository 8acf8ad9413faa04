"""One regional call for projects, one name (issue 24): the overview, the Subsides page,
the commune page, the Présentation and its deck and fiche (`reports.story`) all name the
call as `domain.subsidy_call_label` does, and nothing else names it (« subside Smart
2019 », « appel 2019 » and the file's full title were three names for one call)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from centrale.config import REPO_ROOT
from centrale.datasets import briefing, queries
from centrale.domain import subsidy_call_label, upper_first
from centrale.plaintext import plain
from reports import story
from tests.conftest import PRESS_DAY
from tests.plotly_spec import figures

SAMPLE_TODAY = dt.date(2026, 11, 24)
BERTRIX = "84009"
# Whatever a surface calls a call: « appel … 2019 », « subside … 2019 », the file's title.
CALL_WORDS = re.compile(r"(appel|subside)[^.;:\n]*?\b(19|20)\d\d\b|Territoire intelligent", re.I)


def _run(page: str, day: dt.date, **query) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "pages" / page), default_timeout=60)
    at.session_state["shared_as_of"] = day
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _names(texts) -> set[str]:
    """Every name of a call found in `texts`, first letter lowered."""
    return {m.group(0)[:1].lower() + m.group(0)[1:] for t in texts for m in CALL_WORDS.finditer(t)}


@pytest.mark.parametrize("day", [PRESS_DAY, SAMPLE_TODAY], ids=["31-01-2020", "24-11-2026"])
def test_every_surface_names_the_call_alike(app_env, con, day):
    year = queries.default_call_year(con, day)
    label = subsidy_call_label(year)
    assert label == f"appel à projets {year}"

    overview = _run("overview.py", day)
    subsidies = _run("subsidies.py", day)
    (picker,) = subsidies.selectbox
    slides = story.key_figures(briefing.commune_briefing(con, BERTRIX, day))
    surfaces = {
        "vue d'ensemble": [c.value for c in overview.caption],
        "subsides (choix de l'appel)": [picker.format_func(picker.value)],
        "subsides (graphique)": [t for t in figures(subsidies) if "par province —" in t],
        "présentation, diaporama et fiche": [f.label for f in slides],
    }
    named = {surface: _names(texts) for surface, texts in surfaces.items()}
    assert all(names == {label} for names in named.values()), named
    # The file's full title is the call's title on the Subsides page, not a name elsewhere.
    title = queries.subsidy_calls(con, day.year).set_index("call_year").loc[year, "call"]
    assert any(plain(title) in c.value for c in subsidies.caption)
    assert upper_first(label) in [c.value for c in overview.caption]


def test_the_commune_page_names_the_calls_alike(app_env, con):
    at = _run("commune.py", SAMPLE_TODAY, nis=BERTRIX)
    received = next(
        t.value for t in at.dataframe if "call" in t.value.columns and "project" in t.value.columns
    )
    years = queries.commune_subsidies(con, BERTRIX, SAMPLE_TODAY)["call_year"]
    assert list(received["call"]) == [upper_first(subsidy_call_label(y)) for y in years]
    assert len(years) > 0
