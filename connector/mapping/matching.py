"""Which FLOWii partner an unlinked buyer is, from the partners FLOWii's search offered and
their details: pure precedence, so the same candidates always give the same answer.

FLOWii has no external id and its search (`filter[search-text]`) matches substrings of
names, numbers, e-mails and phones: a candidate counts only once its detail confirms it
(key contact e-mail equal ignoring case, or IČO equal ignoring spaces); a substring alone
never links a buyer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    """The partner chosen, what confirmed it, and the other confirmed ones passed over."""

    partner_id: int
    by: str  # "email", "email+ico" or "ico"
    passed_over: tuple[int, ...] = ()


def _ico(value) -> str:
    return "".join(str(value or "").split()).upper()


def detail_email(detail: dict) -> str:
    contact = detail.get("key_contact") or {}
    return str(contact.get("email") or "").strip().lower()


def confirms_email(detail: dict, email: str) -> bool:
    return bool(email) and detail_email(detail) == email.strip().lower()


def confirms_ico(detail: dict, ico: str) -> bool:
    return bool(_ico(ico)) and _ico(detail.get("ico")) == _ico(ico)


def choose(
    details: Iterable[dict], email: str = "", ico: str = "", *, by_email: bool = True
) -> Match | None:
    """The partner a buyer with `email` and `ico` is, among FLOWii's `details`.

    Precedence, first that applies:
    1. confirmed by e-mail AND IČO;
    2. confirmed by e-mail, unless its IČO is another firm's (a shared office e-mail must
       not merge two companies);
    3. confirmed by IČO (only when `by_email` is False: the candidates of the IČO search);
    among several of one rank, the lowest id (the oldest partner), the others passed over.
    """
    ranked: dict[int, list[int]] = {1: [], 2: [], 3: []}
    wanted_ico = _ico(ico)
    for detail in details:
        pid = int(detail["id"])
        mail = confirms_email(detail, email)
        same_ico = confirms_ico(detail, ico)
        other_firm = bool(wanted_ico and _ico(detail.get("ico"))) and not same_ico
        if mail and same_ico:
            ranked[1].append(pid)
        elif mail and not other_firm and by_email:
            ranked[2].append(pid)
        elif same_ico and not by_email:
            ranked[3].append(pid)
    for rank in (1, 2, 3):
        ids = sorted(set(ranked[rank]))
        if ids:
            by = {1: "email+ico", 2: "email", 3: "ico"}[rank]
            others = sorted({i for r in ranked.values() for i in r} - {ids[0]})
            return Match(ids[0], by, tuple(others))
    return None


def joins(key: str, partner_ico: str, ico: str) -> bool:
    """Whether a buyer sharing `key` ("email:..." or "ico:...") with a partner written in
    this run is that partner: by IČO always; by e-mail unless the two IČOs differ (the rule
    of `choose`: a shared office e-mail must not merge two firms)."""
    if key.startswith("ico:"):
        return True
    return not (_ico(partner_ico) and _ico(ico)) or _ico(partner_ico) == _ico(ico)


def waves(keys: Sequence[frozenset]) -> list[list[int]]:
    """Positions of `keys` in rounds that can be sent at once: two buyers sharing a key (an
    e-mail or an IČO) are never in one round, so the later one finds the partner the first
    one made rather than making a second. A buyer goes in the round after the last one
    holding any of its keys; the order within a key is kept."""
    last_round: dict[str, int] = {}
    rounds: list[list[int]] = []
    for position, mine in enumerate(keys):
        index = max((last_round[k] + 1 for k in mine if k in last_round), default=0)
        while len(rounds) <= index:
            rounds.append([])
        rounds[index].append(position)
        for key in mine:
            last_round[key] = index
    return rounds
