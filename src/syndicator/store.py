"""The state: feeds, articles seen, and the outbox of deliveries. All SQL lives here.

One store, two engines behind it: an SQLite file (the default, one daemon) or a
PostgreSQL database (``state: postgresql://…``, any number of workers on any number of
machines). The SQL is written once; PostgreSQL gets it with ``%s`` placeholders, its own
column types and row locks (``FOR UPDATE SKIP LOCKED``) where SQLite's single writer
already serialises (docs/design.md, issue 13).

The outbox is a state machine (docs/design.md has the diagram):

    queued ─claim─► sending ─► sent
       ▲               ├──────► waiting(due_at) ─► (claimable again)
       │               ├──────► unknown ─reconcile─► sent | queued
       │               └──────► failed | skipped
       └──── retry ────────────────┘

An attempt is committed *before* the request goes out and its outcome after, so a
crash between the two leaves a row in ``sending`` that start-up turns into ``unknown``:
it is reconciled against the platform, never blindly resent and never forgotten.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from syndicator.config import is_database_url, masked_url
from syndicator.errors import StateError, StateUnavailable
from syndicator.models import Article, Platform, Post

_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_initial", """
        CREATE TABLE feeds (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            first_poll_at TEXT,
            last_poll_at TEXT,
            last_ok_at TEXT,
            last_status TEXT,
            last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            items INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            feed TEXT NOT NULL,
            key TEXT NOT NULL,
            link_key TEXT NOT NULL,
            link TEXT NOT NULL,
            title TEXT NOT NULL,
            published TEXT,
            seen_at TEXT NOT NULL,
            queued INTEGER NOT NULL DEFAULT 0,
            UNIQUE (feed, key)
        );
        CREATE INDEX articles_by_link ON articles (feed, link_key);
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id),
            account TEXT NOT NULL,
            platform TEXT NOT NULL,
            link_key TEXT NOT NULL,
            text TEXT NOT NULL,
            weighted_length INTEGER NOT NULL,
            link TEXT,
            reply_text TEXT,
            media TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'queued',
            created_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            lease_owner TEXT,
            lease_until TEXT,
            remote_id TEXT,
            remote_url TEXT,
            last_error TEXT,
            sent_at TEXT,
            UNIQUE (account, link_key)
        );
        CREATE INDEX deliveries_due ON deliveries (status, due_at);
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            outcome TEXT,
            error TEXT,
            remote_id TEXT
        );
        CREATE INDEX attempts_by_delivery ON attempts (delivery_id);
        CREATE TABLE accounts (
            name TEXT PRIMARY KEY,
            paused_until TEXT,
            pause_reason TEXT,
            pause_fingerprint TEXT,
            last_post_at TEXT
        );
    """),
    ("0002_delivery_cost", """
        ALTER TABLE deliveries ADD COLUMN cost REAL NOT NULL DEFAULT 0
    """),
    # issue 11: what Mastodon and Bluesky show beside the text, and what a publisher keeps
    # between runs (a Bluesky session, a Mastodon instance's limits)
    ("0003_post_details_and_account_cache", """
        ALTER TABLE deliveries ADD COLUMN alt_text TEXT;
        ALTER TABLE deliveries ADD COLUMN language TEXT;
        ALTER TABLE deliveries ADD COLUMN link_title TEXT;
        ALTER TABLE deliveries ADD COLUMN link_description TEXT;
        CREATE TABLE account_cache (
            account TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (account, key)
        )
    """),
    # issue 13: with several workers, one polls a feed and one sends for an account at a
    # time (so spacing and caps hold); a lease that runs out frees it for another
    ("0004_worker_leases", """
        ALTER TABLE feeds ADD COLUMN poll_owner TEXT;
        ALTER TABLE feeds ADD COLUMN poll_until TEXT;
        ALTER TABLE accounts ADD COLUMN send_owner TEXT;
        ALTER TABLE accounts ADD COLUMN send_until TEXT
    """),
    # issue 13: `history` (newest first) and `status` (an account's posts today, its
    # spend this month) read an index, not a million rows (bench/scale.py)
    ("0005_outbox_read_indexes", """
        CREATE INDEX deliveries_newest ON deliveries ((COALESCE(sent_at, created_at)), id);
        CREATE INDEX deliveries_newest_by_status ON deliveries
            (status, (COALESCE(sent_at, created_at)), id);
        CREATE INDEX deliveries_sent_by_account ON deliveries (account, sent_at, cost)
    """),
]

# Tables in the order a copy must fill them (references first)
TABLES = ("migrations", "feeds", "articles", "deliveries", "attempts", "accounts",
          "account_cache")

ACTIVE = ("queued", "waiting", "sending", "unknown")
_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def ts(moment: datetime) -> str:
    """Fixed-width UTC text so that SQL string comparison is time comparison."""
    return moment.astimezone(UTC).strftime(_TS_FORMAT)


def parse_ts(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text, _TS_FORMAT).replace(tzinfo=UTC)


def link_key(url: str) -> str:
    """The identity of an article's URL: scheme-less, lower-case host, no tracking or fragment.

    Two guids that point at the same link are the same article for dedupe purposes.
    """
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not k.lower().startswith(_TRACKING_PREFIXES)))
    path = parts.path.rstrip("/") or "/"
    if not host:  # a guid-like link without a host; keep it as it is
        return url.strip()
    return urlunsplit(("", host, path, query, ""))


@dataclass(frozen=True, slots=True)
class FeedState:
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    first_poll_at: datetime | None
    last_poll_at: datetime | None
    last_ok_at: datetime | None
    last_status: str | None
    last_error: str | None
    consecutive_failures: int
    items: int


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    article_id: int
    account: str
    platform: Platform
    text: str
    weighted_length: int
    link: str | None
    reply_text: str | None
    media: tuple[str, ...]
    status: str
    created_at: datetime
    due_at: datetime
    attempts: int
    remote_id: str | None
    remote_url: str | None
    last_error: str | None
    sent_at: datetime | None
    article_link: str
    article_title: str
    feed: str
    alt_text: str | None = None
    language: str | None = None
    link_title: str | None = None
    link_description: str | None = None

    @property
    def post(self) -> Post:
        return Post(account=self.account, platform=self.platform, text=self.text,
                    weighted_length=self.weighted_length, link=self.link,
                    reply_text=self.reply_text, media=self.media, alt_text=self.alt_text,
                    language=self.language, link_title=self.link_title,
                    link_description=self.link_description)


@dataclass(frozen=True, slots=True)
class AccountState:
    name: str
    paused_until: datetime | None
    pause_reason: str | None
    pause_fingerprint: str | None
    last_post_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article seen for the first time; ``posts`` empty means seen but not posted."""

    article: Article
    posts: Sequence[Post] = ()


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    id: int
    delivery_id: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None
    error: str | None
    remote_id: str | None


