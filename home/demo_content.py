"""Demo content for `manage.py load_demo_content`: a small framework of steps and home's steps.

The command runs every registered step, in `order`, inside one transaction. Each step is a
small function that looks its objects up before creating them, so a second run changes
nothing. Another app adds its own content in `<app>/demo_content.py` (the command imports
that module in every installed app):

    from home.demo_content import DemoRun, Kind, PageSpec, register_step, sync_pages

    ACTORS = Kind("acteur", "acteurs")

    @register_step(order=50, label="Annuaire des acteurs")
    def actors(run: DemoRun) -> str:
        home = run.pages["accueil"]  # what earlier steps built: run.pages, run.images
        directory = PageSpec(DirectoryPage, "annuaire", "Annuaire", static={"show_in_menus": True})
        sync_pages(run, parent=home, specs=[directory])  # counted in the pages' tally
        ...
        run.tally(ACTORS).created += 1
        return "12 acteurs créés"

Home's steps: 10 images, 20 pages, 80 site identity, 85 navigation (late, so that the header
lists every top-level page marked "show in menus" that later steps add), 90 accounts.
The texts are French and written from the network's 2020 activity report; every person
named is fictitious.
"""

from __future__ import annotations

import io
import math
import os
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import models
from PIL import Image, ImageDraw, ImageFont
from wagtail.fields import StreamField
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site
from wagtail.utils.file import hash_filelike

from .models import (
    CustomImage,
    HomePage,
    NavigationSettings,
    Partner,
    SiteIdentitySettings,
    StandardPage,
)

# --- Steps and their shared state -----------------------------------------------------------


class DemoContentError(Exception):
    """The database holds something the demo cannot build on (the command reports it)."""


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


# --- Rich text and block builders (raw stream data) -----------------------------------------


def p(*sentences: str) -> str:
    return "<p>" + " ".join(sentences) + "</p>"


def ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def a(href: str, text: str) -> str:
    return f'<a href="{href}">{text}</a>'


def page_link(page: Page, text: str) -> str:
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


def heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(*html: str) -> dict:
    return {"type": "paragraph", "value": "".join(html)}


def quote(text: str, attribution: str = "") -> dict:
    return {"type": "quote", "value": {"quote": text, "attribution": attribution}}


def link_value(*, page: Page | None = None, url: str = "", label: str = "") -> dict:
    return {"page": page.pk if page else None, "url": url, "label": label}


def call_to_action(title: str, text: str, *, page: Page, label: str) -> dict:
    return {
        "type": "call_to_action",
        "value": {"title": title, "text": text, "link": link_value(page=page, label=label)},
    }


def accordion(title: str, items: list[tuple[str, str]]) -> dict:
    return {
        "type": "accordion",
        "value": {
            "title": title,
            "items": [{"question": question, "answer": answer} for question, answer in items],
        },
    }


def figure(value: str, label: str, detail: str = "") -> dict:
    return {"value": value, "label": label, "detail": detail}


def key_figures(title: str, figures: list[dict]) -> dict:
    return {"type": "key_figures", "value": {"title": title, "figures": figures}}


def image(picture: CustomImage, caption: str = "") -> dict:
    return {"type": "image", "value": {"image": picture.pk, "caption": caption, "credit": ""}}


# --- Organisation facts used in several places ----------------------------------------------

ORGANISATION = "SO Coopération"
TAGLINE = (
    "Réseau régional multi-acteurs de la coopération et de la solidarité internationales "
    "en Nouvelle-Aquitaine"
)
ADDRESS = "Antenne de Bordeaux\nL'Estuaire Coworking\n4 rue Poquelin Molière\n33000 Bordeaux"
ADDRESS_INLINE = "L'Estuaire Coworking, 4 rue Poquelin Molière, 33000 Bordeaux"
# A number of the range ARCEP keeps for fiction: it reaches nobody.
PHONE = "05 36 49 20 20"
EMAIL = "contact@so-cooperation.example"
DEMO_NOTE = (
    "<p><i>Contenu de démonstration : les personnes citées sur cette page sont fictives.</i></p>"
)
FUNDERS = [
    # (image key, name, official site)
    ("logo-region", "Région Nouvelle-Aquitaine", "https://www.nouvelle-aquitaine.fr/"),
    ("logo-afd", "Agence française de développement", "https://www.afd.fr/"),
    (
        "logo-meae",
        "Ministère de l'Europe et des Affaires étrangères",
        "https://www.diplomatie.gouv.fr/",
    ),
]


# --- Step 10: the "Réseau" collection and the generated images ------------------------------

PALETTE = ["#1a9e8f", "#f29f05", "#e4572e", "#76b041", "#4aa3df", "#9b5de5"]
IMAGE_CREDIT = "SO Coopération – illustration de démonstration"


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


