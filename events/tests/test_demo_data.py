"""The agenda's demo data: a malformed event stops the demo with the file and the field."""

import re

import pytest

from events import demo_content
from home.demo_data import DemoDataError


@pytest.fixture
def data_file(tmp_path, monkeypatch):
    """The shipped file with one line replaced, read in place of it."""
    path = tmp_path / "events.yaml"
    shipped = demo_content.DATA.read_text(encoding="utf-8")

    def write(old: str, new: str):
        text = shipped
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    monkeypatch.setattr(demo_content, "DATA", path)
    demo_content.agenda_data.cache_clear()
    yield write
    demo_content.agenda_data.cache_clear()


def test_the_shipped_file_is_read():
    data = demo_content.agenda_data()
    assert len(data.past) == 11
    assert len(data.upcoming) == 12
    assert data.waiting_list.event in {event.slug for event in data.upcoming}


def test_hours_that_are_not_a_range_are_named(data_file):
    path = data_file("    hours: 09:30-17:00\n", "    hours: 9h30\n")
    with pytest.raises(DemoDataError) as caught:
        demo_content.agenda_data()
    assert str(path) in str(caught.value)
    assert "past[0].sessions[0].hours" in str(caught.value)
    assert "HH:MM-HH:MM" in str(caught.value)


def test_an_unknown_place_is_named(data_file):
    data_file("  place: angouleme\n", "  place: angoulême\n")
    with pytest.raises(
        DemoDataError, match=re.escape("past[1].place : lieu « angoulême » inconnu")
    ):
        demo_content.agenda_data()
