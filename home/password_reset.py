"""The admin's password reset form (`/admin/password_reset/`), throttled per address and per
e-mail address with the shared limiter. Past either limit no e-mail is sent, and the visitor
sees the same "check your inbox" page as always: the answer never tells whether an account
exists or whether a limit was reached. Selected by `WAGTAILADMIN_USER_PASSWORD_RESET_FORM`."""

from __future__ import annotations

import logging

from django.conf import settings
from wagtail.admin.forms.auth import PasswordResetForm

from . import limits

logger = logging.getLogger(__name__)


class ThrottledPasswordResetForm(PasswordResetForm):
    def save(self, *args, request=None, **kwargs):
        window = settings.PASSWORD_RESET_RATE_WINDOW_SECONDS
        by_address = limits.hit_request(
            request, scope="password-reset", limit=settings.PASSWORD_RESET_RATE_LIMIT, window=window
        )
        by_email = limits.hit(
            scope="password-reset-email",
            key=self.cleaned_data["email"].strip().lower(),
            limit=settings.PASSWORD_RESET_EMAIL_RATE_LIMIT,
            window=window,
        )
        if not (by_address.allowed and by_email.allowed):
            logger.warning("Password reset: rate limit reached, no e-mail sent")
            return
        super().save(*args, request=request, **kwargs)
