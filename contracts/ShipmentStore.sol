// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IShipmentsCore, IShipmentsTypes} from "./interfaces/IShipments.sol";
import {MilestoneRecord} from "./lib/MilestoneRecord.sol";

/// @title Shipment storage, roles and the checks every entry point shares.
/// @dev One `Shipment` per id. The milestone path (B7) touches only `progress` and one
/// `legs[i]` word; everything else is read when money moves or the route changes.
///
/// Accounting invariant, relied on wherever `held` is decreased:
/// `released + refunded + held == deposited` for every shipment, at all times.
abstract contract ShipmentStorage is IShipmentsTypes {
    uint256 internal constant MAX_LEGS = 16;

    bytes32 internal constant ROLE_BUYER = "buyer";
    bytes32 internal constant ROLE_SELLER = "seller";
    bytes32 internal constant ROLE_SELLER_OR_OPERATOR = "seller or operator";
    bytes32 internal constant ROLE_BUYER_OR_SELLER = "buyer or seller";
    bytes32 internal constant ROLE_ARBITER = "arbiter";

    /// @dev Milestones' assembly relies on this order: word 0 `progress`, words 1–16 `legs`,
    /// word 17 holding `buyer` then `deadline`, `openedAt`, `state` (bits 240–247). Keep it.
    /// Money is stored in 96 bits (amounts are below 2**96, checked on acceptance); `held` is
    /// not stored: it is `deposited - released - refunded`, so I1 holds by construction. A new
    /// 3-leg shipment writes 9 words here (progress, 3 legs, 17, 18, 19, 21, terms; 20 too for an
    /// ERC-20), see docs/SPECIFICATION.md "Storage and gas".
    struct Shipment {
        uint256 progress; //          MilestoneRecord layout; nonzero iff the shipment exists
        uint256[16] legs; //          LegWord: carrier, ports, mode, flags (planned times: route hash)
        // --- word 17
        address buyer;
        uint40 deadline;
        uint40 openedAt;
        State state;
        uint8 legCount;
        // --- word 18
        address seller;
        uint96 deposited;
        // --- word 19
        address arbiter;
        uint96 released;
        // --- word 20
        address token;
        uint96 refunded;
        // --- word 21
        uint160 tranches; //          Tranches layout
        bytes5 destination;
        uint8 trancheCount;
        uint8 releasedTranches; //    bit i set once tranche i was paid (at most once, B27)
        uint40 deliveredAt; //        in a word written at acceptance: DROP writes no new word
        // --- word 22
        address receiver;
        uint40 disputedAt;
        // --- words 23, 24
        bytes32 terms; //             keccak256(abi.encode(agreement, routeHash)) in force
        bytes32 itemsRoot;
    }

    /// @dev Shipment `id` lives at `SHIPMENTS_LOCATION + id * 64` (ERC-7201 namespace
    /// "tradelane.shipments"; a Shipment takes 25 slots). A fixed stride instead of a mapping saves
    /// the keccak on every milestone; ids are below 2**64 (checked), so strides never overlap.
    /// @custom:storage-location erc7201:tradelane.shipments
    uint256 internal constant SHIPMENTS_LOCATION = 0xe0b54b3727734fbc98c1ecc4bf2c7b9497af1a133efdd7a4682dd670b8803600;
    uint256 internal constant SHIPMENT_STRIDE_SHIFT = 6;
    uint256 internal constant MAX_SHIPMENT_ID = type(uint64).max;
    // Bounds of every deployment's waits (A7).
    uint256 internal constant MIN_GRACE_PERIOD = 1 hours;
    uint256 internal constant MAX_GRACE_PERIOD = 30 days;
    uint256 internal constant MIN_ARBITER_TIMEOUT = 1 days;
    uint256 internal constant MAX_ARBITER_TIMEOUT = 90 days;

    /// @dev Everything else the contract stores, at a fixed place (ERC-7201 namespace
    /// "tradelane.registry") rather than in inherited state variables, so that {Shipments} and its
    /// {ShipmentsDesk}, which runs on the same storage by delegatecall, agree on where it is
    /// whatever their inheritance.
    /// @custom:storage-location erc7201:tradelane.registry
    struct Registry {
        mapping(address seller => mapping(address operator => bool)) operators;
        uint256 shipmentCount;
        /// Per seller, the offer nonces used (accepted or revoked), 256 to a word (A1).
        mapping(address seller => mapping(uint256 word => uint256 bits)) nonces;
        mapping(address payee => mapping(address token => uint256)) credits;
    }

    bytes32 private constant REGISTRY_LOCATION = 0xab9afe27f7a6ec79933316fe22769b4287c07fa9048e62f502c8e14760085000;

    function _registry() internal pure returns (Registry storage r) {
        assembly ("memory-safe") {
            r.slot := REGISTRY_LOCATION
        }
    }

    /// @dev Marks `seller`'s offer nonce used, reverting {OfferUsed} if it was (A1).
    function _useNonce(address seller, uint64 nonce) internal {
        mapping(uint256 => uint256) storage words = _registry().nonces[seller];
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = words[nonce >> 8];
        if (bits & bit != 0) revert OfferUsed(seller, nonce);
        words[nonce >> 8] = bits | bit;
    }

    /// @dev The shipment's terms: which agreement set the route in force, and that route.
    function _terms(bytes32 agreement, bytes32 routeHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(agreement, routeHash));
    }

    /// @dev Adds `amount` of `token` to what `payee` may withdraw. No transfer happens here.
    function _credit(address payee, address token, uint256 amount) internal {
        if (amount == 0) return;
        _registry().credits[payee][token] += amount;
        emit Credited(payee, token, amount);
    }

    bytes32 internal constant ROLE_CARRIER = "carrier";
    bytes32 internal constant ROLE_RECEIVER = "receiver";

    // ------------------------------------------------------------- internal helpers

    /// @dev The storage of shipment `shipmentId` (any id below 2**64; unused ids read as zero).
    function _shipmentAt(uint256 shipmentId) internal pure returns (Shipment storage s) {
        assembly ("memory-safe") {
            s.slot := add(SHIPMENTS_LOCATION, shl(SHIPMENT_STRIDE_SHIFT, shipmentId))
        }
    }

    /// @dev The shipment `shipmentId`, reverting with {UnknownShipment} if it does not exist.
    function _existing(uint256 shipmentId) internal view returns (Shipment storage s) {
        if (shipmentId > MAX_SHIPMENT_ID) revert UnknownShipment(shipmentId);
        s = _shipmentAt(shipmentId);
        if (s.state == State.None) revert UnknownShipment(shipmentId);
    }

    function _onlyBuyer(Shipment storage s) internal view {
        if (msg.sender != s.buyer) revert Unauthorized(msg.sender, ROLE_BUYER);
    }

    function _onlySeller(Shipment storage s) internal view {
        if (msg.sender != s.seller) revert Unauthorized(msg.sender, ROLE_SELLER);
    }

    function _onlySellerOrOperator(Shipment storage s) internal view {
        address seller = s.seller;
        if (msg.sender != seller && !_registry().operators[seller][msg.sender]) {
            revert Unauthorized(msg.sender, ROLE_SELLER_OR_OPERATOR);
        }
    }

    /// @dev Whether `state` is one of the final states (nothing can change any more).
    function _isFinal(State state) internal pure returns (bool) {
        return state >= State.Completed;
    }

    /// @dev What is still in escrow for `s` (I1: released + refunded + held == deposited).
    function _held(Shipment storage s) internal view returns (uint256) {
        return uint256(s.deposited) - s.released - s.refunded;
    }

    /// @dev Whether `account` carries any leg of `s`'s route in force.
    function _isCarrier(Shipment storage s, address account) internal view returns (bool) {
        uint256 n = s.legCount;
        for (uint256 i; i < n; ++i) {
            if (address(uint160(s.legs[i])) == account) return true;
        }
        return false;
    }

    /// @dev Who receives the seller side of the money: the named receiver, else the seller.
    function _payee(Shipment storage s) internal view returns (address receiver) {
        receiver = s.receiver;
        if (receiver == address(0)) receiver = s.seller;
    }

    /// @dev Moves `s` into final state `state` and closes its milestone history.
    function _close(Shipment storage s, State state) internal {
        s.state = state;
        s.progress |= MilestoneRecord.CLOSED;
    }
}

/// @title The storage plus the external views every part of {Shipments} shares.
abstract contract ShipmentStore is IShipmentsCore, ShipmentStorage {
    /// @inheritdoc IShipmentsCore
    function shipmentCount() external view returns (uint256) {
        return _registry().shipmentCount;
    }

    // ---------------------------------------------------------------- settlement hooks

    /// @dev An ACT DEPA/ARRI on a leg whose trigger bit is set was recorded (B27).
    function _releaseTranches(Shipment storage s, uint256 shipmentId, uint256 leg, uint256 code, uint256 lastLeg)
        internal
        virtual;

    /// @dev The last leg's ACT DROP was recorded (B9).
    function _dropped(Shipment storage s, uint256 shipmentId) internal virtual;
}
