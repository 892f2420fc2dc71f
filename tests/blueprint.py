"""A small, tolerant reader of FLOWii's hand-written API Blueprint (format 1A): its resources,
actions, example requests and answers, query parameters and documented request field names.

Only what the conformance tests need. Example bodies are parsed as JSON after generic repairs
of the kinds of slips the file is known to have; what still will not parse is counted, not hidden.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

# The digest FLOWii's copy had when it was stored (../shared/flowii-api/README.md).
PUBLISHED_SHA256 = "fd76783775fd96a88632ed3f386d9fac3319d517253beba235a5f6fdff5817a5"
ENV_VAR = "FLOWII_BLUEPRINT"

_GROUP = re.compile(r"^#\s+Group\s+(?P<name>.+?)\s*$")
_RESOURCE = re.compile(r"^##\s+(?P<name>.+?)\s*\[(?P<uri>/[^\]]*)\]\s*$")
_ACTION = re.compile(r"^###\s+(?P<name>.+?)\s*\[(?P<method>[A-Z]+)(?:\s+(?P<uri>/[^\]]*))?\]\s*$")
_SECTION = re.compile(
    r"^(?P<indent>\s*)[+-]\s+(?P<kind>Request|Response|Parameters|Headers?|Body|Schema|Attributes)"
    r"\b(?P<rest>.*)$"
)
_REQUEST_REST = re.compile(r"^\s*(?P<name>[^(]*?)\s*(?:\((?P<type>[^)]*)\))?\s*$")
_RESPONSE_REST = re.compile(r"^\s*(?P<status>\d{3})?\s*(?:\((?P<type>[^)]*)\))?\s*$")
_PARAMETER = re.compile(
    r"^(?P<indent>\s*)\+\s+(?P<name>[A-Za-z_][\w.\-]*)\s*(?:\((?P<spec>[^)]*)\))?"
)
_FILTER = re.compile(r"\?(?P<name>filter\[[^\]]+\])=")
_QUERY_TEMPLATE = re.compile(r"\{\?(?P<names>[^}]*)\}")
_PATH_VARIABLE = re.compile(r"\{(?P<name>[A-Za-z_]\w*)\}")
_KEY = re.compile(r'"(?P<key>[^"\\]+)"\s*:')
# A member key that lost its opening quote at the start of a line: `untry": {`.
_UNQUOTED_KEY = re.compile(r'^(?P<indent>\s*)(?P<fragment>[A-Za-z][\w-]*)"(?P<rest>\s*:.*)$')
# A line that ends with a complete JSON value (string, number, literal, object, array).
_VALUE_END = re.compile(r'(?:"|\d|\btrue|\bfalse|\bnull|\}|\])\s*$')
# Parameter types that are ids: a path variable of such a type only matches digits, so that
# `/partners/customfields` is not read as `/partners/{id}`.
_NUMERIC_TYPES = ("long", "number", "int")


class BlueprintMissing(FileNotFoundError):
    """The blueprint file is not where it is looked for."""


def locate() -> Path:
    """The blueprint: $FLOWII_BLUEPRINT, else `shared/flowii-api/` beside the project folder."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    here = Path(__file__).resolve()
    root = next((p for p in here.parents if (p / "pyproject.toml").exists()), here.parents[1])
    return root.parent / "shared" / "flowii-api" / "flowii-api.apib"


@dataclass
class Request:
    line: int
    name: str = ""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body_text: str | None = None
    body: Any = None
    schema: Any = None


@dataclass
class Response:
    line: int
    status: int | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body_text: str | None = None
    body: Any = None

    def __iter__(self):
        # So that `for status, body in action.response_examples` reads naturally.
        return iter((self.status, self.body))


@dataclass
class TypeNames:
    attributes: set[str] = field(default_factory=set)
    relationships: set[str] = field(default_factory=set)


