from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _purge_schedule(sender, **kwargs):
    # Every installation gets the daily log purge as soon as its tables exist.
    from .scheduling import ensure_purge_schedule

    ensure_purge_schedule()


class ConnectorConfig(AppConfig):
    """The FLOWii connector: settings, mappings, links, runs and logs."""

    name = "connector"
    verbose_name = _("FLOWii connector")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the start-up checks)

        post_migrate.connect(_purge_schedule, sender=self)
