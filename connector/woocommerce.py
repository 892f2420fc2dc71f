"""The WooCommerce backend adapter: the only code that speaks the shop's REST API (wc/v3):
authentication, paging, batches of up to 100 items and WooCommerce's errors in words.

Plain Python (no Django). Facts about WooCommerce's behaviour: docs/woocommerce-api.md.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlsplit

import requests
from oauthlib import oauth1

from .http import (
    Adapter,
    AuthenticationError,
    ErrorDetails,
    HttpClient,
    MalformedResponse,
    NotFound,
    RemoteError,
    Reply,
    Unavailable,
    ValidationError,
)

SYSTEM = "WooCommerce"
API_PATH = "/wp-json/wc/v3/"
BATCH_LIMIT = 100  # WooCommerce refuses a larger batch whole, with 413
MAX_PER_PAGE = 100
DATE_FILTERS = ("after", "before", "modified_after", "modified_before")
KEYS_PAGE = "WooCommerce > Settings > Advanced > REST API"
ORDER_NUMBER_META = "_flowii_order_number"


# -- values on the wire -----------------------------------------------------------------------


def shop_datetime(moment: datetime) -> str:
    """A moment as WooCommerce reads `*_gmt` values and GMT filters: UTC, no zone suffix.
    A naive datetime is taken to be UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat()


def query_value(value) -> str:
    """One query parameter as WooCommerce parses it. Id lists go in the comma form: the
    `a[]=1&a[]=2` form is signed differently by PHP and by OAuth libraries, so an OAuth
    signature over it never matches."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return shop_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return ",".join(query_value(v) for v in items)
    return str(value)


def query_params(params: dict | None) -> dict[str, str]:
    """The query for a call; None values dropped. Datetime date filters are sent as GMT and
    say so with `dates_are_gmt=true`, so the shop's own time zone plays no part."""
    params = {k: v for k, v in (params or {}).items() if v is not None}
    if any(isinstance(params.get(name), datetime) for name in DATE_FILTERS):
        params.setdefault("dates_are_gmt", True)
    return {k: query_value(v) for k, v in params.items()}


