"""The site's caches: named generation counters, keys, read-or-build, and invalidation.

Every cached value is keyed on one or more *generations*: counters kept in the shared cache
(Redis in production) that a change bumps, so that every entry built before it is stale at
once on every worker. A change bumps its generations now (the request that made it sees it)
and again once the transaction commits (a request served meanwhile by another worker still
read the old rows, and would otherwise keep them under the new generation).

Each app declares in its own `caches.py` the layers it keeps (`Layer`: what, how long, keyed
on which generations) and the signals that bump them (`bump_on`); its `AppConfig.ready`
calls that module's `connect()`. Outside this module, only template fragments (`{% cache %}`
keyed on `content_generation`, which is `PAGES`) and the rate limits' counters use the cache.

Within a request (`RequestScopeMiddleware`), each generation is read from the shared cache
once: later reads in the same request answer from memory, and a bump made by the request
updates that memory. Values that rarely change and that every page needs (the site for a
host name, the site settings) are kept in the worker's memory by a `ProcessMemo`, for as
long as the generation they depend on keeps its value.

The cache is an accelerator, never a dependency: with Redis unreachable the django-redis
backend (`IGNORE_EXCEPTIONS`) answers every read with a miss and drops every write, so a
generation reads as 1, every layer builds its value from the database, and nothing is kept
(a `ProcessMemo` keeps nothing either: it could not know when to forget).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import redis
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django_redis.pool import ConnectionFactory

T = TypeVar("T")

# The generations already read by the current request, by name: (value, read from the cache).
_request_generations: ContextVar[dict[str, tuple[int, bool]] | None] = ContextVar(
    "request_generations", default=None
)


class RequestScopeMiddleware:
    """Opens a scope in which each generation is read from the shared cache once per request
    (a page reads the site-wide generation for its route, its settings and each of its
    fragments: one round trip instead of five)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_generations.set({})
        try:
            return self.get_response(request)
        finally:
            _request_generations.reset(token)


@dataclass(frozen=True)
class Generation:
    """A counter in the shared cache; bumping it makes every entry keyed on it stale."""

    name: str

    @property
    def key(self) -> str:
        return f"{self.name}:generation"

    def get(self) -> int:
        return self.read()[0]

    def read(self) -> tuple[int, bool]:
        """The current value, and whether the shared cache gave it (False when the cache is
        unreachable and the value is a stand-in)."""
        memo = _request_generations.get()
        if memo is not None and self.name in memo:
            return memo[self.name]
        value = cache.get(self.key)
        if value is None:
            # A random start, not 1: after the cache is emptied (a Redis restart, a flush),
            # the counter starts again from a value no worker has seen, so what a worker
            # kept in memory under the old value is never taken for current.
            cache.add(self.key, secrets.randbelow(2**31) + 1, timeout=None)
            value = cache.get(self.key)
        result = (1, False) if value is None else (int(value), True)
        if memo is not None:
            memo[self.name] = result
        return result

    def bump(self) -> None:
        try:
            result = cache.incr(self.key)
        except ValueError:  # not stored yet (or evicted)
            result = None
        if result is None:
            cache.set(self.key, secrets.randbelow(2**31) + 1, timeout=None)
        memo = _request_generations.get()
        if memo is not None:
            memo.pop(self.name, None)  # the request that bumped reads the new value

    def bump_now_and_on_commit(self) -> None:
        self.bump()
        transaction.on_commit(self.bump)


def digest(*parts: object) -> str:
    """A short stable digest of what a value depends on (filters, query, path...)."""
    raw = repr(parts)
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]


@dataclass(frozen=True)
class Layer:
    """One kind of cached value: its key prefix, the generations it is keyed on, how long an
    entry lives (seconds, or the name of a setting holding them) and what it holds (for the
    README's table)."""

    name: str
    seconds: int | str
    generations: tuple[Generation, ...] = ()
    description: str = field(default="", compare=False)

    @property
    def timeout(self) -> int:
        if isinstance(self.seconds, str):
            return int(getattr(settings, self.seconds))
        return self.seconds

    def key(self, *parts: object, at: Sequence[int] | None = None) -> str:
        """The key of `parts` under the current generations, or under `at` (values already
        read, so that the steps of one request agree)."""
        values = at if at is not None else [generation.get() for generation in self.generations]
        suffix = f":{digest(*parts)}" if parts else ""
        return f"{self.name}:{'.'.join(map(str, values))}{suffix}"

    def get(self, key: str) -> Any:
        return cache.get(key)

    def set(self, key: str, value: Any) -> None:
        cache.set(key, value, self.timeout)

    def get_or_build(
        self, *parts: object, build: Callable[[], T], at: Sequence[int] | None = None
    ) -> T:
        """The value stored under `parts` and the current generations (or `at`), or else
        `build()`, stored."""
        key = self.key(*parts, at=at)
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, self.timeout)
        return value


