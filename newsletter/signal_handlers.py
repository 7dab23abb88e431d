"""Receivers of other apps' signals: a référencement request with the newsletter consent
becomes a pending subscriber (the directory knows nothing of the newsletter), and the
provider's bounce and complaint webhooks suppress addresses."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save


def _registration_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """The consent ticked in the référencement form: a pending subscriber (source
    « référencement ») and the confirmation e-mail, once the request is committed."""
    if raw or not created or instance.newsletter_consent_at is None:
        return

    def sign_up() -> None:
        from . import subscriber_services as services
        from .models import SubscriberSource

        services.sign_up(
            email=instance.contact_email,
            name=instance.contact_name,
            source=SubscriberSource.REFERENCEMENT,
            consent_at=instance.newsletter_consent_at,
            consent_version=f"referencement-{instance.newsletter_consent_version}",
        )

    transaction.on_commit(sign_up)


def connect() -> None:
    from anymail.signals import tracking

    from directory.models import RegistrationRequest

    from .webhooks import handle_tracking

    post_save.connect(
        _registration_saved,
        sender=RegistrationRequest,
        dispatch_uid="newsletter_registration_consent",
    )
    tracking.connect(handle_tracking, dispatch_uid="newsletter_tracking")
