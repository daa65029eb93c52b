"""One narrated shipment lifecycle on the embedded chain: what `tradelane demo` runs.

Route alternatives from `routing` → the buyer opens a shipment with ETH in escrow and a
20 % tranche on the first departure → the seller commits the route → the first carrier
signs its origin milestones off-line and a relayer sends them in one batch (the tranche
is released) → carriers record the rest directly → status → DROP (delivered) → the
buyer confirms → the seller withdraws. Every transaction is listed with its gas.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from rich.console import Console
from rich.rule import Rule
from rich.table import Table

from .accounts import dev_accounts
from .chain import EMBEDDED, Chain, connect
from .client import DAY, ETH, Tradelane
from .errors import InputError
from .model import Classifier, Code, Milestone, State, Tranche

__all__ = ["run", "DEMO_ORIGIN", "DEMO_DESTINATION"]

DEMO_ORIGIN = "CNSHA"  # Shanghai
DEMO_DESTINATION = "DEMUC"  # Munich: sea to a Mediterranean port, then rail
AMOUNT = 10 * 10**18
HOUR = 3_600
DEV_CARRIERS = ("carrier1", "carrier2", "carrier3")


class _Story:
    """Collects transactions (with gas) and narrates each step."""

    def __init__(self, chain: Chain, console: Console | None):
        self.chain = chain
        self.console = console
        self.rows: list[dict] = []

    def say(self, text: str = "", **kwargs) -> None:
        if self.console:
            self.console.print(text, **kwargs)

    def show(self, renderable) -> None:
        if self.console:
            self.console.print(renderable)

    def step(self, title: str) -> None:
        if self.console:
            self.console.print(Rule(title, align="left", style="dim"))

    def tx(self, label: str, by: str, receipt: dict) -> dict:
        from .cli.options import tx_row

        row = {**tx_row(label, receipt), "by": by}
        self.rows.append(row)
        self.say(f"  [green]✓[/] {label} [dim]— {by}, block {row['block']}, gas {row['gas']:,}[/]")
        return row

    def at(self, timestamp: int) -> int:
        """Move the chain's clock to `timestamp` (if it is ahead); returns the chain time."""
        now = self.chain.now()
        if timestamp > now:
            return self.chain.advance(timestamp - now)
        return now


def _carriers(route) -> dict[str, str]:
    names: list[str] = []
    for leg in route.legs:
        if leg.carrier not in names:
            names.append(leg.carrier)
    dev = dev_accounts()
    return {name: dev[DEV_CARRIERS[i % len(DEV_CARRIERS)]].address for i, name in enumerate(names)}


def _dev_name(address: str) -> str:
    from .cli.options import dev_name

    return dev_name(address) or address


def run(
    console: Console | None = None,
    *,
    origin: str = DEMO_ORIGIN,
    destination: str = DEMO_DESTINATION,
    rpc: str = EMBEDDED,
) -> dict:
    """Run the whole lifecycle; narrate on `console` (None: silent). Returns a summary.

    On the embedded chain by default; given a dev node's URL (`tradelane node`), the shipment
    stays there for `tradelane serve` and the other commands to look at.
    """
    from routing.encode import route_json

    from .cli.render import status_view, tx_table

    started = time.perf_counter()
    chain = connect(rpc)
    if not chain.is_dev:
        raise InputError(
            f"the demo spends dev accounts' ether and moves the clock: run it on the embedded "
            f"chain or a local node (tradelane node), not on chain {chain.chain_id}"
        )
    story = _Story(chain, console)
    tl = _deploy(story, chain)
    routes, carriers, encoded = _propose(story, chain, origin, destination)
    shipment_id = _agree(story, tl, encoded)
    legs = encoded.legs
    _relay_origin_milestones(story, tl, shipment_id, legs[0])
    _voyage(story, tl, shipment_id, legs)

    story.step("6. the buyer's status view before delivery")
    story.show(status_view(tl.status(shipment_id)))

    _deliver_and_settle(story, tl, shipment_id, legs[-1], len(legs) - 1)

    story.step("8. transactions and the final escrow state")
    story.show(tx_table(story.rows, title="every transaction, with gas"))
    final = tl.status(shipment_id)
    story.show(status_view(final))
    seconds = time.perf_counter() - started
    _summarise(story, tl, final, seconds)
    assert final.state == State.COMPLETED, final.state
    return {
        "shipment_id": shipment_id,
        "contract": tl.address,
        "chain_id": chain.chain_id,
        "routes": [route_json(r, carriers if r is routes[0] else None) for r in routes],
        "transactions": story.rows,
        "total_gas": sum(r["gas"] for r in story.rows),
        "status": final.to_json(),
        "seconds": round(seconds, 2),
    }


