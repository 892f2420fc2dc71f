"""The FLOWii backend adapter and the ONE home of FLOWii's API contract in the connector:
every path, query word, attribute name and status code of docs/flowii-api.md is here.

Plain Python (no Django). Records come back as dicts in the connector's words (snake_case,
ids as ints); attribute values are passed on as FLOWii sent them, for the mapping to check.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from . import jsonapi
from .http import (
    MADE_UP_FROM,
    AccessDenied,
    Adapter,
    AuthenticationError,
    EndsRun,
    ErrorDetails,
    HttpClient,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    Reply,
    made_up_id,
)
from .records import Address, Contact, OrderItem, PartnerData, ReceivedOrder

SYSTEM = "FLOWii"
DEFAULT_BASE_URL = "https://api.flowii.com"

# The contract: paths (all at the root).
TOKEN = "/token"
COMPANIES = "/companies"
PERMISSIONS = "/permissions"
COMPANY_DATA = "/companydata"
NUMBERING_SEQUENCES = "/numberingsequences/documents"
BUSINESS_RELATIONSHIPS = "/businessrelationships"
UNITS = "/units"
PAYMENT_METHODS = "/paymentmethods"
DELIVERY_TYPES = "/deliverytypes"
COUNTRIES = "/countries"
GOOD_CATEGORIES = "/goodcategories"
GOODS = "/goods"
PARTNERS = "/partners"
PARTNER_CUSTOM_FIELDS = "/partners/customfields"
USERS_SELF = "/users/self"
DOCUMENTS = "/documents"

# The contract: query words.
COMPANY_ID = "companyId"
PAGE_NUMBER = "page[number]"  # 0-based (ASSUMED, docs/flowii-api.md)
NEXT = "next"

# The contract: the token endpoint.
API_KEY_HEADER = "Api-Key"
WRONG_LOGIN = "invalid_grant"  # 400 from /token
WRONG_API_KEY = "invalid_client"  # 401 from /token
DEFAULT_TOKEN_LIFETIME = 599
# A token is renewed this long before FLOWii says it ends (at most a fifth of its life), so
# a call never sets out with a token that dies on the way.
RENEW_MARGIN = 30.0
# How often one call renews a token FLOWii refused before it gives up.
MAX_RENEWALS = 3
# A list that keeps answering pages (a server ignoring `page[number]`) is not read forever.
MAX_PAGES = 100_000

PARTNERS_MODULE = 2  # FLOWii's permission module "Partneri"
QUOTA_WORDS = "quota exceeded"


# -- values on the wire -----------------------------------------------------------------------


def unix_seconds(moment: datetime) -> int:
    """A moment as FLOWii's filters take it; a naive datetime is taken to be UTC. Cut, never
    rounded up, so an `edited-from` never skips a change."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() // 1)


def local_text(moment: datetime | date) -> str:
    """FLOWii's dates: local time (Europe/Bratislava) without a zone, to the second."""
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=None, microsecond=0).isoformat()
    return datetime(moment.year, moment.month, moment.day).isoformat()


def json_number(value: Decimal) -> int | float:
    """Decimals as JSON numbers (FLOWii takes numbers, not strings); whole ones as ints.
    Amounts here have at most four decimals, which a float carries exactly enough for
    `json` to write them back as the same digits."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def json_default(value):
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, datetime | date):
        return local_text(value)
    raise TypeError(f"{type(value).__name__} cannot be sent to FLOWii")


def decimal_or_raw(value):
    """A number as a Decimal; anything else as it came (the mapping names the defect)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    return value


# -- errors -----------------------------------------------------------------------------------


