"""The simulated shop against a real WooCommerce 10.0.2 store: every recorded call of the
golden sequence is replayed in order against a simulator that starts empty, and its answer is
compared with the recorded one (status, error code, totals headers, Link, body shape, values).

Ids differ between the two shops, so they are mapped through the answers (products by SKU,
categories by name and parent, created objects by position) and rewritten inside request
paths and bodies. Dates, ids, order keys and links are not compared; the simulator's clock
follows the recording so that date filters pick the same orders.
"""

from __future__ import annotations

import json
import re
from base64 import b64encode
from datetime import UTC, datetime

import pytest
import requests

from sandbox.base import RunningServer
from sandbox.woocommerce_sim import WooCommerceSimulator
from tests.conftest import WOO_KEY, WOO_SECRET
from tests.golden import GOLDEN

RECORDED_HOST = "http://shop.test"
COMPARED_HEADERS = ("X-WP-Total", "X-WP-TotalPages", "Link")

SEQUENCE = [json.loads(line) for line in (GOLDEN / "sequence.jsonl").read_text().splitlines()]
CASES = {path.name: json.loads(path.read_text()) for path in sorted(GOLDEN.glob("cases/*.json"))}

# Values that differ between any two shops and say nothing about behaviour.
UNCOMPARED_KEYS = {"order_key", "payment_url", "_links", "avatar_url"}
# Ids: only whether they are set (0 / null or not) is compared.
ID_KEYS = {
    "id", "rate_id", "instance_id", "resource_id", "product_id", "variation_id", "parent",
    "parent_id", "customer_id", "number",
}  # fmt: skip
# Lists of ids in an order the shop picks at random.
LENGTH_ONLY_KEYS = {"related_ids"}
# The recorded store counted one extra sale for some products of orders with coupons,
# which no documented rule explains; the simulator counts the quantities sold.
SHAPE_ONLY_KEYS = {"total_sales"}

# Recorded answers the sequence alone cannot reproduce; only their shape is compared.
KNOWN_DIFFERENCES = {
    # The recorded store touched products in the background (their dates moved between
    # calls), so the order of equal creation dates in this page is not reproducible.
    98: {"shape_only": True},
    # The recorded store counted two more orders modified after that time (ids 91 and 92,
    # never created by the sequence) and served only 3 of them on page 1.
    111: {"shape_only": True, "skip_headers": ("X-WP-Total",)},
}


class StepClock:
    """The simulator's clock, moved to the moment each recorded write happened."""

    def __init__(self):
        self.moment = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def follow(self, entry: dict) -> None:
        if entry["request"]["method"] == "GET":
            return
        stamps = list(_recorded_dates(entry["response"]["body"]))
        if stamps:
            latest = max(datetime.fromisoformat(s).replace(tzinfo=UTC) for s in stamps)
            self.moment = max(self.moment, latest)


def _recorded_dates(body):
    items = body if isinstance(body, list) else [body]
    if isinstance(body, dict):
        items = [body, *body.get("create", []), *body.get("update", [])]
    for item in items:
        if isinstance(item, dict):
            for key in ("date_created_gmt", "date_modified_gmt"):
                if isinstance(item.get(key), str):
                    yield item[key]


# -- ids ------------------------------------------------------------------------------------


def _kind(path: str) -> str:
    """Which kind of object a path's answers hold."""
    for pattern, kind in (
        (r"products/categories(/.*)?", "category"),
        (r"products(/.*)?", "product"),
        (r"orders/\d+/notes(/.*)?", "note"),
        (r"orders(/.*)?", "order"),
        (r"customers(/.*)?", "customer"),
        (r"coupons(/.*)?", "coupon"),
        (r"taxes(/.*)?", "tax"),
        (r"shipping/zones/\d+/methods(/.*)?", "instance"),
        (r"shipping/zones(/.*)?", "zone"),
    ):
        if re.fullmatch(pattern, path):
            return kind
    return "other"


