"""Helpers of the index tests: dump an index, build one from scratch."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tradelane.client import Tradelane
from tradelane.index import attach, open_index
from tradelane.index.schema import DECODED, calls, raw_logs

__all__ = ["dump", "fresh_dump"]


def _plain(value):
    if isinstance(value, Decimal):
        return int(value)
    return value


def dump(url_or_store, chain_id: int, contract: str) -> dict[str, list[tuple]]:
    """Every decoded row and raw log of the deployment, sorted, as plain values (the
    `final` flag left out: it depends on when the rows were read, not on what)."""
    store = open_index(url_or_store) if isinstance(url_or_store, str) else url_or_store
    found = {}
    with store.engine.connect() as conn:
        for table in (*DECODED, raw_logs, calls):
            columns = [c for c in table.c if c.name != "final"]
            rows = conn.execute(select(*columns)).all()
            found[table.name] = sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)
    if isinstance(url_or_store, str):
        store.close()
    return found


def fresh_dump(tl: Tradelane, url: str) -> dict[str, list[tuple]]:
    """The index of the deployment built from scratch into `url`, dumped."""
    client = Tradelane(tl.chain, tl.address, tl.deployment)
    ix = attach(client, url)
    ix.sync()
    try:
        return dump(ix.store, tl.chain.chain_id, tl.address)
    finally:
        ix.stop()
