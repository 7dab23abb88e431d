"""The yearly barometer: a tagged PDF with its title, the year's figures, small counts hidden,
built in the background for a past year and stored."""

from __future__ import annotations

import re
import zlib
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage

from observatory import barometer
from observatory.tests.indicator_fixtures import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(autouse=True)
def _empty_storage():
    """The test storage lives as long as the process: no barometer left by another test."""

    def clear() -> None:
        try:
            _folders, files = default_storage.listdir(barometer.STORAGE_FOLDER)
        except FileNotFoundError:
            return
        for name in files:
            default_storage.delete(f"{barometer.STORAGE_FOLDER}/{name}")

    clear()
    yield
    clear()


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with its compressed streams (object streams included) inflated, so
    its dictionaries can be searched."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_barometer_is_a_tagged_pdf_with_title_and_figures(client, world):
    response = client.get("/observatoire/barometre/2020/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert pdf.startswith(b"%PDF-")
    objects = pdf_objects(pdf)
    assert b"/StructTreeRoot" in objects  # tagged
    assert b"/Lang (fr)" in objects
    html = barometer.barometer_html(year=2020)
    title = re.search(rb"/Title\s*(<[0-9a-fA-F]+>|\((?:[^()\\]|\\.)*\))", objects)
    assert title is not None
    raw = title.group(1)
    decoded = (
        bytes.fromhex(raw[1:-1].decode()).decode("utf-16")
        if raw.startswith(b"<")
        else raw[1:-1].decode("latin-1")
    )
    assert decoded.startswith("Baromètre 2020 de l")
    # The figures of the year are those of the page, small counts hidden.
    assert "<td>11</td>" in html  # accompaniments in 2020
    assert "&lt; 3" in html
    assert "Collectif" not in html


def test_past_year_is_built_by_a_task_and_stored(client, world):
    calls = []
    original = barometer.render_pdf

    def counting(*, year):
        calls.append(year)
        return original(year=year)

    barometer.render_pdf = counting
    try:
        first = client.get("/observatoire/barometre/2019/")
        assert first.status_code == HTTPStatus.OK  # the test settings run tasks at once
        name = barometer.stored_name(year=2019, print_=barometer.fingerprint(year=2019))
        assert default_storage.exists(name)
        client.get("/observatoire/barometre/2019/")
        from django.core.cache import cache

        cache.clear()  # the page cache too: the stored file answers
        again = client.get("/observatoire/barometre/2019/")
        assert again.status_code == HTTPStatus.OK
        assert calls == [2019]
    finally:
        barometer.render_pdf = original


@pytest.mark.parametrize("year", ["1999", "2999"])
def test_years_outside_the_range_are_404(client, world, year):
    assert client.get(f"/observatoire/barometre/{year}/").status_code == HTTPStatus.NOT_FOUND


def test_pending_answer_when_the_worker_has_not_run(client, world, monkeypatch):
    # As when a worker is busy: the task is queued, nothing is written yet.
    monkeypatch.setattr(
        barometer, "build_barometer", SimpleNamespace(enqueue=lambda *args, **kwargs: None)
    )
    response = client.get("/observatoire/barometre/2019/")
    assert response.status_code == HTTPStatus.ACCEPTED
    assert response["Cache-Control"] == "no-store"
    assert "en préparation" in response.content.decode()


def test_making_a_pdf_leaves_pillow_refusing_truncated_images(world):
    """WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on when imported: the admin's image
    upload would then accept a truncated GIF with HTML behind it."""
    from PIL import ImageFile

    assert barometer.render_pdf(year=2020).startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
