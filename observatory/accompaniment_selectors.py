"""Reads of the accompaniments for the admin and the members' dashboard (the observatory's
public aggregates live elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from .models import Accompaniment, AccompanimentRequest, AccompanimentTopic, RequestStatus

TOPIC_LABELS = dict(AccompanimentTopic.choices)


def requests_to_handle_count() -> int:
    """New requests nobody has taken up yet."""
    return AccompanimentRequest.objects.filter(status=RequestStatus.NEW).count()


def request_status_counts() -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the order of the choices (one query)."""
    counts = dict(
        AccompanimentRequest.objects.order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return [(value, label, counts.get(value, 0)) for value, label in RequestStatus.choices]


@dataclass(frozen=True)
class MemberAccompaniment:
    """What a member may see of its own accompaniment: never the team's notes nor their
    assessment of the outcome."""

    date: date
    format_label: str
    topics: list[str]
    next_step: str


def member_accompaniments(*, actor_id: int) -> list[MemberAccompaniment]:
    """The accompaniments recorded for this actor page, the latest first (one query, only
    the fields a member may see)."""
    rows = (
        Accompaniment.objects.filter(actor_id=actor_id)
        .order_by("-date", "-pk")
        .values_list("date", "format", "topics", "next_step")
    )
    formats = dict(Accompaniment._meta.get_field("format").choices)
    return [
        MemberAccompaniment(
            date=when,
            format_label=str(formats.get(kind, kind)),
            topics=[str(TOPIC_LABELS[t]) for t in topics or [] if t in TOPIC_LABELS],
            next_step=next_step,
        )
        for when, kind, topics, next_step in rows
    ]
