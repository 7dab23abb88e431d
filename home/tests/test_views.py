"""What a visitor sees: rendering, settings and menus, cache, technical endpoints."""

import re
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.views.defaults import server_error
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from home.models import NavigationSettings, Partner, SiteIdentitySettings
from home.tests.factories import CustomImageFactory, StandardPageFactory, make_site_with_home
from home.tests.visible_text import texts_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return make_site_with_home()


def _configure_site(home, *, links: int, partners: int, prefix: str = "Rubrique") -> None:
    site = home.get_site()
    identity = SiteIdentitySettings.for_site(site)
    identity.organisation_name = "SO Coopération"
    identity.address = "12 rue de la Coopération\n33000 Bordeaux"
    identity.phone = "05 56 00 00 00"
    identity.email = "contact@so-cooperation.example"
    identity.social_links = [
        ("link", {"network": "linkedin", "url": "https://linkedin.example/so"})
    ]
    identity.save()
    for n in range(partners):
        Partner.objects.create(
            settings=identity,
            name=f"Partenaire {n}",
            url=f"https://partenaire{n}.example",
            logo=CustomImageFactory(alt_text=f"Logo du partenaire {n}"),
        )
    pages = [StandardPageFactory(parent=home, title=f"{prefix} {n}") for n in range(links)]
    navigation = NavigationSettings.for_site(site)
    navigation.header_links = [("link", {"page": page, "url": "", "label": ""}) for page in pages]
    navigation.footer_links = [
        (
            "link",
            {"page": None, "url": "https://example.org/accessibilite", "label": "Accessibilité"},
        )
    ]
    navigation.save()


def test_page_with_every_block_renders(client, home):
    image = CustomImageFactory(alt_text="Des participants en atelier", credit="Réseau")
    document = Document.objects.create(title="Rapport d'activité 2020", file=image.file)
    # A stored embed: the test never asks the video site.
    Embed.objects.create(
        hash=get_embed_hash("https://video.example/watch/1"),
        url="https://video.example/watch/1",
        max_width=None,
        type="video",
        html='<iframe title="Présentation du réseau" src="https://video.example/embed/1"></iframe>',
        provider_name="Video",
    )
    page = StandardPageFactory(
        parent=home,
        title="Le réseau",
        body=[
            ("heading", {"text": "Nos missions", "level": "h2"}),
            ("paragraph", "<p>Informer et <b>accompagner</b>.</p>"),
            ("image", {"image": image, "caption": "Un atelier", "credit": ""}),
            ("quote", {"quote": "Faire réseau", "attribution": "Une adhérente"}),
            (
                "call_to_action",
                {
                    "title": "Nous rejoindre",
                    "text": "",
                    "link": {"page": home, "url": "", "label": "Adhérer"},
                },
            ),
            ("embed", "https://video.example/watch/1"),
            ("documents", {"title": "À télécharger", "documents": [document]}),
            (
                "accordion",
                {"title": "FAQ", "items": [{"question": "Qui ?", "answer": "<p>Tous.</p>"}]},
            ),
            (
                "key_figures",
                {
                    "title": "Chiffres",
                    "figures": [{"value": "176", "label": "acteurs", "detail": ""}],
                },
            ),
        ],
    )
    response = client.get(page.url)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for expected in (
        '<h2 class="block-heading">Nos missions</h2>',
        "<b>accompagner</b>",
        'alt="Des participants en atelier"',
        "Faire réseau",
        'href="/">Adhérer</a>',
        'title="Présentation du réseau"',
        "Rapport d&#x27;activité 2020",
        "<summary>Qui ?</summary>",
        '<span class="key-figure__value">176</span>',
    ):
        assert expected in html
    assert html.count("<h1") == 1


def test_layout_landmarks_and_skip_link(client, home):
    html = client.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in html
    assert '<main id="contenu"' in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    assert 'role="search"' in html
    assert html.count("<h1") == 1


def test_settings_and_menus_appear_in_header_and_footer(client, home):
    _configure_site(home, links=3, partners=2)
    html = client.get("/").content.decode()
    assert 'aria-label="Menu principal"' in html
    links = texts_of(html, "a")
    for n in range(3):
        assert f"Rubrique {n}" in links
    assert "12 rue de la Coopération<br>33000 Bordeaux" in html
    assert 'href="mailto:contact@so-cooperation.example"' in html
    assert 'alt="Partenaire 1"' in html
    assert "Accessibilité" in links


def test_saving_a_setting_refreshes_the_cached_footer(client, home):
    _configure_site(home, links=1, partners=0)
    assert "05 56 00 00 00" in client.get("/").content.decode()
    identity = SiteIdentitySettings.for_site(home.get_site())
    identity.phone = "05 49 11 22 33"
    identity.save()
    html = client.get("/").content.decode()
    assert "05 49 11 22 33" in html
    assert "05 56 00 00 00" not in html


