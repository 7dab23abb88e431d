"""Rate limits counted in the shared cache (Redis in production), so every worker and every
app server sees the same count.

A sliding window: the window is cut into `SLICES` slices, each a cache counter, and a request
counts every slice of the last window. A burst cannot pass twice the limit across the turn
of a window as it could with one fixed window. Refused requests are not counted, so a
visitor who waits `retry_after` seconds gets through.

When the cache is down (an error, or `None` from a backend told to ignore errors), the limit
fails open: the request passes and a warning is logged. A limit protects the site; it must
not take it down.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .client import client_ip
from .headers import never_stored

logger = logging.getLogger(__name__)

SLICES = 12


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Seconds until the request would pass (0 when it passed): the `Retry-After` of a 429.
    retry_after: int = 0


class CacheUnavailable(Exception):
    pass


def _slice_seconds(window: int) -> int:
    return max(1, math.ceil(window / SLICES))


def _count(key: str, timeout: int) -> int:
    """Add one to a counter and return its value."""
    added = cache.add(key, 1, timeout=timeout)
    if added is None:
        raise CacheUnavailable
    if added:
        return 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
    if count is None:
        raise CacheUnavailable
    return count


def hit(*, scope: str, key: str, limit: int, window: int) -> Verdict:
    """Count one request of `key` (an address, an e-mail, an API client...) in `scope`;
    refused when it would make more than `limit` in the last `window` seconds."""
    if limit < 1:
        return Verdict(allowed=False, retry_after=window)
    step = _slice_seconds(window)
    slices = math.ceil(window / step)
    now = time.time()
    current = int(now // step)
    # Hashed: no address or e-mail in the cache, and keys of bounded length.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    prefix = f"limit:{scope}:{digest}:"
    keys = [f"{prefix}{index}" for index in range(current - slices + 1, current)]
    timeout = window + step
    try:
        own = _count(f"{prefix}{current}", timeout)
        previous = cache.get_many(keys) if keys else {}
        counts = [int(previous.get(k) or 0) for k in keys] + [own]
        if sum(counts) <= limit:
            return Verdict(allowed=True)
        cache.decr(f"{prefix}{current}")
    except Exception as error:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("Rate limit %s not checked, cache unavailable: %r", scope, error)
        return Verdict(allowed=True)
    return Verdict(allowed=False, retry_after=_retry_after(counts, limit, current, step, now))


def _retry_after(counts: list[int], limit: int, current: int, step: int, now: float) -> int:
    """Seconds until enough of the oldest slices leave the window for one more request.
    `counts` runs from the oldest slice to the current one, which holds the refused request."""
    counts = [*counts[:-1], counts[-1] - 1]
    excess = sum(counts) - limit + 1
    first = current - len(counts) + 1
    for offset, count in enumerate(counts):
        excess -= count
        if excess <= 0:
            # This slice leaves the window once the window has moved past its end.
            leaves_at = (first + offset + len(counts)) * step
            return max(1, math.ceil(leaves_at - now))
    return len(counts) * step


def address_key(address: str | None) -> str:
    """An IPv4 address, or the /64 network of an IPv6 one: a single IPv6 client usually holds
    a whole /64 and could otherwise take a fresh address for each request."""
    if not address:
        return "unknown"
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address.split('%')[0]}/64", strict=False))
        except ValueError:
            return address
    return address


def hit_request(request: HttpRequest, *, scope: str, limit: int, window: int) -> Verdict:
    """`hit` keyed on the visitor's address (`home.client.client_ip`)."""
    return hit(scope=scope, key=address_key(client_ip(request)), limit=limit, window=window)


def public_form(request: HttpRequest, *, scope: str) -> Verdict:
    """A public form's submission (référencement, event registration): at most
    `REGISTRATION_RATE_LIMIT` per address and `REGISTRATION_RATE_WINDOW_SECONDS`, each form
    counted in its own `scope`."""
    return hit_request(
        request,
        scope=scope,
        limit=settings.REGISTRATION_RATE_LIMIT,
        window=settings.REGISTRATION_RATE_WINDOW_SECONDS,
    )


def with_retry_after(response: HttpResponse, verdict: Verdict) -> HttpResponse:
    """A refused request's answer: 429 with `Retry-After`."""
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


def refused_form(
    request: HttpRequest, verdict: Verdict, *, back_url: str, back_label: str
) -> HttpResponse:
    """The page of a public form's submission refused by `public_form`: 429 with
    `Retry-After`, how long to wait, a link back; never stored by a cache."""
    response = TemplateResponse(
        request,
        "rate_limited.html",
        {
            "window_minutes": settings.REGISTRATION_RATE_WINDOW_SECONDS // 60,
            "back_url": back_url,
            "back_label": back_label,
            "noindex": True,
        },
    )
    return with_retry_after(never_stored(response), verdict)
