"""The simulated FLOWii account over HTTP, as FLOWii's API Blueprint documents it: the token
endpoint, the firms (`companyId`), routing, auth, paging and filters of every endpoint the
connector uses. Records are rendered by flowii_records, documents computed by flowii_documents,
partner bodies read by flowii_partners, and the `/__sandbox__/` test hooks live in flowii_hooks.
"""

from __future__ import annotations

import re
import secrets
import time
import weakref
from email.utils import formatdate
from urllib.parse import urlencode

from . import flowii_hooks
from . import flowii_seed as account_seed
from .base import Request, Response, SimulatedService, json_response
from .flowii_documents import read_document, serial_number
from .flowii_partners import read_partner
from .flowii_records import MEDIA_TYPE, ApiError, Renderer, error_body

EMAIL, PASSWORD, API_KEY = account_seed.EMAIL, account_seed.PASSWORD, account_seed.API_KEY
DEFAULT_TOKEN_TTL = 599
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 100
TIME_FILTERS = ("created-from", "created-to", "edited-from", "edited-to")

# Every simulator created with capture=True, so a conformance test can read them all.
_CAPTURING: weakref.WeakSet = weakref.WeakSet()


def captured_requests() -> list[dict]:
    """The requests every capturing simulator of this process has seen (oldest first each)."""
    out: list[dict] = []
    for service in list(_CAPTURING):
        out.extend(list(service.captured))
    return out


class Firm:
    """One tenant's data, each table a dict by id in id order."""

    TABLES = (
        "company_data", "numbering_sequences", "business_relationships", "units",
        "payment_methods", "delivery_types", "users", "bank_accounts", "document_categories",
        "custom_fields", "good_categories", "goods", "partners", "documents", "permissions",
    )  # fmt: skip

    def __init__(self, data: dict, countries: dict):
        self.company = data["company"]
        self.countries = countries
        for table in self.TABLES:
            setattr(self, table, {row["id"]: row for row in data.get(table, [])})
        self.self_user = data.get("self_user")
        self.goods_version = 0
        self._goods_views: dict = {}

    def goods_changed(self) -> None:
        self.goods_version += 1
        self._goods_views.clear()

    def goods_matching(self, filters: tuple) -> list[dict]:
        """Goods matching the filters, in id order; kept until a good changes, so paging
        through 50,000 goods scans them once, not once per page."""
        view = self._goods_views.get(filters)
        if view is None:
            view = [g for g in self.goods.values() if _good_matches(g, filters)]
            if len(self._goods_views) > 64:
                self._goods_views.clear()
            self._goods_views[filters] = view
        return view


def _good_matches(good: dict, filters: tuple) -> bool:
    for name, value in filters:
        if name == "created-from" and good["_created"] < value:
            return False
        if name == "created-to" and good["_created"] > value:
            return False
        if name == "edited-from" and good["_edited"] < value:
            return False
        if name == "edited-to" and good["_edited"] > value:
            return False
        if name == "type" and good["type"] != value:
            return False
        if name == "category-id" and good["_category"] != value:
            return False
        if name == "subcategory-id" and good["_subcategory"] != value:
            return False
        if name == "partner-id" and good["_partner"] != value:
            return False
    return True


def _partner_matches(row: dict, filters: tuple) -> bool:
    for name, value in filters:
        if name in TIME_FILTERS:
            stamp = row["_created"] if name.startswith("created") else row["_edited"]
            if (name.endswith("from") and stamp < value) or (name.endswith("to") and stamp > value):
                return False
        elif name == "type-id" and row["_base"] != value:
            return False
        elif name == "subtype-id" and row["_extended"] != value:
            return False
        elif name == "search-text" and value not in _search_text(row):
            return False
    return True


def _search_text(row: dict) -> str:
    # ASSUMED (docs/flowii-api.md): name, IČO, DIČ, IČ DPH and the key contact's e-mail and
    # phones, compared case-insensitively as substrings.
    key = row["_key_contact"] or {}
    parts = [row["name"], row["ico"], row["dic"], row["ic-dph"],
             key.get("email"), key.get("phone"), key.get("mobile")]  # fmt: skip
    return "\n".join(p for p in parts if p).lower()


