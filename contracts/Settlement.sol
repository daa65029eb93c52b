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

    /// @dev Both waits are bounded (A7): no deployment can freeze a delivered or disputed escrow
    /// for longer than 30 + 90 days, nor leave the buyer or the arbiter no time at all.
    constructor(uint256 gracePeriod, uint256 arbiterTimeout) {
        if (gracePeriod < MIN_GRACE_PERIOD || gracePeriod > MAX_GRACE_PERIOD) {
            revert OutOfBounds("gracePeriod", gracePeriod, MIN_GRACE_PERIOD, MAX_GRACE_PERIOD);
        }
        if (arbiterTimeout < MIN_ARBITER_TIMEOUT || arbiterTimeout > MAX_ARBITER_TIMEOUT) {
            revert OutOfBounds("arbiterTimeout", arbiterTimeout, MIN_ARBITER_TIMEOUT, MAX_ARBITER_TIMEOUT);
        }
        GRACE_PERIOD = gracePeriod;
        ARBITER_TIMEOUT = arbiterTimeout;
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
        // and, with nothing refunded while Routed, total ≤ held: released stays ≤ deposited < 2**96.
        s.released += uint96(total);
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
        // Delivery counts only when on time (B9); a late DROP is history only. During a dispute an
        // on-time DROP is recorded as delivery without leaving Disputed: the timeout rule then
        // pays the seller side, so a dispute opened just before an on-time delivery cannot turn it
        // into a refund by timeout (A3).
        State state = s.state;
        if ((state != State.Routed && state != State.Disputed) || block.timestamp > s.deadline) return;
        if (state == State.Routed) s.state = State.Delivered;
        s.deliveredAt = uint40(block.timestamp);
        emit Delivered(shipmentId, uint40(block.timestamp));
    }
}