class ProcessMemo:
    """Values kept in this worker's memory while `generation` keeps its value: for small
    objects that nearly every request needs and that change rarely (the site of a host name,
    the site settings), where even a cache round trip costs more than the lookup saves.

    Every entry is forgotten at once when the generation changes; nothing is kept when the
    shared cache is unreachable (the generation's value is then a stand-in). At most
    `max_entries` values are kept, so unexpected keys cannot grow it."""

    def __init__(self, generation: Generation, max_entries: int = 64) -> None:
        self.generation = generation
        self.max_entries = max_entries
        # (generation value, entries): replaced whole, so a reader never sees a half-cleared
        # dict from another thread.
        self._state: tuple[int, dict[Any, Any]] = (0, {})

    def get_or_build(self, key: Any, build: Callable[[], T]) -> T:
        value, reliable = self.generation.read()
        if not reliable:
            return build()
        at, entries = self._state
        if at != value:
            entries = {}
            self._state = (value, entries)
        try:
            return entries[key]
        except KeyError:
            built = build()
            if len(entries) < self.max_entries:
                entries[key] = built
            return built

    def get(self, key: Any) -> Any:
        """The value kept under `key`, or None."""
        value, reliable = self.generation.read()
        at, entries = self._state
        if not reliable or at != value:
            return None
        return entries.get(key)

    def set(self, key: Any, value: Any) -> None:
        """Keep `value` under `key` (unless the memory is full or the cache unreachable)."""
        current, reliable = self.generation.read()
        if not reliable:
            return
        at, entries = self._state
        if at != current:
            entries = {}
            self._state = (current, entries)
        if key in entries or len(entries) < self.max_entries:
            entries[key] = value


LAYERS: dict[str, Layer] = {}


def layer(
    name: str,
    *,
    seconds: int | str,
    generations: Iterable[Generation] = (),
    description: str = "",
) -> Layer:
    """Declare a layer (each name once in the site)."""
    declared = Layer(name, seconds, tuple(generations), description)
    if LAYERS.get(name, declared) != declared:
        raise ValueError(f"Cache layer {name!r} declared twice")
    LAYERS[name] = declared
    return declared


def bump_on(
    signal: Signal,
    *generations: Generation,
    sender: Any = None,
    when: Callable[..., bool] | None = None,
) -> str:
    """Bump `generations` (now and once committed) whenever `signal` is sent (by `sender`),
    and `when(sender=..., **kwargs)` holds if given. Returns the receiver's dispatch uid.

    `sender` may be a model named "app_label.ModelName", as in Django's lazy relations: an
    app's `caches` module then names its models without importing them, so the models (and
    what they import) may read the caches without an import cycle. Call it once the app
    registry is ready (from `AppConfig.ready`)."""
    if isinstance(sender, str):
        sender = django_apps.get_model(sender)
    names = "+".join(generation.name for generation in generations)
    sender_name = getattr(sender, "__name__", "any")
    predicate = when.__name__ if when else "always"

    def receiver(sender: Any = None, **kwargs: Any) -> None:
        if when is not None and not when(sender=sender, **kwargs):
            return
        for generation in generations:
            generation.bump_now_and_on_commit()

    uid = f"caching:{names}:{id(signal)}:{sender_name}:{predicate}"
    signal.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)
    return uid


def cache_state() -> str:
    """ "ok" when the cache answers a write and a read, "down" otherwise (for /healthz)."""
    probe = "health:probe"
    try:
        cache.set(probe, "1", 10)
        return "ok" if cache.get(probe) == "1" else "down"
    except Exception:  # any backend failure means the same to a probe
        return "down"


class CacheErrorLogFilter(logging.Filter):
    """Turns the cache backend's ignored errors into one warning line, at most one every
    `interval` seconds per process: a dead Redis fails every cache call of every request,
    and a traceback for each would bury the log."""

    def __init__(self, interval: float = 30.0) -> None:
        super().__init__()
        self.interval = interval
        self._last = -interval
        self._ignored = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            now = time.monotonic()
            self._ignored += 1
            if now - self._last < self.interval:
                return False
            self._last, ignored, self._ignored = now, self._ignored, 0
        error = record.exc_info[1] if record.exc_info else None
        cause = getattr(error, "__cause__", None) or error
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = "Cache unreachable, pages served without it (%d errors ignored): %s"
        record.args = (ignored, cause)
        record.exc_info, record.exc_text = None, None
        return True


class CircuitBreakerConnection(redis.connection.Connection):
    """A Redis connection that, once its server failed to connect or answer in time, refuses
    at once for `retry_after` seconds (per process and server) instead of trying again on
    every cache call: a Redis that hangs or a host that drops packets costs one timeout every
    few seconds, not one per cache call of every request. Its errors are those django-redis
    ignores."""

    retry_after = 5.0
    _open_until: dict[tuple[str, int], float] = {}  # noqa: RUF012 - shared on purpose

    def _guard(self) -> None:
        if time.monotonic() < self._open_until.get((self.host, self.port), 0.0):
            raise redis.exceptions.ConnectionError("Redis skipped after a recent failure")

    def _trip(self) -> None:
        self._open_until[(self.host, self.port)] = time.monotonic() + self.retry_after

    def connect(self) -> None:
        self._guard()
        try:
            super().connect()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            self._trip()
            raise

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        self._guard()
        try:
            super().send_packed_command(command, check_health)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            self._trip()
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            self._trip()
            raise


class CircuitBreakerConnectionFactory(ConnectionFactory):
    """django-redis's connection factory, with `CircuitBreakerConnection` connections."""

    def make_connection_params(self, url: str) -> dict[str, Any]:
        params = super().make_connection_params(url)
        params["connection_class"] = CircuitBreakerConnection
        return params
