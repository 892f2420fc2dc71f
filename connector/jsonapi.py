"""FLOWii's JSON:API envelopes in and out: reading `data`, `relationships`, `included` and
`links`, and building request documents with nested new records.

Plain Python. Small on purpose: the connector needs a fraction of JSON:API (no sparse
fieldsets, no sorting, no compound includes it asks for), so a library would add more than
it saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MEDIA_TYPE = "application/vnd.api+json"


class NotJsonApi(ValueError):
    """An answer that does not have the JSON:API shape the call expects."""


@dataclass(frozen=True)
class Resource:
    """One resource object: its type, its id (text on the wire), attributes and the ids
    its relationships point at."""

    type: str
    id: str | None
    attributes: dict = field(default_factory=dict)
    relationships: dict = field(default_factory=dict)  # name -> raw relationship object

    def related(self, name: str) -> tuple[str, str] | None:
        """(type, id) of a to-one relationship, or None when it is empty or absent."""
        data = (self.relationships.get(name) or {}).get("data")
        if isinstance(data, dict) and data.get("id") is not None:
            return str(data.get("type") or ""), str(data["id"])
        return None

    def related_id(self, name: str) -> int | str | None:
        ref = self.related(name)
        return as_id(ref[1]) if ref else None

    def related_many(self, name: str) -> list[tuple[str, str]]:
        data = (self.relationships.get(name) or {}).get("data")
        if not isinstance(data, list):
            return []
        return [
            (str(d.get("type") or ""), str(d["id"]))
            for d in data
            if isinstance(d, dict) and d.get("id") is not None
        ]


@dataclass(frozen=True)
class Document:
    """A whole answer: its primary data, the included resources and the links."""

    data: Resource | list[Resource] | None
    included: dict[tuple[str, str], Resource]
    links: dict

    def find(self, ref: tuple[str, str] | None) -> Resource | None:
        """The included resource a relationship points at (by type and id, or by id alone
        where a server names the type differently in the two places)."""
        if ref is None:
            return None
        found = self.included.get(ref)
        if found is None:
            found = next((r for (t, i), r in self.included.items() if i == ref[1]), None)
        return found


def as_id(value) -> int | str | None:
    """FLOWii's ids are numbers written as text: "93669" -> 93669. Anything else is kept as
    it came, for the caller's validation to name."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else value


def resource_of(obj) -> Resource:
    if not isinstance(obj, dict):
        raise NotJsonApi("a resource that is not an object")
    attributes = obj.get("attributes")
    relationships = obj.get("relationships")
    return Resource(
        type=str(obj.get("type") or ""),
        id=None if obj.get("id") is None else str(obj["id"]),
        attributes=attributes if isinstance(attributes, dict) else {},
        relationships=relationships if isinstance(relationships, dict) else {},
    )


def parse(body, *, many: bool) -> Document:
    """An answer as a Document; `many` says whether `data` must be a list (or one object)."""
    if not isinstance(body, dict) or "data" not in body:
        raise NotJsonApi("an answer without `data`")
    raw = body["data"]
    if many:
        if not isinstance(raw, list):
            raise NotJsonApi("a list answer whose `data` is not a list")
        data = [resource_of(item) for item in raw if isinstance(item, dict)]
    else:
        data = None if raw is None else resource_of(raw)
    included = {}
    for item in body.get("included") or []:
        if isinstance(item, dict) and item.get("id") is not None:
            resource = resource_of(item)
            included[(resource.type, resource.id)] = resource
    links = body.get("links") if isinstance(body.get("links"), dict) else {}
    return Document(data=data, included=included, links=links)


# -- building request documents ------------------------------------------------------------


def ref(type_: str, id_) -> dict:
    """A relationship to an existing record: {"data": {"type", "id"}}."""
    return {"data": {"type": type_, "id": str(id_)}}


def nested(type_: str, attributes: dict, relationships: dict | None = None, id_=None) -> dict:
    """A relationship that carries a record to create (or, with `id_`, to update) inside the
    request, as FLOWii takes addresses, contacts and document items."""
    data: dict = {"type": type_}
    if id_ is not None:
        data["id"] = str(id_)
    data["attributes"] = attributes
    if relationships:
        data["relationships"] = relationships
    return {"data": data}


def nested_many(items: list[dict]) -> dict:
    """A to-many relationship of nested records (each as `nested(...)` builds it)."""
    return {"data": [item["data"] for item in items]}


def document(type_: str, attributes: dict, relationships: dict | None = None, id_=None) -> dict:
    """A request body: {"data": {"type", ["id"], "attributes", ["relationships"]}}."""
    return nested(type_, attributes, relationships, id_)
