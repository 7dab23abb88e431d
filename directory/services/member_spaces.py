"""Member spaces: an actor's group, collection and permissions, and the people in it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from ..models import ActorPage, MemberSpace
from ..permissions import is_editor
from .common import RegistrationError, admin_url, permission, send_plain
from .workflow import ensure_moderation_workflow

User = get_user_model()

MEMBER_GROUP_PREFIX = "Membre – "
MEMBER_PAGE_PERMISSIONS = ("add", "change", "lock")  # no publish, no bulk_delete
MEMBER_COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add", "change", "choose", "delete"),
    ("wagtaildocs", "document"): ("add", "change", "choose", "delete"),
}
SHARED_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "choose_document"),
)


@dataclass(frozen=True)
class Invitation:
    user: object
    created: bool


def shared_collection() -> Collection:
    root = Collection.get_first_root_node()
    name = settings.MEMBER_SHARED_COLLECTION_NAME
    return root.get_children().filter(name=name).first() or root.add_child(name=name)


def _unique_group_name(actor: ActorPage) -> str:
    base = (MEMBER_GROUP_PREFIX + actor.title)[:140]
    name, number = base, 2
    while Group.objects.filter(name=name).exists():
        name = f"{base} ({number})"
        number += 1
    return name


def provision_member_space(*, actor: ActorPage) -> MemberSpace:
    """The group, collection and permissions of an actor's space (idempotent).

    The group may add, change and lock pages at and below the actor page only; publishing
    goes through the editors' workflow. Images and documents: its own collection, plus
    choosing from the network's shared one."""
    with transaction.atomic():
        existing = MemberSpace.objects.filter(actor=actor).first()
        if existing is not None:
            return existing
        group = Group.objects.create(name=_unique_group_name(actor))
        group.permissions.add(permission("wagtailadmin", "access_admin"))
        for action in MEMBER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.create(
                group=group, page=actor, permission=permission("wagtailcore", f"{action}_page")
            )
        root = Collection.get_first_root_node()
        collection = root.add_child(name=group.name)
        for (app_label, model), actions in MEMBER_COLLECTION_PERMISSIONS.items():
            for action in actions:
                GroupCollectionPermission.objects.create(
                    group=group,
                    collection=collection,
                    permission=permission(app_label, f"{action}_{model}"),
                )
        shared = shared_collection()
        for app_label, codename in SHARED_COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.create(
                group=group, collection=shared, permission=permission(app_label, codename)
            )
        ensure_moderation_workflow()
        return MemberSpace.objects.create(actor=actor, group=group, collection=collection)


def _split_name(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.strip().partition(" ")
    return first[:150], last[:150]


def _user_for(email: str, full_name: str) -> Invitation:
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        return Invitation(user=user, created=False)
    first, last = _split_name(full_name)
    username = email.lower()[:150]
    if User.objects.filter(username=username).exists():
        raise RegistrationError(_("Un compte porte déjà cet identifiant."))
    user = User(username=username, email=email, first_name=first, last_name=last)
    user.set_unusable_password()
    user.save()
    return Invitation(user=user, created=True)


def set_password_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return admin_url(reverse("wagtailadmin_password_reset_confirm", args=[uid, token]))


def _send_invitation(*, user, space: MemberSpace, invited_by=None) -> None:
    send_plain(
        _("Votre espace de publication sur le portail du réseau"),
        "directory/registration/email/invitation.txt",
        {
            "user": user,
            "actor": space.actor,
            "invited_by": invited_by,
            "set_password_url": set_password_url(user),
            "login_url": admin_url(reverse("wagtailadmin_login")),
        },
        [user.email],
    )


def add_member(*, space: MemberSpace, email: str, full_name: str = "", by=None) -> Invitation:
    """Put a person in a space's group (creating the account) and send the invitation
    once the transaction has committed."""
    with transaction.atomic():
        invitation = _user_for(email, full_name)
        already = invitation.user.groups.filter(pk=space.group_id).exists()
        if not already:
            invitation.user.groups.add(space.group)
            transaction.on_commit(
                lambda: _send_invitation(user=invitation.user, space=space, invited_by=by)
            )
    return invitation


def _member_may_add(user, space: MemberSpace) -> bool:
    """An existing account a member may bring into its team: an ordinary account that is
    in no group but this space's (staff, editors, other members' people, deactivated
    accounts are for the network's team to move, from the Users admin)."""
    if not user.is_active or user.is_staff or user.is_superuser:
        return False
    if user.user_permissions.exists():
        return False
    return not user.groups.exclude(pk=space.group_id).exists()


def invite_colleague(*, space: MemberSpace, email: str, full_name: str, by) -> Invitation:
    """A member invites someone into its own space: an unknown address gets an account in
    the space's group and an invitation; an address the member may not bring in is refused
    with one neutral message, whatever the reason (nothing tells whether the account exists
    or where it belongs)."""
    if is_editor(by):
        return add_member(space=space, email=email, full_name=full_name, by=by)
    refusal = RegistrationError(
        _(
            "Cette adresse ne peut pas être ajoutée depuis votre espace. Si cette personne "
            "doit vous rejoindre, écrivez à l'équipe du réseau."
        )
    )
    existing = User.objects.filter(email__iexact=email.strip()).order_by("pk")
    if existing.exists():
        if existing.count() > 1 or not _member_may_add(existing.first(), space):
            raise refusal
    elif User.objects.filter(username=email.strip().lower()[:150]).exists():
        raise refusal
    return add_member(space=space, email=email, full_name=full_name, by=by)


def remove_member(*, space: MemberSpace, user) -> None:
    user.groups.remove(space.group)