def _int(value: str, name: str) -> int:
    if not re.fullmatch(r"-?\d+", value or ""):
        raise ApiError(400, "Invalid parameter", f"{name} must be a whole number")
    return int(value)


class FlowiiSimulator(SimulatedService):
    """A FLOWii account in memory: "default" is the seeded account (two firms), "empty" the
    firms and codebooks without goods, partners or documents."""

    name = "flowii"

    def __init__(
        self,
        size: str = "small",
        latency_ms: int = 0,
        seed: str | None = None,
        *,
        capture: bool = False,
        stock_attribute: str | None = None,
        clock=None,
    ):
        self.clock = clock or time.time
        self.default_stock_attribute = stock_attribute
        super().__init__(size, latency_ms, seed)
        self.capture = capture
        if capture:
            _CAPTURING.add(self)

    # -- state ----------------------------------------------------------------------------
    def reset(self, seed: str) -> None:
        if seed == "default":
            from . import seed as seed_module  # looked up now: the benchmark swaps build_seed

            data = seed_module.build_seed(self.size).flowii
        elif seed == "empty":
            data = account_seed.build_account(self.size, empty=True)
        else:
            raise ValueError(f"unknown FLOWii seed {seed!r}; known: default, empty")
        self.countries = {row["id"]: row for row in data["countries"]}
        self.firms = {f["company"]["id"]: Firm(f, self.countries) for f in data["firms"]}
        self.tokens: dict[str, float] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.token_ttl = DEFAULT_TOKEN_TTL
        self.stock_attribute = self.default_stock_attribute
        self.touched_partners: dict[int, int] = {}  # partner id -> company id, in order
        self.deleted_partners: list[str] = []
        self.created_documents: list[tuple[int, int]] = []  # (company id, document id)
        self._next_ids = {}
        for kind, key in (
            ("partner", "partners"), ("document", "documents"), ("good", "goods"),
            ("good-category", "good_categories"),
        ):  # fmt: skip
            ids = [i for firm in self.firms.values() for i in getattr(firm, key)]
            self._next_ids[kind] = max(ids, default=0) + 1
        nested = [0]
        for firm in self.firms.values():
            for row in firm.partners.values():
                for part in _nested_records(row):
                    nested.append(part["id"])
        self._next_ids["nested"] = max(nested) + 1

    def new_id(self, kind: str) -> int:
        key = kind if kind in ("partner", "document", "good", "good-category") else "nested"
        value = self._next_ids[key]
        self._next_ids[key] = value + 1
        return value

    def now(self) -> int:
        return int(self.clock())

    # -- answers --------------------------------------------------------------------------
    def _reply(self, body, status: int = 200, **headers) -> Response:
        return json_response(body, status, **{"Content-Type": MEDIA_TYPE, **headers})

    def fault_response(self, status: int) -> Response:
        detail = "Too many requests" if status == 429 else "simulated fault"
        return self._reply(error_body(status, detail), status)

    def capture_request(self, request: Request) -> None:
        try:
            body = request.json()
        except ValueError:
            body = None
        form = {k: ("***" if k == "password" else v) for k, v in request.form()}
        self.captured.append(
            {
                "method": request.method,
                "path": request.path,
                "query": list(request.query_pairs),
                "body": form or body,
                "content_type": request.headers.get("content-type"),
                "accept": request.headers.get("accept"),
            }
        )

    def control(self, action: str, request: Request) -> Response | None:
        return flowii_hooks.control(self, action, request)

    def handle(self, request: Request) -> Response:
        try:
            return self._serve(request)
        except ApiError as error:
            headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
            return self._reply(error.body(), error.status, **headers)

    def _serve(self, request: Request) -> Response:
        path = request.path.rstrip("/") or "/"
        if path == "/token":
            if request.method != "POST":
                raise ApiError(405, detail="the token endpoint takes POST")
            return self._token(request)
        self._authorize(request)
        renderer = Renderer(self.base_url or "http://127.0.0.1", None)
        if path == "/companies":
            self._only(request, "GET")
            return self._reply(
                {
                    "data": [
                        {
                            "type": "company",
                            "id": str(cid),
                            "attributes": {"name": f.company["name"]},
                        }
                        for cid, f in self.firms.items()
                    ]
                }  # fmt: skip
            )
        raw = request.query.get("companyId")
        if raw is None:
            raw = request.query.get("companyid")
        if not raw:
            raise ApiError(400, "Missing parameter", "the companyId query parameter is required")
        firm = self.firms.get(_int(raw, "companyId"))
        if firm is None:
            raise ApiError(403, detail=f"this login may not use company {raw}")
        renderer.company_id = firm.company["id"]
        for method, pattern, handler in ROUTES:
            match = pattern.fullmatch(path)
            if match:
                if request.method != method:
                    continue
                args = [int(g) for g in match.groups()]
                return handler(self, request, firm, renderer, path, *args)
        if any(pattern.fullmatch(path) for _, pattern, _ in ROUTES):
            raise ApiError(405, detail=f"{request.method} is not allowed on {path}")
        raise ApiError(404, detail=f"no resource at {path}")

    @staticmethod
    def _only(request: Request, method: str) -> None:
        if request.method != method:
            raise ApiError(405, detail=f"{request.method} is not allowed here")

    # -- tokens ---------------------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        if request.headers.get("api-key") != API_KEY:
            return self._reply(
                {"error": "invalid_client", "error_description": "The API key is not valid."}, 401
            )
        form = dict(request.form())
        grant = form.get("grant_type")
        if grant == "password":
            ok = (form.get("username") or "").lower() == EMAIL and form.get("password") == PASSWORD
            if not ok:
                return self._reply({"error": "invalid_grant",
                                    "error_description": "The user name or password is incorrect."},
                                   400)  # fmt: skip
        elif grant == "refresh_token":
            user = self.refresh_tokens.pop(form.get("refresh_token") or "", None)
            if user is None or (form.get("client_id") or "").lower() != user:
                return self._reply(
                    {
                        "error": "invalid_grant",
                        "error_description": "The refresh token is not valid.",
                    },
                    400,
                )
        else:
            return self._reply(
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Use password or refresh_token.",
                },
                400,
            )
        issued = self.clock()
        token, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.tokens[token] = issued + self.token_ttl
        self.refresh_tokens[refresh] = EMAIL
        return self._reply(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.token_ttl,
                "refresh_token": refresh,
                "userName": EMAIL,
                ".issued": formatdate(issued, usegmt=True),
                ".expires": formatdate(issued + self.token_ttl, usegmt=True),
            }
        )

    def _authorize(self, request: Request) -> None:
        if request.headers.get("api-key") != API_KEY:
            raise ApiError(401, detail="the Api-Key header is missing or not valid")
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        expires = self.tokens.get(token)
        if expires is None or expires <= self.clock():
            raise ApiError(401, detail="Authorization has been denied for this request.")

    # -- lists ----------------------------------------------------------------------------
    def _links(self, request: Request, path: str, number: int | None = None) -> str:
        pairs = [(k, v) for k, v in request.query_pairs if k != "page[number]"]
        if number is not None:
            pairs.append(("page[number]", str(number)))
        elif "page[number]" in request.query:
            pairs.append(("page[number]", request.query["page[number]"]))
        query = urlencode(pairs, safe="[]")
        return f"{self.base_url}{path}" + (f"?{query}" if query else "")

    def paged(self, request: Request, path: str, rows: list, render, self_link=True) -> dict:
        """One page of `rows` (0-based `page[number]`; `page[size]` up to 100) rendered, with
        `links.first` and `links.next` only when a further page exists."""
        number = _int(request.query.get("page[number]", "0"), "page[number]")
        size = _int(request.query.get("page[size]", str(DEFAULT_PAGE_SIZE)), "page[size]")
        if number < 0 or size < 1:
            raise ApiError(400, "Invalid parameter", "page[number] >= 0 and page[size] >= 1")
        size = min(size, MAX_PAGE_SIZE)
        chunk = rows[number * size : (number + 1) * size]
        links = {"self": self._links(request, path)} if self_link else {}
        links["first"] = self._links(request, path, 0)
        if (number + 1) * size < len(rows):
            links["next"] = self._links(request, path, number + 1)
        return {"data": [render(row) for row in chunk], "links": links}

    def whole(self, request: Request, path: str, records: list, **extra) -> Response:
        return self._reply({"data": records, "links": {"self": self._links(request, path)},
                            **extra})  # fmt: skip

    def detail(self, path: str, renderer: Renderer, record: dict, included=None) -> Response:
        body = {"data": record, "links": {"self": renderer.detail_link(path)}}
        if included is not None:
            body["included"] = included
        return self._reply(body)

    @staticmethod
    def filters(request: Request, allowed: dict) -> tuple:
        out = []
        for key, value in request.query_pairs:
            match = re.fullmatch(r"filter\[([a-z-]+)\]", key)
            if not match or match.group(1) not in allowed:
                continue  # filters this simulator does not model are ignored, as FLOWii does
            name = match.group(1)
            out.append((name, allowed[name](value, f"filter[{name}]")))
        return tuple(sorted(out))

    # -- writes ---------------------------------------------------------------------------
    @staticmethod
    def body(request: Request) -> dict:
        kind = request.headers.get("content-type", "").split(";")[0].strip()
        if kind not in (MEDIA_TYPE, "application/json"):
            raise ApiError(415, "Unsupported Media Type", f"send {MEDIA_TYPE}, not {kind!r}")
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "Invalid body", "the body is not JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Invalid body", "the body is not a JSON object")
        return body

    def create_partner(self, firm: Firm, body: dict, by_connector: bool) -> dict:
        row = read_partner(body, firm, self.new_id, None, self.now())
        row["id"] = self.new_id("partner")
        firm.partners[row["id"]] = row
        if by_connector:
            self.touched_partners[row["id"]] = firm.company["id"]
        return row

    def create_document(self, firm: Firm, body: dict) -> dict:
        import datetime as _dt

        year = _dt.datetime.fromtimestamp(self.now()).year
        document = read_document(body, firm, year)
        document["id"] = self.new_id("document")
        sequence = firm.numbering_sequences[document["_sequence"]]
        document["serial-nr"] = serial_number(sequence, document["_year"])
        document.update(
            {
                "invoice-type": None,
                "invoice-state": 0,
                "unpaid": document["taxed-gross-amount"],
                "_created": self.now(),
            }
        )
        firm.documents[document["id"]] = document
        self.created_documents.append((firm.company["id"], document["id"]))
        return document


