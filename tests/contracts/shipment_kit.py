"""Test kit for the Shipments contract: one deployment, parties by role, and the calls tests make.

Shared by the behaviour tests, the hypothesis state machine (``test_stateful.py``) and the
benchmarks (``benchmarks/gas_bench.py``, ``benchmarks/soak.py``), so every one of them drives the
contract the same way, through the project's client (``tradelane.chain`` / ``tradelane.contracts``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from eth_abi import encode
from eth_account.messages import encode_typed_data
from eth_keys import keys
from eth_utils import keccak
from web3.logs import DISCARD

from tradelane.attest import compact_signature as compact
from tradelane.chain import DEV_NAMES, Chain, connect
from tradelane.contracts import at, deploy
from tradelane.errors import ContractRevert

__all__ = [
    "CODES",
    "CLASSIFIERS",
    "STATES",
    "LEG_TYPE",
    "GRACE",
    "ARBITER_TIMEOUT",
    "Kit",
    "build_kit",
    "lc",
    "route_hash",
]

CODES = {
    name: i
    for i, name in enumerate(
        ["GTIN", "LOAD", "DEPA", "ARRI", "DISC", "GTOT", "INSP", "RELS", "DROP"]
    )
}
CLASSIFIERS = {"ACT": 0, "EST": 1, "PLN": 2}
STATES = ["None", "Open", "Routed", "Delivered", "Disputed", "Completed", "Refunded", "Resolved"]
OFFER_TUPLE = [
    "seller",
    "buyer",
    "token",
    "amount",
    "destination",
    "deadline",
    "gracePeriod",
    "arbiter",
    "itemsRoot",
    "networkHash",
    "expiry",
    "nonce",
    "tranches",
    "legs",
]
LEG_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"
GRACE = 3 * 86400
ARBITER_TIMEOUT = 14 * 86400
ETH = "0x" + "00" * 20
DAY = 86400
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


ZERO32 = b"\0" * 32


def lc(code: str) -> bytes:
    """A UN/LOCODE as the contract's bytes5."""
    return code.encode().ljust(5, b"\0")


# The route hash and the EIP-712 types below are written out again on purpose: the contract
# tests check Solidity against an independent encoding, not against the client's own code.


def route_hash(legs) -> bytes:
    """keccak256(abi.encode(Leg[])) — what commitRoute checks."""
    return keccak(encode([LEG_TYPE], [legs]))


# The typed data is spelled here again, independently of tradelane/agreement.py and attest.py,
# on purpose: the contract tests check the contract against this second reading of the spec.
ATTESTATION_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Attestation": [
        {"name": "shipmentId", "type": "uint64"},
        {"name": "leg", "type": "uint8"},
        {"name": "code", "type": "uint8"},
        {"name": "classifier", "type": "uint8"},
        {"name": "location", "type": "bytes5"},
        {"name": "eventTime", "type": "uint40"},
        {"name": "nonce", "type": "uint32"},
        {"name": "deadline", "type": "uint40"},
    ],
}
OFFER_TYPES = {
    "EIP712Domain": ATTESTATION_TYPES["EIP712Domain"],
    "Offer": [
        {"name": "seller", "type": "address"},
        {"name": "buyer", "type": "address"},
        {"name": "token", "type": "address"},
        {"name": "amount", "type": "uint256"},
        {"name": "destination", "type": "bytes5"},
        {"name": "deadline", "type": "uint40"},
        {"name": "gracePeriod", "type": "uint32"},
        {"name": "arbiter", "type": "address"},
        {"name": "itemsRoot", "type": "bytes32"},
        {"name": "routeHash", "type": "bytes32"},
        {"name": "networkHash", "type": "bytes32"},
        {"name": "tranches", "type": "Tranche[]"},
        {"name": "expiry", "type": "uint40"},
        {"name": "nonce", "type": "uint64"},
    ],
    "Tranche": [
        {"name": "code", "type": "uint8"},
        {"name": "leg", "type": "uint8"},
        {"name": "bps", "type": "uint16"},
    ],
}
BOOKING_TYPES = {
    "EIP712Domain": ATTESTATION_TYPES["EIP712Domain"],
    "Booking": [{"name": "agreement", "type": "bytes32"}, {"name": "leg", "type": "uint8"}],
}
AMENDMENT_TYPES = {
    "EIP712Domain": ATTESTATION_TYPES["EIP712Domain"],
    "Amendment": [
        {"name": "shipmentId", "type": "uint256"},
        {"name": "agreement", "type": "bytes32"},
        {"name": "fromLeg", "type": "uint8"},
        {"name": "routeHash", "type": "bytes32"},
        {"name": "networkHash", "type": "bytes32"},
        {"name": "deadline", "type": "uint40"},
    ],
}


