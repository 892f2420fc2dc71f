"""The per-record reference client: what a typical shop plugin does, written for the benchmark
against FLOWii's real API (JSON:API, `companyId` on every call, pages of 50, `page[number]`
from 0). Per FLOWii good: its detail (the list does not say its category), a lookup in the
shop by SKU, then a create or an update. Per order: the buyer searched by e-mail (created when
FLOWii has none), the received order created, the number written to the shop order and a
note added. Every request goes on a new connection: the official `woocommerce` package for
the shop (it opens one per call) and plain `requests.get/post` (no Session) for FLOWii.

Runs in a child process (bench.child) without Django; it uses the connector's pure mapping
and body functions, so both sides send the same records. With a `limit` it stops after that
many records and reports the setup and the per-record part apart, to be scaled to the whole.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace

import requests
from woocommerce import API

from connector import jsonapi
from connector.flowii import (
    _good_detail,
    json_default,
    partner_body,
    received_order_body,
)
from connector.mapping import partners as partner_mapping
from connector.mapping.countries import country_ids
from connector.mapping.orders import OrderChoices, map_order
from connector.mapping.products import SERVICE, product_fields, read_good, tax_classes_by_rate
from connector.mapping.refusals import Refusal
from sandbox.flowii_seed import API_KEY, EMAIL, FLOWII_CHOICES, PASSWORD

from .measure import peak_rss_mb, stats_diff

WOO_KEY, WOO_SECRET = "ck_sandbox", "cs_sandbox"
NUMBER_META = "_flowii_order_number"
TIMEOUT = 120
MEDIA_TYPE = jsonapi.MEDIA_TYPE


class Flowii:
    """FLOWii over plain `requests` calls, each on a new connection; one token per run,
    fetched again when refused."""

    def __init__(self, url: str, company_id: int):
        self.url = url.rstrip("/")
        self.company_id = company_id
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

    def call(self, method: str, path: str, params=None, body=None) -> dict:
        query = {"companyId": self.company_id, **(params or {})}
        for _attempt in range(2):
            headers = {
                "Authorization": f"Bearer {self.token}",
                "Api-Key": API_KEY,
                "Accept": MEDIA_TYPE,
            }
            if method == "GET":
                reply = requests.get(
                    self.url + path, params=query, headers=headers, timeout=TIMEOUT
                )
            else:
                headers["Content-Type"] = MEDIA_TYPE
                data = json.dumps(body, default=json_default).encode("utf-8")
                reply = requests.request(
                    method, self.url + path, params=query, data=data, headers=headers,
                    timeout=TIMEOUT,
                )  # fmt: skip
            if reply.status_code != 401:
                if reply.status_code >= 400:
                    raise RuntimeError(f"FLOWii {method} {path}: {reply.status_code} {reply.text}")
                return reply.json() if reply.content else {}
            self.login()
        raise RuntimeError(f"FLOWii {method} {path}: refused the token twice")

    def pages(self, path: str, params=None):
        """The resources of a paged list, a page (of FLOWii's 50) at a time."""
        number = 0
        while True:
            body = self.call("GET", path, {**(params or {}), "page[number]": number})
            document = jsonapi.parse(body, many=True)
            yield from document.data
            if not document.data or not document.links.get("next"):
                return
            number += 1

    def whole(self, path: str) -> list:
        return list(jsonapi.parse(self.call("GET", path), many=True).data)


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


def _tree_node(resource) -> dict:
    return {
        "id": jsonapi.as_id(resource.id),
        "name": str(resource.attributes.get("name") or "").strip(),
        "parent": resource.related_id("parent"),
    }


def import_products(job: dict) -> dict:
    """The category tree (a lookup and, when missing, a create per category), then per good
    its detail, a lookup by SKU and a create or an update. Stops after `limit` goods."""
    phases = Phases(job)
    shop = _shop(job["woo_url"])
    flowii = Flowii(job["flowii_url"], FLOWII_CHOICES["company_id"])
    with_vat = _ok(shop.get("settings/tax/woocommerce_prices_include_tax"))["value"] == "yes"
    tax_classes = tax_classes_by_rate(_ok(shop.get("taxes", params={"per_page": 100})))
    excluded = set(FLOWII_CHOICES["non_stock_category_ids"]) | set(
        FLOWII_CHOICES["shipping_category_ids"]
    )
    shop_ids: dict[int, int] = {}
    for root in [_tree_node(r) for r in flowii.whole("/goodcategories")]:
        if root["id"] in excluded:
            continue
        shop_ids[root["id"]] = _shop_category(shop, root["name"], 0)
        for sub in flowii.whole(f"/goodcategories/{root['id']}/goodcategories"):
            node = _tree_node(sub)
            shop_ids[node["id"]] = _shop_category(shop, node["name"], shop_ids[root["id"]])
    phases.mark()

    limit = job.get("limit") or 0
    read = created = updated = skipped = 0
    for resource in flowii.pages("/goods"):
        read += 1
        body = flowii.call("GET", f"/goods/{jsonapi.as_id(resource.id)}")
        detail = _good_detail(jsonapi.parse(body, many=False).data)
        category, sub = detail.get("category_id"), detail.get("subcategory_id")
        if category in excluded or sub in excluded:
            skipped += 1
        else:
            try:
                good = read_good(detail)
            except Refusal:
                skipped += 1
            else:
                fields, _note = product_fields(
                    good,
                    prices_with_vat=with_vat,
                    tax_classes=tax_classes,
                    shop_categories=tuple(shop_ids[c] for c in (category, sub) if c in shop_ids),
                    service=detail.get("type") == SERVICE,
                )
                found = _ok(shop.get("products", params={"sku": good.sku}))
                if found:
                    _ok(shop.put(f"products/{found[0]['id']}", fields))
                    updated += 1
                else:
                    _ok(shop.post("products", {**fields, "status": "draft"}))
                    created += 1
        if limit and read >= limit:
            break
    phases.mark()
    return {
        "setup": phases.phase(0),
        "records": phases.phase(1),
        "read": read,
        "of": job.get("total") or read,
        "counts": {"created": created, "updated": updated, "skipped": skipped},
        "peak_rss_mb": peak_rss_mb(),
    }


def _shop_category(shop: API, name: str, parent: int) -> int:
    found = _ok(shop.get("products/categories", params={"search": name, "parent": parent}))
    for category in found:
        if " ".join(category["name"].split()).casefold() == " ".join(name.split()).casefold():
            return category["id"]
    return _ok(shop.post("products/categories", {"name": name, "parent": parent}))["id"]


def _choices() -> OrderChoices:
    shipping = FLOWII_CHOICES["shipping_mapping"]
    return OrderChoices(
        company_data_id=FLOWII_CHOICES["company_data_id"],
        numbering_sequence_id=FLOWII_CHOICES["numbering_sequence_id"],
        non_stock_unit_id=FLOWII_CHOICES["non_stock_unit_id"],
        maturity_days=14,
        payment_methods=dict(FLOWII_CHOICES["payment_mapping"]),
        delivery_types={key: m["delivery_type_id"] for key, m in shipping.items()},
        shipping_goods={key: m["good_id"] for key, m in shipping.items()},
    )


def export_orders(job: dict) -> dict:
    """Per order: the buyer searched by e-mail and created when FLOWii has none, the order
    created in FLOWii, its number written to the shop order and a note added. Stops after
    `limit` orders."""
    phases = Phases(job)
    shop = _shop(job["woo_url"])
    flowii = Flowii(job["flowii_url"], FLOWII_CHOICES["company_id"])
    rules = partner_mapping.PartnerRules(
        meta_keys=partner_mapping.MetaKeys("_billing_ico", "_billing_dic", "_billing_ic_dph"),
        countries=country_ids(
            {"id": jsonapi.as_id(r.id), "name": r.attributes.get("name")}
            for r in flowii.whole("/countries")
        ),
        business_relationship_id=FLOWII_CHOICES["business_relationship_id"],
        business_relationship_subtype_id=FLOWII_CHOICES["business_relationship_subtype_id"],
    )
    choices = _choices()
    phases.mark()

    limit = job.get("limit") or 0
    params = {
        "status": ",".join(job.get("statuses") or ["processing", "completed"]),
        "after": job["orders_from"],
        "dates_are_gmt": "true",
        "orderby": "id",
        "order": "asc",
        "dp": 4,
        "per_page": 100,
    }
    read = total = exported = partners = refused = 0
    page = 1
    while not limit or read < limit:
        reply = shop.get("orders", params={**params, "page": page})
        orders = _ok(reply)
        total = int(reply.headers.get("X-WP-Total") or 0)
        for order in orders:
            read += 1
            try:
                buyer, _notes = partner_mapping.guest_partner(order, rules)
                received = map_order(order, 0, choices)
            except Refusal:
                refused += 1
                continue
            email = buyer.key_contact.email if buyer.key_contact else ""
            found = []
            if email:
                found = flowii.call("GET", "/partners", {"filter[search-text]": email})["data"]
            if found:
                partner_id = int(found[0]["id"])
            else:
                created = flowii.call("POST", "/partners", body=partner_body(buyer))
                partner_id = int(created["data"]["id"])
                partners += 1
            received = replace(received, partner_id=partner_id)
            answer = flowii.call("POST", "/documents", body=received_order_body(received))
            number = (answer["data"].get("attributes") or {}).get("serial-nr")
            meta = [{"key": NUMBER_META, "value": number}]
            _ok(shop.put(f"orders/{order['id']}", {"meta_data": meta}))
            _ok(shop.post(f"orders/{order['id']}/notes", {"note": f"FLOWii: {number}"}))
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
        "counts": {"exported": exported, "partners_created": partners, "refused": refused},
        "peak_rss_mb": peak_rss_mb(),
    }
