"""What the directory's services share: their error, mail sending and admin links."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger("directory.services")


class RegistrationError(Exception):
    """A request cannot be processed as asked (the admin shows the message)."""


def permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def send_plain(subject: str, template: str, context: dict, recipients: list[str]) -> bool:
    """Send one plain-text e-mail; a failing mail server is logged, never raised."""
    if not recipients:
        return False
    try:
        send_mail(
            subject,
            render_to_string(template, context),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except Exception as error:  # any transport failure: the data is stored already
        # No traceback and no address: SMTP errors carry the recipients, and logs may go to
        # an error-reporting service, where no personal data may go.
        logger.error("E-mail not sent (template %s): %s", template, type(error).__name__)
        return False
    return True


def admin_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
