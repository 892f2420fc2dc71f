"""The simulated shop's webhooks over real HTTP: the REST resource shaped like WooCommerce's,
the unsigned ping on creation, signed deliveries of created and updated orders from a
background thread, the failure count that disables a webhook, and the test switches
(duplicates, lost deliveries, a wrong secret)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
import requests

from tests.sandbox.test_woocommerce_sim import Api
from tests.webhook_receiver import Receiver, settled, switches

SECRET = "s3cret-of-the-test"


@pytest.fixture
def api(woo_empty):
    return Api(woo_empty)


def signed(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def make_hook(api, url, topic="order.created") -> dict:
    return api.created(
        "webhooks", {"name": "FLOWii", "topic": topic, "delivery_url": url, "secret": SECRET}
    )


def test_the_resource_lists_creates_reads_updates_and_deletes_like_woocommerce(api):
    with Receiver() as receiver:
        answer = api.post(
            "webhooks",
            {"name": "FLOWii", "topic": "order.created", "delivery_url": receiver.url,
             "secret": SECRET},
        )  # fmt: skip
        assert answer.status_code == 201
        assert answer.headers["Location"].endswith(f"/wp-json/wc/v3/webhooks/{answer.json()['id']}")
        hook = answer.json()
        assert hook["status"] == "active" and hook["resource"] == "order"
        assert hook["event"] == "created" and hook["hooks"] == ["woocommerce_new_order"]
        assert hook["delivery_url"] == receiver.url and "secret" not in hook
        assert hook["date_created_gmt"] and hook["date_modified_gmt"]

        listed = api.get("webhooks")
        assert listed.status_code == 200 and listed.headers["X-WP-Total"] == "1"
        assert [h["id"] for h in listed.json()] == [hook["id"]]
        assert api.get("webhooks", status="paused").json() == []

        paused = api.put(f"webhooks/{hook['id']}", {"status": "paused"})
        assert paused.status_code == 200 and paused.json()["status"] == "paused"
        assert [h["id"] for h in api.get("webhooks", status="paused").json()] == [hook["id"]]
        bad = api.put(f"webhooks/{hook['id']}", {"status": "sleeping"})
        assert bad.status_code == 400
        assert bad.json()["code"] == "woocommerce_rest_shop_webhook_invalid_status"

        trash = api.delete(f"webhooks/{hook['id']}")
        assert trash.status_code == 501
        assert trash.json()["code"] == "woocommerce_rest_trash_not_supported"
        gone = api.delete(f"webhooks/{hook['id']}", force="true")
        assert gone.status_code == 200 and gone.json()["id"] == hook["id"]
        assert api.get(f"webhooks/{hook['id']}").status_code == 400
        assert api.delete(f"webhooks/{hook['id']}", force="true").status_code == 404


@pytest.mark.parametrize(
    "body, code",
    [
        ({"topic": "order.eaten", "delivery_url": "http://x.sk/"}, "invalid_topic"),
        ({"delivery_url": "http://x.sk/"}, "invalid_topic"),
        ({"topic": "order.updated", "delivery_url": "ftp://x.sk/"}, "invalid_delivery_url"),
        ({"topic": "order.updated"}, "invalid_delivery_url"),
    ],
)
def test_a_webhook_without_a_valid_topic_or_address_is_refused(api, body, code):
    answer = api.post("webhooks", body)
    assert answer.status_code == 400
    assert answer.json()["code"] == f"woocommerce_rest_shop_webhook_{code}"


def test_a_new_webhook_is_pinged_unsigned(api, woo_empty):
    with Receiver() as receiver:
        hook = make_hook(api, receiver.url)
        ping = receiver.wait_for(1)[0]
    assert ping["body"] == f"webhook_id={hook['id']}".encode()
    assert "X-WC-Webhook-Signature" not in ping["headers"]
    assert ping["headers"]["User-Agent"].startswith("WooCommerce/")


def test_an_order_created_and_updated_is_delivered_signed_without_holding_the_request(
    api, woo_empty
):
    with Receiver(delay=1.0) as receiver:
        make_hook(api, receiver.url, "order.created")
        make_hook(api, receiver.url, "order.updated")
        settled(woo_empty)
        receiver.received.clear()
        started = time.monotonic()
        order = api.created("orders", {"billing": {"email": "a@b.sk"}})  # pending
        assert time.monotonic() - started < 0.8  # the delivery waits on the receiver, not this
        api.put(f"orders/{order['id']}", {"status": "processing"})
        got = receiver.wait_for(2, timeout=10)
    topics = [d["headers"]["X-WC-Webhook-Topic"] for d in got]
    assert topics == ["order.created", "order.updated"]
    for delivery in got:
        headers, body = delivery["headers"], delivery["body"]
        assert headers["X-WC-Webhook-Signature"] == signed(body)
        assert headers["X-WC-Webhook-Resource"] == "order"
        assert headers["X-WC-Webhook-Event"] == headers["X-WC-Webhook-Topic"].split(".")[1]
        assert headers["X-WC-Webhook-ID"].isdigit() and len(headers["X-WC-Webhook-Delivery-ID"])
        assert headers["X-WC-Webhook-Source"] == f"{woo_empty.url}/"
        assert headers["Content-Type"] == "application/json"
        assert b"\\/" in body  # PHP's JSON: the signature is over these bytes, not a re-encoding
        assert json.loads(body)["id"] == order["id"]
    assert json.loads(got[1]["body"])["status"] == "processing"  # the order at delivery time


def test_a_paused_webhook_delivers_nothing(api, woo_empty):
    with Receiver() as receiver:
        hook = make_hook(api, receiver.url)
        settled(woo_empty)
        api.put(f"webhooks/{hook['id']}", {"status": "paused"})
        api.created("orders", {})
        state = settled(woo_empty)
        assert len(receiver.wait_for(2, timeout=0.5)) == 1  # the ping only
    assert [d["topic"] for d in state["deliveries"]] == ["ping"]


def test_a_webhook_is_disabled_after_failing_deliveries_in_a_row_as_woocommerce_counts(
    api, woo_empty
):
    with Receiver(status=500) as receiver:
        hook = make_hook(api, receiver.url)
        for n in range(1, 8):
            api.created("orders", {})
            state = settled(woo_empty)
            found = next(h for h in state["webhooks"] if h["id"] == hook["id"])
            # WooCommerce counts up to 6, and the failure after that disables the webhook.
            expected = "disabled" if n == 7 else "active"
            assert found["status"] == expected, (n, found)
        api.created("orders", {})
        state = settled(woo_empty)
        assert len(receiver.received) == 1 + 7  # the ping, then nothing once disabled
    again = api.put(f"webhooks/{hook['id']}", {"status": "active"})
    assert again.json()["status"] == "active"


def test_a_success_resets_the_failure_count(api, woo_empty):
    with Receiver(status=503) as receiver:
        hook = make_hook(api, receiver.url)
        for _ in range(4):
            api.created("orders", {})
        settled(woo_empty)
        receiver.status = 200
        api.created("orders", {})
        state = settled(woo_empty)
    found = next(h for h in state["webhooks"] if h["id"] == hook["id"])
    assert found["failure_count"] == 0 and found["status"] == "active"


def test_switches_deliver_duplicates_lose_deliveries_and_sign_with_a_wrong_secret(api, woo_empty):
    with Receiver() as receiver:
        make_hook(api, receiver.url)
        settled(woo_empty)
        receiver.received.clear()

        switches(woo_empty, copies=5)
        first = api.created("orders", {})
        settled(woo_empty)
        assert [json.loads(d["body"])["id"] for d in receiver.received] == [first["id"]] * 5
        assert len({d["headers"]["X-WC-Webhook-Delivery-ID"] for d in receiver.received}) >= 1

        receiver.received.clear()
        switches(woo_empty, copies=1, lose=1)
        api.created("orders", {})
        kept = api.created("orders", {})
        state = settled(woo_empty)
        assert [json.loads(d["body"])["id"] for d in receiver.received] == [kept["id"]]
        assert [d["status"] for d in state["deliveries"][-2:]] == ["lost", 200]

        receiver.received.clear()
        switches(woo_empty, wrong_secret=True)
        api.created("orders", {})
        settled(woo_empty)
        delivery = receiver.received[0]
        assert delivery["headers"]["X-WC-Webhook-Signature"] != signed(delivery["body"])


def test_a_reset_shop_has_no_webhooks(api, woo_empty):
    with Receiver() as receiver:
        make_hook(api, receiver.url)
    requests.post(f"{woo_empty.url}/__sandbox__/reset", json={"seed": "empty"}, timeout=10)
    assert api.get("webhooks").json() == []
    assert settled(woo_empty)["switches"]["copies"] == 1


def test_a_shopper_order_is_made_as_the_rest_api_makes_one_and_announced(woo_server):
    api = Api(woo_server)
    with Receiver() as receiver:
        hook = make_hook(api, receiver.url)
        settled(woo_server)
        answer = requests.post(f"{woo_server.url}/__sandbox__/order", json={}, timeout=10)
        assert answer.status_code == 201, answer.text
        order = answer.json()
        assert order["status"] == "processing" and order["payment_method"] == "bacs"
        assert order["billing"]["email"] and len(order["line_items"]) == 1
        assert [s["method_id"] for s in order["shipping_lines"]] == ["flat_rate"]
        assert api.get(f"orders/{order['id']}").json()["total"] == order["total"]
        settled(woo_server)
        delivered = [
            json.loads(r["body"]) for r in receiver.received
            if r["headers"].get("X-WC-Webhook-Topic") == "order.created"
        ]  # fmt: skip
        assert [d["id"] for d in delivered] == [order["id"]]
        assert receiver.received[-1]["headers"]["X-WC-Webhook-ID"] == str(hook["id"])
