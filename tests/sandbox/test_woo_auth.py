"""The simulated shop's authentication: requests signed by independent OAuth clients pass,
and every kind of bad credential gets WooCommerce's own status, code and message."""

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from oauthlib import oauth1
from woocommerce.oauth import OAuth

from sandbox.base import Request
from sandbox.woo_auth import (
    ApiKey,
    AuthError,
    NonceStore,
    authenticate,
    check_permission,
    php_parse,
    sign_oauth_query,
    string_to_sign,
)
from tests.golden import CASES as GOLDEN

HOME = "http://127.0.0.1:8001"
SECURE_HOME = "https://shop.test"
PRODUCTS = "/wp-json/wc/v3/products"
NOW = 1_750_000_000

SHOP_KEY = ApiKey("ck_sandbox", "cs_sandbox", "read_write")
READ_KEY = ApiKey("ck_readonly", "cs_readonly", "read")
KEYS = {k.consumer_key: k for k in (SHOP_KEY, READ_KEY)}


def golden_body(name):
    return json.loads((GOLDEN / f"{name}.json").read_text())["response"]["body"]


def make_request(method, url, headers=None, body=b""):
    """A Request exactly as the sandbox server builds it from the request line."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return Request(
        method=method,
        path=parts.path,
        query=dict(pairs),
        query_pairs=pairs,
        headers={k.lower(): v for k, v in (headers or {}).items()},
        body=body,
        host=parts.netloc,
    )


def auth(request, *, https=False, home=HOME, nonces=None, now=NOW):
    return authenticate(
        request,
        keys=KEYS,
        nonces=nonces if nonces is not None else NonceStore(),
        https=https,
        home_url=home,
        now=now,
    )


def refusal(request, **kwargs) -> AuthError:
    with pytest.raises(AuthError) as caught:
        auth(request, **kwargs)
    return caught.value


def signed_get(params=(), *, path=PRODUCTS, **sign_kwargs):
    sign_kwargs.setdefault("timestamp", NOW)
    signed = sign_oauth_query(
        "GET", HOME + path, list(params), "ck_sandbox", "cs_sandbox", **sign_kwargs
    )
    return make_request("GET", f"{HOME}{path}?{urlencode(signed)}")


def assert_refused(error, message, code="woocommerce_rest_authentication_error"):
    assert (error.status, error.code, error.message) == (401, code, message)
    assert error.body() == {"code": code, "message": message, "data": {"status": 401}}


# -- Independent signers ---------------------------------------------------------------------


def test_get_signed_by_the_official_woocommerce_client_verifies():
    url = f"{HOME}{PRODUCTS}?per_page=100&page=2&orderby=id&order=asc&status=any"
    oauth = OAuth(url, "ck_sandbox", "cs_sandbox", version="wc/v3", method="GET")
    oauth.timestamp = NOW
    request = make_request("GET", oauth.get_oauth_url())
    assert request.query["oauth_signature_method"] == "HMAC-SHA256"
    assert auth(request) is SHOP_KEY


def test_post_signed_by_the_official_woocommerce_client_verifies_with_unsigned_json_body():
    url = f"{HOME}/wp-json/wc/v3/products/categories"
    oauth = OAuth(url, "ck_sandbox", "cs_sandbox", version="wc/v3", method="POST")
    oauth.timestamp = NOW
    body = json.dumps({"name": "Káva", "parent": 0}).encode()
    request = make_request(
        "POST", oauth.get_oauth_url(), {"Content-Type": "application/json"}, body
    )
    assert auth(request) is SHOP_KEY


def test_official_client_signature_checks_the_secret():
    oauth = OAuth(f"{HOME}{PRODUCTS}?page=1", "ck_sandbox", "cs_other", version="wc/v3")
    oauth.timestamp = NOW
    error = refusal(make_request("GET", oauth.get_oauth_url()))
    assert_refused(error, "Invalid signature - provided signature does not match.")


def test_query_signed_by_oauthlib_hmac_sha1_verifies():
    client = oauth1.Client(
        "ck_sandbox",
        client_secret="cs_sandbox",
        signature_method=oauth1.SIGNATURE_HMAC_SHA1,
        signature_type=oauth1.SIGNATURE_TYPE_QUERY,
        timestamp=str(NOW),
        nonce="oauthlibnonce123",
    )
    uri, _headers, _body = client.sign(f"{HOME}{PRODUCTS}?per_page=10&search=k%C3%A1va", "GET")
    request = make_request("GET", uri)
    assert request.query["oauth_version"] == "1.0"  # signed like any other parameter
    assert auth(request) is SHOP_KEY


def test_authorization_header_and_form_body_signed_by_oauthlib_verify():
    client = oauth1.Client(
        "ck_sandbox", client_secret="cs_sandbox", timestamp=str(NOW), nonce="headernonce42"
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    uri, headers, body = client.sign(
        f"{HOME}/wp-json/wc/v3/orders/17/notes",
        "POST",
        body="note=Zaplaten%C3%A9+%2F+OK",
        headers=form,
    )
    assert headers["Authorization"].startswith("OAuth ")
    request = make_request("POST", uri, headers, body.encode())
    assert auth(request) is SHOP_KEY


def test_form_body_of_a_put_is_not_seen_so_its_signature_fails():
    # PHP fills $_POST for POST only; oauthlib signs the PUT's form fields, the shop does not.
    client = oauth1.Client("ck_sandbox", client_secret="cs_sandbox", timestamp=str(NOW))
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    uri, headers, body = client.sign(f"{HOME}{PRODUCTS}/5", "PUT", body="name=X", headers=form)
    error = refusal(make_request("PUT", uri, headers, body.encode()))
    assert_refused(error, "Invalid signature - provided signature does not match.")


# -- The base string, written out by hand -----------------------------------------------------


def test_php_array_params_are_signed_with_numeric_indexes():
    # include[]=7&include[]=9 is signed as include[0]=7, include[1]=9 (escaped twice).
    params = [("include[]", "7"), ("include[]", "9"), ("per_page", "5")]
    oauth = {
        "oauth_consumer_key": "ck_sandbox",
        "oauth_nonce": "n1",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(NOW),
    }
    expected_base = (
        "GET&http%3A%2F%2F127.0.0.1%3A8001%2Fwp-json%2Fwc%2Fv3%2Fproducts&"
        "include%255B0%255D%3D7%26include%255B1%255D%3D9%26oauth_consumer_key%3Dck_sandbox"
        f"%26oauth_nonce%3Dn1%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D{NOW}"
        "%26per_page%3D5"
    )
    assert string_to_sign("GET", HOME + PRODUCTS, php_parse(params + list(oauth.items()))) == (
        expected_base
    )
    digest = hmac.new(b"cs_sandbox&", expected_base.encode(), hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode()
    query = urlencode(params + list(oauth.items()) + [("oauth_signature", signature)])
    assert auth(make_request("GET", f"{HOME}{PRODUCTS}?{query}")) is SHOP_KEY


def test_generic_signature_of_array_params_fails():
    client = oauth1.Client(
        "ck_sandbox",
        client_secret="cs_sandbox",
        signature_type=oauth1.SIGNATURE_TYPE_QUERY,
        timestamp=str(NOW),
    )
    uri, _h, _b = client.sign(f"{HOME}{PRODUCTS}?include%5B%5D=7&include%5B%5D=9", "GET")
    error = refusal(make_request("GET", uri))
    assert_refused(error, "Invalid signature - provided signature does not match.")


def test_base_string_uses_the_configured_home_url_not_the_host_header():
    request = signed_get([("page", "1")])
    request.host = "evil.example:9999"
    request.headers["host"] = "evil.example:9999"
    assert auth(request) is SHOP_KEY
    # The same request checked by a shop whose home URL differs fails.
    assert_refused(
        refusal(request, home="http://localhost:8001"),
        "Invalid signature - provided signature does not match.",
    )


def test_sha1_and_sha256_are_accepted():
    assert auth(signed_get(algo="HMAC-SHA1")) is SHOP_KEY
    assert auth(signed_get(algo="HMAC-SHA256")) is SHOP_KEY


# -- OAuth refusals ----------------------------------------------------------------------------


def test_wrong_secret():
    signed = sign_oauth_query("GET", HOME + PRODUCTS, [], "ck_sandbox", "nope", timestamp=NOW)
    error = refusal(make_request("GET", f"{HOME}{PRODUCTS}?{urlencode(signed)}"))
    assert_refused(error, "Invalid signature - provided signature does not match.")
    assert error.headers == {}


def test_unknown_key_is_refused_before_the_signature_is_looked_at():
    signed = sign_oauth_query("GET", HOME + PRODUCTS, [], "ck_unknown", "x", algo="HMAC-MD5")
    error = refusal(make_request("GET", f"{HOME}{PRODUCTS}?{urlencode(signed)}"))
    assert_refused(error, "Consumer key is invalid.")


def test_tampered_param():
    request = signed_get([("per_page", "10")])
    request.query_pairs = [(k, "100" if k == "per_page" else v) for k, v in request.query_pairs]
    assert_refused(refusal(request), "Invalid signature - provided signature does not match.")


def test_old_and_future_timestamps():
    assert auth(signed_get(timestamp=NOW - 900)) is SHOP_KEY
    assert auth(signed_get(timestamp=NOW + 900)) is SHOP_KEY
    assert_refused(refusal(signed_get(timestamp=NOW - 901)), "Invalid timestamp.")
    assert_refused(refusal(signed_get(timestamp=NOW + 901)), "Invalid timestamp.")


def test_signature_is_checked_before_the_timestamp():
    request = signed_get(timestamp=NOW - 5000)
    request.query_pairs.append(("page", "2"))
    assert_refused(refusal(request), "Invalid signature - provided signature does not match.")


def test_reused_nonce():
    nonces = NonceStore()
    assert auth(signed_get(nonce="abc123"), nonces=nonces) is SHOP_KEY
    again = signed_get([("page", "2")], nonce="abc123", timestamp=NOW + 1)
    assert_refused(
        refusal(again, nonces=nonces, now=NOW + 1), "Invalid nonce - nonce has already been used."
    )
    # Another key has its own nonces.
    other = sign_oauth_query(
        "GET", HOME + PRODUCTS, [], "ck_readonly", "cs_readonly", nonce="abc123", timestamp=NOW
    )
    assert auth(make_request("GET", f"{HOME}{PRODUCTS}?{urlencode(other)}"), nonces=nonces) is (
        READ_KEY
    )


def test_nonces_are_kept_by_timestamp_and_pruned_after_15_minutes():
    nonces = NonceStore()
    auth(signed_get(nonce="first"), nonces=nonces)
    # Same timestamp: the second nonce replaces the first, which can then be used again.
    auth(signed_get(nonce="second"), nonces=nonces)
    assert nonces.used("ck_sandbox") == {NOW: "second"}
    assert auth(signed_get([("page", "3")], nonce="first"), nonces=nonces) is SHOP_KEY
    # A later request prunes entries older than 15 minutes.
    later = NOW + 901
    auth(signed_get(nonce="third", timestamp=later), nonces=nonces, now=later)
    assert nonces.used("ck_sandbox") == {later: "third"}


def test_missing_one_oauth_param():
    signed = [(k, v) for k, v in signed_get().query_pairs if k != "oauth_nonce"]
    error = refusal(make_request("GET", f"{HOME}{PRODUCTS}?{urlencode(signed)}"))
    assert_refused(
        error,
        "Missing OAuth parameter oauth_nonce",
        code="woocommerce_rest_authentication_missing_parameter",
    )


def test_missing_two_oauth_params_and_a_zero_counts_as_missing():
    signed = [
        (k, "0" if k == "oauth_timestamp" else v)
        for k, v in signed_get().query_pairs
        if k != "oauth_signature"
    ]
    error = refusal(make_request("GET", f"{HOME}{PRODUCTS}?{urlencode(signed)}"))
    assert_refused(
        error,
        "Missing OAuth parameters oauth_timestamp, oauth_signature",
        code="woocommerce_rest_authentication_missing_parameter",
    )


def test_bad_signature_method():
    error = refusal(signed_get(algo="HMAC-MD5"))
    assert_refused(error, "Invalid signature - signature method is invalid.")


def test_header_params_override_query_params():
    signed = dict(signed_get().query_pairs)
    header = f'OAuth oauth_signature="{signed["oauth_signature"]}"'
    signed["oauth_signature"] = "garbage"
    request = make_request(
        "GET", f"{HOME}{PRODUCTS}?{urlencode(signed)}", {"Authorization": header}
    )
    assert auth(request) is SHOP_KEY


def test_no_credentials_is_anonymous():
    assert auth(make_request("GET", f"{HOME}{PRODUCTS}?per_page=5")) is None


def test_routes_outside_woocommerce_are_not_checked():
    request = make_request("GET", f"{HOME}/wp-json/wp/v2/posts?oauth_consumer_key=ck_x")
    assert auth(request) is None


# -- Basic auth and query ck/cs ----------------------------------------------------------------


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_https_basic_header_works():
    request = make_request("GET", f"{SECURE_HOME}{PRODUCTS}", basic("ck_sandbox", "cs_sandbox"))
    assert auth(request, https=True, home=SECURE_HOME) is SHOP_KEY


def test_https_query_ck_cs_works_and_wins_over_the_header():
    query = urlencode({"consumer_key": "ck_readonly", "consumer_secret": "cs_readonly"})
    request = make_request(
        "GET", f"{SECURE_HOME}{PRODUCTS}?{query}", basic("ck_sandbox", "cs_sandbox")
    )
    assert auth(request, https=True, home=SECURE_HOME) is READ_KEY


def test_https_basic_wrong_secret_matches_the_golden_answer():
    request = make_request("GET", f"{SECURE_HOME}{PRODUCTS}", basic("ck_sandbox", "wrong"))
    error = refusal(request, https=True, home=SECURE_HOME)
    assert error.status == 401
    assert error.body() == golden_body("products-list-wrong-secret")
    assert error.headers == {}


def test_https_basic_unknown_key_is_anonymous():
    request = make_request("GET", f"{SECURE_HOME}{PRODUCTS}", basic("ck_unknown", "x"))
    assert auth(request, https=True, home=SECURE_HOME) is None


def test_https_basic_wrong_secret_stays_refused_even_with_a_good_oauth_signature():
    signed = sign_oauth_query(
        "GET", SECURE_HOME + PRODUCTS, [], "ck_sandbox", "cs_sandbox", timestamp=NOW
    )
    request = make_request(
        "GET", f"{SECURE_HOME}{PRODUCTS}?{urlencode(signed)}", basic("ck_sandbox", "wrong")
    )
    error = refusal(request, https=True, home=SECURE_HOME)
    assert_refused(error, "Consumer secret is invalid.")


def test_oauth_also_works_over_https():
    signed = sign_oauth_query(
        "GET", SECURE_HOME + PRODUCTS, [], "ck_sandbox", "cs_sandbox", timestamp=NOW
    )
    request = make_request("GET", f"{SECURE_HOME}{PRODUCTS}?{urlencode(signed)}")
    assert auth(request, https=True, home=SECURE_HOME) is SHOP_KEY


@pytest.mark.parametrize(
    "request_",
    [
        make_request("GET", f"{HOME}{PRODUCTS}", basic("ck_sandbox", "cs_sandbox")),
        make_request("GET", f"{HOME}{PRODUCTS}?consumer_key=ck_sandbox&consumer_secret=cs_sandbox"),
    ],
    ids=["basic-header", "query-ck-cs"],
)
def test_basic_and_query_credentials_over_http_are_ignored(request_):
    key = auth(request_, https=False)
    assert key is None
    with pytest.raises(AuthError) as caught:
        check_permission(key, "GET", path=PRODUCTS)
    assert caught.value.status == 401
    assert caught.value.body() == golden_body("products-list-http-basic-auth")


# -- Key permissions and anonymous refusals ----------------------------------------------------


def test_read_only_key_refused_a_post():
    with pytest.raises(AuthError) as caught:
        check_permission(READ_KEY, "POST")
    assert_refused(caught.value, "The API key provided does not have write permissions.")
    check_permission(READ_KEY, "GET")
    check_permission(READ_KEY, "OPTIONS")


def test_write_only_key_refused_a_get_and_unknown_methods_refused():
    write_only = ApiKey("ck_w", "cs_w", "write")
    with pytest.raises(AuthError) as caught:
        check_permission(write_only, "HEAD")
    assert_refused(caught.value, "The API key provided does not have read permissions.")
    with pytest.raises(AuthError) as caught:
        check_permission(SHOP_KEY, "TRACE")
    assert_refused(caught.value, "Unknown request method.")
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        check_permission(SHOP_KEY, method)


@pytest.mark.parametrize(
    ("method", "path", "code", "message"),
    [
        ("GET", PRODUCTS, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
        (
            "GET",
            PRODUCTS + "/5",
            "woocommerce_rest_cannot_view",
            "Sorry, you cannot view this resource.",
        ),
        (
            "POST",
            PRODUCTS,
            "woocommerce_rest_cannot_create",
            "Sorry, you are not allowed to create resources.",
        ),
        (
            "PUT",
            PRODUCTS + "/5",
            "woocommerce_rest_cannot_edit",
            "Sorry, you are not allowed to edit this resource.",
        ),
        (
            "DELETE",
            PRODUCTS + "/5",
            "woocommerce_rest_cannot_delete",
            "Sorry, you are not allowed to delete this resource.",
        ),
        (
            "POST",
            PRODUCTS + "/batch",
            "woocommerce_rest_cannot_batch",
            "Sorry, you are not allowed to batch manipulate this resource.",
        ),
    ],
)
def test_anonymous_refusals(method, path, code, message):
    with pytest.raises(AuthError) as caught:
        check_permission(None, method, path=path)
    assert_refused(caught.value, message, code=code)


def test_anonymous_options_is_allowed():
    check_permission(None, "OPTIONS", path=PRODUCTS)