def json_default(value):
    """Money as decimal strings (what WooCommerce stores), moments as GMT strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return shop_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be sent to WooCommerce")


# -- errors in words --------------------------------------------------------------------------


def _param_problems(data) -> str | None:
    params = data.get("params") if isinstance(data, dict) else None
    if isinstance(params, dict) and params:
        return "; ".join(str(v) for v in params.values())
    return None


def parse_error(status: int, body, call: str, *, https: bool = True) -> ErrorDetails:
    """WooCommerce's `{code, message, data}` as an ErrorDetails; wrong keys get a sentence
    that tells the operator what to fix."""
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        return ErrorDetails()
    code = body["code"]
    said = str(body.get("message") or code).strip()
    reason = _param_problems(body.get("data")) or said
    if status not in (401, 403):
        return ErrorDetails(code=code, reason=reason)
    quoted = said.rstrip(".")
    if "write permission" in said:
        message = (
            f"WooCommerce accepted the keys, but they may only read ({quoted}). Give the key "
            f"Read/Write permission in {KEYS_PAGE}."
        )
    elif "read permission" in said:
        message = (
            f"WooCommerce accepted the keys, but they may not read ({quoted}). Give the key "
            f"Read/Write permission in {KEYS_PAGE}."
        )
    elif "timestamp" in said.lower():
        message = (
            "WooCommerce refused the call's time stamp: this computer's clock is more than "
            "15 minutes off. Correct the clock."
        )
    elif code == "woocommerce_rest_authentication_error":
        message = (
            f"WooCommerce refused the keys: the consumer key or secret is wrong ({quoted}). "
            f"Copy them again from {KEYS_PAGE}."
        )
    elif status == 403:
        message = (
            f"WooCommerce accepted the keys, but their WordPress user may not manage the shop "
            f"({quoted}). Create the key for a Shop manager or Administrator in {KEYS_PAGE}."
        )
    elif https:
        message = (
            f"WooCommerce did not recognise the consumer key, or the web server removed the "
            f"credentials before WooCommerce saw them ({quoted}). Check the keys in {KEYS_PAGE}."
        )
    else:
        message = (
            f"WooCommerce treated the call as anonymous ({quoted}): the consumer key or "
            f"secret is wrong. Check them in {KEYS_PAGE}."
        )
    return ErrorDetails(code=code, reason=reason, message=message)


# -- OAuth 1.0a for shops without HTTPS -----------------------------------------------------


class OAuthQuerySignature(requests.auth.AuthBase):
    """One-legged OAuth 1.0a, HMAC-SHA256, the signature in the query, as WooCommerce checks
    it over plain HTTP. Called for every attempt, so a retry gets a fresh nonce and time
    stamp (WooCommerce refuses a nonce it has seen). JSON bodies are not signed: WooCommerce
    only reads form bodies into the signature."""

    def __init__(self, consumer_key: str, consumer_secret: str):
        self._client = oauth1.Client(
            consumer_key,
            client_secret=consumer_secret,
            signature_method=oauth1.SIGNATURE_HMAC_SHA256,
            signature_type=oauth1.SIGNATURE_TYPE_QUERY,
        )

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        signed_url, _headers, _body = self._client.sign(request.url, http_method=request.method)
        request.url = signed_url
        return request

    def __repr__(self) -> str:
        return "OAuthQuerySignature(***)"


# -- results ----------------------------------------------------------------------------------


@dataclass
class BatchResult:
    """What happened to one item of a batch: `item` is the shop's record on success, `error`
    WooCommerce's `{code, message, data}` on failure (a failed create has no id)."""

    action: str  # "create" | "update" | "delete"
    input: object
    item: dict | None
    error: dict | None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class StoreCheck:
    """The answer to "does this shop connection work?", in facts and in words."""

    is_store: bool
    keys_accepted: bool
    can_write: bool
    problem: str | None  # one sentence for the operator; None when everything works
    prices_include_tax: bool | None = None
    # What kind of refusal it was ("keys", "no_rights", "clock", "read_only", "write"), for
    # callers that word the verdict themselves: the remote's own text is never needed.
    kind: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


# -- previews -----------------------------------------------------------------------------

# Where each kind of record a preview lists is written (preview_report.py); `*` a part that
# varies (a variable product's id).
PREVIEW_COLLECTIONS = {
    "product": ("/products", "/products/*/variations"),
    "category": ("/products/categories",),
}


