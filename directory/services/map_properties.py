"""The stored map properties of actor pages."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import ActorPage


def refresh_map_properties(actors: QuerySet[ActorPage] | None = None) -> int:
    """Recompute and store `map_properties` of these actors (all by default), in a constant
    number of queries: after a taxonomy changes, relations changed outside `save()`, or
    rows written in bulk."""
    from ..selectors import computed_map_properties

    actors = ActorPage.objects.all() if actors is None else actors
    updated = [
        ActorPage(pk=pk, map_properties=properties)
        for pk, properties in computed_map_properties(actors).items()
    ]
    ActorPage.objects.bulk_update(updated, ["map_properties"], batch_size=1000)
    return len(updated)
