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


@pytest.mark.parametrize(
    "value, seen_all_until, inclusive, expected",
    [
        # The last read began well after the newest record: start right at it.
        ("12:00:00", "12:05:00", False, "12:00:00"),
        ("12:00:00", "12:05:00", True, "12:00:00.001"),
        # The read began too soon after it: start where that read surely saw everything.
        ("12:00:00", "11:59:58", False, "11:59:58"),
        ("12:00:00", "11:59:58", True, "11:59:58"),
        # The remote's clock was unknown: the fixed overlap.
        ("12:00:00", None, False, "11:58:00"),
    ],
)
def test_where_an_incremental_read_starts(value, seen_all_until, inclusive, expected):
    from datetime import UTC, datetime

    from connector.models import Bookmark, Settings
    from connector.sync.context import RunContext

    def at(text):
        return datetime.fromisoformat(f"2026-11-28T{text}").replace(tzinfo=UTC)

    Bookmark.objects.create(
        stream="orders",
        value=at(value),
        seen_all_until=at(seen_all_until) if seen_all_until else None,
    )
    ctx = RunContext(SyncRun.objects.create(kind="orders", trigger="command"), Settings.load())
    assert ctx.bookmark("orders", inclusive=inclusive) == at(expected)
    assert RunContext(ctx.run, ctx.settings, full=True).bookmark("orders") is None
