"""Home page, standard pages, the shared base page, images and site-wide settings."""

from __future__ import annotations

import copy

from django.db import models
from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Filter, Image
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, BaseStreamBlock, KeyFigureBlock, LinkBlock
from .caches import PAGES
from .caching import ProcessMemo
from .page_cache import public_page_cache
from .view_restrictions import SitePageQuerySet, private_sections


class CustomImage(AbstractImage):
    """The site's image: every image carries its alternative text and its credit."""

    alt_text = models.CharField(
        _("texte alternatif"),
        max_length=255,
        help_text=_(
            "Décrit l'image pour les personnes qui ne la voient pas. "
            "Saisissez « - » pour une image purement décorative."
        ),
    )
    credit = models.CharField(_("crédit"), max_length=255, blank=True)

    admin_form_fields = (*Image.admin_form_fields, "alt_text", "credit")
    search_fields = [*AbstractImage.search_fields, index.SearchField("credit")]

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")

    @property
    def default_alt_text(self) -> str:
        return "" if self.alt_text.strip() == "-" else self.alt_text

    # Wagtail 8.0 writes back to the cache the renditions it has just read from it (its
    # `_from_cache` mark is only set for prefetched ones): each `{% picture %}` of six
    # renditions cost a second round trip to Redis with their pickles. Renditions read from
    # the cache are marked, so only those found in the database or created are written.
    # Wagtail fixed this upstream after 8.0 (wagtail/wagtail#14541).

    def find_existing_renditions(self, *filters: Filter) -> dict[Filter, AbstractRendition]:
        if self._get_prefetched_renditions() is not None:
            return super().find_existing_renditions(*filters)
        Rendition = self.get_rendition_model()
        by_key = {
            Rendition.construct_cache_key(self, f.get_cache_key(self), f.spec): f for f in filters
        }
        found = {}
        for key, rendition in Rendition.cache_backend.get_many(list(by_key)).items():
            rendition.image = self
            rendition._from_cache = True
            found[by_key[key]] = rendition
        missing = [f for f in filters if f not in found]
        if missing:
            found.update(super().find_existing_renditions(*missing))
        return found

    def get_rendition(self, filter: Filter | str) -> AbstractRendition:
        if not isinstance(filter, Filter | str):
            return super().get_rendition(filter)  # Wagtail's error for a bad filter
        # One filter through `get_renditions`, which writes to the cache only what it did
        # not read from it (its key is the filter's spec as cleaned for SVG images).
        (rendition,) = self.get_renditions(filter).values()
        return rendition


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


# Renditions of a page's listing image on cards: two widths (one and two device pixels per
# CSS pixel) in AVIF, WebP and JPEG, in the order of the `{% picture %}` tag of the card
# templates (`fill-{480x270,960x540} format-{avif,webp,jpeg}`) so that prefetching finds them.
CARD_IMAGE_FILTERS = tuple(Filter.expand_spec("fill-{480x270,960x540}|format-{avif,webp,jpeg}"))


@method_decorator(public_page_cache, name="serve")
class BasePage(Page):
    """What every page of the site shares: a listing card, social sharing, cache headers."""

    listing_summary = models.TextField(
        _("résumé pour les listes"),
        blank=True,
        max_length=300,
        help_text=_("Affiché sur les cartes et dans les résultats de recherche (300 caractères)."),
    )
    listing_image = models.ForeignKey(
        "home.CustomImage",
        verbose_name=_("image pour les listes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    social_image = models.ForeignKey(
        "home.CustomImage",
        verbose_name=_("image de partage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Image montrée par les réseaux sociaux (1200 × 630 conseillé)."),
    )
    social_text = models.CharField(_("texte de partage"), max_length=255, blank=True)

    # The query parameters the page reads (a listing: its filters and `page`); any other one
    # makes its response unstorable in the page cache (home/page_cache.py).
    cache_query_params: frozenset[str] = frozenset()

    search_fields = [*Page.search_fields, index.SearchField("listing_summary")]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("listing_summary"), FieldPanel("listing_image")],
            heading=_("Cartes et listes"),
        ),
        MultiFieldPanel(
            [FieldPanel("social_image"), FieldPanel("social_text")],
            heading=_("Réseaux sociaux"),
        ),
    ]

    objects = PageManager.from_queryset(SitePageQuerySet)()

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        # Wagtail looks for restrictions on the page and its ancestors (two queries) before
        # serving it; a site without any private section needs no query.
        if not private_sections():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    @property
    def summary(self) -> str:
        """The text of the page's card: its listing summary, else its own summary (the
        `summary_text` field of the pages that have one), else its meta description."""
        return self.listing_summary or getattr(self, "summary_text", "") or self.search_description

    @property
    def og_image(self) -> CustomImage | None:
        """The picture of the page's Open Graph card: its social image, else its listing
        image, else its main image where its type has one (news, events)."""
        return self.social_image or self.listing_image or getattr(self, "image", None)

    def get_meta_description(self) -> str:
        return self.search_description or self.listing_summary or self.social_text


