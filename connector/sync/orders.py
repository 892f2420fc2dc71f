"""Orders from the shop into FLOWii received orders, exactly once: the buyer's partner is
ensured first, the order is created with externalId = the shop's order id (so a retry after a
crash finds the existing one), then FLOWii's number is written back to the shop order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed

from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from ..dates import parse_utc, to_shop_gmt
from ..http import AuthenticationError, RemoteError
from ..mapping.customers import PartnerProblem, guest_key
from ..mapping.order_checks import order_notes, order_problem
from ..mapping.orders import OrderChoices, OrderNotExportable, map_order
from ..models import Link, PaymentMapping, ShippingMapping
from .context import stops_the_run
from .customers import PRELOAD_ABOVE, PartnerBook

STREAM = "orders"
Kind = Link.Kind
PAGE = 100
NUMBER_META = "_flowii_order_number"


def export_new_orders(ctx) -> None:
    _export(ctx, historic=False)


def export_earlier_orders(ctx) -> None:
    _export(ctx, historic=True)


def resend_order(ctx, order_id: int) -> None:
    """Exports one order again (idempotent: FLOWii answers with the existing one)."""
    order = ctx.woo.get(f"orders/{int(order_id)}", dp=4)
    exporter = OrderExporter(ctx)
    exporter.export_page([order], force=True)
    exporter.write_back()


def _export(ctx, historic: bool) -> None:
    settings = ctx.settings
    problems = []
    if settings.supplier_company_id is None:
        problems.append(_("no supplier company is chosen"))
    if settings.customer_type_id is None:
        problems.append(_("no customer type is chosen"))
    if settings.non_stock_unit_id is None:
        problems.append(_("no unit for non-stock items is chosen"))
    if problems:
        ctx.error(
            _("Orders are not exported: %(problems)s. Choose them in Settings.")
            % {"problems": ", ".join(problems)}
        )
        ctx.count("failed")
        return
    params = {"status": ",".join(settings.order_statuses or ["processing", "completed"]), "dp": 4}
    params.update(orderby="date", order="asc")
    stream = "historic-orders" if historic else STREAM
    if historic:
        if settings.new_orders_from:
            params.update(before=to_shop_gmt(settings.new_orders_from), dates_are_gmt="true")
    else:
        since = ctx.bookmark(stream)
        if since:
            params.update(modified_after=to_shop_gmt(since), dates_are_gmt="true")
        if settings.new_orders_from:
            params.update(after=to_shop_gmt(settings.new_orders_from), dates_are_gmt="true")
    exporter = OrderExporter(ctx, stream=stream)
    page = []

    def on_total(total):
        ctx.progress(done=0, total=total, label="orders")
        ctx.read_at(stream, ctx.woo.server_time())

    for order in ctx.woo.iter_pages("orders", params, on_total=on_total):
        page.append(order)
        if len(page) == PAGE:
            exporter.export_page(page)
            exporter.write_back()  # page by page: memory stays flat however many orders
            page = []
    if page:
        exporter.export_page(page)
    exporter.write_back()


def after_flowii_answered(order: dict, flowii_order: dict) -> None:
    """Called between FLOWii's answer and saving the link; tests make it raise to prove a
    crash at this point never leads to a second FLOWii order."""


class OrderExporter:
    """Exports pages of shop orders: partners one at a time (so one buyer never gets two
    partners), the FLOWii creates a few at a time, the write-back in batches."""

    def __init__(self, ctx, stream: str = STREAM):
        self.ctx = ctx
        self.stream = stream
        self.partners = PartnerBook(ctx)
        self._choices = None

    def choices(self) -> OrderChoices:
        if self._choices is None:
            s = self.ctx.settings
            products = Link.objects.filter(kind=Kind.PRODUCT).values_list(
                "shop_id", "flowii_id", "flowii_unit_id"
            )
            shipping = ShippingMapping.objects.exclude(flowii_product_id=None)
            self._choices = OrderChoices(
                supplier_company_id=s.supplier_company_id,
                non_stock_unit_id=s.non_stock_unit_id,
                product_unit_ids={
                    flowii: unit or s.non_stock_unit_id for _shop, flowii, unit in products
                },
                product_links={int(shop): flowii for shop, flowii, _unit in products},
                shipping_items={m.key: m.flowii_product_id for m in shipping},
                shipping_unit_ids={
                    m.flowii_product_id: m.flowii_unit_id or s.non_stock_unit_id for m in shipping
                },
                payment_types={
                    p.gateway_id: p.flowii_payment_type_id
                    for p in PaymentMapping.objects.exclude(flowii_payment_type_id=None)
                },
            )
        return self._choices

    def export_page(self, orders: list[dict], force: bool = False) -> None:
        ctx = self.ctx
        linked = set(
            Link.objects.filter(
                kind=Kind.ORDER, shop_id__in=[str(o["id"]) for o in orders]
            ).values_list("shop_id", flat=True)
        )
        todo = []
        for order in orders:
            ctx.count("read")
            ctx.seen(self.stream, parse_utc(order.get("date_modified_gmt")))
            if str(order["id"]) in linked and not force:
                ctx.count("unchanged")
                ctx.progress(step=1)
                continue
            todo.append(order)
        if not todo:
            return
        buyer_of, partners = self._partners(todo)
        ready = []
        for order in todo:
            body = self._prepare(order, partners.get(buyer_of.get(order["id"])))
            if body is not None:
                ready.append((order, body))
        if not ready:
            return
        workers = max(1, int(ctx.settings.order_export_concurrency or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(self._create, item): item[0] for item in ready}
            # Each link is saved as soon as FLOWii has answered for its order, so a crash
            # mid-page leaves as little as possible for the next run to find again.
            for future in as_completed(futures):
                self._created(futures[future], *future.result())

    def _created(self, order: dict, flowii_order: dict | None, created: bool, error) -> None:
        ctx = self.ctx
        if error is not None:
            # Worded here, not in the exporting thread: the run's language is this thread's.
            if stops_the_run(error):
                self._failed(order, _("FLOWii did not take it: %(error)s") % {"error": error})
            else:
                self._failed(order, _("FLOWii refused it: %(error)s") % {"error": error})
            return
        ctx.progress(step=1, label="orders")
        after_flowii_answered(order, flowii_order)
        Link.objects.update_or_create(
            kind=Kind.ORDER,
            shop_id=str(order["id"]),
            defaults={
                "flowii_id": flowii_order["id"],
                "flowii_number": flowii_order.get("number") or "",
                "shop_modified": parse_utc(order.get("date_modified_gmt")),
                "needs_write_back": True,
                "synced_at": timezone.now(),
            },
        )
        ctx.count("created" if created else "unchanged")
        number = order.get("number") or order["id"]
        for note in order_notes(order):
            ctx.warning(
                _("Order %(number)s: %(note)s.") % {"number": number, "note": note},
                kind=Kind.ORDER,
                shop_id=order["id"],
                flowii_id=flowii_order["id"],
            )
        if created:
            message = _("Order %(number)s created in FLOWii as %(flowii_number)s.")
        else:
            message = _("Order %(number)s was already in FLOWii as %(flowii_number)s.")
        ctx.info(
            message % {"number": number, "flowii_number": flowii_order.get("number")},
            kind=Kind.ORDER,
            shop_id=order["id"],
            flowii_id=flowii_order["id"],
        )

    def _buyers(self, orders: list[dict]) -> tuple[dict[int, int], dict[int, dict]]:
        """The partners already linked to these orders' shop customers, and the customers
        who have none yet, read in one request; many new buyers at once are matched against
        one read of all FLOWii partners."""
        ids = {int(o["customer_id"]) for o in orders if o.get("customer_id")}
        linked = {
            int(shop_id): flowii_id
            for shop_id, flowii_id in Link.objects.filter(
                kind=Kind.CUSTOMER, shop_id__in=[str(i) for i in ids]
            ).values_list("shop_id", "flowii_id")
        }
        missing = sorted(ids - set(linked))
        guests = {guest_key(o) for o in orders if not o.get("customer_id")}
        guests -= set(
            Link.objects.filter(kind=Kind.GUEST, shop_id__in=guests).values_list(
                "shop_id", flat=True
            )
        )
        if len(missing) + len(guests) > PRELOAD_ABOVE and not self.partners.preloaded:
            self.partners.preload()
        if not missing:
            return linked, {}
        found = self.ctx.woo.get(
            "customers", include=",".join(map(str, missing)), per_page=100, role="all"
        )
        return linked, {c["id"]: c for c in found or []}

    def _partners(self, orders: list[dict]) -> tuple[dict, dict]:
        """Each order's buyer, and each buyer's FLOWii partner id (or the problem that stops
        it). A buyer is planned once however many orders it has, so it never gets two
        partners; the partners to write go to FLOWii a few at a time."""
        book = self.partners
        linked_customers, buyers = self._buyers(orders)
        buyer_of, partners, jobs = {}, {}, {}
        for order in orders:
            if order_problem(order):
                continue  # not exported: no partner for it either
            customer_id = int(order.get("customer_id") or 0)
            linked = linked_customers.get(customer_id)
            if linked or customer_id in buyers:
                key = (Kind.CUSTOMER, str(customer_id))
            else:
                # A guest, or an account gone from the shop: the billing data names the buyer.
                key = (Kind.GUEST, guest_key(order))
            buyer_of[order["id"]] = key
            if key in partners or key in jobs:
                continue
            if linked:
                partners[key] = linked
                continue
            try:
                if key[0] == Kind.CUSTOMER:
                    customer = buyers[customer_id]
                    payload, notes = book.customer_payload(customer)
                    modified = parse_utc(customer.get("date_modified_gmt"))
                else:
                    payload, notes = book.guest_payload(order)
                    modified = None
            except PartnerProblem as problem:
                partners[key] = problem
                continue
            job = book.plan(key[0], key[1], payload, modified, notes)
            if isinstance(job, int):
                partners[key] = job
            else:
                jobs[key] = job
        if jobs:
            answers = book.send_all(list(jobs.values()))
            for (key, job), answer in zip(jobs.items(), answers, strict=True):
                if isinstance(answer, RemoteError):
                    if stops_the_run(answer):
                        raise answer
                    partners[key] = answer
                else:
                    partners[key] = book.finish(job, *answer)
        return buyer_of, partners

    def _prepare(self, order: dict, partner):
        problem = order_problem(order)
        if problem:
            self._failed(order, problem + ".", skipped=True)
            return None
        if isinstance(partner, PartnerProblem):
            self._failed(
                order,
                _("its buyer cannot become a FLOWii partner: %(reason)s.")
                % {"reason": partner.reason},
            )
            return None
        if isinstance(partner, RemoteError):
            self._failed(order, _("FLOWii refused its buyer: %(error)s") % {"error": partner})
            return None
        try:
            return map_order(order, partner, self.choices())
        except OrderNotExportable as problem:
            self._failed(order, f"{problem.reason} {problem.fix}".strip(), skipped=True)
        return None

    def _create(self, item):
        order, body = item
        try:
            flowii_order, created = self.ctx.flowii.create_order(body)
            return flowii_order, created, None
        except RemoteError as exc:
            return None, False, exc
        finally:
            close_old_connections()

    def _failed(self, order: dict, reason: str, skipped: bool = False) -> None:
        ctx = self.ctx
        ctx.count("skipped" if skipped else "failed")
        ctx.failed_at(self.stream, parse_utc(order.get("date_modified_gmt")))
        ctx.progress(step=1)
        ctx.error(
            _("Order %(number)s is not exported: %(reason)s It is tried again on the next run.")
            % {"number": order.get("number") or order.get("id"), "reason": reason},
            kind=Kind.ORDER,
            shop_id=order.get("id"),
        )

    def write_back(self) -> None:
        """FLOWii's numbers onto the shop orders: meta in batches of 100, then a note each
        (the shop has no batch for notes: they go a few at a time)."""
        last = 0
        while True:
            pending = list(
                Link.objects.filter(kind=Kind.ORDER, needs_write_back=True, pk__gt=last).order_by(
                    "pk"
                )[:PAGE]
            )
            if not pending:
                return
            last = pending[-1].pk
            self._write_back_page(pending)

    def _write_back_page(self, pending: list[Link]) -> None:
        ctx = self.ctx
        update = [
            {
                "id": int(link.shop_id),
                "meta_data": [{"key": NUMBER_META, "value": link.flowii_number}],
            }
            for link in pending
        ]
        results = ctx.woo.batch("orders", update=update)
        done = []
        for link, result in zip(pending, results, strict=True):
            if result.error:
                ctx.warning(
                    _(
                        "FLOWii number %(flowii_number)s could not be written to shop order "
                        "%(order)s: %(error)s. It is tried again on the next run."
                    )
                    % {
                        "flowii_number": link.flowii_number,
                        "order": link.shop_id,
                        "error": result.error.get("message") or result.error.get("code"),
                    },
                    kind=Kind.ORDER,
                    shop_id=link.shop_id,
                    flowii_id=link.flowii_id,
                )
                continue
            done.append(link)
        # The number is on the order now; the note only repeats it for the order's history.
        # A note whose answer was lost may have been added, so it is never sent again.
        Link.objects.filter(pk__in=[link.pk for link in done]).update(needs_write_back=False)
        notes = [
            (
                link,
                _("Exported to FLOWii as received order %(number)s.")
                % {"number": link.flowii_number},
            )
            for link in done
        ]
        workers = max(1, int(ctx.settings.order_export_concurrency or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            problems = list(pool.map(self._add_note, notes))
        for (link, _note), problem in zip(notes, problems, strict=True):
            if problem is None:
                continue
            ctx.warning(
                _(
                    "The note with FLOWii number %(flowii_number)s could not be added to "
                    "shop order %(order)s (%(error)s); the number is in the order's "
                    "%(field)s field."
                )
                % {
                    "flowii_number": link.flowii_number,
                    "order": link.shop_id,
                    "error": problem,
                    "field": NUMBER_META,
                },
                kind=Kind.ORDER,
                shop_id=link.shop_id,
                flowii_id=link.flowii_id,
            )

    def _add_note(self, item) -> RemoteError | None:
        link, note = item
        try:
            self.ctx.woo.add_order_note(int(link.shop_id), note)
        except AuthenticationError:
            raise
        except RemoteError as exc:
            return exc
        return None
