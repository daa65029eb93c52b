// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The types, events and errors of Tradelane shipments (see {IShipments}).
interface IShipmentsTypes {
    // ------------------------------------------------------------------ types

    /// @dev Lifecycle, in the order a shipment normally moves through it.
    enum State {
        None, //      no such shipment
        Open, //      unused since offers: an accepted shipment starts Routed (kept for numbering)
        Routed, //    offer accepted: funded, route agreed; carriers confirm their legs (A1, A2)
        Delivered, // final carrier recorded DROP by the deadline; buyer grace period runs
        Disputed, //  releases frozen; arbiter decides, or the timeout rule applies
        Completed, // everything released to the seller
        Refunded, //  deadline passed undelivered (or seller cancelled); the rest went back
        Resolved //   dispute settled by the arbiter or by the timeout rule
    }

    /// @dev Transport modes, as the route encoder numbers them.
    enum Mode {
        Sea,
        Air,
        Rail,
        Road,
        Barge // inland waterway
    }

    /// @dev DCSA Track & Trace 2.2 event codes used on a leg.
    /// Origin side (at the leg's origin): GTIN, LOAD, DEPA. Destination side: ARRI, DISC, GTOT,
    /// RELS (customs release), DROP (delivered to consignee; last leg only). INSP: either port.
    enum Code {
        GTIN,
        LOAD,
        DEPA,
        ARRI,
        DISC,
        GTOT,
        INSP,
        RELS,
        DROP
    }

    /// @dev DCSA eventClassifierCode. Only ACT moves a shipment; PLN and EST are recorded only.
    enum Classifier {
        ACT,
        EST,
        PLN
    }

    /// @dev One leg of a committed route. `routeHash = keccak256(abi.encode(Leg[]))`.
    struct Leg {
        bytes5 origin; //           UN/LOCODE, 5 ASCII bytes
        bytes5 destination; //      UN/LOCODE
        Mode mode;
        address carrier; //         only this address (or its EIP-712 signature) reports the leg
        uint40 plannedDeparture; // unix seconds
        uint40 plannedArrival; //   unix seconds
        uint16 passages; //         bitmask of chokepoints (routing/encode.py PASSAGE_BITS)
    }

    /// @dev A tranche of the escrow, released when `code` (DEPA or ARRI, classifier ACT)
    /// is recorded on leg `leg` (255 = the last leg). What the tranches leave is released
    /// on delivery.
    struct Tranche {
        Code code;
        uint8 leg;
        uint16 bps; // share of the deposit in basis points
    }

    /// @dev What the seller (or its operator) offers and signs, and the buyer accepts by funding
    /// it (A1). The EIP-712 `Offer` signs every field, the legs through their `routeHash`
    /// (`keccak256(abi.encode(legs))`) and the tranches as a `Tranche[]`; see {offerDigest}.
    struct Offer {
        address seller;
        address buyer; //        address(0): any buyer may accept
        address token; //        address(0) for ETH
        uint128 amount; //       below 2**96; for ETH must equal msg.value
        bytes5 destination; //   UN/LOCODE of final delivery (the last leg's destination)
        uint40 deadline; //      unix seconds; undelivered after this → buyer may refund
        uint32 gracePeriod; //   must equal GRACE_PERIOD: the seller signs the value it gets
        address arbiter; //      chosen by both: neither buyer nor seller nor any carrier (A3)
        bytes32 itemsRoot; //    Merkle root of the item trace codes (0 = none yet)
        bytes32 networkHash; //  routing data and query the route came from
        uint40 expiry; //        the offer can be accepted until then
        uint64 nonce; //         any value: two otherwise equal offers differ by it
        Tranche[] tranches; //   at most 8, on legs the route has, bps summing to at most 10 000
        Leg[] legs; //           1…16 connected legs ending at `destination`
    }

    /// @dev An EIP-2098 compact signature: `vs` is s with (v − 27) in its top bit.
    struct Signature {
        bytes32 r;
        bytes32 vs;
    }

    /// @dev A carrier's EIP-712 `Booking(bytes32 agreement,uint8 leg)` signature for leg `leg` of
    /// the agreement (the EIP-712 digest of the offer or amendment that set the route) (A2).
    struct BookingSignature {
        uint8 leg;
        bytes32 r;
        bytes32 vs;
    }

    /// @dev One milestone as a carrier reports it (B7).
    struct Milestone {
        uint64 shipmentId;
        uint8 leg;
        Code code;
        Classifier classifier;
        bytes5 location; //  UN/LOCODE where the event happened
        uint40 eventTime; // as reported by the carrier, unix seconds
    }

