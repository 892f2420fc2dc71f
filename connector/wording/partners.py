"""The sentences of the partners area: why a customer or guest buyer cannot become a FLOWii
partner, what was left out of one, and the log lines of the partner book and the customers
stream. Placeholders are filled from the refusal's values (connector/mapping/partners.py)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    # Refusals: the record fails, with the fix.
    "partner.not_text": _("its field “%(field)s” is not text (%(value)s); correct it in the shop"),
    "partner.too_long": _(
        "its field “%(field)s” is %(length)s characters long, FLOWii takes at most "
        "%(limit)s; shorten it in the shop"
    ),
    "partner.no_name": _(
        "it has no name, company or valid e-mail to name the partner by; "
        "fill in the billing name in the shop"
    ),
    "partner.bad_customer_id": _(
        "the shop gave the customer id %(id)s, which is not a number; "
        "the shop's answer is damaged, tell its administrator"
    ),
    # Warnings: the partner went over without something.
    "partner.email_invalid": _(
        "its e-mail “%(email)s” is not a valid address and was left out; correct it in the shop"
    ),
    "partner.country_unknown": _(
        "FLOWii has no country for the code “%(country)s”, so its %(address)s address went "
        "without a country; add the country in FLOWii or correct the address in the shop"
    ),
    # Log lines of the partner book.
    "partner.created": _("Partner “%(name)s” created in FLOWii."),
    "partner.updated": _("Partner “%(name)s” updated in FLOWii."),
    "partner.linked": _(
        "Partner “%(name)s” found in FLOWii (id %(id)s, same %(by)s): linked and updated, "
        "not created again."
    ),
    "partner.linked_several": _(
        "Partner “%(name)s”: FLOWii has several partners with the same %(by)s (ids %(ids)s); "
        "linked to the oldest, id %(id)s. Merge the others in FLOWii if they are one buyer."
    ),
    "partner.gone": _(
        "Partner “%(name)s” (FLOWii id %(id)s) is no longer in FLOWii: unlinked, and "
        "matched or created again in this run."
    ),
    "partner.warning": _("Partner “%(name)s”: %(note)s."),
    "partner.outcome_unknown": _(
        "Partner “%(name)s”: FLOWii did not answer whether it created the partner "
        "(%(error)s). It is not sent again in this run; the next run finds it by its e-mail "
        "or IČO, or creates it if it is not there."
    ),
    "partner.waits": _(
        "Partner “%(name)s” waits for the next run: a partner with the same e-mail or IČO "
        "was sent in this run without a known outcome."
    ),
    "partner.refused": _("FLOWii refused it: %(error)s"),
    # The customers stream.
    "customer.failed": _(
        "Customer %(customer)s (shop id %(id)s) is not exported: %(reason)s. "
        "It is tried again on the next run."
    ),
    "customer.no_relationship": _(
        "No customer type is chosen in Settings: partners are exported without a business "
        "relationship."
    ),
}
