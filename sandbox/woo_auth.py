"""How the simulated WooCommerce shop decides who sent a request: basic auth over HTTPS and
OAuth 1.0a one-legged signatures, with the same checks, order and error texts as WooCommerce.

WooCommerce's PHP reads parameters through PHP's `$_GET`/`$_POST` parsing (arrays from `a[]`,
numeric keys, last value wins), so that parsing is modelled here too: a signature only matches
when both sides saw the same parameters. Assumed store setup: no WordPress application
passwords in use (a fresh shop), so WordPress adds no errors of its own to a failed key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote_plus, unquote_to_bytes, urlsplit

NONCE_WINDOW_SECONDS = 15 * 60
SIGNATURE_METHODS = ("HMAC-SHA1", "HMAC-SHA256")
REQUIRED_OAUTH_PARAMS = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
REST_PREFIX = "wp-json"

# PHP's limits on request variables (php.ini defaults).
_MAX_INPUT_VARS = 1000
_MAX_NESTING_LEVEL = 64


@dataclass
class ApiKey:
    consumer_key: str
    consumer_secret: str
    permissions: str  # "read" | "write" | "read_write"


class AuthError(Exception):
    """A refusal as WooCommerce words it; `body()` is the JSON the shop answers with."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        # WooCommerce only adds `WWW-Authenticate: Basic ...` when its last attempt was basic
        # auth, but a failed basic auth is always followed by an OAuth attempt, which changes
        # the attempt kind; so in practice no extra header is sent.
        self.headers = dict(headers or {})

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "data": {"status": self.status}}

    def __repr__(self) -> str:
        return f"AuthError({self.status}, {self.code!r}, {self.message!r})"


def _auth_error(message: str) -> AuthError:
    return AuthError(401, "woocommerce_rest_authentication_error", message)


# -- PHP's view of the request ---------------------------------------------------------------

_CANONICAL_INT = re.compile(r"-?[1-9][0-9]*|0")
_PHP_NUMERIC = re.compile(
    r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*"
)
_PHP_TRIM = " \t\n\r\0\x0b"


def _php_key(name):
    """A PHP array key: decimal integer strings become ints, like PHP does."""
    if isinstance(name, str) and _CANONICAL_INT.fullmatch(name):
        number = int(name)
        if -(2**63) <= number < 2**63:
            return number
    return name


def _next_index(table: dict) -> int:
    return max((k + 1 for k in table if isinstance(k, int)), default=0)


def _php_empty(value) -> bool:
    return value is None or value == "" or value == "0" or value == {}


def _php_truthy(value) -> bool:
    return not (value is None or value == "" or value == "0" or value == 0 or value == {})


def _register(table: dict, name: str, value: str) -> None:
    """Store one `name=value` the way PHP fills `$_GET`: `a[]`, `a[b][c]`, `a.b` -> `a_b`..."""
    name = name.split("\0", 1)[0].lstrip(" ")
    base_chars = []
    bracket = -1
    for position, char in enumerate(name):
        if char == "[":
            bracket = position
            break
        base_chars.append("_" if char in " ." else char)
    base = "".join(base_chars)
    if not base:
        return
    for prefix in ("__Host-", "__Secure-"):
        if base.startswith(prefix) and not name.startswith(prefix):
            return
    if bracket < 0:
        table[_php_key(base)] = value
        return

    rest = name[bracket:]  # starts at the first "["
    target, index, ip, level = table, base, 0, 0
    while True:
        level += 1
        if level > _MAX_NESTING_LEVEL:
            table.pop(_php_key(base), None)
            return
        ip += 1
        index_start = ip
        if ip < len(rest) and rest[ip] in " \t\n\r\v\f":
            ip += 1
        if ip < len(rest) and rest[ip] == "]":
            new_index = None
        else:
            close = rest.find("]", ip)
            if close < 0:
                # An unclosed "[" is not an index: at the top level it becomes part of the
                # name ("a[b" -> "a_b"); deeper down the rest is dropped.
                if level == 1:
                    tail = re.sub(r"[ .\[]", "_", rest[index_start:])
                    index = f"{base}_{tail}"
                break
            new_index = rest[index_start:close]
            ip = close
        if index is None:
            child: dict = {}
            target[_next_index(target)] = child
        else:
            key = _php_key(index)
            child = target.get(key)
            if not isinstance(child, dict):
                child = {}
                target[key] = child
        target, index = child, new_index
        ip += 1
        if not (ip < len(rest) and rest[ip] == "["):
            break
    if index is None:
        target[_next_index(target)] = value
    else:
        target[_php_key(index)] = value


