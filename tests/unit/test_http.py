"""The shared HTTP layer: retries, backoff, Retry-After, the retry budget, the idempotency
rule and typed errors that never show a secret. Remote answers are faked with `responses`."""

import logging
import socket
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from connector.http import (
    AccessDenied,
    AuthenticationError,
    Conflict,
    HttpClient,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    RemoteError,
    Unavailable,
    ValidationError,
    parse_retry_after,
    redact,
)

URL = "https://remote.test/api/items"
SECRET = "s3cr3t-consumer-value"


def make_client(**options):
    sleeps = []
    options.setdefault("jitter", lambda: 1.0)  # the top of each backoff step, predictable
    client = HttpClient("Remote", sleep=sleeps.append, secrets=[SECRET], **options)
    return client, sleeps


def test_retries_503_then_succeeds():
    client, sleeps = make_client(backoff_base=0.5)
    with responses.RequestsMock() as rsps:
        rsps.get(URL, status=503, json={"error": "busy"})
        rsps.get(URL, status=503, json={"error": "busy"})
        rsps.get(URL, json={"ok": True})
        reply = client.request("GET", URL, call="GET items")
        assert len(rsps.calls) == 3
    assert reply.data == {"ok": True}
    assert sleeps == [0.5, 1.0]  # exponential: base, 2 x base


def test_backoff_uses_full_jitter():
    client, sleeps = make_client(backoff_base=1.0, jitter=lambda: 0.25)
    with responses.RequestsMock() as rsps:
        for _ in range(3):
            rsps.get(URL, status=502)
        rsps.get(URL, json=[])
        client.request("GET", URL, call="GET items")
    assert sleeps == [0.25, 0.5, 1.0]


def test_429_retry_after_seconds_is_honoured():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.get(URL, status=429, headers={"Retry-After": "7"})
        rsps.get(URL, json={"ok": 1})
        assert client.request("GET", URL, call="GET items").data == {"ok": 1}
    assert sleeps == [7.0]


def test_429_retry_after_http_date_is_honoured():
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    header = format_datetime(datetime(2026, 3, 1, 12, 0, 42, tzinfo=UTC), usegmt=True)
    assert parse_retry_after(header, now=now) == 42.0
    assert parse_retry_after("not a date") is None
    assert parse_retry_after("-5") == 0.0


def test_429_asking_for_too_long_a_wait_gives_up_at_once():
    client, sleeps = make_client(retry_after_cap=60)
    with responses.RequestsMock() as rsps:
        rsps.get(URL, status=429, headers={"Retry-After": "3600"})
        with pytest.raises(RateLimited) as caught:
            client.request("GET", URL, call="GET items")
    assert sleeps == []
    assert "3600 s" in str(caught.value) and "GET items" in str(caught.value)


def test_429_without_retry_after_backs_off_and_ends_rate_limited():
    client, sleeps = make_client(max_throttled_attempts=3, backoff_base=0.1)
    with responses.RequestsMock() as rsps:
        for _ in range(3):
            rsps.get(URL, status=429)
        with pytest.raises(RateLimited) as caught:
            client.request("GET", URL, call="GET items")
    assert caught.value.status == 429
    assert sleeps == [0.1, 0.2]
    assert "three times" in str(caught.value)


def test_budget_exhausted_names_system_and_call_and_hides_secrets(caplog):
    client, sleeps = make_client(max_attempts=5)
    secret_url = f"{URL}?consumer_key=ck_live_123456&consumer_secret={SECRET}"
    with responses.RequestsMock() as rsps:
        for _ in range(5):
            rsps.get(
                URL,
                status=503,
                json={"message": f"backend down, consumer_secret={SECRET}"},
            )
        with caplog.at_level(logging.WARNING, logger="connector.http"):
            with pytest.raises(Unavailable) as caught:
                client.request(
                    "GET",
                    secret_url,
                    call="GET items",
                    headers={"Authorization": f"Bearer {SECRET}"},
                )
    error = caught.value
    assert str(error) == "Remote answered 503 five times (GET items)."
    assert error.system == "Remote" and error.call == "GET items" and error.status == 503
    assert len(sleeps) == 4
    warnings = [r for r in caplog.records if r.name == "connector.http"]
    assert len(warnings) == 4
    assert all(r.levelno == logging.WARNING for r in warnings)
    assert "Remote GET items: attempt 1 of 5 failed" in warnings[0].getMessage()
    everything = str(error) + repr(error) + error.reason + caplog.text
    for secret in (SECRET, "ck_live_123456"):
        assert secret not in everything


