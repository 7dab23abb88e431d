"""Known places of the region, offline: the main communes of each département with their
coordinates, and where to put an actor that has only a commune, a postcode or a
département (the spreadsheet import places its actors with it; no network geocoding).

The table holds the prefectures and main towns, not all communes: a commune it does not
know falls back on the centre of its département, computed as the mean of the département's
known communes (an approximation, which the import's report says)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .registration_selectors import normalise_name

# (town, postcode, latitude, longitude) by département code; HR = outside the region.
TOWNS: dict[str, list[tuple[str, str, float, float]]] = {
    "33": [
        ("Bordeaux", "33000", 44.8378, -0.5792),
        ("Mérignac", "33700", 44.8386, -0.6436),
        ("Pessac", "33600", 44.8067, -0.6311),
        ("Talence", "33400", 44.8025, -0.5886),
        ("Libourne", "33500", 44.9153, -0.2436),
        ("Arcachon", "33120", 44.6586, -1.1689),
        ("Bègles", "33130", 44.8086, -0.5478),
        ("Saint-Médard-en-Jalles", "33160", 44.8967, -0.7172),
        ("Langon", "33210", 44.5531, -0.2494),
        ("Blaye", "33390", 45.1278, -0.6625),
    ],
    "86": [
        ("Poitiers", "86000", 46.5802, 0.3404),
        ("Châtellerault", "86100", 46.8178, 0.5461),
        ("Loudun", "86200", 47.0103, 0.0833),
        ("Montmorillon", "86500", 46.4264, 0.8706),
        ("Buxerolles", "86180", 46.6050, 0.3700),
    ],
    "79": [
        ("Niort", "79000", 46.3237, -0.4597),
        ("Parthenay", "79200", 46.6486, -0.2472),
        ("Bressuire", "79300", 46.8408, -0.4886),
        ("Melle", "79500", 46.2222, -0.1422),
        ("Thouars", "79100", 46.9761, -0.2153),
    ],
    "16": [
        ("Angoulême", "16000", 45.6484, 0.1562),
        ("Cognac", "16100", 45.6958, -0.3292),
        ("Confolens", "16500", 46.0136, 0.6717),
    ],
    "64": [
        ("Pau", "64000", 43.2951, -0.3708),
        ("Bayonne", "64100", 43.4929, -1.4748),
        ("Biarritz", "64200", 43.4832, -1.5586),
        ("Oloron-Sainte-Marie", "64400", 43.1942, -0.6067),
    ],
    "17": [
        ("La Rochelle", "17000", 46.1603, -1.1511),
        ("Rochefort", "17300", 45.9421, -0.9588),
        ("Saintes", "17100", 45.7464, -0.6333),
    ],
    "19": [
        ("Brive-la-Gaillarde", "19100", 45.1589, 1.5331),
        ("Tulle", "19000", 45.2656, 1.7722),
        ("Ussel", "19200", 45.5483, 2.3097),
    ],
    "87": [("Limoges", "87000", 45.8336, 1.2611), ("Saint-Junien", "87200", 45.8878, 0.9017)],
    "47": [
        ("Agen", "47000", 44.2033, 0.6163),
        ("Villeneuve-sur-Lot", "47300", 44.4081, 0.7050),
        ("Marmande", "47200", 44.5000, 0.1653),
    ],
    "24": [("Périgueux", "24000", 45.1846, 0.7214), ("Bergerac", "24100", 44.8533, 0.4833)],
    "40": [("Mont-de-Marsan", "40000", 43.8902, -0.4997), ("Dax", "40100", 43.7102, -1.0536)],
    "23": [("Guéret", "23000", 46.1714, 1.8714)],
    "HR": [("Paris", "75011", 48.8566, 2.3522), ("Toulouse", "31000", 43.6047, 1.4442)],
}


COMMUNE = "commune"
DEPARTEMENT = "departement"


@dataclass(frozen=True)
class KnownPlace:
    latitude: float
    longitude: float
    precision: str  # COMMUNE or DEPARTEMENT
    name: str  # the commune's or the département's code


@cache
def _index() -> tuple[dict, dict, dict]:
    by_name_and_code: dict[tuple[str, str], KnownPlace] = {}
    by_postcode: dict[str, KnownPlace] = {}
    centres: dict[str, KnownPlace] = {}
    for code, towns in TOWNS.items():
        for town, postcode, latitude, longitude in towns:
            place = KnownPlace(latitude, longitude, COMMUNE, town)
            by_name_and_code.setdefault((normalise_name(town), code), place)
            by_postcode.setdefault(postcode, place)
        if code != "HR":
            centres[code] = KnownPlace(
                round(sum(town[2] for town in towns) / len(towns), 4),
                round(sum(town[3] for town in towns) / len(towns), 4),
                DEPARTEMENT,
                code,
            )
    return by_name_and_code, by_postcode, centres


def known_place(*, city: str = "", postcode: str = "", departement: str = "") -> KnownPlace | None:
    """The point of a commune this table knows (by its name in the département, else by
    its postcode), else the centre of a département of the region; None otherwise."""
    by_name_and_code, by_postcode, centres = _index()
    name = normalise_name(city)
    codes = [code for code in (departement, postcode[:2]) if code]
    for code in [*codes, "HR"]:
        if name and (name, code) in by_name_and_code:
            return by_name_and_code[(name, code)]
    if postcode and postcode in by_postcode:
        place = by_postcode[postcode]
        if not name or normalise_name(place.name) in name:  # « Bordeaux Cedex »
            return place
    for code in codes:
        if code in centres:
            return centres[code]
    return None
