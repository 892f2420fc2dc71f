"""The simulated shop's catalogue: products and their categories, created, changed, deleted,
listed and shown as WooCommerce 10's REST API does (SKU uniqueness, stock status, slugs,
category tree and counts)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .woo_core import (
    Params,
    Shop,
    WooError,
    as_bool,
    as_int,
    date_pair,
    decimal_or_none,
    english_list,
    id_list,
    invalid_param,
    links,
    missing_params,
    money_text,
    page_params,
    paginate,
    parse_date,
    post_query,
    render_meta,
    sanitize_title,
    sort_name,
    text_list,
    update_meta,
)

PRODUCT_TYPES = ("simple", "grouped", "external", "variable")
PRODUCT_STATUSES = ("draft", "pending", "private", "publish", "future")
LISTED_STATUSES = ("any", *PRODUCT_STATUSES, "trash")
TAX_CLASSES = ("", "reduced-rate", "zero-rate")
CURRENCY_SYMBOLS = {"EUR": "&euro;", "USD": "&#36;", "CZK": "&#75;&#269;", "GBP": "&pound;"}

PRODUCT_BODY_TYPES = {
    "name": "string",
    "sku": "string",
    "regular_price": "string",
    "sale_price": "string",
    "status": "string",
    "type": "string",
    "stock_quantity": "integer|null",
    "manage_stock": "boolean",
    "categories": "array",
    "meta_data": "array",
    "description": "string",
}


# -- categories ----------------------------------------------------------------------------


def category_or_404(shop: Shop, category_id) -> dict:
    category = shop.categories.get(as_int(category_id) or 0)
    if category is None:
        raise WooError(404, "woocommerce_rest_term_invalid", "Resource does not exist.")
    return category


def _unique_term_slug(shop: Shop, slug: str, parent: int, own_id: int = 0) -> str:
    taken = {c["slug"] for c in shop.categories.values() if c["id"] != own_id}
    if slug not in taken:
        return slug
    # WordPress first tries the parents' slugs, then numbers.
    ancestor = parent
    while ancestor and ancestor in shop.categories:
        slug = f"{slug}-{shop.categories[ancestor]['slug']}"
        if slug not in taken:
            return slug
        ancestor = shop.categories[ancestor]["parent"]
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"


def create_category(shop: Shop, data: dict) -> dict:
    name = str(data.get("name") or "").strip()
    if "name" not in data:
        raise missing_params("name")
    if not name:
        raise WooError(400, "empty_term_name", "A name is required for this term.")
    parent = as_int(data.get("parent")) or 0
    if parent and parent not in shop.categories:
        raise WooError(404, "woocommerce_rest_term_invalid", "Parent resource does not exist.")
    for other in shop.categories.values():
        if other["parent"] == parent and sort_name(other["name"]) == sort_name(name):
            raise WooError(
                400,
                "term_exists",
                "A term with the name provided already exists with this parent.",
                resource_id=other["id"],
            )
    category_id = shop.next_id("term")
    slug = sanitize_title(data.get("slug") or name) or str(category_id)
    category = {
        "id": category_id,
        "name": name,
        "slug": _unique_term_slug(shop, slug, parent),
        "parent": parent,
        "description": str(data.get("description") or ""),
        "display": data.get("display") or "default",
        "image": None,
        "menu_order": as_int(data.get("menu_order")) or 0,
    }
    shop.categories[category_id] = category
    shop.products_changed()
    return category


def update_category(shop: Shop, category_id, data: dict) -> dict:
    category = category_or_404(shop, category_id)
    if "parent" in data:
        parent = as_int(data["parent"]) or 0
        if parent and (parent not in shop.categories or parent == category["id"]):
            raise WooError(404, "woocommerce_rest_term_invalid", "Parent resource does not exist.")
        category["parent"] = parent
    if data.get("name"):
        category["name"] = str(data["name"]).strip()
    if data.get("slug"):
        category["slug"] = _unique_term_slug(
            shop, sanitize_title(data["slug"]), category["parent"], category["id"]
        )
    for field in ("description", "display"):
        if field in data:
            category[field] = str(data[field] or "")
    if "menu_order" in data:
        category["menu_order"] = as_int(data["menu_order"]) or 0
    shop.products_changed()
    return category


def delete_category(shop: Shop, category_id, force: bool) -> dict:
    category = category_or_404(shop, category_id)
    if not force:
        raise WooError(
            501, "woocommerce_rest_trash_not_supported", "Resource does not support trashing."
        )
    if category["id"] == shop.default_category:
        raise WooError(500, "woocommerce_rest_cannot_delete", "The resource cannot be deleted.")
    shown = render_category(shop, category)
    del shop.categories[category["id"]]
    for child in shop.categories.values():
        if child["parent"] == category["id"]:
            child["parent"] = category["parent"]
    for product in shop.products.values():
        if category["id"] in product["category_ids"]:
            product["category_ids"].remove(category["id"])
    shop.products_changed()
    return shown


def category_counts(shop: Shop) -> dict[int, int]:
    """Published products in each category or any of its subcategories (WooCommerce's own
    term recount), cached until the catalogue changes."""
    if shop.category_counts is None:
        members: dict[int, set[int]] = {cid: set() for cid in shop.categories}
        direct: dict[int, list[int]] = {cid: [] for cid in shop.categories}
        for product in shop.products.values():
            if product["status"] != "publish":
                continue
            for cid in product["category_ids"]:
                if cid in direct:
                    direct[cid].append(product["id"])
                seen = set()
                while cid in members and cid not in seen:
                    members[cid].add(product["id"])
                    seen.add(cid)
                    cid = shop.categories[cid]["parent"]
        shop.category_counts = {cid: len(ids) for cid, ids in members.items()}
        shop.category_members = direct
    return shop.category_counts


def _related_ids(shop: Shop, product: dict) -> list[int]:
    """Up to five published products sharing a category. WooCommerce caches the list the
    first time it is asked for (a day-long transient), so later products do not show up."""
    if "related" not in product:
        category_counts(shop)
        related: list[int] = []
        for cid in product["category_ids"]:
            for other in shop.category_members.get(cid, ()):
                if other != product["id"] and other not in related:
                    related.append(other)
                if len(related) == 5:
                    break
        product["related"] = related[:5]
    return list(product["related"])


def render_category(shop: Shop, category: dict) -> dict:
    home = shop.home()
    return {
        **category,
        "count": category_counts(shop).get(category["id"], 0),
        "_links": links(
            home,
            f"products/categories/{category['id']}",
            "products/categories",
            up=f"products/categories/{category['parent']}" if category["parent"] else None,
        ),
    }


def list_categories(shop: Shop, p: Params):
    page, per_page, offset = page_params(p)
    orderby = p.enum(
        "orderby",
        ("id", "include", "name", "slug", "term_group", "description", "count"),
        "name",
    )
    descending = p.enum("order", ("asc", "desc"), "asc") == "desc"
    parent = p.int("parent", None, minimum=0)
    hide_empty = p.bool("hide_empty")
    p.check()
    include = id_list(p.raw("include")) if p.raw("include") else None
    exclude = set(id_list(p.raw("exclude")))
    search = sort_name(p.raw("search") or "")
    slugs = set(text_list(p.raw("slug"))) if p.raw("slug") else None
    counts = category_counts(shop)
    found = [
        c
        for c in shop.categories.values()
        if (include is None or c["id"] in include)
        and c["id"] not in exclude
        and (parent is None or c["parent"] == parent)
        and (not search or search in sort_name(c["name"]))
        and (slugs is None or c["slug"] in slugs)
        and (not hide_empty or counts.get(c["id"]))
    ]
    keys = {
        "id": lambda c: c["id"],
        "include": lambda c: include.index(c["id"]) if include else c["id"],
        "slug": lambda c: (c["slug"], c["id"]),
        "count": lambda c: (counts.get(c["id"], 0), c["id"]),
        "description": lambda c: (c["description"], c["id"]),
    }
    found.sort(key=keys.get(orderby, lambda c: (sort_name(c["name"]), c["id"])), reverse=descending)
    items, total, pages = paginate(found, page, per_page, offset)
    return items, total, pages, page


# -- products ------------------------------------------------------------------------------


def product_or_error(shop: Shop, product_id, status: int = 404) -> dict:
    product = shop.products.get(as_int(product_id) or 0)
    if product is None:
        raise WooError(status, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    return product


def _sku_key(sku: str) -> str:
    # MySQL compares SKUs without regard to case.
    return sku.strip().lower()


def _check_sku(shop: Shop, sku: str, own_id: int) -> None:
    if not sku:
        return
    holder = shop.sku_index.get(_sku_key(sku))
    if holder is not None and holder != own_id:
        number = 1
        while _sku_key(f"{sku}-{number}") in shop.sku_index:
            number += 1
        raise WooError(
            400,
            "product_invalid_sku",
            "Invalid or duplicated SKU.",
            resource_id=holder,
            unique_sku=f"{sku}-{number}",
        )


def _unique_product_slug(shop: Shop, slug: str) -> str:
    if slug not in shop.product_slugs:
        return slug
    number = 2
    while f"{slug}-{number}" in shop.product_slugs:
        number += 1
    return f"{slug}-{number}"


def _new_product(product_id: int, now: int) -> dict:
    return {
        "id": product_id,
        "name": "",
        "slug": "",
        "created": now,
        "modified": now,
        "type": "simple",
        "status": "publish",
        "featured": False,
        "catalog_visibility": "visible",
        "description": "",
        "short_description": "",
        "sku": "",
        "regular_price": "",
        "sale_price": "",
        "virtual": False,
        "downloadable": False,
        "tax_status": "taxable",
        "tax_class": "",
        "manage_stock": False,
        "stock_quantity": None,
        "backorders": "no",
        "low_stock_amount": None,
        "sold_individually": False,
        "weight": "",
        "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_class": "",
        "reviews_allowed": True,
        "upsell_ids": [],
        "cross_sell_ids": [],
        "parent_id": 0,
        "purchase_note": "",
        "category_ids": [],
        "tags": [],
        "menu_order": 0,
        "meta": [],
        "stock_status": "instock",
        "total_sales": 0,
        "global_unique_id": "",
    }


def _apply_product(shop: Shop, product: dict, data: dict) -> None:
    """Writes the request's fields into the product, checking what WooCommerce checks."""
    if "type" in data:
        if data["type"] not in PRODUCT_TYPES:
            raise invalid_param(
                "type", f"type is not one of {english_list(PRODUCT_TYPES)}.", "rest_not_in_enum"
            )
        product["type"] = data["type"]
    if "sku" in data:
        sku = str(data["sku"] or "").strip()
        _check_sku(shop, sku, product["id"])
        if product["sku"]:
            shop.sku_index.pop(_sku_key(product["sku"]), None)
        product["sku"] = sku
        if sku:
            shop.sku_index[_sku_key(sku)] = product["id"]
    if "status" in data:
        status = data["status"]
        # An unknown status is saved as a draft.
        product["status"] = status if status in (*PRODUCT_STATUSES, "trash") else "draft"
    for field in (
        "name",
        "description",
        "short_description",
        "purchase_note",
        "weight",
        "shipping_class",
        "global_unique_id",
    ):
        if field in data:
            product[field] = str(data[field] or "")
    for field in ("featured", "virtual", "downloadable", "reviews_allowed", "sold_individually"):
        if field in data:
            product[field] = bool(as_bool(data[field]))
    for field, choices in (
        ("catalog_visibility", ("visible", "catalog", "search", "hidden")),
        ("tax_status", ("taxable", "shipping", "none")),
        ("backorders", ("no", "notify", "yes")),
    ):
        if field in data and data[field] in choices:
            product[field] = data[field]
    if "tax_class" in data:
        product["tax_class"] = _apply_tax_class(data["tax_class"])
    if isinstance(data.get("attributes"), list) and product["type"] != "variation":
        product["attributes"] = _attributes(data["attributes"])
    for field in ("regular_price", "sale_price"):
        if field in data:
            product[field] = money_text(data[field])
    if product["type"] in ("variable", "grouped"):
        product["regular_price"] = product["sale_price"] = ""
    if "manage_stock" in data:
        product["manage_stock"] = bool(as_bool(data["manage_stock"]))
    if "stock_quantity" in data:
        product["stock_quantity"] = as_int(data["stock_quantity"])
    if "stock_status" in data and data["stock_status"] in ("instock", "outofstock", "onbackorder"):
        product["stock_status"] = data["stock_status"]
    if "low_stock_amount" in data:
        product["low_stock_amount"] = as_int(data["low_stock_amount"])
    if isinstance(data.get("dimensions"), dict):
        for side in ("length", "width", "height"):
            if side in data["dimensions"]:
                product["dimensions"][side] = str(data["dimensions"][side] or "")
    for field in ("upsell_ids", "cross_sell_ids"):
        if field in data:
            product[field] = id_list(data[field] or [])
    if "menu_order" in data:
        product["menu_order"] = as_int(data["menu_order"]) or 0
    if "parent_id" in data:
        product["parent_id"] = as_int(data["parent_id"]) or 0
    if isinstance(data.get("categories"), list):
        wanted = [as_int(c.get("id")) for c in data["categories"] if isinstance(c, dict)]
        product["category_ids"] = [cid for cid in wanted if cid in shop.categories]
    for field in ("date_created", "date_created_gmt"):
        if data.get(field):
            stamp = parse_date(data[field], gmt=field.endswith("_gmt"))
            if stamp is not None:
                product["created"] = stamp
    update_meta(shop, product["meta"], data.get("meta_data"))
    if "slug" in data and data["slug"]:
        shop.product_slugs.discard(product["slug"])
        product["slug"] = _unique_product_slug(shop, sanitize_title(data["slug"]))
        shop.product_slugs.add(product["slug"])
    recompute_stock_status(shop, product)


