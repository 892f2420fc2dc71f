"""`sync all` on the seeded sandbox over real HTTP, as the schedule runs it: both sides filled
exactly once (categories and goods in the shop, partners and received orders in FLOWii, the
numbers back on the shop orders), and a second run that writes nothing on either side."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from connector.binder import Binder, Kind
from connector.mapping.money import round_cent
from connector.models import SyncRun
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import SEED_ORDERS_FROM, configure_for_sandbox
from sandbox.seed import FLOWII_CHOICES

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    return woo_server, flowii_server


def hook(server, path: str) -> dict:
    return requests.get(f"{server.url}/__sandbox__/{path}", timeout=10).json()


def writes(server) -> dict:
    """Requests that change something, leaving out FLOWii's login."""
    return {
        key: n
        for key, n in server.service.stats.items()
        if n and not key.startswith("GET ") and key != "POST /token"
    }


def test_sync_all_fills_both_sides_once_and_a_second_run_writes_nothing(sandbox):
    woo_server, flowii_server = sandbox
    first = run("all")
    assert first.status == SyncRun.Status.SUCCEEDED, first.reason
    woo = WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")

    # Categories: FLOWii's two-level tree in the shop, without non-stock and shipping ones.
    tree = hook(flowii_server, "state?kind=good_categories")["good_categories"]
    left_out = {str(i) for i in FLOWII_CHOICES["non_stock_category_ids"]}
    left_out |= {str(i) for i in FLOWII_CHOICES["shipping_category_ids"]}
    left_out |= {c["id"] for c in tree if c["parent_id"] in left_out}
    imported = [c for c in tree if c["id"] not in left_out]
    categories = Binder(Kind.CATEGORY).many_by_flowii([int(c["id"]) for c in imported])
    assert len(categories) == len(imported)
    shop_categories = {c["id"]: c for c in woo.categories()}
    for category in imported:
        mine = shop_categories[int(categories[int(category["id"])].shop_id)]
        assert mine["name"] == category["name"]
        parent = category["parent_id"]
        assert mine["parent"] == (int(categories[int(parent)].shop_id) if parent else 0)

    # Goods: each sold good once in the shop under its SKU.
    goods = hook(flowii_server, "state?kind=goods")["goods"]
    sold = [g for g in goods if (g["subcategory_id"] or g["category_id"]) not in left_out]
    shop_products = list(woo.products())
    skus = [p["sku"] for p in shop_products if p["sku"]]
    assert len(skus) == len(set(skus))
    assert {g["serial-nr"] for g in sold} <= set(skus)
    assert not {g["serial-nr"] for g in goods if g not in sold} & set(skus)

    # Orders: each eligible order once in FLOWii, to the cent, its number back in the shop.
    eligible = {
        str(o["id"]): o
        for o in woo.orders(["processing", "completed"], created_after=SEED_ORDERS_FROM)
    }
    assert len(eligible) > 50
    documents = {int(d["id"]): d for d in hook(flowii_server, "created")["documents"]}
    links = Binder(Kind.ORDER).many_by_shop(eligible)
    assert set(links) == set(eligible) and len(documents) == len(eligible)
    for order_id, link in links.items():
        document = documents[link.flowii_id]
        assert Decimal(document["gross"]) == round_cent(Decimal(eligible[order_id]["total"]))
        meta = {m["key"]: m["value"] for m in woo.order(int(order_id))["meta_data"]}
        assert meta["_flowii_order_number"] == document["serial-nr"] == link.flowii_number

    # Partners: every document names a partner the connector made or matched.
    partners = {int(p["id"]) for p in hook(flowii_server, "state?kind=partners")["partners"]}
    assert {int(d["partner_id"]) for d in documents.values()} <= partners
    assert first.counts_by_kind["order"]["created"] == len(eligible)

    woo_server.service.stats.clear()
    flowii_server.service.stats.clear()
    second = run("all")
    assert second.status == SyncRun.Status.SUCCEEDED, second.reason
    assert writes(woo_server) == {} and writes(flowii_server) == {}
    assert second.counts["created"] == second.counts["updated"] == 0


def test_progress_reaches_its_total(sandbox):
    result = run("products")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    assert result.progress_total > 0
    assert result.progress_done == result.progress_total
