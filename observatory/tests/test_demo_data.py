"""The accompaniments' demo data: a malformed entry stops the demo with the file and the
field, before anything is stored."""

import re

import pytest

from home.demo_content import DemoRun
from home.demo_data import DemoDataError
from observatory import demo_accompaniments
from observatory.demo_accompaniments import accompaniments_data, accompaniments_step
from observatory.models import Accompaniment, AccompanimentRequest


@pytest.fixture
def replaced(tmp_path, monkeypatch):
    """The shipped file with a piece of text replaced (once, or every time with `count=-1`),
    read in place of it."""

    def replace(old: str, new: str, count: int = 1):
        text = demo_accompaniments.DATA.read_text(encoding="utf-8")
        assert old in text
        path = tmp_path / "accompaniments.yaml"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
        monkeypatch.setattr(demo_accompaniments, "DATA", path)
        accompaniments_data.cache_clear()
        return path

    yield replace
    accompaniments_data.cache_clear()


def test_the_shipped_file_is_read():
    data = accompaniments_data()
    structures = data.year_2020.structures
    assert len(structures) == 27
    assert sum(structure.accompaniments for structure in structures) == 47
    assert [request.status for request in data.requests].count("nouvelle") == 1
    assert len(data.this_year) == 5


def test_an_unknown_theme_is_named(replaced):
    path = replaced("{departement: '33', theme: sante,", "{departement: '33', theme: santé,")
    with pytest.raises(DemoDataError) as caught:
        accompaniments_data()
    assert str(path) in str(caught.value)
    assert "year_2020.structures[5].theme : thème « santé » inconnu" in str(caught.value)


def test_a_missing_field_is_named(replaced):
    path = replaced("  status: nouvelle\n  month: 11\n", "  status: nouvelle\n")
    with pytest.raises(DemoDataError) as caught:
        accompaniments_data()
    assert f"{path}, requests[0].month : champ obligatoire manquant" in str(caught.value)


def test_an_unknown_topic_is_named(replaced):
    replaced("  - [structuration]\n", "  - [structure]\n")
    with pytest.raises(
        DemoDataError,
        match=re.escape("year_2020.first_topics[3][0] : choix « structure » inconnu"),
    ):
        accompaniments_data()


def test_an_accompaniment_of_an_unknown_request_is_named(replaced):
    replaced(
        "- request: contact@horizons-limousin.example",
        "- request: contact@horizons.example",
    )
    with pytest.raises(DemoDataError, match=re.escape("this_year[3].request : demande")):
        accompaniments_data()


def test_a_day_that_does_not_exist_is_named(replaced):
    replaced("  month: 6\n  day: 16\n", "  month: 6\n  day: 31\n")
    with pytest.raises(DemoDataError, match=re.escape("this_year[1].day : pas de jour 31")):
        accompaniments_data()


@pytest.mark.django_db
def test_a_theme_missing_from_the_database_stops_the_step_before_anything_is_stored(replaced):
    # The file is consistent (its table and its structures name the same theme), the
    # database has no such theme.
    replaced("sante", "sante-publique", count=-1)
    with pytest.raises(DemoDataError, match=re.escape("themes.sante-publique : thème")):
        accompaniments_step(DemoRun(), year=2026)
    assert not Accompaniment.objects.exists()
    assert not AccompanimentRequest.objects.exists()
