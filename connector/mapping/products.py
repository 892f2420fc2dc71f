"""Pure mapping of FLOWii's category tree and products to the shop's categories and
products: which categories are imported, in what order, and each product's shop fields."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


def fingerprint(payload: dict) -> str:
    """A stable digest of what was written, to skip writes that would change nothing."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CategoryPlan:
    """The FLOWii categories to import, parents before children, and the problems found."""

    ordered: list[dict]
    excluded_ids: set[int]
    problems: list[tuple[dict, str]]


def plan_categories(categories: list[dict], excluded_roots: list[int]) -> CategoryPlan:
    """Orders FLOWii categories parents first, leaving out the excluded roots and their
    subtrees. A category whose parent is missing goes to the top level (with a problem
    noted); categories in a parent cycle are left out (with a problem noted)."""
    by_id = {c["id"]: c for c in categories}
    children: dict[int | None, list[dict]] = {}
    problems: list[tuple[dict, str]] = []
    for cat in categories:
        parent = cat.get("parentId")
        if parent is not None and parent not in by_id:
            problems.append((cat, "parent_missing"))
            parent = None
        children.setdefault(parent, []).append(cat)

    excluded: set[int] = set()
    stack = [i for i in excluded_roots if i in by_id]
    while stack:
        current = stack.pop()
        if current in excluded:
            continue
        excluded.add(current)
        stack.extend(c["id"] for c in children.get(current, []))

    ordered: list[dict] = []
    reached: set[int] = set()
    queue = sorted(children.get(None, []), key=lambda c: c["id"])
    while queue:
        cat = queue.pop(0)
        if cat["id"] in reached:
            continue
        reached.add(cat["id"])
        if cat["id"] not in excluded:
            ordered.append(cat)
        queue.extend(sorted(children.get(cat["id"], []), key=lambda c: c["id"]))
    for cat in categories:
        if cat["id"] not in reached and cat["id"] not in excluded:
            problems.append((cat, "cycle"))
    return CategoryPlan(ordered=ordered, excluded_ids=excluded, problems=problems)


def category_payload(cat: dict, shop_parent_id: int) -> dict:
    return {"name": (cat.get("name") or "").strip(), "parent": shop_parent_id}


class ProductProblem(Exception):
    """A FLOWii product that cannot be imported as it is: `.reason` says why and the fix."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _not_a_number(what: str, value) -> str:
    # Whole sentences per field, so each language can word them its own way.
    texts = {
        "price": _("its price “%(value)s” is not a number"),
        "VAT rate": _("its VAT rate “%(value)s” is not a number"),
        "stock count": _("its stock count “%(value)s” is not a number"),
    }
    return texts[what] % {"value": value}


def _not_an_amount(what: str, value) -> str:
    texts = {
        "price": _("its price “%(value)s” is not a valid amount"),
        "VAT rate": _("its VAT rate “%(value)s” is not a valid amount"),
        "stock count": _("its stock count “%(value)s” is not a valid amount"),
    }
    return texts[what] % {"value": value}


def _amount(value, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ProductProblem(_not_a_number(what, value)) from None
    if not amount.is_finite() or amount < 0:
        raise ProductProblem(_not_an_amount(what, value))
    return amount


def shop_price(amount: Decimal) -> str:
    """WooCommerce keeps prices as unpadded decimal strings ("25", "12.5")."""
    text = format(amount.quantize(Decimal("0.01")).normalize(), "f")
    return text


def product_payload(
    product: dict,
    *,
    prices_with_vat: bool,
    shop_category_id: int | None,
    tax_classes: dict[Decimal, str],
) -> dict:
    """The shop fields the connector owns for one FLOWii product. Descriptions, images and
    publish state are never part of it (new products get status draft separately)."""
    code = (product.get("code") or "").strip()
    if not code:
        raise ProductProblem(_("it has no product number (code) in FLOWii"))
    name = (product.get("name") or "").strip()
    if not name:
        raise ProductProblem(_("it has no name in FLOWii"))
    price_field = "priceWithVat" if prices_with_vat else "priceWithoutVat"
    price = _amount(product.get(price_field), "price")
    payload: dict = {
        "name": name,
        "sku": code,
        "regular_price": shop_price(price),
        "categories": [{"id": shop_category_id}] if shop_category_id else [],
    }
    rate = product.get("vatRate")
    if rate not in (None, ""):
        rate_value = _amount(rate, "VAT rate").normalize()
        if rate_value in tax_classes:
            payload["tax_class"] = tax_classes[rate_value]
    if not product.get("isActive", True):
        payload.update(manage_stock=False, stock_status="outofstock")
    elif product.get("isStockItem", True):
        quantity = _amount(product.get("stockQuantity") or "0", "stock count")
        payload.update(manage_stock=True, stock_quantity=int(quantity))
    else:
        payload.update(manage_stock=False, stock_status="instock")
    return payload


def product_notes(product: dict, tax_classes: dict[Decimal, str]) -> list[str]:
    """What the shop owner should know about an imported product (for a warning line)."""
    notes = []
    rate = product.get("vatRate")
    try:
        known = rate in (None, "") or Decimal(str(rate)).normalize() in tax_classes
    except InvalidOperation:
        known = False
    if not known:
        notes.append(
            _(
                "its VAT rate %(rate)s %% matches no tax rate of the shop, so its tax class was "
                "left as it is; add the rate in WooCommerce (Settings, Tax)"
            )
            % {"rate": rate}
        )
    if not product.get("isActive", True):
        notes.append(_("it is inactive in FLOWii, so it was set out of stock"))
    return notes


def tax_classes_by_rate(shop_tax_rates: list[dict], country: str = "SK") -> dict[Decimal, str]:
    """VAT rate -> the shop's tax class with that rate for the shop's country (standard is
    ""). Where two classes share a rate, the standard one wins, then the first."""
    found: dict[Decimal, str] = {}
    rates = sorted(
        shop_tax_rates, key=lambda r: (r.get("class") not in ("standard", ""), r.get("order", 0))
    )
    for rate in rates:
        if rate.get("country") not in (country, "", None):
            continue
        try:
            value = Decimal(str(rate.get("rate"))).normalize()
        except InvalidOperation:
            continue
        klass = rate.get("class") or "standard"
        found.setdefault(value, "" if klass == "standard" else klass)
    return found
