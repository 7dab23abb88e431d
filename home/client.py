"""The visitor's address, the one every rate limit and the login lockout count.

Behind `PROXY_COUNT` trusted reverse proxies, each of them appends the address it received
the request from to `X-Forwarded-For`, so the client is the entry that many places from the
end; anything further left was written by the client and is ignored. With no proxy trusted
(the default), `X-Forwarded-For` is ignored and the socket's address counts.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when the request carries no valid one."""
    proxies = max(int(getattr(settings, "PROXY_COUNT", 0) or 0), 0)
    if proxies:
        # ipware counts the proxies listed in the header: the last one to append is not in it.
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=("HTTP_X_FORWARDED_FOR",),
            strict=False,
        )
        if address:
            return address
    # No proxy trusted, or a request that did not come through them: the socket's address.
    address, _routable = get_client_ip(request, request_header_order=("REMOTE_ADDR",))
    return address
