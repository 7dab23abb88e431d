"""StreamField blocks of the directory: live key figures of the network's actors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from home import routing
from home.blocks import BaseStreamBlock

FIGURE_GROUPS = [
    ("totals", _("Totaux (acteurs, adhérents, projets, pays)")),
    ("college", _("Acteurs par collège")),
    ("departement", _("Acteurs par département")),
    ("sdg", _("Acteurs par ODD")),
    ("countries", _("Pays d'intervention")),
]


class DirectoryKeyFiguresBlock(blocks.StructBlock):
    """Figures computed live from the published actor and project pages."""

    title = blocks.CharBlock(
        label=_("Titre"), required=False, max_length=120, default="L'annuaire en chiffres"
    )
    groups = blocks.MultipleChoiceBlock(
        label=_("Chiffres à montrer"),
        choices=FIGURE_GROUPS,
        default=["totals", "college", "departement"],
    )

    class Meta:
        icon = "table"
        label = _("Chiffres clés de l'annuaire")
        template = "directory/blocks/key_figures.html"
        description = _(
            "Nombre d'acteurs par collège, par département, par ODD et pays d'intervention, "
            "calculés à partir des fiches publiées."
        )
        preview_value = {"title": "L'annuaire en chiffres", "groups": ["totals", "college"]}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["figures"] = routing.context("directory.key_figures")
        context["groups"] = set(value.get("groups") or [])
        return context


class DirectoryStreamBlock(BaseStreamBlock):
    directory_key_figures = DirectoryKeyFiguresBlock()
