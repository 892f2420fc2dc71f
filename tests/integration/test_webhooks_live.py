"""Orders in FLOWii seconds after checkout, over real HTTP end to end: the simulated shop
delivers signed webhooks (as WooCommerce does, from a thread of its own) to the connector's
endpoint served by a process of its own, a real `qcluster` exports them, the simulated FLOWii
receives the documents. No schedule runs. Duplicates, the unsigned ping, a wrong secret and
lost deliveries each leave what they must: one document per order, or none and the polling
run to find it."""

from __future__ import annotations

import time

import pytest
import requests

from tests.conftest import _fresh
from tests.integration.webhook_deployment import Deployment
from tests.sandbox.test_woocommerce_sim import Api
from tests.webhook_receiver import settled, switches

pytestmark = pytest.mark.slow
IN_FLOWII_WITHIN = 5.0  # seconds from the order placed to its document in FLOWii


@pytest.fixture(scope="module")
def live(_woo_server, _flowii_server, tmp_path_factory):
    woo, flowii = _fresh(_woo_server, "default"), _fresh(_flowii_server, "default")
    deployment = Deployment(tmp_path_factory.mktemp("webhooks"))
    try:
        deployment.set_up(woo.url, flowii.url)
        deployment.start_web()
        deployment.start_worker()
        api = Api(woo)
        for topic in ("order.created", "order.updated"):
            api.created(
                "webhooks",
                {
                    "name": f"FLOWii {topic}",
                    "topic": topic,
                    "delivery_url": deployment.delivery_url,
                    "secret": deployment.secret,
                },
            )
        settled(woo)
        yield deployment, woo, flowii, api
    finally:
        deployment.stop()


@pytest.fixture
def shop(live):
    deployment, woo, flowii, api = live
    switches(woo, copies=1, lose=0, lose_all=False, wrong_secret=False)
    return live


def documents_for(flowii, number: str) -> list[dict]:
    made = requests.get(f"{flowii.url}/__sandbox__/created", timeout=10).json()["documents"]
    return [
        d
        for d in made
        if d["type"] == 5 and str((d.get("attributes") or {}).get("variable-symbol")) == number
    ]


def place_order(api, **data) -> dict:
    products = api.get("products", per_page=1).json()
    order = {
        "status": "processing",
        "set_paid": True,
        "payment_method": "bacs",
        "payment_method_title": "Prevod",
        "billing": {
            "first_name": "Eva",
            "last_name": "Rýchla",
            "email": f"eva.{time.monotonic_ns()}@example.com",
            "address_1": "Hlavná 5",
            "city": "Trnava",
            "postcode": "91701",
            "country": "SK",
        },
        "line_items": [{"product_id": products[0]["id"], "quantity": 1}],
        "shipping_lines": [
            {
                "method_id": "flat_rate",
                "instance_id": "1",
                "method_title": "Kuriér",
                "total": "3.90",
            }
        ],
        **data,
    }
    return api.created("orders", order)


