"""The sandbox's demo data: a Slovak shop's WooCommerce store that sells the goods of the
FLOWii account (sandbox/flowii_seed.py), built the same way every time."""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from . import flowii_seed
from .flowii_seed import (  # noqa: F401 - re-exported: tests and configure_for_sandbox use them
    FLOWII_CHOICES,
    MATCHED_COMPANY,
    MATCHED_EMAIL,
    MATCHED_ICO,
    gross_price,
)

CENT = Decimal("0.01")
# Every date is counted back from this moment, never from the wall clock.
BASE_TIME = datetime(2026, 11, 1, 8, 0, 0, tzinfo=UTC)
YEAR_SECONDS = 365 * 24 * 3600
RANDOM_SEED = 20261101

TAX_CLASS_BY_RATE = {"20": "", "10": "reduced-rate", "0": "zero-rate"}
# FLOWii goods the shop does not sell: services and shipping items.
NOT_IN_SHOP = set(FLOWII_CHOICES["non_stock_category_ids"]) | set(
    FLOWII_CHOICES["shipping_category_ids"]
)

SIZES = {
    "small": {**flowii_seed.SIZES["small"], "customers": 50, "orders": 120},
    "large": {**flowii_seed.SIZES["large"], "customers": 2_000, "orders": 5_000},
}

# The shop's shipping zone: instance ids are the methods' 1-based positions in this list,
# and each order's shipping line carries the net price of the FLOWii shipping item.
SHIPPING_METHODS = (
    ("flat_rate", "Kuriér", {"cost": "3.90", "tax_status": "taxable"}, "3.25"),
    ("flat_rate", "Slovenská pošta", {"cost": "2.90", "tax_status": "taxable"}, "2.42"),
    ("local_pickup", "Osobný odber", {"cost": "0"}, "0.00"),
    ("free_shipping", "Doprava zadarmo", {"requires": "min_amount", "min_amount": "60.00"}, "0.00"),
)
FREE_SHIPPING_FROM = Decimal("60.00")

GATEWAY_TITLES = {
    "bacs": "Bankový prevod",
    "cod": "Dobierka",
    "cheque": "Platba šekom",
    "card": "Platobná karta",
}
ORDER_STATUSES = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
)

MALE_NAMES = tuple(
    (
        "Ján Peter Martin Jozef Michal Tomáš Marek Ondrej Štefan Dušan Matúš Juraj "
        "Ľubomír Ľudovít Igor Radoslav"
    ).split(" ")
)
FEMALE_NAMES = tuple(
    (
        "Eva Mária Zuzana Katarína Jana Lucia Ľubica Monika Veronika Silvia Alžbeta "
        "Žaneta Dagmar Terézia Andrea Miroslava"
    ).split(" ")
)
SURNAMES = tuple(
    tuple(pair.split("/"))
    for pair in (
        "Šťastný/Šťastná Ďurík/Ďuríková Novák/Nováková Kováč/Kováčová Horváth/Horváthová "
        "Varga/Vargová Tóth/Tóthová Baláž/Balážová Molnár/Molnárová Lukáč/Lukáčová "
        "Šimko/Šimková Polák/Poláková Kollár/Kollárová Čierny/Čierna Hudák/Hudáková "
        "Ďurica/Ďuricová Žiak/Žiaková Mráz/Mrázová Vlček/Vlčková Sloboda/Slobodová "
        "Gajdoš/Gajdošová Bielik/Bieliková Krajčír/Krajčírová Ľupták/Ľuptáková"
    ).split(" ")
)
SK_CITIES = tuple(
    tuple(pair.split(":"))
    for pair in (
        "Bratislava:81101|Bratislava:85101|Košice:04001|Žilina:01001|"
        "Banská Bystrica:97401|Prešov:08001|Nitra:94901|Trnava:91701|Trenčín:91101|"
        "Martin:03601|Poprad:05801|Zvolen:96001|Liptovský Mikuláš:03101|Michalovce:07101|"
        "Ružomberok:03401|Piešťany:92101"
    ).split("|")
)
CZ_CITIES = (("Praha", "11000"), ("Brno", "60200"), ("Ostrava", "70200"))
SK_STREETS = tuple(
    (
        "Hlavná|Obchodná|Štúrova|Hviezdoslavova|Nám. SNP|Mierová|Partizánska|Kpt. Nálepku|"
        "Dlhá|Ružová|Železničná|Záhradná|Sládkovičova|Komenského|Kukučínova|Jesenského"
    ).split("|")
)
CZ_STREETS = ("Vinohradská", "Masarykova", "Nádražní")
COMPANY_NAMES = tuple(
    (
        "Kávička s.r.o.|Zelená záhrada s.r.o.|TECHNO-SERVIS spol. s r.o.|"
        "Pekáreň U Ďuríka s.r.o.|Účtovníctvo Šťastný s.r.o.|Kvetinárstvo Ľalia s.r.o.|"
        "Stavby Žilina a.s.|Čajovňa pod Tatrami s.r.o.|Bio farma Záhorie s.r.o.|"
        "Školské potreby s.r.o.|Horská chata Ďumbier s.r.o.|Kaderníctvo Žaneta s.r.o."
    ).split("|")
)
COMPANY_KINDS = ("Trade", "Group", "a syn", "Servis", "Invest", "Slovakia")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
ORDER_NOTES = (
    "Prosím doručiť poobede.",
    "Zvoňte dvakrát.",
    "Balík nechajte u suseda.",
    "Ďakujem, teším sa!",
    "Faktúru prosím na firmu.",
)
# The first customers are fixed so that the demo shows names and cities with diacritics.
FIRST_CUSTOMERS = (
    ("Ľubomír", "Šťastný", "Žilina", "01001"),
    ("Žaneta", "Ďuríková", "Banská Bystrica", "97401"),
    ("Štefan", "Kováč", "Košice", "04001"),
)


