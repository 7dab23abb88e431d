"""StreamField blocks shared by every app's pages."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Texte"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Niveau"),
        choices=[("h2", _("Titre de section (h2)")), ("h3", _("Sous-titre (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Titre")
        template = "home/blocks/heading.html"
        description = _("Un titre de section, pour structurer la page.")
        preview_value = {"text": "Nos missions", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Légende"), required=False, max_length=255)
    credit = blocks.CharBlock(
        label=_("Crédit"),
        required=False,
        max_length=255,
        help_text=_("Laisser vide pour reprendre le crédit enregistré avec l'image."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "home/blocks/image.html"
        description = _("Une image avec sa légende et son crédit.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Citation"))
    attribution = blocks.CharBlock(label=_("Auteur ou autrice"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Citation")
        template = "home/blocks/quote.html"
        description = _("Une citation mise en valeur, avec son auteur.")
        preview_value = {
            "quote": "Faire réseau, c'est apprendre les uns des autres.",
            "attribution": "Une adhérente du réseau",
        }


_absolute_url = URLValidator(schemes=["http", "https"])


def validate_link_target(value: str) -> None:
    """An absolute http(s)/mailto/tel address, or a path of this site starting with one `/`."""
    if not value:
        return
    if value.startswith("/") and not value.startswith("//") and " " not in value:
        return
    if value.startswith(("mailto:", "tel:")):
        return
    _absolute_url(value)


class LinkValue(blocks.StructValue):
    @property
    def href(self) -> str:
        page = self.get("page")
        if page is not None:
            return page.url or ""
        return self.get("url") or ""

    @property
    def text(self) -> str:
        page = self.get("page")
        return self.get("label") or (page.title if page is not None else self.get("url", ""))


class LinkBlock(blocks.StructBlock):
    """A page of the site or an external address, with an optional label."""

    page = blocks.PageChooserBlock(label=_("Page du site"), required=False)
    url = blocks.CharBlock(
        label=_("ou adresse"),
        required=False,
        max_length=500,
        validators=[validate_link_target],
        help_text=_("Une adresse complète (https://…) ou un chemin du site (/sitemap.xml)."),
    )
    label = blocks.CharBlock(
        label=_("Libellé"),
        required=False,
        max_length=80,
        help_text=_("Par défaut : le titre de la page."),
    )

    class Meta:
        icon = "link"
        label = _("Lien")
        template = "home/blocks/link.html"
        description = _("Un lien vers une page du site ou une adresse externe.")
        preview_value = {"url": "https://www.example.org", "label": "Un site partenaire"}
        value_class = LinkValue

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "page": ValidationError(_("Choisissez une page ou saisissez une adresse."))
                }
            )
        if value.get("url") and not value.get("page") and not value.get("label"):
            raise blocks.StructBlockValidationError(
                block_errors={"label": ValidationError(_("Un lien externe a besoin d'un libellé."))}
            )
        return value


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), max_length=120)
    text = blocks.TextBlock(label=_("Texte"), required=False)
    link = LinkBlock(label=_("Lien"))

    class Meta:
        icon = "pick"
        label = _("Appel à l'action")
        template = "home/blocks/call_to_action.html"
        description = _("Un encadré qui invite à une action : adhérer, s'inscrire, nous écrire.")
        preview_value = {
            "title": "Référencez votre structure",
            "text": "Rejoignez l'annuaire des acteurs de la coopération internationale.",
            "link": {"url": "https://www.example.org", "label": "Nous rejoindre"},
        }


class DocumentListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), required=False, max_length=120)
    documents = blocks.ListBlock(DocumentChooserBlock(label=_("Document")), label=_("Documents"))

    class Meta:
        icon = "doc-full"
        label = _("Liste de documents")
        template = "home/blocks/document_list.html"
        description = _("Des documents à télécharger, avec leur format et leur poids.")


class AccordionItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question ou intitulé"), max_length=255)
    answer = blocks.RichTextBlock(label=_("Réponse"), features=RICH_TEXT_FEATURES)


class AccordionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), required=False, max_length=120)
    items = blocks.ListBlock(AccordionItemBlock(), label=_("Éléments"))

    class Meta:
        icon = "list-ul"
        label = _("Accordéon / FAQ")
        template = "home/blocks/accordion.html"
        description = _("Des questions et réponses repliables, lisibles sans JavaScript.")
        preview_value = {
            "title": "Questions fréquentes",
            "items": [
                {
                    "question": "Qui peut adhérer ?",
                    "answer": "<p>Toute structure de la région.</p>",
                },
            ],
        }


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("Chiffre"), max_length=20)
    label = blocks.CharBlock(label=_("Libellé"), max_length=120)
    detail = blocks.CharBlock(label=_("Précision"), required=False, max_length=255)


class KeyFiguresBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), required=False, max_length=120)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("Chiffres"))

    class Meta:
        icon = "table"
        label = _("Chiffres clés")
        template = "home/blocks/key_figures.html"
        description = _("Quelques chiffres mis en avant.")
        preview_value = {
            "title": "Le réseau en chiffres",
            "figures": [
                {"value": "176", "label": "acteurs animent le réseau"},
                {"value": "5 700", "label": "visites sur le site"},
            ],
        }


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Texte")
        template = "home/blocks/rich_text.html"
        description = _("Des paragraphes, des listes et des liens.")
        preview_value = "<p>Le réseau accompagne les acteurs de la solidarité internationale.</p>"


class VideoBlock(EmbedBlock):
    class Meta:
        icon = "media"
        label = _("Vidéo ou contenu intégré")
        template = "home/blocks/embed.html"
        description = _("Une vidéo ou un contenu d'un autre site, à partir de son adresse.")


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks every content page offers."""

    heading = HeadingBlock()
    paragraph = RichTextBlock(features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    embed = VideoBlock()
    documents = DocumentListBlock()
    accordion = AccordionBlock()
    key_figures = KeyFiguresBlock()
