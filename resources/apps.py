from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Ressources et actualités")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import views  # noqa: F401 - registers the listings' page views
