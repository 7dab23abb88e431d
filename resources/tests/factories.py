"""Factories of the editorial pages (wagtail-factories)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from directory.tests.factories import PublishedPageFactory
from home.tests.factories import HomePageFactory
from resources.models import (
    CallForProjectsPage,
    CallIndexPage,
    GroupIndexPage,
    NewsIndexPage,
    NewsPage,
    OpportunityIndexPage,
    OpportunityPage,
    ResourceIndexPage,
    ResourcePage,
)
from working_groups.tests.factories import GroupPageFactory as BaseGroupPageFactory


def today() -> datetime.date:
    return timezone.localdate()


class NewsIndexPageFactory(PublishedPageFactory):
    title = "Actualités"
    slug = "actualites"
    parent = factory.SubFactory(HomePageFactory, parent=None)

    class Meta:
        model = NewsIndexPage


class CallIndexPageFactory(PublishedPageFactory):
    title = "Appels à projets"
    slug = "appels-a-projets"
    parent = factory.SubFactory(HomePageFactory, parent=None)

    class Meta:
        model = CallIndexPage


class OpportunityIndexPageFactory(PublishedPageFactory):
    title = "Offres"
    slug = "offres"
    parent = factory.SubFactory(HomePageFactory, parent=None)

    class Meta:
        model = OpportunityIndexPage


class ResourceIndexPageFactory(PublishedPageFactory):
    title = "Ressources"
    slug = "ressources"
    parent = factory.SubFactory(HomePageFactory, parent=None)

    class Meta:
        model = ResourceIndexPage


class GroupIndexPageFactory(PublishedPageFactory):
    title = "Groupes"
    slug = "groupes"
    parent = factory.SubFactory(HomePageFactory, parent=None)

    class Meta:
        model = GroupIndexPage


class NewsPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Actualité de la solidarité {n}")
    parent = factory.SubFactory(NewsIndexPageFactory)
    date = factory.LazyFunction(today)
    category = NewsPage.Category.NETWORK
    summary_text = "Une actualité du réseau."

    class Meta:
        model = NewsPage


class CallForProjectsPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    parent = factory.SubFactory(CallIndexPageFactory)
    funder_name = "Région Nouvelle-Aquitaine"
    opening_date = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))
    closing_date = factory.LazyFunction(lambda: today() + datetime.timedelta(days=60))
    summary_text = "Un appel à projets pour les acteurs de la région."

    class Meta:
        model = CallForProjectsPage


class OpportunityPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Offre de mission {n}")
    parent = factory.SubFactory(OpportunityIndexPageFactory)
    kind = OpportunityPage.Kind.JOB
    structure_name = "Association solidaire"
    city = "Bordeaux"
    deadline = factory.LazyFunction(lambda: today() + datetime.timedelta(days=20))
    how_to_apply = "<p>Envoyez CV et lettre.</p>"

    class Meta:
        model = OpportunityPage


class ResourcePageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Guide pratique {n}")
    parent = factory.SubFactory(ResourceIndexPageFactory)
    kind = ResourcePage.Kind.GUIDE
    year = 2020
    summary_text = "Une ressource pour les porteurs de projets."

    class Meta:
        model = ResourcePage


class GroupPageFactory(BaseGroupPageFactory):
    title = factory.Sequence(lambda n: f"Groupe de travail {n}")
    parent = factory.SubFactory(GroupIndexPageFactory)
