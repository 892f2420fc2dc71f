"""The sandbox's demo data: a Slovak shop's FLOWii account and WooCommerce store, built the
same way every time so tests and the demo can rely on exact ids, names and amounts."""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Every date is counted back from this moment, never from the wall clock.
BASE_TIME = datetime(2026, 11, 1, 8, 0, 0, tzinfo=UTC)
YEAR_SECONDS = 365 * 24 * 3600
# FLOWii products were last changed this year, so their timestamps all read "2026-...".
PRODUCTS_CHANGED_SINCE = datetime(2026, 1, 1, tzinfo=UTC)
RANDOM_SEED = 20261101

# Ids live in separate ranges so that an id of one kind used as another kind finds nothing.
COMPANY_MOJA_FIRMA, COMPANY_MOJA_FIRMA_CZ, COMPANY_KAVIAREN = 1, 2, 3
TYPE_ZAKAZNIK, TYPE_ODBERATEL, TYPE_DODAVATEL = 11, 12, 13
UNIT_KUS, UNIT_KG, UNIT_BALENIE, UNIT_HODINA, UNIT_SLUZBA = 21, 22, 23, 24, 25
PAY_PREVOD, PAY_HOTOVOST, PAY_DOBIERKA, PAY_KARTA = 31, 32, 33, 34
CATEGORY_SLUZBY, CATEGORY_MONTAZ, CATEGORY_DOPRAVA = 101, 102, 103
FIRST_GOODS_CATEGORY_ID = 104
PRODUCT_KURIER, PRODUCT_POSTA, PRODUCT_OSOBNY_ODBER = 10001, 10002, 10003
FIRST_PRODUCT_ID = 10001
PRODUCT_ID_CEILING = 10000  # categories must stay below the first product id

UNIT_BY_ABBREVIATION = {"ks": UNIT_KUS, "kg": UNIT_KG, "bal": UNIT_BALENIE}
TAX_CLASS_BY_RATE = {"20": "", "10": "reduced-rate", "0": "zero-rate"}

# What the connector's settings pick when it runs against the sandbox.
FLOWII_CHOICES = {
    "supplier_company_id": COMPANY_MOJA_FIRMA,
    "customer_type_id": TYPE_ZAKAZNIK,
    "non_stock_unit_id": UNIT_KUS,
    # Only the root: its subcategory "Montáž a servis" is left out with it.
    "non_stock_category_ids": [CATEGORY_SLUZBY],
    "shipping_category_ids": [CATEGORY_DOPRAVA],
    "shipping_mapping": {
        "flat_rate:1": PRODUCT_KURIER,
        "flat_rate:2": PRODUCT_POSTA,
        "local_pickup:3": PRODUCT_OSOBNY_ODBER,
        "free_shipping:4": PRODUCT_KURIER,
    },
    "payment_mapping": {
        "bacs": PAY_PREVOD,
        "cod": PAY_DOBIERKA,
        "card": PAY_KARTA,
        "cheque": PAY_PREVOD,
    },
}

