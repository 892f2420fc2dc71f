"""Finds the PostgreSQL and Redis that the larger-deployment tests need on 127.0.0.1, and hands
out a fresh database and a Redis database for one test, cleaned away afterwards.

Where a service is missing the tests are skipped with the reason; under CI=true they fail
instead, so a broken CI machine can never pass by skipping them.
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

# The administrative connection (it creates and drops the test databases) and the Redis
# server; both can be pointed elsewhere for a machine with other ports.
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_SERVER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
INSTALL_HINT = "install them with: .venv/bin/pip install -e '.[test]'"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str):
    """Skips the test, or fails it under CI=true."""
    if in_ci():
        pytest.fail(f"CI=true, but {reason}", pytrace=False)
    pytest.skip(reason)


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return f"the PostgreSQL driver psycopg is not installed ({INSTALL_HINT})"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split())
        return f"PostgreSQL is not reachable at {_where(POSTGRES_ADMIN_URL)}: {detail}"
    return None


def redis_problem() -> str | None:
    """Why Redis cannot be used here, or None when it can."""
    try:
        import redis
    except ImportError:
        return f"the Redis client package redis is not installed ({INSTALL_HINT})"
    try:
        redis.Redis.from_url(REDIS_SERVER_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {_where(REDIS_SERVER_URL)}: {exc}"
    return None


def require_postgres() -> None:
    problem = postgres_problem()
    if problem:
        unavailable(problem)


def require_postgres_and_redis() -> None:
    problems = [p for p in (postgres_problem(), redis_problem()) if p]
    if problems:
        unavailable("; ".join(problems))


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


def _admin_connection():
    import psycopg

    # CREATE/DROP DATABASE cannot run inside a transaction.
    return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)


@contextmanager
def fresh_database(prefix: str = "connector_test"):
    """A new, empty PostgreSQL database under a unique name; yields its DATABASE_URL and drops
    it afterwards, even when processes are still connected to it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    admin = urlsplit(POSTGRES_ADMIN_URL)
    try:
        yield admin._replace(path=f"/{name}").geturl()
    finally:
        with _admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(database_url: str, sql: str, params=()) -> list[tuple]:
    """Rows of one read-only query against a test database."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchall()


@contextmanager
def redis_database(cluster_name: str):
    """A Redis database for one django-q cluster name: yields its REDIS_URL; afterwards every
    key of that cluster (queue and statistics) is deleted, which leaves the database as it was
    found. An empty database is preferred so that nothing else shares it."""
    import redis

    base = REDIS_SERVER_URL.rstrip("/")
    number = next((n for n in range(1, 16) if not _dbsize(f"{base}/{n}")), 15)
    url = f"{base}/{number}"
    client = redis.Redis.from_url(url)
    try:
        yield url
    finally:
        keys = list(client.scan_iter(match=f"django_q:{cluster_name}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def _dbsize(url: str) -> int:
    import redis

    with redis.Redis.from_url(url) as client:
        return client.dbsize()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
