"""The simulated shop behaves as a real WooCommerce 10.0.2 store where the recordings showed
it differs from the documentation: unstable date order of records created in the same second,
user roles and staff, null `date_modified` of users never saved, `[]` for an empty batch,
X-WP-TotalPages 0, variable products with variations, and the cost model (a real shop's PHP
time per request and per item, served by a few workers in parallel)."""

import threading
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from connector.woocommerce import WooCommerceClient
from tests.conftest import WOO_KEY, WOO_SECRET

API = "/wp-json/wc/v3/"


def call(server, method, path, **kwargs):
    """A raw call with basic auth, taken as HTTPS (the simulator trusts the proxy header)."""
    server.service.trust_forwarded_proto = True
    return requests.request(
        method,
        server.url + API + path,
        auth=(WOO_KEY, WOO_SECRET),
        headers={"X-Forwarded-Proto": "https"},
        timeout=30,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _plain_http_again(_woo_server):
    yield
    _woo_server.service.trust_forwarded_proto = False


def client(server) -> WooCommerceClient:
    # The simulator takes basic auth over plain HTTP only behind a proxy; OAuth otherwise.
    return WooCommerceClient(server.url, WOO_KEY, WOO_SECRET, max_attempts=1)


@pytest.fixture
def frozen(woo_empty):
    """The empty shop with its clock stopped: everything is created in the same second."""
    service = woo_empty.service
    before = service.clock
    service.clock = lambda: datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    yield woo_empty
    service.clock = before


# -- date order with unstable ties ------------------------------------------------------------


def _read_pages(server, path, per_page, **query):
    seen, page = [], 1
    while True:
        answer = call(server, "GET", path, params={"per_page": per_page, "page": page, **query})
        assert answer.status_code == 200
        seen += [item["id"] for item in answer.json()]
        if page >= int(answer.headers["X-WP-TotalPages"]):
            return seen
        page += 1


def test_records_of_the_same_second_skip_and_repeat_in_date_order_not_in_id_order(frozen):
    made = client(frozen).write_products(create=[{"name": f"P{n}"} for n in range(40)])
    ids = sorted(r.item["id"] for r in made)
    by_date = [_read_pages(frozen, "products", 7) for _ in range(3)]
    assert any(Counter(read) != Counter(ids) for read in by_date), "date order was stable"
    assert all(len(read) == 40 for read in by_date)  # totals stay right: skips and repeats
    assert _read_pages(frozen, "products", 7, orderby="id", order="asc") == ids


def test_the_adapter_reads_every_product_once_in_id_order(frozen):
    woo = client(frozen)
    woo.write_products(create=[{"name": f"P{n}", "sku": f"S{n}"} for n in range(150)])
    totals = []
    read = [p["id"] for p in woo.products(on_first_page=totals.append)]
    assert read == sorted(read) and len(set(read)) == 150
    assert totals == [150]
    assert len(woo.product_skus()) == 150


def test_orders_of_the_same_second_are_shuffled_in_date_order(frozen):
    woo = client(frozen)
    woo.write_products(create=[{"name": "X", "sku": "X", "regular_price": "1"}])
    for _ in range(3):
        woo.batch("orders", create=[{"line_items": [{"sku": "X"}]} for _ in range(10)])
    reads = [_read_pages(frozen, "orders", 4) for _ in range(3)]
    assert any(len(set(read)) < 30 for read in reads)
    assert len({o["id"] for o in woo.orders(["any"])}) == 30


# -- roles and staff --------------------------------------------------------------------------


def test_staff_are_users_but_not_customers(woo_server):
    staff = call(woo_server, "GET", "customers", params={"role": "all", "per_page": 100}).json()
    roles = Counter(u["role"] for u in staff)
    assert roles["administrator"] == 1 and roles["shop_manager"] == 1
    admin = call(woo_server, "GET", "customers", params={"role": "administrator"}).json()
    assert [u["id"] for u in admin] == [1]
    default = call(woo_server, "GET", "customers", params={"per_page": 100})
    assert {u["role"] for u in default.json()} == {"customer"}
    everyone = int(
        call(woo_server, "GET", "customers", params={"role": "all"}).headers["X-WP-Total"]
    )
    assert int(default.headers["X-WP-Total"]) == everyone - 2
    woo = client(woo_server)
    buyers = list(woo.customers())
    assert {c["role"] for c in buyers} == {"customer"}
    assert woo.count_customers() == len(buyers) == everyone - 2
    assert woo.customers_by_id([1])[1]["role"] == "administrator"


def test_the_role_cannot_be_set_through_the_api(woo_empty):
    made = call(
        woo_empty, "POST", "customers", json={"email": "x@example.sk", "role": "administrator"}
    )
    assert made.status_code == 201 and made.json()["role"] == "customer"


def test_users_never_saved_have_no_date_modified(woo_server):
    users = call(woo_server, "GET", "customers", params={"role": "all", "per_page": 100}).json()
    never = [u for u in users if u["date_modified"] is None]
    assert {u["role"] for u in never} >= {"administrator", "shop_manager", "customer"}
    assert all(u["date_modified_gmt"] is None for u in never)
    buyer = next(u for u in never if u["role"] == "customer")
    changed = call(woo_server, "PUT", f"customers/{buyer['id']}", json={"first_name": "Eva"})
    assert changed.json()["date_modified_gmt"] is not None
    # Created through the API, a customer is saved at once (the recordings show a date).
    made = call(woo_server, "POST", "customers", json={"email": "new.one@example.sk"}).json()
    assert made["date_modified_gmt"] == made["date_created_gmt"]


# -- empty answers ----------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"create": [], "update": []}])
def test_an_empty_batch_is_an_empty_list(woo_empty, body):
    answer = call(woo_empty, "POST", "products/batch", json=body)
    assert answer.status_code == 200 and answer.json() == []
    assert client(woo_empty).system_check().ok


@pytest.mark.parametrize("path", ["products", "orders", "coupons", "products/categories"])
def test_an_empty_list_has_zero_total_pages(woo_empty, path):
    answer = call(woo_empty, "GET", path, params={"sku": "NONE"} if path == "products" else {})
    if path == "products/categories":
        answer = call(woo_empty, "GET", path, params={"search": "nothing-like-this"})
    assert answer.json() == []
    assert answer.headers["X-WP-Total"] == "0" and answer.headers["X-WP-TotalPages"] == "0"


# -- variable products ------------------------------------------------------------------------


def test_the_seeded_shop_has_a_variable_product_with_variations(woo_server):
    woo = client(woo_server)
    parent = woo.products_by_sku(["SIM-VAR-TRICKO"])["SIM-VAR-TRICKO"]
    assert parent["type"] == "variable" and len(parent["variations"]) == 3
    assert parent["price"] == "19.90" and parent["regular_price"] == ""
    assert parent["attributes"][0]["options"] == ["S", "M", "L"]
    variations = call(woo_server, "GET", f"products/{parent['id']}/variations").json()
    assert sorted(v["sku"] for v in variations) == [f"SIM-VAR-TRICKO-{s}" for s in "LMS"]
    medium = next(v for v in variations if v["sku"] == "SIM-VAR-TRICKO-M")
    assert medium["type"] == "variation" and medium["parent_id"] == parent["id"]
    assert medium["attributes"] == [{"id": 0, "name": "Veľkosť", "option": "M"}]
    # A SKU search finds variations too; the full product list does not.
    assert woo.products_by_sku(["SIM-VAR-TRICKO-M"])["SIM-VAR-TRICKO-M"]["id"] == medium["id"]
    assert "SIM-VAR-TRICKO-M" not in woo.product_skus()


def test_an_order_line_carries_the_variation(woo_server):
    woo = client(woo_server)
    medium = woo.products_by_sku(["SIM-VAR-TRICKO-M"])["SIM-VAR-TRICKO-M"]
    order = call(
        woo_server,
        "POST",
        "orders",
        json={
            "status": "processing",
            "line_items": [{"variation_id": medium["id"], "quantity": 2}],
        },
    ).json()
    line = order["line_items"][0]
    assert line["product_id"] == medium["parent_id"] and line["variation_id"] == medium["id"]
    assert line["sku"] == "SIM-VAR-TRICKO-M" and line["parent_name"] == "Tričko s logom"
    assert line["name"] == "Tričko s logom - M"
    # 2 x 19.90, entered with or without VAT depending on the seeded shop's setting.
    gross = Decimal(line["subtotal"]) + Decimal(line["subtotal_tax"])
    assert Decimal("39.80") in (Decimal(line["subtotal"]), gross)
    after = call(woo_server, "GET", f"products/{medium['parent_id']}/variations/{medium['id']}")
    assert after.json()["stock_quantity"] == medium["stock_quantity"] - 2
    by_sku = call(woo_server, "POST", "orders", json={"line_items": [{"sku": "SIM-VAR-TRICKO-S"}]})
    assert by_sku.json()["line_items"][0]["variation_id"] != 0


def test_variations_can_be_written_and_their_skus_are_unique(woo_empty):
    woo = client(woo_empty)
    parent = woo.write_products(
        create=[
            {
                "name": "Mug",
                "type": "variable",
                "attributes": [{"name": "Color", "options": ["red", "blue"], "variation": True}],
            }
        ]
    )[0].item
    made = call(
        woo_empty,
        "POST",
        f"products/{parent['id']}/variations/batch",
        json={
            "create": [
                {
                    "sku": "MUG-R",
                    "regular_price": "5",
                    "attributes": [{"name": "Color", "option": "red"}],
                },
                {"sku": "MUG-R", "regular_price": "5"},
            ]
        },
    ).json()
    assert made["create"][0]["sku"] == "MUG-R"
    assert made["create"][1]["error"]["code"] == "product_invalid_sku"
    clash = woo.write_products(create=[{"name": "Other", "sku": "MUG-R"}])[0]
    assert clash.error["code"] == "product_invalid_sku"
    gone = call(woo_empty, "DELETE", f"products/{parent['id']}", params={"force": "true"})
    assert gone.status_code == 200
    assert woo.write_products(create=[{"name": "Other", "sku": "MUG-R"}])[0].ok


# -- the cost model ---------------------------------------------------------------------------


@pytest.fixture
def costly(woo_empty):
    control = woo_empty.url + "/__sandbox__/cost"
    yield control
    requests.post(control, json=woo_empty.service.cost.__class__().as_dict())


def test_the_cost_model_is_off_by_default_and_has_defaults(woo_empty, costly):
    shown = requests.get(costly).json()
    assert shown["enabled"] is False and shown["workers"] == 4
    assert shown["product_create_ms"] == 48 and shown["product_update_ms"] == 24
    assert shown["order_update_ms"] == [15, 22] and shown["note_ms"] == 120
    assert shown["create_ms"] == 160
    assert requests.post(costly, json={"nonsense": 1}).status_code == 400
    assert requests.post(costly, json={"workers": 0}).status_code == 400


def test_a_batch_costs_per_item(woo_empty, costly):
    requests.post(
        costly, json={"enabled": True, "request_ms": 0, "product_create_ms": 30, "read_item_ms": 0}
    )
    started = time.monotonic()
    client(woo_empty).write_products(create=[{"name": f"P{n}"} for n in range(10)])
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    call(woo_empty, "GET", "products")
    assert time.monotonic() - started < 0.25


def test_order_meta_updates_cost_15_to_22_ms_each_by_default(woo_empty, costly):
    woo = client(woo_empty)
    woo.write_products(create=[{"name": "X", "sku": "X", "regular_price": "1"}])
    orders = woo.batch("orders", create=[{"line_items": [{"sku": "X"}]} for _ in range(20)])
    requests.post(costly, json={"enabled": True, "request_ms": 0})
    started = time.monotonic()
    woo.write_order_numbers([(r.item["id"], f"N{n}") for n, r in enumerate(orders)])
    took = time.monotonic() - started
    assert 20 * 0.015 <= took < 20 * 0.022 + 0.5


def test_workers_serve_in_parallel_and_the_rest_wait(woo_empty, costly):
    requests.post(costly, json={"enabled": True, "workers": 2, "request_ms": 200})

    def timed_reads(count):
        threads = [
            threading.Thread(target=call, args=(woo_empty, "GET", "taxes")) for _ in range(count)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - started

    assert timed_reads(2) < 0.39  # two workers: side by side
    assert timed_reads(4) >= 0.4  # four requests, two workers: two rounds


def test_the_cost_model_can_be_switched_on_by_the_constructor():
    from sandbox.woocommerce_sim import WooCommerceSimulator

    shop = WooCommerceSimulator(seed="empty", cost_model={"enabled": True, "workers": 8})
    assert shop.cost.enabled and shop.cost.workers == 8
    assert WooCommerceSimulator(seed="empty").cost.enabled is False


# -- "Refresh from shop" marks what the shop no longer has ------------------------------------


class _Shop:
    def __init__(self, gateways, methods):
        self.gateways, self.methods = gateways, methods

    def payment_gateways(self):
        return self.gateways

    def shipping_methods_in_zones(self):
        return self.methods


@pytest.mark.django_db
def test_refresh_marks_gateways_and_methods_the_shop_no_longer_has():
    from connector.models import PaymentMapping, ShippingMapping
    from connector.sync.methods import refresh_payment_gateways, refresh_shipping_methods

    flat = {"zone_id": 1, "zone_name": "SK", "instance_id": 3, "method_id": "flat_rate",
            "title": "Flat", "enabled": True}  # fmt: skip
    pickup = {**flat, "instance_id": 4, "method_id": "local_pickup", "title": "Pickup"}
    bacs, cod = (
        {"id": "bacs", "title": "Bank", "enabled": True},
        {"id": "cod", "title": "COD", "enabled": True},
    )
    refresh_payment_gateways(_Shop([bacs, cod], []))
    refresh_shipping_methods(_Shop([], [flat, pickup]))
    refresh_payment_gateways(_Shop([bacs], []))
    refresh_shipping_methods(_Shop([], [flat]))
    assert PaymentMapping.objects.get(gateway_id="cod").gone is True
    assert PaymentMapping.objects.get(gateway_id="bacs").gone is False
    assert ShippingMapping.objects.get(method_id="local_pickup").gone is True
    assert ShippingMapping.objects.get(method_id="flat_rate").gone is False
    # Back in the shop: no longer gone.
    refresh_payment_gateways(_Shop([bacs, cod], []))
    assert PaymentMapping.objects.get(gateway_id="cod").gone is False
