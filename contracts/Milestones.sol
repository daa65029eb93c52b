// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IShipmentsCore} from "./interfaces/IShipments.sol";
import {ShipmentStore} from "./ShipmentStore.sol";

/// @title Milestones: direct, carrier-signed and batched (B7–B13).
/// @dev The gas-critical path. A milestone reads the shipment's progress word and one leg word,
/// writes the progress word back, and emits one `MilestoneRecorded` log; only an ACT DEPA/ARRI that
/// releases a tranche, or an ACT DROP, touches anything else. Nothing here transfers value.
abstract contract Milestones is ShipmentStore, EIP712 {
    bytes32 internal constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(uint64 shipmentId,uint8 leg,uint8 code,uint8 classifier,bytes5 location,uint40 eventTime,uint32 nonce,uint40 deadline)"
    );

    // keccak256("MilestoneRecorded(uint256,address,bytes32,bytes24)"), a literal for assembly.
    uint256 private constant MILESTONE_RECORDED = 0xdeb89a8fa3d79f1c39855e98d31dc59c5522da95d9fd4f46e9dd22b7a1bb3402;

    // Which ACT codes may follow the leg's phase: bit (16 * phase + code).
    //   not departed: GTIN LOAD DEPA INSP; departed: ARRI INSP; arrived: DISC GTOT INSP RELS DROP.
    uint256 private constant ALLOWED = 0x1f000480047;
    uint256 private constant ORIGIN_SIDE = 0x07; // GTIN LOAD DEPA: at the leg's origin
    uint256 private constant EITHER_SIDE = 0x40; // INSP: at origin or destination
    uint256 private constant PHASE_AFTER = 0x90; //  2 bits per code: DEPA (2) → 1, ARRI (3) → 2
    // MilestoneRecord and LegWord constants, as literals so that assembly can use them.
    uint256 private constant PHASE_MASK = 0x03;
    uint256 private constant DEPARTED = 1;
    uint256 private constant ARRIVED = 2;
    uint256 private constant DROPPED = 0x04;
    uint256 private constant CLOSED = 0x08;
    uint256 private constant RELAYED = 0x1000000000000000000; // 1 << 72, the record's flag bit
    uint256 private constant IN_BATCH = 0x10000000000000000000; // 1 << 76, never recorded
    uint256 private constant HEAD_MASK = 0xffffffffffffffffffffffffffffffffffffffffffffffff0000000000000000;
    uint256 private constant TRIGGER_DEPA = 0x0100000000000000000000000000000000000000000000000000000000000000;
    uint256 private constant TRIGGER_ARRI = 0x0200000000000000000000000000000000000000000000000000000000000000;
    uint256 private constant LAST = 0x0400000000000000000000000000000000000000000000000000000000000000;
    uint256 private constant CONFIRMED = 0x0800000000000000000000000000000000000000000000000000000000000000;

    /// @inheritdoc IShipmentsCore
    function recordMilestone(Milestone calldata milestone) external {
        _record(milestone, 0);
    }

    /// @inheritdoc IShipmentsCore
    function relaySignedMilestone(Milestone calldata milestone, uint40 deadline, bytes32 r, bytes32 vs) external {
        if (deadline < block.timestamp) revert AttestationExpired(deadline, block.timestamp);
        (r, vs); // read by {_record}, after `deadline`, as in an {Entry}
        _record(milestone, RELAYED);
    }

    /// @inheritdoc IShipmentsCore
    function recordMilestones(Milestone[] calldata milestones) external {
        uint256 n = milestones.length;
        for (uint256 i; i < n; ++i) {
            _record(milestones[i], IN_BATCH);
        }
    }

    /// @inheritdoc IShipmentsCore
    function recordBatch(Entry[] calldata entries) external {
        uint256 n = entries.length;
        for (uint256 i; i < n; ++i) {
            Entry calldata e = entries[i];
            bytes32 r = e.r;
            bytes32 vs = e.vs;
            if (r == 0 && vs == 0) {
                // No signature: the sender reports its own leg.
                _record(e.milestone, IN_BATCH);
            } else {
                uint40 deadline = e.deadline;
                if (deadline < block.timestamp) revert AttestationExpired(deadline, block.timestamp);
                _record(e.milestone, IN_BATCH | RELAYED);
            }
        }
    }

    /// @inheritdoc IShipmentsCore
    function attestationDigest(Milestone calldata milestone, uint32 nonce, uint40 deadline)
        external
        view
        returns (bytes32)
    {
        return _attestationDigest(milestone, nonce, deadline);
    }

    // ------------------------------------------------------------------ internals

    /// @dev The EIP-712 digest of the `Attestation` of milestone `m` at `nonce` with `deadline` (B10).
    ///
    /// hashStruct(Attestation) = keccak256(typeHash ‖ the 8 words): the six Milestone words in calldata
    /// are already the EIP-712 encoding of the first six fields (uintN right-aligned, bytes5
    /// left-aligned); fields outside their types are refused by {_record} before anything is recorded.
    /// The domain (name, version, chain id, this contract) is OpenZeppelin's {EIP712}.
    function _attestationDigest(Milestone calldata m, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32 digest)
    {
        bytes32 typeHash = ATTESTATION_TYPEHASH;
        bytes32 domainSeparator = _domainSeparatorV4();
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            calldatacopy(add(ptr, 0x20), m, 0xc0)
            mstore(add(ptr, 0xe0), nonce)
            mstore(add(ptr, 0x100), deadline)
            let structHash := keccak256(ptr, 0x120)
            // MessageHashUtils.toTypedDataHash(domainSeparator, structHash), in the same block:
            // keccak256("\x19\x01" ‖ domainSeparator ‖ structHash).
            mstore(ptr, hex"1901")
            mstore(add(ptr, 0x02), domainSeparator)
            mstore(add(ptr, 0x22), structHash)
            digest := keccak256(ptr, 0x42)
        }
    }

    /// @dev Checks and records milestone `m`. Its reporter is msg.sender, or, when `mode` has the
    /// RELAYED bit, the signer of the carrier's attestation, whose deadline, `r` and `vs` follow `m`
    /// in calldata: they are {relaySignedMilestone}'s next parameters and an {Entry}'s next fields, and
    /// the caller has checked the deadline (reading it through the ABI decoder, which checks its
    /// type). Outside a batch (no IN_BATCH bit) a milestone that moves no money ends the call (B7–B9).
    ///
    /// The attestation's nonce is not sent: it is the number of milestones already recorded on the
    /// milestone's leg (A5), as in an ERC-2612 permit, so a signature already recorded, or made for
    /// another position on the leg, recovers someone other than the carrier ({NotCarrier}); another
    /// leg's carrier cannot move it.
    /// The signer is recovered by OpenZeppelin's {ECDSA-recover} from the EIP-2098 compact
    /// signature: it refuses a high `s` and a signature that recovers nobody.
    ///
    /// Written in assembly because it is the path every carrier pays for: one cold read of the
    /// progress word, one of the leg word, one update, one LOG3 (see docs/SPECIFICATION.md, "Gas").
    /// Each failed check reverts at once with the interface's custom error (selectors spelled out
    /// below; the behaviour tests decode every one of them), before anything is written.
    function _record(Milestone calldata m, uint256 mode) private {
        uint256 p; // the shipment's progress word
        assembly {
            let id := calldataload(m)
            // The validation Solidity's ABI decoder applies to a Milestone (uint64 id, Code ≤ 8,
            // Classifier ≤ 2, bytes5 location, uint40 eventTime), as one branch. A leg above 255 needs
            // no check of its own: it is never the current leg or the next, so LegOutOfOrder follows.
            if or(
                or(shr(64, id), gt(calldataload(add(m, 0x40)), 8)),
                or(gt(calldataload(add(m, 0x60)), 2), or(shl(40, calldataload(add(m, 0x80))), shr(40, calldataload(add(m, 0xa0)))))
            ) { revert(0, 0) }

            // id < 2**64 (checked above), so the 64-slot strides never overlap.
            let slot := add(SHIPMENTS_LOCATION, shl(SHIPMENT_STRIDE_SHIFT, id))
            p := sload(slot)
            // Unknown (progress 0): UnknownShipment. Closed, at its 65 535 milestones or with 255 on
            // the current leg: WrongState. The struct's word 17 holds the state at bits 240–247.
            // Scratch memory is fine for the revert data: nothing survives a revert.
            if or(or(iszero(p), and(p, CLOSED)), or(eq(and(p, 0xffff0000), 0xffff0000), eq(and(p, 0xff00), 0xff00))) {
                let state := and(shr(240, sload(add(slot, 17))), 0xff)
                mstore(0x04, id)
                if iszero(state) {
                    mstore(0x00, shl(224, 0x546a1142)) // UnknownShipment(uint256)
                    revert(0x00, 0x24)
                }
                mstore(0x00, shl(224, 0x800b0615)) // WrongState(uint256,uint8)
                mstore(0x24, state)
                revert(0x00, 0x44)
            }
        }
        address reporter = msg.sender;
        if (mode & RELAYED != 0) {
            uint256 deadline;
            bytes32 r;
            bytes32 vs;
            assembly {
                deadline := calldataload(add(m, 0xc0))
                r := calldataload(add(m, 0xe0))
                vs := calldataload(add(m, 0x100))
            }
            // The nonce is per leg (A5): the milestones already on the current leg, 0 for the next
            // (any other leg is refused below, whatever it recovers).
            uint256 nonce;
            assembly {
                nonce := mul(eq(calldataload(add(m, 0x20)), and(shr(4, p), 0x0f)), and(shr(8, p), 0xff))
            }
            reporter = ECDSA.recover(_attestationDigest(m, nonce, deadline), r, vs);
        }
        uint256 release; // 1: an ACT DEPA/ARRI that releases a tranche; 2: an ACT DROP
        assembly {
            // Custom-error reverts. Scratch memory is fine: nothing survives a revert.
            function fail2(selector, a, b) {
                mstore(0x00, shl(224, selector))
                mstore(0x04, a)
                mstore(0x24, b)
                revert(0x00, 0x44)
            }
            function fail3(selector, a, b, c) {
                mstore(0x00, shl(224, selector))
                mstore(0x04, a)
                mstore(0x24, b)
                mstore(0x44, c)
                revert(0x00, 0x64)
            }
            function fail4(selector, a, b, c, d) {
                mstore(0x00, shl(224, selector))
                mstore(0x04, a)
                mstore(0x24, b)
                mstore(0x44, c)
                mstore(0x64, d)
                revert(0x00, 0x84)
            }
            let id := calldataload(m)
            let leg := calldataload(add(m, 0x20))
            let code := calldataload(add(m, 0x40))
            let slot := add(SHIPMENTS_LOCATION, shl(SHIPMENT_STRIDE_SHIFT, id))
            // The current leg, or the next one once the current has arrived, opened by an ACT: one
            // carrier reports at a time, so no carrier can move another's attestation nonce (B8, A5).
            let cur := and(shr(4, p), 0x0f)
            if iszero(eq(leg, cur)) {
                if or(
                    or(iszero(eq(leg, add(cur, 1))), iszero(eq(and(p, PHASE_MASK), ARRIVED))),
                    or(gt(leg, 15), calldataload(add(m, 0x60)))
                ) {
                    fail3(0xd4efc844, id, leg, cur) // LegOutOfOrder(uint256,uint8,uint8)
                }
            }
            // legs[leg] is the struct's word 1 + leg (leg <= 15 here). No carrier: past the route's end.
            let word := sload(add(slot, add(1, leg)))
            if iszero(word) { fail3(0xd4efc844, id, leg, cur) }
            let carrier := and(word, 0xffffffffffffffffffffffffffffffffffffffff)
            // NotCarrier(uint256,uint8,address,address)
            if iszero(eq(reporter, carrier)) { fail4(0xf94437cb, id, leg, reporter, carrier) }
            // An unconfirmed booking records nothing and moves nothing (A2).
            if iszero(and(word, CONFIRMED)) { fail2(0xec6cc864, id, leg) } // BookingNotConfirmed(uint256,uint8)
            {
                // Origin-side codes at the origin, destination-side at the destination, INSP at either.
                // The leg word holds the origin at bits 160–199 and the destination at 200–239.
                let loc := calldataload(add(m, 0x80))
                let expected := shl(216, shr(sub(200, mul(40, and(shr(code, ORIGIN_SIDE), 1))), word))
                if iszero(eq(loc, expected)) {
                    if or(iszero(and(shr(code, EITHER_SIDE), 1)), iszero(eq(loc, shl(216, shr(160, word))))) {
                        fail4(0xfaaa9408, id, leg, loc, expected) // WrongLocation(uint256,uint8,bytes5,bytes5)
                    }
                }
            }
            // count < 0xffff and legNonce < 0xff (checked above): both + 1 fit their bits.
            let low := add(and(p, 0xffffffffffffffff), 0x10100)
            if iszero(calldataload(add(m, 0x60))) {
                // ACT: the leg's phase allows the code, time moves forward but not past now (B8, B9).
                let flags := and(p, 0x0f) // phase and flags
                // Moving on to the next leg (whose predecessor has ARRIVED, checked above): it
                // becomes current, its phase starts afresh and this is its first milestone.
                let moved := iszero(eq(leg, cur))
                flags := sub(flags, mul(ARRIVED, moved))
                let kept := and(low, 0xffffff00)
                kept := xor(kept, mul(moved, xor(kept, or(and(low, 0xffff0000), 0x100))))
                if iszero(and(shr(add(shl(4, and(flags, PHASE_MASK)), code), ALLOWED), 1)) {
                    fail3(0xbe522534, id, leg, code) // CodeOutOfOrder(uint256,uint8,uint8)
                }
                // DEPA → departed, ARRI → arrived (2 bits per code in PHASE_AFTER); a tranche is due
                // if the leg's trigger bit for that code is set (DEPA: bit 248, ARRI: bit 249).
                let after := and(shr(shl(1, code), PHASE_AFTER), PHASE_MASK)
                if after {
                    flags := or(and(flags, not(PHASE_MASK)), after)
                    release := and(shr(add(246, code), word), 1)
                }
                if eq(code, 8) {
                    // DROP: last leg only, once.
                    if or(iszero(and(word, LAST)), and(flags, DROPPED)) { fail3(0xbe522534, id, leg, code) }
                    flags := or(flags, DROPPED)
                    release := 2
                }
                let evt := calldataload(add(m, 0xa0))
                let last := and(shr(32, p), 0xffffffff)
                // TimeOutOfOrder(uint256,uint40,uint40)
                if lt(evt, last) { fail3(0x548a920c, id, evt, last) }
                if gt(evt, timestamp()) { fail3(0x548a920c, id, evt, timestamp()) }
                // evt <= block.timestamp < 2**32 until 2106: fits the 32-bit lastEventTime.
                low := or(or(shl(32, evt), kept), or(shl(4, leg), flags))
            }
            let record := or(
                or(
                    or(shl(248, leg), shl(240, code)),
                    or(shl(232, calldataload(add(m, 0x60))), shr(24, calldataload(add(m, 0x80))))
                ),
                or(
                    or(shl(152, calldataload(add(m, 0xa0))), shl(112, timestamp())),
                    or(shl(64, and(p, 0xffff0000)), and(mode, RELAYED))
                )
            )
            // head' = bytes24(keccak256(head ‖ record ‖ carrier)), hashed in scratch space: the 76
            // bytes run into the free-memory pointer (0x40–0x57), restored below unless the call ends.
            let fmp := mload(0x40)
            mstore(0x00, and(p, HEAD_MASK))
            mstore(0x18, record)
            mstore(0x38, shl(96, carrier))
            p := or(and(keccak256(0x00, 0x4c), HEAD_MASK), low)
            sstore(slot, p)
            // MilestoneRecorded(shipmentId, carrier, record, head): bytes24 data is left-aligned.
            mstore(0x00, record)
            mstore(0x20, and(p, HEAD_MASK))
            log3(0x00, 0x40, MILESTONE_RECORDED, id, carrier)
            // A single milestone that moves no money is done: end the call here instead of walking
            // back through Solidity's epilogue (nothing is returned, nothing else is pending).
            if iszero(or(release, and(mode, IN_BATCH))) { stop() }
            mstore(0x40, fmp)
        }
        if (release != 0) {
            Shipment storage s = _shipmentAt(m.shipmentId);
            if (release == 1) _releaseTranches(s, m.shipmentId, m.leg, uint256(m.code), s.legCount - 1);
            else _dropped(s, m.shipmentId);
        }
    }
}
