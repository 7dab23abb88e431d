"""Applying a dry run's plan: every new page and every update in one transaction.

New actors are drafts under the directory, « à qualifier », placed from offline data only
(their commune, else their département's centre: `directory.geography`, chosen by the plan;
no network geocoding); new projects are drafts under their actor. Each new page has a first
revision and a "created" entry in its history, as the admin's "add" view gives a page. An
update is saved as a new revision of the page (built on its latest one, so an editor's
pending changes are kept): a draft gets its row updated as well, a published page keeps its
public version until an editor publishes the revision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modelcluster.models import get_all_child_relations
from wagtail.models import Page, PageLogEntry, Revision

from directory.models import (
    ActorPage,
    College,
    Country,
    Departement,
    DirectoryPage,
    ProjectPage,
    StructureType,
    SustainableDevelopmentGoal,
    Theme,
)
from directory.services.map_properties import refresh_map_properties

from .cleaning import M2M_FIELDS
from .columns import ACTORS
from .indexing import index_pages, indexing_deferred, reference_prefetch
from .planning import NEW, UPDATE, Plan, RowPlan


class ApplyError(Exception):
    """The plan cannot be applied (no directory page...); the message says why."""


@dataclass
class Applied:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)


M2M_MODELS = {"themes": Theme, "sdgs": SustainableDevelopmentGoal, "countries": Country}
# Foreign keys set as objects, so that saving (map feature, checks) reads no row again.
FK_MODELS = {
    "college_id": College,
    "structure_type_id": StructureType,
    "departement_id": Departement,
}


class _Children:
    """Where new pages go under each parent: unique slugs and the next tree paths, read once
    per parent (what treebeard's `add_child` reads for every page). The parents are locked
    for the transaction, so a page added meanwhile by hand waits instead of colliding."""

    def __init__(self) -> None:
        self.parents: dict[int, Page] = {}
        self.slugs: dict[int, set[str]] = {}
        self.last_step: dict[int, int] = {}
        self.added: dict[int, int] = {}

    def _read(self, parent: Page) -> None:
        Page.objects.select_for_update().filter(pk=parent.pk).values_list("pk").get()
        self.parents[parent.pk] = parent
        self.slugs[parent.pk] = set(parent.get_children().values_list("slug", flat=True))
        last = parent.get_children().order_by("-path").values_list("path", flat=True).first()
        self.last_step[parent.pk] = Page._str2int(last[-Page.steplen :]) if last else 0
        self.added[parent.pk] = 0

    def place(self, page: Page, parent: Page, fallback: str) -> None:
        """Give `page` its slug, depth and path as the parent's last child."""
        if parent.pk not in self.parents:
            self._read(parent)
        taken = self.slugs[parent.pk]
        base = slugify(page.title)[:70] or fallback
        slug, number = base, 2
        while slug in taken:
            slug = f"{base}-{number}"
            number += 1
        taken.add(slug)
        page.slug = slug
        self.last_step[parent.pk] += 1
        self.added[parent.pk] += 1
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, self.last_step[parent.pk])
        page.numchild = 0
        page._cached_parent_obj = parent

    def count_children(self) -> None:
        for pk, added in self.added.items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + added)


def _objects(plan: Plan) -> dict[str, dict[int, object]]:
    """The vocabularies' rows the plan names, in one query each."""
    wanted: dict[str, set[int]] = {name: set() for name in M2M_FIELDS}
    for row in plan.applicable:
        for name, ids in row.many.items():
            wanted[name].update(ids)
    objects = {name: M2M_MODELS[name].objects.in_bulk(ids) for name, ids in wanted.items()}
    for attribute, model in FK_MODELS.items():
        ids = {row.values[attribute] for row in plan.applicable if row.values.get(attribute)}
        objects[attribute] = model.objects.in_bulk(ids)
    return objects


def _set_values(page: Page, values: dict[str, object], objects: dict[str, dict]) -> None:
    for attribute, value in values.items():
        if attribute in FK_MODELS and value in objects[attribute]:
            setattr(page, attribute.removesuffix("_id"), objects[attribute][value])
        else:
            setattr(page, attribute, value)


def _create(row: RowPlan, parent: Page, model, children: _Children, objects, user) -> Page:
    """The page's row, as `add_child` writes it, but without a query to find its place;
    its vocabularies are written in bulk afterwards (`_link_vocabularies`)."""
    page = model(title=row.values["title"], live=False, has_unpublished_changes=True, owner=user)
    if model is ActorPage:
        page.qualification_status = ActorPage.Qualification.TO_QUALIFY
    _set_values(page, row.values, objects)
    children.place(page, parent, "acteur" if model is ActorPage else "projet")
    page.locale_id = parent.locale_id
    # A new page under the directory or an actor is no site's root: Wagtail's save would
    # ask the database for each page.
    page._is_site_root = False
    # Its first revision and its history are written in bulk afterwards.
    page.save(clean=False, log_action=None)
    return page


