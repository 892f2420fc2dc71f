"""The preview of each one-off action over real HTTP against the simulated shop and FLOWii:
it sends no write to either (their request counters), changes no row of the connector's
tables, and lists exactly what the action then does: the same records created, updated,
linked and left out, the same counts, the created records the ones that then exist."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.apps import apps
from django.utils import timezone

from connector.models import Settings, SyncLog, SyncRun
from connector.preview import dry_clients, places, preview, rehearse
from connector.preview_report import Line, outcome_keys
from connector.sync.locks import RunRefused
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import configure_for_sandbox
from sandbox.flowii_seed import FLOWII_CHOICES

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(woo_server, flowii_server):
    settings = configure_for_sandbox(woo_server.url, flowii_server.url)
    settings.partner_custom_field_id = FLOWII_CHOICES["partner_custom_field_id"]
    settings.save()
    return woo_server, flowii_server


def rows() -> dict:
    """Every row of every connector table, as values: what "nothing changed" compares."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_app_config("connector").get_models()
    }


def writes(server) -> dict:
    """The requests that could change something (the login changes nothing)."""
    counted = server.service.stats_snapshot()["by_path"]
    return {
        k: n for k, n in counted.items() if n and not k.startswith("GET ") and k != "POST /token"
    }


def reads(server) -> int:
    return server.service.stats_snapshot()["by_method"].get("GET", 0)


def clear(*servers):
    for server in servers:
        server.service.stats.clear()


def run_lines(result) -> list[Line]:
    return [
        Line(r.level, r.code, r.params or {}, r.kind, r.shop_id, r.flowii_id)
        for r in SyncLog.objects.filter(run=result).order_by("pk")
    ]


def rehearsal(kind):
    woo, flowii = dry_clients(Settings.load())
    return rehearse(kind, woo, flowii)


def preview_then_run(kind, woo_server, flowii_server):
    """The preview (nothing written anywhere, checked) and then the action itself."""
    before = rows()
    clear(woo_server, flowii_server)
    report = preview(kind)
    assert report["status"] == SyncRun.Status.SUCCEEDED, report["reason"]
    assert writes(woo_server) == {} and writes(flowii_server) == {}
    assert reads(woo_server) + reads(flowii_server) > 0  # it did read both sides
    assert rows() == before
    planned = rehearsal(kind)
    assert rows() == before
    full = kind != "orders"
    result = run(kind, SyncRun.Trigger.BUTTON, full=full)
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    return report, planned, result


def assert_same(report, planned, result):
    """The preview's lists are the run's, record for record, and its counts the run's."""
    done = outcome_keys(run_lines(result), places())
    assert outcome_keys(planned["lines"], places()) == done
    assert {name: len(keys) for name, keys in done.items()} == {
        name: found["count"] for name, found in report["lists"].items()
    }
    assert report["counts"] == {name: getattr(result, name) for name in SyncRun.COUNTS}
    assert report["counts_by_kind"] == result.counts_by_kind


def test_products_preview_writes_nothing_and_lists_what_the_import_then_does(sandbox):
    woo_server, flowii_server = sandbox
    shop = WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")
    skus_before = {p["sku"] for p in shop.products()}
    report, planned, result = preview_then_run("products", woo_server, flowii_server)
    assert_same(report, planned, result)
    lists = report["lists"]
    # The seeded shop has products with FLOWii's SKUs already: linked, not made twice.
    assert report["linked_by"]["sku"] == lists["linked"]["by_kind"]["product"] > 0
    created_skus = {i["sku"] for i in lists["created"]["items"] if i["kind"] == "product"}
    assert created_skus and not created_skus & skus_before
    assert created_skus <= {p["sku"] for p in shop.products()} - skus_before
    # A new product shows what it is written with; a linked one its values now and then.
    product = next(i for i in lists["created"]["items"] if i["kind"] == "product")
    fields = {name: new for name, _old, new in product["changes"]}
    assert fields["sku"] == product["sku"] and fields["name"] == product["name"]
    linked = next(i for i in lists["linked"]["items"] if i["kind"] == "product")
    now = next(p for p in shop.products() if str(p["id"]) == linked["shop_id"])
    for name, _old, new in linked["changes"]:
        if name in ("name", "regular_price", "sku"):
            assert str(now[name]) == new  # the run wrote what the preview said
    # The non-stock and shipping goods, left out as the settings say, with their number.
    assert [r[:2] for r in report["left_out_reasons"]] == [["goods.left_out", result.skipped]]


