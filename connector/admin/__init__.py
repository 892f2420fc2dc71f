"""The connector's admin pages, one module each: Settings, Shipping, Payments,
Synchronisation (the runs), Logs and Links."""

from . import links, logs, payments, settings, shipping, sync  # noqa: F401  (registers them)
