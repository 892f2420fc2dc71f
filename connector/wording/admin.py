"""The sentences the admin stores as codes: why a run ended on refused credentials, the
alerts mailed to the owner, and what the operator decided on an order's page."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "run.credentials_refused": _(
        "%(system)s no longer accepts the connector's credentials (%(error)s). Check them in "
        "Settings; nothing is synchronised until they work."
    ),
    "alert.no_success": _("No run has succeeded for %(hours)s hours."),
    "alert.worker_stuck": _(
        "The background worker stopped picking up work: nothing is synchronised until it is "
        "restarted (see the operations guide: the health check restarts it under systemd)."
    ),
    "alert.failed_share": _(
        "%(percent)s%% of the records of the last run “%(run)s” failed (the alert threshold "
        "is %(threshold)s%%)."
    ),
    "alert.credentials": _("The credentials stopped working: %(reason)s"),
    "admin.order_linked": _(
        "Order %(number)s was linked by %(user)s to FLOWii received order %(flowii_number)s "
        "(chosen among the candidates)."
    ),
    "admin.order_send_anyway": _(
        "%(user)s confirmed that order %(number)s is none of the FLOWii documents "
        "%(candidates)s: it is sent to FLOWii again."
    ),
}
