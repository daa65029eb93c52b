// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Tradelane shipments: escrow, committed route, DCSA milestones.
/// @notice The external surface every client (CLI, brownie scripts, tests, web page) codes against.
/// @dev Behaviour numbers (B1, B2, …) refer to docs/SPECIFICATION.md.
interface IShipments {
    // ------------------------------------------------------------------ types

    /// @dev Lifecycle, in the order a shipment normally moves through it.
    enum State {
        None, //      no such shipment
        Open, //      funded, no route committed yet
        Routed, //    route committed (frozen once the first ACT milestone is recorded)
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
        Road
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

    /// @dev What the buyer asks for when opening a shipment (B1).
    struct Order {
        address seller;
        address token; //        address(0) for ETH
        uint128 amount; //       for ETH must equal msg.value
        bytes5 destination; //   UN/LOCODE of final delivery
        uint40 deadline; //      unix seconds; undelivered after this → buyer may refund
        address arbiter; //      decides disputes; not the buyer or seller
        bytes32 itemsRoot; //    Merkle root of the item trace codes (0 = none yet)
        Tranche[] tranches; //   at most 8, bps summing to at most 10 000
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
    /// compact signature of the EIP-712 `Attestation` whose nonce is the shipment's milestone count
    /// when the entry is recorded (B10). A static struct: no offsets in calldata.
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
        uint128 deposited;
        uint128 released; //    credited to the seller side so far
        uint128 refunded; //    credited back to the buyer side
        uint128 held; //        still in escrow for this shipment
        bytes32 routeHash;
        bytes32 networkHash;
        bytes32 itemsRoot;
        bytes24 head; //        milestone hash-chain head
        uint32 milestones; //   number of milestones recorded (next attestation nonce)
        uint8 currentLeg;
        uint8 legPhase; //      0 = not departed, 1 = departed, 2 = arrived
        uint40 lastEventTime; // last ACT event time
        Tranche[] tranches;
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
        address arbiter
    );
    event ItemsCommitted(uint256 indexed shipmentId, bytes32 itemsRoot);
    /// @dev `fromLeg` is 0 for the first commitment; an amendment replaces legs from `fromLeg`.
    event RouteCommitted(
        uint256 indexed shipmentId, bytes32 indexed routeHash, bytes32 networkHash, uint8 fromLeg, Leg[] legs
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

    // -------------------------------------------------------------- functions

    /// @notice Buyer opens and funds a shipment (B1–B4). Returns its id (1, 2, …).
    function openShipment(Order calldata order) external payable returns (uint256 shipmentId);

    /// @notice Seller (or its operator) commits the Merkle root of the shipment's item trace codes once.
    function commitItems(uint256 shipmentId, bytes32 itemsRoot) external;

    /// @notice Seller (or its operator) commits the route; allowed again until shipping starts (B5–B6).
    function commitRoute(uint256 shipmentId, Leg[] calldata legs, bytes32 routeHash, bytes32 networkHash)
        external;

    /// @notice Buyer and seller both signed a new route for the legs from `fromLeg` (B14–B16).
    /// @dev Unlike attestations, the two signatures stay standard 65-byte r ‖ s ‖ v `bytes`: a rare
    /// two-party call with no gas target, signed by ordinary wallets.
    function amendRoute(
        uint256 shipmentId,
        uint8 fromLeg,
        Leg[] calldata legs,
        bytes32 routeHash,
        bytes32 networkHash,
        uint40 deadline,
        bytes calldata buyerSignature,
        bytes calldata sellerSignature
    ) external;

    /// @notice The leg's carrier records a milestone (B7–B9).
    function recordMilestone(Milestone calldata milestone) external;

    /// @notice Anyone relays one carrier-signed attestation (B10–B12).
    /// @dev The attestation's nonce is not sent: it is the shipment's milestone count, as with an
    /// ERC-2612 permit, so a signature for another position in the history recovers someone other
    /// than the carrier and is refused with {NotCarrier}. (`r`, `vs`) is the EIP-2098 compact form
    /// of the carrier's 65-byte signature r ‖ s ‖ v: `vs = s | (v - 27) << 255`. A high `s` is
    /// refused ({ECDSA-ECDSAInvalidSignatureS}).
    function relaySignedMilestone(Milestone calldata milestone, uint40 deadline, bytes32 r, bytes32 vs) external;

    /// @notice The caller, carrier of each milestone's leg, records several milestones in one
    /// transaction, in order (B13). The direct-only batch: no signature words in calldata.
    function recordMilestones(Milestone[] calldata milestones) external;

    /// @notice Record several milestones, direct or signed, in one transaction, in order (B13).
    function recordBatch(Entry[] calldata entries) external;

    /// @notice Seller names who receives its payouts for this shipment.
    function setReceiver(uint256 shipmentId, address receiver) external;

    /// @notice Seller authorises an operator to commit routes and items on its behalf.
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

    /// @notice Payee pulls its credit in `token` (address(0) = ETH) to `to` (B24–B26).
    function withdraw(address token, address to) external;

    // ------------------------------------------------------------------ views

    function shipment(uint256 shipmentId) external view returns (ShipmentView memory);

    function shipmentCount() external view returns (uint256);

    function credit(address payee, address token) external view returns (uint256);

    function isOperator(address seller, address operator) external view returns (bool);

    /// @notice EIP-712 digest a carrier signs for `milestone` (nonce = milestone count).
    function attestationDigest(Milestone calldata milestone, uint32 nonce, uint40 deadline)
        external
        view
        returns (bytes32);

    /// @notice EIP-712 digest buyer and seller sign for an amendment.
    function amendmentDigest(
        uint256 shipmentId,
        uint8 fromLeg,
        bytes32 routeHash,
        bytes32 networkHash,
        uint40 deadline
    ) external view returns (bytes32);

    function GRACE_PERIOD() external view returns (uint256);

    function ARBITER_TIMEOUT() external view returns (uint256);
}
