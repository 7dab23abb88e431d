"""Alerts on filtered listings: the label, the « M'alerter » link, the double opt-in, and
digests of what appeared since the last one, sent only when something new matches."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from directory.tests.factories import DirectoryPageFactory, countries, sdgs
from events.tests.factories import EventIndexPageFactory
from newsletter import links
from newsletter.alerts import build_digest, listing_state, send_due_digests, send_due_digests_task
from newsletter.models import Alert, AlertFrequency, Subscriber, SubscriberStatus
from resources.tests.factories import CallForProjectsPageFactory, CallIndexPageFactory

from .helpers import last_link, signup_data


@pytest.fixture
def call_index(home):
    return CallIndexPageFactory(parent=home)


def _call(call_index, title: str, *, odd: int = 6, country: str = "BF"):
    page = CallForProjectsPageFactory(parent=call_index, title=title)
    page.sdgs.set(sdgs(odd))
    page.countries.set(countries(country))
    page.save()  # parental many-to-many relations are written on save
    return page


def _alert(email="awa@example.org", *, listing="calls", query="odd=6&pays=BF", **kwargs):
    subscriber = Subscriber.objects.filter(email=email).first() or Subscriber.objects.create(
        email=email, status=SubscriberStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    values = {
        "label": listing_state(listing, query).label,
        "frequency": AlertFrequency.WEEKLY,
        "confirmed_at": timezone.now() - datetime.timedelta(days=1),
    }
    values.update(kwargs)
    return Alert.objects.create(subscriber=subscriber, listing=listing, query=query, **values)


@pytest.mark.django_db
def test_a_listing_state_gets_a_stable_query_and_a_french_label(home):
    state = listing_state("calls", "pays=bf&odd=6&page=3&utm_source=x")
    assert state.query == "odd=6&pays=BF"
    assert state.label == "Appels à projets · ODD 6 · Burkina Faso"
    agenda = listing_state("agenda", "departement=33&type=formation&mois=2020-13&passes=1")
    assert agenda.query == "type=formation&departement=33"
    assert agenda.label == "Agenda · Formation · Gironde (33)"
    assert listing_state("calls", "odd=99&pays=ZZ").label == "Appels à projets"
    assert listing_state("inconnue", "") is None


@pytest.mark.django_db
def test_the_listings_offer_an_alert_on_their_filters(client, home, call_index):
    DirectoryPageFactory(parent=home)
    EventIndexPageFactory(parent=home)
    calls = client.get("/appels-a-projets/?odd=6&pays=BF")
    assert calls.status_code == HTTPStatus.OK
    assert 'href="/lettres/alertes/nouvelle/calls/?odd=6&amp;pays=BF"' in calls.text
    agenda = client.get("/agenda/?type=formation")
    assert 'href="/lettres/alertes/nouvelle/agenda/?type=formation"' in agenda.text
    directory = client.get("/annuaire/")
    assert 'href="/lettres/alertes/nouvelle/directory/"' in directory.text


@pytest.mark.django_db
def test_a_new_address_asks_an_alert_and_confirms_it_with_its_subscription(client, home):
    form = client.get("/lettres/alertes/nouvelle/calls/?odd=6&pays=BF")
    assert form.status_code == HTTPStatus.OK
    assert "Appels à projets · ODD 6 · Burkina Faso" in form.text
    data = signup_data(frequency="daily")
    sent = client.post("/lettres/alertes/nouvelle/calls/?odd=6&pays=BF", data)
    assert sent.status_code == HTTPStatus.OK
    assert "Vérifiez votre boîte aux lettres" in sent.text
    alert = Alert.objects.get()
    assert alert.query == "odd=6&pays=BF" and alert.frequency == "daily"
    assert alert.confirmed_at is None
    assert alert.subscriber.status == SubscriberStatus.PENDING
    assert len(mail.outbox) == 1
    client.post(last_link("/lettres/confirmer/"))
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    assert alert.subscriber.status == SubscriberStatus.CONFIRMED


@pytest.mark.django_db
def test_a_confirmed_subscriber_confirms_the_alert_by_its_own_link(client, home):
    Subscriber.objects.create(email="awa.diallo@example.org", status=SubscriberStatus.CONFIRMED)
    client.post("/lettres/alertes/nouvelle/agenda/?type=formation", signup_data(frequency="weekly"))
    alert = Alert.objects.get()
    assert alert.confirmed_at is None
    path = last_link("/lettres/alertes/confirmer/")
    shown = client.get(path)
    assert "J'active cette alerte" in shown.text
    alert.refresh_from_db()
    assert alert.confirmed_at is None  # a GET activates nothing
    assert client.post(path).status_code == HTTPStatus.OK
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    assert client.post("/lettres/alertes/confirmer/faux/").status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.django_db
def test_an_unknown_listing_gets_a_404_page(client, home):
    response = client.get("/lettres/alertes/nouvelle/n-importe-quoi/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Liste inconnue" in response.text


@pytest.mark.django_db
def test_the_digest_holds_what_is_new_and_matching_and_is_sent_only_when_new(home, call_index):
    alert = _alert()
    _call(call_index, "Accès à l'eau à Ouagadougou")
    _call(call_index, "Éducation au Sénégal", odd=4, country="SN")
    now = timezone.now()
    summary = send_due_digests(frequency="weekly", now=now)
    assert (summary.sent, summary.nothing_new, summary.failed) == (1, 0, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Accès à l'eau à Ouagadougou" in message.body
    assert "Éducation au Sénégal" not in message.body
    assert links.preferences_url(alert.subscriber) in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    alert.refresh_from_db()
    assert alert.last_sent_at == now

    # Not due again before a week; a week later, nothing new: nothing sent.
    assert send_due_digests(frequency="weekly", now=now + datetime.timedelta(days=2)).alerts == 0
    later = now + datetime.timedelta(days=7)
    summary = send_due_digests(frequency="weekly", now=later)
    assert (summary.alerts, summary.sent, summary.nothing_new) == (1, 0, 1)
    assert len(mail.outbox) == 1
    alert.refresh_from_db()
    assert alert.last_sent_at == later


@pytest.mark.django_db
def test_no_digest_for_unconfirmed_alerts_or_suppressed_addresses(home, call_index):
    _alert("a@example.org", confirmed_at=None)
    bounced = _alert("b@example.org")
    Subscriber.objects.filter(pk=bounced.subscriber_id).update(
        status=SubscriberStatus.BOUNCED, suppressed_at=timezone.now()
    )
    _alert("c@example.org")
    Subscriber.objects.filter(email="c@example.org").update(status=SubscriberStatus.UNSUBSCRIBED)
    _call(call_index, "Accès à l'eau à Ouagadougou")
    summary = send_due_digests(frequency="weekly", now=timezone.now())
    assert summary.alerts == 0 and not mail.outbox


@pytest.mark.django_db
def test_a_failed_send_is_retried_at_the_next_run(home, call_index, settings):
    alert = _alert()
    _call(call_index, "Accès à l'eau à Ouagadougou")
    settings.EMAIL_BACKEND = "newsletter.tests.failing_backend.EmailBackend"
    summary = send_due_digests(frequency="weekly", now=timezone.now())
    assert summary.failed == 1 and summary.sent == 0
    alert.refresh_from_db()
    assert alert.last_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_digests(frequency="weekly", now=timezone.now()).sent == 1


@pytest.mark.django_db
def test_building_the_digest_costs_the_same_queries_whatever_the_number_of_pages(
    home, call_index, django_assert_max_num_queries
):
    alert = _alert()
    _call(call_index, "Premier appel")
    alerts = list(Alert.objects.select_related("subscriber"))
    build_digest(alerts, now=timezone.now())  # warm the taxonomy and site caches
    with django_assert_max_num_queries(20) as captured:
        sections = build_digest(alerts, now=timezone.now())
    baseline = len(captured.captured_queries)
    assert [item["title"] for item in sections[0].items] == ["Premier appel"]
    for number in range(12):
        _call(call_index, f"Appel numéro {number}")
    with django_assert_max_num_queries(baseline):
        sections = build_digest(alerts, now=timezone.now())
    assert len(sections[0].items) == 10 and sections[0].more
    assert alert.pk == sections[0].alert.pk


@pytest.mark.django_db
def test_the_command_and_the_task_send_due_digests(home, call_index):
    _alert(frequency=AlertFrequency.DAILY)
    _call(call_index, "Accès à l'eau à Ouagadougou")
    out = StringIO()
    call_command("send_alerts", "--frequency", "daily", stdout=out)
    assert "1/1 abonné(s) traité(s)" in out.getvalue()
    assert "1 envoi(s)" in out.getvalue()
    assert len(mail.outbox) == 1
    result = send_due_digests_task.enqueue("daily")
    assert result.return_value["alerts"] == 0  # sent already today


@pytest.mark.django_db
def test_an_alert_is_removed_from_the_preferences_page(client, home):
    alert = _alert()
    other = _alert("autre@example.org")
    path = links.preferences_url(alert.subscriber).removeprefix("http://testserver")
    page = client.get(path)
    assert "Appels à projets · ODD 6 · Burkina Faso" in page.text
    token = path.rstrip("/").rsplit("/", 1)[1]
    # Someone else's alert id with this token: nothing removed.
    client.post(f"/lettres/alertes/supprimer/{token}/{other.pk}/")
    assert Alert.objects.count() == 2
    response = client.post(f"/lettres/alertes/supprimer/{token}/{alert.pk}/")
    assert response.status_code == HTTPStatus.FOUND
    assert list(Alert.objects.all()) == [other]
    assert re.search("Aucune alerte", client.get(path).text)


@pytest.mark.django_db
def test_an_alert_asked_by_a_pending_address_keeps_its_interests(client, home):
    from directory.models import Theme
    from newsletter import subscriber_services as services

    water = Theme.objects.filter(slug="eau-assainissement-hygiene")
    services.sign_up(
        email="awa.diallo@example.org",
        interests=services.Interests(themes=water, content_kinds=["calls"]),
        consent_version="v",
    )
    client.post("/lettres/alertes/nouvelle/calls/?odd=6", signup_data(frequency="weekly"))
    subscriber = Subscriber.objects.get()
    assert subscriber.content_kinds == ["calls"]
    assert list(subscriber.themes.all()) == list(water)
    assert Alert.objects.get().subscriber == subscriber