    /// @dev A milestone in a mixed batch (B13). `r` and `vs` both zero: a direct entry, msg.sender
    /// must be the leg's carrier (deadline ignored). Otherwise (`r`, `vs`) is the carrier's EIP-2098
    /// compact signature of the EIP-712 `Attestation` whose nonce is the number of milestones
    /// already recorded on that leg (B10, A5). A static struct: no offsets in calldata.
    struct Entry {
        Milestone milestone;
        uint40 deadline;
        bytes32 r; //  the signature's r
        bytes32 vs; // EIP-2098: the top bit is v - 27, the other 255 bits are s
    }

    /// @dev Everything a client needs about one shipment, in one call (B30).
    struct ShipmentView {
        State state;
        address buyer;
        address seller;
        address receiver;
        address token;
        address arbiter;
        bytes5 destination;
        uint40 deadline;
        uint40 openedAt;
        uint40 deliveredAt; //  when DROP put it in Delivered (0 if not)
        uint40 disputedAt; //   when the dispute opened (0 if none)
        uint32 gracePeriod;
        uint128 deposited;
        uint128 released; //    credited to the seller side so far
        uint128 refunded; //    credited back to the buyer side
        uint128 held; //        still in escrow for this shipment
        bytes32 terms; //       keccak256(abi.encode(agreement, routeHash)) of the route in force
        bytes32 itemsRoot;
        bytes24 head; //        milestone hash-chain head
        uint32 milestones; //   number of milestones recorded
        uint8 legNonce; //      milestones recorded on the current leg (its next attestation nonce)
        uint16 confirmedLegs; // bit i set once leg i's carrier confirmed its booking (A2)
        uint8 currentLeg;
        uint8 legPhase; //      0 = not departed, 1 = departed, 2 = arrived
        uint40 lastEventTime; // last ACT event time
        Tranche[] tranches;
        /// @dev Planned times and passages are not stored (they are in the route hash and in
        /// {RouteCommitted}): here they read as zero.
        Leg[] legs;
    }

    // ----------------------------------------------------------------- events

    event ShipmentOpened(
        uint256 indexed shipmentId,
        address indexed buyer,
        address indexed seller,
        address token,
        uint256 amount,
        bytes5 destination,
        uint40 deadline,
        address arbiter,
        bytes32 offer
    );
    /// @dev A seller (or its operator) withdrew an offer before anyone accepted it.
    event OfferRevoked(address indexed seller, bytes32 indexed offer);
    /// @dev The carrier of leg `leg` confirmed its booking: its milestones count from now on (A2).
    /// @dev The carriers of the legs in bitmask `legs` confirmed their bookings: their milestones
    /// count from now on (A2).
    event BookingsConfirmed(uint256 indexed shipmentId, uint16 legs);
    event ItemsCommitted(uint256 indexed shipmentId, bytes32 itemsRoot);
    /// @dev `fromLeg` is 0 for the first commitment; an amendment replaces legs from `fromLeg`.
    /// `agreement` is the digest of the offer or amendment that set this route: with `routeHash` it
    /// makes the shipment's `terms`.
    event RouteCommitted(
        uint256 indexed shipmentId,
        bytes32 indexed routeHash,
        bytes32 networkHash,
        bytes32 agreement,
        uint8 fromLeg,
        Leg[] legs
    );
    /// @dev `record` packs the milestone: see docs/SPECIFICATION.md "Milestone record".
    /// `head` is the hash-chain head after this milestone.
    event MilestoneRecorded(uint256 indexed shipmentId, address indexed carrier, bytes32 record, bytes24 head);
    event TrancheReleased(uint256 indexed shipmentId, uint8 indexed tranche, uint256 amount);
    event Delivered(uint256 indexed shipmentId, uint40 deliveredAt);
    event Completed(uint256 indexed shipmentId, uint256 amount);
    event Refunded(uint256 indexed shipmentId, uint256 amount);
    event DisputeOpened(uint256 indexed shipmentId, address indexed by);
    event DisputeResolved(uint256 indexed shipmentId, uint256 toBuyer, uint256 toSeller, bool byTimeout);
    event ReceiverSet(uint256 indexed shipmentId, address receiver);
    event OperatorSet(address indexed seller, address indexed operator, bool authorised);
    event Credited(address indexed payee, address indexed token, uint256 amount);
    event Withdrawn(address indexed payee, address indexed token, address to, uint256 amount);

    // ----------------------------------------------------------------- errors

