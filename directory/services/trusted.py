"""Trusted actors: their pages below the profile skip the editors' review."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, WorkflowState

from ..models import ActorPage


def owning_actor(page: Page) -> ActorPage | None:
    """The actor page at or above `page`, if any."""
    return (
        ActorPage.objects.filter(path__in=[page.path[:i] for i in range(4, len(page.path) + 1, 4)])
        .order_by("-depth")
        .first()
    )


def publish_trusted_submission(*, page: Page, user) -> bool:
    """Let a trusted actor's pages below its profile skip the editors' review.

    Chosen over a second workflow or per-page publish permissions: the workflow stays the
    same for every member (one place to read), the member still clicks "submit", and the
    approval is recorded in the page's history as given by the member's own trust. The
    profile page itself (and anything outside a trusted actor) keeps waiting for editors.
    Returns whether the page was published."""
    if isinstance(page.specific, ActorPage):
        return False
    actor = owning_actor(page)
    if actor is None or not actor.trusted:
        return False
    # Fresh from the database: the view's page object cached its state before submission.
    state = Page.objects.get(pk=page.pk).current_workflow_state
    if state is None or state.current_task_state is None:
        return False
    with transaction.atomic():
        state.current_task_state.approve(
            user=user,
            update=False,
            comment=_("Acteur de confiance : publication sans validation."),
        )
        # Finished here rather than by `WorkflowState.update()`, whose publication would
        # check the member's (absent) publish permission: the actor's trust is that
        # permission, and the history still names the member.
        state.status = WorkflowState.STATUS_APPROVED
        state.save(update_fields=["status"])
        page.get_latest_revision().publish(user=user, skip_permission_checks=True)
    return True
