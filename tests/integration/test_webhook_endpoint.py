"""The endpoint `/webhooks/woocommerce/` through Django's whole stack (middleware, CSRF,
routing): what it answers and what it leaves queued for each kind of delivery."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from django_q.models import OrmQ

from connector import webhook_queue
from connector.binder import Binder
from connector.models import DeliveredOrder, Link, Settings, SyncLog, WebhookState
from connector.webhooks import MAX_BODY_BYTES, signature

URL = "/webhooks/woocommerce/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def secret():
    settings = Settings.load()
    settings.new_orders_from = datetime(2026, 1, 1, tzinfo=UTC)
    settings.save()
    return webhook_queue.secret()


def order_body(order_id=101, status="processing", created="2026-03-01T10:00:00") -> bytes:
    order = {"id": order_id, "status": status, "date_created_gmt": created, "number": "101"}
    return json.dumps(order, separators=(",", ":")).replace("/", "\\/").encode()


def deliver(client, body: bytes, secret: str | None, topic="order.created", **extra):
    headers = {"HTTP_X_WC_WEBHOOK_TOPIC": topic, "HTTP_X_WC_WEBHOOK_ID": "7", **extra}
    if secret is not None:
        headers["HTTP_X_WC_WEBHOOK_SIGNATURE"] = signature(body, secret)
    return client.post(URL, data=body, content_type="application/json", **headers)


def queued() -> int:
    return OrmQ.objects.count()


def test_a_signed_order_is_queued_once_however_often_it_is_delivered(client, secret):
    answers = [deliver(client, order_body(), secret).status_code for _ in range(5)]
    assert answers == [202, 200, 200, 200, 200]
    assert list(DeliveredOrder.objects.values_list("shop_order_id", flat=True)) == ["101"]
    assert queued() == 1
    state = WebhookState.load()
    assert state.last_delivery_at is not None and state.last_delivery_topic == "order.created"
    assert state.set_up_at is not None


def test_the_same_order_updated_while_it_waits_adds_nothing(client, secret):
    assert deliver(client, order_body(), secret).status_code == 202
    answer = deliver(client, order_body(), secret, topic="order.updated")
    assert answer.status_code == 200 and answer.json() == {"result": "waiting"}
    assert queued() == 1


def test_two_orders_are_two_waiting_rows(client, secret):
    deliver(client, order_body(101), secret)
    deliver(client, order_body(102), secret, topic="order.updated")
    assert sorted(DeliveredOrder.objects.values_list("shop_order_id", flat=True)) == ["101", "102"]


@pytest.mark.parametrize(
    "sig", [None, "", "bm90IGl0", signature(order_body(), "another secret")], ids=str
)
def test_a_wrong_or_missing_signature_is_refused_and_queues_nothing(client, secret, sig, caplog):
    headers = {"HTTP_X_WC_WEBHOOK_TOPIC": "order.created"}
    if sig is not None:
        headers["HTTP_X_WC_WEBHOOK_SIGNATURE"] = sig
    with caplog.at_level(logging.INFO):
        answer = client.post(URL, data=order_body(), content_type="application/json", **headers)
    assert answer.status_code == 401
    assert not DeliveredOrder.objects.exists() and queued() == 0
    state = WebhookState.load()
    assert state.last_refused_at is not None and state.last_delivery_at is None
    assert secret not in caplog.text and '"status"' not in caplog.text  # no secret, no body


def test_a_flood_of_bad_signatures_is_noted_and_logged_once_a_minute(client, secret, caplog):
    with caplog.at_level(logging.WARNING, logger="connector.webhooks"):
        answers = [deliver(client, order_body(), "wrong").status_code for _ in range(20)]
    assert answers == [401] * 20
    assert caplog.text.count("webhook delivery refused") == 1
    first = WebhookState.load().last_refused_at
    WebhookState.objects.update(last_refused_at=first - webhook_queue.REFUSAL_NOTE_EVERY)
    assert deliver(client, order_body(), "wrong").status_code == 401
    assert WebhookState.load().last_refused_at > first
    assert caplog.text.count("webhook delivery refused") == 2  # a minute on: noted again


def test_the_unsigned_ping_answers_200_and_queues_nothing(client, secret):
    answer = client.post(
        URL, data=b"webhook_id=31", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert not DeliveredOrder.objects.exists() and queued() == 0
    assert WebhookState.load().last_ping_at is not None


def test_a_renewed_secret_refuses_deliveries_signed_with_the_old_one(client, secret):
    new = webhook_queue.renew_secret()
    assert new != secret and webhook_queue.secret() == new
    assert deliver(client, order_body(), secret).status_code == 401
    assert deliver(client, order_body(), new).status_code == 202


def test_the_secret_is_stored_encrypted(secret):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM connector_webhookstate")
        (stored,) = cursor.fetchone()
    assert stored and secret not in stored


def test_a_body_above_the_cap_is_refused_unread(client, secret):
    big = b'{"id":1,"pad":"' + b"x" * MAX_BODY_BYTES + b'"}'
    answer = deliver(client, big, secret)
    assert answer.status_code == 413
    assert not DeliveredOrder.objects.exists() and queued() == 0


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post(client, secret, method):
    assert getattr(client, method)(URL).status_code == 405


def test_csrf_does_not_stand_in_the_way(secret):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert deliver(strict, order_body(), secret).status_code == 202


@pytest.mark.parametrize(
    "body, topic, result",
    [
        (order_body(status="pending"), "order.created", "status"),  # not paid yet
        (order_body(created="2025-06-01T10:00:00"), "order.created", "earlier"),
        (order_body(), "product.updated", "ignored"),
        (order_body(), "order.deleted", "ignored"),
    ],
)
def test_signed_deliveries_the_connector_does_not_export_answer_200(
    client, secret, body, topic, result
):
    answer = deliver(client, body, secret, topic=topic)
    assert answer.status_code == 200 and answer.json() == {"result": result}
    assert not DeliveredOrder.objects.exists() and queued() == 0
    assert WebhookState.load().last_delivery_at is not None


def test_an_order_already_linked_is_not_queued(client, secret):
    Binder(Link.Kind.ORDER).bind("101", 9001, flowii_number="OBJ-1")
    answer = deliver(client, order_body(), secret)
    assert answer.status_code == 200 and answer.json() == {"result": "linked"}
    assert queued() == 0


def test_the_task_with_nothing_waiting_makes_no_run(secret):
    from connector import tasks
    from connector.models import SyncRun

    assert tasks.export_delivered_orders() == "nothing waits"
    assert not SyncRun.objects.exists() and not SyncLog.objects.exists()


def test_a_secret_the_encryption_key_cannot_read_refuses_deliveries_and_is_kept(client, secret):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE connector_webhookstate SET secret = %s", ["gAAAAABnot-a-token"])
    assert webhook_queue.secret() == ""  # not silently replaced by a new one
    assert deliver(client, order_body(), secret).status_code == 401
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM connector_webhookstate")
        assert cursor.fetchone()[0] == "gAAAAABnot-a-token"  # the old key would read it again
    new = webhook_queue.renew_secret()
    assert deliver(client, order_body(), new).status_code == 202
