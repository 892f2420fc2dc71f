"""The language of what a run writes: log lines, the run's reason and the note on the shop
order follow LANGUAGE_CODE (a worker has no browser to ask), Slovak or English."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from connector.models import Link, Settings, ShippingMapping, SyncLog, SyncRun
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import configure_for_sandbox

pytestmark = pytest.mark.django_db

# How the English lines begin and words only English lines have; none may be in a Slovak log.
ENGLISH_LEADS = re.compile(
    r"^(Order |Product |Category |Customer |Partner “|FLOWii product|FLOWii category)"
)
ENGLISH_WORDS = re.compile(
    r"\b(is|the|not|was|already|created|updated|linked|exported|tried|again|next|run|"
    r"mapped|shop|page|inactive|stock)\b"
)
SLOVAK_WORDS = re.compile(r"\b(sa|je|bol|bola|vo|objednávka|prepojený|prepojená)\b", re.I)


@pytest.fixture
def unmapped_courier(woo_server, flowii_server):
    """The seeded sandbox, with the courier (flat_rate:1) mapped to no FLOWii item: some
    orders wait for it (error lines), the rest go over (info lines), and a few products are
    inactive in FLOWii (warning lines)."""
    configure_for_sandbox(woo_server.url, flowii_server.url)
    courier = ShippingMapping.objects.get(method_id="flat_rate", instance_id="1")
    courier.flowii_product_id = None
    courier.save()
    return woo_server


def run_all_as_if_asked_in(language: str) -> SyncRun:
    # The caller's own active language (an admin page in the other language, say) must not
    # leak into the run.
    with translation.override(language):
        return run("all")


def lines(result: SyncRun, level: str, kind: str) -> list[str]:
    return list(
        SyncLog.objects.filter(run=result, level=level, kind=kind).values_list("message", flat=True)
    )


def first_order_note(woo_server, result: SyncRun) -> tuple[str, str]:
    link = Link.objects.filter(kind=Link.Kind.ORDER).order_by("pk").first()
    woo = WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")
    notes = [n["note"] for n in woo.get(f"orders/{link.shop_id}/notes")]
    mine = [n for n in notes if link.flowii_number in n]
    assert len(mine) == 1, notes
    return mine[0], link.flowii_number


def test_a_run_writes_its_log_and_the_order_note_in_slovak(settings, unmapped_courier):
    settings.LANGUAGE_CODE = "sk"
    result = run_all_as_if_asked_in("en")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    assert result.created > 0 and result.skipped > 0

    errors = lines(result, "error", "order")
    assert errors and len(errors) == result.skipped
    waiting = errors[0]
    assert re.fullmatch(
        r"Objednávka \d+ sa neexportuje: Spôsob dopravy „Kuriér“ \(flat_rate:1\) nie je "
        r"priradený k položke dopravy vo FLOWii\. Priraďte ho na stránke Doprava; objednávka "
        r"sa prenesie pri ďalšom behu\. Skúsi sa znova pri ďalšom behu\.",
        waiting,
    ), waiting
    created = lines(result, "info", "order")
    assert created and all(
        re.fullmatch(r"Objednávka \d+ bola vytvorená vo FLOWii ako OP\d+\.", m) for m in created
    ), created[:3]
    inactive = lines(result, "warning", "product")
    assert inactive and all(
        m.endswith(": vo FLOWii je neaktívny, a preto bol nastavený na „Nie je na sklade“.")
        for m in inactive
    ), inactive
    partners = lines(result, "info", "customer") + lines(result, "info", "guest")
    assert partners and all(
        re.fullmatch(r"Partner „.+“ bol vytvorený vo FLOWii\.", m) for m in partners
    ), partners[:3]
    products = lines(result, "info", "product")
    assert any(
        re.fullmatch(r"Produkt „.+“ \(.+\) bol vytvorený ako koncept\.", m) for m in products
    )

    everything = list(SyncLog.objects.filter(run=result).values_list("message", flat=True))
    assert len(everything) > 100
    for message in everything:
        assert not ENGLISH_LEADS.match(message), message
        assert not ENGLISH_WORDS.search(message), message

    note, number = first_order_note(unmapped_courier, result)
    assert note == f"Exportovaná do FLOWii ako prijatá objednávka {number}."

    # The run's reason too: a run that cannot export customers says why, in Slovak.
    Settings.objects.update(customer_type_id=None)
    failed = run("customers")
    assert failed.status == SyncRun.Status.PARTLY_FAILED
    assert failed.reason == "Záznamy, ktoré zlyhali: 1; pri ďalšom behu sa skúsia znova."
    assert lines(failed, "error", "") == [
        "Nie je vybraný typ zákazníka: vyberte ho v Nastaveniach; zákazníci sa neexportujú."
    ]


def test_a_run_writes_its_log_and_the_order_note_in_english(settings, unmapped_courier):
    settings.LANGUAGE_CODE = "en"
    result = run_all_as_if_asked_in("sk")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason

    waiting = lines(result, "error", "order")[0]
    assert re.fullmatch(
        r"Order \d+ is not exported: Shipping method “Kuriér” \(flat_rate:1\) is not mapped "
        r"to a FLOWii shipping item\. Map it on the Shipping page; the order goes over on the "
        r"next run\. It is tried again on the next run\.",
        waiting,
    ), waiting
    created = lines(result, "info", "order")
    assert created and all(
        re.fullmatch(r"Order \d+ created in FLOWii as OP\d+\.", m) for m in created
    ), created[:3]
    inactive = lines(result, "warning", "product")
    assert inactive and all(
        m.endswith(": it is inactive in FLOWii, so it was set out of stock.") for m in inactive
    ), inactive
    everything = list(SyncLog.objects.filter(run=result).values_list("message", flat=True))
    for message in everything:
        assert not SLOVAK_WORDS.search(message), message

    note, number = first_order_note(unmapped_courier, result)
    assert note == f"Exported to FLOWii as received order {number}."

    Settings.objects.update(customer_type_id=None)
    failed = run("customers")
    assert failed.reason == "1 records failed; they are tried again on the next run."
