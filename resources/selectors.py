"""Reads behind the listings, their feeds, the home page sections and the group pages.

Every listing is one queryset: `.live().public()`, the cards' relations selected or
prefetched, stream fields deferred and card renditions prefetched, so a page of cards costs
the same number of queries whatever the number of pages published."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import ActorPage, ProjectPage
from directory.selectors import country_name, taxonomy_choices
from home.facets import ActiveFilter, Facet, FacetGroup, active_filters, labelled_by_label, options
from home.models import CARD_IMAGE_FILTERS, CustomImage
from working_groups.models import GroupPage

from .filters import FILTER_NAMES, ListingFilters
from .models import (
    CallForProjectsPage,
    NewsPage,
    OpportunityPage,
    ResourcePage,
)


def _card_images(*names: str) -> list[Prefetch]:
    renditions = CustomImage.objects.prefetch_renditions(*CARD_IMAGE_FILTERS)
    return [Prefetch(name, queryset=renditions) for name in names]


def _classified_facets(model) -> dict[str, Facet]:
    owner = f"{model._meta.model_name}_id"
    return {
        "theme": Facet("theme__slug", model.themes.through, owner),
        "odd": Facet("sustainabledevelopmentgoal__number", model.sdgs.through, owner),
        "pays": Facet("country__code", model.countries.through, owner),
    }


@dataclass(frozen=True)
class Listing:
    """How one listing reads its pages."""

    model: type
    kind_field: str
    year_field: str
    ordering: tuple[str, ...]
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ("themes",)
    images: tuple[str, ...] = ("listing_image",)
    feed_title: Any = ""
    feed_description: Any = ""
    extra: dict = field(default_factory=dict)

    @property
    def facets(self) -> dict[str, Facet]:
        facets = _classified_facets(self.model)
        if self.kind_field:
            facets["type"] = Facet(self.kind_field)
        if self.year_field:
            facets["annee"] = Facet(self.year_field)
        return facets

    @property
    def kind_choices(self) -> list[tuple[str, str]]:
        if not self.kind_field:
            return []
        return [(k, str(v)) for k, v in self.model._meta.get_field(self.kind_field).choices]


LISTINGS: dict[str, Listing] = {
    "news": Listing(
        model=NewsPage,
        kind_field="category",
        year_field="date__year",
        ordering=("-date", "-pk"),
        images=("listing_image", "image"),
        feed_title=_("Actualités"),
        feed_description=_("Les actualités du réseau et de la solidarité internationale."),
    ),
    "calls": Listing(
        model=CallForProjectsPage,
        kind_field="",
        year_field="closing_date__year",
        ordering=("status_rank", "closing_date", "opening_date", "pk"),
        select_related=("funder_actor",),
        feed_title=_("Appels à projets"),
        feed_description=_("Les appels à projets et financements ouverts ou à venir."),
    ),
    "offers": Listing(
        model=OpportunityPage,
        kind_field="kind",
        year_field="deadline__year",
        ordering=("deadline", "pk"),
        select_related=("structure",),
        feed_title=_("Offres d'emploi, de stage et de volontariat"),
        feed_description=_("Emplois, stages, volontariats, services civiques et bénévolat."),
    ),
    "resources": Listing(
        model=ResourcePage,
        kind_field="kind",
        year_field="year",
        ordering=("-year", "title", "pk"),
        prefetch_related=("themes", "documents__document"),
        feed_title=_("Ressources"),
        feed_description=_("Guides, rapports, études, fiches pratiques et outils."),
    ),
    "groups": Listing(
        model=GroupPage,
        kind_field="kind",
        year_field="",
        ordering=("kind", "title", "pk"),
        feed_title=_("Groupes de travail"),
        feed_description=_("Les groupes thématiques et les groupes pays du réseau."),
    ),
}


def base_queryset(*, listing: str, archive: bool = False) -> QuerySet:
    """The pages a listing may show before filters: live, public and current."""
    spec = LISTINGS[listing]
    queryset = spec.model.objects.live().public()
    today = timezone.localdate()
    if listing == "calls":
        closed = Q(closing_date__lt=today)
        queryset = queryset.filter(closed) if archive else queryset.exclude(closed)
    elif listing == "offers":
        # Expired offers leave the listing by themselves.
        queryset = queryset.filter(deadline__gte=today)
    return queryset


def apply_filters(
    queryset: QuerySet, filters: ListingFilters, *, listing: str, skip: str | None = None
) -> QuerySet:
    facets = LISTINGS[listing].facets
    for name in FILTER_NAMES:
        values = getattr(filters, name)
        if values and name != skip and name in facets:
            queryset = queryset.filter(facets[name].condition(values))
    return queryset


def cards(
    queryset: QuerySet, *, listing: str, archive: bool = False, images: bool = True
) -> QuerySet:
    """The listing's cards in their order, with what the card template reads (without their
    images and renditions when `images` is false: a feed shows none)."""
    spec = LISTINGS[listing]
    queryset = (
        queryset.select_related(*spec.select_related)
        .prefetch_related(*spec.prefetch_related, *(_card_images(*spec.images) if images else ()))
        .defer_streamfields()
    )
    if listing == "calls":
        if archive:
            return queryset.order_by("-closing_date", "pk")
        # Open calls first (closing soonest first), then upcoming ones.
        today = timezone.localdate()
        queryset = queryset.annotate(
            status_rank=Case(
                When(opening_date__gt=today, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    return queryset.order_by(*spec.ordering)


FILTER_LEGENDS = {
    "type": _("Type"),
    "theme": _("Thématiques"),
    "odd": _("Objectifs de développement durable"),
    "pays": _("Pays"),
    "annee": _("Année"),
}


def facet_groups(base: QuerySet, filters: ListingFilters, *, listing: str) -> list[FacetGroup]:
    """Each filter with its options and the number of results each would give combined
    with the other active filters: one query per filter."""
    spec = LISTINGS[listing]
    choices = taxonomy_choices()
    groups = []
    for name in ("type", "theme", "odd", "pays", "annee"):
        facet = spec.facets.get(name)
        if facet is None:
            continue
        counts = facet.counts(apply_filters(base, filters, listing=listing, skip=name))
        selected = getattr(filters, name)
        if name == "type":
            labelled = spec.kind_choices
        elif name == "pays":
            labelled = labelled_by_label(counts.keys() | set(selected), country_name)
        elif name == "annee":
            labelled = [
                (year, year) for year in sorted(counts.keys() | set(selected), reverse=True)
            ]
        else:
            labelled = choices[name]
        found = options(labelled, selected=selected, counts=counts)
        groups.append(FacetGroup(name, str(FILTER_LEGENDS[name]), found))
    return groups


def active_filter_labels(filters: ListingFilters, *, listing: str) -> list[ActiveFilter]:
    choices = taxonomy_choices()
    labels = {
        "theme": dict(choices["theme"]),
        "odd": dict(choices["odd"]),
        "type": dict(LISTINGS[listing].kind_choices),
    }

    def label_of(name: str, value: str) -> str:
        if name == "pays":
            return country_name(value)
        if name == "annee":
            return value
        return labels[name].get(value, value)

    return active_filters(
        filters.items(),
        titles=FILTER_LEGENDS,
        label_of=label_of,
        querystring_without=lambda pair: filters.querystring(without=pair),
    )


# --- Home page sections -------------------------------------------------------------------


def latest_news(*, limit: int = 3) -> list[NewsPage]:
    return list(cards(base_queryset(listing="news"), listing="news")[:limit])


def open_calls(*, limit: int = 3) -> list[CallForProjectsPage]:
    today = timezone.localdate()
    queryset = base_queryset(listing="calls").filter(opening_date__lte=today)
    return list(cards(queryset, listing="calls")[:limit])


def latest_offers(*, limit: int = 3) -> list[OpportunityPage]:
    queryset = cards(base_queryset(listing="offers"), listing="offers")
    return list(queryset.order_by("-first_published_at", "-pk")[:limit])


def featured_resources(*, limit: int = 3) -> list[ResourcePage]:
    queryset = base_queryset(listing="resources").filter(featured=True)
    return list(cards(queryset, listing="resources")[:limit])


# --- Group pages --------------------------------------------------------------------------


RELATED_LIMIT = 6


def group_related_content(*, group: GroupPage) -> dict[str, Any]:
    """The news, resources and projects that share the group's themes or countries."""
    theme_ids = list(group.themes.values_list("pk", flat=True))
    country_ids = list(group.countries.values_list("pk", flat=True))
    context: dict[str, Any] = {
        "related_news": [],
        "related_resources": [],
        "related_projects": [],
    }
    if not theme_ids and not country_ids:
        return context
    shared = Q(themes__in=theme_ids) | Q(countries__in=country_ids)

    def matching(model):
        ids = model.objects.live().public().filter(shared).values("pk")
        return model.objects.filter(pk__in=ids)

    context["related_news"] = list(
        cards(matching(NewsPage), listing="news").order_by("-date", "-pk")[:RELATED_LIMIT]
    )
    context["related_resources"] = list(
        cards(matching(ResourcePage), listing="resources")[:RELATED_LIMIT]
    )
    context["related_projects"] = list(
        matching(ProjectPage)
        .select_related("actor")
        .defer_streamfields()
        .order_by("-start_year", "title")[:RELATED_LIMIT]
    )
    return context


def actor_news_and_offers(*, actor: ActorPage) -> dict[str, list]:
    """An actor's own news and offers (live, public, the six latest of each), shown on its
    page by the template tag `actor_publications` (the directory never imports this app)."""
    return {
        "news": list(cards(NewsPage.objects.child_of(actor).live().public(), listing="news")[:6]),
        "offers": list(
            cards(
                base_queryset(listing="offers").child_of(actor),
                listing="offers",
            )[:6]
        ),
    }
