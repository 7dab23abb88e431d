from http import HTTPStatus
from unittest import mock

from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import CustomImage, CustomRendition, HomePage, StandardPage
from home.tests.factories import CustomImageFactory, StandardPageFactory, make_site_with_home


class PageTypeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = make_site_with_home()

    def setUp(self):
        self.login()

    def test_home_page_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_standard_page_below_home_and_sections(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_home_page_is_a_singleton(self):
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))

    def test_editor_can_create_a_standard_page_with_every_shared_block(self):
        document_free_body = streamfield(
            [
                ("heading", {"text": "Nos missions", "level": "h2"}),
                ("paragraph", rich_text("<p>Informer, accompagner, mettre en réseau.</p>")),
                ("quote", {"quote": "Faire réseau", "attribution": "Une adhérente"}),
                (
                    "call_to_action",
                    {
                        "title": "Nous rejoindre",
                        "text": "Référencez votre structure.",
                        "link": {"page": "", "url": "https://example.org", "label": "Adhérer"},
                    },
                ),
                (
                    "accordion",
                    {
                        "title": "FAQ",
                        "items": streamfield([]) | {"count": 0},
                    },
                ),
                (
                    "key_figures",
                    {"title": "Chiffres", "figures": streamfield([]) | {"count": 0}},
                ),
            ]
        )
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "Le réseau",
                    "slug": "le-reseau",
                    "introduction": "Qui sommes-nous ?",
                    "body": document_free_body,
                }
            ),
        )
        page = StandardPage.objects.get(slug="le-reseau")
        self.assertEqual(
            [block.block_type for block in page.body],
            ["heading", "paragraph", "quote", "call_to_action", "accordion", "key_figures"],
        )

    def test_standard_page_renders(self):
        page = StandardPageFactory(parent=self.home, title="Gouvernance")
        self.assertPageIsRenderable(page)
        self.assertPageIsPreviewable(
            page,
            post_data=nested_form_data(
                {"title": "Gouvernance", "slug": page.slug, "body": streamfield([])}
            ),
        )

    def test_home_page_renders_and_previews(self):
        self.assertPageIsRenderable(self.home)
        self.assertPageIsPreviewable(
            self.home,
            post_data=nested_form_data(
                {
                    "title": "Accueil",
                    "slug": "accueil",
                    "hero_title": "Agir ensemble",
                    "hero_link": streamfield([]),
                    "introduction": rich_text("<p>Bienvenue</p>"),
                    "key_figures": streamfield([("figure", {"value": "176", "label": "acteurs"})]),
                    "body": streamfield([]),
                }
            ),
        )

    def test_external_link_without_label_is_refused(self):
        from home.blocks import LinkBlock

        block = LinkBlock()
        with self.assertRaises(ValidationError):
            block.clean(block.to_python({"page": None, "url": "https://example.org", "label": ""}))
        with self.assertRaises(ValidationError):
            block.clean(block.to_python({"page": None, "url": "", "label": "Rien"}))

    def test_link_accepts_site_paths_but_not_scripts(self):
        from home.blocks import LinkBlock

        block = LinkBlock()
        value = block.clean(block.to_python({"url": "/sitemap.xml", "label": "Plan du site"}))
        self.assertEqual(value.href, "/sitemap.xml")
        for hostile in ("javascript:alert(1)", "//evil.example/x", "data:text/html,x"):
            with self.assertRaises(ValidationError, msg=hostile):
                block.clean(block.to_python({"url": hostile, "label": "Piège"}))


class ImageModelTests(WagtailPageTestCase):
    def test_alternative_text_is_required(self):
        image = CustomImageFactory.build(alt_text="")
        with self.assertRaises(ValidationError) as caught:
            image.full_clean(exclude=["file", "width", "height"])
        self.assertIn("alt_text", caught.exception.message_dict)

    def test_decorative_image_gets_an_empty_alt(self):
        image = CustomImageFactory(alt_text="-")
        self.assertEqual(image.default_alt_text, "")
        image = CustomImageFactory(alt_text="Une réunion du groupe pays Burkina Faso")
        self.assertEqual(image.default_alt_text, "Une réunion du groupe pays Burkina Faso")

    def test_credit_is_shown_under_an_image_block(self):
        home = make_site_with_home()
        image = CustomImageFactory(alt_text="Atelier de formation", credit="Photo : A. Martin")
        page = StandardPageFactory(
            parent=home,
            body=[("image", {"image": image, "caption": "Une formation", "credit": ""})],
        )
        response = self.client.get(page.url)
        self.assertEqual(response.status_code, HTTPStatus.OK)
        html = response.content.decode()
        self.assertIn('alt="Atelier de formation"', html)
        self.assertIn("© Photo : A. Martin", html)
        self.assertEqual(CustomImage.objects.count(), 1)

    def test_renditions_read_from_the_cache_are_not_written_back(self):
        image = CustomImageFactory()
        specs = ("fill-80x60|format-webp", "fill-40x30|format-webp")
        image.get_renditions(*specs)  # created, then cached
        fresh = CustomImage.objects.get(pk=image.pk)
        backend = CustomRendition.cache_backend

        with (
            mock.patch.object(backend, "set_many", wraps=backend.set_many) as set_many,
            mock.patch.object(backend, "set", wraps=backend.set) as set_one,
        ):
            renditions = fresh.get_renditions(*specs)
            single = fresh.get_rendition("fill-80x60|format-webp")

        self.assertEqual([r.width for r in renditions.values()], [80, 40])
        self.assertEqual(single.url, renditions["fill-80x60|format-webp"].url)
        set_many.assert_not_called()
        set_one.assert_not_called()

    def test_a_rendition_missing_from_the_cache_is_cached_once_made(self):
        image = CustomImageFactory()
        made = image.get_rendition("fill-80x60|format-webp")
        fresh = CustomImage.objects.get(pk=image.pk)

        with self.assertNumQueries(0):
            again = fresh.get_rendition("fill-80x60|format-webp")

        self.assertEqual((again.pk, again.width, again.height), (made.pk, 80, 60))
