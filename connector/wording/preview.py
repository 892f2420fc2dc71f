"""The sentences of the previews of the one-off actions (connector/preview.py)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "preview.started": _(
        "The preview of “%(action)s” has started: nothing is written to the shop or to FLOWii. "
        "This page shows what would happen when it is ready."
    ),
    "preview.refused": _("No preview now: %(reason)s"),
    "preview.failed": _("The preview could not finish: %(error)s"),
    "preview.nothing_written": _(
        "Nothing was written: %(shop)s calls that would write to the shop and %(flowii)s to "
        "FLOWii were held back; what they would write is listed here."
    ),
    "preview.totals_later": _(
        "FLOWii's totals of the new orders are read back and compared after a real run only."
    ),
    "preview.refusals_later": _(
        "What the shop or FLOWii would refuse when it is written (a value they do not accept) "
        "shows only in a real run's log."
    ),
}