class Seed:
    """Both sides' data. The shop's half is built on first use: the FLOWii simulator only
    needs its own half, and the benchmark resets it with 50,000 goods."""

    def __init__(self, flowii: dict, build_shop):
        self.flowii = flowii
        self._build_shop = build_shop

    @cached_property
    def woocommerce(self) -> dict:
        return self._build_shop()

    @property
    def goods(self) -> list[dict]:
        """The first firm's goods (the one the connector works with)."""
        return self.flowii["firms"][0]["goods"]

    @property
    def good_categories(self) -> list[dict]:
        return self.flowii["firms"][0]["good_categories"]


def build_seed(size: str = "small", **counts) -> Seed:
    """The demo data of one size; `counts` (products, categories, customers, orders) override
    the size's numbers. The same arguments always give the same data."""
    if size not in SIZES:
        raise ValueError(f"unknown seed size {size!r}; choose one of {sorted(SIZES)}")
    unknown = set(counts) - set(SIZES[size])
    if unknown:
        raise TypeError(f"unknown counts: {sorted(unknown)}")
    wanted = {**SIZES[size], **counts}
    flowii = flowii_seed.build_account(
        size, products=wanted["products"], categories=wanted["categories"]
    )
    firm = flowii["firms"][0]
    return Seed(flowii, lambda: _shop(firm, wanted))


def _shop(firm: dict, wanted: dict) -> dict:
    rng = random.Random(RANDOM_SEED)
    goods = [g for g in firm["goods"] if g["_category"] not in NOT_IN_SHOP]
    shop_products = _shop_products(rng, goods, _shop_share(len(goods)))
    customers = _customers(rng, wanted["customers"])
    return {
        "settings": {
            # Slovak shops enter prices with VAT.
            "woocommerce_prices_include_tax": "yes",
            "woocommerce_currency": "EUR",
            "woocommerce_default_country": "SK",
            "woocommerce_calc_taxes": "yes",
            "woocommerce_manage_stock": "yes",
        },
        "tax_rates": _tax_rates(),
        "shipping_zones": [_shipping_zone()],
        "payment_gateways": [
            {"id": gid, "title": title, "description": "", "enabled": gid != "cheque"}
            for gid, title in GATEWAY_TITLES.items()
        ],
        "categories": _shop_categories(firm["good_categories"]),
        "products": shop_products,
        "coupons": [
            {"code": "ZLAVA10", "discount_type": "percent", "amount": "10"},
            {"code": "MINUS5", "discount_type": "fixed_cart", "amount": "5"},
        ],
        "customers": customers,
        "orders": _orders(rng, wanted["orders"], customers, shop_products),
    }


