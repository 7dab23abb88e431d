"""The signed links a subscriber receives: confirmation (expiring), preferences and
unsubscribe (not expiring), and an alert's confirmation.

Each token holds the subscriber's id and its `key`: a new key (a new sign-up after an
unsubscribe or a bounce) voids every link sent before. The purpose is the signature's salt,
so a preferences token cannot be used as a confirmation one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.urls import reverse

if TYPE_CHECKING:
    from .models import Alert, Subscriber

CONFIRM = "confirm"
PREFERENCES = "preferences"
UNSUBSCRIBE = "unsubscribe"
ALERT = "alert"
PURPOSES = frozenset({CONFIRM, PREFERENCES, UNSUBSCRIBE, ALERT})


def _salt(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose: {purpose}")
    return f"newsletter.link.{purpose}"


def site_root_url() -> str:
    """The site's absolute root (no trailing slash): WAGTAILADMIN_BASE_URL, else the default
    Site's root URL."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if not base:
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
        base = site.root_url if site else ""
    return base.rstrip("/")


def make_token(subscriber: Subscriber, *, purpose: str, extra: dict | None = None) -> str:
    data = {"s": subscriber.pk, "k": subscriber.key.hex, **(extra or {})}
    return signing.dumps(data, salt=_salt(purpose), compress=True)


def read_token(token: str, *, purpose: str, max_age: int | None = None) -> dict | None:
    """The token's data, or None when it is malformed, forged, expired or of another use."""
    try:
        data = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    return data


def is_expired(token: str, *, purpose: str, max_age: int) -> bool:
    """A genuine token whose time is over (the page then offers to ask again)."""
    return read_token(token, purpose=purpose) is not None and (
        read_token(token, purpose=purpose, max_age=max_age) is None
    )


def subscriber_from_token(
    token: str, *, purpose: str, max_age: int | None = None
) -> Subscriber | None:
    """The subscriber a link names, or None (bad, expired or voided link)."""
    from .models import Subscriber

    data = read_token(token, purpose=purpose, max_age=max_age)
    if data is None:
        return None
    subscriber = Subscriber.objects.filter(pk=data["s"]).first()
    if subscriber is None or subscriber.key.hex != data.get("k"):
        return None
    return subscriber


def _absolute(name: str, token: str) -> str:
    return site_root_url() + reverse(name, args=[token])


def confirm_url(subscriber: Subscriber) -> str:
    """The double opt-in link; it expires after NEWSLETTER_CONFIRMATION_MAX_AGE seconds."""
    return _absolute("newsletter:confirm", make_token(subscriber, purpose=CONFIRM))


def preferences_url(subscriber: Subscriber) -> str:
    return _absolute("newsletter:preferences", make_token(subscriber, purpose=PREFERENCES))


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The RFC 8058 one-click address (List-Unsubscribe) and the footer's link."""
    return _absolute("newsletter:unsubscribe", make_token(subscriber, purpose=UNSUBSCRIBE))


def alert_confirm_url(alert: Alert) -> str:
    token = make_token(alert.subscriber, purpose=ALERT, extra={"a": alert.pk, "ak": alert.key.hex})
    return _absolute("newsletter:alert_confirm", token)


def alert_from_token(token: str, *, max_age: int | None = None) -> Alert | None:
    from .models import Alert

    data = read_token(token, purpose=ALERT, max_age=max_age)
    if data is None or not isinstance(data.get("a"), int):
        return None
    alert = Alert.objects.select_related("subscriber").filter(pk=data["a"]).first()
    if (
        alert is None
        or alert.key.hex != data.get("ak")
        or alert.subscriber_id != data["s"]
        or alert.subscriber.key.hex != data.get("k")
    ):
        return None
    return alert