def _nested_records(row: dict):
    for key in ("_billing", "_mailing", "_delivery", "_key_contact"):
        if row[key]:
            yield row[key]
    for key in ("_contacts", "_accounts", "_tags", "_custom"):
        yield from row[key]


# -- endpoint handlers: (simulator, request, firm, renderer, path, *ids) -> Response ------------


def _codebook(table: str, kind: str, collection: str, *extra):
    def listing(sim, request, firm, r, path):
        rows = getattr(firm, table).values()
        return sim.whole(
            request, path, [r.named(kind, collection, row, True, *extra) for row in rows]
        )

    def one(sim, request, firm, r, path, row_id):
        row = _get(getattr(firm, table), row_id, kind)
        return sim.detail(path, r, r.named(kind, collection, row, False, *extra))

    return listing, one


def _get(table: dict, row_id: int, what: str) -> dict:
    row = table.get(row_id)
    if row is None:
        raise ApiError(404, detail=f"{what} {row_id} does not exist")
    return row


def _permissions(sim, request, firm, r, path):
    return sim._reply({"data": [{"type": "permission", "id": str(p["id"]),
                                 "attributes": {"modul": p["modul"], "visible": p["visible"]}}
                                for p in firm.permissions.values()]})  # fmt: skip


def _company_data_list(sim, request, firm, r, path):
    rows = firm.company_data.values()
    return sim.whole(
        request, path, [r.named("company-data", "companydata", row, True) for row in rows]
    )


