"""Shop countries (ISO 3166-1 alpha-2 codes) to FLOWii countries, which FLOWii lists by their
Slovak names only (`/countries`: id and name, e.g. "Slovensko", "Česko").

The Slovak name of each code comes from CLDR through Babel, so no hand-kept table of 250
names can drift from the standard; a short alias list covers the official or older names a
FLOWii account may use instead ("Česká republika" for CZ). Names are compared without case,
accents, punctuation or extra spaces. Pure: no Django, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN
    CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
    GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
    ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG
    PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS
    ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()
)

# Names FLOWii may use where CLDR's Slovak short name differs: official long names, names
# before a renaming, common spellings. CLDR's own name is always tried first.
ALIASES: dict[str, tuple[str, ...]] = {
    "CZ": ("Česká republika", "Čechy"),
    "SK": ("Slovenská republika",),
    "GB": ("Veľká Británia", "Spojené kráľovstvo Veľkej Británie a Severného Írska", "UK"),
    "US": ("Spojené štáty americké", "USA"),
    "DE": ("Spolková republika Nemecko",),
    "AT": ("Rakúska republika",),
    "HU": ("Maďarská republika",),
    "PL": ("Poľská republika",),
    "NL": ("Nizozemsko", "Holandské kráľovstvo"),
    "MK": ("Macedónsko",),
    "RU": ("Ruská federácia",),
    "KR": ("Kórejská republika",),
    "KP": ("Kórejská ľudovodemokratická republika",),
    "MD": ("Moldavská republika",),
    "SZ": ("Svazijsko",),
    "HK": ("Hongkong",),
    "MO": ("Macao",),
    "PS": ("Palestína",),
    "MM": ("Barma",),
    "CD": ("Kongo (DRK)",),
    "CG": ("Kongo",),
}


def is_country(code: str) -> bool:
    return code in ISO_COUNTRIES


def plain(name: str) -> str:
    """A name as compared: no accents, no case, letters and digits separated by one space."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", text))


@lru_cache(maxsize=1)
def slovak_names() -> dict[str, str]:
    """ISO code -> CLDR's Slovak name (Babel's data, read once)."""
    from babel import Locale

    territories = Locale("sk").territories
    return {code: territories[code] for code in ISO_COUNTRIES if code in territories}


def names_of(code: str) -> tuple[str, ...]:
    """Every name FLOWii may give the country `code`, the CLDR one first."""
    cldr = slovak_names().get(code)
    return ((cldr,) if cldr else ()) + ALIASES.get(code, ())


def country_ids(flowii_countries: Iterable[dict]) -> dict[str, int]:
    """ISO code -> FLOWii country id, from FLOWii's country list ([{"id", "name"}]).

    A code whose names FLOWii does not list is left out (the address then goes without a
    country, and the mapping says so). When FLOWii lists one name twice, the lowest id wins,
    so the answer does not depend on the list's order."""
    by_name: dict[str, int] = {}
    for country in flowii_countries:
        key = plain(str(country.get("name") or ""))
        if key and country.get("id") is not None:
            country_id = int(country["id"])
            by_name[key] = min(country_id, by_name.get(key, country_id))
    found = {}
    for code in ISO_COUNTRIES:
        for name in names_of(code):
            if plain(name) in by_name:
                found[code] = by_name[plain(name)]
                break
    return found
