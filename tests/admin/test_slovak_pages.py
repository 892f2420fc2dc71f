"""Every admin page, asked for in Slovak after one real run against the sandbox, says
nothing in English and none of the broken forms Django's own Slovak makes of our names
("Zobraziťprepojenie", "Podľa stav", "4 doprava", ...)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from connector.models import Link, SyncLog, SyncRun
from connector.sync.runner import run
from sandbox.configure import configure_for_sandbox

pytestmark = pytest.mark.django_db

# Words and phrases only an English page has. Matched as whole words, case-sensitively where
# the word is capitalised (a heading or a button), in the page's text without its tags.
ENGLISH = [
    "the",
    "is not",
    "is",
    "are",
    "was",
    "were",
    "and",
    "or",
    "of",
    "to",
    "for",
    "with",
    "from",
    "order",
    "orders",
    "Order",
    "Orders",
    "Save",
    "Logs",
    "Log",
    "Settings",
    "Overview",
    "Shipping",
    "Payments",
    "Synchronisation",
    "Links",
    "failed",
    "waits",
    "wait",
    "run",
    "runs",
    "Run",
    "shop",
    "Shop",
    "records",
    "created",
    "updated",
    "linked",
    "exported",
    "mapped",
    "next",
    "again",
    "none",
    "Home",
    "View",
    "Change",
    "Select",
    "Search",
    "status",
    "state",
    "kind",
    "level",
    "message",
    "succeeded",
    "partly failed",
    "needs attention",
    "Show all",
    "Filter",
    "Add",
    "Delete",
    "Yes",
    "No",
    "All",
]
ENGLISH_WORDS = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])")

# Django's Slovak with our names, as it read before the fixes.
BROKEN = [
    "Pre zobrazenie",
    "Zobraziťprepojenie",
    "Zobraziťzáznam",
    "bola úspešne zmenená",
    "Podľa stav",
    "Podľa druh",
    "Podľa úroveň",
    "4 doprava",
    "0 synchronizácia",
    "synchronizácia",  # the plural name after a count: "3 synchronizácia"
]
BROKEN_FORMS = re.compile(
    r"\b\d+\s+(doprava|synchronizácia)\b|(?<![\d,.])(0|1|[5-9]|\d\d+)\s+(platby|prepojenia)\b"
)

# Names that stay as they are in Slovak, and the seed's own data (products, shipping methods,
# people, addresses) which are the shop's words, not ours.
ALLOWED = re.compile(
    r"FLOWii|WooCommerce|Woo|IČO|DIČ|IČ DPH|e-mail\w*|SKU|API|URL|HTTP|ID|CONNECTOR_\w+|"
    r"consumer key|consumer secret|Django|Q|django_q|Axes|"
    r"[\w.+-]+@[\w.-]+|https?://\S+|\b\w+:\d+\b"
)


class _Text(HTMLParser):
    """A page's text as a reader sees it: no tags, scripts or styles; with the words on the
    buttons."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def seed_words() -> re.Pattern:
    """The names the seeded shop and FLOWii account bring (products, categories, partners,
    shipping and payment methods): shown as they are."""
    from connector.models import OrderExport, PaymentMapping, ShippingMapping

    names = set()
    for log in SyncLog.objects.exclude(params={}):
        for key in ("name", "title", "customer", "partner", "sku", "number", "flowii_number"):
            value = (log.params or {}).get(key)
            if isinstance(value, str) and value:
                names.add(value)
    names |= {m.title for m in ShippingMapping.objects.all()}
    names |= {m.zone_name for m in ShippingMapping.objects.all() if m.zone_name}
    names |= {m.method_id for m in ShippingMapping.objects.all()}
    names |= {m.title for m in PaymentMapping.objects.all()}
    names |= {m.gateway_id for m in PaymentMapping.objects.all()}
    names |= {e.shop_number for e in OrderExport.objects.all() if e.shop_number}
    names = sorted((n for n in names if n.strip()), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names)) if names else re.compile(r"(?!)")


@pytest.fixture
def slovak_admin(woo_server, flowii_server, django_user_model):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    result = run("all")
    assert result.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.PARTLY_FAILED)
    user = django_user_model.objects.create_superuser("spravca", "spravca@example.sk", "heslo-123")
    client = Client(HTTP_ACCEPT_LANGUAGE="sk")
    client.force_login(user)
    return client, result


def pages(result: SyncRun) -> dict[str, str]:
    line = SyncLog.objects.filter(run=result).order_by("pk").first()
    order = Link.objects.filter(kind=Link.Kind.ORDER).order_by("pk").first()
    assert line is not None and order is not None
    return {
        "Prehľad": "/admin/",
        "Nastavenia": "/admin/connector/settings/1/change/",
        "Doprava": "/admin/connector/shippingmapping/",
        "Platby": "/admin/connector/paymentmapping/",
        "Synchronizácia": "/admin/connector/syncrun/",
        "Beh": f"/admin/connector/syncrun/{result.pk}/change/",
        "Záznamy": "/admin/connector/synclog/",
        "Záznam": f"/admin/connector/synclog/{line.pk}/change/",
        "Prepojenia": "/admin/connector/link/",
        "Prepojenie": f"/admin/connector/link/{order.pk}/change/",
        "Objednávka": f"/admin/connector/link/order/{order.shop_id}/",
        "Exporty objednávok": "/admin/connector/orderexport/",
    }


def english_in(text: str, seed: re.Pattern) -> list[str]:
    text = seed.sub(" ", text)
    text = ALLOWED.sub(" ", text)
    found = []
    for match in ENGLISH_WORDS.finditer(text):
        start, end = max(0, match.start() - 40), match.end() + 40
        found.append(f"{match.group(0)!r} in …{text[start:end]}…")
    return found


def test_every_admin_page_reads_in_slovak(slovak_admin):
    client, result = slovak_admin
    seed = seed_words()
    problems: dict[str, list[str]] = {}
    for name, url in pages(result).items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, (name, url, response.status_code)
        html = response.content.decode()
        assert 'lang="sk"' in html, (name, url)
        text = text_of(html)
        found = english_in(text, seed)
        found += [f"broken form {b!r}" for b in BROKEN if b in text and b != "synchronizácia"]
        found += [f"broken form {m.group(0)!r}" for m in BROKEN_FORMS.finditer(text)]
        if found:
            problems[f"{name} ({url})"] = found
    assert not problems, "\n".join(
        f"{page}:\n  " + "\n  ".join(found) for page, found in problems.items()
    )


def test_a_plural_sentence_says_the_slovak_form_of_its_number():
    from django.utils import translation

    from connector.wording import words

    with translation.override("sk"):
        said = [str(words("run.partly_failed", n=n)) for n in (1, 3, 5)]
        waiting = str(words("orders.waiting", count=2))
        unknown = str(words("orders.waiting"))  # no number: the sentence, not an empty one
    assert said == [
        "1 záznam zlyhal; skúsi sa znova pri ďalšom behu.",
        "3 záznamy zlyhali; skúsia sa znova pri ďalšom behu.",
        "5 záznamov zlyhalo; skúsia sa znova pri ďalšom behu.",
    ]
    assert waiting.startswith("2 objednávky čakajú")
    assert unknown.startswith("%(count)s objednávok čaká")
    with translation.override("en"):
        assert str(words("run.partly_failed", n=1)) == (
            "1 record failed; it is tried again on the next run."
        )
        assert str(words("run.partly_failed", n=2)).startswith("2 records failed; they")
