"""The demo's content as data: YAML files next to each app (`<app>/demo/*.yaml`), read here.

`read_records(path, Record)` reads a file and checks its shape against a dataclass (the
fields, their types, nested lists and records): a file that does not fit stops the command
with a message naming the file and the field. Page trees and stream fields use a few shared
formats (below): rich text as parts, stream blocks by name, links to pages by slug and to
images by key, resolved when the demo is built.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")


class DemoContentError(Exception):
    """The database holds something the demo cannot build on (the command reports it)."""


class DemoDataError(DemoContentError):
    """A demo data file does not have the expected shape or names something unknown."""


@dataclass(frozen=True)
class Where:
    """A place in a data file, for the messages: `home/demo/pages.yaml, children[2].title`."""

    file: str
    path: str = ""

    @classmethod
    def of(cls, path: Path) -> Where:
        """The top of a file, named from the current directory when it lies below it."""
        try:
            return cls(str(path.resolve().relative_to(Path.cwd())))
        except ValueError:
            return cls(str(path))

    def key(self, name: str) -> Where:
        return Where(self.file, f"{self.path}.{name}" if self.path else name)

    def index(self, number: int) -> Where:
        return Where(self.file, f"{self.path}[{number}]")

    def error(self, message: str) -> DemoDataError:
        place = f"{self.file}, {self.path}" if self.path else self.file
        return DemoDataError(f"Données de démonstration {place} : {message}")


def check_name(value: str, names: Iterable[str], where: Where, *, what: str) -> None:
    """`value` must be one of `names` (a type, a place, a choice...)."""
    names = list(names)
    if value not in names:
        raise where.error(f"{what} « {value} » inconnu (possibles : {', '.join(names)})")


def read(path: Path) -> tuple[Any, Where]:
    """The parsed file and the place of its top for messages."""
    where = Where.of(path)
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream), where
    except OSError as error:
        raise where.error(f"fichier illisible ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise where.error(f"YAML invalide : {error}") from error


# --- Checking a shape against dataclasses ---------------------------------------------------

TYPE_NAMES = {
    str: "un texte",
    int: "un nombre entier",
    float: "un nombre",
    bool: "true ou false",
    list: "une liste",
    dict: "une table (clé : valeur)",
}


def build(record: type[T], data: Any, where: Where) -> T:
    """`data` as a `record` (a dataclass), every field checked; unknown keys are refused so a
    misspelt field is not silently ignored."""
    if not isinstance(data, dict):
        raise where.error(f"{TYPE_NAMES[dict]} attendue, pas {data!r}")
    hints = typing.get_type_hints(record)
    known = {f.name: f for f in dataclasses.fields(record) if f.init}
    if unknown := sorted(set(data) - set(known)):
        raise where.key(unknown[0]).error(f"champ inconnu (champs possibles : {', '.join(known)})")
    values = {}
    for name, spec in known.items():
        if name in data:
            values[name] = convert(hints[name], data[name], where.key(name))
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise where.key(name).error("champ obligatoire manquant")
    return record(**values)


def convert(kind: Any, value: Any, where: Where) -> Any:
    """`value` checked against a type annotation: a scalar, `list[...]`, `tuple[..., ...]`,
    `dict[str, ...]`, `X | None`, a dataclass or `Any`."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return value
    if dataclasses.is_dataclass(kind):
        return build(kind, value, where)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [arg for arg in args if arg is not type(None)]
        return convert(inner, value, where)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise where.error(f"{TYPE_NAMES[list]} attendue, pas {value!r}")
        if origin is tuple and args[-1] is not Ellipsis:
            # A fixed tuple, such as (colour, share): one type per position.
            if len(value) != len(args):
                raise where.error(f"{len(args)} valeurs attendues, pas {value!r}")
            return tuple(
                convert(arg, item, where.index(n))
                for n, (arg, item) in enumerate(zip(args, value, strict=True))
            )
        items = [convert(args[0], item, where.index(n)) for n, item in enumerate(value)]
        return items if origin is list else tuple(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise where.error(f"{TYPE_NAMES[dict]} attendue, pas {value!r}")
        return {
            str(key): convert(args[1], item, where.key(str(key))) for key, item in value.items()
        }
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    # bool is an int in Python, never in the data.
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise where.error(f"{TYPE_NAMES.get(kind, kind.__name__)} attendu, pas {value!r}")


def read_records(path: Path, record: type[T]) -> T:
    """A whole file as one record (a dataclass whose fields are the file's top-level keys)."""
    data, where = read(path)
    return build(record, data, where)


# --- Rich text ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RichPart:
    """One part of a rich text: a paragraph, a list or a small heading (exactly one)."""

    p: str | None = None
    ul: list[str] | None = None
    h3: str | None = None

    def html(self) -> str:
        if self.p is not None:
            return f"<p>{self.p}</p>"
        if self.ul is not None:
            return "<ul>" + "".join(f"<li>{item}</li>" for item in self.ul) + "</ul>"
        return f"<h3>{self.h3}</h3>"


def rich_parts(value: Any, where: Where) -> list[RichPart]:
    parts = convert(list[RichPart], value, where)
    for number, part in enumerate(parts):
        if sum(x is not None for x in (part.p, part.ul, part.h3)) != 1:
            raise where.index(number).error("une partie est soit p, soit ul, soit h3")
    return parts


PAGE_LINK = re.compile(r'<a page="([^"]+)">')


class Refs:
    """Turns slugs and image keys into the ids the stored content holds, once the pages and
    images exist (`pages` and `images` of the demo run)."""

    def __init__(self, pages: dict[str, Any], images: dict[str, Any]) -> None:
        self.pages, self.images = pages, images

    def page(self, slug: str, where: Where) -> Any:
        if slug not in self.pages:
            raise where.error(f"page « {slug} » inconnue de la démonstration")
        return self.pages[slug]

    def image(self, key: str, where: Where) -> Any:
        if key not in self.images:
            raise where.error(f"image « {key} » inconnue de la démonstration")
        return self.images[key]

    def text(self, html: str, where: Where) -> str:
        """`<a page="slug">` becomes a Wagtail page link."""
        return PAGE_LINK.sub(
            lambda m: f'<a linktype="page" id="{self.page(m.group(1), where).pk}">', html
        )

    def rich(self, parts: list[RichPart], where: Where) -> str:
        return self.text("".join(part.html() for part in parts), where)

    def link(self, link: Link, where: Where) -> dict:
        page = self.page(link.page, where.key("page")) if link.page else None
        return {"page": page.pk if page else None, "url": link.url, "label": link.label}


# --- Stream blocks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: str = "h2"


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str = ""


@dataclass(frozen=True)
class Link:
    page: str = ""
    url: str = ""
    label: str = ""


@dataclass(frozen=True)
class CallToAction:
    title: str
    text: str
    label: str
    page: str = ""
    url: str = ""


@dataclass(frozen=True)
class Figure:
    value: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class KeyFigures:
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class Question:
    question: str
    answer: list[RichPart]


@dataclass(frozen=True)
class Accordion:
    title: str
    items: list[Question]


@dataclass(frozen=True)
class ImageBlock:
    image: str
    caption: str = ""


@dataclass(frozen=True)
class Block:
    """One block of a stream field as written in a file, checked, with its place."""

    type: str
    value: Any
    where: Where


def _heading(value: Heading, refs: Refs, where: Where) -> dict:
    return {"text": value.text, "level": value.level}


def _figure(value: Figure, refs: Refs, where: Where) -> dict:
    return {"value": value.value, "label": value.label, "detail": value.detail}


# Each block: the record its value is read as (a text for the shorthands), and its raw value.
BLOCKS: dict[str, tuple[Any, Callable[[Any, Refs, Where], Any]]] = {
    "heading": (Heading, _heading),
    "paragraph": (list[RichPart], lambda value, refs, where: refs.rich(value, where)),
    "quote": (
        Quote,
        lambda value, refs, where: {"quote": value.text, "attribution": value.attribution},
    ),
    "call_to_action": (
        CallToAction,
        lambda value, refs, where: {
            "title": value.title,
            "text": value.text,
            "link": refs.link(Link(value.page, value.url, value.label), where),
        },
    ),
    "accordion": (
        Accordion,
        lambda value, refs, where: {
            "title": value.title,
            "items": [
                {"question": item.question, "answer": refs.rich(item.answer, where)}
                for item in value.items
            ],
        },
    ),
    "key_figures": (
        KeyFigures,
        lambda value, refs, where: {
            "title": value.title,
            "figures": [_figure(figure, refs, where) for figure in value.figures],
        },
    ),
    "figure": (Figure, _figure),
    "image": (
        ImageBlock,
        lambda value, refs, where: {
            "image": refs.image(value.image, where.key("image")).pk,
            "caption": value.caption,
            "credit": "",
        },
    ),
    "link": (Link, lambda value, refs, where: refs.link(value, where)),
}


def stream_blocks(value: Any, where: Where) -> list[Block]:
    """A stream field's blocks, each a one-key table `{type: value}`, checked."""
    if not isinstance(value, list):
        raise where.error(f"{TYPE_NAMES[list]} de blocs attendue")
    blocks = []
    for number, item in enumerate(value):
        place = where.index(number)
        if not (isinstance(item, dict) and len(item) == 1):
            raise place.error(f"un bloc s'écrit « type: valeur », types : {', '.join(BLOCKS)}")
        ((name, raw),) = item.items()
        check_name(name, BLOCKS, place, what="type de bloc")
        if name == "heading" and isinstance(raw, str):
            raw = {"text": raw}  # the usual heading, a level-2 one, is written as its text
        if name == "paragraph":
            checked = rich_parts(raw, place.key(name))
        else:
            checked = convert(BLOCKS[name][0], raw, place.key(name))
        blocks.append(Block(name, checked, place.key(name)))
    return blocks


def stream_data(blocks: list[Block], refs: Refs) -> list[dict]:
    """The raw stream (`[{"type": ..., "value": ...}]`) Wagtail stores for `blocks`."""
    return [
        {"type": block.type, "value": BLOCKS[block.type][1](block.value, refs, block.where)}
        for block in blocks
    ]


# --- Page trees -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRecord:
    """A page as written in a file: its model by class name, its fields, its children."""

    slug: str
    type: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    children: list[PageRecord] = field(default_factory=list)
