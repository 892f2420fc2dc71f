"""Turns the schedule setting into django-q Schedule rows: every N minutes, or daily at a
local time (django-q keeps the local time across DST changes), plus the daily log purge
and the periodic alert check."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_q.models import Schedule

from .models import Settings

# Every schedule the connector makes is named with this prefix: the Settings page owns them,
# django-q's own pages show them read-only (connector/admin/schedules.py).
PREFIX = "connector"
SYNC_NAME = "connector: synchronise all"
PURGE_NAME = "connector: purge old logs"
ALERTS_NAME = "connector: check alerts"
ALERTS_MINUTES = 15
MIN_MINUTES = 5


def next_local_time(at, now=None) -> datetime:
    """The next moment the local clock shows `at` (a time), as an aware datetime."""
    now = timezone.localtime(now)
    candidate = timezone.make_aware(datetime.combine(now.date(), at))
    if candidate <= now:
        candidate = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), at))
    return candidate


def apply_schedule(settings: Settings, now=None) -> Schedule | None:
    """Creates, changes or removes the sync schedule to match the settings."""
    existing = Schedule.objects.filter(name=SYNC_NAME).first()
    if settings.schedule == Settings.Schedule.OFF:
        if existing:
            existing.delete()
        return None
    if settings.schedule == Settings.Schedule.INTERVAL:
        minutes = max(MIN_MINUTES, int(settings.schedule_minutes or MIN_MINUTES))
        fields = {
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "next_run": (now or timezone.now()) + timedelta(minutes=minutes),
        }
    else:
        fields = {
            "schedule_type": Schedule.DAILY,
            "minutes": None,
            "next_run": next_local_time(settings.schedule_time, now),
        }
    if existing and all(getattr(existing, k) == v for k, v in fields.items() if k != "next_run"):
        if existing.schedule_type == Schedule.MINUTES or (
            timezone.localtime(existing.next_run).time().replace(second=0, microsecond=0)
            == settings.schedule_time.replace(second=0, microsecond=0)
        ):
            return existing  # unchanged: keep the next run as it is
    schedule, _created = Schedule.objects.update_or_create(
        name=SYNC_NAME,
        defaults={"func": "connector.tasks.scheduled_sync", "repeats": -1, **fields},
    )
    return schedule


def ensure_purge_schedule() -> Schedule:
    """The daily log purge; the periodic alert check comes with it (both are made after
    every migrate, by connector/apps.py)."""
    ensure_alert_schedule()
    schedule, _created = Schedule.objects.get_or_create(
        name=PURGE_NAME,
        defaults={
            "func": "connector.tasks.purge_logs",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": next_local_time(datetime.strptime("03:30", "%H:%M").time()),
        },
    )
    return schedule


def ensure_alert_schedule() -> Schedule:
    """The periodic alert check (connector/alerts.py), every ALERTS_MINUTES minutes."""
    schedule, _created = Schedule.objects.get_or_create(
        name=ALERTS_NAME,
        defaults={
            "func": "connector.tasks.check_alerts",
            "schedule_type": Schedule.MINUTES,
            "minutes": ALERTS_MINUTES,
            "repeats": -1,
            "next_run": timezone.now() + timedelta(minutes=ALERTS_MINUTES),
        },
    )
    return schedule


def is_connector_schedule(name: str | None) -> bool:
    """A schedule the connector made (and the Settings page owns)."""
    return bool(name) and name.startswith(PREFIX)