def _company_data(sim, request, firm, r, path, row_id):
    row = _get(firm.company_data, row_id, "company data")
    record, included = r.company_data(row, sim.countries[row["_country"]])
    return sim.detail(path, r, record, included)


def _sequences(sim, request, firm, r, path):
    kind = request.query.get("documentType")
    company_data = request.query.get("companyDataId")
    rows = [
        s for s in firm.numbering_sequences.values()
        if (kind is None or s["_document_type"] == _int(kind, "documentType"))
        and (company_data is None or s["_company_data"] == _int(company_data, "companyDataId"))
    ]  # fmt: skip
    return sim._reply({"data": [r.sequence(s) for s in rows]})


def _tree(table: str, kind: str, collection: str):
    """List of roots, one node, and the children of a node (with the parent in `included`)."""

    def roots(sim, request, firm, r, path):
        rows = [row for row in getattr(firm, table).values() if row["_parent"] is None]
        if table == "document_categories" and "documentType" in request.query:
            wanted = _int(request.query["documentType"], "documentType")
            rows = [row for row in rows if row["_document_type"] == wanted]
        return sim.whole(request, path, [r.tree_node(kind, collection, row, True) for row in rows])

    def one(sim, request, firm, r, path, row_id):
        row = _get(getattr(firm, table), row_id, kind)
        return sim.detail(path, r, r.tree_node(kind, collection, row, False))

    def children(sim, request, firm, r, path, row_id):
        parent = _get(getattr(firm, table), row_id, kind)
        rows = [row for row in getattr(firm, table).values() if row["_parent"] == row_id]
        records = [r.tree_node(kind, collection, row, True) for row in rows]
        return sim.whole(request, path, records,
                         included=[r.parent_included(kind, collection, parent)])  # fmt: skip

    return roots, one, children