# Compared by identity: a parsed resource or action is one place in the file.
@dataclass(eq=False)
class Resource:
    name: str
    uri_template: str
    group: str
    line: int
    parameters: dict[str, str] = field(default_factory=dict)
    filters: set[str] = field(default_factory=set)
    actions: list[Action] = field(default_factory=list)

    @property
    def path_template(self) -> str:
        return _path_part(self.uri_template)


@dataclass(eq=False)
class Action:
    name: str
    method: str
    resource: Resource
    line: int
    own_uri_template: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    filters: set[str] = field(default_factory=set)
    requests: list[Request] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    # The actions of the same `# Group`: their schemas describe the same record (the partner
    # schema sits on the create, the update has none).
    group_actions: list[Action] = field(default_factory=list, repr=False)

    @property
    def uri_template(self) -> str:
        return self.own_uri_template or self.resource.uri_template

    @property
    def path_template(self) -> str:
        return _path_part(self.uri_template)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path_template}"

    @property
    def request_examples(self) -> list[Request]:
        return self.requests

    @property
    def response_examples(self) -> list[Response]:
        return self.responses

    @property
    def query_parameters(self) -> frozenset[str]:
        """Query names: the URI template's `{?..}`, `+ Parameters` that are not path
        variables, and every `filter[...]` name listed under `+ filter`."""
        names = set()
        for template in {self.uri_template, self.resource.uri_template}:
            match = _QUERY_TEMPLATE.search(template)
            if match:
                names |= {n.strip() for n in match["names"].split(",") if n.strip()}
        names |= set(self.resource.parameters) | set(self.parameters)
        names -= set(_PATH_VARIABLE.findall(self.path_template))
        return frozenset(names | self.resource.filters | self.filters)

    @property
    def form_fields(self) -> frozenset[str]:
        """Field names of the form-encoded example requests (the token grants)."""
        return frozenset(
            name
            for r in self.requests
            if isinstance(r.body, dict) and _is_form(r)
            for name in r.body
        )

    @cached_property
    def _documented_names(self) -> dict[str, TypeNames]:
        return self._collect_names()

    def documented_names(self) -> dict[str, TypeNames]:
        """Attribute and relationship names per JSON:API type a request to this action may
        carry (computed once; do not change the answer)."""
        return self._documented_names

    def _collect_names(self) -> dict[str, TypeNames]:
        # From the example bodies, nested records included, and from the `+ Schema` property
        # names: the examples leave out some documented fields (delivery-address).
        names: dict[str, TypeNames] = {}
        targets: dict[tuple[str, str], set[str]] = {}
        tops = self._example_types()
        for request in self.requests:
            if isinstance(request.body, dict) and not _is_form(request):
                for record in _records(request.body.get("data")):
                    _names_from_record(record, names, targets)
        for action in [self, *(a for a in self.group_actions if a is not self)]:
            for request in action.requests:
                properties = _schema_properties(request.schema)
                if properties is None:
                    continue
                # A schema names no JSON:API type: it describes the record its own
                # action's example sends, which must be one this action sends too.
                for top in sorted(tops & action._example_types()):
                    _names_from_schema(properties, top, names, targets)
        return names

    def _example_types(self) -> set[str]:
        return {
            record["type"]
            for request in self.requests
            if isinstance(request.body, dict) and not _is_form(request)
            for record in _records(request.body.get("data"))
        }


@dataclass
class Unparsed:
    line: int
    action: str
    error: str


