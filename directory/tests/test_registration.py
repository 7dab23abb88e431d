"""The public référencement form: validation, anti-spam, storage before e-mail, duplicates."""

from __future__ import annotations

import logging
import re
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from directory.models import RegistrationRequest
from directory.registration_forms import (
    NEWSLETTER_CONSENT_VERSION,
    PUBLICATION_CONSENT_VERSION,
    validate_siret,
)
from directory.registration_selectors import find_duplicates, normalise_name
from home.antispam import started_token

from .factories import ActorPageFactory
from .registration_helpers import (
    OTHER_VALID_SIRET,
    VALID_SIRET,
    form_data,
    imported_draft,
    make_request,
)

URL = "/annuaire/referencement/"
pytestmark = pytest.mark.django_db


def post(client, **overrides):
    return client.post(URL, form_data(**overrides))


# --- Showing the form -----------------------------------------------------------------------


def test_form_page_renders_with_labels_privacy_notice_and_unticked_consents(client, directory):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Référencer ma structure" in html
    assert "Vos données personnelles" in html and "Durée de conservation" in html
    assert 'name="publication_consent"' in html and 'name="newsletter_consent"' in html
    assert 'id="id_publication_consent" checked' not in html
    assert "checked" not in html.split('name="publication_consent"')[1].split(">")[0]
    # Every visible input has a label.
    for name in ("name", "postcode", "siret", "contact_email", "description"):
        assert f'<label for="id_{name}">' in html
    # A form page sets the CSRF cookie: never stored by the page cache.
    assert "csrftoken" in response.cookies
    assert "no-store" in response["Cache-Control"]


def test_valid_submission_is_stored_with_consents_then_mails_sent(
    client, directory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, newsletter_consent="on")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("/annuaire/referencement/merci/")
    registration = RegistrationRequest.objects.get()
    assert registration.status == RegistrationRequest.Status.PENDING
    assert registration.siret == VALID_SIRET
    assert registration.publication_consent_at is not None
    assert registration.publication_consent_version == PUBLICATION_CONSENT_VERSION
    assert registration.newsletter_consent_at is not None
    assert registration.newsletter_consent_version == NEWSLETTER_CONSENT_VERSION
    assert list(registration.themes.values_list("slug", flat=True)) == [
        "eau-assainissement-hygiene"
    ]
    recipients = [message.to for message in mail.outbox]
    assert ["awa.traore@sgs-solidarite.org"] in recipients
    thanks = client.get(response["Location"])
    assert thanks.status_code == HTTPStatus.OK
    assert "votre demande est bien enregistrée" in thanks.content.decode()


def test_newsletter_consent_is_optional_and_not_stamped_when_unticked(client, directory):
    post(client)
    registration = RegistrationRequest.objects.get()
    assert registration.newsletter_consent_at is None
    assert registration.newsletter_consent_version == ""


def test_editors_are_notified(client, directory, settings):
    settings.REGISTRATION_NOTIFY_EMAILS = ["equipe@reseau.example"]
    post(client)
    notified = [m for m in mail.outbox if m.to == ["equipe@reseau.example"]]
    assert len(notified) == 1
    assert "Solidarité Gironde Sahel" in notified[0].subject


def test_failing_mail_server_keeps_the_request_and_shows_success(client, directory, caplog):
    with (
        mock.patch(
            "directory.services.common.send_mail",
            side_effect=ConnectionRefusedError("refused for awa.traore@sgs-solidarite.org"),
        ),
        caplog.at_level(logging.ERROR, logger="directory.services"),
    ):
        response = post(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("/merci/")
    assert RegistrationRequest.objects.count() == 1
    assert "not sent" in caplog.text
    # The log names neither the person nor the addresses (it may reach error reporting).
    assert "@" not in caplog.text
    assert "Awa" not in caplog.text


# --- Bad input: a French message next to the field, nothing stored ----------------------------


def _refused(client, field: str, **overrides) -> str:
    response = post(client, **overrides)
    assert response.status_code == HTTPStatus.OK
    assert RegistrationRequest.objects.count() == 0
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    # Error summary at the top, the message tied to its field.
    assert 'class="error-summary"' in html
    assert f'id="id_{field}_erreur"' in html
    assert f'href="#id_{field}"' in html.split('class="error-summary"')[1].split("</div>")[0]
    tag = re.search(rf'<(?:input|textarea|select)[^>]*id="id_{field}"[^>]*>', html).group(0)
    assert f"id_{field}_erreur" in tag.split('aria-describedby="')[1].split('"')[0]
    assert 'aria-invalid="true"' in tag
    return " ".join(form.errors[field])


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("contact_email", "awa.traore@", "adresse électronique valide"),
        ("email", "pas-une-adresse", "adresse électronique valide"),
        ("postcode", "ABCDE", "5 chiffres"),
        ("postcode", "3300", "5 chiffres"),
        ("description", "x" * 10_000, "au plus 2000 caractères"),
        ("name", "<script>alert('x')</script>", "ne sont pas acceptés"),
        ("name", "Solidarité 🌍 Sahel", "émojis"),
        ("contact_name", "Awa 😀", "émojis"),
        ("siret", "73282932000075", "clé de contrôle"),
        ("siret", "123", "14 chiffres"),
        ("rna", "123456789", "W suivi de 9 chiffres"),
        ("website", "pas un site", "URL valide"),
        ("phone", "appelez-moi", "numéro de téléphone"),
    ],
)
def test_bad_values_are_refused_in_french(client, directory, field, value, expected):
    message = _refused(client, field, **{field: value})
    assert expected in message


