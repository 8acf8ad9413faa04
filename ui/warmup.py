"""Server start-up work, so the first visitor does not pay for it.

`streamlit run app.py` serves `dashboard.py` through `st.App`, whose lifespan
calls `start()`: a background thread imports what the shell and the overview
import, opens the store, fills the shared caches with the overview's reads and
figures, then imports the other pages' modules. The server listens meanwhile,
so this overlaps with the browser fetching Streamlit's JavaScript; a visitor who
comes sooner waits on Python's import lock or on the cache's lock for that very
read, never on duplicated work. The order is the first page's: its headline
figures come before its charts, and what other pages need comes last.

Past the headline figures, each step waits while a visitor's run is going on
(`visitor_run`, around every run in dashboard.py): both hold Python's interpreter
lock in turns, and the first visitor's run, which needs only the figures (its
charts come in a second run, ui/first_paint.py), took 0,24–0,31 s instead of ≈ 0,1 s
while the warm-up drew charts beside it.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import inspect
import threading
import time
from collections.abc import Callable, Iterator

from streamlit.logger import get_logger

LOG = get_logger(__name__)

# What dashboard.py and pages/overview.py import before drawing anything, heaviest first.
FIRST_PAGE_MODULES = (
    "pandas",
    "duckdb",
    "plotly.graph_objects",
    "centrale.datasets.queries",
    "centrale.render.charts",
    "ui.data",
    "ui.theme",
    "ui.state",
    "ui.components",
    "ui.auth",
    "ui.shell",
    "ui.runs",
    "ui.worth",
)
# What the other pages add.
OTHER_MODULES = (
    "centrale.render.mapfig",
    "centrale.render.survey_charts",
    "ui.survey.campaign",
    "ui.survey.results",
)
# A step past the headline figures waits at most this long for visitors' runs to end:
# start-up work must not wait for ever behind a busy server.
GIVE_WAY_SECONDS = 3.0

_visitors = 0
_quiet = threading.Condition()
_done = threading.Event()


@contextlib.contextmanager
def visitor_run() -> Iterator[None]:
    """Around a visitor's script run: while it lasts, the warm-up's later steps wait."""
    global _visitors
    if _done.is_set():
        yield
        return
    with _quiet:
        _visitors += 1
    try:
        yield
    finally:
        with _quiet:
            _visitors -= 1
            _quiet.notify_all()


def _give_way() -> None:
    """Wait until no visitor's run is going on (at most GIVE_WAY_SECONDS)."""
    with _quiet:
        _quiet.wait_for(lambda: _visitors == 0, timeout=GIVE_WAY_SECONDS)


def _each_giving_way(steps: list[Callable[[], object]]) -> None:
    for step in steps:
        _give_way()
        step()


def _warm() -> None:
    started = time.monotonic()
    for name in FIRST_PAGE_MODULES:
        importlib.import_module(name)
    _prime_module_lookup()
    from centrale.storage.store import StoreMissing
    from ui import data

    try:
        data.store_version()  # opens the shared read-only connection (cache_resource)
    except StoreMissing:
        return  # the first page explains it in French
    _warm_overview()
    _each_giving_way([lambda name=name: importlib.import_module(name) for name in OTHER_MODULES])
    _give_way()
    _prime_module_lookup()  # again, for the modules just imported
    _freeze_long_lived()
    LOG.info("préchargement terminé en %.1f s", time.monotonic() - started)


def _prime_module_lookup() -> None:
    """Fill `inspect`'s table of which file belongs to which module (public API) for the
    modules imported so far. Streamlit walks `inspect.stack()` once per process, at the
    first element a visitor's page draws (to tell whether it runs in a REPL): with ~2 000
    modules loaded, building that table (a realpath per module) was ~20 % of the first
    visitor's run (py-spy, 07/12/2026). Later calls only add the modules loaded since."""
    inspect.stack()


def _warm_overview() -> None:
    """The default view's reads (today, all solutions, since the opening) and its charts
    into the shared caches, with the very arguments `pages/overview.py` passes: the first
    visitor lands on the overview and finds it all ready. A table's Styler is made once
    too (pandas imports it, and its templates, at first use)."""
    import datetime as dt

    from centrale import periods
    from centrale.datasets import competition, outreach, queries
    from centrale.render import charts, worth_charts
    from centrale.storage import loads
    from ui import components
    from ui.data import figure, load, store_ready

    day = dt.date.today()
    since, until = periods.make("all", day).bounds
    store_ready()  # the shell's checks: schema, interrupted load, sources against the store
    load(queries.solutions)
    load(loads.newest_load)  # the sidebar's "données à jour au"
    load(queries.kpis, day)
    load(queries.period_figures, day, since, until)
    if components.one_year_before(day) >= periods.OPENED_ON:
        load(queries.kpis, components.one_year_before(day))
    # The rest of the page: its second run (ui/first_paint.py), after the visitor's first.
    columns = [components.Col.dim("commune", "name_fr"), components.Col("signed_on", "Le", "date")]
    _each_giving_way(
        [
            lambda: figure(charts.adhesion_curve, load(queries.adhesion_curve, day), day),
            lambda: figure(
                charts.orders_per_month, load(queries.orders_per_month, day, None, since, until)
            ),
            lambda: figure(
                charts.orders_by_solution,
                load(queries.orders_by_solution, day, None, since, until),
            ),
            lambda: components.table_styler(load(queries.members_without_order, day), columns),
            lambda: load(queries.non_members_who_answered, day),
            lambda: load(queries.coverage_by_solution, day),
            lambda: load(competition.order_competition, day),
            lambda: figure(worth_charts.gain_by_year, load(competition.gain_by, day, "year")),
            lambda: figure(worth_charts.funnel, load(outreach.funnel, day)),
            lambda: load(outreach.info_meetings, day),
            lambda: load(outreach.meetings_mergers, day),
            lambda: load(outreach.never_met, day),
        ]
    )


def _freeze_long_lived() -> None:
    """Move every object alive now out of the cyclic collector's reach: what start-up
    made (modules, pandas and plotly internals, the warm caches: ~136 000 objects) and
    whatever a first visitor's page holds at this instant. A full collection then costs
    ~0 ms instead of ~85 ms, each time Python runs one. Frozen objects are still freed by
    reference counting; only a cycle among that first page's objects would wait for
    `thaw()` at shutdown (once, small). No collection first: it found 40 unreachable
    objects for 77 ms of held GIL, while the first visitor's page may be running."""
    gc.freeze()


def thaw() -> None:
    """Undo `_freeze_long_lived` (the server stops: let finalisation collect them)."""
    gc.unfreeze()


def start() -> threading.Thread:
    """Start the warm-up in a daemon thread and return at once (the server must listen)."""
    thread = threading.Thread(target=_warm_safely, name="centrale-warmup", daemon=True)
    thread.start()
    return thread


def _warm_safely() -> None:
    try:
        _warm()
    except Exception:  # a warm-up failure must never stop the server: pages redo the work
        LOG.exception("préchargement interrompu")
    finally:
        _done.set()  # visitors' runs stop counting themselves
