"""Builders shared by the newsletter's tests."""

from __future__ import annotations

import re
import time

from django.contrib.auth.models import Permission
from django.core import mail

from directory.tests.registration_helpers import make_editor
from home.antispam import started_token


def signup_data(**overrides) -> dict:
    """A valid sign-up, its form shown a minute ago."""
    data = {
        "email": "awa.diallo@example.org",
        "name": "Awa Diallo",
        "consent": "on",
        "origine": "page",
        "started": started_token(at=time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def last_link(path_part: str) -> str:
    """The last link of the outbox whose path holds `path_part`, as a path for the client."""
    for message in reversed(mail.outbox):
        for url in links_in(message):
            if path_part in url:
                return url.removeprefix("http://testserver")
    raise AssertionError(f"no link with {path_part} in the outbox")


def make_editor_with_subscriber_rights(username: str = "editrice"):
    user = make_editor(username)
    codenames = [f"{action}_subscriber" for action in ("view", "add", "change", "delete")]
    codenames += [f"{action}_alert" for action in ("view", "change", "delete")]
    group = user.groups.first()
    for codename in codenames:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="newsletter", codename=codename)
        )
    return user
