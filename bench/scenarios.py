"""Orders the benchmark adds to the shop (through its REST API, before a step, not counted)
so that one orders export has buyers of one kind only: NEW buyers (guests FLOWii has never
seen, no company numbers, each with one order) or RETURNING ones (registered customers whose
partner the customers export linked, two orders each, next to each other)."""

from __future__ import annotations

from .sandbox import BenchSandbox

SHIPPING = {"method_id": "flat_rate", "instance_id": "1", "method_title": "Kuriér",
            "total": "3.25"}  # fmt: skip


def _products(shop, count: int = 20) -> list[int]:
    """Shop products that came from FLOWii (their SKU is a FLOWii serial number)."""
    reply = shop.get("products", params={"per_page": 100, "orderby": "id", "order": "asc"})
    found = [
        p["id"]
        for p in reply.json()
        if p.get("sku") and not p["sku"].startswith("ESHOP-") and p.get("type") == "simple"
    ]
    return found[:count]


def _customers(shop, count: int) -> list[dict]:
    found, page = [], 1
    while len(found) < count:
        reply = shop.get("customers", params={"per_page": 100, "page": page, "role": "customer"})
        chunk = reply.json()
        if not chunk:
            break
        found += [c for c in chunk if c.get("email") and (c.get("billing") or {}).get("email")]
        page += 1
    return found[:count]


def _order(products: list[int], n: int, billing: dict, customer_id: int = 0) -> dict:
    shipping = {k: billing.get(k, "") for k in
                ("first_name", "last_name", "company", "address_1", "address_2", "city",
                 "postcode", "country")}  # fmt: skip
    return {
        "status": "processing",
        "customer_id": customer_id,
        "payment_method": "bacs",
        "payment_method_title": "Bankový prevod",
        "billing": billing,
        "shipping": shipping,
        "line_items": [{"product_id": products[n % len(products)], "quantity": 1 + n % 3}],
        "shipping_lines": [dict(SHIPPING)],
    }


def add_orders(sandbox: BenchSandbox, new: int = 0, returning: int = 0, tag: str = "a") -> dict:
    """Adds `new` orders of new guests and `returning` orders of registered customers (two
    each); returns how many of each and the buyer of each order, in the shop's id order."""
    shop = sandbox.shop()
    products = _products(shop)
    orders, buyers = [], []
    for n in range(new):
        email = f"bench.{tag}.{n}@novy-kupujuci.example"
        billing = {"first_name": "Nový", "last_name": f"Kupujúci {tag}{n}", "address_1":
                   f"Hlavná {n + 1}", "city": "Žilina", "postcode": "01001", "country": "SK",
                   "email": email, "phone": f"+421900{n:06d}"}  # fmt: skip
        orders.append(_order(products, n, billing))
        buyers.append(email)
    customers = _customers(shop, (returning + 1) // 2)
    for n in range(returning):
        customer = customers[(n // 2) % len(customers)]
        orders.append(_order(products, n, dict(customer["billing"]), customer["id"]))
        buyers.append(f"customer:{customer['id']}")
    for start in range(0, len(orders), 100):
        reply = shop.post("orders/batch", {"create": orders[start : start + 100]})
        reply.raise_for_status()
        problems = [o for o in reply.json().get("create", []) if "error" in o]
        if problems:
            raise RuntimeError(f"the shop refused benchmark orders: {problems[:2]}")
    return {"new": new, "returning": returning, "buyers": buyers}
