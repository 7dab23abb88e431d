"""The site's search backend: Wagtail's database backend, with the autocomplete
configuration taken from the settings on PostgreSQL (the stock backend hard-codes `simple`,
which keeps accents: `secu` would not find `sécurité`).

Settings: `WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends", ...}}` with
`SEARCH_CONFIG` and, on PostgreSQL, `AUTOCOMPLETE_CONFIG`."""

from __future__ import annotations

from django.db import connection
from wagtail.search.backends.database import SearchBackend as default_backend


def SearchBackend(params: dict):  # noqa: N802 - Wagtail looks this name up
    backend = default_backend(params)
    if connection.vendor == "postgresql" and params.get("AUTOCOMPLETE_CONFIG"):
        backend.autocomplete_config = params["AUTOCOMPLETE_CONFIG"]
    return backend
