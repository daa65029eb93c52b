// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IShipments} from "./interfaces/IShipments.sol";
import {Milestones} from "./Milestones.sol";
import {Payouts} from "./Payouts.sol";
import {Routes} from "./Routes.sol";
import {Settlement} from "./Settlement.sol";
import {LegWord} from "./lib/LegWord.sol";
import {MilestoneRecord} from "./lib/MilestoneRecord.sol";
import {Tranches} from "./lib/Tranches.sol";

/// @title Tradelane shipments: escrowed orders, committed routes, DCSA milestones, signed attestations.
/// @dev Behaviour numbers refer to docs/SPECIFICATION.md. Roles, per shipment: the buyer (opens and
/// funds, confirms, refunds, disputes, signs amendments), the seller (commits route and items, names a
/// receiver, cancels, disputes, signs amendments) and its operators (commit route and items), the
/// carrier of each leg (reports that leg, directly or by signature), the arbiter (splits a disputed
/// escrow), and anyone (relays attestations and amendments, finalizes, applies timeouts).
///
/// There is no owner, admin, pause or upgrade: nobody can move, redirect or freeze escrowed funds
/// except as specified. Money only leaves through {withdraw}, by the payee it was credited to.
///
/// Invariants: per shipment `released + refunded + held == deposited`; per token the contract's
/// balance ≥ Σ held + Σ credits (== for tokens that neither rebase nor charge on transfers out).
contract Shipments is IShipments, EIP712, ReentrancyGuardTransient, Payouts, Routes, Milestones, Settlement {
    using SafeERC20 for IERC20;

    /// @param gracePeriod seconds the buyer has after delivery to dispute (B18).
    /// @param arbiterTimeout seconds the arbiter has to decide a dispute (B23).
    constructor(uint256 gracePeriod, uint256 arbiterTimeout)
        EIP712("Tradelane", "1")
        Settlement(gracePeriod, arbiterTimeout)
    {}

    /// @notice Buyer opens and funds a shipment; returns its id, 1, 2, … (B1–B4).
    /// @dev For an ERC-20 the deposit is what actually arrived (balance difference), so
    /// fee-on-transfer tokens stay accounted. The tokens are pulled before the shipment is written
    /// because the amount received is only known afterwards; `nonReentrant` covers that call.
    ///
    /// Requirements:
    /// - seller nonzero and not the buyer; arbiter nonzero and neither buyer nor seller;
    /// - amount > 0; deadline in the future; destination nonzero; tranches valid (B3);
    /// - ETH: `msg.value == amount`; ERC-20: `msg.value == 0` and `amount` approved.
    ///
    /// Emits a {ShipmentOpened} event (and {ItemsCommitted} if `itemsRoot` is set).
    function openShipment(Order calldata order) external payable nonReentrant returns (uint256 shipmentId) {
        address seller = order.seller;
        address arbiter = order.arbiter;
        if (seller == address(0) || seller == msg.sender) revert InvalidOrder("seller");
        if (arbiter == address(0) || arbiter == msg.sender || arbiter == seller) revert InvalidOrder("arbiter");
        if (order.amount == 0) revert InvalidOrder("amount");
        if (order.deadline <= block.timestamp) revert InvalidOrder("deadline");
        if (order.destination == 0) revert InvalidOrder("destination");
        uint256 packedTranches = Tranches.pack(order.tranches);

        address token = order.token;
        uint256 deposit = _pull(token, order.amount);

        unchecked {
            // One id per call: 2**64 ids would take longer than the chain will exist.
            shipmentId = ++_shipmentCount;
        }
        Shipment storage s = _shipmentAt(shipmentId);
        s.progress = MilestoneRecord.genesis(shipmentId);
        s.buyer = msg.sender;
        s.state = State.Open;
        // At most 8 tranches, checked by Tranches.pack.
        s.trancheCount = uint8(order.tranches.length);
        s.deadline = order.deadline;
        s.seller = seller;
        s.openedAt = uint40(block.timestamp);
        s.token = token;
        s.destination = order.destination;
        s.arbiter = arbiter;
        s.deposited = uint128(deposit);
        s.held = uint128(deposit);
        s.tranches = packedTranches;
        s.itemsRoot = order.itemsRoot;

        emit ShipmentOpened(
            shipmentId, msg.sender, seller, token, deposit, order.destination, order.deadline, arbiter
        );
        if (order.itemsRoot != 0) emit ItemsCommitted(shipmentId, order.itemsRoot);
    }

    /// @notice Seller names who receives its payouts for this shipment, address(0) = the seller (B28).
    ///
    /// Requirements: caller is the seller; the shipment is not final.
    ///
    /// Emits a {ReceiverSet} event.
    function setReceiver(uint256 shipmentId, address receiver) external {
        Shipment storage s = _existing(shipmentId);
        _onlySeller(s);
        if (_isFinal(s.state)) revert WrongState(shipmentId, s.state);
        s.receiver = receiver;
        emit ReceiverSet(shipmentId, receiver);
    }

    /// @notice The caller, as a seller, authorises or revokes `operator` for all its shipments (B29).
    ///
    /// Requirements: `operator` is nonzero and not the caller.
    ///
    /// Emits an {OperatorSet} event.
    function setOperator(address operator, bool authorised) external {
        if (operator == address(0) || operator == msg.sender) revert InvalidOrder("operator");
        _operators[msg.sender][operator] = authorised;
        emit OperatorSet(msg.sender, operator, authorised);
    }

    /// @inheritdoc IShipments
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
        v.deposited = s.deposited;
        v.released = s.released;
        v.refunded = s.refunded;
        v.held = s.held;
        v.routeHash = s.routeHash;
        v.networkHash = s.networkHash;
        v.itemsRoot = s.itemsRoot;
        v.head = MilestoneRecord.head(p);
        v.milestones = MilestoneRecord.count(p);
        v.currentLeg = MilestoneRecord.currentLeg(p);
        v.legPhase = MilestoneRecord.phase(p);
        v.lastEventTime = MilestoneRecord.lastEventTime(p);
        v.tranches = Tranches.unpack(s.tranches, s.trancheCount);
        uint256 n = s.legCount;
        v.legs = new Leg[](n);
        for (uint256 i; i < n; ++i) {
            v.legs[i] = LegWord.unpack(s.legs[i], s.legTimes[i]);
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
        if (received == 0 || received > type(uint128).max) revert InvalidOrder("amount");
    }

    function _balance(address token) private view returns (uint256) {
        return IERC20(token).balanceOf(address(this));
    }
}
