"""Who may act on a registration from the admin."""

from __future__ import annotations

from wagtail.models import Page

from directory.permissions import own_subtree_filter

from .models import Registration

CHANGE_PERMISSION = "events.change_registration"


def can_confirm(user, registration: Registration) -> bool:
    """Editors (who may change registrations), and a member for the events in its own
    actor space."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.has_perm(CHANGE_PERMISSION):
        return True
    return Page.objects.filter(own_subtree_filter(user), pk=registration.event_id).exists()
