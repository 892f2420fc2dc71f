"""The WooCommerce adapter's nouns (docs: /work/interfaces.md, "WooCommerce adapter nouns"):
the query each sends, paging in id order with repeated ids dropped, empty lists and empty
batches as a real WooCommerce 10.0.2 store answers them. The shop is faked with `responses`."""

import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import responses

from connector.woocommerce import BatchResult, WooCommerceClient

API = "https://shop.test/wp-json/wc/v3/"


def client():
    return WooCommerceClient("https://shop.test", "ck_k", "cs_s", sleep=lambda s: None)


def query(call) -> dict:
    return dict(parse_qsl(urlsplit(call.request.url).query, keep_blank_values=True))


def page_headers(total, pages):
    return {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}


def body(call):
    return json.loads(call.request.body)


# -- full reads: id order, repeats dropped ----------------------------------------------------


def test_products_page_by_id_ascending_and_drop_repeated_ids():
    woo = client()
    totals = []
    with responses.RequestsMock() as rsps:
        # a store that repeats id 2 on page 2 (records sharing a second)
        rsps.get(API + "products", json=[{"id": 1}, {"id": 2}], headers=page_headers(4, 2))
        rsps.get(
            API + "products", json=[{"id": 2}, {"id": 3}, {"id": 4}], headers=page_headers(4, 2)
        )
        got = [p["id"] for p in woo.products(on_first_page=totals.append)]
        calls = list(rsps.calls)
    assert got == [1, 2, 3, 4]
    assert totals == [4]
    first, second = query(calls[0]), query(calls[1])
    assert first["orderby"] == "id" and first["order"] == "asc"
    assert first["per_page"] == "100" and first["page"] == "1" and second["page"] == "2"
    assert "modified_after" not in first and "dates_are_gmt" not in first


def test_on_first_page_without_an_argument_is_called_once_after_the_first_page():
    woo = client()
    seen = []
    with responses.RequestsMock() as rsps:
        rsps.get(API + "customers", json=[{"id": 1}], headers=page_headers(2, 2))
        rsps.get(API + "customers", json=[{"id": 2}], headers=page_headers(2, 2))

        def first_page():
            seen.append(len(rsps.calls))

        assert [c["id"] for c in woo.customers(on_first_page=first_page)] == [1, 2]
    assert seen == [1]


def test_products_modified_after_is_sent_in_gmt_and_flagged():
    woo = client()
    moment = datetime(2026, 3, 1, 13, 30, 15, 999, tzinfo=timezone(timedelta(hours=1)))
    with responses.RequestsMock() as rsps:
        rsps.get(API + "products", json=[], headers=page_headers(0, 0))
        assert list(woo.products(modified_after=moment)) == []
        sent = query(rsps.calls[0])
    assert sent["modified_after"] == "2026-03-01T12:30:15"
    assert sent["dates_are_gmt"] == "true"
    assert sent["orderby"] == "id" and sent["order"] == "asc"


def test_an_empty_list_with_zero_total_pages_is_one_request():
    woo = client()
    totals = []
    with responses.RequestsMock() as rsps:
        rsps.get(API + "orders", json=[], headers=page_headers(0, 0))
        assert list(woo.orders(["processing"], on_first_page=totals.append)) == []
        assert len(rsps.calls) == 1
    assert totals == [0]


def test_customers_are_buyers_only_in_id_order():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "customers", json=[{"id": 7}], headers=page_headers(1, 1))
        assert [c["id"] for c in woo.customers()] == [7]
        sent = query(rsps.calls[0])
    assert sent["role"] == "customer"
    assert sent["orderby"] == "id" and sent["order"] == "asc"


def test_count_customers_counts_buyers_from_the_total_header():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "customers", json=[{"id": 1}], headers=page_headers(42, 42))
        assert woo.count_customers() == 42
        sent = query(rsps.calls[0])
    assert sent["role"] == "customer" and sent["per_page"] == "1"


