// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IShipments} from "./interfaces/IShipments.sol";
import {ShipmentStore} from "./ShipmentStore.sol";
import {LegWord} from "./lib/LegWord.sol";
import {MilestoneRecord} from "./lib/MilestoneRecord.sol";
import {Tranches} from "./lib/Tranches.sol";

/// @title Route commitment, amendment by both parties, and the items root (B5, B6, B14–B16).
/// @dev `routeHash` is always `keccak256(abi.encode(Leg[]))` over the complete route, the same bytes
/// the Python encoder produces. Every {RouteCommitted} event carries the complete route, so each
/// event's legs hash to its `routeHash` and the history of routes is in the logs.
abstract contract Routes is ShipmentStore, EIP712 {
    bytes32 internal constant AMENDMENT_TYPEHASH = keccak256(
        "Amendment(uint256 shipmentId,bytes32 oldRouteHash,uint8 fromLeg,bytes32 routeHash,bytes32 networkHash,uint40 deadline)"
    );

    /// @dev Amendment digests already used: an amendment applies once even if a later amendment
    /// brings the route back to the hash it was signed against.
    mapping(bytes32 digest => bool) private _usedAmendments;

    /// @notice Seller (or its operator) commits the Merkle root of the item trace codes, once (B4).
    ///
    /// Requirements:
    /// - caller is the seller or one of its operators;
    /// - the shipment is not final; no items root was committed before; `itemsRoot` is nonzero.
    ///
    /// Emits an {ItemsCommitted} event.
    function commitItems(uint256 shipmentId, bytes32 itemsRoot) external {
        Shipment storage s = _existing(shipmentId);
        _onlySellerOrOperator(s);
        if (_isFinal(s.state)) revert WrongState(shipmentId, s.state);
        if (itemsRoot == 0 || s.itemsRoot != 0) revert InvalidOrder("itemsRoot");
        s.itemsRoot = itemsRoot;
        emit ItemsCommitted(shipmentId, itemsRoot);
    }

    /// @notice Seller (or its operator) commits the route, replacing any earlier one until the first
    /// ACT milestone (B5, B6).
    ///
    /// Requirements:
    /// - caller is the seller or one of its operators;
    /// - the shipment is Open or Routed and no ACT milestone was recorded ({RouteFrozen});
    /// - 1…16 well-formed, connected legs ending at the order's destination, hashing to `routeHash`.
    ///
    /// Emits a {RouteCommitted} event with `fromLeg` 0.
    function commitRoute(uint256 shipmentId, Leg[] calldata legs, bytes32 routeHash, bytes32 networkHash)
        external
    {
        Shipment storage s = _existing(shipmentId);
        _onlySellerOrOperator(s);
        State state = s.state;
        if (state != State.Open && state != State.Routed) revert WrongState(shipmentId, state);
        if (s.progress & MilestoneRecord.ACTED != 0) revert RouteFrozen(shipmentId, 0);

        _checkLegs(s, legs, 0, routeHash);
        s.state = State.Routed;
        _applyRoute(s, shipmentId, 0, legs, routeHash, networkHash);
    }

    /// @notice Replaces the legs from `fromLeg` on with `legs`, as both buyer and seller signed (B14–B16).
    /// @dev Anyone may submit. The signed `Amendment` binds the current route hash, so it applies only to
    /// the route it was signed against, and each amendment applies at most once.
    ///
    /// Requirements:
    /// - the shipment is Routed; `deadline` has not passed;
    /// - `fromLeg` is not before the current leg, not after the route's end, and not the current leg
    ///   once it arrived; if the current leg departed and is replaced, the new leg keeps its origin
    ///   and carrier (a diversion at sea); the last leg has not recorded its DROP;
    /// - the kept legs followed by `legs` form a valid route hashing to `routeHash`;
    /// - `buyerSignature` and `sellerSignature` are EIP-712 signatures of {amendmentDigest} by them.
    ///
    /// Emits a {RouteCommitted} event carrying the complete new route.
    function amendRoute(
        uint256 shipmentId,
        uint8 fromLeg,
        Leg[] calldata legs,
        bytes32 routeHash,
        bytes32 networkHash,
        uint40 deadline,
        bytes calldata buyerSignature,
        bytes calldata sellerSignature
    ) external {
        Shipment storage s = _existing(shipmentId);
        if (s.state != State.Routed) revert WrongState(shipmentId, s.state);
        if (deadline < block.timestamp) revert AttestationExpired(deadline, block.timestamp);
        _checkAmendable(s, shipmentId, fromLeg, legs, routeHash);
        _checkSigners(
            s,
            _amendmentDigest(shipmentId, s.routeHash, fromLeg, routeHash, networkHash, deadline),
            deadline,
            buyerSignature,
            sellerSignature
        );
        _applyRoute(s, shipmentId, fromLeg, legs, routeHash, networkHash);
    }

    /// @inheritdoc IShipments
    function amendmentDigest(uint256 shipmentId, uint8 fromLeg, bytes32 routeHash, bytes32 networkHash, uint40 deadline)
        external
        view
        returns (bytes32)
    {
        return _amendmentDigest(shipmentId, _existing(shipmentId).routeHash, fromLeg, routeHash, networkHash, deadline);
    }

    // ------------------------------------------------------------------ internals

    function _amendmentDigest(
        uint256 shipmentId,
        bytes32 oldRouteHash,
        uint8 fromLeg,
        bytes32 routeHash,
        bytes32 networkHash,
        uint40 deadline
    ) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(AMENDMENT_TYPEHASH, shipmentId, oldRouteHash, fromLeg, routeHash, networkHash, deadline))
        );
    }

    /// @dev Both parties signed `digest`, and it was not used before; marks it used.
    function _checkSigners(
        Shipment storage s,
        bytes32 digest,
        uint40 deadline,
        bytes calldata buyerSignature,
        bytes calldata sellerSignature
    ) private {
        if (_usedAmendments[digest]) revert AttestationExpired(deadline, block.timestamp);
        address signer = ECDSA.recoverCalldata(digest, buyerSignature);
        if (signer != s.buyer) revert Unauthorized(signer, ROLE_BUYER);
        signer = ECDSA.recoverCalldata(digest, sellerSignature);
        if (signer != s.seller) revert Unauthorized(signer, ROLE_SELLER);
        _usedAmendments[digest] = true;
    }

    /// @dev Checks the complete new route against `routeHash`, stores it and emits it (B5, B14).
    function _applyRoute(
        Shipment storage s,
        uint256 shipmentId,
        uint8 fromLeg,
        Leg[] calldata legs,
        bytes32 routeHash,
        bytes32 networkHash
    ) private {
        // One memory copy of the complete route serves the hash and the event.
        Leg[] memory route = _routeWith(s, fromLeg, legs);
        bytes32 computed = keccak256(abi.encode(route));
        if (computed != routeHash) revert InvalidRoute(routeHash, computed);
        _storeLegs(s, fromLeg, legs);
        s.routeHash = routeHash;
        s.networkHash = networkHash;
        emit RouteCommitted(shipmentId, routeHash, networkHash, fromLeg, route);
    }

    /// @dev Where an amendment may start (B15), then the shape of the new legs (B5).
    function _checkAmendable(
        Shipment storage s,
        uint256 shipmentId,
        uint8 fromLeg,
        Leg[] calldata legs,
        bytes32 routeHash
    ) private view {
        uint256 p = s.progress;
        uint256 cur = MilestoneRecord.currentLeg(p);
        uint256 phase = MilestoneRecord.phase(p);
        if (fromLeg > s.legCount) revert InvalidRoute(routeHash, 0);
        bool frozen = p & MilestoneRecord.DROPPED != 0 || fromLeg < cur;
        if (!frozen && fromLeg == cur && phase != 0) {
            // A departed leg can only be diverted: same carrier, same origin; an arrived one is done.
            uint256 word = s.legs[cur];
            frozen = phase == MilestoneRecord.ARRIVED || legs.length == 0 || legs[0].carrier != LegWord.carrier(word)
                || legs[0].origin != LegWord.origin(word);
        }
        if (frozen) revert RouteFrozen(shipmentId, fromLeg);
        _checkLegs(s, legs, fromLeg, routeHash);
    }

    /// @dev Validates `legs` as the route's legs from `fromLeg` on (B5). Malformed legs revert with
    /// {InvalidRoute} whose `computed` is zero.
    function _checkLegs(Shipment storage s, Leg[] calldata legs, uint256 fromLeg, bytes32 routeHash) private view {
        uint256 n = legs.length;
        bool bad = n == 0 || fromLeg + n > MAX_LEGS;
        bytes5 previous = fromLeg == 0 ? bytes5(0) : LegWord.destination(s.legs[fromLeg - 1]);
        for (uint256 i; i < n && !bad; ++i) {
            Leg calldata leg = legs[i];
            bytes5 origin = leg.origin;
            bad = leg.carrier == address(0) || origin == 0 || leg.destination == 0
                || leg.plannedDeparture > leg.plannedArrival || (previous != 0 && origin != previous);
            previous = leg.destination;
        }
        if (bad || previous != s.destination) revert InvalidRoute(routeHash, 0);
    }

    /// @dev The complete route after replacing the legs from `fromLeg` with `legs`.
    function _routeWith(Shipment storage s, uint256 fromLeg, Leg[] calldata legs)
        private
        view
        returns (Leg[] memory route)
    {
        route = new Leg[](fromLeg + legs.length);
        for (uint256 i; i < fromLeg; ++i) {
            route[i] = LegWord.unpack(s.legs[i], s.legTimes[i]);
        }
        for (uint256 i; i < legs.length; ++i) {
            route[fromLeg + i] = legs[i];
        }
    }

    /// @dev Writes `legs` from `fromLeg`, clears what an older, longer route left behind, and
    /// re-resolves the tranche trigger flags of every leg (the last leg may have changed).
    function _storeLegs(Shipment storage s, uint256 fromLeg, Leg[] calldata legs) private {
        uint256 n = fromLeg + legs.length;
        uint256 oldCount = s.legCount;
        uint256 packed = s.tranches;
        uint256 trancheCount = s.trancheCount;
        uint256 lastLeg = n - 1;
        for (uint256 i; i < fromLeg; ++i) {
            uint256 word = s.legs[i];
            uint256 updated = (word & ~LegWord.FLAGS_MASK) | _flags(packed, trancheCount, i, lastLeg);
            if (updated != word) s.legs[i] = updated;
        }
        for (uint256 i = fromLeg; i < n; ++i) {
            Leg calldata leg = legs[i - fromLeg];
            s.legs[i] = LegWord.hot(leg) | _flags(packed, trancheCount, i, lastLeg);
            s.legTimes[i] = LegWord.cold(leg);
        }
        for (uint256 i = n; i < oldCount; ++i) {
            delete s.legs[i];
            delete s.legTimes[i];
        }
        // n <= MAX_LEGS (checked in _checkLegs), fits uint8.
        s.legCount = uint8(n);
    }

    function _flags(uint256 packed, uint256 trancheCount, uint256 leg, uint256 lastLeg) private pure returns (uint256) {
        uint256 bits = Tranches.triggers(packed, trancheCount, leg, lastLeg) << 248;
        return leg == lastLeg ? bits | LegWord.LAST : bits;
    }
}
