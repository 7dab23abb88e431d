import datetime
import re
from http import HTTPStatus

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.tests.factories import countries, sdgs, themes
from home.tests.factories import CustomImageFactory
from home.tests.visible_text import texts_of
from resources.models import NewsPage, OpportunityPage, ResourcePage

from .factories import (
    CallForProjectsPageFactory,
    GroupPageFactory,
    NewsPageFactory,
    OpportunityPageFactory,
    ResourcePageFactory,
    today,
)

pytestmark = pytest.mark.django_db

LISTINGS = {
    "news": ("news_index", NewsPageFactory, "/actualites/"),
    "calls": ("call_index", CallForProjectsPageFactory, "/appels-a-projets/"),
    "offers": ("offer_index", OpportunityPageFactory, "/offres/"),
    "resources": ("resource_index", ResourcePageFactory, "/ressources/"),
    "groups": ("group_index", GroupPageFactory, "/groupes/"),
}


def _make(request, listing: str, count: int, **kwargs):
    fixture, factory, url = LISTINGS[listing]
    index = request.getfixturevalue(fixture)
    image = CustomImageFactory()
    water = themes("eau-assainissement-hygiene")
    pages = []
    for n in range(count):
        page = factory(parent=index, listing_image=image if n % 2 else None, **kwargs)
        page.themes.set(water)
        page.sdgs.set(sdgs(6))
        page.countries.set(countries("BF"))
        page.save()
        pages.append(page)
    return index, pages, url


def _query_count(client, url: str) -> int:
    """Queries of one uncached, filtered request, once the taxonomy caches are warm (as on a
    running site)."""
    cache.clear()
    # Twice: the first request of a test also creates the site settings rows, which bumps the
    # content generation and so the cached breadcrumbs' key.
    client.get(url, {"odd": "6", "page": "1"})
    client.get(url, {"odd": "6", "page": "2"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"odd": "6"})
    assert response.status_code == HTTPStatus.OK
    return len(queries)


@pytest.mark.parametrize("listing", list(LISTINGS))
@pytest.mark.parametrize("suffix", ["", "rss/"])
def test_listing_and_feed_queries_do_not_grow_with_pages(
    request, client, fast_pages, listing, suffix
):
    # A few pages, then more than two pages of the listing (12 a page) and a full feed (20
    # items): a query made for each card or item shown would show as a difference.
    index, pages, url = _make(request, listing, 4)
    at_few = _query_count(client, url + suffix)
    factory = LISTINGS[listing][1]
    model = pages[0].__class__
    image = pages[1].listing_image
    more = [factory(parent=index, listing_image=image) for _n in range(26)]
    owner = f"{model._meta.model_name}_id"
    model.sdgs.through.objects.bulk_create(
        model.sdgs.through(**{owner: page.pk}, sustainabledevelopmentgoal=sdgs(6)[0])
        for page in more
    )
    model.themes.through.objects.bulk_create(
        model.themes.through(**{owner: page.pk}, theme=themes("eau-assainissement-hygiene")[0])
        for page in more
    )
    assert model.objects.filter(sdgs__number=6).count() == 30
    at_many = _query_count(client, url + suffix)
    assert at_many == at_few
    assert at_many <= 24


def test_news_listing_filters_with_counts_and_noindex(client, news_index):
    water = NewsPageFactory(parent=news_index, title="Accès à l'eau au Burkina Faso")
    water.themes.set(themes("eau-assainissement-hygiene"))
    water.countries.set(countries("BF"))
    water.save()
    NewsPageFactory(
        parent=news_index, title="Appel de la Région", category=NewsPage.Category.FUNDING
    )
    plain = client.get("/actualites/").content.decode()
    assert "2 résultats" in plain
    assert 'name="robots"' not in plain
    assert "Thématiques" in texts_of(plain, "legend")
    filtered = client.get("/actualites/", {"pays": "bf"}).content.decode()
    assert "1 résultat" in filtered
    assert "Accès à l&#x27;eau au Burkina Faso" in filtered
    assert "Appel de la Région" not in filtered
    assert '<meta name="robots" content="noindex">' in filtered
    # The category counts combine with the country filter.
    assert 'value="financements"' not in filtered
    assert 'Vie du réseau <span class="facet-count">(1' in filtered


