"""The words of a query: lower case, accents stripped, operators and punctuation left out.

Every search engine, the highlighting and the suggestions read the query through these."""

from __future__ import annotations

import re
import unicodedata

MAX_TERMS = 12


def strip_accents(text: str) -> str:
    """One character out for each character in, so positions match the original text."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        out.append(decomposed[0] if decomposed else char)
    return "".join(out)


def query_terms(query: str) -> list[str]:
    """Words of the query, lower case, accents stripped, without operators or punctuation."""
    return re.findall(r"[^\W_]+", strip_accents(query).lower())[:MAX_TERMS]


def light_stem(term: str) -> str:
    """A rough French plural stem for prefix matching: `formations` → `formation`, `eaux` →
    `eau` (SQLite has no French stemmer; PostgreSQL uses its own)."""
    if len(term) > 3 and term.endswith(("s", "x")):
        return term[:-1]
    return term
