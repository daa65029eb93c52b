"""The event index: every Tradelane event of a deployment in a database, reorg- and crash-safe.

    open_index(url)          -> Store (.engine, .tables), migrated; SQLite by default
    attach(tl, url)          -> Attached(store, follower, reader); tl.status reads the index
    Follower(store, rpc, …)  -> .sync() once / .follow() continuously / .rollback / .redecode
    Reader(store, chain, c)  -> snapshot, history, shipments_of, count_of, freshness,
                                credit (a payee's, as the contract's), disputer

Tables: INDEX_SCHEMA.md (the contract other rooms read), tradelane/index/schema.py.
"""

from __future__ import annotations

from .attached import Attached, attach
from .follower import Follower, SyncReport
from .queries import Freshness, Reader
from .store import Store, default_url, open_index

__all__ = [
    "Attached",
    "Follower",
    "Freshness",
    "Reader",
    "Store",
    "SyncReport",
    "attach",
    "default_url",
    "open_index",
]
