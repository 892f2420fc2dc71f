"""What the WooCommerce and FLOWii adapters share: one pooled HTTP session per remote system,
timeouts, retries with backoff and Retry-After, and errors an operator can read.

Nothing a remote sends can hold the connector: every answer is read in chunks under a size cap
and a total-time cap, and no redirect to another host is followed (the credentials in the
headers would go with it).

Plain Python (no Django): the sync engine, the admin and the benchmark all use it.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import SSLError as Urllib3SSLError

log = logging.getLogger("connector.http")

# At DEBUG these libraries log signed URLs, OAuth parameters and request headers, which carry
# the consumer key, signatures and tokens: keep them at WARNING whatever the root level is.
for _chatty in ("oauthlib", "requests_oauthlib", "urllib3"):
    if logging.getLogger(_chatty).level in (logging.NOTSET, logging.DEBUG, logging.INFO):
        logging.getLogger(_chatty).setLevel(logging.WARNING)

# Query parameter and header names whose values never leave this module in words.
SECRET_NAMES = (
    "password",
    "api_key",
    "apikey",
    "api-key",
    "consumer_key",
    "consumer_secret",
    "oauth_consumer_key",
    "oauth_signature",
    "oauth_nonce",
    "access_token",
    "token",
    "secret",
    "authorization",
)
HEADER_NAMES = ("authorization", "api-key", "apikey", "x-api-key")
# `name=value` as in query strings and forms; `Name: value` only for header names, so prose
# such as "the secret: ..." keeps its words.
_SECRET_PAIR = re.compile(
    r"(?i)\b(" + "|".join(re.escape(n) for n in SECRET_NAMES) + r")(\s*=\s*)([^&\s,;\"']+)"
)
_SECRET_HEADER = re.compile(
    r"(?i)\b(" + "|".join(re.escape(n) for n in HEADER_NAMES) + r")(\s*:\s*)([^&\s,;\"']+)"
)
_AUTH_HEADER = re.compile(r"(?i)\b((?:bearer|basic|oauth)\s+)[^\s,;\"']+")
MASK = "***"

_NUMBER_WORDS = ("zero", "once", "twice", "three times", "four times", "five times")
_NUMBER_WORDS += ("six times", "seven times", "eight times", "nine times", "ten times")


def times(count: int) -> str:
    """'five times' for 5: reads better in an operator's message than '5x'."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else f"{count} times"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every known secret value and every `name=value` of a secret-looking
    parameter (query strings, headers) masked."""
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, str(text))
    text = _SECRET_PAIR.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    text = _SECRET_HEADER.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


# -- errors -------------------------------------------------------------------------------


class RemoteError(Exception):
    """A remote system did not do what was asked. `str()` is one sentence for an operator;
    the attributes are for code that decides what to do next."""

    def __init__(
        self,
        system: str,
        call: str,
        reason: str,
        *,
        status: int | None = None,
        code: str | None = None,
        body=None,
        message: str | None = None,
    ):
        self.system = system
        self.call = call
        self.reason = reason
        self.status = status
        self.code = code
        self.body = body
        self.message = message or self.default_message()
        super().__init__(self.message)

    def default_message(self) -> str:
        reason = self.reason.rstrip(". ")
        if self.code:
            return f"{self.system} refused {self.call}: {self.code} ({reason})."
        return f"{self.system} refused {self.call}: {reason}."

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        # The body stays out: it is the remote's text and is not needed to identify the error.
        return (
            f"{type(self).__name__}(system={self.system!r}, call={self.call!r}, "
            f"status={self.status!r}, code={self.code!r}, reason={self.reason!r})"
        )


# What the caller must do next decides the class of an error: every stream follows one rule.


class RecordRefused(RemoteError):
    """The remote refused this one record (400, 404, 409, 422): log it and go on; the record
    is tried again on the next run."""


class EndsRun(RemoteError):
    """No later record would fare better (credentials refused, no access, the remote down or
    throttling after every retry, answers that make no sense): the run ends, failed, and what
    it finished stays done."""


class AuthenticationError(EndsRun):
    """The credentials were refused (401 after a fresh login)."""


class AccessDenied(AuthenticationError):
    """403: the login is right but may not do this (a module's permission, another firm)."""


class NotFound(RecordRefused):
    """404: the address or the record does not exist."""


class Conflict(RecordRefused):
    """409: the record exists already."""


class ValidationError(RecordRefused):
    """400/422: the remote found the data wrong; `reason` says what."""


class _Described(EndsRun):
    def default_message(self) -> str:
        return f"{self.system} {self.reason.rstrip('. ')} ({self.call})."


class RateLimited(_Described):
    """429 still after the retry budget, or a wait asked for longer than we are willing to."""


class Unavailable(_Described):
    """No usable answer: 5xx after retries, timeouts, connection errors."""


class MalformedResponse(_Described):
    """An answer that is not the JSON expected: not JSON at all, the wrong shape, cut off."""


class RedirectRefused(_Described):
    """The remote sent us on to another host (or scheme or port). Never followed: the login
    headers would go there too. The address in Settings is probably out of date."""


class OutcomeUnknown(_Described):
    """A create was sent and no usable answer came back (a timeout, a dropped connection, a
    5xx, a cut-off body): the record may or may not exist now. Never repeated blindly; the
    caller settles it from what the remote shows."""


def ends_run(error: Exception) -> bool:
    """Whether `error` ends the run rather than failing one record."""
    return isinstance(error, EndsRun)


def error_class_for(status: int) -> type[RemoteError]:
    if status == 403:
        return AccessDenied
    if status == 401:
        return AuthenticationError
    if status == 404:
        return NotFound
    if status == 409:
        return Conflict
    if status in (400, 422):
        return ValidationError
    if status == 429:
        return RateLimited
    if status >= 500:
        return Unavailable
    return RemoteError


# -- answers ------------------------------------------------------------------------------


@dataclass
class Reply:
    """One answer: the status, the headers and the body parsed from JSON (None when empty)."""

    status: int
    headers: dict
    data: object


@dataclass
class ErrorDetails:
    """What a remote's error body says: its code, its words, and optionally a whole sentence
    that replaces the default message (used for wrong credentials)."""

    code: str | None = None
    reason: str | None = None
    message: str | None = None
    error_class: type[RemoteError] | None = None


ErrorParser = Callable[[int, object, str], ErrorDetails]


def _no_details(status: int, body, call: str) -> ErrorDetails:
    return ErrorDetails()


def encode_json(data, default: Callable | None = None) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=default).encode("utf-8")


