"""The dry run: what importing a table would do, row by row, without writing anything.

A `Plan` holds one `RowPlan` per data row with its status: new, update (and which fields
change), unchanged, invalid (the reasons, each naming the value) or possible duplicate (why
it matched). Applying the plan (`applying.apply_plan`) writes exactly what it says.

Existing pages are read in a handful of queries whatever the number of rows (their values,
their vocabularies, the pending revisions of those that have some), then matched in memory:

- actors by the référencement's duplicate rules (`directory.registration_selectors`): the
  same SIRET or RNA, or the same normalised name and postcode, designate the page to update;
  a name, website or e-mail domain shared with another page only flags a possible
  duplicate, which the import leaves for an editor to settle;
- projects by their actor and normalised title.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.models import Revision

from directory.geography import COMMUNE, known_place
from directory.models import ActorPage, ProjectPage
from directory.models.places import format_location
from directory.registration_selectors import (
    duplicate_reasons,
    normalise_name,
    structure_signature,
)

from ..models import LabelMapping
from ..text import normalise_label
from .cleaning import M2M_FIELDS, ActorIndex, Cleaned, clean_actor_row, clean_project_row
from .columns import ACTORS, PROJECTS, columns_for, resolve_mapping
from .labels import LabelMatcher
from .reading import Table

NEW, UPDATE, UNCHANGED, INVALID, DUPLICATE = "new", "update", "unchanged", "invalid", "duplicate"
STATUSES = {
    NEW: _lazy("Nouveau"),
    UPDATE: _lazy("Mise à jour"),
    UNCHANGED: _lazy("Inchangé"),
    INVALID: _lazy("Invalide"),
    DUPLICATE: _lazy("Doublon possible"),
}
_PENDING = "pending"  # matched to a page, compared once the pages' states are read
# Fields an actor row may set, and the ones a project row may set (model attributes).
ACTOR_FIELDS = (
    "title",
    "acronym",
    "college_id",
    "structure_type_id",
    "short_description",
    "body",
    "address",
    "postcode",
    "city",
    "departement_id",
    "website",
    "email",
    "phone",
    "siret",
    "rna",
    "membership",
    "year_founded",
    "private_contact_name",
    "private_contact_email",
    "private_contact_phone",
    "location",
)
PROJECT_FIELDS = (
    "title",
    "summary_text",
    "body",
    "status",
    "start_year",
    "end_year",
    "funders",
    "local_partners",
)
FK_KINDS = {
    "college_id": LabelMapping.Kind.COLLEGE,
    "structure_type_id": LabelMapping.Kind.STRUCTURE_TYPE,
    "departement_id": LabelMapping.Kind.DEPARTEMENT,
}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    line: int  # the line in the file (the header is line 1)
    status: str
    label: str
    values: dict[str, object] = field(default_factory=dict)
    many: dict[str, list[int]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    target_id: int | None = None
    parent_id: int | None = None  # projects: their actor page
    notes: list[str] = field(default_factory=list)  # what the import adds of its own

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def detail(self) -> str:
        """The row's line of the report, in words."""
        if self.status == INVALID:
            return " ; ".join(self.errors)
        if self.status == DUPLICATE:
            return " ; ".join(self.reasons)
        if self.status == UPDATE:
            return " ; ".join(
                [
                    *(
                        f"{change.label} : « {change.old} » → « {change.new} »"
                        for change in self.changes
                        if change.field != "location"
                    ),
                    *self.notes,
                ]
            )
        return " ; ".join(self.notes)


@dataclass
class Plan:
    kind: str
    headers: list[str]
    mapping: dict[int, str]
    rows: list[RowPlan]
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required fields with no column

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {status: counted.get(status, 0) for status in STATUSES}

    @property
    def applicable(self) -> list[RowPlan]:
        return [row for row in self.rows if row.status in (NEW, UPDATE)]

    @property
    def is_applicable(self) -> bool:
        return not self.missing and bool(self.applicable)

    def digest(self) -> str:
        """A fingerprint of what applying would write: the confirmation is refused when
        the directory changed between the dry run and the click."""
        payload = [
            (
                row.line,
                row.status,
                row.target_id,
                row.parent_id,
                sorted((key, str(value)) for key, value in row.values.items()),
                sorted((key, sorted(ids)) for key, ids in row.many.items()),
            )
            for row in self.rows
            if row.status in (NEW, UPDATE)
        ]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:32]


def _field_label(model, attribute: str) -> str:
    return str(model._meta.get_field(attribute.removesuffix("_id")).verbose_name).capitalize()


