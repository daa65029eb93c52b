// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IShipmentsDesk} from "./interfaces/IShipments.sol";
import {RouteRules} from "./Routes.sol";
import {LegWord} from "./lib/LegWord.sol";
import {MilestoneRecord} from "./lib/MilestoneRecord.sol";
import {Tranches} from "./lib/Tranches.sol";

/// @title The rarely called entry points of {Shipments}: amendments, bookings, receivers, operators,
/// and where the escrow goes on delivery, refund, cancellation and disputes (B17–B23).
/// @dev Every settlement checks the state, updates storage, emits, and only then credits (no
/// transfer ever happens here; payees withdraw, see {Payouts}). Every waiting state has a timeout
/// with a defined outcome: Routed → refund after the deadline; Delivered → finalize after the
/// grace period; Disputed → settleDispute after the arbiter timeout.
/// @dev Created by the Shipments constructor and only ever run by `delegatecall` from it, on its
/// storage (the same {ShipmentStore} layout); called directly it refuses everything. Its EIP-712
/// domain is the Shipments contract's: OpenZeppelin's {EIP712} rebuilds the separator from
/// `address(this)`, which under delegatecall is Shipments.
contract ShipmentsDesk is RouteRules, IShipmentsDesk {
    /// @dev The Shipments contract that created this desk.
    address private immutable SHIPMENTS;
    /// @dev Shipments' GRACE_PERIOD and ARBITER_TIMEOUT (bounded by its constructor, A7).
    uint256 private immutable GRACE;
    uint256 private immutable ARBITER;

    error OnlyThroughShipments();

    constructor(uint256 gracePeriod, uint256 arbiterTimeout) EIP712("Tradelane", "1") {
        SHIPMENTS = msg.sender;
        GRACE = gracePeriod;
        ARBITER = arbiterTimeout;
    }

    modifier delegated() {
        if (address(this) != SHIPMENTS) revert OnlyThroughShipments();
        _;
    }

    /// @notice The seller (or its operator) withdraws an offer nobody accepted yet (A1).
    /// @dev It uses the offer's nonce: every other offer of the seller with that nonce dies too.
    ///
    /// Requirements: caller is the offer's seller or an operator of it; the nonce is unused.
    ///
    /// Emits an {OfferRevoked} event.
    function revokeOffer(Offer calldata offer) external delegated {
        address seller = offer.seller;
        if (msg.sender != seller && !_registry().operators[seller][msg.sender]) {
            revert Unauthorized(msg.sender, ROLE_SELLER_OR_OPERATOR);
        }
        _useNonce(seller, offer.nonce);
        emit OfferRevoked(seller, _offerDigest(offer, keccak256(abi.encode(offer.legs))));
    }

    /// @notice The carrier of leg `leg` confirms its booking of the terms in force (A2).
    /// @dev Confirming a confirmed leg again changes nothing and emits nothing.
    ///
    /// Requirements: the shipment is not final; `terms` are the shipment's; caller is the leg's
    /// carrier.
    ///
    /// Emits a {BookingsConfirmed} event.
    function confirmBooking(uint256 shipmentId, uint8 leg, bytes32 terms) external delegated {
        Shipment storage s = _existing(shipmentId);
        if (_isFinal(s.state)) revert WrongState(shipmentId, s.state);
        if (terms != s.terms || leg >= s.legCount) revert TermsMismatch(shipmentId, leg);
        uint256 word = s.legs[leg];
        if (msg.sender != LegWord.carrier(word)) revert Unauthorized(msg.sender, ROLE_CARRIER);
        if (word & LegWord.CONFIRMED == 0) {
            s.legs[leg] = word | LegWord.CONFIRMED;
            emit BookingsConfirmed(shipmentId, uint16(1 << leg));
        }
    }

    /// @notice Anyone relays carriers' booking signatures of `agreement`, the offer or amendment
    /// that set the route in force, `routeHash` (A2).
    ///
    /// Requirements: the shipment is not final; `agreement` and `routeHash` make its terms; each
    /// booking is signed by its leg's carrier.
    ///
    /// Emits a {BookingsConfirmed} event with the legs newly confirmed.
    function confirmBookings(
        uint256 shipmentId,
        bytes32 agreement,
        bytes32 routeHash,
        BookingSignature[] calldata bookings
    ) external delegated {
        Shipment storage s = _existing(shipmentId);
        if (_isFinal(s.state)) revert WrongState(shipmentId, s.state);
        if (_terms(agreement, routeHash) != s.terms) revert TermsMismatch(shipmentId, 0);
        uint256 n = s.legCount;
        uint256 fresh;
        for (uint256 i; i < bookings.length; ++i) {
            BookingSignature calldata b = bookings[i];
            if (b.leg >= n) revert TermsMismatch(shipmentId, b.leg);
            uint256 word = s.legs[b.leg];
            address signer = ECDSA.recover(_bookingDigest(agreement, b.leg), b.r, b.vs);
            if (signer != LegWord.carrier(word)) revert Unauthorized(signer, ROLE_CARRIER);
            if (word & LegWord.CONFIRMED == 0) {
                s.legs[b.leg] = word | LegWord.CONFIRMED;
                fresh |= 1 << b.leg;
            }
        }
        if (fresh != 0) emit BookingsConfirmed(shipmentId, uint16(fresh));
    }

    /// @notice Seller (or its operator) commits the Merkle root of the item trace codes, once (B4).
    ///
    /// Requirements: caller is the seller or one of its operators; the shipment is not final; no
    /// items root was committed before; `itemsRoot` is nonzero.
    ///
    /// Emits an {ItemsCommitted} event.
    function commitItems(uint256 shipmentId, bytes32 itemsRoot) external delegated {
        Shipment storage s = _existing(shipmentId);
        _onlySellerOrOperator(s);
        if (_isFinal(s.state)) revert WrongState(shipmentId, s.state);
        if (itemsRoot == 0 || s.itemsRoot != 0) revert InvalidOrder("itemsRoot");
        s.itemsRoot = itemsRoot;
        emit ItemsCommitted(shipmentId, itemsRoot);
    }

    /// @notice Replaces the legs from `fromLeg` on with `legs`, as buyer and seller both signed;
    /// bookings of the new legs' carriers may ride along (A4, B14–B16).
    /// @dev Anyone may submit. The signed `Amendment` binds the agreement in force (and so its
    /// route), so it applies only to what it was signed against, and at most once. A departed leg's
    /// carrier may be replaced (a silent carrier) or its destination changed (a diversion), the
    /// leg continuing from its origin, the last reported location; an arrived leg only changes
    /// carrier. The recorded history stays as it is.
    ///
    /// Requirements:
    /// - the shipment is Routed; `deadline` has not passed; `agreement` and `oldRoute` are in force;
    /// - `fromLeg` is not before the current leg and not past the route's end; the last leg has not
    ///   recorded its DROP; if the current leg departed, the new leg keeps its origin; if it
    ///   arrived, its origin and destination;
    /// - the kept legs followed by `legs` form a valid route (B5) whose carriers hold no other role;
    /// - every unpaid tranche stays on a leg of the new route;
    /// - the signatures are the buyer's and the seller's (or its operator's) of {amendmentDigest}.
    ///
    /// Emits a {RouteCommitted} event carrying the complete new route, and {BookingsConfirmed}.
    function amendRoute(
        uint256 shipmentId,
        bytes32 agreement,
        Leg[] calldata oldRoute,
        uint8 fromLeg,
        Leg[] calldata legs,
        bytes32 networkHash,
        uint40 deadline,
        Signature calldata buyerSignature,
        Signature calldata sellerSignature,
        BookingSignature[] calldata bookings
    ) external delegated {
        Shipment storage s = _existing(shipmentId);
        if (s.state != State.Routed) revert WrongState(shipmentId, s.state);
        if (deadline < block.timestamp) revert AttestationExpired(deadline, block.timestamp);
        // The amendment signs the agreement in force, itself a digest of the one before: once
        // applied, the terms move on and it can never apply again (B16).
        if (_terms(agreement, keccak256(abi.encode(oldRoute))) != s.terms) revert TermsMismatch(shipmentId, fromLeg);
        Leg[] memory route = _routeWith(oldRoute, fromLeg, legs);
        bytes32 routeHash = keccak256(abi.encode(route));
        bytes32 digest = _amendmentDigest(shipmentId, agreement, fromLeg, routeHash, networkHash, deadline);
        address signer = ECDSA.recover(digest, buyerSignature.r, buyerSignature.vs);
        if (signer != s.buyer) revert Unauthorized(signer, ROLE_BUYER);
        signer = _sellerSigned(s.seller, digest, sellerSignature);

        _checkAmendable(s, shipmentId, oldRoute, fromLeg, legs);
        _checkLegs(
            legs,
            fromLeg,
            fromLeg == 0 ? bytes5(0) : oldRoute[fromLeg - 1].destination,
            s.destination,
            routeHash,
            [s.buyer, s.seller, s.arbiter, signer, s.receiver]
        );
        if (!Tranches.fit(s.tranches, s.trancheCount, s.releasedTranches, fromLeg + legs.length)) {
            revert InvalidOrder("tranches");
        }
        uint256 booked = _bookedLegs(digest, legs, fromLeg, bookings);
        _storeLegs(s, fromLeg, legs, booked);
        s.terms = _terms(digest, routeHash);
        emit RouteCommitted(shipmentId, routeHash, networkHash, digest, fromLeg, route);
        if (booked != 0) emit BookingsConfirmed(shipmentId, uint16(booked));
    }

    /// @notice Seller names who receives its payouts for this shipment, address(0) = the seller (A6, B28).
    ///
    /// Requirements: caller is the seller; the shipment is neither final nor disputed; the receiver
    /// is not this contract, the arbiter or a carrier of the shipment.
    ///
    /// Emits a {ReceiverSet} event.
    function setReceiver(uint256 shipmentId, address receiver) external delegated {
        Shipment storage s = _existing(shipmentId);
        _onlySeller(s);
        State state = s.state;
        if (_isFinal(state) || state == State.Disputed) revert WrongState(shipmentId, state);
        if (receiver == address(this) || receiver == s.arbiter || _isCarrier(s, receiver)) {
            revert InvalidReceiver(receiver);
        }
        s.receiver = receiver;
        emit ReceiverSet(shipmentId, receiver);
    }

    /// @notice The caller, as a seller, authorises or revokes `operator` for all its shipments (B29).
    ///
    /// Requirements: `operator` is nonzero and not the caller.
    ///
    /// Emits an {OperatorSet} event.
    function setOperator(address operator, bool authorised) external delegated {
        if (operator == address(0) || operator == msg.sender) revert InvalidOrder("operator");
        _registry().operators[msg.sender][operator] = authorised;
        emit OperatorSet(msg.sender, operator, authorised);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IShipmentsDesk
    function isOperator(address seller, address operator) external view delegated returns (bool) {
        return _registry().operators[seller][operator];
    }

    /// @inheritdoc IShipmentsDesk
    function bounds() external view delegated returns (uint256, uint256, uint256, uint256) {
        return (MIN_GRACE_PERIOD, MAX_GRACE_PERIOD, MIN_ARBITER_TIMEOUT, MAX_ARBITER_TIMEOUT);
    }

    /// @inheritdoc IShipmentsDesk
    function offerNonceUsed(address seller, uint64 nonce) external view delegated returns (bool) {
        return _registry().nonces[seller][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IShipmentsDesk
    function offerDigest(Offer calldata offer) external view delegated returns (bytes32) {
        return _offerDigest(offer, keccak256(abi.encode(offer.legs)));
    }

    /// @inheritdoc IShipmentsDesk
    function bookingDigest(bytes32 agreement, uint8 leg) external view delegated returns (bytes32) {
        return _bookingDigest(agreement, leg);
    }

    /// @inheritdoc IShipmentsDesk
    function amendmentDigest(
        uint256 shipmentId,
        bytes32 agreement,
        uint8 fromLeg,
        bytes32 routeHash,
        bytes32 networkHash,
        uint40 deadline
    ) external view delegated returns (bytes32) {
        return _amendmentDigest(shipmentId, agreement, fromLeg, routeHash, networkHash, deadline);
    }

    // ------------------------------------------------------------------ settlement (B17–B23)

    /// @notice Buyer confirms delivery: everything held goes to the seller side (B17).
    ///
    /// Requirements: caller is the buyer; the shipment is Routed or Delivered.
    ///
    /// Emits a {Completed} event (and a {Credited} event if anything was held).
    function confirmDelivery(uint256 shipmentId) external delegated {
        Shipment storage s = _existing(shipmentId);
        _onlyBuyer(s);
        State state = s.state;
        if (state != State.Routed && state != State.Delivered) revert WrongState(shipmentId, state);
        _complete(s, shipmentId);
    }

    /// @notice Anyone completes a delivered shipment once the grace period passed undisputed (B18).
    ///
    /// Requirements: the shipment is Delivered; `deliveredAt + GRACE` has been reached.
    ///
    /// Emits a {Completed} event.
    function finalize(uint256 shipmentId) external delegated {
        Shipment storage s = _existing(shipmentId);
        if (s.state != State.Delivered) revert WrongState(shipmentId, s.state);
        uint256 readyAt = s.deliveredAt + GRACE;
        if (block.timestamp < readyAt) revert TooEarly(shipmentId, readyAt);
        _complete(s, shipmentId);
    }

    /// @notice Buyer takes back everything held once the deadline passed without delivery (B19).
    ///
    /// Requirements: caller is the buyer; the shipment is Open or Routed; the deadline has passed.
    ///
    /// Emits a {Refunded} event.
    function refund(uint256 shipmentId) external delegated {
        Shipment storage s = _existing(shipmentId);
        _onlyBuyer(s);
        State state = s.state;
        if (state != State.Open && state != State.Routed) revert WrongState(shipmentId, state);
        if (block.timestamp <= s.deadline) revert TooEarly(shipmentId, uint256(s.deadline) + 1);
        _refund(s, shipmentId);
    }

    /// @notice Seller gives up: everything held goes back to the buyer (B20).
    ///
    /// Requirements: caller is the seller; the shipment is Open, Routed or Delivered.
    ///
    /// Emits a {Refunded} event.
    function cancel(uint256 shipmentId) external delegated {
        Shipment storage s = _existing(shipmentId);
        _onlySeller(s);
        State state = s.state;
        if (state != State.Open && state != State.Routed && state != State.Delivered) {
            revert WrongState(shipmentId, state);
        }
        _refund(s, shipmentId);
    }

    /// @notice Buyer or seller freezes releases, refund and cancellation; the arbiter decides (B21).
    ///
    /// Requirements: caller is the buyer or the seller; the shipment is Open, Routed or Delivered.
    ///
    /// Emits a {DisputeOpened} event.
    function openDispute(uint256 shipmentId) external delegated {
        Shipment storage s = _existing(shipmentId);
        if (msg.sender != s.buyer && msg.sender != s.seller) revert Unauthorized(msg.sender, ROLE_BUYER_OR_SELLER);
        State state = s.state;
        if (state != State.Open && state != State.Routed && state != State.Delivered) {
            revert WrongState(shipmentId, state);
        }
        s.state = State.Disputed;
        s.disputedAt = uint40(block.timestamp);
        emit DisputeOpened(shipmentId, msg.sender);
    }

    /// @notice The arbiter splits what is held: `toBuyer` back to the buyer, the rest to the seller side (B22).
    ///
    /// Requirements: caller is the arbiter; the shipment is Disputed; `toBuyer` ≤ held.
    ///
    /// Emits a {DisputeResolved} event.
    function resolveDispute(uint256 shipmentId, uint256 toBuyer) external delegated {
        Shipment storage s = _existing(shipmentId);
        if (msg.sender != s.arbiter) revert Unauthorized(msg.sender, ROLE_ARBITER);
        if (s.state != State.Disputed) revert WrongState(shipmentId, s.state);
        uint256 held = _held(s);
        if (toBuyer > held) revert SplitTooLarge(toBuyer, held);
        _resolve(s, shipmentId, toBuyer, false);
    }

    /// @notice Anyone, once the arbiter timeout passed: a shipment whose final carrier recorded DROP
    /// by the deadline — before the dispute or while it was open — pays the seller side everything
    /// held; any other pays it back to the buyer (B23, A3).
    ///
    /// Requirements: the shipment is Disputed; `disputedAt + ARBITER` has been reached.
    ///
    /// Emits a {DisputeResolved} event with `byTimeout` set.
    function settleDispute(uint256 shipmentId) external delegated {
        Shipment storage s = _existing(shipmentId);
        if (s.state != State.Disputed) revert WrongState(shipmentId, s.state);
        uint256 readyAt = s.disputedAt + ARBITER;
        if (block.timestamp < readyAt) revert TooEarly(shipmentId, readyAt);
        _resolve(s, shipmentId, s.deliveredAt != 0 ? 0 : _held(s), true);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Where an amendment may start and what a leg under way keeps (A4, B15).
    function _checkAmendable(
        Shipment storage s,
        uint256 shipmentId,
        Leg[] calldata oldRoute,
        uint8 fromLeg,
        Leg[] calldata legs
    ) private view {
        uint256 p = s.progress;
        uint256 cur = MilestoneRecord.currentLeg(p);
        uint256 phase = MilestoneRecord.phase(p);
        bool frozen = fromLeg > oldRoute.length || legs.length == 0 || p & MilestoneRecord.DROPPED != 0 || fromLeg < cur;
        if (!frozen && fromLeg == cur && phase != 0) {
            // Under way: continue from the last reported location (the origin once departed; the
            // destination too once arrived).
            Leg calldata old = oldRoute[cur];
            frozen = legs.length == 0 || legs[0].origin != old.origin
                || (phase == MilestoneRecord.ARRIVED && legs[0].destination != old.destination);
        }
        if (frozen) revert RouteFrozen(shipmentId, fromLeg);
    }

    /// @dev The complete route after replacing the legs from `fromLeg` with `legs`.
    function _routeWith(Leg[] calldata oldRoute, uint256 fromLeg, Leg[] calldata legs)
        private
        pure
        returns (Leg[] memory route)
    {
        uint256 kept = fromLeg < oldRoute.length ? fromLeg : oldRoute.length;
        route = new Leg[](kept + legs.length);
        for (uint256 i; i < kept; ++i) {
            route[i] = oldRoute[i];
        }
        for (uint256 i; i < legs.length; ++i) {
            route[kept + i] = legs[i];
        }
    }

    function _complete(Shipment storage s, uint256 shipmentId) internal {
        uint256 amount = _held(s);
        // released + held == deposited - refunded: moving held into released keeps the sum.
        s.released += uint96(amount);
        _close(s, State.Completed);
        emit Completed(shipmentId, amount);
        _credit(_payee(s), s.token, amount);
    }

    function _refund(Shipment storage s, uint256 shipmentId) internal {
        uint256 amount = _held(s);
        // Moving held into refunded keeps released + refunded + held == deposited.
        s.refunded += uint96(amount);
        _close(s, State.Refunded);
        emit Refunded(shipmentId, amount);
        _credit(s.buyer, s.token, amount);
    }

    function _resolve(Shipment storage s, uint256 shipmentId, uint256 toBuyer, bool byTimeout) internal {
        uint256 held = _held(s);
        // toBuyer ≤ held: checked by resolveDispute, and settleDispute passes 0 or held.
        uint256 toSeller = held - toBuyer;
        s.refunded += uint96(toBuyer);
        s.released += uint96(toSeller);
        _close(s, State.Resolved);
        emit DisputeResolved(shipmentId, toBuyer, toSeller, byTimeout);
        address token = s.token;
        _credit(s.buyer, token, toBuyer);
        _credit(_payee(s), token, toSeller);
    }
}
