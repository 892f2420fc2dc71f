"""The sandbox's seed data: the same every time, the promised sizes, and every reference in it
pointing at something that exists, so both simulators and the connector can rely on it."""

import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal

import pytest

from sandbox.seed import (
    FLOWII_CHOICES,
    Seed,
    build_seed,
    ico_is_valid,
    price_with_vat,
)


@pytest.fixture(scope="module")
def small() -> Seed:
    return build_seed("small")


@pytest.fixture(scope="module")
def large() -> Seed:
    return build_seed("large")


def _dump(seed: Seed) -> str:
    return json.dumps([seed.flowii, seed.woocommerce], ensure_ascii=False)


def _by_id(items: list[dict]) -> dict:
    return {item["id"]: item for item in items}


def _depth(category_id, categories: dict) -> int:
    depth = 0
    while category_id is not None:
        depth += 1
        category_id = categories[category_id]["parentId"]
    return depth


@pytest.mark.parametrize("size", ["small", "large"])
def test_the_same_size_gives_byte_identical_data(size):
    assert _dump(build_seed(size)) == _dump(build_seed(size))


def test_another_process_builds_the_same_bytes(small):
    # Another hash seed changes set and dict-of-str iteration orders; the seed must not care.
    script = (
        "import json, sys; from sandbox.seed import build_seed; s = build_seed();"
        "sys.stdout.buffer.write(json.dumps([s.flowii, s.woocommerce],"
        " ensure_ascii=False).encode())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, check=True, timeout=60
    ).stdout
    assert other == _dump(small).encode()


def test_counts_of_the_small_seed(small):
    f, w = small.flowii, small.woocommerce
    assert len(f["products"]) == 200
    assert len(f["companies"]) == 3
    assert [t["name"] for t in f["partner_types"]] == ["Zákazník", "Odberateľ", "Dodávateľ"]
    assert {u["abbreviation"] for u in f["units"]} == {"ks", "kg", "bal", "hod", "sl"}
    assert [p["name"] for p in f["payment_types"]] == [
        "Bankový prevod",
        "Hotovosť",
        "Dobierka",
        "Platobná karta",
    ]
    assert f["partners"] == [] and f["orders"] == []
    assert len(w["customers"]) == 50
    assert len(w["orders"]) == 120
    linked = [p for p in w["products"] if p["sku"] in {q["code"] for q in f["products"]}]
    assert len(linked) == 40
    assert len(w["products"]) - len(linked) == 4
    assert sum(1 for p in w["products"] if p["sku"] == "") == 1


def test_counts_of_the_large_seed(large):
    f, w = large.flowii, large.woocommerce
    assert len(f["products"]) == 10_000
    assert len(f["product_categories"]) == 200
    assert len(w["customers"]) == 2_000
    assert len(w["orders"]) == 5_000
    assert 1_900 <= len(w["products"]) <= 2_100


def test_counts_can_be_overridden():
    seed = build_seed("small", products=60, categories=20, customers=7, orders=9)
    assert len(seed.flowii["products"]) == 60
    assert len(seed.flowii["product_categories"]) == 20
    assert len(seed.woocommerce["customers"]) == 7
    assert len(seed.woocommerce["orders"]) == 9
    with pytest.raises(TypeError):
        build_seed("small", partners=3)
    with pytest.raises(ValueError):
        build_seed("huge")


def test_fifty_thousand_products_build(large):
    seed = build_seed("large", products=50_000)
    products = seed.flowii["products"]
    assert len(products) == 50_000
    assert len({p["id"] for p in products}) == 50_000
    assert len({p["code"] for p in products}) == 50_000
    # Only the product count changed: the rest is the large seed's.
    assert len(seed.flowii["product_categories"]) == 200
    assert len(seed.woocommerce["orders"]) == len(large.woocommerce["orders"])


@pytest.mark.parametrize("size", ["small", "large"])
def test_category_tree_is_three_levels_and_every_product_is_in_it(size, small, large):
    seed = small if size == "small" else large
    categories = _by_id(seed.flowii["product_categories"])
    assert len(categories) == len(seed.flowii["product_categories"])
    assert max(_depth(cid, categories) for cid in categories) == 3
    seen = set()
    for row in seed.flowii["product_categories"]:  # parents always come first
        assert row["parentId"] is None or row["parentId"] in seen
        seen.add(row["id"])
    siblings = Counter((row["parentId"], row["name"]) for row in categories.values())
    assert max(siblings.values()) == 1
    for product in seed.flowii["products"]:
        assert product["categoryId"] in categories
        assert product["unitId"] in {u["id"] for u in seed.flowii["units"]}
    # Product ids never collide with category ids.
    assert not set(categories) & {p["id"] for p in seed.flowii["products"]}