def wait_for_document(flowii, number: str, timeout: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if documents_for(flowii, number):
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def finished_runs(deployment, timeout: float = 10.0) -> list[tuple]:
    """The connector's runs once none is running (kind, trigger, status)."""
    deadline = time.monotonic() + timeout
    sql = "SELECT kind, trigger, status FROM connector_syncrun"
    while any(s == "running" for _k, _t, s in deployment.query(sql)):
        assert time.monotonic() < deadline, deployment.query(sql)
        time.sleep(0.05)
    return deployment.query(sql)


def test_an_order_placed_is_in_flowii_within_5_seconds_with_no_schedule(shop):
    deployment, woo, flowii, api = shop
    assert deployment.query("SELECT schedule FROM connector_settings") == [("off",)]
    started = time.monotonic()
    order = place_order(api)
    took = wait_for_document(flowii, order["number"], IN_FLOWII_WITHIN)
    assert took is not None, deployment.output("worker")[-3000:]
    assert time.monotonic() - started < IN_FLOWII_WITHIN
    sql = "SELECT flowii_id FROM connector_link WHERE kind='order' AND shop_id=?"
    deadline = time.monotonic() + 5  # the link is saved just after FLOWii's answer
    while not deployment.query(sql, (str(order["id"]),)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(deployment.query(sql, (str(order["id"]),))) == 1
    runs = finished_runs(deployment)
    assert ("webhook-orders", "webhook", "succeeded") in runs
    assert {kind for kind, _t, _s in runs} == {"webhook-orders"}  # no polling run made it
    delivered = deployment.query("SELECT last_delivery_at, set_up_at FROM connector_webhookstate")
    assert delivered and all(delivered[0])


def test_the_ping_on_saving_a_webhook_answers_200_and_queues_nothing(shop):
    deployment, woo, flowii, api = shop
    runs_before = deployment.query("SELECT count(*) FROM connector_syncrun")
    pings = [d for d in settled(woo)["deliveries"] if d["topic"] == "ping"]
    assert [p["status"] for p in pings] == [200, 200]  # the two webhooks of the set-up
    assert deployment.query("SELECT last_ping_at FROM connector_webhookstate")[0][0]
    assert deployment.query("SELECT count(*) FROM connector_deliveredorder") == [(0,)]
    assert deployment.query("SELECT count(*) FROM connector_syncrun") == runs_before


def test_the_same_order_delivered_five_times_is_one_document(shop):
    deployment, woo, flowii, api = shop
    switches(woo, copies=5)
    order = place_order(api)
    assert wait_for_document(flowii, order["number"], IN_FLOWII_WITHIN) is not None
    state = settled(woo)
    mine = [d for d in state["deliveries"] if d.get("order") == order["id"]]
    assert len(mine) >= 10  # five of order.created, five of order.updated (and write-backs)
    assert all(d["status"] in (200, 202) for d in mine)
    # It only queues: WooCommerce never waits long enough to count the connector as failing.
    assert max(d["ms"] for d in mine) < 1000, mine
    time.sleep(2.0)  # any late export would have landed by now
    assert len(documents_for(flowii, order["number"])) == 1
    number_written = api.get(f"orders/{order['id']}").json()["meta_data"]
    assert any(m["key"] == "_flowii_order_number" for m in number_written)


def test_a_wrong_secret_is_refused_and_the_polling_run_finds_the_order(shop):
    deployment, woo, flowii, api = shop
    switches(woo, wrong_secret=True)
    order = place_order(api)
    state = settled(woo)
    mine = [d for d in state["deliveries"] if d.get("order") == order["id"]]
    assert mine and all(d["status"] == 401 for d in mine)
    time.sleep(1.0)
    assert documents_for(flowii, order["number"]) == []
    assert deployment.query("SELECT count(*) FROM connector_deliveredorder") == [(0,)]
    assert deployment.query("SELECT last_refused_at FROM connector_webhookstate")[0][0]
    switches(woo, wrong_secret=False)
    polled = deployment.run("orders")
    assert polled["status"] == "succeeded", polled
    assert len(documents_for(flowii, order["number"])) == 1


def test_a_lost_delivery_is_found_by_the_next_polling_run_and_never_sent_twice(shop):
    deployment, woo, flowii, api = shop
    switches(woo, lose_all=True)
    order = place_order(api)
    state = settled(woo)
    assert {d["status"] for d in state["deliveries"] if d.get("order") == order["id"]} == {"lost"}
    time.sleep(1.0)
    assert documents_for(flowii, order["number"]) == []

    polled = deployment.run("orders")
    assert polled["status"] == "succeeded", polled
    assert polled["by_kind"]["order"]["created"] >= 1
    assert len(documents_for(flowii, order["number"])) == 1

    # Deliveries are back: the order changes in the shop, its webhook comes, and the
    # connector, which has it linked, sends nothing again.
    switches(woo, lose_all=False)
    api.put(f"orders/{order['id']}", {"status": "completed"})
    state = settled(woo)
    last = [d for d in state["deliveries"] if d.get("order") == order["id"]][-1]
    assert last["status"] == 200  # answered "linked": nothing queued
    time.sleep(1.5)
    assert len(documents_for(flowii, order["number"])) == 1


def test_an_order_paid_later_goes_over_when_it_is_paid(shop):
    deployment, woo, flowii, api = shop
    order = place_order(api, status="pending", set_paid=False)
    settled(woo)
    time.sleep(1.0)
    assert documents_for(flowii, order["number"]) == []  # "pending" is not exported
    api.put(f"orders/{order['id']}", {"status": "processing"})
    assert wait_for_document(flowii, order["number"], IN_FLOWII_WITHIN) is not None
    assert len(documents_for(flowii, order["number"])) == 1


HOLD = """
import json
from connector.models import SyncRun
from connector.sync import locks
run = SyncRun.objects.create(kind="all", trigger="schedule")
locks.acquire(["orders"], run)
print(json.dumps({"run": run.pk}))
"""
RELEASE = """
import json, sys
from connector.models import SyncRun
from connector.sync import locks
run = SyncRun.objects.get(pk=int(sys.argv[1]))
locks.release(run)
SyncRun.objects.filter(pk=run.pk).update(status="succeeded")
print(json.dumps({"released": run.pk}))
"""


def test_a_delivery_during_a_scheduled_run_waits_for_it_then_goes_once(shop):
    deployment, woo, flowii, api = shop
    held = deployment.script(HOLD)["run"]
    order = place_order(api)
    settled(woo)
    time.sleep(1.5)
    assert documents_for(flowii, order["number"]) == []  # the orders are the run's now
    deployment.script(RELEASE, str(held))
    assert wait_for_document(flowii, order["number"], IN_FLOWII_WITHIN) is not None
    time.sleep(1.0)
    assert len(documents_for(flowii, order["number"])) == 1
