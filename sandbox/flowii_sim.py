"""The simulated FLOWii account: token endpoint, reference data, products, partners and
received orders, answering as the FLOWii contract (docs/flowii-api.md) says, plus test controls.

Stored rows are never changed in place: a write puts a new dict, so an answer built from
stored rows stays valid while it is encoded outside the lock.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from .base import Request, Response, SimulatedService, json_response

EMAIL = "demo@flowii.test"
PASSWORD = "sandbox"
API_KEY = "sandbox-api-key"
DEFAULT_TOKEN_TTL = 300

API_PREFIX = "/api/v1"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# The tables of the account, keyed as in the seed's `flowii` dict.
TABLES = (
    "companies",
    "partner_types",
    "units",
    "payment_types",
    "product_categories",
    "products",
    "partners",
    "orders",
)
# URL segment -> table.
RESOURCES = {
    "companies": "companies",
    "partner-types": "partner_types",
    "units": "units",
    "payment-types": "payment_types",
    "product-categories": "product_categories",
    "products": "products",
    "partners": "partners",
    "orders": "orders",
}
# Fields a list can be looked up by without a scan, with how a value is compared.
INDEXED = {
    "products": {"code": str},
    "partners": {
        "externalId": str,
        "email": lambda v: v.strip().lower(),
        "ico": lambda v: "".join(v.split()),
    },
    "orders": {"externalId": str},
}

EMPTY_ACCOUNT = {
    "companies": [
        {
            "id": 1,
            "name": "Demo obchod s.r.o.",
            "ico": "12345678",
            "dic": "2021234567",
            "icDph": "SK2021234567",
            "currency": "EUR",
        }
    ],
    "partner_types": [
        {"id": 1, "name": "Zákazník"},
        {"id": 2, "name": "Odberateľ"},
        {"id": 3, "name": "Dodávateľ"},
    ],
    "units": [
        {"id": 1, "name": "kus", "abbreviation": "ks"},
        {"id": 2, "name": "hodina", "abbreviation": "hod"},
        {"id": 3, "name": "kilogram", "abbreviation": "kg"},
        {"id": 4, "name": "balenie", "abbreviation": "bal"},
    ],
    "payment_types": [
        {"id": 1, "name": "Bankový prevod"},
        {"id": 2, "name": "Hotovosť"},
        {"id": 3, "name": "Dobierka"},
        {"id": 4, "name": "Platobná karta"},
    ],
}

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")
_ORDER_NUMBER_RE = re.compile(r"^OP(\d{4})(\d+)$")
PRODUCT_FIELDS = {
    "id", "name", "code", "categoryId", "unitId", "vatRate", "priceWithoutVat",
    "priceWithVat", "isStockItem", "stockQuantity", "isActive", "modifiedAt",
}  # fmt: skip
CATEGORY_FIELDS = {"id", "name", "parentId"}  # no modifiedAt: the contract gives none
ADDRESS_FIELDS = ("street", "city", "zip", "countryCode")
PARTNER_TEXT_FIELDS = ("ico", "dic", "icDph", "email", "phone")


# -- answers in FLOWii's shapes ---------------------------------------------------------
def api_error(status: int, code: str, message: str, fields: dict | None = None, **extra):
    error = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    error.update(extra)
    return json_response({"error": error}, status)


def validation_error(fields: dict, message: str = "The request is invalid.") -> Response:
    return api_error(400, "validation_error", message, fields)


def not_found(what: str = "The resource") -> Response:
    return api_error(404, "not_found", f"{what} does not exist.")


def unauthorized() -> Response:
    response = api_error(401, "unauthorized", "Authorization has been denied for this request.")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def token_error(status: int, error: str, description: str) -> Response:
    return json_response({"error": error, "error_description": description}, status)


# -- values -------------------------------------------------------------------------------
def format_timestamp(moment: datetime) -> str:
    """UTC with `Z`, to the millisecond, so a write just after a bookmark is never hidden."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_timestamp(value: str) -> datetime:
    """ISO 8601 date or timestamp; no zone means UTC. Raises ValueError."""
    text = value.strip().replace(" ", "+")  # an unencoded "+02:00" arrives as " 02:00"
    if len(text) == 10:
        moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
    else:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def round_cent(value: Decimal) -> Decimal:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else Decimal("0.00")  # never "-0.00"