def php_parse(pairs, limit: int = _MAX_INPUT_VARS) -> dict:
    """Decoded `(name, value)` pairs -> the array PHP builds from them."""
    table: dict = {}
    for name, value in list(pairs)[:limit]:
        _register(table, name, value)
    return table


def _array_merge(*arrays: dict) -> dict:
    """PHP's array_merge: string keys overwrite, integer keys are renumbered and appended."""
    merged: dict = {}
    counter = 0
    for array in arrays:
        for key, value in array.items():
            if isinstance(key, int):
                merged[counter] = value
                counter += 1
            else:
                merged[key] = value
    return merged


def _php_compare(value, number: int) -> int:
    """PHP 8's `value <=> number` for a request value (string, array) and an int."""
    if isinstance(value, dict):
        return 1  # an array is always greater than a number
    if isinstance(value, int):
        return (value > number) - (value < number)
    text = str(value)
    if _PHP_NUMERIC.fullmatch(text):
        stripped = text.strip(" \t\n\r\v\f")
        parsed = float(stripped) if re.search(r"[.eE]", stripped) else int(stripped)
        if isinstance(parsed, float):
            number = float(number)
        return (parsed > number) - (parsed < number)
    # Non-numeric strings are compared with the number's digits, byte by byte.
    left, right = text.encode("utf-8", "surrogateescape"), str(number).encode()
    return (left > right) - (left < right)


def _sanitize_text_field(value) -> str:
    """WordPress's sanitize_text_field, as far as it matters for a consumer key."""
    if not isinstance(value, str):
        return ""
    if "<" in value:
        value = re.sub(r"<[^>]*>", "", value)
    value = re.sub(r"[\r\n\t ]+", " ", value).strip(_PHP_TRIM)
    found = False
    while match := re.search(r"%[a-fA-F0-9]{2}", value):
        value = value.replace(match.group(0), "")
        found = True
    if found:
        value = re.sub(r" +", " ", value).strip(_PHP_TRIM)
    return value


def _form_pairs(request) -> list[tuple[str, str]]:
    """`$_POST`: PHP fills it for POST requests with a form-encoded body only."""
    if request.method.upper() != "POST":
        return []
    mime = re.split(r"[;, ]", request.headers.get("content-type", ""), maxsplit=1)[0].lower()
    if mime != "application/x-www-form-urlencoded" or not request.body:
        return []
    return parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)


def _query_pairs(request) -> list[tuple[str, str]]:
    return list(request.query_pairs) or list((request.query or {}).items())


# -- Which requests WooCommerce authenticates --------------------------------------------------


def _home_path(home_url: str) -> str:
    return urlsplit(home_url).path.strip("/")


def is_woocommerce_route(path: str, get_params: dict, home_url: str) -> bool:
    """Only `wc/...` and `wc-...` REST routes go through WooCommerce's key checks."""
    route = get_params.get("rest_route")
    if isinstance(route, str):
        route = route.strip("/")
    else:
        route = path.strip("/")
        home = _home_path(home_url)
        if home and route.lower().startswith(home.lower()):
            route = route[len(home) :].strip("/")
        if route.startswith("index.php/"):
            route = route[len("index.php/") :]
        if not route.startswith(REST_PREFIX + "/"):
            return False
        route = route[len(REST_PREFIX) + 1 :].strip("/")
    return route.startswith("wc/") or route.startswith("wc-")


# -- OAuth 1.0a as WooCommerce computes it -----------------------------------------------------


def rawurlencode(text) -> str:
    """PHP's rawurlencode (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are)."""
    return quote(str(text), safe="-_.~")


