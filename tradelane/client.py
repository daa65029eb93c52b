"""The one Python client of the Shipments contract.

The CLI, the brownie scripts, the demo, the exports, the web page and the tests all
go through `Tradelane`: nothing else builds a transaction or reads a shipment.

    >>> from tradelane.chain import connect
    >>> tl, _ = Tradelane.deploy(connect("embedded"))          # doctest: +SKIP
    >>> offer = tl.make_offer("seller", encoded, amount=..., deadline=..., arbiter=...)  # +SKIP
    >>> sid = tl.accept_offer("buyer", offer)                   # doctest: +SKIP

Its rooms are mixins: the agreement steps (offers, bookings, amendments, and the dev shortcut
`open_agreed_shipment`) are in `tradelane.agreeing` (see `tradelane.agreement` for the API), the
reads and the buyer's `status` in `tradelane.reading`; here are finding the contract, milestones
and settlement. `tradelane.steps` is what they share.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from eth_utils import function_abi_to_4byte_selector
from web3 import Web3

from . import attest, deployments
from .agreeing import AgreementSteps
from .chain import Chain
from .compiler import SOLC_VERSION, source_hash
from .contracts import at, deploy
from .errors import ChainError, InputError, NotDeployedError
from .logs import fetch as fetch_logs
from .model import ORIGIN_SIDE, Classifier, Code, Milestone, parse_locode
from .reading import Reads
from .revert import span
from .steps import DAY, ETH, Who

__all__ = ["Tradelane", "ETH", "DAY"]


class Tradelane(AgreementSteps, Reads):
    """A deployed Shipments contract on a connected chain."""

    def __init__(self, chain: Chain, address: str, deployment: dict | None = None):
        self.chain = chain
        self.address = Web3.to_checksum_address(address)
        # The complete surface (IShipments): the Shipments core plus the desk behind its fallback.
        self.contract = at(chain, "IShipments", self.address)
        self.deployment = deployment or {"address": self.address, "block": 0}
        self.last_receipt: dict | None = None  # of the last `accept_offer`
        # reads (status, shipments_of) come from here when set: tradelane.index.attach
        self.index = None

    # -- finding the contract --------------------------------------------------------

    @classmethod
    def deploy(
        cls,
        chain: Chain,
        *,
        sender: Who = "deployer",
        grace_period: int = 3 * DAY,
        arbiter_timeout: int = 14 * DAY,
        force: bool = False,
    ) -> tuple[Tradelane, bool]:
        """Deploy unless this chain already runs these sources. Returns (client, deployed_now)."""
        sources = source_hash()
        if not force and not chain.is_embedded:
            existing = deployments.existing(chain)
            if existing and existing.get("source_hash") == sources:
                with contextlib.suppress(NotDeployedError):  # a fresh node: deploy again
                    tl = cls.attach(chain)
                    waits = (existing.get("grace_period"), existing.get("arbiter_timeout"))
                    if waits != (grace_period, arbiter_timeout):
                        raise InputError(
                            f"Tradelane is already deployed on this chain at {tl.address} with "
                            f"a grace period of {span(waits[0])} and an arbiter timeout of "
                            f"{span(waits[1])}; another deployment would leave its shipments "
                            "behind: pass --force to deploy a second contract anyway"
                        )
                    return tl, False
        contract, receipt = deploy(chain, "Shipments", grace_period, arbiter_timeout, sender=sender)
        entry = {
            "address": contract.address,
            "block": receipt["blockNumber"],
            "tx_hash": receipt["transactionHash"].hex(),
            "compiler": f"solc {SOLC_VERSION} (wasm), evm prague",
            "source_hash": sources,
            "grace_period": grace_period,
            "arbiter_timeout": arbiter_timeout,
        }
        deployments.record(chain, entry)
        return cls(chain, contract.address, entry), True

    @classmethod
    def attach(cls, chain: Chain) -> Tradelane:
        entry = deployments.lookup(chain)
        tl = cls(chain, entry["address"], entry)
        tl._check_interface()
        return tl

    def _check_interface(self) -> None:
        """Refuse a contract that lacks this version's functions (e.g. a node state kept from an
        older Tradelane): calling it would fail later, one obscure revert at a time."""
        code = bytes(self.chain.w3.eth.get_code(self.address))
        with contextlib.suppress(Exception):  # an older version has no desk: reported below
            desk = self.contract.functions.DESK().call()
            code += bytes(self.chain.w3.eth.get_code(desk))
        missing = [
            f["name"]
            for f in self.contract.abi
            if f["type"] == "function" and function_abi_to_4byte_selector(f) not in code
        ]
        missing.sort(key=str.isupper)  # entry points first, then constants
        if missing:
            raise ChainError(
                f"the contract at {self.address} on chain {self.chain.chain_id} is not this "
                f"version of Tradelane (it has no {', '.join(missing[:3])}); deploy this version "
                f"with `tradelane deploy --rpc {self.chain.url}`, a new and empty contract"
            )

    @property
    def from_block(self) -> int:
        return int(self.deployment.get("block", 0))

    def logs(self, event: str, **argument_filters) -> list:
        """Every `event` log of the contract since its deployment whose indexed arguments match
        `argument_filters`, in order (read in block ranges a public node will serve)."""
        return fetch_logs(
            self.chain.w3,
            getattr(self.contract.events, event)(),
            from_block=self.from_block,
            argument_filters=argument_filters or None,
        )

    # -- opening (offers: tradelane.agreeing) ----------------------------------------

    def find_opened(
        self,
        *,
        buyer: str,
        seller: str,
        token: str,
        amount: int,
        destination: str,
        min_nonce: int = 0,
    ) -> int | None:
        """The first shipment `buyer` opened with these terms in a transaction whose nonce is
        at least `min_nonce` (how an interrupted opening is found again), or None."""
        logs = self.logs(
            "ShipmentOpened", buyer=self.chain.address(buyer), seller=self.chain.address(seller)
        )
        for log in logs:
            args = log["args"]
            if (
                int(args["amount"]) == amount
                and Web3.to_checksum_address(args["token"]) == Web3.to_checksum_address(token)
                and args["destination"] == parse_locode(destination)
                and self.chain.w3.eth.get_transaction(log["transactionHash"])["nonce"] >= min_nonce
            ):
                return int(args["shipmentId"])
        return None

    def commit_items(self, sender: Who, shipment_id: int, items_root: bytes) -> dict:
        return self.chain.send(self.contract.functions.commitItems(shipment_id, items_root), sender)

    # -- milestones ------------------------------------------------------------------

    def milestone_for(
        self,
        shipment_id: int,
        code: Code,
        *,
        leg: int | None = None,
        location: str | None = None,
        event_time: int | None = None,
        classifier: Classifier = Classifier.ACT,
    ) -> tuple[Milestone, str]:
        """The milestone a carrier means, defaults taken from the shipment's progress.

        `leg` defaults to the current leg (the next one for an origin-side code once the
        current leg arrived); `location` to the leg's origin (GTIN LOAD DEPA, and INSP
        before departure) or destination; `event_time` to the chain's time. Returns
        (milestone, the leg's carrier address).
        """
        view = self.view(shipment_id)
        legs = view["legs"]
        if not legs:
            raise InputError(f"shipment {shipment_id} has no route committed yet")
        if leg is None:
            leg = view["currentLeg"]
            if view["legPhase"] == 2 and code in ORIGIN_SIDE and leg + 1 < len(legs):
                leg += 1
        if not 0 <= leg < len(legs):
            raise InputError(f"leg {leg}: shipment {shipment_id} has legs 0..{len(legs) - 1}")
        origin, destination, _mode, carrier = legs[leg][:4]
        if location is None:
            same_leg_departed = leg == view["currentLeg"] and view["legPhase"] > 0
            at_origin = code in ORIGIN_SIDE or (code == Code.INSP and not same_leg_departed)
            location = (origin if at_origin else destination).decode()
        milestone = Milestone(
            shipment_id,
            leg,
            code,
            classifier,
            parse_locode(location).decode(),
            self.chain.now() if event_time is None else event_time,
        )
        return milestone, carrier

    def record(self, carrier: Who, milestone: Milestone) -> dict:
        """The leg's carrier records a milestone directly."""
        return self.chain.send(
            self.contract.functions.recordMilestone(milestone.as_tuple()), carrier
        )

    def sign(
        self, carrier: Who, milestone: Milestone, *, nonce: int | None = None, valid_for: int = DAY
    ) -> dict:
        """An EIP-712 attestation of `milestone` by `carrier`, as a JSON-able dict."""
        if nonce is None:
            nonce = _leg_nonce(self.view(milestone.shipment_id), milestone.leg)
        deadline = self.chain.now() + valid_for
        return attest.sign_milestone(
            self.chain.account(carrier),
            self.chain.chain_id,
            self.address,
            milestone,
            nonce,
            deadline,
        )

    def relay(self, sender: Who, attestations: Iterable[dict]) -> dict:
        """Send signed attestations in one transaction, in order.

        Each attestation's nonce must be the place its milestone will take on its leg: the
        contract hashes that place in as the nonce, so a stale or out-of-order attestation would
        recover someone other than the carrier. All are checked first, and nothing is sent unless
        every one fits.
        """
        attestations = list(attestations)
        entries = [attest.to_entry(a, self.chain.chain_id, self.address) for a in attestations]
        if not entries:
            raise InputError("nothing to relay: give at least one attestation")
        self._check_nonces(attestations)
        if len(entries) == 1:
            call = self.contract.functions.relaySignedMilestone(*entries[0])
        else:
            call = self.contract.functions.recordBatch(entries)
        return self.chain.send(call, sender)

    def _check_nonces(self, attestations: list[dict]) -> None:
        progress: dict[int, list[int]] = {}  # shipment -> [current leg, milestones on it]
        for a in attestations:
            m = attest.milestone_of(a)
            sid = m.shipment_id
            if sid not in progress:
                v = self.view(sid)
                progress[sid] = [v["currentLeg"], v["legNonce"]]
            cur = progress[sid]
            expected = cur[1] if m.leg == cur[0] else 0
            nonce = int(a["nonce"])
            if nonce != expected:
                raise InputError(
                    f"the attestation of {m.describe()} on shipment {sid} was signed as "
                    f"milestone #{nonce} of leg {m.leg}, but it would be recorded as #{expected}: "
                    "relay attestations in the order they were signed, or have the carrier sign "
                    "it again (tradelane milestone --sign-only)"
                )
            if m.leg == cur[0]:
                cur[1] += 1
            elif m.classifier == Classifier.ACT:
                progress[sid] = [m.leg, 1]

    def record_batch(self, carrier: Who, milestones: Iterable[Milestone]) -> dict:
        """The carrier records several of its own milestones in one transaction."""
        batch = [m.as_tuple() for m in milestones]
        return self.chain.send(self.contract.functions.recordMilestones(batch), carrier)

    # -- settlement ------------------------------------------------------------------

    def confirm(self, buyer: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.confirmDelivery(shipment_id), buyer)

    def finalize(self, sender: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.finalize(shipment_id), sender)

    def refund(self, buyer: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.refund(shipment_id), buyer)

    def cancel(self, seller: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.cancel(shipment_id), seller)

    def dispute(self, party: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.openDispute(shipment_id), party)

    def resolve(self, arbiter: Who, shipment_id: int, to_buyer: int) -> dict:
        return self.chain.send(
            self.contract.functions.resolveDispute(shipment_id, to_buyer), arbiter
        )

    def settle(self, sender: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.settleDispute(shipment_id), sender)

    def set_receiver(self, seller: Who, shipment_id: int, receiver: str) -> dict:
        call = self.contract.functions.setReceiver(shipment_id, self.chain.address(receiver))
        return self.chain.send(call, seller)

    def withdraw(self, payee: Who, token: str = ETH, to: str | None = None) -> dict:
        address = self.chain.account(payee).address
        return self.chain.send(
            self.contract.functions.withdraw(Web3.to_checksum_address(token), to or address), payee
        )


def _leg_nonce(view: dict, leg: int) -> int:
    """The attestation nonce the next milestone of `leg` takes (milestones already on it)."""
    return view["legNonce"] if leg == view["currentLeg"] else 0
