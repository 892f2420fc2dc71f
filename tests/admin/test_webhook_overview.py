"""The Overview on the shop's webhooks: when the last delivery came, and the warning when
deliveries stopped although the polling runs kept finding new orders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from connector.models import SyncRun, WebhookState
from tests.admin.helpers import seeded_settings

pytestmark = pytest.mark.django_db
HOME = "/admin/"
WARNING = "The shop&#x27;s webhooks have delivered nothing since"


def polled(minutes_ago: int, created: int, kind="all") -> SyncRun:
    start = timezone.now() - timedelta(minutes=minutes_ago)
    return SyncRun.objects.create(
        kind=kind, trigger="schedule", status="succeeded", started_at=start,
        finished_at=start + timedelta(minutes=1), created=created,
        counts_by_kind={"order": {"created": created}},
    )  # fmt: skip


def webhooks(last_delivery_minutes_ago=None, set_up_minutes_ago=None) -> WebhookState:
    now = timezone.now()
    state = WebhookState.load()
    if last_delivery_minutes_ago is not None:
        state.last_delivery_at = now - timedelta(minutes=last_delivery_minutes_ago)
    if set_up_minutes_ago is not None:
        state.set_up_at = now - timedelta(minutes=set_up_minutes_ago)
    state.save()
    return state


def page(admin_client) -> str:
    response = admin_client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    return html.replace("&#x27;", "'")


def test_deliveries_stopped_while_polling_found_orders_is_a_warning(admin_client):
    seeded_settings()
    webhooks(last_delivery_minutes_ago=180, set_up_minutes_ago=600)
    polled(minutes_ago=60, created=3)
    polled(minutes_ago=120, created=2, kind="orders")
    polled(minutes_ago=170, created=9)  # within the quiet time after the last delivery
    html = page(admin_client)
    assert 'data-problem="webhooks-quiet"' in html
    assert "found 5 new orders meanwhile" in text(html)
    assert "/admin/connector/settings/#connector-webhooks" in html
    assert 'id="connector-last-delivery"' in html
    assert "Everything is in sync" not in html


def test_a_recent_delivery_or_no_new_orders_is_no_warning(admin_client):
    seeded_settings()
    webhooks(last_delivery_minutes_ago=5, set_up_minutes_ago=600)
    polled(minutes_ago=2, created=3)
    assert 'data-problem="webhooks-quiet"' not in page(admin_client)
    webhooks(last_delivery_minutes_ago=300)
    polled(minutes_ago=2, created=0)
    SyncRun.objects.filter(created=3).delete()
    assert 'data-problem="webhooks-quiet"' not in page(admin_client)


def test_made_in_the_shop_but_never_delivered_is_a_warning_once_orders_came(admin_client):
    seeded_settings()
    webhooks(set_up_minutes_ago=120)
    polled(minutes_ago=30, created=1)
    html = page(admin_client)
    assert 'data-problem="webhooks-quiet"' in html
    assert "none yet" in html  # the last delivery


def test_without_webhooks_the_overview_says_nothing_of_them(admin_client):
    seeded_settings()
    WebhookState.load()  # the Settings page made the secret, nothing was set up
    polled(minutes_ago=30, created=4)
    html = page(admin_client)
    assert 'data-problem="webhooks-quiet"' not in html
    assert 'id="connector-last-delivery"' not in html