def _apply_tax_class(value) -> str:
    tax_class = "" if value in (None, "standard") else str(value)
    return tax_class if tax_class in TAX_CLASSES else ""


def _attributes(given: list) -> list[dict]:
    """Custom (local) product attributes: `{id: 0, name, slug, position, visible, variation,
    options}`."""
    shown = []
    for position, attribute in enumerate(a for a in given if isinstance(a, dict)):
        name = str(attribute.get("name") or "").strip()
        if not name:
            continue
        options = attribute.get("options") or []
        if isinstance(options, str):
            options = [o.strip() for o in options.split("|")]
        shown.append(
            {
                "id": 0,
                "name": name,
                "slug": sanitize_title(name),
                "position": as_int(attribute.get("position")) or position,
                "visible": bool(as_bool(attribute.get("visible", True))),
                "variation": bool(as_bool(attribute.get("variation", False))),
                "options": [str(o) for o in options if str(o)],
            }
        )
    return shown


def recompute_stock_status(shop: Shop, product: dict) -> None:
    """With stock managed, the status follows the quantity; without it there is no quantity."""
    if product["manage_stock"] and shop.option("woocommerce_manage_stock") == "yes":
        quantity = product["stock_quantity"] or 0
        product["stock_quantity"] = quantity
        if quantity > 0:
            product["stock_status"] = "instock"
        elif product["backorders"] != "no":
            product["stock_status"] = "onbackorder"
        else:
            product["stock_status"] = "outofstock"
    else:
        product["stock_quantity"] = None