def test_required_fields_are_refused_in_french(client, directory):
    message = _refused(client, "name", name="")
    assert message == "Indiquez le nom de la structure."


def test_form_without_publication_consent_is_refused(client, directory):
    data = form_data()
    del data["publication_consent"]
    response = client.post(URL, data)
    assert response.status_code == HTTPStatus.OK
    assert "publication_consent" in response.context["form"].errors
    assert "Sans votre accord" in response.content.decode()
    assert RegistrationRequest.objects.count() == 0


def test_refused_form_keeps_what_was_typed(client, directory):
    response = post(client, postcode="ABCDE")
    html = response.content.decode()
    assert 'value="Solidarité Gironde Sahel"' in html
    assert 'value="ABCDE"' in html
    assert "Nous accompagnons des projets" in html


def test_script_in_a_name_is_escaped_when_shown_back(client, directory):
    response = post(client, name='<img src=x onerror="alert(1)">')
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_structure_type_of_another_college_is_refused(client, directory):
    from directory.models import StructureType

    other = StructureType.objects.exclude(college__slug="associations").first()
    message = _refused(client, "structure_type", structure_type=other.pk)
    assert "appartient au collège" in message


def test_siret_checksum_accepts_la_poste_rule():
    # La Poste: digit sum multiple of 5, refused by the plain Luhn check.
    assert validate_siret("35600000000047") is None


# --- Anti-spam ------------------------------------------------------------------------------


def test_filled_honeypot_stores_nothing_and_looks_like_success(client, directory):
    response = post(client, site_web_2="http://spam.example")
    assert response.status_code == HTTPStatus.FOUND
    assert RegistrationRequest.objects.count() == 0
    assert mail.outbox == []


@override_settings(REGISTRATION_MIN_FILL_SECONDS=60)
def test_submission_faster_than_a_human_stores_nothing(client, directory):
    # Filled in 1 s against a minimum of 60: still too fast on a slow, loaded machine.
    response = post(client, started=started_token(at=time.time() - 1))
    assert response.status_code == HTTPStatus.OK
    assert RegistrationRequest.objects.count() == 0
    assert "trop vite" in response.content.decode()


def test_forged_timing_token_stores_nothing(client, directory):
    response = post(client, started="1700000000:forged")
    assert response.status_code == HTTPStatus.OK
    assert RegistrationRequest.objects.count() == 0


def test_missing_timing_token_stores_nothing(client, directory):
    data = form_data()
    del data["started"]
    client.post(URL, data)
    assert RegistrationRequest.objects.count() == 0


@override_settings(REGISTRATION_RATE_LIMIT=5)
def test_sixth_submission_in_the_hour_gets_429_and_a_readable_page(client, directory):
    for number in range(5):
        response = post(client, name=f"Association numéro {number}", siret="", rna="")
        assert response.status_code == HTTPStatus.FOUND
    response = post(client, name="Association de trop", siret="", rna="")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Trop de demandes" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600
    assert RegistrationRequest.objects.count() == 5
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert post(other, name="Autre adresse", siret="", rna="").status_code == HTTPStatus.FOUND


