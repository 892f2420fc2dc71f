"""The simulated shop's registered users: created, changed, deleted, listed and shown as
WooCommerce 10's REST API does (unique e-mail and username, meta keys starting with `_`
silently dropped). Users have a WordPress role: `customer` for buyers, `administrator` and
`shop_manager` for staff; the list shows role `customer` unless asked for another (or `all`).
A user WooCommerce never saved (staff made by WordPress, a buyer registered before any edit)
has no `last_update`: its `date_modified` is null."""

from __future__ import annotations

import hashlib
import re

from .woo_core import (
    Params,
    Shop,
    WooError,
    as_int,
    date_pair,
    id_list,
    links,
    missing_params,
    page_params,
    paginate,
    parse_date,
    render_meta,
    shuffle_ties,
    sort_name,
    update_meta,
)

BILLING_FIELDS = (
    "first_name", "last_name", "company", "address_1", "address_2",
    "city", "postcode", "country", "state", "email", "phone",
)  # fmt: skip
SHIPPING_FIELDS = tuple(f for f in BILLING_FIELDS if f != "email")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLES = ("customer", "subscriber", "shop_manager", "administrator")
# Users every seeded ("default") shop has beside its buyers: WordPress's first user, a shop
# manager, and a buyer who registered but was never saved since (date_modified null).
STAFF = (
    {"email": "admin@shop.example", "username": "admin", "first_name": "Správca",
     "role": "administrator", "never_updated": True},
    {"email": "manazer@shop.example", "username": "manazer", "first_name": "Mária",
     "last_name": "Manažérka", "role": "shop_manager", "never_updated": True},
)  # fmt: skip
NEVER_UPDATED_BUYER = {
    "email": "novy.zakaznik@example.sk", "username": "novy.zakaznik", "first_name": "Nový",
    "last_name": "Zákazník", "never_updated": True,
}  # fmt: skip


def customer_or_error(shop: Shop, customer_id, status: int = 404) -> dict:
    customer = shop.customers.get(as_int(customer_id) or 0)
    if customer is None:
        raise WooError(status, "woocommerce_rest_invalid_id", "Invalid resource ID.")
    return customer


def _address(fields: tuple, current: dict | None, given) -> dict:
    address = dict(current) if current else dict.fromkeys(fields, "")
    if isinstance(given, dict):
        for field in fields:
            if field in given:
                address[field] = str(given[field] if given[field] is not None else "")
    return address


def _new_username(shop: Shop, email: str) -> str:
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@")[0].lower()) or "customer"
    name, number = base, 1
    while name in shop.usernames:
        number += 1
        name = f"{base}{number}"
    return name


def create_customer(shop: Shop, data: dict) -> dict:
    if data.get("id"):
        raise WooError(400, "woocommerce_rest_customer_exists", "Cannot create existing resource.")
    if "email" not in data:
        raise missing_params("email")
    email = str(data.get("email") or "").strip()
    if not _EMAIL.match(email):
        raise WooError(
            400, "registration-error-invalid-email", "Please provide a valid email address."
        )
    if email.lower() in shop.customer_emails:
        raise WooError(
            400,
            "registration-error-email-exists",
            f"An account is already registered with {email}. "
            "Please log in or use a different email address.",
        )
    username = str(data.get("username") or "").strip() or _new_username(shop, email)
    if username.lower() in shop.usernames:
        raise WooError(
            400,
            "registration-error-username-exists",
            "An account is already registered with that username. Please choose another.",
        )
    now = shop.now()
    customer = {
        "id": shop.next_id("user"),
        "created": now,
        "modified": now,
        "email": email,
        "first_name": "",
        "last_name": "",
        "role": "customer",
        "username": username,
        "billing": _address(BILLING_FIELDS, None, None),
        "shipping": _address(SHIPPING_FIELDS, None, None),
        "meta": [],
    }
    _apply_customer(shop, customer, data)
    if data.get("date_created_gmt"):
        stamp = parse_date(data["date_created_gmt"], gmt=True)
        if stamp is not None:
            customer["created"] = customer["modified"] = stamp
    if data.get("role") in ROLES:  # the seed's own key: WordPress sets roles, not the API
        customer["role"] = data["role"]
    if data.get("never_updated"):  # the seed's own key: no `last_update` meta yet
        customer["modified"] = None
    shop.customers[customer["id"]] = customer
    shop.customer_emails[email.lower()] = customer["id"]
    shop.usernames[username.lower()] = customer["id"]
    return customer


