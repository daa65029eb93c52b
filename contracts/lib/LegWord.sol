// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IShipmentsTypes} from "../interfaces/IShipments.sol";

/// @title Packing of a route leg into the one storage word a shipment keeps per leg.
/// @dev The only leg storage a milestone reads (B7):
///
///     159..0   carrier
///     199..160 origin (bytes5)       239..200 destination (bytes5)
///     247..240 mode                  255..248 flags: TRIGGER_DEPA, TRIGGER_ARRI, LAST, CONFIRMED
///
/// `TRIGGER_*` say whether an ACT DEPA/ARRI on this leg releases a tranche; they are resolved
/// from the tranches whenever the route is agreed or amended (A1, A4), so the milestone path
/// never reads the tranche list unless money moves. `CONFIRMED` is set once the leg's carrier
/// confirmed its booking (A2). Planned times and passages are not stored: the route hash commits
/// to them and every {IShipments-RouteCommitted} event carries them.
library LegWord {
    uint256 internal constant TRIGGER_DEPA = 1 << 248;
    uint256 internal constant TRIGGER_ARRI = 1 << 249;
    uint256 internal constant LAST = 1 << 250;
    uint256 internal constant CONFIRMED = 1 << 251;
    uint256 internal constant FLAGS_MASK = uint256(0xff) << 248;

    function hot(IShipmentsTypes.Leg calldata leg) internal pure returns (uint256) {
        return uint256(uint160(leg.carrier)) | (uint256(uint40(leg.origin)) << 160)
            | (uint256(uint40(leg.destination)) << 200) | (uint256(uint8(leg.mode)) << 240);
    }

    function carrier(uint256 word) internal pure returns (address) {
        return address(uint160(word));
    }

    function origin(uint256 word) internal pure returns (bytes5) {
        return bytes5(uint40(word >> 160));
    }

    function destination(uint256 word) internal pure returns (bytes5) {
        return bytes5(uint40(word >> 200));
    }

    /// @dev The stored part of the leg (planned times and passages read as zero).
    function unpack(uint256 word) internal pure returns (IShipmentsTypes.Leg memory leg) {
        leg.origin = origin(word);
        leg.destination = destination(word);
        leg.mode = IShipmentsTypes.Mode(uint8(word >> 240));
        leg.carrier = carrier(word);
    }
}
