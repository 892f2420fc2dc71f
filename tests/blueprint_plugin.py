"""Holds every request the integration tests sent to a capturing FLOWii simulator to FLOWii's
API Blueprint: `violations()` names what the blueprint does not document; the hook fails the run.

Load it with `pytest_plugins = ["tests.blueprint_plugin"]` in tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import parse_qsl

import pytest

from tests import blueprint as apib

# ASSUMED by docs/flowii-api.md (the blueprint only says "page" and cites JSON:API): the
# paging members a client may send to an action whose template has `page`.
PAGE_MEMBERS = ("page[number]", "page[size]")
CONTROL_PREFIX = "/__sandbox__/"


def violations(captured_requests, blueprint: apib.Blueprint) -> list[str]:
    """One line per undocumented path, method, query name, form field, JSON:API type,
    attribute or relationship, naming the request; repeated findings are given once."""
    found: list[str] = []
    for request in captured_requests:
        method = str(request.get("method", "")).upper()
        path = str(request.get("path", ""))
        if path.startswith(CONTROL_PREFIX):
            continue
        path, _, inline_query = path.partition("?")
        label = f"{method} {path}"
        action = blueprint.find_action(method, path)
        if action is None:
            resources = blueprint.resources_matching(path)
            if resources:
                methods = sorted({a.method for r in resources for a in r.actions})
                found.append(f"{label}: method {method} is not documented (only {methods})")
            else:
                found.append(f"{label}: path not documented")
            continue
        pairs = _query_pairs(request.get("query")) + parse_qsl(inline_query)
        for name, _ in pairs:
            if not _query_documented(name, action):
                found.append(f"{label}: undocumented query parameter {name!r}")
        found.extend(
            f"{label}: {problem}" for problem in _body_problems(request.get("body"), action)
        )
    return list(dict.fromkeys(found))


def _query_pairs(query) -> list[tuple[str, str]]:
    if isinstance(query, dict):
        return [(str(k), str(v)) for k, v in query.items()]
    return [(str(pair[0]), str(pair[1]) if len(pair) > 1 else "") for pair in query or []]


def _query_documented(name: str, action: apib.Action) -> bool:
    documented = action.query_parameters
    if name in PAGE_MEMBERS:
        return "page" in documented
    return name in documented


def _body_problems(body, action: apib.Action) -> list[str]:
    if not body:
        return []
    form = action.form_fields
    if form:
        names = body if isinstance(body, dict) else dict(_query_pairs(body))
        return [f"undocumented form field {n!r}" for n in names if n not in form]
    if not isinstance(body, dict):
        return [f"body is not a JSON:API document: {body!r:.60}"]
    documented = action.documented_names()
    problems: list[str] = []
    data = body.get("data")
    for record in data if isinstance(data, list) else [data]:
        _record_problems(record, documented, "data", problems)
    return problems


def _record_problems(record, documented, where: str, problems: list[str]) -> None:
    if not isinstance(record, dict):
        return
    kind = record.get("type")
    names = documented.get(kind)
    if names is None:
        problems.append(f"undocumented type {kind!r} at {where}")
        return
    for attribute in record.get("attributes") or {}:
        if attribute not in names.attributes:
            problems.append(f"undocumented attribute {kind}.{attribute}")
    for relationship, value in (record.get("relationships") or {}).items():
        if relationship not in names.relationships:
            problems.append(f"undocumented relationship {kind}.{relationship}")
            continue
        data = value.get("data") if isinstance(value, dict) else None
        for nested in data if isinstance(data, list) else [data]:
            _record_problems(nested, documented, f"{kind}.{relationship}", problems)


def _captured() -> list[dict]:
    from sandbox.flowii_sim import captured_requests

    return list(captured_requests())


class _Checker:
    """Checks each captured request once. It looks after every test, not only at the end:
    the simulator lists only the capturing instances still alive, and by the end of the
    session the servers a test or fixture started are gone."""

    def __init__(self):
        self.ran = False
        self.seen: set[str] = set()
        self.found: dict[str, None] = {}
        self.blueprint: apib.Blueprint | None = None
        self.missing: str | None = None

    def collect(self) -> None:
        fresh = []
        for request in _captured():
            key = json.dumps(request, sort_keys=True, default=str)
            if key not in self.seen:
                self.seen.add(key)
                fresh.append(request)
        if not fresh:
            return
        self.ran = True
        if self.blueprint is None and self.missing is None:
            try:
                self.blueprint = apib.load()
            except apib.BlueprintMissing as missing:
                self.missing = str(missing)
        if self.blueprint is not None:
            self.found.update(dict.fromkeys(violations(fresh, self.blueprint)))


_checker = _Checker()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    _checker.collect()  # before the fixtures' servers stop
    yield


def pytest_sessionfinish(session, exitstatus):
    _checker.collect()
    if not _checker.ran:
        # Under CI=true the whole suite runs, so its integration tests must have sent FLOWii
        # requests: none captured means the check itself broke, which must not pass quietly.
        if os.environ.get("CI") == "true" and session.testscollected > 500:
            _report(session, ["no FLOWii request was captured: the blueprint check did not run"])
            session.exitstatus = 1
        return
    if _checker.missing:
        _report(session, [f"cannot check the FLOWii requests: {_checker.missing}"])
        if os.environ.get("CI") == "true":
            session.exitstatus = 1
        return
    if _checker.found:
        name = _checker.blueprint.path.name
        heading = f"{len(_checker.found)} FLOWii request(s) not documented by {name}:"
        _report(session, [heading, *(f"  {v}" for v in _checker.found)])
        session.exitstatus = 1


def _report(session, lines: list[str]) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line, file=sys.stderr)
