"""Preparing a letter (writes): a new draft from the standard template in one click."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from home.dates import MONTH_NAMES

from .blocks import LatestKind
from .models import LetterIndexPage, LetterPage


def template_title(day: datetime.date) -> str:
    return _("Lettre d'information — %(month)s %(year)s") % {
        "month": MONTH_NAMES[day.month],
        "year": day.year,
    }


def template_body() -> list[dict]:
    """The standard letter: an editorial, "à la une", then the latest content of each kind,
    filled when the letter is sent."""
    latest = [
        (_("Actualités"), LatestKind.NEWS, 3),
        (_("Agenda"), LatestKind.EVENTS, 4),
        (_("Appels à projets"), LatestKind.CALLS, 5),
        (_("Offres d'emploi et de volontariat"), LatestKind.OFFERS, 5),
    ]
    editorial = "<p>" + _("Écrivez ici le mot de l'équipe.") + "</p>"
    return [
        {"type": "editorial", "value": {"heading": "Édito", "text": editorial}},
        {"type": "featured", "value": {"page": None, "heading": "", "image": None, "text": ""}},
        *(
            {"type": "latest", "value": {"heading": heading, "kind": kind, "count": count}}
            for heading, kind, count in latest
        ),
    ]


def _free_slug(index: LetterIndexPage, base: str) -> str:
    taken = set(LetterPage.objects.child_of(index).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_letter_from_template(*, index: LetterIndexPage, user=None) -> LetterPage:
    """A draft letter (never live) titled after the current month, with the standard blocks."""
    today = timezone.localdate()
    title = template_title(today)
    letter = LetterPage(
        title=title,
        slug=_free_slug(index, slugify(f"lettre-{today:%Y-%m}")),
        live=False,
        owner=user,
        body=template_body(),
    )
    index.add_child(instance=letter)
    letter.save_revision(user=user)
    return letter
