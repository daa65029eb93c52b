// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IShipments} from "../interfaces/IShipments.sol";

/// @title The release schedule of a shipment, packed into one word.
/// @dev Tranche `i` occupies bits `32*i … 32*i+31`: code (8) | leg (8) | bps (16), lowest first.
/// At most 8 tranches; their bps sum to at most 10 000, the rest is paid on delivery (B3).
library Tranches {
    uint256 internal constant MAX = 8;
    uint256 internal constant BPS = 10_000;
    uint8 internal constant LAST_LEG = 255;

    /// @dev Validates and packs the order's tranches (B3).
    ///
    /// Requirements:
    /// - at most 8 tranches, each on DEPA or ARRI, on leg 0…15 or 255 (the last leg);
    /// - bps summing to at most 10 000.
    function pack(IShipments.Tranche[] calldata tranches) internal pure returns (uint256 packed) {
        uint256 n = tranches.length;
        bool bad = n > MAX;
        uint256 sum;
        for (uint256 i; i < n && !bad; ++i) {
            IShipments.Tranche calldata t = tranches[i];
            uint256 code = uint256(t.code);
            uint256 leg = t.leg;
            uint256 bps = t.bps;
            bad = (code != uint256(IShipments.Code.DEPA) && code != uint256(IShipments.Code.ARRI))
                || (leg >= 16 && leg != LAST_LEG);
            sum += bps;
            packed |= (code | (leg << 8) | (bps << 16)) << (32 * i);
        }
        if (bad || sum > BPS) revert IShipments.InvalidOrder("tranches");
    }

    function get(uint256 packed, uint256 i) internal pure returns (uint256 code, uint256 leg, uint256 bps) {
        uint256 t = packed >> (32 * i);
        return (t & 0xff, (t >> 8) & 0xff, (t >> 16) & 0xffff);
    }

    /// @dev Whether tranche `(tLeg)` sits on leg `leg` of a route whose last leg is `lastLeg`.
    function onLeg(uint256 tLeg, uint256 leg, uint256 lastLeg) internal pure returns (bool) {
        return tLeg == leg || (tLeg == LAST_LEG && leg == lastLeg);
    }

    /// @dev Which of DEPA/ARRI on `leg` release a tranche: bit 0 DEPA, bit 1 ARRI.
    function triggers(uint256 packed, uint256 n, uint256 leg, uint256 lastLeg) internal pure returns (uint256 bits) {
        for (uint256 i; i < n; ++i) {
            (uint256 code, uint256 tLeg,) = get(packed, i);
            if (onLeg(tLeg, leg, lastLeg)) {
                bits |= code == uint256(IShipments.Code.DEPA) ? 1 : 2;
            }
        }
    }

    function unpack(uint256 packed, uint256 n) internal pure returns (IShipments.Tranche[] memory out) {
        out = new IShipments.Tranche[](n);
        for (uint256 i; i < n; ++i) {
            (uint256 code, uint256 leg, uint256 bps) = get(packed, i);
            out[i] = IShipments.Tranche(IShipments.Code(code), uint8(leg), uint16(bps));
        }
    }
}
