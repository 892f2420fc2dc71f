"""The Settings page's sentences for the FLOWii connection check: one code per verdict, its
values as %(name)s placeholders. Never a secret, never the remote's own text."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

TEXTS = {
    # -- before asking -----------------------------------------------------------------------
    "flowii.not_checked": _("FLOWii: not checked; fill in the login e-mail, password and API key."),
    # -- the login -----------------------------------------------------------------------------
    "flowii.wrong_login": _(
        "FLOWii: the login e-mail or password is wrong. Check them and save again."
    ),
    "flowii.wrong_api_key": _(
        "FLOWii: the API key is wrong. Copy it again from FLOWii (Settings › Extensions › API) "
        "and save."
    ),
    "flowii.login_refused": _(
        "FLOWii did not accept the login (HTTP %(status)s). Check the e-mail, password and API key."
    ),
    "flowii.unreachable": _(
        "FLOWii cannot be reached at %(url)s right now. Try again later; if it keeps failing, "
        "check the FLOWii API address."
    ),
    "flowii.rate_limited": _(
        "FLOWii asks the connector to slow down (too many requests). Try again in a minute."
    ),
    "flowii.bad_answer": _(
        "FLOWii's answer to %(call)s is not what the connector expects. Check the FLOWii API "
        "address (%(url)s)."
    ),
    "flowii.bad_address": _("FLOWii: the API address %(url)s cannot be used. Check it."),
    "flowii.error": _("FLOWii answered %(call)s with an error (HTTP %(status)s)."),
    # -- the firm ------------------------------------------------------------------------------
    "flowii.no_firms": _(
        "FLOWii: the login is right, but it may use no firm. Ask the FLOWii account's owner to "
        "give this user access to the firm."
    ),
    "flowii.choose_firm": ngettext_lazy(
        "FLOWii: connected as %(email)s; the login may use %(n)s firm. Choose the firm under "
        "“From your FLOWii account” and save.",
        "FLOWii: connected as %(email)s; the login may use %(n)s firms. Choose the firm under "
        "“From your FLOWii account” and save.",
        "n",
    ),
    "flowii.firm_not_allowed": _(
        "FLOWii: the login may not use this firm (#%(id)s). Choose one of the firms it may use "
        "and save."
    ),
    "flowii.no_partners_permission": _(
        "FLOWii: the login may not use the Partners module in %(firm)s, so customers cannot be "
        "sent. Give this user the Partners permission in FLOWii."
    ),
    "flowii.access_denied": _("FLOWii: the login may not read %(what)s in %(firm)s."),
    # -- the codebooks -------------------------------------------------------------------------
    "flowii.no_company_data": _(
        "FLOWii: the firm %(firm)s has no company data, so orders have no supplier. Fill in the "
        "company data in FLOWii."
    ),
    "flowii.no_series": _(
        "FLOWii: no number series for received orders in the chosen company data "
        "(%(company)s). Create one in FLOWii, then choose it here."
    ),
    "flowii.missing_codebook": _(
        "FLOWii: the firm %(firm)s has no %(what)s; the connector needs them. Add them in FLOWii."
    ),
    "flowii.choice_gone": _(
        "FLOWii: the chosen %(what)s (#%(id)s) is not in %(firm)s any more. Choose it again."
    ),
    "flowii.choices_missing": _("FLOWii: to export orders, still choose: %(names)s."),
    "flowii.connected": _(
        "FLOWii: connected as %(email)s to %(firm)s; everything the connector needs is there."
    ),
}

# What %(what)s names in "missing_codebook" and "access_denied" (a chosen record of
# "choice_gone" is named by its Settings field's label).
WHAT = {
    "company_data": _("company data"),
    "numbering_sequence": _("number series for received orders"),
    "business_relationship": _("business relationships (customer types)"),
    "unit": _("units"),
    "payment_method": _("payment methods"),
    "delivery_type": _("delivery types"),
    "country": _("countries"),
    "good_category": _("goods categories"),
    "permission": _("the user's permissions"),
}
