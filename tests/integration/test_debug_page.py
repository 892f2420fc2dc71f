"""With DEBUG on, the 500 page of a view that fails while handling the settings form shows
none of the secrets typed into it: Django shows POST and every frame's local variables there,
so the connector's reporter filter (connector/debug.py) hides them by field name and value."""

import secrets

import pytest
from django.test import Client, override_settings
from django.urls import path

# Made at run time: the page also shows the source lines around each frame, so a value
# written out in this file would be on it whatever the filter does.
SECRET_NAMES = [
    "flowii_password",
    "flowii_api_key",
    "shop_consumer_key",
    "shop_consumer_secret",
    "smtp_password_again",
    "webhook_token",
]
VALUES = {name: f"{secrets.token_hex(8)}-{i}" for i, name in enumerate(SECRET_NAMES)}
VISIBLE = {"shop_url": "https://shop.visible.example"}


def _check_connection(credentials):
    raise RuntimeError("the settings view failed on purpose")


def failing_settings_view(request):
    password = request.POST["flowii_password"]  # noqa: F841 - a local the page would show
    data = request.POST  # a POST dict held in a local
    credentials = {name: data[name] for name in data}  # and a plain dict of copies
    _check_connection(credentials)


urlpatterns = [path("fail/", failing_settings_view)]

pytestmark = pytest.mark.urls(__name__)


def test_settings_configure_the_filter():
    from django.conf import settings
    from django.views.debug import get_default_exception_reporter_filter

    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER == (
        "connector.debug.ConnectorExceptionReporterFilter"
    )
    assert type(get_default_exception_reporter_filter()).__name__ == (
        "ConnectorExceptionReporterFilter"
    )


@override_settings(DEBUG=True)
def test_debug_500_page_shows_none_of_the_posted_secrets():
    client = Client(raise_request_exception=False)
    response = client.post("/fail/", {**VALUES, **VISIBLE})
    assert response.status_code == 500
    page = response.content.decode()
    # It is Django's technical page, with the POST and the frames' variables on it.
    assert "the settings view failed on purpose" in page
    assert "failing_settings_view" in page
    assert "shop.visible.example" in page  # fields that are not secrets stay readable
    for name, value in VALUES.items():
        assert name in page  # the field is listed...
        assert value not in page, f"{name}'s value is on the debug page"  # ...its value not


@override_settings(DEBUG=True)
def test_debug_500_page_as_text_shows_none_of_the_secrets():
    client = Client(raise_request_exception=False)
    response = client.post("/fail/", {**VALUES, **VISIBLE}, headers={"accept": "text/plain"})
    assert response.status_code == 500
    page = response.content.decode()
    assert "the settings view failed on purpose" in page
    for value in VALUES.values():
        assert value not in page
