"""The simulated FLOWii account's test hooks under `/__sandbox__/` (never called by the
connector): token and stock switches, read-back of what was created, edits of goods,
categories and partners, and the captured requests.

Every body is plain JSON; `company_id` picks the firm (default: the first one). Each edit bumps
the record's edited time, as an edit in FLOWii's own screens would.
"""

from __future__ import annotations

from .base import Request, Response, json_response
from .flowii_documents import plain_document
from .flowii_partners import plain_partner
from .flowii_records import ApiError

GOOD_FIELDS = {
    "name": str, "serial-nr": str, "ean": (str, type(None)), "purchase-price": (int, float),
    "purchase-price-type": int, "selling-price": (int, float), "selling-price-type": int,
    "vat-rate": int, "type": int, "visibility-type": int, "additional-text": (str, type(None)),
    "description": (str, type(None)),
}  # fmt: skip
GOOD_LINKS = {"unit_id": "_unit", "category_id": "_category", "subcategory_id": "_subcategory",
              "partner_id": "_partner"}  # fmt: skip


def control(sim, action: str, request: Request) -> Response | None:
    try:
        payload = request.json() or {}
    except ValueError:
        return json_response({"error": "the body is not JSON"}, 400)
    handler = HOOKS.get((request.method, action))
    if handler is None:
        return None
    try:
        return handler(sim, payload, request)
    except ApiError as error:
        return json_response({"error": error.detail}, error.status)
    except (KeyError, TypeError, ValueError) as error:
        return json_response({"error": f"bad hook body: {error!r}"}, 400)


def _firm(sim, payload: dict, request: Request | None = None):
    raw = payload.get("company_id")
    if raw is None and request is not None:
        raw = request.query.get("company_id")
    if raw is None:
        return next(iter(sim.firms.values()))
    firm = sim.firms.get(int(raw))
    if firm is None:
        raise ApiError(404, detail=f"no firm {raw}")
    return firm


def plain_good(good: dict) -> dict:
    out = {k: v for k, v in good.items() if not k.startswith("_")}
    out["id"] = str(good["id"])
    for name, key in GOOD_LINKS.items():
        out[name] = str(good[key]) if good[key] is not None else None
    out.update(stock=good["_stock"], created=good["_created"], edited=good["_edited"])
    return out


def plain_category(row: dict) -> dict:
    parent = row["_parent"]
    return {"id": str(row["id"]), "name": row["name"], "order": row["order"],
            "parent_id": str(parent) if parent is not None else None}  # fmt: skip


# -- switches ---------------------------------------------------------------------------------
def _token(sim, payload, request):
    if "ttl" in payload:
        sim.token_ttl = int(payload["ttl"])
    if payload.get("expire_all"):
        now = sim.clock()
        sim.tokens = {token: now - 1 for token in sim.tokens}
    active = sum(1 for expires in sim.tokens.values() if expires > sim.clock())
    return json_response({"ttl": sim.token_ttl, "active_tokens": active})


def _stock(sim, payload, request):
    if request.method == "POST":
        attribute = payload.get("attribute")
        sim.stock_attribute = str(attribute) if attribute else None
    return json_response({"attribute": sim.stock_attribute})


# -- read-back --------------------------------------------------------------------------------
def _created(sim, payload, request):
    partners = []
    for partner_id, company_id in sim.touched_partners.items():
        row = sim.firms[company_id].partners.get(partner_id)
        if row is not None:
            partners.append({**plain_partner(row, sim.countries), "company_id": str(company_id)})
    documents = [
        {**plain_document(sim.firms[cid].documents[did]), "company_id": str(cid)}
        for cid, did in sim.created_documents
        if did in sim.firms[cid].documents
    ]
    return json_response(
        {"partners": partners, "deleted_partners": list(sim.deleted_partners),
         "documents": documents}
    )  # fmt: skip


def _state(sim, payload, request):
    firm = _firm(sim, payload, request)
    kinds = {
        "goods": lambda: [plain_good(g) for g in firm.goods.values()],
        "good_categories": lambda: [plain_category(c) for c in firm.good_categories.values()],
        "partners": lambda: [plain_partner(p, sim.countries) for p in firm.partners.values()],
        "documents": lambda: [
            plain_document(d) for d in firm.documents.values() if "_sequence" in d
        ],
    }
    wanted = request.query.get("kind")
    if wanted and wanted not in kinds:
        return json_response({"error": f"unknown kind {wanted!r}; known: {sorted(kinds)}"}, 400)
    chosen = [wanted] if wanted else list(kinds)
    return json_response({"company_id": str(firm.company["id"]),
                          **{kind: kinds[kind]() for kind in chosen}})  # fmt: skip


def _requests(sim, payload, request):
    if request.method == "DELETE":
        sim.captured.clear()
    return json_response({"capture": sim.capture, "requests": list(sim.captured)})


# -- edits ------------------------------------------------------------------------------------
def _put_good(sim, payload, request):
    """With `id`: change that good; without: add one (name and serial-nr required)."""
    firm = _firm(sim, payload)
    now = sim.now()
    if payload.get("id") is not None:
        good = dict(firm.goods.get(int(payload["id"])) or {})
        if not good:
            raise ApiError(404, detail=f"no good {payload['id']}")
    else:
        if not payload.get("name") or not payload.get("serial-nr"):
            raise ApiError(400, detail="a new good needs name and serial-nr")
        good = {
            "id": sim.new_id("good"), "ean": None, "purchase-price": 0, "purchase-price-type": 1,
            "selling-price": 0, "selling-price-type": 1, "vat-rate": 20, "type": 0,
            "visibility-type": 0, "additional-text": "", "description": "",
            "_unit": next(iter(firm.units)), "_category": None, "_subcategory": None,
            "_partner": None, "_stock": 0, "_created": now,
        }  # fmt: skip
    for key, kinds in GOOD_FIELDS.items():
        if key in payload:
            if not isinstance(payload[key], kinds) or isinstance(payload[key], bool):
                raise ApiError(400, detail=f"{key} has the wrong type")
            good[key] = payload[key]
    for name, key in GOOD_LINKS.items():
        if name in payload:
            good[key] = int(payload[name]) if payload[name] is not None else None
    if "stock" in payload:
        good["_stock"] = payload["stock"]
    _check_good_links(firm, good)
    good["_edited"] = max(now, good.get("_edited", now))
    firm.goods[good["id"]] = good  # a new id is the highest: the table stays in id order
    firm.goods_changed()
    return json_response(plain_good(good))


