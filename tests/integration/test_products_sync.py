"""The products stream over real HTTP against the simulated FLOWii account and shop: a first
import fills the shop exactly, a second writes nothing, each change in FLOWii is written
exactly, and bad goods, deleted products, the VAT mode and the stock switch are handled."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
import requests

from connector.binder import Binder, Kind
from connector.clients import build_clients
from connector.models import Bookmark, Retry, Settings, SyncLog, SyncRun
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import configure_for_sandbox
from sandbox.flowii_seed import FLOWII_CHOICES

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")
LEFT_OUT = set(FLOWII_CHOICES["non_stock_category_ids"]) | set(
    FLOWII_CHOICES["shipping_category_ids"]
)


@pytest.fixture
def empty_shop(woo_empty, flowii_server):
    configure_for_sandbox(woo_empty.url, flowii_server.url)
    return woo_empty, flowii_server


def shop(woo_server) -> WooCommerceClient:
    return WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")


def hook(server, action, body=None, method="POST"):
    answer = requests.request(method, f"{server.url}/__sandbox__/{action}", json=body, timeout=10)
    assert answer.ok, answer.text
    return answer.json()


def flowii(server, kind):
    return requests.get(f"{server.url}/__sandbox__/state?kind={kind}", timeout=10).json()[kind]


def requests_made(server) -> dict:
    return server.service.stats_snapshot()["by_path"]


def writes(server) -> dict:
    return {k: n for k, n in requests_made(server).items() if not k.startswith("GET ") and n}


def clear(*servers):
    for server in servers:
        server.service.stats.clear()


def imported_goods(flowii_server) -> list[dict]:
    return [
        g
        for g in flowii(flowii_server, "goods")
        if int(g["category_id"] or 0) not in LEFT_OUT
        and int(g["subcategory_id"] or 0) not in LEFT_OUT
    ]


def ok(result, status=SyncRun.Status.SUCCEEDED):
    assert result.status == status, (result.reason, list(messages()))
    return result


def messages(level=None):
    logs = SyncLog.objects.order_by("id")
    return [m.message for m in (logs.filter(level=level) if level else logs)]


def products_by_sku(woo) -> dict:
    return {p["sku"]: p for p in shop(woo).products()}


def test_a_first_import_fills_the_shop_exactly_and_a_second_writes_nothing(empty_shop):
    woo, fl = empty_shop
    ok(run("products"))
    goods = imported_goods(fl)
    products = list(shop(woo).products())
    assert sorted(p["sku"] for p in products) == sorted(g["serial-nr"] for g in goods)
    assert {p["status"] for p in products} == {"draft"}
    by_sku = {p["sku"]: p for p in products}
    for good in goods:
        assert by_sku[good["serial-nr"]]["virtual"] is (good["type"] == 1)
        assert by_sku[good["serial-nr"]]["name"] == good["name"]
    # The tree, parents kept, without the non-stock and shipping categories.
    cats = [c for c in flowii(fl, "good_categories")]
    wanted = [
        c for c in cats if int(c["id"]) not in LEFT_OUT and int(c["parent_id"] or 0) not in LEFT_OUT
    ]
    links = Binder(Kind.CATEGORY)
    # the shop's own default category is there before any import
    shop_cats = {c["id"]: c for c in shop(woo).categories() if c["slug"] != "uncategorized"}
    assert len(shop_cats) == len(wanted)
    for cat in wanted:
        mine = shop_cats[int(links.by_flowii(int(cat["id"])).shop_id)]
        assert mine["name"] == cat["name"]
        parent = int(links.by_flowii(int(cat["parent_id"])).shop_id) if cat["parent_id"] else 0
        assert mine["parent"] == parent
    # each product in its most specific category
    for good in goods:
        where = good["subcategory_id"] or good["category_id"]
        in_shop = [c["id"] for c in by_sku[good["serial-nr"]]["categories"]]
        if where:
            assert in_shop == [int(links.by_flowii(int(where)).shop_id)]
        else:  # in no category: the shop shows it in its default one
            assert all(i not in shop_cats for i in in_shop)

    clear(woo, fl)
    ok(run("products"))
    assert writes(woo) == {}
    # Nothing changed: one page of changed goods, and of the shop only its VAT mode (a
    # switch there must reprice every product on the next run).
    assert requests_made(fl).get("GET /goods") == 1
    assert requests_made(woo) == {
        "GET /wp-json/wc/v3/settings/tax/woocommerce_prices_include_tax": 1
    }


def test_request_counts_of_a_full_and_an_incremental_run(empty_shop):
    woo, fl = empty_shop
    clear(woo, fl)
    ok(run("products"))
    cats = flowii(fl, "good_categories")
    tops = [c for c in cats if c["parent_id"] is None]
    subs = [c for c in cats if c["parent_id"] and int(c["parent_id"]) not in LEFT_OUT]
    made = requests_made(fl)
    # the tree: 1 + one per top category
    assert made["GET /goodcategories"] + made["GET /goodcategories/{id}/goodcategories"] == 1 + len(
        tops
    )
    # goods: the plain list (2 pages of 50), one list per top category and per subcategory
    # (one page each here), and the services' list
    goods_pages = -(-len(flowii(fl, "goods")) // 50)
    assert made["GET /goods"] == goods_pages + len(tops) + len(subs) + 1
    assert "GET /goods/{id}" not in made

    # Two goods change: their details are cheaper than the lists.
    ids = [int(g["id"]) for g in imported_goods(fl)[:2]]
    for good_id in ids:
        hook(fl, "goods", {"id": good_id, "selling-price": 77})
    clear(woo, fl)
    ok(run("products"))
    made = requests_made(fl)
    assert made["GET /goods"] == 1 and made["GET /goods/{id}"] == 2
    assert writes(woo) == {"POST /wp-json/wc/v3/products/batch": 1}


def test_changes_in_flowii_are_written_exactly(empty_shop):
    woo, fl = empty_shop
    ok(run("products"))
    goods = imported_goods(fl)
    priced = next(g for g in goods if g["selling-price-type"] == 0 and g["type"] == 0)
    renamed = goods[1]
    hook(fl, "goods", {"id": int(priced["id"]), "selling-price": 12.5})
    hook(fl, "goods", {"id": int(renamed["id"]), "name": "Nový názov"})
    # a subcategory moved under another category
    cats = flowii(fl, "good_categories")
    sub = next(c for c in cats if c["parent_id"] and int(c["parent_id"]) not in LEFT_OUT)
    other = next(
        c
        for c in cats
        if c["parent_id"] is None and int(c["id"]) not in LEFT_OUT and c["id"] != sub["parent_id"]
    )
    hook(fl, "goodcategories", {"id": int(sub["id"]), "parent_id": int(other["id"])})
    hook(fl, "goodcategories", {"id": int(other["id"]), "name": "Premenovaná"})
    clear(woo)
    result = ok(run("products"))
    by_sku = products_by_sku(woo)
    assert Settings.load().prices_with_vat == "shop"
    expected = Decimal("12.5")
    if not shop(woo).prices_include_tax():  # FLOWii's price is with VAT: the net goes over
        expected = expected / (1 + Decimal(priced["vat-rate"]) / 100)
    assert by_sku[priced["serial-nr"]]["regular_price"] == str(expected.quantize(Decimal("0.01")))
    assert by_sku[renamed["serial-nr"]]["name"] == "Nový názov"
    links = Binder(Kind.CATEGORY)
    shop_cats = {c["id"]: c for c in shop(woo).categories()}
    moved = shop_cats[int(links.by_flowii(int(sub["id"])).shop_id)]
    assert moved["parent"] == int(links.by_flowii(int(other["id"])).shop_id)
    assert shop_cats[moved["parent"]]["name"] == "Premenovaná"
    assert result.created == 0
    assert len(shop_cats) == len([c for c in shop(woo).categories()])


def test_switching_the_vat_mode_reprices_every_product_with_one_line(empty_shop):
    woo, fl = empty_shop
    ok(run("products"))
    before = products_by_sku(woo)
    with_vat = not shop(woo).prices_include_tax()  # the other way round from now on
    settings = Settings.load()
    settings.prices_with_vat = Settings.PricesWithVat.YES if with_vat else Settings.PricesWithVat.NO
    settings.save()
    clear(woo)
    result = ok(run("products"))
    after = products_by_sku(woo)
    assert result.updated == len(before)
    goods = {g["serial-nr"]: g for g in imported_goods(fl)}
    for sku, good in goods.items():
        price, factor = Decimal(str(good["selling-price"])), 1 + Decimal(good["vat-rate"]) / 100
        if good["selling-price-type"] == 0 and not with_vat:
            price = price / factor
        elif good["selling-price-type"] == 1 and with_vat:
            price = price * factor
        assert Decimal(after[sku]["regular_price"]) == price.quantize(CENT, ROUND_HALF_UP)
    said = [m for m in messages() if "written again" in m]
    assert len(said) == 1 and str(len(before)) in said[0]


def test_a_product_deleted_in_the_shop_is_created_again_as_a_draft(empty_shop):
    woo, fl = empty_shop
    ok(run("products"))
    good = imported_goods(fl)[0]
    product = products_by_sku(woo)[good["serial-nr"]]
    shop(woo).delete(f"products/{product['id']}", force=True)
    # the deletion shows when the product is written: a change in FLOWii
    hook(fl, "goods", {"id": int(good["id"]), "name": "Po zmazaní"})
    ok(run("products"))
    again = products_by_sku(woo)[good["serial-nr"]]
    assert again["id"] != product["id"] and again["status"] == "draft"
    assert again["name"] == "Po zmazaní"
    assert any("deleted in the shop" in m for m in messages("warning"))
    # and a full import finds it without any change in FLOWii
    shop(woo).delete(f"products/{again['id']}", force=True)
    ok(run("products", full=True))
    assert products_by_sku(woo)[good["serial-nr"]]["status"] == "draft"


def test_stock_is_imported_only_when_an_attribute_is_named_and_only_when_it_changes(empty_shop):
    woo, fl = empty_shop
    hook(fl, "stock", {"attribute": "stock-quantity"})
    ok(run("products"))  # no attribute named in the settings: no stock fields at all
    assert {p["manage_stock"] for p in shop(woo).products()} == {False}

    settings = Settings.load()
    settings.stock_attribute = "stock-quantity"
    settings.save()
    ok(run("products", full=True))
    goods = {g["serial-nr"]: g for g in imported_goods(fl)}
    by_sku = products_by_sku(woo)
    for sku, good in goods.items():
        assert by_sku[sku]["manage_stock"] is True
        assert by_sku[sku]["stock_quantity"] == max(int(Decimal(str(good["stock"]))), 0)

    first, second = list(goods.values())[:2]
    hook(fl, "goods", {"id": int(first["id"]), "stock": -2})
    hook(fl, "goods", {"id": int(second["id"]), "selling-price": 55})
    clear(woo)
    woo_client, flowii_client = build_clients(Settings.load())
    sent = []
    write_products = woo_client.write_products

    def recording(create=(), update=()):
        sent.extend(update)
        return write_products(create=create, update=update)

    woo_client.write_products = recording
    ok(run("products", clients=(woo_client, flowii_client)))
    by_sku = products_by_sku(woo)
    assert by_sku[first["serial-nr"]]["stock_quantity"] == 0
    assert any("shows 0" in m for m in messages("warning"))
    # the stock change sent the stock only; the price change did not send the stock again
    fields = {by_id[p["id"]]: set(p) for p in sent for by_id in [_skus_by_id(woo)]}
    assert fields[first["serial-nr"]] == {"id", "manage_stock", "stock_quantity"}
    assert "stock_quantity" not in fields[second["serial-nr"]]
    assert "regular_price" in fields[second["serial-nr"]]

    # the attribute gone from FLOWii's answers: the shop's stock is left as it is
    hook(fl, "stock", {"attribute": None})
    clear(woo)
    ok(run("products", full=True))
    assert writes(woo) == {}
    assert sum("carry no attribute “stock-quantity”" in m for m in messages("warning")) == 1


def _skus_by_id(woo) -> dict:
    return {p["id"]: p["sku"] for p in shop(woo).products()}


def test_a_bad_good_is_said_clearly_and_the_rest_imports(empty_shop):
    woo, fl = empty_shop
    firm = next(iter(fl.service.firms.values()))
    goods = sorted(firm.goods.values(), key=lambda g: g["id"])
    ordinary = [g for g in goods if g["_category"] not in LEFT_OUT]
    no_number, bad_price, twin = ordinary[0], ordinary[1], ordinary[2]
    with fl.service.lock:
        firm.goods[no_number["id"]] = {**no_number, "serial-nr": None}
        firm.goods[bad_price["id"]] = {**bad_price, "selling-price": "abc"}
        firm.goods[ordinary[3]["id"]] = {
            **ordinary[3],
            "serial-nr": " " + twin["serial-nr"].lower(),
        }
        firm.goods_changed()
    result = ok(run("products"), SyncRun.Status.PARTLY_FAILED)
    errors = messages("error")
    assert any("has no product number" in m and str(no_number["id"]) in m for m in errors)
    assert any("not a number ('abc')" in m and bad_price["serial-nr"] in m for m in errors)
    assert sum("same product number" in m for m in errors) == 2
    assert result.failed == 4
    skus = {p["sku"] for p in shop(woo).products()}
    assert twin["serial-nr"] not in skus and bad_price["serial-nr"] not in skus
    assert len(skus) == len(imported_goods(fl)) - 4

    # fixed in FLOWii: the next run brings them in
    with fl.service.lock:
        firm.goods[no_number["id"]] = {**no_number, "_edited": fl.service.now()}
        firm.goods[bad_price["id"]] = {**bad_price, "_edited": fl.service.now()}
        firm.goods_changed()
    ok(run("products"), SyncRun.Status.PARTLY_FAILED)  # the twins still differ only in case
    skus = {p["sku"] for p in shop(woo).products()}
    assert {no_number["serial-nr"], bad_price["serial-nr"]} <= skus


def test_a_same_sku_shop_product_is_linked_not_duplicated(woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    before = list(shop(woo_server).products())
    ok(run("products"))
    after = list(shop(woo_server).products())
    skus = [p["sku"] for p in after if p["sku"]]
    assert len(skus) == len(set(skus))
    shared = {p["sku"] for p in before} & {g["serial-nr"] for g in imported_goods(flowii_server)}
    assert shared
    links = Binder(Kind.PRODUCT)
    for product in before:
        if product["sku"] in shared:
            assert links.by_shop(product["id"]) is not None
            mine = next(p for p in after if p["id"] == product["id"])
            assert mine["status"] == product["status"]  # publish state never touched
            assert mine["description"] == product["description"]


def test_a_category_conflict_leaves_its_goods_out_until_it_is_fixed(empty_shop):
    woo, fl = empty_shop
    cats = flowii(fl, "good_categories")
    top = next(c for c in cats if c["parent_id"] is None and int(c["id"]) not in LEFT_OUT)
    twin = hook(fl, "goodcategories", {"name": top["name"].upper(), "parent_id": None})
    result = ok(run("products"), SyncRun.Status.PARTLY_FAILED)
    assert sum("same name under the same parent" in m for m in messages("error")) == 2
    in_top = [g for g in imported_goods(fl) if g["category_id"] == top["id"]]
    assert in_top and result.failed >= 2
    skus = {p["sku"] for p in shop(woo).products()}
    assert not {g["serial-nr"] for g in in_top} & skus
    # The goods left out are kept to be read again; the bookmark does not wait for them.
    kept = set(Retry.objects.filter(kind="product").values_list("flowii_id", flat=True))
    assert kept == {int(g["id"]) for g in in_top}
    assert Bookmark.objects.get(stream="products").value.year > 2000
    hook(fl, "goodcategories", {"id": int(twin["id"]), "name": "Iná kategória"})
    clear(woo, fl)
    ok(run("products"))  # the goods did not change: only the retry set brings them back
    made = requests_made(fl)
    assert made["GET /goods"] == 1  # the list of what changed since the bookmark: nothing
    assert made["GET /goods/{id}"] == len(in_top)  # the goods to try again, one detail each
    skus = {p["sku"] for p in shop(woo).products()}
    assert {g["serial-nr"] for g in in_top} <= skus
    assert not Retry.objects.exists()


def test_a_good_in_an_orphan_subcategory_is_named_left_out_and_comes_back_when_moved(empty_shop):
    """A subcategory whose parent category is gone (FLOWii's tree, read from the top, cannot
    show it) and a good in it: in a full and in an incremental run alike, one error naming
    the good, its id and the missing category, with the fix; the good is left out and comes
    in on the first run after the subcategory is moved under a category."""
    woo, fl = empty_shop
    ok(run("products"))
    firm = next(iter(fl.service.firms.values()))
    with fl.service.lock:
        orphan = fl.service.new_id("good-category")
        firm.good_categories[orphan] = {
            "id": orphan,
            "name": "Sirota",
            "order": 0,
            "_parent": 99_999,
        }
    body = {"name": "Tovar v sirote", "serial-nr": "ORPHAN-1", "selling-price": 12,
            "selling-price-type": 0, "vat-rate": 20, "type": 0}  # fmt: skip
    good_id = int(hook(fl, "goods", body)["id"])
    with fl.service.lock:
        firm.goods[good_id] = {**firm.goods[good_id], "_category": 99_999, "_subcategory": orphan,
                               "_edited": fl.service.now()}  # fmt: skip
        firm.goods_changed()

    for full in (False, True):  # the detail read, then the lists of a full run
        result = ok(run("products", full=full), SyncRun.Status.PARTLY_FAILED)
        lines = SyncLog.objects.filter(run=result, flowii_id=str(good_id))
        assert [(x.level, x.code) for x in lines] == [("error", "good.category_missing")], full
        assert "99999" in lines[0].message and "Move the good to a category" in lines[0].message
        assert "ORPHAN-1" not in {p["sku"] for p in shop(woo).products()}
        assert set(Retry.objects.values_list("flowii_id", flat=True)) == {good_id}

    cats = flowii(fl, "good_categories")
    top = next(c for c in cats if c["parent_id"] is None and int(c["id"]) not in LEFT_OUT)
    hook(fl, "goodcategories", {"id": orphan, "parent_id": int(top["id"])})
    ok(run("products"))
    made = {p["sku"]: p for p in shop(woo).products()}
    assert "ORPHAN-1" in made and made["ORPHAN-1"]["categories"]
    assert not Retry.objects.exists()


def test_a_sku_conflict_across_pages_and_lists_fails_both_every_time(empty_shop):
    """The goods list is read page by page (50 here) and each good imported as its category's
    list brings it: two goods far apart, on different pages and in different categories, of
    one SKU to the shop are still found before anything is written, and neither goes over,
    run after run (whichever went over would flip between them)."""
    woo, fl = empty_shop
    firm = next(iter(fl.service.firms.values()))
    ordinary = sorted(
        (g for g in firm.goods.values() if g["_category"] not in LEFT_OUT and g["type"] == 0),
        key=lambda g: g["id"],
    )
    first, last = ordinary[0], ordinary[-1]
    assert first["_subcategory"] != last["_subcategory"]
    assert len(firm.goods) > 50  # more than one page of the plain list
    with fl.service.lock:
        firm.goods[last["id"]] = {**last, "serial-nr": first["serial-nr"].lower() + " "}
        firm.goods_changed()
    for _ in range(2):
        result = ok(run("products", full=True), SyncRun.Status.PARTLY_FAILED)
        lines = SyncLog.objects.filter(run=result, code="good.sku_conflict")
        assert sorted(int(x.flowii_id) for x in lines) == sorted([first["id"], last["id"]])
        assert result.failed == 2
        skus = {p["sku"].casefold() for p in shop(woo).products()}
        assert first["serial-nr"].casefold() not in skus
        assert len(skus) == len(imported_goods(fl)) - 2
        kept = set(Retry.objects.values_list("flowii_id", flat=True))
        assert kept == {first["id"], last["id"]}