def test_current_section_is_marked_in_the_menu(client, home):
    _configure_site(home, links=2, partners=0)
    page = home.get_children().first().specific
    html = client.get(page.url).content.decode()
    assert f'<a href="{page.url}" aria-current="page">' in html


def test_breadcrumbs_list_the_ancestors(client, home):
    section = StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")
    child = StandardPageFactory(parent=section, title="Gouvernance", slug="gouvernance")
    html = client.get(child.url).content.decode()
    assert 'aria-label="Fil d\'Ariane"' in html
    assert '<li><a href="/">Accueil</a></li>' in html
    assert '<li><a href="/le-reseau/">Le réseau</a></li>' in html
    assert '<span aria-current="page">Gouvernance</span>' in html
    # The section lists its child page as a card.
    assert "Gouvernance" in client.get(section.url).content.decode()


def _home_queries(client, *, cold: bool) -> int:
    """Queries of a rendered home page (the page cache bypassed by a session cookie), with the
    template fragment caches cleared (`cold`) or filled by a previous visit."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/", HTTP_COOKIE="sessionid=none")
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", HTTP_COOKIE="sessionid=none")
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def test_home_page_queries_do_not_grow_with_menu_and_partners(client, home):
    _configure_site(home, links=2, partners=2)
    small = (_home_queries(client, cold=True), _home_queries(client, cold=False))
    _configure_site(home, links=12, partners=12, prefix="Section")
    large = (_home_queries(client, cold=True), _home_queries(client, cold=False))
    assert large == small
    # The steady state a visitor meets when the page cache misses: at most 12.
    assert large[1] <= 12


def test_standard_page_query_count(client, home, django_assert_max_num_queries):
    _configure_site(home, links=8, partners=6)
    page = StandardPageFactory(parent=home, title="Le réseau")
    for n in range(10):
        StandardPageFactory(parent=page, title=f"Sous-page {n}")
    client.get(page.url)
    with django_assert_max_num_queries(12):
        assert client.get(page.url, HTTP_COOKIE="sessionid=none").status_code == HTTPStatus.OK


def test_french_404(client, home):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assertContains(response, "<h1>Page introuvable</h1>", html=True, status_code=404)
    # A way back: the site search, labelled, and the main entry points.
    assertContains(
        response,
        '<label for="error-search-q" class="visually-hidden">Rechercher sur le site</label>',
        html=True,
        status_code=404,
    )
    assertContains(
        response,
        '<ul class="error-page__links"><li><a href="/">L\'accueil</a></li>'
        '<li><a href="/annuaire/">L\'annuaire des acteurs</a></li>'
        '<li><a href="/agenda/">L\'agenda</a></li>'
        '<li><a href="/plan-du-site/">Le plan du site</a></li></ul>',
        html=True,
        status_code=404,
    )


def test_french_500_renders_without_the_database():
    request = RequestFactory().get("/")
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = server_error(request)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assertContains(response, "<h1>Une erreur est survenue</h1>", html=True, status_code=500)
    # Designed like the site: its stylesheet, the network's mark, a way back home.
    assertContains(
        response,
        '<img class="brand__mark" src="/static/img/logo-mark.svg" alt="" width="48" height="48">',
        html=True,
        status_code=500,
    )
    assertContains(
        response,
        '<a class="button" href="/">Retourner à l\'accueil</a>',
        html=True,
        status_code=500,
    )


def test_robots_txt(client, home):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_favicon_ico_leads_to_the_site_icon_instead_of_a_404(client):
    """Browsers ask for /favicon.ico on documents that name no icon (a feed, an .ics file)."""
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"].endswith(".svg")
    assert "/img/favicon" in response["Location"]


def test_sitemap_lists_live_pages_only(client, home):
    live = StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")
    draft = StandardPageFactory(parent=home, title="Brouillon", slug="brouillon", live=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    assert "/le-reseau/" in body
    assert draft.slug not in body
    assert live.title not in body  # URLs only, no titles


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_database_that_does_not_answer(client, db):
    with mock.patch("home.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["database"] == "unavailable"


def test_readyz_refuses_traffic_when_the_database_does_not_answer(client, db):
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    with mock.patch("home.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "unavailable", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=-1", "page=99999", "utm_source=x&foo[]=1", "q=%00", "page=1e9999"],
)
def test_bad_query_strings_never_break_pages(client, home, query):
    section = StandardPageFactory(parent=home, title="Le réseau")
    for url in ("/", section.url, "/recherche/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST), (url, query)


def test_security_headers(client, home):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_anonymous_visitors_get_no_cookie_on_public_pages(client, home):
    page = StandardPageFactory(parent=home)
    for url in ("/", page.url, "/recherche/?q=reseau"):
        response = client.get(url)
        assert not response.cookies, (url, response.cookies)


def test_cached_breadcrumbs_and_section_cards_follow_publications(client, home):
    section = StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")
    child = StandardPageFactory(parent=section, title="Gouvernance", slug="gouvernance")
    assert "Gouvernance" in client.get(section.url).content.decode()
    assert "Le réseau" in texts_of(client.get(child.url).content.decode(), "a")
    section.title = "Notre réseau"
    section.save_revision().publish()
    child.title = "Instances"
    child.save_revision().publish()
    assert "Notre réseau" in texts_of(client.get(child.url).content.decode(), "a")
    section_html = client.get(section.url).content.decode()
    assert "Instances" in section_html
    assert "Gouvernance" not in section_html


def test_site_map_is_an_html_page_of_the_live_public_sections(client, home):
    section = StandardPageFactory(parent=home, title="Le réseau")
    StandardPageFactory(parent=section, title="Notre mission")
    draft = StandardPageFactory(parent=home, title="Brouillon caché")
    draft.unpublish()
    response = client.get("/plan-du-site/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert texts_of(html, "h1") == ["Plan du site"]
    # Nested: the subpage's list sits inside its section's item.
    nested = re.search(r'<a href="/le-reseau/">Le réseau</a>\s*<ul>(.*?)</ul>', html, re.DOTALL)
    assert nested and '<a href="/le-reseau/notre-mission/">Notre mission</a>' in nested.group(1)
    assert "Brouillon caché" not in html
    assert 'href="/annuaire/referencement/"' in html


def test_site_map_lists_a_big_section_without_its_items(client, home):
    news = StandardPageFactory(parent=home, title="Actualités")
    for n in range(12):
        StandardPageFactory(parent=news, title=f"Actualité numéro {n}")
    html = client.get("/plan-du-site/").content.decode()
    assert "Actualités" in texts_of(html, "a")
    assert "Actualité numéro" not in html


def test_a_section_with_sub_pages_in_menus_gets_a_second_level(client, home):
    section = StandardPageFactory(parent=home, title="Le réseau", slug="le-reseau")
    StandardPageFactory(parent=section, title="Gouvernance", slug="gouvernance", show_in_menus=True)
    StandardPageFactory(parent=section, title="L'équipe", slug="equipe", show_in_menus=True)
    StandardPageFactory(parent=section, title="Page cachée", slug="cachee", show_in_menus=False)
    StandardPageFactory(parent=home, title="Agenda", slug="agenda")
    navigation = NavigationSettings.for_site(home.get_site())
    navigation.header_links = [
        ("link", {"page": page, "url": "", "label": ""})
        for page in home.get_children().order_by("path")
    ]
    navigation.save()

    response = client.get("/le-reseau/gouvernance/")
    assertContains(
        response,
        '<ul class="site-nav__sub" id="sous-menu-1">'
        '<li><a href="/le-reseau/gouvernance/" aria-current="page">Gouvernance</a></li>'
        '<li><a href="/le-reseau/equipe/">L\'équipe</a></li></ul>',
        html=True,
    )
    assertContains(
        response,
        '<button type="button" class="site-nav__toggle" aria-expanded="false" '
        'aria-controls="sous-menu-1" hidden><span class="visually-hidden">'
        "Sous-rubriques : Le réseau</span>"
        '<svg aria-hidden="true" focusable="false" width="14" height="14" viewBox="0 0 14 14">'
        '<path d="m3 5 4 4 4-4" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round"/></svg></button>',
        html=True,
    )
    # The section without sub-pages in menus stays a plain link, and the hidden page is absent.
    assertContains(
        response, '<li class="site-nav__item"><a href="/agenda/">Agenda</a></li>', html=True
    )
    assertNotContains(response, "Page cachée")
    assert response.content.decode().count('class="site-nav__toggle"') == 1


def test_menu_second_level_queries_do_not_grow_with_sections(client, home):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from home.templatetags.site_tags import menu_entries

    sections = [StandardPageFactory(parent=home, title=f"Rubrique {n}") for n in range(4)]
    for section in sections:
        for n in range(3):
            StandardPageFactory(parent=section, title=f"Sous {n}", show_in_menus=True)
    navigation = NavigationSettings.for_site(home.get_site())
    navigation.header_links = [("link", {"page": s, "url": "", "label": ""}) for s in sections]
    navigation.save()
    links = NavigationSettings.for_site(home.get_site()).header_links
    links[0].value.get("page")  # pages of the stream are fetched once, before counting
    with CaptureQueriesContext(connection) as queries:
        entries = menu_entries(links)
    # The pages' view restrictions, then every section's sub-pages at once.
    assert len(queries) <= 2, [q["sql"][:150] for q in queries]
    assert [len(children) for _link, children in entries] == [3, 3, 3, 3]


def _pictures(html: str) -> list[dict]:
    """Each <picture> of a page: its sources' types and its <img>'s attributes."""
    from html.parser import HTMLParser

    class Collector(HTMLParser):
        def __init__(self):
            super().__init__()
            self.pictures: list[dict] = []
            self.inside = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "picture":
                self.inside = True
                self.pictures.append({"sources": [], "img": None})
            elif tag == "source" and self.inside:
                self.pictures[-1]["sources"].append(attrs)
            elif tag == "img" and self.inside:
                self.pictures[-1]["img"] = attrs

        def handle_endtag(self, tag):
            if tag == "picture":
                self.inside = False

    collector = Collector()
    collector.feed(html)
    return collector.pictures


def test_hero_and_cards_are_pictures_in_avif_and_webp_with_a_sized_jpeg(client, home):
    home.hero_image = CustomImageFactory(
        alt_text="Des participants en atelier", file__width=1600, file__height=600
    )
    home.save_revision().publish()
    section = StandardPageFactory(parent=home, title="Le réseau")
    StandardPageFactory(
        parent=section,
        title="Gouvernance",
        listing_image=CustomImageFactory(alt_text="Le bureau", file__width=960, file__height=540),
    )

    hero = _pictures(client.get("/").content.decode())[0]
    assert [source["type"] for source in hero["sources"]] == ["image/avif", "image/webp"]
    assert hero["img"]["class"] == "hero__image"
    assert hero["img"]["fetchpriority"] == "high"
    assert hero["img"]["src"].endswith(".jpg")
    # The fallback is the narrower JPEG; its size gives the browser the ratio (no layout shift).
    assert (hero["img"]["width"], hero["img"]["height"]) == ("800", "300")
    assert hero["img"]["alt"] == "Des participants en atelier"

    [card] = _pictures(client.get(section.url).content.decode())
    assert [source["type"] for source in card["sources"]] == ["image/avif", "image/webp"]
    assert " 480w" in card["sources"][0]["srcset"] and " 960w" in card["sources"][0]["srcset"]
    assert card["img"]["loading"] == "lazy"
    assert (card["img"]["width"], card["img"]["height"]) == ("480", "270")
    assert card["img"]["alt"] == "Le bureau"


def test_home_page_shows_the_sections_other_apps_add_in_their_order(client, home):
    from wagtail.hooks import register_temporarily

    from home.sections import HOME_PAGE_SECTIONS_HOOK, Section

    def later(*, request):
        return Section('<section id="plus-tard"><h2>Plus tard</h2></section>', order=30)

    def first(*, request):
        return Section('<section id="d-abord"><h2>D\'abord</h2></section>', order=10)

    def nothing(*, request):
        return None

    with (
        register_temporarily(HOME_PAGE_SECTIONS_HOOK, later),
        register_temporarily(HOME_PAGE_SECTIONS_HOOK, nothing),
        register_temporarily(HOME_PAGE_SECTIONS_HOOK, first),
    ):
        html = client.get("/").content.decode()
    assert 0 < html.index('id="d-abord"') < html.index('id="plus-tard"')


def test_home_and_directory_templates_load_no_higher_app_template_library():
    """The agenda and the editorial content reach the home and actor pages through hooks
    (`home_page_sections`, `actor_page_sections`), never through their template tags."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for app in ("home", "directory", "working_groups")
        for path in (root / app / "templates").rglob("*.html")
        if re.search(r"{%\s*load[^%]*\b(events_tags|resources_tags)\b", path.read_text())
    ]
    assert offenders == []


def test_open_graph_image_is_the_pages_own_else_the_sites_default(client, home):
    with_image = StandardPageFactory(
        parent=home,
        title="Gouvernance",
        listing_image=CustomImageFactory(alt_text="Le bureau réuni"),
    )
    without_image = StandardPageFactory(parent=home, title="Mentions légales")

    response = client.get(with_image.url)
    html = response.content.decode()
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/images/[^"]+'
        r'\.fill-1200x630[^"]*">',
        html,
    )
    assertContains(response, '<meta property="og:image:alt" content="Le bureau réuni">', html=True)
    assert "og-default" not in html

    response = client.get(without_image.url)
    assertContains(
        response,
        '<meta property="og:image" content="http://testserver/static/img/og-default.png">',
        html=True,
    )
    assertContains(response, '<meta name="twitter:card" content="summary_large_image">', html=True)
