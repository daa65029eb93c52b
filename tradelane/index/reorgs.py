"""Undoing a reorganisation: the follower's rollback to the common ancestor, and re-folding.

The decoded tables are a pure function of the raw logs (and the opening calls' input), so a
rollback deletes the raw logs, blocks and calls after the ancestor and folds the touched
shipments again from what survives, in the same transaction as the cursor moving back.
`Reorgs` is mixed into `Follower` (which supplies the store, the node and the decoder).
"""

from __future__ import annotations

import logging

from sqlalchemy import and_, delete, func, select, update

from .decode import Log
from .decode import as_hex as _hash
from .decode import as_int as _int
from .project import Projection
from .schema import blocks, calls, cursors, payouts, raw_logs

__all__ = ["Reorgs"]

log = logging.getLogger("tradelane.index")


class Reorgs:
    """Rollback and re-fold, for `Follower`."""

    def _check_reorg(self, cur: dict) -> int:
        """Roll back to the common ancestor if the cursor's block is no longer on the chain.
        Returns how many blocks were undone (0: none)."""
        header = self.rpc.header(cur["number"])
        if header is not None and _hash(header["hash"]) == cur["hash"]:
            return 0
        ancestor = self._ancestor(cur["number"])
        log.warning(
            "chain %s reorganised: rolling the index back from block %s to %s",
            self.chain_id,
            cur["number"],
            ancestor,
        )
        self.rollback(ancestor)
        return cur["number"] - ancestor

    def _ancestor(self, below: int) -> int:
        """The newest stored block the node still has (the deployment block - 1 if none)."""
        with self.store.engine.connect() as conn:
            stored = conn.execute(
                select(blocks.c.number, blocks.c.hash)
                .where(self._key(blocks), blocks.c.number <= below)
                .order_by(blocks.c.number.desc())
            ).all()
        for start in range(0, len(stored), 50):
            chunk = stored[start : start + 50]
            node = self.rpc.headers([n for n, _ in chunk])
            for n, h in chunk:
                if n in node and _hash(node[n]["hash"]) == h:
                    return n
        return max(self.deploy_block - 1, 0)

    def rollback(self, ancestor: int) -> None:
        """Undo every block after `ancestor` and re-fold the shipments they touched, in one
        transaction (the cursor moves back with them)."""
        header = self.rpc.header(ancestor)
        with self.store.engine.begin() as conn:
            where = and_(
                raw_logs.c.chain_id == self.chain_id,
                raw_logs.c.address == self.address,
                raw_logs.c.block_number > ancestor,
            )
            touched = {
                sid
                for (sid,) in conn.execute(
                    select(raw_logs.c.shipment_id).where(where, raw_logs.c.shipment_id.isnot(None))
                ).all()
            }
            conn.execute(delete(raw_logs).where(where))
            conn.execute(delete(blocks).where(self._key(blocks), blocks.c.number > ancestor))
            conn.execute(
                delete(calls).where(
                    calls.c.chain_id == self.chain_id, calls.c.block_number > ancestor
                )
            )
            conn.execute(
                delete(payouts).where(
                    self._key(payouts),
                    payouts.c.shipment_id.is_(None),
                    payouts.c.block_number > ancestor,
                )
            )
            self._refold(conn, touched)
            conn.execute(
                update(cursors)
                .where(self._key(cursors))
                .values(
                    number=ancestor,
                    hash=_hash(header["hash"]),
                    timestamp=_int(header["timestamp"]),
                    reorgs=cursors.c.reorgs + 1,
                )
            )

    def _refold(self, conn, ids: set[int] | None) -> None:
        """Rebuild the decoded rows of shipments `ids` (None: all) from the raw logs kept."""
        projection = Projection(conn, self.chain_id, self.address, self.decoder)
        where = and_(raw_logs.c.chain_id == self.chain_id, raw_logs.c.address == self.address)
        if ids is None:
            ids = {
                sid
                for (sid,) in conn.execute(
                    select(raw_logs.c.shipment_id)
                    .where(where, raw_logs.c.shipment_id.isnot(None))
                    .distinct()
                ).all()
            }
        projection.forget(ids)
        todo = sorted(ids)
        rows = []
        for start in range(0, len(todo), 500):
            rows += conn.execute(
                select(raw_logs).where(where, raw_logs.c.shipment_id.in_(todo[start : start + 500]))
            ).all()
        batch = sorted(
            (Log.from_row(r) for r in rows), key=lambda lg: (lg.block_number, lg.log_index)
        )
        opened = {lg.tx_hash for lg in batch}
        projection.tranches = {
            r.tx_hash: self.tranches_of(r.input)
            for r in conn.execute(select(calls).where(calls.c.chain_id == self.chain_id)).all()
            if r.tx_hash in opened
        }
        projection.apply(batch)

    def redecode(self) -> int:
        """Rebuild every decoded table from the raw logs (after an upgrade brought new events)."""
        with self.lock, self.store.engine.begin() as conn:
            where = and_(raw_logs.c.chain_id == self.chain_id, raw_logs.c.address == self.address)
            rows = conn.execute(select(raw_logs).where(where)).all()
            for row in rows:  # events this version knows that the one that stored them did not
                event, sid = self.decoder.describe(Log.from_row(row))
                if (event, sid) != (row.event, row.shipment_id):
                    conn.execute(
                        update(raw_logs)
                        .where(
                            where,
                            raw_logs.c.block_hash == row.block_hash,
                            raw_logs.c.tx_hash == row.tx_hash,
                            raw_logs.c.log_index == row.log_index,
                        )
                        .values(event=event, shipment_id=sid)
                    )
            self._refold(conn, None)
            return conn.execute(
                select(func.count()).select_from(raw_logs).where(where)
            ).scalar_one()