def test_expired_offer_leaves_the_listing_and_says_so(client, offer_index):
    OpportunityPageFactory(parent=offer_index, title="Chargé de mission actuel")
    expired = OpportunityPageFactory(
        parent=offer_index,
        title="Stage terminé",
        kind=OpportunityPage.Kind.INTERNSHIP,
        deadline=today() - datetime.timedelta(days=2),
    )
    listing = client.get("/offres/").content.decode()
    assert "Chargé de mission actuel" in listing
    assert "Stage terminé" not in listing
    page = client.get(expired.url).content.decode()
    assert "Cette offre a expiré" in page
    assert "Comment candidater" not in page


def test_calls_listing_and_archive(client, call_index):
    CallForProjectsPageFactory(parent=call_index, title="Appel ouvert ODD")
    CallForProjectsPageFactory(
        parent=call_index,
        title="Appel clos 2019",
        opening_date=datetime.date(2019, 1, 1),
        closing_date=datetime.date(2019, 3, 1),
    )
    listing = client.get("/appels-a-projets/").content.decode()
    assert "Appel ouvert ODD" in listing and "Appel clos 2019" not in listing
    archive = client.get("/appels-a-projets/archives/").content.decode()
    assert "Appel clos 2019" in archive and "Appel ouvert ODD" not in archive
    assert len(texts_of(archive, "h1")) == 1