def test_small_catalogue_has_the_promised_shape(small):
    f = small.flowii
    categories = _by_id(f["product_categories"])
    path = []
    zrnkova = next(c for c in categories.values() if c["name"] == "Zrnková káva")
    node = zrnkova
    while node:
        path.insert(0, node["name"])
        node = categories.get(node["parentId"])
    assert path == ["Potraviny", "Káva", "Zrnková káva"]
    # The same name under two parents, as real catalogues have.
    assert sum(c["name"] == "Príslušenstvo" for c in categories.values()) == 2

    rates = Counter(p["vatRate"] for p in f["products"])
    assert set(rates) == {"20", "10", "0"}
    assert 2 <= sum(not p["isActive"] for p in f["products"]) <= 8
    services = [p for p in f["products"] if not p["isStockItem"]]
    assert all(p["stockQuantity"] is None for p in services)
    assert {"Darčekové balenie", "Montáž", "Kuriér", "Slovenská pošta", "Osobný odber"} <= {
        p["name"] for p in services
    }
    shipping = [
        p for p in f["products"] if p["categoryId"] in FLOWII_CHOICES["shipping_category_ids"]
    ]
    assert [(p["name"], p["priceWithVat"]) for p in shipping] == [
        ("Kuriér", "3.90"),
        ("Slovenská pošta", "2.90"),
        ("Osobný odber", "0.00"),
    ]
    stock_goods = [p for p in f["products"] if p["isStockItem"]]
    assert all(p["stockQuantity"] is not None for p in stock_goods)
    assert all(p["modifiedAt"].startswith("2026-") and p["modifiedAt"].endswith("Z")
               for p in f["products"])  # fmt: skip


@pytest.mark.parametrize("size", ["small", "large"])
def test_gross_prices_follow_from_net_prices(size, small, large):
    seed = small if size == "small" else large
    for product in seed.flowii["products"]:
        net = Decimal(product["priceWithoutVat"])
        assert net == net.quantize(Decimal("0.01"))
        assert Decimal(product["priceWithVat"]) == price_with_vat(net, product["vatRate"])
    kurier = _by_id(seed.flowii["products"])[FLOWII_CHOICES["shipping_mapping"]["flat_rate:1"]]
    assert (kurier["priceWithoutVat"], kurier["priceWithVat"]) == ("3.25", "3.90")


def test_companies_carry_valid_slovak_numbers(small):
    supplier = _by_id(small.flowii["companies"])[FLOWII_CHOICES["supplier_company_id"]]
    assert supplier["name"] == "Moja firma s.r.o."
    assert ico_is_valid(supplier["ico"])
    assert int(supplier["dic"]) % 11 == 0
    assert supplier["icDph"] == "SK" + supplier["dic"]


@pytest.mark.parametrize("size", ["small", "large"])
def test_flowii_choices_point_at_seeded_records(size, small, large):
    f = (small if size == "small" else large).flowii
    products = _by_id(f["products"])
    categories = _by_id(f["product_categories"])
    assert FLOWII_CHOICES["supplier_company_id"] in _by_id(f["companies"])
    assert FLOWII_CHOICES["customer_type_id"] in _by_id(f["partner_types"])
    assert _by_id(f["partner_types"])[FLOWII_CHOICES["customer_type_id"]]["name"] == "Zákazník"
    assert FLOWII_CHOICES["non_stock_unit_id"] in _by_id(f["units"])
    for category_id in (
        FLOWII_CHOICES["non_stock_category_ids"] + FLOWII_CHOICES["shipping_category_ids"]
    ):
        assert category_id in categories
    for product_id in FLOWII_CHOICES["shipping_mapping"].values():
        assert products[product_id]["categoryId"] in FLOWII_CHOICES["shipping_category_ids"]
    payment_types = _by_id(f["payment_types"])
    assert set(FLOWII_CHOICES["payment_mapping"]) == {"bacs", "cod", "card", "cheque"}
    assert all(pid in payment_types for pid in FLOWII_CHOICES["payment_mapping"].values())
    assert payment_types[FLOWII_CHOICES["payment_mapping"]["cod"]]["name"] == "Dobierka"


