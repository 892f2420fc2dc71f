"""Settings, read from the environment (and from `.env` when present).

Every variable is documented in `.env.example`. The defaults run the embedded setup:
SQLite in the project folder and django-q2's ORM broker.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DEBUG", default=False)
# A fixed key is acceptable only for local DEBUG use; production must set its own.
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me" if DEBUG else None)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY is not set. Put it in the environment or in .env.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS (docs/operations.md, "HTTPS"): off by default so that the embedded setup and the demo
# work on plain http://127.0.0.1; a production admin served over HTTPS turns them on, and
# `manage.py check --deploy` then reports nothing.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# Behind a TLS-terminating proxy that sets `X-Forwarded-Proto: https` (and strips a client's
# own): SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https. Never set it without such a
# proxy: a client could then claim HTTPS itself.
SECURE_PROXY_SSL_HEADER = (
    tuple(env.list("SECURE_PROXY_SSL_HEADER"))
    if env("SECURE_PROXY_SSL_HEADER", default="")
    else None
)
if SECURE_PROXY_SSL_HEADER and len(SECURE_PROXY_SSL_HEADER) != 2:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER takes a header and a value: HTTP_X_FORWARDED_PROTO,https"
    )
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The key that encrypts stored secrets (FLOWii password and API key, shop consumer secret).
CONNECTOR_ENCRYPTION_KEY = env("CONNECTOR_ENCRYPTION_KEY", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "axes",
    "connector",
]
# The simulated shop and FLOWii account (`manage.py sandbox`, `manage.py demo`): for trying
# the connector without accounts, for the tests and the benchmark; never in production.
CONNECTOR_SANDBOX = env.bool("CONNECTOR_SANDBOX", default=DEBUG)
if CONNECTOR_SANDBOX:
    INSTALLED_APPS.append("sandbox")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns repeated failed logins into a lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after AXES_FAILURE_LIMIT failed attempts for one user name from one
# address, that pair (and only that pair: the owner logging in from elsewhere is not locked
# out by someone guessing) is locked out for AXES_COOLOFF_MINUTES, counted from the last
# failure before the lock-out: attempts during a lock-out are turned away without extending it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's real address. Behind a reverse proxy every request comes from the proxy's own
# address, so a lock-out by address would lock everybody out together: TRUSTED_PROXY_COUNT
# (the number of proxies in front of the admin that each append the address they saw to
# TRUSTED_PROXY_HEADER) says how far from the right of that header the client's address is.
# 0 (the default: nothing in front) ignores the header entirely, since a client can send it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER", default="HTTP_X_FORWARDED_FOR")


def client_address(request) -> str | None:
    """The address a login attempt came from (axes' AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR,
    or with TRUSTED_PROXY_COUNT = N the N-th address from the right of TRUSTED_PROXY_HEADER,
    the one the outermost trusted proxy saw. Addresses to the left of it were written by the
    client and count for nothing."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    chain = [a.strip() for a in request.META.get(settings.TRUSTED_PROXY_HEADER, "").split(",")]
    chain = [a for a in chain if a]
    if len(chain) < count:
        return remote  # not through every proxy: the connecting address is all we know
    candidate = chain[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


AXES_CLIENT_IP_CALLABLE = client_address

ROOT_URLCONF = "config.urls"

# Error reports (the DEBUG 500 page, mails to ADMINS) never show the secrets typed into the
# settings form, nor any POST field named like a password, key, secret or token.
DEFAULT_EXCEPTION_REPORTER_FILTER = "connector.debug.ConnectorExceptionReporterFilter"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, commands) share the file: wait for locks, do not fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("sk", "Slovenčina")]
LOCALE_PATHS = [BASE_DIR / "connector" / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Bratislava")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-q2: the ORM broker by default; REDIS_URL switches to Redis for larger setups.
REDIS_URL = env("REDIS_URL", default="")
# Deliberate (docs/operations.md, "Lost tasks"): a task running longer than `timeout` is
# killed. `max_attempts` 1: a task that raised is not run again (the runs catch their own
# errors; the next run does the work). A task LOST with its worker (SIGKILL, OOM, the timeout
# kill) leaves no result, which `max_attempts` does not count: the database broker hands it
# out again `retry` seconds after a worker took it (Redis never does). `retry` is longer than
# `timeout`, so a task still running is never handed out twice, and longer than the run
# lock's ten minutes, so a re-delivered run finds the lost run's lock expired and runs again
# from the bookmarks (harmless: see connector/sync/locks.py).
Q_TIMEOUT = env.int("Q_TIMEOUT", default=3600)
Q_CLUSTER = {
    "name": env("Q_CLUSTER_NAME", default="connector"),
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": Q_TIMEOUT,
    "retry": Q_TIMEOUT + 60,
    "max_attempts": 1,
    "catch_up": False,
    # The last 500 results of each task function: the heartbeat's every minute do not push
    # the runs' out.
    "save_limit": 500,
    "save_limit_per": "func",
    "label": "Django Q",
}
# The worker's heartbeat (connector/health.py, `manage.py health`): the cluster runs a task
# every minute that writes the time; no heartbeat for CONNECTOR_HEARTBEAT_STALE seconds, or a
# queued task not picked up for CONNECTOR_QUEUE_STALE seconds, means the worker is stuck.
CONNECTOR_HEARTBEAT_STALE = env.int("CONNECTOR_HEARTBEAT_STALE", default=300)
CONNECTOR_QUEUE_STALE = env.int("CONNECTOR_QUEUE_STALE", default=300)
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# E-mail for the connector's alerts (Settings > Alerts): SMTP from the environment; the demo
# prints mails on the console instead.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="flowii-connector@localhost")
# The admin's own address, for the link in an alert mail (e.g. https://connector.example.sk).
CONNECTOR_SITE_URL = env("CONNECTOR_SITE_URL", default="")
# The connector's address as the shop reaches it, for the webhooks' delivery URL (behind a
# proxy the request's own host may be an inner one). Empty: the Settings page's own address.
CONNECTOR_PUBLIC_URL = env("CONNECTOR_PUBLIC_URL", default="")
# The most of one answer the connector reads from the shop or FLOWii: larger or slower answers
# are an error for that call (a misbehaving server cannot fill the memory or hold a run).
CONNECTOR_MAX_ANSWER_MB = env.float("CONNECTOR_MAX_ANSWER_MB", default=20)
CONNECTOR_MAX_ANSWER_SECONDS = env.float("CONNECTOR_MAX_ANSWER_SECONDS", default=120)
# How long after a create whose answer was lost the connector waits before deciding, from
# FLOWii's documents, that it never arrived (so a late create is never doubled).
CONNECTOR_SETTLE_AFTER_SECONDS = env.int("CONNECTOR_SETTLE_AFTER_SECONDS", default=120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "connector": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    },
}
