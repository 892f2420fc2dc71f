"""What the admin's selects offer from the FLOWii account (companies, partner types, units,
payment types, the category tree, shipping items), read at most once per request."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..clients import NotConfigured
from ..http import AuthenticationError, RemoteError, Unavailable
from ..models import Settings

INDENT = "\u00a0\u00a0\u00a0\u00a0"  # non-breaking: browsers keep it inside an <option>


def flowii_problem(exc: Exception) -> str:
    """One sentence a shop owner understands for why FLOWii gave nothing."""
    if isinstance(exc, NotConfigured):
        return str(exc)
    if isinstance(exc, AuthenticationError):
        said = {"said": (exc.reason or "").rstrip(". ")}
        if exc.code == "invalid_grant":
            return (
                _(
                    "FLOWii: the login e-mail or password is wrong (FLOWii says: %(said)s). "
                    "Check them in Settings."
                )
                % said
            )
        if exc.code == "invalid_client":
            return (
                _(
                    "FLOWii: the API key is wrong (FLOWii says: %(said)s). Copy it again from "
                    "FLOWii (Settings › Extensions › API)."
                )
                % said
            )
        return _("FLOWii did not accept the login: %(detail)s") % {"detail": exc}
    if isinstance(exc, Unavailable):
        return _("FLOWii cannot be reached right now: %(detail)s") % {"detail": exc}
    if isinstance(exc, RemoteError):
        return _("FLOWii answered with an error: %(detail)s") % {"detail": exc}
    return _("FLOWii could not be asked: %(detail)s") % {"detail": exc}


def category_tree(categories: list[dict]) -> list[tuple[int, str, int]]:
    """(id, name, depth) in tree order: each parent followed by its subtree, siblings by name.
    A category whose parent is missing is shown at the root rather than lost."""
    by_id = {c["id"]: c for c in categories}
    children: dict[int | None, list[dict]] = {}
    for category in categories:
        parent = category.get("parentId")
        children.setdefault(parent if parent in by_id else None, []).append(category)
    rows: list[tuple[int, str, int]] = []
    seen: set[int] = set()

    def walk(parent, depth):
        for category in sorted(children.get(parent, []), key=lambda c: (c["name"], c["id"])):
            if category["id"] in seen:  # a loop in the data must not hang the page
                continue
            seen.add(category["id"])
            rows.append((category["id"], category["name"], depth))
            walk(category["id"], depth + 1)

    walk(None, 0)
    # Categories only reachable through a loop: still offered, at the root.
    for category in categories:
        if category["id"] not in seen:
            seen.add(category["id"])
            rows.append((category["id"], category["name"], 0))
    return rows


class FlowiiData:
    """Lazily read lists of one FLOWii account. After the first failure no further call is
    made: every list is empty and `error` says why in words."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.error = ""
        self._client = None
        self._cache: dict[str, list] = {}

    def _flowii(self):
        if self._client is None:
            from .connection import QUICK, flowii_client

            s = self.settings
            if not (s.flowii_email and s.flowii_password and s.flowii_api_key):
                raise NotConfigured(
                    _(
                        "Fill in the FLOWii login e-mail, password and API key and save: "
                        "then these lists offer your FLOWii data."
                    )
                )
            self._client = flowii_client(s, **QUICK)
        return self._client

    def _read(self, name: str, fetch) -> list:
        if name in self._cache:
            return self._cache[name]
        rows: list = []
        if not self.error:
            try:
                rows = list(fetch(self._flowii()))
            except (NotConfigured, RemoteError, OSError, ValueError) as exc:
                self.error = flowii_problem(exc)
                rows = []
        self._cache[name] = rows
        return rows

    @property
    def available(self) -> bool:
        return not self.error

    def companies(self) -> list[tuple[int, str]]:
        rows = self._read("companies", lambda f: f.companies())
        return [(c["id"], _labelled(c["name"], c.get("ico"), _("IČO"))) for c in rows]

    def partner_types(self) -> list[tuple[int, str]]:
        return [
            (t["id"], t["name"]) for t in self._read("partner_types", lambda f: f.partner_types())
        ]

    def units(self) -> list[tuple[int, str]]:
        rows = self._read("units", lambda f: f.units())
        return [(u["id"], _labelled(u["name"], u.get("abbreviation"))) for u in rows]

    def payment_types(self) -> list[tuple[int, str]]:
        rows = self._read("payment_types", lambda f: f.payment_types())
        return [(p["id"], p["name"]) for p in rows]

    def categories(self) -> list[tuple[int, str]]:
        rows = self._read("categories", lambda f: f.product_categories())
        return [(cid, INDENT * depth + name) for cid, name, depth in category_tree(rows)]

    def shipping_items(self) -> list[dict]:
        """Products of the shipping categories (as saved), each once."""

        def fetch(flowii):
            seen = set()
            for category_id in self.settings.shipping_category_ids or []:
                for product in flowii.products(category_id=category_id):
                    if product["id"] not in seen:
                        seen.add(product["id"])
                        yield product

        return self._read("shipping_items", fetch)


def _labelled(name: str, extra, prefix: str = "") -> str:
    if not extra:
        return name
    return f"{name} ({prefix} {extra})" if prefix else f"{name} ({extra})"


def flowii_data(request, settings: Settings | None = None) -> FlowiiData:
    """The request's FlowiiData (built on first use), so a page asks FLOWii once."""
    data = getattr(request, "_connector_flowii", None)
    if data is None:
        data = FlowiiData(settings or Settings.load())
        request._connector_flowii = data
    return data
