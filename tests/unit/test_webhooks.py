"""The webhook rules, as tables: the signature, what a delivery asks for, which delivered
orders are queued, the delivery address, and when the Overview warns deliveries stopped."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from connector.webhooks import (
    MAX_BODY_BYTES,
    PATH,
    deliveries_stopped,
    delivery_url,
    new_secret,
    not_exported_because,
    read_delivery,
    signature,
    signed_by,
)

SECRET = "the-secret"
ORDER = json.dumps({"id": 42, "status": "processing"}, separators=(",", ":")).encode()


def woo_signature(body: bytes, secret: str = SECRET) -> str:
    """As WooCommerce computes it (WC_Webhook::generate_signature)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def headers(topic="order.created", sig=None, body=ORDER):
    out = {"X-WC-Webhook-Topic": topic}
    out["X-WC-Webhook-Signature"] = woo_signature(body) if sig is None else sig
    return out


def test_the_signature_is_woocommerces():
    assert signature(ORDER, SECRET) == woo_signature(ORDER)


@pytest.mark.parametrize(
    "body, given, secret, ok",
    [
        (ORDER, woo_signature(ORDER), SECRET, True),
        (ORDER, " " + woo_signature(ORDER) + "\n", SECRET, True),  # header whitespace
        (ORDER, woo_signature(ORDER, "other"), SECRET, False),
        (ORDER + b" ", woo_signature(ORDER), SECRET, False),  # a byte changed
        (ORDER, "", SECRET, False),
        (ORDER, None, SECRET, False),
        (ORDER, woo_signature(ORDER, ""), "", False),  # no secret yet: nothing is signed
        (ORDER, "not base64 at all", SECRET, False),
    ],
)
def test_signed_by(body, given, secret, ok):
    assert signed_by(body, given, secret) is ok


@pytest.mark.parametrize(
    "hdrs, body, kind, order_id",
    [
        ({}, b"webhook_id=17", "ping", None),
        ({"x-wc-webhook-topic": "order.created"}, b"webhook_id=17", "ping", None),
        ({}, b"webhook_id=17&x=1", "refused", None),
        ({}, ORDER, "refused", None),  # unsigned: only the ping may be
        (headers(), ORDER, "order", 42),
        (headers("order.updated"), ORDER, "order", 42),
        (headers("ORDER.Updated"), ORDER, "order", 42),
        (headers(sig=woo_signature(ORDER, "wrong")), ORDER, "refused", None),
        (headers("product.updated"), ORDER, "ignored", None),
        (headers("order.deleted"), ORDER, "ignored", None),
        (headers(body=b"not json"), b"not json", "ignored", None),
        (headers(body=b"[1,2]"), b"[1,2]", "ignored", None),
        (headers(body=b'{"id":"42"}'), b'{"id":"42"}', "ignored", None),
        (headers(body=b'{"id":true}'), b'{"id":true}', "ignored", None),
        (headers(body=b'{"id":0}'), b'{"id":0}', "ignored", None),
        (
            {k.lower(): v for k, v in headers().items()},
            ORDER,
            "order",
            42,
        ),  # lower-case names
    ],
)
def test_what_a_delivery_asks_for(hdrs, body, kind, order_id):
    delivery = read_delivery(hdrs, body, SECRET)
    assert (delivery.kind, delivery.order_id) == (kind, order_id)


FROM = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = ["processing", "completed"]


@pytest.mark.parametrize(
    "order, linked, reason",
    [
        ({"status": "processing", "date_created_gmt": "2026-02-01T10:00:00"}, False, None),
        ({"status": "completed", "date_created_gmt": "2026-02-01T10:00:00"}, False, None),
        ({"status": "processing", "date_created_gmt": "2026-02-01T10:00:00"}, True, "linked"),
        ({"status": "pending", "date_created_gmt": "2026-02-01T10:00:00"}, False, "status"),
        ({"status": "on-hold"}, False, "status"),
        ({"status": "processing", "date_created_gmt": "2025-12-31T23:59:59"}, False, "earlier"),
        ({"status": "processing", "date_created_gmt": "unreadable"}, False, None),
        ({"status": "processing"}, False, None),  # unsure: the run reads it fresh and decides
        ({}, False, None),
    ],
)
def test_which_delivered_orders_are_queued(order, linked, reason):
    assert not_exported_because(order, STATUSES, FROM, linked) == reason


def test_without_a_new_orders_date_every_date_counts():
    order = {"status": "processing", "date_created_gmt": "2001-01-01T00:00:00"}
    assert not_exported_because(order, STATUSES, None, False) is None


@pytest.mark.parametrize(
    "public, request_root, url",
    [
        ("", "http://127.0.0.1:8000", "http://127.0.0.1:8000" + PATH),
        ("https://connector.shop.sk", "http://10.0.0.5:8000", "https://connector.shop.sk" + PATH),
        ("https://connector.shop.sk/", "", "https://connector.shop.sk" + PATH),
        ("https://x.sk/flowii", "", "https://x.sk/flowii" + PATH),
    ],
)
def test_the_delivery_address(public, request_root, url):
    assert delivery_url(public, request_root) == url


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    "set_up, last, polled, warn",
    [
        (None, None, 5, False),  # no webhooks: polling alone is the plan
        (NOW - 2 * H, None, 0, False),  # set up, quiet, and no orders came either
        (NOW - 2 * H, None, 3, True),  # set up, never delivered, polling found orders
        (NOW - 3 * H, NOW - 2 * H, 1, True),  # deliveries stopped, orders kept coming
        (NOW - 3 * H, NOW - timedelta(minutes=10), 1, False),  # a delivery just came
        (NOW - timedelta(minutes=10), None, 4, False),  # set up moments ago
        (None, NOW - 2 * H, 2, True),  # set up by hand: known from its deliveries
    ],
)
def test_when_deliveries_count_as_stopped(set_up, last, polled, warn):
    assert deliveries_stopped(set_up, last, polled, NOW) is warn


def test_secrets_are_new_each_time_and_plain():
    a, b = new_secret(), new_secret()
    assert a != b and len(a) >= 40
    assert all(c.isalnum() or c in "-_" for c in a)  # no "&": WooCommerce decodes entities


def test_the_body_cap_is_a_megabyte():
    assert MAX_BODY_BYTES == 1024 * 1024
