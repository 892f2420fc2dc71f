"""The sync engine against the seeded sandbox over real HTTP: what `sync all` leaves on both
sides, that a second run writes nothing, that changes are written exactly, and that crashes,
concurrent runs and unmapped methods never lose or duplicate anything."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from connector.mapping.customers import guest_key
from connector.models import Link, ShippingMapping, SyncLog, SyncRun
from connector.sync import orders as orders_stream
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import SEED_ORDERS_FROM, configure_for_sandbox
from sandbox.seed import FLOWII_CHOICES, build_seed

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sandbox(woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    return woo_server, flowii_server


def shop(woo_server) -> WooCommerceClient:
    return WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")


def flowii_state(flowii_server) -> dict:
    return requests.get(flowii_server.url + "/__sandbox__/dump", timeout=10).json()


def writes(server) -> dict:
    """Requests that change something: every method but GET, leaving out FLOWii's token."""
    stats = requests.get(server.url + "/__sandbox__/stats", timeout=10).json()["by_path"]
    return {
        key: n
        for key, n in stats.items()
        if not key.startswith("GET ") and key != "POST /token" and n
    }


def clear_stats(*servers):
    for server in servers:
        server.service.stats.clear()


def eligible_orders(woo) -> list[dict]:
    from connector.dates import parse_utc

    return [
        o
        for o in woo.orders(status="processing,completed", dp=4)
        if parse_utc(o["date_created_gmt"]) >= SEED_ORDERS_FROM
    ]


def test_sync_all_fills_both_sides_exactly_once(sandbox):
    woo_server, flowii_server = sandbox
    result = run("all")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    woo = shop(woo_server)
    state = flowii_state(flowii_server)

    # Orders: one FLOWii order per eligible shop order, totals equal to the cent.
    eligible = eligible_orders(woo)
    assert len(eligible) > 50
    flowii_orders = {o["externalId"]: o for o in state["orders"]}
    assert len(flowii_orders) == len(state["orders"])  # no externalId twice
    assert set(flowii_orders) == {str(o["id"]) for o in eligible}
    for order in eligible:
        mine = flowii_orders[str(order["id"])]
        assert Decimal(mine["totalWithVat"]) == Decimal(order["total"]).quantize(Decimal("0.01"))

    # Partners: one per shop customer and one per distinct guest buyer.
    customers = list(woo.customers(role="all"))
    guests = {guest_key(o) for o in eligible if not o["customer_id"]}
    external = [p["externalId"] for p in state["partners"]]
    assert len(external) == len(set(external)) == len(customers) + len(guests)

    # The FLOWii numbers are written back onto the shop orders, with a note.
    for order in woo.orders(status="processing,completed"):
        if str(order["id"]) in flowii_orders:
            meta = {m["key"]: m["value"] for m in order["meta_data"]}
            assert meta["_flowii_order_number"] == flowii_orders[str(order["id"])]["number"]
    notes = woo.get(f"orders/{eligible[0]['id']}/notes")
    assert any(flowii_orders[str(eligible[0]["id"])]["number"] in n["note"] for n in notes)

    # The category tree, without the non-stock and shipping categories.
    left_out = set(FLOWII_CHOICES["non_stock_category_ids"]) | set(
        FLOWII_CHOICES["shipping_category_ids"]
    )
    by_id = {c["id"]: c for c in state["product_categories"]}

    def excluded(cat_id):
        while cat_id is not None:
            if cat_id in left_out:
                return True
            cat_id = by_id[cat_id]["parentId"]
        return False

    shop_cats = {c["id"]: c for c in woo.categories()}
    links = dict(Link.objects.filter(kind="category").values_list("flowii_id", "shop_id"))
    imported = [c for c in state["product_categories"] if not excluded(c["id"])]
    assert set(links) == {c["id"] for c in imported}
    for cat in imported:
        mine = shop_cats[int(links[cat["id"]])]
        assert mine["name"] == cat["name"]
        expected_parent = int(links[cat["parentId"]]) if cat["parentId"] else 0
        assert mine["parent"] == expected_parent

    # Products: one shop product per FLOWii product, new ones as drafts.
    shop_products = list(woo.products(per_page=100))
    skus = [p["sku"] for p in shop_products if p["sku"]]
    assert len(skus) == len(set(skus))
    by_sku = {p["sku"]: p for p in shop_products}
    seeded = {p.get("sku") for p in build_seed("small").woocommerce["products"]}
    wanted = [
        p
        for p in state["products"]
        if p["categoryId"] not in left_out and not excluded(p["categoryId"])
    ]
    for product in wanted:
        mine = by_sku[product["code"]]
        assert mine["regular_price"] == _unpadded(product["priceWithVat"])
        if product["code"] not in seeded:
            assert mine["status"] == "draft"
    drafts = [p for p in shop_products if p["status"] == "draft"]
    published = [p for p in shop_products if p["status"] == "publish"]
    assert drafts and published  # the shop's own products keep their publish state


