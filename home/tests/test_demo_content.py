"""`manage.py load_demo_content`: the tree, the pages served, the accounts, a second run.

Most tests read the full demo built once per session (`demo_site`, tests/demo_site.py) and
check what home's steps put in it; the runs they make themselves run home's steps only."""

from __future__ import annotations

import datetime
import io
import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from wagtail.fields import StreamField
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
    Site,
)

from home import demo_content
from home.demo_content import DemoRun, PageSpec, register_step, sync_pages
from home.models import (
    CustomImage,
    HomePage,
    NavigationSettings,
    Partner,
    SiteIdentitySettings,
    StandardPage,
)

User = get_user_model()

NETWORK_CHILDREN = [
    "notre-mission",
    "gouvernance",
    "les-colleges",
    "equipe",
    "nos-partenaires",
    "temps-forts-2020",
]
TOP_PAGES = ["le-reseau", "accessibilite", "mentions-legales", "donnees-personnelles"]
SUMMARY = re.compile(r"^Contenu de démonstration : .+\.$", re.MULTILINE)


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def home_steps_only(monkeypatch) -> None:
    """The runs these tests make are of home's own steps; every app tests its steps, and
    tests/test_demo_content_all.py runs them all together. The installed apps' steps are
    imported first, then left out. The session's demo was built before, with every step."""
    autodiscover_modules("demo_content")
    home_steps = [s for s in demo_content.STEPS if s.run.__module__ == "home.demo_content"]
    monkeypatch.setattr(demo_content, "STEPS", home_steps)


@pytest.fixture
def demo_password(monkeypatch) -> str:
    password = "un-mot-de-passe-de-demo-2020"
    monkeypatch.setenv("DEMO_PASSWORD", password)
    return password


@pytest.fixture
def no_demo_password(monkeypatch) -> None:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


@pytest.fixture
def demo(demo_site, demo_password) -> str:
    """The first run's output. The demo is built once per session (tests/demo_site.py);
    what a test changes is rolled back after it."""
    return demo_site.output


def home_page() -> HomePage:
    return HomePage.objects.get()


def home_tree_pages() -> list[Page]:
    """The pages of home's steps (home/demo/pages.yaml), found by their place in the tree:
    the demo's other pages are each app's own and tested by it."""
    paths = []

    def walk(spec, parent_path: str) -> None:
        path = f"{parent_path}{spec.slug}/"
        paths.append(path)
        for child in spec.children:
            walk(child, path)

    walk(demo_content.page_tree(), "/")
    pages = list(Page.objects.filter(url_path__in=paths).specific().order_by("path"))
    assert len(pages) == len(paths) >= 11
    return pages


def footer_links(html: str) -> dict[str, str]:
    footer = re.search(r"<footer.*?</footer>", html, re.DOTALL)
    assert footer, "the page has no footer"
    return {
        text.strip(): href
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>([^<]+)</a>', footer.group())
    }


@pytest.mark.django_db
def test_builds_the_page_tree(demo):
    home = home_page()
    assert home.depth == 2
    assert home.live
    top = {page.slug: page for page in home.get_children().specific()}
    assert set(TOP_PAGES) <= set(top)
    assert all(isinstance(top[slug], StandardPage) for slug in TOP_PAGES)
    network = top["le-reseau"]
    children = [page.slug for page in network.get_children().specific().order_by("path")]
    assert children[: len(NETWORK_CHILDREN)] == NETWORK_CHILDREN
    assert all(isinstance(page, StandardPage) for page in network.get_children().specific())
    assert all(page.live and not page.has_unpublished_changes for page in home_tree_pages())
    # Wagtail's "Welcome" page is gone, so the tree has a single page at depth 2.
    assert Page.objects.filter(depth=2).count() == 1


@pytest.mark.django_db
def test_default_site_serves_the_home_page(demo):
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == home_page()
    assert site.site_name == "SO Coopération"


@pytest.mark.django_db
def test_every_page_answers(demo, client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<h1>Agir ensemble" in html
    assert "176" in html and "5 700" in html
    for page in home_tree_pages()[1:]:  # the home page's own answer is read above
        response = client.get(page.url)
        assert response.status_code == HTTPStatus.OK, page.url
        assert f"<h1>{page.title}</h1>".replace("'", "&#x27;") in response.content.decode()


@pytest.mark.django_db
def test_footer_links_to_accessibility_and_personal_data(demo, client):
    links = footer_links(client.get("/").content.decode())
    for text, slug in [
        ("Accessibilité : partiellement conforme", "accessibilite"),
        ("Données personnelles", "donnees-personnelles"),
    ]:
        assert links[text] == f"/{slug}/"
        assert client.get(links[text]).status_code == HTTPStatus.OK
    assert links["Mentions légales"] == "/mentions-legales/"
    assert links["Plan du site"] == "/plan-du-site/"
    assert client.get(links["Plan du site"]).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_header_lists_the_network_but_not_the_legal_pages(demo, client):
    html = client.get("/").content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.DOTALL).group()
    assert 'href="/le-reseau/"' in nav
    assert "/accessibilite/" not in nav


