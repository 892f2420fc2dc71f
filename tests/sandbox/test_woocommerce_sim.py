"""The simulated WooCommerce shop over real HTTP, with OAuth 1.0a-signed requests as the
connector sends them over plain HTTP: paging, filters, batches, errors, stock, categories,
customers, orders with their totals, notes, shipping, gateways and settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
from requests_oauthlib import OAuth1

from tests.conftest import WOO_KEY, WOO_SECRET
from tests.golden import CASES as GOLDEN_CASES


class Api:
    """A signed client for one simulated shop."""

    def __init__(self, server):
        self.server = server
        self.base = f"{server.url}/wp-json/wc/v3/"
        self.session = requests.Session()
        self.session.auth = OAuth1(WOO_KEY, WOO_SECRET, signature_type="query")

    def get(self, path, **params):
        return self.session.get(self.base + path, params=params, timeout=10)

    def post(self, path, body, **params):
        return self.session.post(self.base + path, json=body, params=params, timeout=10)

    def put(self, path, body):
        return self.session.put(self.base + path, json=body, timeout=10)

    def delete(self, path, **params):
        return self.session.delete(self.base + path, params=params, timeout=10)

    def created(self, path, body) -> dict:
        response = self.post(path, body)
        assert response.status_code in (200, 201), response.text
        return response.json()


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def api(woo_empty):
    return Api(woo_empty)


@pytest.fixture
def clock(woo_empty, monkeypatch):
    fixed = Clock(datetime(2026, 1, 15, 10, 0, 0, tzinfo=UTC))
    monkeypatch.setattr(woo_empty.service, "clock", fixed)
    return fixed


def golden(name: str) -> dict:
    path = GOLDEN_CASES / name
    if not path.exists():
        pytest.skip(f"golden case {name} not available")
    return json.loads(path.read_text())


def product(name: str, sku: str, price: str = "10.00", **extra) -> dict:
    return {"name": name, "type": "simple", "sku": sku, "regular_price": price, **extra}


def vat_shop(api: Api, prices_include_tax: str = "no") -> None:
    """Taxes on, Slovak VAT 20 % (also on shipping) and 10 %, prices entered as told."""
    for group, option, value in (
        ("general", "woocommerce_calc_taxes", "yes"),
        ("general", "woocommerce_default_country", "SK"),
        ("general", "woocommerce_currency", "EUR"),
        ("tax", "woocommerce_prices_include_tax", prices_include_tax),
    ):
        assert api.put(f"settings/{group}/{option}", {"value": value}).status_code == 200
    api.created("taxes", {"country": "SK", "rate": "20", "name": "DPH 20 %", "shipping": True})
    api.created(
        "taxes", {"country": "SK", "rate": "10", "name": "DPH 10 %", "class": "reduced-rate"}
    )


SK_ADDRESS = {"first_name": "Ján", "last_name": "Novák", "country": "SK", "city": "Košice"}


# -- authentication and errors --------------------------------------------------------------


def test_unsigned_plain_http_request_gets_the_golden_401(woo_empty):
    case = golden("products-list-http-basic-auth.json")
    response = requests.get(
        f"{woo_empty.url}/wp-json/wc/v3/products", auth=(WOO_KEY, WOO_SECRET), timeout=10
    )
    assert response.status_code == 401
    assert response.json() == case["response"]["body"]


def test_basic_auth_counts_only_behind_a_trusted_https_proxy(woo_empty):
    url = f"{woo_empty.url}/wp-json/wc/v3/products"
    headers = {"X-Forwarded-Proto": "https"}
    untrusted = requests.get(url, auth=(WOO_KEY, WOO_SECRET), headers=headers, timeout=10)
    assert untrusted.status_code == 401
    requests.post(f"{woo_empty.url}/__sandbox__/options", json={"trust_forwarded_proto": True})
    try:
        trusted = requests.get(url, auth=(WOO_KEY, WOO_SECRET), headers=headers, timeout=10)
        wrong = requests.get(url, auth=(WOO_KEY, "nope"), headers=headers, timeout=10)
    finally:
        requests.post(f"{woo_empty.url}/__sandbox__/options", json={"trust_forwarded_proto": False})
    assert trusted.status_code == 200
    assert wrong.status_code == 401
    assert wrong.json()["message"] == "Consumer secret is invalid."


def test_unknown_routes_bad_json_and_unknown_ids(api):
    assert api.get("nothing-here").json()["code"] == "rest_no_route"
    bad = api.session.post(
        api.base + "products", data=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "rest_invalid_json")
    missing = api.get("products/999")
    assert (missing.status_code, missing.json()["code"]) == (
        404,
        "woocommerce_rest_product_invalid_id",
    )
    assert api.put("products/999", {"name": "x"}).status_code == 400
    assert api.get("orders/999").json()["code"] == "woocommerce_rest_shop_order_invalid_id"


# -- paging ---------------------------------------------------------------------------------


def test_paging_headers_links_and_a_page_past_the_end(api):
    batch = api.post("products/batch", {"create": [product(f"P {i}", f"P-{i}") for i in range(25)]})
    assert batch.status_code == 200 and len(batch.json()["create"]) == 25

    page = api.get("products", per_page=10, page=2)
    assert page.status_code == 200 and len(page.json()) == 10
    assert (page.headers["X-WP-Total"], page.headers["X-WP-TotalPages"]) == ("25", "3")
    prev_link, next_link = page.headers["Link"].split(", ")
    assert prev_link.endswith('rel="prev"') and "per_page=10&page=1" in prev_link
    assert next_link.endswith('rel="next"') and "page=3" in next_link

    past = api.get("products", page=999)
    assert past.status_code == 200 and past.json() == []
    assert (past.headers["X-WP-Total"], past.headers["X-WP-TotalPages"]) == ("25", "3")
    assert "?page=3&" in past.headers["Link"] and 'rel="prev"' in past.headers["Link"]
    assert "next" not in past.headers["Link"]


def test_per_page_101_is_refused_exactly_like_woocommerce(api):
    case = golden("products-list-per-page-101.json")
    response = api.get("products", per_page=101)
    assert response.status_code == 400
    assert response.json() == case["response"]["body"]


# -- products -------------------------------------------------------------------------------


def test_filters_sku_include_search_status_and_order(api):
    made = [api.created("products", product(n, s)) for n, s in
            (("Káva zrnková", "KAVA-1"), ("Čaj zelený", "CAJ-1"), ("Káva mletá", "KAVA-2"))]  # fmt: skip
    api.created("products", product("Koncept", "DRAFT-1", status="draft"))

    assert [p["sku"] for p in api.get("products", sku="CAJ-1").json()] == ["CAJ-1"]
    include = f"{made[0]['id']},{made[2]['id']}"
    assert {p["sku"] for p in api.get("products", include=include).json()} == {"KAVA-1", "KAVA-2"}
    assert {p["sku"] for p in api.get("products", search="kava").json()} == {"KAVA-1", "KAVA-2"}
    # WordPress's `any` (the default) includes drafts.
    assert len(api.get("products").json()) == 4
    assert [p["sku"] for p in api.get("products", status="draft").json()] == ["DRAFT-1"]
    assert len(api.get("products", status="publish").json()) == 3
    ascending = api.get("products", orderby="id", order="asc").json()
    assert [p["id"] for p in ascending] == sorted(p["id"] for p in ascending)


def test_duplicate_sku_is_refused_with_the_holder_and_a_suggestion(api):
    first = api.created("products", product("Káva", "GOLD-KAVA-1KG", "24.90"))
    response = api.post("products", product("Duplikát", "GOLD-KAVA-1KG", "1.00"))
    assert response.status_code == 400
    assert response.json() == {
        "code": "product_invalid_sku",
        "message": "Invalid or duplicated SKU.",
        "data": {"status": 400, "resource_id": first["id"], "unique_sku": "GOLD-KAVA-1KG-1"},
    }
    assert first["price"] == "24.90" and first["regular_price"] == "24.90"
    assert api.created("products", product("Celé", "WHOLE", "25"))["regular_price"] == "25"


def test_batch_over_100_items_is_refused_and_creates_nothing(api, woo_empty):
    body = {"create": [product(f"B {i}", f"B-{i}") for i in range(101)]}
    response = api.post("products/batch", body)
    assert response.status_code == 413
    assert response.json()["code"] == "woocommerce_rest_request_entity_too_large"
    assert api.get("products").headers["X-WP-Total"] == "0"


def test_batch_with_a_failing_item_answers_200_with_the_error_inside(api):
    existing = api.created("products", product("Mletá káva", "GOLD-KAVA-MLETA"))
    body = {
        "create": [product("Batch OK", "GOLD-BATCH-OK"), product("Dup", "GOLD-KAVA-MLETA")],
        "update": [{"id": existing["id"], "regular_price": "9.99"}, {"id": 999999, "name": "x"}],
        "delete": [],
    }
    response = api.post("products/batch", body)
    assert response.status_code == 200
    result = response.json()
    assert set(result) == {"create", "update"}
    ok, failed = result["create"]
    assert ok["sku"] == "GOLD-BATCH-OK" and ok["id"] > 0
    assert failed["id"] == 0 and failed["error"]["code"] == "product_invalid_sku"
    assert failed["error"]["data"]["resource_id"] == existing["id"]
    assert result["update"][0]["regular_price"] == "9.99"
    assert result["update"][1]["error"]["code"] == "woocommerce_rest_product_invalid_id"


def test_stock_status_follows_the_managed_quantity(api):
    managed = api.created("products", product("Hrnček", "H-1", manage_stock=True, stock_quantity=0))
    assert (managed["stock_quantity"], managed["stock_status"]) == (0, "outofstock")
    backorders = api.put(f"products/{managed['id']}", {"backorders": "notify"}).json()
    assert backorders["stock_status"] == "onbackorder"
    refilled = api.put(f"products/{managed['id']}", {"stock_quantity": 5}).json()
    assert (refilled["stock_quantity"], refilled["stock_status"]) == (5, "instock")
    loose = api.created(
        "products", product("Taška", "T-1", stock_quantity=7, stock_status="outofstock")
    )
    assert (loose["manage_stock"], loose["stock_quantity"], loose["stock_status"]) == (
        False,
        None,
        "outofstock",
    )


def test_meta_data_on_products_is_kept_and_updated_by_key(api):
    made = api.created(
        "products", product("M", "M-1", meta_data=[{"key": "origin", "value": "SK"}])
    )
    meta_id = made["meta_data"][0]["id"]
    changed = api.put(f"products/{made['id']}", {"meta_data": [{"key": "origin", "value": "CZ"}]})
    assert changed.json()["meta_data"] == [{"id": meta_id, "key": "origin", "value": "CZ"}]


def test_modified_after_reads_local_time_unless_dates_are_gmt(api, clock):
    old = api.created("products", product("Starý", "OLD"))
    clock.moment += timedelta(minutes=30)
    new = api.created("products", product("Nový", "NEW"))
    # Bratislava is UTC+1 in January: local and GMT dates differ by an hour.
    assert (new["date_created"], new["date_created_gmt"]) == (
        "2026-01-15T11:30:00",
        "2026-01-15T10:30:00",
    )
    second_write = api.put(f"products/{new['id']}", {"name": "Nový 2"}).json()
    assert second_write["date_modified_gmt"] == new["date_modified_gmt"]  # same second

    gmt = api.get("products", modified_after="2026-01-15T10:15:00", dates_are_gmt="true")
    assert [p["id"] for p in gmt.json()] == [new["id"]]
    local = api.get("products", modified_after="2026-01-15T10:15:00")  # = 09:15 GMT
    assert {p["id"] for p in local.json()} == {old["id"], new["id"]}
    assert api.get("products", modified_after="yesterday").json()["code"] == "rest_invalid_param"


# -- categories -----------------------------------------------------------------------------


def test_category_tree_duplicates_slugs_and_counts(api):
    root = api.created("products/categories", {"name": "Potraviny"})
    coffee = api.created("products/categories", {"name": "Káva", "parent": root["id"]})
    beans = api.created("products/categories", {"name": "Zrnková", "parent": coffee["id"]})
    assert (coffee["slug"], beans["parent"]) == ("kava", coffee["id"])

    twin = api.post("products/categories", {"name": "Káva", "parent": root["id"]})
    assert twin.status_code == 400
    assert twin.json()["code"] == "term_exists"
    assert twin.json()["data"]["resource_id"] == coffee["id"]
    cousin = api.created("products/categories", {"name": "Zrnková", "parent": root["id"]})
    assert cousin["slug"] == "zrnkova-potraviny"

    api.created("products", product("Arabica", "A-1", categories=[{"id": beans["id"]}]))
    api.created("products", product("Bez kategórie", "U-1"))
    children = api.get("products/categories", parent=root["id"]).json()
    assert [c["name"] for c in children] == ["Káva", "Zrnková"]
    counts = {c["slug"]: c["count"] for c in api.get("products/categories", per_page=100).json()}
    assert counts == {
        "potraviny": 1, "kava": 1, "zrnkova": 1, "zrnkova-potraviny": 0, "uncategorized": 1,
    }  # fmt: skip


# -- customers ------------------------------------------------------------------------------


def test_customer_meta_with_underscore_is_dropped_and_emails_are_unique(api):
    made = api.created(
        "customers",
        {
            "email": "eva@example.com",
            "first_name": "Eva",
            "billing": {"company": "Kávička s.r.o.", "country": "SK"},
            "meta_data": [
                {"key": "_billing_ico", "value": "12345678"},
                {"key": "billing_ico", "value": "12345678"},
            ],
        },
    )
    assert [m["key"] for m in made["meta_data"]] == ["billing_ico"]
    assert (made["role"], made["username"], made["billing"]["company"]) == (
        "customer",
        "eva",
        "Kávička s.r.o.",
    )
    again = api.post("customers", {"email": "eva@example.com"})
    assert (again.status_code, again.json()["code"]) == (400, "registration-error-email-exists")
    assert [c["email"] for c in api.get("customers", email="eva@example.com").json()] == [
        "eva@example.com"
    ]


# -- orders ---------------------------------------------------------------------------------


def test_order_with_coupon_fee_and_shipping_has_woocommerce_totals(api):
    vat_shop(api)
    item = api.created("products", product("Káva", "K-1", "10.00"))
    api.created("coupons", {"code": "ZLAVA10", "discount_type": "percent", "amount": "10"})
    order = api.created(
        "orders",
        {
            "status": "pending",
            "billing": SK_ADDRESS,
            "shipping": SK_ADDRESS,
            "line_items": [{"product_id": item["id"], "quantity": 2}],
            "fee_lines": [{"name": "Balné", "total": "1.50", "tax_status": "taxable"}],
            "shipping_lines": [{"method_id": "flat_rate", "total": "3.90"}],
            "coupon_lines": [{"code": "ZLAVA10"}],
        },
    )
    line = order["line_items"][0]
    assert (line["subtotal"], line["total"], line["total_tax"]) == ("20.00", "18.00", "3.60")
    assert order["coupon_lines"][0]["code"] == "zlava10"
    assert (order["discount_total"], order["discount_tax"]) == ("2.00", "0.40")
    assert (order["shipping_total"], order["shipping_tax"]) == ("3.90", "0.78")
    assert order["fee_lines"][0]["total_tax"] == "0.30"
    # 18.00 + 3.60 + 1.50 + 0.30 + 3.90 + 0.78
    assert (order["total"], order["total_tax"]) == ("28.08", "4.68")
    assert (order["customer_id"], order["prices_include_tax"]) == (0, False)
    four = api.get(f"orders/{order['id']}", dp=4).json()
    assert four["total"] == "28.0800"


def test_prices_include_tax_is_taken_from_the_settings_at_create(api):
    vat_shop(api, prices_include_tax="yes")
    item = api.created("products", product("Kniha", "KN-1", "11.00", tax_class="reduced-rate"))
    order = api.created(
        "orders", {"billing": SK_ADDRESS, "line_items": [{"sku": "KN-1", "quantity": 1}]}
    )
    assert order["prices_include_tax"] is True
    assert order["line_items"][0]["product_id"] == item["id"]
    assert (order["total"], order["cart_tax"], order["line_items"][0]["total"]) == (
        "11.00",
        "1.00",
        "10.00",
    )


def test_order_stock_is_taken_on_processing_and_given_back_on_cancel(api):
    item = api.created("products", product("Mlynček", "ML-1", manage_stock=True, stock_quantity=10))
    order = api.created("orders", {"line_items": [{"sku": "ML-1", "quantity": 3}]})
    assert order["status"] == "pending"
    assert api.get(f"products/{item['id']}").json()["stock_quantity"] == 10

    processing = api.put(f"orders/{order['id']}", {"status": "processing"}).json()
    assert processing["line_items"][0]["meta_data"][0]["key"] == "_reduced_stock"
    assert processing["line_items"][0]["meta_data"][0]["value"] == "3"
    assert api.get(f"products/{item['id']}").json()["stock_quantity"] == 7

    api.put(f"orders/{order['id']}", {"status": "cancelled"})
    assert api.get(f"products/{item['id']}").json()["stock_quantity"] == 10

    at_once = api.created(
        "orders",
        {"status": "processing", "payment_method": "cod", "line_items": [{"sku": "ML-1"}]},
    )
    assert at_once["date_paid"] is None  # cash on delivery is paid on completion
    assert api.get(f"products/{item['id']}").json()["stock_quantity"] == 9


def test_order_needs_a_product_reference(api):
    response = api.post("orders", {"line_items": [{"quantity": 1}]})
    assert (response.status_code, response.json()["code"]) == (
        400,
        "woocommerce_rest_required_product_reference",
    )


def test_order_meta_is_kept_and_notes_are_listed(api):
    api.created("products", product("P", "P-1"))
    order = api.created(
        "orders",
        {
            "line_items": [{"sku": "P-1"}],
            "meta_data": [{"key": "_flowii_order_number", "value": "FL-1"}],
        },
    )
    assert order["meta_data"][0]["key"] == "_flowii_order_number"
    updated = api.put(
        f"orders/{order['id']}",
        {"meta_data": [{"key": "_flowii_order_number", "value": "FL-2"}]},
    ).json()
    assert updated["meta_data"] == [
        {"id": order["meta_data"][0]["id"], "key": "_flowii_order_number", "value": "FL-2"}
    ]

    note = api.post(f"orders/{order['id']}/notes", {"note": "Faktúra FL-2", "customer_note": True})
    assert note.status_code == 201 and note.json()["author"] == "WooCommerce"
    notes = api.get(f"orders/{order['id']}/notes").json()
    assert "Faktúra FL-2" in [n["note"] for n in notes]
    assert [n["note"] for n in api.get(f"orders/{order['id']}/notes", type="customer").json()] == [
        "Faktúra FL-2"
    ]
    batch = api.post(
        "orders/batch",
        {
            "update": [
                {"id": order["id"], "meta_data": [{"key": "_flowii_order_number", "value": "B"}]}
            ]
        },
    )
    assert batch.json()["update"][0]["meta_data"][0]["value"] == "B"


def test_orders_list_by_status_customer_and_the_link_parameters(woo_server):
    api = Api(woo_server)
    everything = api.get("orders", per_page=5)
    total = int(everything.headers["X-WP-Total"])
    assert total == len(woo_server.service.shop.orders)
    assert "status%5B0%5D=any" in everything.headers["Link"]
    assert "dp=2" in everything.headers["Link"]

    completed = api.get("orders", status="completed", per_page=100).json()
    assert completed and {o["status"] for o in completed} == {"completed"}
    buyer = next(o["customer_id"] for o in completed if o["customer_id"])
    theirs = api.get("orders", customer=buyer, per_page=100).json()
    assert theirs and {o["customer_id"] for o in theirs} == {buyer}


# -- shipping, gateways, settings -----------------------------------------------------------


def test_zones_locations_and_methods(api):
    zone = api.created("shipping/zones", {"name": "Slovensko", "order": 0})
    zones = api.get("shipping/zones")
    assert [z["id"] for z in zones.json()] == [0, zone["id"]]
    assert zones.headers["X-WP-Total"] == "2"
    locations = api.put(
        f"shipping/zones/{zone['id']}/locations", [{"code": "SK", "type": "country"}]
    )
    assert [(loc["code"], loc["type"]) for loc in locations.json()] == [("SK", "country")]

    created = api.post(
        f"shipping/zones/{zone['id']}/methods",
        {"method_id": "flat_rate", "settings": {"title": "Kuriér", "cost": "3.90"}},
    )
    assert created.status_code == 200  # not 201, as WooCommerce answers
    assert created.json()["title"] == "Flat rate"
    methods = api.get(f"shipping/zones/{zone['id']}/methods").json()
    assert [(m["title"], m["settings"]["cost"]["value"]) for m in methods] == [("Kuriér", "3.90")]
    assert api.put("shipping/zones/0/locations", [{"code": "CZ"}]).status_code == 403
    assert api.get("shipping/zones/77").status_code == 404
    assert {m["id"] for m in api.get("shipping_methods").json()} >= {"flat_rate", "local_pickup"}


def test_payment_gateways_list_get_and_enable(api):
    listed = api.get("payment_gateways")
    assert [g["id"] for g in listed.json()] == ["bacs", "cheque", "cod"]
    assert listed.headers["X-WP-Total"] == "3"
    assert not any(g["enabled"] for g in listed.json())
    enabled = api.put("payment_gateways/cod", {"enabled": True, "title": "Dobierka"}).json()
    assert (enabled["enabled"], enabled["title"]) == (True, "Dobierka")
    assert api.get("payment_gateways/cod").json()["settings"]["title"]["value"] == "Dobierka"
    assert api.get("payment_gateways/paypal").status_code == 404


def test_settings_read_change_and_refuse_bad_values(api):
    setting = api.get("settings/tax/woocommerce_prices_include_tax").json()
    assert (setting["value"], setting["group_id"]) == ("no", "tax")
    assert (
        api.put("settings/tax/woocommerce_prices_include_tax", {"value": "yes"}).json()["value"]
        == "yes"
    )
    refused = api.put("settings/tax/woocommerce_prices_include_tax", {"value": "maybe"})
    assert (refused.status_code, refused.json()["code"]) == (400, "rest_setting_value_invalid")
    general = {s["id"]: s["value"] for s in api.get("settings/general").json()}
    assert general["woocommerce_currency"] == "USD" and general["woocommerce_calc_taxes"] == "no"
    assert api.get("settings/nope").status_code == 404


# -- seeded shop and control endpoints --------------------------------------------------------


def test_seeded_shop_and_the_dump_control(woo_server):
    api = Api(woo_server)
    products = api.get("products", per_page=100)
    assert int(products.headers["X-WP-Total"]) == len(woo_server.service.shop.products) > 0
    dump = requests.get(
        f"{woo_server.url}/__sandbox__/dump", params={"kind": "products"}, timeout=10
    )
    skus = {p["sku"] for p in dump.json()}
    assert {p["sku"] for p in products.json()} <= skus
    settings = api.get("settings/tax/woocommerce_prices_include_tax").json()
    assert settings["value"] == "yes"
    order = api.get("orders", per_page=1).json()[0]
    assert order["line_items"] and order["total"] != "0.00"
