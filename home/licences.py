"""The licences the network may publish its open data under, and the one `OPEN_DATA_LICENCE`
chooses: stated by the open-data page and API, and by every download of the observatory."""

from __future__ import annotations

from django.conf import settings

LICENCES: dict[str, dict[str, str]] = {
    "etalab-2.0": {
        "code": "etalab-2.0",
        "nom": "Licence Ouverte / Open Licence 2.0 (Etalab)",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    },
    "odbl-1.0": {
        "code": "odbl-1.0",
        "nom": "Open Database License (ODbL) 1.0",
        "url": "https://opendatacommons.org/licenses/odbl/1-0/",
    },
}


def open_data_licence() -> dict[str, str]:
    """The licence of `settings.OPEN_DATA_LICENCE` (a system check refuses another code)."""
    return LICENCES[settings.OPEN_DATA_LICENCE]
