"""Variations of the simulated shop's variable products: `products/<id>/variations` (list,
create, read, update, delete, batch) as WooCommerce 10's REST API serves them.

A variation is a post of its own (its id comes from the posts' counter, its SKU is unique
across products and variations), belongs to one variable product (`parent_id`), names the
option it stands for per attribute (`attributes: [{id, name, option}]`) and has its own
price and stock. Its tax class "parent" (the default) means the parent's. The parent lists
its variations' ids in `variations` and shows the lowest variation price as its `price`.
An order line may name a variation (`variation_id`, or the variation's SKU): the line then
carries the parent's `product_id` and the variation's `variation_id`.
"""

from __future__ import annotations

from . import woo_catalog as catalog
from .woo_core import (
    Params,
    Shop,
    WooError,
    as_int,
    date_pair,
    decimal_or_none,
    links,
    page_params,
    paginate,
    render_meta,
    sanitize_title,
)

VARIATION_FIELDS = (
    "sku", "regular_price", "sale_price", "status", "description", "manage_stock",
    "stock_quantity", "stock_status", "backorders", "low_stock_amount", "weight",
    "dimensions", "tax_status", "virtual", "downloadable", "menu_order", "meta_data",
    "global_unique_id", "shipping_class",
)  # fmt: skip


def variable_or_error(shop: Shop, product_id) -> dict:
    product = shop.products.get(as_int(product_id) or 0)
    if product is None:
        raise WooError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    return product


