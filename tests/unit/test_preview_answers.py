"""The dry-run answers (http.DryRun with each adapter's preview_answer): a write is kept and
answered in the remote's shape without a request; reads and FLOWii's login go out; reads of
records a preview made up never leave."""

from __future__ import annotations

from decimal import Decimal

import pytest
import responses

from connector import flowii as flowii_api
from connector import woocommerce as woo_api
from connector.flowii import FlowiiClient
from connector.http import MADE_UP_FROM, DryRun, NotFound, made_up_id
from connector.records import PartnerData
from connector.woocommerce import WooCommerceClient

SHOP = "https://shop.test"
FLOWII = "https://api.flowii.test"


def woo():
    client = WooCommerceClient(SHOP, "ck_x", "cs_x", sleep=lambda s: None)
    client.http.dry_run = DryRun(client.base_url, woo_api.preview_answer)
    return client


def flowii():
    client = FlowiiClient(FLOWII, "a@b.test", "pw-secret", "key-secret", company_id=7)
    client.http.dry_run = DryRun(
        client.base_url, flowii_api.preview_answer, first_id=flowii_api.PREVIEW_FIRST_ID
    )
    return client


@pytest.mark.parametrize(
    "value, expected",
    [(-1, True), ("-12", True), (MADE_UP_FROM + 1, True), (str(MADE_UP_FROM), True)],
)
def test_made_up_ids(value, expected):
    assert made_up_id(value) is expected


@pytest.mark.parametrize("value", [0, 1, "457855", "", None, "abc", "-x"])
def test_real_ids(value):
    assert made_up_id(value) is False


@responses.activate
def test_a_shop_batch_is_answered_in_woocommerces_shape_without_a_request():
    client = woo()
    results = client.write_products(
        create=[{"name": "A", "regular_price": Decimal("1.50")}, {"name": "B"}],
        update=[{"id": 5, "name": "C"}],
    )
    assert len(responses.calls) == 0
    assert [r.action for r in results] == ["create", "create", "update"]
    assert [r.item["id"] for r in results] == [-1, -2, 5]
    assert all(r.ok for r in results)
    (kept,) = client.http.dry_run.writes
    assert (kept.system, kept.method, kept.path) == ("WooCommerce", "POST", "/products/batch")
    # The body as it would have gone: money as WooCommerce's decimal strings.
    assert kept.body["create"][0] == {"name": "A", "regular_price": "1.50"}


@responses.activate
def test_an_order_note_and_order_numbers_are_kept_too():
    client = woo()
    note = client.add_order_note(12, "FLOWii 2025001")
    assert note["id"] == -1 and note["note"] == "FLOWii 2025001"
    (result,) = client.write_order_numbers([(12, "2025001")])
    assert result.ok and result.item["id"] == 12
    assert [w.path for w in client.http.dry_run.writes] == ["/orders/12/notes", "/orders/batch"]
    assert len(responses.calls) == 0


@responses.activate
def test_shop_reads_go_to_the_shop():
    responses.get(
        f"{SHOP}/wp-json/wc/v3/products",
        json=[{"id": 3, "sku": "X"}],
        headers={"X-WP-Total": "1", "X-WP-TotalPages": "1"},
    )
    assert [p["id"] for p in woo().products()] == [3]
    assert len(responses.calls) == 1


def token():
    responses.post(
        f"{FLOWII}/token", json={"access_token": "t", "expires_in": 600, "refresh_token": "r"}
    )


@responses.activate
def test_a_flowii_create_gets_an_id_no_record_has_and_the_login_goes_out():
    token()
    client = flowii()
    first = client.create_partner(PartnerData(name="Nová s.r.o.", type=1))
    second = client.create_partner(PartnerData(name="Druhá", type=1))
    assert (first, second) == (MADE_UP_FROM + 1, MADE_UP_FROM + 2)
    assert [c.request.url.split("?")[0] for c in responses.calls] == [f"{FLOWII}/token"]
    kept = client.http.dry_run.writes
    assert [(w.method, w.path) for w in kept] == [("POST", "/partners"), ("POST", "/partners")]
    assert kept[0].body["data"]["attributes"]["name"] == "Nová s.r.o."
    # The login's password is never among what a preview keeps.
    assert "pw-secret" not in repr(kept)


@responses.activate
def test_a_flowii_update_comes_back_as_sent():
    token()
    client = flowii()
    client.update_partner(8, PartnerData(name="Nová", type=1))
    (kept,) = client.http.dry_run.writes
    assert (kept.method, kept.path) == ("PATCH", "/partners/8")
    assert kept.answer == {"data": kept.body["data"]}


@responses.activate
def test_reads_of_made_up_flowii_records_never_leave():
    token()
    client = flowii()
    made_up = MADE_UP_FROM + 3
    assert list(client.partner_documents(made_up)) == []
    with pytest.raises(NotFound):
        client.partner(made_up)
    assert [c.request.url.split("?")[0] for c in responses.calls] == [f"{FLOWII}/token"]


@responses.activate
def test_flowii_reads_go_to_flowii():
    token()
    responses.get(f"{FLOWII}/countries", json={"data": [{"type": "country", "id": "1"}]})
    assert [c["id"] for c in flowii().countries()] == [1]
    assert len(responses.calls) == 2
