"""Variations of variable products over real HTTP against the simulated shop and FLOWii
account: a good whose serial-nr is a variation's SKU is linked to that variation and kept
priced through its variable product's variations batch (never a simple product of the same
SKU); a variation deleted in the shop drops its link; order lines of a linked variation go in
as its good, of any other variation by name with the attributes the name lacks."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from connector.binder import Binder, Kind
from connector.models import Settings, SyncLog, SyncRun
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import configure_for_sandbox

pytestmark = pytest.mark.django_db
MEDIUM = "SIM-VAR-TRICKO-M"
VARIATIONS_BATCH = "POST /wp-json/wc/v3/products/{id}/variations/batch"


def shop(server) -> WooCommerceClient:
    return WooCommerceClient(server.url, "ck_sandbox", "cs_sandbox")


def hook(server, action, body):
    answer = requests.post(f"{server.url}/__sandbox__/{action}", json=body, timeout=10)
    assert answer.ok, answer.text
    return answer.json()


def writes(server) -> dict:
    made = server.service.stats_snapshot()["by_path"]
    return {k: n for k, n in made.items() if n and not k.startswith("GET ") and k != "POST /token"}


def ok(result):
    assert result.status == SyncRun.Status.SUCCEEDED, (result.reason, messages())
    return result


def messages(level=None) -> list[str]:
    logs = SyncLog.objects.order_by("id")
    return [m.message for m in (logs.filter(level=level) if level else logs)]


def variation(woo, sku) -> dict:
    return shop(woo).products_by_sku([sku])[sku]


def simple_products(woo, sku) -> list[dict]:
    """The shop's products (never variations) with this SKU."""
    return [p for p in shop(woo).products() if p["sku"] == sku]


def shop_price(woo, good_price: Decimal, vat_rate: int) -> str:
    """A price FLOWii gives with VAT, as the shop enters prices."""
    if shop(woo).prices_include_tax():
        return str(good_price.quantize(Decimal("0.01")))
    return str((good_price / (1 + Decimal(vat_rate) / 100)).quantize(Decimal("0.01")))


@pytest.fixture
def tshirt(woo_server, flowii_server):
    """The seeded shop's T-shirt in size M, and a FLOWii good with its SKU, imported."""
    configure_for_sandbox(woo_server.url, flowii_server.url)
    good = hook(
        flowii_server,
        "goods",
        {
            "name": "Tričko s logom M",
            "serial-nr": MEDIUM,
            "selling-price": 24.0,
            "selling-price-type": 0,
            "vat-rate": 20,
        },
    )
    return woo_server, flowii_server, good


def test_a_good_with_a_variations_sku_is_linked_to_it_and_repriced_never_duplicated(tshirt):
    woo, fl, good = tshirt
    before = variation(woo, MEDIUM)
    parent = shop(woo).get(f"products/{before['parent_id']}")
    woo.service.stats.clear()
    ok(run("products"))
    # The first import: the one variable product's variations read once (cheaper than a
    # SKU search per 100 new goods); the variation written in one batch of its own.
    made = woo.service.stats_snapshot()["by_path"]
    assert made["GET /wp-json/wc/v3/products/{id}/variations"] == 1
    assert writes(woo)[VARIATIONS_BATCH] == 1
    link = Binder(Kind.PRODUCT).by_flowii(int(good["id"]))
    assert (int(link.shop_id), int(link.shop_parent_id)) == (before["id"], before["parent_id"])
    after = variation(woo, MEDIUM)
    assert after["regular_price"] == shop_price(woo, Decimal("24.0"), 20)
    # only price and tax class: its name, description and the parent stay the shop's
    assert (after["name"], after["description"]) == (before["name"], before["description"])
    again = shop(woo).get(f"products/{before['parent_id']}")
    assert (again["name"], again["categories"], again["status"]) == (
        parent["name"],
        parent["categories"],
        parent["status"],
    )
    assert simple_products(woo, MEDIUM) == []
    assert any("is a variation in the shop" in m for m in messages("info"))

    # A new price in FLOWii: the next (incremental) run writes the variation alone.
    hook(fl, "goods", {"id": int(good["id"]), "selling-price": 26.4})
    woo.service.stats.clear()
    ok(run("products"))
    assert writes(woo) == {VARIATIONS_BATCH: 1}
    assert variation(woo, MEDIUM)["regular_price"] == shop_price(woo, Decimal("26.4"), 20)
    assert simple_products(woo, MEDIUM) == []

    # Nothing changed: nothing written, on an incremental run or a full one.
    woo.service.stats.clear()
    ok(run("products"))
    ok(run("products", full=True))
    assert writes(woo) == {}
    assert simple_products(woo, MEDIUM) == []


