"""Working groups: the network's thematic and country groups.

The agenda (events of a group) and the editorial content (the groups' listing, related news
and resources) both depend on this app; it depends on neither. What they show on a group's
page comes through two Wagtail hooks, read by `sections.py`:
- `working_group_meetings`: a callable `(group=..., request=...) -> MeetingSource | None`
  that adds meetings (the agenda's events of the group) and links;
- `working_group_sections`: a callable `(group=..., request=...) -> str` that returns an
  HTML section (related news, resources, projects), safe HTML from `render_to_string`
  (a plain string is escaped).

The tables keep the names they had when the groups were part of the editorial app
(`resources_grouppage`...), so moving them changed no data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from directory.models import ClassifiedPage
from home.blocks import RICH_TEXT_FEATURES
from home.models import BasePage


class GroupPage(ClassifiedPage):
    class Kind(models.TextChoices):
        THEMATIC = "thematique", _("Groupe thématique")
        COUNTRY = "pays", _("Groupe pays")

    kind = models.CharField(_("type de groupe"), max_length=12, choices=Kind.choices)
    purpose = models.TextField(_("objet du groupe"), max_length=600)
    body = RichTextField(_("présentation"), blank=True, features=RICH_TEXT_FEATURES)
    member_actors = ParentalManyToManyField(
        "directory.ActorPage", verbose_name=_("acteurs membres"), blank=True, related_name="+"
    )
    contact_email = models.EmailField(_("adresse de contact"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("kind"),
        FieldPanel("purpose"),
        FieldPanel("body"),
        InlinePanel("co_leads", heading=_("Co-animation"), label=_("Co-animateur")),
        FieldPanel("member_actors"),
        InlinePanel("meetings", heading=_("Prochaines réunions"), label=_("Réunion")),
        FieldPanel("contact_email"),
        ClassifiedPage.classification_panel,
    ]
    search_fields = [
        *ClassifiedPage.search_fields,
        index.SearchField("purpose"),
        index.SearchField("body"),
        index.FilterField("kind"),
    ]

    parent_page_types = ["resources.GroupIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        db_table = "resources_grouppage"
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")

    @property
    def summary(self) -> str:
        return self.listing_summary or self.purpose

    def get_context(self, request, *args, **kwargs):
        from .sections import group_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(group_page_context(group=self, request=request))
        return context


class GroupCoLead(Orderable):
    group = ParentalKey(GroupPage, on_delete=models.CASCADE, related_name="co_leads")
    name = models.CharField(_("nom"), max_length=120)
    organisation = models.CharField(_("structure"), max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("organisation")]

    class Meta(Orderable.Meta):
        db_table = "resources_groupcolead"
        verbose_name = _("co-animateur")
        verbose_name_plural = _("co-animateurs")

    def __str__(self) -> str:
        return self.name


class GroupMeeting(Orderable):
    """A meeting typed on the group's page (the agenda's events of the group come too)."""

    group = ParentalKey(GroupPage, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateTimeField(_("date et heure"))
    title = models.CharField(_("intitulé"), max_length=255)
    place = models.CharField(_("lieu ou lien de visioconférence"), max_length=255, blank=True)
    link = models.URLField(_("lien"), blank=True)

    panels = [FieldPanel("date"), FieldPanel("title"), FieldPanel("place"), FieldPanel("link")]

    class Meta(Orderable.Meta):
        db_table = "resources_groupmeeting"
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")

    def __str__(self) -> str:
        return self.title
