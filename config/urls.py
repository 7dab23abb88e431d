from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import serving
from home import views as home_views
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("recherche/", search_views.search, name="search"),
    path("recherche/autocomplete/", search_views.autocomplete, name="search_autocomplete"),
    path("healthz", home_views.healthz, name="healthz"),
    path("readyz", home_views.readyz, name="readyz"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("favicon.ico", home_views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("plan-du-site/", home_views.site_map, name="site_map"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Widgets for other sites, the only framable pages (opendata/widgets.py).
urlpatterns.append(path("widgets/", include("opendata.widgets_urls")))
# Feeds with a dot in their name, before Wagtail's catch-all (page URLs never hold one).
urlpatterns.append(path("", include("directory.urls")))
urlpatterns.append(path("", include("events.urls")))
# Newsletter: sign-up, confirmation, preferences, unsubscribe and alerts under /lettres/
# (the archive of letters is a page route further down), and the sending provider's
# bounce and complaint webhooks, only when their basic-auth secret is set.
urlpatterns.append(path("lettres/", include("newsletter.urls")))
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("anymail/", include("anymail.urls")))
# The accompaniment request form, below /observatoire/ (a Django view, not a page route).
urlpatterns.append(path("", include("observatory.urls")))
# The open-data API (django-ninja): /api/open/v1/, its OpenAPI document and its docs.
urlpatterns.append(path("api/open/v1/", include("opendata.urls")))
# Wagtail's own patterns (its password and login forms, then the pages), with its page view
# replaced by the same view finding sites and routes from memory (home/serving.py).
urlpatterns += [
    re_path(wagtail_urls.serve_pattern, serving.serve, name="wagtail_serve")
    if getattr(pattern, "name", None) == "wagtail_serve"
    else pattern
    for pattern in wagtail_urls.urlpatterns
]
