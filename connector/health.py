"""Is the worker (django-q's `qcluster`) doing its work?

django-q2 can wedge in silence: when a worker dies (SIGKILL, the OOM killer) the cluster may
never hand out a task again while its main process stays alive, so a supervisor that restarts
it when it exits never does (docs/upstream-bugs: django-q2 #23). The connector notices:

- a heartbeat: the schedule "connector heartbeat" queues `beat` every minute; django-q keeps
  the result of every run, so the last one says when a worker last did any work;
- the queue: with the database as the broker, the oldest task that no worker has taken.

`decide` turns what was read (`Facts`) into a verdict; `manage.py health` prints it in one
line and exits 1 when the worker is stuck, for a systemd timer or a cron job that restarts
the cluster (docs/operations.md, "Keeping the worker alive").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

HEARTBEAT_NAME = "connector heartbeat"
HEARTBEAT_FUNC = "connector.health.beat"
HEARTBEAT_MINUTES = 1


def beat() -> str:
    """The heartbeat task: that a worker ran it is the whole point; django-q records when."""
    return "alive"


@dataclass(frozen=True)
class Facts:
    """What the database says about the worker at `now`."""

    now: datetime
    # When a heartbeat last ran to its end (None: never).
    last_beat: datetime | None = None
    # The heartbeat the scheduler queued last: since when it waits, and whether it ran.
    pending_beat_since: datetime | None = None
    # When the schedule will next queue a heartbeat (a time long past: no scheduler runs).
    next_beat_due: datetime | None = None
    # The oldest task in the queue that no worker has taken (database broker only).
    oldest_waiting: datetime | None = None
    # Runs started by a worker that are going on now (renewing their lock), and the workers.
    busy_runs: int = 0
    workers: int = 1


@dataclass(frozen=True)
class Verdict:
    stuck: bool
    state: str  # "ok", "starting", "busy" or "stuck"
    message: str

    @property
    def exit_code(self) -> int:
        return 1 if self.stuck else 0


def _age(now: datetime, then: datetime) -> int:
    return max(0, int((now - then).total_seconds()))


def decide(facts: Facts, *, queue_stale: int, heartbeat_stale: int) -> Verdict:
    """The verdict: stuck when queued work waits longer than `queue_stale` seconds for a
    worker, or no heartbeat ran for `heartbeat_stale` seconds; not when every worker is busy
    with a run that is visibly going on (a long import keeps the heartbeat waiting)."""
    now = facts.now
    reasons = []
    if facts.oldest_waiting is not None and _age(now, facts.oldest_waiting) > queue_stale:
        reasons.append(f"a queued task has waited {_age(now, facts.oldest_waiting)} s for a worker")
    if facts.pending_beat_since is not None and _age(now, facts.pending_beat_since) > queue_stale:
        reasons.append(
            f"the heartbeat queued {_age(now, facts.pending_beat_since)} s ago was not picked up"
        )
    if facts.next_beat_due is not None and _age(now, facts.next_beat_due) > heartbeat_stale:
        reasons.append(
            f"no heartbeat was queued for {_age(now, facts.next_beat_due)} s "
            "(is `manage.py qcluster` running?)"
        )
    if facts.last_beat is not None and _age(now, facts.last_beat) > heartbeat_stale:
        reasons.append(f"the last heartbeat ran {_age(now, facts.last_beat)} s ago")
    if reasons and facts.busy_runs >= facts.workers:
        return Verdict(
            False,
            "busy",
            f"BUSY: all {facts.workers} workers are on runs in progress; "
            f"waiting ({'; '.join(reasons)})",
        )
    if reasons:
        return Verdict(
            True,
            "stuck",
            "STUCK: the worker does not pick up queued work: "
            + "; ".join(reasons)
            + ". Restart it: systemctl restart flowii-connector-worker",
        )
    if facts.last_beat is None:
        return Verdict(False, "starting", "STARTING: no heartbeat has run yet")
    return Verdict(
        False, "ok", f"OK: the worker ran the heartbeat {_age(now, facts.last_beat)} s ago"
    )


# -- the database reads ---------------------------------------------------------------------


def ensure_schedule():
    """The heartbeat's schedule, created the first time (its first beat is due at once)."""
    from django_q.models import Schedule

    schedule, _created = Schedule.objects.get_or_create(
        name=HEARTBEAT_NAME,
        defaults={
            "func": HEARTBEAT_FUNC,
            "schedule_type": Schedule.MINUTES,
            "minutes": HEARTBEAT_MINUTES,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )
    return schedule


def read_facts(now: datetime | None = None) -> Facts:
    from django_q.models import OrmQ, Task

    from .models import RunLock, SyncRun

    now = now or timezone.now()
    schedule = ensure_schedule()
    last_beat = (
        Task.objects.filter(func=HEARTBEAT_FUNC, success=True)
        .order_by("-stopped")
        .values_list("stopped", flat=True)
        .first()
    )
    pending = None
    if schedule.task and not Task.objects.filter(id=schedule.task).exists():
        # Queued when its run was due: one interval before the next one.
        pending = schedule.next_run - timedelta(minutes=schedule.minutes or HEARTBEAT_MINUTES)
    oldest = None
    cluster = settings.Q_CLUSTER
    if "orm" in cluster and "redis" not in cluster:
        from django_q.brokers import get_broker

        oldest = (
            OrmQ.objects.using(cluster["orm"])
            .filter(key=get_broker().list_key, lock__lte=now)
            .order_by("lock")
            .values_list("lock", flat=True)
            .first()
        )
    busy = (
        RunLock.objects.filter(run__isnull=False, expires_at__gt=now)
        .exclude(run__trigger=SyncRun.Trigger.COMMAND)
        .values("run")
        .distinct()
        .count()
    )
    return Facts(
        now=now,
        last_beat=last_beat,
        pending_beat_since=pending,
        next_beat_due=schedule.next_run,
        oldest_waiting=oldest,
        busy_runs=busy,
        workers=int(cluster.get("workers") or 1),
    )


def verdict(
    now: datetime | None = None,
    *,
    queue_stale: int | None = None,
    heartbeat_stale: int | None = None,
) -> Verdict:
    return decide(
        read_facts(now),
        queue_stale=settings.CONNECTOR_QUEUE_STALE if queue_stale is None else queue_stale,
        heartbeat_stale=(
            settings.CONNECTOR_HEARTBEAT_STALE if heartbeat_stale is None else heartbeat_stale
        ),
    )
