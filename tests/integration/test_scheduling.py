"""The schedule setting becomes django-q Schedule rows, and a daily run keeps its local time
across the changes to and from summer time."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django_q.models import Schedule

from connector.models import Settings
from connector.scheduling import SYNC_NAME, apply_schedule, ensure_purge_schedule, next_local_time

pytestmark = pytest.mark.django_db
BRATISLAVA = ZoneInfo("Europe/Bratislava")


def test_interval_creates_then_changes_then_off_removes():
    settings = Settings.load()
    settings.schedule, settings.schedule_minutes = Settings.Schedule.INTERVAL, 15
    apply_schedule(settings)
    row = Schedule.objects.get(name=SYNC_NAME)
    assert (row.schedule_type, row.minutes, row.func) == (
        Schedule.MINUTES,
        15,
        "connector.tasks.scheduled_sync",
    )

    settings.schedule, settings.schedule_time = Settings.Schedule.DAILY, time(6, 45)
    apply_schedule(settings)
    row = Schedule.objects.get(name=SYNC_NAME)
    assert row.schedule_type == Schedule.DAILY
    assert row.next_run.astimezone(BRATISLAVA).time() == time(6, 45)

    settings.schedule = Settings.Schedule.OFF
    apply_schedule(settings)
    assert not Schedule.objects.filter(name=SYNC_NAME).exists()


def test_unchanged_setting_keeps_the_next_run():
    settings = Settings.load()
    settings.schedule, settings.schedule_minutes = Settings.Schedule.INTERVAL, 30
    first = apply_schedule(settings).next_run
    assert apply_schedule(settings).next_run == first
    assert Schedule.objects.filter(name=SYNC_NAME).count() == 1


def test_interval_below_five_minutes_is_raised_to_five():
    settings = Settings.load()
    settings.schedule, settings.schedule_minutes = Settings.Schedule.INTERVAL, 2
    assert apply_schedule(settings).minutes == 5


@pytest.mark.parametrize(
    "now_utc, expected_local",
    [
        (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, 30)),  # to summer
        (datetime(2026, 10, 24, 12, 0, tzinfo=UTC), datetime(2026, 10, 25, 3, 30)),  # to winter
        (datetime(2026, 7, 1, 1, 0, tzinfo=UTC), datetime(2026, 7, 1, 3, 30)),  # later today
    ],
)
def test_next_local_time(now_utc, expected_local):
    result = next_local_time(time(3, 30), now_utc)
    assert result.astimezone(BRATISLAVA).replace(tzinfo=None) == expected_local


def test_daily_run_keeps_local_time_across_dst_changes():
    settings = Settings.load()
    settings.schedule, settings.schedule_time = Settings.Schedule.DAILY, time(3, 30)
    row = apply_schedule(settings, now=datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    seen = []
    run = row.next_run
    for _ in range(3):  # 28th (winter), 29th (summer from 02:00), 30th
        seen.append(run.astimezone(BRATISLAVA).strftime("%d %H:%M %Z"))
        run = row.calculate_next_run(run)
    assert seen == ["28 03:30 CET", "29 03:30 CEST", "30 03:30 CEST"]


def test_purge_schedule_is_created_once():
    ensure_purge_schedule()
    ensure_purge_schedule()
    assert Schedule.objects.filter(func="connector.tasks.purge_logs").count() == 1


def test_migrate_sets_up_the_daily_log_purge():
    from django.core.management import call_command

    Schedule.objects.all().delete()
    call_command("migrate", verbosity=0)
    row = Schedule.objects.get(func="connector.tasks.purge_logs")
    assert row.schedule_type == Schedule.DAILY and row.repeats == -1
