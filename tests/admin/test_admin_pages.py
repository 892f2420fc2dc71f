"""The admin pages through Django's test client: permissions, the one-off buttons and the
progress JSON, the Synchronisation page, the logs and links pages. (The Settings, Shipping and
Payments pages and the connection check: tests/admin/.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ, Schedule

from connector.admin.sync import runs_per_day
from connector.models import Link, RunLock, SyncLog, SyncRun
from connector.scheduling import SYNC_NAME
from tests.admin import helpers
from tests.admin.helpers import SETTINGS_URL, form_data, messages_of, seeded_settings, staff

# The admin tests' switches, shared with tests/admin/.
no_connection_check = helpers.no_connection_check
no_flowii = helpers.no_flowii

pytestmark = pytest.mark.django_db

SYNC_URL = "/admin/connector/syncrun/"
PROGRESS_URL = "/admin/connector/syncrun/progress/"
LOGS_URL = "/admin/connector/synclog/"
LINKS_URL = "/admin/connector/link/"


def queued() -> list[dict]:
    return [row.task for row in OrmQ.objects.all()]


def running_run(kind=SyncRun.Kind.PRODUCTS, lock="products", **fields) -> SyncRun:
    run = SyncRun.objects.create(kind=kind, trigger=SyncRun.Trigger.SCHEDULE, **fields)
    RunLock.objects.create(name=lock, run=run, expires_at=timezone.now() + timedelta(minutes=5))
    return run


# -- permissions ----------------------------------------------------------------------------


def test_staff_without_permissions_sees_nothing_of_the_connector(client):
    staff(client)
    seeded_settings()
    assert client.get(SETTINGS_URL).status_code == 403
    assert client.get("/admin/connector/settings/").status_code == 403
    assert client.get(SYNC_URL).status_code == 403
    assert client.get(PROGRESS_URL).status_code == 403
    assert client.post(f"{SYNC_URL}start/products/").status_code == 403
    assert client.get(LOGS_URL).status_code == 403
    assert "FLOWii connector" not in client.get("/admin/").content.decode()
    assert queued() == []


def test_seeing_runs_does_not_allow_starting_one(client):
    staff(client, "view_syncrun")
    page = client.get(SYNC_URL)
    assert page.status_code == 200
    assert b"connector-run" not in page.content
    assert client.post(f"{SYNC_URL}start/products/").status_code == 403
    assert queued() == []


def test_run_permission_allows_starting_a_run(client):
    staff(client, "view_syncrun", "run_sync")
    assert b"connector-run" in client.get(SYNC_URL).content
    response = client.post(f"{SYNC_URL}start/customers/")
    assert response.status_code == 302
    assert [(t["func"], t["args"]) for t in queued()] == [
        ("connector.tasks.run_sync", ("customers", "button", True))
    ]


def test_settings_editor_without_run_permission_cannot_start(client, no_flowii):
    staff(client, "view_settings", "change_settings", "view_syncrun")
    assert client.get(SETTINGS_URL).status_code == 200
    assert client.post(f"{SYNC_URL}start/products/").status_code == 403


# -- the one-off buttons ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["products", "customers", "orders", "historic-orders"])
def test_each_button_queues_its_run_and_returns_at_once(admin_client, kind):
    response = admin_client.post(f"{SYNC_URL}start/{kind}/", follow=True)
    assert response.redirect_chain == [(SYNC_URL, 302)]
    tasks = queued()
    full = kind != "orders"  # "export new orders" reads only what changed
    assert [(t["func"], t["args"]) for t in tasks] == [
        ("connector.tasks.run_sync", (kind, "button", full))
    ]
    assert any("has started" in m for m in messages_of(response))
    assert not SyncRun.objects.exists()  # nothing ran in the request


def test_a_button_is_refused_while_its_kind_runs(admin_client):
    run = running_run(SyncRun.Kind.ALL, lock="orders")
    response = admin_client.post(f"{SYNC_URL}start/historic-orders/", follow=True)
    texts = messages_of(response)
    assert any("is already running" in t and f"run #{run.pk}" in t for t in texts), texts
    assert queued() == []
    # Another kind is not held up.
    admin_client.post(f"{SYNC_URL}start/products/")
    assert [t["args"][0] for t in queued()] == ["products"]


def test_unknown_action_and_get_are_refused(admin_client):
    assert admin_client.get(f"{SYNC_URL}start/products/").status_code == 405
    admin_client.post(f"{SYNC_URL}start/resend/")
    admin_client.post(f"{SYNC_URL}start/all/")
    assert queued() == []


def test_progress_json_reports_running_and_finished_runs(admin_client):
    running = running_run(progress_done=3, progress_total=12, progress_label="products", read=3)
    done = SyncRun.objects.create(
        kind="customers",
        trigger="button",
        status="succeeded",
        started_at=timezone.now() - timedelta(minutes=5),
        finished_at=timezone.now(),
        read=50,
        created=40,
        unchanged=10,
    )
    data = admin_client.get(PROGRESS_URL).json()
    first, second = data["runs"][:2]
    assert first["id"] == running.pk and first["running"] is True
    assert (first["done"], first["total"], first["percent"]) == (3, 12, 25)
    assert first["now"] == "products"
    assert second["id"] == done.pk and second["status"] == "succeeded"
    assert dict(second["counts"])["created"] == 40
    assert second["logs_url"] == f"{LOGS_URL}?run={done.pk}"

    SyncRun.objects.filter(pk=running.pk).update(progress_done=12)
    assert admin_client.get(PROGRESS_URL).json()["runs"][0]["percent"] == 100


def test_sync_page_shows_schedule_and_chart(admin_client, no_flowii, no_connection_check):
    settings = seeded_settings()
    admin_client.post(SETTINGS_URL, form_data(settings, schedule="interval", schedule_minutes=30))
    now = timezone.now()
    for days, status in [(0, "succeeded"), (0, "failed"), (1, "partly_failed"), (40, "failed")]:
        SyncRun.objects.create(
            kind="all", trigger="schedule", status=status, started_at=now - timedelta(days=days)
        )
    html = admin_client.get(SYNC_URL).content.decode()
    assert "every 30 minutes" in html
    row = Schedule.objects.get(name=SYNC_NAME)
    assert row.next_run is not None
    assert html.count('class="connector-chart-day"') == 30
    chart = runs_per_day()
    assert len(chart) == 30
    today, yesterday = chart[-1], chart[-2]
    assert [b["css"] for b in today["bars"]] == ["succeeded", "failed"]
    assert [b["css"] for b in yesterday["bars"]] == ["attention"]
    assert sum(len(day["bars"]) for day in chart) == 3  # the 40-day-old run is outside


# -- logs and links -----------------------------------------------------------------------


def test_logs_filter_by_run_level_kind_and_search_by_ids(admin_client):
    first = SyncRun.objects.create(kind="products", trigger="button", status="succeeded")
    second = SyncRun.objects.create(kind="orders", trigger="button", status="partly_failed")
    SyncLog.objects.create(
        run=first, level="info", kind="product", shop_id="11", flowii_id="501", message="created A"
    )
    SyncLog.objects.create(
        run=second, level="error", kind="order", shop_id="77", flowii_id="", message="unmapped B"
    )
    SyncLog.objects.create(
        run=second, level="info", kind="order", shop_id="78", flowii_id="902", message="exported C"
    )

    def shown(query):
        response = admin_client.get(LOGS_URL + query)
        assert response.status_code == 200
        return sorted(e.message for e in response.context["cl"].result_list)

    assert shown("") == ["created A", "exported C", "unmapped B"]
    assert shown(f"?run={first.pk}") == ["created A"]
    assert shown("?level__exact=error") == ["unmapped B"]
    assert shown("?kind=order") == ["exported C", "unmapped B"]
    assert shown("?q=77") == ["unmapped B"]
    assert shown("?q=902") == ["exported C"]
    assert shown("?q=7") == []  # ids match exactly
    day = timezone.localdate()
    today = f"?created_at__year={day.year}&created_at__month={day.month}&created_at__day={day.day}"
    assert shown(today) == ["created A", "exported C", "unmapped B"]
    SyncLog.objects.filter(message="created A").update(
        created_at=timezone.now() - timedelta(days=3)
    )
    assert shown(today) == ["exported C", "unmapped B"]


def test_links_are_searchable_and_an_order_can_be_sent_again(admin_client):
    order = Link.objects.create(
        kind="order", shop_id="1234", flowii_id=55, flowii_number="OP2026000055"
    )
    Link.objects.create(kind="product", shop_id="88", flowii_id=10001)
    response = admin_client.get(LINKS_URL + "?q=OP2026000055")
    assert [link.pk for link in response.context["cl"].result_list] == [order.pk]
    assert admin_client.get(LINKS_URL + "?q=10001").context["cl"].result_count == 1

    page = admin_client.get(f"{LINKS_URL}{order.pk}/change/").content.decode()
    assert f"/admin/connector/link/{order.pk}/resend/" in page
    admin_client.post(f"{LINKS_URL}{order.pk}/resend/")
    assert [(t["func"], t["args"]) for t in queued()] == [("connector.tasks.resend_order", (1234,))]


def test_send_again_action_and_its_refusals(admin_client, client):
    order = Link.objects.create(kind="order", shop_id="7", flowii_id=1)
    product = Link.objects.create(kind="product", shop_id="8", flowii_id=2)
    action = {"action": "send_again", "_selected_action": [order.pk, product.pk]}
    admin_client.post(LINKS_URL, action)
    assert [t["args"] for t in queued()] == [(7,)]

    OrmQ.objects.all().delete()
    running_run(SyncRun.Kind.ORDERS, lock="orders")
    response = admin_client.post(LINKS_URL, action, follow=True)
    assert any("is already running" in m for m in messages_of(response))
    assert queued() == []

    staff(client, "view_link")
    assert client.post(f"{LINKS_URL}{order.pk}/resend/").status_code == 403
    assert b"send_again" not in client.get(LINKS_URL).content
