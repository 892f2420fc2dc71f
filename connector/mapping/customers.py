"""Pure mapping of shop customers and guest buyers to FLOWii partners."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .countries import is_country

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_LIMIT = 200


class PartnerProblem(Exception):
    """A buyer that cannot become a FLOWii partner as it is; `.reason` says why and the fix."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MetaKeys:
    ico: str
    dic: str
    ic_dph: str


def _meta(record: dict, key: str) -> str:
    for item in record.get("meta_data") or []:
        if item.get("key") == key:
            value = item.get("value")
            return str(value).strip() if value not in (None, "") else ""
    return ""


def _address(block: dict | None) -> dict | None:
    block = block or {}
    street = ", ".join(
        p.strip() for p in (block.get("address_1"), block.get("address_2")) if p and p.strip()
    )
    city = (block.get("city") or "").strip()
    country = (block.get("country") or "").strip().upper()
    if not (street or city):
        return None
    if country and not is_country(country):
        raise PartnerProblem(
            _(
                "the country “%(country)s” is not an ISO country code; "
                "correct the address in the shop"
            )
            % {"country": block.get("country")}
        )
    return {
        "street": street,
        "city": city,
        "zip": (block.get("postcode") or "").strip(),
        "countryCode": country or "SK",
    }


def _clean_email(value: str | None) -> str:
    value = (value or "").strip()
    return value if _EMAIL.match(value) else ""


def partner_payload(
    *,
    billing: dict,
    shipping: dict | None,
    record: dict,
    email: str | None,
    first_name: str = "",
    last_name: str = "",
    external_id: str,
    customer_type_id: int,
    meta_keys: MetaKeys,
) -> dict:
    """A FLOWii partner body from a billing block (and shipping, and company meta)."""
    ico = _meta(record, meta_keys.ico)
    dic = _meta(record, meta_keys.dic)
    ic_dph = _meta(record, meta_keys.ic_dph)
    first = (billing.get("first_name") or first_name or "").strip()
    last = (billing.get("last_name") or last_name or "").strip()
    company = (billing.get("company") or "").strip()
    person = " ".join(p for p in (first, last) if p)
    address = _address(billing)
    email = _clean_email(billing.get("email")) or _clean_email(email)
    name = company or person or email
    if not name:
        raise PartnerProblem(_("it has no name, company or valid e-mail to name the partner by"))
    return {
        "externalId": external_id,
        "name": name[:NAME_LIMIT],
        "isCompany": bool(ico),
        "ico": ico,
        "dic": dic,
        "icDph": ic_dph,
        "email": email,
        "phone": (billing.get("phone") or "").strip(),
        "partnerTypeId": customer_type_id,
        "contactPerson": {"firstName": first[:100], "lastName": last[:100]},
        "billingAddress": address,
        "deliveryAddress": _address(shipping) or address,
    }


def customer_partner(customer: dict, *, customer_type_id: int, meta_keys: MetaKeys) -> dict:
    return partner_payload(
        billing=customer.get("billing") or {},
        shipping=customer.get("shipping"),
        record=customer,
        email=customer.get("email"),
        first_name=customer.get("first_name") or "",
        last_name=customer.get("last_name") or "",
        external_id=customer_external_id(customer["id"]),
        customer_type_id=customer_type_id,
        meta_keys=meta_keys,
    )


def guest_key(order: dict) -> str:
    """Who a guest buyer is, across orders: the billing e-mail, else name and address."""
    billing = order.get("billing") or {}
    email = _clean_email(billing.get("email"))
    if email:
        return email.lower()
    parts = [
        billing.get(k) or "" for k in ("first_name", "last_name", "company", "address_1", "city")
    ]
    text = "|".join(p.strip().lower() for p in parts)
    return "name:" + text if text.strip("|") else f"order:{order.get('id')}"


def guest_partner(order: dict, *, customer_type_id: int, meta_keys: MetaKeys) -> dict:
    return partner_payload(
        billing=order.get("billing") or {},
        shipping=order.get("shipping"),
        record=order,
        email=None,
        external_id=guest_external_id(guest_key(order)),
        customer_type_id=customer_type_id,
        meta_keys=meta_keys,
    )


def customer_external_id(customer_id) -> str:
    return f"wc-customer-{customer_id}"


def guest_external_id(key: str) -> str:
    return f"wc-guest-{key}"[:200]


def partner_notes(billing: dict, email: str | None, payload: dict) -> list[str]:
    """What the partner body had to leave out or shorten, for a warning in the log."""
    notes = []
    given = [(v or "").strip() for v in (billing.get("email"), email)]
    if any(given) and not payload["email"]:
        bad = next(v for v in given if v)
        notes.append(
            _(
                "its e-mail “%(email)s” is not a valid address and was left out; "
                "correct it in the shop"
            )
            % {"email": bad}
        )
    full = (billing.get("company") or "").strip() or " ".join(
        p
        for p in (
            (billing.get("first_name") or "").strip(),
            (billing.get("last_name") or "").strip(),
        )
        if p
    )
    if len(full) > NAME_LIMIT:
        notes.append(
            _("its name is longer than %(limit)s characters and was shortened")
            % {"limit": NAME_LIMIT}
        )
    return notes
