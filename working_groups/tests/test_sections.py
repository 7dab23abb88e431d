"""A group's page merges the meetings other apps add with the ones typed on it, in date order,
and shows the sections other apps contribute."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks

from home.tests.factories import make_site_with_home
from working_groups.sections import (
    MEETINGS_HOOK,
    SECTIONS_HOOK,
    Meeting,
    MeetingLink,
    MeetingSource,
    group_page_context,
)

from .factories import GroupPageFactory

pytestmark = pytest.mark.django_db


def test_meetings_from_hooks_and_typed_ones_are_merged_in_date_order(client):
    now = timezone.now()
    group = GroupPageFactory(parent=make_site_with_home(), title="Groupe pays Togo", slug="togo")
    group.meetings.create(date=now + datetime.timedelta(days=20), title="Réunion tapée")
    group.meetings.create(date=now - datetime.timedelta(days=2), title="Réunion passée")
    group.save()

    def add_meetings(*, group, request):
        return MeetingSource(
            meetings=[Meeting(start=now + datetime.timedelta(days=5), title="Événement ajouté")],
            links=[MeetingLink("Voir l'agenda du groupe", "/agenda/?groupe=togo")],
        )

    def add_section(*, group, request):
        return format_html('<section id="section-ajoutee"><h2>{}</h2></section>', group.title)

    with (
        hooks.register_temporarily(MEETINGS_HOOK, add_meetings),
        hooks.register_temporarily(SECTIONS_HOOK, add_section),
    ):
        context = group_page_context(group=group, request=None)
        html = client.get(group.url).text

    assert [meeting.title for meeting in context["next_meetings"]] == [
        "Événement ajouté",
        "Réunion tapée",
    ]
    assert html.index("Événement ajouté") < html.index("Réunion tapée")
    assert "Réunion passée" not in html
    assert '<a href="/agenda/?groupe=togo">Voir l&#x27;agenda du groupe</a>' in html
    assert '<section id="section-ajoutee">' in html


def test_a_group_without_meetings_has_no_meetings_section(client):
    group = GroupPageFactory(parent=make_site_with_home(), title="Groupe ODD", slug="odd")
    assert 'id="meetings-title"' not in client.get(group.url).text


def test_a_section_given_as_plain_text_is_escaped(client):
    group = GroupPageFactory(parent=make_site_with_home(), title="Groupe ODD", slug="odd")

    def unsafe_section(*, group, request):
        return "<script>alert(1)</script>"

    with hooks.register_temporarily(SECTIONS_HOOK, unsafe_section):
        html = client.get(group.url).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
