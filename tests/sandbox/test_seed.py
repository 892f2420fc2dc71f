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
    MATCHED_EMAIL,
    MATCHED_ICO,
    Seed,
    build_seed,
    gross_price,
    ico_is_valid,
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
    firm, w = small.flowii["firms"][0], small.woocommerce
    assert len(small.goods) == 60
    assert [f["company"]["name"] for f in small.flowii["firms"]] == [
        "Moja firma s.r.o.",
        "Kaviareň Pod hradom s.r.o.",
    ]
    assert [u["name"] for u in firm["units"]] == ["hod.", "kg", "ks", "liter", "bal."]
    assert len(firm["company_data"]) == 2
    assert len(w["customers"]) == 50
    assert len(w["orders"]) == 120
    linked = [p for p in w["products"] if p["sku"] in {g["serial-nr"] for g in small.goods}]
    assert len(linked) == 40
    assert len(w["products"]) - len(linked) == 4
    assert sum(1 for p in w["products"] if p["sku"] == "") == 1


def test_counts_of_the_large_seed(large):
    w = large.woocommerce
    assert len(large.goods) == 10_000
    assert len(large.good_categories) == 200
    assert len(w["customers"]) == 2_000
    assert len(w["orders"]) == 5_000
    assert 1_900 <= len(w["products"]) <= 2_100


def test_counts_can_be_overridden():
    seed = build_seed("small", products=60, categories=20, customers=7, orders=9)
    assert len(seed.goods) == 60
    assert len(seed.good_categories) == 20
    assert len(seed.woocommerce["customers"]) == 7
    assert len(seed.woocommerce["orders"]) == 9
    with pytest.raises(TypeError):
        build_seed("small", partners=3)
    with pytest.raises(ValueError):
        build_seed("huge")


def test_fifty_thousand_products_build(large):
    seed = build_seed("large", products=50_000)
    goods = seed.goods
    assert len(goods) == 50_000
    assert len({g["id"] for g in goods}) == 50_000
    assert len({g["serial-nr"] for g in goods}) == 50_000
    assert len(seed.good_categories) == 200
    assert len(seed.woocommerce["orders"]) == len(large.woocommerce["orders"])


@pytest.mark.parametrize("size", ["small", "large"])
def test_category_tree_is_two_levels_and_every_good_is_in_it(size, small, large):
    seed = small if size == "small" else large
    categories = _by_id(seed.good_categories)
    roots = {cid for cid, c in categories.items() if c["_parent"] is None}
    assert all(c["_parent"] is None or c["_parent"] in roots for c in categories.values())
    siblings = Counter((row["_parent"], row["name"]) for row in categories.values())
    assert max(siblings.values()) == 1
    units = {u["id"] for u in seed.flowii["firms"][0]["units"]}
    for good in seed.goods:
        assert good["_category"] in roots
        assert (
            good["_subcategory"] is None
            or categories[good["_subcategory"]]["_parent"] == (good["_category"])
        )
        assert good["_unit"] in units
        assert good["_created"] <= good["_edited"]


def test_small_catalogue_has_the_promised_shape(small):
    categories = _by_id(small.good_categories)
    kava = next(c for c in categories.values() if c["name"] == "Káva")
    assert categories[kava["_parent"]]["name"] == "Potraviny"
    rates = Counter(g["vat-rate"] for g in small.goods)
    assert set(rates) == {20, 10, 0}
    services = [g for g in small.goods if g["type"] == 1]
    assert {"Darčekové balenie", "Montáž", "Doprava kuriérom", "Osobný odber"} <= {
        g["name"] for g in services
    }
    shipping = [g for g in small.goods if g["_category"] in FLOWII_CHOICES["shipping_category_ids"]]
    assert [(g["name"], g["selling-price"]) for g in shipping] == [
        ("Doprava kuriérom", 3.9),
        ("Doprava poštou", 2.9),
        ("Osobný odber", 0),
    ]
    assert all(g["_stock"] is not None for g in small.goods if g["type"] == 0)


