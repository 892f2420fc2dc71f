"""The database a preview runs on: its own connection, in a thread of its own (Django's
connections are per thread), everything it writes thrown away at the end.

On SQLite a long write transaction would lock the whole file for the worker and the admin,
so the preview works on a copy of the file (sqlite3's backup API), deleted afterwards. On
PostgreSQL its writes stay in a transaction that is rolled back."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend

T = TypeVar("T")
# The name of the thread a preview's run works in (its log lines say so: preview.py).
THREAD = "connector-preview"


def copy_sqlite(source, target_path: str) -> None:
    """A copy of the SQLite database `source` (a Django connection) as this connection sees
    it. The backup API copies pages; it cannot read through a connection that is writing
    (inside a transaction, as in a test), which is then copied table by table instead."""
    source.ensure_connection()
    target = sqlite3.connect(target_path)
    try:
        if source.in_atomic_block:
            _copy_rows(source.connection, target)
        else:
            source.connection.backup(target)
    finally:
        target.close()


def _copy_rows(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    schema = source.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' ORDER BY type = 'table' DESC"
    ).fetchall()
    tables = [name for kind, name, _sql in schema if kind == "table"]
    for _kind, _name, sql in schema:
        target.execute(sql)
    for name in [*tables, "sqlite_sequence"]:
        rows = source.execute(f'SELECT * FROM "{name}"') if _exists(source, name) else None
        if rows is None:
            continue
        width = len(rows.description)
        marks = ", ".join("?" * width)
        target.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    target.commit()


def _exists(db: sqlite3.Connection, table: str) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,))
    return found.fetchone() is not None


def thrown_away(
    work: Callable[[], T], meanwhile: Callable[[], None] | None = None, every: float = 1.0
) -> T:
    """`work()` in a thread whose database is a scratch one; its result, or what it raised.
    Whatever `work` writes is gone when this returns, so it reads what it needs before.

    `meanwhile()` is called in the caller's thread, on the caller's (the real) database,
    every `every` seconds while `work` runs: what `work` wants kept (its progress) can only
    be written from here."""
    source = connections[DEFAULT_DB_ALIAS]
    settings = dict(source.settings_dict)
    folder = None
    if source.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="connector-preview-")
        settings["NAME"] = str(Path(folder) / "preview.sqlite3")
        copy_sqlite(source, settings["NAME"])
    outcome: dict = {}

    def body():
        wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, DEFAULT_DB_ALIAS)
        connections[DEFAULT_DB_ALIAS] = wrapper
        try:
            with transaction.atomic():
                outcome["result"] = work()
                transaction.set_rollback(True)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error
        finally:
            wrapper.close()

    thread = threading.Thread(target=body, name=THREAD, daemon=True)
    thread.start()
    try:
        thread.join(timeout=every if meanwhile else None)
        while thread.is_alive():
            meanwhile()
            thread.join(timeout=every)
    finally:
        # Not while the work still uses it (the caller was interrupted: a task's timeout).
        if folder and not thread.is_alive():
            shutil.rmtree(folder, ignore_errors=True)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
