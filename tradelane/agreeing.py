"""The agreement steps of `tradelane.client.Tradelane`, each with one party's key.

`AgreementSteps` assembles them: the offer steps (`tradelane.offering`: made, inspected, accepted
and revoked), the amendment steps (`tradelane.amending`: proposed, co-signed and sent), and here
what both share — bookings confirmed or signed for relaying, the deployment's settings — and the
dev shortcut `open_agreed_shipment` that plays every role. The documents themselves (typed data,
signatures, files) are `tradelane.agreement`.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import agreement
from .amending import AmendmentSteps
from .documents import document_route, unique_bookings
from .errors import InputError
from .model import Tranche
from .offering import OfferSteps
from .steps import ETH, Who
from .typeddata import from_hex

__all__ = ["AgreementSteps"]


class AgreementSteps(OfferSteps, AmendmentSteps):
    """Offer / booking / amendment steps; mixed into `tradelane.client.Tradelane`."""

    # -- deployment settings ------------------------------------------------------------

    def settings(self) -> dict:
        """The deployment's waits and the bounds every deployment's waits lie within (A7)."""
        f = self.contract.functions
        min_grace, max_grace, min_arb, max_arb = f.bounds().call()
        return {
            "grace_period": int(f.GRACE_PERIOD().call()),
            "arbiter_timeout": int(f.ARBITER_TIMEOUT().call()),
            "grace_period_bounds": (int(min_grace), int(max_grace)),
            "arbiter_timeout_bounds": (int(min_arb), int(max_arb)),
        }

    # -- bookings (of an offer or an amendment) --------------------------------------------

    def sign_booking(self, carrier: Who, document: dict, leg: int) -> dict:
        """`carrier`'s signed booking of leg `leg` of an offer or amendment document (it rides
        in the accept or amend transaction, or anyone relays it with `relay_bookings`)."""
        self._check_here(document)
        legs = document_route(document)
        if not 0 <= leg < len(legs):
            raise InputError(f"leg {leg}: the route has legs 0..{len(legs) - 1}")
        account = self.chain.account(carrier)
        if legs[leg][3] != account.address:
            raise InputError(
                f"leg {leg} is carried by {legs[leg][3]}, not by {account.address}: "
                "only a leg's own carrier confirms it"
            )
        return agreement.sign_booking(
            account, self.chain.chain_id, self.address, from_hex(document["digest"]), leg
        )

    def confirm_booking(self, carrier: Who, shipment_id: int, leg: int) -> dict:
        """The carrier of leg `leg` confirms its booking of the route in force (a direct call)."""
        terms = bytes(self.view(shipment_id)["terms"])
        call = self.contract.functions.confirmBooking(shipment_id, leg, terms)
        return self.chain.send(call, carrier)

    def relay_bookings(self, sender: Who, shipment_id: int, bookings: Sequence[dict]) -> dict:
        """Send carriers' booking signatures for the agreement that set the route in force."""
        bookings = unique_bookings(bookings)
        if not bookings:
            raise InputError("nothing to relay: give at least one booking")
        for b in bookings:
            self._check_here(b)
        agreement_in_force, legs, _network = self.in_force(shipment_id)
        digest = "0x" + agreement_in_force.hex()
        call = self.contract.functions.confirmBookings(
            shipment_id,
            agreement_in_force,
            agreement.route_hash(legs),
            agreement.booking_tuples(bookings, digest),
        )
        return self.chain.send(call, sender)

    # -- the dev shortcut -----------------------------------------------------------------

    def open_agreed_shipment(
        self,
        buyer: Who,
        *,
        seller: Who,
        encoded,
        amount: int,
        deadline: int,
        arbiter: str,
        token: str = ETH,
        tranches: Sequence[Tranche] = (),
        items_root: bytes = bytes(32),
        destination: str | None = None,
    ) -> int:
        """DEV SHORTCUT: plays seller, every carrier and buyer with keys this process holds
        (dev accounts): the seller signs the offer, each carrier signs its booking, the buyer
        accepts. Between real parties each step runs on its own machine (see `make_offer`,
        `sign_booking`, `accept_offer`). Returns the shipment id."""
        offer = self.make_offer(
            seller,
            encoded,
            amount=amount,
            deadline=deadline,
            arbiter=arbiter,
            token=token,
            tranches=tranches,
            items_root=items_root,
            destination=destination,
        )
        legs = document_route(offer)
        bookings = [self.sign_booking(leg[3], offer, i) for i, leg in enumerate(legs)]
        return self.accept_offer(buyer, offer, bookings)
