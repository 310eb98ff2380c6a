"""Where rows go: a SQLite file, a PostgreSQL or MySQL/MariaDB server, or the exporter's HTTP
ingest endpoint. Each transport writes a list of rows all or nothing (`write`) and is used by
one thread at a time (the logger's writer thread); `close` may be called from another.

A failure raises: `TransientError` (the database or the exporter is away — the logger keeps the
rows and tries again) or `RejectedError` (the rows themselves were refused — trying again
cannot help; the logger drops and counts them).
"""

import datetime
import json
import re
import sqlite3
import ssl
import urllib.error
import urllib.parse
import urllib.request

from .events import COLUMNS

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class TransientError(Exception):
    """Nothing was written; the same rows may be written later."""


class RejectedError(Exception):
    """The destination refused these rows for what they are."""


def _table(name):
    if not _IDENTIFIER.match(name):
        raise ValueError(f"table must be a plain identifier (letters, digits, _), got {name!r}")
    return name


class _SqlTransport:
    """Shared by the SQL transports: one connection, opened on first use and again after a
    failure; INSERTs of every row in one transaction; timestamps written in UTC."""

    placeholder = "%s"

    def __init__(self, table):
        self.table = _table(table)
        self._conn = None
        self._has_sub_stage = None

    # Subclasses: _connect() -> DB-API connection; _is_transient(exc) -> bool;
    # _timestamp(datetime) -> the value to bind.

    def _columns(self, conn):
        if self._has_sub_stage is None:
            cur = conn.cursor()
            try:
                cur.execute(f"SELECT subStage FROM {self.table} WHERE 1 = 0")
                cur.fetchall()
                self._has_sub_stage = True
            except Exception:  # a table of migration 001 alone
                conn.rollback()
                self._has_sub_stage = False
            finally:
                cur.close()
        return [c for c in COLUMNS if c != "subStage" or self._has_sub_stage]

    def write(self, rows):
        try:
            if self._conn is None:
                self._conn = self._connect()
            conn = self._conn
            columns = self._columns(conn)
            sql = (f"INSERT INTO {self.table} ({', '.join(columns)}) VALUES "
                   f"({', '.join([self.placeholder] * len(columns))})")
            params = []
            for row in rows:
                if "subStage" in row and "subStage" not in columns:
                    raise RejectedError("the table has no subStage column (apply migration 002)")
                params.append(tuple(self._timestamp(row[c]) if c == "timestamp" else row.get(c)
                                    for c in columns))
            cur = conn.cursor()
            try:
                cur.executemany(sql, params)
            finally:
                cur.close()
            conn.commit()
        except RejectedError:
            self._rollback()
            raise
        except Exception as e:
            self.close()
            if self._is_transient(e):
                raise TransientError(f"{type(e).__name__}: {e}") from e
            raise RejectedError(f"{type(e).__name__}: {e}") from e

    def _rollback(self):
        try:
            if self._conn is not None:
                self._conn.rollback()
        except Exception:
            self.close()

    def close(self):
        conn, self._conn = self._conn, None
        self._has_sub_stage = None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass


class SqliteTransport(_SqlTransport):
    """A SQLite file, in WAL mode (readers such as the exporter never wait on the writer)."""

    placeholder = "?"

    def __init__(self, path, table="batchExecutionLog", busy_timeout=5.0):
        super().__init__(table)
        self.path = path
        self.busy_timeout = busy_timeout

    def _connect(self):
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level="DEFERRED",
                               check_same_thread=False)
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()
        if not mode or mode[0].lower() != "wal":
            conn.close()
            raise sqlite3.OperationalError(f"cannot put {self.path} in WAL mode")
        return conn

    def _is_transient(self, e):
        # Locked, busy, a file that cannot be opened yet: all pass. A missing table or column is
        # a set-up error, but the exporter may be about to create the table: transient too.
        return isinstance(e, sqlite3.OperationalError)

    def _timestamp(self, when):
        return when.strftime("%Y-%m-%d %H:%M:%S.") + f"{when.microsecond // 1000:03d}"


class PostgresTransport(_SqlTransport):
    """A PostgreSQL server through psycopg2 (Debian: python3-psycopg2)."""

    def __init__(self, dsn, table="batchExecutionLog", connect_timeout=5):
        super().__init__(table)
        import psycopg2  # noqa: F401  (fails here, at construction, when it is missing)
        self.dsn = dsn
        self.connect_timeout = connect_timeout

    def _connect(self):
        import psycopg2
        return psycopg2.connect(self.dsn, connect_timeout=self.connect_timeout,
                                application_name="pipeline_events")

    def _is_transient(self, e):
        import psycopg2
        return isinstance(e, (psycopg2.OperationalError, psycopg2.InterfaceError))

    def _timestamp(self, when):
        return when  # timestamptz from an aware datetime