@dataclass
class Kit:
    """A deployed Shipments contract plus test tokens, on one chain."""

    chain: Chain
    ship: object
    tokens: dict = field(default_factory=dict)  # name -> web3 contract
    _nonce: int = 0

    # -- parties ---------------------------------------------------------------------

    def addr(self, who) -> str:
        if isinstance(who, str) and who.startswith("0x"):
            return self.chain.w3.to_checksum_address(who)
        return self.chain.account(who).address

    def token(self, name):
        return ETH if name in (None, "ETH") else self.tokens[name].address

    def balance(self, token_name=None, who=None) -> int:
        who = who or self.ship.address
        if token_name in (None, "ETH"):
            return self.chain.w3.eth.get_balance(who)
        return self.tokens[token_name].functions.balanceOf(who).call()

    # -- transactions ----------------------------------------------------------------

    def send(self, fn, sender, value=0):
        return self.chain.send(fn, sender, value=value)

    def offer(
        self,
        *,
        seller="seller",
        buyer=None,
        token=None,
        amount=10**18,
        destination=None,
        deadline=None,
        arbiter="arbiter",
        items=ZERO32,
        tranches=None,
        legs=None,
        network=b"\x11" * 32,
        expiry=None,
        nonce=None,
        grace=GRACE,
    ) -> tuple:
        """An `Offer` tuple as `acceptOffer` takes it (defaults: the 3-leg route, 2 tranches)."""
        tranches = (
            [(CODES["DEPA"], 0, 2000), (CODES["ARRI"], 255, 3000)] if tranches is None else tranches
        )
        legs = self.legs() if legs is None else legs
        self._nonce += 1
        return (
            self.addr(seller),
            self.addr(buyer) if buyer else ETH,
            self.token(token),
            amount,
            legs[-1][1]
            if destination is None
            else lc(destination)
            if isinstance(destination, str)
            else destination,
            deadline or self.chain.now() + 30 * DAY,
            grace,
            self.addr(arbiter),
            items,
            network,
            expiry or self.chain.now() + 7 * DAY,
            self._nonce if nonce is None else nonce,
            list(tranches),
            list(legs),
        )

    def offer_message(self, offer) -> dict:
        fields = dict(zip(OFFER_TUPLE, offer, strict=True))
        fields.pop("legs")
        fields["routeHash"] = route_hash(offer[13])
        fields["tranches"] = [{"code": c, "leg": g, "bps": b} for c, g, b in offer[12]]
        return fields

    def sign_offer(self, offer, signer="seller", **domain) -> bytes:
        return self._sign(OFFER_TYPES, self.offer_message(offer), signer, domain)

    def offer_digest(self, offer, **domain) -> bytes:
        return self._digest(OFFER_TYPES, self.offer_message(offer), domain)

    def sign_booking(self, agreement: bytes, leg: int, signer, **domain) -> tuple:
        """A `BookingSignature` tuple (leg, r, vs) by `signer` for leg `leg` of `agreement`."""
        message = {"agreement": agreement, "leg": leg}
        return (leg, *compact(self._sign(BOOKING_TYPES, message, signer, domain)))

    def bookings(self, agreement: bytes, legs, which=None) -> list:
        """Every leg's carrier's booking of `agreement` (or only the legs in `which`)."""
        which = range(len(legs)) if which is None else which
        return [self.sign_booking(agreement, i, legs[i][3]) for i in which]

    def accept(self, offer, *, buyer="buyer", signer="seller", bookings=None, value=None, sig=None):
        """The buyer accepts `offer` (every leg booked unless `bookings` is given); the receipt."""
        sig = sig if sig is not None else self.sign_offer(offer, signer)
        if bookings is None:
            bookings = self.bookings(self.offer_digest(offer), offer[13])
        if value is None:
            value = offer[3] if offer[2] == ETH else 0
        call = self.ship.functions.acceptOffer(offer, compact(sig), bookings)
        return self.send(call, buyer, value=value)

    def open(self, *, buyer="buyer", value=None, bookings=None, **kw) -> int:
        """Opens an agreed shipment (approving the token first), every leg booked; its id."""
        offer = self.offer(**kw)
        token = kw.get("token")
        if token not in (None, "ETH"):
            self.send(self.tokens[token].functions.approve(self.ship.address, offer[3]), buyer)
        receipt = self.accept(offer, buyer=buyer, value=value, bookings=bookings)
        return self.events(receipt, "ShipmentOpened")[0]["shipmentId"]

    def legs(
        self,
        ports=("CNSHA", "SGSIN", "EGPSD", "NLRTM"),
        carriers=("carrier1", "carrier2", "carrier3"),
        passages=None,
        mode=0,
    ):
        now = self.chain.now()
        out = []
        for i in range(len(ports) - 1):
            out.append(
                (
                    lc(ports[i]),
                    lc(ports[i + 1]),
                    mode,
                    self.addr(carriers[i % len(carriers)]),
                    now + DAY * (2 * i + 1),
                    now + DAY * (2 * i + 2),
                    0 if passages is None else passages[i],
                )
            )
        return out

    def milestone(self, sid, leg, code, loc, cls="ACT", t=None):
        t = self.chain.now() if t is None else t
        return (sid, leg, CODES[code], CLASSIFIERS[cls], lc(loc), t)

    def record(self, sid, leg, code, loc, sender=None, cls="ACT", t=None):
        sender = sender or self.carrier_of(sid, leg)
        return self.send(
            self.ship.functions.recordMilestone(self.milestone(sid, leg, code, loc, cls, t)), sender
        )

    def carrier_of(self, sid, leg) -> str:
        return self.view(sid)["legs"][leg][3]

    def run_leg(
        self, sid, leg, origin, destination, codes=("GTIN", "LOAD", "DEPA", "ARRI", "DISC")
    ):
        for code in codes:
            side = origin if code in ("GTIN", "LOAD", "DEPA") else destination
            self.record(sid, leg, code, side)

    def deliver(self, sid, ports=("CNSHA", "SGSIN", "EGPSD", "NLRTM")):
        """Runs every leg of the default route to ACT DROP."""
        for i in range(len(ports) - 1):
            self.run_leg(sid, i, ports[i], ports[i + 1], codes=("DEPA", "ARRI"))
        self.record(sid, len(ports) - 2, "DROP", ports[-1])

    # -- signatures ------------------------------------------------------------------

    def domain(self, chain_id=None, contract=None):
        return {
            "name": "Tradelane",
            "version": "1",
            "chainId": chain_id or self.chain.chain_id,
            "verifyingContract": contract or self.ship.address,
        }

    def _typed(self, types: dict, message: dict, domain: dict):
        primary = next(name for name in types if name not in ("EIP712Domain", "Tranche"))
        data = {"types": types, "primaryType": primary, "domain": self.domain(**domain)}
        return encode_typed_data(full_message={**data, "message": message})

    def _sign(self, types: dict, message: dict, signer, domain: dict) -> bytes:
        return (
            self.chain.account(signer).sign_message(self._typed(types, message, domain)).signature
        )

    def _digest(self, types: dict, message: dict, domain: dict) -> bytes:
        t = self._typed(types, message, domain)
        return keccak(b"\x19" + t.version + t.header + t.body)

    def sign_attestation(self, milestone, nonce, deadline, signer, **domain):
        sid, leg, code, cls, loc, t = milestone
        message = {
            "shipmentId": sid,
            "leg": leg,
            "code": code,
            "classifier": cls,
            "location": loc,
            "eventTime": t,
            "nonce": nonce,
            "deadline": deadline,
        }
        return self._sign(ATTESTATION_TYPES, message, signer, domain)

    def sign_amendment(
        self, sid, agreement, from_leg, new_hash, network, deadline, signer, **domain
    ):
        message = {
            "shipmentId": sid,
            "agreement": agreement,
            "fromLeg": from_leg,
            "routeHash": new_hash,
            "networkHash": network,
            "deadline": deadline,
        }
        return self._sign(AMENDMENT_TYPES, message, signer, domain)

    def recover(self, milestone, nonce, deadline, signature: bytes) -> str:
        """Who the contract would take `signature` to be from, were `milestone` attested at
        `nonce` and `deadline` (any signature recovers to someone)."""
        digest = self.ship.functions.attestationDigest(milestone, nonce, deadline).call()
        sig = keys.Signature(signature[:64] + bytes([signature[64] - 27]))
        return sig.recover_public_key_from_msg_hash(digest).to_checksum_address()

    @staticmethod
    def malleate(signature: bytes) -> bytes:
        """The other valid-for-ecrecover signature (s → n − s, v flipped): EIP-2 high-s form."""
        r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
        return r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])

    @staticmethod
    def compact(signature: bytes) -> tuple[bytes, bytes]:
        """(r, vs), the EIP-2098 form of a 65-byte r ‖ s ‖ v signature, as the contract takes it."""
        return compact(signature)

    def leg_nonce(self, sid, leg) -> int:
        """The attestation nonce of the next milestone on `leg`: milestones already on it (A5)."""
        v = self.view(sid)
        return v["legNonce"] if leg == v["currentLeg"] else 0

    def amend(
        self,
        sid,
        from_leg,
        legs,
        *,
        bookings=None,
        deadline=None,
        network=b"\x22" * 32,
        buyer="buyer",
        seller="seller",
        sender="relayer",
    ):
        """Buyer and seller sign and anyone sends an amendment (the new legs booked unless
        `bookings` is given); returns the receipt."""
        agreement, old = self.in_force(sid)
        new_route = old[:from_leg] + list(legs)
        deadline = deadline or self.chain.now() + DAY
        args = (sid, agreement, from_leg, route_hash(new_route), network, deadline)
        bs = self.sign_amendment(*args, buyer)
        ss = self.sign_amendment(*args, seller)
        if bookings is None:
            digest = self.ship.functions.amendmentDigest(*args).call()
            bookings = self.bookings(digest, new_route, range(from_leg, len(new_route)))
        call = self.ship.functions.amendRoute(
            sid,
            agreement,
            old,
            from_leg,
            list(legs),
            network,
            deadline,
            compact(bs),
            compact(ss),
            bookings,
        )
        return self.send(call, sender)

    def in_force(self, sid) -> tuple[bytes, list]:
        """(agreement digest, complete route) in force, from the last RouteCommitted event."""
        logs = self.ship.events.RouteCommitted().get_logs(
            from_block=0, argument_filters={"shipmentId": sid}
        )
        args = logs[-1]["args"]
        fields = ("origin", "destination", "mode", "carrier", "plannedDeparture")
        fields += ("plannedArrival", "passages")
        return bytes(args["agreement"]), [tuple(leg[f] for f in fields) for leg in args["legs"]]

    def terms(self, sid) -> bytes:
        """The shipment's terms: keccak256(abi.encode(agreement, routeHash)) in force."""
        agreement, route = self.in_force(sid)
        return keccak(encode(["bytes32", "bytes32"], [agreement, route_hash(route)]))

    def relay(self, milestone, signer, sender="relayer", nonce=None, deadline=None):
        nonce = self.leg_nonce(milestone[0], milestone[1]) if nonce is None else nonce
        deadline = deadline or self.chain.now() + DAY
        r, vs = compact(self.sign_attestation(milestone, nonce, deadline, signer))
        return self.send(
            self.ship.functions.relaySignedMilestone(milestone, deadline, r, vs), sender
        )

    def signed_entry(self, milestone, signer, nonce, deadline=None):
        """A `recordBatch` entry carrying `signer`'s attestation of `milestone` at `nonce`."""
        deadline = deadline or self.chain.now() + DAY
        r, vs = compact(self.sign_attestation(milestone, nonce, deadline, signer))
        return (milestone, deadline, r, vs)

    @staticmethod
    def direct_entry(milestone):
        """A `recordBatch` entry the sender reports itself (r = vs = 0)."""
        return (milestone, 0, ZERO32, ZERO32)

    # -- views -----------------------------------------------------------------------

    def events(self, receipt, name) -> list[dict]:
        """The args of every `name` event the Shipments contract emitted in `receipt`."""
        logs = getattr(self.ship.events, name)().process_receipt(receipt, errors=DISCARD)
        return [dict(log["args"]) for log in logs if log["address"] == self.ship.address]

    def view(self, sid) -> dict:
        raw = self.ship.functions.shipment(sid).call()
        names = [c["name"] for c in _view_components(self.ship.abi)]
        return dict(zip(names, raw, strict=True))

    def state(self, sid) -> str:
        return STATES[self.view(sid)["state"]]

    def credit(self, who, token=None) -> int:
        return self.ship.functions.credit(self.addr(who), self.token(token)).call()

    # -- reverts ---------------------------------------------------------------------

    @staticmethod
    @contextlib.contextmanager
    def reverts(name, *args):
        """Expects the block to revert with custom error `name` (and arguments, if given)."""
        try:
            yield
        except ContractRevert as err:
            assert err.error_name == name, f"expected {name}, got {err.error_name}{err.error_args}"
            if args:
                norm = lambda xs: tuple(x.lower() if isinstance(x, str) else x for x in xs)  # noqa: E731
                assert norm(err.error_args) == norm(args), f"{name}{err.error_args} != {args}"
        else:
            raise AssertionError(f"expected revert {name}")

    # -- snapshots -------------------------------------------------------------------

    def advance(self, seconds: int) -> int:
        return self.chain.advance(seconds)

    def snapshot(self):
        return self.chain.w3.provider.ethereum_tester.take_snapshot()

    def revert_to(self, snap):
        self.chain.w3.provider.ethereum_tester.revert_to_snapshot(snap)


def _view_components(abi):
    for item in abi:
        if item.get("name") == "shipment" and item["type"] == "function":
            return item["outputs"][0]["components"]
    raise LookupError("shipment() not in ABI")


TOKENS = ("MockToken", "NoReturnToken", "FeeToken", "BlacklistToken", "RebaseToken")
PARTIES = tuple(name for name in DEV_NAMES if name != "deployer")


def build_kit(chain: Chain | None = None, supply: int = 10**30) -> Kit:
    """A fresh embedded chain (unless given) with Shipments and the test tokens deployed.

    Every party holds `supply` of each token, and the buyer approved nothing yet.
    """
    chain = chain or connect("embedded")
    deployed, _ = deploy(chain, "Shipments", GRACE, ARBITER_TIMEOUT)
    ship = at(chain, "IShipments", deployed.address)  # the core and the desk behind its fallback
    kit = Kit(chain=chain, ship=ship)
    for name in TOKENS:
        args = ("Stable", "USD") if name == "MockToken" else ()
        token, _ = deploy(chain, name, *args)
        kit.tokens[name] = token
        for who in PARTIES:
            chain.send(token.functions.mint(chain.account(who).address, supply), "deployer")
    return kit
