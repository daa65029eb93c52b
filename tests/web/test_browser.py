"""End to end in a real browser: Debian's Chromium driven by Playwright, no browser download.

The app runs under uvicorn in a background thread against the session's embedded chain.
The test opens a shipment page, checks the timeline, the map and the verified badge,
records a milestone through the client and watches the page update itself, then saves
screenshots to artifacts/web/ for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tradelane.model import Code
from tradelane.web import create_app

pytestmark = pytest.mark.browser

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
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"BROWSER TESTS SKIPPED: Chromium not found at {CHROMIUM}. "
            "Install Debian's `chromium` package (apt-get install chromium) or set "
            "TRADELANE_CHROMIUM; never `playwright install`."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:  # pragma: no cover - playwright is in requirements.lock
        pytest.skip(f"BROWSER TESTS SKIPPED: the playwright package is missing ({err})")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def server(tl):
    """The app on a free 127.0.0.1 port; yields (base URL, app)."""
    import uvicorn

    app = create_app(tl, poll_seconds=0.5)
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=srv.run, name="tradelane-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 15 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def test_shipment_page_in_a_real_browser_updates_itself(browser, server, journey):
    from playwright.sync_api import expect

    base, app = server
    j = journey("departed")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{base}/shipment/{j.sid}")

    # state and badge
    expect(page.locator("#state-h")).to_have_text("In transit")
    badge = page.locator("#verified-badge")
    expect(badge).to_have_attribute("data-verified", "true")
    expect(badge).to_contain_text("Verified")
    # timeline: three legs, the first in transit with its four milestones
    legs = page.locator("li.leg")
    expect(legs).to_have_count(3)
    expect(legs.nth(0)).to_have_class("leg leg-in-transit")
    expect(legs.nth(0).locator("ol.events > li")).to_have_count(4)
    expect(legs.nth(0).locator("tr[data-kind=departure] td[data-label=Actual]")).not_to_have_text(
        "—"
    )
    expect(legs.nth(1)).to_contain_text("Suez Canal")
    # the map: an accessible SVG with ports, legs by mode, passages and the position
    svg = page.locator("svg.route-map")
    expect(svg).to_be_visible()
    expect(svg).to_have_attribute("role", "img")
    expect(svg.locator("g.port")).to_have_count(4)
    expect(svg.locator("g.leg")).to_have_count(3)
    expect(svg.locator("g.leg-rail")).to_have_count(1)
    expect(svg.locator("g.passage")).to_have_count(4)
    expect(svg.locator("g.position")).to_have_count(1)
    box = svg.bounding_box()
    assert box and box["width"] > 500 and box["height"] > 200
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "shipment-before.png"), full_page=True)

    # a new milestone on chain shows up without reloading
    with app.state.backend.lock:
        j.at(j.legs[0][5] + 8 * 3600)
        j.record(0, Code.ARRI)

    expect(page.locator("#state-h")).to_have_text("At Singapore", timeout=15_000)
    expect(legs.nth(0)).to_have_class("leg leg-completed")
    expect(legs.nth(0).locator("ol.events > li")).to_have_count(5)
    expect(page.locator("#live-status")).to_contain_text("1 new milestone")
    expect(page.locator("#verified-badge")).to_contain_text("5 milestones")
    page.screenshot(path=str(ARTIFACTS / "shipment.png"), full_page=True)
    svg.screenshot(path=str(ARTIFACTS / "map.png"))

    # a phone-sized screen: no sideways scrolling of the page itself
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#state-h")).to_have_text("At Singapore")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than a phone screen"
    page.screenshot(path=str(ARTIFACTS / "shipment-phone.png"), full_page=False)

    assert not problems, problems
    external = [u for u in requests if not u.startswith(base)]
    assert not external, f"the page loaded from outside the server: {external}"
    page.close()


def test_lookup_form_and_error_page_in_the_browser(browser, server, journey, codes):
    from playwright.sync_api import expect

    base, _ = server
    j = journey("routed")
    page = browser.new_page(viewport={"width": 1024, "height": 800})

    page.goto(base + "/")
    page.get_by_label("Shipment number, trace code or party address").fill(str(j.sid))
    page.get_by_role("button", name="Track").click()
    expect(page).to_have_url(f"{base}/shipment/{j.sid}")
    expect(page.locator("#state-h")).to_have_text("Booked")

    page.goto(f"{base}/lookup?q={codes[1]}")
    expect(page.locator("#proof-badge")).to_contain_text(f"Belongs to shipment {j.sid}")

    response = page.goto(f"{base}/shipment/4242")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator("#reason")).to_contain_text("no shipment 4242")
    assert "Traceback" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "not-found.png"))
    page.close()
