"""Live updates: one watcher per app follows the index and tells whoever listens.

A shipment page subscribes with server-sent events (``/shipment/{id}/events``); the watcher
(one thread, however many pages are open) looks at the block the index has reached, woken by
each sync of the app's follower (keeper.py) or every `interval` seconds, and, when it moves,
at the small live summary of each watched shipment: index lookups, no call to the node. The
follower is the one poller of the node; while anyone watches it syncs every 0.2 s instead of
every second, so a page updates within a fraction of a second of the block. A changed
summary is pushed to that shipment's subscribers at once. Webhooks (`feeds.Webhooks`)
ride on the same watcher. The thread stops when nobody listens and starts again with the
next subscriber.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from . import service

__all__ = ["LiveHub", "hub", "router"]

log = logging.getLogger("tradelane.web.live")
router = APIRouter(include_in_schema=False)
KEEPALIVE_SECONDS = 15.0


class LiveHub:
    """Block watcher shared by every subscriber of one app."""

    def __init__(self, backend, interval: float = 0.2):
        self.backend = backend
        self.interval = interval
        self._subs: dict[int, set[tuple[asyncio.Queue, asyncio.AbstractEventLoop]]] = {}
        self._versions: dict[int, str] = {}
        self._listeners: list[Callable] = []  # called as f(tl, first_block, last_block)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._poke = threading.Event()  # the index moved
        self._block: int | None = None
        backend.keeper.listen(self._poke.set)

    def subscribe(self, shipment_id: int) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        with self._lock:
            self._subs.setdefault(shipment_id, set()).add((queue, asyncio.get_running_loop()))
        self._ensure_running()
        return queue

    def unsubscribe(self, shipment_id: int, queue: asyncio.Queue) -> None:
        with self._lock:
            subs = self._subs.get(shipment_id, set())
            subs.difference_update({s for s in subs if s[0] is queue})
            if not subs:
                self._subs.pop(shipment_id, None)
                self._versions.pop(shipment_id, None)

    def listen(self, listener: Callable) -> None:
        """Call `listener(tl, first_block, last_block)` for every range of new blocks."""
        with self._lock:
            self._listeners.append(listener)
        self._ensure_running()

    def stop(self) -> None:
        """Stop watching and end every open event stream (server shutdown)."""
        self._stop.set()
        self._poke.set()
        self.backend.keeper.hurry(False)

    @property
    def block(self) -> int | None:
        """The last block the watcher has seen (None before its first look)."""
        return self._block

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _idle(self) -> bool:
        with self._lock:
            return not self._subs and not self._listeners

    def _ensure_running(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="tradelane-live", daemon=True)
            self._thread.start()
        self.backend.keeper.hurry(True)

    def _run(self) -> None:
        idle_since = 0
        while not self._stop.is_set():
            self._poke.wait(self.interval)
            self._poke.clear()
            if self._stop.is_set():
                return
            if self._idle():
                idle_since += 1
                if idle_since * self.interval > 5:
                    with self._lock:
                        if not self._subs and not self._listeners:
                            self._thread = None
                            self.backend.keeper.hurry(False)
                            return
                continue
            idle_since = 0
            try:
                self._tick()
            except Exception as err:  # noqa: BLE001 - a node hiccup must not kill the watcher
                log.warning("live updates: %s", err)

    def _tick(self) -> None:
        with self.backend.use() as tl:
            block = self.backend.freshness().block  # where the index is: no node call
            if block == self._block:
                return
            first = block if self._block is None or block < self._block else self._block + 1
            self._block = block
            with self._lock:
                watched = {sid: set(subs) for sid, subs in self._subs.items()}
                listeners = list(self._listeners)
            changes = {}
            for sid in watched:
                live = service.live(tl, sid)
                if self._versions.get(sid) != live["version"]:
                    self._versions[sid] = live["version"]
                    changes[sid] = live
            for listener in listeners:
                try:
                    listener(tl, first, block)
                except Exception as err:  # noqa: BLE001
                    log.warning("live listener failed: %s", err)
        for sid, live in changes.items():
            for queue, loop in watched[sid]:
                loop.call_soon_threadsafe(queue.put_nowait, live)


def hub(app) -> LiveHub:
    """The app's watcher, made on first use."""
    existing = getattr(app.state, "live_hub", None)
    if existing is None:
        existing = app.state.live_hub = LiveHub(app.state.backend)
    return existing


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


@router.get("/shipment/{shipment_id}/events")
async def events(request: Request, shipment_id: int, version: str = ""):
    """Server-sent events: `update` with the live summary whenever the shipment changes."""

    def first() -> dict:
        with request.app.state.backend.use() as tl:
            return service.live(tl, shipment_id)

    live = await run_in_threadpool(first)  # 404 before the stream starts
    watcher = hub(request.app)
    queue = watcher.subscribe(shipment_id)

    async def stream():
        try:
            yield "retry: 1000\n\n"
            if version and live["version"] != version:
                yield _event("update", live)
            waited = 0.0
            while not live["final"]:
                if watcher.stopped or await request.is_disconnected():
                    return
                try:
                    update = await asyncio.wait_for(queue.get(), 1.0)
                except TimeoutError:
                    waited += 1.0
                    if waited >= KEEPALIVE_SECONDS:
                        waited = 0.0
                        yield ": keep-alive\n\n"
                    continue
                yield _event("update", update)
                if update["final"]:
                    break
            yield _event("closed", {"shipment_id": shipment_id})
        finally:
            watcher.unsubscribe(shipment_id, queue)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
