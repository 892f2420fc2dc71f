"""What writing one wave of partners did, in the calling thread: each buyer logged, linked
and remembered in the book (so the run's later buyers join that partner, or wait for it)."""

from __future__ import annotations

from ..binder import Binder, keep_days_to_pay
from ..http import OutcomeUnknown, ends_run
from ..mapping import partners as mapping
from ..wording import words
from .partner_matching import Sent


def record_wave(book, binder: Binder, sent: list[Sent]) -> None:
    """Logs, links and remembers in `book` one wave (the calling thread); then raises an
    error that ends the run, if one came, so what the wave finished stays linked."""
    ctx, rows, stop = book.ctx, [], None
    for s in sent:
        b = s.buyer
        where = {"kind": b.kind, "shop_id": b.shop_id, "flowii_id": s.partner_id or s.gone}
        name = b.data.name
        if s.gone:
            binder.unbind(b.shop_id)
            ctx.warning(words("partner.gone", name=name, id=s.gone), **where)
        if s.error is not None:
            book.results[(b.kind, b.shop_id)] = s.error
            if isinstance(s.error, OutcomeUnknown):
                if s.action != "waits":
                    for key in mapping.match_keys(b.data):
                        book.unsettled[key] = s.error
                    ctx.error(words("partner.outcome_unknown", name=name, error=s.error), **where)
                else:
                    ctx.warning(words("partner.waits", name=name), **where)
            elif ends_run(s.error):
                stop = stop or s.error
            continue
        book.results[(b.kind, b.shop_id)] = s.partner_id
        if s.invoice_maturity is not None:  # read in the partner's detail just now
            book.maturities[s.partner_id] = s.invoice_maturity
        for key in mapping.match_keys(b.data):
            book.known.setdefault(key, (s.partner_id, b.data.ico))
        rows.append((b.shop_id, s.partner_id, b.fingerprint, "", b.modified))
        # A buyer joining a partner written in this run sends nothing: unchanged.
        ctx.count(
            {"created": "created", "joined": "unchanged"}.get(s.action, "updated"),
            kind="partner",
        )
        if s.action in ("created", "updated"):
            ctx.info(words(f"partner.{s.action}", name=name), **where)
        else:
            _log_link(ctx, s, where)
        for note in b.notes:
            ctx.warning(words("partner.warning", name=name, note=words(note)), **where)
    # Binding lets go of the partner's other shop records; buyers sharing one (a firm
    # buying with two e-mails) keep theirs, or they would take it from each other each run.
    mine = {row[0] for row in rows}
    for pid, other in binder.many_by_flowii(row[1] for row in rows).items():
        if other.shop_id not in mine:
            rows.append((other.shop_id, pid, other.fingerprint, "", other.shop_modified))
    binder.bind_many(rows)
    # The days to pay read in this wave's details stay with the links, for the orders of
    # returning buyers (found by their link, their partner not read again).
    keep_days_to_pay(
        {
            s.partner_id: _days(s.invoice_maturity)
            for s in sent
            if s.error is None and s.partner_id and s.invoice_maturity is not None
        }
    )
    if stop is not None:
        raise stop


def _days(value) -> int | None:
    """FLOWii's `invoice-maturity` as it can be kept (a whole number, 0 or more; anything
    else as none); what counts is decided by mapping.orders.maturity_days."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _log_link(ctx, s: Sent, where: dict) -> None:
    by = {"email": "e-mail", "ico": "IČO", "email+ico": "e-mail, IČO"}
    how = by[s.match.by] if s.match else "e-mail / IČO"
    name = s.buyer.data.name
    ctx.info(words("partner.linked", name=name, id=s.partner_id, by=how), **where)
    if s.match and s.match.passed_over:
        ids = ", ".join(str(i) for i in (s.partner_id, *s.match.passed_over))
        ctx.warning(
            words("partner.linked_several", name=name, by=how, ids=ids, id=s.partner_id),
            **where,
        )
