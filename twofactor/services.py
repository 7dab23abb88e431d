"""Writes behind two-factor authentication: enrolment, verification, recovery codes, reset.

Codes are checked by django-otp's devices, which throttle failures (each failure doubles the
wait before the next try) and accept a TOTP code or a recovery code only once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .selectors import confirmed_totp_device, pending_totp_device, recovery_device

logger = logging.getLogger(__name__)

TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"
RECOVERY_CODE_COUNT = 10


@dataclass(frozen=True)
class Verification:
    """The outcome of a code: the device that accepted it, or why none did."""

    device: Device | None = None
    # The code was not even checked: earlier failures make this try wait.
    throttled: bool = False
    # When the throttling lets the next try in, if it holds it back now.
    locked_until: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.device is not None


def start_enrolment(*, user) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows (the same one until it is
    confirmed, so reloading the page does not invalidate a scanned code)."""
    device = pending_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _check(device: Device, code: str) -> Verification:
    """One try against one device, inside a transaction with the device row locked, so that
    two simultaneous tries cannot both pass the throttle or both use one recovery code."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return Verification(throttled=True, locked_until=(details or {}).get("locked_until"))
        if device.verify_token(code):
            return Verification(device=device)
        allowed, details = device.verify_is_allowed()
        return Verification(locked_until=None if allowed else (details or {}).get("locked_until"))


def confirm_enrolment(*, user, code: str) -> tuple[Verification, list[str]]:
    """Confirm the pending device with a code from the app. On success the device replaces any
    earlier one and a fresh set of recovery codes is returned (shown once)."""
    device = pending_totp_device(user)
    if device is None:
        return Verification(), []
    result = _check(device, code)
    if not result.accepted:
        logger.info("Two-factor enrolment: wrong code (user %s)", user.pk)
        return result, []
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        codes = regenerate_recovery_codes(user=user)
    device.refresh_from_db()
    logger.info("Two-factor enrolment confirmed (user %s)", user.pk)
    return Verification(device=device), codes


def verify_app_code(*, user, code: str) -> Verification:
    device = confirmed_totp_device(user)
    if device is None:
        return Verification()
    result = _check(device, code)
    _log(user, "app code", result)
    return result


def verify_recovery_code(*, user, code: str) -> Verification:
    """A recovery code is deleted as it is accepted: it works once."""
    device = recovery_device(user)
    if device is None:
        return Verification()
    result = _check(device, code)
    _log(user, "recovery code", result)
    return result


def _log(user, kind: str, result: Verification) -> None:
    if result.accepted:
        logger.info("Two-factor verification with %s (user %s)", kind, user.pk)
    elif result.throttled:
        logger.warning("Two-factor verification throttled (%s, user %s)", kind, user.pk)
    else:
        logger.warning("Two-factor verification refused: wrong %s (user %s)", kind, user.pk)


def mark_session_verified(*, request: HttpRequest, device: Device) -> None:
    """Record in the session that this device verified the user; a new session key, since the
    session just gained a privilege."""
    request.session.cycle_key()
    otp_login(request, device)


def regenerate_recovery_codes(*, user) -> list[str]:
    """Replace the account's recovery codes with a new set and return them (they are shown
    once; the old ones stop working)."""
    with transaction.atomic():
        device = recovery_device(user)
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        device.token_set.all().delete()
        codes = []
        while len(codes) < RECOVERY_CODE_COUNT:
            code = StaticToken.random_token()
            if code not in codes:
                codes.append(code)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        device.throttle_reset()
    logger.info("Two-factor recovery codes regenerated (user %s)", user.pk)
    return codes


def remove_devices(*, user, reason: str) -> int:
    """Delete every two-factor device of the account (app and recovery codes); returns how
    many. Its next admin visit asks for a new enrolment when it must use two factors.
    `reason` goes to the log (who asked: the account itself, the reset command)."""
    removed = 0
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            devices = model.objects.filter(user=user)
            removed += devices.count()
            devices.delete()
    logger.warning("Two-factor devices removed: %d (user %s, %s)", removed, user.pk, reason)
    return removed