@override_settings(REGISTRATION_RATE_LIMIT=5, PROXY_COUNT=1)
def test_behind_the_proxy_five_visitors_do_not_use_up_a_sixth_ones_limit(directory):
    # Every request comes from the proxy's address; the visitor is in X-Forwarded-For.
    for number in range(1, 7):
        visitor = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        response = post(visitor, name=f"Association numéro {number}", siret="", rna="")
        assert response.status_code == HTTPStatus.FOUND
    assert RegistrationRequest.objects.count() == 6


@override_settings(REGISTRATION_RATE_LIMIT=2, PROXY_COUNT=0)
def test_with_no_proxy_trusted_a_spoofed_forwarded_for_does_not_escape_the_limit(directory):
    statuses = [
        post(
            Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"),
            name=f"Association numéro {number}",
            siret="",
            rna="",
        ).status_code
        for number in range(3)
    ]
    assert statuses == [HTTPStatus.FOUND, HTTPStatus.FOUND, HTTPStatus.TOO_MANY_REQUESTS]


@override_settings(REGISTRATION_RATE_LIMIT=1)
def test_rate_limit_is_counted_in_the_shared_cache(client, directory):
    from django.core.cache import cache

    assert post(client, name="Première", siret="", rna="").status_code == HTTPStatus.FOUND
    assert post(client, name="Seconde", siret="", rna="").status_code == 429
    cache.clear()  # the count lived in the cache: emptied, the address may send again
    assert post(client, name="Troisième", siret="", rna="").status_code == HTTPStatus.FOUND


def test_forged_csrf_token_gets_403_and_stores_nothing(directory):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get(URL)
    data = form_data(csrfmiddlewaretoken="x" * 64)
    response = csrf_client.post(URL, data)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert RegistrationRequest.objects.count() == 0


def test_replayed_csrf_token_of_another_visitor_gets_403_in_french(directory):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    stolen = first.get(URL).cookies["csrftoken"].value
    second.get(URL)  # the second visitor has a cookie of its own
    response = second.post(URL, form_data(csrfmiddlewaretoken=stolen))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Interdit" in response.content.decode()  # Django's CSRF page, in French
    assert RegistrationRequest.objects.count() == 0


