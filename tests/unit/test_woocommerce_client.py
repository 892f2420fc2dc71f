"""The WooCommerce adapter: authentication (basic over HTTPS, OAuth 1.0a over HTTP), paging,
batches, errors in words and the connection check. Unit tests fake the shop with `responses`;
the integration tests at the end talk real HTTP to the simulated shop."""

import base64
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import requests
import responses

from connector.http import (
    AuthenticationError,
    MalformedResponse,
    OutcomeUnknown,
    RateLimited,
    Unavailable,
    ValidationError,
)
from connector.woocommerce import BatchResult, WooCommerceClient

HTTPS_SHOP = "https://shop.test"
HTTP_SHOP = "http://shop.test"
API = "https://shop.test/wp-json/wc/v3/"
KEY, SECRET = "ck_0123456789abcdef", "cs_fedcba9876543210"


def https_client(**options):
    sleeps = []
    client = WooCommerceClient(
        HTTPS_SHOP, KEY, SECRET, sleep=sleeps.append, jitter=lambda: 1.0, **options
    )
    return client, sleeps


def rawurlencode(text: str) -> str:
    return quote(text, safe="-_.~")


def woocommerce_signature(method: str, url: str, pairs, secret: str) -> str:
    """The signature as WooCommerce computes it (docs/woocommerce-api.md 1.2), written
    independently of the client: sort by key, encode keys and values, join, encode again."""
    params = sorted((k, v) for k, v in pairs if k != "oauth_signature")
    joined = "&".join(f"{rawurlencode(k)}={rawurlencode(v)}" for k, v in params)
    base = "&".join([method.upper(), rawurlencode(url), rawurlencode(joined)])
    digest = hmac.new((secret + "&").encode(), base.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# -- authentication -------------------------------------------------------------------------


def test_https_shop_uses_basic_auth_and_no_oauth():
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "products/5", json={"id": 5})
        assert client.get("products/5") == {"id": 5}
        sent = rsps.calls[0].request
    expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    assert sent.headers["Authorization"] == expected
    assert "oauth_" not in sent.url and SECRET not in sent.url


def test_plain_http_shop_signs_the_query_with_oauth_hmac_sha256():
    client = WooCommerceClient(HTTP_SHOP, KEY, SECRET)
    with responses.RequestsMock() as rsps:
        rsps.get("http://shop.test/wp-json/wc/v3/products", json=[])
        client.get("products", include=[3, 1, 2], modified_after="2026-01-01T00:00:00", per_page=5)
        sent = rsps.calls[0].request
    assert "Authorization" not in sent.headers
    parts = urlsplit(sent.url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = dict(pairs)
    assert query["oauth_consumer_key"] == KEY
    assert query["oauth_signature_method"] == "HMAC-SHA256"
    assert len(query["oauth_nonce"]) >= 16
    assert abs(int(query["oauth_timestamp"]) - datetime.now().timestamp()) < 60
    assert query["include"] == "3,1,2"  # the comma form, never include[]=
    assert not any("[" in k for k, _ in pairs)
    assert SECRET not in sent.url
    url = f"{parts.scheme}://{parts.netloc}{parts.path}"
    assert query["oauth_signature"] == woocommerce_signature("GET", url, pairs, SECRET)


def test_oauth_signature_ignores_json_bodies_and_a_retry_gets_a_new_nonce():
    client = WooCommerceClient(HTTP_SHOP, KEY, SECRET, sleep=lambda s: None)
    url = "http://shop.test/wp-json/wc/v3/products/batch"
    with responses.RequestsMock() as rsps:
        rsps.post(url, status=503)
        rsps.post(url, json={"update": [{"id": 1}]})
        client.batch("products", update=[{"id": 1, "name": "Káva"}])
        first, second = (call.request for call in rsps.calls)
    for sent in (first, second):
        parts = urlsplit(sent.url)
        pairs = parse_qsl(parts.query)
        base_url = f"{parts.scheme}://{parts.netloc}{parts.path}"
        assert dict(pairs)["oauth_signature"] == woocommerce_signature(
            "POST", base_url, pairs, SECRET
        )
        assert json.loads(sent.body) == {"update": [{"id": 1, "name": "Káva"}]}
    nonce = [dict(parse_qsl(urlsplit(r.url).query))["oauth_nonce"] for r in (first, second)]
    assert nonce[0] != nonce[1]


def test_wrong_key_is_an_authentication_error_in_words():
    client, sleeps = https_client()
    with responses.RequestsMock() as rsps:
        rsps.get(
            API + "products",
            status=401,
            json={
                "code": "woocommerce_rest_authentication_error",
                "message": "Consumer key is invalid.",
                "data": {"status": 401},
            },
        )
        with pytest.raises(AuthenticationError) as caught:
            client.get("products")
    error = caught.value
    assert error.code == "woocommerce_rest_authentication_error"
    assert error.status == 401 and sleeps == []
    assert "consumer key or secret is wrong" in str(error)
    assert SECRET not in str(error) + repr(error) and KEY not in str(error) + repr(error)


def test_read_only_key_is_told_to_get_write_permission():
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.post(
            API + "orders/7/notes",
            status=401,
            json={
                "code": "woocommerce_rest_authentication_error",
                "message": "The API key provided does not have write permissions.",
                "data": {"status": 401},
            },
        )
        with pytest.raises(AuthenticationError) as caught:
            client.add_order_note(7, "hello")
    assert "Read/Write" in str(caught.value)


# -- errors -----------------------------------------------------------------------------------


def test_duplicate_sku_keeps_code_and_data():
    client, _ = https_client()
    body = {
        "code": "product_invalid_sku",
        "message": "Invalid or duplicated SKU.",
        "data": {"status": 400, "resource_id": 73, "unique_sku": "GOLD-1"},
    }
    with responses.RequestsMock() as rsps:
        rsps.post(API + "products", status=400, json=body)
        with pytest.raises(ValidationError) as caught:
            client.post("products", {"name": "X", "sku": "GOLD"})
    error = caught.value
    assert error.code == "product_invalid_sku"
    assert error.body["data"]["resource_id"] == 73
    assert str(error) == (
        "WooCommerce refused POST products: product_invalid_sku (Invalid or duplicated SKU)."
    )


def test_invalid_parameter_names_the_problem():
    client, _ = https_client()
    body = {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): per_page",
        "data": {
            "status": 400,
            "params": {"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"},
        },
    }
    with responses.RequestsMock() as rsps:
        rsps.get(API + "products", status=400, json=body)
        with pytest.raises(ValidationError) as caught:
            client.get("products", per_page=101)
    assert "per_page must be between 1" in str(caught.value)


