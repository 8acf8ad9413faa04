"""The one module that owns Streamlit caching of store reads.

Every page reads through `load(query, *args)`. The cache key holds the store's
version (inode + mtime of the file), so a rebuilt store shows up at the next
interaction without restarting the server, and old entries simply age out.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from types import FunctionType

import numpy as np
import pandas as pd
import streamlit as st

from centrale.cached import FIGURE, REGISTRY, Step, evaluate, key, registered, step
from centrale.config import db_path, settings
from centrale.intake.commit import mismatch, settle_interrupted
from centrale.plaintext import plain
from centrale.sources.discover import list_source_files
from centrale.storage.store import StoreMissing, StoreReader, schema_is_current


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> StoreReader:
    return StoreReader(path)


def reader() -> StoreReader:
    return _reader(str(db_path()))


def store_version() -> str:
    return reader().version()


class _Pickled(bytes):
    """A result kept as its pickle: each caller gets its own copy (`_handed_out`)."""


def _kept(value):
    """How a result is kept in the shared cache: a DataFrame or Series as it is (handed
    out as a copy-on-write view, `_handed_out`); anything else as its pickle."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value
    return _Pickled(pickle.dumps(value, protocol=5))


def _handed_out(kept):
    """A caller's own copy of a kept result. pandas copies on write (always, since
    pandas 3): a shallow copy shares the cached data until the caller changes it, and
    then the change is the caller's alone; so it is as safe as a fresh copy and costs
    no unpickling (~15 ms of the survey page's server time at every run). Only an
    object held in a cell (a list, a dict) is shared as it is: never change one in place."""
    if isinstance(kept, _Pickled):
        return pickle.loads(kept)
    return kept.copy(deep=False)


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


# A resource, not data: st.cache_data unpickles a copy of every result at every run.
@st.cache_resource(ttl=3600, max_entries=512, show_spinner=False)
def _run(version: str, path: str, target: Step):
    # Each step `target` is made of is a cached result of its own: a read that several
    # loads of a page share (the survey's answers: eight of them) is read and derived
    # once per store, not once per load (a sixth of the survey page after a rebuild).
    memo = {}
    for part in (*target.args, *(value for _, value in target.kwargs)):
        if isinstance(part, Step) and _hashable(part):  # else evaluated with `target`
            memo[part] = _handed_out(_run(version=version, path=path, target=part))
    with _reader(path).cursor() as cursor:
        return _kept(evaluate(target, cursor, memo))


def load(query, *args, **kwargs):
    """`query(con, *args, **kwargs)` on the current store, cached per store version.

    `query` is marked `@cached_query` (a read) or `@cached_derivation` (a pure function,
    then called without the connection) where it is defined; any argument may be a
    `step(...)` of another such function, computed in the same cached run (so a read and
    what the page derives from it are kept as one result). Other arguments must be
    hashable plain values (dates, ints, strings, tuples).
    The result is a copy: callers may modify it freely (`_handed_out`).
    """
    path = str(db_path())
    version = _reader(path).version()
    # By keyword: Streamlit then reads no function signature for the cache key (it calls
    # inspect.signature once per positional argument, at every call).
    return _handed_out(_run(version=version, path=path, target=step(query, *args, **kwargs)))


# A resource, not data: st.cache_data would hand out a pickled copy, and unpickling a
# plotly Figure validates it again (~90 ms for a map, as long as building it).
def _function_name(function: FunctionType) -> str:
    """A builder's argument that is a function (`formatter=fmt.money`) counts by its name;
    a lambda has none that tells two apart, so it is refused."""
    if function.__name__ == "<lambda>":
        raise ValueError("figure() : passez une fonction nommée, pas une lambda")
    return f"{function.__module__}.{function.__qualname__}"


def _values_bytes(values) -> bytes:
    if isinstance(values, np.ndarray) and values.dtype != object:
        return np.ascontiguousarray(values).tobytes()
    return pickle.dumps(list(values), protocol=5)  # texts, nullable numbers: one by one


