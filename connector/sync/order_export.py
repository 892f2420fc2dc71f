"""The intent record of each order's create (OrderExport), kept because FLOWii's creates are
not idempotent: saved before the create is sent, marked with its answer (or its lack), and
FLOWii's total read back and compared with the shop's. Settling lives in order_settle.py."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.db.models import F
from django.utils import timezone

from ..binder import Binder
from ..http import RemoteError
from ..mapping.money import round_cent, to_decimal
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
    """The OrderExport rows of one run: the intent saved before each create, its answer, and
    FLOWii's total read back. Settling the unanswered ones is order_settle.py's job."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.links = Binder(Kind.ORDER)
        self.asked: set[str] = set()  # handed to the operator in this run (logged once)
        self.later: set[str] = set()  # settled as "check again next run" in this run

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
        row.sent_at = timezone.now()
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
