"""What every part of the simulated WooCommerce shop shares: its in-memory state, its clock and
dates, WooCommerce's error bodies, query-parameter checks, paging headers, slugs and meta data.

WooCommerce answers bad parameters with WordPress's `rest_invalid_param` body listing every
bad parameter at once, so the checks here collect problems and raise them together.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from .woo_shop_data import SETTINGS

LOCAL_TZ = ZoneInfo("Europe/Bratislava")
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
API_ROOT = "/wp-json/wc/v3/"
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
EDIT_METHODS = ["GET", "POST", "PUT", "PATCH"]


class WooError(Exception):
    """A refusal in WooCommerce's body shape; extra keyword arguments land in `data`."""

    def __init__(self, status: int, code: str, message: str, **data):
        super().__init__(message)
        self.status, self.code, self.message, self.data = status, code, message, data

    def body(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.data},
        }


def no_route() -> WooError:
    return WooError(404, "rest_no_route", "No route was found matching the URL and request method.")


def missing_params(*names: str) -> WooError:
    return WooError(
        400,
        "rest_missing_callback_param",
        f"Missing parameter(s): {', '.join(names)}",
        params=list(names),
    )


def invalid_param(name: str, message: str, detail_code: str = "rest_invalid_param") -> WooError:
    return invalid_params({name: (detail_code, message)})


def invalid_params(problems: dict[str, tuple[str, str]]) -> WooError:
    return WooError(
        400,
        "rest_invalid_param",
        f"Invalid parameter(s): {', '.join(problems)}",
        params={name: message for name, (_, message) in problems.items()},
        details={
            name: {"code": code, "message": message, "data": None}
            for name, (code, message) in problems.items()
        },
    )


def english_list(items) -> str:
    """WordPress's `wp_sprintf_l`: "a, b, and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + ", and " + items[-1]


# -- dates ---------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


@lru_cache(maxsize=200_000)
def shop_dates(stamp: int) -> tuple[str, str]:
    """(local, gmt) texts of a UNIX time, as WooCommerce prints them (no zone suffix)."""
    moment = datetime.fromtimestamp(stamp, UTC)
    return moment.astimezone(LOCAL_TZ).strftime(DATE_FORMAT), moment.strftime(DATE_FORMAT)


def date_pair(name: str, stamp: int | None) -> dict:
    if stamp is None:
        return {name: None, f"{name}_gmt": None}
    local, gmt = shop_dates(stamp)
    return {name: local, f"{name}_gmt": gmt}


def parse_date(text: str, gmt: bool) -> int | None:
    """A UNIX time from an ISO 8601 text; a time without offset is UTC when `gmt`, else the
    shop's local time. None when the text is not a date WordPress accepts."""
    match = _DATE.match(str(text).strip())
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        naive = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    if offset in ("Z", "z"):
        zone = UTC
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))
    else:
        zone = UTC if gmt else LOCAL_TZ
    return int(naive.replace(tzinfo=zone).timestamp())


# -- parameters ----------------------------------------------------------------------------

_BOOL_TEXT = {"true": True, "1": True, "false": False, "0": False, "": False}


def as_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        return _BOOL_TEXT.get(value.strip().lower())
    return None


def as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    return None


def id_list(value) -> list[int]:
    """WordPress's `wp_parse_id_list`: comma or space separated, absolute, unique."""
    parts = value if isinstance(value, list) else re.split(r"[\s,]+", str(value or ""))
    seen: list[int] = []
    for part in parts:
        number = as_int(part)
        if number is not None and abs(number) not in seen:
            seen.append(abs(number))
    return seen


def text_list(value) -> list[str]:
    parts = value if isinstance(value, list) else str(value or "").split(",")
    return [str(p).strip() for p in parts if str(p).strip()]