def frame_bytes(frame: pd.DataFrame) -> bytes:
    """A DataFrame argument counts by its content: column names, dtypes, index and every
    value, column by column (whatever the frame's memory layout, so a copy or a filtered
    frame that equals it counts the same; different values never do). 0.2-0.9 ms where
    Streamlit's own DataFrame hash takes 2-3 ms for 43 communes: that hash was 12 % of
    the survey page's server time."""
    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    return pickle.dumps(
        (
            list(frame.columns),
            [str(column.dtype) for column in columns],
            type(frame.index).__name__,
            str(frame.index.dtype),
            _values_bytes(frame.index.to_numpy()),
            [_values_bytes(column.to_numpy()) for column in columns],
        ),
        protocol=5,
    )


@st.cache_resource(
    ttl=3600,
    max_entries=256,
    show_spinner=False,
    hash_funcs={FunctionType: _function_name, pd.DataFrame: frame_bytes},
)
def _figure(name: str, args: tuple, kwargs: tuple):
    return _read_only(REGISTRY[name].function(*args, **dict(kwargs)))


def _read_only(fig):
    """`fig`, whose `to_dict()` hands out one dict made once: `st.plotly_chart` calls it
    at every run, and plotly deep-copies the whole figure each time (~9 % of a page's
    server time under load, for a figure no one may modify: see `figure`)."""
    as_dict = fig.to_dict()
    fig.to_dict = lambda: as_dict
    return fig


def figure(build, *args, **kwargs):
    """`build(*args, **kwargs)`, a plotly Figure, built once and shared by every session.

    The key is the arguments' content (DataFrames by their values, `frame_bytes`), so a figure
    follows the data it is drawn from: after a rebuild that changed them, the next
    run draws a new one; while they are equal, every session and rerun reuses it.
    Builders must be pure and marked `@cached_figure` where they are defined. The figure
    is shared: pass it to `st.plotly_chart` as it is, never modify it.
    """
    registered(build, FIGURE)
    return _figure(name=key(build), args=args, kwargs=tuple(sorted(kwargs.items())))


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _schema_is_current(version: str, path: str) -> bool:
    with _reader(path).cursor() as cursor:
        return schema_is_current(cursor)


def store_ready() -> bool:
    """True if the store exists and matches this code; otherwise explain in French."""
    try:
        version = store_version()
    except StoreMissing as exc:
        st.error(f"**Base de données absente.** {plain(exc)}")
        return False
    if not _schema_is_current(version, str(db_path())):
        st.error(
            "**Base de données d'une version antérieure du tableau de bord.** "
            "Reconstruisez-la depuis les sources avec « make etl » (ou relancez « make run »)."
        )
        return False
    for notice in sources_notices():
        st.warning(notice, icon=":material/sync_problem:")
    return True


@st.cache_resource(show_spinner=False)
def _settled_at_start(folder: str) -> str | None:
    """Once per server: finish or undo a load that a killed server left half done."""
    return settle_interrupted(Path(folder))


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _mismatch(version: str, db: str, folder: str, listing: str) -> str | None:
    return mismatch(Path(folder), Path(db))


def sources_notices() -> list[str]:
    """French sentences about the sources folder and the store (interrupted load settled,
    store not built from exactly the files of the folder), for every page's top."""
    config = settings()
    folder = config.sources_dir
    notices = [m for m in [_settled_at_start(str(folder))] if m]
    try:
        # One text: Streamlit hashes a text at once, a tuple of tuples item by item (4 %
        # of the survey page's server time).
        listing = repr(
            [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in list_source_files(folder)]
        )
        message = _mismatch(store_version(), str(config.db_path), str(folder), listing)
    except (OSError, StoreMissing):
        message = None  # no folder or no store yet: said elsewhere
    return notices + ([message] if message else [])
