"""The language of what a run writes: log lines, the run's reason and the note on the shop
order follow LANGUAGE_CODE (a worker has no browser to ask), Slovak or English, whatever
language is active where the run was started; and each line keeps its code and values, so it
can be shown again in the reader's language.

The Slovak test checks every line and fails with the list of the msgids a run needs that have
no Slovak translation."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from connector.models import Link, Settings, ShippingMapping, SyncLog, SyncRun
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from connector.wording import TEXTS, _load, render
from sandbox.configure import WOO_KEY, WOO_SECRET, configure_for_sandbox

pytestmark = pytest.mark.django_db

# How the English lines begin and words only English lines have; none may be in a Slovak line.
ENGLISH_LEADS = re.compile(
    r"^(Order |Product |Category |Customer |Partner “|FLOWii good|FLOWii category|Stock )"
)
ENGLISH_WORDS = re.compile(
    r"\b(is|the|not|was|already|created|updated|linked|exported|tried|again|next|run|"
    r"mapped|shop|page|waits|found)\b"
)
SLOVAK_WORDS = re.compile(r"\b(sa|je|bol|bola|bolo|vo|objednávka|prepojený|prepojená)\b", re.I)


@pytest.fixture
def unmapped_courier(woo_server, flowii_server):
    """The seeded sandbox, with the courier (flat_rate:1) mapped to no FLOWii delivery type:
    its orders wait for it (error lines), the rest go over (info lines)."""
    configure_for_sandbox(woo_server.url, flowii_server.url)
    ShippingMapping.objects.filter(method_id="flat_rate", instance_id="1").update(
        flowii_delivery_type_id=None
    )
    return woo_server


def run_all_as_if_asked_in(language: str) -> SyncRun:
    # The caller's own active language (an admin page in the other language, say) must not
    # leak into the run.
    with translation.override(language):
        return run("all")


def lines(result: SyncRun, level: str | None = None, kind: str | None = None) -> list[SyncLog]:
    found = SyncLog.objects.filter(run=result).order_by("pk")
    if level:
        found = found.filter(level=level)
    if kind is not None:
        found = found.filter(kind=kind)
    return list(found)


def messages(result: SyncRun, level: str, kind: str) -> list[str]:
    return [line.message for line in lines(result, level, kind)]


def codes_of(code: str, params) -> set[str]:
    """The line's code and those of the sentences inside it (a refusal in an order's line)."""
    found = {code} if code else set()
    values = params.values() if isinstance(params, dict) else params
    for value in values if isinstance(params, dict | list) else ():
        if isinstance(value, dict) and "__words__" in value:
            found |= codes_of(value["__words__"], value.get("params") or {})
        elif isinstance(value, dict | list):
            found |= codes_of("", value)
    return found


class _AnyValue(dict):
    """Values for a sentence's placeholders: 5 for each (a plural one picks its form by it)."""

    def __missing__(self, key):
        return 5


def in_language(language: str, code: str) -> str:
    _load()
    with translation.override(language):
        return TEXTS[code] % _AnyValue()


def translated(code: str) -> bool:
    """Whether the code's sentence has a Slovak translation (an unknown code has none)."""
    _load()
    return code in TEXTS and in_language("sk", code) != in_language("en", code)


def first_order_note(woo_server) -> tuple[str, str]:
    link = Link.objects.filter(kind=Link.Kind.ORDER).order_by("pk").first()
    woo = WooCommerceClient(woo_server.url, WOO_KEY, WOO_SECRET)
    notes = [n["note"] for n in woo.get(f"orders/{link.shop_id}/notes")]
    mine = [n for n in notes if link.flowii_number in n]
    assert len(mine) == 1, notes
    return mine[0], link.flowii_number


def failing_orders_run() -> SyncRun:
    """A run that cannot export orders (no supplier company chosen), with its reason."""
    Settings.objects.update(supplier_company_data_id=None)
    return run("orders")


