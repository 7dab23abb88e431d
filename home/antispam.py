"""The public forms' anti-spam, without a third-party service: a field people never see
(bots fill it) and a signed, single-use timestamp of when the form was shown.
`includes/anti_spam_fields.html` renders both."""

from __future__ import annotations

import hashlib
import logging
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# A namespace for the signature, not a secret; unchanged so that forms shown before an
# upgrade still validate.
TIMING_SALT = "directory.registration.started"
HONEYPOT_FIELD = "site_web_2"

TOO_FAST_MESSAGE = _(
    "Le formulaire a été envoyé trop vite ou a expiré. Vérifiez vos réponses puis envoyez-le "
    "de nouveau."
)


def started_token(at: float | None = None) -> str:
    """A signed timestamp put in the form when it is shown."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=TIMING_SALT)


def seconds_since(token: str) -> float | None:
    """Seconds since the form was shown, or None for a missing, forged or expired token."""
    try:
        data = signing.loads(
            token, salt=TIMING_SALT, max_age=settings.REGISTRATION_FORM_MAX_AGE_SECONDS
        )
        return time.time() - float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def first_use(token: str) -> bool:
    """Record a timing token as used; False when it was used before (a replay). Kept as long
    as the token is valid. With the cache down, every token counts as new: the other checks
    still apply."""
    key = "antispam:used:" + hashlib.sha256(token.encode()).hexdigest()[:40]
    try:
        added = cache.add(key, 1, timeout=settings.REGISTRATION_FORM_MAX_AGE_SECONDS)
    except Exception as error:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("Anti-spam token not checked for replay, cache unavailable: %r", error)
        return True
    if added is None:
        logger.warning("Anti-spam token not checked for replay, cache unavailable")
        return True
    return bool(added)


class AntiSpamMixin:
    """The view judges the anti-spam fields, as it must store nothing and say little:
    `is_spam()` (drop the submission), `check_fill_time()` (a person sees a message), and
    `restart_timer()` when the form is shown again with its errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Ne remplissez pas ce champ"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields["started"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            self.initial["started"] = started_token()

    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def filled_too_fast(self) -> bool:
        """Sent too fast, with a missing, forged or expired token, or with a token already
        used: a robot replaying one submission."""
        token = self.data.get("started", "")
        elapsed = seconds_since(token)
        if elapsed is None or elapsed < settings.REGISTRATION_MIN_FILL_SECONDS:
            return True
        if not first_use(token):
            logger.info("Anti-spam: timing token replayed, submission refused")
            return True
        return False

    def check_fill_time(self) -> None:
        """Sent faster than a person could, or expired: invalid, and saying so (with any
        other mistake, so the person corrects everything at once)."""
        if self.filled_too_fast():
            self.is_valid()
            self.add_error(None, TOO_FAST_MESSAGE)

    def restart_timer(self) -> None:
        """A fresh timing token: the person has already spent time on the form."""
        self.data = self.data.copy()
        self.data["started"] = started_token()
