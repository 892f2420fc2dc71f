"""What a real WooCommerce store does that the documentation does not say, over real HTTP
against the simulated shop: customers registered in the same second come back in no fixed
order between pages, yet every one is exported; a linked category deleted in the shop is
made again; the shop's own "prices entered with tax" switched rewrites every price, with the
log saying why. (A linked product deleted in the shop is test_products_sync.py's
test_a_product_deleted_in_the_shop_is_created_again_as_a_draft.)"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
import requests

from connector.binder import Binder, Kind
from connector.models import Settings, SyncLog, SyncRun
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import configure_for_sandbox
from sandbox.flowii_seed import FLOWII_CHOICES

pytestmark = pytest.mark.django_db
LEFT_OUT = set(FLOWII_CHOICES["non_stock_category_ids"]) | set(
    FLOWII_CHOICES["shipping_category_ids"]
)


def shop(server) -> WooCommerceClient:
    return WooCommerceClient(server.url, "ck_sandbox", "cs_sandbox")


def ok(result):
    assert result.status == SyncRun.Status.SUCCEEDED, (result.reason, messages()[-5:])
    return result


def messages(level=None) -> list[str]:
    logs = SyncLog.objects.order_by("id")
    return [m.message for m in (logs.filter(level=level) if level else logs)]


def flowii(server, kind):
    return requests.get(f"{server.url}/__sandbox__/state?kind={kind}", timeout=10).json()[kind]


def created_partners(flowii_server) -> list[dict]:
    answer = requests.get(flowii_server.url + "/__sandbox__/created", timeout=10).json()
    return answer["partners"]


@pytest.fixture
def empty_shop(woo_empty, flowii_server):
    configure_for_sandbox(woo_empty.url, flowii_server.url)
    return woo_empty, flowii_server


@pytest.fixture
def one_second(woo_empty):
    """The empty shop with its clock stopped: everyone registers in the same second."""
    service = woo_empty.service
    before = service.clock
    service.clock = lambda: datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    yield woo_empty
    service.clock = before


# -- (a) customers of one second ------------------------------------------------------------


def register(woo, first: int, count: int) -> list[int]:
    people = [
        {
            "email": f"zakaznik{n}@example.sk",
            "first_name": "Ján",
            "last_name": f"Zákazník {n}",
            "billing": {
                "first_name": "Ján",
                "last_name": f"Zákazník {n}",
                "address_1": f"Hlavná {n}",
                "city": "Žilina",
                "postcode": "01001",
                "country": "SK",
                "email": f"zakaznik{n}@example.sk",
            },
        }  # fmt: skip
        for n in range(first, first + count)
    ]
    made = shop(woo).batch("customers", create=people)
    assert all(r.ok for r in made)
    return [r.item["id"] for r in made]


def date_ordered_read(woo) -> list[int]:
    """The shop's customers page by page in registration order, as a careless reader would."""
    query = {"orderby": "registered_date", "order": "asc", "role": "customer"}
    return [c["id"] for c in shop(woo).iter_pages("customers", query)]


def test_customers_registered_in_the_same_second_are_all_exported(one_second, flowii_server):
    woo, fl = one_second, flowii_server
    configure_for_sandbox(woo.url, fl.url)
    ids = register(woo, 0, 230)
    # The shop gives ties in no fixed order: read by date, pages skip some and repeat others.
    assert any(Counter(date_ordered_read(woo)) != Counter(ids) for _ in range(3))

    ok(run("customers"))
    links = Binder(Kind.CUSTOMER).many_by_shop(ids)
    assert set(links) == {str(i) for i in ids}  # none skipped
    assert len({link.flowii_id for link in links.values()}) == len(ids)  # none twice
    streets = Counter((p["billing_address"] or {}).get("street") for p in created_partners(fl))
    assert all(streets[f"Hlavná {n}"] == 1 for n in range(230))  # each its own partner, once

    # A scheduled run looks only for the newcomers: 150 more of the very same second.
    newcomers = register(woo, 230, 150)
    woo.service.stats.clear()
    ok(run("all", trigger=SyncRun.Trigger.SCHEDULE))
    # newest first, by id: two pages of 100 for 150 newcomers, not a read of all 380
    assert woo.service.stats["GET /wp-json/wc/v3/customers"] == 2
    links = Binder(Kind.CUSTOMER).many_by_shop(ids + newcomers)
    assert len(links) == len(ids) + len(newcomers)
    assert len({link.flowii_id for link in links.values()}) == len(ids) + len(newcomers)


