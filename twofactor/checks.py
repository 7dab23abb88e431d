"""System checks: the two-factor middleware in its place; `check --deploy` warns when the
admin does not ask for a second factor."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def admin_two_factor_required(app_configs, **kwargs) -> list[Warning]:
    if getattr(settings, "ADMIN_2FA_REQUIRED", True):
        return []
    return [
        Warning(
            "ADMIN_2FA_REQUIRED is false: editors and superusers reach the admin with a "
            "password only.",
            hint="Unset ADMIN_2FA_REQUIRED (or set it to true) in production.",
            id="twofactor.W001",
        )
    ]


# Each must come after the one before it: the user, then whether its session is verified,
# then the two-factor gate, then the members' guard (which must not run for an unverified
# session).
MIDDLEWARE_ORDER = (
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "twofactor.middleware.AdminTwoFactorMiddleware",
    "directory.middleware.MemberAdminGuardMiddleware",
)


@register(Tags.security)
def two_factor_middleware_order(app_configs, **kwargs) -> list[Error]:
    middleware = list(settings.MIDDLEWARE)
    missing = [name for name in MIDDLEWARE_ORDER[:3] if name not in middleware]
    if missing:
        return [
            Error(
                f"MIDDLEWARE lacks {', '.join(missing)}: the admin would not ask for a second "
                "factor.",
                id="twofactor.E001",
            )
        ]
    present = [name for name in MIDDLEWARE_ORDER if name in middleware]
    positions = [middleware.index(name) for name in present]
    if positions != sorted(positions):
        return [
            Error(
                "MIDDLEWARE order: " + " before ".join(present) + " is required.",
                id="twofactor.E002",
            )
        ]
    return []
