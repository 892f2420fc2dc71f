"""The connector's admin pages, one module each: Settings, Shipping, Payments,
Synchronisation (the runs), Logs and Links."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import links, logs, payments, settings, shipping, sync  # noqa: F401  (registers them)

admin.site.site_header = _("FLOWii Connector")
admin.site.site_title = _("FLOWii Connector")
admin.site.index_title = _("Keeps your WooCommerce shop and FLOWii in step")
