"""The runs of orders the shop's webhooks announced say nothing of the schedule: a webhook
run that succeeded does not hide that no scheduled run succeeded for too long."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from connector import alerts
from connector.models import Alert, Settings, SyncRun
from tests.admin.helpers import seeded_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run(kind: str, trigger: str, status: str, hours_ago: float) -> SyncRun:
    at = timezone.now() - timedelta(hours=hours_ago)
    return SyncRun.objects.create(kind=kind, trigger=trigger, status=status, started_at=at,
                                  finished_at=at)  # fmt: skip


def test_a_succeeding_webhook_run_does_not_hide_a_failing_schedule():
    seeded_settings(alert_emails="owner@shop.sk", schedule=Settings.Schedule.INTERVAL,
                    alert_no_success_hours=6)  # fmt: skip
    Settings.objects.filter(pk=1).update(new_orders_from=timezone.now() - timedelta(days=2))
    run("all", "schedule", "succeeded", hours_ago=7)
    run("all", "schedule", "failed", hours_ago=1)
    run(SyncRun.Kind.WEBHOOK_ORDERS, SyncRun.Trigger.WEBHOOK, "succeeded", hours_ago=0.1)
    alerts.check()
    assert [a.problem for a in Alert.objects.all()] == ["no_success"]
    assert len(mail.outbox) == 1
