"""The settle decision: which FLOWii document, if any, a shop order whose create may or may not
have gone through became, judged from its partner's documents alone (FLOWii has no external id
and no idempotency key). Pure: no Django, no I/O; connector/sync/order_export.py applies it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..records import RECEIVED_ORDER
from .money import round_cent, to_decimal

LINK = "link"  # the document is the order's: link it
SEND = "send"  # nothing the order could have become: its create may be sent (again)
OPERATOR = "operator"  # several documents it could be: the operator decides
WAIT = "wait"  # other orders of the partner are unsettled too: decide once they are
LATER = "later"  # nothing found yet, but the last create may still land: look again next run

# How long after its create was sent an order found in none of its partner's documents may
# still appear there: the server may hold a create past the client's read timeout and carry
# it out afterwards. Longer than any read timeout (the setting CONNECTOR_SETTLE_AFTER_SECONDS).
SETTLE_AFTER_SECONDS = 120
# How far FLOWii's total of a lone candidate may be from the shop's and still be this order:
# FLOWii's rounding of a line may differ by a cent.
ROUNDING_GAP = Decimal("0.01")


@dataclass(frozen=True)
class Candidate:
    """A FLOWii received order that no shop order is linked to."""

    id: int
    serial_nr: str
    total: Decimal | None  # FLOWii's `taxed-gross-amount`

    def as_dict(self) -> dict:
        total = None if self.total is None else str(self.total)
        return {"id": self.id, "serial_nr": self.serial_nr, "total": total}


@dataclass(frozen=True)
class Decision:
    action: str  # LINK, SEND, OPERATOR, WAIT or LATER
    document: Candidate | None = None  # with LINK
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)  # with OPERATOR / WAIT
    total_differs: bool = False  # with LINK: FLOWii's total is not the shop's

    @property
    def flowii_total(self) -> Decimal | None:
        return self.document.total if self.document else None


def candidates_of(documents: Iterable[dict], linked_ids: Iterable[int]) -> list[Candidate]:
    """The partner's received orders (type 5) that no shop order is linked to, by id."""
    linked = {int(i) for i in linked_ids}
    found = []
    for document in documents:
        if document.get("type") != RECEIVED_ORDER or int(document["id"]) in linked:
            continue
        found.append(
            Candidate(
                id=int(document["id"]),
                serial_nr=str(document.get("serial_nr") or ""),
                total=_total(document.get("taxed_gross_amount")),
            )
        )
    return sorted(found, key=lambda c: c.id)


def settle(
    candidates: Iterable[dict | Candidate],
    linked_ids: Iterable[int],
    shop_total: Decimal,
    rival_totals: Iterable[Decimal] = (),
    *,
    sent_ago: float | None = None,
    settle_after: float = SETTLE_AFTER_SECONDS,
) -> Decision:
    """What to do with one order whose create may have succeeded.

    `candidates`: the partner's documents (as the adapter gives them, or Candidates);
    `linked_ids`: the documents shop orders are linked to already; `rival_totals`: the shop
    totals of the partner's OTHER orders still to be settled (a lone document could be theirs);
    `sent_ago`: seconds since the order's last create was sent (None: unknown, long ago).

    One free received order: it is this order's when its total is the shop's within a cent
    (a cent off is flagged: FLOWii's rounding may differ); further off, the operator decides
    (it may be an order typed in by hand) — never a reason to send again. None: nothing was created, send;
    but only once the last create was sent more than `settle_after` seconds ago, because a
    create the server still holds may land after this read (until then: LATER).
    Several: the one whose total equals the shop's to the cent if exactly one does, else the
    operator. With rivals, a document is this order's only when its total says so alone."""
    linked = {int(i) for i in linked_ids}
    free = [c for c in _as_candidates(candidates) if c.id not in linked]
    if not free:
        if sent_ago is not None and sent_ago <= settle_after:
            return Decision(LATER)
        return Decision(SEND)
    total = round_cent(shop_total)
    rivals = [round_cent(t) for t in rival_totals]
    matching = [c for c in free if c.total == total]
    if rivals:
        if len(matching) == 1 and total not in rivals:
            return Decision(LINK, matching[0])
        return Decision(WAIT, candidates=tuple(free))
    if len(free) == 1:
        lone = free[0]
        if lone.total is not None and abs(lone.total - total) <= ROUNDING_GAP:
            return Decision(LINK, lone, total_differs=lone.total != total)
        # Further off than FLOWii's rounding can explain (or unreadable): it may be a received
        # order someone typed in by hand for this partner. Never sent again; the operator says.
        return Decision(OPERATOR, candidates=(lone,))
    if len(matching) == 1:
        return Decision(LINK, matching[0])
    return Decision(OPERATOR, candidates=tuple(free))


def _as_candidates(items: Iterable[dict | Candidate]) -> list[Candidate]:
    items = list(items)
    plain = [i for i in items if isinstance(i, Candidate)]
    documents = [i for i in items if not isinstance(i, Candidate)]
    return sorted(plain + candidates_of(documents, ()), key=lambda c: c.id)


def _total(value) -> Decimal | None:
    try:
        return round_cent(to_decimal(value))
    except ValueError:
        return None
