"""Alerts by e-mail (Django's locmem backend): once per problem while it lasts, again after
it was over and came back; shown on the Overview while open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from connector import alerts
from connector.models import Alert, Settings, SyncRun
from connector.overview import CREDENTIALS_CODE
from tests.admin.helpers import seeded_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run(status="succeeded", hours_ago=0, **fields) -> SyncRun:
    at = timezone.now() - timedelta(hours=hours_ago)
    return SyncRun.objects.create(kind="all", trigger="schedule", status=status, started_at=at,
                                  finished_at=at, **fields)  # fmt: skip


def configured(**fields) -> Settings:
    return seeded_settings(alert_emails="owner@shop.sk, boss@shop.sk",
                           schedule=Settings.Schedule.INTERVAL, **fields)  # fmt: skip


def test_credentials_that_stop_working_are_mailed_once_and_closed_when_over():
    configured()
    run("failed", reason_code=CREDENTIALS_CODE,
        reason_params={"system": "FLOWii", "error": "401"})  # fmt: skip
    alerts.check()
    alerts.check()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@shop.sk", "boss@shop.sk"]
    assert "credentials stopped working" in message.subject
    assert "FLOWii no longer accepts" in message.body
    alert = Alert.objects.get()
    assert alert.problem == "credentials" and alert.mailed_at and alert.ended_at is None

    run("succeeded")  # fixed
    alerts.check()
    assert Alert.objects.get().ended_at is not None
    assert len(mail.outbox) == 1

    run("failed", reason_code=CREDENTIALS_CODE,
        reason_params={"system": "WooCommerce", "error": "401"})  # fmt: skip
    alerts.check()
    assert len(mail.outbox) == 2  # a new occurrence is told again


def test_no_success_for_too_long():
    settings = configured(alert_no_success_hours=6)
    Settings.objects.filter(pk=1).update(new_orders_from=timezone.now() - timedelta(days=2))
    run("succeeded", hours_ago=7)
    run("failed", hours_ago=1, reason="down")
    alerts.check()
    assert [a.problem for a in Alert.objects.all()] == ["no_success"]
    assert "No run has succeeded for 6 hours." in mail.outbox[0].subject
    assert settings.alert_no_success_hours == 6


def test_a_run_whose_failed_share_passes_the_threshold():
    configured(alert_failed_percent=20)
    run("partly_failed", created=7, failed=3)
    alerts.check()
    assert [a.problem for a in Alert.objects.all()] == ["failed_share"]
    assert "30% of the records of the last run" in mail.outbox[0].body
    run("partly_failed", created=9, failed=1)  # 10%: over
    alerts.check()
    assert Alert.objects.get().ended_at is not None


def test_without_addresses_the_alert_is_still_shown(admin_client):
    seeded_settings(schedule=Settings.Schedule.INTERVAL)
    run("failed", reason_code=CREDENTIALS_CODE, reason_params={"system": "FLOWii", "error": "x"})
    alerts.check()
    assert mail.outbox == [] and Alert.objects.get().mailed_at is None
    html = admin_client.get("/admin/").content.decode()
    assert 'id="connector-alerts"' in html and "The credentials stopped working" in html


def test_the_periodic_check_and_the_end_of_a_run():
    from connector import tasks

    configured()
    run("failed", reason_code=CREDENTIALS_CODE, reason_params={"system": "FLOWii", "error": "x"})
    assert tasks.check_alerts() == "1 new alerts"
    alerts.after_run(None)
    assert len(mail.outbox) == 1


def test_failure_reason_codes_refused_credentials():
    from connector.http import AuthenticationError, Unavailable

    reason = alerts.failure_reason(AuthenticationError("FLOWii", "POST /token", "401"))
    assert reason.code == CREDENTIALS_CODE and reason.params["system"] == "FLOWii"
    assert alerts.failure_reason(Unavailable("FLOWii", "GET /goods", "down")).code == "run.remote"


def test_a_stuck_worker_is_mailed_by_the_health_check_once_and_closed_when_it_is_back():
    configured()
    run("succeeded")
    alerts.check(worker_stuck=True)
    alerts.check(worker_stuck=True)
    alerts.check()  # a run's own check cannot judge the worker: the alert stays open
    assert len(mail.outbox) == 1
    assert "worker stopped picking up work" in mail.outbox[0].subject
    assert Alert.objects.get(problem="worker_stuck").ended_at is None
    alerts.check(worker_stuck=False)
    assert Alert.objects.get(problem="worker_stuck").ended_at is not None
    assert len(mail.outbox) == 1


def test_the_health_command_raises_the_alert(monkeypatch):
    from django.core.management import call_command

    from connector import health

    configured()
    stuck = health.Verdict(stuck=True, state="stuck", message="STUCK: queued work waits")
    monkeypatch.setattr(health, "verdict", lambda **kw: stuck)
    with pytest.raises(SystemExit):
        call_command("health")
    assert Alert.objects.filter(problem="worker_stuck", ended_at__isnull=True).exists()
    assert len(mail.outbox) == 1
