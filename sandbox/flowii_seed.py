"""The simulated FLOWii account's seed: two firms with their codebooks, the goods catalogue
(two category levels), a few partners and documents, built the same way every time.

Records are plain JSON-able dicts whose attribute keys are FLOWii's own (kebab-case), so the
simulator renders them without translation; `_`-prefixed keys are the simulator's own
(relations, created/edited unix times) and never go over the wire as attributes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from .credentials import FLOWII_API_KEY, FLOWII_EMAIL, FLOWII_PASSWORD

RANDOM_SEED = 20261101
# Seeded records were created and edited in this window (before any test's wall clock).
CREATED_FROM = int(datetime(2026, 1, 5, 8, 0, tzinfo=UTC).timestamp())
CREATED_SPAN = 150 * 24 * 3600
EDITED_SPAN = 120 * 24 * 3600

# The login and its two firms (tenants).
EMAIL, PASSWORD, API_KEY = FLOWII_EMAIL, FLOWII_PASSWORD, FLOWII_API_KEY
COMPANY_MOJA_FIRMA, COMPANY_KAVIAREN = 4523, 4524
CD_MOJA_FIRMA, CD_MOJA_FIRMA_VO, CD_KAVIAREN = 37, 9468, 9501
SEQ_OP, SEQ_OPV, SEQ_FA, SEQ_KAVIAREN_OP = 36520, 36521, 36522, 36600
BR_ZAKAZNIK, BR_MALOOBCHOD, BR_VELKOOBCHOD = 135904, 135910, 135911
BR_ODBERATEL, BR_DODAVATEL, BR_POTENCIALNY, BR_ZAUJEM, BR_NEZAUJEM = (
    135905, 135906, 103204, 103206, 103207,
)  # fmt: skip
UNIT_KS, UNIT_KG, UNIT_HOD, UNIT_LITER, UNIT_BAL = 25359, 25361, 25362, 25360, 25363
PAY_DOBIERKA, PAY_HOTOVOST, PAY_KARTA, PAY_PREVOD, PAY_ZAPOCET = 150, 148, 149, 147, 28087
DELIVERY_DOBIERKA, DELIVERY_OSOBNE, DELIVERY_POSTOU, DELIVERY_KURIER = 1837, 826, 1615, 1616
USER_SELF, USER_OTHER = 11142, 11143
CUSTOM_FIELD_ESHOP_ID, CUSTOM_FIELD_DISCOUNT = 4679, 4680
COUNTRY_SK = 1

CATEGORY_SLUZBY, CATEGORY_MONTAZ, CATEGORY_DOPRAVA = 2179, 2180, 2181
FIRST_GOODS_CATEGORY_ID = 2182
GOOD_KURIER, GOOD_POSTA, GOOD_OSOBNE = 93669, 93670, 93671
FIRST_GOOD_ID = 93669
FIRST_PARTNER_ID = 457854
# Ids the second firm's records start from (ids are unique across the whole account).
SECOND_FIRM_OFFSET = 900_000

# A shop customer (by e-mail) and a shop company (by IČO) that FLOWii already knows.
MATCHED_EMAIL = "lubomir.stastny@example.com"
MATCHED_ICO = "31789323"
MATCHED_COMPANY = "Kávička s.r.o."

# What the connector's settings pick when it runs against the sandbox.
FLOWII_CHOICES = {
    "company_id": COMPANY_MOJA_FIRMA,
    "company_data_id": CD_MOJA_FIRMA,
    "numbering_sequence_id": SEQ_OP,
    "business_relationship_id": BR_ZAKAZNIK,
    "business_relationship_subtype_id": BR_MALOOBCHOD,
    "non_stock_unit_id": UNIT_KS,
    # Only the root: its subcategory "Montáž a servis" is left out with it.
    "non_stock_category_ids": [CATEGORY_SLUZBY],
    "shipping_category_ids": [CATEGORY_DOPRAVA],
    "shipping_mapping": {
        "flat_rate:1": {"delivery_type_id": DELIVERY_KURIER, "good_id": GOOD_KURIER},
        "flat_rate:2": {"delivery_type_id": DELIVERY_POSTOU, "good_id": GOOD_POSTA},
        "local_pickup:3": {"delivery_type_id": DELIVERY_OSOBNE, "good_id": GOOD_OSOBNE},
        "free_shipping:4": {"delivery_type_id": DELIVERY_KURIER, "good_id": GOOD_KURIER},
    },
    "payment_mapping": {
        "bacs": PAY_PREVOD,
        "cod": PAY_DOBIERKA,
        "card": PAY_KARTA,
        "cheque": PAY_PREVOD,
    },
    "partner_custom_field_id": CUSTOM_FIELD_ESHOP_ID,
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

# Services (type 1, not stock) and the shipping goods, at fixed ids:
# (category, subcategory, serial-nr, name, unit, price with VAT).
SERVICES = (
    (CATEGORY_SLUZBY, None, "SLUZBA-BALENIE", "Darčekové balenie", UNIT_KS, "2.50"),
    (CATEGORY_SLUZBY, None, "SLUZBA-GRAVIR", "Gravírovanie", UNIT_KS, "5.00"),
    (CATEGORY_SLUZBY, None, "SLUZBA-EXPRES", "Expresné spracovanie objednávky", UNIT_KS, "3.00"),
    (CATEGORY_SLUZBY, CATEGORY_MONTAZ, "SLUZBA-MONTAZ", "Montáž", UNIT_HOD, "30.00"),
    (CATEGORY_SLUZBY, CATEGORY_MONTAZ, "SLUZBA-SERVIS", "Servis bicykla", UNIT_KS, "25.00"),
    (CATEGORY_SLUZBY, CATEGORY_MONTAZ, "SLUZBA-INSTAL", "Inštalácia na mieste", UNIT_HOD, "35.00"),
)
SHIPPING_GOODS = (
    (GOOD_KURIER, "DOPRAVA-KURIER", "Doprava kuriérom", "3.90"),
    (GOOD_POSTA, "DOPRAVA-POSTA", "Doprava poštou", "2.90"),
    (GOOD_OSOBNE, "DOPRAVA-OSOBNE", "Osobný odber", "0.00"),
)
FIXED_GOODS = len(SHIPPING_GOODS) + len(SERVICES)
FIXED_CATEGORIES = 3
NAMED_CATEGORIES = sum(1 + len(mids) for _, _, mids in CATALOGUE)
UNIT_BY_NAME = {"ks": UNIT_KS, "kg": UNIT_KG, "bal": UNIT_BAL}

SIZES = {
    "small": {"products": 60, "categories": FIXED_CATEGORIES + NAMED_CATEGORIES},
    "large": {"products": 10_000, "categories": 200},
}

# Every EU country and a few neighbours, with FLOWii's Slovak names; Slovensko is id 1.
COUNTRIES = (
    "Slovensko|Česko|Rakúsko|Maďarsko|Poľsko|Nemecko|Belgicko|Bulharsko|Chorvátsko|Cyprus|"
    "Dánsko|Estónsko|Fínsko|Francúzsko|Grécko|Holandsko|Írsko|Litva|Lotyšsko|Luxembursko|"
    "Malta|Portugalsko|Rumunsko|Slovinsko|Španielsko|Švédsko|Taliansko|Spojené kráľovstvo|"
    "Švajčiarsko|Nórsko|Ukrajina|Spojené štáty americké"
).split("|")

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def number(value: Decimal | str) -> int | float:
    """A JSON number as FLOWii writes it: 10 for 10.00, 3.25 otherwise."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def with_vat(price: Decimal, rate: int) -> Decimal:
    return money(price * (100 + rate) / 100)


