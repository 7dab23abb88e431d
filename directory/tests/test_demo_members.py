"""The member-space demo step: two members in two actors' spaces, pending requests (one a
likely duplicate) and a member's draft waiting in the editors' workflow. Read from the demo
built once per session (tests/demo_site.py); tests/test_demo_content_all.py checks that a
second run adds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.models import WorkflowState

from directory.models import MemberSpace, ProjectPage, RegistrationRequest
from tests.demo_site import DEMO_PASSWORD


def test_demo_member_spaces_requests_and_moderation(demo_site):
    output = demo_site.output

    # Two members, each in a different actor's space, not editors.
    User = get_user_model()
    membre, membre2 = User.objects.get(username="membre"), User.objects.get(username="membre2")
    assert membre.check_password(DEMO_PASSWORD) and membre2.check_password(DEMO_PASSWORD)
    space, space2 = (MemberSpace.objects.get(group__user=user) for user in (membre, membre2))
    assert space != space2
    assert not membre.is_superuser
    assert not membre.groups.filter(name="Éditeurs").exists()
    assert "« membre »" in output

    # Pending requests, exactly one flagged as a likely duplicate of an actor.
    pending = RegistrationRequest.objects.filter(status=RegistrationRequest.Status.PENDING)
    assert pending.count() >= 3
    flagged = [request for request in pending if request.duplicate_flags]
    assert len(flagged) == 1
    assert flagged[0].duplicate_flags[0]["kind"] == "actor"

    # A member's draft waits in the editors' workflow.
    project = ProjectPage.objects.get(slug="projet-en-attente-de-validation")
    assert not project.live
    assert project.get_parent().pk == space.actor.pk
    state = WorkflowState.objects.get(object_id=str(project.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == membre
