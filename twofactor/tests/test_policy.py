"""Who must use two factors: accounts that can publish or manage accounts; members may opt in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupApprovalTask

from twofactor.selectors import must_verify, requires_two_factor

from .conftest import enrolled_device

pytestmark = pytest.mark.django_db


def _user_with(username: str, *codenames: tuple[str, str]):
    user = get_user_model().objects.create_user(username, f"{username}@reseau.example", "x" * 14)
    group = Group.objects.create(name=f"Groupe {username}")
    for app_label, codename in codenames:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user.groups.add(group)
    return user


def test_editors_and_superusers_must_use_two_factors_members_need_not(editor, member, superuser):
    assert requires_two_factor(superuser)
    assert requires_two_factor(editor)  # publishes pages (the "Éditeurs" group)
    assert not requires_two_factor(member.user)  # "Membre – Acteur Alpha": no publish right


@pytest.mark.parametrize(
    "codename", ["add_user", "change_user", "delete_user", "add_group", "change_group"]
)
def test_an_account_that_manages_accounts_must_use_two_factors(db, codename):
    user = _user_with("gestionnaire", ("wagtailadmin", "access_admin"), ("auth", codename))
    assert requires_two_factor(user)


def test_an_approver_of_a_workflow_task_must_use_two_factors(db):
    user = _user_with("relectrice", ("wagtailadmin", "access_admin"))
    task = GroupApprovalTask.objects.create(name="Relecture")
    task.groups.add(user.groups.get())
    assert requires_two_factor(user)


def test_an_admin_account_without_publishing_rights_need_not(db):
    assert not requires_two_factor(_user_with("lectrice", ("wagtailadmin", "access_admin")))


def test_a_member_who_enrolled_is_asked_for_a_code_too(member, settings):
    assert not must_verify(member.user)
    enrolled_device(member.user)
    assert must_verify(member.user)
    settings.ADMIN_2FA_REQUIRED = False
    assert not must_verify(member.user)
