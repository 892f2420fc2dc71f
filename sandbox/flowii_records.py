"""How the simulated FLOWii account writes its records: the JSON:API shapes of the blueprint
for every record type the connector reads, and its error bodies.

Ids go out as strings and numbers as JSON numbers; a relationship that points at nothing is
`{"data": null}`. Stored records keep `_`-prefixed keys for their relations and times; those
are read here and never sent as attributes.
"""

from __future__ import annotations

from decimal import Decimal

MEDIA_TYPE = "application/vnd.api+json"
STATUS_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "API quota exceeded",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
GOOD_LIST_KEYS = (
    "name", "serial-nr", "ean", "purchase-price", "purchase-price-type", "selling-price",
    "selling-price-type", "vat-rate",
)  # fmt: skip
GOOD_DETAIL_KEYS = (
    "name", "serial-nr", "type", "visibility-type", "ean", "purchase-price",
    "purchase-price-type", "selling-price", "selling-price-type", "vat-rate", "additional-text",
    "description",
)  # fmt: skip
PARTNER_KEYS = ("name", "type", "comment", "ico", "dic", "ic-dph", "invoice-maturity")
ADDRESS_SLOTS = (("billing-address", "_billing"), ("mailing-address", "_mailing"),
                 ("delivery-address", "_delivery"))  # fmt: skip
CONTACT_KEYS = (
    "salutation", "title", "first-name", "last-name", "post-nominal-letters", "email", "phone",
    "mobile", "job-title", "custom", "comment", "is-subscribed",
)  # fmt: skip
ACCOUNT_KEYS = ("bank-name", "number", "iban", "swift", "bank-code")
CUSTOM_VALUE_KINDS = ("bool", "date", "enum", "numeric", "string")
DOCUMENT_LIST_KEYS = ("serial-nr", "type", "invoice-type", "invoice-state", "gross-amount",
                      "taxed-gross-amount", "unpaid")  # fmt: skip


class ApiError(Exception):
    """An answer other than success: raised anywhere, written as JSON:API errors."""

    def __init__(self, status: int, title: str | None = None, detail: str = "", pointer=None):
        super().__init__(detail)
        self.status = status
        self.title = title or STATUS_TITLES.get(status, "Error")
        self.detail = detail
        self.pointer = pointer

    def body(self) -> dict:
        error = {"status": str(self.status), "title": self.title, "detail": self.detail}
        if self.pointer:
            error["source"] = {"pointer": self.pointer}
        return {"errors": [error]}


def error_body(status: int, detail: str, title: str | None = None) -> dict:
    return ApiError(status, title, detail).body()