def gross_price(good: dict) -> Decimal:
    """A good's price with VAT, whichever way FLOWii keeps it."""
    price = Decimal(str(good["selling-price"]))
    return price if good["selling-price-type"] == 0 else with_vat(price, good["vat-rate"])


def build_account(size: str = "small", empty: bool = False, **counts) -> dict:
    """The whole account: shared countries and one dict per firm. `counts` (products,
    categories) override the size's; `empty` keeps firms and codebooks only."""
    if size not in SIZES:
        raise ValueError(f"unknown seed size {size!r}; choose one of {sorted(SIZES)}")
    unknown = set(counts) - set(SIZES[size])
    if unknown:
        raise TypeError(f"unknown counts: {sorted(unknown)}")
    wanted = {**SIZES[size], **counts}
    if wanted["categories"] < FIXED_CATEGORIES + 2:
        raise ValueError("categories must be at least 5 (services, shipping and one branch)")
    if wanted["products"] <= FIXED_GOODS:
        raise ValueError(f"products must be more than {FIXED_GOODS}")
    rng = random.Random(RANDOM_SEED)
    first = _first_firm()
    second = _second_firm()
    categories, slots = _categories(wanted["categories"] - FIXED_CATEGORIES)
    first["good_categories"] = categories
    second["good_categories"] = _second_categories()
    if not empty:
        first["goods"] = _goods(rng, slots, wanted["products"] - FIXED_GOODS)
        first["partners"] = _first_partners()
        first["documents"] = _first_documents()
        second["goods"] = _second_goods()
        second["partners"] = _second_partners()
    else:
        first["good_categories"] = categories[:FIXED_CATEGORIES]
        second["good_categories"] = []
    return {
        "countries": [{"id": n, "name": name} for n, name in enumerate(COUNTRIES, start=1)],
        "firms": [first, second],
    }


