"""Spreadsheets shaped like the network's member-relations export, for the tests, the bench
and the README's example (`opendata/tests/data/acteurs-exemple.csv` is `actor_rows(150)`).

Every structure and person is fictitious; e-mail addresses and websites use reserved
example domains, each structure its own subdomain. `actor_rows` puts three deliberate
problems in a file of 20 rows or more: an unknown sector label on line 5 ("Hydraulique
villageoise", which a label mapping can teach), a SIRET whose check digit is wrong on line
8, and on line 11 the same structure as line 3 again (same SIRET)."""

from __future__ import annotations

import csv
import io

ACTOR_HEADERS = [
    "Structure",
    "Sigle",
    "Type",
    "Collège",
    "Adresse",
    "Code postal",
    "Commune",
    "Département",
    "Pays d'intervention",
    "Secteurs",
    "ODD",
    "SIRET",
    "RNA",
    "Site",
    "E-mail",
    "Téléphone",
    "Description",
    "Adhérent",
    "Contact",
    "E-mail contact",
    "Date de saisie",
]
PROJECT_HEADERS = [
    "Intitulé du projet",
    "Structure porteuse",
    "SIRET porteur",
    "État",
    "Année de début",
    "Année de fin",
    "Pays",
    "Secteurs",
    "ODD",
    "Résumé",
    "Financeurs",
]

_WORDS = [
    "Solidarité",
    "Horizons",
    "Passerelles",
    "Terre",
    "Ponts",
    "Racines",
    "Sources",
    "Chemins",
    "Regards",
    "Semences",
    "Échanges",
    "Avenir",
]
_PLACES = [
    ("33000", "Bordeaux", "33"),
    ("86000", "Poitiers", "86"),
    ("87000", "Limoges", "87"),
    ("64000", "Pau", "64"),
    ("17000", "La Rochelle", "17"),
    ("24000", "Périgueux", "24"),
    ("40000", "Mont-de-Marsan", "40"),
    ("79000", "Niort", "79"),
]
_TYPES = [
    ("Association", "Associations, ONG et fondations"),
    ("ONG", "Associations"),
    ("Commune", "Collectivités territoriales"),
    ("Université, école supérieure", "Universités et organismes de formation"),
    ("Coopérative", "Acteurs économiques"),
    ("Fondation", "Associations, ONG et fondations"),
]
_COUNTRIES = ["Burkina Faso", "Sénégal", "Madagascar", "Maroc", "Bénin; Togo", "Haïti", "Mali"]
# Our themes' names and the shared thesaurus's sector labels, mixed as a real base is.
_SECTORS = [
    "Eau et assainissement",
    "Éducation",
    "Santé",
    "Agriculture; Sécurité alimentaire",
    "Climat",
    "Jeunesse",
    "Culture",
    "Numérique",
    "Économie sociale et solidaire",
    "Genre",
]
_SDGS = ["6", "ODD 4", "3 - Bonne santé et bien-être", "2; 13", "ODD 5, ODD 10", "17", "ODD4"]
_FIRST = ["Camille", "Dominique", "Alix", "Sacha", "Maxime", "Claude", "Lou", "Noa"]
_LAST = ["Martin", "Durand", "Lefebvre", "Moreau", "Garnier", "Roux", "Faure", "Blanc"]

UNKNOWN_SECTOR = "Hydraulique villageoise"
BAD_SIRET = "12345678901234"
UNKNOWN_SECTOR_LINE, BAD_SIRET_LINE, DUPLICATE_LINE, DUPLICATED_LINE = 5, 8, 11, 3


def luhn_complete(digits: str) -> str:
    """`digits` followed by the Luhn check digit that makes it valid."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return digits + str((10 - total % 10) % 10)


def siret(number: int) -> str:
    return luhn_complete(f"{(number * 7919 + 100_000) % 10**13:013d}")


def actor_row(number: int) -> list[str]:
    word = _WORDS[number % len(_WORDS)]
    other = _WORDS[(number // len(_WORDS) + 3) % len(_WORDS)]
    postcode, city, departement = _PLACES[number % len(_PLACES)]
    type_name, college = _TYPES[number % len(_TYPES)]
    first, last = _FIRST[number % len(_FIRST)], _LAST[(number // 3) % len(_LAST)]
    host = f"structure-{number}.example.org"
    is_association = type_name in ("Association", "ONG", "Fondation")
    return [
        f"{word} {other} {city} {number}",
        f"S{number}",
        type_name,
        college,
        f"{number % 90 + 1} rue des Tilleuls",
        postcode,
        city,
        departement,
        _COUNTRIES[number % len(_COUNTRIES)],
        _SECTORS[number % len(_SECTORS)],
        _SDGS[number % len(_SDGS)],
        siret(number),
        f"W{330000000 + number:09d}" if is_association else "",
        f"https://{host}",
        f"contact@{host}",
        f"05 56 {number % 100:02d} {(number * 7) % 100:02d} 00",
        f"{word} {other} mène des projets de coopération depuis {city}.",
        "oui" if number % 3 else "non",
        f"{first} {last}",
        f"{first.lower()}.{last.lower()}@{host}",
        "2020-06-15",
    ]


def actor_rows(count: int, *, problems: bool = True) -> list[list[str]]:
    rows = [ACTOR_HEADERS] + [actor_row(number) for number in range(1, count + 1)]
    if problems and count >= 20:
        rows[UNKNOWN_SECTOR_LINE - 1][9] = f"Santé; {UNKNOWN_SECTOR}"
        rows[BAD_SIRET_LINE - 1][11] = BAD_SIRET
        rows[DUPLICATE_LINE - 1] = list(rows[DUPLICATED_LINE - 1])
    return rows


def project_rows(actor_numbers: list[int]) -> list[list[str]]:
    statuses = ["En cours", "Terminé", "En préparation"]
    rows = [PROJECT_HEADERS]
    for index, number in enumerate(actor_numbers):
        actor = actor_row(number)
        rows.append(
            [
                f"Programme {actor[0].split()[0].lower()} n° {index + 1}",
                actor[0],
                actor[11] if index % 2 else "",
                statuses[index % 3],
                str(2015 + index % 6),
                str(2022 + index % 4),
                actor[8],
                actor[9],
                actor[10],
                "Un projet mené avec des partenaires locaux.",
                "Région Nouvelle-Aquitaine",
            ]
        )
    return rows


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def ods_bytes(rows: list[list[str]]) -> bytes:
    import tablib

    dataset = tablib.Dataset(*rows[1:], headers=rows[0])
    return dataset.export("ods")
