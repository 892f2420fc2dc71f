"""Writing one buyer's partner to FLOWii, with no database and no log (worker threads): the
linked partner updated, else one FLOWii's search offers and its detail confirms, else made."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..http import NotFound, RemoteError
from ..mapping import partners as mapping
from ..mapping.matching import Match, choose


@dataclass
class Buyer:
    """One buyer mapped: the link's kind and shop id, the partner we would send, warnings."""

    kind: str
    shop_id: str
    data: object  # PartnerData
    notes: tuple = ()
    modified: object = None  # the shop record's modification time (customers)
    fingerprint: str = field(init=False)

    def __post_init__(self):
        self.fingerprint = mapping.fingerprint(self.data)


@dataclass
class Sent:
    """What writing one buyer did (made in a worker thread, read in the calling thread)."""

    buyer: Buyer
    partner_id: int | None = None
    action: str = ""  # created, updated, linked, joined
    match: Match | None = None
    gone: int | None = None  # a linked partner FLOWii no longer has
    error: RemoteError | None = None
    invoice_maturity: object = None  # the partner's days to pay, when its detail was read


def send_partner(flowii, buyer: Buyer, linked: int | None) -> Sent:
    """Writes one partner: its link's partner updated, else the one matched updated, else
    one created. HTTP only (a worker thread)."""
    gone = None
    try:
        if linked:
            try:
                current = flowii.partner(linked)
                flowii.update_partner(linked, buyer.data, current=current)
                days = current.get("invoice_maturity")
                return Sent(buyer, linked, "updated", invoice_maturity=days)
            except NotFound:
                gone = linked  # deleted in FLOWii: matched or created again below
        found = match_partner(flowii, buyer.data)
        if found:
            match, detail = found
            flowii.update_partner(match.partner_id, buyer.data, current=detail)
            days = detail.get("invoice_maturity")
            return Sent(
                buyer, match.partner_id, "linked", match=match, gone=gone, invoice_maturity=days
            )
        return Sent(buyer, flowii.create_partner(buyer.data), "created", gone=gone)
    except RemoteError as error:
        return Sent(buyer, gone=gone, error=error)


def match_partner(flowii, data) -> tuple[Match, dict] | None:
    """The partner FLOWii's search offers for the e-mail, then the IČO, confirmed in its
    detail (connector/mapping/matching.py decides)."""
    email = data.key_contact.email if data.key_contact else ""
    details: dict[int, dict] = {}
    for text, by_email in ((email, True), (data.ico, False)):
        if not text:
            continue
        found = []
        for candidate in flowii.partners_matching(text):
            pid = int(candidate["id"])
            if pid not in details:
                try:
                    details[pid] = flowii.partner(pid)
                except NotFound:  # deleted since the search
                    continue
            found.append(details[pid])
        match = choose(found, email, data.ico, by_email=by_email)
        if match:
            return match, details[match.partner_id]
    return None
