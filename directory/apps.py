from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Annuaire")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # views, views_registration and selectors register what the page models name.
        from . import caches, selectors, signal_handlers, views, views_registration  # noqa: F401
        from .forms import register_country_fields

        signal_handlers.connect()
        caches.connect()
        register_country_fields()
