"""Settings a shop owner can trust: an empty order-status list is refused, the history says
only what really changed (a secret left empty is not a change), and the connector's
django-q schedules cannot be edited or deleted from django-q's pages."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django_q.models import Schedule

from connector.models import Settings
from connector.scheduling import ALERTS_NAME, PURGE_NAME, SYNC_NAME, apply_schedule
from tests.admin.helpers import SETTINGS_URL, errors_of, form_data, seeded_settings

pytestmark = pytest.mark.django_db


def test_an_empty_order_status_list_is_refused(admin_client, no_flowii, no_connection_check):
    settings = seeded_settings()
    response = admin_client.post(SETTINGS_URL, form_data(settings, order_statuses=[]))
    assert response.status_code == 200
    assert "Choose at least one order status" in errors_of(response)["order_statuses"]
    assert Settings.load().order_statuses == ["processing", "completed"]


def test_history_records_only_what_really_changed(admin_client, no_flowii, no_connection_check):
    settings = seeded_settings()
    response = admin_client.post(SETTINGS_URL, form_data(settings))  # as it was
    assert response.status_code == 302
    entry = LogEntry.objects.order_by("-id").first()
    assert entry.get_change_message() == "No fields changed."

    response = admin_client.post(
        SETTINGS_URL,
        form_data(
            settings, schedule="interval", schedule_minutes=45, flowii_api_key="new-key"
        ),  # fmt: skip
    )
    assert response.status_code == 302
    message = LogEntry.objects.order_by("-id").first().get_change_message()
    assert "Schedule" in message and "Every how many minutes" in message
    assert "FLOWii API key" in message  # really changed
    assert "FLOWii password" not in message and "consumer" not in message
    assert "new-key" not in message


def test_alert_settings_are_on_the_page_and_checked(admin_client, no_flowii, no_connection_check):
    settings = seeded_settings()
    response = admin_client.post(
        SETTINGS_URL, form_data(settings, alert_emails="owner@shop.sk; not-an-address")
    )
    assert "“not-an-address” is not an e-mail address." in errors_of(response)["alert_emails"]
    response = admin_client.post(
        SETTINGS_URL, form_data(settings, alert_emails="a@shop.sk b@shop.sk")
    )
    assert response.status_code == 302
    assert Settings.load().alert_emails == "a@shop.sk, b@shop.sk"
    assert Schedule.objects.filter(name=ALERTS_NAME, func="connector.tasks.check_alerts").exists()


@pytest.fixture
def schedules():
    settings = seeded_settings(schedule=Settings.Schedule.INTERVAL, schedule_minutes=30)
    own = apply_schedule(settings)
    other = Schedule.objects.create(name="my own task", func="math.floor", args="1")
    return own, other


def test_the_connectors_schedules_are_read_only_in_django_q(admin_client, schedules):
    own, other = schedules
    base = "/admin/django_q/schedule/"
    page = admin_client.get(f"{base}{own.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page
    response = admin_client.post(
        f"{base}{own.pk}/change/", {"name": "hacked", "func": "os.system", "schedule_type": "O"}
    )
    assert response.status_code == 403
    assert admin_client.post(f"{base}{own.pk}/delete/", {"post": "yes"}).status_code == 403
    # The list's bulk delete leaves them too.
    admin_client.post(base, {"action": "delete_selected", "_selected_action": [own.pk, other.pk],
                             "post": "yes"})  # fmt: skip
    assert Schedule.objects.get(pk=own.pk).name == SYNC_NAME
    purge = Schedule.objects.get(name=PURGE_NAME)
    assert admin_client.post(f"{base}{purge.pk}/delete/", {"post": "yes"}).status_code == 403


def test_other_schedules_stay_editable(admin_client, schedules):
    _own, other = schedules
    page = admin_client.get(f"/admin/django_q/schedule/{other.pk}/change/").content.decode()
    assert 'name="_save"' in page
    response = admin_client.post(f"/admin/django_q/schedule/{other.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Schedule.objects.filter(pk=other.pk).exists()
