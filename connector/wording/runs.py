"""The sentences a run says about itself: why it failed, what is left for the next one."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "run.interrupted": _("The run was interrupted."),
    "run.partly_failed": _("%(n)s records failed; they are tried again on the next run."),
    "run.unexpected": _("Unexpected error: %(error)s"),
    "run.remote": _("%(error)s"),
}
