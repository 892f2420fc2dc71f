"""Shop customers and guest buyers (an order's billing data) to FLOWii partners
(`PartnerData`), field by field, with what the mapping had to leave out as warnings.

Pure: no Django, no I/O. A record that cannot go over raises `Refusal`; the wording of
every code is in connector/wording/partners.py.

Company or person: a buyer with an IČO, or with a company name, is a company (type 1) named
by the company name; any other buyer is a person (type 2) named "First Last". A company name
without an IČO still makes a company: the shop owner typed it on the bill, and an invoice to
a firm must carry the firm's name, not the clerk's.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from ..records import COMPANY, PERSON, Address, Contact, PartnerData
from .refusals import Refusal

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# ASSUMED column limits: FLOWii's blueprint states none, so these are common database
# widths; a longer value fails its record with a clear line instead of a cut-off name in
# FLOWii or a refusal there. `guest_key` fits the link table's 255 characters.
LIMITS = {
    "name": 255,
    "first_name": 100,
    "last_name": 100,
    "email": 254,  # RFC 5321's longest address
    "phone": 50,
    "street": 255,
    "city": 100,
    "zip": 20,
    "ico": 20,
    "dic": 20,
    "ic_dph": 20,
}


@dataclass(frozen=True)
class MetaKeys:
    """Where the shop keeps a buyer's company numbers (meta keys, from Settings)."""

    ico: str
    dic: str
    ic_dph: str


@dataclass(frozen=True)
class PartnerRules:
    """What the mapping needs besides the record: settings and FLOWii's country ids."""

    meta_keys: MetaKeys
    countries: Mapping[str, int] = field(default_factory=dict)  # ISO code -> FLOWii id
    business_relationship_id: int | None = None
    business_relationship_subtype_id: int | None = None
    custom_field_id: int | None = None


def _text(value, where: str) -> str:
    """A shop field as stripped text; numbers are taken as text (a phone, a postcode, an
    IČO kept as a number), anything else (a list, an object, true) refuses the record."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Refusal("partner.not_text", field=where, value=repr(value)[:80])
    return str(value).strip()


def _limited(value: str, limit_of: str, where: str) -> str:
    limit = LIMITS[limit_of]
    if len(value) > limit:
        raise Refusal("partner.too_long", field=where, limit=limit, length=len(value))
    return value


def _meta(record: dict, key: str, where: str) -> str:
    for item in record.get("meta_data") or []:
        if isinstance(item, dict) and item.get("key") == key:
            return _text(item.get("value"), f"{where} ({key})")
    return ""


def _number(record: dict, key: str, limit_of: str) -> str:
    """A company number without its spaces ("123 456 78" is the IČO 12345678)."""
    return _limited("".join(_meta(record, key, limit_of).split()).upper(), limit_of, key)


def _email(value, where: str) -> str:
    """The e-mail as given (stripped); not text refuses the record."""
    if value is not None and not isinstance(value, str):
        raise Refusal("partner.not_text", field=where, value=repr(value)[:80])
    return (value or "").strip()


def _address(block, where: str, rules: PartnerRules, notes: list) -> Address | None:
    if block is None:
        return None
    if not isinstance(block, dict):
        raise Refusal("partner.not_text", field=where, value=repr(block)[:80])
    parts = [_text(block.get(k), f"{where}.{k}") for k in ("address_1", "address_2")]
    street = _limited(", ".join(p for p in parts if p), "street", f"{where}.address_1")
    city = _limited(_text(block.get("city"), f"{where}.city"), "city", f"{where}.city")
    zip_code = _limited(
        _text(block.get("postcode"), f"{where}.postcode"), "zip", f"{where}.postcode"
    )
    if not (street or city or zip_code):
        return None
    code = _text(block.get("country"), f"{where}.country").upper()
    country_id = rules.countries.get(code) if code else None
    if code and country_id is None:
        notes.append(Refusal("partner.country_unknown", country=code, address=where))
    return Address(street=street, city=city, zip=zip_code, country_id=country_id)


def partner_data(
    *,
    billing,
    shipping,
    record: dict,
    emails: tuple,
    names: tuple = ("", ""),
    rules: PartnerRules,
    custom_value: str = "",
) -> tuple[PartnerData, tuple[Refusal, ...]]:
    """A partner from a billing block (and shipping, and the company numbers in the record's
    meta). `emails`: (value, field) pairs, the first valid one is the key contact's e-mail.
    Returns the partner and its warnings (what was left out)."""
    if not isinstance(billing, dict):
        raise Refusal("partner.not_text", field="billing", value=repr(billing)[:80])
    notes: list[Refusal] = []
    first = _text(billing.get("first_name"), "billing.first_name") or _text(names[0], "first_name")
    last = _text(billing.get("last_name"), "billing.last_name") or _text(names[1], "last_name")
    first = _limited(first, "first_name", "billing.first_name")
    last = _limited(last, "last_name", "billing.last_name")
    company = _text(billing.get("company"), "billing.company")
    email = ""
    given = [(_email(value, where), where) for value, where in emails]
    for value, where in given:
        if value and _EMAIL.match(value):
            email = _limited(value, "email", where)
            break
    if not email and any(value for value, _where in given):
        bad = next(value for value, _where in given if value)
        notes.append(Refusal("partner.email_invalid", email=bad))
    phone = _limited(_text(billing.get("phone"), "billing.phone"), "phone", "billing.phone")
    keys = rules.meta_keys
    ico = _number(record, keys.ico, "ico")
    dic = _number(record, keys.dic, "dic")
    ic_dph = _number(record, keys.ic_dph, "ic_dph")
    person = " ".join(p for p in (first, last) if p)
    name = _limited(company or person or email, "name", "billing.company" if company else "name")
    if not name:
        raise Refusal("partner.no_name")
    contact = Contact(first_name=first, last_name=last, email=email, phone=phone)
    data = PartnerData(
        name=name,
        type=COMPANY if (ico or company) else PERSON,
        ico=ico,
        dic=dic,
        ic_dph=ic_dph,
        business_relationship_id=rules.business_relationship_id,
        business_relationship_subtype_id=rules.business_relationship_subtype_id,
        billing_address=_address(billing, "billing", rules, notes),
        delivery_address=_address(shipping, "shipping", rules, notes),
        key_contact=contact if any((first, last, email, phone)) else None,
        custom_field_id=rules.custom_field_id if custom_value else None,
        custom_field_value=custom_value if rules.custom_field_id else "",
    )
    return data, tuple(notes)


def customer_id(customer: dict) -> int:
    """The shop's id of a customer; anything but a positive whole number refuses it."""
    value = customer.get("id")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Refusal("partner.bad_customer_id", id=repr(value)[:40])
    return value


