"""The orders stream against the sandbox over real HTTP: every eligible shop order becomes one
FLOWii received order with the shop's total to the cent, FLOWii's number goes back onto the
shop order; and no lost answer, crash or refusal ever makes a second document."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.utils import timezone

from connector.binder import Binder, Kind
from connector.clients import build_clients
from connector.mapping.money import round_cent
from connector.mapping.orders import map_order
from connector.models import (
    OrderExport,
    PaymentMapping,
    Settings,
    ShippingMapping,
    SyncLog,
    SyncRun,
)
from connector.sync import orders as orders_stream
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import SEED_ORDERS_FROM, configure_for_sandbox

pytestmark = pytest.mark.django_db
State = OrderExport.State
STATUSES = ["processing", "completed"]


@pytest.fixture
def sandbox(woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    products = run("products")  # so that order lines find their goods
    assert products.status == SyncRun.Status.SUCCEEDED, products.reason
    return woo_server, flowii_server


def shop(woo_server) -> WooCommerceClient:
    return WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")


def eligible(woo_server) -> dict[str, dict]:
    orders = shop(woo_server).orders(STATUSES, created_after=SEED_ORDERS_FROM)
    return {str(o["id"]): o for o in orders}


def documents(flowii_server) -> list[dict]:
    """The received orders the connector created (the simulator's read-back hook)."""
    answer = requests.get(flowii_server.url + "/__sandbox__/created", timeout=10).json()
    return [d for d in answer["documents"] if d["type"] == 5]


def calls(server) -> dict:
    return {k: n for k, n in server.service.stats.items() if n and k != "POST /token"}


def writes(server) -> dict:
    return {k: n for k, n in calls(server).items() if not k.startswith("GET ")}


def faults(server, **switches) -> None:
    server.service.set_faults({"paths": ["/documents"], **switches})


def lines(result, level=None) -> list[str]:
    found = SyncLog.objects.filter(run=result)
    return [line.message for line in (found.filter(level=level) if level else found)]


def number_meta(order: dict):
    return {m["key"]: m["value"] for m in order.get("meta_data") or []}.get("_flowii_order_number")


def assert_each_order_once(woo_server, flowii_server) -> dict[str, dict]:
    wanted = eligible(woo_server)
    by_order = {}
    links = Binder(Kind.ORDER).many_by_shop(wanted)
    assert set(links) == set(wanted)
    docs = {int(d["id"]): d for d in documents(flowii_server)}
    assert len(docs) == len(wanted)  # one document per order, none twice
    for order_id, link in links.items():
        doc = docs[link.flowii_id]
        assert doc["serial-nr"] == link.flowii_number
        assert Decimal(doc["gross"]) == round_cent(Decimal(wanted[order_id]["total"])), order_id
        by_order[order_id] = doc
    assert len({link.flowii_id for link in links.values()}) == len(links)
    return by_order


def test_every_eligible_order_goes_once_to_the_cent_and_its_number_comes_back(sandbox):
    woo_server, flowii_server = sandbox
    first = run("orders")
    assert first.status == SyncRun.Status.SUCCEEDED, first.reason
    by_order = assert_each_order_once(woo_server, flowii_server)
    rows = OrderExport.objects.all()
    assert {r.state for r in rows} == {State.EXPORTED} and len(rows) == len(by_order)
    assert all(r.creates_sent == 1 and not r.total_differs and r.flowii_total for r in rows)
    doc = next(iter(by_order.values()))
    assert doc["attributes"]["issue-date"].endswith("T00:00:00")
    assert doc["references"]["payment-method"] and doc["references"]["delivery-type"]
    assert any(item["good_id"] for d in by_order.values() for item in d["items"])
    woo = shop(woo_server)
    for order_id, doc in by_order.items():
        assert number_meta(woo.order(int(order_id))) == doc["serial-nr"]
    some = next(iter(by_order))
    notes = woo.get(f"orders/{some}/notes")
    assert sum(by_order[some]["serial-nr"] in n["note"] for n in notes) == 1
    assert not Binder(Kind.ORDER).pending_write_backs()

    woo_server.service.stats.clear()
    flowii_server.service.stats.clear()
    second = run("orders")
    assert second.status == SyncRun.Status.SUCCEEDED, second.reason
    assert writes(woo_server) == {} and writes(flowii_server) == {}
    assert len(documents(flowii_server)) == len(by_order)


def new_order(woo_server, **data) -> dict:
    order = {
        "status": "processing",
        "payment_method": "bacs",
        "payment_method_title": "Prevod",
        "line_items": [{"product_id": first_product(woo_server), "quantity": 2}],
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
    return shop(woo_server).post("orders", order)


def first_product(woo_server) -> int:
    linked = Binder(Kind.PRODUCT).many_by_shop(p["id"] for p in shop(woo_server).products())
    return int(next(iter(linked)))


GUEST = {
    "first_name": "Mária",
    "last_name": "Nová",
    "address_1": "Hlavná 1",
    "city": "Nitra",
    "postcode": "94901",
    "country": "SK",
    "email": "maria.nova@example.com",
    "phone": "+421900000001",
}


def test_requests_per_order_for_a_returning_and_a_new_buyer(sandbox, capsys):
    woo_server, flowii_server = sandbox
    assert run("orders").status == SyncRun.Status.SUCCEEDED
    customer = next(iter(Binder(Kind.CUSTOMER).all())).shop_id
    new_order(woo_server, customer_id=int(customer))
    flowii_server.service.stats.clear()
    returning = run("orders")
    assert returning.status == SyncRun.Status.SUCCEEDED, returning.reason
    returning_calls = calls(flowii_server)
    assert returning_calls.get("POST /documents") == 1
    assert returning_calls.get("GET /partners/{id}/documents") == 1  # the total read back
    assert "POST /partners" not in returning_calls

    new_order(woo_server, customer_id=0, billing=GUEST)
    flowii_server.service.stats.clear()
    guest = run("orders")
    assert guest.status == SyncRun.Status.SUCCEEDED, guest.reason
    guest_calls = calls(flowii_server)
    assert guest_calls.get("POST /documents") == 1 and guest_calls.get("POST /partners") == 1
    with capsys.disabled():
        print(f"\nFLOWii requests, returning buyer: {returning_calls}")
        print(f"FLOWii requests, new buyer: {guest_calls}")
    assert_each_order_once(woo_server, flowii_server)


def test_an_unmapped_shipping_method_holds_its_orders_until_it_is_mapped(sandbox):
    woo_server, flowii_server = sandbox
    mapping = ShippingMapping.objects.get(method_id="flat_rate", instance_id="1")
    kept = mapping.flowii_delivery_type_id
    ShippingMapping.objects.filter(pk=mapping.pk).update(flowii_delivery_type_id=None)
    held_ids = {
        i
        for i, o in eligible(woo_server).items()
        if any(s["method_id"] == "flat_rate" and str(s["instance_id"]) == "1"
               for s in o["shipping_lines"])
    }  # fmt: skip
    assert held_ids
    first = run("orders")
    assert first.skipped == len(held_ids) and first.failed == 0
    assert not set(Binder(Kind.ORDER).many_by_shop(held_ids))
    errors = lines(first, SyncLog.Level.ERROR)
    assert len(errors) == len(held_ids)
    assert all("flat_rate:1" in e and "Shipping page" in e for e in errors)
    assert any("wait" in w and "Shipping" in w for w in lines(first, SyncLog.Level.WARNING))

    ShippingMapping.objects.filter(pk=mapping.pk).update(flowii_delivery_type_id=kept)
    second = run("orders")
    assert second.status == SyncRun.Status.SUCCEEDED, second.reason
    assert set(Binder(Kind.ORDER).many_by_shop(held_ids)) == held_ids
    assert_each_order_once(woo_server, flowii_server)


def test_a_create_whose_answer_was_dropped_is_settled_by_linking(sandbox):
    woo_server, flowii_server = sandbox
    faults(flowii_server, next=["create-then-drop"])
    first = run("orders")
    unknown = OrderExport.objects.get(state=State.UNKNOWN)
    assert len(documents(flowii_server)) == len(eligible(woo_server))  # it was created
    assert any("lost" in e for e in lines(first, SyncLog.Level.ERROR))

    flowii_server.service.stats.clear()
    second = run("orders")
    assert second.status == SyncRun.Status.SUCCEEDED, second.reason
    assert "POST /documents" not in calls(flowii_server)
    unknown.refresh_from_db()
    assert unknown.state == State.EXPORTED and unknown.creates_sent == 1
    by_order = assert_each_order_once(woo_server, flowii_server)
    doc = by_order[unknown.shop_order_id]
    assert number_meta(shop(woo_server).order(int(unknown.shop_order_id))) == doc["serial-nr"]


def test_a_lost_answer_where_nothing_was_created_is_sent_once_more(sandbox):
    woo_server, flowii_server = sandbox
    faults(flowii_server, next=["502"])  # a 5xx after sending: the outcome is unknown
    run("orders")
    unknown = OrderExport.objects.get(state=State.UNKNOWN)
    assert len(documents(flowii_server)) == len(eligible(woo_server)) - 1

    # At once: a create the server still holds could land after this run reads the
    # partner's documents, so "none found" sends nothing yet; the order stays to settle.
    flowii_server.service.stats.clear()
    soon = run("orders")
    assert soon.status == SyncRun.Status.SUCCEEDED, soon.reason
    assert calls(flowii_server).get("POST /documents", 0) == 0
    unknown.refresh_from_db()
    assert unknown.state == State.UNKNOWN and unknown.creates_sent == 1
    later = SyncLog.objects.filter(run=soon, shop_id=unknown.shop_order_id).values_list(
        "code", flat=True
    )
    assert list(later) == ["orders.settled_later"]

    # Once the create is older than the grace (CONNECTOR_SETTLE_AFTER_SECONDS, 120 s), it is
    # sent once more.
    OrderExport.objects.filter(pk=unknown.pk).update(
        sent_at=timezone.now() - timedelta(seconds=121)
    )
    flowii_server.service.stats.clear()
    second = run("orders")
    assert second.status == SyncRun.Status.SUCCEEDED, second.reason
    assert calls(flowii_server)["POST /documents"] == 1
    unknown.refresh_from_db()
    assert unknown.state == State.EXPORTED and unknown.creates_sent == 2
    assert_each_order_once(woo_server, flowii_server)


def _forget(order_id: str) -> OrderExport:
    """The order as if its create's answer had been lost: no link, the intent unknown."""
    Binder(Kind.ORDER).unbind(order_id)
    row = OrderExport.objects.get(shop_order_id=order_id)
    row.state = State.UNKNOWN
    row.save()
    return row


def _second_document(woo_server, row: OrderExport, same: bool) -> None:
    """Another received order for the same partner, made by hand in FLOWii."""
    from connector.sync.orders import OrderExporter  # the run's own choices

    settings = Settings.load()
    _woo, flowii = build_clients(settings)
    order = shop(woo_server).order(int(row.shop_order_id))
    if not same:
        order = dict(order, total=str(Decimal(order["total"]) + 1))
        order["fee_lines"] = [{"name": "Iné", "total": "1.00", "total_tax": "0", "taxes": []}]
    ctx = type("Ctx", (), {"settings": settings})()
    received = map_order(order, row.partner_id, OrderExporter(ctx, None).choices(), {})
    flowii.create_received_order(received)


def test_two_candidates_with_different_totals_link_the_matching_one(sandbox):
    woo_server, flowii_server = sandbox
    run("orders")
    row = OrderExport.objects.order_by("pk").first()
    kept = row.flowii_document_id
    _forget(row.shop_order_id)
    _second_document(woo_server, row, same=False)
    flowii_server.service.stats.clear()
    result = run("orders")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    assert "POST /documents" not in calls(flowii_server)
    row.refresh_from_db()
    assert row.state == State.EXPORTED and row.flowii_document_id == kept
    assert Binder(Kind.ORDER).by_shop(row.shop_order_id).flowii_id == kept


def test_two_identical_candidates_wait_for_the_operator_and_nothing_is_sent(sandbox):
    woo_server, flowii_server = sandbox
    run("orders")
    row = OrderExport.objects.order_by("pk").first()
    _forget(row.shop_order_id)
    _second_document(woo_server, row, same=True)
    flowii_server.service.stats.clear()
    result = run("orders")
    assert result.status == SyncRun.Status.PARTLY_FAILED
    row.refresh_from_db()
    assert row.state == State.NEEDS_OPERATOR and len(row.candidates) == 2
    assert {c["total"] for c in row.candidates} == {str(row.total)}
    assert any("Order exports" in e for e in lines(result, SyncLog.Level.ERROR))
    again = run("orders")
    assert any("operator" in w for w in lines(again, SyncLog.Level.WARNING))
    resent = run("resend", order_id=int(row.shop_order_id))  # still two: still waits
    assert resent.failed == 1
    assert "POST /documents" not in calls(flowii_server)
    assert Binder(Kind.ORDER).by_shop(row.shop_order_id) is None


def test_a_crash_after_flowiis_answer_never_makes_a_second_document(sandbox, monkeypatch):
    woo_server, flowii_server = sandbox

    def crash(order, answer):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(orders_stream, "after_flowii_answered", crash)
    crashed = run("orders")
    assert crashed.status == SyncRun.Status.FAILED
    monkeypatch.undo()
    made = len(documents(flowii_server))
    assert made > 0
    healed = run("orders")
    assert healed.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTLY_FAILED)
    # each order once in FLOWii, each document linked to one order at most; an order whose
    # answer was lost beside another of the same buyer and total waits for the operator
    docs = documents(flowii_server)
    assert len(docs) == len(eligible(woo_server))
    links = Binder(Kind.ORDER).many_by_shop(eligible(woo_server))
    assert len({b.flowii_id for b in links.values()}) == len(links)
    waiting = OrderExport.objects.filter(state=State.NEEDS_OPERATOR)
    assert len(links) + waiting.count() == len(docs)
    assert set(OrderExport.objects.values_list("state", flat=True)) <= {
        State.EXPORTED,
        State.NEEDS_OPERATOR,
    }
    assert not SyncRun.objects.filter(pk=healed.pk, created__gt=len(docs)).exists()


def test_a_refused_order_fails_alone_with_flowiis_reason(sandbox):
    woo_server, flowii_server = sandbox
    gateways = [o["payment_method"] for o in eligible(woo_server).values()]
    rare = min(set(gateways), key=gateways.count)
    PaymentMapping.objects.filter(gateway_id=rare).update(flowii_payment_method_id=999_999)
    result = run("orders")
    assert result.failed == gateways.count(rare)
    errors = lines(result, SyncLog.Level.ERROR)
    assert len(errors) == result.failed and all("999999" in e for e in errors)
    assert not OrderExport.objects.exclude(state=State.EXPORTED).exists()  # nothing pending
    assert len(documents(flowii_server)) == len(gateways) - result.failed


def test_a_total_that_differs_in_flowii_is_flagged_not_sent_again(sandbox, monkeypatch):
    woo_server, flowii_server = sandbox
    changed = []

    def flowii_rounds_otherwise(order, answer):
        if changed:
            return
        for firm in flowii_server.service.firms.values():
            if answer["id"] in firm.documents:
                firm.documents[answer["id"]]["taxed-gross-amount"] += Decimal("0.01")
                changed.append(str(order["id"]))

    monkeypatch.setattr(orders_stream, "after_flowii_answered", flowii_rounds_otherwise)
    result = run("orders")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    (row,) = OrderExport.objects.filter(total_differs=True)
    assert row.shop_order_id == changed[0] and row.flowii_total == row.total + Decimal("0.01")
    warning = [w for w in lines(result, SyncLog.Level.WARNING) if row.flowii_number in w]
    assert warning and str(row.total) in warning[0] and str(row.flowii_total) in warning[0]
    assert run("orders").created == 0


def test_resend_of_a_linked_order_only_writes_its_number_back_again(sandbox):
    woo_server, flowii_server = sandbox
    run("orders")
    order_id = next(iter(eligible(woo_server)))
    shop(woo_server).put(
        f"orders/{order_id}", {"meta_data": [{"key": "_flowii_order_number", "value": ""}]}
    )
    flowii_server.service.stats.clear()
    result = run("resend", order_id=int(order_id))
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    assert writes(flowii_server) == {}
    link = Binder(Kind.ORDER).by_shop(order_id)
    assert any("already" in i and link.flowii_number in i for i in lines(result))
    assert number_meta(shop(woo_server).order(int(order_id))) == link.flowii_number