    /// @dev `shipmentId` does not exist.
    error UnknownShipment(uint256 shipmentId);
    /// @dev The shipment is in `state`, which does not allow this call.
    error WrongState(uint256 shipmentId, State state);
    /// @dev `account` is not allowed to do this (`role` names who is).
    error Unauthorized(address account, bytes32 role);
    /// @dev An order field is invalid; `field` names it.
    error InvalidOrder(bytes32 field);
    /// @dev ETH sent does not match the order amount.
    error WrongValue(uint256 sent, uint256 expected);
    /// @dev The route does not hash to the routeHash given, or is malformed.
    error InvalidRoute(bytes32 given, bytes32 computed);
    /// @dev The route can no longer be replaced this way (shipping started, or leg already passed).
    error RouteFrozen(uint256 shipmentId, uint8 leg);
    /// @dev The milestone's leg is not the current one or the next after an arrival.
    error LegOutOfOrder(uint256 shipmentId, uint8 leg, uint8 expected);
    /// @dev The event code cannot follow what the leg has already recorded.
    error CodeOutOfOrder(uint256 shipmentId, uint8 leg, Code code);
    /// @dev The milestone's location is not the leg's port for that event.
    error WrongLocation(uint256 shipmentId, uint8 leg, bytes5 location, bytes5 expected);
    /// @dev The ACT event time is before the last one, or in the future.
    error TimeOutOfOrder(uint256 shipmentId, uint40 eventTime, uint40 bound);
    /// @dev The attestation's signer is not the leg's carrier.
    error NotCarrier(uint256 shipmentId, uint8 leg, address signer, address carrier);
    /// @dev The attestation expired.
    error AttestationExpired(uint40 deadline, uint256 nowTime);
    /// @dev Too early: `readyAt` is when the call becomes possible.
    error TooEarly(uint256 shipmentId, uint256 readyAt);
    /// @dev The arbiter's split exceeds what is held.
    error SplitTooLarge(uint256 toBuyer, uint256 held);
    /// @dev Nothing to withdraw for this payee and token.
    error NothingToWithdraw(address payee, address token);
    /// @dev A payout of ETH failed.
    error EthTransferFailed(address to, uint256 amount);
    /// @dev The seller's offer nonce was used by an accepted or revoked offer already.
    error OfferUsed(address seller, uint64 nonce);
    /// @dev The offer could be accepted until `expiry`.
    error OfferExpired(uint256 expiry, uint256 nowTime);
    /// @dev `account` cannot be `role` here: it already has another role on the shipment (A2, A3).
    error RoleConflict(address account, bytes32 role);
    /// @dev The leg's carrier has not confirmed its booking: its milestones move nothing (A2).
    error BookingNotConfirmed(uint256 shipmentId, uint8 leg);
    /// @dev The agreement, route or leg given is not the shipment's in force (its `terms`).
    error TermsMismatch(uint256 shipmentId, uint8 leg);
    /// @dev `receiver` cannot receive the seller's payouts (A6).
    error InvalidReceiver(address receiver);
    /// @dev A constructor bound: `value` is outside `min`…`max` (A7).
    error OutOfBounds(bytes32 field, uint256 value, uint256 min, uint256 max);
}

/// @title The entry points {Shipments} runs itself: accepting offers, milestones, payouts, views.
interface IShipmentsCore is IShipmentsTypes {
    /// @notice The buyer accepts a signed offer: opens, funds and commits the route in one
    /// transaction, and confirms the legs whose carriers' booking signatures ride along (A1, A2).
    function acceptOffer(Offer calldata offer, Signature calldata sellerSignature, BookingSignature[] calldata bookings)
        external
        payable
        returns (uint256 shipmentId);

    /// @notice The leg's carrier records a milestone (B7–B9).
    function recordMilestone(Milestone calldata milestone) external;

    /// @notice Anyone relays one carrier-signed attestation (B10–B12).
    /// @dev The attestation's nonce is not sent: it is the number of milestones already recorded on
    /// the milestone's leg (A5), so a signature for another position recovers someone other than
    /// the carrier and is refused with {NotCarrier}, and no other carrier can move it. (`r`, `vs`) is the EIP-2098 compact form
    /// of the carrier's 65-byte signature r ‖ s ‖ v: `vs = s | (v - 27) << 255`. A high `s` is
    /// refused ({ECDSA-ECDSAInvalidSignatureS}).
    function relaySignedMilestone(Milestone calldata milestone, uint40 deadline, bytes32 r, bytes32 vs) external;

    /// @notice The caller, carrier of each milestone's leg, records several milestones in one
    /// transaction, in order (B13). The direct-only batch: no signature words in calldata.
    function recordMilestones(Milestone[] calldata milestones) external;

    /// @notice Record several milestones, direct or signed, in one transaction, in order (B13).
    function recordBatch(Entry[] calldata entries) external;

    /// @notice Payee pulls its credit in `token` (address(0) = ETH) to `to` (B24–B26).
    function withdraw(address token, address to) external;

    function shipment(uint256 shipmentId) external view returns (ShipmentView memory);

    function shipmentCount() external view returns (uint256);

    function credit(address payee, address token) external view returns (uint256);

