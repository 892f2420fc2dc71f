"""One page of shop orders into FLOWii: check and map each order (pure), find the buyers'
partners, record the intent, create a few at a time, link, log, read FLOWii's totals back."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed

from ..binder import Binder
from ..dates import parse_utc
from ..http import EndsRun, OutcomeUnknown, RemoteError
from ..mapping.order_checks import modified_text, order_notes, order_problem, product_ids
from ..mapping.orders import OrderChoices, for_partner, map_order
from ..mapping.refusals import Refusal
from ..models import Link, OrderExport, PaymentMapping, ShippingMapping
from ..wording import words
from .order_export import UNSETTLED, Intents
from .order_settle import Settling
from .partners import PartnerBook
from .write_back import write_back

Kind = Link.Kind
HELD = {"order.payment_unmapped", "order.payment_missing", "order.shipping_unmapped"}
REQUIRED = {  # setting -> what the log says is missing
    "supplier_company_data_id": "orders.missing.company_data",
    "numbering_sequence_id": "orders.missing.numbering_sequence",
    "non_stock_unit_id": "orders.missing.unit",
    "business_relationship_id": "orders.missing.customer_type",
}


class OrderExporter:
    """What one orders run shares between its pages: the intents, the partner book, the
    mapping's choices (read once) and how many orders wait for a method to be mapped."""

    def __init__(self, ctx, stream: str | None):
        self.ctx, self.stream = ctx, stream
        self.intents = Intents(ctx)
        self.settling = Settling(self.intents)
        self.partners = PartnerBook(ctx)
        self.held = 0
        self._choices = None

    def ready(self) -> bool:
        """The settings every order needs; missing ones: one line, and nothing is exported."""
        missing = [
            words(code) for name, code in REQUIRED.items() if not getattr(self.ctx.settings, name)
        ]
        if missing:
            self.ctx.error(words("orders.settings_missing", missing=", ".join(missing)))
            self.ctx.count("failed", kind="order")
        return not missing

    def choices(self) -> OrderChoices:
        if self._choices is None:
            s = self.ctx.settings
            shipping = list(ShippingMapping.objects.exclude(flowii_delivery_type_id=None))
            self._choices = OrderChoices(
                company_data_id=s.supplier_company_data_id,
                numbering_sequence_id=s.numbering_sequence_id,
                non_stock_unit_id=s.non_stock_unit_id,
                maturity_days=s.order_maturity_days,
                payment_methods={
                    p.gateway_id: p.flowii_payment_method_id
                    for p in PaymentMapping.objects.exclude(flowii_payment_method_id=None)
                },
                delivery_types={m.key: m.flowii_delivery_type_id for m in shipping},
                shipping_goods={m.key: m.flowii_good_id for m in shipping if m.flowii_good_id},
            )
        return self._choices

    def export_page(self, orders: list[dict], settled: bool = False) -> None:
        ctx = self.ctx
        linked = Binder(Kind.ORDER).many_by_shop(o["id"] for o in orders)
        rows = self.intents.rows_for(o["id"] for o in orders)
        later = self.intents.later  # settled in this run already: looked at next run
        unsure = [
            r
            for r in rows.values()
            if r.state in UNSETTLED and not settled and r.shop_order_id not in later
        ]
        again = self.settling.settle(unsure) if unsure else set()
        linked |= Binder(Kind.ORDER).many_by_shop(r.shop_order_id for r in unsure)
        goods = self._goods(orders)
        mapped = []
        for order in orders:
            ctx.count("read", kind="order")
            if self.stream:
                ctx.seen(self.stream, parse_utc(modified_text(order)))
            row, key = rows.get(str(order["id"])), str(order["id"])
            if key in linked:
                ctx.count("unchanged", kind="order")
            elif key in self.intents.asked:
                continue  # handed to the operator in this run, with its line in the log
            elif row and row.state == OrderExport.State.NEEDS_OPERATOR and not settled:
                waits = words("orders.operator_waits", number=order.get("number"))
                self._failed(order, None, waits, retry=False)
            elif row and row.state in UNSETTLED and not settled and key not in again:
                continue  # settled as waiting (its documents could not be read): next run
            elif problem := order_problem(order):
                self._failed(order, problem)
            else:
                try:
                    mapped.append((order, map_order(order, 0, self.choices(), goods)))
                except Refusal as refusal:
                    self._failed(order, refusal)
        buyers = self.partners.for_orders([o for o, _r in mapped]) if mapped else {}
        found = [b for b in buyers.values() if isinstance(b, int)]  # partner ids, not failures
        days = self.partners.maturities_of(found)
        ready = []
        for order, received in mapped:
            buyer = buyers.get(order["id"])
            if isinstance(buyer, Refusal):
                self._failed(order, None, words("orders.buyer_refused", reason=words(buyer)))
            elif isinstance(buyer, RemoteError) or buyer is None:
                self._failed(order, None, words("orders.buyer_failed", error=buyer))
            else:
                own = days[buyer]
                received = for_partner(received, buyer, own, self.choices().maturity_days)
                ready.append((order, received))
        self._send(ready)
        write_back(ctx)

    def _goods(self, orders: list[dict]) -> dict[int, int]:
        ids = product_ids(orders)
        return {int(s): b.flowii_id for s, b in Binder(Kind.PRODUCT).many_by_shop(ids).items()}

    def _send(self, ready: list) -> None:
        if not ready:
            return
        rows = {o["id"]: self.intents.sending(o, r.partner_id) for o, r in ready}
        stop = None
        workers = max(1, int(self.ctx.settings.order_export_concurrency or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(self._create, r): o for o, r in ready}
            try:
                for future in as_completed(futures):  # each answer saved as soon as it is in
                    order, (received, answer) = futures[future], future.result()
                    stop = self._answered(order, rows[order["id"]], received, answer) or stop
            except BaseException:  # whatever stops here: no further create goes out
                pool.shutdown(wait=True, cancel_futures=True)
                for future, order in futures.items():  # never sent: no intent is left
                    if future.cancelled():
                        self.intents.nothing_created(rows[order["id"]])
                raise
        self.intents.read_back([r for r in rows.values() if r.state == OrderExport.State.EXPORTED])
        if stop is not None:
            raise stop

    def _answered(self, order: dict, row, received, answer) -> EndsRun | None:
        if isinstance(answer, OutcomeUnknown):
            self.intents.unknown(row, answer)
            lost = words("orders.unknown", number=order.get("number"), error=answer)
            self._failed(order, None, lost, retry=False)
        elif isinstance(answer, RemoteError):  # FLOWii answered: nothing was created
            self.intents.nothing_created(row)
            ends = isinstance(answer, EndsRun)
            code = "orders.flowii_not_taken" if ends else "orders.flowii_refused"
            self._failed(order, None, words(code, error=answer))
            return answer if ends else None
        else:
            from . import orders  # its hook, looked up when called (tests replace it)

            orders.after_flowii_answered(order, answer)
            self.intents.answered(row, answer)
            self._created(order, received, answer)
        return None

    def _create(self, received):
        try:  # HTTP only: the database and the log stay in the main thread
            return received, self.ctx.flowii.create_received_order(received)
        except RemoteError as error:
            return received, error

    def _created(self, order: dict, received, answer: dict) -> None:
        ctx, number = self.ctx, order.get("number") or order["id"]
        where = {"kind": Kind.ORDER, "shop_id": order["id"], "flowii_id": answer["id"]}
        ctx.count("created", kind="order")
        ctx.progress(step=1)
        ctx.info(
            words("orders.created", number=number, flowii_number=answer.get("serial_nr")), **where
        )
        if not received.variable_symbol:
            ctx.warning(words("orders.variable_symbol", number=number), **where)
        for code, params in order_notes(order):
            ctx.warning(words("orders.note", number=number, note=words(code, **params)), **where)

    def _failed(self, order: dict, refusal: Refusal | None, reason: str = "", retry=True) -> None:
        ctx = self.ctx
        held = refusal is not None and refusal.code in HELD
        self.held += held
        ctx.count("skipped" if held else "failed", kind="order")
        ctx.progress(step=1)
        if retry and self.stream:
            ctx.failed_at(self.stream, parse_utc(modified_text(order)))
        number, reason = order.get("number") or order.get("id"), reason or words(refusal)
        code = "orders.held" if held else "orders.not_exported" if retry else None
        message = words(code, number=number, reason=reason) if code else reason
        ctx.error(message, kind=Kind.ORDER, shop_id=order.get("id"))