def _deploy(story: _Story, chain: Chain) -> Tradelane:
    """1. The chain and the contract (deployed now, or the one already there)."""
    where = "an embedded chain" if chain.is_embedded else f"the node at {chain.url}"
    story.step(f"1. {where} and the Shipments contract")
    tl, deployed_now = Tradelane.deploy(chain)
    kind = "eth-tester on py-evm, in-process" if chain.is_embedded else "a dev node"
    story.say(f"  chain {chain.chain_id} ({kind}); contract at {tl.address}")
    story.tx(
        "deploy Shipments" if deployed_now else "deploy Shipments (earlier, reused)",
        "deployer",
        chain.w3.eth.get_transaction_receipt(tl.deployment["tx_hash"]),
    )
    return tl


def _propose(story: _Story, chain: Chain, origin: str, destination: str):
    """2. Route alternatives; the best by cost is encoded with dev carriers' addresses."""
    import routing
    from routing.encode import encode_route

    from .cli.render import routes_table

    story.step(f"2. route alternatives {origin} → {destination}")
    depart_after = datetime.fromtimestamp(chain.now() + DAY, UTC)
    routes = routing.propose(
        routing.load_network(), origin, destination, alternatives=3, depart_after=depart_after
    )
    story.show(routes_table(routes, 1))
    carriers = _carriers(routes[0])
    encoded = encode_route(routes[0], carriers)
    story.say(
        "  picked #1 (best by cost); carriers → "
        + ", ".join(f"{name} = {_dev_name(addr)}" for name, addr in carriers.items())
    )
    return routes, carriers, encoded


def _agree(story: _Story, tl: Tradelane, encoded) -> int:
    """3. The seller's offer, the carriers' bookings, the buyer's acceptance: the shipment."""
    story.step(
        "3. the seller offers 10 ETH on this route (20 % at first departure), the carriers "
        "confirm their legs, the buyer accepts"
    )
    deadline = encoded.legs[-1][5] + 7 * DAY
    offer = tl.make_offer(
        "seller",
        encoded,
        amount=AMOUNT,
        deadline=deadline,
        arbiter="arbiter",
        token=ETH,
        tranches=[Tranche(Code.DEPA, 0, 2_000)],
    )
    story.say(f"  seller signs offer {offer['digest'][:18]}… (EIP-712: every term and leg)")
    bookings = []
    for i, leg in enumerate(encoded.legs):
        bookings.append(tl.sign_booking(_dev_name(leg[3]), offer, i))
        story.say(f"  {_dev_name(leg[3])} signs its booking of leg {i}")
    shipment_id = tl.accept_offer("buyer", offer, bookings)
    story.tx(
        f"accept offer: shipment {shipment_id} opened, 10 ETH funded, route and bookings in force",
        "buyer",
        tl.last_receipt,
    )
    story.say(f"  route hash 0x{encoded.route_hash.hex()[:16]}… over {len(encoded.legs)} leg(s)")
    return shipment_id


