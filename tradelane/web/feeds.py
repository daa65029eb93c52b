"""Subscriptions: a per-shipment Atom feed, and webhook calls on each milestone.

The feed (RFC 4287) has one entry per milestone — estimates worded as estimates — and one
per settlement event (delivered, disputed, closed), newest first, so any feed reader can
follow a shipment. Webhooks are set by the operator (``tradelane serve --webhook URL``),
never by a visitor (a public server that POSTs to any given URL could be made to attack
others): on every new milestone the live watcher POSTs a small JSON document to each URL,
retrying a few times, in a worker thread so a slow receiver delays no one.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import urllib.request
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..model import CODE_WORDS, Classifier, ShipmentStatus, iso
from . import service
from .geo import port_book
from .timeline import EXPECT_WORDS, place_name

__all__ = ["Webhooks", "atom_feed", "router"]

log = logging.getLogger("tradelane.web.hooks")
router = APIRouter(include_in_schema=False)
ATOM = "http://www.w3.org/2005/Atom"


def _entries(s: ShipmentStatus, base: str) -> list[dict]:
    book = port_book()
    link = f"{base}/shipment/{s.shipment_id}"
    out = [
        {
            "id": f"{link}#opened",
            "title": f"Shipment {s.shipment_id} opened",
            "updated": s.opened_at,
            "summary": f"Payment into escrow; delivery due by {iso(s.deadline)}.",
        }
    ]
    for e in s.milestones:
        m = e.milestone
        where = place_name(book, m.location)
        if m.classifier == Classifier.ACT:
            title = f"{CODE_WORDS[m.code].capitalize()} at {where}"
        else:
            title = f"Estimate: {EXPECT_WORDS[m.code]} at {where}"
        out.append(
            {
                "id": f"{link}#milestone-{e.seq}",
                "title": title,
                "updated": e.recorded_at or m.event_time,
                "summary": f"{title} ({iso(m.event_time)}), leg {m.leg + 1}.",
            }
        )
    for when, what in (
        (s.delivered_at, "delivered"),
        (s.disputed_at, "disputed"),
    ):
        if when:
            out.append(
                {
                    "id": f"{link}#{what}",
                    "title": f"Shipment {s.shipment_id} {what}",
                    "updated": when,
                    "summary": f"State: {what}.",
                }
            )
    if s.state.final:
        out.append(
            {
                "id": f"{link}#{s.state.label}",
                "title": f"Shipment {s.shipment_id} {s.state.label}",
                "updated": max(s.last_event_time, s.delivered_at, s.disputed_at, s.opened_at),
                "summary": "Closed; nothing more will change.",
            }
        )
    return sorted(out, key=lambda e: e["updated"], reverse=True)


def atom_feed(s: ShipmentStatus, base: str) -> bytes:
    """The Atom document of shipment `s`, with links under `base` (scheme://host)."""
    ET.register_namespace("", ATOM)
    link = f"{base}/shipment/{s.shipment_id}"
    entries = _entries(s, base)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    add(feed, "id", f"{link}/feed.atom")
    add(feed, "title", f"Shipment {s.shipment_id} to {s.destination}")
    add(feed, "updated", iso(entries[0]["updated"] if entries else s.now))
    add(feed, "link", rel="self", href=f"{link}/feed.atom")
    add(feed, "link", rel="alternate", href=link)
    add(add(feed, "author"), "name", "Tradelane")
    for e in entries:
        entry = add(feed, "entry")
        add(entry, "id", e["id"])
        add(entry, "title", e["title"])
        add(entry, "updated", iso(e["updated"]))
        add(entry, "link", rel="alternate", href=link)
        add(entry, "summary", e["summary"])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@router.get("/shipment/{shipment_id}/feed.atom")
async def feed(request: Request, shipment_id: int):
    def read() -> ShipmentStatus:
        with request.app.state.backend.use() as tl:
            return service.shipment_status(tl, shipment_id)

    status = await run_in_threadpool(read)
    base = str(request.base_url).rstrip("/")
    return Response(atom_feed(status, base), media_type="application/atom+xml")


class Webhooks:
    """POST each new milestone to the operator's URLs (a watcher listener)."""

    def __init__(self, urls, *, base: str = "", attempts: int = 3, timeout: float = 5.0):
        self.urls = tuple(urls)
        self.base = base.rstrip("/")
        self.attempts, self.timeout = attempts, timeout
        self.sent = 0  # deliveries acknowledged with a 2xx
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._deliver, name="tradelane-webhooks", daemon=True).start()

    def __call__(self, tl, first_block: int, last_block: int) -> None:
        from ..logs import fetch

        logs = fetch(tl.chain.w3, tl.contract.events.MilestoneRecorded(), from_block=first_block)
        for log_ in logs:
            if log_["blockNumber"] > last_block:  # the next call reports it
                continue
            args = dict(log_["args"])
            sid = int(args.get("shipmentId", 0))
            body = {
                "event": "milestone",
                "shipment_id": sid,
                "block": log_["blockNumber"],
                "tx_hash": "0x" + bytes(log_["transactionHash"]).hex(),
                "args": {k: _plain(v) for k, v in args.items()},
                "page": f"{self.base}/shipment/{sid}" if self.base else f"/shipment/{sid}",
            }
            for url in self.urls:
                self._queue.put((url, body))

    def _deliver(self) -> None:
        while True:
            url, body = self._queue.get()
            data = json.dumps(body).encode()
            for attempt in range(self.attempts):
                request = urllib.request.Request(
                    url,
                    data=data,
                    method="POST",
                    headers={"Content-Type": "application/json", "User-Agent": "tradelane"},
                )
                try:
                    with urllib.request.urlopen(request, timeout=self.timeout) as r:  # noqa: S310
                        if 200 <= r.status < 300:
                            self.sent += 1
                            break
                except OSError as err:
                    log.warning("webhook %s failed (attempt %d): %s", url, attempt + 1, err)
                time.sleep(0.5 * 2**attempt)


def _plain(value):
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return value
