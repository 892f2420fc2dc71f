"""The preview of a one-off action: the action's own run, with clients that send every read
and keep every write (connector/http.py DryRun, answered in each remote's shape by its
adapter), on a database thrown away afterwards (preview_db.py). What it would do is read
from that run's log and kept writes (preview_report.py) before anything is thrown away.

Nothing is written to the shop, to FLOWii or to the connector's tables: the only trace is
the report, kept as the django-q task's result (and, while it runs, how far it has got:
preview_progress.py)."""

from __future__ import annotations

import logging
import threading
import time

from django.dispatch import receiver
from django.utils import timezone
from django_q.signals import pre_execute

from . import flowii as flowii_api
from . import preview_db, preview_progress
from . import woocommerce as woo_api
from .clients import NotConfigured, build_clients
from .http import DryRun, RemoteError
from .models import Settings, SyncLog, SyncRun
from .preview_db import thrown_away
from .preview_report import Line, Place, build, flat, flat_resource, to_update
from .sync import runner
from .sync.locks import RunRefused
from .wording import words

logger = logging.getLogger("connector.preview")


class _SaidInPreview(logging.Filter):
    """The process log's lines of a preview's run say so: its run numbers are of a database
    thrown away, not of the Synchronisation page."""

    def filter(self, record: logging.LogRecord) -> bool:
        if threading.current_thread().name == preview_db.THREAD:
            record.msg = f"preview, {record.msg}"
        return True


logging.getLogger("connector.sync").addFilter(_SaidInPreview())

# The actions with a preview ("send again" of one order has none: it is one order).
PREVIEWS = (
    SyncRun.Kind.PRODUCTS,
    SyncRun.Kind.CUSTOMERS,
    SyncRun.Kind.ORDERS,
    SyncRun.Kind.HISTORIC_ORDERS,
)
TASK = "connector.preview.preview_task"
# The id of the task this worker is running (django-q does not hand a task its own id; the
# preview's page finds its progress by it).
_running = threading.local()


def full_run(kind: str) -> bool:
    """Whether the button's run reads everything (as tasks.enqueue_sync decides)."""
    from .tasks import FULL_BY_BUTTON

    return SyncRun.Kind(kind) in FULL_BY_BUTTON


def dry_clients(settings: Settings):
    """The two adapters, each keeping its writes instead of sending them."""
    woo, flowii = build_clients(settings)
    woo.http.dry_run = DryRun(woo.base_url, woo_api.preview_answer)
    flowii.http.dry_run = DryRun(
        flowii.base_url, flowii_api.preview_answer, first_id=flowii_api.PREVIEW_FIRST_ID
    )
    return woo, flowii


def places() -> dict[str, Place]:
    """Where each kind of record the lists name is written (the adapters know the paths):
    the shop's records are named by their shop id, FLOWii's by their FLOWii id."""
    found = {
        kind: Place(woo_api.SYSTEM, paths, True)
        for kind, paths in woo_api.PREVIEW_COLLECTIONS.items()
    }
    for kind, paths in flowii_api.PREVIEW_COLLECTIONS.items():
        found[kind] = Place(flowii_api.SYSTEM, paths, False)
    return found


def refusal(kind: str) -> str | None:
    """Why no preview of `kind` can start now (a run of the same kind is going on), or None."""
    from .tasks import busy_message

    return busy_message(kind)


def preview(kind: str, clients=None, task_id: str | None = None) -> dict:
    """What the button `kind` would do, as a report (JSON, see preview_report.build), with
    its `status` and, if it could not run, `reason_code`/`reason_params`. RunRefused while
    a run of the same kind is going on. With `task_id`, how far it has got is kept in that
    task's PreviewProgress row while it runs (gone when it returns)."""
    kind = SyncRun.Kind(kind)
    if kind not in PREVIEWS:
        raise ValueError(f"no preview for {kind!r}")
    busy = refusal(kind)
    if busy:
        raise RunRefused(busy)
    began, started_at = time.monotonic(), timezone.now()
    head = {"kind": str(kind), "started": started_at.isoformat()}
    settings = Settings.load()
    try:
        if clients is None and settings.unreadable_secrets:
            raise NotConfigured(words("run.secrets_unreadable"))
        woo, flowii = clients or dry_clients(settings)
    except NotConfigured as problem:
        return {**head, **_failed(problem)}
    relay = preview_progress.Relay(task_id) if task_id else None
    try:
        if relay:
            relay.begin()
        outcome = rehearse(kind, woo, flowii, relay)
        writes = outcome["writes"]
        where = places()
        if relay:
            relay.reporting()
        old = _old_values(woo, flowii, to_update(outcome["lines"], writes, where))
        report = build(outcome["lines"], writes, old, outcome["counts"], where)
    finally:
        if relay:
            relay.clear()
        if clients is None:
            woo.close()
            flowii.close()
    report.update(head)
    report.update(
        status=outcome["status"],
        reason=outcome["reason"],
        reason_code=outcome["reason_code"],
        reason_params=outcome["reason_params"],
        counts_by_kind=outcome["counts_by_kind"],
        seconds=round(time.monotonic() - began, 1),
    )
    logger.info("preview of %s: %s in %.1f s", kind, report["writes"], report["seconds"])
    return report


