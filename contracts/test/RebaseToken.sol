// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @dev Test token whose balances all grow when `rebase` raises the share price (stETH-style):
/// holders own shares; balanceOf = shares × index / 1e18, rounded down; transfers move the
/// shares worth the amount, rounded down. Only for the contract tests.
contract RebaseToken {
    mapping(address => uint256) public shares;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public index = 1e18;

    function balanceOf(address who) public view returns (uint256) {
        return shares[who] * index / 1e18;
    }

    function mint(address to, uint256 amount) external {
        shares[to] += amount * 1e18 / index;
    }

    /// @dev Everyone's balance grows by `bps` basis points.
    function rebase(uint256 bps) external {
        index = index * (10_000 + bps) / 10_000;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        _move(from, to, amount);
        return true;
    }

    function _move(address from, address to, uint256 amount) private {
        uint256 moved = amount * 1e18 / index;
        shares[from] -= moved;
        shares[to] += moved;
    }
}
