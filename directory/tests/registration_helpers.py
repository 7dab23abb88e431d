"""Shared builders for the member-space tests: form data, requests, members A/B, editor E."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from directory.models import ActorPage, MemberSpace, RegistrationRequest
from directory.services.member_spaces import provision_member_space
from directory.services.workflow import EDITORS_GROUP, editors_group
from home.antispam import started_token

from .factories import college, themes

VALID_SIRET = "73282932000074"
OTHER_VALID_SIRET = "44306184100047"


def form_data(**overrides) -> dict:
    """A valid submission of the public form, shown a minute ago."""
    data = {
        "name": "Solidarité Gironde Sahel",
        "acronym": "SGS",
        "college": college("associations").pk,
        "structure_type": "",
        "address": "12 rue des Remparts",
        "postcode": "33000",
        "city": "Bordeaux",
        "website": "https://www.sgs-solidarite.org",
        "siret": VALID_SIRET,
        "rna": "W332001234",
        "description": "Nous accompagnons des projets d'accès à l'eau au Burkina Faso.",
        "themes": [theme.pk for theme in themes("eau-assainissement-hygiene")],
        "email": "contact@sgs-solidarite.org",
        "phone": "05 56 00 00 00",
        "contact_name": "Awa Traoré",
        "contact_role": "Présidente",
        "contact_email": "awa.traore@sgs-solidarite.org",
        "contact_phone": "06 00 00 00 00",
        "message": "Merci !",
        "publication_consent": "on",
        "started": started_token(at=time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_request(**overrides) -> RegistrationRequest:
    values = {
        "name": "Solidarité Gironde Sahel",
        "college": college("associations"),
        "postcode": "33000",
        "city": "Bordeaux",
        "description": "Accès à l'eau au Burkina Faso.",
        "contact_name": "Awa Traoré",
        "contact_email": "awa.traore@sgs-solidarite.org",
        "publication_consent_at": timezone.now(),
        "publication_consent_version": "2026-11",
    }
    values.update(overrides)
    return RegistrationRequest.objects.create(**values)


def imported_draft(directory, **values) -> ActorPage:
    """An actor page as the spreadsheet import leaves it: a never-published draft,
    « à qualifier », without a member space."""
    from .factories import ActorPageFactory

    values = {
        "live": False,
        "first_published_at": None,
        "last_published_at": None,
        "qualification_status": ActorPage.Qualification.TO_QUALIFY,
        "location": "",
        "website": "",
        "email": "",
        **values,
    }
    return ActorPageFactory(parent=directory, **values)


def make_editor(username: str = "editrice"):
    group = editors_group()
    # What the demo gives the editors' group on pages and collections.
    home = Page.objects.get(depth=2)
    for action in ("add", "change", "publish", "lock", "unlock"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=home,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{action}_page"
            ),
        )
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    root = Collection.get_first_root_node()
    for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
        for action in ("add", "change", "choose", "delete"):
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root,
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                ),
            )
    user = get_user_model().objects.create_user(
        username, f"{username}@reseau.example", "mot-de-passe-editrice"
    )
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@dataclass
class Member:
    user: object
    space: MemberSpace

    @property
    def actor(self) -> ActorPage:
        return self.space.actor


def make_member(actor: ActorPage, username: str) -> Member:
    space = provision_member_space(actor=actor)
    user = get_user_model().objects.create_user(
        username, f"{username}@membre.example", "mot-de-passe-membre"
    )
    user.groups.add(space.group)
    return Member(user=user, space=space)
