"""Rich tables shared by the commands and the demo: routes, transactions, shipment status."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..client import ETH
from ..model import CODE_WORDS, ShipmentStatus, State
from ..parties import AddressBook
from .options import dev_name, format_amount, when, who

__all__ = ["routes_table", "tx_table", "status_view", "history_table", "party", "STATE_STYLE"]

STATE_STYLE = {
    State.OPEN: "yellow",
    State.ROUTED: "cyan",
    State.DELIVERED: "green",
    State.DISPUTED: "red",
    State.COMPLETED: "bold green",
    State.REFUNDED: "magenta",
    State.RESOLVED: "bold blue",
}


def party(address: str, book: AddressBook | None = None) -> str:
    """An address as people read it: its address-book label; a dev account's role name;
    otherwise shortened behind the unknown marker (⚠)."""
    book = book if book is not None else AddressBook.load()
    if book.get(address) is None and dev_name(address):
        return who(address)
    return book.label(address)


def routes_table(routes: Sequence, picked: int | None = None, title: str = "route alternatives"):
    """Alternatives from `routing.propose` (1-based numbers, the picked one marked)."""
    table = Table(title=title, title_justify="left")
    for col in ("#", "path", "modes", "carriers", "days", "cost USD", "CO2e kg"):
        table.add_column(
            col, justify="right" if col in ("#", "days", "cost USD", "CO2e kg") else "left"
        )
    for i, route in enumerate(routes, 1):
        mark = "→" if picked == i else " "
        carriers = []
        for leg in route.legs:
            if leg.carrier not in carriers:
                carriers.append(leg.carrier)
        table.add_row(
            f"{mark}{i}",
            " → ".join(route.nodes),
            "/".join(leg.mode for leg in route.legs),
            ", ".join(carriers),
            f"{route.totals.transit_hours / 24:.1f}",
            f"{route.totals.cost_usd:,.0f}",
            f"{route.totals.co2e_kg:,.0f}",
            style="bold" if picked == i else None,
        )
    return table


def tx_table(rows: Sequence[dict], title: str = "transactions"):
    table = Table(title=title, title_justify="left")
    table.add_column("step")
    table.add_column("by")
    table.add_column("block", justify="right")
    table.add_column("gas", justify="right")
    table.add_column("tx")
    for row in rows:
        table.add_row(
            row["step"],
            row.get("by", ""),
            str(row["block"]),
            f"{row['gas']:,}",
            row["tx"][:12] + "…",
        )
    if rows:
        table.add_section()
        table.add_row("total", "", "", f"{sum(r['gas'] for r in rows):,}", "")
    return table


def _money(s: ShipmentStatus, value: int) -> str:
    return format_amount(value, s.token_decimals, s.token_symbol)


def status_view(s: ShipmentStatus):
    """The buyer's view: state, legs planned vs actual, next milestone, money, proof."""
    book = AddressBook.load()
    parts = [_status_head(s, book)]
    if s.legs:
        parts.append(_legs_table(s, book))
    else:
        parts.append(Text("no route committed yet", "yellow"))
    parts += [_escrow_table(s), *_progress_lines(s)]
    return Group(*parts)


def _status_head(s: ShipmentStatus, book: AddressBook) -> Text:
    return Text.assemble(
        (f"shipment {s.shipment_id}", "bold"),
        "  ",
        (s.state.label.upper(), STATE_STYLE.get(s.state, "")),
        f"   buyer {party(s.buyer, book)}  seller {party(s.seller, book)}  to {s.destination}",
        f"  deadline {when(s.deadline)}",
        f"\n  arbiter {party(s.arbiter, book)}",
        f"  receiver {party(s.receiver, book)}" if s.receiver not in (s.seller, ETH) else "",
    )


_LEG_COLUMNS = (
    "leg",
    "from",
    "to",
    "mode",
    "carrier",
    "planned dep",
    "actual dep",
    "planned arr",
    "actual arr",
)


def _legs_table(s: ShipmentStatus, book: AddressBook) -> Table:
    legs = Table(title="route (planned vs actual)", title_justify="left")
    for col in _LEG_COLUMNS:
        legs.add_column(col)
    for leg in s.legs:
        legs.add_row(
            str(leg.index),
            leg.origin,
            leg.destination,
            leg.mode,
            party(leg.carrier, book),
            when(leg.planned_departure),
            _actual(leg.actual_departure, leg.planned_departure),
            when(leg.planned_arrival),
            _actual(leg.actual_arrival, leg.planned_arrival),
        )
    return legs


def _escrow_table(s: ShipmentStatus) -> Table:
    money = Table(title="escrow", title_justify="left", show_header=True)
    for col in ("deposited", "held", "released", "refunded", "refundable now"):
        money.add_column(col, justify="right")
    money.add_row(
        _money(s, s.deposited),
        _money(s, s.held),
        _money(s, s.released),
        _money(s, s.refunded),
        _money(s, s.refundable),
    )
    return money


def _progress_lines(s: ShipmentStatus) -> list[Text]:
    """The next milestone expected (and whether it is overdue), and the proof's verdict."""
    lines = []
    if s.next_expected:
        due = f" due {when(s.next_expected_due)}" if s.next_expected_due else ""
        overdue = Text(" OVERDUE", "bold red") if s.overdue else Text("")
        lines.append(Text.assemble("next expected: ", (s.next_expected, "bold"), due, overdue))
    proof = (
        Text(
            f"history verified: {s.milestone_count} milestones chain to the on-chain head", "green"
        )
        if s.history_verified
        else Text(f"history NOT verified: {s.history_problem}", "bold red")
    )
    lines.append(proof)
    return lines


def _actual(actual: int | None, planned: int) -> Text:
    if not actual:
        return Text("-")
    late = actual - planned
    style = "red" if late > 6 * 3600 else "green"
    sign = "+" if late >= 0 else "-"
    return Text(f"{when(actual)} ({sign}{abs(late) / 3600:.0f}h)", style)


def history_table(events: Sequence, title: str = "milestones"):
    book = AddressBook.load()
    table = Table(title=title, title_justify="left")
    for col in ("#", "leg", "event", "at", "event time", "carrier", "how"):
        table.add_column(col)
    for e in events:
        m = e.milestone
        table.add_row(
            str(e.seq),
            str(m.leg),
            f"{m.code.name} {m.classifier.name} ({CODE_WORDS[m.code]})",
            m.location,
            when(m.event_time),
            party(e.carrier, book),
            "relayed, signed" if e.relayed else "direct",
        )
    return table
