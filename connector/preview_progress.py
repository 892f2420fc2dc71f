"""How far a preview has got, for its page. The preview's run reports its progress in a
thread of its own, on a database thrown away afterwards (preview_db.py), which the page
cannot read: `Relay` keeps the run's latest figures in memory, and the task's own thread, on
the real database, copies them to its PreviewProgress row every second (preview_db's
`meanwhile`). The row goes when the preview ends; one a stopped worker left is purged by age."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import DatabaseError
from django.utils import timezone

from .models import PreviewProgress

logger = logging.getLogger("connector.preview")

# A row not written for this long is of a preview whose worker was stopped (django-q's
# timeout ends a task long before): purged when the next preview starts.
STALE = timedelta(days=1)
# The step after the run: reading, for the report, the records it would update as they are.
REPORT = "preview-report"


class Relay:
    """The latest (done, total, label) of one preview's run, from the run's thread (`note`,
    RunContext.on_progress) to the task's (`write`, on the real database)."""

    def __init__(self, task_id: str):
        self.task_id = task_id
        self._lock = threading.Lock()
        self._latest: tuple[int, int, str] | None = None
        self._written: tuple[int, int, str] | None = None

    def note(self, done: int, total: int, label: str) -> None:
        with self._lock:
            self._latest = (max(0, done), max(0, total), str(label)[:200])

    def write(self) -> None:
        """The latest figures to the row, if they moved since the last write. A database
        that refuses (locked for longer than its timeout) costs the page one update, never
        the preview."""
        with self._lock:
            latest = self._latest
        if latest is None or latest == self._written:
            return
        done, total, label = latest
        try:
            PreviewProgress.objects.update_or_create(
                task=self.task_id, defaults={"done": done, "total": total, "label": label}
            )
        except DatabaseError as error:
            logger.warning("preview %s: progress not written: %s", self.task_id, error)
            return
        self._written = latest

    def begin(self) -> None:
        """The task has started (its page stops saying it waits for the worker)."""
        self.note(0, 0, "")
        self.write()

    def reporting(self) -> None:
        """The run is over; the report is being made (it reads the records to update)."""
        with self._lock:
            total = self._latest[1] if self._latest else 0
        self.note(total, total, REPORT)
        self.write()

    def clear(self) -> None:
        """The preview has ended (however: this runs in its `finally`, so it never raises)."""
        try:
            PreviewProgress.objects.filter(task=self.task_id).delete()
        except DatabaseError as error:  # purged by age then
            logger.warning("preview %s: progress not deleted: %s", self.task_id, error)


def purge(now=None) -> int:
    """Deletes the rows of previews that stopped without ending; how many."""
    old = (now or timezone.now()) - STALE
    deleted, _by_model = PreviewProgress.objects.filter(updated_at__lt=old).delete()
    return deleted


def percent(done: int, total: int) -> int | None:
    """How full the bar is (as the Synchronisation page's): None while the total is unknown."""
    if not total:
        return None
    return max(0, min(100, round(100 * done / total)))