def test_variations_of_one_variable_product_go_in_one_batch(tshirt):
    woo, fl, _good = tshirt
    for size in "SL":
        hook(
            fl,
            "goods",
            {"name": f"Tričko s logom {size}", "serial-nr": f"SIM-VAR-TRICKO-{size}",
             "selling-price": 25, "selling-price-type": 0, "vat-rate": 20},
        )  # fmt: skip
    woo.service.stats.clear()
    ok(run("products", full=True))
    assert writes(woo)[VARIATIONS_BATCH] == 1
    prices = {s: variation(woo, f"SIM-VAR-TRICKO-{s}")["regular_price"] for s in "SML"}
    assert prices == {
        "S": shop_price(woo, Decimal(25), 20),
        "M": shop_price(woo, Decimal(24), 20),
        "L": shop_price(woo, Decimal(25), 20),
    }


@pytest.mark.parametrize("full", [False, True])
def test_a_variation_deleted_in_the_shop_drops_its_link(tshirt, full):
    woo, fl, good = tshirt
    ok(run("products"))
    medium = variation(woo, MEDIUM)
    shop(woo).delete(f"products/{medium['parent_id']}/variations/{medium['id']}", force=True)
    if not full:  # the deletion shows when the variation is written: a change in FLOWii
        hook(fl, "goods", {"id": int(good["id"]), "selling-price": 30})
    ok(run("products", full=full))
    said = [m for m in messages("warning") if "was deleted in the shop" in m]
    assert len(said) == 1 and MEDIUM in said[0] and str(medium["id"]) in said[0]
    # the good is now unlinked from the variation: imported as a draft of its own
    (product,) = simple_products(woo, MEDIUM)
    assert product["status"] == "draft" and product["type"] == "simple"
    link = Binder(Kind.PRODUCT).by_flowii(int(good["id"]))
    assert (int(link.shop_id), link.shop_parent_id) == (product["id"], "")
    assert Binder(Kind.PRODUCT).by_shop(medium["id"]) is None
    # no variation was made again
    parent = shop(woo).get(f"products/{medium['parent_id']}")
    assert medium["id"] not in parent["variations"] and len(parent["variations"]) == 2


# -- orders ---------------------------------------------------------------------------------


def documents(flowii_server) -> list[dict]:
    answer = requests.get(flowii_server.url + "/__sandbox__/created", timeout=10).json()
    return [d for d in answer["documents"] if d["type"] == 5]


def new_order(woo, line_items) -> dict:
    return shop(woo).post(
        "orders",
        {
            "status": "processing",
            "payment_method": "bacs",
            "payment_method_title": "Prevod",
            "line_items": line_items,
            "billing": {"first_name": "Eva", "last_name": "Malá", "address_1": "Hlavná 2",
                        "city": "Nitra", "postcode": "94901", "country": "SK",
                        "email": "eva.mala@example.com"},
            "shipping_lines": [
                {"method_id": "flat_rate", "instance_id": "1", "method_title": "Kuriér",
                 "total": "3.90"}
            ],
        },
    )  # fmt: skip


def three_attribute_shirt(woo) -> dict:
    """A variable product of three attributes: WooCommerce names its variations by the
    parent alone, the attributes are only in the order line's meta."""
    attributes = [
        {"name": "Farba", "options": ["Modrá", "Biela"], "variation": True},
        {"name": "Veľkosť", "options": ["M", "L"], "variation": True},
        {"name": "Strih", "options": ["Slim", "Klasik"], "variation": True},
    ]
    parent = shop(woo).post(
        "products", {"name": "Tričko Premium", "type": "variable", "attributes": attributes}
    )
    chosen = [
        {"name": "Farba", "option": "Modrá"},
        {"name": "Veľkosť", "option": "M"},
        {"name": "Strih", "option": "Slim"},
    ]
    return shop(woo).post(
        f"products/{parent['id']}/variations",
        {"sku": "PREMIUM-MODRA-M-SLIM", "regular_price": "30.00", "attributes": chosen},
    )


