"""Shared pieces of the browser tests: Chromium, a live server, a world of shipments.

`World` builds, once per module, one shipment in every state a buyer meets, on its own
embedded chain (grace period and arbiter timeout long enough that every state still holds
when the tests visit): open, in transit, tranche released (with an estimate that slipped
past the deadline), refundable, delivered in grace, disputed, resolved, refunded, completed.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tradelane.client import DAY
from tradelane.model import Classifier, Code
from tradelane.trace import references

CHROMIUM = os.environ.get("TRADELANE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TRADELANE_ARTIFACTS", ROOT / "reports" / "web"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REFERENCES = {
    "booking": "BKG-2026-0042",
    "bill_of_lading": "MAEU123456789",
    "containers": ["CSQU3054383"],
    "legs": [{"leg": 1, "vessel_imo": "9321483", "vessel_name": "EMMA MAERSK", "voyage": "245W"}],
}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def launch_browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        # Skipped on a developer's machine without Chromium; a failure in CI, where .ci/run
        # installs it.
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            f"BROWSER TESTS SKIPPED: Chromium not found at {CHROMIUM}. "
            "Install Debian's `chromium` package (apt-get install chromium) or set "
            "TRADELANE_CHROMIUM; never `playwright install`."
        )
    from playwright.sync_api import sync_playwright

    p = sync_playwright().start()
    return p, p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`app` under uvicorn on a free 127.0.0.1 port, in a background thread."""

    def __init__(self, app):
        import uvicorn

        self.app = app
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        self._srv = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="off",
                timeout_graceful_shutdown=2,
            )
        )
        self._thread = threading.Thread(target=self._srv.run, name="tradelane-web", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._srv.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                pytest.fail("uvicorn did not start within 15 s")
            time.sleep(0.02)

    def close(self) -> None:
        hub = getattr(self.app.state, "live_hub", None)
        if hub is not None:
            hub.stop()
        self.app.state.backend.close()  # the index follower (lifespan is off here)
        self._srv.should_exit = True
        self._thread.join(timeout=10)


@dataclass
class World:
    tl: object
    ids: dict[str, int]
    journeys: dict[str, object]


NAMES = {
    "buyer": ("Harbour Foods Ltd", "buyer"),
    "seller": ("Shanghai Ceramics Co", "seller"),
    "carrier1": ("Meridian Container Line", "carrier"),
}


def name_parties(tl) -> bool:
    """Write the local address book (when this installation has one); True if written."""
    try:
        from tradelane.parties import AddressBook
    except ImportError:
        return False
    book = AddressBook.load()
    for who, (name, role) in NAMES.items():
        book.add(tl.chain.address(who), name, role)
    book.save()
    return True


def build_world(tl, journey_cls) -> World:
    """One shipment per state; the chain's clock only moves forward, hence the order."""
    j: dict[str, object] = {}

    def new(name: str, stage: str):
        j[name] = journey_cls(tl).to(stage)
        return j[name]

    new("refunded", "routed")
    new("refundable", "routed")
    tl.chain.advance(47 * DAY)
    tl.refund("buyer", j["refunded"].sid)
    new("completed", "completed")
    resolved = new("resolved", "departed")
    tl.dispute("buyer", resolved.sid)
    tl.resolve("arbiter", resolved.sid, 8 * 10**17)
    new("delivered", "delivered")
    disputed = new("disputed", "departed")
    tl.dispute("buyer", disputed.sid)
    transit = new("in_transit", "transshipped")
    references.save(tl, transit.sid, references.parse_references(REFERENCES))
    early = transit.legs[1][5]
    transit.record(1, Code.ARRI, Classifier.EST, at=early + 2 * DAY)  # superseded
    transit.record(1, Code.ARRI, Classifier.EST, at=early + 1 * DAY)  # the latest
    tranche = new("tranche", "departed")
    late = tranche.legs[0][5] + 40 * DAY  # the first leg slips: delivery passes the deadline
    tranche.record(0, Code.ARRI, Classifier.EST, at=late)
    new("open", "open")  # last: no later clock move makes its first departure overdue
    return World(tl, {name: x.sid for name, x in j.items()}, j)