def customer_partner(customer: dict, rules: PartnerRules) -> tuple[PartnerData, tuple]:
    """A registered customer's partner: its billing e-mail first, the account's after."""
    number = customer_id(customer)
    return partner_data(
        billing=customer.get("billing") or {},
        shipping=customer.get("shipping"),
        record=customer,
        emails=(
            ((customer.get("billing") or {}).get("email"), "billing.email"),
            (customer.get("email"), "email"),
        ),
        names=(customer.get("first_name"), customer.get("last_name")),
        rules=rules,
        custom_value=str(number),
    )


def guest_partner(order: dict, rules: PartnerRules) -> tuple[PartnerData, tuple]:
    """A guest buyer's partner, from the order's billing and shipping data."""
    billing = order.get("billing") or {}
    return partner_data(
        billing=billing,
        shipping=order.get("shipping"),
        record=order,
        emails=(((billing.get("email") if isinstance(billing, dict) else None), "billing.email"),),
        rules=rules,
    )


def guest_key(order: dict) -> str:
    """Who a guest buyer is, across orders: the billing e-mail in lower case, else name,
    company and address; at most 255 characters (the link table's shop id)."""
    billing = order.get("billing") if isinstance(order.get("billing"), dict) else {}
    email = billing.get("email")
    if isinstance(email, str) and _EMAIL.match(email.strip()):
        key = email.strip().lower()
    else:
        parts = [
            billing.get(k) for k in ("first_name", "last_name", "company", "address_1", "city")
        ]
        text = "|".join(p.strip().lower() if isinstance(p, str) else "" for p in parts)
        key = "name:" + text if text.strip("|") else f"order:{order.get('id')}"
    if len(key) > 255:
        key = "long:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def fingerprint(data: PartnerData) -> str:
    """What we would send, in 64 characters: equal fingerprints, nothing to update."""
    text = json.dumps(asdict(data), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def match_keys(data: PartnerData) -> frozenset[str]:
    """What could make two buyers one FLOWii partner: their e-mail and their IČO."""
    keys = set()
    if data.key_contact and data.key_contact.email:
        keys.add("email:" + data.key_contact.email.lower())
    if data.ico:
        keys.add("ico:" + data.ico)
    return frozenset(keys)
