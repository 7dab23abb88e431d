"""The newsletter's demo data: a malformed entry stops the demo with the file and the field."""

import re

import pytest

from home.demo_data import DemoDataError
from newsletter import demo_letters, demo_subscribers


@pytest.fixture
def replaced(tmp_path, monkeypatch):
    """Reads `module`'s shipped file with one piece of text replaced."""

    def replace(module, old: str, new: str):
        text = module.DATA.read_text(encoding="utf-8")
        assert old in text
        path = tmp_path / module.DATA.name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        monkeypatch.setattr(module, "DATA", path)
        return path

    yield replace
    demo_letters.letters_data.cache_clear()
    demo_subscribers.subscribers_data.cache_clear()


def test_the_shipped_files_are_read():
    assert [letter.slug for letter in demo_letters.letters_data().sent] == [
        "lettre-2020-03",
        "lettre-2020-10",
        "lettre-2020-11",
    ]
    assert len(demo_subscribers.subscribers_data().subscribers) == 6


def test_an_unknown_status_is_named(replaced):
    path = replaced(demo_subscribers, "status: pending", "status: en attente")
    demo_subscribers.subscribers_data.cache_clear()
    with pytest.raises(DemoDataError) as caught:
        demo_subscribers.subscribers_data()
    assert str(path) in str(caught.value)
    assert "subscribers[3].status : choix « en attente » inconnu" in str(caught.value)


def test_an_alert_for_someone_who_is_not_a_subscriber_is_named(replaced):
    alert = "- email: julien.marchal@example.org\n  listing"
    replaced(demo_subscribers, alert, alert.replace("julien.marchal", "personne"))
    demo_subscribers.subscribers_data.cache_clear()
    with pytest.raises(DemoDataError, match=re.escape("alerts[1].email")):
        demo_subscribers.subscribers_data()


def test_a_letter_without_its_date_is_named(replaced):
    path = replaced(demo_letters, "  sent_on: 2020-10-08\n", "")
    demo_letters.letters_data.cache_clear()
    with pytest.raises(DemoDataError) as caught:
        demo_letters.letters_data()
    assert f"{path}, sent[1].sent_on : champ obligatoire manquant" in str(caught.value)


def test_a_pick_of_an_unknown_page_type_is_named(replaced):
    replaced(demo_letters, "picks: [EventPage, OpportunityPage]", "picks: [EventPage, Offre]")
    demo_letters.letters_data.cache_clear()
    with pytest.raises(
        DemoDataError, match=re.escape("sent[1].picks[1] : type de page « Offre » inconnu")
    ):
        demo_letters.letters_data()