@pytest.mark.django_db
def test_accessibility_statement_has_the_rgaa_sections(demo, client):
    html = client.get("/accessibilite/").content.decode()
    for section in [
        "État de conformité",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Retour d&#x27;information et contact",
        "Voies de recours",
    ]:
        assert section in html
    assert "partiellement conforme" in html


@pytest.mark.django_db
def test_streams_are_valid_for_editors(demo):
    """Every stream passes the blocks' own validation, so an editor can save the page as is."""
    streams = 0
    for page in home_tree_pages():
        page.full_clean()
        for model_field in page._meta.get_fields():
            if isinstance(model_field, StreamField):
                value = getattr(page, model_field.name)
                model_field.stream_block.clean(value)
                streams += 1
    assert streams >= 10  # the demo's streams were checked (13 today), not none


@pytest.mark.django_db
def test_images_and_site_settings(demo):
    collection = Collection.objects.get(name="Réseau")
    assert collection.get_parent() == Collection.get_first_root_node()
    images = CustomImage.objects.all()
    # The hero, the 2020 timeline, three partner logos and five theme illustrations.
    assert images.count() == 10
    assert all(image.width >= 600 and image.file_size > 3000 for image in images)
    assert all(image.collection == collection for image in images)
    assert all(image.alt_text and image.credit for image in images)
    assert home_page().hero_image is not None

    site = Site.objects.get(is_default_site=True)
    identity = SiteIdentitySettings.for_site(site)
    assert identity.organisation_name == "SO Coopération"
    assert identity.email == "contact@so-cooperation.example"
    assert "Bordeaux" in identity.address
    partners = list(identity.partners.all())
    assert [partner.name for partner in partners] == [
        "Région Nouvelle-Aquitaine",
        "Agence française de développement",
        "Ministère de l'Europe et des Affaires étrangères",
    ]
    assert all(partner.logo is not None for partner in partners)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in [
            Page,
            Revision,
            CustomImage,
            Collection,
            User,
            Group,
            GroupPagePermission,
            GroupCollectionPermission,
            Partner,
        ]
    }


@pytest.mark.django_db
def test_second_run_changes_nothing(demo, demo_password):
    before = counts()
    site = Site.objects.get(is_default_site=True)
    identity_stamp = SiteIdentitySettings.for_site(site).last_updated_at
    navigation_stamp = NavigationSettings.for_site(site).last_updated_at
    password_hash = User.objects.get(username="editeur").password

    output = load_demo()

    assert counts() == before
    assert SiteIdentitySettings.for_site(site).last_updated_at == identity_stamp
    assert NavigationSettings.for_site(site).last_updated_at == navigation_stamp
    assert User.objects.get(username="editeur").password == password_hash
    assert "0 page créée, 0 mise à jour" in output
    assert "rien à changer" in output


@pytest.mark.django_db
def test_second_run_restores_a_changed_page(demo):
    page = StandardPage.objects.get(slug="gouvernance")
    page.introduction = "Texte modifié."
    page.save_revision().publish()

    output = load_demo()

    page.refresh_from_db()
    assert page.introduction != "Texte modifié."
    assert "0 page créée, 1 mise à jour" in output


@pytest.mark.django_db
def test_editor_account_and_group(demo):
    editor = User.objects.get(username="editeur")
    assert editor.is_staff
    assert not editor.is_superuser
    assert editor.groups.filter(name="Éditeurs").exists()
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.has_perm("home.change_navigationsettings")
    assert editor.has_perm("wagtailredirects.add_redirect")
    home = home_page()
    assert home.permissions_for_user(editor).can_publish()
    child = StandardPage.objects.get(slug="gouvernance")
    assert child.permissions_for_user(editor).can_publish()
    assert child.permissions_for_user(editor).can_unlock()
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_summary_line(demo):
    match = SUMMARY.search(demo)
    assert match, demo
    assert int(re.search(r"(\d+) pages créées", demo).group(1)) >= 11
    assert "10 images créées" in demo
    assert "2 utilisateurs créés" in demo
    assert "http://127.0.0.1:8000/admin/" in demo


@pytest.mark.django_db
def test_demo_password_is_used_and_not_printed(demo, demo_password):
    for username in ("admin", "editeur"):
        assert User.objects.get(username=username).check_password(demo_password)
    assert demo_password not in demo
    assert "DEMO_PASSWORD" in demo


