"""The popular queries report opens to those who manage promoted results, nobody else."""

import csv
import io
from http import HTTPStatus

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.contrib.search_promotions.models import Query

pytestmark = pytest.mark.django_db

REPORT = "/admin/rapports/recherches-frequentes/"


def _staff(username: str, *codenames: str):
    group = Group.objects.create(name=f"groupe {username}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(codename__in=codenames),
    )
    user = get_user_model().objects.create_user(username, password="x" * 16, is_staff=True)
    user.groups.add(group)
    return user


def test_promotion_managers_read_the_popular_queries(client):
    for _n in range(3):
        Query.get("eau potable").add_hit()
    Query.get("<b>volontariat</b>").add_hit()
    client.force_login(_staff("editrice", "change_searchpromotion"))
    response = client.get(REPORT)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "eau potable" in html
    assert "<b>volontariat</b>" not in html  # escaped
    assert html.index("eau potable") < html.index("volontariat")  # most searched first
    assert REPORT in client.get("/admin/").content.decode()  # the reports menu links to it


def test_other_admin_users_are_refused(client):
    client.force_login(_staff("redacteur"))
    response = client.get(REPORT)
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert REPORT not in client.get("/admin/").content.decode()


def test_popular_queries_export_neutralises_visitors_formulas(client):
    # Visitors type whatever they want in the search box: the report's export must not turn
    # it into formulas nor fail on control characters.
    for hostile in ('=HYPERLINK("http://pirate.example","x")', "+1+1", "@SUM(A1)", "eau\x1b"):
        Query.get(hostile).add_hit()
    client.force_login(_staff("editrice", "change_searchpromotion"))
    response = client.get(REPORT + "?export=csv")
    assert response.status_code == HTTPStatus.OK
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    terms = {row[0] for row in csv.reader(io.StringIO(body[1:]), delimiter=";")}
    # Stored lowercased by Wagtail.
    assert {"'+1+1", "'@sum(a1)", '\'=hyperlink("http://pirate.example","x")', "eau"} <= terms
    xlsx = client.get(REPORT + "?export=xlsx")
    assert xlsx.status_code == HTTPStatus.OK
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {"'+1+1", "'@sum(a1)", "eau"} <= cells