def parse_error(status: int, body, call: str) -> ErrorDetails:
    """FLOWii's two error shapes: the token endpoint's `{error, error_description}` and the
    API's JSON:API `{errors: [{status, title, detail, source}]}`."""
    if not isinstance(body, dict):
        return ErrorDetails()
    error = body.get("error")
    if isinstance(error, str):
        said = str(body.get("error_description") or error)
        if error == WRONG_LOGIN:
            return ErrorDetails(
                code=error,
                reason=said,
                message=(
                    "The FLOWii e-mail or password is wrong: FLOWii refused the login "
                    f"({said.rstrip('.')}). Check them in Settings."
                ),
                error_class=AuthenticationError,
            )
        if error == WRONG_API_KEY:
            return ErrorDetails(
                code=error,
                reason=said,
                message=(
                    f"The FLOWii API key is wrong: FLOWii refused it ({said.rstrip('.')}). Copy "
                    "it again from FLOWii (Settings > Extensions > API)."
                ),
                error_class=AuthenticationError,
            )
        return ErrorDetails(code=error, reason=said)
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        parts, code = [], None
        for item in errors:
            if not isinstance(item, dict):
                continue
            title = str(item.get("title") or "").strip()
            detail = str(item.get("detail") or "").strip()
            pointer = (item.get("source") or {}).get("pointer") if item.get("source") else None
            text = detail or title
            if pointer:
                text = f"{text} ({str(pointer).rsplit('/', 1)[-1]})"
            if text:
                parts.append(text)
            code = code or (str(item.get("code")) if item.get("code") else None)
        reason = "; ".join(parts) or None
        details = ErrorDetails(code=code, reason=reason)
        if status == 429 or (reason and QUOTA_WORDS in reason.lower()):
            details.error_class = RateLimited
        return details
    return ErrorDetails()


def _reworded(error, cls, message: str):
    """The same error said in the words an owner needs (the remote's own are in `reason`)."""
    return cls(
        SYSTEM,
        error.call,
        error.reason,
        status=error.status,
        code=error.code,
        body=error.body,
        message=message,
    )


class NoFirmChosen(EndsRun):
    """A call that needs FLOWii's firm (companyId) before one was chosen."""


# -- decoding records ---------------------------------------------------------------------


def _named(resource: jsonapi.Resource) -> dict:
    return {"id": jsonapi.as_id(resource.id), "name": resource.attributes.get("name")}


def _tree_node(resource: jsonapi.Resource) -> dict:
    return {
        **_named(resource),
        "order": resource.attributes.get("order"),
        "parent_id": resource.related_id("parent"),
    }


def _good(resource: jsonapi.Resource) -> dict:
    a = resource.attributes
    return {
        "id": jsonapi.as_id(resource.id),
        "name": a.get("name"),
        "serial_nr": a.get("serial-nr"),
        "ean": a.get("ean"),
        "selling_price": decimal_or_raw(a.get("selling-price")),
        "selling_price_type": a.get("selling-price-type"),
        # The blueprint's own list example once says `rate-type` for the VAT rate.
        "vat_rate": decimal_or_raw(a.get("vat-rate", a.get("rate-type"))),
        "attributes": dict(a),
    }


def _good_detail(resource: jsonapi.Resource) -> dict:
    a = resource.attributes
    return {
        **_good(resource),
        "type": a.get("type"),
        "visibility_type": a.get("visibility-type"),
        "description": a.get("description"),
        "additional_text": a.get("additional-text"),
        "unit_id": resource.related_id("unit-of-measure"),
        "category_id": resource.related_id("category"),
        "subcategory_id": resource.related_id("subcategory"),
    }


def _address(document: jsonapi.Document, resource: jsonapi.Resource, name: str) -> dict | None:
    ref = resource.related(name)
    found = document.find(ref)
    if ref is None:
        return None
    a = found.attributes if found else {}
    return {
        "id": jsonapi.as_id(ref[1]),
        "street": a.get("street"),
        "city": a.get("city"),
        "zip": a.get("zip"),
        "country_id": found.related_id("country") if found else None,
    }


def _contact(resource: jsonapi.Resource | None, contact_id=None) -> dict | None:
    if resource is None and contact_id is None:
        return None
    a = resource.attributes if resource else {}
    return {
        "id": jsonapi.as_id(resource.id if resource else contact_id),
        "first_name": a.get("first-name"),
        "last_name": a.get("last-name"),
        "email": a.get("email"),
        "phone": a.get("phone"),
        "mobile": a.get("mobile"),
    }