def test_customers_preview_lists_partners_made_and_linked_by_e_mail(sandbox):
    woo_server, flowii_server = sandbox
    report, planned, result = preview_then_run("customers", woo_server, flowii_server)
    assert_same(report, planned, result)
    assert report["linked_by"] == {"email": 1, "ico": 1}
    linked = {i["by"]: i for i in report["lists"]["linked"]["items"]}
    # old -> new of the partner FLOWii has: the street it has now and the shop's.
    street = {n: (o, v) for n, o, v in linked["email"]["changes"]}["billing-address.street"]
    assert street[0] and street[1] and street[0] != street[1]
    answer = requests.get(flowii_server.url + "/__sandbox__/created", timeout=10).json()
    names = sorted(
        p["name"]
        for p in answer["partners"]
        if int(p["id"]) not in (int(linked["email"]["flowii_id"]), int(linked["ico"]["flowii_id"]))
    )
    assert names == sorted(i["name"] for i in report["lists"]["created"]["items"])


def test_earlier_orders_preview_lists_the_orders_the_backfill_then_sends(sandbox):
    woo_server, flowii_server = sandbox
    assert run("products").status == SyncRun.Status.SUCCEEDED  # the orders' goods linked
    settings = Settings.load()
    settings.new_orders_from = timezone.now() + timedelta(days=1)  # every order is earlier
    settings.save()
    report, planned, result = preview_then_run("historic-orders", woo_server, flowii_server)
    assert_same(report, planned, result)
    orders = report["lists"]["created"]["by_kind"]["order"]
    assert orders == result.counts_by_kind["order"]["created"] > 0
    order = next(i for i in report["lists"]["created"]["items"] if i["kind"] == "order")
    fields = {name for name, _old, _new in order["changes"]}
    assert {"issue-date", "partner", "items.1.name", "items.1.quantity"} <= fields
    # Its artefact (no FLOWii total to read back) is not among the warnings.
    assert "orders.total_unread" not in {w["code"] for w in report["warnings"]["items"]}


def test_new_orders_preview_matches_the_run_too(sandbox):
    woo_server, flowii_server = sandbox
    report, planned, result = preview_then_run("orders", woo_server, flowii_server)
    assert_same(report, planned, result)


def test_a_preview_is_refused_while_a_run_of_its_kind_holds_the_lock(sandbox):
    from connector.sync import locks

    holder = SyncRun.objects.create(kind=SyncRun.Kind.CUSTOMERS, trigger=SyncRun.Trigger.BUTTON)
    locks.acquire(["customers"], holder)
    with pytest.raises(RunRefused):
        preview("customers")
    assert preview("products")["status"] == SyncRun.Status.SUCCEEDED  # another kind may


def test_a_preview_without_settings_says_what_is_missing(db):
    report = preview("customers")
    assert report["status"] == SyncRun.Status.FAILED
    assert "Settings" in report["reason"]
    assert SyncRun.objects.count() == 0


def test_a_good_with_a_variations_sku_is_previewed_as_that_variation_linked(sandbox):
    woo_server, flowii_server = sandbox
    sku = "SIM-VAR-TRICKO-M"  # a variation of the seeded shop's variable T-shirt
    answer = requests.post(
        f"{flowii_server.url}/__sandbox__/goods",
        json={
            "name": "Tričko s logom M",
            "serial-nr": sku,
            "selling-price": 24.0,
            "selling-price-type": 0,
            "vat-rate": 20,
        },
        timeout=10,
    )
    assert answer.ok, answer.text
    report, planned, result = preview_then_run("products", woo_server, flowii_server)
    assert_same(report, planned, result)
    (linked,) = [i for i in report["lists"]["linked"]["items"] if i["sku"] == sku]
    assert linked["code"] == "variation.linked"
    price = {name: (old, new) for name, old, new in linked["changes"]}["regular_price"]
    shop = WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")
    now = next(
        v
        for p in shop.products()
        if p.get("type") == "variable"
        for v in shop.get(f"products/{p['id']}/variations")
        if v["sku"] == sku
    )
    assert price[0] != price[1] == now["regular_price"]  # old -> new, and the run wrote new
