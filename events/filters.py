"""Query-string filters of the agenda and its feeds: `type`, `theme`, `departement`,
`groupe` (a working group's slug), `mois` (YYYY-MM) and `passes=1`.

The same pattern as the directory's: every value goes through `AgendaFilterForm` before any
query, a bad value is dropped on its own, the other filters still apply, nothing raises."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from directory.filters import LenientMultipleChoiceField
from directory.selectors import taxonomy_choices

from . import caches
from .models.pages import EventKind, EventPage

_MONTH_RE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")


class MonthField(forms.CharField):
    """`YYYY-MM` between 2000 and 2100; anything else is dropped, not refused."""

    def clean(self, value):
        value = (value or "").strip() if isinstance(value, str) else ""
        match = _MONTH_RE.match(value)
        if not match:
            return ""
        year, month = int(match["year"]), int(match["month"])
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return ""
        return value


class FlagField(forms.CharField):
    def clean(self, value):
        return value == "1"


@dataclass(frozen=True)
class GroupChoice:
    slug: str
    title: str
    pk: int


def group_choices() -> list[GroupChoice]:
    """The published working groups that have published events (the `groupe` filter), kept
    until the next publication of any page (the page cache's generation)."""
    rows = caches.GROUP_CHOICES.get_or_build(
        build=lambda: list(
            Page.objects.live()
            .filter(
                content_type__app_label="working_groups",
                content_type__model="grouppage",
                pk__in=EventPage.objects.live().filter(group__isnull=False).values("group_id"),
            )
            .order_by("title", "pk")
            .values_list("slug", "title", "pk")
        )
    )
    return [GroupChoice(*row) for row in rows]


class AgendaFilterForm(forms.Form):
    type = LenientMultipleChoiceField(label=_("Types d'événement"), required=False)
    theme = LenientMultipleChoiceField(label=_("Thématiques"), required=False)
    departement = LenientMultipleChoiceField(label=_("Départements"), required=False)
    groupe = LenientMultipleChoiceField(label=_("Groupes de travail"), required=False)
    mois = MonthField(label=_("Mois"), required=False)
    passes = FlagField(label=_("Événements passés"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = taxonomy_choices()
        self.fields["type"].choices = EventKind.choices
        self.fields["theme"].choices = choices["theme"]
        self.fields["departement"].choices = choices["departement"]
        self.fields["groupe"].choices = [(g.slug, g.title) for g in group_choices()]


@dataclass(frozen=True)
class AgendaFilters:
    """Validated filters: what the selectors receive."""

    type: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    departement: tuple[str, ...] = ()
    groupe: tuple[str, ...] = ()
    mois: str = ""
    passes: bool = False

    @classmethod
    def from_query(cls, data: QueryDict) -> AgendaFilters:
        form = AgendaFilterForm(data)
        form.is_valid()  # lenient fields never fail; cleaned_data holds what is valid
        cleaned = form.cleaned_data
        return cls(
            type=tuple(cleaned.get("type") or ()),
            theme=tuple(cleaned.get("theme") or ()),
            departement=tuple(cleaned.get("departement") or ()),
            groupe=tuple(cleaned.get("groupe") or ()),
            mois=cleaned.get("mois") or "",
            passes=bool(cleaned.get("passes")),
        )

    @property
    def is_active(self) -> bool:
        return bool(
            self.type or self.theme or self.departement or self.groupe or self.mois or self.passes
        )

    def month_bounds(self) -> tuple[datetime.datetime, datetime.datetime] | None:
        """Start of the month and start of the next one, at Paris time."""
        if not self.mois:
            return None
        year, month = (int(part) for part in self.mois.split("-"))
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.datetime(year, month, 1, tzinfo=zone)
        end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        return start, end

    def items(self) -> list[tuple[str, str]]:
        """(name, value) pairs in a stable order: the cache key and the query string."""
        pairs: list[tuple[str, str]] = []
        for name in ("type", "theme", "departement", "groupe"):
            pairs.extend((name, value) for value in sorted(getattr(self, name)))
        if self.mois:
            pairs.append(("mois", self.mois))
        if self.passes:
            pairs.append(("passes", "1"))
        return pairs

    def querystring(self, *, without: tuple[str, str] | None = None) -> str:
        return urlencode([pair for pair in self.items() if pair != without])

    def cache_key(self) -> str:
        return self.querystring() or "all"