def test_flowii_choices_point_at_seeded_records(small):
    firm = small.flowii["firms"][0]
    assert FLOWII_CHOICES["company_id"] == firm["company"]["id"]
    assert FLOWII_CHOICES["company_data_id"] in _by_id(firm["company_data"])
    sequence = _by_id(firm["numbering_sequences"])[FLOWII_CHOICES["numbering_sequence_id"]]
    assert sequence["_document_type"] == 5
    assert sequence["_company_data"] == FLOWII_CHOICES["company_data_id"]
    relationships = _by_id(firm["business_relationships"])
    assert relationships[FLOWII_CHOICES["business_relationship_id"]]["name"] == "Zákazník"
    subtype = relationships[FLOWII_CHOICES["business_relationship_subtype_id"]]
    assert subtype["_parent"] == FLOWII_CHOICES["business_relationship_id"]
    assert _by_id(firm["units"])[FLOWII_CHOICES["non_stock_unit_id"]]["name"] == "ks"
    categories = _by_id(firm["good_categories"])
    assert [categories[c]["name"] for c in FLOWII_CHOICES["non_stock_category_ids"]] == ["Služby"]
    assert [categories[c]["name"] for c in FLOWII_CHOICES["shipping_category_ids"]] == ["Doprava"]
    goods = _by_id(firm["goods"])
    deliveries = _by_id(firm["delivery_types"])
    for choice in FLOWII_CHOICES["shipping_mapping"].values():
        assert goods[choice["good_id"]]["_category"] in FLOWII_CHOICES["shipping_category_ids"]
        assert choice["delivery_type_id"] in deliveries
    payments = _by_id(firm["payment_methods"])
    assert payments[FLOWII_CHOICES["payment_mapping"]["cod"]]["name"] == "Dobierka"
    assert payments[FLOWII_CHOICES["payment_mapping"]["bacs"]]["name"] == "Prevodný príkaz"
    assert FLOWII_CHOICES["partner_custom_field_id"] in _by_id(firm["custom_fields"])


def test_few_shop_customers_are_already_flowii_partners(small):
    firm = small.flowii["firms"][0]
    emails = {p["_key_contact"]["email"].lower() for p in firm["partners"] if p["_key_contact"]}
    icos = {p["ico"] for p in firm["partners"] if p["ico"]}
    customers = small.woocommerce["customers"]
    by_email = [c for c in customers if c["email"].lower() in emails]
    by_ico = [
        c for c in customers for m in c["meta_data"]
        if m["key"] == "billing_ico" and m["value"] in icos
    ]  # fmt: skip
    assert [c["email"] for c in by_email] == [MATCHED_EMAIL]
    assert [c["billing"]["company"] for c in by_ico] == ["Kávička s.r.o."]
    assert ico_is_valid(MATCHED_ICO)


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
    flowii = {g["serial-nr"]: g for g in seed.goods}
    shop = seed.woocommerce["products"]
    skus = [p["sku"] for p in shop if p["sku"]]
    assert len(skus) == len(set(skus))
    assert len([s for s in skus if s not in flowii]) == 3
    rates = {"": "20", "reduced-rate": "10", "zero-rate": "0"}
    for product in shop:
        assert product["status"] == "publish" and product["manage_stock"] is True
        assert isinstance(product["stock_quantity"], int)
        if product["sku"] in flowii:
            assert int(rates[product["tax_class"]]) == flowii[product["sku"]]["vat-rate"]
    assert {p["tax_class"] for p in shop if p["sku"] in flowii} == set(rates)
    # Most shop prices are FLOWii's gross prices; a few are older and the import updates them.
    same = sum(p["regular_price"] == str(gross_price(flowii[p["sku"]]))
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
    flowii_codes = {g["serial-nr"] for g in seed.goods}
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