class Params:
    """Reads query (or body) parameters the way WordPress validates them against a schema,
    collecting every problem; `check()` raises them as one `rest_invalid_param`."""

    def __init__(self, values: dict):
        self.values = values
        self.problems: dict[str, tuple[str, str]] = {}

    def has(self, name: str) -> bool:
        return name in self.values

    def raw(self, name: str, default=None):
        return self.values.get(name, default)

    def int(self, name, default=None, minimum=None, maximum=None):
        if name not in self.values:
            return default
        number = as_int(self.values[name])
        if number is None:
            self.problems[name] = ("rest_invalid_type", f"{name} is not of type integer.")
            return default
        if minimum is not None and maximum is not None and not minimum <= number <= maximum:
            self.problems[name] = (
                "rest_out_of_bounds",
                f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)",
            )
        elif minimum is not None and number < minimum:
            self.problems[name] = (
                "rest_out_of_bounds",
                f"{name} must be greater than or equal to {minimum}",
            )
        return number

    def bool(self, name, default=False):
        if name not in self.values:
            return default
        value = as_bool(self.values[name])
        if value is None:
            self.problems[name] = ("rest_invalid_type", f"{name} is not of type boolean.")
            return default
        return value

    def enum(self, name, choices, default=None):
        if name not in self.values:
            return default
        value = self.values[name]
        if value not in choices:
            self.problems[name] = (
                "rest_not_in_enum",
                f"{name} is not one of {english_list(choices)}.",
            )
            return default
        return value

    def enum_list(self, name, choices, default=None):
        if name not in self.values:
            return default
        values = text_list(self.values[name])
        for index, value in enumerate(values):
            if value not in choices:
                self.problems[name] = (
                    "rest_not_in_enum",
                    f"{name}[{index}] is not one of {english_list(choices)}.",
                )
                return default
        return values

    def date(self, name, gmt: bool):
        if name not in self.values:
            return None
        stamp = parse_date(self.values[name], gmt)
        if stamp is None:
            self.problems[name] = ("rest_invalid_date", "Invalid date.")
        return stamp

    def string(self, name, default=None):
        if name not in self.values:
            return default
        value = self.values[name]
        if not isinstance(value, str):
            self.problems[name] = ("rest_invalid_type", f"{name} is not of type string.")
            return default
        return value

    def check(self) -> None:
        if self.problems:
            raise invalid_params(self.problems)


def check_types(data: dict, schema: dict[str, str]) -> None:
    """Body fields against their schema types, as WordPress checks a request's JSON."""
    problems = {}
    for name, kind in schema.items():
        if name not in data or data[name] is None and kind.endswith("|null"):
            continue
        value, kind = data[name], kind.removesuffix("|null")
        ok = {
            "string": isinstance(value, str),
            "integer": as_int(value) is not None,
            "number": as_int(value) is not None
            or isinstance(value, float)
            or (isinstance(value, str) and _is_number(value)),
            "boolean": as_bool(value) is not None,
            "array": isinstance(value, list),
            "object": isinstance(value, dict),
        }[kind]
        if not ok:
            problems[name] = ("rest_invalid_type", f"{name} is not of type {kind}.")
    if problems:
        raise invalid_params(problems)


def _is_number(text: str) -> bool:
    try:
        Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return False
    return bool(text.strip())