def _times(rng: random.Random) -> dict:
    created = CREATED_FROM + rng.randrange(CREATED_SPAN)
    return {"_created": created, "_edited": created + rng.randrange(EDITED_SPAN)}


def _named(ids_and_names, **extra) -> list[dict]:
    return [{"id": i, "name": name, **extra} for i, name in ids_and_names]


def _firm(company_id: int, name: str) -> dict:
    return {
        "company": {"id": company_id, "name": name},
        "permissions": [{"id": m, "modul": m, "visible": True} for m in (1, 2, 4, 11, 19)],
        "goods": [],
        "partners": [],
        "documents": [],
    }


def _company_data(cd_id, name, ico, dic, ic_dph, street, city, zip_code) -> dict:
    return {
        "id": cd_id,
        "name": name,
        "ico": ico,
        "dic": dic,
        "ic-dph": ic_dph,
        "street": street,
        "city": city,
        "zip": zip_code,
        "_country": COUNTRY_SK,
    }


def _sequence(seq_id, name, fmt, document_type, company_data_id) -> dict:
    return {
        "id": seq_id,
        "name": name,
        "format": fmt,
        "_document_type": document_type,
        "_company_data": company_data_id,
    }


def _relationship(br_id, name, order, parent=None) -> dict:
    return {"id": br_id, "name": name, "order": order, "_parent": parent}


def _first_firm() -> dict:
    firm = _firm(COMPANY_MOJA_FIRMA, "Moja firma s.r.o.")
    firm["company_data"] = [
        _company_data(CD_MOJA_FIRMA, "Moja firma s.r.o.", "36123455", "2021234567",
                      "SK2021234567", "Hlavná 12", "Žilina", "01001"),
        _company_data(CD_MOJA_FIRMA_VO, "Moja firma Veľkoobchod s.r.o.", "46383913",
                      "2023355620", "SK2023355620", "Priemyselná 4", "Martin", "03601"),
    ]  # fmt: skip
    firm["numbering_sequences"] = [
        _sequence(SEQ_OP, "Prijaté objednávky", "OP{YYYY}{NNNN}", 5, CD_MOJA_FIRMA),
        _sequence(SEQ_OPV, "Prijaté objednávky VO", "OPV{YYYY}{NNNN}", 5, CD_MOJA_FIRMA_VO),
        _sequence(SEQ_FA, "Faktúry", "FA{YYYY}{NNNN}", 4, CD_MOJA_FIRMA),
    ]
    firm["business_relationships"] = [
        _relationship(BR_ZAKAZNIK, "Zákazník", 1),
        _relationship(BR_ODBERATEL, "Odberateľ", 2),
        _relationship(BR_DODAVATEL, "Dodávateľ", 3),
        _relationship(BR_POTENCIALNY, "Potenciálny zákazník", 4),
        _relationship(BR_MALOOBCHOD, "Maloobchod", 1, BR_ZAKAZNIK),
        _relationship(BR_VELKOOBCHOD, "Veľkoobchod", 2, BR_ZAKAZNIK),
        _relationship(BR_ZAUJEM, "Záujem", 1, BR_POTENCIALNY),
        _relationship(BR_NEZAUJEM, "Nezáujem", 2, BR_POTENCIALNY),
    ]
    firm["units"] = _named(
        [(UNIT_HOD, "hod."), (UNIT_KG, "kg"), (UNIT_KS, "ks"), (UNIT_LITER, "liter"),
         (UNIT_BAL, "bal.")]
    )  # fmt: skip
    firm["payment_methods"] = _named(
        [(PAY_DOBIERKA, "Dobierka"), (PAY_HOTOVOST, "Hotovosť"), (PAY_KARTA, "Kreditná karta"),
         (PAY_PREVOD, "Prevodný príkaz"), (PAY_ZAPOCET, "Zápočet")]
    )  # fmt: skip
    firm["delivery_types"] = _named(
        [(DELIVERY_DOBIERKA, "Dobierka"), (DELIVERY_OSOBNE, "Osobný odber"),
         (DELIVERY_POSTOU, "Poštou"), (DELIVERY_KURIER, "Kuriér")]
    )  # fmt: skip
    firm["users"] = _named([(USER_SELF, "Novák Peter"), (USER_OTHER, "Kováčová Jana")])
    firm["self_user"] = USER_SELF
    firm["bank_accounts"] = _named(
        [(116, "SK31 1100 0000 0029 4512 3456"), (1479, "SK89 0900 0000 0051 2345 6789")]
    )
    firm["document_categories"] = [
        {"id": 61, "name": "E-shop", "order": 0, "_document_type": 5, "_parent": None},
        {"id": 62, "name": "Veľkoobchod", "order": 1, "_document_type": 5, "_parent": None},
        {"id": 63, "name": "Réžia", "order": 0, "_document_type": 7, "_parent": None},
    ]
    firm["custom_fields"] = [
        _custom_field(CUSTOM_FIELD_ESHOP_ID, "ID v e-shope", 3, 1, True),
        _custom_field(CUSTOM_FIELD_DISCOUNT, "Zľava %", 2, 2, True),
    ]
    return firm


