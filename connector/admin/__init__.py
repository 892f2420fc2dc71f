"""The connector's admin pages, one module each: the Overview (the admin's home), Settings,
Shipping, Payments, Synchronisation (the runs), Logs, Links with each order's page, and the
connector's rows on django-q's Schedule pages kept read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401  (registers them)
    links,
    logs,
    overview,
    payments,
    schedules,
    settings,
    shipping,
    sync,
)

admin.site.site_header = _("FLOWii Connector")
admin.site.site_title = _("FLOWii Connector")
admin.site.index_title = _("Keeps your WooCommerce shop and FLOWii in step")
