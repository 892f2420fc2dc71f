"""The FLOWii backend adapter and the ONE home of FLOWii's API contract in the connector:
every path, field name and status code of docs/flowii-api.md the connector relies on is here.

Plain Python (no Django). Adapting to FLOWii's account-side documentation is a change here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

from .http import (
    Adapter,
    AuthenticationError,
    Conflict,
    ErrorDetails,
    HttpClient,
    MalformedResponse,
    NotFound,
    RemoteError,
    Reply,
)

SYSTEM = "FLOWii"
DEFAULT_BASE_URL = "https://api.flowii.com"

# The contract: paths.
TOKEN_PATH = "/token"
API_PREFIX = "/api/v1"
COMPANIES = "/companies"
PARTNER_TYPES = "/partner-types"
UNITS = "/units"
PAYMENT_TYPES = "/payment-types"
PRODUCT_CATEGORIES = "/product-categories"
PRODUCTS = "/products"
PARTNERS = "/partners"
ORDERS = "/orders"

# The contract: paging.
PAGE, PAGE_SIZE = "page", "pageSize"
MAX_PAGE_SIZE = 100
PAGE_DATA, PAGE_TOTAL, PAGE_SIZE_ANSWERED = "data", "totalCount", "pageSize"

# The contract: token answers and errors.
ACCESS_TOKEN, EXPIRES_IN = "access_token", "expires_in"
API_KEY_HEADER = "Api-Key"
WRONG_LOGIN = "invalid_grant"  # 400 from the token endpoint
WRONG_API_KEY = "invalid_client"  # 401 from the token endpoint
DEFAULT_TOKEN_LIFETIME = 300
# A token is renewed this long before FLOWii says it ends (at most a fifth of its life), so
# a call never sets out with a token that dies on the way.
RENEW_MARGIN = 30.0


# -- values on the wire -----------------------------------------------------------------------


def iso_z(moment: datetime) -> str:
    """A moment as FLOWii takes it: UTC, with `Z`, to the millisecond (as FLOWii's own
    timestamps). A naive datetime is taken to be UTC already. Smaller parts are cut, never
    rounded up, so a `modifiedSince` never skips a change."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=None)
    if moment.microsecond:
        return moment.isoformat(timespec="milliseconds") + "Z"
    return moment.isoformat() + "Z"


def json_default(value):
    """Money and quantities as decimal strings, moments with `Z`, dates as dates."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be sent to FLOWii")


def query_params(params: dict | None) -> dict[str, str]:
    out = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, datetime):
            value = iso_z(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = str(value)
    return out


def parse_error(status: int, body, call: str) -> ErrorDetails:
    """FLOWii's two error shapes: the token endpoint's `{error, error_description}` and the
    API's `{error: {code, message, fields}}`."""
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
    if isinstance(error, dict):
        fields = error.get("fields")
        if isinstance(fields, dict) and fields:
            reason = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        else:
            reason = str(error.get("message") or error.get("code") or "no reason given")
        return ErrorDetails(code=error.get("code"), reason=reason)
    return ErrorDetails()


# -- the client -------------------------------------------------------------------------------


