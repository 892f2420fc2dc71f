"""The simulated shop's orders, their notes and the shop's coupons, as WooCommerce 10's REST
API handles them: items resolved by product id or SKU, coupons applied, totals from
`woo_totals`, stock reduced for paid-like statuses, meta kept (`_` keys included)."""

from __future__ import annotations

import json
import secrets
import string
from decimal import Decimal

from . import woo_totals, woo_variations
from .woo_catalog import active_price, change_stock, product_by_sku
from .woo_core import (
    Params,
    Shop,
    WooError,
    as_bool,
    as_int,
    date_pair,
    decimal_or_none,
    english_list,
    invalid_param,
    links,
    missing_params,
    parse_date,
    post_query,
    render_meta,
    text_list,
    update_meta,
)
from .woo_customers import BILLING_FIELDS, SHIPPING_FIELDS

ORDER_STATUSES = (
    "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed",
    "checkout-draft",
)  # fmt: skip
STOCK_TAKEN = ("processing", "completed", "on-hold")
STOCK_RETURNED = ("cancelled", "pending")
STATUS_NAMES = {
    "pending": "Pending payment", "processing": "Processing", "on-hold": "On hold",
    "completed": "Completed", "cancelled": "Cancelled", "refunded": "Refunded",
    "failed": "Failed", "checkout-draft": "Draft", "trash": "Trash",
}  # fmt: skip
CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "CZK": "Kč", "GBP": "£"}
_KEY_CHARS = string.ascii_letters + string.digits


