"""The widgets' snippet generator: which widget, which filters, and the `<iframe>` code to
paste on another site. The same form serves the actor's admin page (its actor fixed) and
the open-data page; `widget-snippet.js` rebuilds the code and the preview as the form
changes, and without JavaScript the form's GET gives the same code from `snippet()`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from directory.selectors import taxonomy_choices
from events.models.pages import EventKind

WIDGET_KINDS = [
    ("acteur", _("Événements et projets d'un acteur")),
    ("carte", _("Carte des acteurs")),
    ("agenda", _("Agenda")),
    ("appels", _("Appels à projets ouverts")),
]
# The filters each widget takes (the directory's for the map, the agenda's for the agenda).
WIDGET_FILTERS: dict[str, tuple[str, ...]] = {
    "acteur": (),
    "carte": ("odd", "theme", "college", "departement"),
    "agenda": ("type", "theme", "departement"),
    "appels": (),
}
# The frame's title (read by screen readers on the other site).
FRAME_TITLES = {
    "acteur": _("Événements et projets – SO Coopération"),
    "carte": _("Carte des acteurs – SO Coopération"),
    "agenda": _("Agenda – SO Coopération"),
    "appels": _("Appels à projets ouverts – SO Coopération"),
}


def frame_titles(*, actor_name: str = "") -> dict[str, str]:
    """Each widget's frame title, the actor's naming it when the generator knows which
    actor it is (its admin page); `widget-snippet.js` reads the same titles from the page."""
    titles = {kind: str(title) for kind, title in FRAME_TITLES.items()}
    if actor_name:
        titles["acteur"] = _("%(actor)s : événements et projets – SO Coopération") % {
            "actor": actor_name
        }
    return titles


# An actor's id or slug, as the widget's URL takes it.
ACTOR_KEY = re.compile(r"[0-9A-Za-z_\-]{1,255}")
DEFAULT_HEIGHTS = {"acteur": 480, "carte": 480, "agenda": 480, "appels": 400}


def _any(label) -> list[tuple[str, str]]:
    return [("", label)]


class WidgetSnippetForm(forms.Form):
    widget = forms.ChoiceField(label=_("Widget"), choices=WIDGET_KINDS, initial="agenda")
    actor = forms.CharField(
        label=_("Acteur (identifiant ou adresse courte de sa fiche)"),
        required=False,
        max_length=255,
        help_text=_("Par exemple « eau-vive-gironde » pour /annuaire/eau-vive-gironde/."),
    )
    odd = forms.ChoiceField(label=_("Objectif de développement durable"), required=False)
    theme = forms.ChoiceField(label=_("Thématique"), required=False)
    college = forms.ChoiceField(label=_("Collège"), required=False)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    type = forms.ChoiceField(label=_("Type d'événement"), required=False)
    height = forms.IntegerField(
        label=_("Hauteur (pixels)"), min_value=200, max_value=2000, initial=480
    )

    def __init__(self, *args, actor_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choices = taxonomy_choices()
        everything = _("Tous")
        self.fields["odd"].choices = _any(everything) + choices["odd"]
        self.fields["theme"].choices = _any(_("Toutes")) + choices["theme"]
        self.fields["college"].choices = _any(everything) + choices["college"]
        self.fields["departement"].choices = _any(everything) + choices["departement"]
        self.fields["type"].choices = _any(everything) + list(EventKind.choices)
        self.actor_key = actor_key
        if actor_key:  # the actor's admin page: its own actor, not another one
            self.fields["actor"].widget = forms.HiddenInput()
            self.fields["actor"].initial = actor_key
            self.fields["widget"].initial = "acteur"

    def rows(self) -> list[tuple[forms.BoundField, str]]:
        """Each visible field with the widgets it belongs to ("" for all), for the script
        that shows only the chosen widget's."""
        belongs = {"actor": "acteur"}
        for name in ("odd", "theme", "college", "departement", "type"):
            belongs[name] = " ".join(k for k, names in WIDGET_FILTERS.items() if name in names)
        return [(field, belongs.get(field.name, "")) for field in self.visible_fields()]

    def choice(self) -> dict[str, str]:
        """The valid choice (the defaults for anything missing or invalid)."""
        values = {name: field.initial or "" for name, field in self.fields.items()}
        if self.is_bound:
            self.is_valid()
            values.update({k: v for k, v in self.cleaned_data.items() if v not in (None, "")})
        if self.actor_key:
            values["actor"] = self.actor_key
        values["height"] = values.get("height") or DEFAULT_HEIGHTS[values["widget"]]
        return values


@dataclass(frozen=True)
class Snippet:
    url: str
    title: str
    height: int
    code: str


def snippet(
    *, base_url: str, choice: dict[str, str], titles: dict[str, str] | None = None
) -> Snippet | None:
    """The widget's address and `<iframe>` code for this choice (its title from `titles`,
    `frame_titles()` by default); None for the actor widget without an actor."""
    kind = choice["widget"]
    if kind == "acteur":
        actor = str(choice.get("actor") or "").strip().strip("/").rsplit("/", 1)[-1]
        if not ACTOR_KEY.fullmatch(actor):
            return None
        path = f"/widgets/acteur/{actor}/"
    else:
        path = f"/widgets/{kind}/"
    query = urlencode([(name, choice[name]) for name in WIDGET_FILTERS[kind] if choice.get(name)])
    url = f"{base_url.rstrip('/')}{path}{'?' + query if query else ''}"
    title = (titles or frame_titles())[kind]
    height = int(choice["height"])
    code = format_html(
        '<iframe src="{}" title="{}" width="400" height="{}" loading="lazy" '
        'style="border:0;width:100%;max-width:100%"></iframe>',
        url,
        title,
        height,
    )
    return Snippet(url=url, title=title, height=height, code=str(code))