class _Failure(Exception):
    """One failed attempt, with what the final error would be if no retry follows."""

    def __init__(
        self,
        error: RemoteError,
        retryable: bool,
        retry_after: float | None = None,
        sent_unsafely: bool = False,
    ):
        super().__init__(error.reason)
        self.error = error
        self.retryable = retryable
        self.retry_after = retry_after
        # A call that must not be repeated reached the remote, and its outcome is not known.
        self.sent_unsafely = sent_unsafely


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, moment.timestamp() - current)


def _looks_like_html(response: requests.Response, content: bytes) -> bool:
    content_type = response.headers.get("Content-Type", "").lower()
    if "html" in content_type:
        return True
    head = content[:200].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html")


def _status_words(response: requests.Response) -> str:
    reason = (response.reason or "").strip()
    return f"{response.status_code} {reason}".strip()


# When may a failed call be sent again?
# - Methods HTTP itself calls idempotent (GET, PUT, DELETE...): always; a repeat cannot do
#   anything twice.
# - A POST whose request never left (the connection could not be opened), or that was turned
#   away with 429 or 503 (the server says it did not carry it out, ASSUMED for FLOWii's 503 in
#   docs/flowii-api.md): always.
# - A POST that was SENT and then failed (timeout while waiting, dropped connection, a 500,
#   an answer cut off): the remote may have done it already, so it is repeated only when the
#   caller passes `idempotent=True`, i.e. knows a repeat is harmless. That holds for updates
#   (FLOWii's PATCH, WooCommerce batch updates: setting the same values twice leaves the same
#   record). It does not hold for a create (FLOWii has no idempotency and no external id;
#   a WooCommerce create, an order note): such a failure is an OutcomeUnknown, which the
#   caller settles from what the remote shows instead of sending it again.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
TURNED_AWAY = frozenset({429, 503})
# Only these are ever sent on to a redirect's target, and only on the same scheme, host and port.
FOLLOWS_REDIRECTS = frozenset({"GET", "HEAD"})
READ_CHUNK = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, the default port filled in, for comparing origins."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def _origin_words(url: str) -> str:
    """`scheme://host:port` of `url` and nothing more: its path and query may carry secrets."""
    scheme, host, port = _origin(url)
    if not host:
        return "an address without a host"
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + (f":{port}" if port else "")


