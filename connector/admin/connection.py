"""The connection check, run when the settings are saved and from the Settings page's
button: plain-language verdicts per side (the shop; FLOWii: the login, the firm and every
codebook the connector needs), so the shop owner knows what to fix and where."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from ..forms import missing_choices
from ..http import (
    AccessDenied,
    AuthenticationError,
    RateLimited,
    RemoteError,
)
from ..models import Settings
from ..wording import words
from ..wording.settings import WHAT
from .choices import PARTNERS_MODULE, RECEIVED_ORDER, unreadable_message

WRONG_LOGIN, WRONG_API_KEY = "invalid_grant", "invalid_client"  # FLOWii's token refusals

# An admin page waits for the answer: try twice, never sleep long between.
QUICK = {"max_attempts": 2, "max_total_sleep": 2.0, "read_timeout": 15.0}


@dataclass
class Verdict:
    level: int  # a django.contrib.messages level
    text: str
    # FLOWii's verdicts: the code and values the text was worded from (wording/settings.py).
    code: str = ""
    params: dict = field(default_factory=dict)


@sensitive_variables()
def shop_client(settings: Settings, **options):
    from ..woocommerce import WooCommerceClient

    return WooCommerceClient(
        settings.shop_url,
        settings.shop_consumer_key,
        settings.shop_consumer_secret,
        **options,
    )


@sensitive_variables()
def flowii_client(settings: Settings, **options):
    """A FLOWii client for the saved login, in the saved firm (None: none chosen yet)."""
    from ..flowii import FlowiiClient

    return FlowiiClient(
        settings.flowii_url,
        settings.flowii_email,
        settings.flowii_password,
        settings.flowii_api_key,
        company_id=settings.flowii_company_id,
        **options,
    )


def _unreadable(settings: Settings, prefix: str) -> bool:
    return any(name.startswith(prefix) for name in settings.unreadable_secrets)


@sensitive_variables()
def check_shop(settings: Settings) -> Verdict:
    """The shop's verdict, always in the connector's own words: never the text of whatever
    answered at the address, and the same verdict whether nothing listens there or
    something that is not WooCommerce's REST API does."""
    if _unreadable(settings, "shop_"):
        return Verdict(messages.WARNING, _("Shop: %(problem)s") % {
            "problem": unreadable_message(settings)
        })  # fmt: skip
    if not (settings.shop_url and settings.shop_consumer_key and settings.shop_consumer_secret):
        return Verdict(
            messages.WARNING,
            _("Shop: not checked; fill in the shop address, consumer key and consumer secret."),
        )
    try:
        result = shop_client(settings, **QUICK).system_check()
    except ValueError:
        return Verdict(
            messages.ERROR,
            _("Shop: the address %(url)s cannot be used. Check it.") % {"url": settings.shop_url},
        )
    except (RemoteError, OSError):
        result = None
    if result is not None and result.ok:
        text = _("Shop: connected to %(url)s; the keys can read and write.") % {
            "url": settings.shop_url
        }
        if result.prices_include_tax is not None:
            text += " " + (
                _("The shop's prices are entered with VAT.")
                if result.prices_include_tax
                else _("The shop's prices are entered without VAT.")
            )
        return Verdict(messages.SUCCESS, text)
    if result is None or not result.is_store:
        return Verdict(messages.ERROR, not_a_shop(settings.shop_url))
    keys_page = "WooCommerce › Settings › Advanced › REST API"
    if result.kind == "clock":
        text = _(
            "Shop: the shop refused the call's time stamp: this computer's clock is more than "
            "15 minutes off. Correct the clock."
        )
    elif not result.keys_accepted and result.kind == "no_rights":
        text = _(
            "Shop: the shop does not accept the consumer key and secret: their WordPress user "
            "may not manage the shop. Create the key for a Shop manager or Administrator in "
            "%(page)s."
        ) % {"page": keys_page}
    elif not result.keys_accepted:
        text = _(
            "Shop: the shop does not accept the consumer key and secret. Copy them again from "
            "%(page)s."
        ) % {"page": keys_page}
    elif not result.can_write:
        text = _(
            "Shop: the keys can read but not write; give the key Read/Write permission in %(page)s."
        ) % {"page": keys_page}
    else:
        text = _("Shop: the connection does not work.")
    return Verdict(messages.ERROR, text)


