"""The licence setting names a licence the page and the API know."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def licence_is_known(app_configs=None, **kwargs) -> list[Error]:
    from home.licences import LICENCES

    if settings.OPEN_DATA_LICENCE in LICENCES:
        return []
    return [
        Error(
            f"OPEN_DATA_LICENCE={settings.OPEN_DATA_LICENCE!r} is not one of {sorted(LICENCES)}.",
            id="opendata.E001",
        )
    ]