def test_html_instead_of_json_means_not_a_woocommerce_store():
    client, _ = https_client()
    page = "<!DOCTYPE html><html><head><title>My blog</title></head></html>"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(
            API + "settings/tax/woocommerce_prices_include_tax", body=page, content_type="text/html"
        )
        rsps.get(API + "products", body=page, content_type="text/html")
        with pytest.raises(MalformedResponse):
            client.get("products")
        check = client.system_check()
    assert not check.is_store and not check.ok
    assert "does not look like a WooCommerce store" in check.problem


# -- paging -----------------------------------------------------------------------------------


def test_iter_pages_reads_every_page_one_at_a_time():
    client, _ = https_client()
    pages = {1: [{"id": 1}, {"id": 2}], 2: [{"id": 3}, {"id": 4}], 3: [{"id": 5}]}
    with responses.RequestsMock() as rsps:
        for number, items in pages.items():
            rsps.get(
                API + "products",
                json=items,
                headers={"X-WP-Total": "5", "X-WP-TotalPages": "3"},
                match=[
                    responses.matchers.query_param_matcher(
                        {"page": str(number), "per_page": "2", "status": "publish"}
                    )
                ],
            )
        pager = client.iter_pages("products", {"status": "publish"}, per_page=2)
        first = next(pager)
        assert len(rsps.calls) == 1  # lazily: the next page is asked for only when needed
        seen = [first, *pager]
        assert len(rsps.calls) == 3
    assert [item["id"] for item in seen] == [1, 2, 3, 4, 5]


def test_iter_pages_of_an_unpaged_list_is_one_call():
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "payment_gateways", json=[{"id": "bacs"}, {"id": "cod"}])
        assert [g["id"] for g in client.iter_pages("payment_gateways")] == ["bacs", "cod"]
        assert len(rsps.calls) == 1


def test_count_reads_x_wp_total_with_one_item():
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.get(API + "customers", json=[{"id": 9}], headers={"X-WP-Total": "523"})
        assert client.count("customers", {"role": "all"}) == 523
        query = dict(parse_qsl(urlsplit(rsps.calls[0].request.url).query))
    assert query == {"role": "all", "per_page": "1", "page": "1"}


