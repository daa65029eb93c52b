"""Traceability: CBV 2.0 event hashes per second, exports and proof verification of one
full lifecycle (sea + road, 11 milestones, 4 items) on the embedded chain."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "trace" / "standards" / "epcis-event-hash" / "reference-examples"


def _rate(fn, seconds: float = 2.0) -> tuple[float, int]:
    """Calls of `fn` per second over about `seconds`, and how many were made."""
    n, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - started), n


def run() -> dict:
    from tradelane.trace import dcsa, epcis, eventhash
    from tradelane.trace.bundle import build_bundle
    from tradelane.trace.verify import verify

    documents = [json.loads(p.read_text()) for p in sorted(VECTORS.glob("*.json*"))]
    events = sum(len(eventhash.events_of(d)) for d in documents)
    docs_per_s, _ = _rate(lambda: [eventhash.document_event_ids(d) for d in documents])

    sys.path.insert(0, str(ROOT / "tests" / "trace"))  # the lifecycle the tests build
    from trace_kit import build

    from tradelane.chain import connect
    from tradelane.client import Tradelane

    tl, _ = Tradelane.deploy(connect("embedded"))
    sid = build(tl, "full").sid
    timings = {}
    for name, fn in (
        ("epcis_export_s", lambda: epcis.export(tl, sid)),
        ("dcsa_export_s", lambda: dcsa.export(tl, sid)),
        ("bundle_build_s", lambda: build_bundle(tl, sid)),
    ):
        fn()  # warm caches (the port network, time zones)
        started = time.perf_counter()
        fn()
        timings[name] = round(time.perf_counter() - started, 4)
    bundle = build_bundle(tl, sid)
    verify_per_s, _ = _rate(lambda: verify(bundle), 1.0)
    return {
        "event_hashes_per_s": round(docs_per_s * events, 1),
        "bundle_verifications_per_s": round(verify_per_s, 2),
        **timings,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