CUSTOM_FIELD_VALUES = (
    "custom-field-string-values",
    "custom-field-numeric-values",
    "custom-field-date-values",
    "custom-field-bool-values",
)


def _custom_fields(document: jsonapi.Document, resource: jsonapi.Resource) -> dict:
    """custom field id -> value, from nested values or included ones."""
    found = {}
    for name in CUSTOM_FIELD_VALUES:
        data = (resource.relationships.get(name) or {}).get("data")
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict):
                continue
            value_resource = jsonapi.resource_of(item)
            if not value_resource.attributes and value_resource.id is not None:
                value_resource = document.find((value_resource.type, value_resource.id)) or (
                    value_resource
                )
            field_id = value_resource.related_id("custom-field")
            if field_id is not None:
                found[field_id] = value_resource.attributes.get("value")
    return found


def _partner_detail(document: jsonapi.Document) -> dict:
    resource = document.data
    if not isinstance(resource, jsonapi.Resource):
        raise jsonapi.NotJsonApi("a partner answer without the partner")
    a = resource.attributes
    contact_ref = resource.related("key-contact")
    return {
        "id": jsonapi.as_id(resource.id),
        "name": a.get("name"),
        "type": a.get("type"),
        "ico": a.get("ico"),
        "dic": a.get("dic"),
        "ic_dph": a.get("ic-dph"),
        "comment": a.get("comment"),
        "invoice_maturity": a.get("invoice-maturity"),
        "base_relationship_id": resource.related_id("base-business-relationship"),
        "extended_relationship_id": resource.related_id("extended-business-relationship"),
        "billing_address": _address(document, resource, "billing-address"),
        "mailing_address": _address(document, resource, "mailing-address"),
        "delivery_address": _address(document, resource, "delivery-address"),
        "key_contact": _contact(
            document.find(contact_ref), contact_ref[1] if contact_ref else None
        ),
        "custom_fields": _custom_fields(document, resource),
    }


def _partner_document(resource: jsonapi.Resource) -> dict:
    a = resource.attributes
    return {
        "id": jsonapi.as_id(resource.id),
        "serial_nr": a.get("serial-nr"),
        "type": a.get("type"),
        "gross_amount": decimal_or_raw(a.get("gross-amount")),
        "taxed_gross_amount": decimal_or_raw(a.get("taxed-gross-amount")),
    }


# -- encoding what we send ------------------------------------------------------------------


def _address_body(address: Address, current: dict | None) -> dict:
    relationships = {}
    if address.country_id is not None:
        relationships["country"] = jsonapi.ref("country", address.country_id)
    return jsonapi.nested(
        "address",
        {"street": address.street, "city": address.city, "zip": address.zip},
        relationships,
        id_=(current or {}).get("id"),
    )


def partner_body(partner: PartnerData, current: dict | None = None, partner_id=None) -> dict:
    """The JSON:API document of a partner create (or, with `current` = its detail, of an
    update that changes its nested address and key contact in place)."""
    current = current or {}
    attributes = {"name": partner.name, "type": partner.type}
    for key, value in (("ico", partner.ico), ("dic", partner.dic), ("ic-dph", partner.ic_dph)):
        if value or current.get(key.replace("-", "_")):
            attributes[key] = value
    relationships: dict = {}
    if partner.business_relationship_id is not None:
        relationships["base-business-relationship"] = jsonapi.ref(
            "business-relationship", partner.business_relationship_id
        )
    if partner.business_relationship_subtype_id is not None:
        relationships["extended-business-relationship"] = jsonapi.ref(
            "business-relationship", partner.business_relationship_subtype_id
        )
    if partner.billing_address is not None:
        relationships["billing-address"] = _address_body(
            partner.billing_address, current.get("billing_address")
        )
    if partner.delivery_address is not None:
        relationships["delivery-address"] = _address_body(
            partner.delivery_address, current.get("delivery_address")
        )
    if partner.key_contact is not None:
        contact: Contact = partner.key_contact
        relationships["key-contact"] = jsonapi.nested(
            "contact",
            {
                "first-name": contact.first_name,
                "last-name": contact.last_name,
                "email": contact.email or None,
                "phone": contact.phone or None,
            },
            id_=(current.get("key_contact") or {}).get("id"),
        )
    if partner.custom_field_id is not None:
        relationships["custom-field-string-values"] = jsonapi.nested_many(
            [
                jsonapi.nested(
                    "custom-field-string-value",
                    {"value": partner.custom_field_value},
                    {"custom-field": jsonapi.ref("custom-field", partner.custom_field_id)},
                )
            ]
        )
    return jsonapi.document("partner", attributes, relationships, id_=partner_id)


