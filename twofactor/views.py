"""The two-factor screens of the admin: verify a code, enrol an app (QR code, secret as
text, confirmation, recovery codes shown once), and the account's two-factor page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import AppCodeForm, RecoveryCodeForm
from .qr import qr_code_svg

# Codes left below which the account page and the verification suggest new ones.
FEW_RECOVERY_CODES = 3
# Below this, the wait the throttling imposes after a wrong code is not worth mentioning.
NOTABLE_WAIT_SECONDS = 3


def _next_url(request: HttpRequest) -> str:
    """Where to go once verified: the admin URL asked for, never another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    admin_home = reverse("wagtailadmin_home")
    if target.startswith(admin_home) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return admin_home


def _with_next(view_name: str, next_url: str) -> str:
    return f"{reverse(view_name)}?{urlencode({'next': next_url})}"


def _is_verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _wait_seconds(locked_until) -> int:
    return max(1, int((locked_until - timezone.now()).total_seconds()) + 1)


def _refusal(result: services.Verification, wrong: str) -> str:
    """Why a code was refused: held back by earlier failures, or wrong (and, past a few
    failures, how long the next try must wait)."""
    if result.throttled and result.locked_until:
        seconds = _wait_seconds(result.locked_until)
        return ngettext(
            "Trop d'essais infructueux : attendez %(seconds)d seconde avant de réessayer.",
            "Trop d'essais infructueux : attendez %(seconds)d secondes avant de réessayer.",
            seconds,
        ) % {"seconds": seconds}
    if result.locked_until and _wait_seconds(result.locked_until) >= NOTABLE_WAIT_SECONDS:
        seconds = _wait_seconds(result.locked_until)
        return (
            wrong
            + " "
            + ngettext(
                "Prochain essai possible dans %(seconds)d seconde.",
                "Prochain essai possible dans %(seconds)d secondes.",
                seconds,
            )
            % {"seconds": seconds}
        )
    return wrong


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the app, or a recovery code, once per session."""
    user = request.user
    next_url = _next_url(request)
    if not selectors.has_confirmed_device(user):
        return redirect(_with_next("twofactor:enrol", next_url))
    if _is_verified(request):
        return redirect(next_url)

    app_form = AppCodeForm()
    recovery_form = RecoveryCodeForm()
    recovery_open = False
    if request.method == "POST":
        if "recovery_code" in request.POST:
            recovery_open = True
            recovery_form = RecoveryCodeForm(request.POST)
            if recovery_form.is_valid():
                result = services.verify_recovery_code(
                    user=user, code=recovery_form.cleaned_data["recovery_code"]
                )
                if result.accepted:
                    return _verified(request, result, next_url, recovery=True)
                recovery_form.add_error(
                    "recovery_code",
                    _refusal(result, _("Ce code de secours n'est pas valable ou a déjà servi.")),
                )
        else:
            app_form = AppCodeForm(request.POST)
            if app_form.is_valid():
                result = services.verify_app_code(user=user, code=app_form.cleaned_data["code"])
                if result.accepted:
                    return _verified(request, result, next_url)
                app_form.add_error(
                    "code",
                    _refusal(
                        result,
                        _(
                            "Ce code n'est pas le bon (ou a déjà servi) : vérifiez l'heure de "
                            "votre téléphone et saisissez le code affiché maintenant."
                        ),
                    ),
                )
    if not recovery_open:
        app_form.fields["code"].widget.attrs["autofocus"] = True
    return TemplateResponse(
        request,
        "twofactor/verify.html",
        {
            "app_form": app_form,
            "recovery_form": recovery_form,
            "recovery_open": recovery_open,
            "error_summary": [
                field
                for field in (app_form["code"], recovery_form["recovery_code"])
                if field.errors
            ],
            "next": next_url,
            "page_title": _("Vérification en deux étapes"),
        },
    )


def _verified(
    request: HttpRequest, result: services.Verification, next_url: str, *, recovery: bool = False
) -> HttpResponse:
    services.mark_session_verified(request=request, device=result.device)
    if recovery:
        left = selectors.remaining_recovery_codes(request.user)
        message = ngettext(
            "Code de secours accepté. Il vous en reste %(count)d.",
            "Code de secours accepté. Il vous en reste %(count)d.",
            left,
        ) % {"count": left}
        if left < FEW_RECOVERY_CODES:
            message += " " + _(
                "Générez-en de nouveaux depuis la page « Double authentification » de votre compte."
            )
        messages.warning(request, message)
    return redirect(next_url)


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code and secret, then a code to confirm it."""
    user = request.user
    next_url = _next_url(request)
    if selectors.has_confirmed_device(user) and not _is_verified(request):
        # Replacing a device takes the current one first (or a recovery code).
        return redirect(_with_next("twofactor:verify", next_url))

    device = services.start_enrolment(user=user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result, codes = services.confirm_enrolment(user=user, code=form.cleaned_data["code"])
        if result.accepted:
            services.mark_session_verified(request=request, device=result.device)
            return _show_recovery_codes(request, codes, next_url, enrolled=True)
        form.add_error(
            "code",
            _refusal(
                result,
                _(
                    "Ce code ne correspond pas : vérifiez que vous avez bien ajouté ce compte "
                    "dans l'application, que l'heure du téléphone est juste, puis saisissez le "
                    "code affiché maintenant."
                ),
            ),
        )

    return TemplateResponse(
        request,
        "twofactor/enrol.html",
        {
            "form": form,
            "error_summary": [form["code"]] if form["code"].errors else [],
            "qr_code": qr_code_svg(
                device.config_url,
                label=_("QR code à scanner avec votre application d'authentification"),
            ),
            "secret": selectors.readable_secret(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "account_name": user.get_username(),
            "required": selectors.requires_two_factor(user),
            "next": next_url,
            "page_title": _("Activer la vérification en deux étapes"),
        },
    )


def _show_recovery_codes(
    request: HttpRequest, codes: list[str], next_url: str, *, enrolled: bool
) -> HttpResponse:
    """The recovery codes, in the answer to the POST that made them: shown once, never
    stored in the session or a cache."""
    return TemplateResponse(
        request,
        "twofactor/recovery_codes.html",
        {
            "codes": [selectors.in_groups(code) for code in codes],
            "enrolled": enrolled,
            "next": next_url,
            "page_title": _("Vos codes de secours"),
        },
    )


@never_cache
def manage(request: HttpRequest) -> HttpResponse:
    """The account's two-factor page: state, replace the app, new recovery codes, turn off
    (only for accounts that may do without)."""
    user = request.user
    device = selectors.confirmed_totp_device(user)
    return TemplateResponse(
        request,
        "twofactor/manage.html",
        {
            "device": device,
            "confirmed_at": formats.date_format(
                timezone.localtime(device.created_at), "DATETIME_FORMAT"
            )
            if device and device.created_at
            else "",
            "required": selectors.requires_two_factor(user),
            "enforced": settings.ADMIN_2FA_REQUIRED,
            "verified": _is_verified(request),
            "recovery_codes_left": selectors.remaining_recovery_codes(user),
            "few_recovery_codes": FEW_RECOVERY_CODES,
            "page_title": _("Double authentification"),
            "header_title": _("Double authentification"),
            "header_icon": "key",
        },
    )


def _needs_fresh_verification(request: HttpRequest) -> HttpResponse | None:
    """Changing the second factor needs it first: a session verified by it."""
    if not selectors.has_confirmed_device(request.user):
        messages.error(request, _("La vérification en deux étapes n'est pas activée."))
        return redirect("twofactor:manage")
    if not _is_verified(request):
        return redirect(_with_next("twofactor:verify", reverse("twofactor:manage")))
    return None


@never_cache
@require_POST
def regenerate_codes(request: HttpRequest) -> HttpResponse:
    refusal = _needs_fresh_verification(request)
    if refusal:
        return refusal
    codes = services.regenerate_recovery_codes(user=request.user)
    return _show_recovery_codes(request, codes, reverse("twofactor:manage"), enrolled=False)


@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Turn two factors off: only for accounts that may do without."""
    refusal = _needs_fresh_verification(request)
    if refusal:
        return refusal
    if selectors.requires_two_factor(request.user):
        messages.error(
            request,
            _(
                "Votre compte peut publier ou gérer des comptes : la vérification en deux "
                "étapes y est obligatoire."
            ),
        )
        return redirect("twofactor:manage")
    services.remove_devices(user=request.user, reason="turned off by the account")
    messages.success(request, _("La vérification en deux étapes est désactivée pour votre compte."))
    return redirect("twofactor:manage")
