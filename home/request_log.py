"""Logs you can operate: a request id and the user id on every line, and slow requests.

- django-guid's middleware (first in MIDDLEWARE) gives each request an id: the proxy's
  `X-Request-ID` when it is a valid UUID (a safe, short token), a new one otherwise; it is
  sent back in the `X-Request-ID` response header.
- `RequestLogMiddleware` (just before it) keeps the request at hand for the log filter, times
  the request, counts its SQL queries and logs a WARNING line for a request slower than
  `SLOW_REQUEST_MS`. A page-cache hit costs it a clock read and a few attribute sets: no
  query, no session.
- `RequestContextFilter` (on the console handler) adds `request_id` and, once the request's
  user is known, `user_id` to every record: never the username or the e-mail address. The
  filter never loads the user itself (that would be a query inside logging).

Production formats the records as JSON lines (python-json-logger, `config/settings`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished
from django.db import connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty
from django_guid.context import guid
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

logger = logging.getLogger("home.requests")

_current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def _known_user_id(request: HttpRequest | None) -> int | None:
    """The id of the logged-in user if the request has already loaded its user."""
    if request is None:
        return None
    user = request.__dict__.get("user")
    if user is None:
        return None
    # `request.user` is lazy: read it only when something in the request has loaded it.
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class RequestContextFilter(logging.Filter):
    """Adds `request_id` (None outside a request) and `user_id` (when logged in)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = guid.get()
        user_id = _known_user_id(_current_request.get())
        if user_id is not None:
            record.user_id = user_id
        return True


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter, without the `request` object Django attaches to its
    4xx/5xx and security lines: its repr holds the full URL, query string included, where
    search terms or e-mail addresses may sit. The path is in the message already."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)


class _QueryCounter:
    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestLogMiddleware:
    """Times each request and logs the slow ones; clears the request context afterwards."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        _current_request.set(request)
        counter = _QueryCounter()
        # A wrapper on the connection counts queries at the cost of one call each.
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        if duration_ms >= settings.SLOW_REQUEST_MS:
            logger.warning(
                "Slow request: %s %s %s in %d ms (%d SQL queries)",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                counter.count,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration_ms, 1),
                    "queries": counter.count,
                },
            )
        return response


@receiver(request_finished)
def _clear_request_context(**kwargs) -> None:
    """Forget the request once its response is closed (after Django's own 4xx/5xx lines,
    logged outside the middleware): lines logged between requests carry no id."""
    _current_request.set(None)
    guid.set(None)
