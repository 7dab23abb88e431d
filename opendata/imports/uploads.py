"""An uploaded file kept between the dry run and the confirmation, in the shared cache
(Redis in production), so that whichever app server receives the "Importer" click finds it.

The key is a random token; the entry also names the user who uploaded it, and only that
user gets it back. Entries expire after `OPENDATA_IMPORT_TTL_SECONDS`. With the cache
unreachable nothing can be kept: `keep_upload` says so rather than pretend."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadNotKept(Exception):
    """The shared cache did not keep the file."""


@dataclass
class StoredUpload:
    token: str
    user_id: int
    filename: str
    kind: str
    data: bytes
    overrides: dict[str, str] = field(default_factory=dict)


def _key(token: str) -> str:
    return f"opendata:import:{token}"


def _ttl() -> int:
    return settings.OPENDATA_IMPORT_TTL_SECONDS


def keep_upload(*, user, data: bytes, filename: str, kind: str) -> StoredUpload:
    upload = StoredUpload(
        token=secrets.token_urlsafe(24), user_id=user.pk, filename=filename, kind=kind, data=data
    )
    _store(upload)
    if cache.get(_key(upload.token)) is None:
        raise UploadNotKept
    return upload


def _store(upload: StoredUpload) -> None:
    cache.set(
        _key(upload.token),
        {
            "user_id": upload.user_id,
            "filename": upload.filename,
            "kind": upload.kind,
            "data": upload.data,
            "overrides": upload.overrides,
        },
        timeout=_ttl(),
    )


def load_upload(*, token: str, user) -> StoredUpload | None:
    """The user's upload, or None (unknown, expired, or someone else's)."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    entry = cache.get(_key(token))
    if not isinstance(entry, dict) or entry.get("user_id") != user.pk:
        return None
    return StoredUpload(token=token, **entry)


def save_overrides(*, upload: StoredUpload, overrides: dict[str, str]) -> None:
    upload.overrides = overrides
    _store(upload)


def discard_upload(*, upload: StoredUpload) -> None:
    cache.delete(_key(upload.token))
