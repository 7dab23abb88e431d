"""Reads behind two-factor authentication: who must use it, and what devices an account has.

Who must: every account that can publish a page or change what others may do (superusers,
groups with the publish permission on any page or an approval task of a workflow, user and
group management, the directory's référencement review, which creates accounts). Members of
an actor's space have none of these and may opt in. Anyone with a confirmed device is asked
for a code too: an opt-in protects the account as well."""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import GroupApprovalTask, GroupPagePermission

# Model permissions that let an account manage other accounts or their rights.
ACCOUNT_MANAGEMENT_PERMISSIONS = (
    "auth.add_user",
    "auth.change_user",
    "auth.delete_user",
    "auth.add_group",
    "auth.change_group",
    "auth.delete_group",
    # Approving a référencement request creates an account and a group with its rights.
    "directory.review_registrationrequest",
)


def requires_two_factor(user) -> bool:
    """Whether this account must confirm a code to use the admin."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if any(user.has_perm(permission) for permission in ACCOUNT_MANAGEMENT_PERMISSIONS):
        return True
    groups = user.groups.all()
    return (
        GroupPagePermission.objects.filter(
            group__in=groups, permission__codename="publish_page"
        ).exists()
        or GroupApprovalTask.objects.filter(groups__in=groups, active=True).exists()
    )


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def pending_totp_device(user) -> TOTPDevice | None:
    """The device of an enrolment not confirmed yet (its secret is being shown)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def remaining_recovery_codes(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify(user) -> bool:
    """Whether the admin asks this account for a code before anything else."""
    if not settings.ADMIN_2FA_REQUIRED:
        return False
    return requires_two_factor(user) or has_confirmed_device(user)


def in_groups(text: str, size: int = 4) -> str:
    """A secret or a recovery code in groups of four, easier to read and copy."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def readable_secret(device: TOTPDevice) -> str:
    """The device's secret as authenticator apps take it by hand (base 32), in groups."""
    return in_groups(b32encode(device.bin_key).decode())
