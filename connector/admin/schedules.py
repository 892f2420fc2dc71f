"""django-q's Schedule pages, with the connector's own rows protected: the Settings page owns
them (schedule, log purge, alert check, heartbeat), so here they are read-only and cannot be
deleted; any other schedule stays editable as django-q made it."""

from __future__ import annotations

from django.contrib import admin
from django_q.admin import ScheduleAdmin as DjangoQScheduleAdmin
from django_q.models import Schedule

from ..health import HEARTBEAT_NAME
from ..scheduling import is_connector_schedule


def owned(obj) -> bool:
    return obj is not None and (is_connector_schedule(obj.name) or obj.name == HEARTBEAT_NAME)


class ConnectorScheduleAdmin(DjangoQScheduleAdmin):
    def has_change_permission(self, request, obj=None):
        if owned(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if owned(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The list's "delete selected" action: the connector's rows are left alone.
        for obj in queryset:
            if not owned(obj):
                obj.delete()

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(owned(obj) for obj in objs):
            perms_needed = {*perms_needed, Schedule._meta.verbose_name}
        return deleted, model_count, perms_needed, protected


if admin.site.is_registered(Schedule):
    admin.site.unregister(Schedule)
admin.site.register(Schedule, ConnectorScheduleAdmin)
