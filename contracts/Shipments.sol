// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IShipmentsCore} from "./interfaces/IShipments.sol";
import {Milestones} from "./Milestones.sol";
import {Payouts} from "./Payouts.sol";
import {RouteRules} from "./Routes.sol";
import {Settlement} from "./Settlement.sol";
import {ShipmentsDesk} from "./ShipmentsDesk.sol";
import {LegWord} from "./lib/LegWord.sol";
import {MilestoneRecord} from "./lib/MilestoneRecord.sol";
import {Tranches} from "./lib/Tranches.sol";

/// @title Tradelane shipments: agreed offers, confirmed bookings, DCSA milestones, escrow.
/// @dev Behaviour numbers refer to docs/SPECIFICATION.md. Roles, per shipment: the seller (or an
/// operator it authorised) signs an offer with every money-moving term; the buyer accepts it by
/// funding it; each leg's carrier confirms its booking, then reports that leg, directly or by
/// signature; the arbiter both chose splits a disputed escrow; buyer and seller co-sign
/// amendments; anyone relays signatures, finalizes and applies timeouts.
///
/// There is no owner, admin, pause or upgrade: nobody can move, redirect or freeze escrowed funds
/// except as specified. Money only leaves through {withdraw}, by the payee it was credited to.
///
/// The rarely called entry points (amendments, relayed bookings, receiver, operators, items) live
/// in {ShipmentsDesk}, created by the constructor and reached by `delegatecall` through the stubs
/// below, so that this contract stays under EIP-170. The desk's address is immutable and it runs
/// only inside this contract's storage.
///
/// Invariants: per shipment `released + refunded + held == deposited`; per token the contract's
/// balance ≥ Σ held + Σ credits (== for tokens that neither rebase nor charge on transfers out).
contract Shipments is IShipmentsCore, EIP712, ReentrancyGuardTransient, Payouts, RouteRules, Milestones, Settlement {
    using SafeERC20 for IERC20;

    /// @inheritdoc IShipmentsCore
    address public immutable DESK;

    /// @param gracePeriod seconds the buyer has after delivery to dispute (B18), within bounds (A7).
    /// @param arbiterTimeout seconds the arbiter has to decide a dispute (B23), within bounds (A7).
    constructor(uint256 gracePeriod, uint256 arbiterTimeout)
        EIP712("Tradelane", "1")
        Settlement(gracePeriod, arbiterTimeout)
    {
        DESK = address(new ShipmentsDesk(gracePeriod, arbiterTimeout));
    }

    /// @notice The buyer accepts a signed offer: one transaction opens and funds the shipment,
    /// commits its route and confirms the legs whose carriers' bookings ride along (A1, A2, B1–B5).
    /// @dev For an ERC-20 the deposit is what actually arrived (balance difference), so
    /// fee-on-transfer tokens stay accounted. The tokens are pulled before the shipment is written
    /// because the amount received is only known afterwards; `nonReentrant` covers that call, and
    /// the offer's nonce is marked used before it.
    ///
    /// Requirements:
    /// - the offer is signed by its seller or an operator of the seller; not expired; its nonce not
    ///   used by another accepted or revoked offer of the seller; for this caller (or any buyer);
    /// - parties: seller, arbiter, carriers nonzero; nobody holds two roles (A2, A3);
    /// - 0 < amount < 2**96; deadline in the future; gracePeriod == GRACE_PERIOD; the legs connect
    ///   and end at the destination; tranches valid on legs the route has (B3);
    /// - ETH: `msg.value == amount`; ERC-20: `msg.value == 0` and `amount` approved;
    /// - each booking is signed by its leg's carrier for this offer's digest.
    ///
    /// Emits {ShipmentOpened}, {RouteCommitted}, {BookingsConfirmed} if any booking rode along and
    /// {ItemsCommitted} if `itemsRoot` is set.
    function acceptOffer(Offer calldata offer, Signature calldata sellerSignature, BookingSignature[] calldata bookings)
        external
        payable
        nonReentrant
        returns (uint256 shipmentId)
    {
        if (block.timestamp > offer.expiry) revert OfferExpired(offer.expiry, block.timestamp);
        bytes32 routeHash = keccak256(abi.encode(offer.legs));
        bytes32 digest = _offerDigest(offer, routeHash);
        _useNonce(offer.seller, offer.nonce);
        address signer = _sellerSigned(offer.seller, digest, sellerSignature);
        if (offer.buyer != address(0) && offer.buyer != msg.sender) revert Unauthorized(msg.sender, ROLE_BUYER);
        uint256 packedTranches = _checkOffer(offer, routeHash, signer);
        uint256 booked = _bookedLegs(digest, offer.legs, 0, bookings);

        unchecked {
            // One id per call: 2**64 ids would take longer than the chain will exist.
            shipmentId = ++_registry().shipmentCount;
        }
        uint256 deposit = _pull(offer.token, offer.amount);

        Shipment storage s = _shipmentAt(shipmentId);
        s.progress = MilestoneRecord.genesis(shipmentId);
        s.buyer = msg.sender;
        s.deadline = offer.deadline;
        s.openedAt = uint40(block.timestamp);
        s.state = State.Routed;
        s.seller = offer.seller;
        // deposit ≤ amount < 2**96 (checked in _checkOffer).
        s.deposited = uint96(deposit);
        s.arbiter = offer.arbiter;
        if (offer.token != address(0)) s.token = offer.token;
        s.tranches = uint160(packedTranches);
        s.destination = offer.destination;
        // At most 8 tranches, checked by Tranches.pack.
        s.trancheCount = uint8(offer.tranches.length);
        s.terms = _terms(digest, routeHash);
        if (offer.itemsRoot != 0) s.itemsRoot = offer.itemsRoot;
        _storeLegs(s, 0, offer.legs, booked);

        emit ShipmentOpened(
            shipmentId,
            msg.sender,
            offer.seller,
            offer.token,
            deposit,
            offer.destination,
            offer.deadline,
            offer.arbiter,
            digest
        );
        emit RouteCommitted(shipmentId, routeHash, offer.networkHash, digest, 0, offer.legs);
        if (booked != 0) emit BookingsConfirmed(shipmentId, uint16(booked));
        if (offer.itemsRoot != 0) emit ItemsCommitted(shipmentId, offer.itemsRoot);
    }

    // ------------------------------------------------------------ entry points run by the desk

    /// @notice Every {IShipmentsDesk} entry point: runs in the desk, on this contract's storage.
    /// @dev Not in this contract's dispatcher, so the milestone entry points are found early (the IR
    /// dispatcher compares selectors one by one). Calldata matching no desk function reverts there.
    fallback() external {
        _delegate();
    }

    // ------------------------------------------------------------------------- views

    /// @inheritdoc IShipmentsCore
    function shipment(uint256 shipmentId) external view returns (ShipmentView memory v) {
        Shipment storage s = _existing(shipmentId);
        uint256 p = s.progress;
        v.state = s.state;
        v.buyer = s.buyer;
        v.seller = s.seller;
        v.receiver = s.receiver;
        v.token = s.token;
        v.arbiter = s.arbiter;
        v.destination = s.destination;
        v.deadline = s.deadline;
        v.openedAt = s.openedAt;
        v.deliveredAt = s.deliveredAt;
        v.disputedAt = s.disputedAt;
        v.gracePeriod = uint32(GRACE_PERIOD);
        v.deposited = s.deposited;
        v.released = s.released;
        v.refunded = s.refunded;
        v.held = uint128(_held(s));
        v.terms = s.terms;
        v.itemsRoot = s.itemsRoot;
        v.head = MilestoneRecord.head(p);
        v.milestones = MilestoneRecord.count(p);
        v.legNonce = MilestoneRecord.legNonce(p);
        v.currentLeg = MilestoneRecord.currentLeg(p);
        v.legPhase = MilestoneRecord.phase(p);
        v.lastEventTime = MilestoneRecord.lastEventTime(p);
        v.tranches = Tranches.unpack(s.tranches, s.trancheCount);
        uint256 n = s.legCount;
        v.legs = new Leg[](n);
        for (uint256 i; i < n; ++i) {
            uint256 word = s.legs[i];
            v.legs[i] = LegWord.unpack(word);
            if (word & LegWord.CONFIRMED != 0) v.confirmedLegs |= uint16(1 << i);
        }
    }

    // --------------------------------------------------------------------- internals

    /// @dev The offer's terms (B3, A1–A3); returns the packed tranches.
    function _checkOffer(Offer calldata offer, bytes32 routeHash, address signer)
        private
        view
        returns (uint256 packedTranches)
    {
        address seller = offer.seller;
        address arbiter = offer.arbiter;
        if (seller == address(0)) revert InvalidOrder("seller");
        if (seller == msg.sender) revert RoleConflict(msg.sender, ROLE_BUYER);
        if (arbiter == address(0)) revert InvalidOrder("arbiter");
        if (arbiter == msg.sender || arbiter == seller || arbiter == signer) revert RoleConflict(arbiter, ROLE_ARBITER);
        if (offer.amount == 0 || offer.amount >= 1 << 96) revert InvalidOrder("amount");
        if (offer.deadline <= block.timestamp) revert InvalidOrder("deadline");
        if (offer.gracePeriod != GRACE_PERIOD) revert InvalidOrder("gracePeriod");
        if (offer.destination == 0) revert InvalidOrder("destination");
        _checkLegs(
            offer.legs, 0, 0, offer.destination, routeHash, [msg.sender, seller, arbiter, signer, address(0)]
        );
        packedTranches = Tranches.pack(offer.tranches, offer.legs.length);
    }

    /// @dev Runs the current call in the desk, on this contract's storage, and returns its result.
    function _delegate() private {
        address desk = DESK;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), desk, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    /// @dev Takes the deposit in: checks `msg.value` for ETH, pulls an ERC-20 and measures what arrived.
    function _pull(address token, uint256 amount) private returns (uint256 received) {
        if (token == address(0)) {
            if (msg.value != amount) revert WrongValue(msg.value, amount);
            return amount;
        }
        if (msg.value != 0) revert WrongValue(msg.value, 0);
        uint256 before = _balance(token);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        received = _balance(token) - before;
        if (received == 0 || received > amount) revert InvalidOrder("amount");
    }

    function _balance(address token) private view returns (uint256) {
        return IERC20(token).balanceOf(address(this));
    }
}
