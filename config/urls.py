from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("recherche/", search_views.search, name="search"),
    path("recherche/autocomplete/", search_views.autocomplete, name="search_autocomplete"),
    path("healthz", home_views.healthz, name="healthz"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
]

if settings.BENCH_CEILING_ENABLED:
    urlpatterns.append(path("bench/ceiling/", home_views.bench_ceiling))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Feeds with a dot in their name, before Wagtail's catch-all (page URLs never hold one).
urlpatterns.append(path("", include("directory.urls")))
urlpatterns.append(path("", include("events.urls")))
urlpatterns.append(path("", include(wagtail_urls)))
