"""Built-in registrations: confirmation, waiting list, cancellation, refusals, concurrency."""

from __future__ import annotations

import re
import threading
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, connections
from django.test import RequestFactory, override_settings
from icalendar import Calendar

from events import services
from events.models import EventPage, Registration
from home import limits
from home.antispam import started_token
from home.page_cache import HEADER
from home.tests.visible_text import texts_of

from .factories import RegistrationFactory, make_event, paris

pytestmark = pytest.mark.django_db

User = get_user_model()


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Awa",
        "last_name": "Traoré",
        "email": "awa@exemple.org",
        "organisation": "Association Eau Vive",
        "role": "Chargée de projets",
        "accessibility_needs": "",
        "consent": "on",
        # Shown a minute ago: a person, not a bot.
        "started": started_token(at=time.time() - 60),
    }
    data.update(overrides)
    return data


@pytest.fixture
def event(agenda):
    return make_event(
        parent=agenda,
        title="Concevoir et gérer un projet",
        sessions=2,
        registration_mode=EventPage.RegistrationMode.BUILT_IN,
        capacity=2,
        online_url="https://visio.example.org/salle-formation",
    )


def register_url(event) -> str:
    return f"{event.url}inscription/"


def manage_path(message) -> str:
    """The path of the "see or cancel your registration" link of an e-mail."""
    match = re.search(r"https?://[^/\s]+(/\S*inscription/confirmation/\?jeton=\S+)", message.body)
    assert match
    return match.group(1)


def visible(response) -> str:
    """The page as a person reads it (the per-request CSRF token aside)."""
    return re.sub(r'"[A-Za-z0-9+/=_-]{32,}"', "", response.text)


def test_registration_is_confirmed_with_an_email_and_an_ics(client, event):
    response = client.post(register_url(event), form_data())
    assert response.status_code == HTTPStatus.FOUND
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.email == "awa@exemple.org"
    [message] = mail.outbox
    assert message.to == ["awa@exemple.org"]
    assert "confirmée" in message.subject
    assert "salle-formation" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    assert len(list(Calendar.from_ical(content).walk("VEVENT"))) == 2
    assert response["Location"] == f"{event.url}inscription/confirmation/"
    sent = client.get(response["Location"])
    assert "Vérifiez votre messagerie" in sent.text
    assert "no-store" in sent["Cache-Control"]
    # The registration itself is behind the e-mail's link.
    done = client.get(manage_path(message))
    assert done.status_code == HTTPStatus.OK
    assert "Inscription confirmée" in done.text
    assert "salle-formation" in done.text  # the link is for registered people
    assert "no-store" in done["Cache-Control"]


def test_full_event_puts_people_on_the_waiting_list(client, event):
    RegistrationFactory(event=event)
    client.post(register_url(event), form_data(email="derniere@exemple.org"))
    client.post(register_url(event), form_data(email="suivante@exemple.org"))
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["derniere@exemple.org"] == Registration.Status.CONFIRMED
    assert statuses["suivante@exemple.org"] == Registration.Status.WAITING
    assert Registration.objects.filter(status="confirmee").count() == event.capacity
    waiting_mail = mail.outbox[-1]
    assert "Liste d'attente" in waiting_mail.subject
    assert waiting_mail.attachments == []
    assert "salle-formation" not in waiting_mail.body
    page = client.get(event.url)
    assert "liste d'attente" in page.text


def test_an_event_the_team_validates_holds_registrations_to_confirm(client, event):
    event.registrations_need_confirmation = True
    event.save_revision().publish()
    client.post(register_url(event), form_data(email="premiere@exemple.org"))
    client.post(register_url(event), form_data(email="deuxieme@exemple.org"))
    client.post(register_url(event), form_data(email="troisieme@exemple.org"))
    statuses = dict(Registration.objects.values_list("email", "status"))
    # Two places, held while they wait for an editor; the third person waits for a place.
    assert statuses == {
        "premiere@exemple.org": Registration.Status.TO_CONFIRM,
        "deuxieme@exemple.org": Registration.Status.TO_CONFIRM,
        "troisieme@exemple.org": Registration.Status.WAITING,
    }
    first_mail = mail.outbox[0]
    assert first_mail.subject.startswith("Inscription reçue, à confirmer")
    assert first_mail.attachments == []
    assert "est bien reçue et votre place réservée" in first_mail.body
    assert "salle-formation" not in first_mail.body  # the link is sent once confirmed
    done = client.get(manage_path(first_mail))
    assert "Inscription reçue, à confirmer" in done.text
    assert "salle-formation" not in done.text


