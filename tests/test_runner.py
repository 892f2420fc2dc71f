"""The runner: the lock refuses a second run of the same kind, an expired lock is taken
over, and a run that cannot start ends as failed with its reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connector.models import RunLock, SyncLog, SyncRun
from connector.sync import locks
from connector.sync.runner import RunRefused, run

pytestmark = pytest.mark.django_db


def _running(kind="products"):
    other = SyncRun.objects.create(kind=kind, trigger=SyncRun.Trigger.SCHEDULE)
    locks.acquire([kind if kind != "all" else "products"], other)
    return other


def test_second_run_of_the_same_kind_is_refused_with_a_clear_message():
    other = _running("products")
    with pytest.raises(RunRefused) as refused:
        run("products")
    message = str(refused.value)
    assert "Products and categories" in message and f"#{other.pk}" in message
    assert "schedule" in message
    assert SyncRun.objects.count() == 1  # the refused attempt leaves no run behind


def test_all_is_refused_while_orders_run_and_historic_orders_share_the_lock():
    _running("orders")
    with pytest.raises(RunRefused):
        run("all")
    with pytest.raises(RunRefused):
        run("historic-orders")


def test_other_kinds_may_run_side_by_side():
    _running("products")
    result = run("customers")  # settings are empty, so it fails, but it was not refused
    assert result.status == SyncRun.Status.FAILED


def test_an_expired_lock_is_taken_over():
    other = _running("products")
    RunLock.objects.filter(run=other).update(expires_at=timezone.now() - timedelta(seconds=1))
    result = run("products")
    assert result.status == SyncRun.Status.FAILED  # not refused: ran and hit empty settings
    assert not RunLock.objects.filter(run__isnull=False).exists()  # released at the end
    other.refresh_from_db()
    assert other.status == SyncRun.Status.FAILED and other.finished_at is not None
    assert "stopped without finishing" in other.reason


def test_incomplete_settings_end_the_run_as_failed_with_the_reason():
    result = run("orders")
    assert result.status == SyncRun.Status.FAILED
    assert "connection settings are incomplete" in result.reason
    assert "FLOWii password" in result.reason
    assert result.finished_at is not None
    assert SyncLog.objects.filter(run=result, level="error").count() == 1