def test_post_without_csrf_cookie_gets_403(directory):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(URL, form_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert RegistrationRequest.objects.count() == 0


def test_real_csrf_token_is_accepted(directory):
    csrf_client = Client(enforce_csrf_checks=True)
    token = csrf_client.get(URL).cookies["csrftoken"].value
    response = csrf_client.post(URL, form_data(csrfmiddlewaretoken=token))
    assert response.status_code == HTTPStatus.FOUND
    assert RegistrationRequest.objects.count() == 1


# --- Claims and duplicates ------------------------------------------------------------------


def test_claiming_an_existing_actor_is_stored(client, directory):
    actor = ActorPageFactory(parent=directory, title="Eau Vive Aquitaine")
    post(client, claimed_actor=actor.pk)
    assert RegistrationRequest.objects.get().claimed_actor_id == actor.pk


def test_a_draft_actor_cannot_be_claimed(client, directory):
    actor = ActorPageFactory(parent=directory, title="Brouillon secret", live=False)
    response = post(client, claimed_actor=actor.pk)
    assert "claimed_actor" in response.context["form"].errors
    assert RegistrationRequest.objects.count() == 0


def test_normalised_names_ignore_case_accents_punctuation_and_articles():
    assert normalise_name("L'Eau-Vive  Aquitaine") == normalise_name("eau vive aquitaine")
    assert normalise_name("Solidarité") == "solidarite"
    assert normalise_name("Eau Vive") != normalise_name("Eau Claire")


def test_duplicates_of_actors_and_pending_requests_are_flagged(client, directory):
    same_siret = ActorPageFactory(parent=directory, title="Autre nom", siret=VALID_SIRET)
    same_name = ActorPageFactory(parent=directory, title="SOLIDARITÉ gironde-sahel")
    same_site = ActorPageFactory(
        parent=directory, title="Site commun", website="http://sgs-solidarite.org/accueil"
    )
    ActorPageFactory(parent=directory, title="Sans rapport", siret=OTHER_VALID_SIRET)
    earlier = make_request(name="Demande précédente", rna="W332001234")
    post(client)
    flags = RegistrationRequest.objects.exclude(pk=earlier.pk).get().duplicate_flags
    by_target = {(flag["kind"], flag["id"]): flag["reasons"] for flag in flags}
    assert "même SIRET" in by_target[("actor", same_siret.pk)]
    assert "même nom" in by_target[("actor", same_name.pk)]
    assert "même site web" in by_target[("actor", same_site.pk)]
    assert "même numéro RNA" in by_target[("request", earlier.pk)]
    assert len(by_target) == 4


def test_webmail_domains_are_not_duplicates(directory):
    make_request(name="Premier", contact_email="un@gmail.com")
    second = make_request(name="Second", contact_email="deux@gmail.com")
    assert find_duplicates(second) == []


def test_same_email_domain_is_a_duplicate(directory):
    ActorPageFactory(parent=directory, title="Maison", email="info@maison-solidaire.fr")
    request = make_request(name="Autre", contact_email="jean@maison-solidaire.fr")
    reasons = find_duplicates(request)[0]["reasons"]
    assert "même domaine d'adresse électronique" in reasons
    # The shared postcode supports the match; it never flags on its own.
    assert set(reasons) <= {"même domaine d'adresse électronique", "même code postal"}


# --- Imported drafts claimed by their structure ---------------------------------------------


def _claimed(client, **overrides) -> int | None:
    response = post(client, **overrides)
    assert response.status_code == HTTPStatus.FOUND
    return RegistrationRequest.objects.get().claimed_actor_id


@pytest.mark.parametrize(
    "draft_values",
    [
        pytest.param({"title": "Nom de la base", "siret": VALID_SIRET}, id="siret"),
        pytest.param({"title": "Nom de la base", "rna": "W332001234"}, id="rna"),
        pytest.param(
            {"title": "SOLIDARITÉ GIRONDE-SAHEL", "postcode": "33000"}, id="name-postcode"
        ),
        pytest.param(
            {"title": "Nom de la base", "website": "http://sgs-solidarite.org/"}, id="website"
        ),
        pytest.param(
            {"title": "Nom de la base", "email": "bureau@sgs-solidarite.org"}, id="email-domain"
        ),
    ],
)
def test_a_request_is_linked_to_the_imported_draft_it_matches(client, directory, draft_values):
    draft = imported_draft(directory, **{"postcode": "40000", **draft_values})
    ActorPageFactory(parent=directory, title="Sans rapport", siret=OTHER_VALID_SIRET)

    assert _claimed(client) == draft.pk
    # The editors still see why it matched.
    flags = RegistrationRequest.objects.get().duplicate_flags
    assert [flag["id"] for flag in flags] == [draft.pk]


def test_the_strongest_rule_wins_over_a_weaker_match(client, directory):
    imported_draft(directory, title="Solidarité Gironde Sahel", postcode="33000")
    by_siret = imported_draft(directory, title="SGS (base 2020)", siret=VALID_SIRET)
    assert _claimed(client) == by_siret.pk


def test_two_imported_drafts_matching_alike_link_none(client, directory):
    imported_draft(directory, title="Solidarité Gironde Sahel", postcode="33000")
    imported_draft(directory, title="Solidarite gironde sahel", slug="sgs-bis", postcode="33000")
    assert _claimed(client, siret="", rna="") is None
    assert len(RegistrationRequest.objects.get().duplicate_flags) == 2


def test_a_same_name_with_another_siret_is_not_linked(client, directory):
    imported_draft(
        directory, title="Solidarité Gironde Sahel", postcode="33000", siret=OTHER_VALID_SIRET
    )
    assert _claimed(client) is None


@pytest.mark.parametrize(
    "draft_values",
    [
        pytest.param({"qualification_status": "qualifie"}, id="qualified"),
        pytest.param({"live": True}, id="published"),
        pytest.param({"first_published_at": timezone.now()}, id="once-published"),
    ],
)
def test_only_unqualified_never_published_drafts_are_linked(client, directory, draft_values):
    imported_draft(directory, siret=VALID_SIRET, **draft_values)
    assert _claimed(client) is None


def test_a_draft_with_a_member_space_is_not_linked(client, directory):
    from directory.services.member_spaces import provision_member_space

    draft = imported_draft(directory, siret=VALID_SIRET)
    provision_member_space(actor=draft)
    assert _claimed(client) is None


def test_an_explicit_claim_is_kept(client, directory):
    imported_draft(directory, siret=VALID_SIRET)
    live = ActorPageFactory(parent=directory, title="Eau Vive Aquitaine")
    assert _claimed(client, claimed_actor=live.pk) == live.pk
