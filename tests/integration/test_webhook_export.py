"""The export of delivered orders and the run lock: while another run holds the orders (a
scheduled run, another delivery's export), the task waits; when the wait runs out, it leaves
the orders to a retry a minute later and to the schedule, with a line in the log. The orders
go with the orders stream's exactly-once rules, against the simulated shop and FLOWii."""

from __future__ import annotations

import pytest
import requests
from django_q.models import Schedule

from connector import tasks
from connector.binder import Binder
from connector.models import DeliveredOrder, Link, SyncLog, SyncRun
from connector.sync import locks
from sandbox.configure import configure_for_sandbox
from tests.sandbox.test_woocommerce_sim import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    return woo_server, flowii_server


def place(woo_server, status="processing") -> dict:
    api = Api(woo_server)
    product = api.get("products", per_page=1).json()[0]["id"]
    return api.created(
        "orders",
        {
            "status": status,
            "payment_method": "bacs",
            "payment_method_title": "Prevod",
            "billing": {"first_name": "Ján", "last_name": "Malý", "email": "jan@example.com",
                        "country": "SK", "city": "Žilina", "address_1": "Nová 1",
                        "postcode": "01001"},
            "line_items": [{"product_id": product, "quantity": 1}],
            "shipping_lines": [{"method_id": "flat_rate", "instance_id": "1",
                                "method_title": "Kuriér", "total": "3.90"}],
        },
    )  # fmt: skip


def documents(flowii_server) -> list[dict]:
    made = requests.get(f"{flowii_server.url}/__sandbox__/created", timeout=10).json()
    return [d for d in made["documents"] if d["type"] == 5]


def hold_orders_lock() -> SyncRun:
    holder = SyncRun.objects.create(kind=SyncRun.Kind.ORDERS, trigger=SyncRun.Trigger.SCHEDULE)
    locks.acquire(["orders"], holder)
    return holder


def test_a_delivered_order_waits_for_the_scheduled_run_then_goes_once(sandbox, monkeypatch):
    woo_server, flowii_server = sandbox
    order = place(woo_server)
    DeliveredOrder.objects.create(shop_order_id=str(order["id"]), topic="order.created")
    holder = hold_orders_lock()
    waited = []

    def sleep(seconds):  # the scheduled run ends while the task waits
        waited.append(seconds)
        locks.release(holder)

    monkeypatch.setattr(tasks.time, "sleep", sleep)
    result = tasks.export_delivered_orders()
    assert waited and result.startswith("run ")
    run = SyncRun.objects.get(kind=SyncRun.Kind.WEBHOOK_ORDERS)
    assert run.trigger == SyncRun.Trigger.WEBHOOK and run.status == SyncRun.Status.SUCCEEDED
    assert run.counts_by_kind["order"]["created"] == 1
    assert Binder(Link.Kind.ORDER).by_shop(order["id"]) is not None
    assert not DeliveredOrder.objects.exists()
    assert len(documents(flowii_server)) == 1

    # Delivered again (the shop's write-back of FLOWii's number fires order.updated): the
    # linked order is not sent again.
    DeliveredOrder.objects.create(shop_order_id=str(order["id"]), topic="order.updated")
    tasks.export_delivered_orders()
    again = SyncRun.objects.filter(kind=SyncRun.Kind.WEBHOOK_ORDERS).first()
    assert again.pk != run.pk and again.counts_by_kind["order"]["unchanged"] == 1
    assert len(documents(flowii_server)) == 1


def test_when_the_wait_runs_out_the_orders_are_left_to_a_retry_with_a_log_line(
    sandbox, monkeypatch
):
    woo_server, flowii_server = sandbox
    order = place(woo_server)
    DeliveredOrder.objects.create(shop_order_id=str(order["id"]), topic="order.created")
    hold_orders_lock()
    monkeypatch.setattr(tasks, "WEBHOOK_LOCK_WAIT", 0.3)
    monkeypatch.setattr(tasks.time, "sleep", lambda s: None)
    assert tasks.export_delivered_orders() == "left to the retry and the schedule"
    assert DeliveredOrder.objects.count() == 1  # still waiting: nothing lost
    retry = Schedule.objects.get(name=tasks.WEBHOOK_RETRY_NAME)
    assert retry.func == "connector.tasks.export_delivered_orders"
    assert retry.schedule_type == Schedule.ONCE
    line = SyncLog.objects.get(code="webhooks.left_to_schedule")
    assert line.params == {"count": 1} and "another run holds the orders" in line.message
    assert documents(flowii_server) == []
    tasks.export_delivered_orders()  # still held: one retry, not a second
    assert Schedule.objects.filter(name=tasks.WEBHOOK_RETRY_NAME).count() == 1


def test_an_order_no_longer_in_an_exported_status_is_left_alone(sandbox):
    woo_server, flowii_server = sandbox
    order = place(woo_server)
    Api(woo_server).put(f"orders/{order['id']}", {"status": "cancelled"})
    DeliveredOrder.objects.create(shop_order_id=str(order["id"]), topic="order.created")
    tasks.export_delivered_orders()
    assert not DeliveredOrder.objects.exists()
    assert documents(flowii_server) == []
    assert Binder(Link.Kind.ORDER).by_shop(order["id"]) is None


def test_a_delivered_order_gone_from_the_shop_is_a_warning_and_the_rest_go(sandbox):
    woo_server, flowii_server = sandbox
    order = place(woo_server)
    DeliveredOrder.objects.create(shop_order_id="999999", topic="order.created")
    DeliveredOrder.objects.create(shop_order_id=str(order["id"]), topic="order.created")
    tasks.export_delivered_orders()
    run = SyncRun.objects.get(kind=SyncRun.Kind.WEBHOOK_ORDERS)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert SyncLog.objects.filter(run=run, level="warning", code="orders.order_unread").exists()
    assert len(documents(flowii_server)) == 1
