"""Offline places: a known commune, its postcode, a département's centre."""

from directory.geography import COMMUNE, DEPARTEMENT, known_place


def test_a_commune_by_its_name_in_any_spelling():
    place = known_place(city="la rochelle", postcode="17000")
    assert (place.latitude, place.longitude, place.precision) == (46.1603, -1.1511, COMMUNE)
    assert known_place(city="MONT DE MARSAN", departement="40").name == "Mont-de-Marsan"


def test_a_postcode_stands_for_its_commune_cedex_included():
    assert known_place(city="Bordeaux Cedex", postcode="33000").name == "Bordeaux"
    assert known_place(postcode="64000").name == "Pau"


def test_an_unknown_commune_gets_its_departement_centre():
    place = known_place(city="Cenon", postcode="33150")
    assert place.precision == DEPARTEMENT
    assert place.name == "33"
    assert known_place(city="Inconnue", departement="23").precision == DEPARTEMENT


def test_nothing_known_gives_no_place():
    assert known_place(city="Lille", postcode="59000") is None
    assert known_place() is None
