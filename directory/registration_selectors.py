"""Reads behind the référencement moderation: possible duplicates of a request."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

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


# Reserved example domains (RFC 2606): the demo and tests give each structure its own
# subdomain there, so the full host tells structures apart, never the bare domain.
EXAMPLE_DOMAINS = frozenset({"example.org", "example.com", "example.net"})


def _generic_domains() -> frozenset[str]:
    """Domains shared by structures that have nothing in common: webmail providers and the
    network's own domains (its team writes from there on behalf of anyone)."""
    network = {domain.strip().lower() for domain in settings.NETWORK_DOMAINS if domain.strip()}
    return GENERIC_EMAIL_DOMAINS | network


def distinctive_host(host: str) -> str:
    """The host a structure's website or address lives on, "" when it says nothing about
    which structure it is (a webmail provider, the network's domain, a bare example
    domain). Only a leading "www." is dropped: "sgs.example.org" stays itself."""
    host = (host or "").strip().lower().rstrip(".").removeprefix("www.")
    if not host or host in EXAMPLE_DOMAINS:
        return ""
    generic = _generic_domains()
    if host in generic or any(host.endswith(f".{domain}") for domain in generic):
        return ""
    return host


def website_domain(url: str) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return distinctive_host(host)


def email_domain(address: str) -> str:
    if not address or "@" not in address:
        return ""
    return distinctive_host(address.rpartition("@")[2])


@dataclass
class _Signature:
    siret: str = ""
    rna: str = ""
    name: str = ""
    website: str = ""
    email_domains: set[str] = field(default_factory=set)
    postcode: str = ""


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
    # Many structures share a postcode: it supports another reason, never flags alone.
    if reasons and mine.postcode and mine.postcode == theirs.postcode:
        reasons.append(_("même code postal"))
    return reasons


def structure_signature(
    *,
    siret: str = "",
    rna: str = "",
    name: str = "",
    website: str = "",
    emails: tuple[str, ...] | list[str] = (),
    postcode: str = "",
) -> _Signature:
    """What the duplicate rules compare of a structure, from its raw values (the name
    normalised, the website and e-mail addresses reduced to their distinctive hosts)."""
    return _Signature(
        siret=siret or "",
        rna=rna or "",
        name=normalise_name(name),
        website=website_domain(website),
        email_domains={domain for domain in map(email_domain, emails) if domain},
        postcode=postcode or "",
    )


def duplicate_reasons(mine: _Signature, theirs: _Signature) -> list[str]:
    """Why two structures look like one (empty when they do not): the référencement's rules,
    shared with the spreadsheet import."""
    return _compare(mine, theirs)


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
        postcode=request.postcode,
    )


def find_duplicates(request: RegistrationRequest) -> list[dict]:
    """Actors (drafts included) and other pending requests that look like `request`.

    Each flag: {"kind": "actor"|"request", "id", "label", "reasons": [...]}. The directory
    holds a few hundred actors: comparing normalised values in Python stays cheap and lets
    names match across accents and punctuation, which SQL would not do portably."""
    mine = _request_signature(request)
    flags = []
    actors = ActorPage.objects.values_list(
        "pk",
        "title",
        "acronym",
        "siret",
        "rna",
        "website",
        "email",
        "private_contact_email",
        "postcode",
    )
    for pk, title, acronym, siret, rna, website, email, private_email, postcode in actors:
        theirs = _Signature(
            siret=siret,
            rna=rna,
            name=normalise_name(title),
            website=website_domain(website),
            email_domains={d for d in (email_domain(email), email_domain(private_email)) if d},
            postcode=postcode,
        )
        reasons = _compare(mine, theirs)
        if acronym and mine.name and normalise_name(acronym) == mine.name:
            reasons.insert(0, _("nom identique au sigle"))
        if reasons:
            flags.append({"kind": "actor", "id": pk, "label": title, "reasons": reasons})
    others = RegistrationRequest.objects.filter(status=RegistrationRequest.Status.PENDING)
    if request.pk:
        others = others.exclude(pk=request.pk)
    fields = ("pk", "name", "siret", "rna", "website", "email", "contact_email", "postcode")
    for other in others.only(*fields):
        reasons = _compare(mine, _request_signature(other))
        if reasons:
            flags.append(
                {"kind": "request", "id": other.pk, "label": other.name, "reasons": reasons}
            )
    return flags