def signed_url(home_url: str, request_path: str, https: bool) -> str:
    """The URL WooCommerce signs: the configured home URL (scheme switched to the request's)
    plus the request path below the home path; the Host header plays no part."""
    home = home_url.rstrip("/")
    home_base = "/" + (_home_path(home) + "/" if _home_path(home) else "")
    path = request_path
    if path.startswith(home_base):
        path = path[len(home_base) :]
    url = re.sub(r"^\w+://", ("https" if https else "http") + "://", home)
    if _php_truthy(path):
        url += "/" + path.lstrip("/")
    return url


def _encode_values(value):
    if isinstance(value, dict):
        return {k: _encode_values(v) for k, v in value.items()}
    return rawurlencode(value)


def _join_pairs(params: dict, parent="") -> list[str]:
    pieces = []
    for key, value in params.items():
        key = str(key)
        # Nested keys are added raw (encoded once, by the outer encoding below), and a parent
        # key of "0" counts as no parent at all: both are WooCommerce's own behaviour.
        if _php_truthy(parent):
            key = f"{parent}%5B{key}%5D"
        if isinstance(value, dict):
            pieces.extend(_join_pairs(value, key))
        else:
            pieces.append(rawurlencode(f"{key}={value}"))
    return pieces


def string_to_sign(method: str, url: str, params: dict) -> str:
    """The OAuth base string from PHP-parsed parameters (without `oauth_signature`)."""
    ordered = sorted(params.items(), key=lambda item: str(item[0]).encode("utf-8"))
    normalized = {rawurlencode(k): _encode_values(v) for k, v in ordered}
    return "&".join([method.upper(), rawurlencode(url), "%26".join(_join_pairs(normalized))])


def _signature(algo_name: str, base_string: str, secret: str) -> str:
    digest = hmac.new(
        (secret + "&").encode("utf-8"), base_string.encode("utf-8"), algo_name
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def _parse_oauth_header(header: str) -> dict:
    if not header.startswith("OAuth "):
        return {}
    params = {}
    for match in re.finditer(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))', header):
        quoted, bare = match.group(3) or "", match.group(4) or ""
        params[match.group(1)] = unquote_plus(bare if _php_empty(quoted) else quoted)
    return params


def _oauth_parameters(request, get_params: dict) -> dict:
    """All parameters OAuth sees; {} when the request does not try OAuth at all.
    Raises the missing-parameter error when it tries but leaves some out."""
    post_params = php_parse(_form_pairs(request), limit=_MAX_INPUT_VARS + 1)
    params = _array_merge(get_params, post_params)
    header = request.headers.get("authorization", "").strip(_PHP_TRIM)
    if header:
        params = _array_merge(params, _parse_oauth_header(header))
    missing = [name for name in REQUIRED_OAUTH_PARAMS if _php_empty(params.get(name))]
    if len(missing) == len(REQUIRED_OAUTH_PARAMS):
        return {}
    if missing:
        label = "parameter" if len(missing) == 1 else "parameters"
        raise AuthError(
            401,
            "woocommerce_rest_authentication_missing_parameter",
            f"Missing OAuth {label} {', '.join(missing)}",
        )
    return params


def _check_signature(request, key: ApiKey, params: dict, https: bool, home_url: str) -> None:
    provided = params["oauth_signature"]
    if not isinstance(provided, str):
        # PHP dies on a TypeError here; WordPress answers with its generic fatal error page.
        raise AuthError(
            500, "internal_server_error", "There has been a critical error on this website."
        )
    provided_bytes = unquote_to_bytes(provided.replace(" ", "+"))
    unsigned = {k: v for k, v in params.items() if k != "oauth_signature"}
    url = signed_url(home_url, request.path, https)
    base_string = string_to_sign(request.method, url, unsigned)
    method = unsigned["oauth_signature_method"]
    if method not in SIGNATURE_METHODS:
        raise _auth_error("Invalid signature - signature method is invalid.")
    expected = _signature(method.removeprefix("HMAC-").lower(), base_string, key.consumer_secret)
    if not hmac.compare_digest(expected.encode("ascii"), provided_bytes):
        raise _auth_error("Invalid signature - provided signature does not match.")