# -- money, dates and Slovak company numbers --------------------------------------------


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_with_vat(without_vat: Decimal, rate: str) -> Decimal:
    """A net price plus VAT, rounded half up to the cent."""
    return money(without_vat * (1 + Decimal(rate) / 100))


def _shop_time(seconds_before_base: int) -> str:
    """WooCommerce's `date_created_gmt` form: UTC without a zone suffix."""
    return (BASE_TIME - timedelta(seconds=seconds_before_base)).strftime("%Y-%m-%dT%H:%M:%S")


def ico_is_valid(ico: str) -> bool:
    """The IČO check digit (weights 8..2, modulo 11), as the Slovak register uses it."""
    if len(ico) != 8 or not ico.isdigit():
        return False
    return ico[7] == _ico_check_digit(ico[:7])


def _ico_check_digit(first_seven: str) -> str:
    remainder = sum(int(d) * w for d, w in zip(first_seven, range(8, 1, -1), strict=True)) % 11
    return str((11 - remainder) % 10)


def _new_ico(rng: random.Random, used: set[str]) -> str:
    while True:
        stem = f"{rng.randrange(3_000_000, 5_999_999):07d}"
        ico = stem + _ico_check_digit(stem)
        if ico not in used:
            used.add(ico)
            return ico


def _new_dic(rng: random.Random) -> str:
    # A legal entity's DIČ: ten digits starting with 20, divisible by 11.
    number = rng.randrange(2020000000, 2029999999)
    number -= number % 11
    return str(number if number >= 2020000000 else number + 11)


# -- WooCommerce ----------------------------------------------------------------------------


def _tax_rates() -> list[dict]:
    return [
        {
            "country": "SK",
            "rate": rate,
            "name": name,
            "priority": 1,
            "compound": False,
            "shipping": True,
            "order": order,
            "class": tax_class,
        }
        for order, (rate, name, tax_class) in enumerate(
            (
                ("20.0000", "DPH 20 %", "standard"),
                ("10.0000", "DPH 10 %", "reduced-rate"),
                ("0.0000", "DPH 0 %", "zero-rate"),
            ),
            start=1,
        )
    ]


def _shipping_zone() -> dict:
    methods = []
    for method_id, title, settings, _ in SHIPPING_METHODS:
        methods.append(
            {
                "method_id": method_id,
                "title": title,
                "enabled": True,
                "settings": {"title": title, **settings},
            }
        )
    return {
        "name": "Slovensko",
        "order": 0,
        "locations": [{"code": "SK", "type": "country"}],
        "methods": methods,
    }


def _shipping_line(position: int) -> dict:
    method_id, title, _, total = SHIPPING_METHODS[position - 1]
    return {
        "method_id": method_id,
        "method_title": title,
        "instance_id": str(position),
        "total": total,
    }


def _shop_categories(flowii_categories: list[dict]) -> list[dict]:
    """Categories the shop already has: some named as FLOWii's (to be linked by name and
    parent) and one of its own."""
    names = {row["id"]: row["name"] for row in flowii_categories}
    wanted = ("Potraviny", "Káva", "Domácnosť")
    shop = []
    for row in flowii_categories:
        if row["name"] in wanted and row["name"] not in [c["name"] for c in shop]:
            parent = names.get(row["_parent"]) if row["_parent"] else None
            shop.append({"name": row["name"], "parent_name": parent})
    shop.append({"name": "Akcie", "parent_name": None})
    return shop