def test_date_filters_go_as_gmt_with_dates_are_gmt():
    client, _ = https_client()
    bratislava = timezone(timedelta(hours=2))
    with responses.RequestsMock() as rsps:
        rsps.get(API + "orders", json=[], headers={"X-WP-TotalPages": "0"})
        list(client.orders(modified_after=datetime(2026, 6, 1, 14, 30, 5, 123, tzinfo=bratislava)))
        query = dict(parse_qsl(urlsplit(rsps.calls[0].request.url).query))
    assert query["modified_after"] == "2026-06-01T12:30:05"
    assert query["dates_are_gmt"] == "true"


# -- batches ----------------------------------------------------------------------------------


def _echo_batch(request):
    """A shop that creates every item except those named "bad", in input order."""
    body = json.loads(request.body)
    answer = {}
    for action, items in body.items():
        out = []
        for item in items:
            if action == "create" and item.get("name") == "bad":
                out.append(
                    {
                        "id": 0,
                        "error": {
                            "code": "product_invalid_sku",
                            "message": "Invalid or duplicated SKU.",
                            "data": {"status": 400, "resource_id": 1},
                        },
                    }
                )
            elif action == "create":
                out.append({"id": 1000 + int(item["name"][1:]), **item})
            elif action == "update":
                out.append(dict(item))
            else:
                out.append({"id": item})
        answer[action] = out
    return 200, {}, json.dumps(answer)


def test_batch_of_250_goes_in_chunks_of_100_100_50_in_order_with_errors_mapped_back():
    client, _ = https_client()
    creates = [{"name": f"p{i}"} for i in range(200)]
    creates[57] = {"name": "bad"}
    creates[150] = {"name": "bad"}
    updates = [{"id": i, "name": f"u{i}"} for i in range(1, 41)]
    deletes = list(range(500, 510))
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.POST, API + "products/batch", callback=_echo_batch)
        results = client.batch("products", create=creates, update=updates, delete=deletes)
        bodies = [json.loads(call.request.body) for call in rsps.calls]
    assert [sum(len(v) for v in body.values()) for body in bodies] == [100, 100, 50]
    assert list(bodies[0]) == ["create"]
    assert list(bodies[2]) == ["update", "delete"]
    assert bodies[1]["create"][0] == {"name": "p100"}
    assert len(results) == 250
    assert all(isinstance(r, BatchResult) for r in results)
    assert [r.action for r in results] == ["create"] * 200 + ["update"] * 40 + ["delete"] * 10
    assert [r.input for r in results] == [*creates, *updates, *deletes]
    failed = [i for i, r in enumerate(results) if not r.ok]
    assert failed == [57, 150]
    assert results[57].item is None and results[57].error["code"] == "product_invalid_sku"
    assert results[57].error["data"]["resource_id"] == 1
    assert results[58].item["id"] == 1058
    assert results[240].item == {"id": 500}


def test_batch_with_creates_is_not_repeated_but_updates_are():
    client, sleeps = https_client()
    with responses.RequestsMock() as rsps:
        rsps.post(API + "orders/batch", body=requests.exceptions.ConnectionError("reset"))
        with pytest.raises(OutcomeUnknown):
            client.batch("orders", create=[{"status": "processing"}])
        assert len(rsps.calls) == 1
    with responses.RequestsMock() as rsps:
        rsps.post(API + "orders/batch", body=requests.exceptions.ConnectionError("reset"))
        rsps.post(API + "orders/batch", json={"update": [{"id": 4}]})
        results = client.batch("orders", update=[{"id": 4, "meta_data": []}])
        assert len(rsps.calls) == 2
    assert results[0].ok and results[0].item == {"id": 4}


def test_batch_answer_with_missing_items_is_malformed():
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.post(API + "products/batch", json={"create": [{"id": 1}]})
        with pytest.raises(MalformedResponse):
            client.batch("products", create=[{"name": "a"}, {"name": "b"}])


def test_json_bodies_carry_money_as_strings():
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.post(API + "products", status=201, json={"id": 1})
        client.post("products", {"regular_price": Decimal("12.50")})
        assert json.loads(rsps.calls[0].request.body) == {"regular_price": "12.50"}


# -- what the sync reads ----------------------------------------------------------------------


