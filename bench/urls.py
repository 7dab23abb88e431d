"""The project's URLs plus `/bench/ceiling/`, for `config.settings.bench` only."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def ceiling(request: HttpRequest) -> HttpResponse:
    """A bare view behind the same middleware: the most a page can do, that `make bench`
    compares pages to."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling),
    # Last: the project's URLs end with Wagtail's catch-all page route.
    path("", include("config.urls")),
]
