"""The simulated WooCommerce 10.0.2 shop: its REST API v3 under `/wp-json/wc/v3/`, with the
real shop's authentication, routes, paging headers, batch endpoints and error bodies.

The resources live in `woo_catalog`, `woo_customers`, `woo_orders` and `woo_setup`; this module
routes requests to them, checks who is asking, runs batches and loads the seeded shop.
Control endpoints: `POST /__sandbox__/options {"trust_forwarded_proto": true}` lets a request
with `X-Forwarded-Proto: https` count as HTTPS (as behind a reverse proxy),
`GET /__sandbox__/dump?kind=products|categories|customers|orders|...` returns the raw state,
and `GET|POST /__sandbox__/cost` reads or changes the cost model (see `CostModel`): off by
default, so tests run fast; on, every request takes about as long as on a real shop's PHP
workers, a few of them serving in parallel.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl

from . import woo_catalog as catalog
from . import woo_coupons as coupons
from . import woo_customers as people
from . import woo_orders as sales
from . import woo_setup as setup
from . import woo_totals, woo_webhooks
from . import woo_variations as variants
from .base import CONTROL_PREFIX, Request, Response, SimulatedService, json_response
from .credentials import WOO_KEY, WOO_SECRET
from .woo_auth import ApiKey, AuthError, NonceStore, authenticate, check_permission
from .woo_core import (
    API_ROOT,
    Params,
    Shop,
    WooError,
    as_bool,
    as_int,
    check_types,
    invalid_param,
    list_headers,
    no_route,
    paging_headers,
)

SANDBOX_KEY = ApiKey(WOO_KEY, WOO_SECRET, "read_write")
# Keys only the seed loader may use (over HTTP they mean nothing).
SEED_KEYS = ("customer_email", "date_created_gmt", "role", "never_updated")
BATCH_LIMIT = 100
_INDEXED_KEY = re.compile(r"^([^\[\]]+)\[(\d*)\]$")


@dataclass
class CostModel:
    """How long a real WooCommerce 10 shop's PHP takes per request, per item created or
    updated in a batch and per order note, in milliseconds; `workers` PHP workers serve in
    parallel and requests beyond them wait for one. A range `[low, high]` draws uniformly.
    The time a request takes is its cost, or the simulator's own work if longer."""

    enabled: bool = False
    workers: int = 4
    request_ms: float = 30.0  # loading WordPress and WooCommerce, any request
    read_item_ms: float = 1.0  # per record in a list's answer
    product_create_ms: float = 48.0  # per product created in a products/batch
    product_update_ms: float = 24.0
    category_create_ms: float = 30.0
    category_update_ms: float = 15.0
    customer_create_ms: float = 60.0
    customer_update_ms: float = 30.0
    order_create_ms: float = 160.0
    order_update_ms: float | list = field(default_factory=lambda: [15.0, 22.0])  # 1.5-2.2 s / 100
    delete_ms: float = 20.0  # per item deleted
    note_ms: float = 120.0  # one order note, the whole request
    create_ms: float = 160.0  # one single create (it looks up SKU, e-mail...), the whole request
    update_ms: float = 60.0  # one single update, the whole request
    seed: int = 0

    FIELDS = (
        "enabled", "workers", "request_ms", "read_item_ms", "product_create_ms",
        "product_update_ms", "category_create_ms", "category_update_ms", "customer_create_ms",
        "customer_update_ms", "order_create_ms", "order_update_ms", "delete_ms", "note_ms",
        "create_ms", "update_ms", "seed",
    )  # fmt: skip

    @classmethod
    def from_value(cls, value, base: CostModel | None = None) -> CostModel:
        """From True/False, a dict of fields (the others kept from `base`), or the text of
        either (the environment variable SANDBOX_WOO_COST_MODEL: "1", "on" or JSON)."""
        if isinstance(value, str):
            text = value.strip()
            value = (
                json.loads(text) if text.startswith("{") else text.lower() in ("1", "on", "true")
            )
        current = base.as_dict() if base else {}
        if isinstance(value, bool):
            current["enabled"] = value
        elif isinstance(value, dict):
            unknown = sorted(set(value) - set(cls.FIELDS))
            if unknown:
                raise ValueError(f"unknown cost model fields {unknown}; known: {list(cls.FIELDS)}")
            current.update(value)
        elif value is not None:
            raise ValueError("the cost model is true, false or an object of fields")
        model = cls(**{k: current[k] for k in cls.FIELDS if k in current})
        model.enabled = bool(model.enabled)
        model.workers = int(model.workers)
        if model.workers < 1:
            raise ValueError("workers must be at least 1")
        for name in cls.FIELDS[2:-1]:
            amount = getattr(model, name)
            if isinstance(amount, list | tuple):
                low, high = (float(a) for a in amount)
                if not 0 <= low <= high:
                    raise ValueError(f"{name} must be [low, high] with 0 <= low <= high")
                setattr(model, name, [low, high])
            else:
                setattr(model, name, float(amount))
                if getattr(model, name) < 0:
                    raise ValueError(f"{name} must not be negative")
        return model

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v := getattr(self, k), list) else v for k in self.FIELDS}