class MysqlTransport(_SqlTransport):
    """A MySQL or MariaDB server through PyMySQL (Debian: python3-pymysql). The session runs in
    UTC, so DATETIME(3) holds UTC as the exporter expects."""

    def __init__(self, host="127.0.0.1", port=3306, user=None, password=None, database=None,
                 table="batchExecutionLog", connect_timeout=5):
        super().__init__(table)
        import pymysql  # noqa: F401
        self.params = dict(host=host, port=int(port), user=user, password=password or "",
                           database=database, connect_timeout=connect_timeout,
                           read_timeout=30, write_timeout=30, charset="utf8mb4",
                           init_command="SET time_zone = '+00:00'", autocommit=False)

    def _connect(self):
        import pymysql
        return pymysql.connect(**self.params)

    def _is_transient(self, e):
        import pymysql
        if isinstance(e, (pymysql.err.OperationalError, pymysql.err.InterfaceError)):
            return True
        return False

    def _timestamp(self, when):
        return when.astimezone(datetime.timezone.utc).replace(tzinfo=None)


class HttpTransport:
    """The exporter's ingest endpoint: POST /api/events?pipeline=P with a bearer token, at most
    1,000 rows a request (the exporter's limit). TLS is verified unless verify=False; `cafile`
    names a CA bundle. The exporter stamps rows with its database's time."""

    MAX_ROWS = 1000

    def __init__(self, url, token, pipeline=None, verify=True, cafile=None, timeout=10.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"url must be http(s)://host[:port], got {url!r}")
        if not token:
            raise ValueError("the ingest endpoint needs its token (ingest.token)")
        query = urllib.parse.urlencode({"pipeline": pipeline}) if pipeline else ""
        self.endpoint = urllib.parse.urlunsplit(
            (parts.scheme, parts.netloc, parts.path.rstrip("/") + "/api/events", query, ""))
        self.token = token
        self.timeout = timeout
        self.context = None
        if parts.scheme == "https":
            self.context = ssl.create_default_context(cafile=cafile)
            if not verify:
                self.context.check_hostname = False
                self.context.verify_mode = ssl.CERT_NONE

    def write(self, rows):
        for start in range(0, len(rows), self.MAX_ROWS):
            self._post(rows[start:start + self.MAX_ROWS])

    def _post(self, rows):
        items = [{k: v for k, v in row.items() if k != "timestamp"} for row in rows]
        body = json.dumps(items, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.endpoint, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as r:
                r.read()
        except urllib.error.HTTPError as e:
            detail = e.read(2048).decode("utf-8", errors="replace")
            if e.code in (400, 413, 415):
                raise RejectedError(f"HTTP {e.code}: {detail}") from e
            # 401/403 (a token being rotated, ingest switched off), 429, 5xx: later.
            raise TransientError(f"HTTP {e.code}: {detail}") from e
        except (urllib.error.URLError, OSError) as e:
            raise TransientError(f"{type(e).__name__}: {e}") from e

    def close(self):
        pass


def transport_from_url(url, table="batchExecutionLog", token=None, pipeline=None, verify=True,
                       cafile=None):
    """sqlite:///path/to/file.db (sqlite:////abs/path too), postgresql://user:pw@host:port/db,
    mysql://user:pw@host:port/db, http(s)://host:port (with token and pipeline)."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = url[len("sqlite://"):]
        if path.startswith("/"):
            path = path[1:]  # sqlite:///relative.db, sqlite:////absolute.db
        if not path:
            raise ValueError("sqlite:///path/to/events.db needs a path")
        return SqliteTransport(path, table=table)
    if scheme in ("postgresql", "postgres"):
        return PostgresTransport(url, table=table)
    if scheme in ("mysql", "mariadb"):
        return MysqlTransport(host=parts.hostname or "127.0.0.1", port=parts.port or 3306,
                              user=urllib.parse.unquote(parts.username or ""),
                              password=urllib.parse.unquote(parts.password or ""),
                              database=parts.path.lstrip("/") or None, table=table)
    if scheme in ("http", "https"):
        return HttpTransport(url, token, pipeline=pipeline, verify=verify, cafile=cafile)
    raise ValueError(f"unsupported target {url!r}: sqlite:///…, postgresql://…, mysql://…, "
                     "http(s)://…")
