"""The editorial demo content: what `load_demo_content` adds and its documents, read from the
demo built once per session (tests/demo_site.py); tests/test_demo_content_all.py runs the
command a second time."""

from __future__ import annotations

import re
from http import HTTPStatus

from django.contrib.auth import get_user_model
from wagtail.contrib.search_promotions.models import Query
from wagtail.documents.models import Document

from resources.demo import editorial, make_pdf
from resources.models import (
    CallForProjectsPage,
    NewsPage,
    OpportunityPage,
    ResourcePage,
)
from working_groups.models import GroupPage


def test_generated_pdf_is_well_formed():
    data = make_pdf("Rapport d'activité (2020)", ["Éducation à la solidarité", "Ligne 2"])
    assert data.startswith(b"%PDF-1.4\n") and data.rstrip().endswith(b"%%EOF")
    # Every cross-reference offset points at the start of its object.
    xref_at = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[xref_at:].startswith(b"xref\n0 6\n")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", data)]
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(f"{number} 0 obj".encode())
    length = int(re.search(rb"/Length (\d+)", data).group(1))
    stream = data.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length
    assert "Éducation".encode("cp1252") in stream
    assert b"\\(2020\\)" in stream


def test_demo_builds_the_editorial_content(demo_site, client):
    first = demo_site.output
    assert "30 actualités, 10 appels, 10 offres, 20 ressources, 6 groupes" in first
    assert NewsPage.objects.live().count() == 30
    statuses = {call.status for call in CallForProjectsPage.objects.live()}
    assert statuses == set(CallForProjectsPage.Status.values)
    assert CallForProjectsPage.objects.count() == 10
    offers = list(OpportunityPage.objects.live())
    assert len(offers) == 10
    assert sum(offer.is_expired for offer in offers) == 1
    assert {offer.kind for offer in offers} == set(OpportunityPage.Kind.values)
    resources = ResourcePage.objects.live()
    assert resources.count() == 20
    assert all(resource.documents.count() == 1 for resource in resources)
    assert Document.objects.filter(file__endswith=".pdf").count() == 20
    assert resources.filter(kind=ResourcePage.Kind.ANNUAL_REPORT, year=2020).exists()
    groups = {group.title for group in GroupPage.objects.live()}
    assert len(groups) == len(editorial().groups)
    assert "Groupe pays Madagascar" in groups and "Groupe Eau et assainissement" in groups
    madagascar = GroupPage.objects.get(title="Groupe pays Madagascar")
    assert [c.code for c in madagascar.countries.all()] == ["MG"]
    assert madagascar.co_leads.count() == 1

    for url in ("/actualites/", "/appels-a-projets/", "/offres/", "/ressources/", "/groupes/"):
        assert client.get(url).status_code == HTTPStatus.OK
        assert client.get(url + "rss/").status_code == HTTPStatus.OK
    group_html = client.get(madagascar.url).content.decode()
    assert "Madagascar : la reprise de la décentralisation" in group_html


def test_demo_lets_editors_manage_promotions_and_read_popular_queries(demo_site, client):
    assert "droits des éditeurs" in demo_site.output
    Query.get("eau potable").add_hit()
    editor = get_user_model().objects.get(username="editeur")
    client.force_login(editor)
    assert client.get("/admin/searchpicks/").status_code == HTTPStatus.OK
    assert client.get("/admin/searchpicks/add/").status_code == HTTPStatus.OK
    report = client.get("/admin/rapports/recherches-frequentes/")
    assert report.status_code == HTTPStatus.OK
    assert "eau potable" in report.content.decode()
    assert "/admin/rapports/recherches-frequentes/" in client.get("/admin/").content.decode()