_ITEM_COSTS = {
    "products": ("product_create_ms", "product_update_ms"),
    "variations": ("product_create_ms", "product_update_ms"),
    "products/categories": ("category_create_ms", "category_update_ms"),
    "customers": ("customer_create_ms", "customer_update_ms"),
    "orders": ("order_create_ms", "order_update_ms"),
}


@dataclass
class Call:
    """One API request as the handlers see it."""

    method: str
    path: str  # below /wp-json/wc/v3/, no slashes around it
    query: dict
    pairs: list[tuple[str, str]]
    body: object = None
    params: dict = field(default_factory=dict)  # query and body together, body winning

    @property
    def data(self) -> dict:
        return self.body if isinstance(self.body, dict) else {}

    def force(self) -> bool:
        return bool(as_bool(self.params.get("force", False)))


def _query_values(pairs: list[tuple[str, str]]) -> dict:
    """Query parameters as PHP reads them: `a[]=1&a[]=2` and `a[0]=1` become lists."""
    values: dict = {}
    for key, value in pairs:
        match = _INDEXED_KEY.match(key)
        if match:
            values.setdefault(match.group(1), [])
            if isinstance(values[match.group(1)], list):
                values[match.group(1)].append(value)
        else:
            values[key] = value
    return {k: ",".join(v) if isinstance(v, list) else v for k, v in values.items()}


