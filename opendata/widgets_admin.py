"""The widgets' snippet generator: on an actor's admin page (for editors and for the actor's
own members: whoever may edit the page) and, through the `open_data_page_sections` hook, on
the open-data page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from directory.models import ActorPage

from .widgets_forms import WidgetSnippetForm, frame_titles, snippet
from .widgets_selectors import site_root_url


def generator_html(
    *,
    request: HttpRequest | None,
    action: str,
    actor_key: str = "",
    actor_name: str = "",
    prefix: str = "",
) -> SafeString:
    """The generator's form, code and preview; its choice from the request's query string
    (the form's GET without JavaScript)."""
    data = request.GET if request is not None and "widget" in request.GET else None
    form = WidgetSnippetForm(data, actor_key=actor_key, auto_id=f"{prefix}%s")
    base_url = site_root_url()
    titles = frame_titles(actor_name=actor_name)
    return render_to_string(
        "opendata/widgets/generator.html",
        {
            "form": form,
            "snippet": snippet(base_url=base_url, choice=form.choice(), titles=titles),
            "titles": titles,
            "titles_id": f"{prefix}widget-titles",
            "base_url": base_url,
            "action": action,
            "prefix": prefix,
        },
        request=request,
    )


@require_safe
def actor_widgets_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """`/admin/widgets/acteur/<page id>/`: the generator for this actor, to whoever may edit
    its page (editors, and the actor's own members: another member's actor is refused)."""
    actor = get_object_or_404(ActorPage, pk=page_id)
    if not actor.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    title = _("Widgets de « %(actor)s »") % {"actor": actor.title}
    return TemplateResponse(
        request,
        "opendata/widgets/admin_generator.html",
        {
            "actor": actor,
            "live": actor.live,
            "generator": generator_html(
                request=request, action=request.path, actor_key=actor.slug, actor_name=actor.title
            ),
            "page_title": title,
            "header_title": title,
            "header_icon": "code",
            "breadcrumbs_items": [],
        },
    )


def actor_widgets_url(actor: ActorPage) -> str:
    return reverse("opendata_actor_widgets", args=[actor.pk])


@dataclass(frozen=True)
class PageSection:
    """A section of the open-data page: a title and its HTML (also readable as a dict)."""

    id: str
    title: str
    html: SafeString

    def __getitem__(self, key: str):
        return getattr(self, key)


def open_data_widgets_section(*args, **kwargs) -> PageSection:
    """The "Widgets" section of the open-data page, with the generator (any widget)."""
    request = kwargs.get("request") or next(
        (arg for arg in args if isinstance(arg, HttpRequest)), None
    )
    intro = render_to_string("opendata/widgets/section_intro.html")
    return PageSection(
        id="widgets",
        title=str(gettext_lazy("Widgets pour votre site")),
        html=mark_safe(  # noqa: S308 - two templates rendered with autoescaping
            intro + generator_html(request=request, action="#widgets", prefix="widget-")
        ),
    )
