"""Runs a stream or all of them: creates the SyncRun, holds the lock for its streams, sets
the outcome (succeeded, partly failed, failed with the reason) and saves the bookmarks."""

from __future__ import annotations

import importlib
import logging

from django.conf import settings as django_settings
from django.utils import timezone, translation

from ..alerts import after_run, failure_reason
from ..clients import NotConfigured, build_clients
from ..http import RemoteError
from ..models import Settings, SyncRun
from ..wording import Wording, words
from . import locks
from .context import RunContext
from .locks import RunRefused

logger = logging.getLogger("connector.sync")

__all__ = ["run", "RunRefused", "STREAMS_OF", "LOCKS_OF"]

# Which streams a run of each kind goes through, in this order (products first, so that
# orders exported in the same run find their products linked).
STREAMS_OF = {
    SyncRun.Kind.PRODUCTS: ["products"],
    SyncRun.Kind.CUSTOMERS: ["customers"],
    SyncRun.Kind.ORDERS: ["orders"],
    SyncRun.Kind.HISTORIC_ORDERS: ["historic-orders"],
    SyncRun.Kind.ALL: ["products", "customers", "orders"],
    SyncRun.Kind.RESEND: ["resend"],
    SyncRun.Kind.WEBHOOK_ORDERS: ["webhook-orders"],
}
# Each stream: the lock it takes (both kinds of order export write the same FLOWii orders)
# and where its function lives (module, name), imported when a run needs it.
STREAMS = {
    "products": ("products", "products", "import_products"),
    "customers": ("customers", "customers", "export_customers"),
    "orders": ("orders", "orders", "export_new_orders"),
    "historic-orders": ("orders", "orders", "export_earlier_orders"),
    "resend": ("orders", "orders", "resend_order"),
    "webhook-orders": ("orders", "webhook_orders", "export_delivered_orders"),
}
LOCKS_OF = {stream: lock for stream, (lock, _module, _name) in STREAMS.items()}


def _stream_function(stream: str):
    if stream not in STREAMS:
        raise ValueError(f"unknown stream {stream!r}")
    _lock, module, name = STREAMS[stream]
    function = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    if stream == "resend":
        return lambda ctx: function(ctx, ctx.order_id)
    return function


def run(
    kind: str,
    trigger: str = SyncRun.Trigger.COMMAND,
    full: bool = False,
    clients=None,
    order_id: int | None = None,
    preview: bool = False,
    on_progress=None,
):
    """Runs `kind` to its end and returns the finished SyncRun. Raises RunRefused at once
    when a run holding one of the same locks is going on. `order_id` goes with "resend".
    `preview` (connector/preview.py: clients that write nothing, a scratch database): no
    lock is taken, as nothing is written, and no alert is sent. `on_progress(done, total,
    label)` is told each progress report (a preview's, whose database is thrown away)."""
    # A worker has no request to take a language from: the log and the run's reason are
    # written in the one set for the installation.
    with translation.override(django_settings.LANGUAGE_CODE):
        return _run(kind, trigger, full, clients, order_id, preview, on_progress)


def _run(
    kind: str,
    trigger: str,
    full: bool,
    clients,
    order_id: int | None,
    preview=False,
    on_progress=None,
):
    kind = SyncRun.Kind(kind)
    streams = STREAMS_OF[kind]
    if clients is None and Settings.load().unreadable_secrets:
        # Not started at all: no lock is taken, so nothing waits for a run that cannot work.
        reason = words("run.secrets_unreadable")
        stored = reason.stored()
        run = SyncRun.objects.create(
            kind=kind,
            trigger=trigger,
            full=full,
            status=SyncRun.Status.FAILED,
            reason=str(reason),
            reason_code=stored["code"],
            reason_params=stored["params"],
            finished_at=timezone.now(),
        )
        logger.error("run %s %s not started: %s", run.pk, kind, reason)
        return run
    run = SyncRun.objects.create(kind=kind, trigger=trigger, full=full)
    try:
        if not preview:
            locks.acquire([LOCKS_OF[s] for s in streams], run)
    except RunRefused:
        run.delete()
        raise
    # The run starts when it holds its lock, not when its record was made.
    run.started_at = timezone.now()
    SyncRun.objects.filter(pk=run.pk).update(started_at=run.started_at)
    settings = Settings.load()
    ctx = RunContext(run, settings, full=full)
    ctx.order_id = order_id
    ctx.on_progress = on_progress
    # What the record says if the process is stopped in the middle (SystemExit, Ctrl-C).
    status, reason = SyncRun.Status.FAILED, words("run.interrupted")
    try:
        ctx.woo, ctx.flowii = clients or build_clients(settings)
        for stream in streams:
            _stream_function(stream)(ctx)
        status, reason = SyncRun.Status.SUCCEEDED, ""
        if ctx.counts["failed"]:
            status = SyncRun.Status.PARTLY_FAILED
            reason = words("run.partly_failed", n=ctx.counts["failed"])
        ctx.save_bookmarks()
    except NotConfigured as exc:
        status, reason = SyncRun.Status.FAILED, str(exc)
        ctx.error(reason)
    except RemoteError as exc:
        # Refused credentials get a code of their own: the Overview and the alerts read it.
        status, reason = SyncRun.Status.FAILED, failure_reason(exc)
        ctx.error(reason)
    except Exception as exc:  # the run must end with a status whatever happened
        logger.exception("run %s failed unexpectedly", run.pk)
        status = SyncRun.Status.FAILED
        reason = words("run.unexpected", error=f"{type(exc).__name__}: {exc}")
        ctx.error(reason)
    finally:
        ctx.flush()
        # The end is written before the lock is let go, so no later run of the same kind can
        # appear to have started before this one finished.
        stored = reason.stored() if isinstance(reason, Wording) else {"code": "", "params": {}}
        SyncRun.objects.filter(pk=run.pk).update(
            status=status,
            reason=str(reason),
            reason_code=stored["code"],
            reason_params=stored["params"],
            finished_at=timezone.now(),
        )
        if not preview:
            locks.release(run)
    run.refresh_from_db()
    if not preview:
        after_run(run)  # the owner is e-mailed once per problem; never raises
    logger.info("run %s %s: %s %s", run.pk, kind, status, run.counts)
    return run
