"""What the connector sends to FLOWii, in its own words: a partner and a received order as
the mapping builds them and the FLOWii adapter encodes them (the adapter alone knows the wire).

Plain Python (no Django). Amounts are Decimals; dates are naive local times (FLOWii keeps
no time zone: Europe/Bratislava).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

COMPANY = 1  # FLOWii partner type: a firm
PERSON = 2  # FLOWii partner type: a person
RECEIVED_ORDER = 5  # FLOWii document type "Prijatá objednávka"


@dataclass(frozen=True)
class Address:
    street: str = ""
    city: str = ""
    zip: str = ""
    country_id: int | None = None


@dataclass(frozen=True)
class Contact:
    """A partner's key contact."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PartnerData:
    """A FLOWii partner made from a shop customer or a guest buyer."""

    name: str
    type: int  # COMPANY or PERSON
    ico: str = ""
    dic: str = ""
    ic_dph: str = ""
    business_relationship_id: int | None = None
    business_relationship_subtype_id: int | None = None
    billing_address: Address | None = None
    delivery_address: Address | None = None
    key_contact: Contact | None = None
    # Optional: FLOWii's text custom field that keeps the shop's customer id.
    custom_field_id: int | None = None
    custom_field_value: str = ""


@dataclass(frozen=True)
class OrderItem:
    """One line of a received order: a FLOWii good (`good_id`) or a line by name with
    `unit_id`. Every line carries the shop's price, so FLOWii's total is the shop's."""

    name: str
    quantity: Decimal
    unit_price: Decimal
    price_includes_vat: bool
    vat_rate: Decimal
    good_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class ReceivedOrder:
    """A FLOWii received order (document of type 5) made from one shop order."""

    partner_id: int
    company_data_id: int
    numbering_sequence_id: int
    issue_date: datetime
    delivery_date: datetime
    maturity: datetime
    items: list[OrderItem] = field(default_factory=list)
    variable_symbol: str = ""
    payment_method_id: int | None = None
    delivery_type_id: int | None = None
    document_type: int = RECEIVED_ORDER