class FlowiiClient(Adapter):
    """The FLOWii account's REST API: a token fetched with the e-mail, password and API key,
    kept until shortly before it ends and renewed when FLOWii refuses it. Safe to share
    between the threads that export orders."""

    system = SYSTEM

    def __init__(
        self,
        base_url: str,
        email: str,
        password: str,
        api_key: str,
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
    ):
        self.base_url = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
        self._email = email
        self._password = password
        self._api_key = api_key
        self._clock = clock
        self._token: str | None = None
        self._token_renew_at = 0.0
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
        )

    def __repr__(self) -> str:
        return f"FlowiiClient({self.base_url!r})"

    # -- the token ----------------------------------------------------------------------
    def token(self) -> str:
        """A token valid for a while yet, fetched when there is none."""
        with self._token_lock:
            if self._token is None or self._clock() >= self._token_renew_at:
                self._fetch_token()
            return self._token

    def _renew(self, refused: str) -> str:
        """A new token after FLOWii refused `refused`; when another thread has already
        replaced it, that one is used instead of fetching yet another."""
        with self._token_lock:
            if self._token == refused or self._token is None:
                self._fetch_token()
            return self._token

    def _fetch_token(self) -> None:
        reply = self.http.request(
            "POST",
            self.base_url + TOKEN_PATH,
            call="POST token",
            data={"grant_type": "password", "username": self._email, "password": self._password},
            headers={API_KEY_HEADER: self._api_key},
            idempotent=True,  # asking for a token twice does no harm
        )
        answer = reply.data
        token = answer.get(ACCESS_TOKEN) if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise MalformedResponse(SYSTEM, "POST token", "answered the login without a token")
        lifetime = answer.get(EXPIRES_IN)
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            lifetime = DEFAULT_TOKEN_LIFETIME
        self._token = token
        self._token_renew_at = self._clock() + lifetime - min(RENEW_MARGIN, lifetime / 5)

    # -- plain calls --------------------------------------------------------------------
    def request(self, method: str, path: str, params=None, json=None, *, idempotent=None) -> Reply:
        """One API call (path below /api/v1). A refused token is renewed once and the call
        repeated; a second refusal is an AuthenticationError."""
        method = method.upper()
        call = f"{method} {path.strip('/')}"
        token = self.token()
        try:
            return self._send(method, path, call, token, params, json, idempotent)
        except AuthenticationError as error:
            if error.status != 401:
                raise
        token = self._renew(token)
        try:
            return self._send(method, path, call, token, params, json, idempotent)
        except AuthenticationError as error:
            if error.status != 401:
                raise
            raise AuthenticationError(
                SYSTEM,
                call,
                error.reason,
                status=error.status,
                code=error.code,
                body=error.body,
                message=(
                    f"FLOWii refused a fresh token for {call} ({error.reason.rstrip('.')}): "
                    "the account may have lost its API access."
                ),
            ) from None

    def _send(self, method, path, call, token, params, json, idempotent) -> Reply:
        return self.http.request(
            method,
            self.base_url + API_PREFIX + "/" + path.strip("/"),
            call=call,
            params=query_params(params),
            json=json,
            headers={"Authorization": f"Bearer {token}", API_KEY_HEADER: self._api_key},
            idempotent=idempotent,
        )

    def get(self, path: str, **params):
        return self.request("GET", path, params).data

    # -- lists --------------------------------------------------------------------------
    def iter_pages(
        self, path: str, params: dict | None = None, page_size: int = MAX_PAGE_SIZE, on_total=None
    ) -> Iterator[dict]:
        """Every item of a list, page by page; only one page is held at a time. `on_total` is
        told the number of items once the first page is in, for progress bars."""
        page_size = max(1, min(MAX_PAGE_SIZE, int(page_size)))
        call = f"GET {path.strip('/')}"
        page = 1
        while True:
            answer = self.request("GET", path, {**(params or {}), PAGE: page, PAGE_SIZE: page_size})
            answer = answer.data
            if not isinstance(answer, dict) or not isinstance(answer.get(PAGE_DATA), list):
                raise MalformedResponse(SYSTEM, call, "answered a list without its data")
            items = answer[PAGE_DATA]
            total = answer.get(PAGE_TOTAL)
            if on_total is not None and page == 1:
                on_total(total if isinstance(total, int) else len(items))
            yield from items
            size = answer.get(PAGE_SIZE_ANSWERED) or page_size  # FLOWii may clamp it
            if not items or not isinstance(total, int) or page * size >= total:
                return
            page += 1

    # -- reference data (small lists) -----------------------------------------------------
    def companies(self) -> list[dict]:
        """The account's own companies; orders are issued under one of them."""
        return list(self.iter_pages(COMPANIES))

    def partner_types(self) -> list[dict]:
        return list(self.iter_pages(PARTNER_TYPES))

    def units(self) -> list[dict]:
        return list(self.iter_pages(UNITS))

    def payment_types(self) -> list[dict]:
        return list(self.iter_pages(PAYMENT_TYPES))

    def product_categories(self) -> list[dict]:
        """The category tree as a flat list: `id`, `name`, `parentId` (None at the root)."""
        return list(self.iter_pages(PRODUCT_CATEGORIES))

    # -- products -----------------------------------------------------------------------
    def products(
        self,
        modified_since: datetime | None = None,
        category_id: int | None = None,
        code: str | None = None,
        on_total=None,
    ) -> Iterator[dict]:
        """Goods and services; `modified_since` gives those modified at or after it."""
        return self.iter_pages(
            PRODUCTS,
            {"modifiedSince": modified_since, "categoryId": category_id, "code": code},
            on_total=on_total,
        )

    # -- partners -----------------------------------------------------------------------
    def find_partners(
        self,
        email: str | None = None,
        external_id: str | int | None = None,
        ico: str | None = None,
        modified_since: datetime | None = None,
    ) -> Iterator[dict]:
        """Partners matching all the given filters; with none, every partner."""
        return self.iter_pages(
            PARTNERS,
            {
                "email": email,
                "externalId": None if external_id is None else str(external_id),
                "ico": ico,
                "modifiedSince": modified_since,
            },
        )

    def create_partner(self, data: dict) -> dict:
        """The created partner. When FLOWii already holds a partner with this `externalId`
        (a repeat after a lost answer, or a race), that partner is returned instead."""
        data = _with_text_external_id(data)
        external_id = data.get("externalId")
        try:
            partner = self.request("POST", PARTNERS, json=data, idempotent=bool(external_id)).data
        except Conflict:
            if not external_id:
                raise
            existing = next(iter(self.find_partners(external_id=external_id)), None)
            if existing is None:
                raise
            return existing
        return _record(partner, f"POST {PARTNERS.strip('/')}")

    def update_partner(self, partner_id: int, data: dict) -> dict:
        data = _with_text_external_id(data)
        path = f"{PARTNERS}/{int(partner_id)}"
        return _record(self.request("PUT", path, json=data).data, f"PUT {path.strip('/')}")

    # -- received orders ----------------------------------------------------------------
    def get_order(self, order_id: int) -> dict:
        path = f"{ORDERS}/{int(order_id)}"
        return _record(self.get(path), f"GET {path.strip('/')}")

    def find_order(self, external_id: str | int) -> dict | None:
        """The order created with this `externalId` (the shop's order id), if any."""
        return next(iter(self.iter_pages(ORDERS, {"externalId": str(external_id)})), None)

    def create_order(self, data: dict) -> tuple[dict, bool]:
        """(order, created). An order whose `externalId` FLOWii already holds is not created
        twice: FLOWii answers 409 and the existing order comes back with created=False.
        That also makes a repeat after a lost answer safe, so such a POST is retried."""
        data = _with_text_external_id(data)
        external_id = data.get("externalId")
        call = f"POST {ORDERS.strip('/')}"
        try:
            order = self.request("POST", ORDERS, json=data, idempotent=bool(external_id)).data
        except Conflict as conflict:
            if not external_id:
                raise
            return self._existing_order(conflict, external_id), False
        return _record(order, call), True

    def _existing_order(self, conflict: Conflict, external_id: str) -> dict:
        error = conflict.body.get("error") if isinstance(conflict.body, dict) else None
        existing = error.get("existing") if isinstance(error, dict) else None
        existing_id = existing.get("id") if isinstance(existing, dict) else None
        if isinstance(existing_id, int) and not isinstance(existing_id, bool):
            try:
                return self.get_order(existing_id)
            except NotFound:
                pass
        order = self.find_order(external_id)
        if order is None:
            raise conflict
        return order

    # -- is the connection right? -------------------------------------------------------
    def check(self) -> str | None:
        """None when FLOWii accepts the credentials and answers; else one sentence saying
        what is wrong."""
        try:
            self.companies()
        except RemoteError as error:
            return str(error)
        return None


def _with_text_external_id(data: dict) -> dict:
    """FLOWii's externalId is a string; the shop's ids are numbers."""
    value = data.get("externalId")
    if value is not None and not isinstance(value, str):
        return {**data, "externalId": str(value)}
    return data


def _record(answer, call: str) -> dict:
    if not isinstance(answer, dict) or "id" not in answer:
        raise MalformedResponse(SYSTEM, call, "answered without the record it should return")
    return answer
