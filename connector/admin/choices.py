"""What the admin's selects offer from the FLOWii account: the firms the login may use and,
within the chosen firm, its company data and their number series, business relationships
and subtypes, units, payment methods, delivery types, the two-level category tree, partner
custom fields and the goods of the shipping categories. Each list is read at most once per
request; after the first failure no further call is made."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from ..clients import NotConfigured
from ..http import AccessDenied, AuthenticationError, RateLimited, RemoteError, Unavailable
from ..models import Settings

INDENT = "\u00a0\u00a0\u00a0\u00a0"  # non-breaking: browsers keep it inside an <option>
RECEIVED_ORDER = 5  # FLOWii's document type of a received order (prijatá objednávka)
TEXT_FIELD = 3  # FLOWii's value-type of a text custom field
PARTNERS_MODULE = 2  # FLOWii's permission module "Partneri"


def flowii_problem(exc: Exception) -> str:
    """One sentence a shop owner understands for why FLOWii gave nothing. Never the remote's
    own text: only what kind of failure it was."""
    if isinstance(exc, NotConfigured):
        return str(exc)
    if isinstance(exc, AccessDenied):
        return _("FLOWii: the login may not read this in the chosen firm.")
    if isinstance(exc, AuthenticationError):
        if exc.code == "invalid_grant":
            return _("FLOWii: the login e-mail or password is wrong. Check them in Settings.")
        if exc.code == "invalid_client":
            return _(
                "FLOWii: the API key is wrong. Copy it again from FLOWii "
                "(Settings › Extensions › API)."
            )
        return _("FLOWii did not accept the login.")
    if isinstance(exc, Unavailable):
        return _("FLOWii cannot be reached right now. Try again later.")
    if isinstance(exc, RateLimited):
        return _("FLOWii asks the connector to slow down. Try again in a minute.")
    if isinstance(exc, RemoteError):
        return _("FLOWii answered %(call)s with an error (HTTP %(status)s).") % {
            "call": exc.call,
            "status": exc.status or "-",
        }
    return _("FLOWii could not be asked (%(kind)s).") % {"kind": type(exc).__name__}


def unreadable_message(settings: Settings) -> str:
    """The one sentence the pages say when stored secrets cannot be decrypted ("" when all
    can)."""
    if not settings.unreadable_secrets:
        return ""
    return _(
        "The stored secrets cannot be read with the current key (CONNECTOR_ENCRYPTION_KEY): "
        "restore the key or enter them again in Settings."
    )


def record_name(row) -> str:
    """A FLOWii record's name as text; a missing name, or one that is not text, is shown
    as the record's id ("#12") rather than failing the page."""
    name = row.get("name") if isinstance(row, dict) else None
    if isinstance(name, str) and name.strip():
        return name
    record_id = row.get("id") if isinstance(row, dict) else None
    return f"#{record_id}"


def records(rows) -> list[dict]:
    """The rows FLOWii sent that are records at all (a dict with an id), each with its name
    as text."""
    out = []
    for row in rows or []:
        if not isinstance(row, dict) or row.get("id") is None or isinstance(row["id"], bool):
            continue
        out.append({**row, "name": record_name(row)})
    return out


def category_tree(categories: list[dict]) -> list[tuple[int, str, int]]:
    """(id, name, depth) in tree order: each parent followed by its subtree, siblings in
    FLOWii's order, then by name. A category whose parent is missing is shown at the root
    rather than lost; a loop in the data does not hang the page."""
    categories = records(categories)
    by_id = {c["id"]: c for c in categories}
    children: dict[int | None, list[dict]] = {}
    for category in categories:
        parent = category.get("parent_id", category.get("parentId"))
        children.setdefault(parent if parent in by_id else None, []).append(category)
    rows: list[tuple[int, str, int]] = []
    seen: set[int] = set()

    def order(c):
        position = c.get("order")
        return (position if isinstance(position, int) else 0, c["name"], str(c["id"]))

    def walk(parent, depth):
        for category in sorted(children.get(parent, []), key=order):
            if category["id"] in seen:
                continue
            seen.add(category["id"])
            rows.append((category["id"], category["name"], depth))
            walk(category["id"], depth + 1)

    walk(None, 0)
    for category in categories:  # only reachable through a loop: still offered, at the root
        if category["id"] not in seen:
            seen.add(category["id"])
            rows.append((category["id"], category["name"], 0))
    return rows


