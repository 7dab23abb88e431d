"""Tools shown under a filtered listing (directory, agenda, editorial listings) by the apps
above: each registers a function with the `listing_tools` hook, which the listings' shared
include renders without knowing who added what.

    from wagtail import hooks
    from home.listing_tools import LISTING_TOOLS_HOOK, ListingTool

    @hooks.register(LISTING_TOOLS_HOOK)
    def my_tool(*, listing: str, querystring: str) -> ListingTool | None:
        return ListingTool(label="...", url="...", description="...")

`listing` names the listing ("directory", "agenda", "news", "calls", "offers",
"resources"...); `querystring` is its validated filters. A tool is a plain link, the same
for every visitor, so the listing stays cacheable."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

LISTING_TOOLS_HOOK = "listing_tools"


@dataclass(frozen=True)
class ListingTool:
    label: str
    url: str
    description: str = ""
    order: int = 100


def listing_tools(*, listing: str, querystring: str = "") -> list[ListingTool]:
    tools = []
    for make_tool in hooks.get_hooks(LISTING_TOOLS_HOOK):
        tool = make_tool(listing=listing, querystring=querystring or "")
        if tool is not None:
            tools.append(tool)
    return sorted(tools, key=lambda tool: tool.order)