PRICE_WITH_VAT, PRICE_WITHOUT_VAT = 0, 1  # FLOWii's unit-price-type


def _item_body(item: OrderItem) -> dict:
    attributes = {
        "name": item.name,
        "quantity": item.quantity,
        "unit-price": item.unit_price,
        "unit-price-type": PRICE_WITH_VAT if item.price_includes_vat else PRICE_WITHOUT_VAT,
        "vat-rate": item.vat_rate,
    }
    if item.good_id is not None:
        # ASSUMED (docs/flowii-api.md): a price given on a good's line overrides its price
        # list, so FLOWii's total is the shop's.
        relationships = {"good": jsonapi.ref("good", item.good_id)}
    else:
        relationships = {"unit-of-measure": jsonapi.ref("unit-of-measure", item.unit_id)}
    return jsonapi.nested("item", attributes, relationships)


def received_order_body(order: ReceivedOrder) -> dict:
    attributes = {
        "type": order.document_type,
        "issue-date": order.issue_date,
        "delivery-date": order.delivery_date,
        "maturity": order.maturity,
    }
    if order.variable_symbol:
        attributes["variable-symbol"] = order.variable_symbol
    relationships = {
        "numbering-sequence": jsonapi.ref("numbering-sequence", order.numbering_sequence_id),
        "company-data": jsonapi.ref("company-data", order.company_data_id),
        "partner": jsonapi.ref("partner", order.partner_id),
        "items": jsonapi.nested_many([_item_body(item) for item in order.items]),
    }
    if order.payment_method_id is not None:
        relationships["payment-method"] = jsonapi.ref("payment-method", order.payment_method_id)
    if order.delivery_type_id is not None:
        relationships["delivery-type"] = jsonapi.ref("delivery-type", order.delivery_type_id)
    return jsonapi.document("document", attributes, relationships)


# -- previews -----------------------------------------------------------------------------


# FLOWii's ids are digits only (jsonapi.as_id): a preview's new records count up from here.
PREVIEW_FIRST_ID = MADE_UP_FROM + 1
# Where each kind of record a preview lists is written (preview_report.py).
PREVIEW_COLLECTIONS = {"customer": (PARTNERS,), "guest": (PARTNERS,), "order": (DOCUMENTS,)}


def preview_answer(method: str, path: str, body, new_id) -> Reply | None:
    """What FLOWii would answer a write, for a preview that sends none (http.DryRun): a
    create gets its new id (PREVIEW_FIRST_ID up: no record has one), an update comes back
    as sent.
    The login goes to FLOWii (it changes nothing), and so do reads, except those of records
    the preview made up: their lists are empty, their details do not exist."""
    segments = [s for s in path.split("/") if s]
    if method in ("GET", "HEAD"):
        made_up = [i for i, s in enumerate(segments) if made_up_id(s)]
        if not made_up:
            return None
        if made_up[-1] == len(segments) - 1:
            raise NotFound(SYSTEM, f"GET {path.strip('/')}", "has no such record")
        return Reply(200, {}, {"data": [], "links": {}})
    if "/" + "/".join(segments) == TOKEN:
        return None
    sent = (body or {}).get("data") if isinstance(body, dict) else None
    sent = sent if isinstance(sent, dict) else {}
    if method == "POST":
        return Reply(201, {}, {"data": {**sent, "id": str(new_id())}})
    if method == "DELETE":
        return Reply(204, {}, None)
    return Reply(200, {}, {"data": sent})


