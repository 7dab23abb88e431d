"""The member-space demo step: two members in two actors' spaces, pending requests (one a
likely duplicate) and a member's draft waiting in the editors' workflow; idempotent.

One test: the demo with the directory's 80 actors takes a while to build."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.module_loading import autodiscover_modules
from wagtail.models import WorkflowState

from directory.demo import register as register_directory
from directory.demo_members import register as register_members
from directory.models import MemberSpace, ProjectPage, RegistrationRequest
from home import demo_content as home_demo_content

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-de-demo-2020"


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return (
        MemberSpace.objects.count(),
        RegistrationRequest.objects.count(),
        WorkflowState.objects.count(),
        get_user_model().objects.count(),
    )


def test_demo_member_spaces_requests_and_moderation(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    # Every app's `demo_content` module registers its steps when first imported: import
    # them now, or their steps would land in this test's copy of the list and be missing from
    # every later run of the command (tests/test_demo_content_all.py).
    autodiscover_modules("demo_content")
    # The directory's and the member spaces' steps join the command for this test only.
    monkeypatch.setattr(home_demo_content, "STEPS", list(home_demo_content.STEPS))
    register_directory()
    register_members()
    output = _load()

    # Two members, each in a different actor's space, not editors.
    User = get_user_model()
    membre, membre2 = User.objects.get(username="membre"), User.objects.get(username="membre2")
    assert membre.check_password(PASSWORD) and membre2.check_password(PASSWORD)
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

    # A second run adds nothing.
    before = _counts()
    second = _load()
    assert _counts() == before
    assert "rien à changer" in second