def variation_or_error(shop: Shop, product_id, variation_id, status: int = 404) -> dict:
    """The variation, or the shop's refusal of its id: also when its variable product is
    gone (deleting a variable product deletes its variations)."""
    parent = shop.products.get(as_int(product_id) or 0)
    variation = shop.variations.get(as_int(variation_id) or 0)
    if parent is None or variation is None or variation["parent_id"] != parent["id"]:
        raise WooError(status, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
    return variation


def _options(parent: dict, given) -> list[dict]:
    """The variation's `attributes` as `[{id, name, option}]`, only for the parent's
    attributes used for variations (others are dropped, as WooCommerce does)."""
    if not isinstance(given, list):
        return []
    names = {
        str(a.get("name") or "").lower(): a["name"]
        for a in parent.get("attributes") or []
        if a.get("variation", True)
    }
    chosen = []
    for attribute in given:
        if not isinstance(attribute, dict):
            continue
        name = names.get(str(attribute.get("name") or "").lower())
        if name is not None:
            chosen.append({"id": 0, "name": name, "option": str(attribute.get("option") or "")})
    return chosen


def create_variation(shop: Shop, product_id, data: dict) -> dict:
    parent = variable_or_error(shop, product_id)
    if data.get("id"):
        raise WooError(
            400, "woocommerce_rest_product_variation_exists", "Cannot create existing product."
        )
    variation = catalog._new_product(shop.ids["post"] + 1, shop.now())
    variation.update(type="variation", parent_id=parent["id"], tax_class="parent", options=[])
    _apply(shop, parent, variation, data)  # may refuse (SKU) before an id is spent
    shop.next_id("post")
    variation["slug"] = f"{parent['slug']}-{variation['id']}"
    shop.variations[variation["id"]] = variation
    parent.setdefault("variation_ids", []).append(variation["id"])
    parent["modified"] = shop.now()
    shop.products_changed()
    return variation


def _apply(shop: Shop, parent: dict, variation: dict, data: dict) -> None:
    fields = {k: data[k] for k in VARIATION_FIELDS if k in data}
    tax_class = data.get("tax_class")
    fields.pop("type", None)
    # The product writer checks SKUs, prices, stock and meta as for any product.
    catalog._apply_product(shop, variation, fields)
    variation["type"] = "variation"
    if "tax_class" in data:
        variation["tax_class"] = (
            "parent" if tax_class in (None, "parent") else catalog._apply_tax_class(tax_class)
        )
    if "attributes" in data:
        variation["options"] = _options(parent, data["attributes"])
    variation["name"] = _name(parent, variation)


def _name(parent: dict, variation: dict) -> str:
    """WooCommerce's variation title: the parent's name and the chosen values, but only for
    fewer than three attributes, and for two only when neither name has several words."""
    chosen = [o for o in variation["options"] if o["option"]]
    shows_values = len(variation["options"]) < 3
    if shows_values and len(variation["options"]) > 1:
        shows_values = not any("-" in sanitize_title(o["name"]) for o in variation["options"])
    options = ", ".join(o["option"] for o in chosen) if shows_values else ""
    return f"{parent['name']} - {options}" if options else parent["name"]


def line_meta(shop: Shop, variation: dict) -> list[dict]:
    """The meta an order line of a variation gets: one entry per attribute chosen, its key
    the attribute's slug, shown with the attribute's name (display_key) and the option."""
    return [
        {
            "id": shop.next_id("meta"),
            "key": sanitize_title(o["name"]),
            "value": o["option"],
            "display_key": o["name"],
            "display_value": o["option"],
        }
        for o in variation["options"]
        if o["option"]
    ]


def update_variation(shop: Shop, product_id, variation_id, data: dict) -> dict:
    variation = variation_or_error(shop, product_id, variation_id, status=400)
    _apply(shop, shop.products[variation["parent_id"]], variation, data)
    variation["modified"] = shop.now()
    shop.products_changed()
    return variation


def delete_variation(shop: Shop, product_id, variation_id, force: bool) -> dict:
    variation = variation_or_error(shop, product_id, variation_id)
    if not force:
        raise WooError(
            501, "woocommerce_rest_trash_not_supported", "Variations do not support trashing."
        )
    shown = render_variation(shop, variation)
    remove(shop, variation)
    return shown


def remove(shop: Shop, variation: dict) -> None:
    shop.variations.pop(variation["id"], None)
    parent = shop.products.get(variation["parent_id"])
    if parent is not None and variation["id"] in parent.get("variation_ids", []):
        parent["variation_ids"].remove(variation["id"])
    if (
        variation["sku"]
        and shop.sku_index.get(catalog._sku_key(variation["sku"])) == variation["id"]
    ):
        del shop.sku_index[catalog._sku_key(variation["sku"])]
    shop.products_changed()


def tax_class(shop: Shop, variation: dict) -> str:
    if variation["tax_class"] == "parent":
        parent = shop.products.get(variation["parent_id"])
        return parent["tax_class"] if parent else ""
    return variation["tax_class"]


def lowest_price(shop: Shop, parent: dict) -> str:
    """A variable product's `price`: the lowest active price of its variations."""
    prices = [
        (decimal_or_none(catalog.active_price(v)), catalog.active_price(v))
        for v in (shop.variations.get(i) for i in parent.get("variation_ids", []))
        if v is not None and v["status"] == "publish" and catalog.active_price(v) != ""
    ]
    prices = [p for p in prices if p[0] is not None]
    return min(prices)[1] if prices else ""


def render_variation(shop: Shop, variation: dict) -> dict:
    home = shop.home()
    parent_id = variation["parent_id"]
    price = catalog.active_price(variation)
    managed = variation["manage_stock"]
    backorders_allowed = variation["backorders"] != "no"
    return {
        "id": variation["id"],
        "type": "variation",
        **date_pair("date_created", variation["created"]),
        **date_pair("date_modified", variation["modified"]),
        "description": variation["description"],
        "permalink": f"{home}/product/{variation['slug']}/",
        "sku": variation["sku"],
        "global_unique_id": variation["global_unique_id"],
        "price": price,
        "regular_price": variation["regular_price"],
        "sale_price": variation["sale_price"],
        **date_pair("date_on_sale_from", None),
        **date_pair("date_on_sale_to", None),
        "on_sale": catalog._on_sale(variation),
        "status": variation["status"],
        "purchasable": price != "",
        "virtual": variation["virtual"],
        "downloadable": variation["downloadable"],
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "tax_status": variation["tax_status"],
        "tax_class": tax_class(shop, variation),
        "manage_stock": managed,
        "stock_quantity": variation["stock_quantity"] if managed else None,
        "stock_status": variation["stock_status"],
        "backorders": variation["backorders"],
        "backorders_allowed": backorders_allowed,
        "backordered": bool(
            managed and backorders_allowed and (variation["stock_quantity"] or 0) < 0
        ),
        "low_stock_amount": variation["low_stock_amount"],
        "weight": variation["weight"],
        "dimensions": dict(variation["dimensions"]),
        "shipping_class": variation["shipping_class"],
        "shipping_class_id": 0,
        "image": None,
        "attributes": [dict(o) for o in variation["options"]],
        "menu_order": variation["menu_order"],
        "meta_data": render_meta(variation["meta"]),
        "name": variation["name"],
        "parent_id": parent_id,
        "_links": links(
            home,
            f"products/{parent_id}/variations/{variation['id']}",
            f"products/{parent_id}/variations",
            up=f"products/{parent_id}",
        ),
    }


def list_variations(shop: Shop, product_id, p: Params):
    parent = variable_or_error(shop, product_id)
    page, per_page, offset = page_params(p)
    orderby = p.enum("orderby", ("date", "id", "include", "title", "slug", "modified"), "date")
    descending = p.enum("order", ("asc", "desc"), "desc") == "desc"
    sku = (p.raw("sku") or "").strip().lower()
    p.check()
    found = [
        shop.variations[i]
        for i in parent.get("variation_ids", [])
        if i in shop.variations and (not sku or shop.variations[i]["sku"].lower() == sku)
    ]
    key = {"date": "created", "modified": "modified"}.get(orderby)
    found.sort(key=(lambda v: (v[key], v["id"])) if key else (lambda v: v["id"]))
    if descending:
        found.reverse()
    items, total, pages = paginate(found, page, per_page, offset)
    return items, total, pages, page


def add_seed_variable_product(shop: Shop) -> dict | None:
    """The seeded shop's variable product: a T-shirt in three sizes (SKUs SIM-VAR-TRICKO-S,
    -M, -L, 19.90 each, the L one 21.90), stock managed per variation."""
    if catalog.product_by_sku(shop, "SIM-VAR-TRICKO"):
        return None
    parent = catalog.create_product(
        shop,
        {
            "name": "Tričko s logom",
            "type": "variable",
            "sku": "SIM-VAR-TRICKO",
            "attributes": [
                {"name": "Veľkosť", "options": ["S", "M", "L"], "variation": True, "visible": True}
            ],
        },
    )
    for size, price, stock in (("S", "19.90", 12), ("M", "19.90", 20), ("L", "21.90", 0)):
        create_variation(
            shop,
            parent["id"],
            {
                "sku": f"SIM-VAR-TRICKO-{size}",
                "regular_price": price,
                "manage_stock": True,
                "stock_quantity": stock,
                "attributes": [{"name": "Veľkosť", "option": size}],
            },
        )
    return parent