# -- the client -------------------------------------------------------------------------------


class FlowiiClient(Adapter):
    """The FLOWii account's REST API: a token fetched with the e-mail, password and API key,
    renewed shortly before it ends (with the refresh token) and when FLOWii refuses it; the
    firm (`companyId`) on every call that needs it. Safe to share between threads."""

    system = SYSTEM

    def __init__(
        self,
        base_url: str,
        email: str,
        password: str,
        api_key: str,
        company_id: int | None = None,
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
        clock: Callable[[], float] = time.monotonic,
        **http_options,
    ):
        self.base_url = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
        self.company_id = company_id
        self._email = email
        self._password = password
        self._api_key = api_key
        self._clock = clock
        self._token: str | None = None
        self._refresh_token: str | None = None
        self._token_renew_at = 0.0
        self._token_expires_at = 0.0
        self._token_lock = threading.Lock()
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
            secrets=(password, api_key),
            error_parser=parse_error,
            json_default=json_default,
            sleep=sleep,
            **options,
            # The rest of HttpClient's options (quota budget, size and time caps...).
            **http_options,
        )

    def __repr__(self) -> str:
        return f"FlowiiClient({self.base_url!r}, company_id={self.company_id!r})"

    def use_company(self, company_id: int | None) -> None:
        """The firm (FLOWii's tenant) every later call works in."""
        self.company_id = company_id

    # -- the token ----------------------------------------------------------------------
    def token(self) -> str:
        """A token valid for a while yet: renewed before it ends, fetched when there is none."""
        with self._token_lock:
            if self._token is None or self._clock() >= self._token_renew_at:
                self._fetch_token()
            return self._token

    def _renew(self, refused: str) -> str:
        """A new token after FLOWii refused `refused`; when another thread has already
        replaced it, that one is used instead of fetching yet another."""
        with self._token_lock:
            if self._token == refused or self._token is None:
                self._refresh_token = None  # a refused token's refresh token is suspect too
                self._fetch_token()
            return self._token

    def _fetch_token(self) -> None:
        grant = {"grant_type": "password", "username": self._email, "password": self._password}
        if self._refresh_token:
            grant = {
                "grant_type": "refresh_token",
                "client_id": self._email,
                "refresh_token": self._refresh_token,
            }
        try:
            reply = self._token_call(grant)
        except AuthenticationError:
            if grant["grant_type"] != "refresh_token":
                raise
            # A refresh token that is no longer good: log in again with the password.
            self._refresh_token = None
            grant = {"grant_type": "password", "username": self._email, "password": self._password}
            reply = self._token_call(grant)
        answer = reply.data
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise MalformedResponse(SYSTEM, "POST token", "answered the login without a token")
        lifetime = answer.get("expires_in")
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            lifetime = DEFAULT_TOKEN_LIFETIME
        refresh = answer.get("refresh_token")
        self._token = token
        self._refresh_token = refresh if isinstance(refresh, str) and refresh else None
        self._token_renew_at = self._clock() + lifetime - min(RENEW_MARGIN, lifetime / 5)
        self._token_expires_at = self._clock() + lifetime

    def _token_call(self, grant: dict) -> Reply:
        return self.http.request(
            "POST",
            self.base_url + TOKEN,
            call="POST token",
            data=grant,
            headers={API_KEY_HEADER: self._api_key, "Accept": jsonapi.MEDIA_TYPE},
            idempotent=True,  # asking for a token twice does no harm
        )

    # -- plain calls --------------------------------------------------------------------
    def request(
        self, method: str, path: str, params=None, json=None, *, firm=True, idempotent=None
    ) -> Reply:
        """One API call. `firm`: the call names the firm (every call but the list of firms).
        A refused token is renewed and the call repeated; a token refused while still valid
        (or MAX_RENEWALS refusals) is an AuthenticationError that says so."""
        method = method.upper()
        call = f"{method} {path.strip('/')}"
        query = dict(params or {})
        if firm:
            if self.company_id is None:
                raise NoFirmChosen(
                    SYSTEM,
                    call,
                    "no FLOWii firm is chosen",
                    message="No FLOWii firm is chosen: choose it in Settings.",
                )
            query[COMPANY_ID] = str(self.company_id)
        token, last = None, None
        for renewal in range(MAX_RENEWALS + 1):
            token = self.token() if token is None else self._renew(token)
            expires_at = self._token_expires_at
            try:
                return self._send(method, path, call, token, query, json, idempotent)
            except AccessDenied as error:
                raise self._denied(error, call) from None
            except AuthenticationError as error:
                if error.status != 401:
                    raise
                # A token can run out while a call waits out a quota or its retries: that is
                # no reason to doubt the login. Only a token refused while still valid says
                # the account lost its access.
                if self._clock() < expires_at and renewal > 0:
                    raise _reworded(
                        error,
                        AuthenticationError,
                        f"FLOWii refused a fresh token for {call} ({error.reason.rstrip('.')}): "
                        "check the API key and the login's access in FLOWii.",
                    ) from None
                last = error
        raise _reworded(
            last,
            AuthenticationError,
            f"FLOWii refused {MAX_RENEWALS} new tokens in a row for {call} "
            f"({last.reason.rstrip('.')}): check the API key and the login's access in FLOWii.",
        )

    def _denied(self, error: AccessDenied, call: str) -> AccessDenied:
        return _reworded(
            error,
            AccessDenied,
            f"FLOWii did not allow {call} ({error.reason.rstrip('.')}): the login may not "
            "use this firm or this part of FLOWii; check its permissions in FLOWii.",
        )

    def _send(self, method, path, call, token, query, json, idempotent) -> Reply:
        headers = {
            "Authorization": f"Bearer {token}",
            API_KEY_HEADER: self._api_key,
            "Accept": jsonapi.MEDIA_TYPE,
        }
        if json is not None:
            headers["Content-Type"] = jsonapi.MEDIA_TYPE
        return self.http.request(
            method,
            self.base_url + "/" + path.strip("/"),
            call=call,
            params=query,
            json=json,
            headers=headers,
            idempotent=idempotent,
        )

    def _document(self, path: str, params=None, *, many: bool, firm=True) -> jsonapi.Document:
        reply = self.request("GET", path, params, firm=firm)
        try:
            return jsonapi.parse(reply.data, many=many)
        except jsonapi.NotJsonApi as problem:
            raise MalformedResponse(SYSTEM, f"GET {path.strip('/')}", f"sent {problem}") from None

    # -- lists --------------------------------------------------------------------------
    def pages(self, path: str, params: dict | None = None, on_first_page=None):
        """Every resource of a paged list, with its page's document, a page at a time.
        Stops at a page without `links.next`, an empty page, or a page that brings no id
        the page before did not (a server ignoring the page number must not loop us
        forever). A record the page before brought is not handed on again (one that moved on
        a page while the list was read). Only the last page's ids are kept: a list of 50,000
        goods costs no more memory than one of 500."""
        before: set[str] = set()
        for number in range(MAX_PAGES):
            query = {**(params or {}), PAGE_NUMBER: number}
            document = self._document(path, query, many=True)
            fresh = [r for r in document.data if r.id is None or r.id not in before]
            before = {r.id for r in document.data if r.id is not None}
            if number == 0 and on_first_page is not None:
                on_first_page()
            for resource in fresh:
                yield document, resource
            if not fresh or not document.links.get(NEXT):
                return

    def _whole(self, path: str, params=None, *, firm=True) -> list[jsonapi.Resource]:
        """A codebook list, which FLOWii gives whole (no paging links in the blueprint)."""
        return list(self._document(path, params, many=True, firm=firm).data)

    # -- the account -------------------------------------------------------------------
    def companies(self) -> list[dict]:
        """The firms this login may use (FLOWii's tenants)."""
        return [_named(r) for r in self._whole(COMPANIES, firm=False)]

    def permissions(self) -> list[dict]:
        return [
            {"module": r.attributes.get("modul"), "visible": r.attributes.get("visible")}
            for r in self._whole(PERMISSIONS)
        ]

    def me(self) -> dict:
        resource = self._document(USERS_SELF, many=False).data
        return _named(resource) if resource else {}

    # -- codebooks ----------------------------------------------------------------------
    def company_data(self) -> list[dict]:
        return [_named(r) for r in self._whole(COMPANY_DATA)]

    def company_data_detail(self, company_data_id: int) -> dict:
        document = self._document(f"{COMPANY_DATA}/{int(company_data_id)}", many=False)
        resource = document.data
        a = resource.attributes if resource else {}
        return {
            "id": jsonapi.as_id(resource.id) if resource else None,
            "name": a.get("name"),
            "ico": a.get("ico"),
            "dic": a.get("dic"),
            "ic_dph": a.get("ic-dph"),
            "street": a.get("street"),
            "city": a.get("city"),
            "zip": a.get("zip"),
            "country_id": resource.related_id("country") if resource else None,
        }

    def numbering_sequences(self, company_data_id: int, document_type: int = 5) -> list[dict]:
        params = {"documentType": int(document_type), "companyDataId": int(company_data_id)}
        return [
            {**_named(r), "format": r.attributes.get("format")}
            for r in self._whole(NUMBERING_SEQUENCES, params)
        ]

    def business_relationships(self) -> list[dict]:
        return [_tree_node(r) for r in self._whole(BUSINESS_RELATIONSHIPS)]

    def business_relationship_subtypes(self, relationship_id: int) -> list[dict]:
        path = f"{BUSINESS_RELATIONSHIPS}/{int(relationship_id)}{BUSINESS_RELATIONSHIPS}"
        return [_tree_node(r) for r in self._whole(path)]

    def units(self) -> list[dict]:
        return [_named(r) for r in self._whole(UNITS)]

    def payment_methods(self) -> list[dict]:
        return [_named(r) for r in self._whole(PAYMENT_METHODS)]

    def delivery_types(self) -> list[dict]:
        return [_named(r) for r in self._whole(DELIVERY_TYPES)]

    def countries(self) -> list[dict]:
        return [_named(r) for r in self._whole(COUNTRIES)]

    def partner_custom_fields(self) -> list[dict]:
        return [
            {**_named(r), "value_type": r.attributes.get("value-type")}
            for r in self._whole(PARTNER_CUSTOM_FIELDS)
        ]

    def good_categories(self) -> list[dict]:
        """The top level of the goods category tree."""
        return [_tree_node(r) for r in self._whole(GOOD_CATEGORIES)]

    def good_subcategories(self, category_id: int) -> list[dict]:
        path = f"{GOOD_CATEGORIES}/{int(category_id)}{GOOD_CATEGORIES}"
        nodes = [_tree_node(r) for r in self._whole(path)]
        for node in nodes:
            if node["parent_id"] is None:
                node["parent_id"] = int(category_id)
        return nodes

    def category_tree(self) -> list[dict]:
        """Both levels of the tree (FLOWii has two), parents first: 1 + one request per
        top category."""
        roots = self.good_categories()
        tree = list(roots)
        for root in roots:
            if isinstance(root["id"], int):
                tree += self.good_subcategories(root["id"])
        return tree

    # -- goods --------------------------------------------------------------------------
    def goods(
        self,
        edited_from: datetime | None = None,
        category_id: int | None = None,
        subcategory_id: int | None = None,
        good_type: int | None = None,
        on_first_page=None,
    ) -> Iterator[dict]:
        """Goods and services, page by page; filters combine. `edited_from` gives those
        edited at or after it."""
        params = {}
        if edited_from is not None:
            params["filter[edited-from]"] = unix_seconds(edited_from)
        if category_id is not None:
            params["filter[category-id]"] = int(category_id)
        if subcategory_id is not None:
            params["filter[subcategory-id]"] = int(subcategory_id)
        if good_type is not None:
            params["filter[type]"] = int(good_type)
        for _document, resource in self.pages(GOODS, params, on_first_page):
            yield _good(resource)

    def good(self, good_id: int) -> dict:
        document = self._document(f"{GOODS}/{int(good_id)}", many=False)
        if document.data is None:
            raise MalformedResponse(SYSTEM, f"GET goods/{good_id}", "sent a good without data")
        return _good_detail(document.data)

    # -- partners -----------------------------------------------------------------------
    def partners_matching(self, text: str) -> Iterator[dict]:
        """Partners whose name, numbers or contact contain `text` (FLOWii's full-text
        search): candidates only, to be confirmed in their detail."""
        for _document, r in self.pages(PARTNERS, {"filter[search-text]": text}):
            yield {**_named(r), "type": r.attributes.get("type")}

    def partner(self, partner_id: int) -> dict:
        document = self._document(f"{PARTNERS}/{int(partner_id)}", many=False)
        try:
            return _partner_detail(document)
        except jsonapi.NotJsonApi as problem:
            raise MalformedResponse(
                SYSTEM, f"GET partners/{partner_id}", f"sent {problem}"
            ) from None

    def record_now(self, path: str) -> dict:
        """One record's document as FLOWii has it now (`/partners/7`), with what it
        includes: what a preview compares its writes with."""
        data = self.request("GET", path).data
        return data if isinstance(data, dict) else {}

    def partner_contacts(self, partner_id: int) -> Iterator[dict]:
        for _document, r in self.pages(f"{PARTNERS}/{int(partner_id)}/contacts"):
            yield _contact(r)

    def partner_documents(self, partner_id: int) -> Iterator[dict]:
        for _document, r in self.pages(f"{PARTNERS}/{int(partner_id)}{DOCUMENTS}"):
            yield _partner_document(r)

    def create_partner(self, partner: PartnerData) -> int:
        """The new partner's id. Not idempotent: a lost answer is an OutcomeUnknown."""
        reply = self.request("POST", PARTNERS, json=partner_body(partner), idempotent=False)
        return self._created_id(reply, "POST partners")

    def update_partner(
        self, partner_id: int, partner: PartnerData, current: dict | None = None
    ) -> None:
        """Changes the partner; `current` (its detail) lets nested records be updated in
        place. Setting the same values twice does no harm, so a lost answer is retried."""
        body = partner_body(partner, current, partner_id=int(partner_id))
        self.request("PATCH", f"{PARTNERS}/{int(partner_id)}", json=body, idempotent=True)

    # -- received orders ----------------------------------------------------------------
    def create_received_order(self, order: ReceivedOrder) -> dict:
        """{"id", "serial_nr"} of the new document. Not idempotent: a lost answer is an
        OutcomeUnknown, to be settled from the partner's documents, never sent again."""
        reply = self.request("POST", DOCUMENTS, json=received_order_body(order), idempotent=False)
        document_id = self._created_id(reply, "POST documents")
        attributes = (reply.data.get("data") or {}).get("attributes") or {}
        return {"id": document_id, "serial_nr": str(attributes.get("serial-nr") or "")}

    def _created_id(self, reply: Reply, call: str) -> int:
        try:
            created = jsonapi.parse(reply.data, many=False).data
        except jsonapi.NotJsonApi:
            created = None
        created_id = jsonapi.as_id(created.id) if created else None
        if not isinstance(created_id, int):
            # It was created (200), but we cannot tell which record it is.
            raise OutcomeUnknown(SYSTEM, call, "answered the create without the new record's id")
        return created_id