# Goods: root (with its product-number prefix) > middle category > leaf. A leaf says how its
# products are named (noun, kinds, variants), their VAT rate, unit and gross price range.
CATALOGUE = (
    ("Potraviny", "POT", (
        ("Káva", (
            ("Zrnková káva", "Zrnková káva",
             "Arabica|Robusta|Brazília Santos|Kolumbia Supremo|Etiópia Sidamo",
             "250 g|500 g|1 kg", "10", "ks", 5, 30),
            ("Mletá káva", "Mletá káva", "Espresso|Crema|Bez kofeínu|Turecká",
             "250 g|500 g", "10", "ks", 4, 15),
            ("Príslušenstvo", "",
             "Papierové filtre 1x4|Moka kanvica|French press|Ručný mlynček na kávu|"
             "Odmerka na kávu", "", "20", "ks", 3, 45),
        )),
        ("Čaj", (
            ("Čierny čaj", "Čierny čaj", "Earl Grey|Assam|Ceylon|English Breakfast",
             "20 vrecúšok|100 g sypaný", "10", "bal", 2, 9),
            ("Zelený čaj", "Zelený čaj", "Sencha|Gunpowder|s jazmínom|Matcha",
             "20 vrecúšok|50 g sypaný", "10", "bal", 2, 14),
            ("Príslušenstvo", "",
             "Sitko na čaj|Kanvica na čaj|Vrecúška na sypaný čaj|Hrnček so sitkom",
             "", "20", "ks", 2, 30),
        )),
        ("Sladkosti", (
            ("Čokolády", "Čokoláda", "horká 70 %|mliečna|biela|s orieškami|s malinami",
             "100 g|200 g", "20", "ks", 1, 6),
            ("Sušienky", "Sušienky", "maslové|ovsené|kakaové|so zázvorom",
             "150 g|300 g", "20", "bal", 1, 5),
            ("Med a džemy", "", "Kvetový med|Lesný med|Agátový med|Marhuľový džem|Jahodový džem",
             "250 g|500 g", "10", "ks", 3, 12),
        )),
    )),
    ("Domácnosť", "DOM", (
        ("Kuchyňa", (
            ("Hrnčeky", "Hrnček", "keramický|smaltovaný|porcelánový|termo",
             "250 ml|350 ml|450 ml", "20", "ks", 4, 18),
            ("Hrnce a panvice", "",
             "Hrniec nerezový|Panvica s nepriľnavým povrchom|Liatinový hrniec|Wok",
             "20 cm|24 cm|28 cm", "20", "ks", 15, 90),
            ("Mlynčeky", "Mlynček", "na korenie|na soľ|na kávu elektrický|na mak",
             "", "20", "ks", 8, 60),
        )),
        ("Kúpeľňa", (
            ("Uteráky", "Uterák", "bavlnený|froté|bambusový", "50x100 cm|70x140 cm",
             "20", "ks", 5, 25),
            ("Doplnky do kúpeľne", "",
             "Dávkovač mydla|Pohár na zubné kefky|Mydelnička|Držiak na uteráky",
             "", "20", "ks", 4, 30),
            ("Koše na bielizeň", "Kôš na bielizeň", "prútený|látkový|plastový", "40 l|60 l",
             "20", "ks", 10, 40),
        )),
        ("Dekorácie", (
            ("Sviečky", "Sviečka", "vonná|adventná|čajová|v skle", "vanilka|škorica|levanduľa",
             "20", "ks", 2, 15),
            ("Vázy", "Váza", "sklenená|keramická|porcelánová", "malá|veľká", "20", "ks", 8, 45),
            ("Obrazy a rámy", "", "Fotorámik|Obraz na plátne|Zrkadlo v ráme",
             "10x15 cm|30x40 cm|50x70 cm", "20", "ks", 5, 80),
        )),
    )),
    ("Drogéria", "DRO", (
        ("Hygiena", (
            ("Mydlá", "Mydlo", "tekuté|tuhé|olivové|kozie", "levanduľa|citrón|bez parfumácie",
             "20", "ks", 1, 8),
            ("Šampóny", "Šampón", "na suché vlasy|proti lupinám|pre deti|bylinný",
             "250 ml|500 ml", "20", "ks", 2, 12),
            ("Zubné pasty", "Zubná pasta", "bieliaca|bylinková|pre deti|s fluórom", "75 ml",
             "20", "ks", 1, 6),
        )),
        ("Čistiace prostriedky", (
            ("Na riad", "",
             "Prostriedok na riad 500 ml|Prostriedok na riad 1 l|Tablety do umývačky 40 ks|"
             "Tablety do umývačky 80 ks|Leštidlo do umývačky 500 ml|Soľ do umývačky 1,5 kg",
             "", "20", "ks", 2, 15),
            ("Na podlahy", "Čistič na podlahy", "univerzálny|na drevo|na dlažbu", "1 l|5 l",
             "20", "ks", 3, 20),
            ("Na pranie", "", "Prací gél na farebné prádlo|Prací gél na biele prádlo|Aviváž",
             "1,5 l|3 l", "20", "ks", 5, 25),
        )),
        ("Kozmetika", (
            ("Krémy", "Krém", "na ruky|na tvár denný|na tvár nočný|telový", "50 ml|100 ml",
             "20", "ks", 3, 25),
            ("Parfumy", "",
             "Toaletná voda Lipa|Toaletná voda Cédrus|Parfumovaná voda Ruža|"
             "Kolínska Horský vzduch", "30 ml|50 ml|100 ml", "20", "ks", 12, 70),
            ("Balzamy na pery", "Balzam na pery", "medový|mätový|s SPF 15|jahodový",
             "", "20", "ks", 1, 5),
        )),
    )),
    ("Knihy a papiernictvo", "KNI", (
        ("Knihy", (
            ("Beletria", "",
             "Dom v stráni|Rysavá jalovica|Živý bič|Červené víno|Jánošík|Tri gaštanové kone",
             "viazaná|brožovaná", "10", "ks", 8, 25),
            ("Kuchárky", "",
             "Slovenská kuchyňa|Pečieme s babkou|Rýchle večere|Vegetariánske recepty",
             "", "10", "ks", 10, 30),
            ("Detské knihy", "",
             "Rozprávky o zvieratkách|Maťko a Kubko|Leporelo Farma|Omaľovánky Dinosaury",
             "", "10", "ks", 4, 15),
        )),
        ("Papiernictvo", (
            ("Zošity", "Zošit", "linajkový|štvorčekový|čistý|s tvrdou väzbou", "A4|A5",
             "20", "ks", 1, 6),
            ("Perá", "", "Guľôčkové pero|Plniace pero|Gélové pero|Zvýrazňovač",
             "modré|čierne|červené", "20", "ks", 1, 30),
            ("Obálky", "Obálky", "C6|C5|DL s okienkom", "25 ks|100 ks", "20", "bal", 1, 8),
        )),
        ("Poukážky a známky", (
            ("Poštové známky", "Poštová známka", "T1|T2|Vianočná|Európa", "1 ks|hárček 10 ks",
             "0", "ks", 1, 15),
            ("Darčekové poukážky", "Darčeková poukážka",
             "Vianočná|Narodeninová|Univerzálna|Svadobná", "", "0", "ks", 10, 100),
            ("Pohľadnice", "Pohľadnica", "Vianočná|Veľkonočná|Narodeninová|Tatry|Bratislava",
             "", "20", "ks", 1, 3),
        )),
    )),
    ("Záhrada", "ZAH", (
        ("Semená", (
            ("Zelenina", "Semená",
             "paradajka Bejbino|uhorka Karin|mrkva Nantes|reďkovka Saxa|paprika Dolly",
             "", "20", "bal", 1, 4),
            ("Bylinky", "Semená", "bazalka|petržlen|pažítka|kôpor|mäta", "", "20", "bal", 1, 4),
            ("Kvety", "Semená", "slnečnica|nechtík|aksamietnica|lúčna zmes", "",
             "20", "bal", 1, 5),
        )),
        ("Náradie", (
            ("Ručné náradie", "", "Rýľ|Hrable|Motyka|Záhradné nožnice|Lopatka", "",
             "20", "ks", 6, 40),
            ("Záhradné hadice", "Záhradná hadica", '1/2"|3/4"', "15 m|25 m|50 m",
             "20", "ks", 12, 70),
            ("Kvetináče", "Kvetináč", "terakotový|plastový|závesný", "12 cm|20 cm|30 cm",
             "20", "ks", 2, 25),
        )),
        ("Hnojivá a substráty", (
            ("Tekuté hnojivá", "Tekuté hnojivo",
             "univerzálne|na paradajky|na muškáty|na izbové rastliny", "0,5 l|1 l",
             "20", "ks", 3, 12),
            # Sold by weight: stock is a decimal number of kilograms.
            ("Granulované hnojivá", "Granulované hnojivo", "NPK|na trávnik|na ihličnany",
             "na váhu", "20", "kg", 1, 4),
            ("Substráty", "Substrát", "univerzálny|na muškáty|na kaktusy|výsevný", "20 l|50 l",
             "20", "ks", 3, 12),
        )),
    )),
    ("Šport a voľný čas", "SPO", (
        ("Turistika", (
            ("Fľaše", "Fľaša", "nerezová|termo|športová", "0,5 l|0,75 l|1 l", "20", "ks", 6, 30),
            ("Batohy", "Batoh", "turistický|mestský|detský", "10 l|25 l|40 l",
             "20", "ks", 20, 120),
            ("Čelovky", "Čelovka", "LED|nabíjacia USB|so senzorom", "", "20", "ks", 8, 45),
        )),
        ("Fitness", (
            ("Činky", "Činka", "jednoručná|kettlebell|neoprénová", "2 kg|5 kg|10 kg",
             "20", "ks", 8, 60),
            ("Podložky", "Podložka", "na jogu|na cvičenie|pod fitness stroj", "",
             "20", "ks", 10, 45),
            ("Odporové gumy", "Odporová guma", "slabá|stredná|silná|sada 5 ks", "",
             "20", "ks", 4, 25),
        )),
        ("Cyklistika", (
            ("Svetlá", "Svetlo na bicykel", "predné|zadné|sada", "", "20", "ks", 6, 45),
            ("Zámky", "Zámok na bicykel", "lankový|U-zámok|skladací|reťazový", "",
             "20", "ks", 8, 60),
            ("Prilby", "Prilba", "cestná|horská|detská", "S|M|L", "20", "ks", 25, 120),
        )),
    )),
)  # fmt: skip

