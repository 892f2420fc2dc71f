"""Start-up checks: refuse to run without what the connector cannot work without."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .secrets import check_key


@checks.register(checks.Tags.security, deploy=False)
def encryption_key_set(app_configs, **kwargs):
    try:
        check_key()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="connector.E001")]
    if not settings.CONNECTOR_ENCRYPTION_KEY:
        return [
            checks.Warning(
                "CONNECTOR_ENCRYPTION_KEY is not set; secrets are encrypted with a key derived "
                "from SECRET_KEY because DEBUG is on. Set it before going live.",
                id="connector.W001",
            )
        ]
    return []
