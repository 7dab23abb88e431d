"""Demo letters: the archive `/lettres/` (in the menus), three letters of 2020 as they were
sent (frozen web versions, no e-mail sent, no delivery rows) and one draft prepared from the
template; their texts are in `newsletter/demo/letters.yaml`. A letter already there is left
as it is, so a second run changes nothing."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from events.models import EventPage
from home.demo_content import DemoRun, Kind, PageSpec, register_step, sync_pages
from home.demo_data import RichPart, Where, check_name, read_records
from resources.models import CallForProjectsPage, NewsPage, OpportunityPage

from .drafting import template_body
from .models import LetterIndexPage, LetterPage, LetterSending
from .rendering import render_letter

LETTERS = Kind("lettre", "lettres", feminine=True)
DATA = Path(__file__).resolve().parent / "demo" / "letters.yaml"


@dataclass(frozen=True)
class Archive:
    slug: str
    title: str
    introduction: str


@dataclass(frozen=True)
class Headings:
    editorial: str
    picked: str


@dataclass(frozen=True)
class SentLetter:
    slug: str
    title: str
    preheader: str
    sent_on: datetime.date
    editorial: list[RichPart]
    picks: list[str]  # the page types its "À lire" block takes the latest of


@dataclass(frozen=True)
class Draft:
    slug: str
    title: str
    preheader: str


@dataclass(frozen=True)
class Letters:
    archive: Archive
    headings: Headings
    sent: list[SentLetter]
    draft: Draft


@functools.cache
def letters_data() -> Letters:
    data = read_records(DATA, Letters)
    names = [model.__name__ for model in YEAR_FIELDS]
    for number, letter in enumerate(data.sent):
        for position, name in enumerate(letter.picks):
            where = Where.of(DATA).key("sent").index(number).key("picks").index(position)
            check_name(name, names, where, what="type de page")
    return data


# The date that places a page in 2020, by page type.
YEAR_FIELDS = {
    NewsPage: "date__year",
    EventPage: "start_at__year",
    CallForProjectsPage: "opening_date__year",
    OpportunityPage: "deadline__year",
}


def _latest_ids(model: type, count: int = 2) -> list[int]:
    """Pages of 2020 when the demo has some (the letters are of 2020), else the latest."""
    pages = model.objects.live().public().order_by("-first_published_at", "-pk")
    of_2020 = pages.filter(**{YEAR_FIELDS[model]: 2020})
    return list((of_2020 if of_2020.exists() else pages).values_list("pk", flat=True)[:count])


def _body(spec: SentLetter) -> list[dict]:
    headings = letters_data().headings
    text = "".join(part.html() for part in spec.editorial)
    blocks = [{"type": "editorial", "value": {"heading": headings.editorial, "text": text}}]
    models = {model.__name__: model for model in YEAR_FIELDS}
    picks = [pk for name in spec.picks for pk in _latest_ids(models[name])]
    if picks:
        blocks.append({"type": "picked", "value": {"heading": headings.picked, "pages": picks}})
    return blocks


def _sent_letter(index: LetterIndexPage, spec: SentLetter) -> bool:
    """Create the letter as sent on its date; False when it already exists."""
    if index.get_children().filter(slug=spec.slug).exists():
        return False
    letter = LetterPage(
        title=spec.title, slug=spec.slug, preheader=spec.preheader, live=False, body=_body(spec)
    )
    index.add_child(instance=letter)
    letter.save_revision().publish()
    letter.refresh_from_db()
    sent_at = timezone.make_aware(datetime.datetime.combine(spec.sent_on, datetime.time(9)))
    rendered = render_letter(letter)
    # As sent, without sending anything: the demo's addresses are fictitious.
    LetterSending.objects.create(
        letter=letter,
        started_at=sent_at,
        finished_at=sent_at,
        subject=rendered.subject,
        web_html=rendered.web_html,
        email_html=rendered.email_html,
        email_text=rendered.email_text,
    )
    LetterPage.objects.filter(pk=letter.pk).update(first_published_at=sent_at)
    return True


@register_step(order=79, label="Lettres d'information : archive, lettres envoyées, brouillon")
def letters_step(run: DemoRun) -> str:
    data = letters_data()
    archive = PageSpec(
        LetterIndexPage,
        data.archive.slug,
        data.archive.title,
        static={"show_in_menus": True, "introduction": data.archive.introduction},
    )
    sync_pages(run, parent=run.pages["accueil"], specs=[archive])
    index = run.pages[data.archive.slug]
    tally = run.tally(LETTERS)
    for spec in data.sent:
        tally.created += _sent_letter(index, spec)
    if not index.get_children().filter(slug=data.draft.slug).exists():
        draft = LetterPage(
            title=data.draft.title,
            slug=data.draft.slug,
            preheader=data.draft.preheader,
            live=False,
            body=template_body(),
        )
        index.add_child(instance=draft)
        draft.save_revision()
        tally.created += 1
    return LETTERS.phrase(tally.created, tally.updated)
