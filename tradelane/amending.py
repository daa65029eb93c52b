"""The amendment steps of `tradelane.client.Tradelane`: a route changed after acceptance.

The buyer or the seller (or its operator) proposes new legs from some leg on, the other party
co-signs, the new legs' carriers add bookings (`tradelane.agreeing`'s `sign_booking`), and anyone
sends it. The documents are `tradelane.agreement`; the route in force is `Steps.in_force`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from . import agreement
from .documents import unique_bookings
from .errors import InputError
from .steps import DAY, Steps, Who
from .typeddata import compact, from_hex

__all__ = ["AmendmentSteps"]


class AmendmentSteps(Steps):
    """Propose, co-sign and send amendments; mixed into `tradelane.client.Tradelane`."""

    def propose_amendment(
        self,
        party: Who,
        shipment_id: int,
        from_leg: int,
        legs: Sequence[Sequence],
        *,
        network_hash: bytes | None = None,
        valid_for: int = DAY,
    ) -> dict:
        """An amendment replacing the legs from `from_leg` with `legs`, signed by `party` (the
        buyer, or the seller or its operator). The other party adds its signature with
        `sign_amendment`; anyone sends it with `send_amendment`."""
        in_force, old_legs, old_network = self.in_force(shipment_id)
        doc = agreement.amendment_document(
            chain_id=self.chain.chain_id,
            contract=self.address,
            shipment_id=shipment_id,
            agreement=in_force,
            old_legs=old_legs,
            from_leg=from_leg,
            legs=[tuple(leg) for leg in legs],
            network_hash=old_network if network_hash is None else network_hash,
            deadline=self.chain.now() + valid_for,
        )
        return self.sign_amendment(party, doc)

    def sign_amendment(self, party: Who, document: dict) -> dict:
        """`document` with `party`'s signature, in its role on the shipment."""
        self._check_here(document)
        account = self.chain.account(party)
        v = self.view(int(document["shipment_id"]))
        if account.address == v["buyer"]:
            role = "buyer"
        elif (
            account.address == v["seller"]
            or self.contract.functions.isOperator(v["seller"], account.address).call()
        ):
            role = "seller"
        else:
            raise InputError(
                f"{account.address} is neither the buyer nor the seller (or its operator) of "
                f"shipment {document['shipment_id']}: it cannot sign its amendment"
            )
        return agreement.sign_amendment(account, role, document)

    def send_amendment(self, sender: Who, document: dict, bookings: Iterable[dict] = ()) -> dict:
        """Send an amendment both parties signed, with the new carriers' bookings given."""
        self._check_here(document)
        missing = [r for r in ("buyer", "seller") if r not in document["signatures"]]
        if missing:
            raise InputError(f"the amendment still needs the {' and '.join(missing)}'s signature")
        all_bookings = unique_bookings(list(document.get("bookings", [])) + list(bookings))
        call = self.contract.functions.amendRoute(
            int(document["shipment_id"]),
            from_hex(document["agreement"]),
            agreement.legs_from_json(document["old_legs"]),
            int(document["from_leg"]),
            agreement.legs_from_json(document["legs"]),
            from_hex(document["network_hash"]),
            int(document["deadline"]),
            compact(document["signatures"]["buyer"]),
            compact(document["signatures"]["seller"]),
            agreement.booking_tuples(all_bookings, document["digest"]),
        )
        return self.chain.send(call, sender)