class NonceStore:
    """Used nonces per consumer key, as WooCommerce keeps them: a map {timestamp: nonce}, so a
    second request with the same timestamp replaces the first one's nonce; entries older than
    15 minutes are dropped, but only when a request passes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_key: dict[str, dict] = {}

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()

    def used(self, consumer_key: str) -> dict:
        with self._lock:
            return dict(self._by_key.get(consumer_key, {}))

    def check_and_remember(self, consumer_key: str, timestamp, nonce, now: int) -> None:
        """Refuses a timestamp outside ±15 minutes or a nonce already in the map."""
        if (
            _php_compare(timestamp, now - NONCE_WINDOW_SECONDS) < 0
            or _php_compare(timestamp, now + NONCE_WINDOW_SECONDS) > 0
        ):
            raise _auth_error("Invalid timestamp.")
        with self._lock:
            used = dict(self._by_key.get(consumer_key, {}))
            if any(type(seen) is type(nonce) and seen == nonce for seen in used.values()):
                raise _auth_error("Invalid nonce - nonce has already been used.")
            used[_php_key(timestamp)] = nonce
            self._by_key[consumer_key] = {
                stamp: seen
                for stamp, seen in used.items()
                if _php_compare(stamp, now - NONCE_WINDOW_SECONDS) >= 0
            }


def _find_key(keys: dict[str, ApiKey], consumer_key) -> ApiKey | None:
    wanted = _sanitize_text_field(consumer_key)
    if not wanted:
        return None
    found = keys.get(wanted)
    if found is None:
        found = next((k for k in keys.values() if k.consumer_key == wanted), None)
    return found


def _oauth(request, get_params, keys, nonces, https, home_url, now) -> ApiKey | None:
    params = _oauth_parameters(request, get_params)
    if not params:
        return None
    key = _find_key(keys, params["oauth_consumer_key"])
    if key is None:
        raise _auth_error("Consumer key is invalid.")
    _check_signature(request, key, params, https, home_url)
    nonces.check_and_remember(
        key.consumer_key, params["oauth_timestamp"], params["oauth_nonce"], now
    )
    return key


# -- Basic auth (HTTPS only) -------------------------------------------------------------------


def _basic_credentials(request, get_params: dict) -> tuple[object, object]:
    """Query consumer_key/consumer_secret first, else the Basic Authorization header."""
    key, secret = "", ""
    if not _php_empty(get_params.get("consumer_key")) and not _php_empty(
        get_params.get("consumer_secret")
    ):
        key, secret = get_params["consumer_key"], get_params["consumer_secret"]
    if not _php_truthy(key):
        user, password = _php_auth_user_pw(request.headers.get("authorization", ""))
        if not _php_empty(user) and not _php_empty(password):
            key, secret = user, password
    return key, secret


def _php_auth_user_pw(header: str) -> tuple[str | None, str | None]:
    """PHP_AUTH_USER / PHP_AUTH_PW as PHP derives them from `Authorization: Basic ...`."""
    if not header[:6].lower() == "basic ":
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip() + "==", validate=False)
    except (binascii.Error, ValueError):
        return None, None
    text = decoded.decode("utf-8", "surrogateescape").split("\0", 1)[0]
    if ":" not in text:
        return None, None
    user, password = text.split(":", 1)
    return user, password


def _basic(request, get_params, keys) -> tuple[ApiKey | None, AuthError | None]:
    consumer_key, consumer_secret = _basic_credentials(request, get_params)
    if not _php_truthy(consumer_key) or not _php_truthy(consumer_secret):
        return None, None
    key = _find_key(keys, consumer_key)
    if key is None:
        # No error: the request simply stays anonymous and meets the permission checks.
        return None, None
    if not isinstance(consumer_secret, str) or not hmac.compare_digest(
        key.consumer_secret.encode("utf-8"), consumer_secret.encode("utf-8", "surrogateescape")
    ):
        return None, _auth_error("Consumer secret is invalid.")
    return key, None


# -- The two entry points ----------------------------------------------------------------------


def authenticate(
    request,
    *,
    keys: dict[str, ApiKey],
    nonces: NonceStore,
    https: bool,
    home_url: str,
    now: float | None = None,
) -> ApiKey | None:
    """Returns the key the request authenticates with, None for an anonymous request,
    raises AuthError for bad or missing credentials. `home_url` is the shop's configured home
    URL (e.g. "http://127.0.0.1:8001"); the OAuth base string uses it, not the Host header."""
    clock = int(time.time() if now is None else now)
    get_params = php_parse(_query_pairs(request))
    if not is_woocommerce_route(request.path, get_params, home_url):
        return None
    basic_error = None
    if https:
        key, basic_error = _basic(request, get_params, keys)
        if key is not None:
            return key
    # OAuth is always tried next, even over HTTPS; an OAuth error replaces a basic-auth one,
    # but a basic-auth error stays in force even when the OAuth signature then checks out.
    key = _oauth(request, get_params, keys, nonces, https, home_url, clock)
    if basic_error is not None:
        raise basic_error
    return key


_ANONYMOUS_REFUSALS = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "view": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "delete": (
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    ),
    "batch": (
        "woocommerce_rest_cannot_batch",
        "Sorry, you are not allowed to batch manipulate this resource.",
    ),
}


def _anonymous_action(method: str, path: str | None, item: bool | None) -> str | None:
    segments = [s for s in (path or "").split("/") if s]
    if item is None:
        item = bool(segments) and segments[-1].isdigit()
    is_batch = bool(segments) and segments[-1] == "batch"
    if method in ("GET", "HEAD"):
        return "view" if item else "list"
    if method in ("POST", "PUT", "PATCH"):
        if is_batch:
            return "batch"
        return "edit" if (item or method != "POST") else "create"
    if method == "DELETE":
        return "delete"
    return None  # OPTIONS and unknown methods never reach a permission callback


def check_permission(
    key: ApiKey | None, method: str, *, path: str | None = None, item: bool | None = None
) -> None:
    """Raises AuthError as WooCommerce does: a key without read/write permission for the
    method (401 woocommerce_rest_authentication_error), and for an anonymous request the 401
    of the endpoint's permission callback. `path` (optional) tells a list from one item
    (numeric last segment) and a batch; `item` overrides the item guess."""
    method = method.upper()
    if key is not None:
        permissions = key.permissions
        if method in ("GET", "HEAD"):
            if permissions not in ("read", "read_write"):
                raise _auth_error("The API key provided does not have read permissions.")
        elif method in ("POST", "PUT", "PATCH", "DELETE"):
            if permissions not in ("write", "read_write"):
                raise _auth_error("The API key provided does not have write permissions.")
        elif method != "OPTIONS":
            raise _auth_error("Unknown request method.")
        return
    action = _anonymous_action(method, path, item)
    if action is not None:
        code, message = _ANONYMOUS_REFUSALS[action]
        raise AuthError(401, code, message)


# -- A signer for tests ------------------------------------------------------------------------


def sign_oauth_query(
    method: str,
    url: str,
    params,
    key: str,
    secret: str,
    *,
    algo: str = "HMAC-SHA256",
    timestamp: int | str | None = None,
    nonce: str | None = None,
) -> list[tuple[str, str]]:
    """`params` (pairs or a dict, query or form) plus the oauth_* ones, signed the way
    WooCommerce checks them. `url` is scheme, host and path without a query. `algo` may be
    any "HMAC-<hashlib name>" so tests can send a method the shop refuses."""
    if urlsplit(url).query:
        raise ValueError("pass the query parameters in `params`, not in the url")
    pairs = list(params.items()) if isinstance(params, dict) else list(params)
    pairs = [(str(k), str(v)) for k, v in pairs]
    oauth = [
        ("oauth_consumer_key", key),
        ("oauth_nonce", nonce if nonce is not None else secrets.token_hex(16)),
        ("oauth_signature_method", algo),
        ("oauth_timestamp", str(int(time.time()) if timestamp is None else timestamp)),
    ]
    signed = pairs + oauth
    if not algo.startswith("HMAC-") or algo[5:].lower() not in hashlib.algorithms_available:
        raise ValueError(f"cannot sign with {algo!r}")
    base_string = string_to_sign(method, url.split("#", 1)[0], php_parse(signed))
    return signed + [("oauth_signature", _signature(algo[5:].lower(), base_string, secret))]
