"""Builders shared by the accompaniments' tests: form data, editors, requests, accompaniments."""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth.models import Permission
from django.utils import timezone

from directory.tests.factories import departement, sdgs, themes
from directory.tests.registration_helpers import make_editor
from home.antispam import started_token
from observatory.forms import CONSENT_VERSION
from observatory.models import Accompaniment, AccompanimentRequest

FORM_URL = "/observatoire/demander-un-accompagnement/"
THANKS_URL = "/observatoire/demander-un-accompagnement/merci/"


def form_data(**overrides) -> dict:
    """A valid submission of the request form, shown a minute ago."""
    data = {
        "requester_kind": "structure",
        "structure_name": "Les Puits du Sahel",
        "contact_name": "Mariama Diallo",
        "email": "mariama.diallo@puits-sahel.example",
        "phone": "05 56 00 00 00",
        "departement": departement("33").pk,
        "themes": [theme.pk for theme in themes("eau-assainissement-hygiene")],
        "sdgs": [goal.pk for goal in sdgs(6)],
        "stage": "financement",
        "needs": "Nous cherchons des cofinancements pour un forage au Burkina Faso.",
        "preferred_format": "visio",
        "consent": "on",
        "started": started_token(at=time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def accompaniments_editor(username: str = "editrice"):
    """An editor of the network's team with the accompaniments' permissions (as the demo
    gives the editors' group)."""
    user = make_editor(username)
    user.groups.first().permissions.add(
        *Permission.objects.filter(
            content_type__app_label="observatory",
            codename__in=[
                "view_accompaniment",
                "add_accompaniment",
                "change_accompaniment",
                "delete_accompaniment",
                "view_accompanimentrequest",
                "change_accompanimentrequest",
                "delete_accompanimentrequest",
            ],
        )
    )
    return type(user).objects.get(pk=user.pk)  # permissions cache cleared


def make_request(**overrides) -> AccompanimentRequest:
    values = {
        "structure_name": "Les Puits du Sahel",
        "contact_name": "Mariama Diallo",
        "email": "mariama.diallo@puits-sahel.example",
        "phone": "05 56 00 00 00",
        "departement": departement("33"),
        "stage": "financement",
        "needs": "Des cofinancements pour un forage.",
        "preferred_format": "presentiel",
        "consent_at": timezone.now(),
        "consent_version": CONSENT_VERSION,
    }
    theme_slugs = overrides.pop("theme_slugs", ["eau-assainissement-hygiene"])
    values.update(overrides)
    request = AccompanimentRequest.objects.create(**values)
    request.themes.set(themes(*theme_slugs))
    request.sdgs.set(sdgs(6))
    return request


def make_accompaniment(**overrides) -> Accompaniment:
    values = {
        "structure_name": "Structure sans fiche",
        "date": dt.date(2020, 5, 12),
        "format": "visio",
        "duration_minutes": 60,
        "topics": ["montage"],
        "outcome": "Résultat interne",
        "next_step": "Envoyer le budget",
        "notes": "Note interne de l'équipe",
    }
    theme_slugs = overrides.pop("theme_slugs", ["agriculture-souverainete-alimentaire"])
    values.update(overrides)
    accompaniment = Accompaniment.objects.create(**values)
    accompaniment.themes.set(themes(*theme_slugs))
    return accompaniment
