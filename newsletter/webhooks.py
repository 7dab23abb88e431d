"""Bounces and complaints reported by the sending provider through django-anymail's
tracking webhooks (`/anymail/<provider>/tracking/`). Anymail checks the webhook's basic
authentication (`ANYMAIL["WEBHOOK_SECRET"]`) and answers 400/403 before any signal; this
receiver suppresses the address, which is then never mailed until it signs up again."""

from __future__ import annotations

import logging

from anymail.signals import AnymailTrackingEvent

from . import subscriber_services as services

logger = logging.getLogger(__name__)


def handle_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    if event.event_type not in services.SUPPRESSING_EVENTS:
        return
    reason = f"{esp_name} : {event.event_type}"
    if event.reject_reason:
        reason += f" ({event.reject_reason})"
    changed = services.suppress(
        email=event.recipient or "", event_type=event.event_type, reason=reason
    )
    logger.info(
        "Newsletter: %s reported by %s, %s address suppressed", event.event_type, esp_name, changed
    )
