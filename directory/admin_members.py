"""A member space's team: members invite colleagues into their own group (by e-mail: an
unknown address gets an account; an account elsewhere is refused, see
`services.invite_colleague`); editors can add any account and remove anyone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .middleware import permission_denied
from .models import MemberSpace
from .permissions import is_editor, member_spaces_for
from .registration_forms import NAME_VALIDATORS
from .services.common import RegistrationError
from .services.member_spaces import invite_colleague, remove_member


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label=gettext_lazy("Nom et prénom"), max_length=120, validators=NAME_VALIDATORS
    )
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        error_messages={
            "invalid": gettext_lazy("Saisissez une adresse électronique valide."),
        },
    )


def _space_for(request: HttpRequest, space_id: int) -> MemberSpace:
    """The space if the user belongs to it or is an editor; 404 otherwise (no hint that
    another member's space exists)."""
    if is_editor(request.user):
        return get_object_or_404(MemberSpace.objects.select_related("actor", "group"), pk=space_id)
    return get_object_or_404(member_spaces_for(request.user), pk=space_id)


@require_http_methods(["GET", "POST"])
def team_view(request: HttpRequest, space_id: int) -> HttpResponse:
    space = _space_for(request, space_id)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite_colleague(
                space=space,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                by=request.user,
            )
        except RegistrationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("%(email)s fait désormais partie de l'espace ; une invitation lui est envoyée.")
                % {"email": invitation.user.email},
            )
            return redirect("member_space_team", space.pk)
    members = get_user_model().objects.filter(groups=space.group).order_by("last_name", "email")
    return TemplateResponse(
        request,
        "directory/registration/admin/team.html",
        {
            "space": space,
            "members": members,
            "form": form,
            "can_remove": is_editor(request.user),
            "page_title": _("Équipe de « %(actor)s »") % {"actor": space.actor.title},
            "header_title": _("Équipe de « %(actor)s »") % {"actor": space.actor.title},
            "header_icon": "group",
            "breadcrumbs_items": [],
        },
    )


@require_POST
def remove_view(request: HttpRequest, space_id: int, user_id: int) -> HttpResponse:
    if not is_editor(request.user):
        return permission_denied(request)
    space = _space_for(request, space_id)
    user = get_object_or_404(get_user_model(), pk=user_id, groups=space.group)
    remove_member(space=space, user=user)
    messages.success(request, _("%(user)s a été retiré de l'espace.") % {"user": user.email})
    return redirect("member_space_team", space.pk)