def _custom_field(field_id, name, value_type, order, nullable) -> dict:
    # value-type as the blueprint's custom field list shows: 1 bool, 2 number, 3 text, 4 date,
    # 6 enum.
    return {
        "id": field_id,
        "name": name,
        "value-type": value_type,
        "order": order,
        "is-nullable": nullable,
        "length": None,
        "min-value": None,
        "max-value": None,
    }


def _second_firm() -> dict:
    o = SECOND_FIRM_OFFSET
    firm = _firm(COMPANY_KAVIAREN, "Kaviareň Pod hradom s.r.o.")
    firm["company_data"] = [
        _company_data(CD_KAVIAREN, "Kaviareň Pod hradom s.r.o.", "50123459", "2120123456",
                      None, "Hradná 1", "Trenčín", "91101"),
    ]  # fmt: skip
    firm["numbering_sequences"] = [
        _sequence(SEQ_KAVIAREN_OP, "Objednávky", "KO{YYYY}{NNNN}", 5, CD_KAVIAREN)
    ]
    firm["business_relationships"] = [
        _relationship(o + 1, "Zákazník", 1),
        _relationship(o + 2, "Dodávateľ", 2),
    ]
    firm["units"] = _named([(o + 11, "ks"), (o + 12, "kg"), (o + 13, "liter")])
    firm["payment_methods"] = _named([(o + 21, "Hotovosť"), (o + 22, "Kreditná karta")])
    firm["delivery_types"] = _named([(o + 31, "Osobný odber")])
    firm["users"] = _named([(o + 41, "Horváth Marek")])
    firm["self_user"] = o + 41
    firm["bank_accounts"] = _named([(o + 51, "SK12 0200 0000 0012 3456 7890")])
    firm["document_categories"] = []
    firm["custom_fields"] = []
    return firm


def _second_categories() -> list[dict]:
    o = SECOND_FIRM_OFFSET
    return [
        {"id": o + 101, "name": "Nápoje", "order": 0, "_parent": None},
        {"id": o + 102, "name": "Káva", "order": 0, "_parent": o + 101},
        {"id": o + 103, "name": "Zákusky", "order": 1, "_parent": None},
    ]


