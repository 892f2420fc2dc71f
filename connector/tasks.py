"""django-q entry points (thin): what the schedule and the admin's buttons enqueue. Their
arguments are only kinds and ids, never a secret."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.utils import timezone

from .models import RunLock, Settings, SyncLog, SyncRun
from .sync import runner
from .sync.locks import RunRefused, refusal_message

logger = logging.getLogger("connector.tasks")


def _run_in_worker(kind: str, log_kind: str, **options) -> str:
    """Runs one synchronisation; a refusal is logged, not raised (the worker has no one to
    tell), and the returned text is what django-q keeps as the task's result."""
    try:
        result = runner.run(kind, **options)
    except RunRefused as exc:
        SyncLog.objects.create(level=SyncLog.Level.WARNING, kind=log_kind, message=str(exc))
        return str(exc)
    return f"run {result.pk}: {result.status}"


def run_sync(kind: str, trigger: str = SyncRun.Trigger.BUTTON, full: bool = False):
    return _run_in_worker(kind, "run", trigger=trigger, full=full)


def scheduled_sync():
    return run_sync(SyncRun.Kind.ALL, trigger=SyncRun.Trigger.SCHEDULE)


def resend_order(order_id: int):
    """Exports one shop order again, keeping the exactly-once rules: a linked order only has
    its number written back again; one whose outcome is unknown is settled first."""
    return _run_in_worker(
        SyncRun.Kind.RESEND, "order", trigger=SyncRun.Trigger.BUTTON, order_id=int(order_id)
    )


# How long the export of delivered orders waits for a run holding the orders lock (the
# schedule's, or another delivery's export) before it leaves them to a retry.
WEBHOOK_LOCK_WAIT = 30.0  # seconds
WEBHOOK_RETRY_AFTER = timedelta(minutes=1)
WEBHOOK_RETRY_NAME = "connector-webhook-orders-retry"
WEBHOOK_MAX_RUNS = 20  # runs one task makes before it hands over to a new task


def export_delivered_orders():
    """Exports the orders the shop's webhooks announced, in runs under the orders lock:
    while a run holds it, waits (bounded); then leaves them to a retry a minute later (and
    to the polling schedule, which finds every order anyway)."""
    from .models import DeliveredOrder

    done = []
    deadline = time.monotonic() + WEBHOOK_LOCK_WAIT
    while DeliveredOrder.objects.exists():
        if len(done) >= WEBHOOK_MAX_RUNS:
            from .webhook_queue import enqueue

            enqueue()  # a busy shop: the rest in a task of its own, the worker stays fair
            break
        try:
            run = runner.run(SyncRun.Kind.WEBHOOK_ORDERS, trigger=SyncRun.Trigger.WEBHOOK)
        except RunRefused:
            if time.monotonic() >= deadline:
                _webhook_orders_later(DeliveredOrder.objects.count())
                return "left to the retry and the schedule"
            time.sleep(0.25)
            continue
        done.append(f"run {run.pk}: {run.status}")
        if run.status == SyncRun.Status.FAILED:
            break  # not configured, secrets unreadable...: its log says why; no loop on it
        deadline = time.monotonic() + WEBHOOK_LOCK_WAIT
    return "; ".join(done) or "nothing waits"


def _webhook_orders_later(count: int) -> None:
    from django.conf import settings as django_settings
    from django.utils import translation
    from django_q.models import Schedule

    from .webhook_queue import EXPORT_TASK
    from .wording import words

    if not Schedule.objects.filter(name=WEBHOOK_RETRY_NAME).exists():
        Schedule.objects.create(
            name=WEBHOOK_RETRY_NAME,
            func=EXPORT_TASK,
            schedule_type=Schedule.ONCE,
            next_run=timezone.now() + WEBHOOK_RETRY_AFTER,
        )
    with translation.override(django_settings.LANGUAGE_CODE):
        line = words("webhooks.left_to_schedule", count=count)
    stored = line.stored()
    SyncLog.objects.create(
        level=SyncLog.Level.INFO,
        kind="order",
        message=str(line),
        code=stored["code"],
        params=stored["params"],
    )


def purge_logs():
    """Deletes log entries and finished runs older than the retention setting."""
    days = Settings.load().log_retention_days
    cutoff = timezone.now() - timedelta(days=days)
    logs, _ = SyncLog.objects.filter(created_at__lt=cutoff).delete()
    runs, _ = (
        SyncRun.objects.filter(started_at__lt=cutoff)
        .exclude(status=SyncRun.Status.RUNNING)
        .delete()
    )
    logger.info("purged %s log entries and %s runs older than %s days", logs, runs, days)
    return f"purged {logs} log entries, {runs} runs"


def check_alerts():
    """The periodic alert check: e-mails the owner once per new problem."""
    from . import alerts

    opened = alerts.check()
    return f"{len(opened)} new alerts"


def busy_message(kind: str) -> str | None:
    """Why a run of `kind` cannot start now, or None when it can."""
    names = {runner.LOCKS_OF[s] for s in runner.STREAMS_OF[SyncRun.Kind(kind)]}
    lock = (
        RunLock.objects.filter(name__in=names, run__isnull=False, expires_at__gt=timezone.now())
        .select_related("run")
        .first()
    )
    return refusal_message(lock.run) if lock else None


# "Import all products" and "Export all customers" read everything; "Export new orders" reads
# what changed since the last run.
FULL_BY_BUTTON = {SyncRun.Kind.PRODUCTS, SyncRun.Kind.CUSTOMERS, SyncRun.Kind.HISTORIC_ORDERS}


def enqueue_sync(kind: str, trigger: str = SyncRun.Trigger.BUTTON) -> str:
    """Queues a run for the worker and returns the task id; RunRefused when one of the same
    kind is going on (the run itself checks again, under the lock, when it starts)."""
    from django_q.tasks import async_task

    message = busy_message(kind)
    if message:
        raise RunRefused(message)
    full = SyncRun.Kind(kind) in FULL_BY_BUTTON
    return async_task("connector.tasks.run_sync", str(kind), str(trigger), full, group="connector")