def decimal_or_none(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def money_text(value) -> str:
    """`wc_format_decimal` without padding: a price as the shop stores it ("25" stays "25")."""
    if value is None:
        return ""
    text = str(value).strip().replace(",", ".")
    return text if _is_number(text) else ""


# -- slugs ---------------------------------------------------------------------------------


def sanitize_title(text: str) -> str:
    """WordPress's `sanitize_title`: accents dropped, lower case, dashes for spaces."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    plain = re.sub(r"<[^>]*>", "", plain)
    plain = re.sub(r"[\s]+", "-", plain)
    plain = re.sub(r"[^a-z0-9_-]", "", plain)
    return re.sub(r"-+", "-", plain).strip("-")


def sort_name(text: str) -> str:
    """A name as MySQL's accent- and case-insensitive collation compares it."""
    plain = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()


# -- meta data -----------------------------------------------------------------------------


def update_meta(shop: Shop, meta: list[dict], changes, drop_protected: bool = False) -> None:
    """WooCommerce's `update_meta_data` for each change: by id when given, else the first
    entry with that key gets the value and any others with it go."""
    if not isinstance(changes, list):
        return
    for change in changes:
        if not isinstance(change, dict) or "key" not in change:
            continue
        key, value = str(change["key"]), change.get("value")
        if drop_protected and key.startswith("_"):
            continue
        meta_id = as_int(change.get("id")) or 0
        if meta_id:
            for entry in meta:
                if entry["id"] == meta_id:
                    entry["key"], entry["value"] = key, value
                    break
            continue
        same = [entry for entry in meta if entry["key"] == key]
        if same:
            same[0]["value"] = value
            for extra in same[1:]:
                meta.remove(extra)
        else:
            meta.append({"id": shop.next_id("meta"), "key": key, "value": value})


def render_meta(meta: list[dict]) -> list[dict]:
    return [{"id": m["id"], "key": m["key"], "value": m["value"]} for m in meta]


# -- paging --------------------------------------------------------------------------------


def page_params(params: Params, default_per_page: int = 10) -> tuple[int, int, int]:
    page = params.int("page", 1, minimum=1)
    per_page = params.int("per_page", default_per_page, minimum=1, maximum=100)
    offset = params.int("offset", None, minimum=0)
    return page, per_page, offset


def paginate(items: list, page: int, per_page: int, offset: int | None = None):
    """(items of the page, total, total pages); a page past the end is empty."""
    total = len(items)
    start = offset if offset is not None else (page - 1) * per_page
    pages = -(-total // per_page) if total else 0
    return items[start : start + per_page], total, pages


def paging_headers(
    home: str, path: str, pairs: list[tuple[str, str]], page: int, total: int, pages: int
) -> dict:
    """X-WP-Total, X-WP-TotalPages and the prev/next Link as WooCommerce builds them: the
    request's own query parameters with `page` replaced."""
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    links = []
    if page > 1:
        links.append((min(page - 1, pages), "prev"))
    if pages > page:
        links.append((page + 1, "next"))
    if links:
        headers["Link"] = ", ".join(
            f'<{page_url(home, path, pairs, number)}>; rel="{rel}"' for number, rel in links
        )
    return headers


def page_url(home: str, path: str, pairs: list[tuple[str, str]], page: int) -> str:
    pairs = list(pairs)
    if any(k == "page" for k, _ in pairs):
        pairs = [(k, str(page) if k == "page" else v) for k, v in pairs]
    else:
        pairs.append(("page", str(page)))
    query = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)
    return f"{home}{API_ROOT}{path}?{query}"


def list_headers(count: int) -> dict:
    """Lists the shop sends whole still carry the totals headers (one page)."""
    return {"X-WP-Total": str(count), "X-WP-TotalPages": "1"}


def links(home: str, path: str, collection: str, allow=ALL_METHODS, **extra) -> dict:
    found = {
        "self": [{"href": f"{home}{API_ROOT}{path}", "targetHints": {"allow": list(allow)}}],
        "collection": [{"href": f"{home}{API_ROOT}{collection}"}],
    }
    for rel, target in extra.items():
        if target:
            found[rel] = [{"href": f"{home}{API_ROOT}{target}"}]
    return found


# -- the shop's state ----------------------------------------------------------------------

SETTING_GROUP = {option: group for group, options in SETTINGS.items() for option in options}


class Shop:
    """Everything the simulated shop holds. Ids come from WordPress's shared counters: posts
    (products, coupons, orders), terms, users, comments (order notes), meta rows and order
    items, plus tax rates, shipping zones and shipping method instances."""

    def __init__(self, clock: Callable[[], datetime], home: Callable[[], str]):
        self.clock = clock
        self.home = home
        self.ids = {
            "post": 0, "term": 0, "user": 1, "comment": 0, "meta": 0,
            "item": 0, "tax": 0, "zone": 0, "instance": 0,
        }  # fmt: skip
        self.settings = {
            option: spec["value"]
            for options in SETTINGS.values()
            for option, spec in options.items()
        }
        self.products: dict[int, dict] = {}
        # Variations of variable products: posts too (ids from the same counter, SKUs in
        # the same index), reached through products/<id>/variations.
        self.variations: dict[int, dict] = {}
        # MySQL returns rows that tie on the ORDER BY columns in no fixed order: records
        # created in the same second come back shuffled anew by every request.
        self.ties = random.Random(0)
        self.sku_index: dict[str, int] = {}
        self.product_slugs: set[str] = set()
        self.products_by_date = True  # creation dates grow with ids: no sort needed
        self.categories: dict[int, dict] = {}
        self.category_counts: dict[int, int] | None = None
        self.category_members: dict[int, list[int]] = {}
        self.default_category = 0
        self.customers: dict[int, dict] = {}
        self.customer_emails: dict[str, int] = {}
        self.usernames: dict[str, int] = {}
        self.orders: dict[int, dict] = {}
        self.orders_by_date = True
        self.notes: dict[int, list[dict]] = {}
        self.coupons: dict[int, dict] = {}
        self.coupon_codes: dict[str, int] = {}
        self.tax_rates: dict[int, dict] = {}
        self.zones: dict[int, dict] = {}
        self.zone_methods: dict[int, dict] = {}
        self.gateways: dict[str, dict] = {}

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def now(self) -> int:
        return int(self.clock().timestamp())

    def option(self, option_id: str) -> str:
        return self.settings.get(option_id, "")

    def products_changed(self) -> None:
        self.category_counts = None


def shuffle_ties(found: list, key, rng: random.Random | None) -> None:
    """Shuffles, in place, each run of neighbours with the same `key` (a sorted list), as
    a database orders rows that tie: differently from one query to the next."""
    if rng is None or len(found) < 2:
        return
    start = 0
    for index in range(1, len(found) + 1):
        if index == len(found) or key(found[index]) != key(found[start]):
            if index - start > 1:
                run = found[start:index]
                rng.shuffle(run)
                found[start:index] = run
            start = index


# -- lists of posts (products, orders, coupons) ----------------------------------------------

POST_ORDERBY = ("date", "id", "include", "title", "slug", "modified")


def post_query(
    records: dict,
    in_date_order: bool,
    p: Params,
    match,
    orderby_choices=POST_ORDERBY,
    ties: random.Random | None = None,
):
    """The posts of one page after the CRUD controller's common filters and `match` (a
    predicate for the resource's own filters): (page items, total, total pages, page).
    `in_date_order` says the records' creation dates grow with their ids, so ordering by date
    needs no sort (the common case with thousands of records). With `ties`, records that
    share the date they are ordered by (the same second) come back in an order that changes
    from request to request, as on a real store: a read by date skips and repeats records
    across pages; by id it is stable."""
    gmt = p.bool("dates_are_gmt")
    after, before = p.date("after", gmt), p.date("before", gmt)
    modified_after, modified_before = p.date("modified_after", gmt), p.date("modified_before", gmt)
    include = id_list(p.raw("include")) if p.has("include") and p.raw("include") != "" else None
    exclude = set(id_list(p.raw("exclude"))) if p.has("exclude") else set()
    orderby = p.enum("orderby", orderby_choices, "date")
    descending = p.enum("order", ("asc", "desc"), "desc") == "desc"
    page, per_page, offset = page_params(p)
    p.check()

    def keep(record) -> bool:
        # WordPress date queries are exclusive at both ends.
        return (
            record["id"] not in exclude
            and (after is None or record["created"] > after)
            and (before is None or record["created"] < before)
            and (modified_after is None or record["modified"] > modified_after)
            and (modified_before is None or record["modified"] < modified_before)
            and match(record)
        )

    candidates = (records[i] for i in include if i in records) if include is not None else None
    if candidates is None:
        candidates = records.values()
    found = [record for record in candidates if keep(record)]
    if orderby == "include" and include is not None:
        pass  # already in the order the ids were given
    elif orderby == "id" or (orderby == "date" and in_date_order and include is None):
        if include is not None:
            found.sort(key=lambda r: r["id"])
        if descending:
            found.reverse()
        if orderby == "date":
            shuffle_ties(found, lambda r: r["created"], ties)
    else:
        key = {
            "date": lambda r: (r["created"], r["id"]),
            "modified": lambda r: (r["modified"], r["id"]),
            "title": lambda r: (sort_name(r.get("name", "")), r["id"]),
            "slug": lambda r: (r.get("slug", ""), r["id"]),
        }.get(orderby, lambda r: (r["created"], r["id"]))
        found.sort(key=key, reverse=descending)
        if orderby in ("date", "modified"):
            shuffle_ties(found, lambda r: r["created" if orderby == "date" else "modified"], ties)
    items, total, pages = paginate(found, page, per_page, offset)
    return items, total, pages, page