def _zone_methods(seed: Seed) -> dict:
    methods = seed.woocommerce["shipping_zones"][0]["methods"]
    return {f"{m['method_id']}:{position}": m for position, m in enumerate(methods, start=1)}


def test_shop_setup_matches_a_slovak_store(small):
    w = small.woocommerce
    assert w["settings"]["woocommerce_prices_include_tax"] == "yes"
    assert [(t["class"], t["rate"], t["shipping"]) for t in w["tax_rates"]] == [
        ("standard", "20.0000", True),
        ("reduced-rate", "10.0000", True),
        ("zero-rate", "0.0000", True),
    ]
    assert w["tax_rates"][0]["name"] == "DPH 20 %"
    zone = w["shipping_zones"][0]
    assert zone["name"] == "Slovensko" and zone["locations"] == [{"code": "SK", "type": "country"}]
    # The connector's shipping mapping covers exactly the zone's methods.
    assert set(_zone_methods(small)) == set(FLOWII_CHOICES["shipping_mapping"])
    gateways = {g["id"]: g for g in w["payment_gateways"]}
    assert set(gateways) == set(FLOWII_CHOICES["payment_mapping"])
    assert gateways["cheque"]["enabled"] is False and gateways["card"]["enabled"] is True
    assert [c["code"] for c in w["coupons"]] == ["ZLAVA10", "MINUS5"]
    names = {c["name"] for c in w["categories"]}
    assert all(c["parent_name"] is None or c["parent_name"] in names for c in w["categories"])


@pytest.mark.parametrize("size", ["small", "large"])
def test_shop_products_match_flowii_by_sku(size, small, large):
    seed = small if size == "small" else large
    flowii = {p["code"]: p for p in seed.flowii["products"]}
    shop = seed.woocommerce["products"]
    skus = [p["sku"] for p in shop if p["sku"]]
    assert len(skus) == len(set(skus))
    assert len([s for s in skus if s not in flowii]) == 3
    rates = {"": "20", "reduced-rate": "10", "zero-rate": "0"}
    for product in shop:
        assert product["status"] == "publish" and product["manage_stock"] is True
        assert isinstance(product["stock_quantity"], int)
        if product["sku"] in flowii:
            assert rates[product["tax_class"]] == flowii[product["sku"]]["vatRate"]
    assert {p["tax_class"] for p in shop if p["sku"] in flowii} == set(rates)
    # Most shop prices are FLOWii's gross prices; a few are older and the import updates them.
    same = sum(p["regular_price"] == flowii[p["sku"]]["priceWithVat"]
               for p in shop if p["sku"] in flowii)  # fmt: skip
    assert 0.7 * len(skus) < same < len(skus)


@pytest.mark.parametrize("size", ["small", "large"])
def test_customers_are_unique_and_slovak(size, small, large):
    customers = (small if size == "small" else large).woocommerce["customers"]
    emails = [c["email"] for c in customers]
    assert len(set(emails)) == len(emails)
    assert len({c["username"] for c in customers}) == len(customers)
    assert all(c["billing"]["email"] == c["email"] for c in customers)
    countries = Counter(c["billing"]["country"] for c in customers)
    assert set(countries) == {"SK", "CZ"} and countries["CZ"] < countries["SK"] / 10
    companies = [c for c in customers if c["meta_data"]]
    assert 0.15 * len(customers) <= len(companies) <= 0.25 * len(customers)
    icos = []
    for customer in companies:
        meta = {m["key"]: m["value"] for m in customer["meta_data"]}
        assert customer["billing"]["company"]
        assert ico_is_valid(meta["billing_ico"])
        assert len(meta["billing_dic"]) == 10 and int(meta["billing_dic"]) % 11 == 0
        if "billing_ic_dph" in meta:
            assert meta["billing_ic_dph"] == "SK" + meta["billing_dic"]
        icos.append(meta["billing_ico"])
    assert len(set(icos)) == len(icos)
    dates = [c["date_created_gmt"] for c in customers]
    assert dates == sorted(dates)
    assert "2025-11-01T08:00:00" <= dates[0] and dates[-1] <= "2026-11-01T08:00:00"


