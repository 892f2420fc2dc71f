"""The sentences a run says about itself: why it failed, what is left for the next one."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

TEXTS = {
    "run.interrupted": _("The run was interrupted."),
    "run.partly_failed": ngettext_lazy(
        "%(n)s record failed; it is tried again on the next run.",
        "%(n)s records failed; they are tried again on the next run.",
        "n",
    ),
    "run.unexpected": _("Unexpected error: %(error)s"),
    "run.remote": _("%(error)s"),
    "run.secrets_unreadable": _(
        "The run did not start: the stored FLOWii and shop secrets cannot be read with the "
        "current CONNECTOR_ENCRYPTION_KEY. Restore the key they were saved with, or enter the "
        "secrets again in Settings."
    ),
}