def money(value: Decimal) -> str:
    return str(round_cent(value))


def decimal_text(value: Decimal) -> str:
    """A decimal as FLOWii writes it back: no exponent, no needless trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def read_decimal(value, places: int) -> tuple[Decimal | None, str | None]:
    """A decimal string (an int passes too; a float never does) with at most `places`
    decimal places; returns (value, None) or (None, problem)."""
    if isinstance(value, bool) or value is None:
        return None, "must be a decimal string"
    if isinstance(value, int):
        return Decimal(value), None
    if not isinstance(value, str) or not _DECIMAL_RE.match(value.strip()):
        return None, 'must be a decimal string such as "12.50"'
    number = Decimal(value.strip())
    if number != number.quantize(Decimal(1).scaleb(-places)):
        return None, f"must have at most {places} decimal places"
    return number, None


def item_amounts(
    quantity: Decimal,
    unit_price: Decimal,
    vat_rate: Decimal,
    discount_percent: Decimal,
    prices_include_vat: bool,
) -> tuple[Decimal, Decimal, Decimal]:
    """(net, vat, gross) of one order item, the way FLOWii computes them."""
    with localcontext() as context:
        context.prec = 60  # exact for any realistic amount before the one rounding
        base = round_cent(quantity * unit_price * (1 - discount_percent / HUNDRED))
        if prices_include_vat:
            gross = base
            vat = round_cent(base * vat_rate / (HUNDRED + vat_rate))
            net = gross - vat
        else:
            net = base
            vat = round_cent(net * vat_rate / HUNDRED)
            gross = net + vat
    return net, vat, gross


def _id_of(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text_or_none(value) -> bool:
    return value is None or isinstance(value, str)


# -- storage ------------------------------------------------------------------------------
class Table:
    """One resource's rows by id, listed in id order, with indexes for exact-match filters
    and filtered views remembered until the next write (paging a big list stays cheap)."""

    def __init__(self, indexed: dict | None = None):
        self.rows: dict[int, dict] = {}
        self.stamps: dict[int, datetime] = {}
        self.indexed = indexed or {}
        self.indexes: dict[str, dict[str, set[int]]] = {name: {} for name in self.indexed}
        self.next_id = 1
        self._ordered: list[dict] | None = None
        self._views: dict[tuple, list[dict]] = {}

    def get(self, row_id: int) -> dict | None:
        return self.rows.get(row_id)

    def new_id(self) -> int:
        row_id = self.next_id
        self.next_id += 1
        return row_id

    def put(self, row: dict) -> dict:
        row_id = row["id"]
        old = self.rows.get(row_id)
        if old is not None:
            self._index(old, remove=True)
        self.rows[row_id] = row
        self._index(row)
        stamp = row.get("modifiedAt")
        if stamp:
            self.stamps[row_id] = parse_timestamp(stamp)
        else:
            self.stamps.pop(row_id, None)
        self.next_id = max(self.next_id, row_id + 1)
        self._changed()
        return row

    def delete(self, row_id: int) -> None:
        old = self.rows.pop(row_id)
        self._index(old, remove=True)
        self.stamps.pop(row_id, None)
        self._changed()

    def ordered(self) -> list[dict]:
        if self._ordered is None:
            self._ordered = [self.rows[k] for k in sorted(self.rows)]
        return self._ordered

    def ids_where(self, field: str, value: str) -> set[int]:
        return self.indexes[field].get(self.indexed[field](value), set())

    def view(self, key: tuple, build) -> list[dict]:
        if key not in self._views:
            if len(self._views) > 64:
                self._views.clear()
            self._views[key] = build()
        return self._views[key]

    def _changed(self) -> None:
        self._ordered = None
        self._views.clear()

    def _index(self, row: dict, remove: bool = False) -> None:
        for name, normalize in self.indexed.items():
            value = row.get(name)
            if not isinstance(value, str) or not value:
                continue
            ids = self.indexes[name].setdefault(normalize(value), set())
            if remove:
                ids.discard(row["id"])
            else:
                ids.add(row["id"])


# -- the simulator ------------------------------------------------------------------------
class FlowiiSimulator(SimulatedService):
    """A FLOWii account in memory. Seeds: "default" (the demo account of `seed.py`) and
    "empty" (one company and the reference lists, nothing else)."""

    name = "flowii"
    # The account's credentials; a test may give one simulator its own.
    email, password, api_key = EMAIL, PASSWORD, API_KEY

    def now(self) -> datetime:
        """The server's clock; tests may replace it."""
        return datetime.now(UTC)

    # -- state ------------------------------------------------------------------------
    def reset(self, seed: str) -> None:
        if seed == "default":
            from .seed import build_seed

            data = build_seed(self.size).flowii
        elif seed == "empty":
            data = EMPTY_ACCOUNT
        else:
            raise ValueError(f"unknown FLOWii seed {seed!r}; known: default, empty")
        self.tables = {name: Table(INDEXED.get(name)) for name in TABLES}
        for name in TABLES:
            table = self.tables[name]
            for row in sorted(data.get(name) or [], key=lambda r: r["id"]):
                table.put(dict(row))
        self.order_counters: dict[int, int] = {}
        for order in self.tables["orders"].rows.values():
            match = _ORDER_NUMBER_RE.match(order.get("number") or "")
            if match:
                year, counter = int(match.group(1)), int(match.group(2))
                self.order_counters[year] = max(self.order_counters.get(year, 0), counter)
        self.token_ttl = DEFAULT_TOKEN_TTL
        self.tokens: dict[str, float] = {}  # token -> monotonic expiry

    def _stamp(self) -> str:
        return format_timestamp(self.now())

    # -- requests ---------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        path = request.path.rstrip("/").lower() or "/"
        if path == "/token":
            if request.method != "POST":
                return api_error(405, "method_not_allowed", "Use POST for /token.")
            return self._issue_token(request)
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            return not_found()
        if not self._authorized(request):
            return unauthorized()
        parts = path[len(API_PREFIX) :].strip("/").split("/")
        table_name = RESOURCES.get(parts[0])
        if table_name is None or len(parts) > 2:
            return not_found()
        if len(parts) == 1:
            if request.method == "GET":
                return self._list(table_name, request)
            if request.method == "POST" and table_name == "partners":
                return self._create_partner(request)
            if request.method == "POST" and table_name == "orders":
                return self._create_order(request)
            return api_error(405, "method_not_allowed", f"{request.method} is not allowed here.")
        if not parts[1].isdigit():
            return not_found()
        row_id = int(parts[1])
        if request.method == "GET":
            row = self.tables[table_name].get(row_id)
            return json_response(row) if row is not None else not_found()
        if request.method == "PUT" and table_name == "partners":
            return self._update_partner(row_id, request)
        return api_error(405, "method_not_allowed", f"{request.method} is not allowed here.")

    def fault_response(self, status: int) -> Response:
        if status == 429:
            return api_error(429, "rate_limited", "Too many requests; try again later.")
        return api_error(status, "server_error", "The server could not handle the request.")

    # -- token ------------------------------------------------------------------------
    def _issue_token(self, request: Request) -> Response:
        if request.headers.get("api-key") != self.api_key:
            return token_error(401, "invalid_client", "The API key is missing or unknown.")
        form = dict(request.form())
        if form.get("grant_type") != "password":
            return token_error(400, "unsupported_grant_type", "Use grant_type=password.")
        username = (form.get("username") or "").strip().lower()
        if username != self.email or form.get("password") != self.password:
            return token_error(400, "invalid_grant", "The user name or password is incorrect.")
        clock = time.monotonic()
        self.tokens = {t: exp for t, exp in self.tokens.items() if exp > clock}
        token = secrets.token_urlsafe(32)
        self.tokens[token] = clock + self.token_ttl
        return json_response(
            {"access_token": token, "token_type": "bearer", "expires_in": self.token_ttl}
        )

    def _authorized(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return False
        expiry = self.tokens.get(token.strip())
        return expiry is not None and expiry > time.monotonic()

    # -- lists ------------------------------------------------------------------------
    def _list(self, table_name: str, request: Request) -> Response:
        query = {k.lower(): v for k, v in request.query.items()}
        problems: dict[str, str] = {}
        page = _positive_int(query.get("page"), 1, "page", problems)
        page_size = _positive_int(query.get("pagesize"), DEFAULT_PAGE_SIZE, "pageSize", problems)
        filters = self._filters(table_name, query, problems)
        if problems:
            return validation_error(problems)
        page_size = min(page_size, MAX_PAGE_SIZE)
        rows = self._filtered(table_name, filters)
        start = (page - 1) * page_size
        return json_response(
            {
                "data": rows[start : start + page_size],
                "page": page,
                "pageSize": page_size,
                "totalCount": len(rows),
            }
        )

    def _filters(self, table_name: str, query: dict, problems: dict) -> tuple:
        """The list's filters as a sorted tuple of (field, value), read from the query."""
        allowed = {
            "products": ("categoryId", "modifiedSince", "code"),
            "partners": ("email", "externalId", "ico", "modifiedSince"),
            "orders": ("externalId",),
        }.get(table_name, ())
        filters = []
        for field in allowed:
            raw = query.get(field.lower())
            if raw is None:
                continue
            if field == "categoryId":
                if not (raw.strip().isascii() and raw.strip().isdigit()):
                    problems[field] = "must be a whole number"
                    continue
                filters.append((field, int(raw)))
            elif field == "modifiedSince":
                try:
                    filters.append((field, parse_timestamp(raw)))
                except ValueError:
                    problems[field] = "must be an ISO 8601 timestamp such as 2026-01-31T12:00:00Z"
            else:
                filters.append((field, raw))
        return tuple(sorted(filters))

    def _filtered(self, table_name: str, filters: tuple) -> list[dict]:
        table = self.tables[table_name]
        if not filters:
            return table.ordered()

        def build() -> list[dict]:
            indexed = [(f, v) for f, v in filters if f in table.indexed]
            if indexed:
                ids = set.intersection(*(table.ids_where(f, v) for f, v in indexed))
                rows = [table.rows[i] for i in sorted(ids)]
            else:
                rows = table.ordered()
            for field, value in filters:
                if field == "modifiedSince":
                    stamps = table.stamps
                    rows = [r for r in rows if r["id"] in stamps and stamps[r["id"]] >= value]
                elif field == "categoryId":
                    rows = [r for r in rows if r.get("categoryId") == value]
            return rows

        return table.view(filters, build)

    # -- partners ---------------------------------------------------------------------
    def _create_partner(self, request: Request) -> Response:
        body, problem = _json_object(request)
        if problem:
            return problem
        partner, problems = self._read_partner(body)
        if problems:
            return validation_error(problems)
        table = self.tables["partners"]
        if partner["externalId"] and table.ids_where("externalId", partner["externalId"]):
            return _duplicate_external_id("partner", partner["externalId"])
        partner = {"id": table.new_id(), **partner, "modifiedAt": self._stamp()}
        table.put(partner)
        response = json_response(partner, 201)
        response.headers["Location"] = f"{API_PREFIX}/partners/{partner['id']}"
        return response

    def _update_partner(self, partner_id: int, request: Request) -> Response:
        """PUT replaces the whole partner: a field left out is cleared."""
        table = self.tables["partners"]
        if table.get(partner_id) is None:
            return not_found("The partner")
        body, problem = _json_object(request)
        if problem:
            return problem
        partner, problems = self._read_partner(body)
        if problems:
            return validation_error(problems)
        external_id = partner["externalId"]
        if external_id and table.ids_where("externalId", external_id) - {partner_id}:
            return _duplicate_external_id("partner", external_id)
        partner = {"id": partner_id, **partner, "modifiedAt": self._stamp()}
        table.put(partner)
        return json_response(partner)

    def _read_partner(self, body: dict) -> tuple[dict, dict]:
        problems: dict[str, str] = {}
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            problems["name"] = "is required"
        type_id = _id_of(body.get("partnerTypeId"))
        if body.get("partnerTypeId") is None:
            problems["partnerTypeId"] = "is required"
        elif type_id is None or self.tables["partner_types"].get(type_id) is None:
            problems["partnerTypeId"] = "is not a known partner type"
        external_id = body.get("externalId")
        if not _text_or_none(external_id):
            problems["externalId"] = "must be a string"
        is_company = body.get("isCompany", False)
        if not isinstance(is_company, bool):
            problems["isCompany"] = "must be true or false"
        for field in PARTNER_TEXT_FIELDS:
            if not _text_or_none(body.get(field)):
                problems[field] = "must be a string"
        email = body.get("email")
        if isinstance(email, str) and email.strip() and not _EMAIL_RE.match(email.strip()):
            problems["email"] = "is not a valid e-mail address"
        contact = body.get("contactPerson")
        if contact is not None:
            if not isinstance(contact, dict):
                problems["contactPerson"] = "must be an object"
            else:
                for field in ("firstName", "lastName"):
                    if not _text_or_none(contact.get(field)):
                        problems[f"contactPerson.{field}"] = "must be a string"
        addresses = {}
        for field in ("billingAddress", "deliveryAddress"):
            addresses[field] = _read_address(body.get(field), field, problems)
        partner = {
            "externalId": external_id or None,
            "name": name.strip() if isinstance(name, str) else name,
            "isCompany": is_company,
            **{field: body.get(field) or None for field in PARTNER_TEXT_FIELDS},
            "partnerTypeId": type_id,
            "contactPerson": (
                {"firstName": contact.get("firstName"), "lastName": contact.get("lastName")}
                if isinstance(contact, dict)
                else None
            ),
            **addresses,
        }
        if isinstance(partner["email"], str):
            partner["email"] = partner["email"].strip()
        return partner, problems

    # -- orders -----------------------------------------------------------------------
    def _create_order(self, request: Request) -> Response:
        body, problem = _json_object(request)
        if problem:
            return problem
        order, problems = self._read_order(body)
        if problems:
            return validation_error(problems)
        table = self.tables["orders"]
        external_id = order["externalId"]
        if external_id:
            existing = table.ids_where("externalId", external_id)
            if existing:
                first = table.rows[min(existing)]
                return api_error(
                    409,
                    "conflict",
                    f"An order with externalId {external_id!r} already exists.",
                    existing={"id": first["id"], "number": first["number"]},
                )
        year = int(order["issueDate"][:4])
        self.order_counters[year] = self.order_counters.get(year, 0) + 1
        order = {
            "id": table.new_id(),
            "number": f"OP{year}{self.order_counters[year]:06d}",
            **order,
            "modifiedAt": self._stamp(),
        }
        table.put(order)
        response = json_response(order, 201)
        response.headers["Location"] = f"{API_PREFIX}/orders/{order['id']}"
        return response

    def _read_order(self, body: dict) -> tuple[dict, dict]:
        problems: dict[str, str] = {}
        company = self._reference(body, "companyId", "companies", "company", problems, True)
        self._reference(body, "partnerId", "partners", "partner", problems, True)
        self._reference(body, "paymentTypeId", "payment_types", "payment type", problems)
        for field in ("externalId", "externalNumber", "note"):
            if not _text_or_none(body.get(field)):
                problems[field] = "must be a string"
        issue_date = _read_date(body.get("issueDate"), self.now(), problems)
        currency = body.get("currency")
        if currency is None:
            currency = company["currency"] if company else None
        elif not isinstance(currency, str) or not _CURRENCY_RE.match(currency):
            problems["currency"] = "must be an ISO 4217 code such as EUR"
        include_vat = body.get("pricesIncludeVat", False)
        if not isinstance(include_vat, bool):
            problems["pricesIncludeVat"] = "must be true or false"
            include_vat = False
        delivery = _read_address(body.get("deliveryAddress"), "deliveryAddress", problems)
        items = self._read_items(body.get("items"), include_vat, problems)
        totals = [Decimal("0.00")] * 3
        for item in items:
            for i, key in enumerate(("net", "vat", "gross")):
                totals[i] += Decimal(item[key])
        order = {
            "companyId": _id_of(body.get("companyId")),
            "partnerId": _id_of(body.get("partnerId")),
            "externalId": body.get("externalId") or None,
            "externalNumber": body.get("externalNumber"),
            "issueDate": issue_date,
            "currency": currency,
            "pricesIncludeVat": include_vat,
            "paymentTypeId": _id_of(body.get("paymentTypeId")),
            "note": body.get("note"),
            "deliveryAddress": delivery,
            "items": items,
            "totalWithoutVat": money(totals[0]),
            "totalVat": money(totals[1]),
            "totalWithVat": money(totals[2]),
        }
        return order, problems

    def _reference(self, body, field, table_name, label, problems, required=False):
        """The referenced row, or None with a problem noted (or nothing when optional)."""
        value = body.get(field)
        if value is None:
            if required:
                problems[field] = "is required"
            return None
        row_id = _id_of(value)
        row = self.tables[table_name].get(row_id) if row_id is not None else None
        if row is None:
            problems[field] = f"is not a known {label}"
        return row

    def _read_items(self, items, include_vat: bool, problems: dict) -> list[dict]:
        if not isinstance(items, list) or not items:
            problems["items"] = "must be a non-empty list"
            return []
        result = []
        for index, item in enumerate(items):
            where = f"items[{index}]"
            if not isinstance(item, dict):
                problems[where] = "must be an object"
                continue
            before = len(problems)
            product = None
            if item.get("productId") is not None:
                product = self._reference(item, "productId", "products", "product", {})
                if product is None:
                    problems[f"{where}.productId"] = "is not a known product"
            name = item.get("name")
            if name is None and product is not None:
                name = product["name"]
            if not isinstance(name, str) or not name.strip():
                problems[f"{where}.name"] = "is required"
            unit_id = _id_of(item.get("unitId"))
            if item.get("unitId") is None:
                problems[f"{where}.unitId"] = "is required"
            elif unit_id is None or self.tables["units"].get(unit_id) is None:
                problems[f"{where}.unitId"] = "is not a known unit"
            numbers = {}
            for field, places, default in (
                ("quantity", 3, None),
                ("unitPrice", 4, None),
                ("vatRate", 2, None),
                ("discountPercent", 2, Decimal(0)),
            ):
                raw = item.get(field)
                if raw is None and default is not None:
                    numbers[field] = default
                    continue
                if raw is None:
                    problems[f"{where}.{field}"] = "is required"
                    continue
                value, problem = read_decimal(raw, places)
                if problem:
                    problems[f"{where}.{field}"] = problem
                else:
                    numbers[field] = value
            if "quantity" in numbers and numbers["quantity"] <= 0:
                problems[f"{where}.quantity"] = "must be more than 0"
            if "vatRate" in numbers and not 0 <= numbers["vatRate"] < 100:
                problems[f"{where}.vatRate"] = "must be a percentage from 0 to 99.99"
            discount = numbers.get("discountPercent")
            if discount is not None and not 0 <= discount <= 100:
                problems[f"{where}.discountPercent"] = "must be a percentage from 0 to 100"
            if len(problems) > before:
                continue
            net, vat, gross = item_amounts(
                numbers["quantity"],
                numbers["unitPrice"],
                numbers["vatRate"],
                numbers["discountPercent"],
                include_vat,
            )
            result.append(
                {
                    "productId": product["id"] if product else None,
                    "name": name.strip(),
                    "quantity": decimal_text(numbers["quantity"]),
                    "unitId": unit_id,
                    "unitPrice": decimal_text(numbers["unitPrice"]),
                    "vatRate": decimal_text(numbers["vatRate"]),
                    "discountPercent": decimal_text(numbers["discountPercent"]),
                    "net": money(net),
                    "vat": money(vat),
                    "gross": money(gross),
                }
            )
        return result

    # -- test-only controls -----------------------------------------------------------
    def control(self, action: str, request: Request) -> Response | None:
        try:
            payload = request.json() or {}
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            return json_response({"error": "the body must be a JSON object"}, 400)
        if action == "token" and request.method == "POST":
            return self._control_token(payload)
        if action == "token" and request.method == "GET":
            return json_response({"ttl": self.token_ttl, "active": self._active_tokens()})
        if action == "dump" and request.method == "GET":
            return json_response({name: self.tables[name].ordered() for name in TABLES})
        if action == "products" and request.method == "POST":
            return self._control_rows(payload, "products", self._product_row)
        if action == "product-categories" and request.method == "POST":
            return self._control_rows(payload, "product_categories", self._category_row)
        return None

    def _active_tokens(self) -> int:
        clock = time.monotonic()
        return sum(1 for expiry in self.tokens.values() if expiry > clock)

    def _control_token(self, payload: dict) -> Response:
        if "ttl" in payload:
            ttl = payload["ttl"]
            if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 1:
                return json_response({"error": "ttl must be a whole number of seconds >= 1"}, 400)
            self.token_ttl = ttl
        if payload.get("expire_all"):
            self.tokens.clear()
        return json_response({"ttl": self.token_ttl, "active": self._active_tokens()})

    def _control_rows(self, payload: dict, table_name: str, build) -> Response:
        """Creates, updates and deletes rows as a FLOWii user would in the app. All or
        nothing: the first problem answers 400 and nothing is written."""
        table = self.tables[table_name]
        pending: dict[int, dict | None] = {}  # id -> new row, or None for a deletion
        next_id = table.next_id
        try:
            for changes in payload.get("update") or []:
                row_id = _id_of(changes.get("id"))
                current = pending.get(row_id, table.get(row_id)) if row_id else None
                if current is None:
                    raise ValueError(f"no {table_name} row with id {changes.get('id')!r}")
                pending[row_id] = build(current, changes)
            created = []
            for fields in payload.get("create") or []:
                row_id = _id_of(fields.get("id"))
                if row_id is None:
                    row_id = next_id
                elif row_id in table.rows or row_id in pending:
                    raise ValueError(f"{table_name} id {row_id} is taken")
                next_id = max(next_id, row_id + 1)
                pending[row_id] = build({"id": row_id}, fields)
                created.append(row_id)
            for row_id in payload.get("delete") or []:
                if table.get(row_id) is None:
                    raise ValueError(f"no {table_name} row with id {row_id!r}")
                pending[row_id] = None
            if table_name == "product_categories":
                self._check_tree(pending)
        except (ValueError, TypeError, AttributeError, InvalidOperation) as exc:
            return json_response({"error": str(exc)}, 400)
        for row_id, row in pending.items():
            if row is None:
                table.delete(row_id)
            else:
                table.put(row)
        return json_response(
            {
                "created": [table.rows[i] for i in created],
                "updated": [pending[_id_of(c.get("id"))] for c in payload.get("update") or []],
                "deleted": list(payload.get("delete") or []),
            }
        )

    def _product_row(self, current: dict, changes: dict) -> dict:
        """A product after a user's edit: a new price with or without VAT recomputes the
        other one from the VAT rate, as the app does; modifiedAt moves to now."""
        _known_fields(changes, PRODUCT_FIELDS)
        row = {
            "name": None,
            "code": None,
            "categoryId": None,
            "unitId": min(self.tables["units"].rows, default=None),
            "vatRate": "20",
            "priceWithoutVat": "0.00",
            "priceWithVat": "0.00",
            "isStockItem": True,
            "stockQuantity": "0",
            "isActive": True,
            **current,
        }
        for field, value in changes.items():
            if field in ("vatRate", "priceWithoutVat", "priceWithVat", "stockQuantity"):
                value = None if value is None else decimal_text(Decimal(str(value)))
            row[field] = value
        for field in ("priceWithoutVat", "priceWithVat"):
            row[field] = money(Decimal(row[field]))
        rate = Decimal(row["vatRate"])
        if "priceWithVat" in changes and "priceWithoutVat" not in changes:
            with localcontext() as context:
                context.prec = 60
                net = Decimal(row["priceWithVat"]) * HUNDRED / (HUNDRED + rate)
            row["priceWithoutVat"] = money(net)
        elif "priceWithVat" not in changes and (
            "priceWithoutVat" in changes or "vatRate" in changes
        ):
            row["priceWithVat"] = money(Decimal(row["priceWithoutVat"]) * (1 + rate / HUNDRED))
        if not row["isStockItem"]:
            row["stockQuantity"] = None
        elif row["stockQuantity"] is None:
            row["stockQuantity"] = "0"
        if not isinstance(row["name"], str) or not row["name"]:
            raise ValueError("a product needs a name")
        category = row["categoryId"]
        if category is not None and self.tables["product_categories"].get(category) is None:
            raise ValueError(f"no product category with id {category!r}")
        if self.tables["units"].get(row["unitId"]) is None:
            raise ValueError(f"no unit with id {row['unitId']!r}")
        # A stamp given by a test is kept, so it can place an edit in the past.
        row["modifiedAt"] = changes.get("modifiedAt") or self._stamp()
        parse_timestamp(row["modifiedAt"])
        return row

    def _category_row(self, current: dict, changes: dict) -> dict:
        _known_fields(changes, CATEGORY_FIELDS)
        row = {"name": None, "parentId": None, **current, **changes}
        if not isinstance(row["name"], str) or not row["name"]:
            raise ValueError("a category needs a name")
        return row

    def _check_tree(self, pending: dict) -> None:
        """Parents must exist, no category may be its own ancestor, and a deleted category
        must hold neither subcategories nor products."""
        rows = {**self.tables["product_categories"].rows, **pending}
        for row_id, row in rows.items():
            if row is None:
                continue
            seen = {row_id}
            parent = row["parentId"]
            while parent is not None:
                if rows.get(parent) is None:
                    raise ValueError(f"no parent category with id {parent!r}")
                if parent in seen:
                    raise ValueError(f"category {row_id} would be its own ancestor")
                seen.add(parent)
                parent = rows[parent]["parentId"]
        deleted = {row_id for row_id, row in pending.items() if row is None}
        if deleted:
            for product in self.tables["products"].rows.values():
                if product.get("categoryId") in deleted:
                    raise ValueError(f"category {product['categoryId']} still holds products")


def _known_fields(changes: dict, known: set) -> None:
    """A misspelt field in a test's edit must fail, not be stored unnoticed."""
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValueError(f"unknown fields {unknown}; known: {sorted(known)}")


def _read_date(value, today: datetime, problems: dict) -> str:
    """The issue date as YYYY-MM-DD; none given means today, as in the app."""
    if value is None:
        return today.date().isoformat()
    try:
        if not isinstance(value, str):
            raise ValueError
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        problems["issueDate"] = "must be a date such as 2026-01-31"
        return today.date().isoformat()


def _positive_int(raw: str | None, default: int, field: str, problems: dict) -> int:
    if raw is None:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        problems[field] = "must be a whole number from 1"
        return default
    return int(text)


def _json_object(request: Request) -> tuple[dict, Response | None]:
    try:
        body = request.json()
    except ValueError:
        return {}, validation_error({"body": "is not valid JSON"}, "The request body is not JSON.")
    if not isinstance(body, dict):
        return {}, validation_error({"body": "must be a JSON object"})
    return body, None


def _read_address(value, field: str, problems: dict) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems[field] = "must be an object"
        return None
    for part in ADDRESS_FIELDS:
        if not _text_or_none(value.get(part)):
            problems[f"{field}.{part}"] = "must be a string"
    country = value.get("countryCode")
    if isinstance(country, str) and country and not _COUNTRY_RE.match(country):
        problems[f"{field}.countryCode"] = "must be an ISO 3166-1 alpha-2 code such as SK"
    return {part: value.get(part) or None for part in ADDRESS_FIELDS}


def _duplicate_external_id(kind: str, external_id: str) -> Response:
    return api_error(409, "conflict", f"A {kind} with externalId {external_id!r} already exists.")
