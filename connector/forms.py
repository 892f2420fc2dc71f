"""The admin's forms: the settings (write-only secrets, FLOWii choices, schedule rules) and
the rows of the shipping and payment mapping pages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django import forms
from django.db import models
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from .models import PaymentMapping, Settings, ShippingMapping
from .scheduling import MIN_MINUTES
from .secrets import unreadable

if TYPE_CHECKING:
    from .admin.choices import FlowiiData

SECRET_FIELDS = ("flowii_password", "flowii_api_key", "shop_consumer_key", "shop_consumer_secret")

# Each side's address, the secrets that belong to the server at that address, and the box
# that lets the owner drop them when the address moves to another server.
SIDES = {
    "flowii_url": (("flowii_password", "flowii_api_key"), "forget_flowii_secrets"),
    "shop_url": (("shop_consumer_key", "shop_consumer_secret"), "forget_shop_secrets"),
}
DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def origin(url) -> tuple[str, str, int | None]:
    """(scheme, host, port) of an address, the default port filled in: the server that the
    secrets entered with it are sent to. An address typed without a scheme is https (as the
    form assumes)."""
    url = (url or "").strip()
    if url and not _SCHEME.match(url):
        url = "https://" + url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower().rstrip("."), port or DEFAULT_PORTS.get(scheme)


def without_credentials(url: str) -> tuple[str, bool]:
    """The address without a `user:password@` part, and whether it had one."""
    url = url or ""
    match = _SCHEME.match(url.strip())
    text = url.strip()
    start = match.end() if match else 0
    end = len(text)
    for stop in "/?#":
        found = text.find(stop, start)
        if found != -1:
            end = min(end, found)
    authority = text[start:end]
    if "@" not in authority:
        return url, False
    return text[:start] + authority.rsplit("@", 1)[1] + text[end:], True


def stored_secret(value) -> bool:
    """A secret is stored: readable, or kept as a token the current key cannot read."""
    return bool(value) or unreadable(value)


# WooCommerce's own order statuses (wc-* without the prefix, as its REST API names them).
ORDER_STATUSES = [
    ("pending", _("Pending payment")),
    ("processing", _("Processing")),
    ("on-hold", _("On hold")),
    ("completed", _("Completed")),
    ("cancelled", _("Cancelled")),
    ("refunded", _("Refunded")),
    ("failed", _("Failed")),
]


def with_saved(choices: list[tuple[int, str]], saved_ids, data) -> list:
    """`choices` plus any saved id FLOWii did not list, so a failing FLOWii (or a record
    removed there) never silently drops a choice already made."""
    known = {value for value, _label in choices}
    extra = []
    for saved in saved_ids:
        if saved is None or saved in known:
            continue
        known.add(saved)
        if data.available:
            extra.append((saved, gettext("#%(id)s (no longer in FLOWii)") % {"id": saved}))
        else:
            extra.append((saved, gettext("#%(id)s (saved)") % {"id": saved}))
    return list(choices) + extra


class SecretField(forms.CharField):
    """A credential: never rendered back into the page; left empty, the stored one stays."""

    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # a shop owner types "shop.sk"
    return db_field.formfield(**kwargs)


def _optional_int(value):
    return int(value) if value not in (None, "") else None


def _choice(label, help_text="", widget=None, empty_label=None) -> forms.TypedChoiceField:
    """A select of FLOWii records by id; a posted id that is not offered is refused in
    words."""
    field = forms.TypedChoiceField(
        label=label,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=help_text,
        widget=widget or forms.Select,
        error_messages={
            "invalid_choice": _(
                "%(value)s is not one of the FLOWii records offered here. Choose one from the list."
            )
        },
    )
    return field


def _multiple_choice(label, help_text) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label=label,
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=help_text,
        error_messages={
            "invalid_choice": _(
                "%(value)s is not one of the FLOWii categories offered here. Choose from the list."
            )
        },
    )


class ChildSelect(forms.Select):
    """A select whose options say which record they belong to (`data-parent`), so the page
    shows only those of the chosen parent (a company data's number series, a customer type's
    subtypes)."""

    def __init__(self, *args, parent_field: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_field = parent_field
        self.parents: dict[int, int] = {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-follows"] = self.parent_field
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        parent = self.parents.get(_optional_int(value))
        if parent is not None:
            option["attrs"]["data-parent"] = str(parent)
        return option


# The choices the orders stream cannot do without (the page names those still missing).
REQUIRED_CHOICES = (
    "flowii_company_id",
    "supplier_company_data_id",
    "numbering_sequence_id",
    "business_relationship_id",
    "non_stock_unit_id",
)
# Single choices of records of the chosen firm (validated against that firm's data).
FIRM_CHOICES = (
    "supplier_company_data_id",
    "numbering_sequence_id",
    "business_relationship_id",
    "business_relationship_subtype_id",
    "non_stock_unit_id",
    "partner_custom_field_id",
)
CATEGORY_CHOICES = ("non_stock_category_ids", "shipping_category_ids")
EMPTY_LABELS = {
    "business_relationship_subtype_id": _("— none —"),
    "partner_custom_field_id": _("— none —"),
}


def missing_choices(settings: Settings) -> list[str]:
    """The labels of the required FLOWii choices not made yet."""
    return [
        str(Settings._meta.get_field(name).verbose_name)
        for name in REQUIRED_CHOICES
        if getattr(settings, name) is None
    ]


def stock_note(data, attribute: str) -> str:
    """What the page says about stock (escaped: the admin prints help texts as HTML, and
    this one quotes what was typed and what FLOWii sent)."""
    return escape(_stock_note(data, attribute))


def _stock_note(data, attribute: str) -> str:
    """FLOWii's API has no stock count; when an attribute is named, whether the first goods
    answer carries it."""
    plain = gettext(
        "FLOWii's published API offers no stock count, so by default the shop keeps managing "
        "its own stock. Only if your FLOWii account's goods answers carry a stock figure under "
        "some attribute, name that attribute here and it is imported as the shop's stock."
    )
    attribute = (attribute or "").strip()
    if not attribute or data is None or not data.available:
        return plain
    good = data.first_good()
    if not data.available:
        return plain
    if good is None:
        found = gettext("FLOWii lists no goods yet, so “%(name)s” could not be checked.") % {
            "name": attribute
        }
    elif attribute in (good.get("attributes") or {}):
        found = gettext(
            "Checked: the first good FLOWii sent (%(good)s) carries “%(name)s” (value: %(value)s)."
        ) % {
            "good": good.get("name") or good["id"],
            "name": attribute,
            "value": good["attributes"][attribute],
        }
    else:
        found = gettext(
            "Checked: the first good FLOWii sent (%(good)s) does NOT carry “%(name)s”; no stock "
            "can be imported under that name."
        ) % {"good": good.get("name") or good["id"], "name": attribute}
    return f"{plain} {found}"


class SettingsForm(forms.ModelForm):
    """The one settings record. `flowii_data` (set by the admin for the request) fills the
    FLOWii selects from the chosen firm (the one posted, when the form is sent); without it,
    or when FLOWii fails, they hold the saved ids and saving keeps them as they are."""

    flowii_data: FlowiiData | None = None

    flowii_password = SecretField(label=_("FLOWii password"))
    flowii_api_key = SecretField(label=_("FLOWii API key"))
    shop_consumer_key = SecretField(label=_("WooCommerce consumer key"))
    shop_consumer_secret = SecretField(label=_("WooCommerce consumer secret"))
    forget_flowii_secrets = forms.BooleanField(
        label=_("Drop the stored FLOWii password and API key"),
        required=False,
        help_text=_("Only when the FLOWii address changes to another server and you do not "
                    "enter them again: the stored ones are deleted, never sent there."),
    )  # fmt: skip
    forget_shop_secrets = forms.BooleanField(
        label=_("Drop the stored consumer key and secret"),
        required=False,
        help_text=_("Only when the shop address changes to another server and you do not "
                    "enter them again: the stored ones are deleted, never sent there."),
    )  # fmt: skip

    flowii_company_id = _choice(
        _("FLOWii firm"),
        _("The firm (in FLOWii: company) the connector works in. Chosen by itself when the "
          "login may use only one."),
    )  # fmt: skip
    supplier_company_data_id = _choice(
        _("Supplier company"), _("The firm's company data under which orders are issued.")
    )
    numbering_sequence_id = _choice(
        _("Number series for received orders"),
        _("A number series of received orders of the supplier company chosen above."),
        widget=ChildSelect(parent_field="supplier_company_data_id"),
    )
    business_relationship_id = _choice(
        _("Customer type"), _("The FLOWii business relationship given to exported customers.")
    )
    business_relationship_subtype_id = _choice(
        _("Customer subtype"),
        _("Optional: a subtype of the customer type chosen above."),
        widget=ChildSelect(parent_field="business_relationship_id"),
    )
    non_stock_unit_id = _choice(
        _("Unit for non-stock items"),
        _("Used for order lines with no FLOWii good: fees, shipping by name, unknown products."),
    )
    non_stock_category_ids = _multiple_choice(
        _("Non-stock categories"),
        _("FLOWii categories NOT imported into the shop, with their subcategories. "
          "Hold Ctrl (Cmd on a Mac) to pick more than one."),
    )  # fmt: skip
    shipping_category_ids = _multiple_choice(
        _("Shipping categories"),
        _("FLOWii categories whose goods are shipping items (offered on the Shipping page)."),
    )
    partner_custom_field_id = _choice(
        _("Partner field for the shop's customer id"),
        _("Optional: a text custom field of FLOWii partners in which the shop's customer id "
          "is kept."),
    )  # fmt: skip
    order_statuses = forms.MultipleChoiceField(
        label=_("Order statuses to export"),
        choices=ORDER_STATUSES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    schedule_time = forms.TimeField(
        label=_("Daily at"),
        required=False,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "HH:MM", "size": 6}),
        help_text=_("Local time, HH:MM."),
    )

    class Meta:
        model = Settings
        formfield_callback = _formfield
        fields = [
            "flowii_url",
            "flowii_email",
            *SECRET_FIELDS[:2],
            "shop_url",
            *SECRET_FIELDS[2:],
            "flowii_company_id",
            *FIRM_CHOICES[:5],
            *CATEGORY_CHOICES,
            "partner_custom_field_id",
            "stock_attribute",
            "order_statuses",
            "new_orders_from",
            "prices_with_vat",
            "order_maturity_days",
            "order_ico_key",
            "order_dic_key",
            "order_ic_dph_key",
            "customer_ico_key",
            "customer_dic_key",
            "customer_ic_dph_key",
            "schedule",
            "schedule_minutes",
            "schedule_time",
            "log_retention_days",
            "order_export_concurrency",
            "alert_emails",
            "alert_no_success_hours",
            "alert_failed_percent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The record as it was, before the form's values are put into it.
        self._original = {
            name: getattr(self.instance, name, None) for name in self._meta.fields or ()
        }
        self._entered: set[str] = set()
        self._credentials_in_url: set[str] = set()
        if self.is_bound:
            self._drop_credentials_from_urls()
        for name in SECRET_FIELDS:
            if name in self.fields:
                value = getattr(self.instance, name, "")
                if unreadable(value):
                    help_text = _(
                        "Stored, but it cannot be read with the current encryption key: "
                        "restore the key or enter it again."
                    )
                elif value:
                    help_text = _("Set. Leave empty to keep the stored value.")
                else:
                    help_text = _("Not set.")
                self.fields[name].help_text = help_text
        self._offered: dict[str, list] = {}
        self._choose_firm()
        self._fill_flowii_choices()
        if "stock_attribute" in self.fields:
            posted = self.data.get("stock_attribute") if self.is_bound else None
            attribute = posted if posted is not None else self.instance.stock_attribute
            self.fields["stock_attribute"].help_text = stock_note(self.flowii_data, attribute)
        if "schedule_minutes" in self.fields:
            self.fields["schedule_minutes"].help_text = _("At least %(n)s.") % {"n": MIN_MINUTES}
        if "order_maturity_days" in self.fields:
            self.fields["order_maturity_days"].help_text = _(
                "Used when the buyer's FLOWii partner has no days to pay of its own."
            )

    # -- the addresses and the secrets bound to them ------------------------------------------
    def _drop_credentials_from_urls(self):
        """A `user:password@` written into an address is never stored, nor shown back: the
        posted address loses it here and the save is refused (clean_<url>)."""
        data = None
        for name in SIDES:
            if name not in self.fields:
                continue
            posted = self.data.get(name)
            if not posted:
                continue
            clean, had = without_credentials(posted)
            if had:
                data = data if data is not None else self.data.copy()
                data[name] = clean
                self._credentials_in_url.add(name)
        if data is not None:
            self.data = data

    def _refuse_credentials_in_url(self, name):
        value = self.cleaned_data.get(name)
        if name in self._credentials_in_url:
            raise forms.ValidationError(
                _("Do not write a user name or password into the address: nothing was saved, "
                  "and the address is shown without them. Enter the keys in their own fields "
                  "below.")
            )  # fmt: skip
        return value

    def clean_flowii_url(self):
        return self._refuse_credentials_in_url("flowii_url")

    def clean_shop_url(self):
        return self._refuse_credentials_in_url("shop_url")

    def moved_sides(self, cleaned=None) -> dict[str, list[str]]:
        """Per address that now points to another server (scheme, host or port), the stored
        secrets of that side that were not entered again with it."""
        cleaned = self.cleaned_data if cleaned is None else cleaned
        moved = {}
        for url_field, (secrets, _forget) in SIDES.items():
            if url_field not in self.fields or url_field not in cleaned:
                continue
            if origin(cleaned[url_field]) == origin(self._original.get(url_field)):
                continue
            kept = [
                name
                for name in secrets
                if name not in self._entered and stored_secret(self._original.get(name))
            ]
            if kept:
                moved[url_field] = kept
        return moved

    def _check_moved_addresses(self, cleaned):
        """Stored secrets go only to the server they were entered for: an address moved to
        another server needs its side's secrets entered again, or dropped when the owner
        ticks the box."""
        for url_field, kept in self.moved_sides(cleaned).items():
            _secrets, forget = SIDES[url_field]
            if cleaned.get(forget):
                for name in kept:
                    cleaned[name] = ""
                continue
            labels = [str(self.fields[name].label) for name in kept]
            labels = (
                _("%(one)s and %(other)s") % {"one": ", ".join(labels[:-1]), "other": labels[-1]}
                if len(labels) > 1
                else labels[0]
            )
            self.add_error(
                url_field,
                _("This address points to another server than the one the stored secrets "
                  "were entered for (%(old)s). They are never sent anywhere else: enter "
                  "%(names)s again below, or tick “%(forget)s” to save without them.")
                % {
                    "old": _server(self._original.get(url_field)),
                    "names": labels,
                    "forget": self.fields[forget].label,
                },
            )  # fmt: skip
            for name in kept:
                self.add_error(name, _("Enter it again for the new address."))

    # -- the FLOWii selects -------------------------------------------------------------------
    def _choose_firm(self):
        """A firm posted (and offered) decides whose lists the selects hold, so changing the
        firm shows, and validates against, that firm's records."""
        data = self.flowii_data
        if data is None or not self.is_bound:
            return
        posted = _optional_int(self.data.get("flowii_company_id"))
        if posted is not None and posted in {firm_id for firm_id, _n in data.firms()}:
            data.use_company(posted)

    def _set(self, name, offered, grouped=None, initial_if_one=True):
        """Fill select `name` with `offered` [(id, label)] (or `grouped` [(group, [(id,
        label)])] when given) plus the saved id; with no saved id and one record offered,
        that one is preselected."""
        if name not in self.fields:
            return
        data = self.flowii_data or _NoData()
        self._offered[name] = list(offered)
        saved = getattr(self.instance, name)
        empty = [("", EMPTY_LABELS.get(name, "---------"))]
        if grouped is not None:
            flat_extra = with_saved([], [s for s in [saved] if s not in dict(offered)], data)
            self.fields[name].choices = empty + list(grouped) + flat_extra
        else:
            self.fields[name].choices = empty + with_saved(offered, [saved], data)
        if saved is None and initial_if_one and len(offered) == 1 and not self.is_bound:
            self.initial[name] = offered[0][0]

    def _fill_flowii_choices(self):
        data = self.flowii_data
        if data is None:
            for name in ("flowii_company_id", *FIRM_CHOICES):
                self._set(name, [])
            for name in CATEGORY_CHOICES:
                self._set_categories(name, [])
            return
        self._set("flowii_company_id", data.firms())
        company_data = data.company_data()
        self._set("supplier_company_data_id", company_data)

        names = dict(company_data)
        series = data.numbering_sequences()
        by_company: dict[int, list] = {}
        for row in series:
            by_company.setdefault(row["company_data_id"], []).append((row["id"], series_label(row)))
        self._set(
            "numbering_sequence_id",
            [(row["id"], series_label(row)) for row in series],
            grouped=[(names.get(cd, f"#{cd}"), rows) for cd, rows in by_company.items()],
            initial_if_one=False,
        )
        self._series_company = {row["id"]: row["company_data_id"] for row in series}
        if "numbering_sequence_id" in self.fields:
            self.fields["numbering_sequence_id"].widget.parents = dict(self._series_company)
            chosen_cd = self.instance.supplier_company_data_id or self.initial.get(
                "supplier_company_data_id"
            )
            own = by_company.get(chosen_cd, [])
            if self.instance.numbering_sequence_id is None and len(own) == 1 and not self.is_bound:
                self.initial["numbering_sequence_id"] = own[0][0]

        relationships = data.business_relationships()
        self._set("business_relationship_id", relationships)
        root_names = dict(relationships)
        subtypes = data.business_relationship_subtypes()
        by_root: dict[int, list] = {}
        for row in subtypes:
            by_root.setdefault(row["parent_id"], []).append((row["id"], row["name"]))
        self._set(
            "business_relationship_subtype_id",
            [(row["id"], row["name"]) for row in subtypes],
            grouped=[(root_names.get(r, f"#{r}"), rows) for r, rows in by_root.items()],
            initial_if_one=False,
        )
        self._subtype_parent = {row["id"]: row["parent_id"] for row in subtypes}
        if "business_relationship_subtype_id" in self.fields:
            field = self.fields["business_relationship_subtype_id"]
            field.widget.parents = dict(self._subtype_parent)
            if data.available and data.company_id is not None and not subtypes:
                field.help_text = _("The account's customer types have no subtypes.")

        self._set("non_stock_unit_id", data.units(), initial_if_one=False)
        self._custom_fields = {f["id"]: f for f in data.partner_custom_fields()}
        self._set("partner_custom_field_id", data.text_custom_fields(), initial_if_one=False)
        categories = data.categories()
        for name in CATEGORY_CHOICES:
            self._set_categories(name, categories)

    def _set_categories(self, name, categories):
        if name not in self.fields:
            return
        self._offered[name] = list(categories)
        saved = [_optional_int(v) for v in getattr(self.instance, name) or []]
        self.fields[name].choices = with_saved(categories, saved, self.flowii_data or _NoData())

    def _check_choices(self, cleaned):
        """Every FLOWii choice against the account's data, when FLOWii answered: a saved id it
        no longer lists, or one of another firm, is refused in words."""
        data = self.flowii_data
        if data is None or not data.available:
            return
        firms = self._offered.get("flowii_company_id", [])
        firm = cleaned.get("flowii_company_id")
        if firm is not None and firm not in dict(firms):
            self.add_error(
                "flowii_company_id",
                _("The login may not use the firm #%(id)s (any more). Choose one of its firms.")
                % {"id": firm},
            )
            return
        if firm is None and len(firms) == 1:
            cleaned["flowii_company_id"] = firm = firms[0][0]
        if firm is None:
            for name in (*FIRM_CHOICES, *CATEGORY_CHOICES):
                if cleaned.get(name):
                    self.add_error(name, _("Choose the FLOWii firm first."))
            return
        firm_name = data.firm_name(firm)
        for name in FIRM_CHOICES:
            value = cleaned.get(name)
            if value is None or name not in self._offered:
                continue
            if name == "partner_custom_field_id" and value in self._custom_fields:
                if value not in dict(self._offered[name]):
                    self.add_error(
                        name,
                        _("The field “%(name)s” is not a text field; the shop's customer id "
                          "needs a text field.") % {"name": self._custom_fields[value]["name"]},
                    )  # fmt: skip
                continue
            if value not in dict(self._offered[name]):
                self.add_error(
                    name,
                    _("#%(id)s is not in the FLOWii firm %(firm)s (any more). Choose again.")
                    % {"id": value, "firm": firm_name},
                )
        for name in CATEGORY_CHOICES:
            offered = dict(self._offered.get(name, []))
            gone = [str(v) for v in cleaned.get(name) or [] if v not in offered]
            if gone:
                self.add_error(
                    name,
                    _("Not in the FLOWii firm %(firm)s (any more): #%(ids)s. Choose again.")
                    % {"firm": firm_name, "ids": ", #".join(gone)},
                )
        self._check_parents(cleaned)

    def _check_parents(self, cleaned):
        series = cleaned.get("numbering_sequence_id")
        company = cleaned.get("supplier_company_data_id")
        if series is not None and series in self._series_company:
            names = dict(self._offered.get("supplier_company_data_id", []))
            owner = self._series_company[series]
            if company is None:
                self.add_error(
                    "supplier_company_data_id",
                    _("Choose the supplier company whose number series is chosen."),
                )
            elif owner != company:
                self.add_error(
                    "numbering_sequence_id",
                    _("This number series belongs to %(other)s, not to the chosen supplier "
                      "company %(chosen)s. Choose a series of %(chosen)s.")
                    % {"other": names.get(owner, f"#{owner}"),
                       "chosen": names.get(company, f"#{company}")},
                )  # fmt: skip
        subtype = cleaned.get("business_relationship_subtype_id")
        relationship = cleaned.get("business_relationship_id")
        if subtype is not None and subtype in self._subtype_parent:
            if self._subtype_parent[subtype] != relationship:
                names = dict(self._offered.get("business_relationship_id", []))
                parent = self._subtype_parent[subtype]
                self.add_error(
                    "business_relationship_subtype_id",
                    _("This subtype belongs to the customer type %(other)s, not to the chosen "
                      "one. Choose a subtype of the chosen customer type, or none.")
                    % {"other": names.get(parent, f"#{parent}")},
                )  # fmt: skip

    @sensitive_variables()
    def _clean_secret(self, name):
        """The secret entered, else the stored one (kept as it is, even when the current key
        cannot read it: restoring the key brings it back)."""
        value = self.cleaned_data.get(name) or ""
        if value:
            self._entered.add(name)
            return value
        stored = getattr(self.instance, name, "")
        return stored if stored_secret(stored) else ""

    @sensitive_variables()
    def clean_flowii_password(self):
        return self._clean_secret("flowii_password")

    @sensitive_variables()
    def clean_flowii_api_key(self):
        return self._clean_secret("flowii_api_key")

    @sensitive_variables()
    def clean_shop_consumer_key(self):
        return self._clean_secret("shop_consumer_key")

    @sensitive_variables()
    def clean_shop_consumer_secret(self):
        return self._clean_secret("shop_consumer_secret")

    def clean_order_statuses(self):
        statuses = list(self.cleaned_data.get("order_statuses") or [])
        if not statuses:
            raise forms.ValidationError(
                _("Choose at least one order status: with none, no order would ever be exported.")
            )
        return statuses

    @cached_property
    def changed_data(self):
        """What really changed, for the settings history: a secret left empty keeps the
        stored one (not a change), and a value posted back as it was is not one either."""
        changed = super().changed_data
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return changed
        original = getattr(self, "_original", {})
        out = []
        for name in changed:
            if name in self.cleaned_data and name in original:
                if _same(self.cleaned_data[name], original[name]):
                    continue
            out.append(name)
        return out

    def clean_alert_emails(self):
        import re

        from django.core.validators import validate_email

        text = self.cleaned_data.get("alert_emails") or ""
        addresses = [a for a in re.split(r"[\s,;]+", text) if a]
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(address)s” is not an e-mail address.") % {"address": address}
                ) from None
        return ", ".join(addresses)

    def clean_alert_failed_percent(self):
        value = self.cleaned_data.get("alert_failed_percent")
        if value is not None and value > 100:
            raise forms.ValidationError(_("Enter a share from 0 to 100 (0: no alert)."))
        return value

    def clean_log_retention_days(self):
        days = self.cleaned_data.get("log_retention_days")
        if days is not None and days < 1:
            raise forms.ValidationError(_("Keep logs for at least one day."))
        return days

    def clean_order_maturity_days(self):
        days = self.cleaned_data.get("order_maturity_days")
        if days is not None and days > 365:
            raise forms.ValidationError(_("Enter at most 365 days."))
        return days

    def clean_stock_attribute(self):
        return (self.cleaned_data.get("stock_attribute") or "").strip()

    def clean_order_export_concurrency(self):
        value = self.cleaned_data.get("order_export_concurrency")
        if value is not None and not 1 <= value <= 16:
            raise forms.ValidationError(_("Enter a number from 1 to 16."))
        return value

    @sensitive_variables("cleaned")
    def clean(self):
        cleaned = super().clean()
        self._check_moved_addresses(cleaned)
        schedule = cleaned.get("schedule")
        if schedule == Settings.Schedule.INTERVAL:
            minutes = cleaned.get("schedule_minutes")
            if minutes is None:
                self.add_error("schedule_minutes", _("Say every how many minutes to run."))
            elif minutes < MIN_MINUTES:
                self.add_error(
                    "schedule_minutes",
                    _("Runs can start at most every %(n)s minutes; enter %(n)s or more.")
                    % {"n": MIN_MINUTES},
                )
        if schedule == Settings.Schedule.DAILY and not cleaned.get("schedule_time"):
            self.add_error("schedule_time", _("Say at what time of day to run (HH:MM)."))
        self._check_choices(cleaned)
        return cleaned


