"""django-axes' database handler with a second, higher threshold per username.

Axes locks a username together with an address (`AXES_LOCKOUT_PARAMETERS`) after
`AXES_FAILURE_LIMIT` failures; alone, that leaves a guess spread over many addresses
unlimited. This handler also locks a username after `LOGIN_USERNAME_FAILURE_LIMIT` failures
from any address within the cool-off period, high enough that a few visitors mistyping cannot
lock a member out. Selected by `AXES_HANDLER`.
"""

from __future__ import annotations

import logging

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.db.models import Sum
from django.http import HttpRequest

logger = logging.getLogger(__name__)


class LockoutHandler(AxesDatabaseHandler):
    def username_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Failures for the username of this attempt from every address, in the cool-off."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        attempts = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def username_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return bool(settings.AXES_LOCK_OUT_AT_FAILURE) and (
            self.username_failures(request, credentials) >= settings.LOGIN_USERNAME_FAILURE_LIMIT
        )

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self.username_locked(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.username_locked(request, credentials):
            logger.warning("Login lockout: too many failures for one username from any address")
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