def _shop_share(goods_count: int) -> int:
    return min(goods_count, max(40, goods_count // 5))


def _shop_products(rng: random.Random, goods: list[dict], count: int) -> list[dict]:
    """Shop products whose SKUs are FLOWii goods' serial numbers, every VAT rate among them, a
    few with an older price or stock; then the shop's own products unknown to FLOWii."""
    chosen = rng.sample(goods, count)
    for rate in (10, 0):
        if not any(p["vat-rate"] == rate for p in chosen):
            # Swap a standard-rate pick for the first goods of the missing rate.
            extra = next((p for p in goods if p["vat-rate"] == rate), None)
            standard = next((i for i, p in enumerate(chosen) if p["vat-rate"] == 20), None)
            if extra is not None and standard is not None:
                chosen[standard] = extra
    chosen.sort(key=lambda p: p["id"])

    payloads = []
    for product in chosen:
        price = gross_price(product)
        stock = int(product["_stock"] or 0)
        if rng.random() < 0.12:  # the shop still shows an older price and stock
            price = price - 1 if price > 2 else price + Decimal("0.50")
            stock = stock + rng.randint(1, 10)
        payloads.append(
            _shop_product(
                product["name"],
                product["serial-nr"],
                price,
                TAX_CLASS_BY_RATE[str(product["vat-rate"])],
                stock,
            )
        )
    payloads += [
        _shop_product("Látková taška s logom obchodu", "ESHOP-TASKA", Decimal("4.90"), "", 80),
        _shop_product(
            "Vianočný balíček z nášho obchodu",
            "ESHOP-BALICEK",
            Decimal("29.90"),
            "reduced-rate",
            15,
        ),
        _shop_product("Nálepka na auto", "ESHOP-NALEPKA", Decimal("1.50"), "", 200),
        _shop_product("Ochutnávková vzorka čaju", "", Decimal("0.90"), "reduced-rate", 40),
    ]
    return payloads


def _shop_product(name: str, sku: str, price: Decimal, tax_class: str, stock: int) -> dict:
    return {
        "name": name,
        "type": "simple",
        "status": "publish",
        "sku": sku,
        "regular_price": str(price),
        "tax_status": "taxable",
        "tax_class": tax_class,
        "manage_stock": True,
        "stock_quantity": stock,
        "description": f"{name}. Tovar z ponuky nášho obchodu, skladom a pripravený na odoslanie.",
    }


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class _People:
    """Names, addresses and unique e-mails of Slovak (and a few Czech) buyers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()  # e-mail local parts
        self.icos: set[str] = set()
        self.companies_made = 0

    def person(self, czech: bool = False, fixed: tuple | None = None) -> dict:
        rng = self.rng
        if fixed:
            first, last, city, postcode = fixed
        else:
            female = rng.random() < 0.5
            first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            last = rng.choice(SURNAMES)[1 if female else 0]
            city, postcode = rng.choice(CZ_CITIES if czech else SK_CITIES)
        street = rng.choice(CZ_STREETS if czech else SK_STREETS)
        # The part before "@" is unique on its own: it doubles as the shop username.
        stem = f"{_ascii(first)}.{_ascii(last)}".replace(" ", "")
        local, counter = stem, 1
        while local in self.taken:
            counter += 1
            local = f"{stem}{counter}"
        self.taken.add(local)
        email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        if czech:
            phone = f"+420{rng.randint(600000000, 799999999)}"
        else:
            phone = f"+4219{rng.randint(0, 99999999):08d}"
        return {
            "first_name": first,
            "last_name": last,
            "company": "",
            "address_1": f"{street} {rng.randint(1, 120)}",
            "address_2": "",
            "city": city,
            "state": "",
            "postcode": postcode,
            "country": "CZ" if czech else "SK",
            "email": email,
            "phone": phone,
        }

    def company(self, billing: dict) -> dict:
        """Makes `billing` a company's and returns its IČO, DIČ and (for VAT payers) IČ DPH."""
        number = self.companies_made
        self.companies_made += 1
        if number < len(COMPANY_NAMES):
            billing["company"] = COMPANY_NAMES[number]
        else:
            kind = COMPANY_KINDS[number % len(COMPANY_KINDS)]
            billing["company"] = f"{billing['last_name']} {kind} s.r.o."
        dic = _new_dic(self.rng)
        ids = {"ico": _new_ico(self.rng, self.icos), "dic": dic}
        if number % 4 != 3:  # every fourth company is not a VAT payer
            ids["ic_dph"] = f"SK{dic}"
        return ids


def _shipping_address(billing: dict) -> dict:
    return {
        key: billing[key]
        for key in (
            "first_name",
            "last_name",
            "company",
            "address_1",
            "address_2",
            "city",
            "state",
            "postcode",
            "country",
        )
    }


def _customers(rng: random.Random, count: int) -> list[dict]:
    """Registered customers, oldest first; every fifth one buys for a company."""
    people = _People(rng)
    people.icos.add(MATCHED_ICO)
    created = sorted((rng.randrange(YEAR_SECONDS) for _ in range(count)), reverse=True)
    customers = []
    for number in range(count):
        fixed = FIRST_CUSTOMERS[number] if number < len(FIRST_CUSTOMERS) else None
        billing = people.person(czech=number % 17 == 5, fixed=fixed)
        if number == 0:  # FLOWii already knows this buyer by e-mail
            billing["email"] = MATCHED_EMAIL
        meta = []
        if number % 5 == 1 and billing["country"] == "SK":
            ids = people.company(billing)
            if number == 1:  # ... and this company by its IČO
                ids["ico"] = MATCHED_ICO
            meta = [{"key": f"billing_{key}", "value": value} for key, value in ids.items()]
        shipping = _shipping_address(billing)
        if rng.random() < 0.15:  # sends parcels to someone else
            other = people.person()
            people.taken.discard(other["email"].split("@")[0])
            shipping = _shipping_address(other)
        customers.append(
            {
                "email": billing["email"],
                "first_name": billing["first_name"],
                "last_name": billing["last_name"],
                "username": billing["email"].split("@")[0],
                "billing": billing,
                "shipping": shipping,
                "meta_data": meta,
                "date_created_gmt": _shop_time(created[number]),
            }
        )
    return customers


def _pick(rng: random.Random, count: int, how_many: int, taken: set[int]) -> set[int]:
    """`how_many` order positions not yet given another special trait."""
    free = [i for i in range(count) if i not in taken]
    chosen = set(rng.sample(free, min(how_many, len(free))))
    taken |= chosen
    return chosen


def _orders(rng: random.Random, count: int, customers: list[dict], shop: list[dict]) -> list[dict]:
    """A year of orders, oldest first, so shop order ids grow with their dates."""
    people = _People(rng)
    people.taken.update(c["username"] for c in customers)
    ages = sorted((rng.randrange(YEAR_SECONDS) for _ in range(count)), reverse=True)
    # Customers are oldest first: those created by an order's date are a prefix of the list.
    customer_ages = [-_age_of(c["date_created_gmt"]) for c in customers]

    linked = [p for p in shop if p["sku"] and not p["sku"].startswith("ESHOP-")]
    by_class = {
        cls: [p for p in linked if p["tax_class"] == cls] for cls in TAX_CLASS_BY_RATE.values()
    }
    shop_only = [p for p in shop if p["sku"].startswith("ESHOP-")]
    prices = {p["sku"]: Decimal(p["regular_price"]) for p in shop if p["sku"]}

    taken: set[int] = set()
    forced_status = dict(
        zip(
            sorted(_pick(rng, count, len(ORDER_STATUSES), taken)),
            rng.sample(ORDER_STATUSES, len(ORDER_STATUSES)),
            strict=False,
        )
    )
    cheque = _pick(rng, count, max(3, count // 50), taken)
    two_shipping = _pick(rng, count, max(2, count // 60), taken)
    no_shipping = _pick(rng, count, max(4, count // 30), taken)
    negative_fee = _pick(rng, count, max(1, count // 120), taken)
    unknown_product = _pick(rng, count, max(3, count // 30), taken)
    every_class = _pick(rng, count, max(2, count // 40), taken)

    guests: list[tuple[dict, list]] = []
    orders = []
    for number, age in enumerate(ages):
        order = {"status": forced_status.get(number) or _status(rng, age), "currency": "EUR"}
        email, billing, shipping, meta = _buyer(rng, age, customers, customer_ages, people, guests)
        if email:
            order["customer_email"] = email
        order["date_created_gmt"] = _shop_time(age)

        if number in cheque:
            method = "cheque"
        else:
            method = rng.choices(("bacs", "cod", "card"), weights=(35, 30, 35))[0]
        order["payment_method"], order["payment_method_title"] = method, GATEWAY_TITLES[method]
        order["billing"], order["shipping"] = billing, shipping

        picks = rng.sample(linked, min(len(linked), rng.choices((1, 2, 3, 4), (40, 30, 20, 10))[0]))
        if number in every_class:
            picks = [rng.choice(by_class[cls]) for cls in by_class if by_class[cls]]
        if number in unknown_product:
            picks.append(rng.choice(shop_only))
        lines = [
            {"sku": p["sku"], "quantity": rng.choices((1, 2, 3, 5), (70, 18, 9, 3))[0]}
            for p in {p["sku"]: p for p in picks}.values()
        ]
        order["line_items"] = lines
        goods_total = sum((prices[line["sku"]] * line["quantity"] for line in lines), Decimal(0))

        if number in no_shipping:
            shipping_lines = []
        elif number in two_shipping:  # sent in two parcels
            shipping_lines = [_shipping_line(1), _shipping_line(2)]
        elif goods_total >= FREE_SHIPPING_FROM and rng.random() < 0.8:
            shipping_lines = [_shipping_line(4)]
        else:
            shipping_lines = [_shipping_line(rng.choices((1, 2, 3), (50, 30, 20))[0])]
        order["shipping_lines"] = shipping_lines

        fees = []
        if method == "cod" and rng.random() < 0.5:
            fees.append(_fee("Poplatok za dobierku", "1.00"))
        if number in negative_fee:
            fees.append(_fee("Zľava za vernosť", "-2.00"))
        order["fee_lines"] = fees

        coupons = []
        if rng.random() < 0.1:
            coupons.append(
                {"code": "minus5" if goods_total >= 20 and rng.random() < 0.3 else "zlava10"}
            )
        order["coupon_lines"] = coupons
        order["meta_data"] = meta
        if rng.random() < 0.1:
            order["customer_note"] = rng.choice(ORDER_NOTES)
        orders.append(order)
    return orders


def _buyer(rng, age, customers, customer_ages, people, guests) -> tuple:
    """Who places an order `age` seconds before the base time: (customer e-mail or None for a
    guest, billing, shipping, order meta with the company numbers)."""
    known = bisect_right(customer_ages, -age)
    if known and rng.random() >= 0.2:
        customer = customers[rng.randrange(known)]
        meta = [{"key": "_" + m["key"], "value": m["value"]} for m in customer["meta_data"]]
        return customer["email"], dict(customer["billing"]), dict(customer["shipping"]), meta
    if guests and rng.random() < 0.15:  # a returning guest
        billing, meta = rng.choice(guests)
        return None, dict(billing), _shipping_address(billing), list(meta)
    billing = people.person(czech=rng.random() < 0.05)
    meta = []
    if rng.random() < 0.2 and billing["country"] == "SK":
        ids = people.company(billing)
        meta = [{"key": f"_billing_{key}", "value": value} for key, value in ids.items()]
    guests.append((billing, meta))
    return None, billing, _shipping_address(billing), list(meta)


def _fee(name: str, total: str) -> dict:
    return {"name": name, "total": total, "tax_status": "taxable", "tax_class": ""}


def _age_of(shop_time: str) -> int:
    moment = datetime.strptime(shop_time, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return int((BASE_TIME - moment).total_seconds())


def _status(rng: random.Random, age: int) -> str:
    if age < 14 * 24 * 3600:  # recent orders are still being handled
        return rng.choices(("processing", "on-hold", "pending", "completed"), (70, 10, 10, 10))[0]
    return rng.choices(
        ("completed", "processing", "cancelled", "refunded", "failed", "on-hold", "pending"),
        (75, 8, 6, 4, 4, 2, 1),
    )[0]