def create_product(shop: Shop, data: dict) -> dict:
    if data.get("id"):
        raise WooError(400, "woocommerce_rest_product_exists", "Cannot create existing product.")
    product = _new_product(shop.ids["post"] + 1, shop.now())
    _apply_product(shop, product, data)  # may refuse (SKU) before an id is spent
    shop.next_id("post")
    if not product["category_ids"] and shop.default_category in shop.categories:
        product["category_ids"] = [shop.default_category]
    if not product["slug"]:
        product["slug"] = _unique_product_slug(
            shop, sanitize_title(product["name"]) or f"product-{product['id']}"
        )
        shop.product_slugs.add(product["slug"])
    previous = next(reversed(shop.products.values()), None)
    if previous is not None and previous["created"] > product["created"]:
        shop.products_by_date = False
    shop.products[product["id"]] = product
    shop.products_changed()
    return product


def update_product(shop: Shop, product_id, data: dict) -> dict:
    product = product_or_error(shop, product_id, status=400)
    created = product["created"]
    _apply_product(shop, product, data)
    if product["created"] != created:
        shop.products_by_date = False
    product["modified"] = shop.now()
    shop.products_changed()
    return product


def delete_product(shop: Shop, product_id, force: bool) -> dict:
    product = product_or_error(shop, product_id)
    if not force:
        if product["status"] == "trash":
            raise WooError(
                410, "woocommerce_rest_already_trashed", "The product has already been deleted."
            )
        product["status"] = "trash"
        product["modified"] = shop.now()
        if product["sku"]:  # a trashed product's SKU is free again
            shop.sku_index.pop(_sku_key(product["sku"]), None)
        shop.products_changed()
        return render_product(shop, product)
    shown = render_product(shop, product)
    from . import woo_variations

    for variation_id in list(product.get("variation_ids", [])):
        if variation_id in shop.variations:
            woo_variations.remove(shop, shop.variations[variation_id])
    del shop.products[product["id"]]
    if product["sku"] and shop.sku_index.get(_sku_key(product["sku"])) == product["id"]:
        del shop.sku_index[_sku_key(product["sku"])]
    shop.product_slugs.discard(product["slug"])
    shop.products_changed()
    return shown