def _second_goods() -> list[dict]:
    o = SECOND_FIRM_OFFSET
    rows = (
        (o + 201, "K-ESPRESSO", "Espresso", o + 101, o + 102, "1.80"),
        (o + 202, "K-CAPPUCCINO", "Cappuccino", o + 101, o + 102, "2.60"),
        (o + 203, "K-LIMONADA", "Domáca limonáda", o + 101, None, "3.20"),
        (o + 204, "K-MEDOVNIK", "Medovník", o + 103, None, "3.50"),
    )
    return [
        _good(gid, code, name, cat, sub, o + 11, 0, 0, Decimal(p), 10, None, 1767600000 + n)
        for n, (gid, code, name, cat, sub, p) in enumerate(rows)
    ]


def _categories(goods_count: int) -> tuple[list[dict], list[tuple[int, int, tuple, str]]]:
    """Roots before their subcategories (two levels only), and the slots goods are made in:
    (root id, subcategory id, product template, serial-nr prefix)."""
    rows = [
        {"id": CATEGORY_SLUZBY, "name": "Služby", "order": 90, "_parent": None},
        {"id": CATEGORY_MONTAZ, "name": "Montáž a servis", "order": 0, "_parent": CATEGORY_SLUZBY},
        {"id": CATEGORY_DOPRAVA, "name": "Doprava", "order": 91, "_parent": None},
    ]
    slots: list[tuple[int, int, tuple, str]] = []
    subs: list[tuple[int, int, tuple, str]] = []  # (root, sub, its templates, prefix)
    next_id = FIRST_GOODS_CATEGORY_ID
    children: dict[int, int] = {}

    def add(name: str, parent: int | None, order: int) -> int | None:
        nonlocal next_id
        if next_id - FIRST_GOODS_CATEGORY_ID >= goods_count:
            return None
        rows.append({"id": next_id, "name": name, "order": order, "_parent": parent})
        next_id += 1
        return next_id - 1

    for root_order, (root_name, prefix, mids) in enumerate(CATALOGUE):
        root_id = add(root_name, None, root_order)
        if root_id is None:
            break
        for sub_order, (sub_name, templates) in enumerate(mids):
            sub_id = add(sub_name, root_id, sub_order)
            if sub_id is None:
                break
            children[root_id] = sub_order + 1
            subs.append((root_id, sub_id, templates, prefix))
            slots += [(root_id, sub_id, template, prefix) for template in templates]
    extra = 0
    while subs and next_id - FIRST_GOODS_CATEGORY_ID < goods_count:
        # A large catalogue adds lines of an existing subcategory next to it: "Káva – bio".
        root_id, sub_id, templates, prefix = subs[extra % len(subs)]
        round_no = extra // len(subs)
        line_name = LINE_NAMES[round_no % len(LINE_NAMES)]
        if round_no >= len(LINE_NAMES):
            line_name += f" {round_no // len(LINE_NAMES) + 1}"
        sub_name = next(r["name"] for r in rows if r["id"] == sub_id)
        children[root_id] += 1
        new_id = add(f"{sub_name} – {line_name}", root_id, children[root_id] - 1)
        slots.append((root_id, new_id, templates[round_no % len(templates)], prefix))
        extra += 1
    return rows, slots


def _good(gid, code, name, category, sub, unit, kind, price_type, price, rate, stock, t) -> dict:
    """One good; `price` is the selling price in `price_type` (0 with VAT, 1 without)."""
    net = price if price_type == 1 else money(price * 100 / (100 + rate))
    return {
        "id": gid,
        "name": name,
        "serial-nr": code,
        "ean": None,
        "purchase-price": number(money(net * Decimal("0.6"))),
        "purchase-price-type": 1,
        "selling-price": number(price),
        "selling-price-type": price_type,
        "vat-rate": rate,
        "type": kind,
        "visibility-type": 0,
        # Texts are strings (empty when there is none), as the blueprint's example shows them.
        "additional-text": "",
        "description": "",
        "_unit": unit,
        "_category": category,
        "_subcategory": sub,
        "_partner": None,
        "_stock": stock,
        "_created": t,
        "_edited": t,
    }


