"""The simulated shop's variations batch as a real WooCommerce 10 store answers it: no check
of the variable product before the items (the route only passes its id on to each item), so
a batch for a variable product that is gone answers 200 and refuses every item."""

import requests

from tests.conftest import WOO_KEY, WOO_SECRET

API = "/wp-json/wc/v3/"


def call(server, method, path, **kwargs):
    server.service.trust_forwarded_proto = True
    try:
        return requests.request(
            method,
            server.url + API + path,
            auth=(WOO_KEY, WOO_SECRET),
            headers={"X-Forwarded-Proto": "https"},
            timeout=30,
            **kwargs,
        )
    finally:
        server.service.trust_forwarded_proto = False


def test_a_batch_for_a_deleted_variable_product_refuses_each_item(woo_server):
    (medium,) = call(woo_server, "GET", "products", params={"sku": "SIM-VAR-TRICKO-M"}).json()
    parent = medium["parent_id"]
    assert call(woo_server, "DELETE", f"products/{parent}", params={"force": "true"}).ok
    answer = call(
        woo_server,
        "POST",
        f"products/{parent}/variations/batch",
        json={"update": [{"id": medium["id"], "regular_price": "1.00"}]},
    )
    assert answer.status_code == 200
    (refused,) = answer.json()["update"]
    assert refused["id"] == medium["id"]
    assert refused["error"]["code"] == "woocommerce_rest_product_variation_invalid_id"
    assert refused["error"]["data"]["status"] == 400
    # the variation went with its variable product
    gone = call(woo_server, "GET", f"products/{parent}/variations/{medium['id']}")
    assert gone.status_code == 404
