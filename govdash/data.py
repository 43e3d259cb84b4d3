"""The cached data facade the pages call: data_access.metrics behind flask-caching.

Every memoized call is keyed by (function, database URL, data version, arguments):
the data version comes from data_access.rollups.read_state (bumped by every import
and demo load), so new data is never hidden behind an old cache entry, and the
entries of an older version simply stop being asked for and expire.

The version itself is read with one tiny query and kept for VERSION_TTL seconds in
the process (so a burst of callbacks costs one read).

Backends (GOVDASH_CACHE_URL):
- ``redis://…`` / ``rediss://…`` / ``unix://…`` → RedisCache, shared by every gunicorn
  worker and host;
- ``file:///path/to/dir`` → FileSystemCache (shared by the workers of one host);
- ``null`` → no caching;
- unset → SimpleCache (in-process).

Errors: an unreachable database (or a missing SQLite file — never created here)
raises data_access.engine.DatabaseUnavailable with one readable line; an unknown
region raises data_access.regions.UnknownRegion.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask_caching import Cache
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from data_access import caselist as _caselist
from data_access import grids as _grids
from data_access import metrics as _metrics
from data_access.engine import DatabaseUnavailable, check_reachable, get_engine
from data_access.reference import load_reference
from data_access.regions import Scope, UnknownRegion
from data_access.rollups import read_state
from data_access.settings import get_settings
from data_access.shared_reads import SharedReads

logger = logging.getLogger(__name__)
VERSION_TTL = 5.0  # seconds a process trusts the data version it read
RESULT_TIMEOUT = 600  # seconds a cached result lives (current periods age with `now`)


class _FixedVersionCache(Cache):
    """flask-caching with one fixed version per memoized function. Its own versions
    are random, made on a function's first call and kept only RESULT_TIMEOUT after the
    last result stored: two first calls at once (a page's trend and previous trend, a
    prefetch and its page) made two, and the result stored under the one overwritten
    was never found again. Our keys carry the data version, which is what invalidates."""

    def _memoize_make_version_hash(self) -> str:
        return "v1"


cache = _FixedVersionCache()
_cache_ready = False
_cache_lock = threading.Lock()
_version_lock = threading.Lock()
_versions: dict[str, tuple[float, int]] = {}

__all__ = [
    "DatabaseUnavailable",
    "UnknownRegion",
    "cache",
    "cache_config",
    "init_cache",
    "database_url",
    "data_version",
    "is_available",
    "kpis",
    "breakdown",
    "compare",
    "ranking",
    "gather",
    "grid_activity",
    "latest_cases",
    "repeat_petitioners",
    "status_for",
    "targets",
    "region",
    "region_path",
    "child_codes",
    "top_region",
]


# ------------------------------------------------------------------ cache set-up
def cache_config(cache_url: str | None) -> dict[str, Any]:
    """flask-caching configuration for a GOVDASH_CACHE_URL value."""
    base: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": RESULT_TIMEOUT}
    url = (cache_url or "").strip()
    if not url:
        return {**base, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    if url.lower() in ("null", "none", "off"):
        return {**base, "CACHE_TYPE": "NullCache"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            **base,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": url,
            "CACHE_KEY_PREFIX": "govdash:",
            "CACHE_OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    if url.startswith("file://"):
        directory = url.removeprefix("file://") or "/tmp/govdash-cache"
        Path(directory).mkdir(parents=True, exist_ok=True)
        return {
            **base,
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": directory,
            "CACHE_THRESHOLD": 5000,
        }
    raise ValueError(f"unsupported GOVDASH_CACHE_URL {url!r} (redis://…, file:///dir or null)")


def init_cache(server: Flask | None = None, cache_url: str | None = None) -> Cache:
    """Bind the cache to `server` (the Dash app's Flask server) or a private app."""
    global _cache_ready
    with _cache_lock:
        app = server or Flask("govdash-data")
        url = cache_url if cache_url is not None else get_settings().cache_url
        cache.init_app(app, config=cache_config(url))
        cache.app = app  # usable outside a request (tests, CLI, background threads)
        _cache_ready = True
    return cache


def _ensure_cache() -> None:
    if not _cache_ready:
        init_cache()


# ------------------------------------------------------------------ database
def database_url() -> str:
    return get_settings().database_url


def _engine(url: str):
    parsed = make_url(url)
    is_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None,
        "",
        ":memory:",
    )
    if is_file and not Path(parsed.database).expanduser().exists():
        raise DatabaseUnavailable(f"no database file at {parsed.database}")
    return get_engine(url)