def _server(url) -> str:
    scheme, host, port = origin(url)
    if not host:
        return gettext("no address")
    shown = f"{scheme}://{host}"
    return shown if port == DEFAULT_PORTS.get(scheme) else f"{shown}:{port}"


def _same(new, old) -> bool:
    """Whether a cleaned value is the stored one (datetimes to the second: the form shows no
    fractions; lists of ids as sets)."""
    if isinstance(new, datetime) and isinstance(old, datetime):
        return new.replace(microsecond=0) == old.replace(microsecond=0)
    if isinstance(new, list | tuple) and isinstance(old, list | tuple):
        return sorted(map(str, new)) == sorted(map(str, old))
    if new in (None, "") and old in (None, ""):
        return True
    return new == old


class _NoData:
    """Stands in for FlowiiData when the form is built without one."""

    available = False


class MappingRowForm(forms.ModelForm):
    """One row of a mapping page: the FLOWii records picked for a shop method. `choices`
    names each FLOWii field, the FlowiiData method that offers its records, and the model
    field that keeps the chosen record's name (`names`: a FlowiiData method giving the names
    by id, where an option's label is more than the name)."""

    flowii_data: FlowiiData | None = None
    choices: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    empty_labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.flowii_data or _NoData()
        self._offered = {}
        for name, (method, _name_field) in self.choices.items():
            offered = getattr(data, method)() if self.flowii_data else []
            self._offered[name] = dict(offered)
            saved = [getattr(self.instance, name)]
            empty = self.empty_labels.get(name) or _("— not mapped —")
            self.fields[name].choices = [("", empty)] + with_saved(offered, saved, data)

    def clean(self):
        cleaned = super().clean()
        data = self.flowii_data
        for name, (_method, name_field) in self.choices.items():
            if name not in cleaned:
                continue
            value = cleaned.get(name)
            if value is None:
                setattr(self.instance, name_field, "")
            elif data is not None and data.available:
                if value in self._offered[name]:
                    names = self._offered[name]
                    if name in self.names:
                        names = getattr(data, self.names[name])()
                    setattr(self.instance, name_field, names.get(value, ""))
                else:
                    self.add_error(
                        name,
                        _("#%(id)s is not in the FLOWii firm (any more). Choose again.")
                        % {"id": value},
                    )
        return cleaned


def _row_choice(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": _(
                "%(value)s is not one of the FLOWii records offered here. Choose one from the list."
            )
        },
    )


class ShippingMappingForm(MappingRowForm):
    choices = {
        "flowii_delivery_type_id": ("delivery_types", "flowii_delivery_type_name"),
        "flowii_good_id": ("shipping_items", "flowii_good_name"),
    }
    names = {"flowii_good_id": "shipping_item_names"}
    empty_labels = {"flowii_good_id": _("— a line by the method's name —")}
    flowii_delivery_type_id = _row_choice(_("FLOWii delivery type"))
    flowii_good_id = _row_choice(_("FLOWii shipping item"))

    class Meta:
        model = ShippingMapping
        fields = ["flowii_delivery_type_id", "flowii_good_id"]


class PaymentMappingForm(MappingRowForm):
    choices = {"flowii_payment_method_id": ("payment_methods", "flowii_payment_method_name")}
    flowii_payment_method_id = _row_choice(_("FLOWii payment method"))

    class Meta:
        model = PaymentMapping
        fields = ["flowii_payment_method_id"]


def series_label(row: dict) -> str:
    return f"{row['name']} ({row['format']})" if row.get("format") else row["name"]