def test_order_lines_of_variations_go_in_as_their_good_or_by_name_with_attributes(tshirt):
    woo, fl, good = tshirt
    ok(run("products"))
    medium, small = variation(woo, MEDIUM), variation(woo, "SIM-VAR-TRICKO-S")
    premium = three_attribute_shirt(woo)
    order = new_order(
        woo,
        [
            {"variation_id": medium["id"], "quantity": 1},
            {"variation_id": small["id"], "quantity": 2},
            {"variation_id": premium["id"], "quantity": 1},
        ],
    )
    names = [line["name"] for line in order["line_items"]]
    assert names == ["Tričko s logom - M", "Tričko s logom - S", "Tričko Premium"]
    ok(run("orders"))
    link = Binder(Kind.ORDER).by_shop(order["id"])
    (document,) = [d for d in documents(fl) if int(d["id"]) == link.flowii_id]
    items = [(i["name"], i["good_id"]) for i in document["items"]]
    assert items[:3] == [
        ("Tričko s logom - M", str(good["id"])),  # the linked variation: its good
        ("Tričko s logom - S", None),  # the size is in the name already
        ("Tričko Premium - Farba: Modrá, Veľkosť: M, Strih: Slim", None),
    ]
    assert Decimal(document["gross"]) == Decimal(order["total"]).quantize(Decimal("0.01"))


def test_a_linked_variations_stock_follows_the_stock_rule(tshirt):
    woo, fl, good = tshirt
    hook(fl, "stock", {"attribute": "stock-quantity"})
    hook(fl, "goods", {"id": int(good["id"]), "stock": 7})
    ok(run("products"))  # no attribute named: the shop keeps its own figure
    assert variation(woo, MEDIUM)["stock_quantity"] == 20

    settings = Settings.load()
    settings.stock_attribute = "stock-quantity"
    settings.save()
    ok(run("products", full=True))
    assert variation(woo, MEDIUM)["stock_quantity"] == 7
    # only the figure changed: only the figure goes, to the variation
    hook(fl, "goods", {"id": int(good["id"]), "stock": 3})
    woo.service.stats.clear()
    ok(run("products"))
    assert writes(woo) == {VARIATIONS_BATCH: 1}
    after = variation(woo, MEDIUM)
    assert (after["stock_quantity"], after["manage_stock"]) == (3, True)
    assert any(MEDIUM in m and "set to 3" in m for m in messages("info"))


def test_a_variable_product_deleted_in_the_shop_drops_its_variations_links(tshirt):
    woo, fl, good = tshirt
    ok(run("products"))
    medium = variation(woo, MEDIUM)
    shop(woo).delete(f"products/{medium['parent_id']}", force=True)
    hook(fl, "goods", {"id": int(good["id"]), "selling-price": 31})
    ok(run("products"))  # incremental: the write finds the variation gone
    assert any(MEDIUM in m for m in messages("warning") if "was deleted in the shop" in m)
    (product,) = simple_products(woo, MEDIUM)
    assert product["status"] == "draft"
    assert product["regular_price"] == shop_price(woo, Decimal(31), 20)
    assert Binder(Kind.PRODUCT).by_flowii(int(good["id"])).shop_id == str(product["id"])


def test_a_good_added_later_finds_its_variation_by_a_sku_search(woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    ok(run("products"))
    good = hook(
        flowii_server,
        "goods",
        {"name": "Tričko s logom L", "serial-nr": "SIM-VAR-TRICKO-L", "selling-price": 22.8,
         "selling-price-type": 0, "vat-rate": 20},
    )  # fmt: skip
    woo_server.service.stats.clear()
    ok(run("products"))  # incremental: one new good, looked up by its SKU
    large = variation(woo_server, "SIM-VAR-TRICKO-L")
    link = Binder(Kind.PRODUCT).by_flowii(int(good["id"]))
    assert (link.shop_id, link.shop_parent_id) == (str(large["id"]), str(large["parent_id"]))
    assert large["regular_price"] == shop_price(woo_server, Decimal("22.8"), 20)
    assert writes(woo_server) == {VARIATIONS_BATCH: 1}
    assert simple_products(woo_server, "SIM-VAR-TRICKO-L") == []