# --- Imported drafts a request can claim ------------------------------------------------------


def _conflicting_numbers(mine: _Signature, theirs: _Signature) -> bool:
    return bool(
        (mine.siret and theirs.siret and mine.siret != theirs.siret)
        or (mine.rna and theirs.rna and mine.rna != theirs.rna)
    )


def _claim_rules(mine: _Signature) -> list[Callable[[_Signature], bool]]:
    """The duplicate rules, strongest first: SIRET or RNA; normalised name and postcode; the
    website's or an address's distinctive domain (the last two only when no SIRET or RNA
    says otherwise)."""
    return [
        lambda theirs: bool(
            (mine.siret and mine.siret == theirs.siret) or (mine.rna and mine.rna == theirs.rna)
        ),
        lambda theirs: bool(
            mine.name
            and mine.postcode
            and mine.name == theirs.name
            and mine.postcode == theirs.postcode
            and not _conflicting_numbers(mine, theirs)
        ),
        lambda theirs: bool(
            (
                (mine.website and mine.website == theirs.website)
                or mine.email_domains & (theirs.email_domains)
            )
            and not _conflicting_numbers(mine, theirs)
        ),
    ]


def imported_draft_to_claim(request: RegistrationRequest) -> ActorPage | None:
    """The imported draft (« à qualifier », never published, without a member space) that
    `request` is surely about, by the first duplicate rule that designates exactly one; None
    when no rule does or when one designates several (the editors then choose from the
    flagged duplicates). A visitor cannot pick a draft in the form: this is how a structure
    of the imported base gets its page back."""
    drafts = ActorPage.objects.filter(
        live=False,
        first_published_at__isnull=True,
        qualification_status=ActorPage.Qualification.TO_QUALIFY,
        member_space__isnull=True,
    ).values_list(
        "pk", "siret", "rna", "title", "website", "email", "private_contact_email", "postcode"
    )
    signatures = {
        pk: structure_signature(
            siret=siret,
            rna=rna,
            name=title,
            website=website,
            emails=[email, private_email],
            postcode=postcode,
        )
        for pk, siret, rna, title, website, email, private_email, postcode in drafts
    }
    for rule in _claim_rules(_request_signature(request)):
        designated = [pk for pk, theirs in signatures.items() if rule(theirs)]
        if len(designated) == 1:
            return ActorPage.objects.get(pk=designated[0])
        if designated:
            return None
    return None


def pending_requests_count() -> int:
    return RegistrationRequest.objects.filter(status=RegistrationRequest.Status.PENDING).count()


# --- The review page's side-by-side comparison ----------------------------------------------

# How many possible duplicates sit side by side with the request (the others are listed).
COMPARED_COLUMNS = 4


@dataclass
class Cell:
    value: str
    match: bool = False


@dataclass
class ComparedColumn:
    """One column of the comparison: the request itself, an actor or another request."""

    kind: str  # "self", "actor" or "request"
    id: int
    label: str
    reasons: list[str] = field(default_factory=list)
    status: str = ""
    cells: list[Cell] = field(default_factory=list)

    @property
    def actor_id(self) -> int | None:
        return self.id if self.kind == "actor" else None


@dataclass
class Comparison:
    rows: list[dict]  # {"label": str, "cells": [Cell, ...]}: the request's cell first
    columns: list[ComparedColumn]  # the duplicates side by side
    others: list[dict]  # flags left out of the table (kind, id, label, reasons)
    count: int