def _unavailable(exc: Exception) -> DatabaseUnavailable:
    orig = getattr(exc, "orig", None)
    reason = str(orig or exc).strip().splitlines()[0] if str(orig or exc).strip() else repr(exc)
    if _schema_missing(reason):
        # A database not yet created, or not yet upgraded to this version's schema.
        return DatabaseUnavailable(
            f"database schema missing or older ({reason}): run `govdash init-db`"
        )
    return DatabaseUnavailable(f"database error: {reason}")


def _schema_missing(reason: str) -> bool:
    """Whether SQLite or PostgreSQL says a table or column of the schema is missing."""
    if "no such table" in reason or "no such column" in reason:
        return True
    return "does not exist" in reason and ("relation" in reason or "column" in reason)


def data_version(url: str | None = None, *, fresh: bool = False) -> int:
    """The data version (0 before the first rollup refresh); VERSION_TTL s per process."""
    url = url or database_url()
    now = time.monotonic()
    if not fresh:
        with _version_lock:
            cached = _versions.get(url)
        if cached is not None and cached[0] > now:
            return cached[1]
    try:
        state = read_state(_engine(url))
    except DatabaseUnavailable:
        raise
    except (OperationalError, ProgrammingError, DBAPIError) as exc:
        raise _unavailable(exc) from exc
    version = state.data_version if state else 0
    with _version_lock:
        _versions[url] = (now + VERSION_TTL, version)
    return version


def is_available(url: str | None = None) -> bool:
    """Whether the database answers right now (used by the shell's health check)."""
    url = url or database_url()
    try:
        check_reachable(_engine(url))
        data_version(url, fresh=True)
    except (DatabaseUnavailable, OperationalError, ProgrammingError, DBAPIError):
        with _version_lock:
            _versions.pop(url, None)
        return False
    return True


def _now_key(date_to: date) -> datetime | None:
    """`now` to the minute when the period has not ended (so the cache key moves on
    once a minute), else None (the figures do not depend on it)."""
    now = datetime.now().replace(second=0, microsecond=0)
    return now if datetime.combine(date_to, datetime.max.time()) > now else None


def _call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except (DatabaseUnavailable, UnknownRegion, ValueError):
        raise
    except (OperationalError, ProgrammingError, DBAPIError) as exc:
        raise _unavailable(exc) from exc
    except PoolTimeout as exc:  # every pooled connection busy for pool_timeout seconds
        raise DatabaseUnavailable("database busy: no free connection, try again") from exc


# ------------------------------------------------------------------ memoized metrics
# The first two arguments of every memoized function are the database URL and the
# data version: they are part of the cache key, never used inside.
@cache.memoize()
def _breakdown(url, version, region, date_from, date_to, by, as_of, now, filters):
    return _metrics.breakdown(
        _engine(url), region, date_from, date_to, by, as_of, now=now, **dict(filters)
    )


@cache.memoize()
def _period_breakdown(url, version, region, date_from, date_to, by, as_of, now, filters):
    """breakdown(snapshot=False): the period metrics only (a ranking's earlier period)."""
    return _metrics.breakdown(
        _engine(url), region, date_from, date_to, by, as_of, now=now, snapshot=False,
        **dict(filters),
    )  # fmt: skip


