"""Every admin URL asks an account that must use two factors for a verified session.

An authenticated account that must verify (see `selectors.must_verify`) and whose session
holds no verified device is sent to the verification page, or to the enrolment page when it
has no device yet; requests that expect JSON (the admin API, the admin's own fetches) get a
403 instead of a redirect. Left open: signing in and out, password reset, the two-factor
pages themselves and what they need to render (icons, translations). Static files are not
under /admin/. Placed after `django_otp.middleware.OTPMiddleware` (which tells whether the
session is verified) and before the members' guard."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from .selectors import has_confirmed_device, must_verify

OPEN_VIEWS = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
        "twofactor:verify",
        "twofactor:enrol",
    }
)


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def expects_json(request: HttpRequest) -> bool:
    """The admin API, or a script's request (it could not follow a redirect to a form)."""
    if request.path.startswith(reverse("wagtailadmin_home") + "api/"):
        return True
    accept = request.headers.get("Accept", "")
    return (
        request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or "application/json" in accept
        or request.content_type == "application/json"
    )


class AdminTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.ADMIN_2FA_REQUIRED:
            return None
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return None
        user = request.user
        # `is_verified` comes from django-otp's middleware (a system check keeps it first).
        if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
            return None
        if _view_name(request.path_info) in OPEN_VIEWS:
            return None
        if not must_verify(user):
            return None

        enrolled = has_confirmed_device(user)
        target = reverse("twofactor:verify" if enrolled else "twofactor:enrol")
        if expects_json(request):
            return JsonResponse(
                {
                    "error": _(
                        "Vérification en deux étapes requise : saisissez le code de votre "
                        "application d'authentification avant d'utiliser l'administration."
                    ),
                    "verify_url": target,
                },
                status=403,
            )
        next_url = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return HttpResponseRedirect(target + query)
