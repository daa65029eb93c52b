"""Keeping the app's index fresh: the follower runs beside the requests, not inside them.

A request reads the index as it is, with no call to the node, unless the index's last sync
is older than `max_age` seconds; then it waits for one sync, shared with every request that
arrives meanwhile (`max_age` 0: every request syncs, as a test that records a milestone and
reads the page at once needs).

``follow=True``: the index is this app's. A background thread syncs it every `every` seconds
(every `fast` seconds while live pages or webhooks watch), so the bound is only reached when
the node stops answering; each sync that moves the index wakes the live watcher (live.py),
so there is one poller of the node, not two.

``follow=False``: the index belongs to a ``tradelane index --follow`` running beside the
server. This app never writes to it; a request finding it staler than `max_age` waits for
that follower's next stamp, and answers 503 with the reason if none comes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ..errors import ChainError, InputError
from ..index.follower import STAMP_EVERY

__all__ = ["IndexKeeper", "IndexUnavailable"]

log = logging.getLogger("tradelane.web.index")
BESIDE_WAIT = 10.0  # seconds a request waits for the follower beside the server to stamp
MIN_BESIDE_AGE = 2 * STAMP_EVERY  # it stamps every 5 s when nothing is new, plus its poll


class IndexUnavailable(ChainError):
    """The index cannot be opened, or is older than the bound and nothing brought it up to
    date (503, with the reason)."""


class IndexKeeper:
    """The freshness bound of one app's index and, with `follow`, the thread that keeps it."""

    def __init__(
        self,
        attached: Callable[[], object],
        *,
        follow: bool = True,
        max_age: float = 30.0,
        every: float = 1.0,
        fast: float = 0.2,
    ):
        if not follow and max_age < MIN_BESIDE_AGE:
            raise InputError(
                f"a max index age of {max_age:g} s is tighter than `tradelane index --follow` "
                f"beside the server keeps (it stamps the index every {STAMP_EVERY} s when "
                f"nothing is new): give --max-index-age {MIN_BESIDE_AGE} or more"
            )
        self._attached = attached  # opens the client and its index on first call
        self.follow, self.max_age, self.every, self.fast = follow, max_age, every, fast
        self.eager = False  # live pages or webhooks are watching: sync every `fast` seconds
        self.syncs = 0  # syncs this app ran (requests and thread)
        self._sync_lock = threading.Lock()
        self._synced: float | None = None  # monotonic start of the last successful sync
        self._listeners: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    # -- what requests call --------------------------------------------------------------

    def age(self) -> float:
        """Seconds since the last sync this app ran began (infinite before the first)."""
        return float("inf") if self._synced is None else time.monotonic() - self._synced

    def ensure_fresh(self, ix) -> None:
        """Return once the index `ix` is within the bound (no node call when it already is)."""
        if not self.follow:
            self._wait_for_beside(ix)
        elif self.max_age == 0 or self.age() > self.max_age:
            self.sync(ix)

    def sync(self, ix) -> None:
        """One sync of `ix`; a caller arriving while one runs waits for it and then syncs only
        if that one began before the caller asked."""
        asked = time.monotonic()
        with self._sync_lock:
            if self._synced is not None and self._synced >= asked:
                return  # a sync that began after we asked has finished: it is ours too
            began = time.monotonic()
            report = ix.sync()
            self._synced = began
            self.syncs += 1
        if report.end >= report.start or report.reorgs:  # the index moved
            for listener in list(self._listeners):
                listener()

    def listen(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after each sync that moved the index."""
        self._listeners.append(listener)

    def hurry(self, on: bool) -> None:
        """Sync every `fast` seconds (on) or every `every` seconds (off)."""
        self.eager = on
        if on:
            self._wake.set()

    def _wait_for_beside(self, ix) -> None:
        fresh = ix.reader.freshness()
        if fresh is None:
            raise IndexUnavailable(
                "the index holds nothing for this contract yet: start "
                "`tradelane index --follow` with the same --db beside the server"
            )
        deadline = time.monotonic() + BESIDE_WAIT
        while fresh.age > self.max_age:
            if time.monotonic() > deadline or self._stop.is_set():
                raise IndexUnavailable(
                    f"the index was last synced {fresh.age} s ago, more than the server's "
                    f"bound of {self.max_age:g} s: is `tradelane index --follow` running?"
                )
            self._stop.wait(0.25)
            fresh = ix.reader.freshness()

    # -- the follower thread -------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start following (idempotent; nothing to start without `follow`, with `max_age`
        0, or after `stop`)."""
        if not self.follow or self.max_age == 0 or self._stop.is_set() or self.running:
            return
        with self._starting:
            if not self.running:
                self._thread = threading.Thread(
                    target=self._run, name="tradelane-index-follower", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                self.sync(self._attached())
                if failing:
                    log.warning("index follower: the node answers again")
                failing = False
            except Exception as err:  # noqa: BLE001 - the thread outlives a node that is down
                if not failing:  # once per outage, not every second
                    log.warning("index follower: %s (retrying every %g s)", err, self.every)
                failing = True
            self._wake.wait(self.fast if self.eager else self.every)
            self._wake.clear()