@cache.memoize()
def _period_kpis(url, version, region, date_from, date_to, as_of, now, filters):
    """kpis(detail=False): the period metrics only (the earlier periods of 同比/环比,
    and the current one's part of kpis(): see KPIS_PARTS)."""
    return _metrics.kpis(
        _engine(url), region, date_from, date_to, as_of, now=now, detail=False, **dict(filters)
    )


@cache.memoize()
def _kpis_mixes(url, version, region, date_from, date_to, as_of, now, filters):
    return _metrics.kpis_mixes(
        _engine(url), region, date_from, date_to, as_of, now=now, **dict(filters)
    )


@cache.memoize()
def _kpis_snapshot(url, version, region, date_from, date_to, as_of, now, filters):
    return _metrics.kpis_snapshot(
        _engine(url), region, date_from, date_to, as_of, now=now, **dict(filters)
    )


# The parts of a kpis() result (see _kpis_calls).
KPIS_PARTS = {"period": _period_kpis, "mixes": _kpis_mixes, "snapshot": _kpis_snapshot}


@cache.memoize()
def _grid_activity(url, version, region, date_from, date_to, as_of, now, filters):
    return _grids.grid_activity(
        _engine(url), region, date_from, date_to, as_of, now=now, **dict(filters)
    )


@cache.memoize()
def _latest_cases(url, version, region, date_from, date_to, limit, as_of, now, filters):
    """The first `limit` cases of a region (newest first, masked) and their total."""
    return _caselist.list_cases(
        _engine(url), region, date_from, date_to, as_of, now=now, limit=limit, **dict(filters)
    )


@cache.memoize()
def _repeat_petitioners(url, version, region, date_from, date_to, limit, as_of, now, filters):
    return _caselist.repeat_petitioners(
        _engine(url), region, date_from, date_to, as_of, now=now, limit=limit, **dict(filters)
    )


def _filters(kind=None, source=None, warning_level=None, category=None) -> tuple:
    """Filters as a sorted tuple of the set ones (a stable part of the cache key)."""
    given = {"kind": kind, "source": source, "warning_level": warning_level, "category": category}
    return tuple(sorted((k, v) for k, v in given.items() if v is not None))


_NOW = object()  # _memoized's default: the now of the cache key (_now_key)


def _memoized(function, region, date_from, date_to, *extra, as_of=None, now=_NOW, **filters):
    _ensure_cache()
    url = database_url()
    version = data_version(url)
    if now is _NOW:
        now = _now_key(date_to) if as_of is None else None
    args = (url, version, region, date_from, date_to, *extra, as_of, now, _filters(**filters))
    # One computation per result at a time: the threads of this process asking for it
    # wait for the one computing it (a page's data calls, a prefetch: see
    # pages/_region_view.prefetch_view), and so do other processes (_across_processes).
    return _COMPUTING.get((function.__name__, *args), lambda: _across_processes(function, args))


# Results being computed in this process (kept only while computing: size 0).
_COMPUTING = SharedReads(size=0)
# How long another process's computation is waited for before computing it here (a
# city's custom-date page takes 1-3 s at 10M cases); its marker expires after as long,
# should that process die.
COMPUTING_WAIT_S = 30
POLL_S = 0.01


def _across_processes(function, args: tuple) -> Any:
    """The memoized `function(*args)`; when the cache is shared (Redis, files) and
    another process is computing the same result (its marker, set with the cache's
    atomic `add`), wait for the result to appear rather than compute it twice: a
    gunicorn worker may take a page's callback while the one that served the page
    is still prefetching its data."""
    marker = None
    try:
        key = function.make_cache_key(function.uncached, *args)
        found = cache.get(key)  # None: not there (None results are never stored)
        if found is not None:
            return found
        if cache.add(f"{key}:computing", 1, timeout=COMPUTING_WAIT_S):
            marker = f"{key}:computing"
        else:
            _wait_for(key, f"{key}:computing")
    except Exception:  # noqa: BLE001 - a cache that fails costs only the sharing
        logger.debug("cache unavailable for sharing %s", function.__name__, exc_info=True)
    try:
        return _call(function, *args)  # the result found, or computed and stored
    finally:
        if marker is not None:
            with contextlib.suppress(Exception):
                cache.delete(marker)


