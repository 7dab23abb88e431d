"""Sections other apps add to an actor's page (its events, its news and offers) through the
`actor_page_sections` hook: each function takes the actor page and the request and returns a
`home.sections.Section` or None. The directory imports none of those apps."""

from __future__ import annotations

ACTOR_PAGE_SECTIONS_HOOK = "actor_page_sections"