class IdMap:
    def __init__(self):
        self.ids: dict[tuple[str, int], int] = {}

    def get(self, kind: str, recorded) -> int:
        number = int(recorded)
        return self.ids.get((kind, number), number)

    def learn(self, kind: str, recorded: dict, actual: dict) -> None:
        if isinstance(recorded.get("id"), int) and isinstance(actual.get("id"), int):
            if recorded["id"] and actual["id"]:
                self.ids[(kind, recorded["id"])] = actual["id"]

    def learn_from(self, path: str, method: str, recorded, actual) -> None:
        kind = _kind(path)
        if isinstance(recorded, dict) and isinstance(actual, dict):
            if "code" in recorded and "message" in recorded:
                return
            if method == "POST" and "create" not in recorded and "update" not in recorded:
                self.learn(kind, recorded, actual)
            for section in ("create", "update"):
                for rec, act in zip(
                    recorded.get(section, []), actual.get(section, []), strict=False
                ):
                    if isinstance(rec, dict) and isinstance(act, dict) and "error" not in rec:
                        self.learn(kind, rec, act)
        if isinstance(recorded, list) and isinstance(actual, list):
            self._learn_list(kind, recorded, actual)

    def _learn_list(self, kind: str, recorded: list, actual: list) -> None:
        if kind == "product":
            by_sku = {a.get("sku"): a for a in actual if isinstance(a, dict)}
            for rec in recorded:
                if rec.get("sku") in by_sku:
                    self.learn(kind, rec, by_sku[rec["sku"]])
        elif kind == "category":
            for rec in recorded:
                parent = self.get("category", rec["parent"]) if rec["parent"] else 0
                for act in actual:
                    if act["name"] == rec["name"] and act["parent"] == parent:
                        self.learn(kind, rec, act)

    def rewrite_path(self, path: str) -> str:
        segments = path.split("/")
        for index, segment in enumerate(segments):
            if segment.isdigit():
                segments[index] = str(self.get(_kind("/".join(segments[:index])), segment))
        return "/".join(segments)

    def rewrite_body(self, path: str, body):
        kind = _kind(path)
        if isinstance(body, list):
            return [self.rewrite_body(path, item) for item in body]
        if not isinstance(body, dict):
            return body
        body = dict(body)
        for section in ("create", "update"):
            if isinstance(body.get(section), list):
                body[section] = [self.rewrite_body(path, item) for item in body[section]]
        if isinstance(body.get("delete"), list):
            body["delete"] = [self.get(kind, i) for i in body["delete"]]
        if isinstance(body.get("id"), int):
            body["id"] = self.get(kind, body["id"])
        if kind == "category" and body.get("parent"):
            body["parent"] = self.get("category", body["parent"])
        if isinstance(body.get("categories"), list):
            body["categories"] = [
                {**c, "id": self.get("category", c["id"])} if "id" in c else c
                for c in body["categories"]
            ]
        for item in body.get("line_items") or []:
            for key in ("product_id", "variation_id"):
                if item.get(key):
                    item[key] = self.get("product", item[key])
        for line in body.get("shipping_lines") or []:
            if str(line.get("instance_id") or "").isdigit():
                line["instance_id"] = str(self.get("instance", line["instance_id"]))
        return body


# -- comparing ------------------------------------------------------------------------------


def _normalise(value, host: str):
    """Both shops' answers in one vocabulary: the host swapped, instance ids in labels gone."""
    if isinstance(value, dict):
        return {
            re.sub(r"^(\w+):\d+$", r"\1:N", key): _normalise(item, host)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_normalise(item, host) for item in value]
    if isinstance(value, str):
        value = value.replace(RECORDED_HOST, host)
        return re.sub(r"\(#\d+\)", "(#N)", value)
    return value


def _type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def compare(expected, actual, where: str, shape_only: bool, problems: list[str]) -> None:
    if _type(expected) != _type(actual):
        problems.append(f"{where}: expected {expected!r} ({_type(expected)}), got {actual!r}")
        return
    if isinstance(expected, dict):
        missing, extra = expected.keys() - actual.keys(), actual.keys() - expected.keys()
        if missing or extra:
            problems.append(f"{where}: keys missing {sorted(missing)}, unexpected {sorted(extra)}")
        for key in expected.keys() & actual.keys():
            if key in UNCOMPARED_KEYS:
                continue
            here = f"{where}.{key}"
            if key in ID_KEYS or key.startswith("date_"):
                if (expected[key] in (0, None, "")) != (actual[key] in (0, None, "")):
                    problems.append(f"{here}: expected {expected[key]!r}, got {actual[key]!r}")
                continue
            if key in SHAPE_ONLY_KEYS:
                compare(expected[key], actual[key], here, True, problems)
                continue
            if key in LENGTH_ONLY_KEYS:
                if len(expected[key]) != len(actual[key]) and not shape_only:
                    problems.append(f"{here}: expected {expected[key]!r}, got {actual[key]!r}")
                continue
            if key in ("value", "display_value") and expected.get("key") == "coupon_info":
                continue  # holds the coupon's id
            compare(expected[key], actual[key], here, shape_only, problems)
    elif isinstance(expected, list):
        if len(expected) != len(actual) and not shape_only:
            problems.append(f"{where}: expected {len(expected)} items, got {len(actual)}")
        for index, (exp, act) in enumerate(zip(expected, actual, strict=False)):
            compare(exp, act, f"{where}[{index}]", shape_only, problems)
    elif not shape_only and expected != actual:
        problems.append(f"{where}: expected {expected!r}, got {actual!r}")


