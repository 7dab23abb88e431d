"""The project's URLs with the directory's exports in front, as `config/urls.py` should
have them (`path("", include("directory.urls"))` before Wagtail's catch-all)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("", include("directory.urls")), *project_urlpatterns]
