"""The per-record reference client: what a typical shop plugin does, written for the benchmark.
Per FLOWii product one lookup by SKU and one create or update in the shop; per order one
buyer lookup (and create), one create in FLOWii and one write-back to the shop order. Every
request goes on a new connection: the official `woocommerce` package for the shop (it opens
one per call) and plain `requests.get/post` (no Session) for FLOWii.

Runs in a child process (bench.child) without Django; it uses the connector's pure mapping
functions, so both sides send the same records. With a `limit` it stops after that many
records and reports the setup and the per-record part separately, to be scaled to the whole.
"""

from __future__ import annotations

import json
import time

import requests
from woocommerce import API

from connector.flowii import json_default as flowii_json
from connector.mapping.customers import MetaKeys, guest_partner
from connector.mapping.orders import OrderChoices, OrderNotExportable, map_order
from connector.mapping.products import (
    ProductProblem,
    plan_categories,
    product_payload,
    tax_classes_by_rate,
)
from sandbox.flowii_sim import API_KEY, EMAIL, PASSWORD
from sandbox.seed import FLOWII_CHOICES

from .measure import peak_rss_mb, stats_diff

WOO_KEY, WOO_SECRET = "ck_sandbox", "cs_sandbox"
NUMBER_META = "_flowii_order_number"
TIMEOUT = 60


