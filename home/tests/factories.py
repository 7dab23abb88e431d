"""Factories for the home app's pages and images, reused by every app's tests."""

import factory
import wagtail_factories
from wagtail.models import Page, Site

from home.models import CustomImage, HomePage, StandardPage


class CustomImageFactory(wagtail_factories.ImageFactory):
    alt_text = factory.Sequence(lambda n: f"Photographie d'illustration {n}")
    credit = "Réseau régional"

    class Meta:
        model = CustomImage


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Accueil"
    slug = "accueil"
    hero_title = "Agir ensemble pour la solidarité internationale"
    hero_text = "Le réseau des acteurs de la coopération internationale en Nouvelle-Aquitaine."

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Page standard {n}")
    introduction = "Une page de présentation."

    class Meta:
        model = StandardPage


def make_site_with_home(**home_kwargs) -> HomePage:
    """A home page under the tree root, served by the default site (port 80, any host)."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, **home_kwargs)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "SO Coopération",
        },
    )
    # Wagtail's initial migration leaves a "Welcome" page; it would shadow nothing but clutters.
    Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
    return home
