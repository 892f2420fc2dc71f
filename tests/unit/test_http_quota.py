"""A per-minute quota is waited out on a budget of its own: many 429s in a row are normal
under a quota, so they do not use up the retries meant for a remote that is down."""

import pytest
import responses

from connector.http import HttpClient, RateLimited

URL = "https://remote.test/items"


def make_client(**options):
    sleeps = []
    options.setdefault("jitter", lambda: 1.0)
    client = HttpClient("Remote", sleep=sleeps.append, **options)
    return client, sleeps


@responses.activate
def test_a_dozen_refusals_under_a_quota_are_waited_out():
    client, sleeps = make_client(max_attempts=3)
    for _ in range(12):
        responses.get(URL, status=429, json={"errors": [{"title": "API quota exceeded"}]})
    responses.get(URL, json={"ok": True})
    assert client.request("GET", URL, call="GET items").data == {"ok": True}
    assert len(sleeps) == 12  # far beyond max_attempts: the quota has its own budget
    assert max(sleeps) <= 60  # a per-minute quota never needs a longer wait


@responses.activate
def test_retry_after_is_honoured_up_to_a_minute():
    client, sleeps = make_client()
    responses.get(URL, status=429, headers={"Retry-After": "30"})
    responses.get(URL, json={})
    client.request("GET", URL, call="GET items")
    assert sleeps == [30.0]


@responses.activate
def test_the_quota_budget_ends_in_rate_limited():
    client, sleeps = make_client(throttle_budget=100)
    for _ in range(20):
        responses.get(URL, status=429)
    with pytest.raises(RateLimited):
        client.request("GET", URL, call="GET items")
    assert sum(sleeps) <= 100


@responses.activate
def test_a_create_turned_away_by_the_quota_is_sent_again():
    client, sleeps = make_client()
    responses.post(URL, status=429)
    responses.post(URL, json={"id": 1})
    assert client.request("POST", URL, call="POST items", json={}).data == {"id": 1}