def _goods(rng: random.Random, slots: list, goods_count: int) -> list[dict]:
    """Shipping goods, services, then the catalogue's goods spread over its subcategories."""
    goods = []
    for n, (gid, code, name, gross) in enumerate(SHIPPING_GOODS):
        t = CREATED_FROM + n
        goods.append(
            _good(gid, code, name, CATEGORY_DOPRAVA, None, UNIT_KS, 1, 0, Decimal(gross), 20,
                  None, t)
        )  # fmt: skip
    for n, (cat, sub, code, name, unit, gross) in enumerate(SERVICES):
        gid = FIRST_GOOD_ID + len(SHIPPING_GOODS) + n
        good = _good(gid, code, name, cat, sub, unit, 1, 0, Decimal(gross), 20, None,
                     CREATED_FROM + 10 + n)  # fmt: skip
        good["description"] = "Služba, nie skladová položka."
        goods.append(good)
    made = [0] * len(slots)
    first_id = FIRST_GOOD_ID + FIXED_GOODS
    for n in range(goods_count):
        slot = n % len(slots)
        root_id, sub_id, template, prefix = slots[slot]
        _, noun, kinds, variants, rate, unit, low, high = template
        name = _good_name(noun, kinds.split("|"), variants.split("|"), made[slot])
        made[slot] += 1
        euros = rng.randint(low, high)
        cents = rng.choice((90, 49, 99, 50, 0)) if euros > 1 else rng.choice((49, 90, 99))
        gross = Decimal(euros * 100 + cents) / 100
        vat = int(rate)
        # Most goods keep a price without VAT; every seventh is entered with VAT.
        price_type = 0 if n % 7 == 3 else 1
        price = gross if price_type == 0 else money(gross * 100 / (100 + vat))
        if unit == "kg":
            stock = rng.randint(0, 400) / 2
        else:
            stock = rng.randint(1, 150) if rng.random() > 0.05 else 0
        gid = first_id + n
        good = _good(gid, f"{prefix}-{gid - FIRST_GOOD_ID:05d}", name, root_id, sub_id,
                     UNIT_BY_NAME[unit], 0, price_type, price, vat, stock, 0)  # fmt: skip
        good.update(_times(rng))
        if n % 3 == 0:
            good["ean"] = f"858{gid:09d}"[:12] + "0"
        if n % 4 == 1:
            good["description"] = f"{name} z našej ponuky."
            good["additional-text"] = "Skladom"
        if prefix == "POT" and n % 5 == 0:
            good["_partner"] = FIRST_PARTNER_ID + 5  # the roastery that makes it
        goods.append(good)
    return goods