def _check_good_links(firm, good: dict) -> None:
    if good["_unit"] not in firm.units:
        raise ApiError(400, detail=f"no unit {good['_unit']}")
    category, sub = good["_category"], good["_subcategory"]
    if (
        category is not None
        and firm.good_categories.get(category, {}).get("_parent", 0) is not None
    ):
        raise ApiError(400, detail=f"category {category} is not a top-level category")
    if sub is not None and (
        sub not in firm.good_categories or firm.good_categories[sub]["_parent"] != category
    ):
        raise ApiError(400, detail=f"subcategory {sub} is not under category {category}")
    if good["_partner"] is not None and good["_partner"] not in firm.partners:
        raise ApiError(400, detail=f"no partner {good['_partner']}")


def _delete_good(sim, payload, request):
    firm = _firm(sim, payload)
    if firm.goods.pop(int(payload["id"]), None) is None:
        raise ApiError(404, detail=f"no good {payload['id']}")
    firm.goods_changed()
    return json_response({"deleted": str(payload["id"])})


def _put_category(sim, payload, request):
    """Add (no `id`), rename or move a category; two levels only: a parent must be a root,
    and a category with subcategories stays a root. Goods in a moved category follow it."""
    firm = _firm(sim, payload)
    now = sim.now()
    categories = firm.good_categories
    if payload.get("id") is not None:
        row = dict(categories.get(int(payload["id"])) or {})
        if not row:
            raise ApiError(404, detail=f"no category {payload['id']}")
    else:
        row = {"id": sim.new_id("good-category"), "name": None, "order": 0, "_parent": None}
    if "name" in payload:
        row["name"] = str(payload["name"])
    if not row["name"]:
        raise ApiError(400, detail="a category needs a name")
    if "order" in payload:
        row["order"] = int(payload["order"])
    old_parent = row["_parent"]
    if "parent_id" in payload:
        parent = int(payload["parent_id"]) if payload["parent_id"] is not None else None
        if parent is not None:
            if categories.get(parent, {}).get("_parent", 0) is not None or parent == row["id"]:
                raise ApiError(400, detail=f"{parent} is not a top-level category")
            if any(c["_parent"] == row["id"] for c in categories.values()):
                raise ApiError(
                    400, detail="a category with subcategories cannot move under another"
                )
        row["_parent"] = parent
    categories[row["id"]] = row
    if row["_parent"] != old_parent and payload.get("id") is not None:
        _move_goods(firm, row, old_parent, now)
    return json_response(plain_category(row))


def _move_goods(firm, row: dict, old_parent, now: int) -> None:
    for good_id, good in list(firm.goods.items()):
        if old_parent is None and good["_category"] == row["id"]:
            if good["_subcategory"] is None and row["_parent"] is not None:
                moved = {**good, "_category": row["_parent"], "_subcategory": row["id"]}
            else:
                continue
        elif old_parent is not None and good["_subcategory"] == row["id"]:
            if row["_parent"] is None:
                moved = {**good, "_category": row["id"], "_subcategory": None}
            else:
                moved = {**good, "_category": row["_parent"]}
        else:
            continue
        moved["_edited"] = max(now, good["_edited"])
        firm.goods[good_id] = moved
    firm.goods_changed()


def _delete_category(sim, payload, request):
    firm = _firm(sim, payload)
    category_id = int(payload["id"])
    if category_id not in firm.good_categories:
        raise ApiError(404, detail=f"no category {category_id}")
    used = any(category_id in (g["_category"], g["_subcategory"]) for g in firm.goods.values())
    if used or any(c["_parent"] == category_id for c in firm.good_categories.values()):
        raise ApiError(400, detail="the category still has goods or subcategories")
    del firm.good_categories[category_id]
    return json_response({"deleted": str(category_id)})


def _put_partner(sim, payload, request):
    """A partner made in FLOWii itself (not by the connector): `body` as POST /partners."""
    firm = _firm(sim, payload)
    row = sim.create_partner(firm, payload["body"], by_connector=False)
    return json_response(plain_partner(row, sim.countries))


def _delete_partner(sim, payload, request):
    firm = _firm(sim, payload)
    if firm.partners.pop(int(payload["id"]), None) is None:
        raise ApiError(404, detail=f"no partner {payload['id']}")
    return json_response({"deleted": str(payload["id"])})


HOOKS = {
    ("POST", "token"): _token,
    ("GET", "token"): _token,
    ("POST", "stock"): _stock,
    ("GET", "stock"): _stock,
    ("GET", "created"): _created,
    ("GET", "state"): _state,
    ("GET", "requests"): _requests,
    ("DELETE", "requests"): _requests,
    ("POST", "goods"): _put_good,
    ("DELETE", "goods"): _delete_good,
    ("POST", "goodcategories"): _put_category,
    ("DELETE", "goodcategories"): _delete_category,
    ("POST", "partners"): _put_partner,
    ("DELETE", "partners"): _delete_partner,
}
