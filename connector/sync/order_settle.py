"""Settling: the orders whose create was sent and never answered (or whose process died while
it was out), decided from their partners' FLOWii documents: linked, sent again once no held
create can still land, checked again on the next run, or handed to the operator."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings as django_settings
from django.utils import timezone

from ..http import EndsRun, RemoteError
from ..mapping.settle import (
    LATER,
    LINK,
    OPERATOR,
    SEND,
    SETTLE_AFTER_SECONDS,
    WAIT,
    Decision,
    candidates_of,
    settle,
)
from ..models import OrderExport
from ..wording import words
from .order_export import UNSETTLED, Intents, Kind, State, in_threads


def settle_after() -> float:
    """Seconds after its last create an order found nowhere may be sent again (a setting)."""
    return float(getattr(django_settings, "CONNECTOR_SETTLE_AFTER_SECONDS", SETTLE_AFTER_SECONDS))


class Settling:
    """Applies the settle decision (connector/mapping/settle.py) to the unsettled orders of
    a run, one read of documents per partner; what it decides is kept on the intents."""

    def __init__(self, intents: Intents):
        self.intents, self.ctx = intents, intents.ctx
        self.grace = settle_after()

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
        ids of those to send again; the others are linked, checked again next run, or wait
        for the operator."""
        to_send: set[str] = set()
        todo = []
        for row in rows:
            link = self.intents.links.by_shop(row.shop_order_id)
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
        linked = set(self.intents.links.many_by_flowii([c.id for c in candidates]))
        open_rows, to_send = list(rows), set()
        now = timezone.now()
        progress = True
        while open_rows and progress:  # a link made can decide the others
            progress = False
            for row in list(open_rows):
                rivals = [r.total for r in open_rows if r is not row] + others
                ago = (now - row.sent_at).total_seconds() if row.sent_at else None
                decision = settle(
                    candidates, linked, row.total, rivals, sent_ago=ago, settle_after=self.grace
                )
                if decision.action == WAIT:
                    continue
                open_rows.remove(row)
                progress = True
                self._apply(row, decision, linked, to_send)
        free = tuple(c for c in candidates if c.id not in linked)
        for row in open_rows:  # still undecidable between the partner's orders
            self._operator(row, Decision(OPERATOR, candidates=free))
        return to_send

    def _apply(self, row: OrderExport, decision: Decision, linked: set, to_send: set) -> None:
        where = {"kind": Kind.ORDER, "shop_id": row.shop_order_id}
        if decision.action == LINK:
            linked.add(decision.document.id)
            doc = decision.document
            self._linked(row, doc.id, doc.serial_nr, doc.total)
        elif decision.action == SEND:
            to_send.add(row.shop_order_id)
            self.ctx.info(words("orders.settled_send", number=row.shop_number), **where)
        elif decision.action == LATER:  # stays "to settle": its create may still land
            self.intents.later.add(row.shop_order_id)
            later = words("orders.settled_later", number=row.shop_number, seconds=int(self.grace))
            self.ctx.info(later, **where)
        else:
            self._operator(row, decision)

    def _linked(self, row: OrderExport, flowii_id: int, number: str, total) -> None:
        self.intents.answered(row, {"id": flowii_id, "serial_nr": number})
        self.ctx.count("created", kind="order")
        self.ctx.info(
            words("orders.settled_linked", number=row.shop_number, flowii_number=number),
            kind=Kind.ORDER,
            shop_id=row.shop_order_id,
            flowii_id=flowii_id,
        )
        if total is not None:
            self.intents.compare(row, total)

    def _operator(self, row: OrderExport, decision: Decision) -> None:
        self.intents.asked.add(row.shop_order_id)
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