def _good_name(noun: str, kinds: list[str], variants: list[str], made: int) -> str:
    kind = kinds[made % len(kinds)]
    variant = variants[(made // len(kinds)) % len(variants)]
    series = made // (len(kinds) * len(variants))
    name = " ".join(part for part in (noun, kind, variant) if part)
    if series:
        name += " " + SERIES_NAMES[(series - 1) % len(SERIES_NAMES)]
        if series > len(SERIES_NAMES):
            name += f" {(series - 1) // len(SERIES_NAMES) + 1}"
    return name


def _address(address_id, street, city, zip_code, country=COUNTRY_SK) -> dict:
    return {"id": address_id, "street": street, "city": city, "zip": zip_code,
            "_country": country}  # fmt: skip


CONTACT_KEYS = (
    "salutation", "title", "first-name", "last-name", "post-nominal-letters", "email",
    "phone", "mobile", "job-title", "custom", "comment", "is-subscribed",
)  # fmt: skip


def contact(contact_id: int, **values) -> dict:
    """A contact with every attribute the blueprint lists (None where not given)."""
    row = {key: None for key in CONTACT_KEYS}
    row["is-subscribed"] = False
    row.update({k.replace("_", "-"): v for k, v in values.items()})
    row["id"] = contact_id
    return row


def partner(partner_id: int, name: str, kind: int, t: int, **fields) -> dict:
    row = {
        "id": partner_id,
        "name": name,
        "type": kind,
        "comment": None,
        "ico": None,
        "dic": None,
        "ic-dph": None,
        "invoice-maturity": 14,
        "_base": BR_ZAKAZNIK,
        "_extended": None,
        "_billing": None,
        "_mailing": None,
        "_delivery": None,
        "_user": None,
        "_key_contact": None,
        "_contacts": [],
        "_accounts": [],
        "_tags": [],
        "_custom": [],
        "_created": t,
        "_edited": t,
    }
    row.update(fields)
    return row


def _first_partners() -> list[dict]:
    p, t = FIRST_PARTNER_ID, CREATED_FROM
    return [
        partner(p, MATCHED_COMPANY, 1, t, ico=MATCHED_ICO, dic="2020987654",
                **{"ic-dph": "SK2020987654"}, _extended=BR_VELKOOBCHOD,
                _billing=_address(352700, "Kuzmányho 8", "Žilina", "010 01"),
                _key_contact=contact(430933, **{"first-name": "Martin", "last-name": "Kováč",
                                                "email": "info@kavicka.sk",
                                                "phone": "+421 41 562 1234"}),
                _user=USER_OTHER),
        partner(p + 1, "Ľubomír Šťastný", 2, t + 60, _extended=BR_MALOOBCHOD,
                _billing=_address(352701, "Hlavná 5", "Žilina", "010 01"),
                _key_contact=contact(430934, **{"first-name": "Ľubomír", "last-name": "Šťastný",
                                                "email": MATCHED_EMAIL,
                                                "mobile": "+421 905 123 456"})),
        partner(p + 2, "Jana Horváthová", 2, t + 120,
                _billing=_address(352702, "Štúrova 14", "Nitra", "949 01"),
                _key_contact=contact(430935, **{"first-name": "Jana", "last-name": "Horváthová",
                                                "email": "jana.horvathova@example.sk"})),
        # Looks like the one above: the same e-mail in other letters' case, another address.
        partner(p + 3, "Jana Horváthová", 2, t + 180,
                _billing=_address(352703, "Mierová 3", "Trnava", "917 01"),
                _key_contact=contact(430936, **{"first-name": "Jana", "last-name": "Horváthová",
                                                "email": "Jana.Horvathova@Example.sk"})),
        partner(p + 4, "Stavebniny Tatra a.s.", 1, t + 240, ico="47156236", dic="2024123459",
                _base=BR_DODAVATEL,
                _mailing=_address(352704, "Priemyselná 22", "Poprad", "058 01"),
                _accounts=[{"id": 1982, "bank-name": "Tatra banka", "number": "2623456789",
                            "iban": "SK68 1100 0000 0026 2345 6789", "swift": "TATRSKBX",
                            "bank-code": "1100"}],
                comment="Dodávateľ stavebného materiálu."),
        partner(p + 5, "Pražiareň Kávy Bratislava s.r.o.", 1, t + 300, ico="50123459",
                _base=BR_DODAVATEL,
                _billing=_address(352705, "Mlynské nivy 10", "Bratislava", "821 09"),
                _tags=[{"id": 19021, "name": "káva"}]),
        partner(p + 6, "Pekáreň Zlatý klas s.r.o.", 1, t + 360, ico="36123455",
                _base=BR_ODBERATEL,
                _billing=_address(352706, "Pekárska 2", "Trnava", "917 01"),
                _delivery=_address(352707, "Skladová 9", "Trnava", "917 01"),
                _key_contact=contact(430937, **{"first-name": "Mária", "last-name": "Kollárová",
                                                "email": "objednavky@zlatyklas.sk"}),
                _contacts=[contact(430938, **{"first-name": "Peter", "last-name": "Polák",
                                              "phone": "+421 33 123 4567",
                                              "job-title": "skladník"})]),
        partner(p + 7, "Peter Malý", 2, t + 420, _base=BR_POTENCIALNY, _extended=BR_ZAUJEM,
                _custom=[{"id": 700001, "kind": "string", "field": CUSTOM_FIELD_ESHOP_ID,
                          "value": "kontakt z veľtrhu"}]),
    ]  # fmt: skip


def _first_documents() -> list[dict]:
    # One paid invoice of the known shop company: not a received order, so the connector's
    # settling of unknown outcomes must never take it for one.
    return [
        {
            "id": 97272,
            "type": 4,
            "serial-nr": "FA20260001",
            "invoice-type": None,
            "invoice-state": 6,
            "gross-amount": 100,
            "taxed-gross-amount": 120,
            "unpaid": 0,
            "_partner": FIRST_PARTNER_ID,
            "_created": CREATED_FROM + 3600,
            "_items": [],
        }
    ]


def _second_partners() -> list[dict]:
    o = SECOND_FIRM_OFFSET
    return [
        partner(o + 301, "Mliekareň Liptov a.s.", 1, CREATED_FROM, ico="36123455", _base=o + 2),
        partner(o + 302, "Ján Kavičiar", 2, CREATED_FROM + 60, _base=o + 1),
    ]
