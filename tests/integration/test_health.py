"""A worker that cannot wedge in silence: the verdict of connector/health.py, the `health`
command's exit code, what a lost task delivered again does, and a real `qcluster` whose worker
is SIGKILLed (django-q2 #23: the cluster then never hands out a task again)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from connector import health
from connector.health import Facts, decide

ROOT = Path(__file__).resolve().parents[2]
STALE = {"queue_stale": 300, "heartbeat_stale": 300}


def at(seconds_ago: int, now):
    return now - timedelta(seconds=seconds_ago)


# -- the decision -------------------------------------------------------------------------


def test_a_recent_heartbeat_is_ok():
    now = timezone.now()
    verdict = decide(Facts(now=now, last_beat=at(30, now), next_beat_due=at(-30, now)), **STALE)
    assert (verdict.stuck, verdict.state, verdict.exit_code) == (False, "ok", 0)
    assert verdict.message == "OK: the worker ran the heartbeat 30 s ago"


def test_queued_work_waiting_too_long_is_stuck():
    now = timezone.now()
    verdict = decide(Facts(now=now, last_beat=at(60, now), oldest_waiting=at(301, now)), **STALE)
    assert verdict.stuck and verdict.exit_code == 1
    assert "a queued task has waited 301 s for a worker" in verdict.message
    assert verdict.message.startswith("STUCK:") and "restart" in verdict.message.lower()


def test_a_heartbeat_not_picked_up_is_stuck():
    now = timezone.now()
    facts = Facts(now=now, last_beat=at(400, now), pending_beat_since=at(340, now))
    verdict = decide(facts, **STALE)
    assert verdict.stuck
    assert "the heartbeat queued 340 s ago was not picked up" in verdict.message
    assert "the last heartbeat ran 400 s ago" in verdict.message


def test_no_scheduler_at_all_is_stuck():
    now = timezone.now()
    verdict = decide(Facts(now=now, last_beat=at(900, now), next_beat_due=at(840, now)), **STALE)
    assert verdict.stuck and "is `manage.py qcluster` running?" in verdict.message


def test_waiting_behind_runs_on_every_worker_is_busy_not_stuck():
    now = timezone.now()
    facts = Facts(
        now=now, last_beat=at(900, now), oldest_waiting=at(800, now), busy_runs=2, workers=2
    )
    verdict = decide(facts, **STALE)
    assert (verdict.stuck, verdict.state) == (False, "busy")
    facts = Facts(
        now=now, last_beat=at(900, now), oldest_waiting=at(800, now), busy_runs=1, workers=2
    )
    assert decide(facts, **STALE).stuck  # one worker free, and still nothing picked up


def test_before_the_first_heartbeat_is_starting():
    now = timezone.now()
    verdict = decide(Facts(now=now, next_beat_due=at(-10, now)), **STALE)
    assert (verdict.stuck, verdict.state) == (False, "starting")


# -- the database reads and the command -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_command_exits_1_when_a_queued_task_waits_too_long(capsys):
    from django_q.models import OrmQ, Schedule
    from django_q.tasks import async_task

    call_command("health", "--install")
    assert "is in place" in capsys.readouterr().out
    assert Schedule.objects.get(name=health.HEARTBEAT_NAME).func == "connector.health.beat"
    call_command("health")  # nothing waits yet: exit 0
    assert capsys.readouterr().out.strip().startswith("STARTING:")

    async_task("connector.health.beat")
    later = timezone.now() + timedelta(seconds=settings.CONNECTOR_QUEUE_STALE + 5)
    assert health.verdict(later).stuck
    # The task was queued long ago and no worker took it (its lock is when it was queued).
    OrmQ.objects.update(lock=timezone.now() - timedelta(seconds=400))
    with pytest.raises(SystemExit) as caught:
        call_command("health", "--queue-stale", "300")
    assert caught.value.code == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith("STUCK:") and "waited" in line and "\n" not in line


# -- a lost task delivered again ------------------------------------------------------------


def test_q_cluster_retry_is_set_deliberately():
    from connector.sync.locks import LOCK_TTL

    cluster = settings.Q_CLUSTER
    assert cluster["max_attempts"] == 1
    # Never handed out twice while it may still run, and only after a lost run's lock expired.
    assert cluster["retry"] > cluster["timeout"]
    assert cluster["retry"] > LOCK_TTL.total_seconds()


@pytest.mark.django_db(transaction=True)
def test_a_button_run_delivered_again_is_refused_while_held_then_runs_again():
    from connector import tasks
    from connector.models import RunLock, SyncLog, SyncRun
    from connector.sync import locks

    # The first delivery: its worker was SIGKILLed mid-run, so its lock is still held.
    lost = SyncRun.objects.create(kind=SyncRun.Kind.ORDERS, trigger=SyncRun.Trigger.BUTTON)
    locks.acquire(["orders"], lost)

    # Delivered again while that lock holds: refused, logged, nothing run.
    result = tasks.run_sync(SyncRun.Kind.ORDERS, SyncRun.Trigger.BUTTON)
    assert "already running" in result and f"#{lost.pk}" in result
    assert SyncRun.objects.count() == 1
    assert SyncLog.objects.filter(level=SyncLog.Level.WARNING, message=result).exists()

    # Delivered again `retry` seconds after it was taken, when the lock has long expired: it
    # runs again (here it fails at once: no credentials are set) and the lost run is marked.
    RunLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    result = tasks.run_sync(SyncRun.Kind.ORDERS, SyncRun.Trigger.BUTTON)
    again = SyncRun.objects.exclude(pk=lost.pk).get()
    assert result == f"run {again.pk}: {again.status}"
    assert again.finished_at is not None and again.status != SyncRun.Status.RUNNING
    lost.refresh_from_db()
    assert lost.status == SyncRun.Status.FAILED and "stopped without finishing" in lost.reason
    assert not RunLock.objects.filter(run__isnull=False).exists()  # nothing left held


# -- a real cluster, a real SIGKILL ---------------------------------------------------------


class Cluster:
    """`manage.py qcluster` on a file SQLite database of its own, in its own process group
    (ended whole, with every worker it forked). The database broker binds no port."""

    def __init__(self, tmp_path: Path):
        self.env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings_test",
            DATABASE_URL=f"sqlite:///{tmp_path / 'cluster.sqlite3'}",
            Q_WORKERS="1",
            CONNECTOR_QUEUE_STALE="5",
            CONNECTOR_HEARTBEAT_STALE="300",
            PYTHONUNBUFFERED="1",
        )
        self.log_path = tmp_path / "qcluster.log"
        self.proc: subprocess.Popen | None = None

    def manage(self, *args, timeout=120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self):
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float, after: int = 0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.compile(pattern).search(self.output(), after)
            if match:
                return match
            assert self.proc.poll() is None, f"qcluster exited:\n{self.output()}"
            time.sleep(0.2)
        pytest.fail(f"no {pattern!r} within {timeout} s:\n{self.output()}")

    def queue(self, count: int):
        code = (
            "from django_q.tasks import async_task\n"
            f"for _ in range({count}): async_task('connector.health.beat')"
        )
        done = self.manage("shell", "-c", code)
        assert done.returncode == 0, done.stderr

    def tasks_done(self) -> int:
        code = "from django_q.models import Task; print(Task.objects.count())"
        return int(self.manage("shell", "-c", code).stdout.strip().splitlines()[-1])

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group's leader is the process
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the forked workers go with the group
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail("processes of the cluster outlived it")
        self.log.close()


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path)
    migrated = cluster.manage("migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.mark.slow
def test_health_says_stuck_after_a_worker_is_sigkilled(cluster):
    assert cluster.manage("health", "--install").returncode == 0
    cluster.start()
    worker = int(cluster.wait_for(r"ready for work at (\d+)", 60).group(1))
    cluster.wait_for(r"Q Cluster .* running", 30)

    # Working: a queued task is done, and the command says so.
    cluster.queue(1)
    deadline = time.monotonic() + 30
    while cluster.tasks_done() < 1:
        assert time.monotonic() < deadline, cluster.output()
        time.sleep(0.5)
    alive = cluster.manage("health")
    assert alive.returncode == 0 and alive.stdout.startswith("OK:"), alive.stdout

    # SIGKILL the (idle) worker; the cluster reincarnates it and stays up...
    mark = len(cluster.output())
    os.kill(worker, signal.SIGKILL)
    cluster.wait_for(r"reincarnated worker", 60, after=mark)
    done_before = cluster.tasks_done()
    cluster.queue(3)
    queued_at = time.monotonic()

    # ...and the health command says it is stuck within its window (5 s, plus a margin).
    window = 5 + 25
    verdict = None
    while time.monotonic() - queued_at < window:
        verdict = cluster.manage("health")
        if verdict.returncode == 1:
            break
        time.sleep(1)
    ran = cluster.tasks_done() - done_before
    assert cluster.proc.poll() is None  # the main process is alive all along
    assert ran == 0, f"django-q2 ran {ran} of 3 tasks after the SIGKILL (bug not reproduced)"
    assert verdict.returncode == 1, f"not reported stuck within {window} s: {verdict.stdout}"
    line = verdict.stdout.strip()
    assert line.startswith("STUCK:") and "waited" in line and "\n" not in line
