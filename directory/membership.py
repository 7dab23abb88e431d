"""Who counts as a member of the network, for what the network reserves to its members.

A person is a network member when one of their groups is the group of a member space (the
group that approving a référencement request provisions) and that space's actor is a live
adhérent of the network. Referenced actors that are not adhérents, and groups that merely
carry a member-like name, do not count; renaming a group changes nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from .models import ActorPage, MemberSpace


def is_network_member(user: User | AnonymousUser | None) -> bool:
    """True for a logged-in person of a live adhérent actor's member space (one query)."""
    if user is None or not user.is_authenticated:
        return False
    return MemberSpace.objects.filter(
        group__in=user.groups.all(),
        actor__live=True,
        actor__membership=ActorPage.Membership.MEMBER,
    ).exists()
