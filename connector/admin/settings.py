"""The Settings page: the one settings record, edited in place. Saving checks both
connections, offers the FLOWii account's data and turns the schedule into django-q rows."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..forms import SettingsForm
from ..models import Settings
from ..scheduling import apply_schedule, ensure_purge_schedule
from .choices import flowii_data
from .connection import check_connections


@admin.register(Settings)
class SettingsAdmin(admin.ModelAdmin):
    form = SettingsForm
    save_on_top = False
    fieldsets = (
        (
            _("FLOWii connection"),
            {"fields": ("flowii_url", "flowii_email", "flowii_password", "flowii_api_key")},
        ),
        (
            _("Shop connection"),
            {"fields": ("shop_url", "shop_consumer_key", "shop_consumer_secret")},
        ),
        (
            _("From your FLOWii account"),
            {
                "fields": (
                    "supplier_company_id",
                    "customer_type_id",
                    "non_stock_unit_id",
                    "non_stock_category_ids",
                    "shipping_category_ids",
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
            from django.core.exceptions import PermissionDenied

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context["title"] = _("Connector settings")
        response = super().change_view(request, object_id, form_url, extra_context)
        data = getattr(request, "_connector_flowii", None)
        if data is not None and hasattr(response, "context_data"):
            response.context_data["flowii_error"] = data.error
        return response

    # -- saving -------------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        apply_schedule(obj)
        ensure_purge_schedule()
        for verdict in check_connections(obj):
            self.message_user(request, verdict.text, verdict.level)

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(self._change_url(obj))