def draw_highlights() -> bytes:
    """A timeline of the five highlights of 2020."""
    width, height = 1200, 675
    picture = Image.new("RGB", (width, height), "#f4f1ea")
    pen = ImageDraw.Draw(picture)
    _write(pen, (width // 2, 110), "2020 en cinq temps forts", 54, fill="#16325c", anchor="mm")
    pen.line((100, 340, 1100, 340), fill="#16325c", width=8)
    labels = [
        ("RECITAL ODD",),
        ("PLASTIC",),
        ("Formations", "en ligne"),
        ("Groupes", "pays"),
        ("Nouvelle", "gouvernance"),
    ]
    for i, lines in enumerate(labels):
        x = 160 + i * 220
        pen.ellipse((x - 40, 300, x + 40, 380), fill=PALETTE[i], outline="#16325c", width=4)
        for row, line in enumerate(lines):
            _write(pen, (x, 440 + row * 40), line, 30, fill="#16325c", anchor="mm")
    return _png(picture)


def draw_logo(name_lines: tuple[str, ...], colour: str) -> Callable[[], bytes]:
    """A placeholder logo: an emblem and the partner's name, never the real logo."""

    def draw() -> bytes:
        picture = Image.new("RGB", (600, 300), "#ffffff")
        pen = ImageDraw.Draw(picture)
        pen.rounded_rectangle((8, 8, 592, 292), radius=24, outline=colour, width=8)
        pen.ellipse((40, 100, 140, 200), fill=colour)
        top = 150 - 22 * len(name_lines)
        for row, line in enumerate(name_lines):
            _write(pen, (170, top + row * 44), line, 34, fill="#1f2933")
        return _png(picture)

    return draw


@dataclass(frozen=True)
class ImageSpec:
    key: str
    title: str
    alt_text: str
    filename: str
    draw: Callable[[], bytes]


IMAGE_SPECS = [
    ImageSpec(
        "hero",
        "Illustration – le réseau des acteurs",
        "Illustration : des cercles de couleur reliés par des traits, comme les membres "
        "d'un réseau.",
        "demo-reseau.png",
        draw_hero,
    ),
    ImageSpec(
        "highlights",
        "Illustration – les temps forts de 2020",
        "Frise des cinq temps forts de 2020 : RECITAL ODD, PLASTIC, formations en ligne, "
        "groupes pays et nouvelle gouvernance.",
        "demo-temps-forts-2020.png",
        draw_highlights,
    ),
    ImageSpec(
        "logo-region",
        "Logo de démonstration – Région Nouvelle-Aquitaine",
        "Région Nouvelle-Aquitaine (logo de démonstration)",
        "demo-logo-region.png",
        draw_logo(("Région", "Nouvelle-Aquitaine"), "#c8102e"),
    ),
    ImageSpec(
        "logo-afd",
        "Logo de démonstration – Agence française de développement",
        "Agence française de développement (logo de démonstration)",
        "demo-logo-afd.png",
        draw_logo(("Agence française", "de développement"), "#00607a"),
    ),
    ImageSpec(
        "logo-meae",
        "Logo de démonstration – Ministère de l'Europe et des Affaires étrangères",
        "Ministère de l'Europe et des Affaires étrangères (logo de démonstration)",
        "demo-logo-meae.png",
        draw_logo(("Ministère de l'Europe", "et des Affaires", "étrangères"), "#000091"),
    ),
]
COLLECTION_NAME = "Réseau"


def network_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


@register_step(order=10, label="Collection « Réseau » et images")
def images_step(run: DemoRun) -> str:
    collection = network_collection()
    tally = run.tally(IMAGES)
    for spec in IMAGE_SPECS:
        wanted = {"alt_text": spec.alt_text, "credit": IMAGE_CREDIT, "collection": collection}
        picture = CustomImage.objects.filter(title=spec.title).first()
        if picture is None:
            data = spec.draw()
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


def home_content(run: DemoRun) -> dict[str, Any]:
    pages = run.pages
    return {
        "hero_image": run.images["hero"],
        "hero_link": [
            {
                "type": "link",
                "value": link_value(page=pages["le-reseau"], label="Découvrir le réseau"),
            },
            {
                "type": "link",
                "value": link_value(
                    page=pages["temps-forts-2020"], label="Nos temps forts de 2020"
                ),
            },
        ],
        "key_figures": [
            {"type": "figure", "value": value}
            for value in [
                figure("176", "acteurs animent le réseau", "adhérents ou non, fin 2020"),
                figure("5", "collèges", "pour représenter chaque famille d'acteurs"),
                figure("5 700", "visites sur le site", "au 31 décembre 2020"),
                figure("1 000", "abonnés à nos lettres", "environ, en 2020"),
                figure("27", "structures accompagnées", "47 rendez-vous individuels en 2020"),
                figure("9", "projets lauréats", "du dispositif ODD-yssée"),
            ]
        ],
        "body": [
            heading("Ce que fait le réseau"),
            paragraph(
                p(
                    "Nous repérons les structures de la région engagées à l'international,",
                    "nous les informons des appels à projets, des événements et des offres,",
                    "nous les formons et les accompagnons dans leurs projets, et nous leur",
                    "donnons des occasions de se rencontrer.",
                ),
                ul(
                    "des formations courtes et gratuites pour nos adhérents ;",
                    "un accompagnement individuel pour construire ou consolider un projet ;",
                    "des groupes thématiques et des groupes pays pour échanger entre pairs ;",
                    "un annuaire et une carte des acteurs et de leurs projets.",
                ),
            ),
            quote(
                "En 2020, nous avons appris à travailler autrement : les rencontres se sont "
                "faites à l'écran, et nos partenaires à l'étranger ont pu s'y joindre.",
                "Une adhérente du collège des associations",
            ),
            call_to_action(
                "Rejoindre le réseau",
                "Association, collectivité, université, entreprise : chaque structure trouve "
                "sa place dans l'un de nos cinq collèges.",
                page=pages["les-colleges"],
                label="Découvrir les collèges",
            ),
            accordion(
                "Questions fréquentes",
                [
                    (
                        "Qui peut rejoindre le réseau ?",
                        p(
                            "Toute structure de Nouvelle-Aquitaine qui agit ou veut agir à",
                            "l'international : associations, collectivités, établissements",
                            "d'enseignement, entreprises et autres acteurs.",
                        ),
                    ),
                    (
                        "Les formations sont-elles payantes ?",
                        p(
                            "Non. Elles sont courtes, gratuites et non diplômantes ; elles sont",
                            "réservées aux structures adhérentes.",
                        ),
                    ),
                    (
                        "Comment faire connaître ma structure ?",
                        p(
                            "Remplissez le formulaire de référencement : l'équipe qualifie",
                            "votre fiche puis la publie dans l'annuaire.",
                        ),
                    ),
                ],
            ),
        ],
    }


def network_content(run: DemoRun) -> dict[str, Any]:
    pages = run.pages
    return {
        "body": [
            heading("Une plateforme au service des acteurs"),
            paragraph(
                p(
                    "SO Coopération est né en 2017 du rapprochement de deux réseaux,",
                    "RESODI et Cap Coopération. Il fait partie des réseaux régionaux",
                    "multi-acteurs (RRMA) qui existent dans onze régions françaises.",
                ),
                p(
                    "Le réseau fait le lien entre les institutions et les structures de terrain",
                    "et aide chacun à inscrire ses projets dans les",
                    "objectifs de développement durable (ODD). Il est soutenu par la Région",
                    "Nouvelle-Aquitaine, l'Agence française de développement et le ministère de",
                    "l'Europe et des Affaires étrangères.",
                ),
            ),
            key_figures(
                "Adhérents à jour de cotisation au 31 décembre 2020, par département",
                [
                    figure("41", "Gironde"),
                    figure("21", "Vienne"),
                    figure("16", "Deux-Sèvres"),
                    figure("8", "Charente"),
                    figure("8", "Pyrénées-Atlantiques"),
                    figure("6", "Charente-Maritime"),
                    figure("5", "Corrèze"),
                    figure("4", "Haute-Vienne"),
                    figure("3", "Lot-et-Garonne"),
                    figure("1", "Dordogne"),
                ],
            ),
            call_to_action(
                "Une question, un projet ?",
                "L'équipe vous répond depuis ses deux antennes, à Bordeaux et à Poitiers.",
                page=pages["equipe"],
                label="Rencontrer l'équipe",
            ),
        ]
    }


def mission_content(run: DemoRun) -> dict[str, Any]:
    return {
        "body": [
            paragraph(
                p(
                    "Le réseau existe pour que les projets de coopération menés depuis la",
                    "Nouvelle-Aquitaine soient mieux construits, mieux connus et mieux reliés",
                    "entre eux. L'agenda 2030 et ses dix-sept objectifs de développement",
                    "durable nous servent de boussole.",
                )
            ),
            accordion(
                "Nos axes de travail",
                [
                    (
                        "Identifier les acteurs",
                        p(
                            "Un observatoire recense les structures engagées à l'international,",
                            "leurs domaines et leurs besoins. Depuis juin 2020, un outil de",
                            "gestion de la relation avec les membres produit cartes et",
                            "baromètres sur les ODD en région.",
                        ),
                    ),
                    (
                        "Informer",
                        p(
                            "Une veille régulière alimente le site, les réseaux sociaux et nos",
                            "envois : 8 lettres mensuelles et 32 envois ciblés (webinaires,",
                            "formations, appels à projets) en 2020.",
                        ),
                    ),
                    (
                        "Former et accompagner",
                        p(
                            "Formations généralistes sur la gestion de projet, modules",
                            "thématiques (eau et assainissement, égalité femmes-hommes…) et",
                            "rendez-vous individuels pour les porteurs de projets.",
                        ),
                    ),
                    (
                        "Mettre en réseau",
                        p(
                            "Groupes thématiques (territorialisation des ODD, eau et",
                            "assainissement) et groupes pays (Burkina Faso, Madagascar, Togo,",
                            "Maghreb) réunissent des acteurs de toutes catégories.",
                        ),
                    ),
                    (
                        "Éduquer à la citoyenneté et à la solidarité internationales",
                        p(
                            "Avec le projet RECITAL ODD, le réseau rapproche les acteurs de la",
                            "solidarité internationale et ceux de l'éducation à",
                            "l'environnement.",
                        ),
                    ),
                    (
                        "Appuyer les collectivités territoriales",
                        p(
                            "Le réseau dialogue avec les élus et fait connaître l'action",
                            "extérieure des collectivités ; 21 collectivités en étaient membres",
                            "en 2020.",
                        ),
                    ),
                ],
            ),
        ]
    }


BOARD = [
    ("Claire Vidal-Moreau", "présidente"),
    ("Mathieu Labarthe", "vice-président"),
    ("Fatou Ndiaye", "vice-présidente"),
    ("Julien Estève", "trésorier"),
    ("Inès Carvalho", "secrétaire"),
    ("Pauline Girard", "membre du bureau"),
    ("Karim Haddad", "membre du bureau"),
    ("Élise Fournier", "membre du bureau"),
    ("Olivier Duplantier", "membre du bureau"),
]
# Seats of the 2020 board of directors, by college (counted from the report's list).
BOARD_SEATS = [
    ("9", "associations, ONG et fondations"),
    ("8", "collectivités territoriales"),
    ("5", "universités et organismes de formation"),
    ("5", "acteurs économiques"),
    ("3", "autres acteurs"),
]


def governance_content(run: DemoRun) -> dict[str, Any]:
    return {
        "body": [
            paragraph(DEMO_NOTE),
            heading("Le conseil d'administration"),
            paragraph(
                p(
                    "Chacun des cinq collèges élit ses représentants au conseil",
                    "d'administration. L'assemblée générale du 3 novembre 2020 a renouvelé",
                    "le conseil et le bureau : la plupart des élus du collège des",
                    "collectivités y siègent pour la première fois.",
                )
            ),
            key_figures(
                "Sièges au conseil d'administration, par collège",
                [figure(seats, college) for seats, college in BOARD_SEATS],
            ),
            heading("Le bureau"),
            paragraph(ul(*(f"<b>{name}</b>, {role}" for name, role in BOARD))),
        ]
    }


COLLEGES = [
    (
        "Collectivités territoriales",
        p(
            "Communes, intercommunalités, départements et syndicats qui mènent une action",
            "extérieure. En 2020, 21 collectivités étaient membres, dont deux nouvelles,",
            "parmi lesquelles un syndicat de gestion des déchets.",
        ),
    ),
    (
        "Associations, ONG et fondations",
        p(
            "Le collège le plus nombreux : associations de solidarité internationale,",
            "comités de jumelage, associations de migrants et fondations. L'observatoire",
            "du réseau en recensait 104 à la fin de 2020.",
        ),
    ),
    (
        "Universités et organismes de formation",
        p(
            "Établissements d'enseignement supérieur, instituts et organismes qui forment",
            "aux métiers de la coopération et de la solidarité internationales.",
        ),
    ),
    (
        "Acteurs économiques",
        p(
            "Entreprises, coopératives et structures de l'économie sociale et solidaire qui",
            "travaillent avec des partenaires à l'étranger.",
        ),
    ),
    (
        "Autres acteurs",
        p(
            "Établissements publics, réseaux d'information jeunesse, maisons familiales",
            "rurales et toute structure qui ne se reconnaît pas dans les quatre autres.",
        ),
    ),
]


def colleges_content(run: DemoRun) -> dict[str, Any]:
    return {
        "body": [
            paragraph(
                p(
                    "Chaque structure adhérente rejoint l'un des cinq collèges ; chaque collège",
                    "est représenté au conseil d'administration.",
                )
            ),
            accordion("Les cinq collèges", COLLEGES),
            key_figures(
                "Le réseau fin 2020",
                [
                    figure("176", "acteurs animent le réseau", "adhérents ou non"),
                    figure("21", "collectivités territoriales membres", "dont 2 nouvelles"),
                    figure("144", "structures recensées par l'observatoire"),
                ],
            ),
            call_to_action(
                "Qui siège au conseil ?",
                "Découvrez la composition du conseil d'administration et du bureau.",
                page=run.pages["gouvernance"],
                label="Voir la gouvernance",
            ),
        ]
    }


TEAM = {
    "Antenne de Bordeaux": [
        ("Antoine Mercier", "directeur"),
        ("Sarah Dufau", "chargée de mission, responsable de l'antenne de Bordeaux"),
        ("Yanis Belkacem", "chargé de mission ODD, territoires et RECITAL"),
        ("Samuel Kouassi", "chargé de communication et de l'observatoire"),
    ],
    "Antenne de Poitiers": [
        ("Léa Bonnin", "chargée de mission, responsable de l'antenne de Poitiers"),
        ("Nicolas Perrin", "appui-conseil à la gestion de projets"),
        ("Manon Lafitte", "chargée de mission formations et accompagnements"),
        ("Chantal Rivière", "assistante administrative et financière"),
    ],
}


def team_content(run: DemoRun) -> dict[str, Any]:
    blocks: list[dict] = [paragraph(DEMO_NOTE)]
    for antenna, members in TEAM.items():
        blocks.append(heading(antenna))
        blocks.append(paragraph(ul(*(f"<b>{name}</b>, {role}" for name, role in members))))
    blocks.append(
        paragraph(
            p(
                f"Pour joindre l'équipe : {a('mailto:' + EMAIL, EMAIL)}.",
                "L'antenne de Poitiers reçoit aussi le courrier : bâtiment B3, Pôle des",
                "Éco-Industries, 3 rue Raoul Follereau, 86000 Poitiers.",
            )
        )
    )
    return {"body": blocks}


TRAINING_PARTNERS = [
    ("Avenir en Héritage", "transmettre aux générations futures un héritage enrichi."),
    ("CEFREPADE", "accompagne des acteurs locaux qui améliorent leurs conditions de vie."),
    ("F3E", "fait progresser les pratiques et les compétences des acteurs du changement social."),
    ("Genre en Action", "promeut l'égalité femmes-hommes dans les projets de développement."),
    ("programme Solidarité-Eau (pS-Eau)", "réseau pour l'accès à l'eau et à l'assainissement."),
    ("IFAID", "institut de formation aux métiers de la solidarité, créé en 1986."),
    ("Initiative Développement", "appuie les projets d'intérêt collectif des territoires."),
    ("LABA", "aide à mobiliser et gérer les fonds européens."),
    ("Institut des Afriques", "fait rayonner les dynamiques africaines en Nouvelle-Aquitaine."),
]


def partners_content(run: DemoRun) -> dict[str, Any]:
    blocks: list[dict] = [
        heading("Nos soutiens financiers"),
        paragraph(
            p(
                "Trois partenaires publics financent les missions du réseau. L'Agence de",
                "l'eau Adour-Garonne soutient en outre le groupe eau et assainissement.",
            )
        ),
    ]
    blocks += [image(run.images[key], name) for key, name, _url in FUNDERS]
    blocks += [
        heading("Nos partenaires de formation"),
        paragraph(
            p(
                "Ces structures mettent leur expertise au service des formations et des",
                "accompagnements du réseau :",
            ),
            ul(*(f"<b>{name}</b> : {text}" for name, text in TRAINING_PARTNERS)),
        ),
    ]
    return {"body": blocks}


def highlights_content(run: DemoRun) -> dict[str, Any]:
    return {
        "listing_image": run.images["highlights"],
        "body": [
            image(run.images["highlights"], "Cinq temps forts d'une année pas comme les autres."),
            heading("RECITAL ODD"),
            paragraph(
                p(
                    "Soutenu et cofinancé par l'Agence française de développement, le projet",
                    "RECITAL ODD est mené en 2020 et 2021 par les réseaux régionaux de onze",
                    "régions. En Nouvelle-Aquitaine, il a donné naissance au dispositif",
                    "ODD-yssée, qui associe formation, accompagnement et financement.",
                )
            ),
            key_figures(
                "ODD-yssée en 2020",
                [
                    figure("25", "notes d'intention reçues"),
                    figure("16", "candidats à l'étape finale"),
                    figure("9", "projets lauréats"),
                    figure("43", "acteurs formés et réunis"),
                ],
            ),
            heading("PLASTIC au Burkina Faso"),
            paragraph(
                p(
                    "Le projet PLASTIC aide quatre villes burkinabè à mieux gérer leurs",
                    "déchets, avec cinq collectivités néo-aquitaines et le soutien du",
                    "ministère de l'Europe et des Affaires étrangères. Le réseau en coordonne",
                    "le volet de sensibilisation en Nouvelle-Aquitaine.",
                ),
                p(
                    "Face à la pandémie, les partenaires ont réorienté 11 850 euros vers du",
                    "matériel de protection pour les professionnels des déchets des quatre",
                    "villes, et le projet a été prolongé de six mois, jusqu'en septembre 2021.",
                ),
            ),
            heading("Des formations passées en ligne"),
            paragraph(
                p(
                    "Sur les neuf formations prévues, quatre ont eu lieu, le plus souvent à",
                    "distance et découpées en séances courtes ; les cinq autres sont reportées",
                    "à 2021. Le format en ligne a ouvert les sessions à des partenaires du",
                    "Togo, de Guinée et de Côte d'Ivoire.",
                )
            ),
            heading("Des groupes pays plus actifs"),
            paragraph(
                ul(
                    "Burkina Faso : une rencontre à Limoges en mars et un café virtuel en mai ;",
                    "Madagascar : un groupe relancé, avec trois rencontres dans l'année ;",
                    "Togo : un webinaire en juin sur les effets de la crise sanitaire ;",
                    "Maghreb : un échange en novembre autour d'un livre sur les sociétés civiles.",
                )
            ),
            heading("Une nouvelle gouvernance"),
            paragraph(
                p(
                    "L'assemblée générale du 3 novembre 2020 a renouvelé le conseil",
                    "d'administration et le bureau, avec l'envie de garder le cap des missions",
                    "tout en changeant certaines façons de faire.",
                )
            ),
            call_to_action(
                "Qui porte ces projets ?",
                "Le conseil d'administration et le bureau élus en novembre 2020.",
                page=run.pages["gouvernance"],
                label="Découvrir la gouvernance",
            ),
        ],
    }


def accessibility_content(run: DemoRun) -> dict[str, Any]:
    return {
        "body": [
            paragraph(
                "<p><i>Modèle de démonstration : avant la mise en ligne, l'état de conformité "
                "et les résultats ci-dessous doivent être remplacés par ceux d'un audit réel."
                "</i></p>",
                p(
                    "SO Coopération s'engage à rendre son portail accessible, conformément à",
                    "l'article 47 de la loi n° 2005-102 du 11 février 2005.",
                ),
            ),
            heading("État de conformité"),
            paragraph(
                p(
                    "Le portail de SO Coopération est <b>partiellement conforme</b> avec le",
                    "référentiel général d'amélioration de l'accessibilité (RGAA), version",
                    "4.1.2, en raison des non-conformités énumérées ci-dessous.",
                )
            ),
            heading("Résultats des tests"),
            paragraph(
                p(
                    "L'audit portera sur un échantillon représentatif : l'accueil, la",
                    "présentation du réseau, l'annuaire et une fiche d'acteur, l'agenda, les",
                    "actualités, la recherche, le formulaire de référencement et les pages",
                    "d'accessibilité, de mentions légales et de données personnelles. Le taux",
                    "de critères respectés sera publié ici.",
                )
            ),
            heading("Contenus non accessibles"),
            heading("Non-conformités", "h3"),
            paragraph(
                ul(
                    "La carte de l'annuaire ne se parcourt pas entièrement au clavier ; la "
                    "liste des acteurs, sous la carte, donne les mêmes informations.",
                    "Certains rapports au format PDF ne sont pas balisés.",
                    "Certaines vidéos intégrées depuis d'autres sites n'ont pas de sous-titres.",
                )
            ),
            heading("Dérogations pour charge disproportionnée", "h3"),
            paragraph(p("Aucune.")),
            heading("Contenus non soumis à l'obligation d'accessibilité", "h3"),
            paragraph(
                ul(
                    "Les fonds de carte fournis par OpenStreetMap (contenus de tiers).",
                    "Les documents bureautiques publiés avant le 23 septembre 2018.",
                )
            ),
            heading("Établissement de cette déclaration"),
            paragraph(
                p("La date d'établissement de la déclaration sera celle de l'audit."),
                "<h3>Technologies utilisées</h3>",
                ul("HTML5", "CSS", "JavaScript (la carte utilise la bibliothèque Leaflet)"),
                "<h3>Environnement de test</h3>",
                ul(
                    "Firefox avec le lecteur d'écran NVDA, sous Windows",
                    "Safari avec VoiceOver, sous macOS et iOS",
                ),
                "<h3>Pages vérifiées</h3>",
                p("Celles de l'échantillon décrit dans les résultats des tests."),
            ),
            heading("Retour d'information et contact"),
            paragraph(
                p(
                    "Si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez-nous",
                    "pour obtenir une alternative accessible ou le contenu sous une autre",
                    "forme :",
                ),
                ul(
                    f"par courriel : {a('mailto:' + EMAIL, EMAIL)} ;",
                    f"par courrier : SO Coopération, {ADDRESS_INLINE}.",
                ),
            ),
            heading("Voies de recours"),
            paragraph(
                p(
                    "Si vous nous avez signalé un défaut d'accessibilité qui vous empêche",
                    "d'accéder à un contenu ou à un service et que notre réponse ne vous",
                    "satisfait pas, vous pouvez :",
                ),
                ul(
                    "écrire au Défenseur des droits par le "
                    + a("https://formulaire.defenseurdesdroits.fr/", "formulaire en ligne")
                    + " ;",
                    "contacter "
                    + a(
                        "https://www.defenseurdesdroits.fr/saisir/delegues",
                        "le délégué du Défenseur des droits de votre région",
                    )
                    + " ;",
                    "envoyer un courrier gratuit, sans timbre : Défenseur des droits, "
                    "Libre réponse 71120, 75342 Paris CEDEX 07.",
                ),
            ),
        ]
    }


def legal_content(run: DemoRun) -> dict[str, Any]:
    pages = run.pages
    return {
        "body": [
            heading("Éditeur du site"),
            paragraph(
                p(
                    "SO Coopération, réseau régional multi-acteurs de la coopération et de la",
                    "solidarité internationales de Nouvelle-Aquitaine, association régie par la",
                    "loi du 1er juillet 1901.",
                ),
                ul(
                    f"Adresse : {ADDRESS_INLINE}",
                    f"Téléphone : {PHONE}",
                    f"Courriel : {a('mailto:' + EMAIL, EMAIL)}",
                ),
            ),
            heading("Direction de la publication"),
            paragraph(p("La présidence de l'association.")),
            heading("Hébergement"),
            paragraph(
                p(
                    "Le nom, l'adresse et le téléphone de l'hébergeur seront indiqués ici lors",
                    "de la mise en production du portail.",
                )
            ),
            heading("Propriété intellectuelle et crédits"),
            paragraph(
                p(
                    "Les textes sont la propriété de SO Coopération, sauf mention contraire.",
                    "Les images de ce site de démonstration sont des illustrations générées",
                    "automatiquement ; les noms des partenaires restent la propriété de leurs",
                    "titulaires.",
                ),
                p(
                    "Les fonds de carte sont fournis par les",
                    a("https://www.openstreetmap.org/copyright", "contributeurs OpenStreetMap"),
                    "(licence ODbL).",
                ),
            ),
            heading("Logiciel"),
            paragraph(
                p(
                    "Le portail repose sur les logiciels libres Wagtail et Django ; son code est",
                    "publié sous licence AGPL-3.0 ou ultérieure.",
                )
            ),
            heading("Liens vers d'autres sites"),
            paragraph(
                p(
                    "Le portail renvoie vers des sites dont SO Coopération ne maîtrise pas le",
                    "contenu et dont il ne saurait être tenu pour responsable.",
                )
            ),
            heading("Accessibilité et données personnelles"),
            paragraph(
                p(
                    "Consultez notre",
                    page_link(pages["accessibilite"], "déclaration d'accessibilité"),
                    "et notre",
                    page_link(pages["donnees-personnelles"], "politique de données personnelles")
                    + ".",
                )
            ),
        ]
    }


PURPOSES = [
    (
        "L'annuaire des acteurs et les espaces de publication",
        p(
            "Présenter les structures référencées, leurs projets et leurs événements. Base",
            "légale : l'intérêt légitime du réseau à faire connaître les acteurs de la",
            "coopération internationale. Seules les coordonnées des structures sont publiées.",
        ),
    ),
    (
        "Les inscriptions aux événements et aux formations",
        p(
            "Organiser la session et vous tenir informé de son déroulement. Base légale :",
            "l'exécution de votre demande d'inscription.",
        ),
    ),
    (
        "La lettre d'information",
        p(
            "Vous envoyer nos actualités. Base légale : votre consentement, que vous retirez",
            "à tout moment par le lien de désinscription de chaque envoi.",
        ),
    ),
    (
        "Les comptes des membres et de l'équipe",
        p(
            "Permettre à chaque structure de gérer son espace. Base légale : l'exécution de",
            "l'adhésion ou du référencement.",
        ),
    ),
    (
        "La sécurité du portail",
        p(
            "Bloquer les tentatives répétées de connexion : l'identifiant saisi, l'adresse IP",
            "et la date des échecs sont enregistrés. Base légale : l'intérêt légitime à",
            "protéger le portail et ses utilisateurs.",
        ),
    ),
]


def privacy_content(run: DemoRun) -> dict[str, Any]:
    return {
        "body": [
            heading("Responsable du traitement"),
            paragraph(
                p(
                    f"SO Coopération, {ADDRESS_INLINE}, représenté par sa présidence. Pour",
                    f"toute question sur vos données : {a('mailto:' + EMAIL, EMAIL)}.",
                )
            ),
            accordion("Finalités et bases légales", PURPOSES),
            heading("Durées de conservation"),
            paragraph(
                ul(
                    "Fiches de l'annuaire : tant que la structure est référencée ; elles sont "
                    "effacées au plus tard trois mois après une demande de retrait.",
                    "Inscriptions : trois ans après l'événement ou la formation.",
                    "Lettre d'information : jusqu'à la désinscription.",
                    "Comptes : jusqu'à leur suppression, ou après trois ans d'inactivité.",
                    "Journal des échecs de connexion : un an au plus.",
                    "Pièces comptables : dix ans, comme la loi l'impose.",
                )
            ),
            heading("Destinataires"),
            paragraph(
                p(
                    "Vos données sont traitées par l'équipe salariée du réseau et par son",
                    "hébergeur, qui agit pour notre compte. Elles sont conservées dans l'Union",
                    "européenne et ne sont ni vendues ni cédées.",
                )
            ),
            heading("Cookies"),
            paragraph(
                p(
                    "Le portail ne dépose aucun cookie de mesure d'audience ni de publicité.",
                    "Deux cookies techniques, exemptés de consentement, servent à la connexion",
                    "(sessionid) et à la protection des formulaires (csrftoken). La carte",
                    "charge ses fonds depuis les serveurs d'OpenStreetMap, qui reçoivent alors",
                    "votre adresse IP.",
                )
            ),
            heading("Vos droits"),
            paragraph(
                p(
                    "Vous pouvez accéder à vos données, les faire rectifier ou effacer, limiter",
                    "leur traitement, vous y opposer, demander leur portabilité, retirer votre",
                    "consentement et définir des directives sur leur sort après votre décès.",
                ),
                p(
                    f"Écrivez à {a('mailto:' + EMAIL, EMAIL)} : nous répondons dans un délai",
                    "d'un mois. En cas de doute raisonnable sur votre identité, nous pouvons",
                    "vous demander d'en justifier.",
                ),
            ),
            heading("Réclamation auprès de la CNIL"),
            paragraph(
                p(
                    "Si vous estimez, après nous avoir contactés, que vos droits ne sont pas",
                    "respectés, vous pouvez adresser une réclamation à la CNIL",
                    f"({a('https://www.cnil.fr/fr/plaintes', 'en ligne')} ou par courrier :",
                    "CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris CEDEX 07).",
                )
            ),
        ]
    }


PAGE_TREE = PageSpec(
    HomePage,
    "accueil",
    "Accueil",
    static={
        "hero_title": "Agir ensemble pour la coopération et la solidarité internationales",
        "hero_text": (
            "SO Coopération réunit les associations, collectivités, universités, entreprises "
            "et autres acteurs de Nouvelle-Aquitaine engagés à l'international."
        ),
        "introduction": p(
            "Réseau régional multi-acteurs créé en 2017, SO Coopération aide les acteurs de",
            "la région à s'informer, à se former et à monter des projets de coopération qui",
            "contribuent aux objectifs de développement durable.",
        ),
        "key_figures_title": "Le réseau en chiffres",
        "seo_title": "SO Coopération – coopération et solidarité internationales",
    },
    content=home_content,
    children=[
        PageSpec(
            StandardPage,
            "le-reseau",
            "Le réseau",
            static={
                "show_in_menus": True,
                "introduction": (
                    "SO Coopération est le réseau régional multi-acteurs de Nouvelle-Aquitaine : "
                    "la plateforme où les acteurs de la coopération et de la solidarité "
                    "internationales s'informent, échangent et montent des projets."
                ),
                "listing_summary": "Qui nous sommes, comment le réseau est organisé.",
            },
            content=network_content,
            children=[
                PageSpec(
                    StandardPage,
                    "notre-mission",
                    "Notre mission",
                    static={
                        "introduction": (
                            "Identifier, informer, former, accompagner et relier les acteurs "
                            "néo-aquitains de la coopération internationale."
                        ),
                        "listing_summary": "Nos six axes de travail, au service des ODD.",
                    },
                    content=mission_content,
                ),
                PageSpec(
                    StandardPage,
                    "gouvernance",
                    "Gouvernance",
                    static={
                        "introduction": (
                            "Une association gouvernée par ses membres, réunis en cinq collèges "
                            "et représentés au conseil d'administration."
                        ),
                        "listing_summary": "Le conseil d'administration et le bureau.",
                    },
                    content=governance_content,
                ),
                PageSpec(
                    StandardPage,
                    "les-colleges",
                    "Les collèges",
                    static={
                        "introduction": (
                            "Cinq collèges représentent la diversité des acteurs qui font vivre "
                            "le réseau."
                        ),
                        "listing_summary": "Collectivités, associations, universités, "
                        "acteurs économiques et autres acteurs.",
                    },
                    content=colleges_content,
                ),
                PageSpec(
                    StandardPage,
                    "equipe",
                    "L'équipe",
                    static={
                        "introduction": (
                            "Une équipe salariée répartie entre deux antennes, à Bordeaux et à "
                            "Poitiers."
                        ),
                        "listing_summary": "Les salariés du réseau et leurs missions.",
                    },
                    content=team_content,
                ),
                PageSpec(
                    StandardPage,
                    "nos-partenaires",
                    "Nos partenaires",
                    static={
                        "introduction": (
                            "Le réseau s'appuie sur des partenaires financiers et sur des "
                            "structures expertes qui enrichissent ses formations."
                        ),
                        "listing_summary": "Ceux qui financent le réseau et ceux qui forment "
                        "avec lui.",
                    },
                    content=partners_content,
                ),
                PageSpec(
                    StandardPage,
                    "temps-forts-2020",
                    "Les temps forts de 2020",
                    static={
                        "introduction": (
                            "Une année bousculée par la crise sanitaire, qui a poussé le réseau "
                            "à changer ses façons de faire sans perdre le fil de ses missions."
                        ),
                        "listing_summary": "RECITAL ODD, PLASTIC, formations en ligne, groupes "
                        "pays et nouvelle gouvernance.",
                    },
                    content=highlights_content,
                ),
            ],
        ),
        PageSpec(
            StandardPage,
            "accessibilite",
            "Déclaration d'accessibilité",
            static={
                "introduction": "L'accessibilité du portail et les moyens de nous signaler "
                "un problème.",
            },
            content=accessibility_content,
        ),
        PageSpec(
            StandardPage,
            "mentions-legales",
            "Mentions légales",
            static={"introduction": "Qui édite ce portail et selon quelles règles."},
            content=legal_content,
        ),
        PageSpec(
            StandardPage,
            "donnees-personnelles",
            "Données personnelles",
            static={
                "introduction": "Quelles données le portail traite, pourquoi, combien de temps, "
                "et comment exercer vos droits.",
            },
            content=privacy_content,
        ),
    ],
)
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


def _find_or_create_home() -> tuple[HomePage, bool]:
    # HomePage.max_count is 1: reuse the one that exists, wherever an editor put it.
    home = HomePage.objects.first()
    if home is not None:
        return home, False
    home = HomePage(title=PAGE_TREE.title, slug=PAGE_TREE.slug, live=False, **PAGE_TREE.static)
    Page.get_first_root_node().add_child(instance=home)
    return home, True


def _point_default_site_at(home: HomePage) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            is_default_site=True,
            root_page=home,
            site_name=ORGANISATION,
        )
    elif site.root_page_id != home.pk or site.site_name != ORGANISATION:
        site.root_page = home
        site.site_name = ORGANISATION
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
    run.pages[PAGE_TREE.slug] = home
    # The home page's content links to its children: it is published after they exist.
    found = [(PAGE_TREE, home, home_created), *ensure_pages(run, home, PAGE_TREE.children)]
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
    wanted = {
        "organisation_name": ORGANISATION,
        "tagline": TAGLINE,
        "address": ADDRESS,
        "phone": PHONE,
        "email": EMAIL,
        "newsletter_url": "https://lettre.so-cooperation.example/inscription",
        "footer_text": (
            "SO Coopération est soutenu par la Région Nouvelle-Aquitaine, l'Agence française "
            "de développement et le ministère de l'Europe et des Affaires étrangères."
        ),
        # The statement is a model until an audit is made: "partiellement conforme".
        "accessibility_compliance": "partiellement",
        "accessibility_page": run.pages["accessibilite"],
        "social_links": [
            # Placeholder addresses (.example): the demo points at no real account.
            {"type": "link", "value": {"network": network, "url": url}}
            for network, url in [
                ("facebook", "https://facebook.example/so-cooperation"),
                ("linkedin", "https://linkedin.example/company/so-cooperation"),
                ("x", "https://x.example/socooperation"),
            ]
        ],
    }
    partners = [(name, url, run.images[key].pk) for key, name, url in FUNDERS]
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


# Footer pages: (slug, label). The label is what the footer shows. The accessibility
# statement is linked by the identity settings, with its compliance status.
FOOTER_PAGES = [
    ("mentions-legales", "Mentions légales"),
    ("donnees-personnelles", "Données personnelles"),
]


@register_step(order=85, label="Menus de l'en-tête et du pied de page")
def navigation_step(run: DemoRun) -> str:
    tally = run.tally(SETTINGS)
    home = HomePage.objects.get()
    site = _default_site()
    is_new = not NavigationSettings.objects.filter(site=site).exists()
    navigation = NavigationSettings.for_site(site)
    # Every top-level page marked "show in menus", including those later steps add.
    header = [
        {"type": "link", "value": link_value(page=page)}
        for page in home.get_children().live().in_menu().order_by("path")
    ]
    footer = [
        {"type": "link", "value": link_value(page=run.pages[slug], label=label)}
        for slug, label in FOOTER_PAGES
    ]
    # An XML sitemap for search engines; the search page is the visitors' second way in.
    footer.append({"type": "link", "value": link_value(url="/sitemap.xml", label="Plan du site")})
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
