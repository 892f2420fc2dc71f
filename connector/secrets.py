"""Encryption of the stored credentials (FLOWii password and API key, shop consumer key and
secret) with Fernet, keyed by CONNECTOR_ENCRYPTION_KEY from the environment."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

MISSING_KEY = (
    "CONNECTOR_ENCRYPTION_KEY is not set. It encrypts the stored FLOWii and shop secrets. "
    'Generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())" and put it in the environment or in .env.'
)


def _fernet() -> Fernet:
    key = getattr(settings, "CONNECTOR_ENCRYPTION_KEY", "")
    if key:
        try:
            return Fernet(key.encode() if isinstance(key, str) else key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "CONNECTOR_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64 bytes)."
            ) from exc
    if settings.DEBUG:
        # Development only: a key derived from SECRET_KEY, so the demo runs without set-up.
        digest = hashlib.sha256(("connector:" + settings.SECRET_KEY).encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))
    raise ImproperlyConfigured(MISSING_KEY)


def check_key() -> None:
    """Raises ImproperlyConfigured when secrets could not be encrypted or read."""
    _fernet()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii") if value else ""


UNREADABLE = (
    "A stored secret cannot be decrypted: CONNECTOR_ENCRYPTION_KEY differs from the key it was "
    "saved with. Restore the old key, or enter the secrets again in Settings."
)


class UnreadableSecret(str):
    """A stored secret that the current key cannot decrypt: it reads as "not set" (an empty,
    false string) so no page fails on it, and keeps its token so that saving other settings
    does not destroy it (restoring the old key brings it back)."""

    token: str

    def __new__(cls, token: str):
        obj = super().__new__(cls, "")
        obj.token = token
        return obj


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return UnreadableSecret(token)


def unreadable(value) -> bool:
    return isinstance(value, UnreadableSecret)


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python code sees the clear value."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        if isinstance(value, UnreadableSecret):
            return value.token  # not entered again: keep what was stored
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""
