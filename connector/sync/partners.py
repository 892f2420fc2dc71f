"""The partner book: the FLOWii partner of each shop customer and guest buyer, found by its
link, else matched (e-mail, then IČO, confirmed in the detail), else created; updated only
when what we would send changed. Used by the customers and the orders stream alike.

API (stable; make ONE book per run: it caches FLOWii's countries and what this run did):

    book = PartnerBook(ctx)
    book.for_orders(orders: list[dict]) -> dict[int, int | Refusal | RemoteError]
        shop order id -> FLOWii partner id, or why not: a Refusal (bad buyer data, worded by
        connector.wording.words) or a RecordRefused (FLOWii refused the partner). A partner
        create without a known outcome gives that OutcomeUnknown (already logged here; the
        next run's matching finds the partner): the order waits, it is not the order's own
        create. Any other EndsRun error is raised. A registered customer's order uses the
        customer's partner (customers read in one request per 100); a guest's (customer_id
        0), or one whose account is gone or is staff, uses the billing data (guest_key).
    book.partner_of_customer(customer: dict) -> int   (raises Refusal / RemoteError)
    book.forget(partner_id: int) -> None
        FLOWii said the partner is gone (an order refused for it): its buyers are unlinked
        and the next for_orders call finds or creates their partner again.
    book.settle(buyers: list[Buyer]) -> list[int | RemoteError]   (the customers stream)

Threads do HTTP only; the database, the log and the counts stay in the calling thread.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..binder import Binder, Kind
from ..http import NotFound, OutcomeUnknown, RemoteError, ends_run
from ..mapping import partners as mapping
from ..mapping.countries import country_ids
from ..mapping.matching import Match, choose, joins, waves
from ..mapping.refusals import Refusal
from ..wording import words


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


class PartnerBook:
    """Finds or makes the FLOWii partner of shop buyers, a few at a time."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._rules: dict[str, mapping.PartnerRules] = {}
        self._countries: dict[str, int] | None = None
        # match key -> (partner, its IČO) written or linked in this run
        self._known: dict[str, tuple[int, str]] = {}
        self._unsettled: dict[str, OutcomeUnknown] = {}  # match key -> create of unknown outcome
        self._results: dict[tuple, int | RemoteError] = {}  # (kind, shop id) -> this run's result

    # -- mapping -------------------------------------------------------------------------
    def rules(self, orders: bool = False) -> mapping.PartnerRules:
        """The mapping's settings; FLOWii's countries are read once per book, when first needed."""
        key = "order" if orders else "customer"
        if key not in self._rules:
            s = self.ctx.settings
            meta = (getattr(s, f"{key}_{n}_key") for n in ("ico", "dic", "ic_dph"))
            if self._countries is None:
                self._countries = country_ids(self.ctx.flowii.countries())
            self._rules[key] = mapping.PartnerRules(
                meta_keys=mapping.MetaKeys(*meta),
                countries=self._countries,
                business_relationship_id=s.business_relationship_id,
                business_relationship_subtype_id=s.business_relationship_subtype_id,
                custom_field_id=s.partner_custom_field_id,
            )
        return self._rules[key]

    def customer_buyer(self, customer: dict, modified=None) -> Buyer:
        data, notes = mapping.customer_partner(customer, self.rules())
        return Buyer(Kind.CUSTOMER, str(customer["id"]), data, notes, modified)

    def guest_buyer(self, order: dict) -> Buyer:
        data, notes = mapping.guest_partner(order, self.rules(orders=True))
        return Buyer(Kind.GUEST, mapping.guest_key(order), data, notes)

    # -- the API of the orders stream ------------------------------------------------------
    def partner_of_customer(self, customer: dict) -> int:
        (result,) = self.settle([self.customer_buyer(customer)])
        if isinstance(result, RemoteError):
            raise result
        return result

    def for_orders(self, orders: list[dict]) -> dict[int, int | Refusal | RemoteError]:
        ids = {o.get("customer_id") for o in orders if isinstance(o.get("customer_id"), int)}
        linked = Binder(Kind.CUSTOMER).many_by_shop(i for i in ids if i > 0)
        unlinked = [i for i in ids if i > 0 and str(i) not in linked]
        accounts = self.ctx.woo.customers_by_id(unlinked) if unlinked else {}
        answers: dict[int, int | Refusal | RemoteError] = {}
        wanted: dict[int, Buyer] = {}
        for order in orders:
            number, account = order.get("customer_id"), None
            if isinstance(number, int) and str(number) in linked:
                answers[order["id"]] = linked[str(number)].flowii_id
                continue
            account = accounts.get(number) if isinstance(number, int) else None
            try:
                if account is not None and account.get("role", "customer") == "customer":
                    wanted[order["id"]] = self.customer_buyer(account)
                else:  # a guest, an account gone from the shop, or staff buying
                    wanted[order["id"]] = self.guest_buyer(order)
            except Refusal as refusal:
                answers[order["id"]] = refusal
        results = self.settle(list(wanted.values()))
        answers.update(zip(wanted, results, strict=True))
        return answers

    def forget(self, partner_id: int) -> None:
        for kind in (Kind.CUSTOMER, Kind.GUEST):
            Binder(kind).unbind(flowii_id=partner_id)
        self._results = {k: v for k, v in self._results.items() if v != partner_id}
        self._known = {k: v for k, v in self._known.items() if v[0] != partner_id}

    # -- the work --------------------------------------------------------------------------
    def settle(self, buyers: list[Buyer]) -> list[int | RemoteError]:
        """Each buyer's partner id, or the RecordRefused / OutcomeUnknown that stopped it;
        any other EndsRun is raised once the finished ones are linked."""
        todo: dict[tuple, Buyer] = {}
        for buyer in buyers:
            key = (buyer.kind, buyer.shop_id)
            if key not in self._results:
                todo[key] = buyer  # the last (newest order's) data of a buyer wins
        for kind in {b.kind for b in todo.values()}:
            self._send_kind(kind, [b for b in todo.values() if b.kind == kind])
        return [self._results[(b.kind, b.shop_id)] for b in buyers]

    def _send_kind(self, kind: str, buyers: list[Buyer]) -> None:
        binder = Binder(kind)
        links = binder.many_by_shop(b.shop_id for b in buyers)
        jobs, fresher = [], []
        for buyer in buyers:
            link = links.get(buyer.shop_id)
            if link and link.fingerprint == buyer.fingerprint:
                # Nothing to send; a newer shop time is kept so the next run skips it unread.
                self._results[(kind, buyer.shop_id)] = link.flowii_id
                self.ctx.count("unchanged", kind="partner")
                if buyer.modified and buyer.modified != link.shop_modified:
                    fresher.append(
                        (buyer.shop_id, link.flowii_id, link.fingerprint, "", buyer.modified)
                    )
            else:
                jobs.append((buyer, link.flowii_id if link else None))
        binder.bind_many(fresher)
        workers = max(1, int(self.ctx.settings.order_export_concurrency or 1))
        for positions in waves([mapping.match_keys(b.data) for b, _linked in jobs]):
            wave = [jobs[p] for p in positions]
            sent = [self._in_run(b, linked) for b, linked in wave]
            to_send = [(i, job) for i, job in enumerate(wave) if sent[i] is None]
            if to_send:
                with ThreadPoolExecutor(max_workers=min(workers, len(to_send))) as pool:
                    done = pool.map(lambda job: self._send(*job), [job for _i, job in to_send])
                    for (i, _job), answer in zip(to_send, done, strict=True):
                        sent[i] = answer
            self._finish(binder, sent)

    def _in_run(self, buyer: Buyer, linked: int | None) -> Sent | None:
        """An unlinked buyer that shares an e-mail or IČO with one written in this run joins
        that partner (or waits, when that create's outcome is unknown): no second search."""
        if linked:
            return None
        keys = mapping.match_keys(buyer.data)
        for key in sorted(keys):
            if key in self._unsettled:
                return Sent(buyer, action="waits", error=self._unsettled[key])
        for key in sorted(keys):
            partner_id, ico = self._known.get(key, (None, ""))
            if partner_id and joins(key, ico, buyer.data.ico):
                return Sent(buyer, partner_id, "joined")
        return None

    def _send(self, buyer: Buyer, linked: int | None) -> Sent:
        """Writes one partner: HTTP only (a worker thread)."""
        flowii, gone = self.ctx.flowii, None
        try:
            if linked:
                try:
                    flowii.update_partner(linked, buyer.data, current=flowii.partner(linked))
                    return Sent(buyer, linked, "updated")
                except NotFound:
                    gone = linked  # deleted in FLOWii: matched or created again below
            found = self._match(buyer.data)
            if found:
                match, detail = found
                flowii.update_partner(match.partner_id, buyer.data, current=detail)
                return Sent(buyer, match.partner_id, "linked", match=match, gone=gone)
            return Sent(buyer, flowii.create_partner(buyer.data), "created", gone=gone)
        except RemoteError as error:
            return Sent(buyer, gone=gone, error=error)

    def _match(self, data) -> tuple[Match, dict] | None:
        email = data.key_contact.email if data.key_contact else ""
        details: dict[int, dict] = {}
        for text, by_email in ((email, True), (data.ico, False)):
            if not text:
                continue
            found = []
            for candidate in self.ctx.flowii.partners_matching(text):
                pid = int(candidate["id"])
                if pid not in details:
                    try:
                        details[pid] = self.ctx.flowii.partner(pid)
                    except NotFound:  # deleted since the search
                        continue
                found.append(details[pid])
            match = choose(found, email, data.ico, by_email=by_email)
            if match:
                return match, details[match.partner_id]
        return None

    def _finish(self, binder: Binder, sent: list[Sent]) -> None:
        """Logs, links and remembers one wave (the calling thread); then raises an error that
        ends the run, if one came, so what the wave finished stays linked."""
        ctx, rows, stop = self.ctx, [], None
        for s in sent:
            b = s.buyer
            where = {"kind": b.kind, "shop_id": b.shop_id, "flowii_id": s.partner_id or s.gone}
            name = b.data.name
            if s.gone:
                binder.unbind(b.shop_id)
                ctx.warning(words("partner.gone", name=name, id=s.gone), **where)
            if s.error is not None:
                self._results[(b.kind, b.shop_id)] = s.error
                if isinstance(s.error, OutcomeUnknown):
                    if s.action != "waits":
                        for key in mapping.match_keys(b.data):
                            self._unsettled[key] = s.error
                        ctx.error(
                            words("partner.outcome_unknown", name=name, error=s.error), **where
                        )
                    else:
                        ctx.warning(words("partner.waits", name=name), **where)
                elif ends_run(s.error):
                    stop = stop or s.error
                continue
            self._results[(b.kind, b.shop_id)] = s.partner_id
            for key in mapping.match_keys(b.data):
                self._known.setdefault(key, (s.partner_id, b.data.ico))
            rows.append((b.shop_id, s.partner_id, b.fingerprint, "", b.modified))
            # A buyer joining a partner written in this run sends nothing: unchanged.
            ctx.count(
                {"created": "created", "joined": "unchanged"}.get(s.action, "updated"),
                kind="partner",
            )
            if s.action in ("created", "updated"):
                ctx.info(words(f"partner.{s.action}", name=name), **where)
            else:
                self._log_link(s, where)
            for note in b.notes:
                ctx.warning(words("partner.warning", name=name, note=words(note)), **where)
        # Binding lets go of the partner's other shop records; buyers sharing one (a firm
        # buying with two e-mails) keep theirs, or they would take it from each other each run.
        mine = {row[0] for row in rows}
        for pid, other in binder.many_by_flowii(row[1] for row in rows).items():
            if other.shop_id not in mine:
                rows.append((other.shop_id, pid, other.fingerprint, "", other.shop_modified))
        binder.bind_many(rows)
        if stop is not None:
            raise stop

    def _log_link(self, s: Sent, where: dict) -> None:
        by = {"email": "e-mail", "ico": "IČO", "email+ico": "e-mail, IČO"}
        how = by[s.match.by] if s.match else "e-mail / IČO"
        name = s.buyer.data.name
        self.ctx.info(words("partner.linked", name=name, id=s.partner_id, by=how), **where)
        if s.match and s.match.passed_over:
            ids = ", ".join(str(i) for i in (s.partner_id, *s.match.passed_over))
            self.ctx.warning(
                words("partner.linked_several", name=name, by=how, ids=ids, id=s.partner_id),
                **where,
            )