def _countries(sim, request, firm, r, path):
    return sim.whole(request, path, [r.country(c) for c in sim.countries.values()])


def _user_self(sim, request, firm, r, path):
    user = firm.users[firm.self_user]
    return sim.detail(path, r, r.named("user", "users", user, False))


def _users(sim, request, firm, r, path):
    rows = list(firm.users.values())
    return sim._reply(sim.paged(request, path, rows, lambda u: r.named("user", "users", u, True)))


def _time_filter(value: str, name: str) -> int:
    return _int(value, name)


GOOD_FILTERS = {
    **{name: _time_filter for name in TIME_FILTERS},
    "type": _int, "category-id": _int, "subcategory-id": _int, "partner-id": _int,
}  # fmt: skip
PARTNER_FILTERS = {
    **{name: _time_filter for name in TIME_FILTERS},
    "type-id": _int, "subtype-id": _int, "search-text": lambda v, _n: v.strip().lower(),
}  # fmt: skip


def _goods(sim, request, firm, r, path):
    rows = firm.goods_matching(sim.filters(request, GOOD_FILTERS))
    stock = sim.stock_attribute
    return sim._reply(sim.paged(request, path, rows, lambda g: r.good(g, True, stock)))


def _good(sim, request, firm, r, path, good_id):
    good = _get(firm.goods, good_id, "good")
    unit = firm.units.get(good["_unit"])
    included = [r.named("unit", "units", unit, True)] if unit else []
    return sim.detail(path, r, r.good(good, False, sim.stock_attribute), included)


def _partners(sim, request, firm, r, path):
    wanted = sim.filters(request, PARTNER_FILTERS)
    rows = [p for p in firm.partners.values() if _partner_matches(p, wanted)]
    body = sim.paged(request, path, rows, r.partner_list_item)
    seen, included = set(), []
    for item in body["data"]:
        for rel in item["relationships"].values():
            data = rel["data"]
            if data and data["id"] not in seen:
                seen.add(data["id"])
                found = firm.business_relationships.get(int(data["id"]))
                if found:
                    included.append(r.business_relationship_included(found))
    body["included"] = included
    return sim._reply(body)


def _partner(sim, request, firm, r, path, partner_id):
    row = _get(firm.partners, partner_id, "partner")
    record, included = r.partner_detail(row, firm.business_relationships, firm.users)
    return sim.detail(path, r, record, included)


def _create_partner(sim, request, firm, r, path):
    row = sim.create_partner(firm, sim.body(request), by_connector=True)
    return sim._reply({"data": {"type": "partner", "id": str(row["id"]), "attributes": {}}})


def _update_partner(sim, request, firm, r, path, partner_id):
    current = _get(firm.partners, partner_id, "partner")
    body = sim.body(request)
    row = read_partner(body, firm, sim.new_id, current, sim.now())
    firm.partners[partner_id] = row
    sim.touched_partners.setdefault(partner_id, firm.company["id"])
    return Response(status=204, body=None, headers={"Content-Type": MEDIA_TYPE})