def preview_answer(method: str, path: str, body, new_id) -> Reply | None:
    """What the shop would answer a write, for a preview that sends none (http.DryRun): a
    batch's creates get new ids (negative: no product has one), its updates and deletes come
    back as sent, in WooCommerce's `{create, update, delete}` shape; other writes echo their
    body with its id. Reads (None) go to the shop."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return None
    body = body if isinstance(body, dict) else {}
    if path.rstrip("/").endswith("/batch"):
        answer: dict[str, list] = {}
        for item in body.get("create") or []:
            answer.setdefault("create", []).append({**item, "id": new_id()})
        for item in body.get("update") or []:
            answer.setdefault("update", []).append(dict(item))
        for item in body.get("delete") or []:
            answer.setdefault("delete", []).append({"id": item})
        return Reply(200, {}, answer)
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if method == "POST":
        return Reply(201, {}, {**body, "id": new_id()})
    record_id = int(last) if last.lstrip("-").isdigit() else None
    return Reply(200, {}, {**body, "id": record_id})


# -- the client -------------------------------------------------------------------------------


class WooCommerceClient(Adapter):
    """The shop's REST API. HTTPS shops get basic auth; plain-HTTP shops get OAuth 1.0a
    signatures (WooCommerce ignores basic auth without TLS)."""

    system = SYSTEM

    def __init__(
        self,
        store_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_attempts: int = 5,
        max_total_sleep: float = 60.0,
        backoff_base: float = 0.5,
        pool_size: int = 8,
        verify: bool | str = True,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] | None = None,
        **http_options,
    ):
        store_url = (store_url or "").strip().rstrip("/")
        if store_url and "://" not in store_url:
            store_url = "https://" + store_url
        parts = urlsplit(store_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("the shop address must look like https://shop.example")
        self.store_url = store_url
        self.base_url = store_url + API_PATH
        self.https = parts.scheme == "https"
        if self.https:
            self._auth = requests.auth.HTTPBasicAuth(consumer_key, consumer_secret)
        else:
            self._auth = OAuthQuerySignature(consumer_key, consumer_secret)
        options = {"jitter": jitter} if jitter is not None else {}
        self.http = HttpClient(
            SYSTEM,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_attempts=max_attempts,
            max_total_sleep=max_total_sleep,
            backoff_base=backoff_base,
            pool_size=pool_size,
            verify=verify,
            secrets=(consumer_key, consumer_secret),
            error_parser=lambda status, body, call: parse_error(
                status, body, call, https=self.https
            ),
            json_default=json_default,
            sleep=sleep,
            **options,
            # The rest of HttpClient's options (quota budget, size and time caps...).
            **http_options,
        )

    def __repr__(self) -> str:
        return f"WooCommerceClient({self.store_url!r})"

    # -- plain calls --------------------------------------------------------------------
    def request(self, method: str, path: str, params=None, json=None, *, idempotent=None) -> Reply:
        path = path.strip("/")
        return self.http.request(
            method,
            self.base_url + path,
            call=f"{method.upper()} {path}",
            params=query_params(params),
            json=json,
            auth=self._auth,
            idempotent=idempotent,
        )

    def get(self, path: str, **params):
        return self.request("GET", path, params).data

    def post(self, path: str, data=None, *, idempotent: bool = False, **params):
        return self.request("POST", path, params, data, idempotent=idempotent).data

    def put(self, path: str, data=None, **params):
        return self.request("PUT", path, params, data).data

    def delete(self, path: str, **params):
        return self.request("DELETE", path, params).data

    # -- lists --------------------------------------------------------------------------
    def iter_pages(
        self, path: str, params: dict | None = None, per_page: int = 100, on_total=None
    ) -> Iterator:
        """Every item of a list, page by page; only one page is held at a time. Lists
        without paging headers (gateways, zones) come in one page. `on_total` is told the
        number of items (X-WP-Total) once the first page is in, for progress bars."""
        per_page = max(1, min(MAX_PER_PAGE, int(per_page)))
        page = 1
        while True:
            reply = self.request(
                "GET", path, {**(params or {}), "page": page, "per_page": per_page}
            )
            items = reply.data if reply.data is not None else []
            if not isinstance(items, list):
                raise MalformedResponse(
                    SYSTEM, f"GET {path.strip('/')}", "answered with something other than a list"
                )
            if on_total is not None and page == 1:
                on_total(_int_header(reply.headers, "X-WP-Total") or len(items))
            yield from items
            total_pages = _int_header(reply.headers, "X-WP-TotalPages")
            if not items or total_pages is None or page >= total_pages:
                return
            page += 1

    def count(self, path: str, params: dict | None = None) -> int:
        """How many items a list holds, from X-WP-Total (one item fetched)."""
        reply = self.request("GET", path, {**(params or {}), "per_page": 1, "page": 1})
        total = _int_header(reply.headers, "X-WP-Total")
        if total is None:
            if isinstance(reply.data, list):
                return len(reply.data)
            raise MalformedResponse(SYSTEM, f"GET {path.strip('/')}", "gave no X-WP-Total count")
        return total

    # -- batches ------------------------------------------------------------------------
    def batch(self, path: str, create=(), update=(), delete=()) -> list[BatchResult]:
        """Creates, updates and deletes in as many calls of at most 100 items as needed
        (WooCommerce refuses a larger one whole). One result per input, in input order:
        creates, then updates, then deletes."""
        path = path.strip("/")
        if not path.endswith("/batch"):
            path += "/batch"
        work = [("create", item) for item in create]
        work += [("update", item) for item in update]
        for item in delete:
            if isinstance(item, bool) or not isinstance(item, int) or item <= 0:
                raise ValueError(f"batch delete needs positive ids, got {item!r}")
            work.append(("delete", item))
        results: list[BatchResult] = []
        for start in range(0, len(work), BATCH_LIMIT):
            results.extend(self._batch_chunk(path, work[start : start + BATCH_LIMIT]))
        return results

    def _batch_chunk(self, path: str, chunk: list[tuple[str, object]]) -> list[BatchResult]:
        body: dict[str, list] = {}
        for action, item in chunk:
            body.setdefault(action, []).append(item)
        # Updates and deletes are safe to send twice; a create sent twice could make two
        # records, so a chunk with creates is never repeated after it may have arrived.
        answer = self.post(path, body, idempotent="create" not in body)
        call = f"POST {path}"
        if not isinstance(answer, dict):
            raise MalformedResponse(SYSTEM, call, "answered a batch with something unexpected")
        positions = dict.fromkeys(body, 0)
        results = []
        for action, item in chunk:
            done = answer.get(action)
            index = positions[action]
            if not isinstance(done, list) or len(done) != len(body[action]):
                raise MalformedResponse(
                    SYSTEM, call, f"answered the batch's {action} part with a different count"
                )
            positions[action] += 1
            outcome = done[index]
            error = outcome.get("error") if isinstance(outcome, dict) else None
            if error is not None:
                results.append(BatchResult(action, item, None, error))
            else:
                results.append(BatchResult(action, item, outcome, None))
        return results

    # -- what the sync reads: the shop's nouns ------------------------------------------
    # Full reads page by id ascending: a real store's default order (date, newest first)
    # puts records that share a second in an unstable order between pages, so a read skips
    # some and repeats others. Id order is stable; ids already seen are dropped anyway.

    def read_all(self, path: str, params: dict | None = None, on_first_page=None) -> Iterator[dict]:
        """Every item of a list in id order, each id once; `on_first_page` is called once
        the first page is in, with the list's total (X-WP-Total) when it accepts one."""
        query = {"orderby": "id", "order": "asc", **(params or {})}
        seen: set = set()

        def on_total(total: int) -> None:
            if on_first_page is not None:
                _notify(on_first_page, total)

        for item in self.iter_pages(path, query, on_total=on_total):
            key = item.get("id") if isinstance(item, dict) else None
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
            yield item

    def products(
        self, modified_after: datetime | None = None, on_first_page=None, **filters
    ) -> Iterator[dict]:
        """The shop's products (any status but trash), each once; `modified_after` (a
        moment, sent as GMT) reads only those changed since. (`filters`: raw query words,
        kept for older callers only.)"""
        params = _dates({"modified_after": modified_after})
        return self.read_all("products", {**params, **filters}, on_first_page)

    def products_by_sku(self, skus) -> dict[str, dict]:
        """`{sku: product}` for the SKUs the shop has, one request per 100 SKUs (an exact
        match; a SKU search also finds variations)."""
        wanted = list(dict.fromkeys(s for s in (str(x).strip() for x in skus) if s))
        found: dict[str, dict] = {}
        for start in range(0, len(wanted), MAX_PER_PAGE):
            chunk = wanted[start : start + MAX_PER_PAGE]
            asked = set(chunk)
            for product in self.read_all("products", {"sku": ",".join(chunk)}):
                sku = product.get("sku")
                if sku in asked and sku not in found:
                    found[sku] = product
        return found

    def product_skus(self) -> dict[str, int]:
        """`{sku: id}` of every product of the shop that has a SKU (one full read)."""
        return {p["sku"]: p["id"] for p in self.read_all("products") if p.get("sku")}

    def records_now(self, collection: str, ids) -> list[dict]:
        """The records of a list (`/products`, `/products/categories`) with these ids, as
        the shop has them now, 100 ids a request: what a preview compares its writes with."""
        wanted = sorted({int(i) for i in ids})
        found: list[dict] = []
        for start in range(0, len(wanted), MAX_PER_PAGE):
            chunk = wanted[start : start + MAX_PER_PAGE]
            found += self.read_all(collection.strip("/"), {"include": chunk})
        return found

    def categories(self, **filters) -> list[dict]:
        """All the shop's product categories, in id order."""
        return list(self.read_all("products/categories", filters))

    def write_categories(self, create=(), update=()) -> list[BatchResult]:
        """Creates, then updates, of product categories; one result per item in that order."""
        return self.batch("products/categories", create=create, update=update)

    def write_products(self, create=(), update=()) -> list[BatchResult]:
        """Creates, then updates, of products; one result per item in that order."""
        return self.batch("products", create=create, update=update)

    def variations(self, parent_id: int) -> Iterator[dict]:
        """The variations of one variable product, each once (the product list shows none)."""
        return self.read_all(f"products/{int(parent_id)}/variations")

    def write_variations(self, parent_id: int, update=()) -> list[BatchResult]:
        """Updates of the variations of one variable product (`products/batch` refuses a
        variation); one result per item, in the order given. When the shop refuses the
        whole call because the variable product is gone, each item carries that refusal."""
        try:
            return self.batch(f"products/{int(parent_id)}/variations", update=update)
        except NotFound as error:
            said = {"code": error.code, "message": error.reason, "data": {"status": error.status}}
            return [BatchResult("update", item, None, said) for item in update]

    def customers(self, on_first_page=None, **filters) -> Iterator[dict]:
        """The shop's buyers: users with the role `customer` only (administrators and shop
        managers are staff, not customers). WooCommerce has no date filter for customers.
        (`filters`: raw query words, kept for older callers only.)"""
        return self.read_all("customers", {"role": "customer", **filters}, on_first_page)

    def customers_newer_than(self, last_id: int, on_first_page=None) -> Iterator[dict]:
        """The buyers registered after the one with id `last_id` (ids only grow), newest
        first: a scheduled run's cheap look for new customers, usually one request."""
        seen: set = set()
        query = {"role": "customer", "orderby": "id", "order": "desc"}
        for customer in self.iter_pages("customers", query, on_total=on_first_page):
            key = customer.get("id") if isinstance(customer, dict) else None
            if isinstance(key, int) and key <= last_id:
                return
            if key in seen:
                continue
            seen.add(key)
            yield customer

    def customers_by_id(self, ids) -> dict[int, dict]:
        """`{id: customer}` for those ids the shop has, whatever their role (an order may
        belong to a member of staff), one request per 100 ids."""
        wanted = sorted({int(i) for i in ids if i})
        found: dict[int, dict] = {}
        for start in range(0, len(wanted), MAX_PER_PAGE):
            chunk = wanted[start : start + MAX_PER_PAGE]
            for customer in self.read_all("customers", {"include": chunk, "role": "all"}):
                found[customer["id"]] = customer
        return found

    def count_customers(self) -> int:
        """How many buyers (role `customer`) the shop has."""
        return self.count("customers", {"role": "customer"})

    def orders(
        self,
        statuses=None,
        modified_after: datetime | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        on_first_page=None,
        **filters,
    ) -> Iterator[dict]:
        """The shop's orders in those statuses (all but trash when none are given), amounts
        to 4 decimals (WooCommerce keeps more than it shows); the date filters are moments,
        sent as GMT. (`filters`: raw query words, kept for older callers only.)"""
        if statuses is None:
            statuses = filters.pop("status", None) or ["any"]
        if isinstance(statuses, str):
            statuses = statuses.split(",")
        params = _dates(
            {
                "modified_after": modified_after,
                "after": created_after,
                "before": created_before,
            }
        )
        params.update({"status": list(statuses) or ["any"], "dp": 4, **filters})
        return self.read_all("orders", params, on_first_page)

    def order(self, order_id: int) -> dict:
        """One order, amounts to 4 decimals."""
        return self.get(f"orders/{int(order_id)}", dp=4)

    def write_order_numbers(self, pairs) -> list[BatchResult]:
        """Writes FLOWii's order number onto each shop order (meta `_flowii_order_number`),
        100 orders per call; one result per pair, in the order given."""
        update = [
            {"id": int(order_id), "meta_data": [{"key": ORDER_NUMBER_META, "value": str(number)}]}
            for order_id, number in pairs
        ]
        return self.batch("orders", update=update)

    def tax_rates(self) -> list[dict]:
        """All the shop's tax rates, in id order."""
        return list(self.read_all("taxes"))

    def prices_include_tax(self) -> bool:
        """The shop's "Prices entered with tax" setting."""
        setting = self.get("settings/tax/woocommerce_prices_include_tax")
        if not isinstance(setting, dict) or "value" not in setting:
            raise MalformedResponse(
                SYSTEM, "GET settings/tax", "gave no value for prices entered with tax"
            )
        return setting["value"] == "yes"

    def payment_gateways(self) -> list[dict]:
        """All payment gateways, enabled or not, each a record with a text `id`. Any other
        answer is a MalformedResponse that says so in words."""
        call = "GET payment_gateways"
        gateways = _records(self.get("payment_gateways"), call, "payment gateways")
        for gateway in gateways:
            if not isinstance(gateway.get("id"), str) or not gateway["id"]:
                raise MalformedResponse(SYSTEM, call, "listed a payment gateway without an id")
        return gateways

    def shipping_methods_in_zones(self) -> list[dict]:
        """Every shipping method instance of every zone, zone 0 ("locations not covered by
        your other zones") included: {zone_id, zone_name, instance_id, method_id, title,
        enabled}. A shop with shipping turned off has none. An answer of another shape is a
        MalformedResponse that says so in words."""
        try:
            answer = self.get("shipping/zones")
        except NotFound as error:
            if error.code == "rest_no_route":  # "Shipping is disabled."
                return []
            raise
        methods = []
        for zone in _records(answer, "GET shipping/zones", "shipping zones"):
            zone_id = _int_id(zone.get("id"))
            if zone_id is None:
                raise MalformedResponse(
                    SYSTEM, "GET shipping/zones", "listed a shipping zone without an id"
                )
            call = f"GET shipping/zones/{zone_id}/methods"
            for method in _records(self.get(f"shipping/zones/{zone_id}/methods"), call, "methods"):
                method_id = method.get("method_id")
                instance_id = method.get("instance_id")
                if not isinstance(method_id, str) or not method_id or instance_id in (None, ""):
                    raise MalformedResponse(
                        SYSTEM, call, "listed a shipping method without its method or instance id"
                    )
                title = method.get("title") or method.get("method_title") or ""
                zone_name = zone.get("name")
                methods.append(
                    {
                        "zone_id": zone_id,
                        "zone_name": zone_name if isinstance(zone_name, str) else "",
                        "instance_id": instance_id,
                        "method_id": method_id,
                        "title": title if isinstance(title, str) else "",
                        "enabled": bool(method.get("enabled")),
                    }
                )
        return methods

    def add_order_note(self, order_id: int, note: str, *, customer_note: bool = False) -> dict:
        """A private note on the order (or one the customer sees, when asked)."""
        return self.post(
            f"orders/{int(order_id)}/notes", {"note": note, "customer_note": customer_note}
        )

    # -- webhooks (the shop tells the connector about orders at once) --------------------
    def webhooks(self) -> list[dict]:
        """Every webhook of the shop, whatever its status."""
        return list(self.read_all("webhooks", {"status": "all"}))

    def create_webhook(self, name: str, topic: str, delivery_url: str, secret: str) -> dict:
        """A new active webhook; the shop pings `delivery_url` (unsigned) as it makes it.
        REST API v3 makes webhooks whose deliveries carry the v3 order."""
        return self.post(
            "webhooks",
            {"name": name, "topic": topic, "delivery_url": delivery_url, "secret": secret},
        )

    def update_webhook(self, webhook_id: int, **fields) -> dict:
        """Changes a webhook: its secret, its status ("active" again after the shop
        disabled it for failed deliveries), its delivery address."""
        return self.put(f"webhooks/{int(webhook_id)}", fields)

    def delete_webhook(self, webhook_id: int) -> dict:
        """Deletes a webhook (the shop keeps no trash of webhooks: force=true)."""
        return self.delete(f"webhooks/{int(webhook_id)}", force="true")

    # -- is the connection right? -------------------------------------------------------
    def system_check(self) -> StoreCheck:
        """Whether the address is a WooCommerce store, whether it accepts the keys and
        whether the keys may write, with one sentence (the connector's, never the remote's
        text) saying what is wrong, if anything. A refusal counts as WooCommerce's only when
        it carries WooCommerce's error code; anything else at the address, or nothing, is
        "not a WooCommerce store", whatever it said."""
        try:
            include_tax = self.prices_include_tax()
        except AuthenticationError as error:
            if not _woo_code(error):
                return StoreCheck(False, False, False, self._not_a_store())
            kind = _refusal_kind(error)
            return StoreCheck(True, False, False, _REFUSALS[kind], kind=kind)
        except RemoteError:
            return StoreCheck(False, False, False, self._not_a_store())
        # The write check: an empty `POST products/batch`. WooCommerce checks the key's write
        # permission (before any route runs) and the user's right to edit products, then has
        # nothing to do and answers 200 with an empty list; nothing in the shop changes, no
        # hook fires. Writing a setting back to its own value would also need write rights,
        # but it saves an option and fires the setting's hooks, so it is not harmless.
        try:
            self.request("POST", "products/batch", json={}, idempotent=True)
        except AuthenticationError as error:
            kind = "clock" if _refusal_kind(error) == "clock" else "read_only"
            return StoreCheck(True, True, False, _REFUSALS[kind], include_tax, kind=kind)
        except RemoteError:
            return StoreCheck(True, True, False, _REFUSALS["write"], include_tax, kind="write")
        return StoreCheck(True, True, True, None, include_tax)

    def _not_a_store(self) -> str:
        return (
            f"{self.store_url} does not look like a WooCommerce store: no WooCommerce REST API "
            "answered there. Check the shop address and that WooCommerce is active there."
        )


