"""The admin's forms: the settings (write-only secrets, FLOWii choices, schedule rules) and
the rows of the shipping and payment mapping pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import PaymentMapping, Settings, ShippingMapping
from .scheduling import MIN_MINUTES

if TYPE_CHECKING:
    from .admin.choices import FlowiiData

SECRET_FIELDS = ("flowii_password", "flowii_api_key", "shop_consumer_key", "shop_consumer_secret")

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


class SettingsForm(forms.ModelForm):
    """The one settings record. `flowii_data` (set by the admin for the request) fills the
    FLOWii selects; without it, or when FLOWii fails, they hold the saved ids."""

    flowii_data: FlowiiData | None = None

    flowii_password = SecretField(label=_("FLOWii password"))
    flowii_api_key = SecretField(label=_("FLOWii API key"))
    shop_consumer_key = SecretField(label=_("WooCommerce consumer key"))
    shop_consumer_secret = SecretField(label=_("WooCommerce consumer secret"))

    supplier_company_id = forms.TypedChoiceField(
        label=_("Supplier company"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The FLOWii company under which orders are created."),
    )
    customer_type_id = forms.TypedChoiceField(
        label=_("Customer type"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The FLOWii partner type given to exported customers."),
    )
    non_stock_unit_id = forms.TypedChoiceField(
        label=_("Unit for non-stock items"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Used for order lines with no FLOWii product: fees, unknown products."),
    )
    non_stock_category_ids = forms.TypedMultipleChoiceField(
        label=_("Non-stock categories"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "FLOWii categories NOT imported into the shop, with everything under them. "
            "Hold Ctrl (Cmd on a Mac) to pick more than one."
        ),
    )
    shipping_category_ids = forms.TypedMultipleChoiceField(
        label=_("Shipping categories"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("FLOWii categories whose products are shipping items."),
    )
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
            "supplier_company_id",
            "customer_type_id",
            "non_stock_unit_id",
            "non_stock_category_ids",
            "shipping_category_ids",
            "order_statuses",
            "new_orders_from",
            "prices_with_vat",
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
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            if name in self.fields:
                stored = bool(getattr(self.instance, name, ""))
                self.fields[name].help_text = (
                    _("Set. Leave empty to keep the stored value.") if stored else _("Not set.")
                )
        self._fill_flowii_choices()
        if "schedule_minutes" in self.fields:
            self.fields["schedule_minutes"].help_text = _("At least %(n)s.") % {"n": MIN_MINUTES}

    def _fill_flowii_choices(self):
        data = self.flowii_data
        instance = self.instance
        empty = [("", "---------")]
        singles = {
            "supplier_company_id": data.companies if data else None,
            "customer_type_id": data.partner_types if data else None,
            "non_stock_unit_id": data.units if data else None,
        }
        for name, read in singles.items():
            if name in self.fields:
                offered = read() if read else []
                saved = [getattr(instance, name)]
                self.fields[name].choices = empty + with_saved(offered, saved, data or _NoData())
        categories = data.categories() if data else []
        for name in ("non_stock_category_ids", "shipping_category_ids"):
            if name in self.fields:
                saved = [_optional_int(v) for v in getattr(instance, name) or []]
                self.fields[name].choices = with_saved(categories, saved, data or _NoData())

    def _clean_secret(self, name):
        value = self.cleaned_data.get(name) or ""
        return value or getattr(self.instance, name, "") or ""

    def clean_flowii_password(self):
        return self._clean_secret("flowii_password")

    def clean_flowii_api_key(self):
        return self._clean_secret("flowii_api_key")

    def clean_shop_consumer_key(self):
        return self._clean_secret("shop_consumer_key")

    def clean_shop_consumer_secret(self):
        return self._clean_secret("shop_consumer_secret")

    def clean_order_statuses(self):
        return list(self.cleaned_data.get("order_statuses") or [])

    def clean_log_retention_days(self):
        days = self.cleaned_data.get("log_retention_days")
        if days is not None and days < 1:
            raise forms.ValidationError(_("Keep logs for at least one day."))
        return days

    def clean_order_export_concurrency(self):
        value = self.cleaned_data.get("order_export_concurrency")
        if value is not None and not 1 <= value <= 16:
            raise forms.ValidationError(_("Enter a number from 1 to 16."))
        return value

    def clean(self):
        cleaned = super().clean()
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
        return cleaned


class _NoData:
    """Stands in for FlowiiData when the form is built without one."""

    available = False


class MappingRowForm(forms.ModelForm):
    """One row of a mapping page: the FLOWii record picked for a shop method."""

    flowii_data: FlowiiData | None = None
    flowii_field = ""

    def offered(self, data: FlowiiData) -> list[tuple[int, str]]:
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.flowii_data or _NoData()
        offered = self.offered(data) if self.flowii_data else []
        saved = [getattr(self.instance, self.flowii_field)]
        field = self.fields[self.flowii_field]
        field.choices = [("", _("— not mapped —"))] + with_saved(offered, saved, data)


class ShippingMappingForm(MappingRowForm):
    flowii_field = "flowii_product_id"
    flowii_product_id = forms.TypedChoiceField(
        label=_("FLOWii shipping item"), coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = ShippingMapping
        fields = ["flowii_product_id"]

    def offered(self, data):
        return [(p["id"], _item_label(p)) for p in data.shipping_items()]

    def clean(self):
        cleaned = super().clean()
        product_id = cleaned.get("flowii_product_id")
        item = None
        if product_id is not None and self.flowii_data:
            item = next(
                (p for p in self.flowii_data.shipping_items() if p["id"] == product_id), None
            )
        if product_id is None:
            self.instance.flowii_product_name = ""
            self.instance.flowii_unit_id = None
        elif item is not None:
            # Orders name the item's unit on the shipping line: keep it with the mapping.
            self.instance.flowii_product_name = item.get("name") or ""
            self.instance.flowii_unit_id = item.get("unitId")
        return cleaned


class PaymentMappingForm(MappingRowForm):
    flowii_field = "flowii_payment_type_id"
    flowii_payment_type_id = forms.TypedChoiceField(
        label=_("FLOWii payment type"), coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = PaymentMapping
        fields = ["flowii_payment_type_id"]

    def offered(self, data):
        return data.payment_types()

    def clean(self):
        cleaned = super().clean()
        type_id = cleaned.get("flowii_payment_type_id")
        if type_id is None:
            self.instance.flowii_payment_type_name = ""
        elif self.flowii_data:
            names = dict(self.flowii_data.payment_types())
            if type_id in names:
                self.instance.flowii_payment_type_name = names[type_id]
        return cleaned


def _item_label(product: dict) -> str:
    code = product.get("code")
    return f"{product['name']} ({code})" if code else product["name"]
