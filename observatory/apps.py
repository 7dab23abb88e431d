from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "observatory"
    verbose_name = _("Observatoire")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import caches, views  # noqa: F401 - views registers the page's routes

        caches.connect()
