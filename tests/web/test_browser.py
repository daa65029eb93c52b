"""End to end in a real browser: Debian's Chromium driven by Playwright, no browser download.

One module-wide world of shipments, one in every state (`browser_kit.build_world`), served by
uvicorn in a background thread. Each state's page is checked at phone and desktop sizes for
the action panel, the headline delivery date and the money panel; axe-core runs on each;
screenshots go to reports/web/ (or $TRADELANE_ARTIFACTS) for a human to look at. Then: live
updates over server-sent events within 2 s with focus and open sections kept, a transaction
sent from the page through an injected EIP-1193 wallet, and the page without JavaScript.
"""

from __future__ import annotations

import re
import time

import pytest
from browser_kit import (
    ARTIFACTS,
    AXE,
    DESKTOP,
    PHONE,
    Server,
    build_world,
    launch_browser,
    name_parties,
)
from web3 import Web3

from tradelane.chain import connect
from tradelane.client import DAY, Tradelane
from tradelane.model import Code
from tradelane.web import create_app

pytestmark = pytest.mark.browser

# state -> (headline, delivery label, delivery risk, buyer actions open now, later, money rows)
EXPECT = {
    "open": (
        "Awaiting route",
        "No delivery date yet",
        "none",
        {"dispute"},
        {"refund"},
        {"held": "2.5 ETH"},
    ),
    # with agreed offers a shipment starts with its route: it waits for carrier bookings
    "open (offer accepted)": (
        "Awaiting carrier bookings",
        "Expected delivery",
        "on-track",
        {"confirm", "dispute"},
        {"refund"},
        {"held": "2.5 ETH"},
    ),
    "in_transit": (
        "In transit",
        "Expected delivery",
        "on-track",
        {"confirm", "dispute"},
        {"refund"},
        {"released": "0.5 ETH", "held": "2 ETH"},
    ),
    "tranche": (
        "In transit",
        "Expected delivery",
        "late",
        {"confirm", "dispute"},
        {"refund"},
        {"released": "0.5 ETH", "held": "2 ETH"},
    ),
    "refundable": (
        "Deadline missed",
        "Expected delivery",
        "late",
        {"confirm", "refund", "dispute"},
        set(),
        {"refundable": "2.5 ETH", "held": "2.5 ETH"},
    ),
    "delivered": (
        "Delivered",
        "Delivered",
        "delivered",
        {"confirm", "dispute"},
        {"finalize"},
        {"held": "2 ETH", "released": "0.5 ETH"},
    ),
    "disputed": ("In dispute", "Delivery on hold", "closed", set(), {"settle"}, {"held": "2 ETH"}),
    "resolved": (
        "Dispute resolved",
        "Not delivered",
        "closed",
        {"withdraw"},
        set(),
        {"refunded": "0.8 ETH", "released": "1.7 ETH"},
    ),
    "refunded": (
        "Refunded",
        "Not delivered",
        "closed",
        {"withdraw"},
        set(),
        {"refunded": "2.5 ETH"},
    ),
    "completed": ("Completed", "Delivered", "delivered", set(), set(), {"released": "2.5 ETH"}),
}


@pytest.fixture(scope="module")
def browser():
    p, b = launch_browser()
    yield b
    b.close()
    p.stop()


@pytest.fixture(scope="module")
def world(tl, journey_cls):
    """Its own chain: grace period and arbiter timeout long enough for every state to hold."""
    own, _ = Tradelane.deploy(connect("embedded"), grace_period=30 * DAY, arbiter_timeout=30 * DAY)
    return build_world(own, journey_cls)


@pytest.fixture(scope="module")
def server(world):
    srv = Server(create_app(world.tl, poll_seconds=0.5))
    yield srv
    srv.close()


@pytest.fixture
def rollback(world, server):
    """Undo what a test sends, so the next one sees the world as built."""
    tester = world.tl.chain.w3.provider.ethereum_tester
    with server.app.state.backend.lock:
        snapshot = tester.take_snapshot()
    yield
    with server.app.state.backend.lock:
        tester.revert_to_snapshot(snapshot)


def _watch(page, base):
    seen = {"requests": [], "problems": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["problems"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["problems"].append(str(e)))
    return seen


def _axe(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}×)" for v in result]