def _display(model, attribute: str, value: object, matcher: LabelMatcher) -> str:
    if value in (None, ""):
        return ""
    if attribute in FK_KINDS:
        return matcher.name(FK_KINDS[attribute], value)
    model_field = model._meta.get_field(attribute.removesuffix("_id"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _compare(
    model, cleaned: Cleaned, baseline: dict, matcher: LabelMatcher
) -> tuple[dict[str, object], dict[str, list[int]], list[Change]]:
    """The values that differ from the page's current state (vocabularies: the ones it
    lacks; an import adds to a page's themes, never removes)."""
    values, many, changes = {}, {}, []
    for attribute, value in cleaned.values.items():
        current = baseline.get(attribute)
        if (current if current is not None else "") != value:
            values[attribute] = value
            changes.append(
                Change(
                    attribute,
                    _field_label(model, attribute),
                    _display(model, attribute, current, matcher),
                    _display(model, attribute, value, matcher),
                )
            )
    for name, ids in cleaned.many.items():
        current = set(baseline.get(name, ()))
        missing = [pk for pk in ids if pk not in current]
        if missing:
            many[name] = missing
            kind = M2M_FIELDS[name]
            changes.append(
                Change(
                    name,
                    _field_label(model, name),
                    ", ".join(sorted(matcher.name(kind, pk) for pk in current)),
                    "+ " + ", ".join(matcher.name(kind, pk) for pk in missing),
                )
            )
    return values, many, changes


def _m2m_of(model, ids: list[int]) -> dict[int, dict[str, set[int]]]:
    """{page id: {"themes": {...}, "sdgs": {...}, "countries": {...}}} in three queries."""
    result: dict[int, dict[str, set[int]]] = {
        pk: {name: set() for name in M2M_FIELDS} for pk in ids
    }
    for name in M2M_FIELDS:
        through = model._meta.get_field(name).remote_field.through
        source = f"{model._meta.model_name}_id"
        target = [f.attname for f in through._meta.fields if f.attname not in ("id", source)][0]
        for page_id, target_id in through.objects.filter(**{f"{source}__in": ids}).values_list(
            source, target
        ):
            result[page_id][name].add(target_id)
    return result


def _baselines(model, fields: tuple[str, ...], rows: list[dict]) -> dict[int, dict]:
    """The state an import compares with, per page id: the latest revision's for a page
    with unpublished changes (what the editor sees and would publish), else its row."""
    baselines = {row["id"]: dict(row) for row in rows}
    many = _m2m_of(model, list(baselines))
    for pk, values in many.items():
        baselines[pk].update(values)
    pending = {
        row["latest_revision_id"]: row["id"]
        for row in rows
        if row["has_unpublished_changes"] and row["latest_revision_id"]
    }
    if pending:
        for revision_id, content in Revision.objects.filter(pk__in=pending).values_list(
            "pk", "content"
        ):
            baseline = baselines[pending[revision_id]]
            for attribute in fields:
                key = attribute.removesuffix("_id")
                if key in content:
                    baseline[attribute] = content[key]
            for name in M2M_FIELDS:
                if name in content:
                    baseline[name] = set(content[name] or ())
    return baselines


def _row_dicts(table: Table, mapping: dict[int, str]) -> list[dict[str, str]]:
    return [{key: row[index] for index, key in mapping.items()} for row in table.rows]


def plan_import(*, table: Table, kind: str, overrides: dict[str, str] | None = None) -> Plan:
    mapping = resolve_mapping(table.headers, kind, overrides or {})
    mapped = set(mapping.values())
    missing = [
        str(column.label)
        for column in columns_for(kind)
        if column.required and column.key not in mapped
    ]
    plan = Plan(
        kind=kind,
        headers=table.headers,
        mapping=mapping,
        rows=[],
        warnings=list(table.warnings),
        missing=missing,
    )
    if kind == PROJECTS and "actor" not in mapped and "actor_siret" not in mapped:
        plan.missing.append(str(_lazy("Structure porteuse (nom ou SIRET)")))
    if plan.missing:
        return plan
    matcher = LabelMatcher()
    rows = _row_dicts(table, mapping)
    if kind == ACTORS:
        plan.rows = _plan_actors(rows, matcher)
    else:
        plan.rows = _plan_projects(rows, matcher)
    return plan


# --- Actors ---------------------------------------------------------------------------------


class _ActorMatcher:
    """The directory's actors indexed by each value the duplicate rules compare."""

    def __init__(self, rows: list[dict]) -> None:
        self.signatures = {}
        self.titles = {}
        self.acronyms = {}
        self.index: dict[tuple[str, str], set[int]] = {}
        for row in rows:
            pk = row["id"]
            signature = structure_signature(
                siret=row["siret"],
                rna=row["rna"],
                name=row["title"],
                website=row["website"],
                emails=[row["email"], row["private_contact_email"]],
                postcode=row["postcode"],
            )
            self.signatures[pk] = signature
            self.titles[pk] = row["title"]
            self.acronyms[pk] = normalise_name(row["acronym"])
            for key in self._keys(signature):
                self.index.setdefault(key, set()).add(pk)
            if self.acronyms[pk]:
                self.index.setdefault(("name", self.acronyms[pk]), set()).add(pk)

    @staticmethod
    def _keys(signature) -> list[tuple[str, str]]:
        keys = [
            ("siret", signature.siret),
            ("rna", signature.rna),
            ("name", signature.name),
            ("website", signature.website),
        ]
        keys += [("email", domain) for domain in signature.email_domains]
        return [(kind, value) for kind, value in keys if value]

    def candidates(self, signature) -> set[int]:
        found: set[int] = set()
        for key in self._keys(signature):
            found |= self.index.get(key, set())
        return found

    def reasons(self, mine, pk: int) -> list[str]:
        reasons = duplicate_reasons(mine, self.signatures[pk])
        if self.acronyms[pk] and mine.name and self.acronyms[pk] == mine.name:
            reasons.insert(0, _("nom identique au sigle"))
        return reasons


def _designates(mine, theirs) -> bool:
    """Whether a row and a page are surely the same structure (the page to update)."""
    if mine.siret and mine.siret == theirs.siret:
        return True
    if mine.rna and mine.rna == theirs.rna:
        return True
    conflicting = (mine.siret and theirs.siret and mine.siret != theirs.siret) or (
        mine.rna and theirs.rna and mine.rna != theirs.rna
    )
    return bool(
        not conflicting
        and mine.name
        and mine.name == theirs.name
        and mine.postcode
        and mine.postcode == theirs.postcode
    )


def _plan_actors(rows: list[dict[str, str]], matcher: LabelMatcher) -> list[RowPlan]:
    columns = ["id", "live", "has_unpublished_changes", "latest_revision_id", *ACTOR_FIELDS]
    existing = list(ActorPage.objects.values(*columns))
    actors = _ActorMatcher(existing)
    by_id = {row["id"]: row for row in existing}
    plans: list[RowPlan] = []
    seen: dict[tuple[str, str], int] = {}  # strong keys of the file's rows -> first line
    claimed: dict[int, int] = {}  # page id -> the line that updates it
    for number, row in enumerate(rows, start=2):
        cleaned = clean_actor_row(row, matcher)
        label = row.get("name", "").strip() or _("(sans nom)")
        plan = RowPlan(line=number, status=INVALID, label=label, errors=cleaned.errors)
        plans.append(plan)
        if cleaned.errors:
            continue
        values = cleaned.values
        mine = structure_signature(
            siret=values.get("siret", ""),
            rna=values.get("rna", ""),
            name=values["title"],
            website=values.get("website", ""),
            emails=[values.get("email", ""), values.get("private_contact_email", "")],
            postcode=values.get("postcode", ""),
        )
        strong_keys = [("siret", mine.siret), ("rna", mine.rna)]
        if mine.name and mine.postcode:
            strong_keys.append(("name+postcode", f"{mine.name}|{mine.postcode}"))
        earlier = [(key, seen[key]) for key in strong_keys if key[1] and key in seen]
        if earlier:
            plan.status = DUPLICATE
            plan.reasons = [
                _("même %(what)s que la ligne %(line)s")
                % {
                    "what": {
                        "siret": _("SIRET"),
                        "rna": _("numéro RNA"),
                        "name+postcode": _("nom et code postal"),
                    }[key[0]],
                    "line": line,
                }
                for key, line in earlier
            ]
            continue
        for key in strong_keys:
            if key[1]:
                seen[key] = number
        candidates = actors.candidates(mine)
        designated = sorted(pk for pk in candidates if _designates(mine, actors.signatures[pk]))
        if len(designated) > 1:
            plan.status = DUPLICATE
            plan.reasons = [
                _("plusieurs fiches correspondent : ")
                + " ; ".join(
                    f"« {actors.titles[pk]} » ({', '.join(actors.reasons(mine, pk))})"
                    for pk in designated
                )
            ]
            continue
        if designated:
            target = designated[0]
            if target in claimed:
                plan.status = DUPLICATE
                plan.reasons = [
                    _("la ligne %(line)s met déjà à jour la fiche « %(title)s »")
                    % {"line": claimed[target], "title": actors.titles[target]}
                ]
                continue
            claimed[target] = number
            plan.target_id, plan.status = target, _PENDING
            plan.values, plan.many = cleaned.values, cleaned.many
            continue
        weak = {pk: actors.reasons(mine, pk) for pk in sorted(candidates)}
        weak = {pk: reasons for pk, reasons in weak.items() if reasons}
        if weak:
            plan.status = DUPLICATE
            plan.reasons = [
                _("ressemble à la fiche « %(title)s » : %(reasons)s")
                % {"title": actors.titles[pk], "reasons": ", ".join(reasons)}
                for pk, reasons in weak.items()
            ]
            continue
        plan.status = NEW
        plan.values, plan.many = cleaned.values, cleaned.many
    targets = [plan.target_id for plan in plans if plan.status == _PENDING]
    baselines = _baselines(ActorPage, ACTOR_FIELDS, [by_id[pk] for pk in targets])
    codes = {pk: code for code, pk in matcher.departement_by_code.items()}
    for plan in plans:
        if plan.status == NEW:
            _place(plan, codes)
        elif plan.status == _PENDING:
            # A page's own place (set by an editor or a member) is never moved.
            if not baselines[plan.target_id].get("location"):
                _place(plan, codes)
            _settle_update(plan, ActorPage, baselines[plan.target_id], matcher)
    return plans


def _place(plan: RowPlan, departement_codes: dict[int, str]) -> None:
    """A point for the map from the row's commune, postcode or département (offline data:
    `directory.geography`), and a note saying how precise it is."""
    values = plan.values
    place = known_place(
        city=str(values.get("city", "")),
        postcode=str(values.get("postcode", "")),
        departement=departement_codes.get(values.get("departement_id"), ""),
    )
    if place is None:
        if values.get("city") or values.get("postcode") or values.get("departement_id"):
            plan.notes.append(_("lieu inconnu des données hors ligne : pas de point sur la carte"))
        return
    values["location"] = format_location(latitude=place.latitude, longitude=place.longitude)
    if place.precision == COMMUNE:
        plan.notes.append(_("placé sur la carte à %(commune)s") % {"commune": place.name})
    else:
        plan.notes.append(
            _(
                "placé au centre approximatif du département (%(code)s) : commune inconnue "
                "des données hors ligne, à préciser sur la fiche"
            )
            % {"code": place.name}
        )


def _settle_update(plan: RowPlan, model, baseline: dict, matcher: LabelMatcher) -> None:
    cleaned = Cleaned(values=plan.values, many=plan.many)
    plan.values, plan.many, plan.changes = _compare(model, cleaned, baseline, matcher)
    plan.status = UPDATE if plan.changes else UNCHANGED
    plan.errors = []


# --- Projects -------------------------------------------------------------------------------


def _plan_projects(rows: list[dict[str, str]], matcher: LabelMatcher) -> list[RowPlan]:
    actors = ActorIndex(list(ActorPage.objects.values_list("pk", "title", "acronym", "siret")))
    columns = [
        "id",
        "actor_id",
        "live",
        "has_unpublished_changes",
        "latest_revision_id",
        *PROJECT_FIELDS,
    ]
    existing = list(ProjectPage.objects.filter(actor__isnull=False).values(*columns))
    by_key: dict[tuple[int, str], list[int]] = {}
    by_id = {}
    for row in existing:
        by_id[row["id"]] = row
        by_key.setdefault((row["actor_id"], normalise_label(row["title"])), []).append(row["id"])
    plans: list[RowPlan] = []
    seen: dict[tuple[int, str], int] = {}
    for number, row in enumerate(rows, start=2):
        cleaned = clean_project_row(row, matcher, actors)
        label = row.get("title", "").strip() or _("(sans intitulé)")
        plan = RowPlan(line=number, status=INVALID, label=label, errors=cleaned.errors)
        plans.append(plan)
        if cleaned.errors:
            continue
        plan.parent_id = cleaned.actor_id
        key = (cleaned.actor_id, normalise_label(cleaned.values["title"]))
        if key in seen:
            plan.status = DUPLICATE
            plan.reasons = [
                _("même intitulé et même structure que la ligne %(line)s") % {"line": seen[key]}
            ]
            continue
        seen[key] = number
        matches = by_key.get(key, [])
        plan.values, plan.many = cleaned.values, cleaned.many
        if len(matches) > 1:
            plan.status = DUPLICATE
            plan.reasons = [
                _("%(count)s projets de « %(actor)s » portent déjà cet intitulé")
                % {"count": len(matches), "actor": actors.titles[cleaned.actor_id]}
            ]
            continue
        if matches:
            plan.target_id, plan.status = matches[0], _PENDING
            continue  # settled below, with the baselines
        plan.status = NEW
    targets = [plan.target_id for plan in plans if plan.status == _PENDING]
    baselines = _baselines(ProjectPage, PROJECT_FIELDS, [by_id[pk] for pk in targets])
    for plan in plans:
        if plan.status == _PENDING:
            _settle_update(plan, ProjectPage, baselines[plan.target_id], matcher)
    return plans
