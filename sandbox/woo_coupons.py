"""The simulated shop's coupons as WooCommerce 10's REST API keeps them: codes in lower
case and unique, amounts shown with the shop's decimals; orders apply them by code."""

from __future__ import annotations

from decimal import Decimal

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
    post_query,
    render_meta,
    update_meta,
)

COUPON_TYPES = ("percent", "fixed_cart", "fixed_product")


def coupon_or_error(shop: Shop, coupon_id, status: int = 404) -> dict:
    coupon = shop.coupons.get(as_int(coupon_id) or 0)
    if coupon is None:
        raise WooError(status, "woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
    return coupon


def create_coupon(shop: Shop, data: dict) -> dict:
    if data.get("id"):
        raise WooError(400, "woocommerce_rest_shop_coupon_exists", "Cannot create existing coupon.")
    if "code" not in data:
        raise missing_params("code")
    code = str(data.get("code") or "").strip().lower()
    if code in shop.coupon_codes:
        raise WooError(
            400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists"
        )
    now = shop.now()
    coupon = {
        "id": 0, "code": code, "amount": Decimal(0), "status": "publish", "created": now,
        "modified": now, "discount_type": "fixed_cart", "description": "", "usage_count": 0,
        "individual_use": False, "free_shipping": False, "exclude_sale_items": False,
        "used_by": [], "meta": [],
    }  # fmt: skip
    _apply_coupon(shop, coupon, data)
    coupon["id"] = shop.next_id("post")
    shop.coupons[coupon["id"]] = coupon
    shop.coupon_codes[code] = coupon["id"]
    return coupon


def _apply_coupon(shop: Shop, coupon: dict, data: dict) -> None:
    if "discount_type" in data:
        if data["discount_type"] not in COUPON_TYPES:
            raise invalid_param(
                "discount_type",
                f"discount_type is not one of {english_list(COUPON_TYPES)}.",
                "rest_not_in_enum",
            )
        coupon["discount_type"] = data["discount_type"]
    if "amount" in data:
        coupon["amount"] = decimal_or_none(data["amount"]) or Decimal(0)
    for field in ("individual_use", "free_shipping", "exclude_sale_items"):
        if field in data:
            coupon[field] = bool(as_bool(data[field]))
    if "description" in data:
        coupon["description"] = str(data["description"] or "")
    update_meta(shop, coupon["meta"], data.get("meta_data"))


def update_coupon(shop: Shop, coupon_id, data: dict) -> dict:
    coupon = coupon_or_error(shop, coupon_id, status=400)
    if data.get("code"):
        code = str(data["code"]).strip().lower()
        if shop.coupon_codes.get(code, coupon["id"]) != coupon["id"]:
            raise WooError(
                400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists"
            )
        del shop.coupon_codes[coupon["code"]]
        coupon["code"] = code
        shop.coupon_codes[code] = coupon["id"]
    _apply_coupon(shop, coupon, data)
    coupon["modified"] = shop.now()
    return coupon


def delete_coupon(shop: Shop, coupon_id, force: bool) -> dict:
    coupon = coupon_or_error(shop, coupon_id)
    shown = render_coupon(shop, coupon)
    if not force:
        coupon["status"] = "trash"
        return render_coupon(shop, coupon)
    del shop.coupons[coupon["id"]]
    shop.coupon_codes.pop(coupon["code"], None)
    return shown


def render_coupon(shop: Shop, coupon: dict) -> dict:
    decimals = as_int(shop.option("woocommerce_price_num_decimals")) or 2
    step = Decimal(1).scaleb(-decimals)
    return {
        "id": coupon["id"],
        "code": coupon["code"],
        "amount": str(coupon["amount"].quantize(step)),
        "status": coupon["status"],
        **date_pair("date_created", coupon["created"]),
        **date_pair("date_modified", coupon["modified"]),
        "discount_type": coupon["discount_type"],
        "description": coupon["description"],
        **date_pair("date_expires", None),
        "usage_count": coupon["usage_count"],
        "individual_use": coupon["individual_use"],
        "product_ids": [],
        "excluded_product_ids": [],
        "usage_limit": None,
        "usage_limit_per_user": None,
        "limit_usage_to_x_items": None,
        "free_shipping": coupon["free_shipping"],
        "product_categories": [],
        "excluded_product_categories": [],
        "exclude_sale_items": coupon["exclude_sale_items"],
        "minimum_amount": str(Decimal(0).quantize(step)),
        "maximum_amount": str(Decimal(0).quantize(step)),
        "email_restrictions": [],
        "used_by": list(coupon["used_by"]),
        "meta_data": render_meta(coupon["meta"]),
        "_links": links(shop.home(), f"coupons/{coupon['id']}", "coupons"),
    }


def list_coupons(shop: Shop, p: Params):
    code = (p.raw("code") or "").strip().lower()
    search = (p.raw("search") or "").strip().lower()

    def match(coupon: dict) -> bool:
        return (
            coupon["status"] != "trash"
            and (not code or coupon["code"] == code)
            and (not search or search in coupon["code"])
        )

    return post_query(shop.coupons, False, p, match, ties=shop.ties)