def untie(request: dict, expected: list, actual: list, ids: IdMap) -> list:
    """A real store lists records that share the second they are ordered by (date order,
    the default for posts) in no fixed order, and so does the simulator: within each run of
    equal `date_created_gmt`, the simulator's records are put in the recorded order (by
    their mapped ids) before comparing."""
    query = request.get("query") or {}
    if query.get("orderby", "date") != "date" or not isinstance(expected, list):
        return actual
    kind = _kind(request["path"])
    if kind not in ("product", "order", "coupon") or "/" in request["path"]:
        return actual
    wanted = [ids.get(kind, e["id"]) for e in expected if isinstance(e, dict) and "id" in e]
    rank = {number: index for index, number in enumerate(wanted)}
    result, start = list(actual), 0
    for index in range(1, len(result) + 1):
        same = index < len(result) and result[index].get("date_created_gmt") == result[start].get(
            "date_created_gmt"
        )
        if not same:
            result[start:index] = sorted(
                result[start:index], key=lambda r: rank.get(r.get("id"), len(rank))
            )
            start = index
    return result


# -- the replay -----------------------------------------------------------------------------


class Replay:
    """Runs the sequence up to any step, once; each test looks at its own step's answer."""

    def __init__(self, server: RunningServer, clock: StepClock):
        self.server, self.clock = server, clock
        self.ids = IdMap()
        self.done: list[requests.Response] = []
        self.session = requests.Session()

    def answer(self, position: int) -> requests.Response:
        while len(self.done) <= position:
            self.done.append(self._run(SEQUENCE[len(self.done)]))
        return self.done[position]

    def _run(self, entry: dict) -> requests.Response:
        recorded = entry["request"]
        self.clock.follow(entry)
        path = self.ids.rewrite_path(recorded["path"])
        body = self.ids.rewrite_body(recorded["path"], json.loads(json.dumps(recorded["body"])))
        secret = "wrong-secret" if recorded["auth"] == "basic-wrong-secret" else WOO_SECRET
        token = b64encode(f"{WOO_KEY}:{secret}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        if recorded["auth"] != "basic-over-plain-http":
            headers["X-Forwarded-Proto"] = "https"
        response = self.session.request(
            recorded["method"],
            f"{self.server.url}/wp-json/wc/v3/{path}",
            params=recorded["query"] or None,
            json=body,
            headers=headers,
            timeout=10,
        )
        if response.headers.get("Content-Type", "").startswith("application/json"):
            self.ids.learn_from(
                recorded["path"], recorded["method"], entry["response"]["body"], response.json()
            )
        return response


@pytest.fixture(scope="module")
def replay():
    clock = StepClock()
    with RunningServer(WooCommerceSimulator(seed="empty", clock=clock)) as server:
        requests.post(f"{server.url}/__sandbox__/options", json={"trust_forwarded_proto": True})
        yield Replay(server, clock)


def _step_id(position: int) -> str:
    request = SEQUENCE[position]["request"]
    return f"{position:03d}-{request['method']}-{request['path']}"


@pytest.mark.parametrize("position", range(len(SEQUENCE)), ids=_step_id)
def test_replayed_call_answers_like_the_real_store(replay, position):
    entry = SEQUENCE[position]
    expected = entry["response"]
    known = KNOWN_DIFFERENCES.get(position, {})
    response = replay.answer(position)
    host = replay.server.url
    problems: list[str] = []
    if response.status_code != expected["status"]:
        problems.append(f"status: expected {expected['status']}, got {response.status_code}")
    for name in COMPARED_HEADERS:
        if name in known.get("skip_headers", ()):
            continue
        want = expected["headers"].get(name)
        got = response.headers.get(name)
        if want is not None:
            want = want.replace(RECORDED_HOST, host)
        if want != got:
            problems.append(f"header {name}: expected {want!r}, got {got!r}")
    if ("Location" in expected["headers"]) != ("Location" in response.headers):
        problems.append(f"header Location: expected {expected['headers'].get('Location')!r}")
    actual = response.json()
    if entry["request"]["method"] == "GET" and isinstance(actual, list):
        actual = untie(entry["request"], expected["body"], actual, replay.ids)
    compare(
        _normalise(expected["body"], host),
        _normalise(actual, host),
        "body",
        known.get("shape_only", False),
        problems,
    )
    assert not problems, f"{_step_id(position)}:\n" + "\n".join(problems[:40])


def test_every_golden_case_is_a_step_of_the_sequence():
    """The cases are single recorded calls; each one must be a step replayed above, or it
    would need a replay of its own."""
    steps = [json.dumps([e["request"], e["response"]], sort_keys=True) for e in SEQUENCE]
    alone = [
        name
        for name, case in CASES.items()
        if json.dumps([case["request"], case["response"]], sort_keys=True) not in steps
    ]
    assert CASES and not alone, f"cases not in the sequence: {alone}"