# Extra leaves of a large catalogue are lines of an existing leaf: "Zrnková káva – bio".
LINE_NAMES = (
    "bio",
    "prémiová rada",
    "darčekové sady",
    "výhodné balenia",
    "novinky",
    "výpredaj",
    "limitovaná edícia",
    "pre profesionálov",
)
SERIES_NAMES = ("Bio", "Premium", "Klasik", "Eko", "Plus", "Mini", "Maxi", "Extra")

# Services (not stock items) and the three shipping items, at fixed ids.
SERVICES = (
    (CATEGORY_SLUZBY, "SLUZBA-BALENIE", "Darčekové balenie", UNIT_SLUZBA, "2.50"),
    (CATEGORY_SLUZBY, "SLUZBA-GRAVIR", "Gravírovanie", UNIT_SLUZBA, "5.00"),
    (CATEGORY_SLUZBY, "SLUZBA-EXPRES", "Expresné spracovanie objednávky", UNIT_SLUZBA, "3.00"),
    (CATEGORY_MONTAZ, "SLUZBA-MONTAZ", "Montáž", UNIT_HODINA, "30.00"),
    (CATEGORY_MONTAZ, "SLUZBA-SERVIS", "Servis bicykla", UNIT_SLUZBA, "25.00"),
    (CATEGORY_MONTAZ, "SLUZBA-INSTALACIA", "Inštalácia na mieste", UNIT_HODINA, "35.00"),
)
SHIPPING_ITEMS = (
    (PRODUCT_KURIER, "DOPRAVA-KURIER", "Kuriér", "3.90"),
    (PRODUCT_POSTA, "DOPRAVA-POSTA", "Slovenská pošta", "2.90"),
    (PRODUCT_OSOBNY_ODBER, "DOPRAVA-OSOBNE", "Osobný odber", "0.00"),
)
FIXED_PRODUCTS = len(SHIPPING_ITEMS) + len(SERVICES)
FIXED_CATEGORIES = 3
NAMED_GOODS_CATEGORIES = sum(
    1 + sum(1 + len(leaves) for _, leaves in mids) for _, _, mids in CATALOGUE
)

