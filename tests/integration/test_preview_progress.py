"""A preview's progress over real HTTP against the simulators: its run counts on a database
thrown away, yet the real database has a row with its figures while it runs, read from
another connection as the preview's page reads it; the row is gone when the preview ends,
and neither the shop nor FLOWii was written to. django-q hands the task its own id."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone

from connector import preview as previews
from connector.models import PreviewProgress, SyncRun
from connector.preview_progress import REPORT, Relay, purge
from sandbox.configure import configure_for_sandbox
from sandbox.flowii_seed import FLOWII_CHOICES

TASK_ID = "a" * 32


@pytest.fixture
def sandbox(woo_server, flowii_server):
    settings = configure_for_sandbox(woo_server.url, flowii_server.url)
    settings.partner_custom_field_id = FLOWII_CHOICES["partner_custom_field_id"]
    settings.save()
    return woo_server, flowii_server


def writes(server) -> dict:
    counted = server.service.stats_snapshot()["by_path"]
    return {
        k: n for k, n in counted.items() if n and not k.startswith("GET ") and k != "POST /token"
    }


class Watcher(threading.Thread):
    """Reads the task's row every 0.1 s on a connection of its own, as the page does."""

    def __init__(self, task_id: str):
        super().__init__(daemon=True)
        self.task_id = task_id
        self.seen: list[tuple[int, int, str]] = []
        self.stop = threading.Event()

    def run(self):
        try:
            while not self.stop.is_set():
                row = PreviewProgress.objects.filter(task=self.task_id).first()
                if row is not None and (not self.seen or self.seen[-1][:3] != _figures(row)):
                    self.seen.append(_figures(row))
                time.sleep(0.1)
        finally:
            connection.close()


def _figures(row) -> tuple[int, int, str]:
    return (row.done, row.total, row.label)


@pytest.mark.django_db(transaction=True)
def test_a_products_preview_shows_its_progress_in_the_real_database_and_leaves_no_row(sandbox):
    woo_server, flowii_server = sandbox
    for server in sandbox:  # slow enough to be watched: a few seconds
        answer = requests.post(f"{server.url}/__sandbox__/faults", json={"latency_ms": 100})
        assert answer.ok, answer.text
        server.service.stats.clear()
    watcher = Watcher(TASK_ID)
    watcher.start()
    began = time.monotonic()
    try:
        report = previews.preview("products", task_id=TASK_ID)
    finally:
        watcher.stop.set()
        watcher.join()
    took = time.monotonic() - began
    assert report["status"] == SyncRun.Status.SUCCEEDED, report["reason"]
    read = report["counts_by_kind"]["product"]["read"]  # goods; categories count apart
    seen = watcher.seen
    assert len(seen) >= 2, (seen, took)
    # The run's own figures, then the report's step: the goods FLOWii has, counted up.
    run_figures = [s for s in seen if s[2] == "products"]
    assert run_figures and all(total == read for _done, total, _label in run_figures)
    dones = [done for done, _total, _label in seen]
    assert dones == sorted(dones) and all(0 <= d <= read for d in dones)
    assert seen[-1] == (read, read, REPORT)
    assert PreviewProgress.objects.count() == 0  # nothing left behind
    assert SyncRun.objects.count() == 0  # the run itself was thrown away
    assert writes(woo_server) == {} and writes(flowii_server) == {}


@pytest.mark.django_db
def test_a_preview_that_fails_leaves_no_row_either(sandbox, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the shop went away")

    monkeypatch.setattr(previews, "_old_values", broken)
    with pytest.raises(RuntimeError):
        previews.preview("customers", task_id=TASK_ID)
    assert PreviewProgress.objects.count() == 0


@pytest.mark.django_db
def test_the_relay_writes_the_latest_figures_only_when_they_moved(django_assert_num_queries):
    relay = Relay(TASK_ID)
    relay.write()  # nothing reported yet: no row
    assert PreviewProgress.objects.count() == 0
    relay.begin()  # the task has begun: its page stops waiting for the worker
    assert _figures(PreviewProgress.objects.get(task=TASK_ID)) == (0, 0, "")
    relay.note(0, 400, "products")
    relay.note(100, 400, "products")  # the run reports faster than the task writes
    relay.write()
    row = PreviewProgress.objects.get(task=TASK_ID)
    assert _figures(row) == (100, 400, "products")
    with django_assert_num_queries(0):
        relay.write()  # the same figures: not written again
    relay.note(250, 400, "products")
    relay.write()
    assert _figures(PreviewProgress.objects.get(task=TASK_ID)) == (250, 400, "products")
    relay.reporting()
    assert _figures(PreviewProgress.objects.get(task=TASK_ID)) == (400, 400, REPORT)
    relay.clear()
    assert PreviewProgress.objects.count() == 0


@pytest.mark.django_db
def test_rows_of_previews_that_stopped_are_purged_by_age():
    PreviewProgress.objects.create(task="b" * 32, done=3, total=9)
    PreviewProgress.objects.create(task="c" * 32, done=1, total=9)
    PreviewProgress.objects.filter(task="b" * 32).update(
        updated_at=timezone.now() - timedelta(days=2)
    )
    assert purge() == 1
    assert list(PreviewProgress.objects.values_list("task", flat=True)) == ["c" * 32]


@pytest.mark.django_db
def test_the_task_is_handed_its_own_id(monkeypatch):
    from django_q.tasks import async_task

    given = []
    monkeypatch.setattr(previews, "preview", lambda kind, task_id=None: given.append(task_id))
    task_id = async_task(previews.TASK, "products", sync=True)
    assert given == [task_id] and len(task_id) == 32
    async_task("connector.health.beat", sync=True)  # another task: no id left over
    assert previews._running.id is None