def _unpadded(text: str) -> str:
    return format(Decimal(text).quantize(Decimal("0.01")).normalize(), "f")


def test_progress_reaches_the_total(sandbox):
    _woo_server, flowii_server = sandbox
    products = run("products")
    assert products.progress_total == len(flowii_state(flowii_server)["products"])
    assert products.progress_done == products.progress_total
    orders = run("orders")
    assert orders.progress_total == orders.progress_done == orders.read > 50


def test_a_second_run_writes_nothing(sandbox):
    woo_server, flowii_server = sandbox
    assert run("all").status == SyncRun.Status.SUCCEEDED
    clear_stats(woo_server, flowii_server)
    again = run("all")
    assert again.status == SyncRun.Status.SUCCEEDED
    assert writes(woo_server) == {} and writes(flowii_server) == {}
    assert (again.created, again.updated, again.failed) == (0, 0, 0)
    assert again.unchanged == again.read


def test_changes_are_written_exactly(sandbox):
    woo_server, flowii_server = sandbox
    run("all")
    run("all")
    woo = shop(woo_server)
    state = flowii_state(flowii_server)
    linked = dict(Link.objects.filter(kind="product").values_list("flowii_id", "shop_id"))
    product_a, product_b = [p for p in state["products"] if p["id"] in linked][:2]
    cats = dict(Link.objects.filter(kind="category").values_list("flowii_id", "shop_id"))
    leaf = next(c for c in state["product_categories"] if c["id"] in cats and c["parentId"])
    new_parent = next(
        c["id"]
        for c in state["product_categories"]
        if c["id"] in cats and c["parentId"] is None and c["id"] != leaf["parentId"]
    )
    control = flowii_server.url + "/__sandbox__/"
    requests.post(
        control + "products",
        json={
            "update": [
                {"id": product_a["id"], "priceWithVat": "99.90"},
                {"id": product_b["id"], "stockQuantity": "777"},
            ]
        },
        timeout=10,
    ).raise_for_status()
    requests.post(
        control + "product-categories",
        json={"update": [{"id": leaf["id"], "parentId": new_parent}]},
        timeout=10,
    ).raise_for_status()
    customer_id = int(Link.objects.filter(kind="customer").first().shop_id)
    woo.put(f"customers/{customer_id}", {"billing": {"address_1": "Nová ulica 7"}})
    product_shop_id = int(linked[product_a["id"]])
    new_order = woo.post(
        "orders",
        {
            "status": "processing",
            "customer_id": customer_id,
            "payment_method": "bacs",
            "payment_method_title": "Bankový prevod",
            "billing": {"first_name": "Ján", "last_name": "Nový", "email": "jan@example.sk"},
            "line_items": [{"product_id": product_shop_id, "quantity": 2}],
            "shipping_lines": [
                {
                    "method_id": "flat_rate",
                    "instance_id": "1",
                    "method_title": "Kuriér",
                    "total": "3.25",
                }
            ],
        },
    )
    clear_stats(woo_server, flowii_server)

    result = run("all")
    customers = run("customers")
    assert result.status == customers.status == SyncRun.Status.SUCCEEDED
    assert writes(woo_server) == {
        "POST /wp-json/wc/v3/products/categories/batch": 1,
        "POST /wp-json/wc/v3/products/batch": 1,
        "POST /wp-json/wc/v3/orders/batch": 1,
        "POST /wp-json/wc/v3/orders/{id}/notes": 1,
    }
    assert writes(flowii_server) == {"POST /api/v1/orders": 1, "PUT /api/v1/partners/{id}": 1}
    assert (result.updated, result.created) == (3, 1)  # 2 products, 1 category; 1 order
    assert customers.updated == 1

    assert woo.get(f"products/{product_shop_id}")["regular_price"] == "99.9"
    assert woo.get(f"products/{linked[product_b['id']]}")["stock_quantity"] == 777
    moved = woo.get(f"products/categories/{cats[leaf['id']]}")
    assert moved["parent"] == int(cats[new_parent])
    partner_id = Link.objects.get(kind="customer", shop_id=str(customer_id)).flowii_id
    partner = next(p for p in flowii_state(flowii_server)["partners"] if p["id"] == partner_id)
    assert partner["billingAddress"]["street"].startswith("Nová ulica 7")
    assert Link.objects.filter(kind="order", shop_id=str(new_order["id"])).exists()


