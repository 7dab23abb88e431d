"""One spreadsheet row made into the values of a page, or the reasons it cannot be.

`clean_actor_row` and `clean_project_row` return a `Cleaned`: the model attributes to set
(`values`: text, foreign-key ids, choices, years), the vocabularies' ids (`many`) and the
errors, each naming the value that caused it. An empty cell sets nothing: an import never
erases what the directory holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from directory.models import ActorPage, ProjectPage
from directory.registration_forms import validate_siret

from ..models import LabelMapping
from ..text import normalise_label
from .labels import LabelMatcher

Kind = LabelMapping.Kind
M2M_FIELDS = {"themes": Kind.THEME, "sdgs": Kind.SDG, "countries": Kind.COUNTRY}
_YEAR = re.compile(r"^\s*(?:\d{1,2}[/.-]\d{1,2}[/.-])?(\d{4})(?:[/.-]\d{1,2}[/.-]\d{1,2})?")
TRUE_WORDS = {"oui", "yes", "x", "1", "vrai", "true", "adherent", "adherente", "membre", "o"}
FALSE_WORDS = {"non", "no", "0", "faux", "false", "n", "reference", "non adherent"}
PROJECT_STATUSES = {
    ProjectPage.Status.PREPARING: (
        "preparation",
        "en preparation",
        "a venir",
        "en projet",
        "en montage",
        "prevu",
    ),
    ProjectPage.Status.ONGOING: ("en cours", "actif", "en cours de realisation", "encours"),
    ProjectPage.Status.FINISHED: ("termine", "acheve", "clos", "cloture", "fini", "realise"),
}
_STATUS_LOOKUP = {
    normalise_label(word): status for status, words in PROJECT_STATUSES.items() for word in words
}
LIMITS = {
    "title": 255,
    "acronym": 40,
    "address": 255,
    "city": 120,
    "phone": 40,
    "private_contact_name": 120,
    "private_contact_phone": 40,
    "funders": 4000,
    "local_partners": 4000,
}


@dataclass
class Cleaned:
    values: dict[str, object] = field(default_factory=dict)
    many: dict[str, list[int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # Projects: the actor page the project belongs to.
    actor_id: int | None = None

    def text(self, name: str, raw: str, label: str | Promise) -> None:
        raw = (raw or "").strip()
        if not raw:
            return
        limit = LIMITS.get(name)
        if limit and len(raw) > limit:
            self.errors.append(
                _("%(label)s trop long (%(length)s caractères, %(limit)s au plus) : « %(value)s… »")
                % {"label": label, "length": len(raw), "limit": limit, "value": raw[:40]}
            )
            return
        self.values[name] = raw


def _unknown(label: str | Promise, values: list[str]) -> str:
    """The column's label first ("Thématique : libellé inconnu « … »"), so that the
    wording agrees whatever the label's gender and number."""
    message = ngettext(
        "%(label)s : libellé inconnu %(values)s",
        "%(label)s : libellés inconnus %(values)s",
        len(values),
    )
    return message % {
        "label": label,
        "values": ", ".join(f"« {value} »" for value in values),
    }


def _clean_many(cleaned: Cleaned, row: dict[str, str], matcher: LabelMatcher) -> None:
    labels = {"themes": _lazy("Thématique"), "sdgs": _lazy("ODD"), "countries": _lazy("Pays")}
    for name, kind in M2M_FIELDS.items():
        if not row.get(name, "").strip():
            continue
        matched = matcher.many(kind, row[name])
        if matched.unknown:
            cleaned.errors.append(_unknown(labels[name], matched.unknown))
        cleaned.many[name] = matched.ids


def _clean_year(cleaned: Cleaned, name: str, raw: str, label: str | Promise) -> None:
    raw = (raw or "").strip()
    if not raw:
        return
    match = _YEAR.match(raw)
    year = int(match.group(1)) if match else None
    if year is None or not 1800 <= year <= 2100:
        cleaned.errors.append(
            _("%(label)s invalide : « %(value)s » (attendu : une année, ex. 2019)")
            % {"label": label, "value": raw}
        )
        return
    cleaned.values[name] = year


def _description(cleaned: Cleaned, text: str, *, short: str, long: str, short_max: int) -> None:
    text = (text or "").strip()
    if not text:
        return
    cleaned.values[short] = text if len(text) <= short_max else text[: short_max - 1] + "…"
    cleaned.values[long] = "".join(
        f"<p>{escape(paragraph.strip())}</p>"
        for paragraph in text.splitlines()
        if paragraph.strip()
    )


