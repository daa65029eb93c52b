"""An index attached to a client: the follower that fills it and the reader the client reads.

    >>> ix = attach(tl)                 # doctest: +SKIP  (opens TRADELANE_DB or the SQLite file)
    >>> ix.sync()                       # doctest: +SKIP  (catch up; cheap when up to date)
    >>> tl.status(1)                    # doctest: +SKIP  (now read from the index)

`attach` sets `tl.index` to the reader, so `Tradelane.status` and `shipments_of` read the
index; the write path, proof bundles and the hash-chain check against the contract's head
still go to the chain.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .follower import Follower, SyncReport
from .queries import Reader
from .store import Store, open_index

__all__ = ["Attached", "attach"]


@dataclass
class Attached:
    store: Store
    follower: Follower
    reader: Reader
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sync(self, **kwargs) -> SyncReport:
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


def attach(tl, url: str | None = None, *, store: Store | None = None, **follower_options):
    """Open the index (`url`, default TRADELANE_DB or the SQLite file), attach it to client
    `tl` and return the `Attached` handle. Nothing is synced yet: call `.sync()`."""
    store = store or open_index(url)
    follower = Follower.for_client(store, tl, **follower_options)
    reader = Reader(store, tl.chain.chain_id, tl.address)
    tl.index = reader
    return Attached(store, follower, reader)
