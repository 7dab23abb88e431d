"""Demo content of the editorial pages: news, calls for projects, offers, resources (with small
generated PDF documents) and the working groups of the 2020 activity report.

Steps of `manage.py load_demo_content` (see `home.demo_content`), added by `register()`, which
`resources/demo_content.py` calls. The texts are in `resources/demo/editorial.yaml`. Dates are
relative to the day of the run, so the calls show every state (open, closing soon, upcoming,
closed) and one offer is expired whenever the demo is loaded; a second run the same day
changes nothing. Every person named is fictitious."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page

from directory.models import College, Country, SustainableDevelopmentGoal, Theme
from home.demo_content import (
    EDITORS_GROUP,
    DemoRun,
    Kind,
    PageSpec,
    ensure_pages,
    illustration_for,
    publish_pages,
    reference_day,
    register_step,
)
from home.demo_data import Where, check_name, read_records
from working_groups.models import GroupPage

from .models import (
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

DOCUMENTS = Kind("document", "documents")


# --- Small PDF documents --------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    # Latin-1 covers French; the PDF string escapes its three special characters.
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page PDF 1.4 with the title and a few lines, Helvetica in WinAnsi."""
    content = ["BT", "/F1 18 Tf", "72 760 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        content += ["0 -22 Td", f"({_pdf_text(line)}) Tj"]
    content.append("ET")
    stream = "\n".join(content).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _collection() -> Collection:
    root = Collection.get_first_root_node()
    name = editorial().collection
    return root.get_children().filter(name=name).first() or root.add_child(name=name)


def ensure_document(run: DemoRun, title: str, lines: list[str]):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        data = make_pdf(title, lines)
        document = Document(title=title, collection=_collection())
        document.file.save(f"{slugify(title)[:60]}.pdf", ContentFile(data), save=False)
        document.file_size = len(data)
        document.save()
        run.tally(DOCUMENTS).created += 1
    return document


# --- Relations set after the pages exist ----------------------------------------------------


@dataclass
class Relations:
    themes: tuple[str, ...] = ()
    sdgs: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    colleges: tuple[str, ...] = ()


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _wanted_relations(page: Page, relations: Relations) -> dict[str, set[int]]:
    wanted = {
        "themes": _ids(Theme.objects.filter(slug__in=relations.themes)),
        "sdgs": _ids(SustainableDevelopmentGoal.objects.filter(number__in=relations.sdgs)),
        "countries": _ids(Country.objects.filter(code__in=relations.countries)),
    }
    if isinstance(page, CallForProjectsPage):
        wanted["eligible_colleges"] = _ids(College.objects.filter(slug__in=relations.colleges))
    return wanted


def give_relations(page: Page, relations: Relations) -> None:
    """Give a page created by this run its taxonomies before its first publication, which
    stores them (parental many-to-many fields are saved with the page and its revision)."""
    for name, ids in _wanted_relations(page, relations).items():
        getattr(page, name).set(sorted(ids))


def apply_relations(run: DemoRun, page: Page, relations: Relations) -> None:
    """Set the page's taxonomies, publishing a new revision only when they differ."""
    changed = False
    for name, ids in _wanted_relations(page, relations).items():
        if _ids(getattr(page, name).all()) != ids:
            getattr(page, name).set(sorted(ids))
            changed = True
    if changed:
        page.save_revision().publish()


# --- Content: resources/demo/editorial.yaml -------------------------------------------------

DATA = Path(__file__).resolve().parent / "demo" / "editorial.yaml"
INDEX_MODELS = (
    NewsIndexPage,
    CallIndexPage,
    OpportunityIndexPage,
    ResourceIndexPage,
    GroupIndexPage,
)


@dataclass(frozen=True)
class Index:
    slug: str
    type: str
    title: str
    introduction: str


@dataclass(frozen=True)
class News:
    title: str
    category: str
    theme: str
    sdg: int
    summary: str
    country: str = ""


@dataclass(frozen=True)
class Call:
    title: str
    funder: str
    programme: str
    opens_in_days: int
    closes_in_days: int
    amount_min: int
    amount_max: int
    theme: str
    sdg: int
    colleges: list[str]


@dataclass(frozen=True)
class Offer:
    title: str
    kind: str
    structure: str
    city: str
    deadline_in_days: int
    contract: str
    theme: str
    country: str = ""


@dataclass(frozen=True)
class Resource:
    title: str
    kind: str
    year: int
    authors: str
    theme: str
    sdg: int
    country: str = ""
    featured: bool = False


@dataclass(frozen=True)
class CoLead:
    name: str
    organisation: str


@dataclass(frozen=True)
class Group:
    title: str
    kind: str
    purpose: str
    themes: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    co_leads: list[CoLead] = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Texts:
    """The sentences every page of a list shares; `{name}` is that page's field."""

    news_body: str
    call_territory: str
    call_summary: str
    call_body: str
    offer_summary: str
    offer_how_to_apply: str
    resource_summary: str
    resource_document_note: str
    thematic_group_title: str
    country_group_title: str


@dataclass(frozen=True)
class Editorial:
    indexes: list[Index]
    news: list[News]
    calls: list[Call]
    offers: list[Offer]
    resources: list[Resource]
    groups: list[Group]
    collection: str
    texts: Texts


@functools.cache
def editorial() -> Editorial:
    data = read_records(DATA, Editorial)
    names = [model.__name__ for model in BUILDERS]
    for number, index in enumerate(data.indexes):
        where = Where.of(DATA).key("indexes").index(number).key("type")
        check_name(index.type, names, where, what="type de liste")
    return data


def _countries(code: str) -> tuple[str, ...]:
    return (code,) if code else ()


def _body(*sentences: str) -> list[dict]:
    return [{"type": "paragraph", "value": "<p>" + " ".join(sentences) + "</p>"}]


def _today() -> datetime.date:
    return reference_day()


def news_specs() -> list[tuple[PageSpec, Relations]]:
    today = _today()
    specs = []
    texts = editorial().texts
    for n, news in enumerate(editorial().news):
        spec = PageSpec(
            NewsPage,
            slugify(news.title)[:80],
            news.title,
            static={
                "date": today - datetime.timedelta(days=4 * n + 1),
                "category": news.category,
                "summary_text": news.summary,
                "body": _body(news.summary, texts.news_body),
            },
        )
        specs.append((spec, Relations((news.theme,), (news.sdg,), _countries(news.country))))
    return specs


def call_specs() -> list[tuple[PageSpec, Relations]]:
    today = _today()
    specs = []
    texts = editorial().texts
    for call in editorial().calls:
        spec = PageSpec(
            CallForProjectsPage,
            slugify(call.title)[:80],
            call.title,
            static={
                "funder_name": call.funder,
                "programme": call.programme,
                "territory": texts.call_territory,
                "opening_date": today + datetime.timedelta(days=call.opens_in_days),
                "closing_date": today + datetime.timedelta(days=call.closes_in_days),
                "amount_min": call.amount_min,
                "amount_max": call.amount_max,
                "summary_text": texts.call_summary.format(**dataclasses.asdict(call)),
                "body": texts.call_body,
            },
        )
        specs.append((spec, Relations((call.theme,), (call.sdg,), (), tuple(call.colleges))))
    return specs


def offer_specs() -> list[tuple[PageSpec, Relations]]:
    today = _today()
    specs = []
    texts = editorial().texts
    for offer in editorial().offers:
        contract, deadline = offer.contract, offer.deadline_in_days
        spec = PageSpec(
            OpportunityPage,
            slugify(offer.title)[:80],
            offer.title,
            static={
                "kind": offer.kind,
                "structure_name": offer.structure,
                "city": offer.city,
                "contract": contract,
                "duration": contract.split(" de ")[-1] if " de " in contract else "",
                "deadline": today + datetime.timedelta(days=deadline),
                "start_date": today + datetime.timedelta(days=max(deadline, 0) + 30),
                "summary_text": texts.offer_summary.format(**dataclasses.asdict(offer)),
                "how_to_apply": texts.offer_how_to_apply,
            },
        )
        specs.append((spec, Relations((offer.theme,), (), _countries(offer.country))))
    return specs


def resource_specs() -> list[tuple[PageSpec, Relations]]:
    specs = []
    texts = editorial().texts
    for resource in editorial().resources:
        spec = PageSpec(
            ResourcePage,
            slugify(resource.title)[:80],
            resource.title,
            static={
                "kind": resource.kind,
                "year": resource.year,
                "authors": resource.authors,
                "featured": resource.featured,
                "summary_text": texts.resource_summary.format(**dataclasses.asdict(resource)),
            },
        )
        relations = Relations((resource.theme,), (resource.sdg,), _countries(resource.country))
        specs.append((spec, relations))
    return specs


def group_specs() -> list[tuple[PageSpec, Relations]]:
    specs = []
    texts = editorial().texts
    for group in editorial().groups:
        title = (
            texts.thematic_group_title if group.kind == "thematique" else texts.country_group_title
        )
        spec = PageSpec(
            GroupPage,
            slugify(group.title)[:80],
            title.format(title=group.title),
            static={"kind": group.kind, "purpose": group.purpose},
        )
        relations = Relations(tuple(group.themes), tuple(group.sdgs), tuple(group.countries))
        specs.append((spec, relations))
    return specs


# Each listing's type and the builder of its pages.
BUILDERS = {
    NewsIndexPage: news_specs,
    CallIndexPage: call_specs,
    OpportunityIndexPage: offer_specs,
    ResourceIndexPage: resource_specs,
    GroupIndexPage: group_specs,
}


def _sync_documents(run: DemoRun, page: ResourcePage) -> None:
    document = ensure_document(
        run,
        page.title,
        [
            f"{page.get_kind_display()} {page.year}",
            page.authors,
            editorial().texts.resource_document_note,
        ],
    )
    if [item.document_id for item in page.documents.all()] != [document.pk]:
        page.documents.all().delete()
        page.documents.create(document=document)
        page.save_revision().publish()


def _sync_co_leads(page: GroupPage, leads: list[tuple[str, str]]) -> None:
    if [(lead.name, lead.organisation) for lead in page.co_leads.all()] != leads:
        page.co_leads.all().delete()
        for order, (name, organisation) in enumerate(leads):
            page.co_leads.create(name=name, organisation=organisation, sort_order=order)
        page.save_revision().publish()


ILLUSTRATED_LISTINGS = (NewsIndexPage, CallIndexPage, GroupIndexPage)


def editorial_step(run: DemoRun) -> str:
    home = run.pages["accueil"]
    counts: dict[type, int] = dict.fromkeys(BUILDERS, 0)
    models = {model.__name__: model for model in BUILDERS}
    for index in editorial().indexes:
        model = models[index.type]
        children = BUILDERS[model]()
        for spec, relations in children:
            if model in ILLUSTRATED_LISTINGS:
                # Drawn illustrations of their first theme; offers and resources keep the
                # designed fallback of their type.
                spec.static["listing_image"] = illustration_for(run, relations.themes)
        index_spec = PageSpec(
            model,
            index.slug,
            index.title,
            static={"show_in_menus": True, "introduction": index.introduction},
            children=[spec for spec, _relations in children],
        )
        found = ensure_pages(run, home, [index_spec])
        created = {page.pk for _spec, page, new in found if new}
        for spec, relations in children:
            if run.pages[spec.slug].pk in created:
                give_relations(run.pages[spec.slug], relations)
        publish_pages(run, found)
        for spec, relations in children:
            page = run.pages[spec.slug]
            if page.pk not in created:
                apply_relations(run, page, relations)
            if isinstance(page, ResourcePage):
                _sync_documents(run, page)
        counts[model] = len(children)
    for group in editorial().groups:
        leads = [(lead.name, lead.organisation) for lead in group.co_leads]
        _sync_co_leads(run.pages[slugify(group.title)[:80]], leads)
    documents = run.tally(DOCUMENTS)
    return (
        f"{counts[NewsIndexPage]} actualités, {counts[CallIndexPage]} appels, "
        f"{counts[OpportunityIndexPage]} offres, {counts[ResourceIndexPage]} ressources, "
        f"{counts[GroupIndexPage]} groupes ; "
        f"{DOCUMENTS.phrase(documents.created, documents.updated)}"
    )


def search_promotions_step(run: DemoRun) -> str:
    """The editors manage the promoted search results and read the popular queries report
    (search/wagtail_hooks.py opens it to whoever manages the promotions)."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name=EDITORS_GROUP).first()
    if group is None:
        return "pas de groupe « Éditeurs »"
    wanted = Permission.objects.filter(
        content_type__app_label="wagtailsearchpromotions",
        codename__in=["add_searchpromotion", "change_searchpromotion", "delete_searchpromotion"],
    )
    missing = wanted.exclude(group=group)
    added = missing.count()
    group.permissions.add(*missing)
    return f"{added} permissions ajoutées" if added else "déjà en place"


def register() -> None:
    # After the directory (50): group pages list member actors; before the navigation (85),
    # so the five listings marked "show in menus" reach the header.
    register_step(order=60, label="Actualités, appels à projets, offres, ressources et groupes")(
        editorial_step
    )
    # After the accounts (90), which create the editors' group.
    register_step(order=95, label="Résultats de recherche promus : droits des éditeurs")(
        search_promotions_step
    )