def clean_actor_row(row: dict[str, str], matcher: LabelMatcher) -> Cleaned:
    cleaned = Cleaned()
    name = row.get("name", "").strip()
    if not name:
        cleaned.errors.append(_("Nom de la structure manquant."))
    else:
        cleaned.text("title", name, _lazy("Nom"))
    cleaned.text("acronym", row.get("acronym", ""), _lazy("Sigle"))
    cleaned.text("address", row.get("address", ""), _lazy("Adresse"))
    cleaned.text("city", row.get("city", ""), _lazy("Commune"))
    cleaned.text("phone", row.get("phone", ""), _lazy("Téléphone"))
    cleaned.text("private_contact_name", row.get("contact_name", ""), _lazy("Personne contact"))
    cleaned.text(
        "private_contact_phone", row.get("contact_phone", ""), _lazy("Téléphone du contact")
    )

    structure_type = row.get("structure_type", "").strip()
    if structure_type:
        found = matcher.one(Kind.STRUCTURE_TYPE, structure_type)
        if found is None:
            cleaned.errors.append(_unknown(_("Type de structure"), [structure_type]))
        else:
            cleaned.values["structure_type_id"] = found
    college = row.get("college", "").strip()
    if college:
        found = matcher.one(Kind.COLLEGE, college)
        if found is None:
            cleaned.errors.append(_unknown(_("Collège"), [college]))
        else:
            cleaned.values["college_id"] = found
    type_id = cleaned.values.get("structure_type_id")
    if type_id is not None:
        type_college = matcher.structure_type_college[type_id]
        if "college_id" not in cleaned.values:
            cleaned.values["college_id"] = type_college
        elif cleaned.values["college_id"] != type_college:
            cleaned.errors.append(
                _("Le type « %(type)s » n'appartient pas au collège « %(college)s ».")
                % {"type": structure_type, "college": college}
            )

    postcode = re.sub(r"\s", "", row.get("postcode", ""))
    if postcode:
        if postcode.isdigit() and len(postcode) == 4:
            postcode = f"0{postcode}"  # a spreadsheet read it as a number
        if not re.fullmatch(r"\d{5}", postcode):
            cleaned.errors.append(
                _("Code postal invalide : « %(value)s » (5 chiffres)") % {"value": postcode}
            )
        else:
            cleaned.values["postcode"] = postcode
    departement = row.get("departement", "").strip()
    if departement:
        found = matcher.one(Kind.DEPARTEMENT, departement)
        if found is None:
            cleaned.errors.append(_unknown(_("Département"), [departement]))
        else:
            cleaned.values["departement_id"] = found
    elif "postcode" in cleaned.values:
        cleaned.values["departement_id"] = matcher.departement_for_postcode(
            cleaned.values["postcode"]
        )

    siret = re.sub(r"[\s.]", "", row.get("siret", ""))
    if siret:
        try:
            validate_siret(siret)
        except ValidationError as error:
            cleaned.errors.append(
                _("SIRET invalide : « %(value)s » (%(reason)s)")
                % {"value": siret, "reason": " ".join(error.messages).rstrip(".")}
            )
        else:
            cleaned.values["siret"] = siret
    rna = re.sub(r"\s", "", row.get("rna", "")).upper()
    if rna:
        if not re.fullmatch(r"W\d{9}", rna):
            cleaned.errors.append(
                _("Numéro RNA invalide : « %(value)s » (W suivi de 9 chiffres)") % {"value": rna}
            )
        else:
            cleaned.values["rna"] = rna

    website = row.get("website", "").strip()
    if website:
        if "://" not in website:
            website = f"https://{website}"
        try:
            URLValidator(schemes=["http", "https"])(website)
            if len(website) > 200:
                raise ValidationError("too long")
        except ValidationError:
            cleaned.errors.append(_("Site web invalide : « %(value)s »") % {"value": website})
        else:
            cleaned.values["website"] = website
    for column, attribute, label in (
        ("email", "email", _lazy("Adresse électronique")),
        ("contact_email", "private_contact_email", _lazy("E-mail du contact")),
    ):
        email = row.get(column, "").strip()
        if not email:
            continue
        try:
            EmailValidator()(email)
        except ValidationError:
            cleaned.errors.append(
                _("%(label)s invalide : « %(value)s »") % {"label": label, "value": email}
            )
        else:
            cleaned.values[attribute] = email.lower()

    membership = row.get("membership", "").strip()
    if membership:
        word = normalise_label(membership)
        if word in TRUE_WORDS:
            cleaned.values["membership"] = ActorPage.Membership.MEMBER
        elif word in FALSE_WORDS:
            cleaned.values["membership"] = ActorPage.Membership.REFERENCED
        else:
            cleaned.errors.append(
                _("Adhésion illisible : « %(value)s » (attendu : oui ou non)")
                % {"value": membership}
            )
    _clean_year(cleaned, "year_founded", row.get("year_founded", ""), _lazy("Année de création"))
    _description(
        cleaned, row.get("description", ""), short="short_description", long="body", short_max=300
    )
    _clean_many(cleaned, row, matcher)
    if "title" in cleaned.values and "college_id" not in cleaned.values:
        cleaned.errors.append(
            _("Collège manquant : indiquez le collège ou un type de structure connu.")
        )
    return cleaned