@pytest.mark.django_db
def test_generated_password_is_printed_then_kept(no_demo_password):
    output = load_demo()
    generated = re.search(r"mot de passe généré pour admin, editeur : (\S+)", output).group(1)
    assert len(generated) >= 16
    assert User.objects.get(username="editeur").check_password(generated)

    output = load_demo()

    assert "mot de passe généré" not in output
    assert "mots de passe inchangés" in output
    assert User.objects.get(username="editeur").check_password(generated)


@pytest.mark.django_db
def test_demo_password_replaces_an_existing_password(no_demo_password, monkeypatch):
    load_demo()
    monkeypatch.setenv("DEMO_PASSWORD", "un-autre-mot-de-passe-solide")

    output = load_demo()

    assert User.objects.get(username="admin").check_password("un-autre-mot-de-passe-solide")
    assert "2 utilisateurs créés" not in output
    assert "0 utilisateur créé, 2 mis à jour" in output


@pytest.mark.django_db
def test_a_later_app_adds_its_own_step(demo_password, monkeypatch, client):
    # Home's steps only (the `home_steps_only` fixture), plus this one, in an empty database.
    @register_step(order=50, label="Agenda d'essai")
    def agenda_step(run: DemoRun) -> str:
        agenda = PageSpec(StandardPage, "agenda", "Agenda", static={"show_in_menus": True})
        sync_pages(run, parent=run.pages["accueil"], specs=[agenda])
        return "prêt"

    output = load_demo()

    assert "[3/6] Agenda d'essai… prêt" in output
    assert "12 pages créées" in output
    # The navigation step runs after it, so the new section is in the header.
    nav = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    assert [link.value.href for link in nav.header_links] == ["/le-reseau/", "/agenda/"]
    assert client.get("/agenda/").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_demo_site_carries_the_address_make_demo_serves(demo, client, monkeypatch):
    site = Site.objects.get(is_default_site=True)
    # Wagtail's first migration creates « localhost:80 », which nothing answers in the demo.
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    html = client.get("/", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1:8000/">' in html

    # `make demo PORT=8123` passes its address to the command.
    monkeypatch.setenv("DEMO_HOST", "demo.localhost")
    monkeypatch.setenv("DEMO_PORT", "8123")
    load_demo()
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("demo.localhost", 8123)
    # A port that is not one is ignored rather than stored.
    monkeypatch.setenv("DEMO_PORT", "huit-mille")
    load_demo()
    site.refresh_from_db()
    assert site.port == 8000


@pytest.mark.django_db
def test_home_promotes_the_directory_and_its_form_not_last_years_highlights(demo, client):
    html = client.get("/").content.decode()
    hero = re.search(r'<section class="hero.*?</section>', html, re.DOTALL).group()
    assert "2020" not in hero
    assert 'href="/annuaire/"' in hero
    assert html.count('href="/annuaire/referencement/"') >= 2  # header and home section
    # The key figure says which count it is, beside the directory's own count.
    assert "ceux qui ont demandé leur référencement" in html


@pytest.mark.django_db
def test_faq_sentence_naming_the_form_links_to_it(demo, client):
    faq_pages = [
        page
        for page in home_tree_pages()
        if "Comment faire connaître ma structure" in client.get(page.url).content.decode()
    ]
    assert faq_pages
    for page in faq_pages:
        html = client.get(page.url).content.decode()
        assert '<a href="/annuaire/referencement/">formulaire de référencement</a>' in html


@pytest.mark.django_db
def test_home_has_a_description_and_every_page_a_social_image(demo, client):
    html = client.get("/").content.decode()
    assert re.search(r'<meta name="description" content="Le réseau régional [^"]+">', html)
    # A page without an image of its own shares the network's default card.
    page = StandardPage.objects.live().filter(listing_image=None, social_image=None).first()
    html = client.get(page.url).content.decode()
    assert re.search(r'<meta property="og:image" content="http[^"]*/og-default[^"]*\.png">', html)


@pytest.mark.django_db
def test_a_malformed_reference_date_stops_before_anything_is_built():
    with pytest.raises(
        CommandError, match=r"date invalide « 03/12/2026 » \(attendu : AAAA-MM-JJ\)"
    ):
        call_command("load_demo_content", "--date", "03/12/2026", stdout=io.StringIO())

    assert not Page.objects.filter(depth__gt=1).exclude(slug="home").exists()


def test_the_steps_count_from_the_reference_date_given():
    day = datetime.date(2030, 2, 14)

    with demo_content.counting_from(day):
        assert demo_content.reference_day() == day
    assert demo_content.reference_day() == timezone.localdate()
