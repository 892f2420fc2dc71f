"""What a stream is given while it runs: the settings, the two clients, and one place to
count, log, report progress and remember the newest modification time it has seen."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from ..models import Bookmark, SyncLog, SyncRun
from ..wording import Wording
from . import locks

logger = logging.getLogger("connector.sync")

# How often progress and counts are written to the database (seconds); the admin's progress
# bar reads them, and a run on 10,000 records must not write a row per record.
FLUSH_EVERY = 1.0
# Incremental reads start this much before the bookmark when the remote's clock at the last
# read is unknown, so a record written in the same second as the newest one seen is not lost.
BOOKMARK_OVERLAP = timedelta(minutes=2)
# How long a write may take to become visible to a read (a transaction committing): records
# modified more than this before a read began were all in that read.
COMMIT_LAG = timedelta(seconds=2)


class RunContext:
    """One run's bookkeeping. Thread-safe: the orders stream exports with a few threads."""

    def __init__(self, run: SyncRun, settings, woo=None, flowii=None, full: bool = False):
        self.run = run
        self.settings = settings
        self.woo = woo
        self.flowii = flowii
        self.full = full
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(SyncRun.COUNTS, 0)
        self._by_kind: dict[str, dict[str, int]] = {}
        self._pending_logs: list[SyncLog] = []
        self._done = 0
        self._total = 0
        self._label = ""
        self._last_flush = 0.0
        # Told each progress report as (done, total, label): a preview's run, whose own
        # progress is written to a database thrown away (connector/preview_progress.py).
        self.on_progress = None
        self._seen: dict[str, datetime] = {}
        self._failed_at: dict[str, datetime] = {}
        self._read_at: dict[str, datetime] = {}

    # -- counts and progress ------------------------------------------------------
    def count(self, name: str, n: int = 1, kind: str = "") -> None:
        """Counts `n` records as `name` (read, created, ...), for the run and for their kind
        (order, partner, product, category), so an orders run that made partners too says
        how many of each."""
        with self._lock:
            self._counts[name] += n
            if kind:
                per_kind = self._by_kind.setdefault(kind, dict.fromkeys(SyncRun.COUNTS, 0))
                per_kind[name] += n
        self._maybe_flush()

    @property
    def counts(self) -> dict:
        with self._lock:
            return dict(self._counts)

    @property
    def counts_by_kind(self) -> dict:
        with self._lock:
            return {kind: dict(counts) for kind, counts in self._by_kind.items()}

    def progress(self, done: int | None = None, total: int | None = None, label=None, step=0):
        with self._lock:
            if total is not None:
                self._total = total
            if done is not None:
                self._done = done
            self._done += step
            if label is not None:
                self._label = str(label)[:200]
            if self.on_progress is not None:  # under the lock: the latest figures win
                self.on_progress(self._done, self._total, self._label)
        self._maybe_flush()

    # -- log ----------------------------------------------------------------------
    def log(self, level: str, message: str, *, kind: str = "", shop_id="", flowii_id="") -> None:
        stored = message.stored() if isinstance(message, Wording) else {"code": "", "params": {}}
        entry = SyncLog(
            run=self.run,
            level=level,
            kind=kind,
            shop_id="" if shop_id in (None, "") else str(shop_id),
            flowii_id="" if flowii_id in (None, "") else str(flowii_id),
            message=str(message),
            code=stored["code"][:100],
            params=stored["params"],
        )
        py_level = {"info": logging.INFO, "warning": logging.WARNING}.get(level, logging.ERROR)
        logger.log(py_level, "run %s %s %s/%s: %s", self.run.pk, kind, shop_id, flowii_id, message)
        with self._lock:
            self._pending_logs.append(entry)
        self._maybe_flush()

    def info(self, message, **where):
        self.log(SyncLog.Level.INFO, message, **where)

    def warning(self, message, **where):
        self.log(SyncLog.Level.WARNING, message, **where)

    def error(self, message, **where):
        self.log(SyncLog.Level.ERROR, message, **where)

    # -- bookmarks ----------------------------------------------------------------
    def bookmark(self, stream: str, inclusive: bool = False) -> datetime | None:
        """Where an incremental read of `stream` starts, or None for everything.

        The newest modification seen by the last good run, unless that run's read began so
        soon after it that a write of the same moment might not have been visible yet: then
        from the moment the read surely saw everything. Without the remote's clock, a fixed
        overlap. Never the run's own clock: the two machines' clocks may differ.

        `inclusive`: the remote's filter takes records modified AT or after the time given
        (FLOWii's `edited-from`) rather than strictly after it (the shop's modified_after)."""
        if self.full:
            return None
        mark = Bookmark.objects.filter(stream=stream).first()
        if mark is None:
            return None
        return bookmark_start(mark.value, mark.seen_all_until, inclusive)

    def read_at(self, stream: str, server_time: datetime | None) -> None:
        """The remote's clock when this run began reading `stream` (its first page)."""
        if server_time is None:
            return
        with self._lock:
            if stream not in self._read_at or server_time < self._read_at[stream]:
                self._read_at[stream] = server_time

    def seen(self, stream: str, modified: datetime | None) -> None:
        if modified is None:
            return
        with self._lock:
            if stream not in self._seen or modified > self._seen[stream]:
                self._seen[stream] = modified

    def failed_at(self, stream: str, modified: datetime | None) -> None:
        """A record of `stream` failed: the bookmark must not move past it, so the next
        incremental run reads it again."""
        if modified is None:
            return
        with self._lock:
            if stream not in self._failed_at or modified < self._failed_at[stream]:
                self._failed_at[stream] = modified

    def save_bookmarks(self) -> None:
        with self._lock:
            seen, failed, read_at = dict(self._seen), dict(self._failed_at), dict(self._read_at)
        for stream in set(seen) | set(read_at):
            current, _created = Bookmark.objects.get_or_create(stream=stream)
            if stream in seen:
                value = seen[stream]
                if stream in failed:
                    value = min(value, failed[stream] - timedelta(seconds=1))
                if current.value is None or value > current.value or stream in failed:
                    current.value = value
            # Only a read that began after the bookmark can vouch for it.
            current.seen_all_until = (
                read_at[stream] - COMMIT_LAG if stream in read_at and stream not in failed else None
            )
            current.save(update_fields=["value", "seen_all_until", "updated_at"])

    # -- writing to the database ----------------------------------------------------
    def _maybe_flush(self) -> None:
        if time.monotonic() - self._last_flush >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            logs, self._pending_logs = self._pending_logs, []
            fields = dict(self._counts)
            fields["counts_by_kind"] = {k: dict(v) for k, v in self._by_kind.items()}
            fields.update(
                progress_done=self._done, progress_total=self._total, progress_label=self._label
            )
            self._last_flush = time.monotonic()
        if logs:
            SyncLog.objects.bulk_create(logs, batch_size=500)
        SyncRun.objects.filter(pk=self.run.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.run, name, value)
        locks.renew(self.run)


def bookmark_start(newest, seen_all_until, inclusive: bool = False):
    """Where an incremental read starts: None (everything) without a bookmark; the newest
    record seen, less a fixed overlap, when the remote's clock at that read is unknown; else
    the earlier of the newest record and the moment the read surely saw everything — and, for
    a filter that includes its own start, just after the newest record that read vouches
    for (it had that record already)."""
    if newest is None:
        return None
    if seen_all_until is None:
        return newest - BOOKMARK_OVERLAP
    if inclusive and newest <= seen_all_until:
        return newest + timedelta(milliseconds=1)
    return min(newest, seen_all_until)