def clean_project_row(row: dict[str, str], matcher: LabelMatcher, actors: ActorIndex) -> Cleaned:
    cleaned = Cleaned()
    title = row.get("title", "").strip()
    if not title:
        cleaned.errors.append(_("Intitulé du projet manquant."))
    else:
        cleaned.text("title", title, _lazy("Intitulé"))
    actor_name = row.get("actor", "").strip()
    actor_siret = re.sub(r"[\s.]", "", row.get("actor_siret", ""))
    if not actor_name and not actor_siret:
        cleaned.errors.append(_("Structure porteuse manquante (nom ou SIRET)."))
    else:
        actor_id, error = actors.find(name=actor_name, siret=actor_siret)
        if error:
            cleaned.errors.append(error)
        cleaned.actor_id = actor_id
    status = row.get("status", "").strip()
    if status:
        found = _STATUS_LOOKUP.get(normalise_label(status))
        if found is None:
            cleaned.errors.append(
                _("État inconnu : « %(value)s » (en préparation, en cours ou terminé)")
                % {"value": status}
            )
        else:
            cleaned.values["status"] = found
    _clean_year(cleaned, "start_year", row.get("start_year", ""), _lazy("Année de début"))
    _clean_year(cleaned, "end_year", row.get("end_year", ""), _lazy("Année de fin"))
    start, end = cleaned.values.get("start_year"), cleaned.values.get("end_year")
    if start and end and end < start:
        cleaned.errors.append(
            _("L'année de fin (%(end)s) précède l'année de début (%(start)s).")
            % {"end": end, "start": start}
        )
    _description(cleaned, row.get("summary", ""), short="summary_text", long="body", short_max=400)
    cleaned.text("funders", row.get("funders", ""), _lazy("Financeurs"))
    cleaned.text("local_partners", row.get("local_partners", ""), _lazy("Partenaires locaux"))
    _clean_many(cleaned, row, matcher)
    return cleaned


class ActorIndex:
    """The directory's actors by SIRET and by normalised name or acronym, for the projects'
    link to their actor."""

    def __init__(self, rows: list[tuple[int, str, str, str]]) -> None:
        self.by_siret: dict[str, set[int]] = {}
        self.by_name: dict[str, set[int]] = {}
        self.titles: dict[int, str] = {}
        for pk, title, acronym, siret in rows:
            self.titles[pk] = title
            if siret:
                self.by_siret.setdefault(siret, set()).add(pk)
            for name in (title, acronym):
                key = normalise_label(name)
                if key:
                    self.by_name.setdefault(key, set()).add(pk)

    def find(self, *, name: str, siret: str) -> tuple[int | None, str]:
        if siret:
            found = self.by_siret.get(siret, set())
            if len(found) == 1:
                return next(iter(found)), ""
            if len(found) > 1:
                return None, _("Plusieurs fiches portent le SIRET « %(value)s ».") % {
                    "value": siret
                }
        if name:
            found = self.by_name.get(normalise_label(name), set())
            if len(found) == 1:
                return next(iter(found)), ""
            if len(found) > 1:
                return None, _(
                    "Plusieurs fiches portent le nom « %(value)s » : indiquez leur SIRET."
                ) % {"value": name}
        return None, _(
            "Structure porteuse introuvable dans l'annuaire : « %(value)s » (importez "
            "d'abord les acteurs)."
        ) % {"value": siret or name}
