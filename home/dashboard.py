"""The editors' dashboard panel: what waits for them, each line a count and a link to the
admin listing filtered on it.

Each app adds its lines through the `editors_dashboard_items` hook (a function taking the
request and returning `DashboardItem`s), so that this panel knows none of them. A line
costs one or two counting queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from wagtail import hooks
from wagtail.admin.ui.components import Component

EDITORS_DASHBOARD_HOOK = "editors_dashboard_items"


@dataclass(frozen=True)
class DashboardItem:
    label: str  # says what the count counts, already in the singular or the plural
    count: int
    url: str
    detail: str = ""
    order: int = 100


def editors_dashboard_items(request: HttpRequest) -> list[DashboardItem]:
    items: list[DashboardItem] = []
    for item_function in hooks.get_hooks(EDITORS_DASHBOARD_HOOK):
        items.extend(item_function(request=request) or [])
    return sorted(items, key=lambda item: item.order)


class EditorsDashboardPanel(Component):
    """The admin home's « À traiter » panel for editors."""

    name = "editors_dashboard"
    order = 40
    template_name = "home/admin/editors_dashboard.html"

    def __init__(self, request: HttpRequest):
        self.request = request

    def get_context_data(self, parent_context=None):
        return {"items": editors_dashboard_items(self.request)}
