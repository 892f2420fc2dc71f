"""Pure checks of a shop order beside its mapping: what blocks its export (an address FLOWii
cannot take) and what is exported but worth a warning (a line without a shop product, another
currency, refunds). Both answer in codes with values; connector/wording/orders.py words them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .countries import is_country
from .refusals import Refusal


def order_problem(order: dict) -> Refusal | None:
    """Why the order cannot go to FLOWii as it is, or None."""
    for block in ("billing", "shipping"):
        country = ((order.get(block) or {}).get("country") or "").strip().upper()
        if country and not is_country(country):
            return Refusal(f"order.{block}_country", country=country)
    return None


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def order_notes(order: dict, home_currency: str = "EUR") -> list[tuple[str, dict]]:
    """(code, values) of things exported as they are but worth the shop owner's eye."""
    notes = []
    for line in order.get("line_items") or []:
        name = line.get("name") or "?"
        if not line.get("product_id") and not line.get("variation_id"):
            notes.append(("order.note.no_product", {"name": name}))
        total = _amount(line.get("subtotal"))
        if total is not None and total == 0:
            notes.append(("order.note.zero_price", {"name": name}))
    currency = (order.get("currency") or "").upper()
    if currency and currency != home_currency:
        notes.append(("order.note.currency", {"currency": currency, "home": home_currency}))
    refunded = sum((_amount(r.get("total")) or 0 for r in order.get("refunds") or []), Decimal(0))
    if refunded:
        notes.append(("order.note.refunds", {"amount": abs(refunded)}))
    if order.get("status") == "refunded":
        notes.append(("order.note.refunded", {}))
    return notes


def modified_text(record: dict) -> str | None:
    """When the shop last changed an order (or a customer, which WooCommerce leaves without
    a modification date until it is first updated): its UTC text, for the bookmark."""
    return record.get("date_modified_gmt") or record.get("date_created_gmt")


def number_meta(order: dict, key: str) -> str | None:
    """The value of one meta entry of a shop order (e.g. FLOWii's number written back)."""
    meta = {m.get("key"): m.get("value") for m in order.get("meta_data") or []}
    return meta.get(key)


def product_ids(orders: list[dict]) -> set[int]:
    """The shop products and variations the orders' lines name."""
    return {
        i
        for order in orders
        for line in order.get("line_items") or []
        if isinstance(line, dict)
        for i in (line.get("product_id"), line.get("variation_id"))
        if i
    }
