from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkingGroupsConfig(AppConfig):
    name = "working_groups"
    verbose_name = _("Groupes de travail")
    default_auto_field = "django.db.models.BigAutoField"