def _delete_partner(sim, request, firm, r, path, partner_id):
    _get(firm.partners, partner_id, "partner")
    del firm.partners[partner_id]
    sim.deleted_partners.append(str(partner_id))
    return Response(status=204, body=None, headers={"Content-Type": MEDIA_TYPE})


def _partner_contacts(sim, request, firm, r, path, partner_id):
    row = _get(firm.partners, partner_id, "partner")
    contacts = ([row["_key_contact"]] if row["_key_contact"] else []) + row["_contacts"]
    return sim._reply(sim.paged(request, path, contacts, r.contact, self_link=False))


def _partner_documents(sim, request, firm, r, path, partner_id):
    _get(firm.partners, partner_id, "partner")
    rows = [d for d in reversed(firm.documents.values()) if d["_partner"] == partner_id]
    return sim._reply(sim.paged(request, path, rows, r.partner_document, self_link=False))


def _custom_fields(sim, request, firm, r, path):
    return sim._reply({"data": [r.custom_field(f) for f in firm.custom_fields.values()],
                       "included": []})  # fmt: skip


def _create_document(sim, request, firm, r, path):
    document = sim.create_document(firm, sim.body(request))
    return sim._reply(
        {
            "data": {
                "type": "document",
                "id": str(document["id"]),
                "attributes": {"serial-nr": document["serial-nr"]},
            }
        }
    )


def _route(method: str, path: str, handler):
    return method, re.compile(path.replace("{id}", r"(\d+)")), handler


_units = _codebook("units", "unit", "units")
_payments = _codebook("payment_methods", "payment-method", "paymentmethods")
_deliveries = _codebook("delivery_types", "delivery-type", "deliverytypes")
_banks = _codebook("bank_accounts", "bank-account", "bankaccounts")
_relations = _tree("business_relationships", "business-relationship", "businessrelationships")
_categories = _tree("good_categories", "good-category", "goodcategories")
_doc_categories = _tree("document_categories", "document-category", "documentcategories")

ROUTES = [
    _route("GET", "/permissions", _permissions),
    _route("GET", "/companydata", _company_data_list),
    _route("GET", "/companydata/{id}", _company_data),
    _route("GET", "/numberingsequences/documents", _sequences),
    _route("GET", "/businessrelationships", _relations[0]),
    _route("GET", "/businessrelationships/{id}", _relations[1]),
    _route("GET", "/businessrelationships/{id}/businessrelationships", _relations[2]),
    _route("GET", "/units", _units[0]),
    _route("GET", "/units/{id}", _units[1]),
    _route("GET", "/paymentmethods", _payments[0]),
    _route("GET", "/paymentmethods/{id}", _payments[1]),
    _route("GET", "/deliverytypes", _deliveries[0]),
    _route("GET", "/deliverytypes/{id}", _deliveries[1]),
    _route("GET", "/bankaccounts", _banks[0]),
    _route("GET", "/bankaccounts/{id}", _banks[1]),
    _route("GET", "/countries", _countries),
    _route("GET", "/users/self", _user_self),
    _route("GET", "/users", _users),
    _route("GET", "/users/{id}", lambda s, q, f, r, p, i: s.detail(
        p, r, r.named("user", "users", _get(f.users, i, "user"), False))),
    _route("GET", "/documentcategories", _doc_categories[0]),
    _route("GET", "/documentcategories/{id}", _doc_categories[1]),
    _route("GET", "/documentcategories/{id}/documentcategories", _doc_categories[2]),
    _route("GET", "/goodcategories", _categories[0]),
    _route("GET", "/goodcategories/{id}", _categories[1]),
    _route("GET", "/goodcategories/{id}/goodcategories", _categories[2]),
    _route("GET", "/goods", _goods),
    _route("GET", "/goods/{id}", _good),
    _route("GET", "/partners/customfields", _custom_fields),
    _route("GET", "/partners", _partners),
    _route("POST", "/partners", _create_partner),
    _route("GET", "/partners/{id}", _partner),
    _route("PATCH", "/partners/{id}", _update_partner),
    _route("DELETE", "/partners/{id}", _delete_partner),
    _route("GET", "/partners/{id}/contacts", _partner_contacts),
    _route("GET", "/partners/{id}/documents", _partner_documents),
    _route("POST", "/documents", _create_document),
]  # fmt: skip