def _row_values(obj, *, contact_email: str) -> dict[str, str]:
    return {
        "name": obj.title if isinstance(obj, ActorPage) else obj.name,
        "acronym": obj.acronym,
        "structure_type": str(obj.structure_type) if obj.structure_type_id else "",
        "place": " ".join(part for part in (obj.postcode, obj.city) if part),
        "website": obj.website,
        "email": obj.email,
        "contact_email": contact_email,
        "siret": obj.siret,
        "rna": obj.rna,
    }


ROW_LABELS = {
    "name": _lazy("Nom"),
    "acronym": _lazy("Sigle"),
    "structure_type": _lazy("Type de structure"),
    "place": _lazy("Code postal et commune"),
    "website": _lazy("Site web"),
    "email": _lazy("Adresse électronique publique"),
    "contact_email": _lazy("Adresse de la personne contact"),
    "siret": _lazy("SIRET"),
    "rna": _lazy("Numéro RNA"),
}


def _matches(key: str, mine: dict, theirs: dict, signature: _Signature) -> bool:
    """Whether this cell of a duplicate is one of the reasons it was flagged."""
    value = theirs[key]
    if not value:
        return False
    if key == "name":
        return normalise_name(value) == signature.name or (
            normalise_name(theirs["acronym"]) == signature.name
        )
    if key in ("siret", "rna"):
        return value == mine[key]
    if key == "place":
        return bool(signature.postcode) and value.startswith(signature.postcode)
    if key == "website":
        return bool(signature.website) and website_domain(value) == signature.website
    if key in ("email", "contact_email"):
        return email_domain(value) in signature.email_domains
    return False


def compare_with_duplicates(request: RegistrationRequest) -> Comparison:
    """The request and its possible duplicates, field by field, the matching cells marked.

    A pending request is compared with today's actors and requests (the flags stored on
    submission may be stale); a processed one shows the flags it was decided on."""
    flags = find_duplicates(request) if request.is_pending else list(request.duplicate_flags)
    # Strongest first: the most reasons.
    flags.sort(key=lambda flag: -len(flag.get("reasons", [])))
    shown, others = flags[:COMPARED_COLUMNS], flags[COMPARED_COLUMNS:]
    actor_ids = [flag["id"] for flag in shown if flag["kind"] == "actor"]
    request_ids = [flag["id"] for flag in shown if flag["kind"] == "request"]
    actors = ActorPage.objects.select_related("structure_type").in_bulk(actor_ids)
    requests = RegistrationRequest.objects.select_related("structure_type").in_bulk(request_ids)

    mine = _row_values(request, contact_email=request.contact_email)
    signature = _request_signature(request)
    columns = [
        ComparedColumn(
            kind="self",
            id=request.pk,
            label=request.name,
            status=request.get_status_display(),
            cells=[Cell(mine[key]) for key in ROW_LABELS],
        )
    ]
    for flag in shown:
        if flag["kind"] == "actor" and flag["id"] in actors:
            obj = actors[flag["id"]]
            theirs = _row_values(obj, contact_email=obj.private_contact_email)
            status = _("publiée") if obj.live else _("brouillon")
        elif flag["kind"] == "request" and flag["id"] in requests:
            obj = requests[flag["id"]]
            theirs = _row_values(obj, contact_email=obj.contact_email)
            status = obj.get_status_display()
        else:
            continue  # deleted since it was flagged
        columns.append(
            ComparedColumn(
                kind=flag["kind"],
                id=flag["id"],
                label=flag["label"],
                reasons=flag.get("reasons", []),
                status=status,
                cells=[
                    Cell(theirs[key], match=_matches(key, mine, theirs, signature))
                    for key in ROW_LABELS
                ],
            )
        )
    rows = [
        {"label": label, "cells": [column.cells[index] for column in columns]}
        for index, label in enumerate(ROW_LABELS.values())
    ]
    return Comparison(rows=rows, columns=columns[1:], others=others, count=len(flags))
