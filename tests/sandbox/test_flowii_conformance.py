"""Conformance with FLOWii's own API Blueprint: the simulator answers the blueprint's example
requests with the structure of its example answers, and the connector sends only what it documents.

The blueprint is the contract; where these tests fail, the simulator (or the connector) must
change, not the check. Points the blueprint leaves open are those docs/flowii-api.md decides.
"""

from __future__ import annotations

import copy
import inspect
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pytest
import requests

from tests import blueprint as apib
from tests.blueprint_plugin import violations

EMAIL, PASSWORD, API_KEY = "demo@flowii.test", "sandbox", "sandbox-api-key"
JSON_API = "application/vnd.api+json"
CI = os.environ.get("CI") == "true"


def skip_or_fail(reason: str):
    # On CI a missing piece is a failure: a green run must mean the check ran.
    if CI:
        pytest.fail(f"{reason} (CI=true: not skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def blueprint() -> apib.Blueprint:
    try:
        return apib.load()
    except apib.BlueprintMissing as missing:
        skip_or_fail(str(missing))


def test_the_blueprint_is_the_published_copy(blueprint):
    assert blueprint.sha256 == apib.PUBLISHED_SHA256, (
        f"{blueprint.path} differs from the copy ../shared/flowii-api/README.md describes "
        f"(sha256 {blueprint.sha256}): re-read it before trusting these tests"
    )


# --- decided by docs/flowii-api.md where the blueprint is silent or slips (one place) -----


def documented_additions(example_bodies) -> set[str]:
    """Members an answer may carry beyond the blueprint's example."""
    additions = set()
    # ASSUMED (paging): a list whose example has `links.first` is paged; it also gives
    # `links.next` while a further page exists.
    if any(isinstance(b, dict) and "first" in (b.get("links") or {}) for b in example_bodies):
        additions.add("links.next")
    return additions


def corrected_example(action: apib.Action, body):
    """The example answer with the slips the shared page names put right: one goods item
    says `rate-type` where every other good says `vat-rate`."""
    if action.key != "GET /goods" or not isinstance(body, dict):
        return body
    body = copy.deepcopy(body)
    for good in body.get("data") or []:
        attributes = good.get("attributes") or {}
        if "rate-type" in attributes and "vat-rate" not in attributes:
            attributes["vat-rate"] = attributes.pop("rate-type")
    return body


# --- structure ----------------------------------------------------------------------------


# An empty to-one relationship is `"data": null` (JSON:API; the blueprint shows it so for a
# person's business relationships in the partner list), wherever its example shows a record.
EMPTY_TO_ONE = re.compile(r"(^|\.)relationships\.[^.]+\.data$")


def kind_of(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):  # before number: bool is an int in Python
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


@dataclass
class Shape:
    """What the blueprint's examples show at one place of a body: the JSON types seen, the
    members (required = in every example object), and the list elements per JSON:API type."""

    kinds: set[str] = field(default_factory=set)
    members: dict[str, Shape] = field(default_factory=dict)
    required: set[str] | None = None
    elements: dict[str | None, Shape] = field(default_factory=dict)


def shape_of(*examples) -> Shape:
    shape = Shape()
    for example in examples:
        _add(shape, example)
    return shape


def _add(shape: Shape, value) -> None:
    shape.kinds.add(kind_of(value))
    if isinstance(value, dict):
        shape.required = set(value) if shape.required is None else shape.required & set(value)
        for key, member in value.items():
            _add(shape.members.setdefault(key, Shape()), member)
    elif isinstance(value, list):
        for element in value:
            _add(shape.elements.setdefault(_group(element), Shape()), element)


def _group(element) -> str | None:
    # Elements of `included` (and of `data`) differ by type: each type has its own shape.
    if isinstance(element, dict) and isinstance(element.get("type"), str):
        return element["type"]
    return None


def differences(shape: Shape, value, path: str = "", allowed: set[str] = frozenset()) -> list:
    """How `value` departs from the shape: missing or extra keys, other JSON types, null
    where the examples never show null. A null in the examples admits null or any value."""
    kind, here = kind_of(value), path or "(body)"
    if kind == "null":
        if "null" in shape.kinds or EMPTY_TO_ONE.search(path):
            return []
        return [f"{here}: null, the blueprint shows {_kinds(shape)}"]
    if shape.kinds == {"null"}:
        return []
    if kind not in shape.kinds:
        return [f"{here}: {kind}, the blueprint shows {_kinds(shape)}"]
    found = []
    if kind == "object":
        for key in sorted((shape.required or set()) - set(value)):
            found.append(f"{_join(path, key)}: missing")
        for key in sorted(set(value) - set(shape.members)):
            if _join(path, key) not in allowed:
                found.append(f"{_join(path, key)}: not in the blueprint")
        for key in sorted(set(value) & set(shape.members)):
            found += differences(shape.members[key], value[key], _join(path, key), allowed)
    elif kind == "array" and shape.elements:
        for element in value:
            group = _group(element)
            sub = shape.elements.get(group)
            if sub is None and set(shape.elements) == {None}:
                sub = shape.elements[None]
            if sub is None:
                known = sorted(g for g in shape.elements if g)
                found.append(f"{path}[]: an element of type {group!r}, the blueprint shows {known}")
                continue
            found += differences(sub, element, f"{path}[]", allowed)
    return list(dict.fromkeys(found))


def _kinds(shape: Shape) -> str:
    return "/".join(sorted(shape.kinds))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def expected_answer(action: apib.Action, status: int) -> tuple[Shape | None, set[str]]:
    bodies = [
        corrected_example(action, r.body)
        for r in action.response_examples
        if r.status == status and r.body is not None
    ]
    if not bodies:
        return None, set()
    return shape_of(*bodies), documented_additions(bodies)


# --- the shape check, tried on the blueprint alone ----------------------------------------

USED = [
    ("POST", "/token"),
    ("GET", "/companies"),
    ("GET", "/companydata"),
    ("GET", "/companydata/{id}"),
    ("GET", "/numberingsequences/documents"),
    ("GET", "/businessrelationships"),
    ("GET", "/businessrelationships/{id}"),
    ("GET", "/businessrelationships/{id}/businessrelationships"),
    ("GET", "/units"),
    ("GET", "/paymentmethods"),
    ("GET", "/deliverytypes"),
    ("GET", "/countries"),
    ("GET", "/goodcategories"),
    ("GET", "/goodcategories/{id}/goodcategories"),
    ("GET", "/goods"),
    ("GET", "/goods/{id}"),
    ("GET", "/partners"),
    ("GET", "/partners/{id}"),
    ("POST", "/partners"),
    ("PATCH", "/partners/{id}"),
    ("GET", "/partners/{id}/contacts"),
    ("GET", "/partners/{id}/documents"),
    ("GET", "/partners/customfields"),
    ("GET", "/users/self"),
    ("GET", "/permissions"),
    ("POST", "/documents"),
]
ANSWERED_WITH_A_BODY = [(m, p) for m, p in USED if m != "PATCH"]


@pytest.mark.parametrize(("method", "template"), ANSWERED_WITH_A_BODY)
def test_each_example_answer_fits_its_own_shape(blueprint, method, template):
    action = blueprint.action(method, template)
    shape, allowed = expected_answer(action, 200)
    assert shape is not None, f"{action.key}: no example answer parsed"
    for response in action.response_examples:
        body = corrected_example(action, response.body)
        assert differences(shape, body, allowed=allowed) == []


def _object_with_a_value(value):
    """The first object (depth first) with a member that is a plain non-null value."""
    if isinstance(value, dict):
        for member in value.values():
            found = _object_with_a_value(member)
            if found is not None:
                return found
        if any(v is not None and not isinstance(v, dict | list) for v in value.values()):
            return value
    if isinstance(value, list):
        for element in value:
            found = _object_with_a_value(element)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize(("method", "template"), ANSWERED_WITH_A_BODY)
@pytest.mark.parametrize("alteration", ["drop a key", "add a key", "change a type", "null"])
def test_an_altered_example_answer_is_caught(blueprint, method, template, alteration):
    action = blueprint.action(method, template)
    shape, allowed = expected_answer(action, 200)
    body = copy.deepcopy(corrected_example(action, action.response_examples[0].body))
    leaf = _object_with_a_value(body)
    key = next(k for k, v in leaf.items() if v is not None and not isinstance(v, dict | list))
    if alteration == "drop a key":
        del leaf[key]
    elif alteration == "add a key":
        leaf["not-documented"] = 1
    elif alteration == "change a type":
        leaf[key] = [] if not isinstance(leaf[key], list) else "text"
    else:
        leaf[key] = None
        if "null" in _member_kinds(shape, body, leaf, key):
            pytest.skip(f"{key} may be null in {action.key}'s examples")
    assert differences(shape, body, allowed=allowed) != []


def _member_kinds(shape: Shape, body, leaf, key) -> set[str]:
    """The kinds the examples allow at `leaf[key]` (found by walking to the leaf)."""

    def walk(s: Shape, value):
        if value is leaf:
            return s.members[key].kinds
        children = (
            [(s.members.get(k), v) for k, v in value.items()]
            if isinstance(value, dict)
            else [(s.elements.get(_group(v)), v) for v in value]
            if isinstance(value, list)
            else []
        )
        for sub, child in children:
            if sub is not None and isinstance(child, dict | list):
                found = walk(sub, child)
                if found is not None:
                    return found
        return None

    return walk(shape, body) or set()


def test_the_shape_check_reads_null_as_the_rule_says():
    shape = shape_of(
        {"a": None, "b": 1, "c": {"data": None}}, {"a": None, "b": 2, "c": {"data": {"id": "1"}}}
    )
    assert differences(shape, {"a": "now a string", "b": 3, "c": {"data": None}}) == []
    assert differences(shape, {"a": None, "b": None, "c": {"data": {"id": "2"}}}) == [
        "b: null, the blueprint shows number"
    ]
    assert differences(shape, {"a": 1, "b": True, "c": {"data": {"id": 2}}}) == [
        "b: bool, the blueprint shows number",
        "c.data.id: number, the blueprint shows string",
    ]


# --- the simulator ----------------------------------------------------------------------


def _simulator_class():
    try:
        from sandbox.flowii_sim import FlowiiSimulator
    except ImportError as error:
        skip_or_fail(f"sandbox.flowii_sim cannot be imported: {error}")
    if "capture" not in inspect.signature(FlowiiSimulator).parameters:
        skip_or_fail(
            "the rewritten simulator has not landed: FlowiiSimulator(capture=True) is unknown"
        )
    return FlowiiSimulator


@pytest.fixture(scope="module")
def simulator():
    from sandbox.base import RunningServer

    with RunningServer(_simulator_class()(seed="default", capture=True)) as server:
        yield server


PLACEHOLDERS = {
    "YOUR_API_KEY": API_KEY,
    "YOUR_FLOWII_USER_NAME": EMAIL,
    "YOUR_FLOWII_PASSWORD": PASSWORD,
}


class Flowii:
    """Talks to the simulator exactly as the blueprint's example requests do, with the
    sandbox's credentials and real ids; remembers the ids it reads to fill the next ones."""

    def __init__(self, url: str, blueprint: apib.Blueprint):
        self.url, self.blueprint = url, blueprint
        self.http = requests.Session()
        self.answers: dict[str, tuple[int, object]] = {}
        self.token = self.refresh_token = ""
        self.company_id = ""
        self.ids: dict[str, list[str]] = {}
        self.custom_fields: dict[int, dict] = {}

    # The wire --------------------------------------------------------------------------

    def send(self, method, path, query=None, body=None, example: apib.Request | None = None):
        headers = dict(example.headers) if example else {"Api-Key": "YOUR_API_KEY"}
        headers = {k: self._filled(v) for k, v in headers.items()}
        content_type = (example.content_type if example else None) or JSON_API
        if path != "/token":
            headers.setdefault("Authorization", f"Bearer {self.token}")
            headers["Accept"] = JSON_API
        data = None
        if body is not None:
            headers["Content-Type"] = content_type
            data = body if isinstance(body, dict) and "form" in content_type else json.dumps(body)
        answer = self.http.request(
            method, self.url + path, params=query, data=data, headers=headers, timeout=10
        )
        parsed = answer.json() if answer.content else None
        return answer.status_code, parsed

    def _filled(self, text: str) -> str:
        for placeholder, value in PLACEHOLDERS.items():
            text = text.replace(placeholder, value)
        return text.replace("REFRESH_TOKEN", self.refresh_token).replace("ACCESS_TOKEN", self.token)

    def get(self, path, **query):
        query = {"companyId": self.company_id, **query} if path != "/companies" else query
        status, body = self.send("GET", path, query)
        assert status == 200, f"GET {path} {query}: {status} {body}"
        return body

    # Reading the account -----------------------------------------------------------------

    def log_in(self, grant: int = 0):
        example = self.blueprint.action("POST", "/token").request_examples[grant]
        form = {k: self._filled(v) for k, v in example.body.items()}
        status, body = self.send("POST", "/token", body=form, example=example)
        self.answers[f"POST /token #{grant}"] = (status, body)
        if status == 200:
            self.token, self.refresh_token = body["access_token"], body["refresh_token"]
        return status, body

    def read_account(self):
        assert self.log_in(0)[0] == 200
        companies = self.get("/companies")["data"]
        self.company_id = companies[0]["id"]
        ids = self.ids
        ids["company-data"] = _ids(self.get("/companydata"))
        ids["numbering-sequence"] = _ids(
            self.get(
                "/numberingsequences/documents",
                documentType=5,
                companyDataId=ids["company-data"][0],
            )
        )
        ids["business-relationship"] = _ids(self.get("/businessrelationships"))
        for parent in ids["business-relationship"]:
            subtypes = _ids(self.get(f"/businessrelationships/{parent}/businessrelationships"))
            if subtypes:
                # The example's base relationship and then its extended one (a subtype of it).
                ids["business-relationship"] = [parent, subtypes[0]]
                break
        ids["unit-of-measure"] = ids["unit"] = _ids(self.get("/units"))
        ids["payment-method"] = _ids(self.get("/paymentmethods"))
        ids["delivery-type"] = _ids(self.get("/deliverytypes"))
        ids["country"] = _ids(self.get("/countries"))
        ids["good-category"] = _ids(self.get("/goodcategories"))
        ids["good-category-with-subcategories"] = [
            c for c in ids["good-category"] if _ids(self.get(f"/goodcategories/{c}/goodcategories"))
        ]
        ids["good"] = _ids(self.get("/goods"))
        ids["partner"] = _ids(self.get("/partners"))
        ids["user"] = _ids(self.get("/users/self"))
        fields = self.get("/partners/customfields")
        self.custom_fields = {}
        for custom in fields["data"]:
            value_type = (custom.get("attributes") or {}).get("value-type")
            self.custom_fields.setdefault(value_type, custom)

    # Writing, from the blueprint's example requests --------------------------------------

    def created_partner(self) -> str:
        if "POST /partners" not in self.answers:
            example = self.blueprint.action("POST", "/partners").request_examples[0]
            body = self.filled_body(example.body)
            self.answers["POST /partners"] = self.send(
                "POST", "/partners", {"companyId": self.company_id}, body, example
            )
        status, body = self.answers["POST /partners"]
        assert status == 200, f"POST /partners: {status} {body}"
        return body["data"]["id"]

    def created_document(self) -> str:
        if "POST /documents" not in self.answers:
            example = self.blueprint.action("POST", "/documents").request_examples[0]
            body = self.filled_body(example.body, partner=self.created_partner())
            # The connector makes received orders (type 5), not the example's invoice (4).
            body["data"]["attributes"]["type"] = 5
            self.answers["POST /documents"] = self.send(
                "POST", "/documents", {"companyId": self.company_id}, body, example
            )
        status, body = self.answers["POST /documents"]
        assert status == 200, f"POST /documents: {status} {body}"
        return body["data"]["id"]

    def updated_partner(self):
        if "PATCH /partners/{id}" not in self.answers:
            partner = self.created_partner()
            detail = self.get(f"/partners/{partner}")["data"]
            own = {}
            for value in (detail.get("relationships") or {}).values():
                for ref in apib._records((value or {}).get("data")):
                    own.setdefault(ref["type"], []).append(ref["id"])
            example = self.blueprint.action("PATCH", "/partners/{id}").request_examples[0]
            body = self.filled_body(example.body, partner=partner, own=own)
            self.answers["PATCH /partners/{id}"] = self.send(
                "PATCH", f"/partners/{partner}", {"companyId": self.company_id}, body, example
            )
        return self.answers["PATCH /partners/{id}"]

    def filled_body(self, example_body, partner=None, own=None):
        """The example with the account's ids for its placeholder ids. A relationship that
        refers to something the account lacks (a bank account, a business case...) is left
        out: every relationship of these examples is optional."""
        ids = dict(self.ids)
        if partner:
            ids["partner"] = [partner]
        ids.update(own or {})
        body = copy.deepcopy(example_body)
        _fill_record(body["data"], ids, self.custom_fields, {})
        return body


# The custom field value types the blueprint's custom field example pairs with each kind of
# value (PPriznak 1, PCislo 2, PText 3, PDatum 4, PCiselnik 6).
CUSTOM_FIELD_VALUE_TYPES = {"bool": 1, "numeric": 2, "string": 3, "date": 4, "enum": 6}
CUSTOM_FIELD_VALUES = re.compile(r"^custom-field-(?P<kind>\w+)-values$")


def _ids(body) -> list[str]:
    return [r["id"] for r in apib._records(body.get("data"))]


def _fill_record(record: dict, ids: dict, custom_fields: dict, used: dict) -> None:
    if "id" in record:
        record["id"] = _next_id(record["type"], ids, used) or record["id"]
    relationships = record.get("relationships") or {}
    for name in list(relationships):
        scoped = ids
        kind = CUSTOM_FIELD_VALUES.match(name)
        if kind:
            custom = custom_fields.get(CUSTOM_FIELD_VALUE_TYPES.get(kind["kind"]))
            if custom is None:
                del relationships[name]
                continue
            definitions = (custom.get("relationships") or {}).get("value-definitions") or {}
            scoped = {
                **ids,
                "custom-field": [custom["id"]],
                "custom-field-enum-value-definition": _ids(definitions),
            }
        data = relationships[name].get("data")
        refs = apib._records(data)
        if any("id" in r and not scoped.get(r["type"]) for r in refs) or any(
            "id" not in r and _refers_to_missing(r, scoped) for r in refs
        ):
            del relationships[name]
            continue
        for ref in refs:
            _fill_record(ref, scoped, custom_fields, used)


def _refers_to_missing(record: dict, ids: dict) -> bool:
    for value in (record.get("relationships") or {}).values():
        for ref in apib._records((value or {}).get("data")):
            if "id" in ref and not ids.get(ref["type"]):
                return True
    return False


def _next_id(kind: str, ids: dict, used: dict) -> str | None:
    known = ids.get(kind)
    if not known:
        return None
    used[kind] = used.get(kind, -1) + 1
    return known[used[kind] % len(known)]


@pytest.fixture(scope="module")
def flowii(simulator, blueprint) -> Flowii:
    client = Flowii(simulator.url, blueprint)
    client.read_account()
    return client


def _call(flowii: Flowii, method: str, template: str, grant: int = 0):
    """The blueprint's example request for one endpoint, on the account's real ids."""
    ids, query = flowii.ids, {"companyId": flowii.company_id}
    if template == "/token":
        if grant == 1:
            flowii.log_in(0)
        return flowii.log_in(grant)
    if method == "POST" and template == "/partners":
        flowii.created_partner()
        return flowii.answers["POST /partners"]
    if method == "POST" and template == "/documents":
        flowii.created_document()
        return flowii.answers["POST /documents"]
    if method == "PATCH":
        return flowii.updated_partner()
    if template == "/companies":
        query = {}
    if template == "/numberingsequences/documents":
        query |= {"documentType": 5, "companyDataId": ids["company-data"][0]}
    path_id = {
        "/companydata/{id}": lambda: ids["company-data"][0],
        "/businessrelationships/{id}": lambda: ids["business-relationship"][0],
        "/businessrelationships/{id}/businessrelationships": lambda: ids["business-relationship"][
            0
        ],
        "/goodcategories/{id}/goodcategories": lambda: _first(
            ids, "good-category-with-subcategories"
        ),
        "/goods/{id}": lambda: ids["good"][0],
        "/partners/{id}": flowii.created_partner,
        "/partners/{id}/contacts": flowii.created_partner,
        "/partners/{id}/documents": lambda: _partner_with_a_document(flowii),
    }.get(template)
    path = template.replace("{id}", str(path_id())) if path_id else template
    example = flowii.blueprint.action(method, template).request_examples[0]
    return flowii.send(method, path, query, example=example)


def _partner_with_a_document(flowii: Flowii) -> str:
    flowii.created_document()
    return flowii.created_partner()


def _first(ids, kind):
    if not ids.get(kind):
        pytest.fail(f"the seed has no {kind.replace('-', ' ')}: nothing to compare")
    return ids[kind][0]


CALLS = [(m, p, 0) for m, p in USED] + [("POST", "/token", 1)]


@pytest.mark.parametrize(
    ("method", "template", "grant"),
    CALLS,
    ids=[f"{m} {p}" + (" (refresh grant)" if g else "") for m, p, g in CALLS],
)
def test_the_simulator_answers_with_the_blueprints_structure(flowii, method, template, grant):
    action = flowii.blueprint.action(method, template)
    status, body = _call(flowii, method, template, grant)
    documented = sorted({r.status for r in action.response_examples})
    assert status in documented, (
        f"{action.key}: {status} {body}, the blueprint answers {documented}"
    )
    shape, allowed = expected_answer(action, status)
    if shape is None:
        assert body is None, f"{action.key}: {status} must have no body, got {body!r:.200}"
        return
    found = differences(shape, body, allowed=allowed)
    assert found == [], f"{action.key} differs from the blueprint:\n  " + "\n  ".join(found)
    example_data = shape.members.get("data")
    if example_data and example_data.elements:
        assert body.get("data"), f"{action.key}: an empty list leaves nothing to compare"


def captured_by(server) -> list[dict]:
    """The requests one simulator recorded: a list, or {"requests": [...]} as it answers now."""
    answer = requests.get(server.url + "/__sandbox__/requests", timeout=10).json()
    return answer["requests"] if isinstance(answer, dict) else answer


def test_every_request_of_these_tests_was_documented(flowii, simulator):
    captured = captured_by(simulator)
    assert captured, "the simulator recorded no requests"
    assert violations(captured, flowii.blueprint) == []


# --- what the connector sends ---------------------------------------------------------------


def test_violations_names_each_undocumented_name(blueprint):
    good = {
        "method": "POST",
        "path": "/partners",
        "query": [["companyId", "1"]],
        "body": {
            "data": {
                "type": "partner",
                "attributes": {"name": "Jana", "type": 2},
                "relationships": {
                    "delivery-address": {
                        "data": {"type": "address", "attributes": {"street": "Hlavná 1"}}
                    }
                },
            }
        },
    }
    paged = {
        "method": "GET",
        "path": "/partners",
        "query": {"companyId": "1", "page[number]": "0", "filter[search-text]": "jana"},
        "body": None,
    }
    form = {"method": "POST", "path": "/token", "query": [], "body": {"grant_type": "password"}}
    assert violations([good, paged, form], blueprint) == []

    bad_attribute = copy.deepcopy(good)
    bad_attribute["body"]["data"]["attributes"]["external-id"] = "woo-1"
    bad_relationship = copy.deepcopy(good)
    bad_relationship["body"]["data"]["relationships"]["shop"] = {"data": None}
    bad_nested = copy.deepcopy(good)
    bad_nested["body"]["data"]["relationships"]["delivery-address"]["data"]["attributes"][
        "county"
    ] = "x"
    bad_filter = {**paged, "query": [["companyId", "1"], ["filter[email]", "a@b.sk"]]}
    found = violations(
        [
            {"method": "GET", "path": "/api/v1/partners", "query": [], "body": None},
            {"method": "DELETE", "path": "/goods/5", "query": [], "body": None},
            bad_attribute,
            bad_relationship,
            bad_nested,
            bad_filter,
            {
                "method": "GET",
                "path": "/units",
                "query": [["companyId", "1"], ["page[number]", "0"]],
            },
            {"method": "POST", "path": "/token", "query": [], "body": {"grant": "password"}},
        ],
        blueprint,
    )
    assert found == [
        "GET /api/v1/partners: path not documented",
        "DELETE /goods/5: method DELETE is not documented (only ['GET'])",
        "POST /partners: undocumented attribute partner.external-id",
        "POST /partners: undocumented relationship partner.shop",
        "POST /partners: undocumented attribute address.county",
        "GET /partners: undocumented query parameter 'filter[email]'",
        "GET /units: undocumented query parameter 'page[number]'",
        "POST /token: undocumented form field 'grant'",
    ]


CLIENT_METHODS = (
    "companies", "use_company", "company_data", "company_data_detail", "numbering_sequences",
    "business_relationships", "business_relationship_subtypes", "units", "payment_methods",
    "delivery_types", "countries", "good_categories", "good_subcategories",
    "partner_custom_fields", "me", "permissions", "goods", "good", "partners_matching",
    "partner", "partner_documents", "partner_contacts", "create_partner", "create_received_order",
)  # fmt: skip


def _client_class():
    try:
        from connector.flowii import FlowiiClient
    except ImportError as error:
        skip_or_fail(f"connector.flowii has no FlowiiClient yet: {error}")
    missing = [m for m in CLIENT_METHODS if not callable(getattr(FlowiiClient, m, None))]
    if missing:
        skip_or_fail(f"connector.flowii.FlowiiClient lacks {', '.join(missing)}")
    return FlowiiClient


def _drain(result):
    # A list method may answer a list or a generator over pages: run it to the end.
    if (
        result is not None
        and not isinstance(result, dict | str | bytes)
        and hasattr(result, "__iter__")
    ):
        return list(result)
    return result


def _id_of(result, fallback):
    for candidate in (result, getattr(result, "id", None)):
        if isinstance(candidate, int | str) and str(candidate).isdigit():
            return int(candidate)
    if isinstance(result, dict) and str(result.get("id", "")).isdigit():
        return int(result["id"])
    return int(fallback)


# The adapter's calls this test drives, and its methods that are not calls of their own.
DRIVEN = (
    "companies", "use_company", "company_data", "units", "payment_methods", "delivery_types",
    "countries", "good_categories", "partner_custom_fields", "me", "permissions",
    "business_relationships", "company_data_detail", "numbering_sequences",
    "business_relationship_subtypes", "good_subcategories", "goods", "good",
    "partners_matching", "create_partner", "partner", "update_partner", "partner_contacts",
    "create_received_order", "partner_documents", "record_now",
)  # fmt: skip
NOT_CALLS = {"token", "request", "pages", "category_tree", "close", "server_time"}


def test_the_connector_sends_only_what_the_blueprint_documents(blueprint):
    client_class = _client_class()
    from connector import records
    from sandbox.base import RunningServer

    with RunningServer(_simulator_class()(seed="default", capture=True)) as server:
        account = Flowii(server.url, blueprint)
        account.read_account()
        ids = account.ids
        client = client_class(server.url, EMAIL, PASSWORD, API_KEY)
        _drain(client.companies())
        client.use_company(int(account.company_id))
        company_data = int(ids["company-data"][0])
        for call in (
            client.company_data, client.units, client.payment_methods, client.delivery_types,
            client.countries, client.good_categories, client.partner_custom_fields, client.me,
            client.permissions, client.business_relationships,
        ):  # fmt: skip
            _drain(call())
        _drain(client.company_data_detail(company_data))
        _drain(client.numbering_sequences(company_data, document_type=5))
        _drain(client.business_relationship_subtypes(int(ids["business-relationship"][0])))
        category = int(ids["good-category"][0])
        _drain(client.good_subcategories(category))
        _drain(client.goods())
        _drain(client.goods(edited_from=datetime(2024, 1, 1), category_id=category, good_type=0))
        _drain(client.goods(subcategory_id=category))
        _drain(client.good(int(ids["good"][0])))
        _drain(client.partners_matching("jana@example.sk"))
        address = records.Address(
            street="Hlavná 1", city="Nitra", zip="949 01", country_id=int(ids["country"][0])
        )
        custom = account.custom_fields.get(CUSTOM_FIELD_VALUE_TYPES["string"])
        created = client.create_partner(
            records.PartnerData(
                name="Jana Nováková", type=records.PERSON, ico="12345678", dic="2012345678",
                ic_dph="SK2012345678",
                business_relationship_id=int(ids["business-relationship"][0]),
                business_relationship_subtype_id=int(ids["business-relationship"][-1]),
                billing_address=address, delivery_address=address,
                key_contact=records.Contact("Jana", "Nováková", "jana@example.sk", "+421900000000"),
                custom_field_id=int(custom["id"]) if custom else None,
                custom_field_value="woo-17" if custom else "",
            )
        )  # fmt: skip
        partner = _id_of(created, ids["partner"][0])
        current = client.partner(partner)
        client.update_partner(
            partner,
            records.PartnerData(
                name="Jana Nováková", type=records.PERSON, billing_address=address,
                key_contact=records.Contact("Jana", "Nováková", "jana@example.sk", "+421900000001"),
            ),
            current=current,
        )  # fmt: skip
        client.record_now(f"/partners/{partner}")  # what a preview compares an update with
        _drain(client.partner_contacts(partner))
        day = datetime(2025, 1, 1)
        lines = [
            records.OrderItem("Tričko", Decimal(2), Decimal("12.30"), True, Decimal(20),
                              good_id=int(ids["good"][0])),
            records.OrderItem("Poštovné", Decimal(1), Decimal("3.50"), True, Decimal(20),
                              unit_id=int(ids["unit"][0])),
        ]  # fmt: skip
        client.create_received_order(
            records.ReceivedOrder(
                partner_id=partner, company_data_id=company_data,
                numbering_sequence_id=int(ids["numbering-sequence"][0]), issue_date=day,
                delivery_date=day, maturity=day, items=lines, variable_symbol="1001",
                payment_method_id=int(ids["payment-method"][0]),
                delivery_type_id=int(ids["delivery-type"][0]),
            )
        )  # fmt: skip
        _drain(client.partner_documents(partner))
        captured = captured_by(server)

    sent = {blueprint.find_action(r["method"], r["path"]) for r in captured}
    assert "POST /documents" in {a.key for a in sent if a is not None}
    assert violations(captured, blueprint) == []
    # Every endpoint the connector uses is shape-checked in (a): a new one must join USED.
    checked = {f"{method} {template}" for method, template in USED}
    unchecked = {a.key for a in sent if a is not None} - checked
    assert not unchecked, f"add these endpoints to USED so their answers are checked: {unchecked}"
    # ... and this test drives every call the adapter offers, so none escapes the check.
    offered = {
        name
        for name, member in inspect.getmembers(client_class, inspect.isfunction)
        if not name.startswith("_") and member.__module__ == client_class.__module__
    }
    driven = set(DRIVEN)
    assert offered - driven - NOT_CALLS == set(), "drive the new adapter calls in this test"