def test_every_state_answers_the_buyers_questions(browser, server, world):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=DESKTOP)
    seen = _watch(page, server.base)
    offers = hasattr(world.tl, "accept_offer")
    for name, (headline, label, risk, now, later, money) in EXPECT.items():
        if name.startswith("open") and offers != (name == "open (offer accepted)"):
            continue
        name = name.split(" ")[0]
        page.set_viewport_size(DESKTOP)
        page.goto(f"{server.base}/shipment/{world.ids[name]}")
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)  # the same page, laid out again
            expect(page.locator("#state-h")).to_have_text(headline)
            delivery = page.locator("#delivery")
            expect(delivery.locator(".delivery-label")).to_have_text(label)
            expect(delivery).to_have_attribute("data-risk", risk)
            actions = page.locator("#actions li.action")
            opened = set(
                actions.evaluate_all(
                    "els => els.filter(e => e.dataset.open === 'true').map(e => e.dataset.action)"
                )
            )
            waiting = set(
                actions.evaluate_all(
                    "els => els.filter(e => e.dataset.open === 'false').map(e => e.dataset.action)"
                )
            )
            assert (opened, waiting) == (now, later), name
            for a in now | later:
                item = page.locator(f"#actions li[data-action={a}]")
                expect(item.locator("pre.cmd")).to_contain_text(f"tradelane {a}")
            for key, amount in money.items():
                expect(page.locator(f"#money .row-{key} dd")).to_contain_text(amount)
            expect(page.locator("#money-rest")).not_to_be_empty()
            assert "ETH" in page.locator("#money").inner_text()
            if size == "phone":
                overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                assert overflow <= 1, f"{name}: page is {overflow}px wider than a phone"
                money_top = page.locator("#money").bounding_box()["y"]
                route_top = page.locator("#route").bounding_box()["y"]
                assert money_top < route_top, f"{name}: on a phone money comes before the map"
            page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
        assert _axe(page) == [], name
    # estimates as estimates: the latest one shown, the earlier one folded away
    page.set_viewport_size(DESKTOP)
    page.goto(f"{server.base}/shipment/{world.ids['in_transit']}")
    # lane analytics over the index the app keeps: the chance of making the deadline
    expect(page.locator("#delivery .delivery-chance")).to_contain_text(
        "chance of delivery by the deadline"
    )
    leg = page.locator("li.leg").nth(1)
    expect(leg.locator("ol.events li.event-estimated")).to_have_count(1)
    expect(leg.locator("ol.events li.event-estimated")).to_contain_text("Expected to arrive")
    expect(leg.locator("details.history li")).to_have_count(1)
    # names, not addresses; references and items with their trace codes
    goods = page.locator("#goods")
    for text in ("CSQU3054383", "MAEU123456789", "EMMA MAERSK (IMO 9321483), voyage 245W"):
        expect(goods).to_contain_text(text)
    expect(goods.locator("ul.items li")).to_have_count(3)
    expect(goods).to_contain_text("(01)09506000134352(21)SN-001")
    if name_parties(world.tl):  # the address book, once this installation has one
        page.reload()
        expect(page.locator("#parties")).to_contain_text("Harbour Foods Ltd")
        expect(page.locator("li.leg").first).to_contain_text("Meridian Container Line")
    assert "Arrived" not in leg.locator("ol.events li.event-estimated").inner_text()
    # the map: land, the legs, and the last actual event ringed, not an invented position
    svg = page.locator("svg.route-map")
    expect(svg.locator("path.land")).to_have_count(1)
    expect(svg.locator("g.leg")).to_have_count(3)
    expect(svg.locator("g.position")).to_have_attribute("data-locode", "SGSIN")
    expect(page.locator("#last-seen")).to_contain_text("Last seen: departed at Singapore")
    expect(page.locator("#route")).to_contain_text("Natural Earth")
    before = svg.get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").click()
    assert svg.get_attribute("viewBox") != before
    svg.screenshot(path=str(ARTIFACTS / "map.png"))
    for path in (
        f"/shipment/{world.ids['completed']}/print",
        f"/party/{world.tl.chain.address('buyer')}",
    ):
        page.goto(server.base + path)
        assert _axe(page) == [], path
    assert not seen["problems"], seen["problems"]
    external = [u for u in seen["requests"] if not u.startswith(server.base)]
    assert not external, f"the page loaded from outside the server: {external}"
    print(f"\nscreenshots in {ARTIFACTS}")
    page.close()


