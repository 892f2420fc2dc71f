"""The Settings page: the one settings record, edited in place. It offers the FLOWii
account's data (the firm and its codebooks), names the choices still to make, checks both
connections on save and from its button, and turns the schedule into django-q rows."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from .. import webhook_setup
from ..forms import REQUIRED_CHOICES, SECRET_FIELDS, SettingsForm, missing_choices
from ..models import Settings
from ..scheduling import apply_schedule, ensure_alert_schedule, ensure_purge_schedule
from .choices import flowii_data, unreadable_message
from .connection import check_connections

# The posted secrets never appear in an error report (nor the addresses, which may carry a
# user name and password typed into them).
sensitive_post = method_decorator(
    sensitive_post_parameters(*SECRET_FIELDS, "flowii_url", "shop_url")
)

# The fields of the two connections: a change to any of them is checked before it is saved.
CONNECTION_FIELDS = ("flowii_url", "flowii_email", "shop_url", *SECRET_FIELDS)
# FLOWii's verdicts that mean the login itself does not work (connection.login_verdict).
LOGIN_FAILURES = {
    "flowii.login_refused",
    "flowii.wrong_login",
    "flowii.wrong_api_key",
    "flowii.rate_limited",
    "flowii.unreachable",
    "flowii.bad_answer",
    "flowii.error",
    "flowii.bad_address",
    "flowii.no_firms",
}


def refuses(verdict) -> bool:
    """A verdict that says a connection does not work (the shop's have no code)."""
    return verdict.level == messages.ERROR and (not verdict.code or verdict.code in LOGIN_FAILURES)


class CheckedSettingsForm(SettingsForm):
    """Changed connection details are tried before they are saved: credentials that fail
    are refused with the whole save, so the connector never runs on them."""

    connection_verdicts = None

    @sensitive_variables("instance")
    def _post_clean(self):
        super()._post_clean()
        if self.errors or not any(name in self.changed_data for name in CONNECTION_FIELDS):
            return
        if self.moved_sides():
            # Never reached (clean refuses it), but the check must not be the one place
            # that sends stored secrets to a server they were not entered for.
            return
        instance = self.instance

        def only_firm(firm_id):
            instance.flowii_company_id = firm_id

        verdicts = check_connections(instance, on_only_firm=only_firm)
        failing = [v for v in verdicts if refuses(v)]
        if failing:
            self.add_error(
                None,
                gettext(
                    "Nothing was saved: the new connection details do not work. %(why)s "
                    "Correct them and save again."
                )
                % {"why": " ".join(str(v.text) for v in failing)},
            )
        else:
            self.connection_verdicts = verdicts


@admin.register(Settings)
class SettingsAdmin(admin.ModelAdmin):
    form = CheckedSettingsForm
    save_on_top = False
    fieldsets = (
        (
            _("FLOWii connection"),
            {
                "fields": (
                    "flowii_url",
                    "flowii_email",
                    "flowii_password",
                    "flowii_api_key",
                    "forget_flowii_secrets",
                )
            },
        ),
        (
            _("Shop connection"),
            {
                "fields": (
                    "shop_url",
                    "shop_consumer_key",
                    "shop_consumer_secret",
                    "forget_shop_secrets",
                )
            },
        ),
        (
            _("From your FLOWii account"),
            {
                "fields": (
                    "flowii_company_id",
                    "supplier_company_data_id",
                    "numbering_sequence_id",
                    "business_relationship_id",
                    "business_relationship_subtype_id",
                    "non_stock_unit_id",
                    "non_stock_category_ids",
                    "shipping_category_ids",
                    "partner_custom_field_id",
                    "stock_attribute",
                )
            },
        ),
        (
            _("Orders"),
            {
                "fields": (
                    "order_statuses",
                    "new_orders_from",
                    "prices_with_vat",
                    "order_maturity_days",
                    "order_export_concurrency",
                )
            },
        ),
        (
            _("Company data in the shop (IČO, DIČ, IČ DPH meta keys)"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("order_ico_key", "order_dic_key", "order_ic_dph_key"),
                    ("customer_ico_key", "customer_dic_key", "customer_ic_dph_key"),
                ),
            },
        ),
        (
            _("Schedule and logs"),
            {"fields": ("schedule", "schedule_minutes", "schedule_time", "log_retention_days")},
        ),
        (
            _("Alerts by e-mail"),
            {"fields": ("alert_emails", "alert_no_success_hours", "alert_failed_percent")},
        ),
    )

    class Media:
        css = {"all": ("connector/admin.css",)}
        js = ("connector/settings.js",)

    # -- one record: no list, no add, no delete -------------------------------------------
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # A read-only view would print every field, secrets included: only editors see it.
        return self.has_change_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(self._change_url(Settings.load()))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and str(object_id) == "1":
            obj = Settings.load()
        return obj

    def history_view(self, request, object_id, extra_context=None):
        Settings.load()
        return super().history_view(request, object_id, extra_context)

    @staticmethod
    def _change_url(obj) -> str:
        return reverse("admin:connector_settings_change", args=[obj.pk])

    # -- the form and its FLOWii data -------------------------------------------------------
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # a shop owner types "shop.sk"
            kwargs["widget"] = forms.URLInput(attrs={"class": "vURLField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The saved settings decide which FLOWii account the selects read from.
        form.flowii_data = flowii_data(request, Settings.load())
        return form

    @sensitive_post
    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context["title"] = _("Connector settings")
        extra_context["check_url"] = reverse("admin:connector_settings_check")
        response = super().change_view(request, object_id, form_url, extra_context)
        if hasattr(response, "context_data"):
            data = getattr(request, "_connector_flowii", None)
            settings = Settings.load()
            unreadable = unreadable_message(settings)
            error = data.error if data is not None else ""
            response.context_data["unreadable_secrets"] = unreadable
            response.context_data["webhook_panel"] = webhook_setup.panel(request)
            # One plain message: the lists' own error says the same when that is the cause.
            response.context_data["flowii_error"] = "" if error == unreadable else error
            response.context_data["outdated_choices"] = (
                outdated_message(settings) if settings.flowii_choices_outdated else ""
            )
            missing = missing_choices(settings)
            response.context_data["missing_choices"] = (
                gettext("To export orders, still choose: %(names)s.")
                % {"names": ", ".join(missing)}
                if missing and not settings.flowii_choices_outdated
                else ""
            )
        return response

    # -- the connection check button ------------------------------------------------------------
    def get_urls(self):
        check = path(
            "check/",
            self.admin_site.admin_view(self.check_view),
            name="connector_settings_check",
        )
        hooks = [
            path(
                f"webhooks/{action}/",
                self.admin_site.admin_view(self.webhooks_view),
                {"action": action},
                name=f"connector_webhooks_{action}",
            )
            for action in ("create", "remove", "renew")
        ]
        return [check, *hooks, *super().get_urls()]

    def webhooks_view(self, request, action):
        """The webhook panel's buttons (connector/webhook_setup.py does the work)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        if action == "renew":
            said = webhook_setup.renew()
        else:
            url = webhook_setup.url_for(request)
            do = (
                webhook_setup.create_in_shop
                if action == "create"
                else webhook_setup.remove_from_shop
            )
            said = do(url)
        self.message_user(request, said.text, said.level)
        return HttpResponseRedirect(self._change_url(Settings.load()) + "#connector-webhooks")

    @sensitive_post
    def check_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        settings = Settings.load()
        for verdict in check_connections(settings, on_only_firm=_keep_only_firm(settings)):
            self.message_user(request, verdict.text, verdict.level)
        return HttpResponseRedirect(self._change_url(settings))

    # -- saving -------------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        if obj.flowii_choices_outdated and all(
            getattr(obj, name) is not None for name in REQUIRED_CHOICES
        ):
            obj.flowii_choices_outdated = False  # made again: the page stops asking
        firm_changed = change and "flowii_company_id" in form.changed_data
        super().save_model(request, obj, form, change)
        apply_schedule(obj)
        ensure_purge_schedule()
        ensure_alert_schedule()
        verdicts = getattr(form, "connection_verdicts", None)
        if verdicts is None:  # the connections did not change: checked now, as they are
            verdicts = check_connections(obj, on_only_firm=_keep_only_firm(obj))
        for verdict in verdicts:
            self.message_user(request, verdict.text, verdict.level)
        if firm_changed and form.initial.get("flowii_company_id") is not None:
            self.message_user(
                request,
                gettext(
                    "The FLOWii firm changed: map the shipping methods and payment gateways "
                    "again to the new firm's delivery types, shipping items and payment "
                    "methods (Shipping and Payments pages)."
                ),
                messages.WARNING,
            )

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(self._change_url(obj))


def _keep_only_firm(settings: Settings):
    """Saves the firm when the check found it is the only one the login may use."""

    def keep(firm_id: int) -> None:
        settings.flowii_company_id = firm_id
        Settings.objects.filter(pk=settings.pk).update(flowii_company_id=firm_id)

    return keep


def outdated_message(settings: Settings) -> str:
    """What an upgrade to FLOWii's real API left to do: the choices made against the earlier
    contract were dropped, so these must be made again."""
    missing = missing_choices(settings)
    for name in ("non_stock_category_ids", "shipping_category_ids"):
        if not getattr(settings, name):
            missing.append(str(Settings._meta.get_field(name).verbose_name))
    text = gettext(
        "The connector now speaks FLOWii's real API: the FLOWii choices made before name "
        "nothing in your account and were dropped. Choose again below and save: %(names)s."
    ) % {"names": ", ".join(missing) if missing else gettext("nothing required is left")}
    return (
        text
        + " "
        + gettext(
            "Check the non-stock and shipping categories too, and map the Shipping and Payments "
            "pages again."
        )
    )