def test_a_crash_between_create_and_link_never_duplicates(sandbox, monkeypatch):
    woo_server, flowii_server = sandbox
    run("products")
    calls = []

    def crash(order, flowii_order):
        calls.append(order["id"])
        raise RuntimeError("worker killed")

    monkeypatch.setattr(orders_stream, "after_flowii_answered", crash)
    crashed = run("orders")
    assert crashed.status == SyncRun.Status.FAILED and "worker killed" in crashed.reason
    created_before = len(flowii_state(flowii_server)["orders"])
    assert created_before >= 1 and not Link.objects.filter(kind="order").exists()

    monkeypatch.undo()
    healed = run("orders")
    assert healed.status == SyncRun.Status.SUCCEEDED
    state = flowii_state(flowii_server)
    eligible = eligible_orders(shop(woo_server))
    assert len(state["orders"]) == len(eligible)
    assert len({o["externalId"] for o in state["orders"]}) == len(eligible)
    assert Link.objects.filter(kind="order").count() == len(eligible)
    assert SyncLog.objects.filter(
        run=healed, message__contains="was already in FLOWii"
    ).count() == (created_before)


def test_unmapped_shipping_is_skipped_then_exported_once_mapped(sandbox):
    woo_server, flowii_server = sandbox
    run("products")
    courier = ShippingMapping.objects.get(method_id="flat_rate", instance_id="1")
    product_id = courier.flowii_product_id
    courier.flowii_product_id = None
    courier.save()

    first = run("orders")
    assert first.status == SyncRun.Status.SUCCEEDED  # skipped records are not failures
    assert first.skipped > 0
    line = SyncLog.objects.filter(run=first, level="error", kind="order").first()
    assert "Kuriér" in line.message and "Shipping" in line.message
    exported = len(flowii_state(flowii_server)["orders"])
    assert exported == len(eligible_orders(shop(woo_server))) - first.skipped

    courier.flowii_product_id = product_id
    courier.save()
    second = run("orders")
    assert second.created == first.skipped
    assert len(flowii_state(flowii_server)["orders"]) == len(eligible_orders(shop(woo_server)))


def test_two_processes_at_once_one_runs_the_other_is_refused(sandbox, tmp_path):
    woo_server, flowii_server = sandbox
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]

    def call(*args):
        return subprocess.run(
            [*manage, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    assert call("migrate", "-v0").returncode == 0
    woo_port, flowii_port = woo_server.port, flowii_server.port
    configured = call(
        "sandbox", "--configure", f"--woo-port={woo_port}", f"--flowii-port={flowii_port}"
    )
    assert configured.returncode == 0, configured.stderr
    woo_server.service.set_faults({"latency_ms": 300})  # long enough for the two to overlap
    procs = [
        subprocess.Popen(
            [*manage, "sync", "products"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    woo_server.service.set_faults({"latency_ms": 0})
    ran = [o for o in outcomes if o[2] == 0]
    refused = [o for o in outcomes if o[2] != 0]
    assert len(ran) == 1 and "succeeded" in ran[0][0]
    assert len(refused) == 1 and "already running" in refused[0][1]


def test_bookmark_is_the_newest_modification_seen_not_the_clock(sandbox):
    from connector.dates import parse_utc
    from connector.models import Bookmark

    _woo_server, flowii_server = sandbox
    run("products")
    newest = max(parse_utc(p["modifiedAt"]) for p in flowii_state(flowii_server)["products"])
    assert Bookmark.objects.get(stream="products").value == newest
    # The next run reads only what changed since then (with a small overlap).
    assert run("products").read < 100


def test_secrets_are_encrypted_at_rest(sandbox):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT flowii_password, flowii_api_key, shop_consumer_key, shop_consumer_secret "
            "FROM connector_settings"
        )
        stored = cursor.fetchone()
    assert all(stored) and not {"sandbox", "sandbox-api-key", "ck_sandbox", "cs_sandbox"} & set(
        stored
    )
    assert all(value.startswith("gAAAA") for value in stored)  # Fernet tokens


def test_two_customers_of_one_company_share_one_partner(sandbox):
    woo_server, flowii_server = sandbox
    woo = shop(woo_server)
    ids = [
        woo.post(
            "customers",
            {
                "email": f"{name}@firma.sk",
                "first_name": name.capitalize(),
                "billing": {"company": "Spoločná firma s.r.o.", "country": "SK"},
                "meta_data": [{"key": "billing_ico", "value": "47111222"}],
            },
        )["id"]
        for name in ("anna", "boris")
    ]
    assert run("customers").status == SyncRun.Status.SUCCEEDED
    partners = [p for p in flowii_state(flowii_server)["partners"] if p.get("ico") == "47111222"]
    assert len(partners) == 1
    linked = {Link.objects.get(kind="customer", shop_id=str(i)).flowii_id for i in ids}
    assert linked == {partners[0]["id"]}
