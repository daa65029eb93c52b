// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ShipmentStore} from "./ShipmentStore.sol";
import {Payouts} from "./Payouts.sol";
import {Tranches} from "./lib/Tranches.sol";

/// @title Where the escrow goes: tranches, delivery, refund, cancellation and disputes (B17–B23, B27).
/// @dev Every transition checks the state, updates storage, emits, and only then credits (no
/// transfer ever happens here; payees withdraw, see {Payouts}). Every waiting state has a timeout
/// with a defined outcome: Open/Routed → refund after the deadline; Delivered → finalize after the
/// grace period; Disputed → settleDispute after the arbiter timeout.
///
/// Invariant: `released + refunded + held == deposited`; every decrease of `held` below adds the
/// same amount to `released` or `refunded`.
abstract contract Settlement is ShipmentStore, Payouts {
    /// @notice Seconds the buyer has after the delivery milestone to dispute before anyone may finalize.
    uint256 public immutable GRACE_PERIOD;
    /// @notice Seconds the arbiter has to decide before anyone may apply the default rule.
    uint256 public immutable ARBITER_TIMEOUT;

    constructor(uint256 gracePeriod, uint256 arbiterTimeout) {
        GRACE_PERIOD = gracePeriod;
        ARBITER_TIMEOUT = arbiterTimeout;
    }

    /// @notice Buyer confirms delivery: everything held goes to the seller side (B17).
    ///
    /// Requirements: caller is the buyer; the shipment is Routed or Delivered.
    ///
    /// Emits a {Completed} event (and a {Credited} event if anything was held).
    function confirmDelivery(uint256 shipmentId) external {
        Shipment storage s = _existing(shipmentId);
        _onlyBuyer(s);
        State state = s.state;
        if (state != State.Routed && state != State.Delivered) revert WrongState(shipmentId, state);
        _complete(s, shipmentId);
    }

    /// @notice Anyone completes a delivered shipment once the grace period passed undisputed (B18).
    ///
    /// Requirements: the shipment is Delivered; `deliveredAt + GRACE_PERIOD` has been reached.
    ///
    /// Emits a {Completed} event.
    function finalize(uint256 shipmentId) external {
        Shipment storage s = _existing(shipmentId);
        if (s.state != State.Delivered) revert WrongState(shipmentId, s.state);
        uint256 readyAt = s.deliveredAt + GRACE_PERIOD;
        if (block.timestamp < readyAt) revert TooEarly(shipmentId, readyAt);
        _complete(s, shipmentId);
    }

    /// @notice Buyer takes back everything held once the deadline passed without delivery (B19).
    ///
    /// Requirements: caller is the buyer; the shipment is Open or Routed; the deadline has passed.
    ///
    /// Emits a {Refunded} event.
    function refund(uint256 shipmentId) external {
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
    function cancel(uint256 shipmentId) external {
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
    function openDispute(uint256 shipmentId) external {
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
    function resolveDispute(uint256 shipmentId, uint256 toBuyer) external {
        Shipment storage s = _existing(shipmentId);
        if (msg.sender != s.arbiter) revert Unauthorized(msg.sender, ROLE_ARBITER);
        if (s.state != State.Disputed) revert WrongState(shipmentId, s.state);
        if (toBuyer > s.held) revert SplitTooLarge(toBuyer, s.held);
        _resolve(s, shipmentId, toBuyer, false);
    }

    /// @notice Anyone, once the arbiter timeout passed: a shipment delivered before the dispute pays
    /// the seller side everything held, any other pays it back to the buyer (B23).
    ///
    /// Requirements: the shipment is Disputed; `disputedAt + ARBITER_TIMEOUT` has been reached.
    ///
    /// Emits a {DisputeResolved} event with `byTimeout` set.
    function settleDispute(uint256 shipmentId) external {
        Shipment storage s = _existing(shipmentId);
        if (s.state != State.Disputed) revert WrongState(shipmentId, s.state);
        uint256 readyAt = s.disputedAt + ARBITER_TIMEOUT;
        if (block.timestamp < readyAt) revert TooEarly(shipmentId, readyAt);
        _resolve(s, shipmentId, s.deliveredAt != 0 ? 0 : s.held, true);
    }

    // ------------------------------------------------------------------ internals

    /// @inheritdoc ShipmentStore
    function _releaseTranches(Shipment storage s, uint256 shipmentId, uint256 leg, uint256 code, uint256 lastLeg)
        internal
        override
    {
        // Disputed (or any other state): recorded, nothing released (B21, B27).
        if (s.state != State.Routed) return;
        uint256 packed = s.tranches;
        uint256 n = s.trancheCount;
        uint256 paid = s.releasedTranches;
        uint256 deposited = s.deposited;
        uint256 fresh;
        uint256 total;
        for (uint256 i; i < n; ++i) {
            (uint256 tCode, uint256 tLeg, uint256 bps) = Tranches.get(packed, i);
            if (tCode == code && paid & (1 << i) == 0 && Tranches.onLeg(tLeg, leg, lastLeg)) {
                fresh |= 1 << i;
                total += deposited * bps / Tranches.BPS;
            }
        }
        if (fresh == 0) return;
        s.releasedTranches = uint8(paid | fresh);
        // Σ tranche bps ≤ 10 000 and each tranche is paid once, so Σ released tranches ≤ deposited
        // and, with nothing refunded while Routed, total ≤ held: no underflow.
        s.held -= uint128(total);
        s.released += uint128(total);
        for (uint256 i; i < n; ++i) {
            if (fresh & (1 << i) != 0) {
                (,, uint256 bps) = Tranches.get(packed, i);
                emit TrancheReleased(shipmentId, uint8(i), deposited * bps / Tranches.BPS);
            }
        }
        _credit(_payee(s), s.token, total);
    }

    /// @inheritdoc ShipmentStore
    function _dropped(Shipment storage s, uint256 shipmentId) internal override {
        // Delivery counts only when on time and undisputed (B9); a late DROP is history only.
        if (s.state != State.Routed || block.timestamp > s.deadline) return;
        s.state = State.Delivered;
        s.deliveredAt = uint40(block.timestamp);
        emit Delivered(shipmentId, uint40(block.timestamp));
    }

    function _complete(Shipment storage s, uint256 shipmentId) private {
        uint256 amount = s.held;
        s.held = 0;
        // released + held == deposited - refunded: moving held into released keeps the sum.
        s.released += uint128(amount);
        _close(s, State.Completed);
        emit Completed(shipmentId, amount);
        _credit(_payee(s), s.token, amount);
    }

    function _refund(Shipment storage s, uint256 shipmentId) private {
        uint256 amount = s.held;
        s.held = 0;
        // Moving held into refunded keeps released + refunded + held == deposited.
        s.refunded += uint128(amount);
        _close(s, State.Refunded);
        emit Refunded(shipmentId, amount);
        _credit(s.buyer, s.token, amount);
    }

    function _resolve(Shipment storage s, uint256 shipmentId, uint256 toBuyer, bool byTimeout) private {
        uint256 held = s.held;
        // toBuyer ≤ held: checked by resolveDispute, and settleDispute passes 0 or held.
        uint256 toSeller = held - toBuyer;
        s.held = 0;
        s.refunded += uint128(toBuyer);
        s.released += uint128(toSeller);
        _close(s, State.Resolved);
        emit DisputeResolved(shipmentId, toBuyer, toSeller, byTimeout);
        address token = s.token;
        _credit(s.buyer, token, toBuyer);
        _credit(_payee(s), token, toSeller);
    }
}