def test_small_customers_show_slovak_names_and_cities(small):
    customers = small.woocommerce["customers"]
    names = {(c["first_name"], c["last_name"]) for c in customers}
    assert {("Ľubomír", "Šťastný"), ("Žaneta", "Ďuríková")} <= names
    assert {"Žilina", "Banská Bystrica", "Košice"} <= {c["billing"]["city"] for c in customers}
    assert len([c for c in customers if c["meta_data"]]) == 10


@pytest.mark.parametrize("size", ["small", "large"])
def test_orders_reference_seeded_records(size, small, large):
    seed = small if size == "small" else large
    w = seed.woocommerce
    customers = {c["email"]: c for c in w["customers"]}
    shop = {p["sku"]: p for p in w["products"] if p["sku"]}
    flowii_codes = {p["code"] for p in seed.flowii["products"]}
    zone = _zone_methods(seed)
    gateways = {g["id"]: g["title"] for g in w["payment_gateways"]}
    coupons = {c["code"].lower() for c in w["coupons"]}

    classes, methods, foreign_lines = set(), Counter(), 0
    for order in w["orders"]:
        email = order.get("customer_email")
        if email is not None:
            assert email in customers
            # A customer orders only after signing up.
            assert customers[email]["date_created_gmt"] <= order["date_created_gmt"]
        assert order["billing"]["email"]
        assert gateways[order["payment_method"]] == order["payment_method_title"]
        assert order["line_items"]
        for line in order["line_items"]:
            assert line["sku"] in shop and line["quantity"] >= 1
            classes.add(shop[line["sku"]]["tax_class"])
            foreign_lines += line["sku"] not in flowii_codes
        for shipping in order["shipping_lines"]:
            key = f"{shipping['method_id']}:{shipping['instance_id']}"
            assert zone[key]["title"] == shipping["method_title"]
            methods[shipping["method_id"]] += 1
        assert all(c["code"] in coupons for c in order["coupon_lines"])
        for meta in order["meta_data"]:
            assert meta["key"] in {"_billing_ico", "_billing_dic", "_billing_ic_dph"}
    assert classes == {"", "reduced-rate", "zero-rate"}
    assert set(methods) == {"flat_rate", "local_pickup", "free_shipping"}
    assert 3 <= foreign_lines <= len(w["orders"]) // 10
    dates = [o["date_created_gmt"] for o in w["orders"]]
    assert dates == sorted(dates)
    assert "2025-11-01T08:00:00" <= dates[0] and dates[-1] <= "2026-11-01T08:00:00"


def test_small_orders_cover_every_case_the_export_meets(small):
    orders = small.woocommerce["orders"]
    statuses = Counter(o["status"] for o in orders)
    assert set(statuses) == {
        "pending",
        "processing",
        "on-hold",
        "completed",
        "cancelled",
        "refunded",
        "failed",
    }
    assert statuses["processing"] + statuses["completed"] > len(orders) / 2
    guests = [o for o in orders if "customer_email" not in o]
    assert 0.1 * len(orders) <= len(guests) <= 0.35 * len(orders)
    assert any(o["meta_data"] for o in guests)  # a company buying as a guest
    assert any(o["meta_data"] for o in orders if "customer_email" in o)
    payments = Counter(o["payment_method"] for o in orders)
    assert {"bacs", "cod", "card"} <= set(payments) and 3 <= payments["cheque"] <= 6
    shipping_counts = Counter(len(o["shipping_lines"]) for o in orders)
    assert shipping_counts[2] == 2 and 3 <= shipping_counts[0] <= 8
    totals = {(s["method_id"], s["total"]) for o in orders for s in o["shipping_lines"]}
    assert ("flat_rate", "3.25") in totals and ("free_shipping", "0.00") in totals
    assert ("local_pickup", "0.00") in totals
    fees = [f for o in orders for f in o["fee_lines"]]
    assert any(f["name"] == "Poplatok za dobierku" and f["total"] == "1.00" for f in fees)
    assert all(o["payment_method"] == "cod" for o in orders
               if any(f["name"] == "Poplatok za dobierku" for f in o["fee_lines"]))  # fmt: skip
    assert sum(Decimal(f["total"]) < 0 for f in fees) == 1
    assert any(o["coupon_lines"] for o in orders)
