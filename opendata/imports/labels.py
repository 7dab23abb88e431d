"""Labels of a spreadsheet matched to the directory's vocabularies.

Everything is loaded once per import (a few hundred rows at most, countries included), then
each cell is matched in memory: names, slugs, codes and the editors' `LabelMapping`s, all
compared without case or accents. A label that matches nothing is returned as unknown, for
the row to be refused with its value named."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import translation
from django_countries import countries as country_names

from directory.models import (
    College,
    Country,
    Departement,
    StructureType,
    SustainableDevelopmentGoal,
    Theme,
)

from ..models import LabelMapping
from ..text import normalise_label

Kind = LabelMapping.Kind
# "6", "ODD 6", "ODD6", "Objectif 6", "6 - Eau propre et assainissement", "SDG 6".
_SDG_NUMBER = re.compile(r"^\s*(?:odd|sdg|objectif)?\s*n?°?\s*(\d{1,2})\b", re.IGNORECASE)
# Several values in a cell: ";", "|", "/" or a line break; a comma only when the whole cell
# is not a label itself (a theme's name may hold one).
_STRONG_SEPARATORS = re.compile(r"[;|\n/]+")
_LIST = re.compile(r"[;|\n/,]")


@dataclass
class Matched:
    ids: list[int] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


class LabelMatcher:
    def __init__(self) -> None:
        self.lookup: dict[str, dict[str, int]] = {kind: {} for kind in Kind.values}
        self.names: dict[str, dict[int, str]] = {kind: {} for kind in Kind.values}
        self.sdg_by_number: dict[int, int] = {}
        self.structure_type_college: dict[int, int] = {}
        self.departement_by_code: dict[str, int] = {}
        self._load()

    def _add(self, kind: str, pk: int, *labels: object) -> None:
        for label in labels:
            key = normalise_label(label)
            if key:
                self.lookup[kind].setdefault(key, pk)

    def _load(self) -> None:
        for pk, name, slug in Theme.objects.values_list("pk", "name", "slug"):
            self._add(Kind.THEME, pk, name, slug)
            self.names[Kind.THEME][pk] = name
        for pk, number, name, long_name in SustainableDevelopmentGoal.objects.values_list(
            "pk", "number", "name", "long_name"
        ):
            self._add(Kind.SDG, pk, name, long_name)
            self.sdg_by_number[number] = pk
            self.names[Kind.SDG][pk] = f"ODD {number}"
        for pk, name, slug, short_name in College.objects.values_list(
            "pk", "name", "slug", "short_name"
        ):
            self._add(Kind.COLLEGE, pk, name, slug, short_name)
            self.names[Kind.COLLEGE][pk] = name
        for pk, name, slug, college_id in StructureType.objects.values_list(
            "pk", "name", "slug", "college_id"
        ):
            self._add(Kind.STRUCTURE_TYPE, pk, name, slug)
            self.names[Kind.STRUCTURE_TYPE][pk] = name
            self.structure_type_college[pk] = college_id
        for pk, code, name in Departement.objects.values_list("pk", "code", "name"):
            self._add(Kind.DEPARTEMENT, pk, code, name, f"{name} ({code})", f"{code} {name}")
            self.names[Kind.DEPARTEMENT][pk] = name
            self.departement_by_code[code] = pk
        by_code = dict(Country.objects.values_list("code", "pk"))
        with translation.override("fr"):
            french = {code: str(name) for code, name in country_names}
        with translation.override("en"):
            english = {code: str(name) for code, name in country_names}
        for code, pk in by_code.items():
            code = str(code)
            self._add(Kind.COUNTRY, pk, code, french.get(code, ""), english.get(code, ""))
            self.names[Kind.COUNTRY][pk] = french.get(code, code)
        # Editors' mappings come last but win over nothing: a vocabulary's own name stays
        # itself. (A mapping of a label that is already a name would be a contradiction.)
        for mapping in LabelMapping.objects.all():
            if mapping.target_id is not None:
                self.lookup[mapping.kind].setdefault(mapping.normalised_label, mapping.target_id)

    def one(self, kind: str, value: str) -> int | None:
        value = (value or "").strip()
        if not value:
            return None
        if kind == Kind.SDG:
            match = _SDG_NUMBER.match(value)
            if match and int(match.group(1)) in self.sdg_by_number:
                return self.sdg_by_number[int(match.group(1))]
        if kind == Kind.DEPARTEMENT and value.isdigit() and len(value) == 1:
            value = f"0{value}"
        return self.lookup[kind].get(normalise_label(value))

    def many(self, kind: str, cell: str) -> Matched:
        """Every value of a multi-valued cell; the ones that match nothing are listed."""
        result = Matched()
        cell = (cell or "").strip()
        if not cell:
            return result
        # A number names one SDG only when the cell holds no list ("2; 13" is two).
        whole = None if kind == Kind.SDG and _LIST.search(cell) else self.one(kind, cell)
        if whole is not None:
            result.ids.append(whole)
            return result
        for part in _STRONG_SEPARATORS.split(cell):
            part = part.strip()
            if not part:
                continue
            found = None if kind == Kind.SDG and "," in part else self.one(kind, part)
            if found is not None:
                result.ids.append(found)
                continue
            pieces = [piece.strip() for piece in part.split(",") if piece.strip()]
            if len(pieces) > 1:
                for piece in pieces:
                    found = self.one(kind, piece)
                    if found is None:
                        result.unknown.append(piece)
                    else:
                        result.ids.append(found)
            else:
                result.unknown.append(part)
        result.ids = list(dict.fromkeys(result.ids))
        return result

    def departement_for_postcode(self, postcode: str) -> int | None:
        """What `directory.models.departement_for_postcode` answers, without a query."""
        if not postcode or not postcode[:2].isdigit():
            return None
        code = postcode[:3] if postcode.startswith("97") else postcode[:2]
        if code == "20":
            code = "2A"
        found = self.departement_by_code.get(code)
        if found is not None:
            return found
        return self.departement_by_code.get(Departement.OUTSIDE_REGION)

    def name(self, kind: str, pk: int | None) -> str:
        return self.names[kind].get(pk, "") if pk is not None else ""