def _size_words(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


class _BodyTooLarge(Exception):
    pass


class _BodyTooSlow(Exception):
    pass


class HttpClient:
    """One remote system's HTTP: a pooled `requests.Session`, timeouts, retries with
    exponential backoff and full jitter, Retry-After, typed errors without secrets."""

    def __init__(
        self,
        system: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_attempts: int = 5,
        max_total_sleep: float = 60.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 15.0,
        retry_after_cap: float = 60.0,
        throttle_budget: float = 600.0,
        max_throttled_attempts: int = 40,
        pool_size: int = 8,
        max_body_bytes: int = 20 * 1024 * 1024,
        max_answer_seconds: float = 120.0,
        max_redirects: int = 5,
        verify: bool | str = True,
        secrets: Iterable[str] = (),
        error_parser: ErrorParser | None = None,
        json_default: Callable | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        user_agent: str = "flowii-connector",
    ):
        if verify is False:
            raise ValueError("TLS certificate checks cannot be turned off; pass a CA bundle path")
        self.system = system
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        # One answer may be at most this big and take at most this long, headers and body
        # together (a body that never ends, or trickles in a byte at a time, cannot hold a run
        # or fill the memory); `max_redirects` same-host redirects of a GET are followed.
        self.max_body_bytes = int(max_body_bytes)
        self.max_answer_seconds = float(max_answer_seconds)
        self.max_redirects = max(0, int(max_redirects))
        self.max_attempts = max(1, int(max_attempts))
        self.max_total_sleep = max_total_sleep
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry_after_cap = retry_after_cap
        # A quota ("quota exceeded", 429) is waited out on a budget of its own: a per-minute
        # quota can refuse many calls in a row without anything being wrong.
        self.throttle_budget = throttle_budget
        self.max_throttled_attempts = max(1, int(max_throttled_attempts))
        self.secrets = tuple(s for s in secrets if s)
        self.error_parser = error_parser or _no_details
        self.json_default = json_default
        self.sleep = sleep
        self.jitter = jitter
        self._server_time = None
        # A DryRun (preview): set, every call that would change something is answered by it.
        self.dry_run: DryRun | None = None
        self.session = requests.Session()
        self.session.verify = verify
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept"] = "application/json"
        # Retries are ours (they need the budget, the log and the idempotency rule), so the
        # adapter itself never retries.
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def close(self) -> None:
        self.session.close()

    def __repr__(self) -> str:
        return f"HttpClient({self.system!r})"

    # -- the one entry point -------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        call: str,
        params=None,
        json=None,  # noqa: A002 - the name requests uses
        data=None,
        headers: dict | None = None,
        auth=None,
        idempotent: bool | None = None,
    ) -> Reply:
        """Sends one call, retrying what is safe to retry, and returns its Reply or raises
        a RemoteError subclass. `call` names it in messages ("GET products"); `idempotent`
        says that repeating a POST cannot do anything twice (see IDEMPOTENT_METHODS)."""
        method = method.upper()
        if self.dry_run is not None:
            # A preview: the adapter's rule answers what would change something, here.
            reply = self.dry_run.intercept(self, method, url, call, json)
            if reply is not None:
                return reply
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        body = encode_json(json, self.json_default) if json is not None else data
        headers = dict(headers or {})
        if json is not None:
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        slept = throttled_sleep = 0.0
        attempt = throttled = 0
        while True:
            try:
                return self._attempt(method, url, call, params, body, headers, auth, idempotent)
            except _Failure as failure:
                if isinstance(failure.error, RateLimited) and failure.retryable:
                    throttled += 1
                    if (
                        failure.retry_after is not None
                        and failure.retry_after > self.retry_after_cap
                    ):
                        raise self._too_long_wait(failure.error, failure.retry_after) from None
                    delay = self._throttle_delay(throttled, failure.retry_after)
                    if (
                        throttled >= self.max_throttled_attempts
                        or throttled_sleep + delay > self.throttle_budget
                    ):
                        raise self._final(failure, throttled) from None
                    self._say_retry(call, throttled, self.max_throttled_attempts, failure, delay)
                    self.sleep(delay)
                    throttled_sleep += delay
                    continue
                attempt += 1
                if not failure.retryable or attempt >= self.max_attempts:
                    raise self._final(failure, attempt) from None
                delay = self._delay(attempt, failure.retry_after)
                if delay is None:
                    raise self._too_long_wait(failure.error, failure.retry_after) from None
                if slept + delay > self.max_total_sleep:
                    if failure.retry_after is not None or slept >= self.max_total_sleep:
                        raise self._final(failure, attempt) from None
                    delay = self.max_total_sleep - slept
                self._say_retry(call, attempt, self.max_attempts, failure, delay)
                self.sleep(delay)
                slept += delay

    def _say_retry(self, call, attempt, of, failure, delay) -> None:
        log.warning(
            "%s %s: attempt %d of %d failed (%s); retrying in %.1f s",
            self.system,
            call,
            attempt,
            of,
            failure.error.reason,
            delay,
        )

    def _throttle_delay(self, throttled: int, retry_after: float | None) -> float:
        """How long to wait after the remote's n-th "slow down": what it asks (capped at a
        minute, the longest a per-minute quota needs), else a growing wait of up to a minute,
        jittered in its upper half so many workers do not come back at once."""
        if retry_after is not None:
            return min(retry_after, 60.0)
        ceiling = min(60.0, self.backoff_base * (2 ** (throttled - 1)))
        return ceiling * (0.5 + self.jitter() / 2)

    # -- one attempt ----------------------------------------------------------------------
    def _attempt(self, method, url, call, params, body, headers, auth, idempotent) -> Reply:
        """One attempt, following same-host redirects of a GET by hand: requests would follow
        any redirect and send our own headers (the FLOWii `Api-Key`) to whatever host it
        names."""
        target, target_params = url, params
        for _hop in range(self.max_redirects + 1):
            response, content = self._exchange(
                method, target, call, target_params, body, headers, auth, idempotent
            )
            if not response.is_redirect:
                return self._read(response, content, call, idempotent)
            here = response.url or target
            there = urljoin(here, response.headers["Location"])
            if _origin(there) != _origin(here):
                raise _Failure(
                    self._error(
                        RedirectRefused,
                        call,
                        f"sent us on to another address ({_origin_words(there)}, from "
                        f"{_origin_words(here)}), which the connector never follows: check "
                        "the address in Settings",
                        status=response.status_code,
                    ),
                    retryable=False,
                )
            if method not in FOLLOWS_REDIRECTS:
                # A create is never sent twice, not even to the same host: as before.
                return self._read(response, content, call, idempotent)
            target, target_params = there, None  # the Location carries the query
        raise _Failure(
            self._error(
                MalformedResponse,
                call,
                f"sent us on to another page more than {self.max_redirects} times",
            ),
            retryable=False,
        )

    def _exchange(self, method, url, call, params, body, headers, auth, idempotent):
        """Sends one request and reads its answer under the caps: (response, body bytes)."""
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=body,
                headers=headers,
                auth=auth,
                timeout=(self.connect_timeout, self.read_timeout),
                allow_redirects=False,
                stream=True,
            )
            try:
                content = self._read_body(response, started)
            finally:
                response.close()  # a body read to its end keeps the connection in the pool
        except _BodyTooLarge:
            raise _Failure(
                self._error(
                    MalformedResponse,
                    call,
                    f"sent an answer larger than {_size_words(self.max_body_bytes)}, more than "
                    "the connector reads",
                ),
                retryable=False,
                sent_unsafely=not idempotent,
            ) from None
        except _BodyTooSlow:
            raise _Failure(
                self._error(
                    Unavailable,
                    call,
                    f"did not finish its answer within {self.max_answer_seconds:g} s",
                ),
                retryable=False,
                sent_unsafely=not idempotent,
            ) from None
        except requests.exceptions.SSLError:
            # Never retried and never "fixed" by skipping the check: the operator must see it.
            raise _Failure(
                self._error(
                    Unavailable,
                    call,
                    "could not prove who it is: its TLS certificate did not verify",
                ),
                retryable=False,
            ) from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
            raise _Failure(
                self._error(MalformedResponse, call, "sent an answer that was cut off"),
                retryable=idempotent,
                sent_unsafely=not idempotent,
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise _Failure(
                self._error(
                    Unavailable, call, f"could not be reached within {self.connect_timeout:g} s"
                ),
                retryable=True,  # nothing was sent
            ) from None
        except requests.exceptions.ReadTimeout:
            raise _Failure(
                self._error(Unavailable, call, f"did not answer within {self.read_timeout:g} s"),
                retryable=idempotent,
                sent_unsafely=not idempotent,
            ) from None
        except requests.exceptions.ConnectionError as exc:
            sent = _was_sent(exc)
            words = "dropped the connection" if sent else _refusal_words(exc)
            raise _Failure(
                self._error(Unavailable, call, words),
                retryable=(not sent) or idempotent,
                sent_unsafely=sent and not idempotent,
            ) from None
        except requests.exceptions.RequestException as exc:
            raise _Failure(
                self._error(Unavailable, call, f"could not be asked ({type(exc).__name__})"),
                retryable=False,
            ) from None
        return response, content

    def _read_body(self, response: requests.Response, started: float) -> bytes:
        """The whole body, read a chunk at a time (as it arrives: `read1` never waits for a
        full chunk), stopping as soon as it grows past `max_body_bytes` (after decompression:
        a small gzip bomb is caught too) or the answer takes longer than `max_answer_seconds`.
        A pause longer than `read_timeout` between two chunks is a read timeout."""
        declared = response.headers.get("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > self.max_body_bytes:
            raise _BodyTooLarge()
        deadline = started + self.max_answer_seconds
        if time.monotonic() > deadline:
            raise _BodyTooSlow()
        raw = response.raw
        body = bytearray()
        try:
            while True:
                chunk = raw.read1(READ_CHUNK, decode_content=True)
                if not chunk:
                    break
                body += chunk
                if len(body) > self.max_body_bytes:
                    raise _BodyTooLarge()
                if time.monotonic() > deadline:
                    raise _BodyTooSlow()
        # The translations requests makes when it reads a body itself.
        except ReadTimeoutError as exc:
            raise requests.exceptions.ReadTimeout(exc) from None
        except Urllib3SSLError as exc:
            raise requests.exceptions.SSLError(exc) from None
        except ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(exc) from None
        except DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(exc) from None
        content = bytes(body)
        response._content = content
        response._content_consumed = True
        return content

    def server_time(self) -> datetime | None:
        """The remote's own clock (its `Date` header) at its last answer, or None."""
        return self._server_time

    def _read(self, response: requests.Response, content: bytes, call: str, idempotent) -> Reply:
        status = response.status_code
        parsed, problem = self._parse(response, content)
        headers = response.headers  # case-insensitive
        try:
            self._server_time = parsedate_to_datetime(headers["Date"])
        except (KeyError, TypeError, ValueError, IndexError):
            pass
        if 200 <= status < 300:
            if problem == "html":
                raise _Failure(
                    self._error(
                        MalformedResponse,
                        call,
                        "answered with a web page (HTML) instead of JSON",
                        status=status,
                    ),
                    retryable=False,
                    sent_unsafely=not idempotent,
                )
            if problem == "json":
                # Often a body cut short by a proxy or a crashed worker: worth another try.
                raise _Failure(
                    self._error(
                        MalformedResponse,
                        call,
                        "sent an answer that is not valid JSON",
                        status=status,
                    ),
                    retryable=idempotent,
                    sent_unsafely=not idempotent,
                )
            return Reply(status, headers, parsed)
        details = self.error_parser(status, parsed, call) if parsed is not None else ErrorDetails()
        cls = details.error_class or error_class_for(status)
        reason = self._status_reason(status, response, problem)
        if status >= 500 and details.reason:
            reason = f"{reason} ({details.reason.rstrip('. ')})"
        elif details.reason:
            reason = details.reason
        error = self._error(
            cls,
            call,
            reason,
            status=status,
            code=details.code,
            body=parsed,
            message=details.message,
        )
        retry_after = None
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
        unsafe = False
        if status in TURNED_AWAY:
            retryable = True  # the remote says it did not carry the call out
        elif status >= 500:
            retryable = idempotent
            unsafe = not idempotent
        else:
            retryable = False
        raise _Failure(error, retryable=retryable, retry_after=retry_after, sent_unsafely=unsafe)

    @staticmethod
    def _parse(response: requests.Response, content: bytes):
        """(parsed JSON or None, problem) where problem is None, "html" or "json"."""
        if not content.strip():
            return None, None
        if _looks_like_html(response, content):
            return None, "html"
        try:
            # Bytes, so json finds the encoding itself and copes with a stray UTF-8 BOM
            # (which some WordPress plugins print before every answer).
            return json.loads(content), None
        except UnicodeDecodeError:
            pass
        except ValueError:
            return None, "json"
        # One byte that is not UTF-8 in one record must not cost the whole page: it is read
        # as U+FFFD, which the record's own checks then refuse, naming that record.
        try:
            return json.loads(content.decode("utf-8-sig", errors="replace")), None
        except ValueError:
            return None, "json"

    def _status_reason(self, status: int, response: requests.Response, problem) -> str:
        if status == 429:
            return "asked us to slow down (429 Too Many Requests)"
        if status >= 500:
            return f"answered {_status_words(response)}"
        if problem == "html":
            return f"answered {_status_words(response)} with a web page instead of JSON"
        return f"answered {_status_words(response)}"

    def _error(self, cls, call, reason, *, status=None, code=None, body=None, message=None):
        return cls(
            self.system,
            call,
            redact(reason, self.secrets),
            status=status,
            code=code,
            body=body,
            message=redact(message, self.secrets) if message else None,
        )

    # -- giving up ------------------------------------------------------------------------
    def _final(self, failure: _Failure, attempts: int) -> RemoteError:
        error = failure.error
        if failure.sent_unsafely:
            # A create that was sent and then lost its answer: say what that means.
            return OutcomeUnknown(
                error.system,
                error.call,
                f"{error.reason.rstrip('. ')}; it may or may not have been carried out",
                status=error.status,
                code=error.code,
                body=error.body,
            )
        if attempts <= 1:
            return error
        if isinstance(error, Unavailable) and error.status:
            return self._rebuild(error, f"answered {error.status} {times(attempts)}")
        if isinstance(error, RateLimited):
            return self._rebuild(
                error, f"kept asking us to slow down (429), {times(attempts)} in a row"
            )
        if isinstance(error, (Unavailable, MalformedResponse)):
            return self._rebuild(error, f"{error.reason}; tried {times(attempts)}")
        return error

    def _too_long_wait(self, error: RemoteError, wait: float) -> RemoteError:
        return self._rebuild(
            error,
            f"asked us to wait {wait:.0f} s before trying again, longer than the "
            f"{self.retry_after_cap:g} s the connector waits",
        )

    def _rebuild(self, error: RemoteError, reason: str) -> RemoteError:
        return type(error)(
            error.system,
            error.call,
            reason,
            status=error.status,
            code=error.code,
            body=error.body,
        )

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds before the next attempt; None when the remote asks for a longer wait
        than the cap."""
        if retry_after is not None:
            if retry_after > self.retry_after_cap:
                return None
            return retry_after
        # Full jitter: many workers retrying together spread out instead of hitting again
        # all at once.
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        return ceiling * self.jitter()


# -- previews -----------------------------------------------------------------------------


# Ids no remote record has, for what a preview "creates": negative ones, and (for a remote
# whose ids are digits only) those from here up, far beyond any real id and within 64 bits.
MADE_UP_FROM = 9 * 10**18


def made_up_id(value) -> bool:
    """Whether `value` (an id, or its text) is one a preview made up."""
    text = str(value if value is not None else "").strip()
    number = text[1:] if text.startswith("-") else text
    if not number.isdigit():
        return False
    return text.startswith("-") or int(number) >= MADE_UP_FROM


@dataclass
class Write:
    """A call a preview kept instead of sending: its system, method, path, the body as it
    would have gone on the wire (JSON) and the answer it was given."""

    system: str
    method: str
    path: str
    body: object
    answer: object


# answer(method, path, body, new_id) -> Reply, or None to send the call after all (it changes
# nothing: a login). `new_id()` gives an id no remote record has.
PreviewAnswer = Callable[[str, str, object, Callable[[], int]], Reply | None]


class DryRun:
    """A preview's stand-in for every call that would change something: reads go out as
    usual; a write is kept (`writes`) and answered with `answer`, the adapter's knowledge of
    the shape the remote answers in, so the code that reads the answer runs as in a run."""

    def __init__(self, base_url: str, answer: PreviewAnswer, first_id: int = -1):
        self.base_url = base_url.rstrip("/")
        self.answer = answer
        self.writes: list[Write] = []
        self._lock = threading.Lock()
        # Made-up ids count away from zero from `first_id`: down from -1 where a remote
        # takes any integer, up from MADE_UP_FROM where it reads only digits.
        self._step = -1 if first_id < 0 else 1
        self._last_id = first_id - self._step

    def new_id(self) -> int:
        with self._lock:
            self._last_id += self._step
            return self._last_id

    def path_of(self, url: str) -> str:
        path = url[len(self.base_url) :] if url.startswith(self.base_url) else urlsplit(url).path
        return "/" + path.strip("/")

    def intercept(self, http: HttpClient, method: str, url: str, call: str, body) -> Reply | None:
        path = self.path_of(url)
        # The body as the remote would read it: numbers, dates and money in their wire form.
        wire = None if body is None else json.loads(encode_json(body, http.json_default))
        try:
            reply = self.answer(method, path, wire, self.new_id)
        except RemoteError as error:
            raise http._error(type(error), call, error.reason, status=error.status) from None
        if reply is not None and method not in ("GET", "HEAD"):
            with self._lock:
                self.writes.append(Write(http.system, method, path, wire, reply.data))
        return reply


def _was_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """Whether the request may have reached the remote before the connection failed.
    Only a failure to connect at all proves it did not."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return not isinstance(reason, (NewConnectionError, ConnectTimeoutError, NameResolutionError))


def _refusal_words(exc: requests.exceptions.ConnectionError) -> str:
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    if isinstance(reason, NameResolutionError):
        return "could not be found (its address does not resolve)"
    return "refused the connection"


class Adapter:
    """What every backend adapter offers beside its own calls; `http` is its HttpClient."""

    http: HttpClient

    def close(self) -> None:
        self.http.close()

    def server_time(self) -> datetime | None:
        """The remote's own clock at its last answer (for safe incremental bookmarks)."""
        return self.http.server_time()