def test_a_run_writes_its_log_and_the_order_note_in_english(settings, unmapped_courier):
    settings.LANGUAGE_CODE = "en"
    result = run_all_as_if_asked_in("sk")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    assert result.created > 0 and result.skipped > 0

    held = messages(result, "error", "order")
    assert held, "no order waits for the courier"
    assert all(
        re.fullmatch(
            r"Order \d+ waits: Shipping method “Kuriér” \(flat_rate:1\) is not mapped to a "
            r"FLOWii delivery type\. Map it on the Shipping page; the order goes over on the "
            r"next run\.",
            m,
        )
        for m in held
    ), held[:3]
    created = [m for m in messages(result, "info", "order") if " created " in m]
    assert created and all(
        re.fullmatch(r"Order \d+ created in FLOWii as received order OP\d+\.", m) for m in created
    ), created[:3]
    waiting = messages(result, "warning", "")
    wait = "order waits for its payment" if len(held) == 1 else "orders wait for their payment"
    assert any(m.startswith(f"{len(held)} {wait}") for m in waiting)
    partners = messages(result, "info", "customer") + messages(result, "info", "guest")
    assert any(re.fullmatch(r"Partner “.+” created in FLOWii\.", m) for m in partners)
    assert all(
        re.fullmatch(r"Partner “.+” (created in FLOWii|updated in FLOWii|found in FLOWii .+)\.", m)
        for m in partners
    ), partners[:3]
    products = messages(result, "info", "product")
    assert any(
        re.fullmatch(r"Product “.+” \(.+\) created in the shop as a draft\.", m) for m in products
    ), products[:3]

    everything = lines(result)
    assert len(everything) > 100
    for line in everything:
        assert not SLOVAK_WORDS.search(line.message), line.message
        assert line.code, f"a line without its code: {line.message}"
        with translation.override("en"):
            assert render(line.code, line.params) == line.message, line.code

    note, number = first_order_note(unmapped_courier)
    assert note == f"Exported to FLOWii as received order {number}."

    failed = failing_orders_run()
    assert failed.status == SyncRun.Status.PARTLY_FAILED
    assert failed.reason == "1 record failed; it is tried again on the next run."
    assert messages(failed, "error", "") == [
        "Orders are not exported: no supplier company is chosen. Choose them in Settings; "
        "the orders go over on the next run."
    ]


def test_a_run_writes_its_log_and_the_order_note_in_slovak(settings, unmapped_courier):
    settings.LANGUAGE_CODE = "sk"
    result = run_all_as_if_asked_in("en")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    assert result.created > 0 and result.skipped > 0

    everything = lines(result)
    assert len(everything) > 100
    missing: dict[str, str] = {}  # code -> its English msgid
    checked = 0
    for line in everything:
        assert line.code, f"a line without its code: {line.message}"
        # Written in the installation's language, not the caller's: the stored line is what
        # its code and values say in Slovak (or in English, where there is no translation).
        with translation.override("sk"):
            assert render(line.code, line.params) == line.message, line.code
        untranslated = {c for c in codes_of(line.code, line.params) if not translated(c)}
        if untranslated:
            missing.update({c: in_language("en", c) if c in TEXTS else "?" for c in untranslated})
            continue
        assert not ENGLISH_LEADS.match(line.message), line.message
        assert not ENGLISH_WORDS.search(line.message), line.message
        # ... and shown in English to a reader who reads English.
        with translation.override("en"):
            assert line.text != line.message or not SLOVAK_WORDS.search(line.message)
        checked += 1

    note, number = first_order_note(unmapped_courier)
    if translated("orders.note_text"):
        with translation.override("sk"):
            assert note == render("orders.note_text", {"flowii_number": number})
        assert not ENGLISH_WORDS.search(note), note
    else:
        missing["orders.note_text"] = in_language("en", "orders.note_text")

    failed = failing_orders_run()
    assert failed.status == SyncRun.Status.PARTLY_FAILED
    (error,) = lines(failed, "error", "")
    for code, line_params in (
        (failed.reason_code, failed.reason_params),
        (error.code, error.params),
    ):
        with translation.override("sk"):
            wanted = render(code, line_params)
        assert wanted in (failed.reason, error.message), (code, failed.reason, error.message)
        untranslated = {c for c in codes_of(code, line_params) if not translated(c)}
        missing.update({c: in_language("en", c) for c in untranslated if c in TEXTS})

    print(f"checked {checked} Slovak lines; {len(missing)} msgids untranslated")
    listed = "\n".join(f"  {code}: {msgid}" for code, msgid in sorted(missing.items()))
    assert not missing, (
        f"{len(missing)} sentences a run writes have no Slovak translation (add them to "
        f"connector/locale/sk/LC_MESSAGES/django.po); {checked} translated lines were "
        f"checked. Needed:\n{listed}"
    )
