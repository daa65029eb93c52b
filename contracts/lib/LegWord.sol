// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IShipments} from "../interfaces/IShipments.sol";

/// @title Packing of a route leg into the two storage words a shipment keeps per leg.
/// @dev The hot word is the only leg storage a milestone reads (B7):
///
///     159..0   carrier
///     199..160 origin (bytes5)       239..200 destination (bytes5)
///     247..240 mode                  255..248 flags: TRIGGER_DEPA, TRIGGER_ARRI, LAST
///
/// `TRIGGER_*` say whether an ACT DEPA/ARRI on this leg releases a tranche; they are resolved
/// from the tranches whenever the route is committed or amended (B6, B15), so the milestone path
/// never reads the tranche list unless money moves. The cold word holds what only views read:
/// plannedDeparture (39..0), plannedArrival (79..40), passages (95..80).
library LegWord {
    uint256 internal constant TRIGGER_DEPA = 1 << 248;
    uint256 internal constant TRIGGER_ARRI = 1 << 249;
    uint256 internal constant LAST = 1 << 250;
    uint256 internal constant FLAGS_MASK = uint256(0xff) << 248;

    function hot(IShipments.Leg calldata leg) internal pure returns (uint256) {
        return uint256(uint160(leg.carrier)) | (uint256(uint40(leg.origin)) << 160)
            | (uint256(uint40(leg.destination)) << 200) | (uint256(uint8(leg.mode)) << 240);
    }

    function cold(IShipments.Leg calldata leg) internal pure returns (uint256) {
        return uint256(leg.plannedDeparture) | (uint256(leg.plannedArrival) << 40) | (uint256(leg.passages) << 80);
    }

    function carrier(uint256 hotWord) internal pure returns (address) {
        return address(uint160(hotWord));
    }

    function origin(uint256 hotWord) internal pure returns (bytes5) {
        return bytes5(uint40(hotWord >> 160));
    }

    function destination(uint256 hotWord) internal pure returns (bytes5) {
        return bytes5(uint40(hotWord >> 200));
    }

    /// @dev The leg back as the interface spells it (views, amendment hashing).
    function unpack(uint256 hotWord, uint256 coldWord) internal pure returns (IShipments.Leg memory leg) {
        leg.origin = origin(hotWord);
        leg.destination = destination(hotWord);
        leg.mode = IShipments.Mode(uint8(hotWord >> 240));
        leg.carrier = carrier(hotWord);
        leg.plannedDeparture = uint40(coldWord);
        leg.plannedArrival = uint40(coldWord >> 40);
        leg.passages = uint16(coldWord >> 80);
    }
}