def test_shipping_methods_in_zones_includes_zone_0():
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.get(
            API + "shipping/zones",
            json=[
                {"id": 0, "name": "Locations not covered by your other zones", "order": 0},
                {"id": 3, "name": "Slovensko", "order": 0},
            ],
        )
        rsps.get(
            API + "shipping/zones/0/methods",
            json=[
                {"instance_id": 1, "title": "Pickup", "enabled": False, "method_id": "local_pickup"}
            ],
        )
        rsps.get(
            API + "shipping/zones/3/methods",
            json=[{"instance_id": 7, "title": "Kuriér", "enabled": True, "method_id": "flat_rate"}],
        )
        methods = client.shipping_methods_in_zones()
    assert methods == [
        {
            "zone_id": 0,
            "zone_name": "Locations not covered by your other zones",
            "instance_id": 1,
            "method_id": "local_pickup",
            "title": "Pickup",
            "enabled": False,
        },
        {
            "zone_id": 3,
            "zone_name": "Slovensko",
            "instance_id": 7,
            "method_id": "flat_rate",
            "title": "Kuriér",
            "enabled": True,
        },
    ]


def test_shipping_turned_off_gives_no_methods():
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.get(
            API + "shipping/zones",
            status=404,
            json={
                "code": "rest_no_route",
                "message": "Shipping is disabled.",
                "data": {"status": 404},
            },
        )
        assert client.shipping_methods_in_zones() == []


@pytest.mark.parametrize("value, expected", [("yes", True), ("no", False)])
def test_prices_include_tax(value, expected):
    client, _ = https_client()
    with responses.RequestsMock() as rsps:
        rsps.get(
            API + "settings/tax/woocommerce_prices_include_tax",
            json={"id": "woocommerce_prices_include_tax", "value": value},
        )
        assert client.prices_include_tax() is expected


def test_system_check_all_good_and_read_only():
    client, _ = https_client()
    setting = {"id": "woocommerce_prices_include_tax", "value": "no"}
    with responses.RequestsMock() as rsps:
        rsps.get(API + "settings/tax/woocommerce_prices_include_tax", json=setting)
        rsps.post(API + "products/batch", json=[])
        check = client.system_check()
        assert json.loads(rsps.calls[1].request.body) == {}
    assert check.ok and check.is_store and check.keys_accepted and check.can_write
    assert check.prices_include_tax is False
    read_only = {
        "code": "woocommerce_rest_authentication_error",
        "message": "The API key provided does not have write permissions.",
        "data": {"status": 401},
    }
    with responses.RequestsMock() as rsps:
        rsps.get(API + "settings/tax/woocommerce_prices_include_tax", json=setting)
        rsps.post(API + "products/batch", status=401, json=read_only)
        check = client.system_check()
    assert check.is_store and check.keys_accepted and not check.can_write
    assert "Read/Write" in check.problem


def test_store_address_without_scheme_means_https():
    client = WooCommerceClient("shop.test/", KEY, SECRET)
    assert client.base_url == "https://shop.test/wp-json/wc/v3/"
    assert client.https
    assert SECRET not in repr(client)


# -- integration: real HTTP against the simulated shop ----------------------------------------

WOO_KEY, WOO_SECRET = "ck_sandbox", "cs_sandbox"


def sandbox(server, path, payload=None, method=None):
    method = method or ("POST" if payload is not None else "GET")
    answer = requests.request(method, server.url + "/__sandbox__/" + path, json=payload, timeout=5)
    answer.raise_for_status()
    return answer.json()


def shop(server, **options):
    options.setdefault("sleep", lambda s: None)
    return WooCommerceClient(server.url, WOO_KEY, WOO_SECRET, **options)


def test_sandbox_keys_accepted_and_refused(woo_server):
    good = shop(woo_server)
    check = good.system_check()
    assert check.ok, check.problem
    assert check.is_store and check.keys_accepted and check.can_write
    bad = WooCommerceClient(woo_server.url, WOO_KEY, "cs_wrong_secret")
    with pytest.raises(AuthenticationError) as caught:
        bad.get("products")
    assert caught.value.status == 401
    assert "cs_wrong_secret" not in str(caught.value) + repr(caught.value)
    assert "consumer key or secret is wrong" in str(caught.value)
    check = bad.system_check()
    assert check.is_store and not check.keys_accepted and not check.ok


def test_sandbox_batch_over_100_and_paging_across_pages(woo_empty):
    client = shop(woo_empty)
    names = [f"Kategória {i:03d}" for i in range(250)]
    results = client.batch("products/categories", create=[{"name": n} for n in names])
    assert len(results) == 250 and all(r.ok for r in results)
    assert [r.item["name"] for r in results] == names
    stats = sandbox(woo_empty, "stats")
    assert stats["by_path"].get("POST /wp-json/wc/v3/products/categories/batch") == 3
    sandbox(woo_empty, "stats", method="DELETE")
    seen = list(client.categories())
    # WooCommerce's own "Uncategorized" is there from the start, like in a real shop.
    assert sorted(c["name"] for c in seen if c["name"] != "Uncategorized") == names
    assert len({c["id"] for c in seen}) == len(seen) == 251
    stats = sandbox(woo_empty, "stats")
    assert stats["by_path"] == {"GET /wp-json/wc/v3/products/categories": 3}
    assert client.count("products/categories") == 251