class HomePage(BasePage):
    hero_title = models.CharField(_("titre d'accroche"), max_length=160)
    hero_text = models.TextField(_("texte d'accroche"), blank=True, max_length=500)
    hero_image = models.ForeignKey(
        "home.CustomImage",
        verbose_name=_("image d'accroche"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_link = StreamField(
        [("link", LinkBlock())],
        verbose_name=_("boutons d'accroche"),
        blank=True,
        max_num=2,
    )
    introduction = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    key_figures_title = models.CharField(
        _("titre des chiffres clés"), max_length=120, blank=True, default="Le réseau en chiffres"
    )
    key_figures = StreamField(
        [("figure", KeyFigureBlock())], verbose_name=_("chiffres clés"), blank=True, max_num=8
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_link"),
            ],
            heading=_("Accroche"),
        ),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [FieldPanel("key_figures_title"), FieldPanel("key_figures")], heading=_("Chiffres clés")
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("hero_text"),
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")
        verbose_name_plural = _("pages d'accueil")

    @property
    def key_figure_values(self) -> list:
        return [block.value for block in self.key_figures]


class StandardPage(BasePage):
    introduction = models.TextField(_("chapô"), blank=True, max_length=600)
    body = StreamField(BaseStreamBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("page standard")
        verbose_name_plural = _("pages standard")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Sub-pages listed at the bottom of a section page ("Le réseau" and its pages), with
        # their card images and renditions: a fixed number of queries whatever their number.
        context["children"] = (
            StandardPage.objects.child_of(self)
            .live()
            .public()
            .defer_streamfields()
            .prefetch_related(
                Prefetch(
                    "listing_image",
                    queryset=CustomImage.objects.prefetch_renditions(*CARD_IMAGE_FILTERS),
                )
            )
            .order_by("path")
        )
        return context


# --- Site-wide settings ---------------------------------------------------------------------


SOCIAL_NETWORKS = [
    ("facebook", "Facebook"),
    ("linkedin", "LinkedIn"),
    ("instagram", "Instagram"),
    ("youtube", "YouTube"),
    ("mastodon", "Mastodon"),
    ("bluesky", "Bluesky"),
    ("x", "X (Twitter)"),
    ("autre", _("Autre")),
]


class SocialLinkValue(blocks.StructValue):
    @property
    def network_label(self) -> str:
        return str(dict(SOCIAL_NETWORKS).get(self.get("network"), self.get("network", "")))


class SocialLinkBlock(blocks.StructBlock):
    network = blocks.ChoiceBlock(label=_("Réseau"), choices=SOCIAL_NETWORKS)
    url = blocks.URLBlock(label=_("Adresse"))

    class Meta:
        icon = "site"
        label = _("Réseau social")
        value_class = SocialLinkValue


class AccessibilityCompliance(models.TextChoices):
    NONE = "non", _("non conforme")
    PARTIAL = "partiellement", _("partiellement conforme")
    FULL = "totalement", _("totalement conforme")


# Every page shows the site's settings; the worker keeps them while `PAGES` stays the same
# (saving a setting bumps it: home/caches.py).
SITE_SETTINGS = ProcessMemo(PAGES, max_entries=32)


class RememberedSiteSetting:
    """A site setting read from the worker's memory instead of the database: a copy for each
    request, of the row as it was when `PAGES` last changed."""

    @classmethod
    def for_request(cls, request):
        # The site from memory too: a view outside the page tree (search, directory, agenda)
        # would otherwise look its host up in the database on every request.
        # (Imported here: `home.serving` imports Wagtail's views, which need the models.)
        from .serving import site_for_request

        if not hasattr(request, "_wagtail_site"):
            request._wagtail_site = site_for_request(request)
        return super().for_request(request)

    @classmethod
    def for_site(cls, site):
        if site is None:
            return super().for_site(site)
        remembered = SITE_SETTINGS.get_or_build(
            (cls._meta.label, site.pk), lambda: super(RememberedSiteSetting, cls).for_site(site)
        )
        return copy.copy(remembered)


@register_setting(icon="site")
class SiteIdentitySettings(RememberedSiteSetting, ClusterableModel, BaseSiteSetting):
    """Who we are and how to reach us: used by the footer and the contact blocks."""

    organisation_name = models.CharField(
        _("nom de l'organisation"), max_length=255, default="SO Coopération"
    )
    tagline = models.CharField(_("signature"), max_length=255, blank=True)
    address = models.TextField(_("adresse postale"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    social_links = StreamField(
        [("link", SocialLinkBlock())], verbose_name=_("réseaux sociaux"), blank=True
    )
    newsletter_url = models.URLField(_("lien d'inscription à la lettre d'information"), blank=True)
    footer_text = models.TextField(_("texte du pied de page"), blank=True, max_length=600)
    accessibility_compliance = models.CharField(
        _("état de conformité RGAA"),
        max_length=20,
        choices=AccessibilityCompliance.choices,
        default=AccessibilityCompliance.PARTIAL,
        help_text=_("Affiché dans le pied de page de chaque page, comme le demande le RGAA."),
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("déclaration d'accessibilité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_updated_at = models.DateTimeField(auto_now=True, editable=False)

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("tagline")], heading=_("Identité")
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("Contact"),
        ),
        FieldPanel("social_links"),
        FieldPanel("newsletter_url"),
        FieldPanel("footer_text"),
        MultiFieldPanel(
            [FieldPanel("accessibility_compliance"), FieldPanel("accessibility_page")],
            heading=_("Accessibilité"),
        ),
        InlinePanel("partners", heading=_("Partenaires"), label=_("Partenaire")),
    ]

    class Meta:
        verbose_name = _("identité et contact")

    PARTNER_LOGO_FILTER = "max-160x80"

    def partners_for_display(self) -> list[Partner]:
        """Partners with their logos and the logo renditions, in three queries whatever
        their number."""
        logos = CustomImage.objects.prefetch_renditions(self.PARTNER_LOGO_FILTER)
        return list(self.partners.prefetch_related(Prefetch("logo", queryset=logos)))


class Partner(Orderable):
    settings = ParentalKey(SiteIdentitySettings, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("nom"), max_length=255)
    url = models.URLField(_("site web"), blank=True)
    logo = models.ForeignKey(
        "home.CustomImage",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("url"), FieldPanel("logo")]

    class Meta(Orderable.Meta):
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")

    def __str__(self) -> str:
        return self.name


@register_setting(icon="list-ul")
class NavigationSettings(RememberedSiteSetting, BaseSiteSetting):
    header_links = StreamField(
        [("link", LinkBlock())], verbose_name=_("menu principal"), blank=True, max_num=9
    )
    footer_links = StreamField(
        [("link", LinkBlock())],
        verbose_name=_("menu du pied de page"),
        blank=True,
        help_text=_("Mentions légales, accessibilité, données personnelles, plan du site..."),
    )
    last_updated_at = models.DateTimeField(auto_now=True, editable=False)

    edit_handler = TabbedInterface(
        [
            ObjectList([FieldPanel("header_links")], heading=_("En-tête")),
            ObjectList([FieldPanel("footer_links")], heading=_("Pied de page")),
        ]
    )

    class Meta:
        verbose_name = _("navigation")