def test_resource_page_shows_document_size_and_format(client, resource_index):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document(title="Rapport d'activité 2020")
    document.file.save("rapport-2020.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 2048), save=False)
    document.file_size = 2057
    document.save()
    resource = ResourcePageFactory(
        parent=resource_index, title="Rapport d'activité 2020", kind=ResourcePage.Kind.REPORT
    )
    resource.documents.create(document=document)
    resource.save()
    html = client.get(resource.url).content.decode()
    assert 'Rapport d&#x27;activité 2020</a> <span class="meta">(PDF, 2,0\xa0Kio)' in html


@pytest.mark.parametrize("listing", list(LISTINGS))
def test_feeds_parse_as_rss_and_keep_filters(request, client, listing):
    index, pages, url = _make(request, listing, 3)
    other = LISTINGS[listing][1](parent=index, title="Sans thématique du tout")
    response = client.get(url + "rss/", {"theme": "eau-assainissement-hygiene"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    titles = {entry.title for entry in feed.entries}
    assert titles == {page.title for page in pages}
    assert other.title not in titles
    assert all(entry.link.startswith("http://testserver/") for entry in feed.entries)
    assert "theme=eau-assainissement-hygiene" in feed.feed.link


def test_a_feed_follows_publications_though_it_keeps_its_entries(client, news_index):
    first = NewsPageFactory(parent=news_index, title="Assemblée générale du réseau")
    first.save_revision().publish()

    def titles() -> list[str]:
        response = client.get("/actualites/rss/")
        assert response.status_code == HTTPStatus.OK
        return [entry.title for entry in feedparser.parse(response.content).entries]

    assert titles() == ["Assemblée générale du réseau"]
    assert titles() == ["Assemblée générale du réseau"]  # the second from the kept entries

    later = NewsPageFactory(
        parent=news_index,
        title="Ouverture des inscriptions aux formations",
        date=first.date + datetime.timedelta(days=1),
    )
    later.save_revision().publish()
    assert titles() == ["Ouverture des inscriptions aux formations", "Assemblée générale du réseau"]

    first.unpublish()
    assert titles() == ["Ouverture des inscriptions aux formations"]


BAD_QUERIES = [
    {"page": "abc"},
    {"page": "-1"},
    {"page": "99999"},
    {"theme": "inconnue"},
    {"odd": "99"},
    {"odd": "abc"},
    {"pays": "ZZ"},
    {"type": "<script>alert(1)</script>"},
    {"annee": "20x0"},
    {"annee": "99999999999999999999"},
    {"theme": "' OR 1=1 --"},
    {"pays": "\x00"},
    {"theme": "eau\x1b[31m", "annee": "2020\x07"},
    {"q": "x" * 10_000},
]


@pytest.mark.parametrize("listing", list(LISTINGS))
@pytest.mark.parametrize("params", BAD_QUERIES, ids=lambda p: repr(p)[:40])
def test_bad_query_strings_never_fail(request, client, listing, params):
    _index, pages, url = _make(request, listing, 1)
    for suffix in ("", "rss/"):
        response = client.get(url + suffix, params)
        assert response.status_code == HTTPStatus.OK
        body = response.content.decode()
        assert "<script>alert(1)</script>" not in body
        # Unknown values are dropped: the page is still listed.
        assert pages[0].title.replace("'", "&#x27;") in body or pages[0].title in body


def test_group_page_gathers_related_content(client, group_index, news_index, resource_index):
    group = GroupPageFactory(parent=group_index, title="Groupe Eau et assainissement")
    group.themes.set(themes("eau-assainissement-hygiene"))
    group.co_leads.create(name="Claire Fictive", organisation="Association démo")
    group.save_revision().publish()
    related = NewsPageFactory(parent=news_index, title="Forage à Koudougou")
    related.themes.set(themes("eau-assainissement-hygiene"))
    related.save()
    NewsPageFactory(parent=news_index, title="Festival culturel")
    guide = ResourcePageFactory(parent=resource_index, title="Guide WASH")
    guide.themes.set(themes("eau-assainissement-hygiene"))
    guide.save()
    html = client.get(group.url).content.decode()
    assert "Forage à Koudougou" in html
    assert "Guide WASH" in html
    assert "Festival culturel" not in html
    assert "Claire Fictive" in html


def test_cached_cards_follow_publications_and_unpublications(client, news_index):
    client.cookies["sessionid"] = "not-a-session"  # the page cache steps aside
    first = NewsPageFactory(parent=news_index, title="Première brève")
    assert "Première brève" in client.get("/actualites/").content.decode()
    second = NewsPageFactory(parent=news_index, title="Seconde brève", live=False)
    second.save_revision().publish()  # as an editor publishes: the content generation moves
    html = client.get("/actualites/").content.decode()
    assert "Seconde brève" in html
    assert "2 résultats" in html
    first.unpublish()
    html = client.get("/actualites/").content.decode()
    assert "Première brève" not in html
    assert "1 résultat" in html


SHARE_LINKS = (
    '<ul class="share__list">'
    '<li><a class="share__link share__link--email" '
    'href="mailto:?subject={title}&amp;body={url}">Par courriel</a></li>'
    '<li><a class="share__link share__link--linkedin" rel="noopener noreferrer" '
    'href="https://www.linkedin.com/sharing/share-offsite/?url={url}">'
    "LinkedIn</a></li>"
    '<li><a class="share__link share__link--bluesky" rel="noopener noreferrer" '
    'href="https://bsky.app/intent/compose?text={title}%20{url}">'
    "Bluesky</a></li></ul>"
)


def test_news_and_calls_have_plain_share_links(client, news_index, call_index):
    from pytest_django.asserts import assertContains

    news = NewsPageFactory(parent=news_index, title="Assemblée & bilan")
    call = CallForProjectsPageFactory(parent=call_index, title="Appel jeunesse")
    for page, title in ((news, "Assembl%C3%A9e%20%26%20bilan"), (call, "Appel%20jeunesse")):
        response = client.get(page.url)
        assertContains(
            response,
            SHARE_LINKS.format(
                title=title, url="http%3A%2F%2Flocalhost" + page.url.replace("/", "%2F")
            ),
            html=True,
        )
        # Links only: no share script or frame loaded from the services.
        html = response.content.decode()
        assert "<iframe" not in html
        assert not re.search(r'<script[^>]+src="https?://', html)
