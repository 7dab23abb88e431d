"""`{% listing_tools listing querystring %}`: the tools other apps add under a listing
(home/listing_tools.py)."""

from django import template

from home.listing_tools import listing_tools as collect

register = template.Library()


@register.inclusion_tag("includes/listing_tools_list.html")
def listing_tools(listing: str, querystring: str = ""):
    return {"tools": collect(listing=str(listing), querystring=str(querystring or ""))}