@dataclass
class Blueprint:
    path: Path
    sha256: str
    resources: list[Resource] = field(default_factory=list)
    repairs: Counter = field(default_factory=Counter)
    repair_log: list[tuple[int, str, str]] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)

    @property
    def actions(self) -> list[Action]:
        return [a for r in self.resources for a in r.actions]

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(r.group for r in self.resources))

    def resources_matching(self, path: str) -> list[Resource]:
        path = _concrete(path)
        return [r for r in self.resources if _template_regex(r).fullmatch(path)]

    def find_action(self, method: str, path: str) -> Action | None:
        """The action for a concrete path (`/partners/5/documents`) or a template; the most
        literal template wins when several match."""
        path, method = _concrete(path), method.upper()
        found = [
            a
            for a in self.actions
            if a.method == method
            and (a.path_template == path or _template_regex(a.resource, a).fullmatch(path))
        ]
        if not found:
            return None
        return max(found, key=lambda a: _literal_segments(a.path_template))

    def action(self, method: str, path: str) -> Action:
        found = self.find_action(method, path)
        if found is None:
            raise LookupError(f"{method} {path} is not in the blueprint")
        return found


def matches(template: str, path: str, parameters: dict[str, str] | None = None) -> bool:
    """Whether a concrete path fits a path template; id-typed variables match digits only."""
    resource = Resource(name="", uri_template=template, group="", line=0)
    resource.parameters = dict(parameters or {})
    return bool(_template_regex(resource).fullmatch(_concrete(path)))


def load(path: str | os.PathLike | None = None) -> Blueprint:
    path = Path(path) if path is not None else locate()
    if not path.is_file():
        raise BlueprintMissing(f"FLOWii's API Blueprint is not at {path}")
    raw = path.read_bytes()
    blueprint = Blueprint(path=path, sha256=hashlib.sha256(raw).hexdigest())
    _read_structure(blueprint, raw.decode("utf-8").splitlines())
    _decode_bodies(blueprint)
    for group in blueprint.groups:
        members = [a for a in blueprint.actions if a.resource.group == group]
        for action in members:
            action.group_actions = members
    return blueprint


# --- structure -------------------------------------------------------------------------


def _read_structure(blueprint: Blueprint, lines: list[str]) -> None:
    group, resource, action, message = "", None, None, None
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := _GROUP.match(line):
            group, resource, action, message = m["name"], None, None, None
        elif m := _RESOURCE.match(line):
            resource = Resource(name=m["name"], uri_template=m["uri"], group=group, line=i + 1)
            blueprint.resources.append(resource)
            action = message = None
        elif (m := _ACTION.match(line)) and resource is not None:
            action = Action(
                name=m["name"], method=m["method"], resource=resource, line=i + 1,
                own_uri_template=m["uri"],
            )  # fmt: skip
            resource.actions.append(action)
            message = None
        elif m := _SECTION.match(line):
            kind, indent = m["kind"], len(m["indent"].expandtabs())
            if kind == "Request" and action is not None:
                rest = _REQUEST_REST.match(m["rest"])
                message = Request(line=i + 1, name=rest["name"] or "", content_type=rest["type"])
                action.requests.append(message)
            elif kind == "Response" and action is not None:
                rest = _RESPONSE_REST.match(m["rest"])
                status = int(rest["status"]) if rest and rest["status"] else None
                message = Response(line=i + 1, status=status, content_type=rest and rest["type"])
                action.responses.append(message)
            elif kind in ("Parameters", "Header", "Headers", "Body", "Schema", "Attributes"):
                start, text, i = _block(lines, i + 1, indent)
                owner = action or resource
                if kind == "Parameters" and owner is not None:
                    _read_parameters(text, owner)
                elif kind in ("Header", "Headers") and message is not None:
                    message.headers.update(_read_headers(text))
                elif kind == "Body" and message is not None:
                    message.body_text, message.line = text, start
                elif kind == "Schema" and isinstance(message, Request):
                    message.schema = (start, text)
                continue
        i += 1


