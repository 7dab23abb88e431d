"""What a working group's page shows: its own content, the meetings other apps add to its
typed ones, and the sections other apps contribute (see the hooks in `models.py`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from wagtail import hooks

MEETINGS_HOOK = "working_group_meetings"
SECTIONS_HOOK = "working_group_sections"


@dataclass(frozen=True)
class Meeting:
    start: datetime.datetime
    title: str
    url: str = ""
    place: str = ""
    sessions: int = 1


@dataclass(frozen=True)
class MeetingLink:
    label: str
    url: str


@dataclass
class MeetingSource:
    """Meetings an app adds to a group's page, and links shown under them."""

    meetings: list[Meeting] = field(default_factory=list)
    links: list[MeetingLink] = field(default_factory=list)


def group_page_context(*, group, request: HttpRequest | None) -> dict[str, Any]:
    now = timezone.now()
    meetings = [
        Meeting(start=meeting.date, title=meeting.title, url=meeting.link, place=meeting.place)
        for meeting in group.meetings.all()
        if meeting.date >= now
    ]
    links: list[MeetingLink] = []
    for add_meetings in hooks.get_hooks(MEETINGS_HOOK):
        source = add_meetings(group=group, request=request)
        if source:
            meetings.extend(source.meetings)
            links.extend(source.links)
    sections = [
        html
        for section in hooks.get_hooks(SECTIONS_HOOK)
        if (html := section(group=group, request=request))
    ]
    return {
        "members": list(
            group.member_actors.live().public().select_related("college").order_by("title")
        ),
        "co_leads": list(group.co_leads.all()),
        "next_meetings": sorted(meetings, key=lambda meeting: meeting.start),
        "meeting_links": links,
        "sections": sections,
    }
