"""Indexing imported pages once, in bulk, rather than page by page.

Saving a page indexes it for the search and for Wagtail's reference index, each time with
several queries: for thousands of imported pages that is most of the import's time. Inside
`indexing_deferred`, pages saved by this thread skip both; `index_pages` then indexes them
in a few queries. Other threads keep indexing their saves as usual meanwhile: the search
handler is swapped for one that asks which thread saves, and Wagtail's reference index has
its own thread-local switch."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.signals import post_save
from django_tasks import task
from modelcluster.models import get_all_child_relations
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

_deferring = threading.local()
_lock = threading.Lock()
_active: dict[type, int] = {}


def _index_unless_deferred(sender, instance, **kwargs) -> None:
    if not getattr(_deferring, "value", False):
        post_save_signal_handler(instance, **kwargs)


def _swap(model: type, *, defer: bool) -> None:
    with _lock:
        count = _active.get(model, 0)
        if defer:
            _active[model] = count + 1
            if count == 0 and post_save.disconnect(post_save_signal_handler, sender=model):
                post_save.connect(_index_unless_deferred, sender=model, weak=False)
        else:
            _active[model] = count - 1
            if count == 1 and post_save.disconnect(_index_unless_deferred, sender=model):
                post_save.connect(post_save_signal_handler, sender=model)


@contextmanager
def indexing_deferred(*models: type[Page]) -> Iterator[None]:
    for model in models:
        _swap(model, defer=True)
    _deferring.value = True
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        _deferring.value = False
        for model in models:
            _swap(model, defer=False)


def reference_prefetch(model: type[Page]) -> list[str]:
    """What `ReferenceIndex` reads of each page besides its own fields: its child relations
    (tags, comments...), to prefetch rather than query page by page."""
    return [relation.get_accessor_name() for relation in get_all_child_relations(model)]


def index_pages(model: type[Page], pages: Iterable[Page], *, new: set[int]) -> None:
    """The reference index entries of pages saved inside `indexing_deferred`, now (the
    admin's usage counts must hold once the import is committed), and their search index
    entries in one background task once committed (`index_for_search`: the slowest part of
    an import, which the editor need not wait for). `new` names the pages created meanwhile
    (they have no reference recorded yet)."""
    pages = list(pages)
    if not pages:
        return
    label = model._meta.label
    ids = [page.pk for page in pages]
    transaction.on_commit(lambda: index_for_search.enqueue(label, ids))
    created = [page for page in pages if page.pk in new]
    for page in pages:
        if page.pk not in new:
            ReferenceIndex.create_or_update_for_object(page)
    _record_new_references(model, created)


def _record_new_references(model: type[Page], pages: list[Page]) -> None:
    """What `ReferenceIndex.create_or_update_for_object` records for a page that has no
    reference yet, for all the pages in one insert (it reads and writes for each)."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    base_content_type = ContentType.objects.get_for_model(Page)
    records = []
    for page in pages:
        for target_type, target_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(page)
        ):
            records.append(
                ReferenceIndex(
                    content_type=content_type,
                    base_content_type=base_content_type,
                    object_id=page.pk,
                    to_content_type_id=target_type,
                    to_object_id=target_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                )
            )
    ReferenceIndex.objects.bulk_create(
        records,
        batch_size=1000,
        ignore_conflicts=connection.features.supports_ignore_conflicts,
    )


@task()
def index_for_search(label: str, ids: list[int]) -> int:
    """The search index entries of imported pages, in bulk (the worker runs it)."""
    model = apps.get_model(label)
    pages = list(model.objects.filter(pk__in=ids))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, pages)
    return len(pages)
