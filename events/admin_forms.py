"""The event page's admin form: a member's new event starts with the kind members use, and
the taxonomies' choices are read once per form."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from directory.models import ActorPage


def read_choices_once(form: forms.BaseForm, *names: str) -> None:
    """Give the named model choice fields their choices as a list, read from the database
    now: the page editor renders each widget twice (its HTML and the client-side panel
    definition), and a field's queryset is otherwise read again each time. Validation still
    checks the submitted values against the field's queryset."""
    for name in names:
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):
            # `iter()`: `list()` of the iterator itself would count the rows first.
            field.choices = list(iter(field.choices))


class EventPageForm(WagtailAdminPageForm):
    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        read_choices_once(self, "themes", "sdgs", "countries")
        under_actor = parent_page is not None and issubclass(
            parent_page.specific_class or type(parent_page), ActorPage
        )
        if under_actor and not self.instance.pk and not self.is_bound and "kind" in self.fields:
            self.initial["kind"] = type(self.instance).kind_members_use()
