"""The one module that owns Streamlit caching of store reads.

Every page reads through `load(query, *args)`. The cache key holds the store's
version (inode + mtime of the file), so a rebuilt store shows up at the next
interaction without restarting the server, and old entries simply age out.
"""

from __future__ import annotations

from pathlib import Path
from types import FunctionType

import streamlit as st

from centrale.cached import FIGURE, REGISTRY, Step, evaluate, key, registered, step
from centrale.commit import mismatch, settle_interrupted
from centrale.config import settings
from centrale.plaintext import plain
from centrale.sources.validate import list_source_files
from centrale.store import StoreMissing, StoreReader, schema_is_current


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> StoreReader:
    return StoreReader(path)


def reader() -> StoreReader:
    return _reader(str(settings().db_path))


def store_version() -> str:
    return reader().version()


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _run(version: str, path: str, target: Step):
    with _reader(path).cursor() as cursor:
        return evaluate(target, cursor)


def load(query, *args, **kwargs):
    """`query(con, *args, **kwargs)` on the current store, cached per store version.

    `query` is marked `@cached_query` (a read) or `@cached_derivation` (a pure function,
    then called without the connection) where it is defined; any argument may be a
    `step(...)` of another such function, computed in the same cached run (so a read and
    what the page derives from it are kept as one result). Other arguments must be
    hashable plain values (dates, ints, strings, tuples).
    The result is a copy: callers may modify it freely.
    """
    path = str(settings().db_path)
    version = _reader(path).version()
    return _run(version, path, step(query, *args, **kwargs))


# A resource, not data: st.cache_data would hand out a pickled copy, and unpickling a
# plotly Figure validates it again (~90 ms for a map, as long as building it).
def _function_name(function: FunctionType) -> str:
    """A builder's argument that is a function (`formatter=fmt.money`) counts by its name;
    a lambda has none that tells two apart, so it is refused."""
    if function.__name__ == "<lambda>":
        raise ValueError("figure() : passez une fonction nommée, pas une lambda")
    return f"{function.__module__}.{function.__qualname__}"


@st.cache_resource(
    ttl=3600, max_entries=256, show_spinner=False, hash_funcs={FunctionType: _function_name}
)
def _figure(name: str, args: tuple, kwargs: tuple):
    return REGISTRY[name].function(*args, **dict(kwargs))


def figure(build, *args, **kwargs):
    """`build(*args, **kwargs)`, a plotly Figure, built once and shared by every session.

    The key is the arguments' content (DataFrames hashed by Streamlit), so a figure
    follows the data it is drawn from: after a rebuild that changed them, the next
    run draws a new one; while they are equal, every session and rerun reuses it.
    Builders must be pure and marked `@cached_figure` where they are defined. The figure
    is shared: pass it to `st.plotly_chart` as it is, never modify it.
    """
    registered(build, FIGURE)
    return _figure(key(build), args, tuple(sorted(kwargs.items())))


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
    if not _schema_is_current(version, str(settings().db_path)):
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
def _mismatch(version: str, db: str, folder: str, listing: tuple) -> str | None:
    return mismatch(Path(folder), Path(db))


def sources_notices() -> list[str]:
    """French sentences about the sources folder and the store (interrupted load settled,
    store not built from exactly the files of the folder), for every page's top."""
    config = settings()
    folder = config.sources_dir
    notices = [m for m in [_settled_at_start(str(folder))] if m]
    try:
        listing = tuple(
            (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in list_source_files(folder)
        )
        message = _mismatch(store_version(), str(config.db_path), str(folder), listing)
    except (OSError, StoreMissing):
        message = None  # no folder or no store yet: said elsewhere
    return notices + ([message] if message else [])