def change_stock(shop: Shop, product: dict, delta: int) -> None:
    if product["manage_stock"]:
        product["stock_quantity"] = (product["stock_quantity"] or 0) + delta
        recompute_stock_status(shop, product)
        product["modified"] = shop.now()


def product_by_sku(shop: Shop, sku: str) -> dict | None:
    """The product or the variation with that SKU."""
    product_id = shop.sku_index.get(_sku_key(sku))
    if not product_id:
        return None
    return shop.products.get(product_id) or shop.variations.get(product_id)


def active_price(product: dict) -> str:
    if product["sale_price"] != "" and _on_sale(product):
        return product["sale_price"]
    return product["regular_price"]


def _on_sale(product: dict) -> bool:
    sale, regular = (
        decimal_or_none(product["sale_price"]),
        decimal_or_none(product["regular_price"]),
    )
    return sale is not None and regular is not None and sale < regular


def _price_html(shop: Shop, product: dict) -> str:
    price = decimal_or_none(active_price(product))
    if price is None:
        return ""
    shown = [_displayed(shop, product, price)]
    if _on_sale(product):
        shown.insert(0, _displayed(shop, product, decimal_or_none(product["regular_price"])))
        return f'<del aria-hidden="true">{shown[0]}</del> <ins aria-hidden="true">{shown[1]}</ins>'
    return shown[0]