def test_sandbox_batch_reports_a_duplicate_sku_per_item(woo_empty):
    client = shop(woo_empty)
    results = client.batch(
        "products",
        create=[
            {"name": "A", "sku": "DUP-1", "regular_price": "1.00"},
            {"name": "B", "sku": "DUP-1", "regular_price": "2.00"},
            {"name": "C", "sku": "OK-2", "regular_price": "3.00"},
        ],
    )
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error["code"] == "product_invalid_sku"
    assert results[1].error["data"]["resource_id"] == results[0].item["id"]


def test_sandbox_503_burst_then_success(woo_server, caplog):
    client = shop(woo_server)
    sandbox(woo_server, "faults", {"next": ["503", "503"]})
    with caplog.at_level(logging.WARNING, logger="connector.http"):
        products = client.get("products", per_page=5)
    assert isinstance(products, list) and products
    assert len([r for r in caplog.records if r.name == "connector.http"]) == 2
    assert WOO_SECRET not in caplog.text


def test_sandbox_429_retry_after_is_honoured(woo_server):
    sleeps = []
    client = shop(woo_server, sleep=sleeps.append)
    sandbox(woo_server, "faults", {"next": ["429"], "retry_after": 2})
    assert isinstance(client.get("products", per_page=1), list)
    assert sleeps == [2.0]


def test_sandbox_429_for_ever_ends_rate_limited(woo_server):
    client = shop(woo_server, max_throttled_attempts=3)
    sandbox(woo_server, "faults", {"next": ["429"] * 3, "retry_after": 1})
    with pytest.raises(RateLimited):
        client.get("products")


def test_sandbox_timeouts_exhaust_the_budget(woo_server):
    client = shop(woo_server, read_timeout=0.2, max_attempts=2)
    sandbox(woo_server, "faults", {"next": ["timeout", "timeout"], "timeout_seconds": 1})
    with pytest.raises(Unavailable) as caught:
        client.get("products")
    assert "did not answer within 0.2 s" in str(caught.value)
    assert "GET products" in str(caught.value)


def test_sandbox_cut_off_answer_is_retried(woo_server):
    client = shop(woo_server)
    sandbox(woo_server, "faults", {"next": ["cutoff"]})
    assert isinstance(client.get("products", per_page=3), list)
    stats = sandbox(woo_server, "stats")
    assert stats["by_path"]["GET /wp-json/wc/v3/products"] == 2


def test_sandbox_reference_lists(woo_server):
    client = shop(woo_server)
    zones = client.get("shipping/zones")
    expected = [
        (zone["id"], method["instance_id"], method["method_id"])
        for zone in zones
        for method in client.get(f"shipping/zones/{zone['id']}/methods")
    ]
    assert zones[0]["id"] == 0 and expected
    sandbox(woo_server, "stats", method="DELETE")
    methods = client.shipping_methods_in_zones()
    assert [(m["zone_id"], m["instance_id"], m["method_id"]) for m in methods] == expected
    assert all(m["title"] and isinstance(m["enabled"], bool) for m in methods)
    by_path = sandbox(woo_server, "stats")["by_path"]
    assert by_path["GET /wp-json/wc/v3/shipping/zones/{id}/methods"] == len(zones)  # zone 0 too
    gateways = client.payment_gateways()
    assert gateways and all("id" in g for g in gateways)
    assert client.prices_include_tax() in (True, False)


def test_sandbox_order_note(woo_server):
    client = shop(woo_server)
    order = next(iter(client.orders()))
    note = client.add_order_note(order["id"], "Exported to FLOWii as OP2026000001.")
    assert note["note"] == "Exported to FLOWii as OP2026000001."
    notes = client.get(f"orders/{order['id']}/notes")
    assert any(n["note"] == "Exported to FLOWii as OP2026000001." for n in notes)


def test_sandbox_modified_after_filters_orders(woo_server):
    client = shop(woo_server)
    future = datetime.now(UTC) + timedelta(days=365)
    assert list(client.orders(modified_after=future)) == []
    assert client.count("orders") > 0