# -- (b) a linked category deleted in the shop -------------------------------------------------


def test_a_linked_category_deleted_in_the_shop_is_made_again_with_its_products(empty_shop):
    woo, fl = empty_shop
    ok(run("products"))
    goods = flowii(fl, "goods")
    cats = {int(c["id"]): c for c in flowii(fl, "good_categories")}
    # a subcategory with goods in it, none left out
    sub_id = next(
        int(g["subcategory_id"])
        for g in goods
        if g["subcategory_id"] and int(g["category_id"]) not in LEFT_OUT
        and int(g["subcategory_id"]) not in LEFT_OUT
    )  # fmt: skip
    links = Binder(Kind.CATEGORY)
    old = shop(woo).get(f"products/categories/{links.by_flowii(sub_id).shop_id}")
    shop(woo).delete(f"products/categories/{old['id']}", force=True)

    ok(run("products", full=True))
    new_id = int(links.by_flowii(sub_id).shop_id)
    assert new_id != old["id"]
    made = shop(woo).get(f"products/categories/{new_id}")
    assert (made["name"], made["parent"]) == (cats[sub_id]["name"], old["parent"])
    said = [m for m in messages("warning") if "deleted in the shop" in m]
    assert len(said) == 1 and cats[sub_id]["name"] in said[0]
    # its products are in it again
    skus = {
        g["serial-nr"] for g in goods if g["subcategory_id"] and int(g["subcategory_id"]) == sub_id
    }
    by_sku = {p["sku"]: p for p in shop(woo).products()}
    assert skus and all([c["id"] for c in by_sku[s]["categories"]] == [new_id] for s in skus)


# -- (c) the shop's own VAT mode switched ------------------------------------------------------


@pytest.mark.parametrize("entered_with_tax", ["yes", "no"])
def test_the_shops_own_vat_mode_switched_rewrites_every_price_and_says_why(
    empty_shop, entered_with_tax
):
    woo, fl = empty_shop
    client = shop(woo)
    client.put("settings/tax/woocommerce_prices_include_tax", {"value": entered_with_tax})
    assert Settings.load().prices_with_vat == Settings.PricesWithVat.FROM_SHOP
    ok(run("products"))
    products = {p["sku"]: p for p in client.products()}

    with_vat = entered_with_tax == "no"  # the other way round from now on
    client.put(
        "settings/tax/woocommerce_prices_include_tax", {"value": "yes" if with_vat else "no"}
    )
    SyncLog.objects.all().delete()
    result = ok(run("products"))  # an incremental run: nothing changed in FLOWii
    assert result.updated == len(products)
    goods = {g["serial-nr"]: g for g in flowii(fl, "goods") if g["serial-nr"] in products}
    after = {p["sku"]: p for p in client.products()}
    for sku, good in goods.items():
        price, factor = Decimal(str(good["selling-price"])), 1 + Decimal(good["vat-rate"]) / 100
        if good["selling-price-type"] == 0 and not with_vat:
            price = price / factor
        elif good["selling-price-type"] == 1 and with_vat:
            price = price * factor
        wanted = price.quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert Decimal(after[sku]["regular_price"]) == wanted, sku
    said = [m for m in messages("info") if "written again" in m]
    assert len(said) == 1 and str(len(products)) in said[0]
    assert ("with VAT" if with_vat else "without VAT") in said[0]

    # and the run after writes nothing
    woo.service.stats.clear()
    ok(run("products"))
    assert not [k for k, n in woo.service.stats.items() if n and not k.startswith("GET ")]
