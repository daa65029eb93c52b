// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IShipmentsTypes} from "../interfaces/IShipments.sol";

/// @title The release schedule of a shipment, packed into 160 bits.
/// @dev Tranche `i` occupies bits `20*i … 20*i+19`: ARRI flag (1) | leg (5, 31 = the last leg) |
/// bps (14), lowest first. At most 8 tranches; their bps sum to at most 10 000, the rest is paid
/// on delivery (B3).
library Tranches {
    uint256 internal constant MAX = 8;
    uint256 internal constant BPS = 10_000;
    uint8 internal constant LAST_LEG = 255;

    /// @dev Validates and packs the offer's tranches for a route of `legCount` legs (B3).
    ///
    /// Requirements:
    /// - at most 8 tranches, each on DEPA or ARRI, on a leg the route has or 255 (the last leg);
    /// - bps summing to at most 10 000.
    function pack(IShipmentsTypes.Tranche[] calldata tranches, uint256 legCount) internal pure returns (uint256 packed) {
        uint256 n = tranches.length;
        bool bad = n > MAX;
        uint256 sum;
        for (uint256 i; i < n && !bad; ++i) {
            IShipmentsTypes.Tranche calldata t = tranches[i];
            uint256 code = uint256(t.code);
            uint256 leg = t.leg;
            uint256 bps = t.bps;
            bad = (code != uint256(IShipmentsTypes.Code.DEPA) && code != uint256(IShipmentsTypes.Code.ARRI))
                || (leg >= legCount && leg != LAST_LEG);
            sum += bps;
            uint256 legBits = leg == LAST_LEG ? 31 : leg;
            packed |= ((code & 1) | (legBits << 1) | (bps << 6)) << (20 * i);
        }
        if (bad || sum > BPS) revert IShipmentsTypes.InvalidOrder("tranches");
    }

    /// @dev Tranche `i`: code (DEPA = 2 or ARRI = 3), leg (255 = the last leg), bps.
    function get(uint256 packed, uint256 i) internal pure returns (uint256 code, uint256 leg, uint256 bps) {
        uint256 t = packed >> (20 * i);
        leg = (t >> 1) & 31;
        return (2 + (t & 1), leg == 31 ? LAST_LEG : leg, (t >> 6) & 0x3fff);
    }

    /// @dev Whether tranche `(tLeg)` sits on leg `leg` of a route whose last leg is `lastLeg`.
    function onLeg(uint256 tLeg, uint256 leg, uint256 lastLeg) internal pure returns (bool) {
        return tLeg == leg || (tLeg == LAST_LEG && leg == lastLeg);
    }

    /// @dev Whether every tranche still unpaid sits on a leg of a route of `legCount` legs.
    function fit(uint256 packed, uint256 n, uint256 paid, uint256 legCount) internal pure returns (bool) {
        for (uint256 i; i < n; ++i) {
            (, uint256 tLeg,) = get(packed, i);
            if (paid & (1 << i) == 0 && tLeg != LAST_LEG && tLeg >= legCount) return false;
        }
        return true;
    }

    /// @dev Which of DEPA/ARRI on `leg` release a tranche: bit 0 DEPA, bit 1 ARRI.
    function triggers(uint256 packed, uint256 n, uint256 leg, uint256 lastLeg) internal pure returns (uint256 bits) {
        for (uint256 i; i < n; ++i) {
            (uint256 code, uint256 tLeg,) = get(packed, i);
            if (onLeg(tLeg, leg, lastLeg)) {
                bits |= code == uint256(IShipmentsTypes.Code.DEPA) ? 1 : 2;
            }
        }
    }

    function unpack(uint256 packed, uint256 n) internal pure returns (IShipmentsTypes.Tranche[] memory out) {
        out = new IShipmentsTypes.Tranche[](n);
        for (uint256 i; i < n; ++i) {
            (uint256 code, uint256 leg, uint256 bps) = get(packed, i);
            out[i] = IShipmentsTypes.Tranche(IShipmentsTypes.Code(code), uint8(leg), uint16(bps));
        }
    }
}