def json_number(value):
    """Decimal amounts as JSON numbers: 12 for 12.00, 12.5 otherwise."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def ref(kind: str, row_id) -> dict:
    return {"type": kind, "id": str(row_id)}


class Renderer:
    """Writes records for one answer: `base` is the server's address, `company` the firm."""

    def __init__(self, base: str, company_id: int | None):
        self.base = base
        self.company_id = company_id

    # -- links ------------------------------------------------------------------------------
    def item_link(self, collection: str, row_id) -> str:
        return f"{self.base}/{collection}/{row_id}/"

    def detail_link(self, path: str) -> str:
        return f"{self.base}{path}?companyid={self.company_id}"

    def related(self, kind: str, collection: str, row_id) -> dict:
        """A to-one relationship with its related link, or data null."""
        if row_id is None:
            return {"data": None}
        return {"links": {"related": self.item_link(collection, row_id)}, "data": ref(kind, row_id)}

    # -- codebooks --------------------------------------------------------------------------
    def named(self, kind: str, collection: str, row: dict, listed: bool, *extra) -> dict:
        """Codebook records: a name (and the given extra attributes); list items carry their
        own link, a detail does not."""
        record = {"type": kind, "id": str(row["id"])}
        if listed:
            record["links"] = {"self": self.item_link(collection, row["id"])}
        record["attributes"] = {"name": row["name"], **{key: row[key] for key in extra}}
        return record

    def tree_node(self, kind: str, collection: str, row: dict, listed: bool) -> dict:
        """A category or business relationship: name, order and its parent."""
        record = self.named(kind, collection, row, listed, "order")
        record["relationships"] = {"parent": self.related(kind, collection, row["_parent"])}
        return record

    def parent_included(self, kind: str, collection: str, row: dict) -> dict:
        return {
            "type": kind,
            "id": str(row["id"]),
            "links": {"self": self.item_link(collection, row["id"])},
            "attributes": {"name": row["name"]},
        }

    def company_data(self, row: dict, country: dict) -> tuple[dict, list]:
        attributes = {k: row[k] for k in ("name", "ico", "dic", "ic-dph", "street", "city", "zip")}
        record = {
            "type": "company-data",
            "id": str(row["id"]),
            "attributes": attributes,
            "relationships": {"country": {"data": ref("country", country["id"])}},
        }
        return record, [self.country(country)]

    @staticmethod
    def country(row: dict) -> dict:
        return {"type": "country", "id": str(row["id"]), "attributes": {"name": row["name"]}}

    @staticmethod
    def sequence(row: dict) -> dict:
        return {
            "type": "numbering-sequence",
            "id": str(row["id"]),
            "attributes": {"name": row["name"], "format": row["format"]},
        }

    @staticmethod
    def custom_field(row: dict) -> dict:
        attributes = {k: v for k, v in row.items() if k != "id" and not k.startswith("_")}
        return {
            "type": "custom-field",
            "id": str(row["id"]),
            "attributes": attributes,
            "relationships": {"value-definitions": {"data": []}, "group": {"data": None}},
        }

    # -- goods ------------------------------------------------------------------------------
    def good(self, row: dict, listed: bool, stock_attribute: str | None) -> dict:
        keys = GOOD_LIST_KEYS if listed else GOOD_DETAIL_KEYS
        attributes = {key: row[key] for key in keys}
        if stock_attribute:  # an account whose goods carry a stock figure (not in the blueprint)
            attributes[stock_attribute] = row["_stock"]
        record = {"type": "good", "id": str(row["id"])}
        if listed:
            record["links"] = {"self": self.item_link("goods", row["id"])}
            record["attributes"] = attributes
            return record
        record["attributes"] = attributes

        def plain(kind, row_id):
            return {"data": ref(kind, row_id) if row_id is not None else None}

        record["relationships"] = {
            "unit-of-measure": self.related("unit", "units", row["_unit"]),
            "category": plain("good-category", row["_category"]),
            "subcategory": plain("good-category", row["_subcategory"]),
            "partner": plain("partner", row["_partner"]),
        }
        return record

    # -- partners ---------------------------------------------------------------------------
    def partner_list_item(self, row: dict) -> dict:
        return {
            "type": "partner",
            "id": str(row["id"]),
            "links": {"self": self.item_link("partners", row["id"])},
            "attributes": {"name": row["name"], "type": row["type"]},
            "relationships": self._relationships_of_kind(row),
        }

    def _relationships_of_kind(self, row: dict) -> dict:
        return {
            "base-business-relationship": self.related(
                "business-relationship", "businessrelationships", row["_base"]
            ),
            "extended-business-relationship": self.related(
                "business-relationship", "businessrelationships", row["_extended"]
            ),
        }

    def business_relationship_included(self, row: dict) -> dict:
        return self.parent_included("business-relationship", "businessrelationships", row)

    def partner_detail(self, row: dict, relationships: dict, users: dict) -> tuple[dict, list]:
        """The partner with every relationship, and what `included` carries."""
        links = self._relationships_of_kind(row)
        included = []
        for slot in ("_base", "_extended"):
            found = relationships.get(row[slot])
            if found:
                included.append(self.business_relationship_included(found))
        addresses_seen = set()
        for name, slot in ADDRESS_SLOTS:
            address = row[slot]
            links[name] = {"data": ref("address", address["id"]) if address else None}
            if address and address["id"] not in addresses_seen:
                addresses_seen.add(address["id"])
                included.append(self.address(address))
        user = users.get(row["_user"])
        links["responsible-user"] = {"data": ref("user", user["id"]) if user else None}
        if user:
            included.append({"type": "user", "id": str(user["id"]),
                             "attributes": {"name": user["name"]}})  # fmt: skip
        key = row["_key_contact"]
        links["key-contact"] = {"data": ref("contact", key["id"]) if key else None}
        links["contacts"] = {"data": [ref("contact", c["id"]) for c in row["_contacts"]]}
        links["accounts"] = {"data": [ref("account", a["id"]) for a in row["_accounts"]]}
        links["tags"] = {"data": [ref("tag", t["id"]) for t in row["_tags"]]}
        included += [self.contact(c) for c in ([key] if key else []) + row["_contacts"]]
        included += [self.account(a) for a in row["_accounts"]]
        included += [
            {"type": "tag", "id": str(t["id"]), "attributes": {"name": t["name"]}}
            for t in row["_tags"]
        ]
        # The blueprint's partner detail shows no custom field values, so neither does this
        # one; tests read them back through /__sandbox__/created.
        record = {
            "type": "partner",
            "id": str(row["id"]),
            "attributes": {key: row[key] for key in PARTNER_KEYS},
            "relationships": links,
        }
        return record, included

    @staticmethod
    def address(row: dict) -> dict:
        return {
            "type": "address",
            "id": str(row["id"]),
            "attributes": {"street": row["street"], "city": row["city"], "zip": row["zip"]},
            "relationships": {
                "country": {"data": ref("country", row["_country"]) if row["_country"] else None}
            },
        }

    @staticmethod
    def contact(row: dict) -> dict:
        return {
            "type": "contact",
            "id": str(row["id"]),
            "attributes": {key: row.get(key) for key in CONTACT_KEYS},
        }

    @staticmethod
    def account(row: dict) -> dict:
        return {
            "type": "account",
            "id": str(row["id"]),
            "attributes": {key: row.get(key) for key in ACCOUNT_KEYS},
        }

    @staticmethod
    def partner_document(row: dict) -> dict:
        return {
            "type": "document",
            "id": str(row["id"]),
            "attributes": {key: json_number(row[key]) for key in DOCUMENT_LIST_KEYS},
        }