def test_customers_by_id_asks_for_any_role_100_ids_a_request():
    woo = client()
    ids = list(range(1, 151))
    with responses.RequestsMock() as rsps:
        rsps.get(API + "customers", json=[{"id": 3}, {"id": 5}], headers=page_headers(2, 1))
        rsps.get(API + "customers", json=[{"id": 120}], headers=page_headers(1, 1))
        found = woo.customers_by_id(ids + [3, 0, None])
        calls = list(rsps.calls)
    assert sorted(found) == [3, 5, 120]
    assert len(calls) == 2
    first = query(calls[0])
    assert first["role"] == "all"
    assert first["include"] == ",".join(map(str, range(1, 101)))
    assert query(calls[1])["include"] == ",".join(map(str, range(101, 151)))


def test_orders_query_statuses_dp4_and_gmt_dates():
    woo = client()
    since = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    after = datetime(2025, 12, 1, tzinfo=UTC)
    before = datetime(2026, 1, 1, tzinfo=UTC)
    with responses.RequestsMock() as rsps:
        rsps.get(API + "orders", json=[{"id": 9}], headers=page_headers(1, 1))
        got = list(
            woo.orders(
                ["processing", "completed"],
                modified_after=since,
                created_after=after,
                created_before=before,
            )
        )
        sent = query(rsps.calls[0])
    assert [o["id"] for o in got] == [9]
    assert sent["status"] == "processing,completed"
    assert sent["dp"] == "4"
    assert sent["modified_after"] == "2026-01-02T03:04:05"
    assert sent["after"] == "2025-12-01T00:00:00"
    assert sent["before"] == "2026-01-01T00:00:00"
    assert sent["dates_are_gmt"] == "true"
    assert sent["orderby"] == "id" and sent["order"] == "asc"


def test_orders_without_dates_send_no_date_flag():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "orders", json=[], headers=page_headers(0, 0))
        list(woo.orders("processing"))
        sent = query(rsps.calls[0])
    assert sent["status"] == "processing"
    assert "dates_are_gmt" not in sent and "after" not in sent


def test_order_reads_one_order_with_four_decimals():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "orders/12", json={"id": 12, "total": "29.3400"})
        assert woo.order(12)["total"] == "29.3400"
        assert query(rsps.calls[0])["dp"] == "4"


def test_products_by_sku_one_request_per_100_skus_and_only_those_asked():
    woo = client()
    skus = [f"S-{n}" for n in range(120)]
    with responses.RequestsMock() as rsps:
        rsps.get(
            API + "products",
            json=[{"id": 1, "sku": "S-0"}, {"id": 2, "sku": "OTHER"}],
            headers=page_headers(2, 1),
        )
        rsps.get(API + "products", json=[{"id": 3, "sku": "S-110"}], headers=page_headers(1, 1))
        found = woo.products_by_sku(skus + ["S-0", ""])
        calls = list(rsps.calls)
    assert {k: v["id"] for k, v in found.items()} == {"S-0": 1, "S-110": 3}
    assert len(calls) == 2
    assert query(calls[0])["sku"] == ",".join(skus[:100])
    assert query(calls[1])["sku"] == ",".join(skus[100:])


def test_products_by_sku_of_nothing_asks_nothing():
    with responses.RequestsMock():
        assert client().products_by_sku([]) == {}


def test_product_skus_is_one_full_read():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.get(
            API + "products",
            json=[{"id": 1, "sku": "A"}, {"id": 2, "sku": ""}, {"id": 3, "sku": "C"}],
            headers=page_headers(3, 1),
        )
        assert woo.product_skus() == {"A": 1, "C": 3}
        assert query(rsps.calls[0])["orderby"] == "id"


def test_categories_and_tax_rates_are_lists_in_id_order():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "products/categories", json=[{"id": 4}], headers=page_headers(1, 1))
        rsps.get(API + "taxes", json=[{"id": 1, "rate": "20.0000"}], headers=page_headers(1, 1))
        assert woo.categories() == [{"id": 4}]
        assert woo.tax_rates() == [{"id": 1, "rate": "20.0000"}]
        for call in rsps.calls:
            assert query(call)["orderby"] == "id" and query(call)["order"] == "asc"


# -- writes -----------------------------------------------------------------------------------