SIZES = {
    "small": {
        "products": 200,
        "categories": FIXED_CATEGORIES + NAMED_GOODS_CATEGORIES,
        "customers": 50,
        "orders": 120,
    },
    "large": {"products": 10_000, "categories": 200, "customers": 2_000, "orders": 5_000},
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


@dataclass
class Seed:
    flowii: dict
    woocommerce: dict


def build_seed(size: str = "small", **counts) -> Seed:
    """The demo data of one size; `counts` (products, categories, customers, orders) override
    the size's numbers. The same arguments always give the same data."""
    if size not in SIZES:
        raise ValueError(f"unknown seed size {size!r}; choose one of {sorted(SIZES)}")
    unknown = set(counts) - set(SIZES[size])
    if unknown:
        raise TypeError(f"unknown counts: {sorted(unknown)}")
    wanted = {**SIZES[size], **counts}
    if wanted["categories"] < FIXED_CATEGORIES + 3:
        raise ValueError("categories must be at least 6 (services, shipping and one branch)")
    if wanted["categories"] >= PRODUCT_ID_CEILING - FIRST_GOODS_CATEGORY_ID:
        raise ValueError("categories must stay below 9,800")
    if wanted["products"] <= FIXED_PRODUCTS:
        raise ValueError(f"products must be more than {FIXED_PRODUCTS}")

    rng = random.Random(RANDOM_SEED)
    categories, leaves = _categories(wanted["categories"] - FIXED_CATEGORIES)
    products, goods = _products(rng, leaves, wanted["products"] - FIXED_PRODUCTS)
    flowii = {
        "companies": _companies(),
        "partner_types": [
            {"id": TYPE_ZAKAZNIK, "name": "Zákazník"},
            {"id": TYPE_ODBERATEL, "name": "Odberateľ"},
            {"id": TYPE_DODAVATEL, "name": "Dodávateľ"},
        ],
        "units": [
            {"id": UNIT_KUS, "name": "kus", "abbreviation": "ks"},
            {"id": UNIT_KG, "name": "kilogram", "abbreviation": "kg"},
            {"id": UNIT_BALENIE, "name": "balenie", "abbreviation": "bal"},
            {"id": UNIT_HODINA, "name": "hodina", "abbreviation": "hod"},
            {"id": UNIT_SLUZBA, "name": "služba", "abbreviation": "sl"},
        ],
        "payment_types": [
            {"id": PAY_PREVOD, "name": "Bankový prevod"},
            {"id": PAY_HOTOVOST, "name": "Hotovosť"},
            {"id": PAY_DOBIERKA, "name": "Dobierka"},
            {"id": PAY_KARTA, "name": "Platobná karta"},
        ],
        "product_categories": categories,
        "products": products,
        # The connector creates these; an account starts without them.
        "partners": [],
        "orders": [],
    }
    shop_products = _shop_products(rng, goods, _shop_share(len(goods)))
    customers = _customers(rng, wanted["customers"])
    woocommerce = {
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
        "categories": _shop_categories(categories),
        "products": shop_products,
        "coupons": [
            {"code": "ZLAVA10", "discount_type": "percent", "amount": "10"},
            {"code": "MINUS5", "discount_type": "fixed_cart", "amount": "5"},
        ],
        "customers": customers,
        "orders": _orders(rng, wanted["orders"], customers, shop_products),
    }
    return Seed(flowii=flowii, woocommerce=woocommerce)


# -- money, dates and Slovak company numbers --------------------------------------------


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_with_vat(without_vat: Decimal, rate: str) -> Decimal:
    """FLOWii's gross sale price: the net price plus VAT, rounded half up to the cent."""
    return money(without_vat * (1 + Decimal(rate) / 100))


def _prices(gross_wanted: Decimal, rate: str) -> tuple[Decimal, Decimal]:
    # The net price is what FLOWii stores; the gross one follows from it and may land a cent
    # away from the round figure the shop owner aimed at.
    net = money(gross_wanted / (1 + Decimal(rate) / 100))
    return net, price_with_vat(net, rate)


def _flowii_time(seconds_after: int) -> str:
    return (PRODUCTS_CHANGED_SINCE + timedelta(seconds=seconds_after)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


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


# -- FLOWii -------------------------------------------------------------------------------


def _companies() -> list[dict]:
    return [
        {
            "id": COMPANY_MOJA_FIRMA,
            "name": "Moja firma s.r.o.",
            "ico": "36123455",
            "dic": "2021234567",
            "icDph": "SK2021234567",
            "currency": "EUR",
        },
        {
            "id": COMPANY_MOJA_FIRMA_CZ,
            "name": "Moja firma CZ s.r.o.",
            "ico": "27123456",
            "dic": "CZ27123456",
            "icDph": None,
            "currency": "CZK",
        },
        {
            "id": COMPANY_KAVIAREN,
            "name": "Kaviareň Pod hradom s.r.o.",
            "ico": "50123459",
            "dic": "2120123456",
            "icDph": None,
            "currency": "EUR",
        },
    ]


def _categories(goods_count: int) -> tuple[list[dict], list[tuple[int, tuple, str]]]:
    """The category tree, parents before children, and its goods leaves as
    (category id, leaf template, product-number prefix)."""
    rows = [
        {"id": CATEGORY_SLUZBY, "name": "Služby", "parentId": None},
        {"id": CATEGORY_MONTAZ, "name": "Montáž a servis", "parentId": CATEGORY_SLUZBY},
        {"id": CATEGORY_DOPRAVA, "name": "Doprava", "parentId": None},
    ]
    leaves: list[tuple[int, tuple, str]] = []
    middles: list[tuple[int, tuple, str]] = []  # (id, its leaf templates, prefix)
    next_id = FIRST_GOODS_CATEGORY_ID

    def add(name: str, parent_id: int | None) -> int | None:
        nonlocal next_id
        if next_id - FIRST_GOODS_CATEGORY_ID >= goods_count:
            return None
        rows.append({"id": next_id, "name": name, "parentId": parent_id})
        next_id += 1
        return next_id - 1

    for root_name, prefix, mids in CATALOGUE:
        root_id = add(root_name, None)
        for mid_name, leaf_templates in mids:
            mid_id = add(mid_name, root_id)
            if mid_id is not None:
                middles.append((mid_id, leaf_templates, prefix))
            for template in leaf_templates:
                leaf_id = add(template[0], mid_id)
                if leaf_id is not None:
                    leaves.append((leaf_id, template, prefix))

    extra = 0
    while next_id - FIRST_GOODS_CATEGORY_ID < goods_count:
        mid_id, templates, prefix = middles[extra % len(middles)]
        round_no = extra // len(middles)
        template = templates[round_no % len(templates)]
        line = round_no // len(templates)
        line_name = LINE_NAMES[line % len(LINE_NAMES)]
        if line >= len(LINE_NAMES):
            line_name += f" {line // len(LINE_NAMES) + 1}"
        leaf_id = add(f"{template[0]} – {line_name}", mid_id)
        leaves.append((leaf_id, template, prefix))
        extra += 1
    return rows, leaves


def _products(
    rng: random.Random, leaves: list[tuple[int, tuple, str]], goods_count: int
) -> tuple[list[dict], list[dict]]:
    """All FLOWii products (shipping, services, goods) and, separately, the goods."""
    products = []
    for product_id, code, name, gross in SHIPPING_ITEMS:
        products.append(
            _product(rng, product_id, name, code, CATEGORY_DOPRAVA, UNIT_SLUZBA, "20", gross)
        )
    for offset, (category_id, code, name, unit_id, gross) in enumerate(SERVICES):
        product_id = FIRST_PRODUCT_ID + len(SHIPPING_ITEMS) + offset
        products.append(_product(rng, product_id, name, code, category_id, unit_id, "20", gross))

    goods = []
    made_in_leaf = [0] * len(leaves)
    first_goods_id = FIRST_PRODUCT_ID + FIXED_PRODUCTS
    for number in range(goods_count):
        slot = number % len(leaves)
        category_id, template, prefix = leaves[slot]
        _, noun, kinds, variants, rate, unit, low, high = template
        name = _product_name(noun, kinds.split("|"), variants.split("|"), made_in_leaf[slot])
        made_in_leaf[slot] += 1
        euros = rng.randint(low, high)
        cents = rng.choice((90, 49, 99, 50, 0)) if euros > 1 else rng.choice((49, 90, 99))
        if unit == "kg":
            stock = f"{rng.randint(0, 400) / 2:.1f}" if rng.random() > 0.1 else "0.0"
        else:
            stock = str(rng.randint(1, 150)) if rng.random() > 0.05 else "0"
        product_id = first_goods_id + number
        code = f"{prefix}-{product_id - 10000:05d}"
        unit_id = UNIT_BY_ABBREVIATION[unit]
        gross = Decimal(euros * 100 + cents) / 100
        product = _product(rng, product_id, name, code, category_id, unit_id, rate, gross, stock)
        # A few goods are no longer sold.
        product["isActive"] = number % 47 != 13
        products.append(product)
        goods.append(product)
    return products, goods


def _product(
    rng: random.Random,
    product_id: int,
    name: str,
    code: str,
    category_id: int,
    unit_id: int,
    rate: str,
    gross_wanted: Decimal | str,
    stock: str | None = None,
) -> dict:
    """One FLOWii product; without a stock quantity it is a service (not a stock item)."""
    net, with_vat = _prices(Decimal(gross_wanted), rate)
    changed = rng.randrange(int((BASE_TIME - PRODUCTS_CHANGED_SINCE).total_seconds()))
    return {
        "id": product_id,
        "name": name,
        "code": code,
        "categoryId": category_id,
        "unitId": unit_id,
        "vatRate": rate,
        "priceWithoutVat": str(net),
        "priceWithVat": str(with_vat),
        "isStockItem": stock is not None,
        "stockQuantity": stock,
        "isActive": True,
        "modifiedAt": _flowii_time(changed),
    }


def _product_name(noun: str, kinds: list[str], variants: list[str], made: int) -> str:
    kind = kinds[made % len(kinds)]
    variant = variants[(made // len(kinds)) % len(variants)]
    series = made // (len(kinds) * len(variants))
    name = " ".join(part for part in (noun, kind, variant) if part)
    if series:
        name += " " + SERIES_NAMES[(series - 1) % len(SERIES_NAMES)]
        if series > len(SERIES_NAMES):
            name += f" {(series - 1) // len(SERIES_NAMES) + 1}"
    return name


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
    """Categories the shop already has: some that FLOWii also has (to be linked by name and
    parent) and one of its own."""
    names = {row["id"]: row["name"] for row in flowii_categories}
    wanted = ("Potraviny", "Káva", "Zrnková káva", "Domácnosť")
    shop = []
    for row in flowii_categories:
        if row["name"] in wanted and row["name"] not in [c["name"] for c in shop]:
            parent = names.get(row["parentId"]) if row["parentId"] else None
            shop.append({"name": row["name"], "parent_name": parent})
    shop.append({"name": "Akcie", "parent_name": None})
    return shop


def _shop_share(goods_count: int) -> int:
    return min(goods_count, max(40, goods_count // 5))


def _shop_products(rng: random.Random, goods: list[dict], count: int) -> list[dict]:
    """Shop products whose SKUs are FLOWii product codes, every VAT rate among them, a few
    with an older price or stock; then the shop's own products unknown to FLOWii."""
    chosen = rng.sample(goods, count)
    for rate in ("10", "0"):
        if not any(p["vatRate"] == rate for p in chosen):
            # Swap a standard-rate pick for the first goods of the missing rate.
            extra = next((p for p in goods if p["vatRate"] == rate), None)
            standard = next((i for i, p in enumerate(chosen) if p["vatRate"] == "20"), None)
            if extra is not None and standard is not None:
                chosen[standard] = extra
    chosen.sort(key=lambda p: p["id"])

    payloads = []
    for product in chosen:
        price = Decimal(product["priceWithVat"])
        stock = int(Decimal(product["stockQuantity"]))
        if rng.random() < 0.12:  # the shop still shows an older price and stock
            price = price - 1 if price > 2 else price + Decimal("0.50")
            stock = stock + rng.randint(1, 10)
        payloads.append(
            _shop_product(
                product["name"],
                product["code"],
                price,
                TAX_CLASS_BY_RATE[product["vatRate"]],
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
    created = sorted((rng.randrange(YEAR_SECONDS) for _ in range(count)), reverse=True)
    customers = []
    for number in range(count):
        fixed = FIRST_CUSTOMERS[number] if number < len(FIRST_CUSTOMERS) else None
        billing = people.person(czech=number % 17 == 5, fixed=fixed)
        meta = []
        if number % 5 == 1 and billing["country"] == "SK":
            ids = people.company(billing)
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