def test_max_total_sleep_bounds_the_waiting():
    client, sleeps = make_client(max_attempts=10, backoff_base=1.0, max_total_sleep=5.0)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        for _ in range(10):
            rsps.get(URL, status=503)
        with pytest.raises(Unavailable):
            client.request("GET", URL, call="GET items")
    assert sum(sleeps) <= 5.0
    assert sleeps == [1.0, 2.0, 2.0]  # the last wait is cut to what the budget has left


def test_read_timeouts_end_in_unavailable_with_the_timeout_in_words():
    client, sleeps = make_client(max_attempts=3, read_timeout=12)
    with responses.RequestsMock() as rsps:
        for _ in range(3):
            rsps.get(URL, body=requests.exceptions.ReadTimeout("read timed out"))
        with pytest.raises(Unavailable) as caught:
            client.request("GET", URL, call="GET items")
    assert caught.value.status is None
    assert str(caught.value) == (
        "Remote did not answer within 12 s; tried three times (GET items)."
    )


def test_post_is_not_repeated_after_it_may_have_arrived():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.post(URL, body=requests.exceptions.ConnectionError("connection reset"))
        with pytest.raises(OutcomeUnknown):
            client.request("POST", URL, call="POST items", json={"a": 1})
        assert len(rsps.calls) == 1
    assert sleeps == []


def test_post_marked_idempotent_is_repeated_after_a_dropped_connection():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.post(URL, body=requests.exceptions.ConnectionError("connection reset"))
        rsps.post(URL, body=requests.exceptions.ReadTimeout("slow"))
        rsps.post(URL, status=201, json={"id": 5})
        reply = client.request("POST", URL, call="POST items", json={"a": 1}, idempotent=True)
        assert len(rsps.calls) == 3
    assert reply.status == 201 and reply.data == {"id": 5}


def test_post_is_repeated_when_the_connection_never_opened():
    error = requests.exceptions.ConnectionError(
        MaxRetryError(None, URL, reason=NewConnectionError(None, "Connection refused"))
    )
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.post(URL, body=error)
        rsps.post(URL, body=requests.exceptions.ConnectTimeout("no route"))
        rsps.post(URL, status=201, json={"id": 1})
        assert client.request("POST", URL, call="POST items", json={}).data == {"id": 1}
    assert len(sleeps) == 2


def test_refused_connection_over_real_sockets_is_retried_then_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client, sleeps = make_client(max_attempts=3, connect_timeout=1)
    with pytest.raises(Unavailable) as caught:
        client.request("POST", f"http://127.0.0.1:{port}/x", call="POST x", json={})
    assert len(sleeps) == 2  # nothing was sent, so even a POST is tried again
    assert str(caught.value) == "Remote refused the connection; tried three times (POST x)."


def test_post_500_is_not_repeated_and_says_it_may_have_happened():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.post(URL, status=500, json={"message": "fatal"})
        with pytest.raises(OutcomeUnknown) as caught:
            client.request("POST", URL, call="POST items", json={})
        assert len(rsps.calls) == 1
    assert "may or may not have been carried out" in str(caught.value)


def test_post_503_is_repeated_because_it_was_turned_away():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.post(URL, status=503)
        rsps.post(URL, status=201, json={"id": 2})
        assert client.request("POST", URL, call="POST items", json={}).data == {"id": 2}


def test_post_500_after_sending_is_outcome_unknown():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.post(URL, status=500)
        with pytest.raises(OutcomeUnknown):
            client.request("POST", URL, call="POST items", json={})
        assert len(rsps.calls) == 1


def test_unparseable_json_is_retried_then_malformed():
    client, sleeps = make_client(max_attempts=2)
    with responses.RequestsMock() as rsps:
        rsps.get(URL, body='{"items": [1, 2', content_type="application/json")
        rsps.get(URL, body='{"items": [1, 2', content_type="application/json")
        with pytest.raises(MalformedResponse) as caught:
            client.request("GET", URL, call="GET items")
    assert len(sleeps) == 1
    assert "not valid JSON" in str(caught.value) and "GET items" in str(caught.value)


