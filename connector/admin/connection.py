"""The connection check run when the settings are saved: one plain-language verdict per
side (shop and FLOWii), so the shop owner knows which side to fix and how."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.utils.translation import gettext as _

from ..http import RemoteError
from ..models import Settings
from .choices import flowii_problem

# An admin page waits for the answer: try twice, never sleep long between.
QUICK = {"max_attempts": 2, "max_total_sleep": 2.0, "read_timeout": 15.0}


@dataclass
class Verdict:
    level: int  # a django.contrib.messages level
    text: str


def shop_client(settings: Settings, **options):
    from ..woocommerce import WooCommerceClient

    return WooCommerceClient(
        settings.shop_url,
        settings.shop_consumer_key,
        settings.shop_consumer_secret,
        **options,
    )


def flowii_client(settings: Settings, **options):
    from ..flowii import FlowiiClient

    try:
        return FlowiiClient(
            settings.flowii_url,
            settings.flowii_email,
            settings.flowii_password,
            settings.flowii_api_key,
            **options,
        )
    except TypeError:  # a client without the tuning options: its defaults then
        return FlowiiClient(
            settings.flowii_url,
            settings.flowii_email,
            settings.flowii_password,
            settings.flowii_api_key,
        )


def check_shop(settings: Settings) -> Verdict:
    if not (settings.shop_url and settings.shop_consumer_key and settings.shop_consumer_secret):
        return Verdict(
            messages.WARNING,
            _("Shop: not checked; fill in the shop address, consumer key and consumer secret."),
        )
    try:
        result = shop_client(settings, **QUICK).system_check()
    except ValueError as exc:
        return Verdict(messages.ERROR, _("Shop: %(problem)s") % {"problem": exc})
    except (RemoteError, OSError) as exc:
        return Verdict(messages.ERROR, _("Shop: %(problem)s") % {"problem": exc})
    if result.ok:
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
    if not result.is_store:
        lead = _("Shop: the address is not a WooCommerce store.")
    elif not result.keys_accepted:
        lead = _("Shop: the shop does not accept the consumer key and secret.")
    elif not result.can_write:
        lead = _(
            "Shop: the keys can read but not write; give the key Read/Write permission in "
            "WooCommerce › Settings › Advanced › REST API."
        )
    else:
        lead = _("Shop: the connection does not work.")
    return Verdict(messages.ERROR, f"{lead} {result.problem}")


def check_flowii(settings: Settings) -> Verdict:
    if not (settings.flowii_email and settings.flowii_password and settings.flowii_api_key):
        return Verdict(
            messages.WARNING,
            _("FLOWii: not checked; fill in the login e-mail, password and API key."),
        )
    try:
        flowii = flowii_client(settings, **QUICK)
        companies = list(flowii.companies())
    except (RemoteError, OSError, ValueError) as exc:
        return Verdict(messages.ERROR, flowii_problem(exc))
    return Verdict(
        messages.SUCCESS,
        _("FLOWii: connected as %(email)s; the account has %(n)s companies.")
        % {"email": settings.flowii_email, "n": len(companies)},
    )


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


def check_connections(settings: Settings) -> list[Verdict]:
    verdicts = [check_shop(settings), check_flowii(settings)]
    warning = plain_http_warning(settings)
    return [warning, *verdicts] if warning else verdicts