def _first_revisions(model, created: list[tuple[Page, RowPlan]], objects, user) -> dict:
    """Each new page's first revision, as the admin's "add" view saves one, so that an
    imported draft has a date in the explorer's "Mis à jour" column and a history to compare
    with. Built in memory and written in bulk: the vocabularies (already written by
    `_link_vocabularies`) and the empty child relations are given to each page in memory
    only, so that serialising it reads nothing from the database. Returns them by page id."""
    content_type = ContentType.objects.get_for_model(model)
    base_content_type = ContentType.objects.get_for_model(Page)
    children = [relation.get_accessor_name() for relation in get_all_child_relations(model)]
    now = timezone.now()
    revisions = {}
    for page, row in created:
        for name in children:
            getattr(page, name).set([])
        for name in M2M_FIELDS:
            getattr(page, name).set(
                [objects[name][pk] for pk in row.many.get(name, ()) if pk in objects[name]]
            )
        page.draft_title = page.title
        page.latest_revision_created_at = now
        revisions[page.pk] = Revision(
            content_type=content_type,
            base_content_type=base_content_type,
            object_id=str(page.pk),
            user=user,
            created_at=now,
            content=page.serializable_data(),
            object_str=str(page),
        )
    Revision.objects.bulk_create(revisions.values(), batch_size=500)
    # One UPDATE in the database, where `bulk_update` would build a CASE per page in Python.
    first_revision = Revision.objects.filter(
        base_content_type=base_content_type, object_id=Cast(OuterRef("pk"), CharField())
    ).values("pk")[:1]
    ids = list(revisions)
    for start in range(0, len(ids), 500):  # within SQLite's limit of parameters
        Page.objects.filter(pk__in=ids[start : start + 500]).update(
            latest_revision=Subquery(first_revision),
            latest_revision_created_at=now,
            draft_title=F("title"),
        )
    return revisions


def _log_creations(model, pages: list[Page], revisions: dict, user) -> None:
    """The "created" entries of the pages' history, as the admin's "add" view logs them
    (with the first revision)."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type=content_type,
                label=page.get_admin_display_title(),
                action="wagtail.create",
                timestamp=now,
                data={},
                user=user,
                page_id=page.pk,
                revision=revisions[page.pk],
                content_changed=True,
            )
            for page in pages
        ],
        batch_size=1000,
    )


def _link_vocabularies(model, created: list[tuple[Page, RowPlan]], objects) -> None:
    """The new pages' themes, SDGs and countries: one insert per vocabulary."""
    for name in M2M_FIELDS:
        through = model._meta.get_field(name).remote_field.through
        source = f"{model._meta.model_name}_id"
        target = [f.attname for f in through._meta.fields if f.attname not in ("id", source)][0]
        through.objects.bulk_create(
            [
                through(**{source: page.pk, target: pk})
                for page, row in created
                for pk in row.many.get(name, ())
                if pk in objects[name]
            ],
            batch_size=1000,
        )


def _update(row: RowPlan, model, objects, user) -> Page:
    page = model.objects.get(pk=row.target_id)
    if page.has_unpublished_changes and page.latest_revision_id:
        page = page.get_latest_revision_as_object()
    _set_values(page, row.values, objects)
    for name, ids in row.many.items():
        # Added to what the page has (the plan lists only the missing ones).
        getattr(page, name).add(*(objects[name][pk] for pk in ids if pk in objects[name]))
    if not page.live:
        page.save()
    page.save_revision(user=user, log_action=True)
    return page


def apply_plan(
    *, plan: Plan, user=None, progress: Callable[[int, int], None] | None = None
) -> Applied:
    """Write the plan's new pages and updates, all or nothing."""
    rows = plan.applicable
    applied = Applied()
    model = ActorPage if plan.kind == ACTORS else ProjectPage
    with indexing_deferred(model), transaction.atomic():
        objects = _objects(plan)
        children = _Children()
        directory = None
        parents: dict[int, ActorPage] = {}
        if plan.kind == ACTORS:
            directory = DirectoryPage.objects.first()
            if directory is None and any(row.status == NEW for row in rows):
                raise ApplyError(_("L'annuaire n'existe pas : créez sa page d'abord."))
        else:
            parents = ActorPage.objects.in_bulk({row.parent_id for row in rows})
        created: list[tuple[Page, RowPlan]] = []
        for done, row in enumerate(rows, start=1):
            if row.status == NEW:
                parent = directory if plan.kind == ACTORS else parents.get(row.parent_id)
                if parent is None:
                    raise ApplyError(
                        _("Ligne %(line)s : la fiche de la structure porteuse a disparu.")
                        % {"line": row.line}
                    )
                page = _create(row, parent, model, children, objects, user)
                created.append((page, row))
                applied.created.append(page.pk)
            elif row.status == UPDATE:
                page = _update(row, model, objects, user)
                applied.updated.append(page.pk)
            if progress is not None:
                progress(done, len(rows))
        children.count_children()
        _link_vocabularies(model, created, objects)
        revisions = _first_revisions(model, created, objects, user)
        _log_creations(model, [page for page, _row in created], revisions, user)
        if model is ActorPage and created:
            # Their map features were computed before their vocabularies were written.
            refresh_map_properties(ActorPage.objects.filter(pk__in=applied.created))
        index_pages(
            model,
            model.objects.filter(pk__in=applied.created + applied.updated).prefetch_related(
                "themes", "tags" if model is ActorPage else "countries", *reference_prefetch(model)
            ),
            new=set(applied.created),
        )
    return applied
