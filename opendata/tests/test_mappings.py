"""Label mappings: one target, the one of their vocabulary; one mapping a label; editors add
them in the admin and the import uses them at once."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.tests.factories import college, themes
from opendata.imports.labels import LabelMatcher
from opendata.models import LabelMapping


def test_a_mapping_needs_the_target_of_its_vocabulary(db):
    mapping = LabelMapping(
        kind="theme", external_label="Hydraulique", college=college("associations")
    )
    with pytest.raises(ValidationError) as error:
        mapping.full_clean()
    assert set(error.value.message_dict) == {"theme", "college"}


def test_a_label_is_mapped_once_per_vocabulary_whatever_its_case(db):
    water = themes("eau-assainissement-hygiene")[0]
    LabelMapping.objects.create(kind="theme", external_label="Hydraulique", theme=water)
    twin = LabelMapping(kind="theme", external_label="HYDRAULIQUE ", theme=water)
    with pytest.raises(ValidationError, match="déjà une correspondance"):
        twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_database_refuses_a_mapping_without_its_target(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        LabelMapping.objects.create(kind="country", external_label="Atlantide")


def test_editors_add_a_mapping_in_the_admin_and_the_import_uses_it(client, editor):
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="opendata",
            codename__in=["add_labelmapping", "view_labelmapping"],
        )
    )
    client.force_login(editor)
    water = themes("eau-assainissement-hygiene")[0]
    response = client.post(
        "/admin/snippets/opendata/labelmapping/add/",
        {"kind": "theme", "external_label": "Hydraulique villageoise", "theme": water.pk},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    mapping = LabelMapping.objects.get(external_label="Hydraulique villageoise")
    assert (mapping.normalised_label, mapping.theme) == ("hydraulique villageoise", water)
    assert LabelMatcher().one(LabelMapping.Kind.THEME, "hydraulique VILLAGEOISE") == water.pk


def test_the_demo_gives_editors_the_mappings_once(db):
    from django.contrib.auth.models import Group

    from home.demo_content import EDITORS_GROUP
    from opendata.demo_content import editors_mappings_step

    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.remove(*group.permissions.filter(content_type__app_label="opendata"))
    assert editors_mappings_step(None) == "4 droits ajoutés"
    assert editors_mappings_step(None) == "0 droits ajoutés"
    assert group.permissions.filter(codename="change_labelmapping").exists()
