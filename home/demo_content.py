"""Demo content for `manage.py load_demo_content`: a small framework of steps and home's steps.

The command runs every registered step, in `order`, inside one transaction. Each step is a
small function that looks its objects up before creating them, so a second run changes
nothing. The texts are data: YAML files in each app's `demo/` folder, read and checked by
`home/demo_data.py`; this module and the apps' modules hold the logic that builds pages and
objects from them. Another app adds its own content in `<app>/demo_content.py` (the command
imports that module in every installed app):

    from home.demo_content import DemoRun, Kind, load_page_tree, register_step, sync_pages

    ACTORS = Kind("acteur", "acteurs")

    @register_step(order=50, label="Annuaire des acteurs")
    def actors(run: DemoRun) -> str:
        home = run.pages["accueil"]  # what earlier steps built: run.pages, run.images
        directory = load_page_tree(DATA / "pages.yaml", [DirectoryPage])
        sync_pages(run, parent=home, specs=[directory])  # counted in the pages' tally
        ...
        run.tally(ACTORS).created += 1
        return "12 acteurs créés"

Home's steps: 10 images (home/demo/site.yaml), 20 pages (home/demo/pages.yaml), 80 site
identity, 85 navigation (late, so that the header lists every top-level page marked "show in
menus" that later steps add), 90 accounts. The texts are French and written from the
network's 2020 activity report; every person named is fictitious.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import math
import os
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.files.images import ImageFile
from django.db import models
from django.utils import timezone
from PIL import Image, ImageColor, ImageDraw, ImageFont
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site
from wagtail.utils.file import hash_filelike

from .demo_data import (
    PAGE_LINK,
    DemoContentError,
    Link,
    PageRecord,
    Refs,
    Where,
    build,
    check_name,
    convert,
    read,
    read_records,
    rich_parts,
    stream_blocks,
    stream_data,
)
from .models import (
    CustomImage,
    HomePage,
    NavigationSettings,
    Partner,
    SiteIdentitySettings,
    StandardPage,
)

# --- Steps and their shared state -----------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of object the summary counts, with its French nouns for the sentence."""

    singular: str
    plural: str
    feminine: bool = False

    def phrase(self, created: int, updated: int) -> str:
        """French agreement in gender and number: « 3 pages créées, 1 mise à jour »."""
        feminine = "e" if self.feminine else ""
        noun = self.plural if created > 1 else self.singular
        created_word = "créé" + feminine + ("s" if created > 1 else "")
        # "mis" is already plural in the masculine.
        updated_word = "mis" + feminine + ("s" if updated > 1 and self.feminine else "")
        return f"{created} {noun} {created_word}, {updated} {updated_word} à jour"


PAGES = Kind("page", "pages", feminine=True)
IMAGES = Kind("image", "images", feminine=True)
USERS = Kind("utilisateur", "utilisateurs")
GROUPS = Kind("groupe", "groupes")
SETTINGS = Kind("réglage", "réglages")


@dataclass
class Tally:
    created: int = 0
    updated: int = 0


# The day the demo's dates are counted from (upcoming sessions, open calls, offers'
# deadlines): today unless the command is given one. Two runs with the same day build the
# same content, even when midnight falls between them.
_REFERENCE_DAY: ContextVar[datetime.date | None] = ContextVar("demo_reference_day", default=None)


def reference_day() -> datetime.date:
    """The day the running demo build counts its dates from (today outside a build)."""
    return _REFERENCE_DAY.get() or timezone.localdate()


@contextmanager
def counting_from(day: datetime.date | None) -> Iterator[datetime.date]:
    """Within the block, the demo's dates count from `day` (today when None)."""
    day = day or timezone.localdate()
    token = _REFERENCE_DAY.set(day)
    try:
        yield day
    finally:
        _REFERENCE_DAY.reset(token)