def _displayed(shop: Shop, product: dict, price: Decimal) -> str:
    """A price as the shop page shows it: with or without VAT as the settings say."""
    rate = Decimal(0)
    if shop.option("woocommerce_calc_taxes") == "yes" and product["tax_status"] == "taxable":
        country = shop.option("woocommerce_default_country").split(":")[0]
        for tax in shop.tax_rates.values():
            if tax["class"] == product["tax_class"] and tax["country"] in ("", country):
                rate = Decimal(tax["rate"])
                break
    entered_with_tax = shop.option("woocommerce_prices_include_tax") == "yes"
    show_with_tax = shop.option("woocommerce_tax_display_shop") == "incl"
    if show_with_tax and not entered_with_tax:
        price = price * (1 + rate / 100)
    elif entered_with_tax and not show_with_tax:
        price = price / (1 + rate / 100)
    decimals = as_int(shop.option("woocommerce_price_num_decimals")) or 0
    amount = f"{price.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP):,.{decimals}f}"
    symbol = CURRENCY_SYMBOLS.get(shop.option("woocommerce_currency"), "")
    symbol_html = f'<span class="woocommerce-Price-currencySymbol">{symbol}</span>'
    text = {
        "left": f"{symbol_html}{amount}",
        "right": f"{amount}{symbol_html}",
        "left_space": f"{symbol_html}&nbsp;{amount}",
    }.get(shop.option("woocommerce_currency_pos"), f"{amount}&nbsp;{symbol_html}")
    return f'<span class="woocommerce-Price-amount amount"><bdi>{text}</bdi></span>'


