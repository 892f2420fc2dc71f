"""The simulator accepts requests signed by an independent OAuth 1.0a implementation: the
official WooCommerce Python client, talking to it over real HTTP."""

from woocommerce import API

from tests.conftest import WOO_KEY, WOO_SECRET


def _api(server, secret=WOO_SECRET):
    return API(
        url=server.url, consumer_key=WOO_KEY, consumer_secret=secret, version="wc/v3", timeout=10
    )


def test_official_client_reads_and_writes(woo_empty):
    api = _api(woo_empty)
    created = api.post("products", {"name": "Hrnček Žilina", "sku": "HR-1", "regular_price": "7.5"})
    assert created.status_code == 201, created.text
    listed = api.get("products", params={"per_page": 5, "sku": "HR-1"})
    assert listed.status_code == 200
    assert [p["name"] for p in listed.json()] == ["Hrnček Žilina"]
    assert listed.headers["X-WP-Total"] == "1"


def test_official_client_with_a_wrong_secret_is_refused(woo_empty):
    reply = _api(woo_empty, secret="cs_wrong").get("products")
    assert reply.status_code == 401
    assert reply.json()["code"] == "woocommerce_rest_authentication_error"
    assert "signature" in reply.json()["message"]
