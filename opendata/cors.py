"""Which requests get CORS headers: safe methods on the open-data API only.

django-cors-headers enables itself on `CORS_URLS_REGEX` (/api/open/) but allows no origin
by its settings; this receiver of its `check_request_enabled` signal allows every origin
for GET, HEAD and OPTIONS (the preflight) there, and for nothing else. A POST or a DELETE
gets no `Access-Control-Allow-Origin`, so a browser never hands another site its answer.
No credentials: `CORS_ALLOW_CREDENTIALS` stays false and the API sets no cookie."""

from __future__ import annotations

from django.http import HttpRequest

API_PREFIX = "/api/open/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def allow_safe_api_requests(sender: object = None, *, request: HttpRequest, **kwargs) -> bool:
    return request.method in SAFE_METHODS and request.path_info.startswith(API_PREFIX)


def connect() -> None:
    from corsheaders.signals import check_request_enabled

    check_request_enabled.connect(
        allow_safe_api_requests, weak=False, dispatch_uid="opendata:cors-safe-methods"
    )
