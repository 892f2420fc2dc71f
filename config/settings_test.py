"""Settings for the test suite: the production settings with test-only keys filled in."""

import os

os.environ.setdefault("CONNECTOR_SANDBOX", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# A fixed, test-only Fernet key; production reads its own from the environment.
os.environ.setdefault("CONNECTOR_ENCRYPTION_KEY", "mT0S5QfQ1r4mXzTq2m0r8r3cS6nWvJ0gqkQe7l5xY2E=")

from .settings import *  # noqa: E402,F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    # A file, not SQLite's shared in-memory cache: tests that run a worker or a web server in
    # other threads then get SQLite's normal locking (waiting up to the busy timeout) instead
    # of "table is locked" errors that the shared cache raises at once.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"connector-test-{os.getpid()}.sqlite3")
    }