def _failed(problem) -> dict:
    stored = problem.args[0].stored() if hasattr(problem.args[0], "stored") else None
    return {
        "status": SyncRun.Status.FAILED,
        "reason": str(problem),
        "reason_code": stored["code"] if stored else "",
        "reason_params": stored["params"] if stored else {},
        "lists": {},
        "warnings": {"count": 0, "items": []},
        "left_out_reasons": [],
        "linked_by": {},
        "counts": {},
        "writes": {},
    }


def rehearse(kind: str, woo, flowii, relay: preview_progress.Relay | None = None) -> dict:
    """The action's run with `woo` and `flowii` in dry-run mode, on a database thrown away:
    its log `lines` (preview_report.Line), the `writes` it kept, its counts and outcome.
    `relay` is told its progress, and writes it to the real database every second."""
    note = relay.note if relay else None
    outcome = thrown_away(
        lambda: _run(kind, woo, flowii, note), meanwhile=relay.write if relay else None
    )
    outcome["writes"] = woo.http.dry_run.writes + flowii.http.dry_run.writes
    return outcome


def _run(kind, woo, flowii, on_progress=None) -> dict:
    """The run itself (in the scratch database's thread); what the report needs is read
    before its writes are thrown away."""
    result = runner.run(
        kind,
        SyncRun.Trigger.BUTTON,
        full_run(kind),
        (woo, flowii),
        preview=True,
        on_progress=on_progress,
    )
    lines = [
        Line(row.level, row.code, row.params or {}, row.kind, row.shop_id, row.flowii_id)
        for row in SyncLog.objects.filter(run=result).order_by("pk")
    ]
    return {
        "lines": lines,
        "status": result.status,
        "reason": result.reason,
        "reason_code": result.reason_code,
        "reason_params": result.reason_params,
        "counts": {name: getattr(result, name) for name in SyncRun.COUNTS},
        "counts_by_kind": result.counts_by_kind,
    }


def _old_values(woo, flowii, wanted: dict) -> dict:
    """(system, record id) -> the record's fields now, for the updates shown (reads only).
    A record that cannot be read shows every field it would get."""
    found: dict = {}
    for collection, ids in wanted.get(woo.system, {}).items():
        try:
            for record in woo.records_now(collection, ids):
                found[(woo.system, collection, str(record.get("id")))] = flat(record)
        except RemoteError as error:
            logger.warning("preview: current %s not read: %s", collection, error)
    for collection, ids in wanted.get(flowii.system, {}).items():
        for record_id in ids:
            try:
                document = flowii.record_now(f"{collection}/{record_id}")
            except RemoteError as error:
                logger.warning("preview: %s/%s not read: %s", collection, record_id, error)
                continue
            found[(flowii.system, collection, str(record_id))] = flat_resource(document)
    return found


@receiver(pre_execute, dispatch_uid="connector.preview.task_id")
def _note_task_id(sender, func=None, task=None, **kwargs):
    """Before each task a worker runs: the preview's own id, for its progress row."""
    _running.id = (task or {}).get("id") if func is preview_task else None


def preview_task(kind: str) -> dict:
    """The django-q task: the report is its result, how far it has got is in the row of its
    task id meanwhile. A refusal is a report too (the page says it)."""
    try:
        return preview(kind, task_id=getattr(_running, "id", None))
    except RunRefused as exc:
        return {"kind": str(kind), **_failed(RunRefused(words("preview.refused", reason=str(exc))))}


def start(kind: str) -> str:
    """Queues a preview of `kind`; its task id. RunRefused while a run of the kind goes on."""
    from django_q.tasks import async_task

    busy = refusal(kind)
    if busy:
        raise RunRefused(busy)
    preview_progress.purge()
    return async_task(TASK, str(SyncRun.Kind(kind)), group="connector-preview")
