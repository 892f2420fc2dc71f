"""Partners written through the simulated FLOWii API: reads a create or update body (with its
nested addresses, contacts, accounts, tags and custom field values) into a stored partner.

ASSUMED for updates (the blueprint shows the body, not the rules): only the attributes and
relationships a body names change; a nested record given with its `id` (one of this partner's)
is updated in place, one given without an id replaces the old one with a new record (new id);
`data: null` clears a relationship; a custom field value replaces the partner's value of the
same custom field.
"""

from __future__ import annotations

import re

from .flowii_documents import related_id
from .flowii_records import ACCOUNT_KEYS, CONTACT_KEYS, CUSTOM_VALUE_KINDS, ApiError

TEXT_ATTRIBUTES = ("comment", "ico", "dic", "ic-dph")
LOCAL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
ADDRESS_SLOTS = {"billing-address": "_billing", "mailing-address": "_mailing",
                 "delivery-address": "_delivery"}  # fmt: skip
VALUE_TYPES = {"bool": 1, "numeric": 2, "string": 3, "date": 4, "enum": 6}


def _fail(detail: str, pointer: str, title: str = "Invalid value"):
    raise ApiError(400, title, detail, pointer)


def read_partner(body, firm, new_id, current: dict | None, now: int) -> dict:
    """The partner a body describes: a new one (`current` None) or `current` updated.
    `new_id(kind)` hands out ids for new nested records. Raises ApiError (400)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        _fail("the body needs a data object", "/data", "Invalid body")
    attributes = data.get("attributes") or {}
    relationships = data.get("relationships") or {}
    if not isinstance(attributes, dict) or not isinstance(relationships, dict):
        _fail("attributes and relationships are objects", "/data", "Invalid body")
    row = _copy(current) if current else _blank(now)
    creating = current is None
    if creating or "name" in attributes:
        name = attributes.get("name")
        if not isinstance(name, str) or not name.strip():
            _fail("name is required", "/data/attributes/name", "Missing attribute")
        row["name"] = name
    if creating or "type" in attributes:
        if attributes.get("type") not in (1, 2) or isinstance(attributes.get("type"), bool):
            _fail("type must be 1 (company) or 2 (person)", "/data/attributes/type")
        row["type"] = attributes["type"]
    for key in TEXT_ATTRIBUTES:
        if key in attributes:
            value = attributes[key]
            if value is not None and not isinstance(value, str):
                _fail(f"{key} must be text", f"/data/attributes/{key}")
            row[key] = value
    if "invoice-maturity" in attributes:
        value = attributes["invoice-maturity"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            _fail("invoice-maturity must be a whole number", "/data/attributes/invoice-maturity")
        row["invoice-maturity"] = value
    _read_relationships(row, relationships, firm, new_id)
    row["_edited"] = now
    return row


def _blank(now: int) -> dict:
    return {
        "comment": None, "ico": None, "dic": None, "ic-dph": None, "invoice-maturity": 0,
        "_base": None, "_extended": None, "_billing": None, "_mailing": None,
        "_delivery": None, "_user": None, "_key_contact": None, "_contacts": [],
        "_accounts": [], "_tags": [], "_custom": [], "_created": now, "_edited": now,
    }  # fmt: skip


def _copy(row: dict) -> dict:
    """A copy deep enough that the stored partner stays as it was until the new one is put."""
    copied = dict(row)
    for key in ("_billing", "_mailing", "_delivery", "_key_contact"):
        copied[key] = dict(row[key]) if row[key] else None
    for key in ("_contacts", "_accounts", "_tags", "_custom"):
        copied[key] = [dict(item) for item in row[key]]
    return copied


def _read_relationships(row: dict, rels: dict, firm, new_id) -> None:
    base = "/data/relationships/"
    for name, slot, table in (
        ("base-business-relationship", "_base", firm.business_relationships),
        ("extended-business-relationship", "_extended", firm.business_relationships),
        ("responsible-user", "_user", firm.users),
    ):
        if name in rels:
            row_id = related_id(rels, name, base + name, False)
            if row_id is not None and row_id not in table:
                _fail(f"{name} {row_id} does not exist", base + name + "/data/id",
                      "Invalid relationship")  # fmt: skip
            row[slot] = row_id
    own_addresses = {a["id"]: a for a in (row["_billing"], row["_mailing"], row["_delivery"]) if a}
    for name, slot in ADDRESS_SLOTS.items():
        if name in rels:
            data = _data(rels, name)
            row[slot] = (
                None
                if data is None
                else _address(data, own_addresses, firm, new_id, base + name + "/data")
            )
    own_contacts = {c["id"]: c for c in ([row["_key_contact"]] if row["_key_contact"] else [])}
    own_contacts.update({c["id"]: c for c in row["_contacts"]})
    if "key-contact" in rels:
        data = _data(rels, "key-contact")
        row["_key_contact"] = (
            None
            if data is None
            else _nested(
                data, own_contacts, new_id, "contact", CONTACT_KEYS, base + "key-contact/data"
            )
        )
    for name, slot, kind, keys in (
        ("contacts", "_contacts", "contact", CONTACT_KEYS),
        ("accounts", "_accounts", "account", ACCOUNT_KEYS + ("prefix",)),
        ("tags", "_tags", "tag", ("name",)),
    ):
        if name in rels:
            items = _data(rels, name)
            if not isinstance(items, list):
                _fail(f"{name} is a list", base + name + "/data")
            own = own_contacts if kind == "contact" else {i["id"]: i for i in row[slot]}
            row[slot] = [
                _nested(item, own, new_id, kind, keys, f"{base}{name}/data/{n}")
                for n, item in enumerate(items)
            ]
    for kind in CUSTOM_VALUE_KINDS:
        name = f"custom-field-{kind}-values"
        if name in rels:
            items = _data(rels, name)
            if not isinstance(items, list):
                _fail(f"{name} is a list", base + name + "/data")
            for n, item in enumerate(items):
                _custom_value(row, kind, item, firm, new_id, f"{base}{name}/data/{n}")


def _data(rels: dict, name: str):
    value = rels[name]
    if not isinstance(value, dict) or "data" not in value:
        _fail(f"{name} needs a data member", f"/data/relationships/{name}")
    return value["data"]


def _own_id(item: dict, own: dict, pointer: str) -> int | None:
    raw = item.get("id")
    if raw is None:
        return None
    if not str(raw).isdigit() or int(raw) not in own:
        _fail(f"{raw} is not one of this partner's records", pointer + "/id", "Invalid id")
    return int(raw)


def _nested(item, own: dict, new_id, kind: str, keys, pointer: str) -> dict:
    if not isinstance(item, dict):
        _fail("a nested record is an object", pointer)
    attributes = item.get("attributes") or {}
    if not isinstance(attributes, dict):
        _fail("attributes is an object", pointer + "/attributes")
    row_id = _own_id(item, own, pointer)
    if row_id is not None:
        row = dict(own[row_id])
    else:
        row = {key: None for key in keys}
        if kind == "contact":
            row["is-subscribed"] = False
        row["id"] = new_id(kind)
    for key in keys:
        if key in attributes:
            value = attributes[key]
            if key == "is-subscribed":
                if not isinstance(value, bool):
                    _fail("is-subscribed is true or false", f"{pointer}/attributes/{key}")
            elif value is not None and not isinstance(value, str):
                _fail(f"{key} must be text", f"{pointer}/attributes/{key}")
            row[key] = value
    if kind == "tag" and not row.get("name"):
        _fail("a tag needs a name", pointer + "/attributes/name", "Missing attribute")
    return row


def _address(item, own: dict, firm, new_id, pointer: str) -> dict:
    row = _nested(item, own, new_id, "address", ("street", "city", "zip"), pointer)
    row.setdefault("_country", None)
    rels = item.get("relationships") or {}
    if "country" in rels:
        country = related_id(rels, "country", pointer + "/relationships/country", False)
        if country is not None and country not in firm.countries:
            _fail(
                f"country {country} does not exist",
                pointer + "/relationships/country/data/id",
                "Invalid relationship",
            )
        row["_country"] = country
    return row


def _custom_value(row: dict, kind: str, item, firm, new_id, pointer: str) -> None:
    if not isinstance(item, dict):
        _fail("a custom field value is an object", pointer)
    rels = item.get("relationships") or {}
    field_id = related_id(rels, "custom-field", pointer + "/relationships/custom-field", True)
    field = firm.custom_fields.get(field_id)
    if field is None:
        _fail(
            f"custom field {field_id} does not exist",
            pointer + "/relationships/custom-field/data/id",
            "Invalid relationship",
        )
    if field["value-type"] != VALUE_TYPES[kind]:
        _fail(f"custom field {field_id} does not take {kind} values", pointer + "/type")
    if kind == "enum":
        value = related_id(rels, "value", pointer + "/relationships/value", True)
    else:
        value = (item.get("attributes") or {}).get("value")
        checks = {
            "bool": lambda v: isinstance(v, bool),
            "numeric": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "string": lambda v: isinstance(v, str),
            "date": lambda v: isinstance(v, str) and LOCAL_DATE.match(v),
        }
        if value is None and not field["is-nullable"]:
            _fail("this custom field needs a value", pointer + "/attributes/value")
        if value is not None and not checks[kind](value):
            _fail(f"not a {kind} value", pointer + "/attributes/value")
    for existing in row["_custom"]:
        if existing["field"] == field_id:
            existing.update(kind=kind, value=value)
            return
    row["_custom"].append({"id": new_id("custom-value"), "kind": kind, "field": field_id,
                           "value": value})  # fmt: skip


def plain_partner(row: dict, countries: dict) -> dict:
    """A stored partner as plain JSON for the read-back hook."""

    def address(a):
        if not a:
            return None
        country = countries.get(a["_country"])
        return {"id": str(a["id"]), "street": a["street"], "city": a["city"], "zip": a["zip"],
                "country_id": str(a["_country"]) if a["_country"] else None,
                "country": country["name"] if country else None}  # fmt: skip

    def sid(value):
        return str(value) if value is not None else None

    def nested(item):
        return {**{k: v for k, v in item.items() if k != "id"}, "id": str(item["id"])}

    return {
        "id": str(row["id"]),
        **{k: row[k] for k in ("name", "type", "comment", "ico", "dic", "ic-dph",
                               "invoice-maturity")},
        "base_business_relationship_id": sid(row["_base"]),
        "extended_business_relationship_id": sid(row["_extended"]),
        "responsible_user_id": sid(row["_user"]),
        "billing_address": address(row["_billing"]),
        "mailing_address": address(row["_mailing"]),
        "delivery_address": address(row["_delivery"]),
        "key_contact": nested(row["_key_contact"]) if row["_key_contact"] else None,
        "contacts": [nested(c) for c in row["_contacts"]],
        "accounts": [nested(a) for a in row["_accounts"]],
        "tags": [t["name"] for t in row["_tags"]],
        "custom_fields": [
            {"id": str(v["id"]), "custom_field_id": str(v["field"]), "kind": v["kind"],
             "value": v["value"]}
            for v in row["_custom"]
        ],
        "created": row["_created"],
        "edited": row["_edited"],
    }  # fmt: skip
