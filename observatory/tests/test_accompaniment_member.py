"""A member sees its own accompaniments on its dashboard (date, format, topics, next step),
never the team's notes or outcome, and never another member's."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from directory.tests.factories import ActorPageFactory
from directory.tests.registration_helpers import make_member

from .helpers import FORM_URL, make_accompaniment

pytestmark = pytest.mark.django_db


def test_a_member_sees_its_own_accompaniments_only_and_no_notes(client, directory):
    member_a = make_member(ActorPageFactory(parent=directory, title="Acteur Alpha"), "membre_a")
    member_b = make_member(ActorPageFactory(parent=directory, title="Acteur Bêta"), "membre_b")
    make_accompaniment(
        actor=member_a.actor,
        date=dt.date(2026, 3, 10),
        topics=["financement"],
        next_step="Déposer le dossier Alpha",
        outcome="Appréciation interne Alpha",
        notes="Trésorerie fragile Alpha",
    )
    make_accompaniment(
        actor=member_b.actor,
        next_step="Étape secrète Bêta",
        outcome="Appréciation interne Bêta",
        notes="Note secrète Bêta",
    )
    client.force_login(member_a.user)
    page = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content, "html.parser")
    section = page.find("div", class_="member-accompaniments")
    text = section.get_text(" ", strip=True)
    assert "Déposer le dossier Alpha" in text
    assert "Recherche de financement" in text
    assert "10 mars 2026" in text
    assert section.find("a", href=FORM_URL) is not None
    whole = page.get_text(" ")
    for hidden in (
        "Trésorerie fragile Alpha",
        "Appréciation interne Alpha",
        "Étape secrète Bêta",
        "Note secrète Bêta",
        "Appréciation interne Bêta",
    ):
        assert hidden not in whole, hidden


def test_a_member_without_accompaniment_gets_the_request_link(client, directory):
    member = make_member(ActorPageFactory(parent=directory, title="Acteur Alpha"), "membre_a")
    client.force_login(member.user)
    page = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content, "html.parser")
    section = page.find("div", class_="member-accompaniments")
    assert "Aucun accompagnement" in section.get_text()
    assert section.find("a", href=FORM_URL).get_text(strip=True) == "Demander un accompagnement"
