"""The event index: every Tradelane event of a deployment in a database, reorg- and crash-safe.

    open_index(url)          -> Store (.engine, .tables), migrated; SQLite by default
    Follower(store, rpc, …)  -> .sync() once / .follow() continuously / .rollback / .redecode
    queries                  -> what status, shipments, watch and the web page read

Tables: INDEX_SCHEMA.md (the contract other rooms read), tradelane/index/schema.py.
"""

from __future__ import annotations

from .store import Store, default_url, open_index

__all__ = ["Store", "default_url", "open_index"]
