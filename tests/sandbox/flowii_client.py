"""A small FLOWii client for the simulator's tests: a token, the JSON:API headers, `companyId`
on every call, and the `/__sandbox__/` hooks."""

import requests

from sandbox.flowii_seed import API_KEY, COMPANY_MOJA_FIRMA, EMAIL, PASSWORD

MEDIA = "application/vnd.api+json"


class Client:
    def __init__(self, url: str, company_id: int | None = COMPANY_MOJA_FIRMA):
        self.url = url
        self.company_id = company_id
        self.http = requests.Session()
        self.token = self.login().json()["access_token"]

    def login(self, **form):
        data = {"grant_type": "password", "username": EMAIL, "password": PASSWORD, **form}
        return self.http.post(self.url + "/token", data=data, headers={"Api-Key": API_KEY},
                              timeout=10)  # fmt: skip

    def headers(self) -> dict:
        return {"Api-Key": API_KEY, "Authorization": f"Bearer {self.token}", "Accept": MEDIA,
                "Content-Type": MEDIA}  # fmt: skip

    def call(self, method: str, path: str, body=None, company=True, **params):
        if company and self.company_id is not None:
            params.setdefault("companyId", self.company_id)
        return self.http.request(method, self.url + path, params=params, json=body,
                                 headers=self.headers(), timeout=10)  # fmt: skip

    def get(self, path: str, **params) -> dict:
        reply = self.call("GET", path, **params)
        assert reply.status_code == 200, reply.text
        assert reply.headers["Content-Type"].startswith(MEDIA)
        return reply.json()

    def all(self, path: str, **params) -> list[dict]:
        out, number = [], 0
        while True:
            page = self.get(path, **{**params, "page[number]": number})
            out += page["data"]
            if "next" not in page["links"]:
                return out
            number += 1

    def hook(self, method: str, action: str, body=None, **params):
        reply = self.http.request(method, f"{self.url}/__sandbox__/{action}", json=body,
                                  params=params, timeout=10)  # fmt: skip
        assert reply.status_code == 200, reply.text
        return reply.json()


def partner_body(name="Nová firma s.r.o.", kind=1, **relationships) -> dict:
    rels = {"base-business-relationship": {"data": {"type": "business-relationship",
                                                    "id": "135904"}}}  # fmt: skip
    rels.update(relationships)
    return {"data": {"type": "partner", "attributes": {"name": name, "type": kind,
                                                       "ico": "12345679"},
                     "relationships": rels}}  # fmt: skip


def address(street="Hlavná 1", city="Žilina", zip_code="010 01", country="1", **extra) -> dict:
    return {
        "data": {
            "type": "address",
            **extra,
            "attributes": {"street": street, "city": city, "zip": zip_code},
            "relationships": {"country": {"data": {"type": "country", "id": country}}},
        }
    }


def document_body(partner_id: str, items: list, **attributes) -> dict:
    def rel(kind, row_id):
        return {"data": {"type": kind, "id": str(row_id)}}

    return {"data": {"type": "document",
                     "attributes": {"type": 5, "issue-date": "2026-11-20T00:00:00", **attributes},
                     "relationships": {"numbering-sequence": rel("numbering-sequence", 36520),
                                       "company-data": rel("company-data", 37),
                                       "partner": rel("partner", partner_id),
                                       "items": {"data": items}}}}  # fmt: skip


def good_item(good_id, quantity=1, **attributes) -> dict:
    return {
        "type": "item",
        "attributes": {"name": "tovar", "quantity": quantity, **attributes},
        "relationships": {"good": {"data": {"type": "good", "id": str(good_id)}}},
    }


def line_item(name, quantity, price, price_type, rate, unit="25359") -> dict:
    return {
        "type": "item",
        "attributes": {
            "name": name,
            "quantity": quantity,
            "unit-price": price,
            "unit-price-type": price_type,
            "vat-rate": rate,
        },
        "relationships": {"unit-of-measure": {"data": {"type": "unit-of-measure", "id": unit}}},
    }
