"""Reads behind the référencement moderation: possible duplicates of a request."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from .models import ActorPage, RegistrationRequest

# Webmail domains say nothing about which structure an address belongs to.
GENERIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.fr",
        "live.com",
        "yahoo.com",
        "yahoo.fr",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "laposte.net",
        "icloud.com",
        "me.com",
        "protonmail.com",
        "proton.me",
        "gmx.fr",
        "gmx.com",
        "aol.com",
        "neuf.fr",
        "bbox.fr",
    }
)
# Words that do not tell two structures apart.
NAME_STOP_WORDS = frozenset({"l", "la", "le", "les", "de", "des", "du", "d", "et", "a", "au"})


def normalise_name(value: str) -> str:
    """Case, accents, punctuation and articles removed: "L'Eau-Vive" == "eau vive"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    words = re.split(r"[^a-z0-9]+", ascii_text)
    return " ".join(word for word in words if word and word not in NAME_STOP_WORDS)


def website_domain(url: str) -> str:
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.lower().removeprefix("www.")


def email_domain(address: str) -> str:
    domain = address.rpartition("@")[2].strip().lower() if address and "@" in address else ""
    return "" if domain in GENERIC_EMAIL_DOMAINS else domain


@dataclass
class _Signature:
    siret: str = ""
    rna: str = ""
    name: str = ""
    website: str = ""
    email_domains: set[str] = field(default_factory=set)


def _compare(mine: _Signature, theirs: _Signature) -> list[str]:
    reasons = []
    if mine.siret and mine.siret == theirs.siret:
        reasons.append(_("même SIRET"))
    if mine.rna and mine.rna == theirs.rna:
        reasons.append(_("même numéro RNA"))
    if mine.name and mine.name == theirs.name:
        reasons.append(_("même nom"))
    if mine.website and mine.website == theirs.website:
        reasons.append(_("même site web"))
    if mine.email_domains & theirs.email_domains:
        reasons.append(_("même domaine d'adresse électronique"))
    return reasons


def _request_signature(request: RegistrationRequest) -> _Signature:
    return _Signature(
        siret=request.siret,
        rna=request.rna,
        name=normalise_name(request.name),
        website=website_domain(request.website),
        email_domains={
            domain
            for domain in (email_domain(request.email), email_domain(request.contact_email))
            if domain
        },
    )


def find_duplicates(request: RegistrationRequest) -> list[dict]:
    """Actors (drafts included) and other pending requests that look like `request`.

    Each flag: {"kind": "actor"|"request", "id", "label", "reasons": [...]}. The directory
    holds a few hundred actors: comparing normalised values in Python stays cheap and lets
    names match across accents and punctuation, which SQL would not do portably."""
    mine = _request_signature(request)
    flags = []
    actors = ActorPage.objects.values_list(
        "pk", "title", "acronym", "siret", "rna", "website", "email", "private_contact_email"
    )
    for pk, title, acronym, siret, rna, website, email, private_email in actors:
        theirs = _Signature(
            siret=siret,
            rna=rna,
            name=normalise_name(title),
            website=website_domain(website),
            email_domains={d for d in (email_domain(email), email_domain(private_email)) if d},
        )
        reasons = _compare(mine, theirs)
        if acronym and mine.name and normalise_name(acronym) == mine.name:
            reasons.append(_("nom identique au sigle"))
        if reasons:
            flags.append({"kind": "actor", "id": pk, "label": title, "reasons": reasons})
    others = RegistrationRequest.objects.filter(status=RegistrationRequest.Status.PENDING)
    if request.pk:
        others = others.exclude(pk=request.pk)
    for other in others.only("pk", "name", "siret", "rna", "website", "email", "contact_email"):
        reasons = _compare(mine, _request_signature(other))
        if reasons:
            flags.append(
                {"kind": "request", "id": other.pk, "label": other.name, "reasons": reasons}
            )
    return flags


def pending_requests_count() -> int:
    return RegistrationRequest.objects.filter(status=RegistrationRequest.Status.PENDING).count()
