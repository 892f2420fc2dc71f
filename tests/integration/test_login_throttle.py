"""Login throttling that an attacker cannot turn against the owner: the lock-out is keyed on
the user name AND the client's real address (the proxy's X-Forwarded-For only when
TRUSTED_PROXY_COUNT says a proxy is there), and attempts during a lock-out do not extend it."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

OWNER, PASSWORD = "owner", "the-Right-password-42"
OWNER_IP, ATTACKER_IP, PROXY_IP = "198.51.100.7", "203.0.113.9", "127.0.0.1"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def owner():
    return get_user_model().objects.create_superuser(OWNER, "owner@example.sk", PASSWORD)


def attempt(password, remote=OWNER_IP, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(LOGIN, {"username": OWNER, "password": password}, **extra)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def locked_out(response) -> bool:
    return response.status_code == 429


def guess(times, **where):
    return [attempt("wrong-guess", **where) for _ in range(times)]


def test_settings_key_on_user_and_address_and_keep_the_cool_off():
    from django.conf import settings

    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_guesses_from_another_address_do_not_lock_the_owner_out():
    responses = guess(5, remote=ATTACKER_IP)
    assert not any(logged_in(r) for r in responses)
    assert locked_out(attempt("wrong-guess", remote=ATTACKER_IP))  # the attacker is locked out
    assert locked_out(attempt(PASSWORD, remote=ATTACKER_IP))  # even with the right password
    assert logged_in(attempt(PASSWORD, remote=OWNER_IP))  # the owner is not


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_address_keys_the_lock_out():
    # Every request arrives from the proxy; only X-Forwarded-For tells the clients apart.
    guess(5, remote=PROXY_IP, forwarded=ATTACKER_IP)
    assert locked_out(attempt(PASSWORD, remote=PROXY_IP, forwarded=ATTACKER_IP))
    assert logged_in(attempt(PASSWORD, remote=PROXY_IP, forwarded=OWNER_IP))


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_a_forged_forwarded_address_does_not_frame_the_owner():
    # The attacker sends the owner's address himself; the proxy appends the real one.
    guess(5, remote=PROXY_IP, forwarded=f"{OWNER_IP}, {ATTACKER_IP}")
    assert logged_in(attempt(PASSWORD, remote=PROXY_IP, forwarded=OWNER_IP))


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    from axes.models import AccessAttempt

    # The attacker claims the owner's address in a header nobody vouches for.
    guess(5, remote=ATTACKER_IP, forwarded=OWNER_IP)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER_IP}
    assert logged_in(attempt(PASSWORD, remote=OWNER_IP, forwarded=OWNER_IP))


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, minutes):
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock():
    clock = Clock()
    # axes takes the time of every attempt from here (request.axes_attempt_time); the
    # cool-off is measured from it.
    with mock.patch("axes.handlers.proxy.now", clock):
        yield clock


def test_attempts_during_a_lock_out_do_not_extend_it(clock):
    guess(5)
    assert locked_out(attempt(PASSWORD))
    clock.advance(10)
    assert locked_out(attempt("wrong-guess"))  # still locked out, and this changes nothing
    assert locked_out(attempt(PASSWORD))
    clock.advance(6)  # 16 minutes after the fifth failure, 6 after the last attempt
    assert logged_in(attempt(PASSWORD))


def test_the_lock_out_ends_after_the_cool_off(clock):
    guess(5)
    clock.advance(14)
    assert locked_out(attempt(PASSWORD))
    clock.advance(2)
    assert logged_in(attempt(PASSWORD))
