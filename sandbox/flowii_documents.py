"""Documents (received orders and the other types) of the simulated FLOWii account: reads a
create body, checks its references and computes each line's and the document's amounts.

The arithmetic is the shared page's ASSUMED reading (docs/flowii-api.md), kept here alone:
per line quantity x unit price rounded half-up to the cent, then the line discount, then the
document discount; VAT per line, rounded half-up (from a price with VAT: gross x rate /
(100 + rate); from a price without VAT: net x rate / 100); the totals are the sums.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .flowii_records import ApiError

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DOCUMENT_TYPES = range(1, 11)
DISCOUNT_PERCENT, DISCOUNT_AMOUNT = 1, 2
# Dates in bodies are local time without a zone, to the second.
LOCAL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DATE_ATTRIBUTES = ("issue-date", "delivery-date", "maturity")
# Optional relationships: name -> (the firm's table, the JSON:API type).
OPTIONAL_REFERENCES = {
    "payment-method": "payment_methods",
    "delivery-type": "delivery_types",
    "user": "users",
    "account": "bank_accounts",
    "category": "document_categories",
}


def cents(value: Decimal) -> Decimal:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else Decimal("0.00")


def _pointer(*parts) -> str:
    return "/data/" + "/".join(str(p) for p in parts)


def _decimal(value, pointer: str, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiError(400, "Invalid value", f"{name} must be a number", pointer)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ApiError(400, "Invalid value", f"{name} must be a number", pointer) from None


def _choice(value, allowed, pointer: str, name: str) -> int:
    if isinstance(value, bool) or value not in allowed:
        raise ApiError(400, "Invalid value", f"{name} must be one of {list(allowed)}", pointer)
    return int(value)


def related_id(relationships: dict, name: str, pointer: str, required: bool) -> int | None:
    """The id a `relationships.<name>.data.id` names, or None when absent (400 if required)."""
    data = (relationships.get(name) or {}).get("data") if isinstance(relationships, dict) else None
    if data is None:
        if required:
            raise ApiError(400, "Missing relationship", f"{name} is required", pointer)
        return None
    raw = data.get("id") if isinstance(data, dict) else None
    if not isinstance(raw, (str, int)) or not str(raw).isdigit():
        raise ApiError(400, "Invalid relationship", f"{name} needs an id", pointer + "/data/id")
    return int(raw)


def _existing(table: dict, row_id, name: str, pointer: str):
    if row_id is None:
        return None
    row = table.get(row_id)
    if row is None:
        raise ApiError(400, "Invalid relationship", f"{name} {row_id} does not exist", pointer)
    return row


def read_document(body, firm, today_year: int) -> dict:
    """The document a create body asks for, with its amounts; raises ApiError (400)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid body", "the body needs a data object", "/data")
    attributes = data.get("attributes") or {}
    relationships = data.get("relationships") or {}
    if not isinstance(attributes, dict) or not isinstance(relationships, dict):
        raise ApiError(400, "Invalid body", "attributes and relationships are objects", "/data")
    if "type" not in attributes:
        raise ApiError(400, "Missing attribute", "type is required", _pointer("attributes/type"))
    kind = _choice(attributes["type"], DOCUMENT_TYPES, _pointer("attributes/type"), "type")
    for name in DATE_ATTRIBUTES:
        value = attributes.get(name)
        if value is not None and not (isinstance(value, str) and LOCAL_DATE.match(value)):
            raise ApiError(
                400, "Invalid date", f"{name} must read YYYY-MM-DDTHH:MM:SS (local time)",
                _pointer("attributes", name),
            )  # fmt: skip
    rel = "relationships"
    sequence = _existing(
        firm.numbering_sequences,
        related_id(relationships, "numbering-sequence", _pointer(rel, "numbering-sequence"), True),
        "numbering-sequence",
        _pointer(rel, "numbering-sequence"),
    )
    company_data = _existing(
        firm.company_data,
        related_id(relationships, "company-data", _pointer(rel, "company-data"), True),
        "company-data",
        _pointer(rel, "company-data"),
    )
    if sequence["_company_data"] != company_data["id"] or sequence["_document_type"] != kind:
        raise ApiError(
            400, "Invalid relationship",
            "the numbering sequence is not one of this company data and document type",
            _pointer(rel, "numbering-sequence"),
        )  # fmt: skip
    partner = _existing(
        firm.partners,
        related_id(relationships, "partner", _pointer(rel, "partner"), True),
        "partner",
        _pointer(rel, "partner"),
    )
    references = {}
    for name, table in OPTIONAL_REFERENCES.items():
        pointer = _pointer(rel, name)
        row = _existing(getattr(firm, table), related_id(relationships, name, pointer, False),
                        name, pointer)  # fmt: skip
        references[name] = row["id"] if row else None
    items = (relationships.get("items") or {}).get("data")
    if not isinstance(items, list) or not items:
        raise ApiError(400, "Missing relationship", "items must be a non-empty list",
                       _pointer(rel, "items"))  # fmt: skip
    lines = [_read_item(item, n, firm) for n, item in enumerate(items)]
    discount = _document_discount(attributes)
    _apply_document_discount(lines, *discount)
    for line in lines:
        _vat(line)
    net = sum((line["net"] for line in lines), Decimal(0))
    gross = sum((line["gross"] for line in lines), Decimal(0))
    issue = attributes.get("issue-date")
    return {
        "type": kind,
        "attributes": {k: v for k, v in attributes.items() if k != "type"},
        "_sequence": sequence["id"],
        "_company_data": company_data["id"],
        "_partner": partner["id"],
        "_references": references,
        "_year": int(issue[:4]) if issue else today_year,
        "_items": lines,
        "gross-amount": net,  # FLOWii's "gross amount" is the total without VAT
        "taxed-gross-amount": gross,
        "vat-amount": gross - net,
    }


