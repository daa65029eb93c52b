"""An index attached to a client: the follower that fills it and the reader the client reads.

    >>> ix = attach(tl)                 # doctest: +SKIP  (opens TRADELANE_DB or the SQLite file)
    >>> ix.sync()                       # doctest: +SKIP  (catch up; cheap when up to date)
    >>> tl.status(1)                    # doctest: +SKIP  (now read from the index)

`attach` sets `tl.index` to the reader, so `Tradelane.status` and `shipments_of` read the
index; the write path, proof bundles and the hash-chain check against the contract's head
still go to the chain. `attach(tl, url, read_only=True)` reads an index another process
keeps (`tradelane index --follow`) and never writes to it: no migration, no sync, token
names learnt from the chain kept in memory.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ..errors import SetupError
from .follower import Follower, SyncReport
from .queries import Reader
from .schema import TABLES
from .store import Store, _alembic_config, _engine, _safe, default_url, open_index

__all__ = ["Attached", "attach", "open_read_only"]


@dataclass
class Attached:
    store: Store
    follower: Follower
    reader: Reader
    read_only: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sync(self, **kwargs) -> SyncReport:
        if self.read_only:
            raise SetupError(
                f"the index {_safe(self.store.url)} is read-only here: "
                "`tradelane index --follow` beside this process keeps it"
            )
        return self.follower.sync(**kwargs)

    def follow_in_background(self, poll: float = 1.0) -> None:
        """Keep the index following the chain in a daemon thread until `stop()`."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self.follower.follow,
            kwargs={"poll": poll, "stop": self._stop},
            name="tradelane-index-follower",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.store.close()


class _ReadOnlyReader(Reader):
    """A reader that never writes: the token names the client learns stay in this process."""

    def __init__(self, *args):
        super().__init__(*args)
        self._tokens: dict[str, tuple[str, int]] = {}

    def token(self, address: str) -> tuple[str, int] | None:
        return self._tokens.get(address) or super().token(address)

    def remember_token(self, address: str, symbol: str, decimals: int) -> None:
        self._tokens[address] = (symbol, decimals)


def open_read_only(url: str | None = None) -> Store:
    """An index another process writes, opened without writing: it must exist and be at this
    version's schema (`tradelane index` creates and migrates it)."""
    url = url or default_url()
    parsed = make_url(url)
    run = "run `tradelane index --follow` with the same --db"
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if path in ("", ":memory:") or not Path(path).expanduser().is_file():
            raise SetupError(f"there is no index at {_safe(url)} yet: {run}")
    engine = _engine(url)
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except OperationalError as err:
        engine.dispose()
        reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
        raise SetupError(f"cannot open the index database {_safe(url)}: {reason}") from err
    if current != head:
        engine.dispose()
        found = f"schema revision {current}" if current else "no Tradelane schema"
        raise SetupError(f"the index {_safe(url)} has {found}, this version reads {head}: {run}")
    return Store(url=url, engine=engine, tables=dict(TABLES))


def attach(
    tl,
    url: str | None = None,
    *,
    store: Store | None = None,
    read_only: bool = False,
    **follower_options,
):
    """Open the index (`url`, default TRADELANE_DB or the SQLite file), attach it to client
    `tl` and return the `Attached` handle. Nothing is synced yet: call `.sync()` (not with
    `read_only`: another process writes that index)."""
    store = store or (open_read_only(url) if read_only else open_index(url))
    follower = Follower.for_client(store, tl, **follower_options)
    reader = (_ReadOnlyReader if read_only else Reader)(store, tl.chain.chain_id, tl.address)
    tl.index = reader
    return Attached(store, follower, reader, read_only)
