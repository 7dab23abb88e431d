"""The open-data app's demo steps: the « Données ouvertes » page under the home page, in the
menus (its texts in `opendata/demo/pages.yaml`; the datasets it documents come from the other
steps), and the editors' rights on the import's label mappings (the import itself only needs
their page permissions on the directory)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import Group, Permission

from home.demo_content import EDITORS_GROUP, DemoRun, load_page_tree, register_step, sync_pages

from .models import OpenDataPage

DATA = Path(__file__).resolve().parent / "demo" / "pages.yaml"


@register_step(order=70, label="Page des données ouvertes")
def open_data_step(run: DemoRun) -> str:
    spec = load_page_tree(DATA, [OpenDataPage])
    sync_pages(run, parent=run.pages["accueil"], specs=[spec])
    return "page « Données ouvertes » en place"


@register_step(order=98, label="Import : droits des éditeurs sur les correspondances de libellés")
def editors_mappings_step(run: DemoRun) -> str:
    group = Group.objects.filter(name=EDITORS_GROUP).first()
    granted = 0
    if group is not None:
        for action in ("view", "add", "change", "delete"):
            permission = Permission.objects.get(
                content_type__app_label="opendata", codename=f"{action}_labelmapping"
            )
            if not group.permissions.filter(pk=permission.pk).exists():
                group.permissions.add(permission)
                granted += 1
    return f"{granted} droits ajoutés"
