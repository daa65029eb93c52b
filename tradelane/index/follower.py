"""The follower: reads a deployment's logs into the index, reorg-safe and crash-safe.

Each range of blocks is written in ONE database transaction together with the cursor, so a
kill -9 at any moment leaves the index at the end of a range: nothing lost, nothing twice.
Before each pass the block under the cursor is compared with the node's; a different hash
means a reorganisation: the index rolls back to the newest block both agree on and reads
forward again. In the unfinalized zone every block's header is read and its parent hash
checked against the block before it. Rows are `final` once their block is at or below the
finalized block (the node's `finalized` tag, or head minus a depth: 65 on mainnet and Sepolia,
0 on a dev chain).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, select, update

from .. import logs as logs_mod
from ..chain import DEV_CHAIN_IDS, Chain
from ..logs import Refused
from .decode import EventDecoder, Log, opening_tranches, shipments_abi, shipments_decoder
from .decode import as_hex as _hash
from .decode import as_int as _int
from .project import Projection
from .reorgs import Reorgs
from .rpc import Rpc
from .schema import blocks, calls, cursors, raw_logs
from .store import Store

__all__ = ["Follower", "SyncReport", "DEV_CHAINS", "DEFAULT_DEPTH"]

log = logging.getLogger("tradelane.index")
DEV_CHAINS = DEV_CHAIN_IDS  # anvil, ganache/hardhat, the embedded eth-tester: depth 0
DEFAULT_DEPTH = 65  # blocks: mainnet and Sepolia finalize after two epochs (64 slots) and one
OPENED = "ShipmentOpened"
STAMP_EVERY = 5  # seconds: how stale `synced_at` may get while nothing new arrives


@dataclass
class SyncReport:
    start: int  # first block read this pass
    end: int  # the cursor after the pass
    head: int
    logs: int = 0
    decoded: int = 0
    reorgs: int = 0
    rolled_back: int = 0  # blocks undone by reorgs this pass
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.logs / self.seconds if self.seconds else 0.0


class _Moved(Exception):
    """The chain changed under a range being read: read again from the cursor."""


class Follower(Reorgs):
    """Follows one deployment (`chain_id`, `address` from `deploy_block`) into `store`."""

    def __init__(
        self,
        store: Store,
        rpc: Rpc,
        chain_id: int,
        address: str,
        deploy_block: int,
        *,
        depth: int | None = None,
        span: int = logs_mod.RANGE,
        abi: list[dict] | None = None,
    ):
        self.store, self.rpc = store, rpc
        self.chain_id, self.address, self.deploy_block = chain_id, address, deploy_block
        self.depth = depth
        self.span = span
        self.decoder = EventDecoder(abi) if abi is not None else shipments_decoder()
        self.tranches_of = opening_tranches(abi if abi is not None else list(shipments_abi()))
        self.lock = threading.Lock()  # one pass at a time per follower

    @classmethod
    def for_client(cls, store: Store, tl, **kwargs) -> Follower:
        """The follower of a `Tradelane` client's deployment."""
        chain: Chain = tl.chain
        return cls(store, Rpc.for_chain(chain), chain.chain_id, tl.address, tl.from_block, **kwargs)

    # -- finality ------------------------------------------------------------------------

    def finality(self) -> str:
        if self.depth is not None:
            return f"depth {self.depth}"
        if self.chain_id in DEV_CHAINS:
            return "depth 0"
        return "finalized tag"

    def finalized(self, head: int) -> int:
        if self.depth is not None:
            return head - self.depth
        if self.chain_id in DEV_CHAINS:
            return head
        try:
            tagged = self.rpc.header("finalized")
        except Refused:
            tagged = None
        if tagged:
            return _int(tagged["number"])
        return head - DEFAULT_DEPTH

    # -- the cursor ----------------------------------------------------------------------

    def _key(self, table):
        return and_(table.c.chain_id == self.chain_id, table.c.contract == self.address)

    def _logs(self):
        return and_(raw_logs.c.chain_id == self.chain_id, raw_logs.c.address == self.address)

    def cursor(self, conn) -> dict | None:
        row = conn.execute(select(cursors).where(self._key(cursors))).first()
        return dict(row._mapping) if row else None

    def _start(self, conn) -> dict:
        """The cursor, created just before the deployment block on first use."""
        cur = self.cursor(conn)
        if cur is not None:
            return cur
        number = max(self.deploy_block - 1, 0)
        header = self.rpc.header(number)
        cur = {
            "chain_id": self.chain_id,
            "contract": self.address,
            "deploy_block": self.deploy_block,
            "number": number,
            "hash": _hash(header["hash"]),
            "timestamp": _int(header["timestamp"]),
            "head": number,
            "finalized": 0,
            "finality": self.finality(),
            "synced_at": int(time.time()),
            "reorgs": 0,
        }
        conn.execute(cursors.insert(), cur)
        return cur

    # -- one pass ------------------------------------------------------------------------

    def sync(
        self, to_block: int | None = None, progress: Callable[[SyncReport], None] | None = None
    ) -> SyncReport:
        """Catch up from the cursor to the head (or `to_block`); returns what was done."""
        with self.lock:
            for _attempt in range(20):
                try:
                    return self._pass(to_block, progress)
                except _Moved:
                    continue  # the chain moved under us: check the cursor again
            raise logs_mod.ChainError("the chain keeps reorganising; try again later")

    def _pass(self, to_block, progress) -> SyncReport:
        started = time.monotonic()
        head = self.rpc.block_number()
        with self.store.engine.begin() as conn:
            cur = self._start(conn)
        report = SyncReport(start=cur["number"] + 1, end=cur["number"], head=head)
        undone = self._check_reorg(cur)
        if undone:
            report.reorgs, report.rolled_back = 1, undone
            with self.store.engine.begin() as conn:
                cur = self._start(conn)
        elif head == cur["number"] and (to_block is None or to_block >= head):
            # nothing new (the common case for a page request): no write, unless the
            # freshness stamp is getting old
            if time.time() - cur["synced_at"] >= STAMP_EVERY:
                self._finalize(head, self.finalized(head))
            report.seconds = time.monotonic() - started
            return report
        finalized = self.finalized(head)
        target = head if to_block is None else min(head, to_block)

        def get(first: int, last: int) -> list:
            return self.rpc.logs(self.address, first, last)

        expected_parent = cur["hash"]
        for first, last, found in logs_mod.ranges(get, cur["number"] + 1, target, span=self.span):
            expected_parent = self._write(first, last, found, finalized, expected_parent, report)
            report.end = last
            report.seconds = time.monotonic() - started
            if progress:
                progress(report)
        self._finalize(head, finalized)
        report.seconds = time.monotonic() - started
        return report

    def _write(self, first, last, found, finalized, expected_parent, report) -> str:
        """Store one range and move the cursor, in one transaction; returns the new tip hash."""
        headers = self._headers(first, last, found, finalized, expected_parent)
        times = {n: _int(h["timestamp"]) for n, h in headers.items()}
        batch = [Log.from_rpc(raw, times[_int(raw["blockNumber"])]) for raw in found]
        batch.sort(key=lambda lg: (lg.block_number, lg.log_index))
        described = [self.decoder.describe(lg) for lg in batch]
        openings = sorted(
            {lg.tx_hash for lg, (ev, _) in zip(batch, described, strict=True) if ev == OPENED}
        )
        inputs = self.rpc.inputs(openings) if openings else {}
        tip = headers[last]
        with self.store.engine.begin() as conn:
            # the cursor moves first, and only from where this range starts: a second follower
            # on the same database (a CLI beside a server) finds it moved and reads again
            self._move_cursor(conn, first, last, expected_parent, tip, times[last], report.head)
            self._store_rows(conn, headers, times, finalized, batch, described, inputs)
            projection = Projection(conn, self.chain_id, self.address, self.decoder)
            projection.tranches = {h: self.tranches_of(i) for h, i in inputs.items()}
            report.decoded += projection.apply(batch)
        report.logs += len(batch)
        return _hash(tip["hash"])

    def _move_cursor(self, conn, first, last, expected_parent, tip, timestamp, head) -> None:
        """Move the cursor from the block before `first` (hash `expected_parent`) to `last`;
        raises :class:`_Moved` if it is no longer there (another follower moved it)."""
        moved = conn.execute(
            update(cursors)
            .where(self._key(cursors), cursors.c.number == first - 1)
            .where(cursors.c.hash == expected_parent)
            .values(
                number=last,
                hash=_hash(tip["hash"]),
                timestamp=timestamp,
                head=max(head, last),
                synced_at=int(time.time()),
            )
        )
        if moved.rowcount != 1:
            raise _Moved()

    def _store_rows(self, conn, headers, times, finalized, batch, described, inputs) -> None:
        """The range's blocks, its logs as read (with what each is), and the opening calls."""
        block_rows = [
            {"chain_id": self.chain_id, "contract": self.address, "number": n}
            | {"hash": _hash(h["hash"]), "parent_hash": _hash(h["parentHash"])}
            | {"timestamp": times[n], "final": n <= finalized}
            for n, h in sorted(headers.items())
        ]
        conn.execute(blocks.insert(), block_rows)
        if batch:
            conn.execute(
                raw_logs.insert(),
                [
                    lg.as_row(self.chain_id, lg.block_number <= finalized, ev, sid)
                    for lg, (ev, sid) in zip(batch, described, strict=True)
                ],
            )
        if inputs:
            conn.execute(
                calls.insert(),
                [
                    {"chain_id": self.chain_id, "tx_hash": h, "block_number": 0, "input": i}
                    | {"block_number": next(lg.block_number for lg in batch if lg.tx_hash == h)}
                    for h, i in inputs.items()
                ],
            )

    def _headers(self, first, last, found, finalized, expected_parent) -> dict[int, dict]:
        """The headers of the range's blocks with logs, its last block and every unfinalized
        one; they must be one chain: each log in the block read, each parent linked."""
        numbers = {_int(raw["blockNumber"]) for raw in found} | {last}
        numbers |= set(range(max(first, finalized + 1), last + 1))  # unfinalized: all of them
        headers = self.rpc.headers(sorted(numbers))
        if last not in headers:
            raise _Moved()
        for raw in found:
            header = headers.get(_int(raw["blockNumber"]))
            if header is None or _hash(header["hash"]) != _hash(raw["blockHash"]):
                raise _Moved()
        previous = (first - 1, expected_parent)
        for n in sorted(headers):
            if n == previous[0] + 1 and _hash(headers[n]["parentHash"]) != previous[1]:
                raise _Moved()
            previous = (n, _hash(headers[n]["hash"]))
        return headers

    def _finalize(self, head: int, finalized: int) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(
                update(blocks)
                .where(self._key(blocks), blocks.c.number <= finalized, blocks.c.final.is_(False))
                .values(final=True)
            )
            conn.execute(
                update(raw_logs)
                .where(
                    self._logs(), raw_logs.c.block_number <= finalized, raw_logs.c.final.is_(False)
                )
                .values(final=True)
            )
            conn.execute(
                update(cursors)
                .where(self._key(cursors))
                .values(
                    head=head,
                    finalized=max(finalized, 0),
                    finality=self.finality(),
                    synced_at=int(time.time()),
                )
            )

    # -- following -----------------------------------------------------------------------

    def follow(
        self,
        *,
        poll: float = 2.0,
        stop: threading.Event | None = None,
        on_sync: Callable[[SyncReport], None] | None = None,
    ) -> None:
        """Sync, wait `poll` seconds, repeat, until `stop` is set; a node that stops answering
        is waited for (logged), not fatal."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                report = self.sync()
                if on_sync:
                    on_sync(report)
            except (Refused, OSError, logs_mod.ChainError) as err:
                log.warning("index follower: %s (retrying in %ss)", err, poll)
            stop.wait(poll)
