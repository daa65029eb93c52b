// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Test-only contract party: forwards calls for its owner and receives ETH in a chosen way.
/// @dev Mode 0 accepts ETH, 1 reverts, 2 re-enters `withdraw` on the escrow (and records whether
/// the re-entry succeeded).
contract HostileReceiver {
    error Refused();

    uint8 public mode;
    address public escrow;
    bool public reentered;
    bytes public reentryError;

    function setMode(uint8 newMode, address newEscrow) external {
        mode = newMode;
        escrow = newEscrow;
    }

    /// @dev Calls `target` with `data` as this contract (acting as buyer, seller or receiver).
    function exec(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory result) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(result, 0x20), mload(result))
            }
        }
        return result;
    }

    receive() external payable {
        if (mode == 1) revert Refused();
        if (mode == 2) {
            (bool ok, bytes memory err) =
                escrow.call(abi.encodeWithSignature("withdraw(address,address)", address(0), address(this)));
            reentered = ok;
            reentryError = err;
        }
    }
}
