"""The Overview (the admin's home): in sync or not, what waits and why with the page that
fixes it, the last and next run, open alerts; fast with 100,000 log lines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from connector.models import Alert, Link, OrderExport, SyncLog, SyncRun
from connector.overview import CREDENTIALS_CODE, held_orders
from tests.admin.helpers import coded_log, held_line, seeded_settings

pytestmark = pytest.mark.django_db

HOME = "/admin/"


def finished(kind="all", status="succeeded", minutes_ago=5, **fields) -> SyncRun:
    start = timezone.now() - timedelta(minutes=minutes_ago)
    return SyncRun.objects.create(
        kind=kind, trigger="schedule", status=status, started_at=start,
        finished_at=start + timedelta(minutes=1), **fields,
    )  # fmt: skip


def page(admin_client) -> str:
    response = admin_client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_everything_in_sync(admin_client):
    seeded_settings()
    finished(counts_by_kind={"order": {"created": 2}}, created=2)
    html = page(admin_client)
    assert "Everything is in sync: nothing waits." in html
    assert 'id="connector-problems"' not in html
    # Django's list of pages follows; the technical ones are folded away.
    assert 'id="connector-technical"' in html
    technical = html.split('id="connector-technical"')[1]
    assert "/admin/django_q/" in technical and "/admin/auth/" in technical
    assert "/admin/connector/settings/" in html.split('id="connector-technical"')[0]


def test_what_waits_and_why_with_the_pages_that_fix_it(admin_client):
    seeded_settings()
    run = finished(
        "orders", "partly_failed", failed=2, skipped=3,
        counts_by_kind={"order": {"read": 6, "failed": 2, "skipped": 3}, "partner": {"failed": 1}},
    )  # fmt: skip
    for order in ("10", "11"):
        held_line(run, order, "order.shipping_unmapped", name="Kuriér", method_id="flat_rate",
                  instance_id="1")  # fmt: skip
    held_line(run, "12", "order.payment_unmapped", title="Dobierka", gateway="cod")
    held_line(run, "13", "order.payment_unmapped", title="Dobierka", gateway="cod")
    Link.objects.create(kind="order", shop_id="13", flowii_id=99)  # went over since
    OrderExport.objects.create(shop_order_id="20", shop_number="A20", state="operator",
                               partner_id=1, total=10, candidates=[{"id": 5, "serial_nr": "OP5",
                                                                    "total": "10.00"}])  # fmt: skip
    OrderExport.objects.create(shop_order_id="21", shop_number="A21", state="unknown",
                               partner_id=1, total=10)  # fmt: skip
    OrderExport.objects.create(shop_order_id="22", shop_number="A22", state="exported",
                               partner_id=1, total=10, flowii_total=11, total_differs=True)  # fmt: skip
    html = page(admin_client)
    assert "Needs attention" in html
    assert "2 orders wait: shipping method “Kuriér” is not mapped" in html
    assert "1 order waits: payment method “Dobierka” is not mapped" in html
    assert 'href="/admin/connector/shippingmapping/"' in html
    assert 'href="/admin/connector/paymentmapping/"' in html
    assert "Records that failed in the last runs: 2 orders, 1 partner." in html
    assert f"/admin/connector/synclog/?run={run.pk}&amp;level__exact=error" in html
    assert "1 order waits for you to say which FLOWii document it is" in html
    assert "/admin/connector/link/order/20/" in html and "Order A20" in html
    assert "1 order&#x27;s outcome in FLOWii is unknown" in html
    assert "1 order has a different total in FLOWii" in html
    assert "/admin/connector/orderexport/?problem=operator" in html
    # The runs list of the Overview says "needs attention", not green.
    assert 'data-state="attention"' in html and "needs attention" in html


def test_held_orders_are_read_from_codes_in_any_language(admin_client):
    run = finished("orders")
    held_line(run, "10", "order.shipping_unmapped", name="K", method_id="flat_rate", instance_id=1)
    SyncLog.objects.update(message="Objednávka 10 čaká.")
    assert held_orders()["shipping"] == {"flat_rate:1": {"n": 1, "title": "K"}}


def test_credentials_that_stopped_working(admin_client):
    seeded_settings()
    params = {"system": "FLOWii", "error": "FLOWii refused /token: 401."}
    finished(status="failed", reason="x", reason_code=CREDENTIALS_CODE, reason_params=params)
    html = page(admin_client)
    assert "The connection stopped working: FLOWii no longer accepts the connector" in html
    assert "Check the credentials in Settings" in html


def test_last_and_next_run_and_open_alerts(admin_client):
    from connector.models import Settings
    from connector.scheduling import apply_schedule

    settings = seeded_settings(schedule=Settings.Schedule.INTERVAL, schedule_minutes=30)
    apply_schedule(settings)
    run = finished()
    Alert.objects.create(problem="no_success", params={"code": "alert.no_success",
                                                        "params": {"hours": 24}})  # fmt: skip
    Alert.objects.create(problem="old", params={"code": "alert.no_success", "params": {"hours": 1}},
                         ended_at=timezone.now())  # fmt: skip
    html = page(admin_client)
    assert 'id="connector-next-run"' in html and "the schedule is off" not in html
    local = date_format(timezone.localtime(run.started_at), "SHORT_DATETIME_FORMAT")
    assert local in html.split('id="connector-last-run"')[1][:300]
    assert "No run has succeeded for 24 hours." in html
    assert "No run has succeeded for 1 hours." not in html


def test_slovak_reader_sees_the_alert_in_slovak_or_at_least_rendered_now(admin_client):
    # The line is rendered in the reader's language from its code (the Slovak catalogue is
    # filled later; the point is that the stored English sentence is not what is shown).
    run = finished("orders")
    coded_log(run, "error", "orders.held", kind="order", shop_id="1", number="1",
              reason="x")  # fmt: skip
    SyncLog.objects.update(message="STORED SENTENCE")
    html = admin_client.get("/admin/connector/synclog/").content.decode()
    assert "STORED SENTENCE" not in html
    assert "Order 1 waits: x" in html


def test_fast_with_100000_log_lines(admin_client, django_assert_max_num_queries):
    seeded_settings()
    run = finished("orders", "partly_failed", failed=1, counts_by_kind={"order": {"failed": 1}})
    old = finished("orders", minutes_ago=60)
    SyncLog.objects.bulk_create(
        [
            SyncLog(run=run if i % 2 else old, level="info", kind="order", shop_id=str(i),
                    message="x", code="orders.created", params={"number": i})
            for i in range(100_000)
        ],
        batch_size=5000,
    )  # fmt: skip
    held_line(run, "5", "order.shipping_unmapped", name="K", method_id="f", instance_id="1")
    with django_assert_max_num_queries(40):
        html = page(admin_client)
    assert "1 order waits: shipping method “K” is not mapped" in html