_REFUSALS = {
    "keys": f"WooCommerce refused the consumer key or secret. Copy them again from {KEYS_PAGE}.",
    "no_rights": (
        "WooCommerce accepted the keys, but their WordPress user may not manage the shop. "
        f"Create the key for a Shop manager or Administrator in {KEYS_PAGE}."
    ),
    "clock": (
        "WooCommerce refused the call's time stamp: this computer's clock is more than 15 "
        "minutes off. Correct the clock."
    ),
    "read_only": f"The keys may only read. Give the key Read/Write permission in {KEYS_PAGE}.",
    "write": "WooCommerce did not accept the write check (an empty products batch).",
}


def _woo_code(error: RemoteError) -> bool:
    """The refusal carries WooCommerce's (or WordPress's REST API's) own error code."""
    code = error.code or ""
    return code.startswith(("woocommerce_rest_", "rest_", "json_"))


def _refusal_kind(error: RemoteError) -> str:
    said = (error.reason or "").lower()
    if "timestamp" in said:
        return "clock"
    if error.status == 403 and "permission" not in said:
        return "no_rights"
    return "keys"


def _records(answer, call: str, what: str) -> list[dict]:
    """A list answer whose items are all objects, else a MalformedResponse in words."""
    if answer is None:
        return []
    if not isinstance(answer, list):
        raise MalformedResponse(
            SYSTEM, call, f"answered with something other than a list of {what}"
        )
    if not all(isinstance(item, dict) for item in answer):
        raise MalformedResponse(SYSTEM, call, f"listed {what} that are not records")
    return answer


def _int_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _dates(filters: dict) -> dict:
    """Date filters as WooCommerce reads them: the moments in GMT, flagged as such."""
    given = {k: v for k, v in filters.items() if v is not None}
    if given:
        given["dates_are_gmt"] = True
    return given


def _notify(callback, total: int) -> None:
    """Calls `on_first_page(total)`, or `on_first_page()` when it takes no argument."""
    try:
        parameters = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        callback(total)
        return
    takes_one = any(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in parameters
    )
    if takes_one:
        callback(total)
    else:
        callback()


def _int_header(headers: dict, name: str) -> int | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            try:
                return int(value)
            except (TypeError, ValueError):
                return None
    return None


__all__ = [
    "BatchResult",
    "StoreCheck",
    "WooCommerceClient",
    "AuthenticationError",
    "MalformedResponse",
    "NotFound",
    "RemoteError",
    "Unavailable",
    "ValidationError",
]