def not_a_shop(url: str) -> str:
    return _(
        "Shop: no WooCommerce REST API answered at %(url)s. Check the shop address (and that "
        "WooCommerce is active there); if it is right, the shop may be down: try again later."
    ) % {"url": url}


def flowii_verdict(level: int, code: str, **params) -> Verdict:
    return Verdict(level, words(code, **params), code, params)


def login_verdict(exc: Exception, settings: Settings) -> Verdict:
    """Why FLOWii gave nothing, by the kind of failure; never its own text."""
    url = settings.flowii_url
    if isinstance(exc, AccessDenied):
        return flowii_verdict(messages.ERROR, "flowii.login_refused", status=exc.status or 403)
    if isinstance(exc, AuthenticationError) and (exc.code or isinstance(exc, AccessDenied)):
        at_token = "token" in (exc.call or "").lower()
        if exc.code == WRONG_LOGIN or (at_token and exc.status == 400 and not exc.code):
            return flowii_verdict(messages.ERROR, "flowii.wrong_login")
        if exc.code == WRONG_API_KEY or (at_token and exc.status == 401 and not exc.code):
            return flowii_verdict(messages.ERROR, "flowii.wrong_api_key")
        return flowii_verdict(messages.ERROR, "flowii.login_refused", status=exc.status or "-")
    if isinstance(exc, RateLimited):
        return flowii_verdict(messages.ERROR, "flowii.rate_limited")
    if isinstance(exc, RemoteError | OSError):
        # Nothing listens there, or something that is not FLOWii's API (a refusal without
        # FLOWii's error codes included): one verdict, so the check cannot tell them apart.
        return flowii_verdict(messages.ERROR, "flowii.unreachable", url=url)
    return flowii_verdict(messages.ERROR, "flowii.bad_address", url=url)


class _Stop(Exception):
    def __init__(self, verdict: Verdict):
        self.verdict = verdict


@sensitive_variables()
def check_flowii(settings: Settings, on_only_firm=None) -> list[Verdict]:
    """Log in, list the firms, then read, in the chosen firm, every codebook the connector
    needs; one verdict per thing missing, or one saying all is there. `on_only_firm(id)` is
    told the firm when none is chosen and the login may use only one (it is used then)."""
    if _unreadable(settings, "flowii_"):
        problem = unreadable_message(settings)
        return [Verdict(messages.WARNING, _("FLOWii: %(problem)s") % {"problem": problem})]
    if not (settings.flowii_email and settings.flowii_password and settings.flowii_api_key):
        return [flowii_verdict(messages.WARNING, "flowii.not_checked")]
    try:
        flowii = flowii_client(settings, **QUICK)
        firms = {f["id"]: f["name"] for f in flowii.companies()}
    except (RemoteError, OSError, ValueError) as exc:
        return [login_verdict(exc, settings)]
    if not firms:
        return [flowii_verdict(messages.ERROR, "flowii.no_firms")]
    firm = settings.flowii_company_id
    if firm is None:
        if len(firms) > 1:
            return [
                flowii_verdict(
                    messages.WARNING,
                    "flowii.choose_firm",
                    email=settings.flowii_email,
                    n=len(firms),
                )
            ]
        firm = next(iter(firms))
        if on_only_firm is not None:
            on_only_firm(firm)
    elif firm not in firms:
        return [flowii_verdict(messages.ERROR, "flowii.firm_not_allowed", id=firm)]
    flowii.use_company(firm)
    try:
        problems = _codebook_problems(flowii, settings, firms[firm], firm)
    except _Stop as stop:
        return [stop.verdict]
    missing = missing_choices(settings)
    if settings.flowii_company_id is None and missing:
        missing = missing[1:]  # the firm: chosen by itself
    if missing:
        problems.append(
            flowii_verdict(messages.WARNING, "flowii.choices_missing", names=", ".join(missing))
        )
    if any(p.level == messages.ERROR for p in problems):
        return problems
    connected = flowii_verdict(
        messages.SUCCESS, "flowii.connected", email=settings.flowii_email, firm=firms[firm]
    )
    return [connected, *problems]