def _read_item(item, n: int, firm) -> dict:
    base = f"relationships/items/data/{n}"
    if not isinstance(item, dict):
        raise ApiError(400, "Invalid item", "an item is an object", _pointer(base))
    attributes = item.get("attributes") or {}
    relationships = item.get("relationships") or {}
    name = attributes.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "Missing attribute", "an item needs a name",
                       _pointer(base, "attributes/name"))  # fmt: skip
    if "quantity" not in attributes:
        raise ApiError(400, "Missing attribute", "an item needs a quantity",
                       _pointer(base, "attributes/quantity"))  # fmt: skip
    quantity = _decimal(attributes["quantity"], _pointer(base, "attributes/quantity"), "quantity")
    good_pointer = _pointer(base, "relationships/good")
    good = _existing(firm.goods, related_id(relationships, "good", good_pointer, False),
                     "good", good_pointer)  # fmt: skip
    price_given = attributes.get("unit-price") is not None
    if good is None or price_given:
        # A line by name (or a good whose price list price the body overrides, ASSUMED).
        need = ("unit-price", "unit-price-type", "vat-rate") if good is None else ("unit-price",)
        for key in need:
            if attributes.get(key) is None:
                raise ApiError(400, "Missing attribute", f"an item without a good needs {key}",
                               _pointer(base, "attributes", key))  # fmt: skip
        price = _decimal(attributes["unit-price"], _pointer(base, "attributes/unit-price"),
                         "unit-price")  # fmt: skip
        default_type = good["selling-price-type"] if good else None
        default_rate = good["vat-rate"] if good else None
        price_type = _choice(
            attributes.get("unit-price-type", default_type),
            (0, 1),
            _pointer(base, "attributes/unit-price-type"),
            "unit-price-type",
        )
        rate = _decimal(attributes.get("vat-rate", default_rate),
                        _pointer(base, "attributes/vat-rate"), "vat-rate")  # fmt: skip
    else:
        price = Decimal(str(good["selling-price"]))
        price_type = good["selling-price-type"]
        rate = Decimal(good["vat-rate"])
    unit_pointer = _pointer(base, "relationships/unit-of-measure")
    unit_id = related_id(relationships, "unit-of-measure", unit_pointer, good is None)
    _existing(firm.units, unit_id, "unit-of-measure", unit_pointer)
    if rate < 0 or rate > 100:
        raise ApiError(400, "Invalid value", "vat-rate must be 0 to 100",
                       _pointer(base, "attributes/vat-rate"))  # fmt: skip
    line = {
        "name": name,
        "quantity": quantity,
        "unit-price": price,
        "unit-price-type": price_type,
        "vat-rate": rate,
        "good_id": good["id"] if good else None,
        "unit_id": unit_id if unit_id is not None else (good["_unit"] if good else None),
    }
    base_amount = cents(quantity * price)
    kind, value = _discount(attributes, _pointer(base, "attributes"))
    if kind == DISCOUNT_PERCENT:
        base_amount = cents(base_amount * (HUNDRED - value) / HUNDRED)
    elif kind == DISCOUNT_AMOUNT:
        # ASSUMED: an item's amount discount is for the whole line, in the line's price type.
        base_amount = base_amount - cents(value)
    line["discount-type"], line["discount"] = kind, value
    line["base"] = base_amount
    return line