def _plain_python() -> None:
    """The mapping functions translate their messages with Django's gettext; the reference
    has no Django project, so messages stay untranslated."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)


class Flowii:
    """FLOWii over plain `requests` calls: each one a new connection; one token per run,
    fetched again when refused."""

    def __init__(self, url: str):
        self.url = url
        self.token = None
        self.login()

    def login(self) -> None:
        reply = requests.post(
            self.url + "/token",
            data={"grant_type": "password", "username": EMAIL, "password": PASSWORD},
            headers={"Api-Key": API_KEY},
            timeout=TIMEOUT,
        )
        reply.raise_for_status()
        self.token = reply.json()["access_token"]

    def call(self, method: str, path: str, params=None, body=None):
        for _attempt in range(2):
            headers = {"Authorization": f"Bearer {self.token}", "Api-Key": API_KEY}
            data = None
            if body is not None:
                data = json.dumps(body, default=flowii_json).encode("utf-8")
                headers["Content-Type"] = "application/json"
            send = requests.post if method == "POST" else requests.get
            kwargs = {"params": params} if method == "GET" else {"data": data}
            reply = send(self.url + "/api/v1" + path, headers=headers, timeout=TIMEOUT, **kwargs)
            if reply.status_code != 401:
                reply.raise_for_status()
                return reply.json()
            self.login()
        reply.raise_for_status()

    def pages(self, path: str, params=None):
        """(page items, total count) for each page of 100."""
        page = 1
        while True:
            answer = self.call("GET", path, {**(params or {}), "page": page, "pageSize": 100})
            yield answer["data"], answer["totalCount"]
            if not answer["data"] or page * 100 >= answer["totalCount"]:
                return
            page += 1


def _shop(url: str) -> API:
    return API(
        url=url, consumer_key=WOO_KEY, consumer_secret=WOO_SECRET, version="wc/v3", timeout=TIMEOUT
    )


def _ok(reply):
    if reply.status_code >= 400:
        raise RuntimeError(f"shop answered {reply.status_code}: {reply.text[:300]}")
    return reply.json()


class Phases:
    """Wall time and sandbox counts of the setup and of the per-record part."""

    def __init__(self, job: dict):
        self.urls = {"shop": job["woo_url"], "flowii": job["flowii_url"]}
        self.marks = [(time.perf_counter(), self._stats())]

    def _stats(self) -> dict:
        return {
            side: requests.get(url + "/__sandbox__/stats", timeout=TIMEOUT).json()
            for side, url in self.urls.items()
        }

    def mark(self) -> None:
        self.marks.append((time.perf_counter(), self._stats()))

    def phase(self, index: int) -> dict:
        (start, before), (end, after) = self.marks[index], self.marks[index + 1]
        return {
            "wall_s": round(end - start, 3),
            "requests": {side: stats_diff(before[side], after[side]) for side in self.urls},
        }


def import_products(job: dict) -> dict:
    """Categories (a lookup and, when missing, a create each), then per product a lookup by
    SKU and a create or an update. Stops after `limit` FLOWii products, when given."""
    _plain_python()
    phases = Phases(job)
    shop, flowii = _shop(job["woo_url"]), Flowii(job["flowii_url"])
    with_vat = _ok(shop.get("settings/tax/woocommerce_prices_include_tax"))["value"] == "yes"
    tax_classes = tax_classes_by_rate(_ok(shop.get("taxes", params={"per_page": 100})))
    categories = [c for items, _total in flowii.pages("/product-categories") for c in items]
    excluded = FLOWII_CHOICES["non_stock_category_ids"] + FLOWII_CHOICES["shipping_category_ids"]
    plan = plan_categories(categories, excluded)
    shop_ids: dict[int, int] = {}
    for category in plan.ordered:
        parent = shop_ids.get(category.get("parentId"), 0)
        name = category["name"].strip()
        found = _ok(shop.get("products/categories", params={"search": name, "parent": parent}))
        match = next((c["id"] for c in found if c["name"].strip().lower() == name.lower()), None)
        if match is None:
            match = _ok(shop.post("products/categories", {"name": name, "parent": parent}))["id"]
        shop_ids[category["id"]] = match
    phases.mark()

    limit = job.get("limit") or 0
    read = total = created = updated = 0
    for items, of in flowii.pages("/products"):
        total = of
        for product in items:
            read += 1
            if product.get("categoryId") in plan.excluded_ids:
                continue
            try:
                payload = product_payload(
                    product,
                    prices_with_vat=with_vat,
                    shop_category_id=shop_ids.get(product.get("categoryId")),
                    tax_classes=tax_classes,
                )
            except ProductProblem:
                continue
            found = _ok(shop.get("products", params={"sku": payload["sku"]}))
            if found:
                _ok(shop.put(f"products/{found[0]['id']}", payload))
                updated += 1
            else:
                _ok(shop.post("products", {**payload, "status": "draft"}))
                created += 1
        if limit and read >= limit:
            break
    phases.mark()
    return {
        "setup": phases.phase(0),
        "records": phases.phase(1),
        "read": read,
        "of": total,
        "counts": {"created": created, "updated": updated},
        "peak_rss_mb": peak_rss_mb(),
    }


def _choices(flowii: Flowii) -> OrderChoices:
    units = {}
    for category in FLOWII_CHOICES["shipping_category_ids"]:
        for items, _total in flowii.pages("/products", {"categoryId": category}):
            units.update({p["id"]: p.get("unitId") for p in items})
    shipping = FLOWII_CHOICES["shipping_mapping"]
    unit = FLOWII_CHOICES["non_stock_unit_id"]
    return OrderChoices(
        supplier_company_id=FLOWII_CHOICES["supplier_company_id"],
        non_stock_unit_id=unit,
        product_unit_ids={},
        # The reference keeps no links: every line goes to FLOWii by name.
        product_links={},
        shipping_items=dict(shipping),
        shipping_unit_ids={item: units.get(item) or unit for item in shipping.values()},
        payment_types=dict(FLOWII_CHOICES["payment_mapping"]),
    )


def export_orders(job: dict) -> dict:
    """Per order: the buyer looked up by externalId and created when missing, the order
    created in FLOWii, its number written to the shop order. Stops after `limit` orders."""
    _plain_python()
    phases = Phases(job)
    shop, flowii = _shop(job["woo_url"]), Flowii(job["flowii_url"])
    choices = _choices(flowii)
    keys = MetaKeys("_billing_ico", "_billing_dic", "_billing_ic_dph")
    phases.mark()

    limit = job.get("limit") or 0
    params = {
        "status": ",".join(job.get("statuses") or ["processing", "completed"]),
        "after": job["orders_from"],
        "dates_are_gmt": "true",
        "orderby": "date",
        "order": "asc",
        "dp": 4,
        "per_page": 100,
    }
    read = total = exported = partners = 0
    page = 1
    while not limit or read < limit:
        reply = shop.get("orders", params={**params, "page": page})
        orders = _ok(reply)
        total = int(reply.headers.get("X-WP-Total") or 0)
        for order in orders:
            read += 1
            buyer = guest_partner(
                order, customer_type_id=FLOWII_CHOICES["customer_type_id"], meta_keys=keys
            )
            found = flowii.call("GET", "/partners", {"externalId": buyer["externalId"]})["data"]
            if found:
                partner_id = found[0]["id"]
            else:
                partner_id = flowii.call("POST", "/partners", body=buyer)["id"]
                partners += 1
            try:
                body = map_order(order, partner_id, choices)
            except OrderNotExportable:
                continue
            created = flowii.call("POST", "/orders", body=body)
            meta = [{"key": NUMBER_META, "value": created.get("number")}]
            _ok(shop.put(f"orders/{order['id']}", {"meta_data": meta}))
            exported += 1
            if limit and read >= limit:
                break
        if not orders or page >= int(reply.headers.get("X-WP-TotalPages") or 1):
            break
        page += 1
    phases.mark()
    return {
        "setup": phases.phase(0),
        "records": phases.phase(1),
        "read": read,
        "of": total,
        "counts": {"exported": exported, "partners_created": partners},
        "peak_rss_mb": peak_rss_mb(),
    }