@dataclass
class DemoRun:
    """What the steps share: the counts for the summary and what earlier steps built."""

    tallies: dict[Kind, Tally] = field(default_factory=dict)
    images: dict[str, CustomImage] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    # Lines the command prints once the transaction has committed (how to log in).
    closing_lines: list[str] = field(default_factory=list)

    def tally(self, kind: Kind) -> Tally:
        return self.tallies.setdefault(kind, Tally())

    def summary(self) -> str:
        parts = [kind.phrase(t.created, t.updated) for kind, t in self.tallies.items()]
        unchanged = all(t.created == t.updated == 0 for t in self.tallies.values())
        return (
            "Contenu de démonstration : "
            + " ; ".join(parts)
            + (" (rien à changer)." if unchanged else ".")
        )


@dataclass(frozen=True)
class Step:
    order: int
    label: str
    run: Callable[[DemoRun], str]


STEPS: list[Step] = []


def register_step(*, order: int, label: str) -> Callable:
    """Add a step to the command; the function returns the detail of its progress line."""

    def decorator(function: Callable[[DemoRun], str]) -> Callable[[DemoRun], str]:
        # A module imported twice (tests, autoreload) must not register its step twice.
        key = (function.__module__, function.__qualname__)
        if not any((step.run.__module__, step.run.__qualname__) == key for step in STEPS):
            STEPS.append(Step(order=order, label=label, run=function))
        return function

    return decorator


def ordered_steps() -> list[Step]:
    return sorted(STEPS, key=lambda step: step.order)


# --- Comparing before writing ---------------------------------------------------------------


def _strip_ids(data: Any) -> Any:
    """Stream data without its block ids, which differ on every save."""
    if isinstance(data, dict):
        return {key: _strip_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_strip_ids(item) for item in data]
    return data


def stream_json(stream_field: StreamField, value: Any) -> list:
    """Comparable JSON for a stream, whether stored or raw (`[{"type": ..., "value": ...}]`)."""
    stream = stream_field.to_python(value)
    return _strip_ids(
        [{"type": c.block_type, "value": c.block.get_prep_value(c.value)} for c in stream]
    )


def differing_fields(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """The names of `values` whose value differs from the instance's."""
    changed = []
    for name, wanted in values.items():
        model_field = instance._meta.get_field(name)
        if isinstance(model_field, StreamField):
            same = stream_json(model_field, getattr(instance, name)) == stream_json(
                model_field, wanted
            )
        elif isinstance(model_field, models.ForeignKey):
            same = getattr(instance, model_field.attname) == (wanted.pk if wanted else None)
        else:
            same = getattr(instance, name) == wanted
        if not same:
            changed.append(name)
    return changed


# --- Step 10: the "Réseau" collection and the generated images ------------------------------

PALETTE = ["#1a9e8f", "#f29f05", "#e4572e", "#76b041", "#4aa3df", "#9b5de5"]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # DejaVu (a system font on Debian) has the accented letters; Pillow's bundled font, the
    # fallback where it is missing, has ASCII only (`_write` strips the accents for it).
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _write(pen: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, **kwargs) -> None:
    font = _font(size)
    if "DejaVu" not in str(getattr(font, "path", "")):
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    pen.text(xy, text, font=font, **kwargs)


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def draw_hero() -> bytes:
    """Coloured nodes joined by lines: a network, behind the home page's title."""
    width, height = 1600, 600
    picture = Image.new("RGB", (width, height), "#16325c")
    pen = ImageDraw.Draw(picture)
    for band in range(6):
        pen.rectangle(
            (0, band * 100, width, band * 100 + 100), fill=(22, 50 + band * 8, 92 + band * 6)
        )
    nodes = [
        (int(110 + i * 105), int(300 + 170 * math.sin(i * 1.3) * math.cos(i * 0.4)))
        for i in range(14)
    ]
    for i, (x, y) in enumerate(nodes):
        for j in (i + 1, i + 3):
            if j < len(nodes):
                pen.line((x, y, *nodes[j]), fill="#9fb8d9", width=3)
    for i, (x, y) in enumerate(nodes):
        radius = 22 + (i * 7) % 26
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=PALETTE[i % 6])
    return _png(picture)


