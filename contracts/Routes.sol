// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ShipmentStorage} from "./ShipmentStore.sol";
import {LegWord} from "./lib/LegWord.sol";
import {Tranches} from "./lib/Tranches.sol";

/// @title What offers, amendments and bookings share: typed data, route checks, leg storage.
/// @dev `routeHash` is always `keccak256(abi.encode(Leg[]))` over the complete route, the same bytes
/// the Python encoder produces. Every {RouteCommitted} event carries the complete route, so each
/// event's legs hash to its `routeHash` and the history of routes is in the logs (B5, B16).
abstract contract RouteRules is ShipmentStorage, EIP712 {
    bytes32 internal constant OFFER_TYPEHASH = keccak256(
        "Offer(address seller,address buyer,address token,uint256 amount,bytes5 destination,uint40 deadline,uint32 gracePeriod,address arbiter,bytes32 itemsRoot,bytes32 routeHash,bytes32 networkHash,Tranche[] tranches,uint40 expiry,uint64 nonce)Tranche(uint8 code,uint8 leg,uint16 bps)"
    );
    bytes32 internal constant TRANCHE_TYPEHASH = keccak256("Tranche(uint8 code,uint8 leg,uint16 bps)");
    bytes32 internal constant BOOKING_TYPEHASH = keccak256("Booking(bytes32 agreement,uint8 leg)");
    bytes32 internal constant AMENDMENT_TYPEHASH = keccak256(
        "Amendment(uint256 shipmentId,bytes32 agreement,uint8 fromLeg,bytes32 routeHash,bytes32 networkHash,uint40 deadline)"
    );

    // ------------------------------------------------------------------ typed data

    function _offerDigest(Offer calldata o, bytes32 routeHash) internal view returns (bytes32) {
        uint256 n = o.tranches.length;
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            Tranche calldata t = o.tranches[i];
            hashes[i] = keccak256(abi.encode(TRANCHE_TYPEHASH, t.code, t.leg, t.bps));
        }
        bytes32 tranchesHash = keccak256(abi.encodePacked(hashes));
        bytes memory head = abi.encode(
            OFFER_TYPEHASH, o.seller, o.buyer, o.token, o.amount, o.destination, o.deadline, o.gracePeriod, o.arbiter
        );
        return _hashTypedDataV4(
            keccak256(
                abi.encodePacked(
                    head, abi.encode(o.itemsRoot, routeHash, o.networkHash, tranchesHash, o.expiry, o.nonce)
                )
            )
        );
    }

    function _bookingDigest(bytes32 agreement, uint256 leg) internal view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(BOOKING_TYPEHASH, agreement, leg)));
    }

    function _amendmentDigest(
        uint256 shipmentId,
        bytes32 agreement,
        uint8 fromLeg,
        bytes32 routeHash,
        bytes32 networkHash,
        uint40 deadline
    ) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(AMENDMENT_TYPEHASH, shipmentId, agreement, fromLeg, routeHash, networkHash, deadline))
        );
    }

    /// @dev The signer of `digest` must be the seller or one of its operators; returns the signer.
    function _sellerSigned(address seller, bytes32 digest, Signature calldata sig) internal view returns (address signer) {
        signer = ECDSA.recover(digest, sig.r, sig.vs);
        if (signer != seller && !_registry().operators[seller][signer]) revert Unauthorized(signer, ROLE_SELLER_OR_OPERATOR);
    }

    // ------------------------------------------------------------------ bookings

    /// @dev The legs of `legs` (placed from `fromLeg`) whose carriers signed a booking of
    /// `agreement`, as a bitmask over the complete route (A2).
    function _bookedLegs(bytes32 agreement, Leg[] calldata legs, uint256 fromLeg, BookingSignature[] calldata bookings)
        internal
        view
        returns (uint256 bits)
    {
        uint256 n = bookings.length;
        for (uint256 i; i < n; ++i) {
            BookingSignature calldata b = bookings[i];
            uint256 leg = b.leg;
            if (leg < fromLeg || leg - fromLeg >= legs.length) revert TermsMismatch(0, b.leg);
            address signer = ECDSA.recover(_bookingDigest(agreement, leg), b.r, b.vs);
            if (signer != legs[leg - fromLeg].carrier) revert Unauthorized(signer, ROLE_CARRIER);
            bits |= 1 << leg;
        }
    }


    // ------------------------------------------------------------------ route checks and storage

    /// @dev Validates `legs` as the route's legs from `fromLeg` on, after a leg ending at `previous`
    /// (0 for the first leg), ending at `destination` (B5), with carriers that hold no other role on
    /// the shipment (A2): not the buyer, seller, arbiter, the signer of the terms or the receiver.
    /// Malformed legs revert with {InvalidRoute} whose `computed` is zero.
    function _checkLegs(
        Leg[] calldata legs,
        uint256 fromLeg,
        bytes5 previous,
        bytes5 destination,
        bytes32 routeHash,
        address[5] memory others
    ) internal pure {
        uint256 n = legs.length;
        bool bad = n == 0 || fromLeg + n > MAX_LEGS;
        for (uint256 i; i < n && !bad; ++i) {
            Leg calldata leg = legs[i];
            bytes5 origin = leg.origin;
            address carrier = leg.carrier;
            bad = carrier == address(0) || origin == 0 || leg.destination == 0
                || leg.plannedDeparture > leg.plannedArrival || (previous != 0 && origin != previous);
            for (uint256 k; k < 5 && carrier != address(0); ++k) {
                if (carrier == others[k]) revert RoleConflict(carrier, ROLE_CARRIER);
            }
            previous = leg.destination;
        }
        if (bad || previous != destination) revert InvalidRoute(routeHash, 0);
    }

    /// @dev Writes `legs` from `fromLeg` (with CONFIRMED where `booked` has the leg's bit), clears
    /// what an older, longer route left behind, and re-resolves the tranche trigger flags of the
    /// kept legs (the last leg may have changed). Returns the new leg count.
    function _storeLegs(Shipment storage s, uint256 fromLeg, Leg[] calldata legs, uint256 booked)
        internal
        returns (uint256 n)
    {
        n = fromLeg + legs.length;
        uint256 oldCount = s.legCount;
        uint256 packed = s.tranches;
        uint256 trancheCount = s.trancheCount;
        uint256 lastLeg = n - 1;
        for (uint256 i; i < fromLeg; ++i) {
            uint256 word = s.legs[i];
            uint256 updated = (word & ~(LegWord.FLAGS_MASK ^ LegWord.CONFIRMED))
                | _flags(packed, trancheCount, i, lastLeg);
            if (updated != word) s.legs[i] = updated;
        }
        for (uint256 i = fromLeg; i < n; ++i) {
            uint256 word = LegWord.hot(legs[i - fromLeg]) | _flags(packed, trancheCount, i, lastLeg);
            if (booked & (1 << i) != 0) word |= LegWord.CONFIRMED;
            s.legs[i] = word;
        }
        for (uint256 i = n; i < oldCount; ++i) {
            delete s.legs[i];
        }
        // n <= MAX_LEGS (checked in _checkLegs), fits uint8.
        s.legCount = uint8(n);
    }

    function _flags(uint256 packed, uint256 trancheCount, uint256 leg, uint256 lastLeg) private pure returns (uint256) {
        uint256 bits = Tranches.triggers(packed, trancheCount, leg, lastLeg) << 248;
        return leg == lastLeg ? bits | LegWord.LAST : bits;
    }
}
