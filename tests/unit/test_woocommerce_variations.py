"""The adapter's variation writes: `products/<parent>/variations/batch`, 100 items a call,
one result per item; a variable product the shop no longer has gives each item the shop's
refusal instead of failing the page. The shop is faked with `responses`."""

import json

import pytest
import responses

from connector.http import EndsRun
from connector.woocommerce import WooCommerceClient

API = "https://shop.test/wp-json/wc/v3/"


def client():
    return WooCommerceClient("https://shop.test", "ck_k", "cs_s", sleep=lambda s: None)


def test_variations_are_updated_through_their_variable_product():
    woo = client()
    with responses.RequestsMock() as rsps:
        rsps.post(
            API + "products/70/variations/batch",
            json={"update": [{"id": 71, "regular_price": "9.90"}, {"id": 72, "error": {
                "code": "woocommerce_rest_product_variation_invalid_id", "message": "Invalid ID.",
                "data": {"status": 400}}}]},
        )  # fmt: skip
        results = woo.write_variations(70, update=[{"id": 71, "regular_price": "9.90"}, {"id": 72}])
        (call,) = rsps.calls
    assert json.loads(call.request.body) == {
        "update": [{"id": 71, "regular_price": "9.90"}, {"id": 72}]
    }
    assert [(r.action, r.ok) for r in results] == [("update", True), ("update", False)]
    assert results[0].item["id"] == 71
    assert results[1].error["code"] == "woocommerce_rest_product_variation_invalid_id"


def test_more_than_100_variations_go_in_calls_of_100():
    woo = client()
    update = [{"id": 1000 + n, "regular_price": "1.00"} for n in range(150)]
    with responses.RequestsMock() as rsps:
        for part in (update[:100], update[100:]):
            rsps.post(API + "products/70/variations/batch", json={"update": part})
        results = woo.write_variations(70, update=update)
        sizes = [len(json.loads(c.request.body)["update"]) for c in rsps.calls]
    assert sizes == [100, 50]
    assert [r.item["id"] for r in results] == [u["id"] for u in update]


def test_a_variable_product_gone_refuses_each_of_its_variations():
    woo = client()
    gone = {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.",
            "data": {"status": 404}}  # fmt: skip
    with responses.RequestsMock() as rsps:
        rsps.post(API + "products/70/variations/batch", json=gone, status=404)
        results = woo.write_variations(70, update=[{"id": 71}, {"id": 72}])
    assert [(r.input["id"], r.ok) for r in results] == [(71, False), (72, False)]
    assert {r.error["code"] for r in results} == {"woocommerce_rest_product_invalid_id"}


def test_refused_keys_still_end_the_run():
    woo = client()
    refused = {"code": "woocommerce_rest_authentication_error", "message": "Invalid signature",
               "data": {"status": 401}}  # fmt: skip
    with responses.RequestsMock() as rsps:
        rsps.post(API + "products/70/variations/batch", json=refused, status=401)
        with pytest.raises(EndsRun):
            woo.write_variations(70, update=[{"id": 71}])


def test_the_variations_of_a_variable_product_are_read_by_id_each_once():
    woo = client()
    pages = {"X-WP-Total": "3", "X-WP-TotalPages": "2"}
    with responses.RequestsMock() as rsps:
        rsps.get(API + "products/70/variations", json=[{"id": 71}, {"id": 72}], headers=pages)
        rsps.get(API + "products/70/variations", json=[{"id": 72}, {"id": 73}], headers=pages)
        got = [v["id"] for v in woo.variations(70)]
        first = rsps.calls[0].request.url
    assert got == [71, 72, 73]
    assert "orderby=id" in first and "order=asc" in first and "per_page=100" in first
