"""A fixed-window rate limit per address, counted in the shared cache (Redis in production)
so that every worker sees the same count."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def over_limit(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Count this request; True when the address went past `limit` in the current window."""
    window = settings.SEARCH_RATE_WINDOW_SECONDS
    key = f"ratelimit:{scope}:{client_address(request)}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window + 5):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count > limit
