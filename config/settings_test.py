"""Settings for the test suite: the production settings with test-only keys filled in."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# A fixed, test-only Fernet key; production reads its own from the environment.
os.environ.setdefault("CONNECTOR_ENCRYPTION_KEY", "mT0S5QfQ1r4mXzTq2m0r8r3cS6nWvJ0gqkQe7l5xY2E=")

from .settings import *  # noqa: E402,F403