class WooCommerceSimulator(SimulatedService):
    name = "woocommerce"

    def __init__(
        self,
        *args,
        clock: Callable[[], datetime] | None = None,
        cost_model: bool | dict | None = None,
        **kwargs,
    ):
        # Tests may swap the clock; WordPress keeps times to the second.
        self.clock = clock or (lambda: datetime.now(UTC))
        if cost_model is None:
            cost_model = os.environ.get("SANDBOX_WOO_COST_MODEL") or False
        self._cost_lock = threading.Lock()
        self.set_cost_model(cost_model)
        self.trust_forwarded_proto = False
        self.keys = {SANDBOX_KEY.consumer_key: SANDBOX_KEY}
        self.nonces = NonceStore()
        self.webhooks = woo_webhooks.Webhooks(
            sales.render_order, self._page, self._reply, self._created
        )
        self.routes = self._routes()
        super().__init__(*args, **kwargs)

    # -- state ------------------------------------------------------------------------------

    def reset(self, seed: str) -> None:
        if seed not in ("default", "empty"):
            raise ValueError(f"unknown seed {seed!r}; choose default or empty")
        shop = Shop(clock=lambda: self.clock(), home=lambda: self.base_url or "http://127.0.0.1")
        setup.add_rest_of_world(shop)
        uncategorized = catalog.create_category(shop, {"name": "Uncategorized"})
        shop.default_category = uncategorized["id"]
        for gateway_id in ("bacs", "cheque", "cod"):
            setup.add_gateway(shop, gateway_id)
        self.shop = shop
        self.nonces = NonceStore()
        self.webhooks.reset(shop, self.lock)
        if seed == "default":
            from .seed import build_seed

            self._load_seed(build_seed(self.size).woocommerce)
            # What a real shop has beyond the seed's data: staff users (administrator, shop
            # manager), a buyer never saved since registering, a variable product.
            people.add_seed_users(self.shop)
            variants.add_seed_variable_product(self.shop)

    def _load_seed(self, data: dict) -> None:
        shop = self.shop
        setup.apply_settings(shop, data.get("settings") or {})
        for rate in data.get("tax_rates") or []:
            setup.create_tax(shop, rate)
        for zone in data.get("shipping_zones") or []:
            setup.add_zone(shop, zone)
        for gateway in data.get("payment_gateways") or []:
            if gateway["id"] not in shop.gateways:
                setup.add_gateway(shop, gateway["id"], gateway.get("title", ""))
            setup.update_gateway(shop, gateway["id"], gateway)
        by_name: dict[str, int] = {}
        for category in data.get("categories") or []:
            parent = by_name.get(category.get("parent_name") or "", 0)
            created = catalog.create_category(shop, {"name": category["name"], "parent": parent})
            by_name.setdefault(category["name"], created["id"])
        for product in data.get("products") or []:
            catalog.create_product(shop, product)
        for coupon in data.get("coupons") or []:
            coupons.create_coupon(shop, coupon)
        for customer in data.get("customers") or []:
            people.create_customer(shop, customer)
        for order in data.get("orders") or []:
            sales.create_order(shop, order)

    # -- the cost model -----------------------------------------------------------------------

    def set_cost_model(self, value) -> CostModel:
        """Switches the cost model on or off, or changes some of its fields (see CostModel)."""
        with self._cost_lock:
            model = CostModel.from_value(value, getattr(self, "cost", None))
            if getattr(self, "cost", None) is None or model.workers != self.cost.workers:
                self._workers = threading.BoundedSemaphore(model.workers)
            if getattr(self, "cost", None) is None or model.seed != self.cost.seed:
                self._cost_random = random.Random(model.seed)
            self.cost = model
        return model

    def dispatch(self, request: Request):
        model = self.cost
        if not model.enabled or request.path.startswith(CONTROL_PREFIX):
            return super().dispatch(request)
        workers = self._workers
        with workers:  # a PHP worker; beyond `workers` requests, a request waits for one
            started = time.monotonic()
            response, misbehave = super().dispatch(request)
            left = self.cost_of(request, response, model) - (time.monotonic() - started)
            if left > 0:
                time.sleep(left)
        return response, misbehave

    def _ms(self, model: CostModel, name: str) -> float:
        amount = getattr(model, name)
        if isinstance(amount, list):
            with self._cost_lock:
                return self._cost_random.uniform(amount[0], amount[1])
        return amount

    def cost_of(self, request: Request, response: Response, model: CostModel) -> float:
        """Seconds a real shop's PHP would take for this request."""
        path = request.path[len(API_ROOT) :].strip("/") if request.path.startswith(API_ROOT) else ""
        method = request.method.upper()
        if method in ("GET", "HEAD"):
            count = len(response.body) if isinstance(response.body, list) else 1
            return (model.request_ms + model.read_item_ms * count) / 1000
        if method == "DELETE":
            return (model.request_ms + model.delete_ms) / 1000
        if path.endswith("/batch") and response.status == 200:
            kind = path[: -len("/batch")]
            if re.fullmatch(r"products/\d+/variations", kind):
                kind = "variations"
            create_cost, update_cost = _ITEM_COSTS.get(kind, ("create_ms", "update_ms"))
            try:
                body = request.json() or {}
            except ValueError:
                body = {}
            body = body if isinstance(body, dict) else {}
            ms = model.request_ms
            ms += sum(self._ms(model, create_cost) for _ in body.get("create") or [])
            ms += sum(self._ms(model, update_cost) for _ in body.get("update") or [])
            ms += model.delete_ms * len(body.get("delete") or [])
            return ms / 1000
        if re.fullmatch(r"orders/\d+/notes", path) and method == "POST":
            return model.note_ms / 1000
        if response.status >= 400:
            return model.request_ms / 1000
        if method == "POST" and response.status == 201:
            return model.create_ms / 1000
        return model.update_ms / 1000

    # -- control endpoints --------------------------------------------------------------------

    def control(self, action: str, request: Request) -> Response | None:
        if action == "cost":
            if request.method == "POST":
                try:
                    self.set_cost_model(request.json())
                except (TypeError, ValueError) as error:
                    return json_response({"error": str(error)}, 400)
            return json_response(self.cost.as_dict())
        if action == "options":
            if request.method == "POST":
                payload = request.json() or {}
                if "trust_forwarded_proto" in payload:
                    self.trust_forwarded_proto = bool(payload["trust_forwarded_proto"])
            return json_response({"trust_forwarded_proto": self.trust_forwarded_proto})
        if action == "webhooks":
            return self.webhooks.control(request)
        if action == "order" and request.method == "POST":
            # A shopper checks out: a guest order of one published product, paid by bank
            # transfer, sent by courier, made as the REST API makes one (so webhooks fire).
            with self.lock:
                order = self._shopper_order(request.json() or {})
            if order is None:
                return json_response({"error": "the shop has no published simple product"}, 409)
            return json_response(sales.render_order(self.shop, order, 2), 201)
        if action == "dump" and request.method == "GET":
            kind = request.query.get("kind", "")
            state = self._dump(kind)
            if state is None:
                return json_response({"error": f"unknown kind {kind!r}"}, 400)
            return Response(200, json.dumps(state, default=_plain, ensure_ascii=False).encode())
        return None

    def _shopper_order(self, given: dict) -> dict | None:
        products = [
            p
            for p in self.shop.products.values()
            if p.get("status") == "publish" and p.get("type") == "simple" and p.get("regular_price")
        ]
        if not products:
            return None
        number = len(self.shop.orders) + 1
        product = products[number % len(products)]
        email = str(given.get("email") or f"zakaznik{number}@example.sk")
        return sales.create_order(
            self.shop,
            {
                "status": "processing",
                "payment_method": "bacs",
                "payment_method_title": "Bankový prevod",
                "billing": {
                    "first_name": "Nový",
                    "last_name": f"Zákazník {number}",
                    "email": email,
                    "country": "SK",
                    "city": "Nitra",
                    "address_1": "Hlavná 1",
                    "postcode": "94901",
                },
                "line_items": [
                    {"product_id": product["id"], "quantity": int(given.get("quantity") or 1)}
                ],
                "shipping_lines": [
                    {
                        "method_id": "flat_rate",
                        "instance_id": "1",
                        "method_title": "Kuriér",
                        "total": "3.25",
                    }
                ],
            },
        )

    def _dump(self, kind: str):
        shop = self.shop
        if kind == "orders":
            return [
                {
                    **{k: v for k, v in order.items() if k != "calc"},
                    "amounts": woo_totals.render_amounts(order["calc"]),
                }
                for order in shop.orders.values()
            ]
        tables = {
            "products": lambda: list(shop.products.values()),
            "categories": lambda: list(shop.categories.values()),
            "customers": lambda: list(shop.customers.values()),
            "coupons": lambda: list(shop.coupons.values()),
            "notes": lambda: shop.notes,
            "taxes": lambda: list(shop.tax_rates.values()),
            "zones": lambda: list(shop.zones.values()),
            "zone_methods": lambda: list(shop.zone_methods.values()),
            "gateways": lambda: [{**g, "template": None} for g in shop.gateways.values()],
            "settings": lambda: shop.settings,
        }
        return tables[kind]() if kind in tables else None

    # -- serving requests ---------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            return self._serve(request)
        except WooError as error:
            return self._reply(error.body(), error.status)
        except AuthError as error:
            return self._reply(error.body(), error.status, error.headers)

    def _reply(self, body, status: int = 200, headers: dict | None = None) -> Response:
        headers = dict(headers or {})
        if "Link" not in headers:
            home = self.base_url or "http://127.0.0.1"
            headers["Link"] = f'<{home}/wp-json/>; rel="https://api.w.org/"'
        return json_response(body, status, **headers)

    def _serve(self, request: Request) -> Response:
        path = request.path
        if path.rstrip("/") == "/wp-json":
            return self._reply(self._index())
        if not (path + "/").startswith(API_ROOT.rstrip("/") + "/"):
            raise no_route()
        https = self.trust_forwarded_proto and (
            request.headers.get("x-forwarded-proto", "").lower() == "https"
        )
        key = authenticate(
            request, keys=self.keys, nonces=self.nonces, https=https,
            home_url=self.base_url or "http://127.0.0.1",
        )  # fmt: skip
        method = "GET" if request.method == "HEAD" else request.method
        if key is not None:
            check_permission(key, method)
        relative = path[len(API_ROOT) :].strip("/") if len(path) > len(API_ROOT) else ""
        if not relative:
            return self._reply({"namespace": "wc/v3", "routes": {}})
        handler, groups, item = self._route(method, relative)
        if key is None:
            check_permission(None, method, path=relative, item=item)
        call = Call(method, relative, _query_values(request.query_pairs), request.query_pairs)
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            call.body = _body(request)
        call.params = {**call.query, **call.data}
        return handler(call, *groups)

    def _route(self, method: str, relative: str):
        for pattern, handlers, item in self.routes:
            match = pattern.fullmatch(relative)
            if match:
                wanted = "PUT" if method in ("PUT", "PATCH") else method
                handler = handlers.get(wanted) or (
                    handlers.get("PUT") if method == "POST" and item else None
                )
                if handler is None:
                    break
                return handler, match.groups(), item
        raise no_route()

    def _routes(self):
        simple = [
            ("products", {"GET": self._list_products, "POST": self._create_product}, False),
            ("products/batch", {"POST": self._batch_products, "PUT": self._batch_products}, False),
            ("products/categories", {"GET": self._list_categories, "POST": self._create_category}, False),
            ("products/categories/batch", {"POST": self._batch_categories, "PUT": self._batch_categories}, False),
            (r"products/categories/(\d+)", {"GET": self._get_category, "PUT": self._update_category, "DELETE": self._delete_category}, True),
            (r"products/(\d+)/variations", {"GET": self._list_variations, "POST": self._create_variation}, False),
            (r"products/(\d+)/variations/batch", {"POST": self._batch_variations, "PUT": self._batch_variations}, False),
            (r"products/(\d+)/variations/(\d+)", {"GET": self._get_variation, "PUT": self._update_variation, "DELETE": self._delete_variation}, True),
            (r"products/(\d+)", {"GET": self._get_product, "PUT": self._update_product, "DELETE": self._delete_product}, True),
            ("customers", {"GET": self._list_customers, "POST": self._create_customer}, False),
            ("customers/batch", {"POST": self._batch_customers, "PUT": self._batch_customers}, False),
            (r"customers/(\d+)", {"GET": self._get_customer, "PUT": self._update_customer, "DELETE": self._delete_customer}, True),
            ("orders", {"GET": self._list_orders, "POST": self._create_order}, False),
            ("orders/batch", {"POST": self._batch_orders, "PUT": self._batch_orders}, False),
            (r"orders/(\d+)", {"GET": self._get_order, "PUT": self._update_order, "DELETE": self._delete_order}, True),
            (r"orders/(\d+)/notes", {"GET": self._list_notes, "POST": self._create_note}, False),
            (r"orders/(\d+)/notes/(\d+)", {"GET": self._get_note, "DELETE": self._delete_note}, True),
            ("coupons", {"GET": self._list_coupons, "POST": self._create_coupon}, False),
            (r"coupons/(\d+)", {"GET": self._get_coupon, "PUT": self._update_coupon, "DELETE": self._delete_coupon}, True),
            ("payment_gateways", {"GET": self._list_gateways}, False),
            (r"payment_gateways/([\w-]+)", {"GET": self._get_gateway, "PUT": self._update_gateway}, True),
            ("shipping/zones", {"GET": self._list_zones, "POST": self._create_zone}, False),
            (r"shipping/zones/(\d+)", {"GET": self._get_zone, "PUT": self._update_zone, "DELETE": self._delete_zone}, True),
            (r"shipping/zones/(\d+)/locations", {"GET": self._get_locations, "PUT": self._set_locations, "POST": self._set_locations}, True),
            (r"shipping/zones/(\d+)/methods", {"GET": self._list_methods, "POST": self._create_method}, False),
            (r"shipping/zones/(\d+)/methods/(\d+)", {"GET": self._get_method, "PUT": self._update_method, "DELETE": self._delete_method}, True),
            ("shipping_methods", {"GET": self._list_method_types}, False),
            (r"shipping_methods/([\w-]+)", {"GET": self._get_method_type}, True),
            ("taxes", {"GET": self._list_taxes, "POST": self._create_tax}, False),
            (r"taxes/(\d+)", {"GET": self._get_tax, "PUT": self._update_tax, "DELETE": self._delete_tax}, True),
            ("settings", {"GET": self._list_groups}, False),
            (r"settings/([\w-]+)", {"GET": self._list_settings}, False),
            (r"settings/([\w-]+)/([\w-]+)", {"GET": self._get_setting, "PUT": self._update_setting}, True),
        ]  # fmt: skip
        simple += self.webhooks.routes()
        return [(re.compile(pattern), handlers, item) for pattern, handlers, item in simple]

    def _index(self) -> dict:
        home = self.base_url or "http://127.0.0.1"
        return {
            "name": "Simulated WooCommerce shop",
            "description": "",
            "url": home,
            "home": home,
            "gmt_offset": "1",
            "timezone_string": "Europe/Bratislava",
            "namespaces": ["wc/v3"],
            "authentication": {},
            "routes": {},
        }

    # -- response helpers ---------------------------------------------------------------------

    def _page(self, call: Call, found, render, pairs=None) -> Response:
        items, total, pages, page = found
        headers = paging_headers(
            self.shop.home(), call.path, pairs if pairs is not None else call.pairs,
            page, total, pages,
        )  # fmt: skip
        return self._reply([render(item) for item in items], 200, headers)

    def _whole(self, items: list) -> Response:
        return self._reply(items, 200, list_headers(len(items)))

    def _created(self, body: dict, location: str) -> Response:
        return self._reply(body, 201, {"Location": f"{self.shop.home()}{API_ROOT}{location}"})

    def _dp(self, call: Call) -> int:
        params = Params(call.params)
        default = as_int(self.shop.option("woocommerce_price_num_decimals"))
        dp = params.int("dp", 2 if default is None else default, minimum=0)
        params.check()
        return dp

    def _batch(self, call: Call, create, update, delete, render) -> Response:
        body = call.data
        for section in ("create", "update", "delete"):
            if section in body and not isinstance(body[section], list):
                raise invalid_param(
                    section, f"{section} is not of type array.", "rest_invalid_type"
                )
        if sum(len(body.get(s) or []) for s in ("create", "update", "delete")) > BATCH_LIMIT:
            raise WooError(
                413,
                "woocommerce_rest_request_entity_too_large",
                f"Unable to accept more than {BATCH_LIMIT} items for this request.",
            )
        # Every write first, then every answer: rendering reads indexes (category counts,
        # related products) that each write clears, and a batch must not rebuild them 100 times.
        written = {}
        if body.get("create"):
            written["create"] = [
                self._batch_item(0, lambda i=item: ("ok", create(i))) for item in body["create"]
            ]
        if body.get("update"):
            written["update"] = [
                self._batch_item(
                    as_int(item.get("id")) or 0 if isinstance(item, dict) else 0,
                    lambda i=item: ("ok", update(i.get("id"), i)),
                )
                for item in body["update"]
            ]
        result = {
            section: [
                self._batch_item(0, lambda o=outcome: render(o[1]))
                if isinstance(outcome, tuple)
                else outcome
                for outcome in outcomes
            ]
            for section, outcomes in written.items()
        }
        if body.get("delete"):
            ids = [as_int(i) or 0 for i in body["delete"]]
            result["delete"] = [self._batch_item(i, lambda i=i: delete(i)) for i in ids if i]
        # Nothing to do: PHP's empty array, which WordPress sends as `[]`, not `{}`.
        return self._reply(result or [])

    @staticmethod
    def _batch_item(item_id: int, work):
        try:
            return work()
        except (WooError, AttributeError, TypeError) as error:
            if not isinstance(error, WooError):
                error = WooError(400, "woocommerce_rest_invalid_item", "Invalid batch item.")
            return {"id": item_id, "error": error.body()}

    # -- products and categories --------------------------------------------------------------

    def _product(self, product) -> dict:
        return catalog.render_product(self.shop, product)

    def _written_product(self, product) -> dict:
        return catalog.render_product(self.shop, product, edit=True)

    def _list_products(self, call: Call) -> Response:
        return self._page(call, catalog.list_products(self.shop, Params(call.query)), self._product)

    def _create_product(self, call: Call) -> Response:
        check_types(call.data, catalog.PRODUCT_BODY_TYPES)
        product = catalog.create_product(self.shop, call.data)
        return self._created(self._written_product(product), f"products/{product['id']}")

    def _get_product(self, call: Call, product_id) -> Response:
        return self._reply(self._product(catalog.product_or_error(self.shop, product_id)))

    def _update_product(self, call: Call, product_id) -> Response:
        check_types(call.data, catalog.PRODUCT_BODY_TYPES)
        product = catalog.update_product(self.shop, product_id, call.data)
        return self._reply(self._written_product(product))

    def _delete_product(self, call: Call, product_id) -> Response:
        return self._reply(catalog.delete_product(self.shop, product_id, call.force()))

    def _batch_products(self, call: Call) -> Response:
        shop = self.shop
        return self._batch(
            call,
            lambda data: catalog.create_product(shop, data),
            lambda pid, data: catalog.update_product(shop, pid, data),
            lambda pid: catalog.delete_product(shop, pid, True),
            self._written_product,
        )

    def _category(self, category) -> dict:
        return catalog.render_category(self.shop, category)

    def _list_categories(self, call: Call) -> Response:
        return self._page(
            call, catalog.list_categories(self.shop, Params(call.query)), self._category
        )

    def _create_category(self, call: Call) -> Response:
        category = catalog.create_category(self.shop, call.data)
        return self._created(self._category(category), f"products/categories/{category['id']}")

    def _get_category(self, call: Call, category_id) -> Response:
        return self._reply(self._category(catalog.category_or_404(self.shop, category_id)))

    def _update_category(self, call: Call, category_id) -> Response:
        return self._reply(
            self._category(catalog.update_category(self.shop, category_id, call.data))
        )

    def _delete_category(self, call: Call, category_id) -> Response:
        return self._reply(catalog.delete_category(self.shop, category_id, call.force()))

    def _batch_categories(self, call: Call) -> Response:
        shop = self.shop
        return self._batch(
            call,
            lambda data: catalog.create_category(shop, data),
            lambda cid, data: catalog.update_category(shop, cid, data),
            lambda cid: catalog.delete_category(shop, cid, True),
            self._category,
        )

    def _variation(self, variation) -> dict:
        return variants.render_variation(self.shop, variation)

    def _list_variations(self, call: Call, product_id) -> Response:
        found = variants.list_variations(self.shop, product_id, Params(call.query))
        return self._page(call, found, self._variation)

    def _create_variation(self, call: Call, product_id) -> Response:
        check_types(call.data, catalog.PRODUCT_BODY_TYPES)
        variation = variants.create_variation(self.shop, product_id, call.data)
        return self._created(
            self._variation(variation), f"products/{product_id}/variations/{variation['id']}"
        )

    def _get_variation(self, call: Call, product_id, variation_id) -> Response:
        return self._reply(
            self._variation(variants.variation_or_error(self.shop, product_id, variation_id))
        )

    def _update_variation(self, call: Call, product_id, variation_id) -> Response:
        check_types(call.data, catalog.PRODUCT_BODY_TYPES)
        variation = variants.update_variation(self.shop, product_id, variation_id, call.data)
        return self._reply(self._variation(variation))

    def _delete_variation(self, call: Call, product_id, variation_id) -> Response:
        return self._reply(
            variants.delete_variation(self.shop, product_id, variation_id, call.force())
        )

    def _batch_variations(self, call: Call, product_id) -> Response:
        shop = self.shop
        # No check of the variable product first: a real store answers 200 and refuses each
        # item of a batch whose variable product is gone (its variations went with it).
        return self._batch(
            call,
            lambda data: variants.create_variation(shop, product_id, data),
            lambda vid, data: variants.update_variation(shop, product_id, vid, data),
            lambda vid: variants.delete_variation(shop, product_id, vid, True),
            self._variation,
        )

    # -- customers ------------------------------------------------------------------------------

    def _customer(self, customer) -> dict:
        return people.render_customer(self.shop, customer)

    def _list_customers(self, call: Call) -> Response:
        return self._page(
            call, people.list_customers(self.shop, Params(call.query)), self._customer
        )

    def _create_customer(self, call: Call) -> Response:
        customer = people.create_customer(self.shop, _without_seed_keys(call.data))
        return self._created(self._customer(customer), f"customers/{customer['id']}")

    def _get_customer(self, call: Call, customer_id) -> Response:
        return self._reply(self._customer(people.customer_or_error(self.shop, customer_id)))

    def _update_customer(self, call: Call, customer_id) -> Response:
        return self._reply(
            self._customer(people.update_customer(self.shop, customer_id, call.data))
        )

    def _delete_customer(self, call: Call, customer_id) -> Response:
        return self._reply(people.delete_customer(self.shop, customer_id, call.force()))

    def _batch_customers(self, call: Call) -> Response:
        shop = self.shop
        return self._batch(
            call,
            lambda data: people.create_customer(shop, _without_seed_keys(data)),
            lambda cid, data: people.update_customer(shop, cid, data),
            lambda cid: people.delete_customer(shop, cid, True),
            self._customer,
        )

    # -- orders, notes and coupons --------------------------------------------------------------

    def _list_orders(self, call: Call) -> Response:
        dp = self._dp(call)
        found = sales.list_orders(self.shop, Params(call.query))
        pairs = sales.order_link_pairs(call.pairs, dp)
        return self._page(call, found, lambda o: sales.render_order(self.shop, o, dp), pairs)

    def _create_order(self, call: Call) -> Response:
        dp = self._dp(call)
        check_types(
            call.data,
            {
                "line_items": "array",
                "shipping_lines": "array",
                "fee_lines": "array",
                "coupon_lines": "array",
                "meta_data": "array",
                "customer_id": "integer",
            },
        )
        order = sales.create_order(self.shop, _without_seed_keys(call.data))
        return self._created(sales.render_order(self.shop, order, dp), f"orders/{order['id']}")

    def _get_order(self, call: Call, order_id) -> Response:
        dp = self._dp(call)
        return self._reply(
            sales.render_order(self.shop, sales.order_or_error(self.shop, order_id), dp)
        )

    def _update_order(self, call: Call, order_id) -> Response:
        dp = self._dp(call)
        order = sales.update_order(self.shop, order_id, call.data)
        return self._reply(sales.render_order(self.shop, order, dp))

    def _delete_order(self, call: Call, order_id) -> Response:
        return self._reply(sales.delete_order(self.shop, order_id, call.force(), self._dp(call)))

    def _batch_orders(self, call: Call) -> Response:
        shop, dp = self.shop, self._dp(call)
        return self._batch(
            call,
            lambda data: sales.create_order(shop, _without_seed_keys(data)),
            lambda oid, data: sales.update_order(shop, oid, data),
            lambda oid: sales.delete_order(shop, oid, True, dp),
            lambda order: sales.render_order(shop, order, dp),
        )

    def _list_notes(self, call: Call, order_id) -> Response:
        params = Params(call.query)
        kind = params.enum("type", ("any", "customer", "internal"), "any")
        params.check()
        notes = sales.list_notes(self.shop, order_id, kind)
        return self._whole([sales.render_note(self.shop, n) for n in notes])

    def _create_note(self, call: Call, order_id) -> Response:
        note = sales.create_note(self.shop, order_id, call.data)
        return self._created(
            sales.render_note(self.shop, note), f"orders/{note['order_id']}/notes/{note['id']}"
        )

    def _get_note(self, call: Call, order_id, note_id) -> Response:
        return self._reply(
            sales.render_note(self.shop, sales.note_or_404(self.shop, order_id, note_id))
        )

    def _delete_note(self, call: Call, order_id, note_id) -> Response:
        note = sales.note_or_404(self.shop, order_id, note_id)
        if not call.force():
            raise WooError(
                501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing."
            )
        self.shop.notes[note["order_id"]].remove(note)
        return self._reply(sales.render_note(self.shop, note))

    def _coupon(self, coupon) -> dict:
        return coupons.render_coupon(self.shop, coupon)

    def _list_coupons(self, call: Call) -> Response:
        return self._page(call, coupons.list_coupons(self.shop, Params(call.query)), self._coupon)

    def _create_coupon(self, call: Call) -> Response:
        coupon = coupons.create_coupon(self.shop, call.data)
        return self._created(self._coupon(coupon), f"coupons/{coupon['id']}")

    def _get_coupon(self, call: Call, coupon_id) -> Response:
        return self._reply(self._coupon(coupons.coupon_or_error(self.shop, coupon_id)))

    def _update_coupon(self, call: Call, coupon_id) -> Response:
        return self._reply(self._coupon(coupons.update_coupon(self.shop, coupon_id, call.data)))

    def _delete_coupon(self, call: Call, coupon_id) -> Response:
        return self._reply(coupons.delete_coupon(self.shop, coupon_id, call.force()))

    # -- setup: gateways, shipping, taxes, settings ---------------------------------------------

    def _list_gateways(self, call: Call) -> Response:
        return self._whole(
            [setup.render_gateway(self.shop, g) for g in self.shop.gateways.values()]
        )

    def _get_gateway(self, call: Call, gateway_id) -> Response:
        return self._reply(
            setup.render_gateway(self.shop, setup.gateway_or_404(self.shop, gateway_id))
        )

    def _update_gateway(self, call: Call, gateway_id) -> Response:
        gateway = setup.update_gateway(self.shop, gateway_id, call.data)
        return self._reply(setup.render_gateway(self.shop, gateway))

    def _list_zones(self, call: Call) -> Response:
        return self._whole([setup.render_zone(self.shop, z) for z in setup.list_zones(self.shop)])

    def _create_zone(self, call: Call) -> Response:
        zone = setup.create_zone(self.shop, call.data)
        return self._created(setup.render_zone(self.shop, zone), f"shipping/zones/{zone['id']}")

    def _get_zone(self, call: Call, zone_id) -> Response:
        return self._reply(setup.render_zone(self.shop, setup.zone_or_404(self.shop, zone_id)))

    def _update_zone(self, call: Call, zone_id) -> Response:
        return self._reply(
            setup.render_zone(self.shop, setup.update_zone(self.shop, zone_id, call.data))
        )

    def _delete_zone(self, call: Call, zone_id) -> Response:
        return self._reply(setup.delete_zone(self.shop, zone_id, call.force()))

    def _get_locations(self, call: Call, zone_id) -> Response:
        return self._whole(setup.render_locations(self.shop, setup.zone_or_404(self.shop, zone_id)))

    def _set_locations(self, call: Call, zone_id) -> Response:
        zone = setup.set_locations(self.shop, zone_id, call.body)
        return self._whole(setup.render_locations(self.shop, zone))

    def _list_methods(self, call: Call, zone_id) -> Response:
        methods = setup.list_methods(self.shop, zone_id)
        return self._whole([setup.render_method(self.shop, m) for m in methods])

    def _create_method(self, call: Call, zone_id) -> Response:
        method = setup.create_method(self.shop, zone_id, call.data)
        # WooCommerce answers a new zone method with 200, not 201.
        return self._reply(setup.render_method(self.shop, method, just_created=True))

    def _get_method(self, call: Call, zone_id, instance_id) -> Response:
        zone = setup.zone_or_404(self.shop, zone_id)
        return self._reply(
            setup.render_method(self.shop, setup.method_or_404(self.shop, zone, instance_id))
        )

    def _update_method(self, call: Call, zone_id, instance_id) -> Response:
        method = setup.update_method(self.shop, zone_id, instance_id, call.data)
        return self._reply(setup.render_method(self.shop, method))

    def _delete_method(self, call: Call, zone_id, instance_id) -> Response:
        return self._reply(setup.delete_method(self.shop, zone_id, instance_id, call.force()))

    def _list_method_types(self, call: Call) -> Response:
        return self._whole(setup.shipping_method_types(self.shop))

    def _get_method_type(self, call: Call, method_id) -> Response:
        for method in setup.shipping_method_types(self.shop):
            if method["id"] == method_id:
                return self._reply(method)
        raise WooError(404, "woocommerce_rest_shipping_method_invalid", "Resource does not exist.")

    def _list_taxes(self, call: Call) -> Response:
        return self._page(
            call, setup.list_taxes(self.shop, Params(call.query)),
            lambda r: setup.render_tax(self.shop, r),
        )  # fmt: skip

    def _create_tax(self, call: Call) -> Response:
        rate = setup.create_tax(self.shop, call.data)
        return self._created(setup.render_tax(self.shop, rate), f"taxes/{rate['id']}")

    def _get_tax(self, call: Call, rate_id) -> Response:
        return self._reply(setup.render_tax(self.shop, setup.tax_or_404(self.shop, rate_id)))

    def _update_tax(self, call: Call, rate_id) -> Response:
        return self._reply(
            setup.render_tax(self.shop, setup.update_tax(self.shop, rate_id, call.data))
        )

    def _delete_tax(self, call: Call, rate_id) -> Response:
        return self._reply(setup.delete_tax(self.shop, rate_id, call.force()))

    def _list_groups(self, call: Call) -> Response:
        return self._whole(setup.list_groups(self.shop))

    def _list_settings(self, call: Call, group) -> Response:
        return self._whole(setup.list_settings(self.shop, group))

    def _get_setting(self, call: Call, group, option_id) -> Response:
        return self._reply(setup.render_setting(self.shop, group, option_id))

    def _update_setting(self, call: Call, group, option_id) -> Response:
        return self._reply(setup.update_setting(self.shop, group, option_id, call.data))


def _body(request: Request):
    """The request body as WordPress reads it: JSON, or a form; bad JSON is refused."""
    if not request.body:
        return None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _query_values(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WooError(
            400,
            "rest_invalid_json",
            "Invalid JSON body passed.",
            json_error_code=4,
            json_error_message="Syntax error",
        ) from None


def _without_seed_keys(data: dict) -> dict:
    """Over HTTP the seed's own keys mean nothing; only the seed loader may use them."""
    return {k: v for k, v in data.items() if k not in SEED_KEYS}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set):
        return sorted(value)
    return repr(value)
