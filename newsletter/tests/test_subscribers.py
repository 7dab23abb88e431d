"""Sign-up, double opt-in, preferences: what a visitor sees and what is sent."""

from __future__ import annotations

import datetime
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from directory.models import SustainableDevelopmentGoal, Theme
from home.antispam import HONEYPOT_FIELD, started_token
from newsletter import links
from newsletter import subscriber_services as services
from newsletter.models import ContentKind, Subscriber, SubscriberSource, SubscriberStatus

from .helpers import last_link, signup_data

SIGNUP = "/lettres/inscription/"


@pytest.mark.django_db
def test_the_whole_journey(client, home):
    """Sign up, one confirmation e-mail, confirm by the button, edit the preferences,
    unsubscribe in one click, twice; a GET afterwards changes nothing."""
    water = Theme.objects.get(slug="eau-assainissement-hygiene")
    response = client.post(SIGNUP, signup_data(themes=[water.pk], content_kinds=["calls"]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/lettres/inscription/envoyee/"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consent_at is not None and subscriber.consent_version == "2026-12"
    assert list(subscriber.themes.all()) == [water]
    assert subscriber.content_kinds == ["calls"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["awa.diallo@example.org"]

    confirm_path = last_link("/lettres/confirmer/")
    page = client.get(confirm_path)
    assert page.status_code == HTTPStatus.OK
    assert "Je confirme mon inscription" in page.text
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING  # a GET confirms nothing
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == HTTPStatus.OK
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.confirmed_at
    assert len(mail.outbox) == 1  # nothing else was sent

    preferences_path = links.preferences_url(subscriber).removeprefix("http://testserver")
    odd6 = SustainableDevelopmentGoal.objects.get(number=6)
    saved = client.post(
        preferences_path,
        {"name": "Awa D.", "sdgs": [odd6.pk], "content_kinds": ["agenda", "offers"]},
    )
    assert saved.status_code == HTTPStatus.OK
    assert "Vos préférences sont enregistrées." in saved.text
    subscriber.refresh_from_db()
    assert subscriber.name == "Awa D."
    assert list(subscriber.sdgs.all()) == [odd6]
    assert list(subscriber.themes.all()) == []
    assert subscriber.content_kinds == ["agenda", "offers"]

    unsubscribe_path = links.unsubscribe_url(subscriber).removeprefix("http://testserver")
    for _attempt in range(2):
        answer = client.post(
            unsubscribe_path,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert answer.status_code == HTTPStatus.OK
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    unsubscribed_at = subscriber.unsubscribed_at
    shown = client.get(unsubscribe_path)
    assert shown.status_code == HTTPStatus.OK
    assert 'type="submit"' in shown.text
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == unsubscribed_at
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_signing_up_twice_does_not_tell_whether_the_address_was_there(client, home):
    first = client.post(SIGNUP, signup_data())
    Subscriber.objects.update(status=SubscriberStatus.CONFIRMED)
    second = client.post(SIGNUP, signup_data(email="AWA.DIALLO@example.org"))
    newcomer = client.post(SIGNUP, signup_data(email="nouvelle@example.org"))
    assert first["Location"] == second["Location"] == newcomer["Location"]
    assert Subscriber.objects.count() == 2  # case-insensitive: the same address
    # The confirmed address gets a reminder with its preferences link, not a confirmation.
    reminder = mail.outbox[1]
    assert reminder.to == ["awa.diallo@example.org"]
    assert "/lettres/preferences/" in reminder.body and "/lettres/confirmer/" not in reminder.body
    sent_pages = {client.get(r["Location"]).text for r in (first, second, newcomer)}
    assert len(sent_pages) == 1


@pytest.mark.django_db
@override_settings(NEWSLETTER_CONFIRMATION_RESEND_LIMIT=2)
def test_a_pending_address_gets_the_confirmation_again_within_a_daily_limit(client, home):
    for _attempt in range(4):
        client.post(SIGNUP, signup_data(started=started_token(at=time.time() - 60)))
    assert len(mail.outbox) == 2
    assert all("/lettres/confirmer/" in message.body for message in mail.outbox)


@pytest.mark.django_db
def test_a_signup_with_a_bad_interest_is_shown_again_with_its_error(client, home):
    response = client.post(SIGNUP, signup_data(sdgs=["abc"], consent=None))
    assert response.status_code == HTTPStatus.OK
    assert 'id="erreurs"' in response.text
    assert "Cochez cette case pour recevoir la lettre." in response.text
    assert not Subscriber.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_honeypot_and_too_fast_submissions_store_nothing(client, home):
    bot = client.post(SIGNUP, signup_data(**{HONEYPOT_FIELD: "http://spam.example"}))
    assert bot.status_code == HTTPStatus.FOUND  # the bot learns nothing
    fast = client.post(SIGNUP, signup_data(started=started_token()))
    assert fast.status_code == HTTPStatus.OK
    assert "trop vite" in fast.text
    assert not Subscriber.objects.exists() and not mail.outbox


@pytest.mark.django_db
@override_settings(REGISTRATION_RATE_LIMIT=2)
def test_too_many_signups_from_one_address_get_429(client, home):
    for number in range(2):
        client.post(SIGNUP, signup_data(email=f"personne{number}@example.org"))
    refused = client.post(SIGNUP, signup_data(email="troisieme@example.org"))
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Retry-After"]
    assert "Trop de demandes" in refused.text
    assert not Subscriber.objects.filter(email="troisieme@example.org").exists()


@pytest.mark.django_db
def test_the_footer_form_leads_to_the_full_form_filled_in(client, home):
    response = client.get(SIGNUP, {"email": "pre@example.org", "origine": "footer"})
    assert response.status_code == HTTPStatus.OK
    assert 'value="pre@example.org"' in response.text
    assert 'name="origine" value="footer"' in response.text
    client.post(SIGNUP, signup_data(email="pre@example.org", origine="footer"))
    assert Subscriber.objects.get().source == SubscriberSource.FOOTER


@pytest.mark.django_db
def test_the_footer_and_home_page_hold_no_csrf_token(client, home):
    page = client.get("/")
    assert page.status_code == HTTPStatus.OK
    assert 'action="/lettres/inscription/"' in page.text
    assert page.text.count('method="get" action="/lettres/inscription/"') == 2  # home + footer
    assert "csrfmiddlewaretoken" not in page.text
    assert "csrftoken" not in page.cookies


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    ["abc", "", "eyJzIjoxfQ:1abcde:forged-signature", "x" * 300],
)
def test_malformed_or_forged_links_get_a_clear_400_page(client, home, token):
    Subscriber.objects.create(email="awa@example.org")
    for prefix in ("confirmer", "preferences", "desinscription"):
        path = f"/lettres/{prefix}/{token}/" if token else f"/lettres/{prefix}/%20/"
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == HTTPStatus.BAD_REQUEST, (path, method)
            assert "Ce lien n'est pas valide" in response.text
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_a_link_of_another_purpose_or_of_an_old_key_is_refused(client, home):
    subscriber = Subscriber.objects.create(email="awa@example.org")
    preferences_token = links.make_token(subscriber, purpose=links.PREFERENCES)
    response = client.post(f"/lettres/desinscription/{preferences_token}/")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    old_unsubscribe = links.unsubscribe_url(subscriber).removeprefix("http://testserver")
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.save()
    services.sign_up(email="awa@example.org", consent_version="v")  # a new key
    assert client.post(old_unsubscribe).status_code == HTTPStatus.BAD_REQUEST
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_an_expired_confirmation_link_offers_to_ask_again(client, home):
    subscriber = services.sign_up(email="awa@example.org", consent_version="v")
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        path = links.confirm_url(subscriber).removeprefix("http://testserver")
    response = client.post(path)
    assert response.status_code == HTTPStatus.GONE
    assert "Ce lien a expiré" in response.text
    assert 'href="/lettres/inscription/"' in response.text
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_a_suppressed_address_is_pending_again_only_after_a_new_signup(client, home):
    subscriber = Subscriber.objects.create(
        email="awa@example.org", status=SubscriberStatus.CONFIRMED
    )
    services.suppress(email="AWA@example.org", event_type="bounced", reason="boîte inexistante")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.BOUNCED and subscriber.suppressed_at
    assert not subscriber.is_mailable
    client.post(SIGNUP, signup_data(email="awa@example.org"))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING and subscriber.suppressed_at is None
    assert "/lettres/confirmer/" in mail.outbox[-1].body


@pytest.mark.django_db
def test_the_referencement_consent_makes_a_pending_subscriber(
    home, django_capture_on_commit_callbacks
):
    from directory.registration_forms import RegistrationForm
    from directory.services.registration import submit_registration
    from directory.tests.registration_helpers import form_data

    form = RegistrationForm(form_data(newsletter_consent="on"))
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        submit_registration(data=form.cleaned_data)
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "awa.traore@sgs-solidarite.org"
    assert subscriber.source == SubscriberSource.REFERENCEMENT
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consent_version.startswith("referencement-")
    confirmations = [m for m in mail.outbox if "/lettres/confirmer/" in m.body]
    assert len(confirmations) == 1 and confirmations[0].to == [subscriber.email]


@pytest.mark.django_db
def test_a_referencement_without_the_consent_makes_no_subscriber(
    home, django_capture_on_commit_callbacks
):
    from directory.registration_forms import RegistrationForm
    from directory.services.registration import submit_registration
    from directory.tests.registration_helpers import form_data

    form = RegistrationForm(form_data())
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        submit_registration(data=form.cleaned_data)
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_purge_deletes_only_old_pending_signups(home):
    old = timezone.now() - datetime.timedelta(days=45)
    stale = Subscriber.objects.create(email="vieux@example.org")
    kept_confirmed = Subscriber.objects.create(
        email="fidele@example.org", status=SubscriberStatus.CONFIRMED
    )
    Subscriber.objects.filter(pk__in=[stale.pk, kept_confirmed.pk]).update(created_at=old)
    recent = Subscriber.objects.create(email="recent@example.org")
    # An old address that signed up again yesterday: its consent is recent, it stays.
    again = Subscriber.objects.create(
        email="revenue@example.org", consent_at=timezone.now() - datetime.timedelta(days=1)
    )
    Subscriber.objects.filter(pk=again.pk).update(created_at=old)
    from io import StringIO

    out = StringIO()
    call_command("purge_unconfirmed_subscribers", stdout=out)
    remaining = set(Subscriber.objects.values_list("pk", flat=True))
    assert remaining == {kept_confirmed.pk, recent.pk, again.pk}
    assert stale.pk not in remaining
    assert "1 inscription(s) supprimée(s)" in out.getvalue()


@pytest.mark.django_db
def test_personal_data_export_and_erasure(home):
    from directory.personal_data import registered_sources
    from newsletter.models import Alert

    subscriber = Subscriber.objects.create(
        email="awa@example.org",
        name="Awa",
        content_kinds=[ContentKind.CALLS],
        consent_at=timezone.now(),
        consent_version="2026-12",
    )
    subscriber.themes.set(Theme.objects.filter(slug="sante"))
    Alert.objects.create(
        subscriber=subscriber, listing="calls", query="odd=6", label="Appels à projets · ODD 6"
    )
    other = Subscriber.objects.create(email="autre@example.org")
    source = next(s for s in registered_sources() if s.key == "newsletter_subscribers")
    exported = source.export("AWA@example.org")
    assert len(exported) == 1
    row = exported[0]
    assert row["email"] == "awa@example.org" and row["consentement_version"] == "2026-12"
    assert row["contenus"] == ["Appels à projets"]
    assert [a["intitule"] for a in row["alertes"]] == ["Appels à projets · ODD 6"]
    assert len(row["thematiques"]) == 1
    assert source.erase("Awa@Example.org") == 2
    assert list(Subscriber.objects.all()) == [other]
    assert not Alert.objects.exists()
