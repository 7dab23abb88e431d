"""Factories of the directory's pages (wagtail-factories), reused by other apps' tests."""

from __future__ import annotations

import factory
import wagtail_factories
from django.utils import timezone
from django.utils.text import slugify

from directory.models import (
    ActorPage,
    College,
    Country,
    Departement,
    DirectoryPage,
    ProjectPage,
    ProjectPlace,
    SustainableDevelopmentGoal,
    Theme,
)
from home.tests.factories import HomePageFactory


def sdgs(*numbers: int) -> list[SustainableDevelopmentGoal]:
    return list(SustainableDevelopmentGoal.objects.filter(number__in=numbers))


def themes(*slugs: str) -> list[Theme]:
    return list(Theme.objects.filter(slug__in=slugs))


def countries(*codes: str) -> list[Country]:
    return list(Country.objects.filter(code__in=codes))


def college(slug: str) -> College:
    return College.objects.get(slug=slug)


def departement(code: str) -> Departement:
    return Departement.objects.get(code=code)


class PublishedPageFactory(wagtail_factories.PageFactory):
    """A live page with its publication dates set, as publishing would leave it."""

    slug = factory.LazyAttribute(lambda page: slugify(page.title)[:80])
    first_published_at = factory.LazyFunction(timezone.now)
    last_published_at = factory.LazyFunction(timezone.now)

    class Meta:
        abstract = True


class DirectoryPageFactory(PublishedPageFactory):
    title = "Annuaire"
    slug = "annuaire"
    introduction = "Les acteurs de la coopération internationale en Nouvelle-Aquitaine."
    parent = factory.SubFactory(HomePageFactory, parent=None)

    class Meta:
        model = DirectoryPage


class ActorPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Association solidaire {n}")
    parent = factory.SubFactory(DirectoryPageFactory)
    college = factory.LazyFunction(lambda: college("associations"))
    short_description = "Une association de solidarité internationale."
    address = "3 place de la Bourse"
    postcode = "33000"
    city = "Bordeaux"
    location = "SRID=4326;POINT(-0.5792 44.8378)"
    membership = ActorPage.Membership.MEMBER
    qualification_status = ActorPage.Qualification.QUALIFIED

    class Meta:
        model = ActorPage


class ProjectPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Projet de coopération {n}")
    parent = factory.SubFactory(ActorPageFactory)
    summary_text = "Un projet mené avec des partenaires locaux."
    status = ProjectPage.Status.ONGOING
    start_year = 2020
    end_year = 2023

    class Meta:
        model = ProjectPage


class ProjectPlaceFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectPageFactory)
    name = "Ouagadougou"
    location = "SRID=4326;POINT(-1.5197 12.3714)"

    class Meta:
        model = ProjectPlace