def _block(lines: list[str], start: int, indent: int) -> tuple[int, str, int]:
    """The lines nested under a `+ Section` marker at `indent`, dedented; blank lines
    (whitespace only: the file has trailing spaces) belong to the block."""
    end = start
    while end < len(lines):
        text = lines[end]
        if text.strip() and len(text.expandtabs()) - len(text.expandtabs().lstrip()) <= indent:
            break
        end += 1
    body = lines[start:end]
    while body and not body[-1].strip():
        body.pop()
    first = start
    while body and not body[0].strip():
        body.pop(0)
        first += 1
    depth = min((len(t) - len(t.lstrip()) for t in body if t.strip()), default=0)
    return first + 1, "\n".join(t[depth:] if t.strip() else "" for t in body), end


def _read_parameters(text: str, owner: Resource | Action) -> None:
    rows = [m for m in map(_PARAMETER.match, text.splitlines()) if m]
    if rows:
        # Only the first nesting level names parameters; deeper `+` lines are enum members.
        level = min(len(m["indent"]) for m in rows)
        for m in rows:
            if len(m["indent"]) == level:
                owner.parameters[m["name"]] = (m["spec"] or "").strip()
    owner.filters |= set(_FILTER.findall(text))


def _read_headers(text: str) -> dict[str, str]:
    headers = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            headers[name.strip()] = value.strip()
    return headers


def _path_part(uri_template: str) -> str:
    return uri_template.split("{?", 1)[0]


def _concrete(path: str) -> str:
    path = path.split("?", 1)[0]
    return path.rstrip("/") or "/"


def _literal_segments(template: str) -> int:
    return sum(1 for s in template.strip("/").split("/") if s and "{" not in s)


def _template_regex(resource: Resource, action: Action | None = None) -> re.Pattern:
    template = action.path_template if action else resource.path_template
    types = dict(resource.parameters)
    for a in resource.actions:
        types.update(a.parameters)

    def variable(m: re.Match) -> str:
        spec = types.get(m["name"], "")
        return r"\d+" if any(t in spec for t in _NUMERIC_TYPES) else r"[^/]+"

    parts = re.split(r"(\{[A-Za-z_]\w*\})", template.rstrip("/") or "/")
    pattern = "".join(
        variable(_PATH_VARIABLE.match(p)) if _PATH_VARIABLE.fullmatch(p) else re.escape(p)
        for p in parts
    )
    return re.compile(pattern)


# --- bodies ----------------------------------------------------------------------------


def _is_form(message: Request | Response) -> bool:
    return "x-www-form-urlencoded" in (message.content_type or "")


def _decode_bodies(blueprint: Blueprint) -> None:
    # Every key written with both quotes anywhere in the file: a key that lost its opening
    # quote is completed to the commonest of these that ends with what is left of it.
    keys = Counter()
    for action in blueprint.actions:
        for message in [*action.requests, *action.responses]:
            keys.update(_KEY.findall(message.body_text or ""))
    for action in blueprint.actions:
        for message in [*action.requests, *action.responses]:
            if message.body_text:
                try:
                    message.body = _decode(message, message.body_text, keys, blueprint)
                except ValueError as error:
                    blueprint.unparsed.append(Unparsed(message.line, action.key, str(error)))
            if isinstance(message, Request) and message.schema:
                start, text = message.schema
                try:
                    message.schema = _repaired_json(text, start, keys, blueprint)
                except ValueError as error:
                    message.schema = None
                    blueprint.unparsed.append(Unparsed(start, action.key, f"schema: {error}"))


def _decode(message, text: str, keys: Counter, blueprint: Blueprint) -> Any:
    if _is_form(message):
        return dict(parse_qsl(text.strip(), keep_blank_values=True))
    if "json" in (message.content_type or "") or text.lstrip()[:1] in ("{", "["):
        return _repaired_json(text, message.line, keys, blueprint)
    return text