def _relay_origin_milestones(story: _Story, tl: Tradelane, shipment_id: int, first) -> None:
    """4. The first carrier signs GTIN, LOAD and DEPA off-line; a relayer sends them at once."""
    story.step(
        "4. the first carrier signs its origin milestones; a relayer sends them in one batch"
    )
    first_carrier = _dev_name(first[3])
    departure = story.at(first[4])
    base = tl.view(shipment_id)["legNonce"]  # the nonce is the place on the carrier's leg
    signed = []
    for i, (code, hours_before) in enumerate(((Code.GTIN, 6), (Code.LOAD, 3), (Code.DEPA, 0))):
        m = Milestone(
            shipment_id, 0, code, Classifier.ACT, first[0].decode(), departure - hours_before * HOUR
        )
        signed.append(tl.sign(first_carrier, m, nonce=base + i, valid_for=2 * DAY))
        story.say(f"  {first_carrier} signs {m.describe()} (EIP-712, nonce {base + i})")
    story.tx(
        f"relay {len(signed)} signed milestones (batch)", "relayer", tl.relay("relayer", signed)
    )
    v = tl.view(shipment_id)
    story.say(f"  DEPA released the tranche: {v['released'] / 10**18:g} ETH credited to the seller")


def _voyage(story: _Story, tl: Tradelane, shipment_id: int, legs) -> None:
    """5. Each leg's departure (after the first) and arrival, then the discharge at the end."""
    story.step("5. carriers record the rest of the voyage directly")
    for i, leg in enumerate(legs):
        carrier = _dev_name(leg[3])
        if i > 0:
            t = story.at(leg[4])
            m = Milestone(shipment_id, i, Code.DEPA, Classifier.ACT, leg[0].decode(), t)
            story.tx(m.describe(), carrier, tl.record(carrier, m))
        t = story.at(leg[5] + (7 * HOUR if i == 0 else 0))  # the vessel arrives a little late
        m = Milestone(shipment_id, i, Code.ARRI, Classifier.ACT, leg[1].decode(), t)
        story.tx(m.describe(), carrier, tl.record(carrier, m))
    last = legs[-1]
    last_carrier = _dev_name(last[3])
    t = story.at(last[5] + 4 * HOUR)
    m = Milestone(shipment_id, len(legs) - 1, Code.DISC, Classifier.ACT, last[1].decode(), t)
    story.tx(m.describe(), last_carrier, tl.record(last_carrier, m))


def _deliver_and_settle(story: _Story, tl: Tradelane, shipment_id: int, last, index: int) -> None:
    """7. DROP on the last leg (`index`), the buyer confirms, the seller withdraws."""
    story.step("7. delivery, confirmation, withdrawal")
    last_carrier = _dev_name(last[3])
    t = story.at(last[5] + DAY)
    m = Milestone(shipment_id, index, Code.DROP, Classifier.ACT, last[1].decode(), t)
    story.tx(m.describe() + " — delivered", last_carrier, tl.record(last_carrier, m))
    story.tx("confirm delivery", "buyer", tl.confirm("buyer", shipment_id))
    credit = tl.credit(tl.chain.address("seller"))
    story.tx(f"withdraw {credit / 10**18:g} ETH", "seller", tl.withdraw("seller"))


def _summarise(story: _Story, tl: Tradelane, final, seconds: float) -> None:
    """8. The final escrow figures in a grid, and where to look at a node's shipment."""
    summary = Table.grid(padding=(0, 2))
    summary.add_row("state", final.state.label)
    summary.add_row("escrow held", f"{final.held / 10**18:g} ETH")
    summary.add_row("released to seller", f"{final.released / 10**18:g} ETH")
    summary.add_row("seller credit left", f"{tl.credit(tl.chain.address('seller')) / 10**18:g} ETH")
    summary.add_row(
        "milestones", f"{final.milestone_count} (history verified: {final.history_verified})"
    )
    summary.add_row("wall time", f"{seconds:.1f} s")
    story.show(summary)
    if not tl.chain.is_embedded:
        story.say(
            f"  it stays on the node: `tradelane serve --rpc {tl.chain.url}`, then open "
            f"http://127.0.0.1:8000/shipment/{final.shipment_id}"
        )