_DELIVERY_COLUMNS = """
    d.id, d.article_id, d.account, d.platform, d.text, d.weighted_length, d.link,
    d.reply_text, d.media, d.status, d.created_at, d.due_at, d.attempts, d.remote_id,
    d.remote_url, d.last_error, d.sent_at, a.link, a.title, a.feed,
    d.alt_text, d.language, d.link_title, d.link_description
"""


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(
        id=row[0], article_id=row[1], account=row[2], platform=Platform(row[3]), text=row[4],
        weighted_length=row[5], link=row[6], reply_text=row[7],
        media=tuple(json.loads(row[8])), status=row[9], created_at=parse_ts(row[10]),  # type: ignore[arg-type]
        due_at=parse_ts(row[11]), attempts=row[12], remote_id=row[13],  # type: ignore[arg-type]
        remote_url=row[14], last_error=row[15], sent_at=parse_ts(row[16]),
        article_link=row[17], article_title=row[18], feed=row[19],
        alt_text=row[20], language=row[21], link_title=row[22], link_description=row[23],
    )


_NEARLY_FULL_BYTES = 1 << 20
_P = ParamSpec("_P")
_R = TypeVar("_R")


class Engine(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


@functools.lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    """Our SQL (``?`` placeholders) as psycopg takes it (``%s``; a literal ``%`` doubled).
    None of our statements holds a ``?`` inside a string literal."""
    return sql.replace("%", "%%").replace("?", "%s")


def _pg_ddl(sql: str) -> str:
    """A migration's SQLite DDL in PostgreSQL's types: identity keys, 64-bit integers,
    double-precision money, and byte-order text (timestamps compare as text)."""
    sql = sql.replace("INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY "
                                             "PRIMARY KEY")
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    return re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', sql)


class _PgConnection:
    """A psycopg connection behind the small part of sqlite3's surface the store uses:
    ``execute`` with ``?`` placeholders, returning a cursor (fetchone, fetchall, rowcount,
    iteration). Autocommit: transactions are the store's explicit BEGIN/COMMIT."""

    def __init__(self, url: str, connect_seconds: float) -> None:
        try:
            import psycopg
        except ImportError:
            raise StateError("a postgresql:// state needs psycopg — fix: pip install "
                             "'syndicator[postgresql]'") from None

        self._conn = psycopg.connect(url, autocommit=True,
                                     connect_timeout=max(1, int(connect_seconds)),
                                     application_name="syndicator")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if sql == "BEGIN" and self._conn.info.transaction_status != 0:  # not IDLE
            # a transaction a failure left open (a lost ROLLBACK): end it, or every later
            # statement fails as "current transaction is aborted"
            self._conn.rollback()
        cursor = self._conn.cursor()
        cursor.execute(_pg_sql(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        cursor = self._conn.cursor()
        cursor.executemany(_pg_sql(sql), rows)
        return cursor

    @property
    def broken(self) -> bool:
        return bool(self._conn.closed or self._conn.broken)

    def close(self) -> None:
        self._conn.close()


def _translate_pg(exc: Exception, url: str) -> StateError:
    """A psycopg error as ours: what happened to which database (password masked)."""
    where = f"the PostgreSQL state {masked_url(url)}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    name = type(exc).__name__
    if "password authentication failed" in text or "does not exist" in text or \
            name in ("InvalidPassword", "InvalidAuthorizationSpecification",
                     "InvalidCatalogName", "InsufficientPrivilege"):
        return StateError(f"{where} refused us: {text} — fix: check the user, password and "
                          "database name in `state:` (the password as ${ENV_VAR})")
    if name in ("OperationalError", "DiskFull", "SerializationFailure", "DeadlockDetected",
                "LockNotAvailable", "AdminShutdown", "CannotConnectNow", "QueryCanceled"):
        return StateUnavailable(f"{where} is unavailable: {text} — fix: start the database "
                                "or free its disk (the daemon tries again at its next job)")
    return StateError(f"{where}: {text} ({name})")


def _is_pg_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] == "psycopg"


def _translate(exc: sqlite3.Error, path: Path | None, busy_seconds: float) -> StateError:
    """The one place an SQLite error becomes ours: what happened to which file, and the fix.

    The file is never recreated or overwritten: a damaged one stays for the operator."""
    text = str(exc)
    where = f"the state database {path}" if path is not None else "the in-memory state"
    if "locked" in text or "busy" in text:
        return StateUnavailable(
            f"{where} is locked by another process (waited {busy_seconds:g} s) — fix: stop "
            "whatever holds it (another syndicate, a backup, an sqlite3 shell) and run again")
    if _disk_full(exc, path):
        return StateUnavailable(
            f"the disk holding {where.removeprefix('the ')} is full; nothing was written "
            "— fix: free some space (the daemon tries again at its next job)")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StateError(
            f"cannot write {where}: {text} — fix: make it and its directory writable (SQLite "
            "keeps -wal and -shm files beside it), or change `state:` in the config")
    if isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text
                                                   or "malformed" in text
                                                   or "corrupt" in text):
        return StateError(
            f"{where} is damaged or not a syndicator state file ({text}); it was left "
            "untouched — fix: restore it from a backup, or move it aside to start afresh "
            "(then the first poll of each feed posts nothing old)")
    return StateError(f"{where}: {text} ({exc.sqlite_errorname})")


def _disk_full(exc: sqlite3.Error, path: Path | None) -> bool:
    """SQLITE_FULL, or an I/O error on a disk with (almost) no room left: a full disk
    shows as either, depending on which file SQLite was growing (-wal, -shm)."""
    name = exc.sqlite_errorname
    if name == "SQLITE_FULL":
        return True
    if not name.startswith("SQLITE_IOERR") or path is None:
        return False
    try:
        room = os.statvfs(path.parent)
    except OSError:
        return False
    return room.f_bavail * room.f_frsize < _NEARLY_FULL_BYTES


def _translated(
        method: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """Every public method of the store raises only ``StateError`` for SQLite's errors."""
    @functools.wraps(method)
    def wrapper(self: Store, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            with self._serial:
                return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path, self.busy_seconds) from None
        except Exception as exc:
            if not _is_pg_error(exc):
                raise
            self._drop_broken_connection()
            raise _translate_pg(exc, self.url or "") from None
    return wrapper


class Store:
    """The state database; one connection per thread. SQLite: WAL, so readers never block
    writers. PostgreSQL: row locks, so workers on several machines share it."""

    def __init__(self, path: Path | str, *, scratch_of: Path | str | None = None,
                 busy_seconds: float = 30.0) -> None:
        self.url: str | None = path if isinstance(path, str) and is_database_url(path) else None
        self.engine = Engine.POSTGRESQL if self.url else Engine.SQLITE
        self.path = None if self.url or path == ":scratch:" else Path(path)
        self.busy_seconds = busy_seconds  # how long to wait for another process' write lock
        self._uri = ""
        if self.url:
            pass
        elif scratch_of is not None or path == ":scratch:":
            # dry-run: an in-memory copy of the real state, shared by this process' threads
            self._uri = f"file:syndicator-scratch-{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            assert self.path is not None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StateError(f"cannot create the state directory {self.path.parent}: "
                                 f"{exc.strerror} — fix: change `state:` in the config") from None
            self._uri = self.path.resolve().as_uri()
        self._local = threading.local()
        # the dry run's in-memory database is shared by the threads through SQLite's
        # shared cache, whose table locks fail at once ("database table is locked", no
        # busy wait): one thread at a time uses it
        self._serial: contextlib.AbstractContextManager[object] = (
            threading.RLock() if "mode=memory" in self._uri else contextlib.nullcontext())
        # keeps a shared in-memory database alive (and opens an SQLite file at once)
        self._keepalive = None if self.url else self._connect()
        self._identity = self._file_identity()
        if isinstance(scratch_of, Path) and scratch_of.exists():
            try:
                source = sqlite3.connect(f"{scratch_of.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    source.backup(self._keepalive)  # type: ignore[arg-type]
                finally:
                    source.close()
            except sqlite3.Error as exc:
                raise _translate(exc, scratch_of, self.busy_seconds) from None
        self.migrate()
        if isinstance(scratch_of, str):  # a database's state, copied into the scratch
            database = Store(scratch_of)
            try:
                copy_state(database, self)
            finally:
                database.close()

    @property
    def where(self) -> str:
        """The state as a person would name it (a database URL without its password)."""
        if self.url:
            return masked_url(self.url)
        return str(self.path) if self.path else "the in-memory state"

    @property
    def shared(self) -> bool:
        """Several workers may run on this state at once (PostgreSQL); SQLite has one."""
        return self.engine == Engine.POSTGRESQL

    def _connect(self) -> Any:
        if self.url:
            try:
                return _PgConnection(self.url, self.busy_seconds)
            except Exception as exc:
                if _is_pg_error(exc):
                    raise _translate_pg(exc, self.url) from None
                raise
        try:
            conn = sqlite3.connect(self._uri, uri=True, timeout=self.busy_seconds,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA foreign_keys = ON")
            if "mode=memory" not in self._uri:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_seconds * 1000)}")
        except sqlite3.Error as exc:
            raise _translate(exc, self.path, self.busy_seconds) from None
        return conn

    @property
    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def _drop_broken_connection(self) -> None:
        """A PostgreSQL connection that died (a restart, a network cut) is replaced at the
        next call rather than failing every later one."""
        conn = getattr(self._local, "conn", None)
        if isinstance(conn, _PgConnection) and conn.broken:
            with contextlib.suppress(Exception):
                conn.close()
            self._local.conn = None

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        if self._keepalive is not None:
            self._keepalive.close()

    def _file_identity(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return stat.st_dev, stat.st_ino

    def assert_in_place(self) -> None:
        """Raise StateError if the state file was deleted or replaced under us: writes
        would go to a file no one will read again, and the next start would post anew."""
        if self._identity is not None and self._file_identity() != self._identity:
            raise StateError(f"the state file {self.path} was deleted or replaced while "
                             "running — fix: restore it (from a backup) before starting "
                             "again; stopping now so nothing is posted twice")

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """One transaction. SQLite: BEGIN IMMEDIATE takes the write lock up front, so two
        processes serialise cleanly. PostgreSQL: rows are locked where it matters
        (``_locked``).

        A failure anywhere, COMMIT included (a full disk), rolls the whole transaction
        back: nothing is half-written."""
        conn = self._conn
        conn.execute("BEGIN" if self.url else "BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):  # SQLite may have rolled back itself
                conn.execute("ROLLBACK")
            raise

    def _locked(self, clause: str = "FOR UPDATE SKIP LOCKED") -> str:
        """Row locks for a SELECT that claims rows: PostgreSQL's; SQLite's BEGIN IMMEDIATE
        already holds the only write lock."""
        return f" {clause}" if self.url else ""

    # -- schema ---------------------------------------------------------------------------

    @_translated
    def migrate(self) -> list[str]:
        """Apply pending migrations, each in one transaction with its bookkeeping row."""
        conn = self._conn
        if self.url and self._nothing_pending(conn):
            return []  # a role without DDL rights may run a migrated database
        if self.url:  # two workers starting at once: one migrates, the other waits
            with self._tx() as tx:
                tx.execute("SELECT pg_advisory_xact_lock(7316020511)")
                tx.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                           "applied_at TEXT NOT NULL)")
        else:
            conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                         "applied_at TEXT NOT NULL)")
        done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self._tx() as tx:
                if self.url:
                    tx.execute("SELECT pg_advisory_xact_lock(7316020511)")
                if tx.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                    continue
                for statement in filter(str.strip, sql.split(";")):
                    tx.execute(_pg_ddl(statement) if self.url else statement)
                tx.execute("INSERT INTO migrations VALUES (?, ?)", (name, ts(datetime.now(UTC))))
            applied.append(name)
        return applied

    @staticmethod
    def _nothing_pending(conn: Any) -> bool:
        if conn.execute("SELECT to_regclass('migrations')").fetchone()[0] is None:
            return False
        done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
        return all(name in done for name, _ in MIGRATIONS)

    @_translated
    def is_empty(self) -> bool:
        """Nothing recorded yet: no feed, article or delivery."""
        return all(self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
                   for table in ("feeds", "articles", "deliveries", "accounts"))

    @_translated
    def rows(self, table: str) -> list[tuple[Any, ...]]:
        """Every row of ``table`` (one of ``TABLES``), in key order: for copying a state."""
        assert table in TABLES
        order = "name" if table in ("migrations", "feeds", "accounts") else \
            "account, key" if table == "account_cache" else "id"
        return [tuple(r) for r in self._conn.execute(f"SELECT * FROM {table} ORDER BY {order}")]

    @_translated
    def columns(self, table: str) -> list[str]:
        assert table in TABLES
        cursor = self._conn.execute(f"SELECT * FROM {table} WHERE 1 = 0")
        return [d[0] for d in cursor.description]

    @_translated
    def load(self, tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]
             ) -> None:
        """Insert each table's rows as they are (ids included), all in one transaction, so
        a copy that fails leaves nothing behind; a database's id sequences then start past
        them."""
        with self._tx() as tx:
            for table, columns, rows in tables:
                assert table in TABLES
                if table == "migrations":
                    tx.execute("DELETE FROM migrations")
                marks = ", ".join("?" * len(columns))
                if rows:  # one statement, many rows (psycopg pipelines them)
                    tx.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                   f"VALUES ({marks})", [tuple(r) for r in rows])
                if self.url and "id" in columns:
                    tx.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")

    # -- feeds ------------------------------------------------------------------------------

    @_translated
    def feed_state(self, name: str) -> FeedState | None:
        row = self._conn.execute(
            "SELECT name, url, etag, last_modified, first_poll_at, last_poll_at, last_ok_at, "
            "last_status, last_error, consecutive_failures, items FROM feeds WHERE name = ?",
            (name,)).fetchone()
        if row is None:
            return None
        return FeedState(row[0], row[1], row[2], row[3], parse_ts(row[4]), parse_ts(row[5]),
                         parse_ts(row[6]), row[7], row[8], row[9], row[10])

    @_translated
    def feed_states(self) -> list[FeedState]:
        names = [r[0] for r in self._conn.execute("SELECT name FROM feeds ORDER BY name")]
        return [s for s in map(self.feed_state, names) if s is not None]

    @_translated
    def record_not_modified(self, name: str, url: str, now: datetime) -> None:
        with self._tx() as tx:
            self._ensure_feed(tx, name, url)
            tx.execute("UPDATE feeds SET last_poll_at = ?, last_ok_at = ?, last_status = ?, "
                       "last_error = NULL, consecutive_failures = 0 WHERE name = ?",
                       (ts(now), ts(now), "not modified", name))

    @_translated
    def record_feed_error(self, name: str, url: str, error: str, now: datetime) -> int:
        """Returns the number of consecutive failures, for backoff."""
        with self._tx() as tx:
            self._ensure_feed(tx, name, url)
            tx.execute("UPDATE feeds SET last_poll_at = ?, last_status = 'error', "
                       "last_error = ?, consecutive_failures = consecutive_failures + 1 "
                       "WHERE name = ?", (ts(now), error, name))
            return int(tx.execute("SELECT consecutive_failures FROM feeds WHERE name = ?",
                                  (name,)).fetchone()[0])

    @staticmethod
    def _ensure_feed(tx: Any, name: str, url: str) -> None:
        tx.execute("INSERT INTO feeds (name, url) VALUES (?, ?) ON CONFLICT (name) DO UPDATE "
                   "SET url = excluded.url", (name, url))

    @_translated
    def unseen(self, feed: str, articles: Iterable[Article]) -> list[Article]:
        """The articles of this feed not seen before, by stable id or by link."""
        articles = list(articles)
        if not articles:
            return []
        conn = self._conn
        ids = [a.id for a in articles]
        link_keys = [link_key(a.link) if a.link else None for a in articles]
        keys = {r[0] for r in _chunked_in(conn, "SELECT key FROM articles WHERE feed = ? AND "
                                                "key IN ({})", feed, ids)}
        links = {r[0] for r in _chunked_in(conn, "SELECT link_key FROM articles WHERE feed = ? "
                                                 "AND link_key IN ({})", feed,
                                           [lk for lk in link_keys if lk])}
        fresh: list[Article] = []
        batch_keys: set[str] = set()
        for article, lk in zip(articles, link_keys, strict=True):
            if article.id in keys or (lk and lk in links) or article.id in batch_keys:
                continue
            batch_keys.add(article.id)
            if lk:
                links.add(lk)
            fresh.append(article)
        return fresh

    @_translated
    def save_poll(self, feed: str, url: str, *, etag: str | None, last_modified: str | None,
                  items: int, new: Sequence[NewArticle], now: datetime,
                  due_at: datetime | None = None) -> int:
        """Record one successful poll and its new articles and deliveries in one transaction.

        Returns the number of deliveries queued (a delivery that would repeat one already
        queued for the same account and link is ignored: that is the dedupe).
        """
        queued = 0
        stamp = ts(now)
        with self._tx() as tx:
            self._ensure_feed(tx, feed, url)
            tx.execute("UPDATE feeds SET etag = ?, last_modified = ?, "
                       "first_poll_at = COALESCE(first_poll_at, ?), last_poll_at = ?, "
                       "last_ok_at = ?, last_status = 'ok', last_error = NULL, "
                       "consecutive_failures = 0, items = ? WHERE name = ?",
                       (etag, last_modified, stamp, stamp, stamp, items, feed))
            due = ts(due_at) if due_at is not None else stamp
            # in link order: two workers saving feeds that share links lock the same
            # unique keys in the same order, so neither waits on the other in a cycle
            for entry in sorted(new, key=lambda e: link_key(e.article.link)
                                if e.article.link else e.article.id):
                article = entry.article
                lk = link_key(article.link) if article.link else article.id
                inserted = tx.execute(
                    "INSERT INTO articles (feed, key, link_key, link, title, published, seen_at, "
                    "queued) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed, key) DO NOTHING "
                    "RETURNING id",
                    (feed, article.id, lk, article.link, article.title,
                     ts(article.published) if article.published else None, stamp,
                     1 if entry.posts else 0)).fetchone()
                if inserted is None or not entry.posts:
                    continue  # seen before (by another worker, too): nothing more to queue
                article_id = inserted[0]
                for post in entry.posts:  # a repeat of a queued delivery inserts nothing
                    cur = tx.execute(
                        "INSERT INTO deliveries (article_id, account, platform, link_key, text, "
                        "weighted_length, link, reply_text, media, created_at, due_at, "
                        "alt_text, language, link_title, link_description) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (account, link_key) DO NOTHING",
                        (article_id, post.account, str(post.platform), lk, post.text,
                         post.weighted_length, post.link, post.reply_text,
                         json.dumps(list(post.media)) if post.media else "[]", stamp, due,
                         post.alt_text, post.language, post.link_title,
                         post.link_description))
                    queued += cur.rowcount
        return queued

    # -- outbox -----------------------------------------------------------------------------

    @_translated
    def claim_due(self, worker: str, now: datetime, *, accounts: Sequence[str],
                  lease: timedelta = timedelta(minutes=5), limit: int = 1) -> list[Delivery]:
        """Lease up to ``limit`` due deliveries of these accounts, oldest article first.

        The claim and the attempt row are committed before anything is sent.
        """
        if not accounts:
            return []
        marks = ",".join("?" * len(accounts))
        with self._tx() as tx:
            rows = tx.execute(
                f"SELECT d.id FROM deliveries d JOIN articles a ON a.id = d.article_id "
                f"WHERE d.status IN ('queued', 'waiting') AND d.due_at <= ? "
                f"AND d.account IN ({marks}) "
                f"ORDER BY COALESCE(a.published, a.seen_at), d.id LIMIT ?"
                + self._locked("FOR UPDATE OF d SKIP LOCKED"),
                (ts(now), *accounts, limit)).fetchall()
            ids = [r[0] for r in rows]
            for delivery_id in ids:
                tx.execute("UPDATE deliveries SET status = 'sending', lease_owner = ?, "
                           "lease_until = ?, attempts = attempts + 1 WHERE id = ?",
                           (worker, ts(now + lease), delivery_id))
                tx.execute("INSERT INTO attempts (delivery_id, started_at) VALUES (?, ?)",
                           (delivery_id, ts(now)))
        return [d for d in map(self.delivery, ids) if d is not None]

    @_translated
    def claim_unknown(self, worker: str, now: datetime, *, accounts: Sequence[str],
                      settle: timedelta, lease: timedelta = timedelta(minutes=5),
                      limit: int = 5) -> list[Delivery]:
        """Lease ``unknown`` deliveries whose last attempt is older than ``settle``."""
        if not accounts:
            return []
        marks = ",".join("?" * len(accounts))
        with self._tx() as tx:
            rows = tx.execute(
                f"SELECT id FROM deliveries WHERE status = 'unknown' AND due_at <= ? "
                f"AND account IN ({marks}) ORDER BY id LIMIT ?" + self._locked(),
                (ts(now - settle), *accounts, limit)).fetchall()
            ids = [r[0] for r in rows]
            for delivery_id in ids:
                tx.execute("UPDATE deliveries SET status = 'reconciling', lease_owner = ?, "
                           "lease_until = ? WHERE id = ?", (worker, ts(now + lease), delivery_id))
        return [d for d in map(self.delivery, ids) if d is not None]

    @_translated
    def first_attempt_started(self, delivery_id: int) -> datetime | None:
        """Reconciliation searches from the first attempt: any attempt may have landed."""
        row = self._conn.execute("SELECT MIN(started_at) FROM attempts WHERE delivery_id = ?",
                                 (delivery_id,)).fetchone()
        return parse_ts(row[0]) if row else None

    @_translated
    def finish(self, delivery_id: int, *, status: str, now: datetime, outcome: str,
               error: str | None = None, remote_id: str | None = None,
               remote_url: str | None = None, due_at: datetime | None = None,
               count_attempt: bool = True, cost: float = 0.0,
               worker: str | None = None) -> bool:
        """Record the outcome of the open attempt and move the delivery to ``status``.

        With ``worker``, only while that worker still holds the lease: once its lease ran
        out, another process may have recovered the delivery and be reconciling or sending
        it, and a stale "not found, send again" or "unknown" must not overwrite that. A
        ``sent`` outcome is always recorded: the post exists, and saying so prevents a
        resend. Returns False when the outcome was dropped.
        """
        with self._tx() as tx:
            if worker is not None and status != "sent" and tx.execute(
                    "SELECT 1 FROM deliveries WHERE id = ? AND lease_owner = ? "
                    "AND status IN ('sending', 'reconciling')" + self._locked("FOR UPDATE"),
                    (delivery_id, worker)).fetchone() is None:
                return False
            tx.execute(
                "UPDATE deliveries SET status = ?, lease_owner = NULL, lease_until = NULL, "
                "last_error = ?, remote_id = COALESCE(?, remote_id), "
                "remote_url = COALESCE(?, remote_url), due_at = COALESCE(?, due_at), "
                "sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, cost = cost + ? "
                "WHERE id = ?",
                (status, error, remote_id, remote_url, ts(due_at) if due_at else None, status,
                 ts(now), cost, delivery_id))
            if not count_attempt:  # nothing was created (429, paused): not a try
                tx.execute("UPDATE deliveries SET attempts = CASE WHEN attempts > 0 THEN "
                           "attempts - 1 ELSE 0 END WHERE id = ?", (delivery_id,))
            open_attempt = tx.execute(
                "SELECT id FROM attempts WHERE delivery_id = ? AND finished_at IS NULL "
                "ORDER BY id DESC LIMIT 1", (delivery_id,)).fetchone()
            if open_attempt is not None:
                tx.execute("UPDATE attempts SET finished_at = ?, outcome = ?, error = ?, "
                           "remote_id = ? WHERE id = ?",
                           (ts(now), outcome, error, remote_id, open_attempt[0]))
            else:
                tx.execute("INSERT INTO attempts (delivery_id, started_at, finished_at, outcome, "
                           "error, remote_id) VALUES (?, ?, ?, ?, ?, ?)",
                           (delivery_id, ts(now), ts(now), outcome, error, remote_id))
            if status == "sent":
                account = tx.execute("SELECT account FROM deliveries WHERE id = ?",
                                     (delivery_id,)).fetchone()[0]
                self._touch_account(tx, account)
                tx.execute("UPDATE accounts SET last_post_at = ? WHERE name = ?",
                           (ts(now), account))
        return True

    @_translated
    def recover_interrupted(self, now: datetime, *, is_dead: Callable[[str], bool]) -> int:
        """Deliveries left in ``sending``/``reconciling`` by a dead worker become ``unknown``.

        A worker is dead when ``is_dead(owner)`` says so or its lease has expired.
        """
        with self._tx() as tx:
            rows = tx.execute("SELECT id, status, lease_owner, lease_until FROM deliveries "
                              "WHERE status IN ('sending', 'reconciling')"
                              + self._locked()).fetchall()
            recovered = 0
            for delivery_id, status, owner, lease_until in rows:
                if not (owner is None or is_dead(owner) or (lease_until or "") <= ts(now)):
                    continue
                recovered += 1
                tx.execute("UPDATE deliveries SET status = 'unknown', lease_owner = NULL, "
                           "lease_until = NULL, due_at = ?, last_error = ? WHERE id = ?",
                           (ts(now), "interrupted while sending; will check the platform "
                            "before any resend", delivery_id))
                if status == "sending":
                    tx.execute("UPDATE attempts SET finished_at = ?, outcome = 'interrupted' "
                               "WHERE delivery_id = ? AND finished_at IS NULL",
                               (ts(now), delivery_id))
            return recovered

    @_translated
    def delivery(self, delivery_id: int) -> Delivery | None:
        row = self._conn.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d JOIN articles a ON a.id = d.article_id "
            "WHERE d.id = ?", (delivery_id,)).fetchone()
        return _delivery(row) if row else None

    @_translated
    def deliveries(self, *, statuses: Sequence[str] | None = None, account: str | None = None,
                   feed: str | None = None, limit: int = 50,
                   newest_first: bool = True) -> list[Delivery]:
        where: list[str] = ["1 = 1"]
        args: list[str] = []
        if statuses:
            where.append(f"d.status IN ({','.join('?' * len(statuses))})")
            args.extend(statuses)
        if account:
            where.append("d.account = ?")
            args.append(account)
        if feed:
            where.append("a.feed = ?")
            args.append(feed)
        order = "DESC" if newest_first else "ASC"
        rows = self._conn.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d JOIN articles a ON a.id = d.article_id "
            f"WHERE {' AND '.join(where)} ORDER BY COALESCE(d.sent_at, d.created_at) {order}, "
            f"d.id {order} LIMIT ?", (*args, limit)).fetchall()
        return [_delivery(r) for r in rows]

    @_translated
    def attempts(self, delivery_id: int) -> list[AttemptRecord]:
        rows = self._conn.execute(
            "SELECT id, delivery_id, started_at, finished_at, outcome, error, remote_id "
            "FROM attempts WHERE delivery_id = ? ORDER BY id", (delivery_id,)).fetchall()
        return [AttemptRecord(r[0], r[1], parse_ts(r[2]), parse_ts(r[3]), r[4], r[5], r[6])  # type: ignore[arg-type]
                for r in rows]

    @_translated
    def counts(self) -> dict[str, int]:
        return {row[0]: row[1] for row in self._conn.execute(
            "SELECT status, COUNT(*) FROM deliveries GROUP BY status")}

    @_translated
    def requeue(self, delivery_id: int, now: datetime, *, statuses: Sequence[str]) -> bool:
        """Operator retry: put a failed/skipped delivery back in the queue."""
        with self._tx() as tx:
            cur = tx.execute(
                f"UPDATE deliveries SET status = 'queued', due_at = ?, last_error = NULL "
                f"WHERE id = ? AND status IN ({','.join('?' * len(statuses))})",
                (ts(now), delivery_id, *statuses))
            return cur.rowcount == 1

    @_translated
    def skip(self, delivery_id: int, now: datetime) -> bool:
        with self._tx() as tx:
            cur = tx.execute("UPDATE deliveries SET status = 'skipped', last_error = ? "
                             "WHERE id = ? AND status IN ('queued', 'waiting', 'failed')",
                             (f"skipped by operator at {ts(now)}", delivery_id))
            return cur.rowcount == 1

    # -- leases between workers ------------------------------------------------------------

    @_translated
    def claim_feed(self, name: str, url: str, worker: str, now: datetime, *,
                   lease: timedelta, polled_before: datetime | None = None,
                   is_dead: Callable[[str], bool] | None = None) -> bool:
        """Take the feed for one poll, unless another live worker holds it (its lease not
        yet run out) or, with ``polled_before``, it was polled since then (by anyone). A
        holder ``is_dead`` says is gone (killed on this host) loses it at once."""
        with self._tx() as tx:
            self._ensure_feed(tx, name, url)
            row = tx.execute("SELECT poll_owner, poll_until, last_poll_at FROM feeds "
                             "WHERE name = ?" + self._locked("FOR UPDATE"), (name,)).fetchone()
            owner, until, polled = row
            if not self._free(owner, until, worker, now, is_dead):
                return False
            if polled_before is not None and polled is not None and polled > ts(polled_before):
                return False
            tx.execute("UPDATE feeds SET poll_owner = ?, poll_until = ? WHERE name = ?",
                       (worker, ts(now + lease), name))
            return True

    @staticmethod
    def _free(owner: str | None, until: str | None, worker: str, now: datetime,
              is_dead: Callable[[str], bool] | None) -> bool:
        """A lease may be taken: nobody's, ours, run out, or its holder is dead."""
        return (owner is None or owner == worker or (until or "") <= ts(now)
                or (is_dead is not None and is_dead(owner)))

    @_translated
    def release_feed(self, name: str, worker: str) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE feeds SET poll_owner = NULL, poll_until = NULL "
                       "WHERE name = ? AND poll_owner = ?", (name, worker))

    @_translated
    def claim_account(self, name: str, worker: str, now: datetime, *, lease: timedelta,
                      is_dead: Callable[[str], bool] | None = None) -> bool:
        """Take (or extend) the account for a publish pass: one worker sends for it at a
        time, so its spacing, daily cap and budget hold however many workers run."""
        with self._tx() as tx:
            self._touch_account(tx, name)
            owner, until = tx.execute(
                "SELECT send_owner, send_until FROM accounts WHERE name = ?"
                + self._locked("FOR UPDATE"), (name,)).fetchone()
            if not self._free(owner, until, worker, now, is_dead):
                return False
            tx.execute("UPDATE accounts SET send_owner = ?, send_until = ? WHERE name = ?",
                       (worker, ts(now + lease), name))
            return True

    @_translated
    def release_account(self, name: str, worker: str) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE accounts SET send_owner = NULL, send_until = NULL "
                       "WHERE name = ? AND send_owner = ?", (name, worker))

    # -- accounts ---------------------------------------------------------------------------

    @_translated
    def cached(self, account: str, key: str) -> str | None:
        """What a publisher kept for ``account`` under ``key`` (a session, an instance's
        limits), or None."""
        row = self._conn.execute("SELECT value FROM account_cache WHERE account = ? AND key = ?",
                                 (account, key)).fetchone()
        return None if row is None else str(row[0])

    @_translated
    def cache(self, account: str, key: str, value: str | None) -> None:
        """Keep ``value`` for ``account`` under ``key``; None forgets it."""
        with self._tx() as tx:
            if value is None:
                tx.execute("DELETE FROM account_cache WHERE account = ? AND key = ?",
                           (account, key))
            else:
                tx.execute("INSERT INTO account_cache VALUES (?, ?, ?, ?) ON CONFLICT "
                           "(account, key) DO UPDATE SET value = excluded.value, "
                           "updated_at = excluded.updated_at",
                           (account, key, value, ts(datetime.now(UTC))))

    @staticmethod
    def _touch_account(tx: Any, name: str) -> None:
        tx.execute("INSERT INTO accounts (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                   (name,))

    @_translated
    def account_state(self, name: str) -> AccountState:
        row = self._conn.execute("SELECT name, paused_until, pause_reason, pause_fingerprint, "
                                 "last_post_at FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            return AccountState(name, None, None, None, None)
        return AccountState(row[0], parse_ts(row[1]), row[2], row[3], parse_ts(row[4]))

    @_translated
    def pause_account(self, name: str, *, until: datetime | None, reason: str,
                      fingerprint: str | None = None) -> None:
        """``until`` None pauses until a human fixes it (check passes or the config changes)."""
        with self._tx() as tx:
            self._touch_account(tx, name)
            tx.execute("UPDATE accounts SET paused_until = ?, pause_reason = ?, "
                       "pause_fingerprint = ? WHERE name = ?",
                       (ts(until) if until else "9999-12-31T00:00:00.000000Z", reason,
                        fingerprint, name))

    @_translated
    def resume_account(self, name: str) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE accounts SET paused_until = NULL, pause_reason = NULL, "
                       "pause_fingerprint = NULL WHERE name = ?", (name,))

    @_translated
    def sent_since(self, account: str, since: datetime) -> int:
        return int(self._conn.execute(
            "SELECT COUNT(*) FROM deliveries WHERE account = ? AND status = 'sent' "
            "AND sent_at >= ?", (account, ts(since))).fetchone()[0])

    @_translated
    def cost_since(self, account: str, since: datetime) -> float:
        return float(self._conn.execute(
            "SELECT COALESCE(SUM(cost), 0) FROM deliveries WHERE account = ? AND sent_at >= ?",
            (account, ts(since))).fetchone()[0])

    @_translated
    def articles_count(self, feed: str | None = None) -> int:
        if feed:
            return int(self._conn.execute("SELECT COUNT(*) FROM articles WHERE feed = ?",
                                          (feed,)).fetchone()[0])
        return int(self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def _chunked_in(conn: Any, sql: str, feed: str,
                values: Sequence[str]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        yield from conn.execute(sql.format(",".join("?" * len(chunk))), (feed, *chunk))


def copy_state(source: Store, target: Store) -> dict[str, int]:
    """Copy every row of ``source`` into ``target`` (freshly migrated, empty), ids
    included, in one transaction: how ``syndicate migrate --to`` moves an SQLite state into
    PostgreSQL, and how a dry run gets a scratch copy of a database's state. Returns the
    rows per table."""
    tables = []
    for table in TABLES:
        theirs, ours = source.columns(table), set(target.columns(table))
        columns = [c for c in theirs if c in ours]
        keep = [theirs.index(c) for c in columns]
        tables.append((table, columns, [[row[i] for i in keep] for row in source.rows(table)]))
    target.load(tables)
    return {table: len(rows) for table, _, rows in tables}
