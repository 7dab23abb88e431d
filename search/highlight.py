"""The query's words marked in a result's summary, accents and case ignored, everything else
escaped."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import light_stem, query_terms, strip_accents

SUMMARY_WORDS = 40


def highlight(text: str, query: str) -> SafeString:
    words = (text or "").split()
    if len(words) > SUMMARY_WORDS:
        text = " ".join(words[:SUMMARY_WORDS]) + " …"
    terms = sorted({light_stem(term) for term in query_terms(query) if len(term) > 1}, key=len)
    if not terms:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(term) for term in reversed(terms)) + r")\w*",
        re.IGNORECASE,
    )
    plain = strip_accents(text)
    parts, last = [], 0
    for match in pattern.finditer(plain):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above