def _discount(attributes: dict, pointer: str) -> tuple[int | None, Decimal]:
    kind = attributes.get("discount-type")
    value = attributes.get("discount")
    if kind is None and value in (None, 0):
        return None, Decimal(0)
    kind = _choice(kind, (DISCOUNT_PERCENT, DISCOUNT_AMOUNT), pointer + "/discount-type",
                   "discount-type")  # fmt: skip
    value = _decimal(value if value is not None else 0, pointer + "/discount", "discount")
    if kind == DISCOUNT_PERCENT and not 0 <= value <= 100:
        raise ApiError(400, "Invalid value", "a percent discount is 0 to 100",
                       pointer + "/discount")  # fmt: skip
    return kind, value


def _document_discount(attributes: dict) -> tuple[int | None, Decimal]:
    return _discount(attributes, "/data/attributes")


def _apply_document_discount(lines: list[dict], kind, value: Decimal) -> None:
    if kind == DISCOUNT_PERCENT:
        for line in lines:
            line["base"] = cents(line["base"] * (HUNDRED - value) / HUNDRED)
    elif kind == DISCOUNT_AMOUNT and value:
        # ASSUMED: an amount off the whole document is spread over the lines in proportion to
        # their amounts (each in its own price type), the rounding rest going to the last line.
        total = sum((line["base"] for line in lines), Decimal(0))
        if not total:
            return
        left = cents(value)
        for line in lines[:-1]:
            share = cents(value * line["base"] / total)
            line["base"] -= share
            left -= share
        lines[-1]["base"] -= left


def _vat(line: dict) -> None:
    rate, base = line["vat-rate"], line["base"]
    if line["unit-price-type"] == 0:  # the price includes VAT
        vat = cents(base * rate / (HUNDRED + rate))
        line["gross"], line["vat"], line["net"] = base, vat, base - vat
    else:
        vat = cents(base * rate / HUNDRED)
        line["net"], line["vat"], line["gross"] = base, vat, base + vat


def serial_number(sequence: dict, year: int) -> str:
    """The next number of a series: the format's {YYYY} is the year, {NNNN} the counter."""
    sequence["_next"] = sequence.get("_next", 0) + 1
    counter = sequence["_next"]
    text = sequence.get("format") or "{YYYY}{NNNN}"
    text = text.replace("{YYYY}", f"{year:04d}").replace("{YY}", f"{year % 100:02d}")
    return re.sub(r"\{(N+)\}", lambda m: f"{counter:0{len(m.group(1))}d}", text)


def plain_document(document: dict) -> dict:
    """A stored document as plain JSON for the read-back hook (amounts as strings)."""

    def plain(value):
        return str(value) if isinstance(value, Decimal) else value

    return {
        "id": str(document["id"]),
        "type": document["type"],
        "serial-nr": document["serial-nr"],
        "partner_id": str(document["_partner"]),
        "company_data_id": str(document.get("_company_data")),
        "numbering_sequence_id": str(document.get("_sequence")),
        "references": {
            k: (str(v) if v is not None else None)
            for k, v in (document.get("_references") or {}).items()
        },
        "attributes": document.get("attributes", {}),
        "items": [
            {
                **{k: plain(v) for k, v in line.items() if k not in ("good_id", "unit_id")},
                "good_id": str(line["good_id"]) if line.get("good_id") else None,
                "unit_id": str(line["unit_id"]) if line.get("unit_id") else None,
            }
            for line in document.get("_items", [])
        ],
        "net": plain(document["gross-amount"]),
        "vat": plain(document.get("vat-amount", Decimal(0))),
        "gross": plain(document["taxed-gross-amount"]),
    }