def order_or_error(shop: Shop, order_id, status: int = 404) -> dict:
    order = shop.orders.get(as_int(order_id) or 0)
    if order is None:
        raise WooError(status, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
    return order


# -- tax rates an order uses -----------------------------------------------------------------


def order_tax_rates(shop: Shop, order: dict) -> dict[str, list[dict]]:
    """The shop's rates for the order's tax location, one per class and priority (the first
    in the shop's order wins), as `woo_totals` takes them; none when taxes are off."""
    if shop.option("woocommerce_calc_taxes") != "yes":
        return {}
    base = shop.option("woocommerce_default_country").split(":")[0]
    based_on = shop.option("woocommerce_tax_based_on")
    if based_on == "base":
        country = base
    elif based_on == "billing":
        country = order["billing"]["country"]
    else:
        country = order["shipping"]["country"] or order["billing"]["country"]
    country = country or base
    rates: dict[str, list[dict]] = {}
    taken: set[tuple[str, int]] = set()
    for rate in sorted(shop.tax_rates.values(), key=lambda r: (r["priority"], r["order"], r["id"])):
        if rate["country"] not in ("", country) or (rate["class"], rate["priority"]) in taken:
            continue
        taken.add((rate["class"], rate["priority"]))
        rates.setdefault(rate["class"], []).append(
            {
                "id": rate["id"],
                "rate": Decimal(rate["rate"]),
                "name": rate["name"],
                "shipping": rate["shipping"],
                "compound": rate["compound"],
                "priority": rate["priority"],
                "country": rate["country"],
            }
        )
    return rates


def recalculate(shop: Shop, order: dict) -> None:
    coupons = []
    for line in order["coupon_lines"]:
        coupon = shop.coupons.get(line["coupon_id"])
        if coupon is not None:
            coupons.append(
                {
                    "code": line["code"],
                    "discount_type": coupon["discount_type"],
                    "amount": coupon["amount"],
                }
            )
    order["calc"] = woo_totals.calculate_order(
        line_items=[
            {
                "quantity": line["quantity"],
                "price": line["unit_price"],
                "tax_class": line["tax_class"],
                "subtotal": line["given_subtotal"],
                "total": line["given_total"],
            }
            for line in order["line_items"]
        ],
        fee_lines=[
            {
                "name": f["name"],
                "total": f["given_total"],
                "tax_class": f["tax_class"],
                "tax_status": f["tax_status"],
            }
            for f in order["fee_lines"]
        ],
        shipping_lines=[{"total": s["given_total"]} for s in order["shipping_lines"]],
        coupons=coupons,
        tax_rates=order_tax_rates(shop, order),
        prices_include_tax=order["prices_include_tax"],
    )
    # WooCommerce replaces the tax lines (new item ids) every time it recalculates.
    order["tax_line_ids"] = [shop.next_id("item") for _ in order["calc"].tax_lines]


# -- building an order from a request -------------------------------------------------------


def _address(fields: tuple, current: dict, given) -> dict:
    address = dict(current)
    if isinstance(given, dict):
        for field in fields:
            if field in given:
                value = given[field]
                address[field] = "" if value is None else str(value)
    return address


def _line_item(shop: Shop, given: dict) -> dict:
    product = None
    if given.get("sku"):
        product = product_by_sku(shop, str(given["sku"]))
    elif given.get("variation_id"):
        product = shop.variations.get(as_int(given.get("variation_id")) or 0)
    elif given.get("product_id"):
        wanted = as_int(given.get("product_id")) or 0
        product = shop.products.get(wanted) or shop.variations.get(wanted)
    else:
        raise WooError(
            400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required."
        )
    if product is None:
        raise WooError(400, "order_item_product_invalid_product", "Invalid product")
    quantity = as_int(given.get("quantity"))
    quantity = 1 if quantity is None else quantity
    is_variation = product["type"] == "variation"
    return {
        "id": shop.next_id("item"),
        "name": str(given.get("name") or product["name"]),
        # A variation's line names its parent product and the variation itself.
        "product_id": product["parent_id"] if is_variation else product["id"],
        "variation_id": product["id"] if is_variation else 0,
        "quantity": quantity,
        "tax_class": woo_variations.tax_class(shop, product)
        if is_variation
        else product["tax_class"],
        "unit_price": decimal_or_none(active_price(product)) or Decimal(0),
        "given_subtotal": decimal_or_none(given.get("subtotal")),
        "given_total": decimal_or_none(given.get("total")),
        "meta": woo_variations.line_meta(shop, product) if is_variation else [],
    }


def _shipping_line(shop: Shop, given: dict) -> dict:
    if not given.get("method_id"):
        raise WooError(
            400, "woocommerce_rest_invalid_shipping_item", "Shipping method ID is required."
        )
    return {
        "id": shop.next_id("item"),
        "method_title": str(given.get("method_title") or ""),
        "method_id": str(given["method_id"]),
        "instance_id": str(given.get("instance_id") or ""),
        "given_total": decimal_or_none(given.get("total")) or Decimal(0),
        "tax_status": "taxable",
        "meta": [],
    }


def _fee_line(shop: Shop, given: dict) -> dict:
    if not given.get("name"):
        raise WooError(400, "woocommerce_rest_invalid_fee_item", "Fee name is required.")
    tax_class = given.get("tax_class") or ""
    return {
        "id": shop.next_id("item"),
        "name": str(given["name"]),
        "tax_class": "" if tax_class == "standard" else str(tax_class),
        "tax_status": given.get("tax_status") if given.get("tax_status") == "none" else "taxable",
        "given_total": decimal_or_none(given.get("total")) or Decimal(0),
        "meta": [],
    }


def _coupon_line(shop: Shop, given: dict, lines_so_far: list[dict]) -> dict:
    if given.get("id"):
        raise WooError(
            400, "woocommerce_rest_coupon_item_id_readonly", "Coupon item ID is readonly."
        )
    code = str(given.get("code") or "").strip().lower()
    if not code:
        raise WooError(400, "woocommerce_rest_invalid_coupon", "Coupon code is required.")
    coupon_id = shop.coupon_codes.get(code)
    if coupon_id is None:
        raise WooError(
            400,
            "woocommerce_rest_invalid_coupon",
            f'Coupon "{code}" cannot be applied because it does not exist.',
        )
    if any(line["code"] == code for line in lines_so_far):
        raise WooError(400, "woocommerce_rest_invalid_coupon", "Coupon code already applied!")
    coupon = shop.coupons[coupon_id]
    nominal = coupon["amount"]
    nominal_number = int(nominal) if nominal == nominal.to_integral_value() else float(nominal)
    # The stored coupon info leaves out the type when it is the default one.
    info_type = None if coupon["discount_type"] == "fixed_cart" else coupon["discount_type"]
    info = json.dumps([coupon_id, code, info_type, nominal_number], separators=(",", ":"))
    return {
        "id": shop.next_id("item"),
        "code": code,
        "coupon_id": coupon_id,
        "discount_type": coupon["discount_type"],
        "nominal_amount": nominal_number,
        "free_shipping": coupon["free_shipping"],
        "meta": [{"id": shop.next_id("meta"), "key": "coupon_info", "value": info}],
    }


def _items(shop: Shop, data: dict, key: str, build) -> list[dict] | None:
    given = data.get(key)
    if given is None:
        return None
    if not isinstance(given, list):
        raise invalid_param(key, f"{key} is not of type array.", "rest_invalid_type")
    return [build(shop, item) for item in given if isinstance(item, dict)]


def _status_param(data: dict, default: str) -> str:
    status = data.get("status", default)
    if status not in (*ORDER_STATUSES, "trash"):
        raise invalid_param(
            "status",
            f"status is not one of {english_list((*ORDER_STATUSES, 'trash'))}.",
            "rest_not_in_enum",
        )
    return status


def _customer_id(shop: Shop, data: dict) -> int:
    customer_id = as_int(data.get("customer_id")) or 0
    if customer_id and customer_id not in shop.customers:
        raise WooError(400, "woocommerce_rest_invalid_customer_id", "Customer ID is invalid.")
    return customer_id


def create_order(shop: Shop, data: dict) -> dict:
    if data.get("id"):
        raise WooError(400, "woocommerce_rest_shop_order_exists", "Cannot create existing order.")
    status = _status_param(data, "pending")
    customer_id = _customer_id(shop, data)
    if data.get("customer_email"):  # the seed names its buyers by e-mail
        customer_id = shop.customer_emails.get(str(data["customer_email"]).lower(), 0)
    line_items = _items(shop, data, "line_items", _line_item) or []
    shipping_lines = _items(shop, data, "shipping_lines", _shipping_line) or []
    fee_lines = _items(shop, data, "fee_lines", _fee_line) or []
    coupon_lines: list[dict] = []
    for given in data.get("coupon_lines") or []:
        if isinstance(given, dict):
            coupon_lines.append(_coupon_line(shop, given, coupon_lines))
    now = shop.now()
    if data.get("date_created_gmt"):
        now = parse_date(data["date_created_gmt"], gmt=True) or now
    order = {
        "id": shop.next_id("post"),
        "parent_id": as_int(data.get("parent_id")) or 0,
        "status": "pending",
        "currency": str(data.get("currency") or shop.option("woocommerce_currency")),
        "prices_include_tax": shop.option("woocommerce_prices_include_tax") == "yes",
        "created": now,
        "modified": now,
        "paid": None,
        "completed": None,
        "customer_id": customer_id,
        "order_key": "wc_order_" + "".join(secrets.choice(_KEY_CHARS) for _ in range(13)),
        "billing": _address(BILLING_FIELDS, dict.fromkeys(BILLING_FIELDS, ""), data.get("billing")),
        "shipping": _address(
            SHIPPING_FIELDS, dict.fromkeys(SHIPPING_FIELDS, ""), data.get("shipping")
        ),
        "payment_method": str(data.get("payment_method") or ""),
        "payment_method_title": str(data.get("payment_method_title") or ""),
        "transaction_id": str(data.get("transaction_id") or ""),
        "customer_note": str(data.get("customer_note") or ""),
        "created_via": "rest-api",
        "meta": [],
        "line_items": line_items,
        "shipping_lines": shipping_lines,
        "fee_lines": fee_lines,
        "coupon_lines": coupon_lines,
        "stock_reduced": False,
    }
    update_meta(shop, order["meta"], data.get("meta_data"))
    recalculate(shop, order)
    previous = next(reversed(shop.orders.values()), None)
    if previous is not None and previous["created"] > order["created"]:
        shop.orders_by_date = False
    shop.orders[order["id"]] = order
    shop.notes[order["id"]] = []
    set_status(shop, order, status, at=now)
    if as_bool(data.get("set_paid")):
        _pay(shop, order, now)
    _announce(shop, "order.created", order)
    if order["status"] != "pending":
        # Assumption: the create's later saves (its status, its payment) fire the update
        # hook in the same request, so the order.updated webhook delivers it too.
        _announce(shop, "order.updated", order)
    return order


def _announce(shop: Shop, topic: str, order: dict) -> None:
    """Tells the shop's webhooks (woo_webhooks) that an order was created or updated."""
    announce = getattr(shop, "announce", None)
    if announce is not None:
        announce(topic, order["id"])


def _pay(shop: Shop, order: dict, at: int) -> None:
    """`payment_complete`: paid now, and on to processing (completed when nothing ships)."""
    if order["status"] in ("pending", "on-hold", "failed", "cancelled"):
        set_status(shop, order, "processing", at=at)
    if order["paid"] is None:
        order["paid"] = at


def set_status(shop: Shop, order: dict, status: str, at: int | None = None) -> None:
    at = shop.now() if at is None else at
    old = order["status"]
    order["status"] = status
    if status == old:
        return
    if status in STOCK_TAKEN and not order["stock_reduced"]:
        _take_stock(shop, order, at)
    elif status in STOCK_RETURNED and order["stock_reduced"]:
        _return_stock(shop, order, at)
    # Cash on delivery is only paid once the order is completed.
    paid_now = status == "completed" or (
        status == "processing" and order["payment_method"] != "cod"
    )
    if paid_now and order["paid"] is None:
        order["paid"] = at
    if status == "completed" and order["completed"] is None:
        order["completed"] = at
    if old != "pending" or status != "pending":
        add_note(
            shop,
            order,
            f"Order status changed from {STATUS_NAMES.get(old, old)} to "
            f"{STATUS_NAMES.get(status, status)}.",
            at=at,
        )


def line_product(shop: Shop, line: dict) -> dict | None:
    """What a line sold: its variation when it names one, else its product."""
    if line.get("variation_id"):
        return shop.variations.get(line["variation_id"])
    return shop.products.get(line["product_id"])


def _take_stock(shop: Shop, order: dict, at: int) -> None:
    changes = []
    for line in order["line_items"]:
        product = line_product(shop, line)
        if product is None:
            continue
        product["total_sales"] += line["quantity"]
        if product["manage_stock"] and line["quantity"]:
            before = product["stock_quantity"] or 0
            change_stock(shop, product, -line["quantity"])
            line["meta"].append(
                {
                    "id": shop.next_id("meta"),
                    "key": "_reduced_stock",
                    "value": str(line["quantity"]),
                }
            )
            changes.append(
                f"{line['name']} ({product['sku'] or product['id']}) {before}&rarr;"
                f"{product['stock_quantity']}"
            )
    order["stock_reduced"] = True
    shop.products_changed()
    if changes:
        add_note(shop, order, "Stock levels reduced: " + ", ".join(changes), at=at)


def _return_stock(shop: Shop, order: dict, at: int) -> None:
    for line in order["line_items"]:
        product = line_product(shop, line)
        taken = [m for m in line["meta"] if m["key"] == "_reduced_stock"]
        if product is not None and taken:
            change_stock(shop, product, int(taken[0]["value"]))
        line["meta"] = [m for m in line["meta"] if m["key"] != "_reduced_stock"]
    order["stock_reduced"] = False
    shop.products_changed()


def update_order(shop: Shop, order_id, data: dict) -> dict:
    order = order_or_error(shop, order_id, status=400)
    status = _status_param(data, order["status"])
    if "customer_id" in data:
        order["customer_id"] = _customer_id(shop, data)
    recalc = False
    for key, fields in (("billing", BILLING_FIELDS), ("shipping", SHIPPING_FIELDS)):
        if isinstance(data.get(key), dict):
            order[key] = _address(fields, order[key], data[key])
            recalc = True
    for field in (
        "payment_method",
        "payment_method_title",
        "transaction_id",
        "customer_note",
        "currency",
    ):
        if field in data:
            order[field] = str(data[field] or "")
    for key, build in (
        ("line_items", _line_item),
        ("shipping_lines", _shipping_line),
        ("fee_lines", _fee_line),
    ):
        if isinstance(data.get(key), list):
            _edit_items(shop, order, key, data[key], build)
            recalc = True
    if isinstance(data.get("coupon_lines"), list):
        for given in data["coupon_lines"]:
            if isinstance(given, dict) and given.get("code"):
                order["coupon_lines"].append(_coupon_line(shop, given, order["coupon_lines"]))
        recalc = True
    update_meta(shop, order["meta"], data.get("meta_data"))
    if recalc:
        recalculate(shop, order)
    now = shop.now()
    set_status(shop, order, status, at=now)
    if as_bool(data.get("set_paid")):
        _pay(shop, order, now)
    order["modified"] = now
    _announce(shop, "order.updated", order)
    return order


def _edit_items(shop: Shop, order: dict, key: str, given: list, build) -> None:
    """Items with an id are changed (or removed with quantity 0 or a null reference), items
    without one are added."""
    current = order[key]
    for item in given:
        if not isinstance(item, dict):
            continue
        item_id = as_int(item.get("id")) or 0
        if not item_id:
            current.append(build(shop, item))
            continue
        found = next((line for line in current if line["id"] == item_id), None)
        if found is None:
            raise WooError(
                400,
                "woocommerce_rest_invalid_item_id",
                "Order item ID provided is not associated with order.",
            )
        reference = {
            "line_items": "product_id",
            "shipping_lines": "method_id",
            "fee_lines": "name",
        }[key]
        if (reference in item and item[reference] is None) or item.get("quantity") == 0:
            current.remove(found)
            continue
        if key == "line_items":
            if "quantity" in item:
                found["quantity"] = as_int(item["quantity"]) or found["quantity"]
            for field, target in (("subtotal", "given_subtotal"), ("total", "given_total")):
                if field in item:
                    found[target] = decimal_or_none(item[field])
        else:
            if "total" in item:
                found["given_total"] = decimal_or_none(item["total"]) or Decimal(0)
            for field in ("method_title", "method_id", "instance_id", "name"):
                if field in item and field in found:
                    found[field] = str(item[field] or "")
        update_meta(shop, found["meta"], item.get("meta_data"))


def delete_order(shop: Shop, order_id, force: bool, dp: int) -> dict:
    order = order_or_error(shop, order_id)
    if not force:
        if order["status"] == "trash":
            raise WooError(
                410, "woocommerce_rest_already_trashed", "The order has already been deleted."
            )
        order["previous_status"] = order["status"]
        order["status"] = "trash"
        order["modified"] = shop.now()
        return render_order(shop, order, dp)
    shown = render_order(shop, order, dp)
    del shop.orders[order["id"]]
    shop.notes.pop(order["id"], None)
    return shown


# -- showing orders ---------------------------------------------------------------------------


def _item_meta(meta: list[dict]) -> list[dict]:
    return [
        {
            "id": m["id"],
            "key": m["key"],
            "value": m["value"],
            "display_key": m.get("display_key", m["key"]),
            "display_value": m.get("display_value", m["value"]),
        }
        for m in meta
    ]


def _parent_name(shop: Shop, line: dict) -> str | None:
    parent = shop.products.get(line["product_id"]) if line.get("variation_id") else None
    return parent["name"] if parent else None


def render_order(shop: Shop, order: dict, dp: int = 2) -> dict:
    home = shop.home()
    amounts = woo_totals.render_amounts(order["calc"], dp)
    line_items = []
    for line, shown in zip(order["line_items"], amounts["line_items"], strict=True):
        product = line_product(shop, line)
        line_items.append(
            {
                "id": line["id"],
                "name": line["name"],
                "product_id": line["product_id"],
                "variation_id": line["variation_id"],
                "quantity": line["quantity"],
                "tax_class": line["tax_class"],
                "subtotal": shown["subtotal"],
                "subtotal_tax": shown["subtotal_tax"],
                "total": shown["total"],
                "total_tax": shown["total_tax"],
                "taxes": shown["taxes"],
                "meta_data": _item_meta(line["meta"]),
                "sku": product["sku"] if product else None,
                "price": shown["price"],
                "image": {"id": "", "src": ""},
                "parent_name": _parent_name(shop, line),
            }
        )
    tax_lines = [
        {"id": item_id, **shown, "meta_data": []}
        for item_id, shown in zip(order["tax_line_ids"], amounts["tax_lines"], strict=True)
    ]
    shipping_lines = [
        {
            "id": line["id"],
            "method_title": line["method_title"],
            "method_id": line["method_id"],
            "instance_id": line["instance_id"],
            "total": shown["total"],
            "total_tax": shown["total_tax"],
            "taxes": shown["taxes"],
            "tax_status": line["tax_status"],
            "meta_data": _item_meta(line["meta"]),
        }
        for line, shown in zip(order["shipping_lines"], amounts["shipping_lines"], strict=True)
    ]
    fee_lines = [
        {
            "id": line["id"],
            "name": line["name"],
            "tax_class": line["tax_class"],
            "tax_status": line["tax_status"],
            "amount": "",
            "total": shown["total"],
            "total_tax": shown["total_tax"],
            "taxes": shown["taxes"],
            "meta_data": _item_meta(line["meta"]),
        }
        for line, shown in zip(order["fee_lines"], amounts["fee_lines"], strict=True)
    ]
    shown_coupons = {c["code"]: c for c in amounts["coupon_lines"]}
    coupon_lines = [
        {
            "id": line["id"],
            "code": line["code"],
            "discount": shown_coupons.get(line["code"], {}).get("discount", "0"),
            "discount_tax": shown_coupons.get(line["code"], {}).get("discount_tax", "0"),
            "meta_data": _item_meta(line["meta"]),
            "discount_type": line["discount_type"],
            "nominal_amount": line["nominal_amount"],
            "free_shipping": line["free_shipping"],
        }
        for line in order["coupon_lines"]
    ]
    status = order["status"]
    total = order["calc"].total
    paid, completed = (
        date_pair("date_paid", order["paid"]),
        date_pair("date_completed", order["completed"]),
    )
    created, modified = (
        date_pair("date_created", order["created"]),
        date_pair("date_modified", order["modified"]),
    )
    return {
        "id": order["id"],
        "parent_id": order["parent_id"],
        "status": status,
        "currency": order["currency"],
        "version": "10.0.2",
        "prices_include_tax": order["prices_include_tax"],
        "date_created": created["date_created"],
        "date_modified": modified["date_modified"],
        "discount_total": amounts["discount_total"],
        "discount_tax": amounts["discount_tax"],
        "shipping_total": amounts["shipping_total"],
        "shipping_tax": amounts["shipping_tax"],
        "cart_tax": amounts["cart_tax"],
        "total": amounts["total"],
        "total_tax": amounts["total_tax"],
        "customer_id": order["customer_id"],
        "order_key": order["order_key"],
        "billing": dict(order["billing"]),
        "shipping": dict(order["shipping"]),
        "payment_method": order["payment_method"],
        "payment_method_title": order["payment_method_title"],
        "transaction_id": order["transaction_id"],
        "customer_ip_address": "",
        "customer_user_agent": "",
        "created_via": order["created_via"],
        "customer_note": order["customer_note"],
        "date_completed": completed["date_completed"],
        "date_paid": paid["date_paid"],
        "cart_hash": "",
        "number": str(order["id"]),
        "meta_data": render_meta(order["meta"]),
        "line_items": line_items,
        "tax_lines": tax_lines,
        "shipping_lines": shipping_lines,
        "fee_lines": fee_lines,
        "coupon_lines": coupon_lines,
        "refunds": [],
        "payment_url": f"{home}/checkout/order-pay/{order['id']}/?pay_for_order=true"
        f"&key={order['order_key']}",
        "is_editable": status in ("pending", "on-hold", "auto-draft", "checkout-draft"),
        "needs_payment": status in ("pending", "failed") and total > 0,
        "needs_processing": bool(order["line_items"]),
        "date_created_gmt": created["date_created_gmt"],
        "date_modified_gmt": modified["date_modified_gmt"],
        "date_completed_gmt": completed["date_completed_gmt"],
        "date_paid_gmt": paid["date_paid_gmt"],
        "currency_symbol": CURRENCY_SIGNS.get(order["currency"], order["currency"]),
        "_links": {
            **links(home, f"orders/{order['id']}", "orders"),
            "email_templates": [
                {
                    "embeddable": True,
                    "href": f"{home}/wp-json/wc/v3/orders/{order['id']}/actions/email_templates",
                }
            ],
        },
    }


def list_orders(shop: Shop, p: Params):
    statuses = p.enum_list("status", ("any", *ORDER_STATUSES, "trash"), ["any"]) or ["any"]
    customer = p.int("customer", None, minimum=0)
    product = p.int("product", None)
    parents = set(text_list(p.raw("parent"))) if p.raw("parent") else None
    search = (p.raw("search") or "").strip().lower()
    allowed = set(ORDER_STATUSES) - {"checkout-draft"} if "any" in statuses else set(statuses)

    def match(order: dict) -> bool:
        return (
            order["status"] in allowed
            and (customer is None or order["customer_id"] == customer)
            and (parents is None or str(order["parent_id"]) in parents)
            and (product is None or any(li["product_id"] == product for li in order["line_items"]))
            and (not search or _order_matches(order, search))
        )

    return post_query(shop.orders, shop.orders_by_date, p, match, ties=shop.ties)


def _order_matches(order: dict, search: str) -> bool:
    billing = order["billing"]
    haystack = " ".join(
        [
            billing["first_name"],
            billing["last_name"],
            billing["email"],
            billing["company"],
            str(order["id"]),
        ]
        + [line["name"] for line in order["line_items"]]
    ).lower()
    return search in haystack


def order_link_pairs(pairs: list[tuple[str, str]], dp: int) -> list[tuple[str, str]]:
    """The order list's Link carries its parameters as the controller cleaned them: booleans
    as 1 or nothing, the status as an array, and the `dp` and `context` defaults added."""
    cleaned, keys = [], {k for k, _ in pairs}
    for key, value in pairs:
        if key in ("dates_are_gmt",):
            value = "1" if as_bool(value) else ""
        if key == "status":
            cleaned += [(f"status[{i}]", s) for i, s in enumerate(text_list(value))]
            continue
        cleaned.append((key, value))
    if "status" not in keys:
        cleaned.append(("status[0]", "any"))
    if "dp" not in keys:
        cleaned.append(("dp", str(dp)))
    if "context" not in keys:
        cleaned.append(("context", "view"))
    return cleaned


# -- notes ----------------------------------------------------------------------------------


def add_note(
    shop: Shop, order: dict, text: str, customer_note=False, by_user=False, at=None
) -> dict:
    note = {
        "id": shop.next_id("comment"),
        "order_id": order["id"],
        "author": "admin" if by_user else "WooCommerce",
        "created": shop.now() if at is None else at,
        "note": text,
        "customer_note": customer_note,
    }
    shop.notes.setdefault(order["id"], []).append(note)
    return note


def create_note(shop: Shop, order_id, data: dict) -> dict:
    order = _note_order(shop, order_id)
    if not data.get("note"):
        raise missing_params("note")
    return add_note(
        shop,
        order,
        str(data["note"]),
        customer_note=bool(as_bool(data.get("customer_note"))),
        by_user=bool(as_bool(data.get("added_by_user"))),
    )


def _note_order(shop: Shop, order_id) -> dict:
    order = shop.orders.get(as_int(order_id) or 0)
    if order is None:
        raise WooError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
    return order


def list_notes(shop: Shop, order_id, kind: str) -> list[dict]:
    order = _note_order(shop, order_id)
    notes = sorted(
        shop.notes.get(order["id"], []), key=lambda n: (n["created"], n["id"]), reverse=True
    )
    if kind == "customer":
        return [n for n in notes if n["customer_note"]]
    if kind == "internal":
        return [n for n in notes if not n["customer_note"]]
    return notes


def note_or_404(shop: Shop, order_id, note_id) -> dict:
    order = _note_order(shop, order_id)
    for note in shop.notes.get(order["id"], []):
        if note["id"] == as_int(note_id):
            return note
    raise WooError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")


def render_note(shop: Shop, note: dict) -> dict:
    base = f"orders/{note['order_id']}/notes"
    return {
        "id": note["id"],
        "author": note["author"],
        **date_pair("date_created", note["created"]),
        "note": note["note"],
        "customer_note": note["customer_note"],
        "_links": links(
            shop.home(),
            f"{base}/{note['id']}",
            base,
            allow=["GET", "DELETE"],
            up=f"orders/{note['order_id']}",
        ),
    }
