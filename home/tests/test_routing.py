"""Page routes find their views by name (`home.routing`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from home import routing


def test_a_registered_view_answers_with_the_route_arguments():
    @routing.page_view("tests.echo")
    def echo(request, *, word: str) -> HttpResponse:
        return HttpResponse(word)

    response = routing.serve("tests.echo", RequestFactory().get("/"), word="bonjour")
    assert response.content == b"bonjour"


def test_an_unknown_name_fails_loudly_and_says_why():
    with pytest.raises(ImproperlyConfigured, match="tests.absente"):
        routing.serve("tests.absente", RequestFactory().get("/"))


def test_a_second_view_under_a_taken_name_is_refused():
    @routing.page_view("tests.taken")
    def first(request) -> HttpResponse:
        return HttpResponse("1")

    with pytest.raises(ImproperlyConfigured, match="registered twice"):

        @routing.page_view("tests.taken")
        def second(request) -> HttpResponse:
            return HttpResponse("2")

    assert routing.serve("tests.taken", RequestFactory().get("/")).content == b"1"


def test_the_listings_register_their_views_at_start_up():
    # resources.apps imports its views in ready(): the names the index pages serve exist.
    assert {"resources.listing", "resources.listing_feed"} <= set(routing._VIEWS)


def test_a_registered_page_context_reads_with_the_arguments_given():
    @routing.page_context("tests.greeting")
    def greeting(*, name: str) -> dict:
        return {"greeting": f"Bonjour {name}"}

    assert routing.context("tests.greeting", name="Nadia") == {"greeting": "Bonjour Nadia"}


def test_an_unknown_page_context_fails_loudly_and_says_why():
    with pytest.raises(ImproperlyConfigured, match="tests.inconnu"):
        routing.context("tests.inconnu")
