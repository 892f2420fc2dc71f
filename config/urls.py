"""URL routes: the connector lives in Django's admin."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from connector import webhook_view

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    # The shop's webhooks deliver here (signed; no login): see docs/webhooks.md.
    path("webhooks/woocommerce/", webhook_view.woocommerce, name="webhooks-woocommerce"),
]