def test_write_products_creates_first_then_updates_with_errors_per_item():
    woo = client()
    error = {"code": "product_invalid_sku", "message": "Invalid or duplicated SKU.", "data": {}}
    with responses.RequestsMock() as rsps:
        rsps.post(
            API + "products/batch",
            json={"create": [{"id": 0, "error": error}], "update": [{"id": 5, "sku": "B"}]},
        )
        results = woo.write_products(create=[{"sku": "A"}], update=[{"id": 5, "sku": "B"}])
        sent = body(rsps.calls[0])
    assert sent == {"create": [{"sku": "A"}], "update": [{"id": 5, "sku": "B"}]}
    assert [(r.action, r.ok) for r in results] == [("create", False), ("update", True)]
    assert results[0].error["code"] == "product_invalid_sku" and results[0].item is None
    assert results[1].item == {"id": 5, "sku": "B"}
    assert all(isinstance(r, BatchResult) for r in results)


def test_write_categories_uses_the_category_batch():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.post(API + "products/categories/batch", json={"create": [{"id": 8, "name": "X"}]})
        results = woo.write_categories(create=[{"name": "X"}])
    assert results[0].item["id"] == 8 and results[0].action == "create"


def test_an_empty_write_sends_nothing():
    woo = client()
    with responses.RequestsMock():
        assert woo.write_products() == []
        assert woo.write_categories() == []
        assert woo.write_order_numbers([]) == []


def test_an_empty_batch_answered_with_an_empty_list_is_fine():
    """A real store answers an empty batch with `[]` (a PHP empty array), not `{}`: the
    connection check sends one and must take `[]` as "may write"."""
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "settings/tax/woocommerce_prices_include_tax", json={"value": "no"})
        rsps.post(API + "products/batch", json=[])
        check = woo.system_check()
        assert body(rsps.calls[1]) == {}
    assert check.ok and check.can_write and check.prices_include_tax is False
    with responses.RequestsMock():  # nothing to write: nothing sent
        assert woo.batch("products") == []


def test_write_order_numbers_100_per_batch_as_order_meta():
    woo = client()
    pairs = [(n, f"OBJ-{n:04d}") for n in range(1, 151)]
    with responses.RequestsMock() as rsps:
        rsps.post(
            API + "orders/batch",
            json={"update": [{"id": n, "meta_data": []} for n in range(1, 101)]},
        )
        rsps.post(
            API + "orders/batch",
            json={"update": [{"id": n, "meta_data": []} for n in range(101, 151)]},
        )
        results = woo.write_order_numbers(pairs)
        first, second = body(rsps.calls[0]), body(rsps.calls[1])
    assert len(results) == 150 and all(r.ok and r.action == "update" for r in results)
    assert list(first) == ["update"] and len(first["update"]) == 100
    assert first["update"][0] == {
        "id": 1,
        "meta_data": [{"key": "_flowii_order_number", "value": "OBJ-0001"}],
    }
    assert len(second["update"]) == 50 and second["update"][-1]["id"] == 150


def test_add_order_note_posts_a_private_note():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.post(API + "orders/3/notes", json={"id": 11, "note": "hi"}, status=201)
        assert woo.add_order_note(3, "hi") == {"id": 11, "note": "hi"}
        assert body(rsps.calls[0]) == {"note": "hi", "customer_note": False}


def test_prices_include_tax_gateways_and_shipping():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "settings/tax/woocommerce_prices_include_tax", json={"value": "yes"})
        rsps.get(API + "payment_gateways", json=[{"id": "bacs", "enabled": True}])
        rsps.get(API + "shipping/zones", json=[{"id": 0, "name": "Rest"}])
        rsps.get(
            API + "shipping/zones/0/methods",
            json=[{"instance_id": 2, "method_id": "flat_rate", "title": "Flat", "enabled": True}],
        )
        assert woo.prices_include_tax() is True
        assert woo.payment_gateways() == [{"id": "bacs", "enabled": True}]
        assert woo.shipping_methods_in_zones() == [
            {
                "zone_id": 0,
                "zone_name": "Rest",
                "instance_id": 2,
                "method_id": "flat_rate",
                "title": "Flat",
                "enabled": True,
            }
        ]
