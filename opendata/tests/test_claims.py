"""A structure of the imported base asks for its référencement later: its request is linked
to its imported draft, and the approval builds its member space on that page."""

from __future__ import annotations

from http import HTTPStatus

from django.core.cache import cache

from directory.models import ActorPage, MemberSpace, RegistrationRequest
from directory.services.registration import approve_registration
from directory.tests.registration_helpers import form_data
from opendata.imports import ACTORS, apply_plan, prepare

from .samples import actor_rows, csv_bytes, siret


def test_an_imported_structure_gets_its_imported_page_back(client, directory, editor):
    cache.clear()
    plan = prepare(data=csv_bytes(actor_rows(3)), filename="base.csv", kind=ACTORS)
    imported = apply_plan(plan=plan, user=editor).created
    page = ActorPage.objects.get(siret=siret(2))
    assert page.pk in imported

    response = client.post(
        "/annuaire/referencement/", form_data(name="Un autre nom", siret=siret(2), rna="")
    )
    assert response.status_code == HTTPStatus.FOUND
    request = RegistrationRequest.objects.get()
    assert request.claimed_actor_id == page.pk

    space = approve_registration(registration=request, by=editor)

    assert space.actor.pk == page.pk
    assert ActorPage.objects.count() == 3
    assert MemberSpace.objects.count() == 1
    adopted = ActorPage.objects.get(pk=page.pk)
    assert adopted.qualification_status == ActorPage.Qualification.QUALIFIED
    assert adopted.private_contact_email == "awa.traore@sgs-solidarite.org"