def render_product(shop: Shop, product: dict, edit: bool = False) -> dict:
    """The product as the API shows it; `edit` adds what only answers to writes carry."""
    from . import woo_variations

    if product["type"] == "variation":  # a SKU search finds variations too
        return woo_variations.render_variation(shop, product)
    home = shop.home()
    price = active_price(product)
    if product["type"] == "variable":
        price = woo_variations.lowest_price(shop, product)
    managed = product["manage_stock"]
    backorders_allowed = product["backorders"] != "no"
    categories = [
        {"id": cid, "name": shop.categories[cid]["name"], "slug": shop.categories[cid]["slug"]}
        for cid in product["category_ids"]
        if cid in shop.categories
    ]
    shown = {
        "id": product["id"],
        "name": product["name"],
        "slug": product["slug"],
        "permalink": f"{home}/product/{product['slug']}/",
        **date_pair("date_created", product["created"]),
        **date_pair("date_modified", product["modified"]),
        "type": product["type"],
        "status": product["status"],
        "featured": product["featured"],
        "catalog_visibility": product["catalog_visibility"],
        "description": product["description"],
        "short_description": product["short_description"],
        "sku": product["sku"],
        "price": price,
        "regular_price": product["regular_price"],
        "sale_price": product["sale_price"],
        **date_pair("date_on_sale_from", None),
        **date_pair("date_on_sale_to", None),
        "on_sale": _on_sale(product),
        "purchasable": price != "",
        "total_sales": product["total_sales"],
        "virtual": product["virtual"],
        "downloadable": product["downloadable"],
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "external_url": "",
        "button_text": "",
        "tax_status": product["tax_status"],
        "tax_class": product["tax_class"],
        "manage_stock": managed,
        "stock_quantity": product["stock_quantity"] if managed else None,
        "backorders": product["backorders"],
        "backorders_allowed": backorders_allowed,
        "backordered": bool(
            managed and backorders_allowed and (product["stock_quantity"] or 0) < 0
        ),
        "low_stock_amount": product["low_stock_amount"],
        "sold_individually": product["sold_individually"],
        "weight": product["weight"],
        "dimensions": dict(product["dimensions"]),
        "shipping_required": not product["virtual"],
        "shipping_taxable": not product["virtual"]
        and product["tax_status"] in ("taxable", "shipping"),
        "shipping_class": product["shipping_class"],
        "shipping_class_id": 0,
        "reviews_allowed": product["reviews_allowed"],
        "average_rating": "0",
        "rating_count": 0,
        "upsell_ids": list(product["upsell_ids"]),
        "cross_sell_ids": list(product["cross_sell_ids"]),
        "parent_id": product["parent_id"],
        "purchase_note": product["purchase_note"],
        "categories": categories,
        "brands": [],
        "tags": list(product["tags"]),
        "images": [],
        "attributes": [dict(a, options=list(a["options"])) for a in product.get("attributes", [])],
        "default_attributes": [],
        "variations": list(product.get("variation_ids", [])),
        "grouped_products": [],
        "menu_order": product["menu_order"],
        "price_html": _price_html(shop, product),
        "related_ids": _related_ids(shop, product),
        "meta_data": render_meta(product["meta"]),
        "stock_status": product["stock_status"],
        "has_options": product["type"] == "variable",
        "post_password": "",
        "global_unique_id": product["global_unique_id"],
        "_links": links(home, f"products/{product['id']}", "products"),
    }
    if edit:
        shown["permalink_template"] = f"{home}/product/%pagename%/"
        shown["generated_slug"] = product["slug"]
        shown["_links"] = shown.pop("_links")
    return shown


def list_products(shop: Shop, p: Params):
    statuses = p.enum_list("status", LISTED_STATUSES, ["any"])
    p.enum("type", PRODUCT_TYPES)
    p.enum("stock_status", ("instock", "outofstock", "onbackorder"))
    category = p.int("category", None)
    parent_ids = set(id_list(p.raw("parent"))) if p.raw("parent") not in (None, "") else None
    skus = None
    if p.raw("sku"):
        # A comma list is split, and the whole text is tried as one SKU as well.
        skus = {s.lower() for s in text_list(p.raw("sku"))} | {p.raw("sku").strip().lower()}
    search = sort_name(p.raw("search") or "")
    wanted_type, stock_status = p.raw("type"), p.raw("stock_status")
    in_category = None
    if category is not None:
        in_category = {category} | _descendants(shop, category)
    statuses = statuses or ["any"]
    allowed = set(PRODUCT_STATUSES) if "any" in statuses else set(statuses)

    def match(product: dict) -> bool:
        return (
            product["status"] in allowed
            and (skus is None or product["sku"].lower() in skus)
            and (parent_ids is None or product["parent_id"] in parent_ids)
            and (wanted_type is None or product["type"] == wanted_type)
            and (stock_status is None or product["stock_status"] == stock_status)
            and (in_category is None or any(c in in_category for c in product["category_ids"]))
            and (not search or search in sort_name(product["name"]))
        )

    records = shop.products
    if skus is not None and shop.variations:
        # A SKU search covers product variations as well as products.
        records = {**shop.products, **shop.variations}
        return post_query(dict(sorted(records.items())), False, p, match, ties=shop.ties)
    return post_query(records, shop.products_by_date, p, match, ties=shop.ties)


def _descendants(shop: Shop, category_id: int) -> set[int]:
    found, frontier = set(), {category_id}
    while frontier:
        frontier = {c["id"] for c in shop.categories.values() if c["parent"] in frontier} - found
        found |= frontier
    return found