    /// @notice EIP-712 digest a carrier signs for `milestone` (nonce = milestones on its leg).
    function attestationDigest(Milestone calldata milestone, uint32 nonce, uint40 deadline)
        external
        view
        returns (bytes32);

    function GRACE_PERIOD() external view returns (uint256);

    function ARBITER_TIMEOUT() external view returns (uint256);

    /// @notice The desk the rarely called entry points run in (see {IShipmentsDesk}).
    function DESK() external view returns (address);
}

/// @title The rarely called entry points, run by {ShipmentsDesk} on {Shipments}' storage through
/// its fallback (delegatecall): bookings, amendments, receivers, operators, settlement.
interface IShipmentsDesk is IShipmentsTypes {
    /// @notice The seller (or its operator) withdraws an offer nobody accepted yet (A1).
    function revokeOffer(Offer calldata offer) external;

    /// @notice The carrier of leg `leg` confirms its booking of the terms in force `terms` (A2).
    function confirmBooking(uint256 shipmentId, uint8 leg, bytes32 terms) external;

    /// @notice Anyone relays carriers' booking signatures for `agreement`, the offer or amendment
    /// that set the route in force (A2).
    function confirmBookings(
        uint256 shipmentId,
        bytes32 agreement,
        bytes32 routeHash,
        BookingSignature[] calldata bookings
    ) external;

    /// @notice Seller (or its operator) commits the Merkle root of the shipment's item trace codes once.
    function commitItems(uint256 shipmentId, bytes32 itemsRoot) external;

    /// @notice Buyer and seller both signed a new route for the legs from `fromLeg`; the new legs'
    /// carriers' bookings may ride along (A4, B14–B16). `oldRoute` is the route in force.
    function amendRoute(
        uint256 shipmentId,
        bytes32 agreement,
        Leg[] calldata oldRoute,
        uint8 fromLeg,
        Leg[] calldata legs,
        bytes32 networkHash,
        uint40 deadline,
        Signature calldata buyerSignature,
        Signature calldata sellerSignature,
        BookingSignature[] calldata bookings
    ) external;

    /// @notice Seller names who receives its payouts for this shipment.
    function setReceiver(uint256 shipmentId, address receiver) external;

    /// @notice Seller authorises an operator to sign offers and amendments and commit items for it.
    function setOperator(address operator, bool authorised) external;

    /// @notice Buyer confirms delivery: everything held goes to the seller (B17).
    function confirmDelivery(uint256 shipmentId) external;

    /// @notice Anyone, once the buyer grace period after DROP has passed undisputed (B18).
    function finalize(uint256 shipmentId) external;

    /// @notice Buyer, after the deadline without delivery: everything held goes back (B19).
    function refund(uint256 shipmentId) external;

    /// @notice Seller gives up: everything held goes back to the buyer (B20).
    function cancel(uint256 shipmentId) external;

    /// @notice Buyer or seller freezes releases and asks the arbiter (B21).
    function openDispute(uint256 shipmentId) external;

    /// @notice The arbiter splits what is held: `toBuyer` back, the rest to the seller (B22).
    function resolveDispute(uint256 shipmentId, uint256 toBuyer) external;

    /// @notice Anyone, after the arbiter timeout: the specification's default rule applies (B23).
    function settleDispute(uint256 shipmentId) external;

    function isOperator(address seller, address operator) external view returns (bool);

    /// @notice Whether `seller`'s offer nonce `nonce` was used (accepted or revoked) (A1).
    function offerNonceUsed(address seller, uint64 nonce) external view returns (bool);


    /// @notice EIP-712 digest the seller signs for `offer`.
    function offerDigest(Offer calldata offer) external view returns (bytes32);

    /// @notice EIP-712 digest a carrier signs to confirm leg `leg` of `agreement`.
    function bookingDigest(bytes32 agreement, uint8 leg) external view returns (bytes32);

    /// @notice EIP-712 digest buyer and seller sign for an amendment of `agreement`, the offer or
    /// amendment in force.
    function amendmentDigest(
        uint256 shipmentId,
        bytes32 agreement,
        uint8 fromLeg,
        bytes32 routeHash,
        bytes32 networkHash,
        uint40 deadline
    ) external view returns (bytes32);

    /// @notice The bounds every deployment's GRACE_PERIOD and ARBITER_TIMEOUT lie within (A7).
    function bounds()
        external
        view
        returns (uint256 minGracePeriod, uint256 maxGracePeriod, uint256 minArbiterTimeout, uint256 maxArbiterTimeout);
}

/// @title Tradelane shipments: the complete surface every client (CLI, brownie scripts, tests,
/// web page) codes against, at the Shipments address.
/// @dev Behaviour numbers (A1…, B1, …) refer to docs/SPECIFICATION.md.
interface IShipments is IShipmentsCore, IShipmentsDesk {}
