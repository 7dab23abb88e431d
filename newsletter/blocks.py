"""The blocks a letter is composed of: an editorial, "à la une", and lists of published
content, chosen by hand or filled at send time with the latest items.

A letter is rendered twice from the same resolved sections (`newsletter/rendering.py`): as
an e-mail (tables, inline styles) and as its web version; the blocks therefore carry no
template of their own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# Rich text of a letter: what an e-mail client shows reliably (no embeds, no documents).
LETTER_RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

# The page types a letter lists, by kind of content (the subscribers' `ContentKind` values
# plus the agenda's "events").
PICKABLE_PAGE_TYPES = [
    "resources.NewsPage",
    "events.EventPage",
    "resources.CallForProjectsPage",
    "resources.OpportunityPage",
    "resources.ResourcePage",
]


class LatestKind:
    NEWS = "news"
    EVENTS = "events"
    CALLS = "calls"
    OFFERS = "offers"
    RESOURCES = "resources"

    CHOICES = [
        (NEWS, _("Actualités publiées depuis la dernière lettre")),
        (EVENTS, _("Prochains événements et formations")),
        (CALLS, _("Appels à projets ouverts, publiés depuis la dernière lettre")),
        (OFFERS, _("Offres en cours, publiées depuis la dernière lettre")),
        (RESOURCES, _("Ressources publiées depuis la dernière lettre")),
    ]


class EditorialBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Titre"), max_length=120, default="Édito")
    text = blocks.RichTextBlock(label=_("Texte"), features=LETTER_RICH_TEXT_FEATURES)

    class Meta:
        icon = "edit"
        label = _("Édito")
        description = _("Le mot de l'équipe qui ouvre la lettre.")
        preview_value = {
            "heading": "Édito",
            "text": "<p>La Semaine de la solidarité internationale approche : "
            "retrouvez les rendez-vous du réseau.</p>",
        }


class FeaturedBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(
        label=_("Page mise en avant"), required=False, page_type=PICKABLE_PAGE_TYPES
    )
    heading = blocks.CharBlock(
        label=_("Titre"),
        max_length=160,
        required=False,
        help_text=_("Par défaut, le titre de la page choisie."),
    )
    image = ImageChooserBlock(
        label=_("Image"), required=False, help_text=_("Par défaut, l'image de la page choisie.")
    )
    text = blocks.TextBlock(
        label=_("Texte"),
        max_length=600,
        required=False,
        help_text=_("Par défaut, le résumé de la page choisie."),
    )

    class Meta:
        icon = "pick"
        label = _("À la une")
        description = _("Un contenu mis en avant, avec une image et un texte.")
        preview_value = {
            "heading": "Semaine de la solidarité internationale",
            "text": "Un programme de rencontres dans toute la région.",
        }


class PickedPagesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Titre de la rubrique"), max_length=120)
    pages = blocks.ListBlock(
        blocks.PageChooserBlock(page_type=PICKABLE_PAGE_TYPES, label=_("Contenu")),
        label=_("Contenus"),
        min_num=1,
        max_num=12,
    )

    class Meta:
        icon = "list-ul"
        label = _("Contenus choisis")
        description = _(
            "Des actualités, événements, appels à projets, offres ou ressources publiés, "
            "choisis un à un."
        )
        preview_value = {"heading": "À lire"}


class LatestPagesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Titre de la rubrique"), max_length=120)
    kind = blocks.ChoiceBlock(label=_("Contenus"), choices=LatestKind.CHOICES)
    count = blocks.IntegerBlock(label=_("Nombre"), min_value=1, max_value=12, default=3)

    class Meta:
        icon = "date"
        label = _("Derniers contenus (automatique)")
        description = _(
            "Rempli au moment de l'envoi avec les contenus les plus récents, puis figé : "
            "la version en ligne ne change plus ensuite."
        )
        preview_value = {"heading": "Actualités", "kind": LatestKind.NEWS, "count": 3}


class LetterStreamBlock(blocks.StreamBlock):
    editorial = EditorialBlock()
    featured = FeaturedBlock()
    picked = PickedPagesBlock()
    latest = LatestPagesBlock()
