"""Deployment checks (`manage.py check --deploy`) of the site's own settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTNAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names, not a bind


@register(Tags.security, deploy=True)
def check_admin_base_url(app_configs, **kwargs) -> list[Warning]:
    """Reset and invitation e-mails carry links built on WAGTAILADMIN_BASE_URL: a local
    address leads nowhere for the person who receives them, and plain HTTP sends the reset
    token in clear."""
    url = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "")
    hostname = (url.hostname or "").lower()
    problems = []
    if hostname in LOCAL_HOSTNAMES or hostname.endswith(".localhost"):
        problems.append(
            Warning(
                f"WAGTAILADMIN_BASE_URL points to this machine ({hostname}).",
                hint="Set it to the site's public address, e.g. https://www.exemple.org: "
                "the links in password reset and invitation e-mails are built on it.",
                id="home.W001",
            )
        )
    if url.scheme == "http":
        problems.append(
            Warning(
                "WAGTAILADMIN_BASE_URL uses plain http.",
                hint="Use the https address: password reset links carry a secret token.",
                id="home.W002",
            )
        )
    return problems
