"""One order's page: the shop order and its FLOWii document, its state and why, every attempt
across runs (errors a later run fixed shown resolved), "send again" with its result, and an
order waiting for the operator: its candidates, "this is the one", and "none of these: send
it" only with an explicit confirmation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from connector.models import Link, OrderExport, ShippingMapping, SyncLog, SyncRun
from connector.sync import runner
from sandbox.configure import configure_for_sandbox
from tests.admin.helpers import coded_log, messages_of

pytestmark = pytest.mark.django_db


def url(shop_id, action=""):
    return f"/admin/connector/link/order/{shop_id}/" + (f"{action}/" if action else "")


def operator_order(candidates=None) -> OrderExport:
    run = SyncRun.objects.create(kind="orders", trigger="schedule", status="partly_failed",
                                 finished_at=timezone.now() - timedelta(hours=1),
                                 started_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    coded_log(run, "error", "orders.unknown", kind="order", shop_id="41", number="A41",
              error="timeout")  # fmt: skip
    return OrderExport.objects.create(
        shop_order_id="41", shop_number="A41", state="operator", partner_id=7, total="20.00",
        candidates=candidates or [{"id": 501, "serial_nr": "OP501", "total": "20.00"},
                                  {"id": 502, "serial_nr": "OP502", "total": "20.00"}],
    )  # fmt: skip


def test_an_operator_order_shows_its_candidates_and_links_the_chosen_one(admin_client):
    operator_order()
    html = admin_client.get(url(41)).content.decode()
    assert 'data-state="operator"' in html and "waits for the operator" in html
    assert 'data-candidate="501"' in html and 'data-candidate="502"' in html
    assert "This is the one" in html and "None of these: send it" in html
    assert "FLOWii&#x27;s answer to order A41 was lost (timeout)" in html  # the why

    # Not a candidate: refused.
    response = admin_client.post(url(41, "link"), {"candidate": "999"}, follow=True)
    assert "That FLOWii document is not among this order's candidates." in messages_of(response)
    assert not Link.objects.filter(kind="order", shop_id="41").exists()

    response = admin_client.post(url(41, "link"), {"candidate": "502"}, follow=True)
    link = Link.objects.get(kind="order", shop_id="41")
    assert (link.flowii_id, link.flowii_number, link.needs_write_back) == (502, "OP502", True)
    export = OrderExport.objects.get(shop_order_id="41")
    assert (export.state, export.flowii_document_id, export.total_differs) == (
        "exported",
        502,
        False,
    )
    html = response.content.decode()
    assert 'data-state="exported"' in html and "received order OP502 (id 502)" in html
    # The earlier error is resolved now; the operator's decision is one of the attempts.
    lost = html.split('data-code="orders.unknown"')[0].rsplit("<tr", 1)[1]
    assert "resolved" in lost
    assert "was linked by admin to FLOWii received order OP502" in html
    assert SyncLog.objects.filter(code="admin.order_linked", shop_id="41").count() == 1


def test_a_candidate_linked_to_another_order_cannot_be_chosen(admin_client):
    operator_order()
    Link.objects.create(kind="order", shop_id="40", flowii_id=501, flowii_number="OP501")
    html = admin_client.get(url(41)).content.decode()
    assert "linked to shop order 40" in html
    response = admin_client.post(url(41, "link"), {"candidate": "501"}, follow=True)
    assert any("already linked to shop order 40" in t for t in messages_of(response))
    assert Link.objects.get(flowii_id=501).shop_id == "40"


def test_none_of_these_needs_an_explicit_confirmation(admin_client):
    operator_order()
    response = admin_client.post(url(41, "send-anyway"), follow=True)
    assert any(t.startswith("Not sent: tick the box") for t in messages_of(response))
    assert OrderExport.objects.filter(shop_order_id="41", state="operator").exists()
    assert not OrmQ.objects.exists()

    response = admin_client.post(url(41, "send-anyway"), {"confirm": "yes"}, follow=True)
    assert not OrderExport.objects.filter(shop_order_id="41").exists()
    assert [q.task["args"] for q in OrmQ.objects.all()] == [(41,)]
    assert "Order 41 will be sent to FLOWii again." in messages_of(response)
    assert "confirmed that order A41 is none of the FLOWii documents OP501, OP502" in (
        response.content.decode()
    )


def test_without_the_run_permission_nothing_can_be_sent(client):
    from tests.admin.helpers import staff

    staff(client, "view_link")
    operator_order()
    assert client.get(url(41)).status_code == 200
    assert "This is the one" not in client.get(url(41)).content.decode()
    assert client.post(url(41, "link"), {"candidate": "501"}).status_code == 403
    assert client.post(url(41, "resend")).status_code == 403


def test_a_held_order_is_sent_again_and_its_error_shown_resolved(
    admin_client, woo_server, flowii_server, monkeypatch
):
    from connector import tasks
    from connector.admin import links

    configure_for_sandbox(woo_server.url, flowii_server.url)
    saved = {m.pk: m.flowii_delivery_type_id for m in ShippingMapping.objects.all()}
    ShippingMapping.objects.update(flowii_delivery_type_id=None)
    runner.run("orders")
    held = SyncLog.objects.filter(code="orders.held").order_by("id").first()
    assert held is not None
    shop_id = held.shop_id
    html = admin_client.get(url(shop_id)).content.decode()
    assert 'data-state="held"' in html and "is not mapped to a FLOWii delivery type" in html
    assert "Map it on the Shipping page" in html

    for pk, delivery in saved.items():
        ShippingMapping.objects.filter(pk=pk).update(flowii_delivery_type_id=delivery)
    # The worker, in this test: the re-send runs at once.
    monkeypatch.setattr(links, "enqueue_resend", lambda order_id: tasks.resend_order(order_id))
    response = admin_client.post(url(shop_id, "resend"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0][0].startswith(url(shop_id) + "?sent=")
    assert 'data-done="1"' in html and "The re-send has ended" in html
    assert 'data-state="exported"' in html
    link = Link.objects.get(kind="order", shop_id=shop_id)
    assert f"(id {link.flowii_id})" in html
    held_row = html.split('data-code="orders.held"')[0].rsplit("<tr", 1)[1]
    assert "resolved" in held_row
    assert 'data-code="orders.created"' in html
    # The Links page leads to the order's page.
    links_html = admin_client.get("/admin/connector/link/?kind__exact=order").content.decode()
    assert url(shop_id) in links_html