def _repaired_json(text: str, first_line: int, keys: Counter, blueprint: Blueprint) -> Any:
    lines = text.split("\n")
    trimmed = [line.rstrip() for line in lines]
    for n, (before, after) in enumerate(zip(lines, trimmed, strict=True)):
        if before != after:
            _note(blueprint, first_line + n, "trailing-space", "")
    try:
        return json.loads("\n".join(trimmed))
    except json.JSONDecodeError:
        pass
    fixed = list(trimmed)
    for n, line in enumerate(fixed):
        m = _UNQUOTED_KEY.match(line)
        if m:
            key = _completed_key(m["fragment"], keys)
            fixed[n] = f'{m["indent"]}"{key}"{m["rest"]}'
            _note(blueprint, first_line + n, "unquoted-key", f"{m['fragment']!r} -> {key!r}")
    for n, line in enumerate(fixed):
        following = next((f.lstrip() for f in fixed[n + 1 :] if f.strip()), "")
        stripped = line.rstrip()
        if _VALUE_END.search(stripped) and not stripped.endswith((",", "{", "[", ":")):
            if following.startswith(('"', "{")):
                fixed[n] = stripped + ","
                _note(blueprint, first_line + n, "missing-comma", following.split(":", 1)[0])
    try:
        return json.loads("\n".join(fixed))
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON even after repairs: {error}") from None


def _completed_key(fragment: str, keys: Counter) -> str:
    candidates = [(count, k) for k, count in keys.items() if k.endswith(fragment) and k != fragment]
    return max(candidates)[1] if candidates else fragment


def _note(blueprint: Blueprint, line: int, kind: str, detail: str) -> None:
    blueprint.repairs[kind] += 1
    blueprint.repair_log.append((line, kind, detail))


# --- documented names ------------------------------------------------------------------


def _records(data) -> list[dict]:
    items = data if isinstance(data, list) else [data]
    return [d for d in items if isinstance(d, dict) and isinstance(d.get("type"), str)]


def _names_from_record(record: dict, names: dict, targets: dict) -> None:
    kind = record["type"]
    entry = names.setdefault(kind, TypeNames())
    if isinstance(record.get("attributes"), dict):
        entry.attributes |= set(record["attributes"])
    relationships = record.get("relationships")
    if isinstance(relationships, dict):
        for name, value in relationships.items():
            entry.relationships.add(name)
            data = value.get("data") if isinstance(value, dict) else None
            for nested in _records(data):
                targets.setdefault((kind, name), set()).add(nested["type"])
                _names_from_record(nested, names, targets)


def _schema_properties(schema) -> dict | None:
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        return schema["properties"]
    return None


def _nested_properties(spec) -> dict | None:
    if not isinstance(spec, dict):
        return None
    if isinstance(spec.get("properties"), dict):
        return spec["properties"]
    return _schema_properties(spec.get("items"))


def _names_from_schema(properties: dict, kind: str, names: dict, targets: dict) -> None:
    """The schemas are flat: a property that is an object or an array is a relationship
    (with properties: a nested record), anything else an attribute."""
    entry = names.setdefault(kind, TypeNames())
    for name, spec in properties.items():
        nested = _nested_properties(spec)
        spec_type = spec.get("type") if isinstance(spec, dict) else None
        if nested is not None:
            entry.relationships.add(name)
            target = _target_type(kind, name, nested, names, targets)
            if target:
                targets.setdefault((kind, name), set()).add(target)
                _names_from_schema(nested, target, names, targets)
        elif spec_type in ("object", "array"):
            entry.relationships.add(name)
        else:
            entry.attributes.add(name)


def _target_type(kind, name, nested: dict, names: dict, targets: dict) -> str | None:
    """The JSON:API type of a schema's nested record: the one the examples give that
    relationship, else the type the examples use for a record of the same fields (the
    schema documents `delivery-address` like the examples' `billing-address`)."""
    known = targets.get((kind, name), set())
    if len(known) == 1:
        return next(iter(known))
    fields = set(nested)
    alike = sorted(
        t
        for t, n in names.items()
        if fields
        and fields <= (n.attributes | n.relationships)
        and any(t in ts for (k, _), ts in targets.items() if k == kind)
    )
    return alike[0] if len(alike) == 1 else None
