// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IShipmentsCore} from "./interfaces/IShipments.sol";
import {ShipmentStore} from "./ShipmentStore.sol";

/// @title Pull payments: credits per payee and token, withdrawn by the payee (B24–B26).
/// @dev Escrow never pushes money: settling a shipment only credits. A payee that cannot receive
/// (reverting contract, blacklisted by the token) therefore blocks nobody else, and may withdraw
/// to another address it controls. Invariant: for every token the contract holds at least
/// `Σ held + Σ credits` (exactly that for tokens that do not rebase).
abstract contract Payouts is ShipmentStore, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IShipmentsCore
    function credit(address payee, address token) external view returns (uint256) {
        return _registry().credits[payee][token];
    }

    /// @notice Sends the caller's whole credit in `token` (address(0) = ETH) to `to`.
    /// @dev The credit is zeroed before the transfer; if the transfer fails the whole call reverts,
    /// so the credit stays intact.
    ///
    /// Requirements:
    /// - the caller has a nonzero credit in `token`;
    /// - for ETH, `to` is nonzero and accepts the value.
    ///
    /// Emits a {Withdrawn} event.
    function withdraw(address token, address to) external nonReentrant {
        uint256 amount = _registry().credits[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw(msg.sender, token);
        _registry().credits[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, to, amount);
        if (token == address(0)) {
            if (to == address(0)) revert EthTransferFailed(to, amount);
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert EthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
