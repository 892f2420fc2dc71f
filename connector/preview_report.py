"""What a preview shows, built from what its run left (pure functions): the log lines sorted
into created / updated / linked / left out and warnings, each record with the values it
would be written with (old -> new for an update), from the writes the run kept.

The run itself decides every outcome; this only reads its log, so the preview says what a
run does. The same sorting read from a real run's log gives the same lists (the tests
compare them)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatch

from .http import made_up_id

# The first this many records of each list are shown with their values.
SHOWN = 50

# log code -> (list, how a link was found). The lists, in the shop owner's words: created,
# updated, linked (an existing record found and used), left out.
OUTCOMES = {
    "product.created": ("created", ""),
    "category.created": ("created", ""),
    "partner.created": ("created", ""),
    "orders.created": ("created", ""),
    "product.updated": ("updated", ""),
    "product.stock_updated": ("updated", ""),
    "category.updated": ("updated", ""),
    "partner.updated": ("updated", ""),
    "variation.updated": ("updated", ""),
    "product.linked": ("linked", "sku"),
    "variation.linked": ("linked", "sku"),
    "category.linked": ("linked", "name"),
    "partner.linked": ("linked", ""),  # by e-mail or IČO: the line says which
    "orders.settled_linked": ("linked", "document"),
}
# Lines a preview's run logs only because nothing was really written: FLOWii's total of an
# order is read back from the document, which a preview does not make.
ARTEFACTS = frozenset({"orders.total_unread"})
# Records left out without a line each: how many the line says.
LEFT_OUT_COUNTED = {"goods.left_out": "count"}
# How a partner link was found, from the words the line carries.
PARTNER_BY = {"e-mail": "email", "IČO": "ico", "e-mail, IČO": "email+ico"}


@dataclass
class Line:
    """One log line of the run, as stored (SyncLog)."""

    level: str
    code: str
    params: dict = field(default_factory=dict)
    kind: str = ""
    shop_id: str = ""
    flowii_id: str = ""


def outcome_of(line: Line) -> tuple[str, str] | None:
    """(list, how linked) of one line, or None when it names no record's outcome. A line of
    the error level about one record is that record left out."""
    if line.code in OUTCOMES:
        where, by = OUTCOMES[line.code]
        if line.code == "partner.linked":
            by = PARTNER_BY.get(str(line.params.get("by", "")), "email")
        return where, by
    if line.code == "orders.held" or (line.level == "error" and (line.shop_id or line.flowii_id)):
        return "left_out", ""
    return None


def record_key(line: Line) -> tuple:
    return (line.kind, str(line.shop_id or ""), str(line.flowii_id or ""))


def outcomes(lines: list[Line]) -> dict[str, list[Line]]:
    """The records of each list, in the order the run met them. A record linked and then
    written is listed once, as linked; a record is left out only once (its first reason)."""
    found: dict[str, list[Line]] = {"created": [], "updated": [], "linked": [], "left_out": []}
    seen: dict[str, set] = {name: set() for name in found}
    for line in lines:
        result = outcome_of(line)
        if result is None:
            continue
        where, _by = result
        key = record_key(line)
        if key in seen[where] or (where == "updated" and key in seen["linked"]):
            continue
        seen[where].add(key)
        found[where].append(line)
    # A record first updated and then found linked (a category matched by name) is linked.
    found["updated"] = [ln for ln in found["updated"] if record_key(ln) not in seen["linked"]]
    return found


def outcome_keys(lines: list[Line], places: dict) -> dict[str, set]:
    """Each list as a set of (kind, shop id, FLOWii id): what a preview and a run compare.
    The id a create gives (on the side written, `places`) is left blank, as a preview's are
    made up; so is any other id a preview made up."""
    keys = {}
    for name, found in outcomes(lines).items():
        keys[name] = set()
        for ln in found:
            shop_id, flowii_id = _real(ln.shop_id), _real(ln.flowii_id)
            place = places.get(ln.kind)
            if name == "created" and place is not None:
                shop_id, flowii_id = ("", flowii_id) if place.by_shop_id else (shop_id, "")
            keys[name].add((ln.kind, shop_id, flowii_id))
    return keys


def _real(value) -> str:
    text = str(value or "")
    return "" if made_up_id(text) else text


def left_out_reasons(lines: list[Line]) -> list[list]:
    """[code, how many, the first such line's values] of the records left out, most first."""
    counts: Counter = Counter()
    first: dict[str, dict] = {}
    for line in outcomes(lines)["left_out"]:
        counts[line.code] += 1
        first.setdefault(line.code, line.params)
    for line in lines:
        if line.code in LEFT_OUT_COUNTED:
            counts[line.code] += int(line.params.get(LEFT_OUT_COUNTED[line.code]) or 0)
            first.setdefault(line.code, line.params)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [[code, n, first[code]] for code, n in ranked if n]


def warnings(lines: list[Line]) -> list[Line]:
    """What a real run would warn about: its warnings, and errors that name no record (a
    missing setting), without the preview's own artefacts."""
    shown = []
    for line in lines:
        if line.code in ARTEFACTS:
            continue
        if line.level == "warning" or (
            line.level == "error" and not (line.shop_id or line.flowii_id)
        ):
            shown.append(line)
    return shown


# -- values ---------------------------------------------------------------------------------


def flat(record, prefix: str = "") -> dict[str, str]:
    """A record as `field -> value` text, nested fields joined with dots; a list of records
    with ids as their ids ("categories": "4, 9")."""
    out: dict[str, str] = {}
    if isinstance(record, dict):
        for key, value in record.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                out.update(flat(value, name + "."))
            elif isinstance(value, list):
                if all(isinstance(v, dict) and "id" in v for v in value):
                    out[name] = ", ".join(str(v["id"]) for v in value)
                elif all(not isinstance(v, dict | list) for v in value):
                    out[name] = ", ".join(_text(v) for v in value)
                else:
                    for i, item in enumerate(value, 1):
                        out.update(flat(item, f"{name}.{i}."))
            else:
                out[name] = _text(value)
    return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def flat_resource(document, included=None) -> dict[str, str]:
    """A JSON:API record (a request body or FLOWii's answer) as `field -> value`: its
    attributes, and each relationship as the record's id, or its fields when it carries (or
    `included` has) the related record."""
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        return {}
    if included is None:
        included = document.get("included") or []
    index = {
        (r.get("type"), str(r.get("id"))): r
        for r in included
        if isinstance(r, dict) and r.get("id") is not None
    }
    return _flat_data(data, index, "", depth=0)


def _flat_data(data: dict, index: dict, prefix: str, depth: int) -> dict[str, str]:
    out = {f"{prefix}{k}": _text(v) for k, v in (data.get("attributes") or {}).items()}
    for name, relation in (data.get("relationships") or {}).items():
        target = relation.get("data") if isinstance(relation, dict) else None
        items = target if isinstance(target, list) else [target]
        for i, item in enumerate(items, 1):
            if not isinstance(item, dict):
                continue
            label = f"{prefix}{name}" + (f".{i}" if isinstance(target, list) else "")
            full = item if "attributes" in item else index.get((item.get("type"), item.get("id")))
            if full is not None and depth < 2:
                out.update(_flat_data(full, index, label + ".", depth + 1))
            elif item.get("id") is not None:
                out[label] = str(item["id"])
    return out


def same_value(a: str, b: str) -> bool:
    """Whether two field texts say the same: equal, or the same number ("9.5", "9.50")."""
    if a == b:
        return True
    try:
        return Decimal(a) == Decimal(b)
    except (InvalidOperation, ValueError):
        return False


def changes(new: dict[str, str], old: dict[str, str] | None) -> list[list[str]]:
    """[field, old, new] of each field written: for a create every one (old empty), for an
    update those whose value differs from the record's now (all, when it cannot be read)."""
    rows = []
    for name, value in new.items():
        if name in ("id", "type"):
            continue
        before = None if old is None else old.get(name, "")
        if old is not None and same_value(before, value):
            continue
        rows.append([name, "" if before is None else before, value])
    return rows


# Fields whose values are ids of other records: one the preview made up is a new record.
ID_FIELDS = frozenset({"categories", "parent", "partner"})


def shown_ids(name: str, value: str, new_words: str) -> str:
    """A field's text with the ids a preview made up said as `new_words` ("new")."""
    if name not in ID_FIELDS or not value:
        return value
    return ", ".join(new_words if made_up_id(v) else v for v in value.split(", "))


@dataclass
class Written:
    """What the run would have written to one record: its fields, and the id it was given
    or named by."""

    system: str
    collection: str  # the path the record lives under ("/products", "/partners")
    record_id: str
    fields: dict


def written_records(writes) -> dict[tuple[str, str, str], Written]:
    """(system, collection, record id) -> what was written to it, from the writes the run
    kept (the last write of a record wins). Shop batches give one record per item; FLOWii's
    calls one each."""
    found: dict[tuple[str, str, str], Written] = {}
    for write in writes:
        body, answer, path = write.body, write.answer, write.path.rstrip("/")
        if path.endswith("/batch") and isinstance(answer, dict):
            collection = path[: -len("/batch")]
            for action in ("create", "update"):
                for item in answer.get(action) or []:
                    if isinstance(item, dict) and item.get("id") is not None:
                        record = Written(write.system, collection, str(item["id"]), flat(item))
                        found[(write.system, collection, record.record_id)] = record
        elif isinstance(body, dict) and isinstance(body.get("data"), dict):
            answered = (answer or {}).get("data") if isinstance(answer, dict) else None
            record_id = (answered or {}).get("id") or path.rsplit("/", 1)[-1]
            collection = path if write.method == "POST" else path.rsplit("/", 1)[0]
            fields = flat_resource(body)
            found[(write.system, collection, str(record_id))] = Written(
                write.system, collection, str(record_id), fields
            )
    return found


@dataclass(frozen=True)
class Place:
    """Where a kind of record is written: the system, the collections (the adapter's paths,
    `*` for a part that varies: a variable product's variations) and whether the log names
    the record by its shop id (else by its FLOWii id)."""

    system: str
    collections: tuple
    by_shop_id: bool


def record_of(line: Line, records: dict, places: dict[str, Place]) -> Written | None:
    place = places.get(line.kind)
    if place is None:
        return None
    record_id = str((line.shop_id if place.by_shop_id else line.flowii_id) or "")
    for pattern in place.collections:
        if "*" not in pattern:
            found = records.get((place.system, pattern, record_id))
            if found is not None:
                return found
            continue
        for (system, collection, written_id), found in records.items():
            if system == place.system and written_id == record_id and fnmatch(collection, pattern):
                return found
    return None


def entry(line: Line, by: str, written: Written | None, old: dict | None) -> dict:
    """One record of a list as the page shows it (JSON)."""
    params = line.params or {}
    return {
        "kind": line.kind,
        "shop_id": str(line.shop_id or ""),
        "flowii_id": str(line.flowii_id or ""),
        "name": str(params.get("name") or params.get("number") or ""),
        "sku": str(params.get("sku") or ""),
        "by": by,
        "code": line.code,
        "params": params,
        "changes": changes(written.fields, old) if written else [],
    }


def build(
    lines: list[Line], writes, old_values: dict, counts: dict, places: dict, shown: int = SHOWN
) -> dict:
    """The whole report (JSON): per list its size and its first `shown` records with their
    values; the reasons records are left out; the warnings; how many writes were kept.
    `old_values`: (system, collection, record id) -> the record's fields now (updates);
    `places`: kind -> Place."""
    records = written_records(writes)
    lists = {}
    for name, found in outcomes(lines).items():
        items = []
        for line in found[:shown]:
            _where, by = outcome_of(line) or ("", "")
            written = record_of(line, records, places)
            old = None
            if written is not None and name != "created":
                old = old_values.get((written.system, written.collection, written.record_id))
            items.append(entry(line, by, written, old))
        by_kind = dict(Counter(line.kind for line in found))
        lists[name] = {"count": len(found), "by_kind": by_kind, "items": items}
    said = warnings(lines)
    return {
        "lists": lists,
        "linked_by": dict(Counter(outcome_of(ln)[1] for ln in outcomes(lines)["linked"])),
        "left_out_reasons": left_out_reasons(lines),
        "warnings": {
            "count": len(said),
            "items": [
                {"level": ln.level, "code": ln.code, "params": ln.params, "kind": ln.kind}
                for ln in said[:shown]
            ],
        },
        "counts": counts,
        "writes": dict(Counter(w.system for w in writes)),
    }


def to_update(lines: list[Line], writes, places: dict) -> dict[str, dict[str, list[str]]]:
    """system -> collection -> record ids whose current values the page compares with:
    the updated and linked records among the first SHOWN of their lists."""
    records = written_records(writes)
    found: dict[str, dict[str, list[str]]] = {}
    lists = outcomes(lines)
    for line in lists["updated"][:SHOWN] + lists["linked"][:SHOWN]:
        written = record_of(line, records, places)
        if written is None or made_up_id(written.record_id):
            continue
        ids = found.setdefault(written.system, {}).setdefault(written.collection, [])
        if written.record_id not in ids:
            ids.append(written.record_id)
    return found
