"""Opening the index database: SQLite in TRADELANE_HOME by default, PostgreSQL by URL.

    >>> ix = open_index("sqlite://")           # an in-memory index, migrated
    >>> sorted(ix.tables)[:3]
    ['amendments', 'blocks', 'cursors']

The schema is brought to the newest Alembic revision shipped in `migrations/` on open
(forward only); a database from a newer Tradelane is refused by name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

from ..errors import InputError, SetupError
from ..files import home
from .schema import TABLES

__all__ = ["Store", "default_url", "insert_new", "migrate", "open_index"]

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    """`TRADELANE_DB`, else the SQLite file `$TRADELANE_HOME/index.sqlite`."""
    url = os.environ.get("TRADELANE_DB")
    if url:
        return url
    return f"sqlite:///{home() / 'index.sqlite'}"


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (forward only)."""
    config = _alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.begin() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise SetupError(
                f"the index database is at schema revision {current}, newer than this "
                f"Tradelane knows (newest: {head}); upgrade Tradelane or index into a new database"
            )
        if current != head:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL: readers never wait for the follower's write; a kill -9 leaves the last commit.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise InputError(
            f"'{url}' is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB"
        ) from err
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            # one in-memory database, one connection: for one thread at a time (tests, tools)
            return create_engine(
                parsed, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        return create_engine(parsed, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise InputError(f"database '{parsed.drivername}' is not supported: use sqlite or postgresql")


@dataclass
class Store:
    """A migrated index database: `.engine` (SQLAlchemy Engine) and `.tables` (name → Table)."""

    url: str
    engine: Engine
    tables: dict[str, Table]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


def open_index(url: str | None = None) -> Store:
    """The index at `url` (default: `default_url()`), migrated to this version's schema."""
    url = url or default_url()
    engine = _engine(url)
    try:
        migrate(engine)
    except OperationalError as err:
        engine.dispose()
        reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
        raise SetupError(f"cannot open the index database {_safe(url)}: {reason}") from err
    return Store(url=url, engine=engine, tables=dict(TABLES))


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def insert_new(conn: Connection, table):
    """INSERT that skips rows whose key is already there, in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()