def test_cancelling_promotes_the_first_person_waiting(client, event):
    first = RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    waiting_first = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    waiting_second = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    token = services.registration_token(first)
    url = f"{event.url}inscription/annulation/"
    confirm = client.get(url, {"jeton": token})
    assert confirm.status_code == HTTPStatus.OK
    assert "Confirmer l'annulation" in confirm.text
    response = client.post(url, {"jeton": token})
    assert response.status_code == HTTPStatus.OK
    assert "Votre inscription est annulée" in response.text
    first.refresh_from_db()
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED
    assert waiting_first.status == Registration.Status.CONFIRMED
    assert waiting_first.promoted_at is not None
    assert waiting_second.status == Registration.Status.WAITING
    [message] = mail.outbox
    assert message.to == [waiting_first.email]
    assert "confirmée" in message.subject
    # Cancelling twice changes nothing more.
    client.post(url, {"jeton": token})
    waiting_second.refresh_from_db()
    assert waiting_second.status == Registration.Status.WAITING


def test_cancelling_a_waiting_registration_promotes_nobody(event):
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    other = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    result = services.cancel_registration(registration_id=waiting.pk)
    assert result.promoted == []
    other.refresh_from_db()
    assert other.status == Registration.Status.WAITING


def test_an_address_already_registered_gets_the_same_answer_and_an_email(client, event):
    first = client.post(register_url(event), form_data())
    mail.outbox.clear()
    again = client.post(register_url(event), form_data(email="AWA@exemple.org"))
    # The same answer as a first registration: nothing tells a visitor who is registered.
    assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    new_person = client.post(register_url(event), form_data(email="bintou@exemple.org"))
    assert (new_person.status_code, new_person["Location"]) == (
        first.status_code,
        first["Location"],
    )
    assert visible(client.get(again["Location"])) == visible(client.get(first["Location"]))
    assert "existe déjà" not in client.get(again["Location"]).text
    assert Registration.objects.filter(email__iexact="awa@exemple.org").count() == 1
    # The registered person is told, with the link to their registration.
    reminder, _confirmation = mail.outbox
    assert reminder.to == ["awa@exemple.org"]
    assert "déjà inscrit" in reminder.subject
    assert "Inscription confirmée" in client.get(manage_path(reminder)).text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"registration_deadline": paris(2020, 1, 1)}, "La date limite d'inscription est passée."),
        ({"status": EventPage.Status.CANCELLED}, "L'événement est annulé."),
    ],
)
def test_closed_or_cancelled_event_refuses_registrations(client, event, changes, message):
    existing = RegistrationFactory(event=event)
    EventPage.objects.filter(pk=event.pk).update(**changes)
    response = client.post(register_url(event), form_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert message.replace("'", "&#x27;") in response.text
    assert list(Registration.objects.all()) == [existing]
    assert mail.outbox == []


def test_past_event_refuses_registrations(client, agenda):
    past = make_event(parent=agenda, days_ahead=-3, registration_mode="integree", capacity=5)
    response = client.post(register_url(past), form_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Registration.objects.exists()


def test_event_without_builtin_registration_has_no_form(client, agenda):
    plain = make_event(parent=agenda)
    assert client.get(register_url(plain)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(register_url(plain), form_data()).status_code == HTTPStatus.NOT_FOUND


def test_invalid_form_shows_errors_tied_to_fields_and_stores_nothing(client, event):
    response = client.post(
        register_url(event), form_data(email="pas-une-adresse", consent="", organisation="")
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Registration.objects.exists()
    text = response.text
    assert 'class="error-summary"' in text
    assert 'href="#id_email"' in text
    assert 'aria-describedby="id_email-aide id_email-erreur"' in text
    assert 'id="id_email-erreur"' in text
    assert 'aria-invalid="true"' in text
    assert "Votre accord est nécessaire pour vous inscrire." in text
    assert "Choisissez votre structure dans la liste ou saisissez son nom." in text


def test_form_page_is_never_stored_in_the_page_cache(client, event):
    first = client.get(register_url(event))
    assert first.status_code == HTTPStatus.OK
    assert "csrftoken" in first.cookies
    assert HEADER not in first
    second = client.get(register_url(event))
    assert second.get(HEADER) != "hit"
    assert 'name="csrfmiddlewaretoken"' in second.text


def test_form_requires_the_csrf_token(event):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(register_url(event), form_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Registration.objects.exists()


def test_registration_is_kept_when_the_email_fails(client, event):
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP en panne")
    ):
        response = client.post(register_url(event), form_data())
    assert response.status_code == HTTPStatus.FOUND
    assert Registration.objects.filter(email="awa@exemple.org").exists()


def test_tampered_token_is_refused(client, event):
    registration = RegistrationFactory(event=event)
    token = services.registration_token(registration)
    url = f"{event.url}inscription/annulation/"
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.post(url, {"jeton": tampered}).status_code == HTTPStatus.BAD_REQUEST
    assert client.get(f"{event.url}inscription/confirmation/", {"jeton": "abc"}).status_code in (
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.NOT_FOUND,
    )
    assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_token_of_another_event_is_404(client, event, agenda):
    other = make_event(parent=agenda, registration_mode="integree")
    registration = RegistrationFactory(event=other)
    token = services.registration_token(registration)
    response = client.post(f"{event.url}inscription/annulation/", {"jeton": token})
    assert response.status_code == HTTPStatus.NOT_FOUND
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_members_only_event_refuses_anonymous_visitors(client, agenda):
    members = make_event(parent=agenda, registration_mode="integree", audience="membres")
    page = client.get(register_url(members))
    assert "réservé aux membres" in page.text
    assert "/annuaire/referencement/" in page.text
    response = client.post(register_url(members), form_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Registration.objects.exists()


def _member_of(actor, username: str):
    """A person of `actor`'s member space, as approving its référencement provisions it."""
    from wagtail.models import Collection

    from directory.models import MemberSpace

    group = Group.objects.create(name=f"Espace {actor.title}")
    collection = Collection.get_first_root_node().add_child(name=f"Espace {actor.title}")
    MemberSpace.objects.create(actor=actor, group=group, collection=collection)
    user = User.objects.create_user(username, f"{username}@exemple.org", "mot-de-passe-long-2020")
    user.groups.add(group)
    return user


@pytest.fixture
def directory(home):
    from directory.tests.factories import DirectoryPageFactory

    return DirectoryPageFactory(parent=home)


def test_members_only_event_refuses_a_user_who_is_not_a_member(client, agenda):
    members = make_event(parent=agenda, registration_mode="integree", audience="membres")
    user = User.objects.create_user("visiteur", "visiteur@exemple.org", "mot-de-passe-long-2020")
    user.groups.add(Group.objects.create(name="Éditeurs du site"))
    client.force_login(user)
    assert client.post(register_url(members), form_data()).status_code == HTTPStatus.FORBIDDEN
    assert not Registration.objects.exists()


def test_members_only_event_accepts_a_person_of_an_adherent_actor(client, agenda, directory):
    from directory.tests.factories import ActorPageFactory

    members = make_event(parent=agenda, registration_mode="integree", audience="membres")
    actor = ActorPageFactory(parent=directory, title="Association Eau Vive")
    user = _member_of(actor, "membre")
    client.force_login(user)
    response = client.post(register_url(members), form_data())
    assert response.status_code == HTTPStatus.FOUND
    assert Registration.objects.get().user == user


def test_members_only_event_refuses_a_referenced_actor_that_is_not_adherent(
    client, agenda, directory
):
    from directory.models import ActorPage
    from directory.tests.factories import ActorPageFactory

    members = make_event(parent=agenda, registration_mode="integree", audience="membres")
    actor = ActorPageFactory(
        parent=directory, title="Collectif référencé", membership=ActorPage.Membership.REFERENCED
    )
    client.force_login(_member_of(actor, "reference"))
    response = client.post(register_url(members), form_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Registration.objects.exists()


def test_a_group_named_like_a_member_group_gives_no_access(client, agenda):
    """The old rule let in anyone whose group name began with « Membre – »."""
    members = make_event(parent=agenda, registration_mode="integree", audience="membres")
    user = User.objects.create_user("imposteur", "imposteur@exemple.org", "mot-de-passe-long-2020")
    user.groups.add(Group.objects.create(name="Membre – Association inventée"))
    client.force_login(user)
    assert client.post(register_url(members), form_data()).status_code == HTTPStatus.FORBIDDEN
    assert not Registration.objects.exists()


def test_renaming_the_member_group_keeps_access(client, agenda, directory):
    from directory.tests.factories import ActorPageFactory

    members = make_event(parent=agenda, registration_mode="integree", audience="membres")
    user = _member_of(ActorPageFactory(parent=directory, title="Eau Vive"), "membre")
    user.groups.update(name="Un tout autre nom")
    client.force_login(user)
    assert client.post(register_url(members), form_data()).status_code == HTTPStatus.FOUND


def test_an_unpublished_adherent_gives_no_access(client, agenda, directory):
    from directory.tests.factories import ActorPageFactory

    members = make_event(parent=agenda, registration_mode="integree", audience="membres")
    actor = ActorPageFactory(parent=directory, title="Eau Vive")
    user = _member_of(actor, "membre")
    actor.unpublish()
    client.force_login(user)
    assert client.post(register_url(members), form_data()).status_code == HTTPStatus.FORBIDDEN


def test_structure_can_be_chosen_among_actors(client, event, home):
    from directory.tests.factories import ActorPageFactory, DirectoryPageFactory

    actor = ActorPageFactory(parent=DirectoryPageFactory(parent=home), title="Eau Vive")
    response = client.post(register_url(event), form_data(organisation="", actor=str(actor.pk)))
    assert response.status_code == HTTPStatus.FOUND
    registration = Registration.objects.get()
    assert registration.actor == actor
    assert registration.structure == "Eau Vive"


def test_the_last_place_then_the_waiting_list_in_two_transactions(event):
    """Runs on every database: each registration is its own transaction."""
    RegistrationFactory(event=event)
    last = services.register(event_id=event.pk, data=form_data(email="derniere@exemple.org"))
    after = services.register(event_id=event.pk, data=form_data(email="suivante@exemple.org"))
    assert last.status == Registration.Status.CONFIRMED
    assert after.status == Registration.Status.WAITING


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks and one writer at a time: see the test above",
)
def test_simultaneous_registrations_never_exceed_capacity(agenda):
    event = make_event(parent=agenda, registration_mode="integree", capacity=1)
    barrier = threading.Barrier(4)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            registration = services.register(
                event_id=event.pk, data=form_data(email=f"personne{number}@exemple.org")
            )
            results.append(registration.status)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(results) == ["attente", "attente", "attente", "confirmee"]
    assert Registration.objects.filter(event=event, status="confirmee").count() == 1


def test_a_registration_refreshes_the_cached_event_page(
    client, event, home, django_capture_on_commit_callbacks
):
    from home.models import NavigationSettings, SiteIdentitySettings

    # Settings exist before the first visit (creating them purges the cache, as any change).
    SiteIdentitySettings.for_site(home.get_site())
    NavigationSettings.for_site(home.get_site())
    RegistrationFactory(event=event)
    first = client.get(event.url)
    assert "1 place restante" in first.text
    assert client.get(event.url)[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(event), form_data(email="derniere@exemple.org"))
    after = client.get(event.url)
    assert after.get(HEADER) != "hit"
    assert "Complet" in after.text


# --- Anti-spam (home.antispam, as on the référencement form) ----------------------------


def test_a_filled_honeypot_stores_nothing(client, event):
    response = client.post(register_url(event), form_data(site_web_2="https://spam.example"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == event.url
    assert not Registration.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "started",
    [
        pytest.param(lambda: started_token(at=time.time() - 1), id="one-second"),
        pytest.param(lambda: "1700000000:forged", id="forged"),
        pytest.param(lambda: "", id="missing"),
    ],
)
def test_a_form_sent_faster_than_a_person_stores_nothing(client, event, started):
    response = client.post(register_url(event), form_data(started=started()))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Le formulaire a été envoyé trop vite ou a expiré" in response.text
    assert not Registration.objects.exists()
    # The form keeps what was typed and carries a fresh timing token for the next try.
    assert 'value="awa@exemple.org"' in response.text
    fresh = re.search(r'name="started" value="([^"]+)"', response.text)
    assert fresh
    assert fresh.group(1) != started()


def test_a_replayed_timing_token_is_refused_as_a_robot(client, event):
    token = started_token(at=time.time() - 60)
    first = client.post(register_url(event), form_data(started=token))
    assert first.status_code == HTTPStatus.FOUND
    replay = client.post(register_url(event), form_data(email="robot@exemple.org", started=token))
    assert replay.status_code == HTTPStatus.BAD_REQUEST
    assert "Le formulaire a été envoyé trop vite ou a expiré" in replay.text
    assert list(Registration.objects.values_list("email", flat=True)) == ["awa@exemple.org"]


@override_settings(REGISTRATION_RATE_LIMIT=3)
def test_too_many_registrations_from_one_address_get_a_readable_429(client, agenda):
    events = [
        make_event(parent=agenda, registration_mode="integree", title=f"Formation {n}")
        for n in range(4)
    ]
    for number, event in enumerate(events[:3]):
        response = client.post(
            register_url(event), form_data(email=f"personne{number}@exemple.org")
        )
        assert response.status_code == HTTPStatus.FOUND
    response = client.post(register_url(events[3]), form_data(email="quatre@exemple.org"))
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert texts_of(response.text, "h1") == ["Trop de demandes envoyées depuis votre connexion"]
    assert "réessayer dans 60 minutes" in response.text
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "no-store" in response["Cache-Control"]
    assert Registration.objects.count() == 3
    assert not Registration.objects.filter(email="quatre@exemple.org").exists()
    # Another address still gets through: the counter is per address.
    other = client.post(
        register_url(events[3]),
        form_data(email="quatre@exemple.org"),
        REMOTE_ADDR="203.0.113.7",
    )
    assert other.status_code == HTTPStatus.FOUND


@override_settings(REGISTRATION_RATE_LIMIT=1)
def test_the_registration_counter_is_apart_from_the_referencing_one(client, event):
    request = RequestFactory().post("/annuaire/referencement/")
    assert limits.public_form(request, scope="referencement").allowed  # one référencement request
    response = client.post(register_url(event), form_data())
    assert response.status_code == HTTPStatus.FOUND


# --- The page cache shows the places left ---------------------------------------------


def _warm_settings(home) -> None:
    from home.models import NavigationSettings, SiteIdentitySettings

    # Settings exist before the first visit (creating them purges the cache, as any change).
    SiteIdentitySettings.for_site(home.get_site())
    NavigationSettings.for_site(home.get_site())


def test_a_cancellation_refreshes_the_cached_event_page(
    client, event, home, django_capture_on_commit_callbacks
):
    _warm_settings(home)
    first = RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    full = client.get(event.url)
    assert "Complet" in full.text
    assert client.get(event.url)[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{event.url}inscription/annulation/", {"jeton": services.registration_token(first)}
        )
    after = client.get(event.url)
    assert after.get(HEADER) != "hit"
    assert "1 place restante" in after.text
    assert "Complet" not in after.text


def test_the_last_place_shows_complet_in_the_cached_agenda(
    client, event, home, django_capture_on_commit_callbacks
):
    _warm_settings(home)
    RegistrationFactory(event=event)
    before = client.get("/agenda/")
    assert "Complet" not in before.text
    assert client.get("/agenda/")[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event), form_data(email="derniere@exemple.org"))
    assert response.status_code == HTTPStatus.FOUND
    after = client.get("/agenda/")
    assert after.get(HEADER) != "hit"
    assert "Complet – liste d&#x27;attente" in after.text
