from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Lettre d'information")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import page_views, signal_handlers  # noqa: F401 - page_views registers the pages' views

        signal_handlers.connect()
