// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IShipments} from "./interfaces/IShipments.sol";
import {MilestoneRecord} from "./lib/MilestoneRecord.sol";

/// @title Shipment storage, roles and the checks every entry point shares.
/// @dev One `Shipment` per id. The milestone path (B7) touches only `progress` and one
/// `legs[i]` word; everything else is read when money moves or the route changes.
///
/// Accounting invariant, relied on wherever `held` is decreased:
/// `released + refunded + held == deposited` for every shipment, at all times.
abstract contract ShipmentStore is IShipments {
    uint256 internal constant MAX_LEGS = 16;

    bytes32 internal constant ROLE_BUYER = "buyer";
    bytes32 internal constant ROLE_SELLER = "seller";
    bytes32 internal constant ROLE_SELLER_OR_OPERATOR = "seller or operator";
    bytes32 internal constant ROLE_BUYER_OR_SELLER = "buyer or seller";
    bytes32 internal constant ROLE_ARBITER = "arbiter";

    /// @dev Milestones' assembly relies on this order: word 0 `progress`, words 1–16 `legs`,
    /// word 33 starting with `buyer` then `state`. Keep it.
    struct Shipment {
        uint256 progress; //          MilestoneRecord layout; nonzero iff the shipment exists
        uint256[16] legs; //          LegWord hot words
        uint256[16] legTimes; //      LegWord cold words
        // --- slot: parties and schedule
        address buyer;
        State state;
        uint8 legCount;
        uint8 trancheCount;
        uint8 releasedTranches; //    bit i set once tranche i was paid (at most once, B27)
        uint40 deadline;
        address seller;
        uint40 openedAt;
        uint40 deliveredAt;
        address token;
        uint40 disputedAt;
        bytes5 destination;
        address arbiter;
        address receiver;
        // --- money (released + refunded + held == deposited)
        uint128 deposited;
        uint128 held;
        uint128 released;
        uint128 refunded;
        uint256 tranches; //          Tranches layout
        bytes32 routeHash;
        bytes32 networkHash;
        bytes32 itemsRoot;
    }

    /// @dev Shipment `id` lives at `SHIPMENTS_LOCATION + id * 64` (ERC-7201 namespace
    /// "tradelane.shipments"; a Shipment takes 44 slots). A fixed stride instead of a mapping saves
    /// the keccak on every milestone; ids are below 2**64 (checked), so strides never overlap.
    /// @custom:storage-location erc7201:tradelane.shipments
    uint256 internal constant SHIPMENTS_LOCATION = 0xe0b54b3727734fbc98c1ecc4bf2c7b9497af1a133efdd7a4682dd670b8803600;
    uint256 internal constant SHIPMENT_STRIDE_SHIFT = 6;
    uint256 internal constant MAX_SHIPMENT_ID = type(uint64).max;
    mapping(address seller => mapping(address operator => bool)) internal _operators;
    uint256 internal _shipmentCount;

    /// @inheritdoc IShipments
    function shipmentCount() external view returns (uint256) {
        return _shipmentCount;
    }

    /// @inheritdoc IShipments
    function isOperator(address seller, address operator) external view returns (bool) {
        return _operators[seller][operator];
    }

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
        if (msg.sender != seller && !_operators[seller][msg.sender]) {
            revert Unauthorized(msg.sender, ROLE_SELLER_OR_OPERATOR);
        }
    }

    /// @dev Whether `state` is one of the final states (nothing can change any more).
    function _isFinal(State state) internal pure returns (bool) {
        return state >= State.Completed;
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

    // ---------------------------------------------------------------- settlement hooks

    /// @dev An ACT DEPA/ARRI on a leg whose trigger bit is set was recorded (B27).
    function _releaseTranches(Shipment storage s, uint256 shipmentId, uint256 leg, uint256 code, uint256 lastLeg)
        internal
        virtual;

    /// @dev The last leg's ACT DROP was recorded (B9).
    function _dropped(Shipment storage s, uint256 shipmentId) internal virtual;
}
