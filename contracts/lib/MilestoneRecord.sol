// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;


/// @title Packing of the per-shipment progress slot and of milestone records.
/// @dev The progress slot is the only per-shipment storage a milestone writes (B7). Layout,
/// most significant bit first:
///
///     255..64  head          hash-chain head (bytes24)
///      63..32  lastEventTime last ACT event time (uint32; times are bounded by block.timestamp)
///      31..16  count         milestones recorded so far = next attestation nonce (uint16)
///      15..8   currentLeg    index of the leg being travelled
///       7..0   flags         PHASE (2 bits), ACTED, DROPPED, CLOSED
///
/// The progress slot of an existing shipment is never zero: the genesis head is a nonzero hash,
/// so the first milestone is a nonzero → nonzero SSTORE like every other one. The genesis
/// lastEventTime is the acceptance time: no ACT milestone can predate the shipment.
///
/// A milestone record (the `record` of `MilestoneRecorded`) is one bytes32:
///
///     255..248 leg   247..240 code   239..232 classifier   231..192 location (bytes5)
///     191..152 eventTime (uint40)    151..112 recordedAt = block.timestamp (uint40)
///     111..80  seq (uint32, 0-based index in the shipment's history)
///     72       relayed with a signature          everything else zero
///
/// and the chain advances as `head' = bytes24(keccak256(abi.encodePacked(head, record, carrier)))`.
/// The milestone path itself is in {Milestones-_record}, in assembly; these helpers serve the views
/// and the other entry points.
library MilestoneRecord {
    uint256 internal constant HEAD_MASK = ~uint256(0xffffffffffffffff);
    uint256 internal constant PHASE_MASK = 0x03;
    uint256 internal constant DEPARTED = 1;
    uint256 internal constant ARRIVED = 2;
    uint256 internal constant DROPPED = 0x04; // the last leg recorded its ACT DROP
    uint256 internal constant CLOSED = 0x08; //  the shipment reached a final state
    uint256 internal constant RELAYED = 1 << 72;

    /// @dev The genesis progress word of shipment `shipmentId`: head and lastEventTime = now.
    function genesis(uint256 shipmentId) internal view returns (uint256) {
        return (uint256(keccak256(abi.encode(block.chainid, address(this), shipmentId))) & HEAD_MASK)
            | (block.timestamp << 32);
    }

    function head(uint256 progress) internal pure returns (bytes24) {
        return bytes24(bytes32(progress));
    }

    function lastEventTime(uint256 progress) internal pure returns (uint40) {
        return uint40((progress >> 32) & 0xffffffff);
    }

    function count(uint256 progress) internal pure returns (uint32) {
        return uint32((progress >> 16) & 0xffff);
    }

    function legNonce(uint256 progress) internal pure returns (uint8) {
        return uint8(progress >> 8);
    }

    function currentLeg(uint256 progress) internal pure returns (uint8) {
        return uint8((progress >> 4) & 0x0f);
    }

    function phase(uint256 progress) internal pure returns (uint8) {
        return uint8(progress & PHASE_MASK);
    }
}