def _apply_customer(shop: Shop, customer: dict, data: dict) -> None:
    for field in ("first_name", "last_name"):
        if field in data:
            customer[field] = str(data[field] or "")
    customer["billing"] = _address(BILLING_FIELDS, customer["billing"], data.get("billing"))
    customer["shipping"] = _address(SHIPPING_FIELDS, customer["shipping"], data.get("shipping"))
    # Keys starting with "_" are protected meta in WordPress: dropped without a word.
    update_meta(shop, customer["meta"], data.get("meta_data"), drop_protected=True)


def update_customer(shop: Shop, customer_id, data: dict) -> dict:
    customer = customer_or_error(shop, customer_id, status=400)
    if "email" in data:
        email = str(data["email"] or "").strip()
        holder = shop.customer_emails.get(email.lower())
        if not _EMAIL.match(email) or (holder is not None and holder != customer["id"]):
            raise WooError(
                400, "woocommerce_rest_customer_invalid_email", "Email address is invalid."
            )
        del shop.customer_emails[customer["email"].lower()]
        customer["email"] = email
        shop.customer_emails[email.lower()] = customer["id"]
    if data.get("username") and data["username"] != customer["username"]:
        raise WooError(
            400, "woocommerce_rest_customer_invalid_argument", "Username isn't editable."
        )
    _apply_customer(shop, customer, data)
    customer["modified"] = shop.now()
    return customer


def delete_customer(shop: Shop, customer_id, force: bool) -> dict:
    customer = customer_or_error(shop, customer_id)
    if not force:
        raise WooError(
            501, "woocommerce_rest_trash_not_supported", "Customers do not support trashing."
        )
    shown = render_customer(shop, customer)
    del shop.customers[customer["id"]]
    shop.customer_emails.pop(customer["email"].lower(), None)
    shop.usernames.pop(customer["username"].lower(), None)
    return shown


def render_customer(shop: Shop, customer: dict) -> dict:
    digest = hashlib.sha256(customer["email"].strip().lower().encode()).hexdigest()
    return {
        "id": customer["id"],
        **date_pair("date_created", customer["created"]),
        **date_pair("date_modified", customer["modified"]),
        "email": customer["email"],
        "first_name": customer["first_name"],
        "last_name": customer["last_name"],
        "role": customer["role"],
        "username": customer["username"],
        "billing": dict(customer["billing"]),
        "shipping": dict(customer["shipping"]),
        "is_paying_customer": False,
        "avatar_url": f"https://secure.gravatar.com/avatar/{digest}?s=96&d=mm&r=g",
        "meta_data": render_meta(customer["meta"]),
        "_links": links(shop.home(), f"customers/{customer['id']}", "customers"),
    }


def list_customers(shop: Shop, p: Params):
    page, per_page, offset = page_params(p)
    orderby = p.enum("orderby", ("id", "include", "name", "registered_date"), "name")
    descending = p.enum("order", ("asc", "desc"), "asc") == "desc"
    p.check()
    role = p.raw("role") or "customer"
    include = id_list(p.raw("include")) if p.raw("include") else None
    exclude = set(id_list(p.raw("exclude")))
    email = (p.raw("email") or "").strip().lower()
    search = sort_name((p.raw("search") or "").strip("*"))
    found = [
        c
        for c in shop.customers.values()
        if (role == "all" or c["role"] == role)
        and (include is None or c["id"] in include)
        and c["id"] not in exclude
        and (not email or c["email"].lower() == email)
        and (
            not search
            or search in sort_name(c["email"])
            or search in sort_name(c["username"])
            or search in sort_name(f"{c['first_name']} {c['last_name']}")
        )
    ]
    keys = {
        "id": lambda c: c["id"],
        "include": lambda c: include.index(c["id"]) if include else c["id"],
        "registered_date": lambda c: (c["created"], c["id"]),
    }
    # "name" is WordPress's display name, which starts out as the username. Users that tie
    # (registered in the same second, the same name) come back in no fixed order.
    found.sort(
        key=keys.get(orderby, lambda c: (sort_name(c["username"]), c["id"])), reverse=descending
    )
    if orderby == "registered_date":
        shuffle_ties(found, lambda c: c["created"], shop.ties)
    elif orderby == "name":
        shuffle_ties(found, lambda c: sort_name(c["username"]), shop.ties)
    items, total, pages = paginate(found, page, per_page, offset)
    return items, total, pages, page


def add_seed_users(shop: Shop) -> None:
    """The users a real shop has beside the seed's buyers (see STAFF): the administrator
    takes WordPress's user id 1, the others come after the seeded buyers."""
    admin, *others = STAFF
    if 1 not in shop.customers and admin["email"] not in shop.customer_emails:
        counter = shop.ids["user"]
        shop.ids["user"] = 0
        create_customer(shop, admin)
        shop.ids["user"] = counter
    for user in (*others, NEVER_UPDATED_BUYER):
        if user["email"].lower() not in shop.customer_emails:
            create_customer(shop, user)
