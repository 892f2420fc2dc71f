"""Categories and products from FLOWii into the shop: the category tree first (parents
before children), then the products page by page, written in batches of at most 100."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from ..dates import parse_utc
from ..mapping.products import (
    ProductProblem,
    category_payload,
    fingerprint,
    plan_categories,
    product_notes,
    product_payload,
    tax_classes_by_rate,
)
from ..models import Link, Settings

STREAM = "products"
Kind = Link.Kind


def import_products(ctx) -> None:
    ctx.progress(done=0, total=0, label="categories")
    category_map, left_out = import_categories(ctx)
    _import_product_pages(ctx, category_map, left_out)


# -- categories -----------------------------------------------------------------------


def _depths(ordered: list[dict]) -> dict[int, int]:
    depth: dict[int, int] = {}
    for cat in ordered:  # parents come first
        depth[cat["id"]] = depth.get(cat.get("parentId"), -1) + 1
    return depth


def _upsert_links(kind: str, rows: list[tuple]) -> None:
    """(shop id, FLOWii id, fingerprint[, FLOWii unit id, product number]) rows, written in
    one statement."""
    if not rows:
        return
    now = timezone.now()
    Link.objects.filter(kind=kind, flowii_id__in=[r[1] for r in rows]).exclude(
        shop_id__in=[r[0] for r in rows]
    ).delete()
    Link.objects.bulk_create(
        [
            Link(
                kind=kind,
                shop_id=str(row[0]),
                flowii_id=row[1],
                fingerprint=row[2],
                flowii_unit_id=row[3] if len(row) > 3 else None,
                flowii_number=row[4] if len(row) > 4 else "",
                synced_at=now,
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["kind", "shop_id"],
        update_fields=["flowii_id", "fingerprint", "flowii_unit_id", "flowii_number", "synced_at"],
    )


def import_categories(ctx) -> tuple[dict[int, int], set[int]]:
    """Brings the shop's category tree in step; returns FLOWii category id -> shop id, and
    the ids of the categories left out on purpose (non-stock, shipping, their subtrees)."""
    settings: Settings = ctx.settings
    excluded = list(settings.non_stock_category_ids or []) + list(
        settings.shipping_category_ids or []
    )
    plan = plan_categories(list(ctx.flowii.product_categories()), excluded)
    for cat, problem in plan.problems:
        if problem == "parent_missing":
            ctx.warning(
                _(
                    "FLOWii category “%(name)s” (id %(id)s) names a parent (id %(parent)s) "
                    "that does not exist; it is placed at the top level. "
                    "Fix its parent in FLOWii."
                )
                % {"name": cat.get("name"), "id": cat["id"], "parent": cat.get("parentId")},
                kind=Kind.CATEGORY,
                flowii_id=cat["id"],
            )
        else:
            ctx.error(
                _(
                    "FLOWii category “%(name)s” (id %(id)s) is its own ancestor "
                    "(a cycle of parents); it and its products are skipped. "
                    "Fix its parent in FLOWii."
                )
                % {"name": cat.get("name"), "id": cat["id"]},
                kind=Kind.CATEGORY,
                flowii_id=cat["id"],
            )
            ctx.count("failed")

    links = {
        flowii_id: (int(shop_id), fp)
        for flowii_id, shop_id, fp in Link.objects.filter(kind=Kind.CATEGORY).values_list(
            "flowii_id", "shop_id", "fingerprint"
        )
    }
    shop_index = None  # (name lower, shop parent id) -> shop id, read only when needed
    depth = _depths(plan.ordered)
    for level in sorted(set(depth.values())):
        creates, updates, bound = [], [], []
        for cat in (c for c in plan.ordered if depth[c["id"]] == level):
            parent = cat.get("parentId")
            shop_parent = links.get(parent, (0, ""))[0] if parent is not None else 0
            if parent is not None and parent not in plan.excluded_ids and parent not in links:
                if any(c["id"] == parent for c in plan.ordered):
                    ctx.count("skipped")
                    continue  # its parent failed to import in this run
            payload = category_payload(cat, shop_parent)
            fp = fingerprint(payload)
            ctx.count("read")
            if cat["id"] in links:
                shop_id, old_fp = links[cat["id"]]
                if old_fp == fp:
                    ctx.count("unchanged")
                else:
                    updates.append((cat, {"id": shop_id, **payload}, fp))
                continue
            if shop_index is None:
                shop_index = {
                    ((c.get("name") or "").strip().lower(), c.get("parent", 0)): c["id"]
                    for c in ctx.woo.categories()
                }
            existing = shop_index.get((payload["name"].lower(), shop_parent))
            if existing:
                bound.append((str(existing), cat["id"], fp))
                links[cat["id"]] = (existing, fp)
                ctx.count("unchanged")
                ctx.info(
                    _("Category “%(name)s” already in the shop (id %(id)s): linked.")
                    % {"name": payload["name"], "id": existing},
                    kind=Kind.CATEGORY,
                    shop_id=existing,
                    flowii_id=cat["id"],
                )
            else:
                creates.append((cat, payload, fp))
        _upsert_links(Kind.CATEGORY, bound)
        if creates or updates:
            _write_categories(ctx, creates, updates, links)
    mapping = {flowii_id: shop_id for flowii_id, (shop_id, _fp) in links.items()}
    return mapping, plan.excluded_ids


def _write_categories(ctx, creates, updates, links) -> None:
    results = ctx.woo.batch(
        "products/categories",
        create=[payload for _cat, payload, _fp in creates],
        update=[payload for _cat, payload, _fp in updates],
    )
    sources = creates + updates
    rows = []
    for (cat, payload, fp), result in zip(sources, results, strict=True):
        error = result.error
        if error and error.get("code") == "term_exists":
            existing = (error.get("data") or {}).get("resource_id")
            if existing:
                rows.append((str(existing), cat["id"], ""))
                links[cat["id"]] = (int(existing), "")
                ctx.count("unchanged")
                continue
        if error:
            ctx.count("failed")
            ctx.error(
                _(
                    "Category “%(name)s” could not be written to the shop: %(error)s. "
                    "It is tried again on the next run."
                )
                % {"name": payload["name"], "error": error.get("message") or error.get("code")},
                kind=Kind.CATEGORY,
                flowii_id=cat["id"],
                shop_id=payload.get("id", ""),
            )
            if error.get("code") == "woocommerce_rest_term_invalid":
                Link.objects.filter(kind=Kind.CATEGORY, flowii_id=cat["id"]).delete()
                links.pop(cat["id"], None)
            continue
        shop_id = result.item["id"]
        rows.append((str(shop_id), cat["id"], fp))
        links[cat["id"]] = (shop_id, fp)
        created = result.action == "create"
        ctx.count("created" if created else "updated")
        if created:
            message = _("Category “%(name)s” created in the shop.")
        else:
            message = _("Category “%(name)s” updated in the shop.")
        ctx.info(
            message % {"name": payload["name"]},
            kind=Kind.CATEGORY,
            shop_id=shop_id,
            flowii_id=cat["id"],
        )
    _upsert_links(Kind.CATEGORY, rows)


# -- products -------------------------------------------------------------------------


def _prices_with_vat(ctx) -> bool:
    choice = ctx.settings.prices_with_vat
    if choice == Settings.PricesWithVat.FROM_SHOP:
        return ctx.woo.prices_include_tax()
    return choice == Settings.PricesWithVat.YES


# Past this many unknown products in one page (a first import), one read of all the shop's
# products beats a look-up by SKU for every page.
SKU_LOOKUP_LIMIT = 20


def _import_product_pages(ctx, category_map: dict[int, int], left_out: set[int]) -> None:
    since = ctx.bookmark(STREAM, inclusive=True)
    state = {"prices_with_vat": None, "tax_classes": None, "shop_skus": None}
    page: list[dict] = []

    def read_started(total):
        ctx.progress(done=0, total=total, label="products")
        ctx.read_at(STREAM, ctx.flowii.server_time())

    for product in ctx.flowii.products(modified_since=since, on_total=read_started):
        ctx.seen(STREAM, parse_utc(product.get("modifiedAt")))
        page.append(product)
        if len(page) == 100:
            _import_page(ctx, page, category_map, left_out, state)
            page = []
    if page:
        _import_page(ctx, page, category_map, left_out, state)


def _page_links(products: list[dict]) -> tuple[dict, dict]:
    """The links of this page's products, and which other FLOWii product already holds each
    product number (only what one page needs is in memory, whatever the catalogue's size)."""
    ids = [p["id"] for p in products]
    codes = [(p.get("code") or "").strip() for p in products]
    links = {
        flowii_id: (int(shop_id), fp)
        for flowii_id, shop_id, fp in Link.objects.filter(
            kind=Kind.PRODUCT, flowii_id__in=ids
        ).values_list("flowii_id", "shop_id", "fingerprint")
    }
    taken = dict(
        Link.objects.filter(kind=Kind.PRODUCT, flowii_number__in=[c for c in codes if c])
        .exclude(flowii_id__in=ids)
        .values_list("flowii_number", "flowii_id")
    )
    return links, taken


def _import_page(ctx, products, category_map, left_out, state) -> None:
    links, taken = _page_links(products)
    to_write = []  # (product, payload, fp, shop id or None)
    unlinked = []
    for product in products:
        ctx.count("read")
        ctx.progress(step=1, label="products")
        category = product.get("categoryId")
        if category is not None and category not in category_map:
            if category in left_out:
                continue  # services and shipping items are not sold in the shop
            ctx.count("skipped")
            ctx.warning(
                _(
                    "Product “%(name)s” (code %(code)s) is in a FLOWii category (id %(category)s) "
                    "that was not imported; it is skipped."
                )
                % {"name": product.get("name"), "code": product.get("code"), "category": category},
                kind=Kind.PRODUCT,
                flowii_id=product.get("id"),
            )
            continue
        if state["prices_with_vat"] is None:
            state["prices_with_vat"] = _prices_with_vat(ctx)
            state["tax_classes"] = tax_classes_by_rate(ctx.woo.get("taxes", per_page=100) or [])
        try:
            payload = product_payload(
                product,
                prices_with_vat=state["prices_with_vat"],
                shop_category_id=category_map.get(category),
                tax_classes=state["tax_classes"],
            )
        except ProductProblem as problem:
            _product_failed(
                ctx, product, _("%(reason)s. Fix it in FLOWii.") % {"reason": problem.reason}
            )
            continue
        code = payload["sku"]
        other = taken.setdefault(code, product["id"])
        if other != product["id"]:
            _product_failed(
                ctx,
                product,
                _(
                    "its product number %(code)s is also used by FLOWii product id %(other)s; "
                    "give each product its own number in FLOWii."
                )
                % {"code": code, "other": other},
            )
            continue
        fp = fingerprint(payload)
        link = links.get(product["id"])
        if link and link[1] == fp:
            ctx.count("unchanged")
        elif link:
            to_write.append((product, payload, fp, link[0]))
        else:
            unlinked.append((product, payload, fp))
    if len(unlinked) > SKU_LOOKUP_LIMIT and state["shop_skus"] is None:
        state["shop_skus"] = {
            p["sku"]: p["id"] for p in ctx.woo.iter_pages("products", {}) if p.get("sku")
        }
    if unlinked:
        found = state["shop_skus"]
        if found is None:
            found = {
                p.get("sku"): p["id"]
                for p in ctx.woo.get(
                    "products", sku=",".join(p[1]["sku"] for p in unlinked), per_page=100
                )
                or []
                if p.get("sku")
            }
        for product, payload, fp in unlinked:
            shop_id = found.get(payload["sku"])
            if shop_id:
                ctx.info(
                    _("Product %(sku)s already in the shop (id %(id)s): linked.")
                    % {"sku": payload["sku"], "id": shop_id},
                    kind=Kind.PRODUCT,
                    shop_id=shop_id,
                    flowii_id=product["id"],
                )
            to_write.append((product, payload, fp, shop_id))
    if to_write:
        _write_products(ctx, to_write, links, state["tax_classes"])


def _product_failed(ctx, product, reason: str) -> None:
    ctx.count("failed")
    ctx.failed_at(STREAM, parse_utc(product.get("modifiedAt")))
    ctx.error(
        _("FLOWii product “%(name)s” (id %(id)s, code %(code)s) is not imported: %(reason)s")
        % {
            "name": product.get("name"),
            "id": product.get("id"),
            "code": product.get("code") or "—",
            "reason": reason,
        },
        kind=Kind.PRODUCT,
        flowii_id=product.get("id"),
    )


def _write_products(ctx, to_write, links, tax_classes) -> None:
    creates = [
        (p, {**payload, "status": "draft"}, fp) for p, payload, fp, sid in to_write if not sid
    ]
    updates = [(p, {"id": sid, **payload}, fp) for p, payload, fp, sid in to_write if sid]
    results = ctx.woo.batch(
        "products",
        create=[payload for _p, payload, _fp in creates],
        update=[payload for _p, payload, _fp in updates],
    )
    rows = []
    for (product, payload, fp), result in zip(creates + updates, results, strict=True):
        error = result.error
        if error and error.get("code") == "product_invalid_sku":
            existing = (error.get("data") or {}).get("resource_id")
            if existing:
                # Made in the shop since we looked: link it; the next run updates it.
                rows.append(
                    (str(existing), product["id"], "", product.get("unitId"), payload["sku"])
                )
                links[product["id"]] = (int(existing), "")
                ctx.count("skipped")
                continue
        if error:
            if error.get("code") in ("woocommerce_rest_product_invalid_id",):
                Link.objects.filter(kind=Kind.PRODUCT, flowii_id=product["id"]).delete()
                links.pop(product["id"], None)
                reason = _(
                    "the linked shop product was deleted; it is created again on the next run."
                )
            else:
                reason = _("the shop refused it: %(error)s.") % {
                    "error": error.get("message") or error.get("code")
                }
            _product_failed(ctx, product, reason)
            continue
        shop_id = result.item["id"]
        rows.append((str(shop_id), product["id"], fp, product.get("unitId"), payload["sku"]))
        links[product["id"]] = (shop_id, fp)
        created = result.action == "create"
        ctx.count("created" if created else "updated")
        if created:
            message = _("Product “%(name)s” (%(sku)s) created as a draft.")
        else:
            message = _("Product “%(name)s” (%(sku)s) updated.")
        ctx.info(
            message % {"name": payload["name"], "sku": payload["sku"]},
            kind=Kind.PRODUCT,
            shop_id=shop_id,
            flowii_id=product["id"],
        )
        for note in product_notes(product, tax_classes):
            ctx.warning(
                _("Product “%(name)s” (%(sku)s): %(note)s.")
                % {"name": payload["name"], "sku": payload["sku"], "note": note},
                kind=Kind.PRODUCT,
                shop_id=shop_id,
                flowii_id=product["id"],
            )
    _upsert_links(Kind.PRODUCT, rows)
