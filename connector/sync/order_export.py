"""The intent record of each order's create (OrderExport), kept because FLOWii's creates are
not idempotent: saved before the create is sent, settled from the buyer's FLOWii documents
when the answer never came, and FLOWii's total read back and compared with the shop's."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.db.models import F

from ..binder import Binder
from ..http import EndsRun, RemoteError
from ..mapping.money import round_cent, to_decimal
from ..mapping.settle import LINK, OPERATOR, SEND, WAIT, Decision, candidates_of, settle
from ..models import Link, OrderExport
from ..wording import words

State = OrderExport.State
UNSETTLED = (State.SENDING, State.UNKNOWN)
Kind = Link.Kind


def in_threads(ctx, call, items: list) -> list:
    """`call(item)` for each item a few at a time: its answer, or the RemoteError it raised.
    Only HTTP happens there; the database and the log stay in the caller's thread."""

    def safe(item):
        try:
            return call(item)
        except RemoteError as error:
            return error

    workers = max(1, int(ctx.settings.order_export_concurrency or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(safe, items))


class Intents:
    def __init__(self, ctx):
        self.ctx = ctx
        self.links = Binder(Kind.ORDER)
        self.asked: set[str] = set()  # handed to the operator in this run (logged once)

    def rows_for(self, order_ids) -> dict[str, OrderExport]:
        ids = [str(i) for i in order_ids]
        return {r.shop_order_id: r for r in OrderExport.objects.filter(shop_order_id__in=ids)}

    # -- one create ------------------------------------------------------------------------
    def sending(self, order: dict, partner_id: int) -> OrderExport:
        """Saved BEFORE the create goes out: whatever happens next, the next run knows."""
        row, _new = OrderExport.objects.get_or_create(
            shop_order_id=str(order["id"]),
            defaults={"state": State.SENDING, "partner_id": partner_id, "total": 0},
        )
        row.state, row.partner_id = State.SENDING, partner_id
        row.shop_number = str(order.get("number") or order["id"])[:64]
        row.total = round_cent(to_decimal(order.get("total"), 0))
        row.creates_sent = F("creates_sent") + 1
        row.candidates, row.note = [], ""
        row.save()
        row.refresh_from_db(fields=["creates_sent"])
        return row

    def answered(self, row: OrderExport, answer: dict) -> None:
        """FLOWii made the document: the link first (what decides "exported"), then the row."""
        self.links.bind(
            row.shop_order_id,
            int(answer["id"]),
            flowii_number=str(answer.get("serial_nr") or ""),
            needs_write_back=True,
        )
        row.state = State.EXPORTED
        row.flowii_document_id = int(answer["id"])
        row.flowii_number = str(answer.get("serial_nr") or "")
        row.save(update_fields=["state", "flowii_document_id", "flowii_number", "updated_at"])

    def nothing_created(self, row: OrderExport) -> None:
        """FLOWii answered and made nothing (a refusal, a known outcome): no intent is left."""
        row.delete()

    def unknown(self, row: OrderExport, error) -> None:
        row.state, row.note = State.UNKNOWN, str(error)[:2000]
        row.save(update_fields=["state", "note", "updated_at"])

    # -- settling ----------------------------------------------------------------------------
    def settle_all(self) -> set[str]:
        """At the start of a run: every order whose create may have gone through is settled.
        Returns the shop order ids found not to be in FLOWii (to be sent again)."""
        rows = list(OrderExport.objects.filter(state__in=UNSETTLED).order_by("pk"))
        for row in rows:
            if row.state == State.SENDING:  # the process died between the create and its answer
                self.ctx.warning(
                    words("orders.interrupted", number=row.shop_number or row.shop_order_id),
                    kind=Kind.ORDER,
                    shop_id=row.shop_order_id,
                )
        return self.settle(rows)

    def settle(self, rows: list[OrderExport]) -> set[str]:
        """Settles `rows` from their partners' documents (one read per partner). Returns the
        ids of those to send again; the others are linked or wait for the operator."""
        to_send: set[str] = set()
        todo = []
        for row in rows:
            link = self.links.by_shop(row.shop_order_id)
            if link is not None:  # linked, but the row was not marked before a crash
                self._linked(row, link.flowii_id, link.flowii_number, None)
            else:
                todo.append(row)
        by_partner = defaultdict(list)
        for row in todo:
            by_partner[row.partner_id].append(row)
        partners = list(by_partner)
        rivals = defaultdict(list)  # unsettled orders of the same partners, not settled now
        others = OrderExport.objects.filter(partner_id__in=partners, state__in=UNSETTLED)
        for other in others.exclude(pk__in=[r.pk for r in todo]):
            rivals[other.partner_id].append(other.total)
        documents = in_threads(
            self.ctx, lambda p: list(self.ctx.flowii.partner_documents(p)), partners
        )
        for partner_id, found in zip(partners, documents, strict=True):
            if isinstance(found, RemoteError):
                if isinstance(found, EndsRun):
                    raise found
                self.ctx.warning(words("orders.documents_unread", partner=partner_id, error=found))
                continue
            to_send |= self._settle_partner(by_partner[partner_id], found, rivals[partner_id])
        return to_send

    def _settle_partner(self, rows: list, documents: list[dict], others: list) -> set[str]:
        candidates = candidates_of(documents, ())
        linked = set(self.links.many_by_flowii([c.id for c in candidates]))
        open_rows, to_send = list(rows), set()
        progress = True
        while open_rows and progress:  # a link made can decide the others
            progress = False
            for row in list(open_rows):
                rivals = [r.total for r in open_rows if r is not row] + others
                decision = settle(candidates, linked, row.total, rivals)
                if decision.action == WAIT:
                    continue
                open_rows.remove(row)
                progress = True
                if decision.action == LINK:
                    linked.add(decision.document.id)
                    doc = decision.document
                    self._linked(row, doc.id, doc.serial_nr, doc.total)
                elif decision.action == SEND:
                    to_send.add(row.shop_order_id)
                    self.ctx.info(
                        words("orders.settled_send", number=row.shop_number),
                        kind=Kind.ORDER,
                        shop_id=row.shop_order_id,
                    )
                else:
                    self._operator(row, decision)
        free = tuple(c for c in candidates if c.id not in linked)
        for row in open_rows:  # still undecidable between the partner's orders
            self._operator(row, Decision(OPERATOR, candidates=free))
        return to_send

    def _linked(self, row: OrderExport, flowii_id: int, number: str, total) -> None:
        self.answered(row, {"id": flowii_id, "serial_nr": number})
        self.ctx.count("created", kind="order")
        self.ctx.info(
            words("orders.settled_linked", number=row.shop_number, flowii_number=number),
            kind=Kind.ORDER,
            shop_id=row.shop_order_id,
            flowii_id=flowii_id,
        )
        if total is not None:
            self.compare(row, total)

    def _operator(self, row: OrderExport, decision: Decision) -> None:
        self.asked.add(row.shop_order_id)
        row.state = State.NEEDS_OPERATOR
        row.candidates = [c.as_dict() for c in decision.candidates]
        row.save(update_fields=["state", "candidates", "updated_at"])
        self.ctx.count("failed", kind="order")
        listed = ", ".join(f"{c.serial_nr or c.id} ({c.total})" for c in decision.candidates)
        self.ctx.error(
            words("orders.operator", number=row.shop_number, total=row.total, candidates=listed),
            kind=Kind.ORDER,
            shop_id=row.shop_order_id,
        )

    # -- FLOWii's total, read back ------------------------------------------------------------
    def read_back(self, rows: list[OrderExport]) -> None:
        """FLOWii's total of each created document against the shop's: one read of each
        partner's documents for all of its orders in `rows`."""
        by_partner = defaultdict(list)
        for row in rows:
            by_partner[row.partner_id].append(row)
        partners = list(by_partner)
        documents = in_threads(
            self.ctx, lambda p: list(self.ctx.flowii.partner_documents(p)), partners
        )
        for partner_id, found in zip(partners, documents, strict=True):
            totals = {}
            if not isinstance(found, RemoteError):
                totals = {int(d["id"]): d.get("taxed_gross_amount") for d in found}
            for row in by_partner[partner_id]:
                total = totals.get(row.flowii_document_id)
                if total is None:
                    self.ctx.warning(
                        words(
                            "orders.total_unread",
                            number=row.shop_number,
                            flowii_number=row.flowii_number,
                        ),
                        kind=Kind.ORDER,
                        shop_id=row.shop_order_id,
                    )
                else:
                    self.compare(row, total)

    def compare(self, row: OrderExport, flowii_total) -> None:
        """Records FLOWii's total; a difference is flagged, never a reason to send again."""
        row.flowii_total = round_cent(to_decimal(flowii_total))
        row.total_differs = row.flowii_total != round_cent(row.total)
        row.save(update_fields=["flowii_total", "total_differs", "updated_at"])
        if row.total_differs:
            self.ctx.warning(
                words(
                    "orders.total_differs",
                    number=row.shop_number,
                    flowii_number=row.flowii_number,
                    flowii=row.flowii_total,
                    shop=round_cent(row.total),
                ),
                kind=Kind.ORDER,
                shop_id=row.shop_order_id,
                flowii_id=row.flowii_document_id,
            )

    def operator_count(self) -> int:
        return OrderExport.objects.filter(state=State.NEEDS_OPERATOR).count()