def _wait_for(key: str, marker: str) -> None:
    """Until `key` is stored, or its marker is gone (done or failed), or time is up."""
    deadline = time.monotonic() + COMPUTING_WAIT_S
    while time.monotonic() < deadline and cache.get(key) is None and cache.has(marker):
        time.sleep(POLL_S)


def kpis(region: str, date_from: date, date_to: date, as_of=None, **filters) -> dict[str, Any]:
    """data_access.metrics.kpis, cached: its period metrics, its mixes and its
    snapshot computed side by side, each cached on its own (see _kpis_calls)."""
    now = _now_key(date_to) if as_of is None else None
    return _kpis_result(gather(_kpis_calls(region, date_from, date_to, as_of, now, filters)))


def _kpis_calls(
    region: str, date_from: date, date_to: date, as_of, now, filters: dict[str, Any]
) -> dict[str, Callable[[], Any]]:
    """The parts of a kpis() result, to gather: the period metrics, the mixes and the
    snapshot, each on a connection of its own. At an as_of inside a month at 10M
    cases, the snapshot (the changes since the month end before) and the mixes (the
    edge windows) each take as long as the period metrics, or longer."""
    return {
        name: functools.partial(
            _memoized, function, region, date_from, date_to, as_of=as_of, now=now, **filters
        )
        for name, function in KPIS_PARTS.items()
    }


def _kpis_result(got: dict[str, Any]) -> dict[str, Any]:
    """kpis() from its gathered parts, taken out of `got` (the rest is left there)."""
    result: dict[str, Any] = {}
    for name in KPIS_PARTS:
        result.update(got.pop(name))
    return result


def breakdown(
    region: str, date_from: date, date_to: date, by: str, as_of=None, *, snapshot=True, **filters
) -> list[dict[str, Any]]:
    """data_access.metrics.breakdown, cached (`snapshot=False`: its period metrics only)."""
    function = _breakdown if snapshot else _period_breakdown
    return _memoized(function, region, date_from, date_to, by, as_of=as_of, **filters)


def compare(region: str, date_from: date, date_to: date, as_of=None, **filters) -> dict[str, Any]:
    """data_access.metrics.compare (同比/环比): its three kpis() run side by side, each
    cached on its own (the current one is the kpis() a page shows anyway)."""
    now = _now_key(date_to) if as_of is None else None
    observed = _metrics.observed_at(date_to, as_of, now)
    calls = _kpis_calls(region, date_from, date_to, as_of, now, filters)
    for name, (p_from, p_to, p_as_of) in _metrics.comparison_periods(
        date_from, date_to, observed
    ).items():
        calls[name] = functools.partial(
            _memoized, _period_kpis, region, p_from, p_to, as_of=p_as_of, **filters
        )
    got = gather(calls)
    return _metrics.comparison(_kpis_result(got), got)


def ranking(
    region: str, date_from: date, date_to: date, as_of=None, **filters
) -> list[dict[str, Any]]:
    """data_access.metrics.ranking (composite score, rank change, status): its two
    breakdowns by child run side by side, each cached."""
    p_from, p_to, p_as_of = _metrics.ranking_period(date_from, date_to, as_of)
    # The earlier period gives only its ranks: its open snapshot is needed only if the
    # score weighs an open count.
    snapshot = bool(set(get_settings().weights) & {"open", "overdue_open"})
    got = gather(
        {
            "current": lambda: breakdown(region, date_from, date_to, "child", as_of, **filters),
            "earlier": lambda: breakdown(
                region, p_from, p_to, "child", p_as_of, snapshot=snapshot, **filters
            ),
        }
    )
    return _metrics.rank_children(got["current"], got["earlier"])


