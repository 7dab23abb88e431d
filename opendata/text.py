"""How the import compares labels and headers: case, accents, punctuation and spacing
ignored ("Eau, Assainissement & Hygiène" == "eau assainissement hygiene")."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[^a-z0-9]+")


def normalise_label(value: object) -> str:
    decomposed = unicodedata.normalize("NFKD", str(value or ""))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    ascii_text = ascii_text.replace("œ", "oe").replace("Œ", "oe").lower()
    return " ".join(_SEPARATORS.split(ascii_text)).strip()
