"""The editors' group and the moderation workflow every member's page goes through."""

from __future__ import annotations

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from ..models import DirectoryPage
from .common import permission

EDITORS_GROUP = "Éditeurs"  # the demo's editors' group (home.demo_content.EDITORS_GROUP)
WORKFLOW_NAME = "Validation par l'équipe"
# What the editors' group needs for the directory's moderation, on top of the demo's.
EDITOR_DIRECTORY_PERMISSIONS = (
    ("directory", "change_qualification"),
    ("directory", "view_registrationrequest"),
    ("directory", "change_registrationrequest"),
    ("directory", "review_registrationrequest"),
)


def editors_group() -> Group:
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    for app_label, codename in EDITOR_DIRECTORY_PERMISSIONS:
        group.permissions.add(permission(app_label, codename))
    return group


def ensure_moderation_workflow(*, directory: Page | None = None) -> Workflow:
    """The editors' approval workflow, assigned to the directory's subtree (idempotent).

    Migration 0006 creates it in every database; this keeps provisioning working where it
    is missing (a test database flushed between tests) and completes the editors' group."""
    group = editors_group()
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    assign_moderation_workflow(directory=directory)
    return workflow


def assign_moderation_workflow(*, directory: Page | None = None) -> bool:
    """Put the directory page (the first one when not given) under the editors' workflow,
    if that workflow exists and the page has none yet. Returns whether it assigned it."""
    directory = directory or DirectoryPage.objects.first()
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if directory is None or workflow is None:
        return False
    if WorkflowPage.objects.filter(page_id=directory.pk).exists():
        return False
    WorkflowPage.objects.create(page_id=directory.pk, workflow=workflow)
    return True
