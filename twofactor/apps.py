from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = "Double authentification"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment check)