def grid_activity(region: str, date_from: date, date_to: date, as_of=None, **filters):
    """data_access.grids.grid_activity (reports per grid, silent grids), cached."""
    filters.pop("category", None)
    return _memoized(_grid_activity, region, date_from, date_to, as_of=as_of, **filters)


def latest_cases(region: str, date_from: date, date_to: date, limit: int, **filters):
    """data_access.caselist.list_cases: the newest `limit` cases of the period (every
    status, masked) and their total, cached."""
    return _memoized(_latest_cases, region, date_from, date_to, limit, **filters)


def repeat_petitioners(region: str, date_from: date, date_to: date, limit: int, **filters):
    """data_access.caselist.repeat_petitioners (重复信访人, the first `limit`), cached."""
    filters.pop("kind", None)  # petitions, always
    return _memoized(_repeat_petitioners, region, date_from, date_to, limit, **filters)


def gather(calls: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run independent data calls at once and return their results by name.

    A region page asks for its figures, two trends and the ranking: each is one or a
    few queries that wait on the database, so running them side by side (each on its
    own pooled connection) makes the page about as slow as its slowest call rather
    than their sum. The first error (in the calls' order) is raised, as a plain call
    would raise it.

    Plain threads, GATHER_THREADS at a time, living only for this call: a kept pool
    would outlive what starts and stops threads around it, and concurrent.futures
    holds one process-wide lock while it starts a worker. A test server that stops by
    killing its threads (dash[testing]) can kill one there, and every later gather of
    the process then waited forever. Starting a thread costs microseconds next to a
    query."""
    if len(calls) <= 1:
        return {name: call() for name, call in calls.items()}
    results: dict[str, Any] = {}
    errors: dict[str, BaseException] = {}
    slots = threading.Semaphore(GATHER_THREADS)

    def run(name: str, call: Callable[[], Any]) -> None:
        try:
            results[name] = call()
        except BaseException as exc:  # noqa: BLE001 - raised in the caller below
            errors[name] = exc
        finally:
            slots.release()

    threads = []
    for name, call in calls.items():
        slots.acquire()
        thread = threading.Thread(target=run, args=(name, call), name=f"govdash-data-{name}")
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    for name in calls:
        if name in errors:
            raise errors[name]
        if name not in results:  # its thread was stopped from outside
            raise RuntimeError(f"data call {name!r} did not finish")
    return {name: results[name] for name in calls}


# A gather's calls at once. A region page's gathers hold at most 8 connections at
# once (compare 4 of its 5 calls, the two trends, the ranking's two), within the
# pool's 10 (data_access.engine); more would not run faster on a server's few CPUs.
GATHER_THREADS = 4


def status_for(metric: str, value: float | None) -> str | None:
    return _metrics.status_for(metric, value)


def targets() -> dict[str, tuple[float, float]]:
    return dict(get_settings().targets)


# ------------------------------------------------------------------ regions
def _reference():
    """Regions, grids and centers (data_access keeps them per data version)."""
    url = database_url()
    version = data_version(url)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return load_reference(conn, SimpleNamespace(data_version=version))
    except (OperationalError, ProgrammingError, DBAPIError) as exc:
        raise _unavailable(exc) from exc


def region(code: str) -> Scope:
    """The scope of a region or grid code (UnknownRegion if there is none)."""
    return _reference().regions.scope(code)


def region_path(code: str) -> list[Scope]:
    """The top region down to `code` (for the breadcrumb)."""
    return _reference().regions.path(code)


def child_codes(code: str) -> list[str]:
    return _reference().regions.child_codes(code)


def top_region() -> str | None:
    return _reference().regions.top_code()
