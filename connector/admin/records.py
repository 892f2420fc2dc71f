"""What the pages that show what happened (runs, log lines, links, order exports) share:
nothing to add or change by hand there; the connector writes them."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A page of records the runs wrote: viewed, never added or edited by hand."""

    list_per_page = 100
    show_full_result_count = False  # a count of 100,000 log lines costs more than it tells

    class Media:
        css = {"all": ("connector/admin.css",)}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