def _codebook_problems(flowii, settings: Settings, firm_name: str, firm: int) -> list[Verdict]:
    problems: list[Verdict] = []

    def read(what: str, fetch):
        try:
            return list(fetch())
        except AccessDenied:
            if what == "permission":
                # The very first call in the firm: the login may not use the firm at all.
                raise _Stop(
                    flowii_verdict(messages.ERROR, "flowii.firm_not_allowed", id=firm)
                ) from None
            problems.append(
                flowii_verdict(
                    messages.ERROR, "flowii.access_denied", what=WHAT[what], firm=firm_name
                )
            )
            return None
        except (RemoteError, OSError, ValueError) as exc:
            raise _Stop(login_verdict(exc, settings)) from None

    def missing(what: str):
        problems.append(
            flowii_verdict(
                messages.ERROR, "flowii.missing_codebook", what=WHAT[what], firm=firm_name
            )
        )

    def gone(field: str, value):
        problems.append(
            flowii_verdict(
                messages.ERROR,
                "flowii.choice_gone",
                what=Settings._meta.get_field(field).verbose_name,
                id=value,
                firm=firm_name,
            )
        )

    def chosen_in(field: str, rows, missing_what: str | None = None):
        if rows is None:
            return
        if not rows and missing_what:
            missing(missing_what)
            return
        value = getattr(settings, field)
        if value is not None and value not in {r["id"] for r in rows}:
            gone(field, value)

    permissions = read("permission", flowii.permissions)
    if not any(
        _int(p.get("module")) == PARTNERS_MODULE and p.get("visible", True)
        for p in permissions or []
    ):
        problems.append(
            flowii_verdict(messages.ERROR, "flowii.no_partners_permission", firm=firm_name)
        )

    company_data = read("company_data", flowii.company_data)
    company = None
    if company_data is not None:
        names = {c["id"]: c["name"] for c in company_data}
        if not company_data:
            problems.append(
                flowii_verdict(messages.ERROR, "flowii.no_company_data", firm=firm_name)
            )
        chosen_in("supplier_company_data_id", company_data)
        company = settings.supplier_company_data_id
        if company not in names:
            company = next(iter(names)) if len(names) == 1 else None
        if company is not None:
            series = read(
                "numbering_sequence", lambda: flowii.numbering_sequences(company, RECEIVED_ORDER)
            )
            if series is not None and not series:
                problems.append(
                    flowii_verdict(messages.ERROR, "flowii.no_series", company=names[company])
                )
            elif series and settings.supplier_company_data_id == company:
                chosen_in("numbering_sequence_id", series)

    relationships = read("business_relationship", flowii.business_relationships)
    chosen_in("business_relationship_id", relationships, "business_relationship")
    chosen = settings.business_relationship_id
    if (
        settings.business_relationship_subtype_id is not None
        and relationships
        and chosen in {r["id"] for r in relationships}
    ):
        subtypes = read(
            "business_relationship", lambda: flowii.business_relationship_subtypes(chosen)
        )
        chosen_in("business_relationship_subtype_id", subtypes)

    chosen_in("non_stock_unit_id", read("unit", flowii.units), "unit")
    for what, fetch in (
        ("payment_method", flowii.payment_methods),
        ("delivery_type", flowii.delivery_types),
        ("country", flowii.countries),
    ):
        rows = read(what, fetch)
        if rows is not None and not rows:
            missing(what)

    categories = read("good_category", flowii.category_tree)
    if categories is not None:
        known = {c["id"] for c in categories}
        for field in ("non_stock_category_ids", "shipping_category_ids"):
            gone_ids = [v for v in getattr(settings, field) or [] if _int(v) not in known]
            if gone_ids:
                gone(field, ", #".join(str(v) for v in gone_ids))
    if settings.partner_custom_field_id is not None:
        fields = read("partner_custom_field", flowii.partner_custom_fields)
        chosen_in("partner_custom_field_id", fields)
    return problems


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def plain_http_warning(settings: Settings) -> Verdict | None:
    """A shop served over plain http:// is accepted (requests are then signed with OAuth
    1.0a, as WooCommerce demands), but never without saying what it costs."""
    if not (settings.shop_url or "").lower().startswith("http://"):
        return None
    return Verdict(
        messages.WARNING,
        _(
            "Shop: the address uses plain http://. Requests are signed (OAuth 1.0a), but your "
            "customers' and orders' data travel unencrypted. Use https:// if the shop has a "
            "certificate."
        ),
    )


@sensitive_variables()
def check_connections(settings: Settings, on_only_firm=None) -> list[Verdict]:
    """The shop's verdict, then FLOWii's (one or more), each a plain sentence."""
    verdicts = [check_shop(settings), *check_flowii(settings, on_only_firm)]
    warning = plain_http_warning(settings)
    return [warning, *verdicts] if warning else verdicts
