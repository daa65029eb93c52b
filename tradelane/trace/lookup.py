"""Scan → verified history: a trace code to its shipment, Merkle proof and checked milestones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InputError, NotFoundError
from ..model import ShipmentStatus
from . import items as trace_items
from . import merkle
from .bundle import build_bundle
from .codes import Item, parse
from .verify import verify_bundle

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = ["TraceResult", "trace"]


@dataclass(frozen=True)
class TraceResult:
    """What a scan proves. `problems` is empty when everything checked out."""

    shipment_id: int
    item: Item
    proof: tuple[str, ...]  # sibling hashes, 0x hex, for OpenZeppelin MerkleProof.verify
    proof_ok: bool  # the item is in the root committed on chain
    status: ShipmentStatus  # includes the milestones, each with its carrier
    problems: tuple[str, ...] = field(default=())
    bundle: dict | None = None  # the verified proof bundle (signatures, links, routes)

    @property
    def ok(self) -> bool:
        return self.proof_ok and not self.problems


def trace(tl: Tradelane, code: str) -> TraceResult:
    """Find the shipment holding `code` and verify it (raises NotFoundError if none holds it)."""
    item = parse(code)
    found = trace_items.find(tl, item)
    if not found:
        raise NotFoundError(
            f"{item.uri} belongs to no known shipment on chain {tl.chain.chain_id} "
            f"(contract {tl.address})"
        )
    # Prefer the (latest) shipment whose on-chain root matches the remembered list.
    matching = [s for s in found if _list_matches_chain(tl, s)]
    sid = (matching or found)[-1]
    uris = [i.uri for i in trace_items.registered(tl, sid) or []]
    status = tl.status(sid)
    root = bytes.fromhex(status.items_root[2:])
    proof = merkle.proof(uris, item.uri)
    proof_ok = root != merkle.ZERO_ROOT and merkle.verify(proof, root, item.uri)
    problems = []
    if not proof_ok:
        problems.append(
            f"{item.uri} is not proven part of shipment {sid}: the on-chain items root "
            f"{status.items_root} does not match this item list"
        )
    if len(matching) > 1:
        others = ", ".join(str(s) for s in matching[:-1])
        problems.append(f"the code is also listed for shipment(s) {others}")
    try:
        bundle = build_bundle(tl, sid)
    except InputError as err:  # the list on this machine does not hash to the committed root
        bundle = None
        problems.append(str(err))
    else:
        problems.extend(verify_bundle(bundle, tl))
    return TraceResult(
        shipment_id=sid,
        item=item,
        proof=tuple("0x" + p.hex() for p in proof),
        proof_ok=proof_ok,
        status=status,
        problems=tuple(problems),
        bundle=bundle,
    )


def _list_matches_chain(tl: Tradelane, shipment_id: int) -> bool:
    try:
        on_chain = tl.view(shipment_id)["itemsRoot"]
    except InputError:
        return False
    known = trace_items.registered(tl, shipment_id) or []
    return on_chain != merkle.ZERO_ROOT and trace_items.items_root(known) == on_chain
