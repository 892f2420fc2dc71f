from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorConfig(AppConfig):
    """The FLOWii connector: settings, mappings, links, runs and logs."""

    name = "connector"
    verbose_name = _("FLOWii connector")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the start-up checks)