def test_live_update_within_two_seconds_keeps_focus_and_open_sections(browser, journey_cls):
    """On a small chain of its own, whose JSON-RPC only this server's lock serialises."""
    from playwright.sync_api import expect

    own, _ = Tradelane.deploy(connect("embedded"))
    j = journey_cls(own).to("departed")
    server = Server(create_app(own, poll_seconds=0.5))
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(f"{server.base}/shipment/{j.sid}")
        expect(page.locator("#state-h")).to_have_text("In transit")
        page.locator("#onchain summary").click()
        page.locator("a[href$='feed.atom']").focus()
        time.sleep(0.5)  # the event stream is open
        with server.app.state.backend.lock:
            j.at(j.legs[0][5])
            j.record(0, Code.ARRI)
        sent = time.monotonic()
        expect(page.locator("#state-h")).to_have_text("At Singapore", timeout=5_000)
        latency = time.monotonic() - sent
        assert latency <= 2.0, f"the update took {latency:.2f} s"
        expect(page.locator("#live-status")).to_contain_text("1 new milestone")
        assert page.locator("#onchain").evaluate("d => d.open")
        assert page.evaluate("document.activeElement.getAttribute('href')").endswith("feed.atom")
    finally:
        page.close()
        server.close()


def test_wallet_button_sends_from_the_page(browser, server, world, rollback):
    """An injected EIP-1193 provider backed by the buyer's dev account confirms delivery."""
    from playwright.sync_api import expect

    tl = world.tl
    w3 = tl.chain.w3
    buyer = tl.chain.address("buyer")
    sent: list[dict] = []

    def rpc(method: str, params):
        if method in ("eth_requestAccounts", "eth_accounts"):
            return [buyer]
        if method == "eth_chainId":
            return hex(tl.chain.chain_id)
        if method == "eth_sendTransaction":
            # as a node would: the JSON-RPC layer takes any case, web3.py wants checksums
            tx = {
                k: Web3.to_checksum_address(v) if k in ("from", "to") else v
                for k, v in params[0].items()
            }
            sent.append(tx)
            with server.app.state.backend.lock:
                return "0x" + bytes(w3.eth.send_transaction(tx)).hex()
        raise ValueError(f"unsupported {method}")

    page = browser.new_page(viewport=DESKTOP)
    page.expose_function("__devWallet", rpc)
    page.add_init_script(
        "window.ethereum = { isMetaMask: false, request: ({method, params}) =>"
        " window.__devWallet(method, params || []) };"
    )
    sid = world.ids["delivered"]
    page.goto(f"{server.base}/shipment/{sid}")
    button = page.get_by_role("button", name="Confirm delivery with your wallet")
    expect(button).to_be_visible()
    # What the status line says, recorded as it changes: once the block is indexed the live
    # update replaces the whole action (it is done), so "Sent" may be on screen only briefly.
    page.evaluate(
        """() => { const out = document.getElementById('wallet-confirm-result');
        window.__said = [];
        new MutationObserver(() => window.__said.push(out.textContent))
          .observe(out, {childList: true, characterData: true, subtree: true}); }"""
    )
    button.click()
    # the embedded chain mines the send while the server's follower syncs it: a generous wait
    expect(page.locator("#state-h")).to_have_text("Completed", timeout=30_000)
    page.wait_for_function(
        "() => window.__said.some(t => t.startsWith('Sent: transaction 0x'))", timeout=15_000
    )
    assert page.evaluate("window.__said")[0] == "Waiting for your wallet…"
    assert len(sent) == 1 and sent[0]["from"].lower() == buyer.lower()
    assert tl.status(sid, with_history=False).state.label == "completed"
    page.close()


def test_the_page_without_javascript(browser, server, world):
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    sid = world.ids["refundable"]
    page.goto(f"{server.base}/shipment/{sid}")
    expect(page.locator("#state-h")).to_have_text("Deadline missed")
    expect(page.locator("#actions li[data-action=refund] pre.cmd")).to_have_text(
        re.compile(rf"tradelane refund {sid}")
    )
    expect(page.locator("button.wallet-send").first).to_be_hidden()
    page.goto(f"{server.base}/shipment/{sid}/print")
    expect(page.locator("#digest")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "print.png"), full_page=True)
    context.close()