def test_unparseable_json_once_then_good_answer():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.get(URL, body='{"items": [1,', content_type="application/json")
        rsps.get(URL, json={"items": [1, 2]})
        assert client.request("GET", URL, call="GET items").data == {"items": [1, 2]}


def test_cut_off_body_is_retried_then_malformed():
    client, sleeps = make_client(max_attempts=3)
    with responses.RequestsMock() as rsps:
        for _ in range(3):
            rsps.get(URL, body=requests.exceptions.ChunkedEncodingError("IncompleteRead"))
        with pytest.raises(MalformedResponse) as caught:
            client.request("GET", URL, call="GET items")
    assert (
        str(caught.value)
        == "Remote sent an answer that was cut off; tried three times (GET items)."
    )


def test_html_page_instead_of_json_is_malformed_and_not_retried():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.get(
            URL,
            body="<!DOCTYPE html><html><body>Hello</body></html>",
            content_type="text/html; charset=UTF-8",
        )
        with pytest.raises(MalformedResponse) as caught:
            client.request("GET", URL, call="GET items")
        assert len(rsps.calls) == 1
    assert "HTML" in str(caught.value)
    assert caught.value.status == 200


def test_utf8_bom_before_json_is_tolerated():
    client, _ = make_client()
    with responses.RequestsMock() as rsps:
        rsps.get(URL, body=b"\xef\xbb\xbf[1, 2]", content_type="application/json")
        assert client.request("GET", URL, call="GET items").data == [1, 2]


@pytest.mark.parametrize(
    "status, error_class",
    [
        (400, ValidationError),
        (422, ValidationError),
        (401, AuthenticationError),
        (403, AccessDenied),
        (404, NotFound),
        (409, Conflict),
        (418, RemoteError),
    ],
)
def test_client_errors_are_typed_and_not_retried(status, error_class):
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.get(URL, status=status, json={"whatever": 1})
        with pytest.raises(error_class) as caught:
            client.request("GET", URL, call="GET items")
        assert len(rsps.calls) == 1
    assert type(caught.value) is error_class
    assert caught.value.status == status
    assert caught.value.body == {"whatever": 1}
    assert sleeps == []


def test_error_parser_supplies_code_and_reason():
    from connector.http import ErrorDetails

    def parser(status, body, call):
        return ErrorDetails(code=body["error"]["code"], reason="email: invalid e-mail")

    client, _ = make_client(error_parser=parser)
    with responses.RequestsMock() as rsps:
        rsps.post(URL, status=400, json={"error": {"code": "validation_error"}})
        with pytest.raises(ValidationError) as caught:
            client.request("POST", URL, call="POST partners", json={})
    assert str(caught.value) == (
        "Remote refused POST partners: validation_error (email: invalid e-mail)."
    )
    assert caught.value.code == "validation_error"


def test_tls_errors_are_not_retried():
    client, sleeps = make_client()
    with responses.RequestsMock() as rsps:
        rsps.get(URL, body=requests.exceptions.SSLError("certificate verify failed"))
        with pytest.raises(Unavailable) as caught:
            client.request("GET", URL, call="GET items")
    assert sleeps == [] and "certificate" in str(caught.value)


def test_tls_checks_cannot_be_turned_off():
    with pytest.raises(ValueError):
        HttpClient("Remote", verify=False)


def test_json_bodies_are_utf8_and_use_the_default_encoder():
    from decimal import Decimal

    client, _ = make_client(json_default=str)
    with responses.RequestsMock() as rsps:
        rsps.post(URL, status=201, json={})
        client.request(
            "POST", URL, call="POST items", json={"name": "Káva", "price": Decimal("1.50")}
        )
        sent = rsps.calls[0].request
    assert sent.body == '{"name": "Káva", "price": "1.50"}'.encode()
    assert sent.headers["Content-Type"].startswith("application/json")


def test_redact_masks_secret_parameters_headers_and_known_values():
    text = (
        "GET /x?consumer_key=ck_1&oauth_signature=abc%3D&page=2 "
        "Authorization: Bearer tok123 password=hunter22 Api-Key: k-999 "
        f"and {SECRET} inline"
    )
    masked = redact(text, [SECRET])
    for leaked in ("ck_1", "abc%3D", "tok123", "hunter22", "k-999", SECRET):
        assert leaked not in masked
    assert "page=2" in masked


def test_redact_keeps_prose_about_secrets_readable():
    text = "the consumer key or secret: check the password: it is wrong"
    assert redact(text) == text
