"""The demo's subscribers and alerts: every state, two alerts, idempotent."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from home.demo_content import DemoRun
from newsletter.demo_subscribers import subscribers_step
from newsletter.models import Alert, Subscriber, SubscriberStatus


@pytest.mark.django_db
def test_the_demo_step_builds_every_state_once(home):
    editors = Group.objects.get(name="Éditeurs")  # created by a directory migration
    subscribers_step(DemoRun())
    statuses = set(Subscriber.objects.values_list("status", flat=True))
    assert {
        SubscriberStatus.PENDING,
        SubscriberStatus.CONFIRMED,
        SubscriberStatus.UNSUBSCRIBED,
        SubscriberStatus.BOUNCED,
    } <= statuses
    labels = sorted(Alert.objects.values_list("label", flat=True))
    assert labels == [
        "Agenda · Formation · Gironde (33)",
        "Appels à projets · ODD 6 · Burkina Faso",
    ]
    assert Subscriber.objects.get(email="mariama.sow@example.org").themes.exists()
    assert editors.permissions.filter(codename="view_subscriber").exists()

    before = list(Subscriber.objects.order_by("pk").values())
    second = DemoRun()
    subscribers_step(second)
    assert all(t.created == t.updated == 0 for t in second.tallies.values())
    assert list(Subscriber.objects.order_by("pk").values()) == before
    assert Alert.objects.count() == 2
