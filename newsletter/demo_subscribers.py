"""Demo subscribers in every state and two alerts (`manage.py load_demo_content`), from
`newsletter/demo/subscribers.yaml`. Every person is fictitious; addresses use the reserved
example.org domain. Idempotent: each subscriber and alert is looked up by its address (and
listing state) first."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from directory.models import Departement, SustainableDevelopmentGoal, Theme
from home.demo_content import DemoRun, Kind, register_step
from home.demo_data import Where, check_name, read_records

from .alerts import listing_state
from .models import (
    Alert,
    AlertFrequency,
    AlertListing,
    ContentKind,
    Subscriber,
    SubscriberSource,
    SubscriberStatus,
)

SUBSCRIBERS = Kind("abonné", "abonnés")
ALERTS = Kind("alerte", "alertes", feminine=True)
DATA = Path(__file__).resolve().parent / "demo" / "subscribers.yaml"


@dataclass(frozen=True)
class Person:
    email: str
    status: str
    source: str
    name: str = ""
    themes: list[str] = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)
    departements: list[str] = field(default_factory=list)
    content_kinds: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AlertSpec:
    email: str
    listing: str
    query: str
    frequency: str


@dataclass(frozen=True)
class Subscribers:
    consent_version: str
    bounced_reason: str
    subscribers: list[Person]
    alerts: list[AlertSpec]


# Each field that names a choice, and its choices.
CHOICES = {
    "status": SubscriberStatus,
    "source": SubscriberSource,
    "content_kinds": ContentKind,
    "listing": AlertListing,
    "frequency": AlertFrequency,
}


@functools.cache
def subscribers_data() -> Subscribers:
    data = read_records(DATA, Subscribers)
    top = Where.of(DATA)
    records = [("subscribers", data.subscribers), ("alerts", data.alerts)]
    for key, items in records:
        for number, item in enumerate(items):
            for name, choices in CHOICES.items():
                values = getattr(item, name, [])
                for value in [values] if isinstance(values, str) else values:
                    where = top.key(key).index(number).key(name)
                    check_name(value, choices.values, where, what="choix")
    emails = [person.email for person in data.subscribers]
    for number, alert in enumerate(data.alerts):
        where = top.key("alerts").index(number).key("email")
        check_name(alert.email, emails, where, what="abonné")
    return data


def _subscriber(run: DemoRun, spec: Person, now: datetime.datetime) -> Subscriber:
    email, status = spec.email, spec.status
    values = {
        "name": spec.name,
        "status": status,
        "source": spec.source,
        "content_kinds": list(spec.content_kinds),
        "consent_version": subscribers_data().consent_version,
    }
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None:
        subscriber = Subscriber.objects.create(
            email=email,
            consent_at=now - datetime.timedelta(days=40),
            confirmed_at=(
                now - datetime.timedelta(days=39) if status != SubscriberStatus.PENDING else None
            ),
            unsubscribed_at=now if status == SubscriberStatus.UNSUBSCRIBED else None,
            suppressed_at=now if status == SubscriberStatus.BOUNCED else None,
            suppression_reason=(
                subscribers_data().bounced_reason if status == SubscriberStatus.BOUNCED else ""
            ),
            **values,
        )
        run.tally(SUBSCRIBERS).created += 1
    elif any(getattr(subscriber, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(subscriber, key, value)
        subscriber.save()
        run.tally(SUBSCRIBERS).updated += 1
    wanted = {
        "themes": set(Theme.objects.filter(slug__in=spec.themes).values_list("pk", flat=True)),
        "sdgs": set(
            SustainableDevelopmentGoal.objects.filter(number__in=spec.sdgs).values_list(
                "pk", flat=True
            )
        ),
        "departements": set(
            Departement.objects.filter(code__in=spec.departements).values_list("pk", flat=True)
        ),
    }
    for relation, ids in wanted.items():
        manager = getattr(subscriber, relation)
        if set(manager.values_list("pk", flat=True)) != ids:
            manager.set(ids)
    return subscriber


@register_step(order=98, label="Lettre d'information : abonnés et alertes")
def subscribers_step(run: DemoRun) -> str:
    now = timezone.now()
    data = subscribers_data()
    by_email = {spec.email: _subscriber(run, spec, now) for spec in data.subscribers}
    for spec in data.alerts:
        listing, frequency = spec.listing, spec.frequency
        state = listing_state(listing, spec.query)
        subscriber = by_email[spec.email]
        alert = Alert.objects.filter(
            subscriber=subscriber, listing=listing, query=state.query
        ).first()
        if alert is None:
            Alert.objects.create(
                subscriber=subscriber,
                listing=listing,
                query=state.query,
                label=state.label,
                frequency=frequency,
                confirmed_at=now,
            )
            run.tally(ALERTS).created += 1
        elif alert.label != state.label:
            alert.label = state.label
            alert.save(update_fields=["label"])
            run.tally(ALERTS).updated += 1
    granted = 0
    group = Group.objects.filter(name="Éditeurs").first()
    if group is not None:
        codenames = [f"{action}_subscriber" for action in ("view", "add", "change", "delete")]
        codenames += [f"{action}_alert" for action in ("view", "change", "delete")]
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="newsletter", codename=codename
            )
            if not group.permissions.filter(pk=permission.pk).exists():
                group.permissions.add(permission)
                granted += 1
    return f"{len(data.subscribers)} abonnés, {len(data.alerts)} alertes ; {granted} droits ajoutés"