def draw_highlights(title: str, labels: list[list[str]]) -> bytes:
    """A timeline of the year's highlights: the title above, each highlight's lines below."""
    width, height = 1200, 675
    picture = Image.new("RGB", (width, height), "#f4f1ea")
    pen = ImageDraw.Draw(picture)
    _write(pen, (width // 2, 110), title, 54, fill="#16325c", anchor="mm")
    pen.line((100, 340, 1100, 340), fill="#16325c", width=8)
    for i, lines in enumerate(labels):
        x = 160 + i * 220
        pen.ellipse((x - 40, 300, x + 40, 380), fill=PALETTE[i], outline="#16325c", width=4)
        for row, line in enumerate(lines):
            _write(pen, (x, 440 + row * 40), line, 30, fill="#16325c", anchor="mm")
    return _png(picture)


def draw_logo(name_lines: list[str], colour: str) -> bytes:
    """A placeholder logo: an emblem and the partner's name, never the real logo."""
    picture = Image.new("RGB", (600, 300), "#ffffff")
    pen = ImageDraw.Draw(picture)
    pen.rounded_rectangle((8, 8, 592, 292), radius=24, outline=colour, width=8)
    pen.ellipse((40, 100, 140, 200), fill=colour)
    top = 150 - 22 * len(name_lines)
    for row, line in enumerate(name_lines):
        _write(pen, (170, top + row * 44), line, 34, fill="#1f2933")
    return _png(picture)


def _gradient(picture: Image.Image, top: str, bottom: str) -> None:
    """A vertical gradient from `top` to `bottom` over the whole picture."""
    pen = ImageDraw.Draw(picture)
    start, end = ImageColor.getrgb(top), ImageColor.getrgb(bottom)
    for y in range(picture.height):
        mix = y / max(picture.height - 1, 1)
        pen.line(
            (0, y, picture.width, y),
            fill=tuple(round(a + (b - a) * mix) for a, b in zip(start, end, strict=True)),
        )


def _hills(pen: ImageDraw.ImageDraw, size: tuple[int, int], layers: list[tuple[str, float]]):
    """Rolling hills, back to front: each layer a colour and its height (share of the picture)."""
    width, height = size
    for index, (colour, share) in enumerate(layers):
        base = height * (1 - share)
        points = [
            (x, base + 28 * math.sin(x / (170 + 40 * index) + index * 1.7))
            for x in range(0, width + 20, 20)
        ]
        pen.polygon([(0, height), *points, (width, height)], fill=colour)


def draw_scene(motif: str, sky: tuple[str, str], hills: list[tuple[str, float]]) -> bytes:
    """A flat illustration, 1200 × 675: a sky, a sun, hills and a motif of the theme."""
    size = (1200, 675)
    picture = Image.new("RGB", size)
    _gradient(picture, *sky)
    pen = ImageDraw.Draw(picture)
    pen.ellipse((860, 80, 1020, 240), fill="#f4b63f")
    _hills(pen, size, hills)
    MOTIFS[motif](pen)
    return _png(picture)


def _motif_water(pen: ImageDraw.ImageDraw) -> None:
    for index, (x, y, r) in enumerate([(300, 330, 70), (470, 410, 48), (180, 470, 40)]):
        pen.ellipse((x - r, y - r, x + r, y + r), fill="#4aa3df" if index else "#1f78b4")
        pen.polygon(
            [(x - r * 0.87, y - r * 0.5), (x, y - r * 2.1), (x + r * 0.87, y - r * 0.5)],
            fill="#4aa3df" if index else "#1f78b4",
        )
    for row in range(3):
        y = 560 + row * 34
        pen.line(
            [(x, y + 10 * math.sin(x / 40)) for x in range(0, 1200, 10)], fill="#e8f3f1", width=6
        )


def _motif_fields(pen: ImageDraw.ImageDraw) -> None:
    for column in range(9):
        x = 120 + column * 120
        pen.line((x, 640, x, 520), fill="#2f6b2f", width=8)
        pen.ellipse((x - 36, 470, x, 530), fill="#76b041")
        pen.ellipse((x, 450, x + 36, 512), fill="#8fcb4f")


def _motif_books(pen: ImageDraw.ImageDraw) -> None:
    colours = ["#e4572e", "#0b5563", "#f29f05", "#9b5de5", "#1a9e8f"]
    for index, colour in enumerate(colours):
        x = 220 + index * 74
        top = 330 + (index % 2) * 40
        pen.rounded_rectangle((x, top, x + 62, 600), radius=6, fill=colour)
        pen.line((x + 12, top + 40, x + 50, top + 40), fill="#ffffff", width=5)
    pen.rounded_rectangle((650, 380, 930, 560), radius=12, fill="#1c2430")
    pen.rectangle((668, 398, 912, 542), fill="#e8f3f1")
    for row in range(4):
        pen.line((690, 425 + row * 30, 880 - row * 30, 425 + row * 30), fill="#0b5563", width=8)
    pen.polygon([(620, 575), (960, 575), (930, 560), (650, 560)], fill="#4d5866")


def _motif_care(pen: ImageDraw.ImageDraw) -> None:
    pen.rounded_rectangle((420, 250, 780, 610), radius=48, fill="#ffffff")
    pen.rectangle((560, 300, 640, 560), fill="#e4572e")
    pen.rectangle((470, 390, 730, 470), fill="#e4572e")


def _motif_people(pen: ImageDraw.ImageDraw) -> None:
    colours = ["#e4572e", "#f29f05", "#1a9e8f", "#9b5de5", "#4aa3df", "#76b041", "#f4f1ea"]
    for index, colour in enumerate(colours):
        x = 330 + index * 90
        y = 520 - 50 * math.sin(math.pi * index / (len(colours) - 1))
        pen.ellipse((x - 30, y - 150, x + 30, y - 90), fill=colour)
        pen.rounded_rectangle((x - 42, y - 84, x + 42, y + 20), radius=36, fill=colour)
    pen.ellipse((300, 480, 900, 640), fill="#faf6ef")


MOTIFS: dict[str, Callable[[ImageDraw.ImageDraw], None]] = {
    "water": _motif_water,
    "fields": _motif_fields,
    "books": _motif_books,
    "care": _motif_care,
    "people": _motif_people,
}


# The images' descriptions and the site's identity are data: home/demo/site.yaml.
DATA = Path(__file__).resolve().parent / "demo"
SITE = DATA / "site.yaml"
DRAWINGS = ("hero", "highlights", "logo", "scene")


@dataclass(frozen=True)
class Drawing:
    """How an image is drawn: `kind` and the parameters of that kind."""

    kind: str
    title: str = ""
    labels: list[list[str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    colour: str = ""
    motif: str = ""
    sky: tuple[str, str] = ("", "")
    hills: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class ImageRecord:
    key: str
    title: str
    alt_text: str
    filename: str
    drawing: Drawing


@dataclass(frozen=True)
class SocialLink:
    network: str
    url: str


@dataclass(frozen=True)
class Identity:
    organisation_name: str
    tagline: str
    address: str
    phone: str
    email: str
    newsletter_url: str
    footer_text: str
    accessibility_compliance: str
    accessibility_page: str
    social_links: list[SocialLink]


@dataclass(frozen=True)
class Funder:
    name: str
    url: str
    logo: str


@dataclass(frozen=True)
class SiteData:
    identity: Identity
    funders: list[Funder]
    footer_links: list[Link]
    footer_sections: list[str]
    collection: str
    credit: str
    images: list[ImageRecord]
    theme_illustrations: dict[str, str]
    default_illustration: str


@functools.cache
def site_data() -> SiteData:
    data = read_records(SITE, SiteData)
    where = Where.of(SITE)
    for number, record in enumerate(data.images):
        place = where.key("images").index(number).key("drawing")
        check_name(record.drawing.kind, DRAWINGS, place.key("kind"), what="dessin")
        if record.drawing.kind == "scene":
            check_name(record.drawing.motif, MOTIFS, place.key("motif"), what="motif")
    return data


def draw(drawing: Drawing) -> bytes:
    if drawing.kind == "hero":
        return draw_hero()
    if drawing.kind == "highlights":
        return draw_highlights(drawing.title, drawing.labels)
    if drawing.kind == "logo":
        return draw_logo(drawing.lines, drawing.colour)
    return draw_scene(drawing.motif, drawing.sky, drawing.hills)


def illustration_for(run: DemoRun, themes: Iterable[str]) -> CustomImage:
    """The demo illustration of the first theme that has one, else the network's meeting."""
    illustrations = site_data().theme_illustrations
    for slug in themes:
        if slug in illustrations:
            return run.images[illustrations[slug]]
    return run.images[site_data().default_illustration]


def network_collection() -> Collection:
    root = Collection.get_first_root_node()
    name = site_data().collection
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


@register_step(order=10, label="Collection « Réseau » et images")
def images_step(run: DemoRun) -> str:
    collection = network_collection()
    tally = run.tally(IMAGES)
    for spec in site_data().images:
        wanted = {"alt_text": spec.alt_text, "credit": site_data().credit, "collection": collection}
        picture = CustomImage.objects.filter(title=spec.title).first()
        if picture is None:
            data = draw(spec.drawing)
            picture = CustomImage(title=spec.title, **wanted)
            picture.file = ImageFile(io.BytesIO(data), name=spec.filename)
            picture.file_size = len(data)
            picture.file_hash = hash_filelike(io.BytesIO(data))
            picture.save()
            tally.created += 1
        elif changed := differing_fields(picture, wanted):
            # The file stays: an editor may have replaced it with a real picture.
            for name in changed:
                setattr(picture, name, wanted[name])
            picture.save()
            tally.updated += 1
        run.images[spec.key] = picture
    return IMAGES.phrase(tally.created, tally.updated)


# --- Step 20: the page tree -----------------------------------------------------------------


@dataclass
class PageSpec:
    """One page: `static` fields are set at creation, `content` (which may refer to other
    pages or images) once every page exists."""

    model: type[Page]
    slug: str
    title: str
    static: dict[str, Any] = field(default_factory=dict)
    content: Callable[[DemoRun], dict[str, Any]] | None = None
    children: list[PageSpec] = field(default_factory=list)

    def walk(self) -> list[PageSpec]:
        return [self, *(page for child in self.children for page in child.walk())]


@functools.cache
def page_tree() -> PageSpec:
    """Home's pages: home/demo/pages.yaml."""
    return load_page_tree(DATA / "pages.yaml", [HomePage, StandardPage])


def load_page_tree(path: Path, page_models: Iterable[type[Page]]) -> PageSpec:
    """A file's page tree as specs; `page_models` are the types its pages may have."""
    data, where = read(path)
    by_name = {model.__name__: model for model in page_models}
    return _page_spec(build(PageRecord, data, where), by_name, where)


def _page_spec(record: PageRecord, page_models: dict[str, type[Page]], where: Where) -> PageSpec:
    check_name(record.type, page_models, where.key("type"), what="type de page")
    model = page_models[record.type]
    static, linked = _page_fields(model, record.fields, where.key("fields"))
    children = [
        _page_spec(child, page_models, where.key("children").index(number))
        for number, child in enumerate(record.children)
    ]
    content = None
    if linked:

        def content(run: DemoRun) -> dict[str, Any]:
            refs = Refs(run.pages, run.images)
            return {name: resolve(refs) for name, resolve in linked.items()}

    return PageSpec(model, record.slug, record.title, static, content, children)


def _page_fields(
    model: type[Page], values: dict[str, Any], where: Where
) -> tuple[dict[str, Any], dict[str, Callable[[Refs], Any]]]:
    """The fields set at creation, and those that name other pages or images, resolved once
    every page exists."""
    static: dict[str, Any] = {}
    linked: dict[str, Callable[[Refs], Any]] = {}
    for name, value in values.items():
        place = where.key(name)
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise place.error(f"champ inconnu du modèle {model.__name__}") from None
        if isinstance(model_field, StreamField):
            blocks = stream_blocks(value, place)
            linked[name] = lambda refs, blocks=blocks: stream_data(blocks, refs)
        elif isinstance(model_field, models.ForeignKey):
            key = convert(str, value, place)
            linked[name] = lambda refs, key=key, place=place: refs.image(key, place)
        elif isinstance(model_field, RichTextField) and isinstance(value, list):
            html = "".join(part.html() for part in rich_parts(value, place))
            if PAGE_LINK.search(html):
                linked[name] = lambda refs, html=html, place=place: refs.text(html, place)
            else:
                static[name] = html
        else:
            static[name] = value
    return static, linked


WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


def _find_or_create_home() -> tuple[HomePage, bool]:
    # HomePage.max_count is 1: reuse the one that exists, wherever an editor put it.
    home = HomePage.objects.first()
    if home is not None:
        return home, False
    tree = page_tree()
    home = HomePage(title=tree.title, slug=tree.slug, live=False, **tree.static)
    Page.get_first_root_node().add_child(instance=home)
    return home, True


def demo_address() -> tuple[str, int]:
    """The host and port `make demo` serves (the Makefile passes its HOST and PORT), so that
    the sitemap, canonical links, iCalendar feeds and e-mails point at a page that answers."""
    host = os.environ.get("DEMO_HOST", "").strip() or "127.0.0.1"
    try:
        port = int(os.environ.get("DEMO_PORT", "8000"))
    except ValueError:
        port = 8000
    return host, port if 0 < port < 65536 else 8000


def _point_default_site_at(home: HomePage) -> None:
    host, port = demo_address()
    wanted = {
        "root_page_id": home.pk,
        "site_name": site_data().identity.organisation_name,
        "hostname": host,
        "port": port,
    }
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(is_default_site=True, **wanted)
    elif any(getattr(site, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(site, name, value)
        site.save()


def _delete_wagtail_welcome_page() -> bool:
    welcome = Page.objects.filter(
        depth=2,
        title=WAGTAIL_WELCOME_TITLE,
        content_type=ContentType.objects.get_for_model(Page),
        numchild=0,
    ).first()
    if welcome is None:
        return False
    welcome.delete()
    return True


def ensure_pages(
    run: DemoRun, parent: Page, specs: list[PageSpec]
) -> list[tuple[PageSpec, Page, bool]]:
    """First pass: every page of `specs` exists under `parent` (a new one as a draft), so
    content can then link to any of them. Returns (spec, page, created), parents first."""
    found = []
    for spec in specs:
        page = parent.get_children().filter(slug=spec.slug).specific().first()
        created = page is None
        if created:
            page = spec.model(title=spec.title, slug=spec.slug, live=False, **spec.static)
            parent.add_child(instance=page)
        elif not isinstance(page, spec.model):
            raise DemoContentError(
                f"La page « {page.title} » ({page.url_path}) n'est pas du type attendu "
                f"{spec.model.__name__} : renommez-la ou supprimez-la."
            )
        run.pages[spec.slug] = page
        found.append((spec, page, created))
        found += ensure_pages(run, page, spec.children)
    return found


def publish_pages(run: DemoRun, found: list[tuple[PageSpec, Page, bool]]) -> None:
    """Second pass: set each page's content and publish a revision, only where it differs."""
    tally = run.tally(PAGES)
    for spec, page, created in found:
        wanted = {"title": spec.title, **spec.static, **(spec.content(run) if spec.content else {})}
        changed = differing_fields(page, wanted)
        if not (changed or created or not page.live):
            continue
        for name in changed:
            setattr(page, name, wanted[name])
        page.save_revision().publish()
        if created:
            tally.created += 1
        else:
            tally.updated += 1


def sync_pages(run: DemoRun, *, parent: Page, specs: list[PageSpec]) -> None:
    """Create or update a subtree of pages: what a later app's step calls for its pages."""
    publish_pages(run, ensure_pages(run, parent, specs))


@register_step(order=20, label="Arborescence des pages")
def pages_step(run: DemoRun) -> str:
    home, home_created = _find_or_create_home()
    _point_default_site_at(home)
    deleted = _delete_wagtail_welcome_page()
    tree = page_tree()
    run.pages[tree.slug] = home
    # The home page's content links to its children: it is published after they exist.
    found = [(tree, home, home_created), *ensure_pages(run, home, tree.children)]
    publish_pages(run, found)
    tally = run.tally(PAGES)
    detail = PAGES.phrase(tally.created, tally.updated)
    return detail + (" ; page d'accueil de Wagtail supprimée" if deleted else "")


# --- Steps 80 and 85: site settings ---------------------------------------------------------


def _default_site() -> Site:
    return Site.objects.get(is_default_site=True)


def _save_if_changed(instance: models.Model, wanted: dict[str, Any]) -> bool:
    changed = differing_fields(instance, wanted)
    for name in changed:
        setattr(instance, name, wanted[name])
    if changed:
        instance.save()
    return bool(changed)


@register_step(order=80, label="Identité du site, contact et partenaires")
def identity_step(run: DemoRun) -> str:
    tally = run.tally(SETTINGS)
    site = _default_site()
    is_new = not SiteIdentitySettings.objects.filter(site=site).exists()
    identity = SiteIdentitySettings.for_site(site)
    data = site_data()
    facts = dataclasses.asdict(data.identity)
    wanted = {
        **facts,
        "accessibility_page": run.pages[data.identity.accessibility_page],
        "social_links": [
            {"type": "link", "value": {"network": link.network, "url": link.url}}
            for link in data.identity.social_links
        ],
    }
    partners = [(f.name, f.url, run.images[f.logo].pk) for f in data.funders]
    current = [(p.name, p.url, p.logo_id) for p in identity.partners.all()]
    changed = differing_fields(identity, wanted)
    if not changed and current == partners:
        tally.created += is_new
        return "à jour"
    for name in changed:
        setattr(identity, name, wanted[name])
    identity.partners = [
        Partner(name=name, url=url, logo_id=logo_id, sort_order=index)
        for index, (name, url, logo_id) in enumerate(partners)
    ]
    identity.save()
    if is_new:
        tally.created += 1
        return "créés"
    tally.updated += 1
    return "mis à jour"


def _page_link(page: Page) -> dict:
    return {"type": "link", "value": {"page": page.pk, "url": "", "label": ""}}


@register_step(order=85, label="Menus de l'en-tête et du pied de page")
def navigation_step(run: DemoRun) -> str:
    tally = run.tally(SETTINGS)
    home = HomePage.objects.get()
    site = _default_site()
    is_new = not NavigationSettings.objects.filter(site=site).exists()
    navigation = NavigationSettings.for_site(site)
    # Every top-level page marked "show in menus", including those later steps add.
    in_menus = list(home.get_children().live().in_menu().order_by("path"))
    sections = site_data().footer_sections
    header = [_page_link(page) for page in in_menus if page.slug not in sections]
    footer = [_page_link(page) for page in in_menus if page.slug in sections]
    # The footer's own links, then the HTML site map for visitors (search engines read
    # /sitemap.xml, named in robots.txt).
    refs = Refs(run.pages, run.images)
    where = Where.of(SITE).key("footer_links")
    footer += [
        {"type": "link", "value": refs.link(link, where.index(number))}
        for number, link in enumerate(site_data().footer_links)
    ]
    changed = _save_if_changed(navigation, {"header_links": header, "footer_links": footer})
    if is_new:
        tally.created += 1
    elif changed:
        tally.updated += 1
    state = "créés" if is_new else "mis à jour" if changed else "à jour"
    return f"{state} ({len(header)} lien(s) d'en-tête, {len(footer)} de pied de page)"


# --- Step 90: accounts and the editors' group -----------------------------------------------

EDITORS_GROUP = "Éditeurs"
ADMIN_USERNAME = "admin"
EDITOR_USERNAME = "editeur"
EDITOR_PAGE_PERMISSIONS = ["add", "change", "publish", "lock", "unlock"]
EDITOR_COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ["add", "change", "choose", "delete"],
    ("wagtaildocs", "document"): ["add", "change", "choose", "delete"],
}
EDITOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("home", "change_siteidentitysettings"),
    ("home", "change_navigationsettings"),
    ("wagtailredirects", "add_redirect"),
    ("wagtailredirects", "change_redirect"),
    ("wagtailredirects", "delete_redirect"),
]


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def editors_group(home: Page) -> tuple[Group, bool, int]:
    """The editors' group with its permissions; returns (group, created, permissions added)."""
    group, created = Group.objects.get_or_create(name=EDITORS_GROUP)
    added = 0
    for app_label, codename in EDITOR_MODEL_PERMISSIONS:
        permission = _permission(app_label, codename)
        if not group.permissions.filter(pk=permission.pk).exists():
            group.permissions.add(permission)
            added += 1
    for action in EDITOR_PAGE_PERMISSIONS:
        _, new = GroupPagePermission.objects.get_or_create(
            group=group, page=home, permission=_permission("wagtailcore", f"{action}_page")
        )
        added += new
    root_collection = Collection.get_first_root_node()
    for (app_label, model), actions in EDITOR_COLLECTION_PERMISSIONS.items():
        for action in actions:
            _, new = GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=_permission(app_label, f"{action}_{model}"),
            )
            added += new
    return group, created, added


def ensure_user(
    username: str, *, superuser: bool, groups: list[Group], password: str | None
) -> tuple[bool, bool]:
    """Create or align an account; returns (created, updated). Without `password`, an
    existing account keeps its own."""
    User = get_user_model()
    wanted = {
        "email": f"{username}@so-cooperation.example",
        "is_staff": True,
        "is_superuser": superuser,
        "is_active": True,
    }
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, **wanted)
        user.set_password(password)
        user.save()
        changed = False
    else:
        changed = _save_if_changed(user, wanted)
        if password is not None and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            changed = True
    missing = [group for group in groups if not user.groups.filter(pk=group.pk).exists()]
    if missing:
        user.groups.add(*missing)
        changed = True
    return created, changed and not created


@register_step(order=90, label="Comptes et groupe « Éditeurs »")
def accounts_step(run: DemoRun) -> str:
    groups_tally, users_tally = run.tally(GROUPS), run.tally(USERS)
    group, group_created, permissions_added = editors_group(HomePage.objects.get())
    if group_created:
        groups_tally.created += 1
    elif permissions_added:
        groups_tally.updated += 1

    from_env = os.environ.get("DEMO_PASSWORD") or None
    User = get_user_model()
    accounts = [(ADMIN_USERNAME, True, []), (EDITOR_USERNAME, False, [group])]
    missing = [name for name, *_ in accounts if not User.objects.filter(username=name).exists()]
    # A password is generated only for accounts that do not exist yet.
    generated = secrets.token_urlsafe(12) if missing and from_env is None else None
    for username, superuser, groups in accounts:
        password = from_env or (generated if username in missing else None)
        created, updated = ensure_user(
            username, superuser=superuser, groups=groups, password=password
        )
        users_tally.created += created
        users_tally.updated += updated

    lines = [
        "Connexion à l'administration : http://127.0.0.1:8000/admin/",
        f"  identifiants : « {ADMIN_USERNAME} » (superutilisateur) et « {EDITOR_USERNAME} » "
        f"(groupe « {EDITORS_GROUP} »)",
    ]
    if from_env:
        lines.append("  mot de passe : celui de la variable d'environnement DEMO_PASSWORD")
    else:
        if generated:
            lines.append(
                f"  mot de passe généré pour {', '.join(missing)} : {generated} "
                "(notez-le : il ne sera plus affiché)"
            )
        kept = [name for name, *_ in accounts if name not in missing]
        if kept:
            lines.append(
                f"  mots de passe inchangés pour {', '.join(kept)} (comptes existants) ; "
                "définissez DEMO_PASSWORD pour les remplacer"
            )
    run.closing_lines.extend(lines)
    return (
        f"{USERS.phrase(users_tally.created, users_tally.updated)} ; groupe "
        f"{'créé' if group_created else 'existant'}, {permissions_added} permission(s) ajoutée(s)"
    )