class FlowiiData:
    """Lazily read lists of one FLOWii login. The firm's lists are those of `company_id`:
    the one set by `use_company`, else the saved one, else the only firm the login may use.
    After the first failure every list is empty and `error` says why in words."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.error = ""
        self._client = None
        self._cache: dict = {}
        self._company_id: int | None = None
        self._company_set = False

    # -- the client and the firm ---------------------------------------------------------
    @sensitive_variables("s")
    def _flowii(self):
        if self._client is None:
            from .connection import QUICK, flowii_client

            s = self.settings
            if any(name.startswith("flowii_") for name in s.unreadable_secrets):
                raise NotConfigured(unreadable_message(s))
            if not (s.flowii_email and s.flowii_password and s.flowii_api_key):
                raise NotConfigured(
                    _(
                        "Fill in the FLOWii login e-mail, password and API key and save: "
                        "then these lists offer your FLOWii data."
                    )
                )
            self._client = flowii_client(s, **QUICK)
        return self._client

    def _read(self, name, fetch, firm: bool = True) -> list:
        """`fetch(client)` as a list, once. `firm`: the call needs the firm (FLOWii's
        companyId); without one chosen the list is empty."""
        company = self.company_id if firm else None
        if firm and company is None:
            return []
        key = (company, name)
        if key in self._cache:
            return self._cache[key]
        rows: list = []
        if not self.error:
            try:
                client = self._flowii()
                if firm:
                    client.use_company(company)
                rows = list(fetch(client))
            except (NotConfigured, RemoteError, OSError, ValueError) as exc:
                self.error = flowii_problem(exc)
                rows = []
        self._cache[key] = rows
        return rows

    @property
    def available(self) -> bool:
        return not self.error

    def use_company(self, company_id: int | None) -> None:
        """Read the firm's lists of this firm (a firm posted in the form) from now on."""
        self._company_id = company_id
        self._company_set = True

    @property
    def company_id(self) -> int | None:
        if self._company_set:
            return self._company_id
        firms = [firm_id for firm_id, _name in self.firms()]
        saved = self.settings.flowii_company_id
        if saved is not None and (saved in firms or not self.available):
            return saved
        if saved is None and len(firms) == 1:
            return firms[0]
        return None

    def firms(self) -> list[tuple[int, str]]:
        rows = self._read("companies", lambda f: f.companies(), firm=False)
        return [(c["id"], c["name"]) for c in records(rows)]

    def firm_name(self, company_id=None) -> str:
        company_id = self.company_id if company_id is None else company_id
        return dict(self.firms()).get(company_id) or f"#{company_id}"

    # -- the firm's codebooks --------------------------------------------------------------
    def company_data(self) -> list[tuple[int, str]]:
        return [(c["id"], c["name"]) for c in records(self._read("company_data", _company_data))]

    def numbering_sequences(self) -> list[dict]:
        """The number series of received orders of every company data of the firm, each with
        its `company_data_id`."""

        def fetch(flowii):
            for company_data_id, _name in self.company_data():
                for row in flowii.numbering_sequences(company_data_id, RECEIVED_ORDER):
                    yield {**row, "company_data_id": company_data_id}

        return records(self._read("numbering_sequences", fetch))

    def business_relationships(self) -> list[tuple[int, str]]:
        return [(r["id"], r["name"]) for r in self._relationships() if r.get("parent_id") is None]

    def business_relationship_subtypes(self) -> list[dict]:
        """Every subtype with its `parent_id` (the relationship it belongs to)."""
        return [r for r in self._relationships() if r.get("parent_id") is not None]

    def _relationships(self) -> list[dict]:
        def fetch(flowii):
            seen = set()
            roots = records(flowii.business_relationships())
            for row in sorted(roots, key=_by_order):
                if row["id"] not in seen:
                    seen.add(row["id"])
                    yield row
            for root in roots:
                if root.get("parent_id") is not None:
                    continue
                subtypes = records(flowii.business_relationship_subtypes(root["id"]))
                for sub in sorted(subtypes, key=_by_order):
                    if sub["id"] not in seen:
                        seen.add(sub["id"])
                        yield {**sub, "parent_id": sub.get("parent_id") or root["id"]}

        return records(self._read("business_relationships", fetch))

    def units(self) -> list[tuple[int, str]]:
        return [(u["id"], u["name"]) for u in records(self._read("units", lambda f: f.units()))]

    def payment_methods(self) -> list[tuple[int, str]]:
        rows = self._read("payment_methods", lambda f: f.payment_methods())
        return [(p["id"], p["name"]) for p in records(rows)]

    def delivery_types(self) -> list[tuple[int, str]]:
        rows = self._read("delivery_types", lambda f: f.delivery_types())
        return [(d["id"], d["name"]) for d in records(rows)]

    def category_rows(self) -> list[dict]:
        return records(self._read("categories", lambda f: f.category_tree()))

    def categories(self) -> list[tuple[int, str]]:
        rows = category_tree(self.category_rows())
        return [(cid, INDENT * depth + name) for cid, name, depth in rows]

    def partner_custom_fields(self) -> list[dict]:
        return records(self._read("custom_fields", lambda f: f.partner_custom_fields()))

    def text_custom_fields(self) -> list[tuple[int, str]]:
        return [
            (f["id"], f["name"])
            for f in self.partner_custom_fields()
            if _int(f.get("value_type")) == TEXT_FIELD
        ]

    def shipping_goods(self) -> list[dict]:
        """Goods of the shipping categories (as saved), each once: a top category by
        `category_id`, a subcategory by `subcategory_id`."""
        chosen = [_int(c) for c in self.settings.shipping_category_ids or []]
        if not chosen:
            return []

        def fetch(flowii):
            parents = {c["id"]: c.get("parent_id") for c in self.category_rows()}
            seen = set()
            for category_id in chosen:
                if category_id is None:
                    continue
                if parents.get(category_id) is None:
                    goods = flowii.goods(category_id=category_id)
                else:
                    goods = flowii.goods(subcategory_id=category_id)
                for good in records(goods):
                    if good["id"] not in seen:
                        seen.add(good["id"])
                        yield good

        return records(self._read("shipping_goods", fetch))

    def shipping_items(self) -> list[tuple[int, str]]:
        return [(g["id"], _good_label(g)) for g in self.shipping_goods()]

    def shipping_item_names(self) -> dict[int, str]:
        return {g["id"]: g["name"] for g in self.shipping_goods()}

    def first_good(self) -> dict | None:
        """The first good FLOWii lists (one page read), to see which attributes its goods
        answers carry."""
        rows = self._read("first_good", lambda f: _first(f.goods()))
        return rows[0] if rows else None


def _good_label(good: dict) -> str:
    code = good.get("serial_nr")
    return f"{good['name']} ({code})" if code else good["name"]


def _company_data(flowii):
    return flowii.company_data()


def _first(iterable) -> list:
    for item in iterable:
        return [item]
    return []


def _by_order(row: dict):
    position = row.get("order")
    name = row.get("name")
    return (
        position if isinstance(position, int) else 0,
        name if isinstance(name, str) else "",
        str(row["id"]),
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def flowii_data(request, settings: Settings | None = None) -> FlowiiData:
    """The request's FlowiiData (built on first use), so a page asks FLOWii once."""
    data = getattr(request, "_connector_flowii", None)
    if data is None:
        data = FlowiiData(settings or Settings.load())
        request._connector_flowii = data
    return data
